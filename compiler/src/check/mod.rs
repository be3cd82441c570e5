//! Stage 5, `check`: checks every declaration against its kind's schema, capability
//! claims, types and workflows, and builds the registry.

use crate::diag::Diagnostics;
use crate::load::Workspace;
use crate::resolve::Resolved;

// Public Interface

/// The checked registry.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// `dist/registry.json` less its `governance` section.
    pub registry: serde_json::Value,
}

pub fn check(ws: &Workspace, resolved: Resolved) -> (Checked, Diagnostics) {
    let _ = (ws, resolved);
    (Checked::default(), Diagnostics::new())
}
