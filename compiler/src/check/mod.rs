//! Stage 5, `check`: checks every declaration against its kind's schema, capability
//! claims, types and workflows, and builds the registry.

pub mod workflow;

use crate::ast::Kind;
use crate::diag::Diagnostics;
use crate::expand::Unit;
use crate::load::Workspace;
use crate::resolve::Resolved;
use std::collections::HashMap;

// Public Interface

/// The checked registry, and the declarations it was built from (for placing
/// later diagnostics, e.g. governance's `ref`/`attr`).
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// `dist/registry.json` less its `governance` section (BUNDLE.md §1).
    pub registry: serde_json::Value,
    /// The declarations after expansion (templates included).
    pub units: Vec<Unit>,
    /// `(kind, id)` → index into `units`.
    pub index: HashMap<(Kind, String), usize>,
}

pub fn check(ws: &Workspace, resolved: Resolved) -> (Checked, Diagnostics) {
    let _ = ws;
    let index = resolved
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| ((u.decl.kind, u.decl.id()), i))
        .collect();
    (
        Checked {
            registry: serde_json::Value::Null,
            units: resolved.units,
            index,
        },
        Diagnostics::new(),
    )
}
