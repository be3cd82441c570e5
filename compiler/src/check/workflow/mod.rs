//! Workflow semantics (§8): the step graph (cycles, unknown and unreachable steps,
//! compensation), `select` candidates, the data flow of `with`/`when`/`for_each`
//! and incompatible personas. Attribute *types* of steps are checked by the schema
//! checker; this module checks what the schema cannot.

mod expr;
mod graph;

use crate::ast::{Decl, DeclBody, Ident, Item, Step, ValueKind};
use crate::diag::{Diagnostic, Diagnostics};
use crate::resolve::RefMap;
use crate::source::Span;
use std::collections::{BTreeMap, HashMap};

pub use expr::InputType;

/// Step attribute names this module interprets: rows of the step schema.
pub(crate) use crate::schema::names as attr;

// Public Interface

/// What the workflow checker needs to know about the rest of the registry.
#[derive(Clone, Debug, Default)]
pub struct World {
    /// Agent id → facts, for every agent of the compilation.
    pub agents: BTreeMap<String, AgentFacts>,
    /// Persona id → the ids it is `incompatible_with` (after `extends` merging).
    pub incompatible: HashMap<String, Vec<String>>,
    /// Capability → non-retired agents claiming it or a capability below it,
    /// sorted; built on first use from `agents`.
    providers: std::sync::OnceLock<HashMap<String, Vec<String>>>,
}

impl World {
    /// The candidates for `select = capability.CAP`: one hash lookup, so a
    /// workflow costs the same however many agents there are.
    fn providers_of(&self, cap: &str) -> &[String] {
        let index = self.providers.get_or_init(|| {
            let mut index: HashMap<String, Vec<String>> = HashMap::new();
            // `agents` is a BTreeMap, so each list is filled in sorted order.
            for (id, agent) in self.agents.iter().filter(|(_, a)| !a.retired) {
                for claim in &agent.claims {
                    let mut cap = claim.as_str();
                    loop {
                        let list = index.entry(cap.to_owned()).or_default();
                        if list.last() != Some(id) {
                            list.push(id.clone());
                        }
                        match cap.rsplit_once('.') {
                            Some((parent, _)) => cap = parent,
                            None => break,
                        }
                    }
                }
            }
            index
        });
        index.get(cap).map_or(&[], Vec::as_slice)
    }
}

/// An agent as a workflow sees it.
#[derive(Clone, Debug, Default)]
pub struct AgentFacts {
    /// The capabilities it claims (names, dotted), as verified by the claim check.
    pub claims: Vec<String>,
    pub retired: bool,
    /// Its persona's id, if any.
    pub persona: Option<String>,
}

/// What the bundle records about a checked workflow.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkflowFacts {
    /// Step names in a topological order (ties broken by source order); steps on
    /// a cycle are left out.
    pub order: Vec<String>,
    /// For each `select` step, the candidate agent ids, sorted.
    pub candidates: BTreeMap<String, Vec<String>>,
    /// For each `agent` step, the resolved agent id.
    pub agents: BTreeMap<String, String>,
}

/// Checks one workflow declaration. `refs` maps reference spans to their targets
/// (from the resolve stage); references that did not resolve are absent (their
/// error was reported there) and the checks needing them are skipped.
pub fn check_workflow(
    decl: &Decl,
    refs: &RefMap,
    world: &World,
    diags: &mut Diagnostics,
) -> WorkflowFacts {
    let DeclBody::Attrs(body) = &decl.body else {
        return WorkflowFacts::default();
    };
    let steps: Vec<&Step> = body.steps().collect();
    let input = body
        .items
        .iter()
        .find_map(|i| match i {
            Item::Attr(a) if a.key.name == attr::INPUT => match &a.value.kind {
                ValueKind::Block(b) => Some(InputType::from_fields(b)),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_default();

    let g = graph::Graph::build(&steps, diags);
    let mut facts = WorkflowFacts {
        order: g.order(),
        ..WorkflowFacts::default()
    };

    for (i, step) in steps.iter().enumerate() {
        let agent = step.body.attr(attr::AGENT);
        let select = step.body.attr(attr::SELECT);
        match (agent, select) {
            (Some(_), Some(s)) => diags.push(
                Diagnostic::new("PM0405", step.header, format!("step `{}` has both `agent` and `select`", step.name.name))
                    .label("this step")
                    .related(s.span, "`select` given here")
                    .help("give either `agent = agent.X` for a fixed agent or `select = capability.X` to let any capable agent run it"),
            ),
            (None, None) => diags.push(
                Diagnostic::new("PM0405", step.header, format!("step `{}` has neither `agent` nor `select`", step.name.name))
                    .label("this step runs nothing")
                    .help("add `agent = agent.X` or `select = capability.X`"),
            ),
            (Some(a), None) => {
                if let ValueKind::Ref(r) = &a.value.kind {
                    if let Some(t) = refs.get(&r.span) {
                        facts.agents.insert(step.name.name.to_string(), t.id.clone());
                    }
                }
            }
            (None, Some(s)) => {
                if let ValueKind::Ref(r) = &s.value.kind {
                    if refs.contains_key(&r.span) {
                        let cands = candidates(world, &r.name);
                        if cands.is_empty() {
                            diags.push(
                                Diagnostic::new(
                                    "PM0403",
                                    s.span,
                                    format!("no agent provides `{}` for step `{}`", r.name, step.name.name),
                                )
                                .label("nothing can be selected")
                                .help(format!(
                                    "declare an agent that claims `capability.{}` (or a more specific capability below it), or name an agent with `agent = agent.X`",
                                    r.name
                                )),
                            );
                        }
                        facts.candidates.insert(step.name.name.to_string(), cands);
                    }
                }
            }
        }
        g.check_on_error(i, step, diags);
        expr::check_step_data(step, i, &g, &input, diags);
    }
    incompatible_personas(&steps, &facts, world, diags);
    facts
}

/// Non-retired agents whose claims cover `cap` or a capability below it, sorted.
fn candidates(world: &World, cap: &str) -> Vec<String> {
    world.providers_of(cap).to_vec()
}

/// One PM0304 warning per pair of incompatible personas meeting in the workflow,
/// on the `agent` attribute of the later of the two steps.
fn incompatible_personas(
    steps: &[&Step],
    facts: &WorkflowFacts,
    world: &World,
    diags: &mut Diagnostics,
) {
    // (persona, step name, agent attribute span), in source order.
    let mut seen: Vec<(String, &Ident, Span)> = Vec::new();
    let mut reported: Vec<(String, String)> = Vec::new();
    for step in steps {
        let Some(agent_id) = facts.agents.get(step.name.name.as_str()) else {
            continue;
        };
        let Some(persona) = world.agents.get(agent_id).and_then(|a| a.persona.clone()) else {
            continue;
        };
        let Some(attr) = step.body.attr(attr::AGENT) else {
            continue;
        };
        for (other, other_step, _) in &seen {
            let clash = world
                .incompatible
                .get(&persona)
                .is_some_and(|l| l.contains(other))
                || world
                    .incompatible
                    .get(other)
                    .is_some_and(|l| l.contains(&persona));
            if !clash {
                continue;
            }
            let pair = if persona <= *other {
                (persona.clone(), other.clone())
            } else {
                (other.clone(), persona.clone())
            };
            if reported.contains(&pair) {
                continue;
            }
            reported.push(pair);
            diags.push(
                Diagnostic::new(
                    "PM0304",
                    attr.span,
                    format!("personas `{persona}` and `{other}` are incompatible but meet in this workflow"),
                )
                .label(format!("step `{}` runs with persona `{persona}`", step.name.name))
                .related(other_step.span, format!("step `{}` runs with persona `{other}`", other_step.name))
                .help("use agents with compatible personas, or split the workflow"),
            );
        }
        seen.push((persona, &step.name, attr.span));
    }
}

#[cfg(test)]
mod tests;
