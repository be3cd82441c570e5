//! Stage 6, `govern`: evaluates the Rego policies against the registry.

use crate::check::Checked;
use crate::diag::Diagnostics;
use crate::load::Workspace;

// Public Interface

/// What governance recorded for the bundle.
#[derive(Clone, Debug, Default)]
pub struct GovernanceReport {
    /// `{"package", "path", "digest"}` per policy, sorted by path.
    pub policies: Vec<serde_json::Value>,
    /// `{"code", "message", "ref"}` per warning.
    pub warnings: Vec<serde_json::Value>,
}

pub fn govern(ws: &Workspace, checked: &Checked) -> (GovernanceReport, Diagnostics) {
    let _ = (ws, checked);
    (GovernanceReport::default(), Diagnostics::new())
}
