//! Governance tests: workspaces built by hand (source map, manifest, policies, a
//! registry mirroring BUNDLE.md §1, declarations from the real parser), checked against
//! the conformance cases' markers and insta snapshots.

mod cases;
mod pipeline;
mod placement;
mod policies;

use super::*;
use crate::ast::Kind;
use crate::diag::{Diagnostic, Diagnostics};
use crate::expand::Unit;
use crate::load::{GovernanceConfig, Manifest};
use crate::source::{FileKind, SourceMap, Span};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A workspace and its checked registry.
pub(super) struct Fixture {
    pub ws: Workspace,
    pub checked: Checked,
}

const DEFAULT_TOML: &str = "[package]\nname = \"t\"\nversion = \"0.1.0\"\n";

/// Builds a workspace from `(path, text)` files: `pmth.toml` (a default one when
/// absent), `.rego` policies, `.pmth` sources (parsed). The stdlib
/// policies come first when the manifest leaves `stdlib` on.
pub(super) fn fixture(files: &[(&str, &str)], registry: serde_json::Value) -> Fixture {
    let toml_text = files
        .iter()
        .find(|(p, _)| *p == "pmth.toml")
        .map_or(DEFAULT_TOML, |(_, t)| t);
    let mut sources = SourceMap::new();
    let manifest_file = sources.add(
        "pmth.toml".into(),
        FileKind::Manifest,
        toml_text.into(),
        false,
    );
    let governance = governance_config(toml_text, manifest_file);
    let mut policy_files = Vec::new();
    if governance.stdlib {
        for (path, text) in stdlib::POLICIES {
            policy_files.push(sources.add((*path).into(), FileKind::Policy, (*text).into(), true));
        }
    }
    let mut sorted: Vec<&(&str, &str)> = files.iter().filter(|(p, _)| *p != "pmth.toml").collect();
    sorted.sort();
    let mut units = Vec::new();
    let mut pmth_files = Vec::new();
    for (path, text) in sorted {
        if path.ends_with(".rego") {
            policy_files.push(sources.add((*path).into(), FileKind::Policy, (*text).into(), false));
        } else {
            let id = sources.add((*path).into(), FileKind::Pmth, (*text).into(), false);
            pmth_files.push(id);
            let file = sources.get(id).expect("just added");
            let (decls, errors) = crate::parse::parse_source(file);
            assert!(errors.is_empty(), "{path}: {errors:?}");
            units.extend(decls.into_iter().map(|decl| Unit { decl, origin: None }));
        }
    }
    let index: HashMap<(Kind, String), usize> = units
        .iter()
        .enumerate()
        .map(|(i, u): (usize, &Unit)| ((u.decl.kind, u.decl.id()), i))
        .collect();
    let ws = Workspace {
        root: ".".into(),
        sources,
        manifest: Some(Manifest {
            name: "t".into(),
            version: semver::Version::new(0, 1, 0),
            organization: None,
            homepage: None,
            governance,
        }),
        manifest_file,
        pmth_files,
        policy_files,
    };
    Fixture {
        ws,
        checked: Checked {
            registry: crate::check::Registry::from_json(&registry),
            units,
            index,
            ..Checked::default()
        },
    }
}

/// `[governance]` of a manifest text, as the loader would type it.
fn governance_config(text: &str, file: u32) -> GovernanceConfig {
    let mut cfg = GovernanceConfig::default();
    let table: toml::Table = text.parse().expect("test manifests are valid TOML");
    if let Some(g) = table.get("governance").and_then(|g| g.as_table()) {
        let strings = |key: &str| -> Vec<String> {
            g.get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        cfg.policies = strings("policies");
        cfg.disable = strings("disable");
        cfg.stdlib = g.get("stdlib").and_then(|v| v.as_bool()).unwrap_or(true);
        cfg.deny_warnings = g
            .get("deny_warnings")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if let Some(data) = g.get("data") {
            cfg.data = serde_json::to_value(data).expect("TOML converts to JSON");
        }
        cfg.span = text
            .find("[governance]")
            .map(|i| Span::new(file, i, i + "[governance]".len()));
    }
    cfg
}

/// Runs governance and sorts the diagnostics as the pipeline does.
pub(super) fn run(f: &Fixture) -> (GovernanceReport, Diagnostics) {
    let (report, mut diags) = govern(&f.ws, &f.checked);
    diags.finish(&f.ws.sources);
    (report, diags)
}

/// `(severity, code, file, line)` of each diagnostic, as the conformance runner
/// compares them.
pub(super) fn keys(diags: &Diagnostics, sources: &SourceMap) -> Vec<(String, String, String, u32)> {
    diags
        .iter()
        .map(|d| {
            (
                d.severity.as_str().to_owned(),
                d.code.to_owned(),
                sources.path(d.primary.span.file).to_owned(),
                sources.start(d.primary.span).line,
            )
        })
        .collect()
}

/// Diagnostics as a reviewer reads them: header, location, the source line,
/// label, related labels, notes and help.
pub(super) fn render(diags: &Diagnostics, sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        render_one(&mut out, d, sources);
    }
    out
}

fn render_one(out: &mut String, d: &Diagnostic, sources: &SourceMap) {
    let at = |span: Span| format!("{}:{}", sources.path(span.file), sources.start(span));
    let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message);
    let _ = writeln!(out, "  --> {}", at(d.primary.span));
    let line = sources.get(d.primary.span.file).map_or("", |f| {
        let l = sources.start(d.primary.span).line as usize;
        f.text.lines().nth(l.saturating_sub(1)).unwrap_or("")
    });
    let _ = writeln!(out, "   | {line}");
    let _ = writeln!(
        out,
        "   | {:?}: {}",
        sources.slice(d.primary.span),
        d.primary.message
    );
    for r in &d.related {
        let _ = writeln!(
            out,
            "   + {} {:?}: {}",
            at(r.span),
            sources.slice(r.span),
            r.message
        );
    }
    for n in &d.notes {
        let _ = writeln!(out, "   = note: {n}");
    }
    if let Some(h) = &d.help {
        let _ = writeln!(out, "   = help: {h}");
    }
}
