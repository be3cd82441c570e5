//! Glue between the checker and the workflow rules of `check/workflow/`: builds
//! the [`World`] they read (agents' claims, lifecycle, personas and output
//! types; tools' schemas; personas' incompatibilities after merging), runs them
//! per workflow, and records their findings (`order`, `steps.N.output_schema`)
//! in the workflow's registry JSON. Returns the world, whose `select`
//! candidates the registry's `index` lists.

use super::capability::CapabilityFacts;
use super::workflow::{check_workflow, AgentFacts, World};
use super::Cx;
use crate::ast::Kind;
use crate::diag::{Diagnostic, Diagnostics};
use crate::resolve::{status_of, Status};
use crate::schema::names::{INCOMPATIBLE_WITH, PERSONA};
use crate::schema::{self, Ty};
use serde_json::{json, Value as Json};

pub fn check(cx: &mut Cx, caps: &CapabilityFacts, diags: &mut Vec<Diagnostic>) -> World {
    use rayon::prelude::*;
    let world = world(cx, caps);
    // Each workflow is checked on its own: in parallel, reported in order.
    let shared: &Cx = cx;
    let checked: Vec<_> = (0..shared.units.len())
        .into_par_iter()
        .filter_map(|i| {
            let unit = shared.units.get(i)?;
            if unit.decl.kind != Kind::Workflow || shared.body(i).is_none() {
                return None;
            }
            let mut found = Diagnostics::new();
            let compiled = &shared.facts.get(i)?.json;
            let facts = check_workflow(&unit.decl, compiled, shared.refs, &world, &mut found);
            Some((i, facts, found))
        })
        .collect();
    let mut results = Vec::with_capacity(checked.len());
    for (i, facts, found) in checked {
        for d in found {
            cx.report(i, d, diags);
        }
        results.push((i, facts));
    }
    for (i, facts) in results {
        let Some(f) = cx.facts.get_mut(i) else {
            continue;
        };
        f.json.insert("order".into(), json!(facts.order));
        let Some(Json::Object(steps)) = steps_key().and_then(|k| f.json.get_mut(k)) else {
            continue;
        };
        for (step, schema) in facts.outputs {
            if let Some(Json::Object(s)) = steps.get_mut(&step) {
                s.insert(STEP_OUTPUT_SCHEMA.into(), schema);
            }
        }
    }
    world
}

/// The registry key of a step's output type (its own `output`, or its tool's
/// or agent's; a list under `for_each`), written when it is known.
pub const STEP_OUTPUT_SCHEMA: &str = "output_schema";

/// The registry key of a workflow's steps, from the table.
fn steps_key() -> Option<&'static str> {
    schema::attrs(Kind::Workflow)
        .iter()
        .find(|a| matches!(a.ty, Ty::Steps(_)))
        .map(|a| a.key)
}

fn world(cx: &Cx, caps: &CapabilityFacts) -> World {
    let mut w = World::default();
    for (i, unit) in cx.units.iter().enumerate() {
        if !cx.is_canonical(i) || cx.body(i).is_none() {
            continue;
        }
        match unit.decl.kind {
            Kind::Agent => {
                let persona = cx
                    .resolved(i, PERSONA)
                    .first()
                    .and_then(|(r, _)| cx.refs.get(&r.span))
                    .map(|t| t.id.clone());
                w.agents.insert(
                    unit.decl.id(),
                    AgentFacts {
                        claims: caps.claims.get(&i).cloned().unwrap_or_default(),
                        retired: status_of(unit) == Status::Retired,
                        persona,
                        output: cx
                            .facts
                            .get(i)
                            .and_then(|f| f.io.as_ref())
                            .and_then(|io| io.output.clone()),
                    },
                );
            }
            Kind::Tool => {
                if let Some(io) = cx.facts.get(i).and_then(|f| f.io.as_deref()) {
                    w.tools.insert(unit.decl.id(), io.clone());
                }
            }
            Kind::Persona => {
                // After merging: an inherited `incompatible_with` counts too.
                let list: Vec<String> = cx
                    .facts
                    .get(i)
                    .and_then(|f| f.json.get(INCOMPATIBLE_WITH))
                    .and_then(Json::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                if !list.is_empty() {
                    w.incompatible.insert(unit.decl.id(), list);
                }
            }
            _ => {}
        }
    }
    w
}
