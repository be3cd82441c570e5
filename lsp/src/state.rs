//! What the server knows between messages: the open documents (the editor's
//! text, which wins over the disk), and per workspace the compilation session
//! (cached parses) and the latest compilation, which hover, completion and
//! go-to-definition read.

use pmth_compiler::source::LineIndex;
use pmth_compiler::{Compilation, CompileOptions, Session};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// An open document.
#[derive(Debug)]
pub struct Doc {
    pub text: String,
    pub version: i32,
    pub lines: LineIndex,
}

impl Doc {
    pub fn new(text: String, version: i32) -> Doc {
        // The compiler skips a byte-order mark; so do we, so that offsets agree.
        let text = match text.strip_prefix('\u{feff}') {
            Some(t) => t.to_owned(),
            None => text,
        };
        let lines = LineIndex::new(&text);
        Doc {
            text,
            version,
            lines,
        }
    }
}

/// Who checks a file: the workspace holding it, or nobody (a loose file gets
/// its own parse diagnostics only).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    Workspace(PathBuf),
    Loose(PathBuf),
}

/// One workspace: its session and the latest compilation.
#[derive(Debug, Default)]
pub struct WsState {
    pub session: Session,
    pub compilation: Option<Compilation>,
    /// What was last published for each file that had diagnostics.
    pub published: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>>,
}

#[derive(Debug, Default)]
pub struct State {
    pub docs: HashMap<PathBuf, Doc>,
    pub workspaces: BTreeMap<PathBuf, WsState>,
    /// Owners to re-check before the next request is answered.
    pub dirty: BTreeSet<Owner>,
    /// Loose files whose last published diagnostics were not empty.
    pub loose_published: BTreeSet<PathBuf>,
    pub options: CompileOptions,
}

impl State {
    /// The workspace holding `path` (the nearest `pmth.toml` upward), or loose.
    pub fn owner(&self, path: &Path) -> Owner {
        let start = path.parent().unwrap_or(path);
        match pmth_compiler::load::find_root(start) {
            Some(root) => Owner::Workspace(root),
            None => Owner::Loose(path.to_path_buf()),
        }
    }

    /// The open documents' texts, as overlays for the loader.
    pub fn overlays(&self) -> HashMap<PathBuf, String> {
        self.docs
            .iter()
            .map(|(p, d)| (p.clone(), d.text.clone()))
            .collect()
    }

    /// The latest compilation of the workspace holding `path`, with its root.
    pub fn compilation_for(&self, path: &Path) -> Option<(&Path, &Compilation)> {
        match self.owner(path) {
            Owner::Workspace(root) => {
                let (root, ws) = self.workspaces.get_key_value(&root)?;
                Some((root.as_path(), ws.compilation.as_ref()?))
            }
            Owner::Loose(_) => None,
        }
    }
}
