//! Stage 1, `load`: finds the workspace root, reads `pmth.toml` into a typed
//! [`Manifest`], and reads every `.pmth` source and policy into the [`SourceMap`]
//! (stdlib first).

use crate::diag::Diagnostics;
use crate::source::{FileId, SourceMap, Span};
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
pub fn load(root: &Path, extra_skip: &[PathBuf]) -> Result<(Workspace, Diagnostics), LoadError> {
    let _ = extra_skip;
    let text = std::fs::read_to_string(root.join("pmth.toml"))
        .map_err(|_| LoadError::NoWorkspace(root.to_path_buf()))?;
    let mut sources = SourceMap::new();
    let manifest_file = sources.add(
        "pmth.toml".into(),
        crate::source::FileKind::Manifest,
        text,
        false,
    );
    Ok((
        Workspace {
            root: root.to_path_buf(),
            sources,
            manifest: None,
            manifest_file,
            pmth_files: Vec::new(),
            policy_files: Vec::new(),
        },
        Diagnostics::new(),
    ))
}

/// The nearest folder at or above `start` holding a `pmth.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|p| p.join("pmth.toml").is_file())
        .map(Path::to_path_buf)
}
