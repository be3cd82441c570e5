//! One file per LSP feature. Request handlers take a [`Ctx`] (read-only state)
//! and the request's params and return its result; `server.rs` is the one place
//! that maps methods to them.

pub mod code_action;
pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod document_symbol;
pub mod formatting;
pub mod hover;
pub mod inlay_hint;
pub mod rename;
pub mod sync;
pub mod workspace_symbol;

use crate::convert;
use crate::lookup::Analysis;
use crate::state::State;
use lsp_types::{Position, Range, TextEdit, Uri, WorkspaceEdit};
use pmth_compiler::source::LineIndex;
use std::collections::HashMap;
use std::path::PathBuf;

/// A `WorkspaceEdit` of `(document, edit)` pairs, grouped per document.
// `WorkspaceEdit::changes` is keyed by `Uri` (lsp-types' choice), whose
// interior mutability clippy flags; nothing mutates the keys here.
#[allow(clippy::mutable_key_type)]
pub fn workspace_edit(edits: impl IntoIterator<Item = (Uri, TextEdit)>) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (uri, edit) in edits {
        changes.entry(uri).or_default().push(edit);
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}

/// What a request handler may read.
pub struct Ctx<'a> {
    pub state: &'a State,
}

/// An open document, for one request.
pub struct DocRef<'a> {
    pub path: PathBuf,
    pub text: &'a str,
    pub lines: &'a LineIndex,
}

impl DocRef<'_> {
    /// The byte offset of a position (clamped).
    pub fn offset(&self, pos: Position) -> usize {
        convert::offset(self.text, self.lines, pos)
    }

    pub fn position(&self, offset: usize) -> Position {
        convert::position(self.text, self.lines, offset)
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range {
            start: self.position(start),
            end: self.position(end),
        }
    }
}

impl<'a> Ctx<'a> {
    /// The open document at `uri` (requests on unopened documents get nothing).
    pub fn doc(&self, uri: &Uri) -> Option<DocRef<'a>> {
        let path = convert::uri_to_path(uri)?;
        let doc = self.state.docs.get(&path)?;
        Some(DocRef {
            path,
            text: &doc.text,
            lines: &doc.lines,
        })
    }

    /// The document seen through its workspace's latest compilation.
    pub fn analysis(&self, doc: &DocRef<'_>) -> Option<Analysis<'a>> {
        let (root, comp) = self.state.compilation_for(&doc.path)?;
        Analysis::new(root, comp, &doc.path, doc.text)
    }
}
