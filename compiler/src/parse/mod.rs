//! Stage 2, `parse`: turns each `.pmth` file into declarations, recovering at
//! top-level declaration boundaries.

use crate::ast::Decl;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Workspace;
use crate::source::SourceFile;

// Public Interface

/// Every declaration of the compilation, stdlib files first, then in file order.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub decls: Vec<Decl>,
}

/// Parses every `.pmth` file of the workspace (in parallel).
pub fn parse(ws: &Workspace) -> (Parsed, Diagnostics) {
    let mut decls = Vec::new();
    let mut diags = Diagnostics::new();
    for id in &ws.pmth_files {
        if let Some(file) = ws.sources.get(*id) {
            let (d, e) = parse_source(file);
            decls.extend(d);
            diags.extend(e);
        }
    }
    (Parsed { decls }, diags)
}

/// Parses one file.
pub fn parse_source(file: &SourceFile) -> (Vec<Decl>, Vec<Diagnostic>) {
    let _ = file;
    (Vec::new(), Vec::new())
}
