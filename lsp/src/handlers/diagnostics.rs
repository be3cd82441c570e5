//! Diagnostics: re-check a workspace (or a loose file) and publish what the
//! compiler found for every file of it, clearing files that no longer have any.

use crate::convert;
use crate::state::{Owner, State};
use lsp_types::{Diagnostic, PublishDiagnosticsParams};
use pmth_compiler::source::{FileKind, SourceMap};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Re-checks `owner` and returns the `publishDiagnostics` to send, sorted by path.
pub fn check(state: &mut State, owner: &Owner) -> Vec<PublishDiagnosticsParams> {
    match owner {
        Owner::Workspace(root) => check_workspace(state, root),
        Owner::Loose(path) => check_loose(state, path),
    }
}

fn check_workspace(state: &mut State, root: &Path) -> Vec<PublishDiagnosticsParams> {
    let overlays = state.overlays();
    let ws = state.workspaces.entry(root.to_path_buf()).or_default();
    let comp =
        match pmth_compiler::compile_with_session(&mut ws.session, root, &state.options, &overlays)
        {
            Ok(c) => c,
            // The workspace is gone (pmth.toml deleted): clear what we published.
            Err(_) => {
                let gone = std::mem::take(&mut ws.published);
                ws.compilation = None;
                return gone
                    .into_keys()
                    .filter_map(|p| publish(state, &p, Vec::new()))
                    .collect();
            }
        };
    let mut by_file: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
    for d in comp.diagnostics.iter() {
        if let Some((path, diag)) = convert::diagnostic(root, comp.sources(), d) {
            by_file.entry(path).or_default().push(diag);
        }
    }
    ws.compilation = Some(comp);
    // Files that had diagnostics and have none now are cleared.
    let before = std::mem::take(&mut ws.published);
    let mut changed: Vec<(PathBuf, Vec<Diagnostic>)> = Vec::new();
    for (path, old) in &before {
        if !by_file.contains_key(path) && !old.is_empty() {
            changed.push((path.clone(), Vec::new()));
        }
    }
    for (path, new) in &by_file {
        if before.get(path) != Some(new) {
            changed.push((path.clone(), new.clone()));
        }
    }
    ws.published = by_file;
    // Open documents of this workspace always get one (their version moved on),
    // and go first: they are what the user is looking at.
    let mut out: Vec<PublishDiagnosticsParams> = Vec::new();
    let mut open: Vec<&PathBuf> = state
        .docs
        .keys()
        .filter(|p| state.owner(p) == Owner::Workspace(root.to_path_buf()))
        .collect();
    open.sort();
    let ws = state.workspaces.get(root);
    for path in open {
        let diags = ws
            .and_then(|w| w.published.get(path))
            .cloned()
            .unwrap_or_default();
        out.extend(publish(state, path, diags));
    }
    changed.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, diags) in changed {
        if !state.docs.contains_key(&path) {
            out.extend(publish(state, &path, diags));
        }
    }
    out
}

/// A file outside any workspace: its own parse diagnostics.
fn check_loose(state: &mut State, path: &Path) -> Vec<PublishDiagnosticsParams> {
    let Some(doc) = state.docs.get(path) else {
        // Closed: clear it.
        state.loose_published.remove(path);
        return publish(state, path, Vec::new()).into_iter().collect();
    };
    let mut sources = SourceMap::new();
    let name = path.file_name().map_or_else(
        || "file.pmth".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let id = sources.add(name, FileKind::Pmth, doc.text.clone(), false);
    let Some(file) = sources.get(id) else {
        return Vec::new();
    };
    let (_, mut diags) = pmth_compiler::parse::parse_source(file);
    diags.sort_by_key(|d| (d.primary.span.start, d.code));
    let root = path.parent().unwrap_or(path);
    let out: Vec<Diagnostic> = diags
        .iter()
        .filter_map(|d| convert::diagnostic(root, &sources, d).map(|(_, d)| d))
        .collect();
    if out.is_empty() {
        state.loose_published.remove(path);
    } else {
        state.loose_published.insert(path.to_path_buf());
    }
    publish(state, path, out).into_iter().collect()
}

fn publish(
    state: &State,
    path: &Path,
    diagnostics: Vec<Diagnostic>,
) -> Option<PublishDiagnosticsParams> {
    Some(PublishDiagnosticsParams {
        uri: convert::path_to_uri(path)?,
        diagnostics,
        version: state.docs.get(path).map(|d| d.version),
    })
}
