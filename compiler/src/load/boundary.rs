//! The workspace is a boundary (LANGUAGE.md §1): every path the workspace names
//! (a `pmth.toml` key, a symlinked source) must resolve, after symlinks, inside
//! the root; otherwise it is PM0003 and nothing is read from it. This module
//! decides that, and words the diagnostics (one place).

use crate::diag::Diagnostic;
use crate::source::Span;
use std::path::{Component, Path, PathBuf};

// Public Interface

/// The canonical workspace root, against which resolved paths are checked.
#[derive(Debug)]
pub(crate) struct Boundary {
    root: PathBuf,
}

/// Why a path is not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Breach {
    /// Absolute, or climbing above the root with `..`.
    Leaves,
    /// Written inside, but a symbolic link on the way resolves outside the root.
    LeavesThroughLink,
    /// A symbolic link whose target does not exist (or loops).
    Dangling,
    /// A `\` in a path: paths are written with `/`, and a bundle never holds one.
    Backslash,
}

impl Boundary {
    pub fn new(root: &Path) -> Boundary {
        Boundary {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// Whether `path` (which exists as a directory entry) resolves inside the
    /// root after following every symbolic link.
    pub fn check(&self, path: &Path) -> Result<(), Breach> {
        match path.canonicalize() {
            Ok(real) if real.starts_with(&self.root) => Ok(()),
            Ok(_) => Err(Breach::LeavesThroughLink),
            Err(_) => Err(Breach::Dangling),
        }
    }
}

/// `entry`, a path written in `pmth.toml` relative to the root, normalised: `/`
/// separators, no `.` components, `..` applied. `Err` when it is absolute,
/// climbs above the root or holds a backslash. `"."` is the root itself.
pub(crate) fn normalise(entry: &str) -> Result<String, Breach> {
    if entry.contains('\\') {
        return Err(Breach::Backslash);
    }
    let path = Path::new(entry);
    let mut parts: Vec<&str> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str().ok_or(Breach::Leaves)?),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop().ok_or(Breach::Leaves)?;
            }
            Component::RootDir | Component::Prefix(_) => return Err(Breach::Leaves),
        }
    }
    Ok(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

/// PM0003 for a `pmth.toml` path (`what` is e.g. "policy path") at its key.
pub(crate) fn entry_diagnostic(what: &str, entry: &str, why: Breach, span: Span) -> Diagnostic {
    let (message, label) = match why {
        Breach::Leaves => (
            format!("{what} `{entry}` leaves the workspace"),
            "outside the workspace",
        ),
        Breach::LeavesThroughLink => (
            format!("{what} `{entry}` leaves the workspace through a symbolic link"),
            "resolves outside the workspace",
        ),
        Breach::Dangling => (
            format!("{what} `{entry}` is a symbolic link that points nowhere"),
            "dangling symbolic link",
        ),
        Breach::Backslash => (
            format!("{what} `{entry}` contains a backslash"),
            "write paths with `/`",
        ),
    };
    Diagnostic::new("PM0003", span, message).label(label).help(
        "paths in `pmth.toml` name files or folders inside the workspace (the folder \
             holding `pmth.toml`), written relative to it with `/`; copy what lives \
             elsewhere into the workspace",
    )
}

/// PM0003 for a workspace file that is not read: `rel` is its display path and
/// `span` the empty span of its (empty) source-map entry. The target of a link
/// is never named nor read.
pub(crate) fn file_diagnostic(rel: &str, why: Breach, span: Span) -> Diagnostic {
    let (message, label, help) = match why {
        Breach::Leaves | Breach::LeavesThroughLink => (
            format!("`{rel}` is a symbolic link that leaves the workspace; it is not read"),
            "symbolic link to outside the workspace",
            "replace the link with the file itself, or point it at a file inside the workspace",
        ),
        Breach::Dangling => (
            format!("`{rel}` is a symbolic link that points nowhere"),
            "dangling symbolic link",
            "remove the link, or point it at an existing file inside the workspace",
        ),
        Breach::Backslash => (
            format!("the file name `{rel}` contains a backslash; it is not read"),
            "backslash in a file name",
            "rename the file without `\\` (bundles and the lock write paths with `/`)",
        ),
    };
    Diagnostic::new("PM0003", span, message)
        .label(label)
        .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_relative_paths_and_refuses_the_rest() {
        assert_eq!(normalise("policies"), Ok("policies".into()));
        assert_eq!(normalise("./a/./b/../c.rego"), Ok("a/c.rego".into()));
        assert_eq!(normalise("a/.."), Ok(".".into()));
        assert_eq!(normalise("."), Ok(".".into()));
        assert_eq!(normalise("../other"), Err(Breach::Leaves));
        assert_eq!(normalise("a/../../x"), Err(Breach::Leaves));
        assert_eq!(normalise("/etc/passwd"), Err(Breach::Leaves));
        assert_eq!(normalise("a\\b"), Err(Breach::Backslash));
    }
}
