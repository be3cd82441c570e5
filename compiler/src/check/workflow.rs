//! Workflow graph and expression semantics (§8): PM0401–PM0405, PM0304, `select`
//! candidates and the topological `order`.
//!
//! The hook [`check_workflow`] is called once per checked workflow, after the
//! attribute walker has checked each step's attributes (types, unknown and
//! duplicate keys) and resolved `agent = agent.X` / `select = capability.X`, and
//! after capability claims are known. It may add to the workflow's registry JSON
//! (`steps.N.candidates`, `order`) and push diagnostics.

use super::capability::CapabilityFacts;
use super::Cx;
use crate::ast::{Block, Kind};
use crate::diag::Diagnostic;
use serde_json::{Map, Value as Json};

/// Everything the workflow rules read.
pub struct WorkflowCx<'a, 'b> {
    pub cx: &'a Cx<'b>,
    /// Agent unit → the capability names it claims.
    pub caps: &'a CapabilityFacts,
}

/// Runs [`check_workflow`] on every checked workflow.
pub fn check_all(cx: &mut Cx, caps: &CapabilityFacts, diags: &mut Vec<Diagnostic>) {
    let mut out: Vec<(usize, Map<String, Json>)> = Vec::new();
    {
        let wcx = WorkflowCx { cx, caps };
        for i in 0..cx.units.len() {
            if cx
                .units
                .get(i)
                .is_none_or(|u| u.decl.kind != Kind::Workflow)
            {
                continue;
            }
            let Some(body) = cx.body(i) else { continue };
            let mut json = cx.facts.get(i).map(|f| f.json.clone()).unwrap_or_default();
            let mut found = Vec::new();
            check_workflow(&wcx, i, body, &mut json, &mut found);
            for d in found {
                cx.report(i, d, diags);
            }
            out.push((i, json));
        }
    }
    for (i, json) in out {
        if let Some(f) = cx.facts.get_mut(i) {
            f.json = json;
        }
    }
}

/// The workflow rules for one workflow (unit `unit`, body `body`). Attribute
/// paths that errored are in `wcx.cx.facts[unit].bad` (`steps.NAME.after` …):
/// skip what depends on them.
pub fn check_workflow(
    wcx: &WorkflowCx,
    unit: usize,
    body: &Block,
    json: &mut Map<String, Json>,
    diags: &mut Vec<Diagnostic>,
) {
    let _ = (wcx, unit, body, json, diags);
}
