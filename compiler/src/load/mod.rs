//! Stage 1, `load`: finds the workspace root, reads `pmth.toml` into a typed
//! [`Manifest`], and reads every `.pmth` source and policy into the [`SourceMap`]
//! (stdlib first).

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod manifest;
pub mod stdlib;
mod walk;

pub use walk::display_path;

pub use manifest::sanitize_name;

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{FileId, FileKind, SourceMap, Span};
use manifest::ManifestOutcome;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

// Public Interface

/// The loaded workspace: every file's text and the typed manifest.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub sources: SourceMap,
    /// `None` when `pmth.toml` was too broken to use (PM0003 reported).
    pub manifest: Option<Manifest>,
    /// The `pmth.toml` file.
    pub manifest_file: FileId,
    /// `.pmth` files: the stdlib's first, then the workspace's sorted by path.
    pub pmth_files: Vec<FileId>,
    /// `.rego` policies: the stdlib's (unless disabled) first, then the workspace's.
    pub policy_files: Vec<FileId>,
}

/// `pmth.toml`, typed.
#[derive(Clone, Debug)]
pub struct Manifest {
    pub name: String,
    pub version: semver::Version,
    /// `[package] organization`: who publishes the fleet (the A2A provider).
    pub organization: Option<String>,
    /// `[package] homepage`: an `https://` URL.
    pub homepage: Option<String>,
    pub governance: GovernanceConfig,
}

/// `[governance]` of `pmth.toml`.
#[derive(Clone, Debug)]
pub struct GovernanceConfig {
    pub policies: Vec<String>,
    pub stdlib: bool,
    pub disable: Vec<String>,
    pub deny_warnings: bool,
    /// `[governance.data]` as JSON (`data.pmth.config`).
    pub data: serde_json::Value,
    /// The `[governance]` header line, where diagnostics without a `ref` go.
    pub span: Option<Span>,
}

impl Default for GovernanceConfig {
    fn default() -> Self {
        GovernanceConfig {
            policies: Vec::new(),
            stdlib: true,
            disable: Vec::new(),
            deny_warnings: false,
            data: serde_json::Value::Object(serde_json::Map::new()),
            span: None,
        }
    }
}

/// Why there is nothing to compile (exit code 2).
#[derive(Debug)]
pub enum LoadError {
    NoWorkspace(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NoWorkspace(p) => write!(f, "no pmth.toml in {}", p.display()),
            LoadError::Io(p, e) => write!(f, "cannot read {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// Loads the workspace whose root (the folder holding `pmth.toml`) is `root`.
///
/// `Err` only when there is no `pmth.toml` at `root`; every other problem (a bad
/// manifest, an unreadable or non-UTF-8 file, a missing policy path) is a PM0003
/// diagnostic and the rest still loads.
pub fn load(root: &Path, extra_skip: &[PathBuf]) -> Result<(Workspace, Diagnostics), LoadError> {
    load_with_overlays(root, extra_skip, &HashMap::new())
}

/// [`load`], reading the text of a file from `overlays` (keyed by the path the
/// walk finds: `root` joined with the file's relative path) instead of the disk
/// when it is there: an editor's unsaved buffers. Which files belong to the
/// workspace is still decided by the disk.
pub fn load_with_overlays(
    root: &Path,
    extra_skip: &[PathBuf],
    overlays: &HashMap<PathBuf, String>,
) -> Result<(Workspace, Diagnostics), LoadError> {
    let manifest_path = root.join("pmth.toml");
    if !manifest_path.is_file() {
        return Err(LoadError::NoWorkspace(root.to_path_buf()));
    }
    let mut l = Loader {
        root,
        sources: SourceMap::new(),
        diags: Diagnostics::new(),
        overlays,
    };

    let manifest_file = l.read_file(&manifest_path, "pmth.toml".into(), FileKind::Manifest);
    let outcome = match manifest_file {
        Ok(id) => l
            .sources
            .get(id)
            .map(manifest::read_manifest)
            .unwrap_or_default(),
        Err(_) => ManifestOutcome::default(),
    };
    let manifest_file = manifest_file.unwrap_or_else(|id| id);
    l.diags.extend(outcome.diags);

    let mut pmth_files: Vec<FileId> = stdlib::pmth_files()
        .map(|(p, text)| l.add_stdlib(p, text, FileKind::Pmth))
        .collect();
    let mut policy_files: Vec<FileId> = Vec::new();
    if outcome.governance.stdlib {
        policy_files.extend(
            stdlib::policy_files().map(|(p, text)| l.add_stdlib(p, text, FileKind::Policy)),
        );
    }

    let (found, unlisted) = walk::find(root, root, "pmth", extra_skip);
    l.report_unlisted(unlisted);
    for f in found {
        if let Ok(id) = l.read_file(&f.path, f.rel, FileKind::Pmth) {
            pmth_files.push(id);
        }
    }

    let mut seen = std::collections::BTreeSet::new();
    for (entry, span) in &outcome.policy_entries {
        for f in l.policy_entry(entry, *span, extra_skip) {
            if seen.insert(f.rel.clone()) {
                if let Ok(id) = l.read_file(&f.path, f.rel, FileKind::Policy) {
                    policy_files.push(id);
                }
            }
        }
    }

    let workspace = Workspace {
        root: root.to_path_buf(),
        sources: l.sources,
        manifest: outcome.manifest,
        manifest_file,
        pmth_files,
        policy_files,
    };
    Ok((workspace, l.diags))
}

/// The nearest folder at or above `start` holding a `pmth.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|p| p.join("pmth.toml").is_file())
        .map(Path::to_path_buf)
}

// Implementation

struct Loader<'a> {
    root: &'a Path,
    sources: SourceMap,
    diags: Diagnostics,
    overlays: &'a HashMap<PathBuf, String>,
}

impl Loader<'_> {
    fn add_stdlib(&mut self, path: &str, text: &str, kind: FileKind) -> FileId {
        self.sources.add(
            format!("{}{path}", stdlib::PREFIX),
            kind,
            text.to_owned(),
            true,
        )
    }

    /// Reads a file into the source map. A file that cannot be read or is not
    /// UTF-8 still gets an (empty) entry so that its PM0003 has a path: `Err`
    /// holds that entry's id.
    fn read_file(&mut self, path: &Path, rel: String, kind: FileKind) -> Result<FileId, FileId> {
        if let Some(text) = self.overlays.get(path) {
            return Ok(self.sources.add(rel, kind, text.clone(), false));
        }
        let problem = match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => return Ok(self.sources.add(rel, kind, text, false)),
                Err(e) => {
                    let bytes = e.as_bytes();
                    let upto = e.utf8_error().valid_up_to();
                    let line = 1 + bytes.iter().take(upto).filter(|b| **b == b'\n').count();
                    format!("`{rel}` is not UTF-8 (invalid byte on line {line})")
                }
            },
            Err(e) => format!("cannot read `{rel}`: {e}"),
        };
        let id = self.sources.add(rel, kind, String::new(), false);
        self.diags.push(
            Diagnostic::new("PM0003", Span::new(id, 0, 0), problem)
                .label("unreadable file")
                .help("save the file as UTF-8 text (or remove it from the workspace)"),
        );
        Err(id)
    }

    fn report_unlisted(&mut self, unlisted: Vec<walk::Unlisted>) {
        for u in unlisted {
            let id = self
                .sources
                .add(u.rel.clone(), FileKind::Pmth, String::new(), false);
            self.diags.push(
                Diagnostic::new(
                    "PM0003",
                    Span::new(id, 0, 0),
                    format!("cannot read folder `{}`: {}", u.rel, u.error),
                )
                .label("unreadable folder"),
            );
        }
    }

    /// The policy files named by one `[governance] policies` entry.
    fn policy_entry(&mut self, entry: &str, span: Span, skip: &[PathBuf]) -> Vec<walk::Found> {
        let path = self.root.join(entry);
        if path.is_file() {
            return vec![walk::Found {
                rel: walk::display_path(self.root, &path),
                path,
            }];
        }
        if path.is_dir() {
            let (found, unlisted) = walk::find(self.root, &path, "rego", skip);
            self.report_unlisted(unlisted);
            return found;
        }
        self.diags.push(
            Diagnostic::new(
                "PM0003",
                span,
                format!("policy path `{entry}` does not exist"),
            )
            .label("no such file or folder")
            .help("policy paths are relative to the folder holding `pmth.toml`"),
        );
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn workspace(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("pmth-load-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for (path, text) in files {
            let p = root.join(path);
            if let Some(parent) = p.parent() {
                fs::create_dir_all(parent).expect("mkdir");
            }
            fs::write(p, text).expect("write");
        }
        root
    }

    fn paths(ws: &Workspace, ids: &[FileId]) -> Vec<String> {
        ids.iter()
            .map(|id| ws.sources.path(*id).to_string())
            .collect()
    }

    const PACKAGE: &str = "[package]\nname = \"x\"\nversion = \"1.0.0\"\n";

    #[test]
    fn no_manifest_is_an_error() {
        let root = workspace("none", &[("a.pmth", "")]);
        assert!(matches!(load(&root, &[]), Err(LoadError::NoWorkspace(_))));
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn stdlib_first_then_sorted_sources_and_policies() {
        let toml = format!(
            "{PACKAGE}[governance]\npolicies = [\"rules\", \"extra.rego\", \"rules/b.rego\"]\n"
        );
        let root = workspace(
            "order",
            &[
                ("pmth.toml", &toml),
                ("z.pmth", ""),
                ("a/b.pmth", ""),
                ("rules/b.rego", "package pmth.b"),
                ("rules/a.rego", "package pmth.a"),
                ("extra.rego", "package pmth.extra"),
            ],
        );
        let (ws, diags) = load(&root, &[]).expect("workspace");
        assert!(diags.is_empty(), "{diags:?}");
        let stdlib_pmth = stdlib::pmth_files().count();
        let stdlib_rego = stdlib::policy_files().count();
        let pmth = paths(&ws, &ws.pmth_files);
        assert!(pmth
            .iter()
            .take(stdlib_pmth)
            .all(|p| p.starts_with("stdlib:")));
        assert_eq!(
            pmth.get(stdlib_pmth..),
            Some(&["a/b.pmth".to_string(), "z.pmth".into()][..])
        );
        let rego = paths(&ws, &ws.policy_files);
        assert!(rego
            .iter()
            .take(stdlib_rego)
            .all(|p| p.starts_with("stdlib:policies/")));
        assert_eq!(
            rego.get(stdlib_rego..),
            Some(
                &[
                    "rules/a.rego".to_string(),
                    "rules/b.rego".into(),
                    "extra.rego".into()
                ][..]
            )
        );
        let m = ws.manifest.as_ref().expect("manifest");
        assert_eq!(m.name, "x");
        assert_eq!(ws.sources.path(ws.manifest_file), "pmth.toml");
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn stdlib_policies_only_when_enabled() {
        let toml = format!("{PACKAGE}[governance]\nstdlib = false\n");
        let root = workspace("nostd", &[("pmth.toml", &toml)]);
        let (ws, _) = load(&root, &[]).expect("workspace");
        assert!(ws.policy_files.is_empty());
        assert_eq!(
            ws.pmth_files.len(),
            stdlib::pmth_files().count(),
            "stdlib .pmth is always loaded"
        );
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn unreadable_files_keep_a_path() {
        let root = workspace("bad", &[("pmth.toml", PACKAGE)]);
        fs::write(root.join("bad.pmth"), b"ok\n\xff").expect("write");
        let (ws, diags) = load(&root, &[]).expect("workspace");
        let d = diags.iter().next().expect("one diagnostic");
        assert_eq!(d.code, "PM0003");
        assert_eq!(ws.sources.path(d.primary.span.file), "bad.pmth");
        assert!(d.message.contains("line 2"), "{}", d.message);
        assert!(!paths(&ws, &ws.pmth_files).contains(&"bad.pmth".to_string()));
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn a_broken_manifest_still_loads_the_sources() {
        let root = workspace("broken", &[("pmth.toml", "[package\n"), ("a.pmth", "")]);
        let (ws, diags) = load(&root, &[]).expect("workspace");
        assert!(ws.manifest.is_none());
        assert_eq!(diags.len(), 1);
        assert!(paths(&ws, &ws.pmth_files).contains(&"a.pmth".to_string()));
        let _ = fs::remove_dir_all(&root);
    }
}
