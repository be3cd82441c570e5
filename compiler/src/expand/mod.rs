//! Stage 3, `expand`: instantiates templates. Each instance becomes an ordinary
//! declaration of its kind, remembering its [`Origin`].

use crate::ast::{Arg, Decl};
use crate::diag::Diagnostics;
use crate::parse::Parsed;
use crate::source::{SourceMap, Span};

// Public Interface

/// Where an instance came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// The template's id (`name` or `name@version`).
    pub template: String,
    pub args: Vec<Arg>,
    /// The instance's header, used as a related label for errors found in the
    /// template's body.
    pub instance: Span,
}

/// A declaration after expansion.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub decl: Decl,
    pub origin: Option<Origin>,
}

/// Every declaration after expansion; templates stay as they are.
#[derive(Clone, Debug, Default)]
pub struct Expanded {
    pub units: Vec<Unit>,
}

pub fn expand(sources: &SourceMap, parsed: Parsed) -> (Expanded, Diagnostics) {
    let _ = sources;
    let units = parsed
        .decls
        .into_iter()
        .map(|decl| Unit { decl, origin: None })
        .collect();
    (Expanded { units }, Diagnostics::new())
}
