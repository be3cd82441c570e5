//! Workflow semantics (§8): the step graph (cycles, unknown and unreachable steps,
//! compensation), how each step runs and what it outputs, `select` candidates
//! (PM0403; the registry lists them once per capability, in `index`), the data flow of `with`/`when`/`for_each`
//! and incompatible personas. Attribute *types* of steps are checked by the schema
//! checker; this module checks what the schema cannot.

mod error;
mod expr;
mod graph;

use crate::ast::{Block, Decl, DeclBody, Field, Ident, Item, Step, ValueKind};
use crate::diag::Diagnostics;
use crate::resolve::RefMap;
use crate::source::Span;
use crate::types::{self, same_type};
use error::Problem;
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, HashMap};

/// Step attribute names this module interprets: rows of the step schema.
pub(crate) use crate::schema::names as attr;

// Public Interface

/// What the workflow checker needs to know about the rest of the registry.
#[derive(Clone, Debug, Default)]
pub struct World {
    /// Agent id → facts, for every agent of the compilation.
    pub agents: BTreeMap<String, AgentFacts>,
    /// Tool id → its schemas, for every tool of the compilation.
    pub tools: HashMap<String, ToolFacts>,
    /// Persona id → the ids it is `incompatible_with` (after `extends` merging).
    pub incompatible: HashMap<String, Vec<String>>,
    /// Capability → non-retired agents claiming it or a capability below it,
    /// sorted; built on first use from `agents`.
    providers: std::sync::OnceLock<HashMap<String, Vec<String>>>,
}

impl World {
    /// The candidates for `select = capability.CAP`: one hash lookup, so a
    /// workflow costs the same however many agents there are.
    pub(crate) fn providers_of(&self, cap: &str) -> &[String] {
        let index = self.providers.get_or_init(|| {
            let agents = self
                .agents
                .iter()
                .filter(|(_, a)| !a.retired)
                .map(|(id, a)| (id.as_str(), a.claims.as_slice()));
            crate::check::index::by_name(agents)
                .into_iter()
                .map(|(cap, ids)| (cap, ids.into_iter().collect()))
                .collect()
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
    /// Its structured output (`output: TYPE`), compiled, when it declares one.
    pub output: Option<Json>,
}

/// A tool as a workflow sees it.
#[derive(Clone, Debug, Default)]
pub struct ToolFacts {
    /// Its `params` (`input_schema`); `None` when they did not compile.
    pub input: Option<Json>,
    /// Its `returns` (`output_schema`), when it declares one.
    pub output: Option<Json>,
}

/// What the bundle records about a checked workflow.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkflowFacts {
    /// Step names in a topological order (ties broken by source order); steps on
    /// a cycle are left out.
    pub order: Vec<String>,
    /// For each `agent` step, the resolved agent id.
    pub agents: BTreeMap<String, String>,
    /// Each step's output type when known (a list under `for_each`).
    pub outputs: BTreeMap<String, Json>,
}

/// How a step runs: exactly one of `agent`, `select`, `tool` (else PM0405).
enum Runs<'a> {
    Agent(Option<String>),
    Select(&'a crate::ast::Attr),
    Tool(Option<String>),
    /// None or several: reported, the step's other checks skipped.
    Broken,
}

/// Checks one workflow declaration. `compiled` is its registry JSON as the
/// attribute checker built it (its `input_schema`, `output_schema` and each
/// step's own `output`, compiled once there; a key is absent when its type
/// errored). `refs` maps reference spans to their targets (from the resolve
/// stage); references that did not resolve are absent (their error was
/// reported there) and the checks needing them are skipped.
pub fn check_workflow(
    decl: &Decl,
    compiled: &Map<String, Json>,
    refs: &RefMap,
    world: &World,
    diags: &mut Diagnostics,
) -> WorkflowFacts {
    let DeclBody::Attrs(body) = &decl.body else {
        return WorkflowFacts::default();
    };
    let steps: Vec<&Step> = body.steps().collect();
    let keys = Keys::new();
    // `{}` (anything) when `input` did not compile (reported already).
    let input = compiled
        .get(keys.input)
        .cloned()
        .unwrap_or_else(|| json!({}));
    let compiled_steps = compiled.get(keys.steps).and_then(Json::as_object);

    let g = graph::Graph::build(&steps, diags);
    let mut facts = WorkflowFacts {
        order: g.order(),
        ..WorkflowFacts::default()
    };

    let runs: Vec<Runs> = steps.iter().map(|s| runs(s, refs, diags)).collect();
    // Each step's own output type, then the output type others read. Under
    // `for_each` the element type comes first, from `input` alone.
    let mut outputs: Vec<Option<Json>> = Vec::with_capacity(steps.len());
    for (step, run) in steps.iter().zip(&runs) {
        let own = step_field(&step.body, attr::OUTPUT).map(|_| {
            compiled_steps
                .and_then(|m| m.get(step.name.name.as_str()))
                .and_then(|s| s.get(keys.step_output))
        });
        outputs.push(step_output(step, run, own, world, diags));
    }
    {
        let flow = expr::Flow {
            graph: &g,
            input: &input,
            outputs: &[],
        };
        for (step, out) in steps.iter().zip(outputs.iter_mut()) {
            if step.body.attr(attr::FOR_EACH).is_some() {
                *out = match (out.take(), expr::item_type(step, &flow)) {
                    (Some(per_item), Some(_)) => Some(json!({"type": "array", "items": per_item})),
                    _ => None,
                };
            }
        }
    }
    for (step, out) in steps.iter().zip(&outputs) {
        if let Some(o) = out {
            facts.outputs.insert(step.name.name.to_string(), o.clone());
        }
    }
    let flow = expr::Flow {
        graph: &g,
        input: &input,
        outputs: &outputs,
    };

    for (i, (step, run)) in steps.iter().zip(&runs).enumerate() {
        let mut tool = None;
        match run {
            Runs::Broken => continue,
            Runs::Agent(Some(id)) => {
                facts.agents.insert(step.name.name.to_string(), id.clone());
            }
            Runs::Agent(None) => {}
            Runs::Tool(id) => {
                tool = id.as_deref().and_then(|id| {
                    let params = world.tools.get(id)?.input.as_ref()?;
                    Some(expr::ToolCall { name: id, params })
                });
            }
            Runs::Select(s) => {
                if let ValueKind::Ref(r) = &s.value.kind {
                    if refs.contains_key(&r.span) && world.providers_of(&r.name).is_empty() {
                        diags.push(
                            Problem::NoCandidate {
                                span: s.span,
                                capability: r.name.clone(),
                                step: step.name.name.to_string(),
                            }
                            .into_diagnostic(),
                        );
                    }
                }
            }
        }
        g.check_on_error(i, step, diags);
        expr::check_step_data(step, i, &flow, tool, diags);
    }
    if let Some(result) = body.attr(attr::RESULT) {
        expr::check_result(result, &flow, compiled.get(keys.output), diags);
    }
    incompatible_personas(&steps, &facts, world, diags);
    facts
}

/// How a step runs, after PM0405 for none or several of `agent`, `select`,
/// `tool`. A reference that did not resolve gives `None` (reported already).
fn runs<'a>(step: &'a Step, refs: &RefMap, diags: &mut Diagnostics) -> Runs<'a> {
    let given: Vec<(&'static str, &crate::ast::Attr)> = [attr::AGENT, attr::SELECT, attr::TOOL]
        .into_iter()
        .filter_map(|k| step.body.attr(k).map(|a| (k, a)))
        .collect();
    let target = |a: &crate::ast::Attr| match &a.value.kind {
        ValueKind::Ref(r) => refs.get(&r.span).map(|t| t.id.clone()),
        _ => None,
    };
    match given.as_slice() {
        [(k, a)] if *k == attr::AGENT => Runs::Agent(target(a)),
        [(k, a)] if *k == attr::TOOL => Runs::Tool(target(a)),
        [(_, a)] => Runs::Select(a),
        _ => {
            diags.push(
                Problem::StepKind {
                    header: step.header,
                    step: step.name.name.to_string(),
                    given: given.iter().map(|(k, a)| (*k, a.span)).collect(),
                }
                .into_diagnostic(),
            );
            Runs::Broken
        }
    }
}

/// The registry keys of what the workflow checker reads, from the tables.
struct Keys {
    input: &'static str,
    output: &'static str,
    steps: &'static str,
    step_output: &'static str,
}

impl Keys {
    fn new() -> Keys {
        let key = |table: &'static [crate::schema::AttrSpec], name: &'static str| {
            crate::schema::find(table, name).map_or(name, |a| a.key)
        };
        let table = crate::schema::attrs(crate::ast::Kind::Workflow);
        Keys {
            input: key(table, attr::INPUT),
            output: key(table, attr::OUTPUT),
            steps: key(table, attr::STEP),
            step_output: key(crate::schema::STEP_ATTRS, attr::OUTPUT),
        }
    }
}

/// A step's output type (per element under `for_each`): its own `output`
/// (`own`: `None` when it declares none, `Some(None)` when it did not
/// compile), its tool's `returns` or its agent's `output`; PM0203 when the
/// step's own one is not the same type as the one its tool or agent declares.
fn step_output(
    step: &Step,
    run: &Runs,
    own: Option<Option<&Json>>,
    world: &World,
    diags: &mut Diagnostics,
) -> Option<Json> {
    let (target, declared) = match run {
        Runs::Tool(Some(id)) => (
            format!("tool `{id}`"),
            world.tools.get(id).and_then(|t| t.output.clone()),
        ),
        Runs::Agent(Some(id)) => (
            format!("agent `{id}`"),
            world.agents.get(id).and_then(|a| a.output.clone()),
        ),
        Runs::Broken => return None,
        _ => (String::new(), None),
    };
    let Some(own) = own else {
        return declared;
    };
    // Written, but it did not compile (reported already): untyped.
    let own = own?.clone();
    match declared {
        Some(d) if !same_type(&own, &d) => {
            let span = step_field(&step.body, attr::OUTPUT).map_or(step.header, |f| f.span);
            diags.push(
                Problem::OutputDisagrees {
                    span,
                    step: step.name.name.to_string(),
                    target,
                    declared: types::show(&own),
                    returns: types::show(&d),
                }
                .into_diagnostic(),
            );
            None
        }
        _ => Some(own),
    }
}

/// A typed field of a block (`output: TYPE`).
fn step_field<'b>(b: &'b Block, name: &str) -> Option<&'b Field> {
    b.items.iter().find_map(|i| match i {
        Item::Field(f) if f.name.name == name => Some(&**f),
        _ => None,
    })
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
                Problem::IncompatiblePersonas {
                    span: attr.span,
                    persona: persona.clone(),
                    step: step.name.name.to_string(),
                    other: other.clone(),
                    other_step: other_step.name.to_string(),
                    other_span: other_step.span,
                }
                .into_diagnostic(),
            );
        }
        seen.push((persona, &step.name, attr.span));
    }
}

#[cfg(test)]
mod tests;
