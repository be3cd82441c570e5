//! `pmth graph`: the fleet's dependencies and its workflows' DAGs, drawn from
//! a compiled registry (a `registry.json` document), as Mermaid, Graphviz DOT
//! or SVG.
//!
//! [`dependencies`] is the fleet: agents, tools, models, services and
//! workflows, with an edge for every reference between them that the
//! attribute tables declare ([`crate::schema::references`]: an agent's
//! `model`, `fallback_models`, `tools`, `services` and `delegates`, a tool's
//! or model's `service`, a workflow step's `agent` or `tool`). [`workflow`]
//! is one workflow's steps with an edge from each step in its `after` to it
//! (and a dashed one to its `on_error` step).
//! Both are a [`Graph`]; [`mermaid`], [`dot`] and [`svg`] render one
//! (SVG with the small layered layout of [`layout`]). Everything is
//! deterministic: nodes in registry order, edges sorted.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::indexing_slicing))]

mod dot;
pub mod layout;
mod mermaid;
mod svg;
#[cfg(test)]
mod tests;

pub use dot::dot;
pub use mermaid::mermaid;
pub use svg::svg;

use crate::ast::Kind;
use crate::schema;
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};

// Public Interface

/// A directed graph with labelled nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Graph {
    /// Shown as the graph's title (DOT `label`, SVG `<title>`).
    pub title: String,
    pub nodes: Vec<Node>,
    /// (from, to) indices into `nodes`, sorted, no duplicates.
    pub edges: Vec<(usize, usize)>,
    /// A workflow's error paths: from a step to its `on_error` step (drawn
    /// dashed, labelled `on error`).
    pub error_edges: Vec<(usize, usize)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// What it is: its shape in every format.
    pub shape: Shape,
    /// The text shown: `kind id` for declarations, the step name and what
    /// runs it for steps.
    pub label: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Agent,
    Tool,
    Model,
    Service,
    Workflow,
    Step,
}

/// The kinds [`dependencies`] draws, in drawing order.
const DRAWN: [Kind; 5] = [
    Kind::Workflow,
    Kind::Agent,
    Kind::Tool,
    Kind::Model,
    Kind::Service,
];

/// The fleet's dependency graph: every agent, tool, model, service and
/// workflow of `registry`, an edge for each reference between them.
pub fn dependencies(registry: &Json) -> Graph {
    let mut nodes = Vec::new();
    let mut index: HashMap<(Kind, &str), usize> = HashMap::new();
    for kind in DRAWN {
        for (id, _) in decls(registry, kind) {
            index.insert((kind, id), nodes.len());
            nodes.push(Node {
                shape: shape(kind),
                label: format!("{} {id}", kind.keyword()),
            });
        }
    }
    let mut edges = BTreeSet::new();
    for kind in DRAWN {
        for (id, decl) in decls(registry, kind) {
            let Some(&from) = index.get(&(kind, id)) else {
                continue;
            };
            for r in schema::references(kind, decl) {
                if let Some(&to) = index.get(&(r.kind, r.id.as_str())) {
                    if to != from {
                        edges.insert((from, to));
                    }
                }
            }
        }
    }
    Graph {
        title: registry
            .pointer("/package/name")
            .and_then(Json::as_str)
            .unwrap_or("fleet")
            .to_owned(),
        nodes,
        edges: edges.into_iter().collect(),
        error_edges: Vec::new(),
    }
}

/// A workflow's DAG: its steps in their topological `order`, an edge from
/// each step in a step's `after` to that step, and an error edge from a step
/// to its `on_error` step (a string naming a step; `fail`/`continue` are not
/// steps). `name` is a registry id or a
/// bare name (then its highest version). `Err` says what exists instead.
pub fn workflow(registry: &Json, name: &str) -> Result<Graph, String> {
    let all: Vec<(&str, &Json)> = decls(registry, Kind::Workflow).collect();
    let id = pick(&all, name).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|(id, _)| *id).collect();
        let mut bare: Vec<&str> = names
            .iter()
            .map(|id| id.split_once('@').map_or(*id, |(n, _)| n))
            .collect();
        bare.dedup();
        match crate::diag::suggest(name, bare.iter().copied()) {
            Some(s) => format!("no workflow `{name}`: did you mean `{s}`?"),
            None if names.is_empty() => format!("no workflow `{name}`: the registry has none"),
            None => format!("no workflow `{name}` (workflows: {})", names.join(", ")),
        }
    })?;
    let wf = all
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, w)| *w)
        .unwrap_or(&Json::Null);
    let steps = wf.get("steps").and_then(Json::as_object);
    // The topological order first, then any step it does not list (none, in a
    // registry pmth wrote), by name.
    let mut names: Vec<&str> = wf
        .get("order")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .filter(|n| steps.is_some_and(|s| s.contains_key(*n)))
        .collect();
    for n in steps.into_iter().flat_map(|s| s.keys()) {
        if !names.contains(&n.as_str()) {
            names.push(n);
        }
    }
    let position: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut nodes = Vec::new();
    let mut edges = BTreeSet::new();
    let mut error_edges = BTreeSet::new();
    for (i, name) in names.iter().enumerate() {
        let step = steps.and_then(|s| s.get(*name)).unwrap_or(&Json::Null);
        let runs = [("agent", "agent"), ("tool", "tool"), ("select", "select")]
            .into_iter()
            .find_map(|(key, word)| {
                step.get(key)
                    .and_then(Json::as_str)
                    .map(|v| format!("{word} {v}"))
            });
        let mut label = (*name).to_owned();
        if let Some(r) = runs {
            label.push('\n');
            label.push_str(&r);
        }
        if step.get("approval").and_then(Json::as_bool) == Some(true) {
            label.push_str("\n(approval)");
        }
        nodes.push(Node {
            shape: Shape::Step,
            label,
        });
        for dep in step
            .get("after")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
        {
            if let Some(&from) = position.get(dep) {
                edges.insert((from, i));
            }
        }
        if let Some(&to) = step
            .get("on_error")
            .and_then(Json::as_str)
            .and_then(|t| position.get(t))
        {
            error_edges.insert((i, to));
        }
    }
    Ok(Graph {
        title: format!("workflow {id}"),
        nodes,
        edges: edges.into_iter().collect(),
        error_edges: error_edges.into_iter().collect(),
    })
}

fn shape(kind: Kind) -> Shape {
    match kind {
        Kind::Agent => Shape::Agent,
        Kind::Tool => Shape::Tool,
        Kind::Model => Shape::Model,
        Kind::Service => Shape::Service,
        _ => Shape::Workflow,
    }
}

fn decls(registry: &Json, kind: Kind) -> impl Iterator<Item = (&str, &Json)> {
    registry
        .get(kind.plural())
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .map(|(id, d)| (id.as_str(), d))
}

/// The id `name` means: itself when it is an id, else the highest version of
/// that name (ids without a version count as lowest).
fn pick<'a>(all: &[(&'a str, &Json)], name: &str) -> Option<&'a str> {
    if let Some((id, _)) = all.iter().find(|(id, _)| *id == name) {
        return Some(id);
    }
    all.iter()
        .filter_map(|(id, _)| {
            let (n, v) = id.split_once('@').unwrap_or((id, ""));
            (n == name).then(|| (semver::Version::parse(v).ok(), *id))
        })
        .max()
        .map(|(_, id)| id)
}
