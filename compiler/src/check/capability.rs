//! Capability rules (§6): a dotted name needs its parent (PM0107); `requires` is
//! acyclic (PM0108); an agent's claims are provided by its model or tools
//! (PM0301), where providing X implies X's ancestors, a provider of a
//! descendant of X satisfies a claim of X, and claiming X needs everything X
//! requires (transitively) provided too.

use super::cycles::{cycle_diagnostic, find_cycles};
use super::Cx;
use crate::ast::{DeclBody, Kind};
use crate::diag::Diagnostic;
use crate::schema::names::{CAPABILITIES, MODEL, PROVIDES, REQUIRES, TOOLS};
use crate::source::Span;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What later rules (workflow `select`) need to know about capabilities.
#[derive(Clone, Debug, Default)]
pub struct CapabilityFacts {
    /// Capability units on a `requires` cycle.
    pub cyclic: HashSet<usize>,
    /// Agent unit → the capability names it claims (claims that resolved),
    /// sorted; only agents whose claims could be read.
    pub claims: BTreeMap<usize, Vec<String>>,
}

pub fn check(cx: &Cx, diags: &mut Vec<Diagnostic>) -> CapabilityFacts {
    let mut facts = CapabilityFacts::default();
    let mut edges: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut edge_spans: HashMap<(usize, usize), Span> = HashMap::new();
    for (i, unit) in cx.units.iter().enumerate() {
        if unit.decl.kind != Kind::Capability || cx.body(i).is_none() {
            continue;
        }
        parent(cx, i, diags);
        let succ = edges.entry(i).or_default();
        for (r, t) in cx.targets(i, REQUIRES).unwrap_or_default() {
            if cx
                .units
                .get(t)
                .is_some_and(|u| u.decl.kind == Kind::Capability)
            {
                succ.push(t);
                edge_spans.entry((i, t)).or_insert(r.span);
            }
        }
    }
    for cycle in find_cycles(&edges, |n| cx.position(*n)) {
        facts.cyclic.extend(cycle.path.iter().copied());
        if let Some((first, d)) = cycle_diagnostic(
            cx,
            &cycle,
            "capability `requires`",
            "requires",
            "remove one of the `requires` entries so that the requirements form a hierarchy",
            &edge_spans,
        ) {
            cx.report(first, d, diags);
        }
    }
    // Each agent's claims are judged on their own: in parallel, reported in order.
    let agents: Vec<(usize, Vec<String>, Vec<Diagnostic>)> = {
        use rayon::prelude::*;
        let cyclic = &facts.cyclic;
        let edges = &edges;
        // What each model and tool provides, once (agents share them).
        let provides: Vec<Option<Vec<String>>> = (0..cx.units.len())
            .into_par_iter()
            .map(|i| match cx.units.get(i).map(|u| u.decl.kind) {
                Some(Kind::Model | Kind::Tool) => provided_by(cx, i),
                _ => None,
            })
            .collect();
        let provides = &provides;
        (0..cx.units.len())
            .into_par_iter()
            .filter(|&i| {
                cx.units.get(i).is_some_and(|u| u.decl.kind == Kind::Agent) && cx.body(i).is_some()
            })
            .map(|i| {
                let mut found = Vec::new();
                let names = claims(cx, i, edges, cyclic, provides, &mut found);
                (i, names, found)
            })
            .collect()
    };
    for (i, names, found) in agents {
        facts.claims.insert(i, names);
        diags.extend(found);
    }
    facts
}

/// PM0107: `a.b.c` needs `a.b`.
fn parent(cx: &Cx, i: usize, diags: &mut Vec<Diagnostic>) {
    let Some(unit) = cx.units.get(i) else { return };
    let name = &unit.decl.name.name;
    let Some((parent, _)) = name.rsplit_once('.') else {
        return;
    };
    if cx.symbols.has_name(Kind::Capability, parent) {
        return;
    }
    let d = Diagnostic::new(
        "PM0107",
        unit.decl.header,
        format!("capability `{name}` has no parent: `{parent}` is not declared"),
    )
    .label(format!("`{parent}` is missing"))
    .help(format!(
        "declare `capability {parent} {{ description = \"…\" }}`, or rename this capability"
    ));
    cx.report(i, d, diags);
}

/// The capability names a model or tool provides; `None` when unknown (its
/// declaration is broken or its `provides` errored).
fn provided_by(cx: &Cx, unit: usize) -> Option<Vec<String>> {
    let u = cx.units.get(unit)?;
    if !matches!(u.decl.body, DeclBody::Attrs(_)) {
        return None;
    }
    let mut names: Vec<String> = cx
        .targets(unit, PROVIDES)?
        .into_iter()
        .filter_map(|(_, t)| cx.units.get(t).map(|c| c.decl.name.name.to_string()))
        .collect();
    names.sort();
    names.dedup();
    Some(names)
}

/// PM0301 for one agent; returns the capability names it claims (sorted).
fn claims(
    cx: &Cx,
    agent: usize,
    requires: &BTreeMap<usize, Vec<usize>>,
    cyclic: &HashSet<usize>,
    provides: &[Option<Vec<String>>],
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let claimed: Vec<_> = cx
        .resolved(agent, CAPABILITIES)
        .into_iter()
        .filter(|(_, t)| {
            cx.units
                .get(*t)
                .is_some_and(|u| u.decl.kind == Kind::Capability)
        })
        .collect();
    let mut names: Vec<String> = claimed
        .iter()
        .filter_map(|(_, t)| cx.units.get(*t).map(|u| u.decl.name.name.to_string()))
        .collect();
    names.sort();
    names.dedup();
    if claimed.is_empty() {
        return names;
    }
    // What the model and the tools provide; give up quietly if any is unknown.
    let Some(models) = cx.targets(agent, MODEL) else {
        return names;
    };
    let Some(tools) = cx.targets(agent, TOOLS) else {
        return names;
    };
    let mut providers: Vec<(usize, &[String])> = Vec::new();
    for (_, t) in models.iter().chain(tools.iter()) {
        let Some(u) = cx.units.get(*t) else {
            return names;
        };
        if !matches!(u.decl.kind, Kind::Model | Kind::Tool) {
            return names;
        }
        let Some(p) = provides.get(*t).and_then(Option::as_deref) else {
            return names;
        };
        providers.push((*t, p));
    }
    let mut closed: HashSet<&str, foldhash::fast::RandomState> = HashSet::default();
    for (_, names) in &providers {
        for n in *names {
            let mut cur = n.as_str();
            closed.insert(cur);
            while let Some((parent, _)) = cur.rsplit_once('.') {
                closed.insert(parent);
                cur = parent;
            }
        }
    }
    for (r, cap) in &claimed {
        let Some(c) = cx.units.get(*cap) else {
            continue;
        };
        let name = c.decl.name.name.as_str();
        let missing_self = !closed.contains(name);
        let missing_reqs: Vec<String> = if cyclic.contains(cap) {
            Vec::new()
        } else {
            required_closure(cx, *cap, requires)
                .into_iter()
                .filter(|n| !closed.contains(n.as_str()))
                .collect()
        };
        if !missing_self && missing_reqs.is_empty() {
            continue;
        }
        let agent_name = cx
            .units
            .get(agent)
            .map_or("", |u| u.decl.name.name.as_str());
        let message = if missing_self {
            format!(
                "agent `{agent_name}` claims `{}`, which nothing it uses provides",
                r.written
            )
        } else {
            format!(
                "agent `{agent_name}` claims `{}`, which requires `{}`, and nothing it uses provides {}",
                r.written,
                missing_reqs.join("`, `"),
                if missing_reqs.len() == 1 { "it" } else { "them" }
            )
        };
        let mut d = Diagnostic::new("PM0301", r.span, message)
            .label("claimed here")
            .note(provides_note(cx, &providers));
        if !missing_reqs.is_empty() {
            d = d.note(format!("`{name}` requires {}", missing_reqs.join(", ")));
        }
        let what: Vec<&str> = if missing_self {
            vec![name]
        } else {
            missing_reqs.iter().map(String::as_str).collect()
        };
        d = d.help(format!(
            "add a tool that provides `{}`, or remove the claim",
            what.join("`, `")
        ));
        cx.report(agent, d, diags);
    }
    names
}

/// Every capability name `cap` requires, transitively (cycles already reported).
fn required_closure(
    cx: &Cx,
    cap: usize,
    requires: &BTreeMap<usize, Vec<usize>>,
) -> BTreeSet<String> {
    let mut seen: HashSet<usize> = HashSet::from([cap]);
    let mut stack = vec![cap];
    let mut out = BTreeSet::new();
    while let Some(n) = stack.pop() {
        for &m in requires.get(&n).map_or(&[][..], Vec::as_slice) {
            if seen.insert(m) {
                if let Some(u) = cx.units.get(m) {
                    out.insert(u.decl.name.name.to_string());
                }
                stack.push(m);
            }
        }
    }
    out
}

/// "model `gpt4o` provides nlp.chat; tool `web_search` provides web.search"
fn provides_note(cx: &Cx, providers: &[(usize, &[String])]) -> String {
    if providers.is_empty() {
        return "the agent uses no model or tool that provides capabilities".into();
    }
    providers
        .iter()
        .map(|(u, names)| {
            let (kind, name) = cx.units.get(*u).map_or((Kind::Tool, ""), |u| {
                (u.decl.kind, u.decl.name.name.as_str())
            });
            if names.is_empty() {
                format!("{kind} `{name}` provides nothing")
            } else {
                format!("{kind} `{name}` provides {}", names.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
