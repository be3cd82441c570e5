//! Document sync notifications: keep the open documents' text (full sync) and
//! mark the workspace (or loose file) that holds them for a re-check. The
//! re-check itself happens once per batch of messages, in `server.rs`, so a
//! burst of `didChange` costs one check.

use crate::convert;
use crate::state::{Doc, Owner, State};
use lsp_types::{
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams,
};

pub fn did_open(state: &mut State, params: DidOpenTextDocumentParams) {
    let d = params.text_document;
    let Some(path) = convert::uri_to_path(&d.uri) else {
        return;
    };
    state.docs.insert(path.clone(), Doc::new(d.text, d.version));
    let owner = state.owner(&path);
    state.dirty.insert(owner);
}

pub fn did_change(state: &mut State, params: DidChangeTextDocumentParams) {
    let Some(path) = convert::uri_to_path(&params.text_document.uri) else {
        return;
    };
    // Full sync: the last change holds the whole text. A ranged change (which we
    // do not ask for) is applied to the text we have.
    let Some(doc) = state.docs.get_mut(&path) else {
        return;
    };
    let mut text = std::mem::take(&mut doc.text);
    for change in params.content_changes {
        match change.range {
            None => text = change.text,
            Some(r) => {
                let lines = pmth_compiler::source::LineIndex::new(&text);
                let start = convert::offset(&text, &lines, r.start);
                let end = convert::offset(&text, &lines, r.end).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
    }
    *doc = Doc::new(text, params.text_document.version);
    let owner = state.owner(&path);
    state.dirty.insert(owner);
}

pub fn did_save(state: &mut State, params: DidSaveTextDocumentParams) {
    if let Some(path) = convert::uri_to_path(&params.text_document.uri) {
        if let Some(text) = params.text {
            let version = state.docs.get(&path).map_or(0, |d| d.version);
            state.docs.insert(path.clone(), Doc::new(text, version));
        }
        let owner = state.owner(&path);
        state.dirty.insert(owner);
    }
}

pub fn did_close(state: &mut State, params: DidCloseTextDocumentParams) {
    let Some(path) = convert::uri_to_path(&params.text_document.uri) else {
        return;
    };
    state.docs.remove(&path);
    // The disk's text counts again (or, for a loose file, its diagnostics go).
    let owner = state.owner(&path);
    state.dirty.insert(owner);
}

/// Files changed on disk (created, deleted, edited elsewhere): re-check the
/// workspaces that hold them.
pub fn did_change_watched_files(state: &mut State, params: DidChangeWatchedFilesParams) {
    for change in params.changes {
        let Some(path) = convert::uri_to_path(&change.uri) else {
            continue;
        };
        if let Owner::Workspace(root) = state.owner(&path) {
            state.dirty.insert(Owner::Workspace(root));
        }
        // A deleted `pmth.toml` ends a workspace we know: re-check it to clear it.
        let known: Vec<_> = state
            .workspaces
            .keys()
            .filter(|root| path.starts_with(root))
            .cloned()
            .collect();
        state.dirty.extend(known.into_iter().map(Owner::Workspace));
    }
}
