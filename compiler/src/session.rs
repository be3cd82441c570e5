//! An editing session: what a long-lived caller (the language server) keeps
//! between compilations of one workspace so that a re-check after an edit only
//! redoes what the edit can change.
//!
//! Today that is each file's parse result, keyed by (file id, display path,
//! text): re-checking after an edit re-parses only the edited file. Every later
//! stage runs in full (together they are a few tens of milliseconds on a
//! thousand declarations). [`crate::compile_with_session`] is the pipeline entry
//! that uses it.

use crate::ast::Decl;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Workspace;
use crate::parse::{self, Parsed};
use crate::source::FileId;
use rayon::prelude::*;
use std::collections::HashMap;

// Public Interface

/// Per-file parse results from earlier compilations of one workspace.
#[derive(Debug, Default)]
pub struct Session {
    parsed: HashMap<String, CachedParse>,
    /// How many files the last [`Session::parse`] parsed (the rest were cached).
    last_parsed: usize,
}

/// One file's parse result and the text it was parsed from. Spans hold the file
/// id, so a result is reused only for the same id too.
#[derive(Debug)]
struct CachedParse {
    id: FileId,
    text: String,
    decls: Vec<Decl>,
    diags: Vec<Diagnostic>,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// [`parse::parse`], reusing the result of every file whose id and text are
    /// unchanged since the last call and parsing the others (in parallel). Files
    /// no longer in the workspace are forgotten.
    pub fn parse(&mut self, ws: &Workspace) -> (Parsed, Diagnostics) {
        let files: Vec<_> = ws
            .pmth_files
            .iter()
            .filter_map(|id| ws.sources.get(*id))
            .collect();
        let stale: Vec<_> = files
            .iter()
            .filter(|f| {
                self.parsed
                    .get(&f.path)
                    .is_none_or(|c| c.id != f.id || c.text != f.text)
            })
            .collect();
        self.last_parsed = stale.len();
        let fresh: Vec<(String, CachedParse)> = stale
            .par_iter()
            .map(|f| {
                let (decls, diags) = parse::parse_source(f);
                let entry = CachedParse {
                    id: f.id,
                    text: f.text.clone(),
                    decls,
                    diags,
                };
                (f.path.clone(), entry)
            })
            .collect();
        self.parsed.extend(fresh);
        let mut keep: HashMap<String, CachedParse> = HashMap::with_capacity(files.len());
        let mut decls = Vec::new();
        let mut diags = Diagnostics::new();
        for f in &files {
            if let Some(c) = self.parsed.remove(&f.path) {
                decls.extend(c.decls.iter().cloned());
                diags.extend(c.diags.iter().cloned());
                keep.insert(f.path.clone(), c);
            }
        }
        self.parsed = keep;
        (Parsed { decls }, diags)
    }

    /// How many files the last [`Session::parse`] actually parsed.
    pub fn last_parsed(&self) -> usize {
        self.last_parsed
    }
}
