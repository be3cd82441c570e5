//! Capability rules (§6): a dotted name needs its parent (PM0107); `requires` is
//! acyclic (PM0108); an agent's claims are provided by its model or tools
//! (PM0301), where providing X implies X's ancestors, a provider of a
//! descendant of X satisfies a claim of X, and claiming X needs everything X
//! requires (transitively) provided too. A delegate's supported claims (with
//! what they require) count as provided, a remote agent's claims are taken as
//! provided, and the whole is a least fixpoint: a claim only a delegation
//! cycle supports is still PM0301.

use super::cycles::{cycle_diagnostic, find_cycles};
use super::Cx;
use crate::ast::Reference;
use crate::ast::{DeclBody, Kind};
use crate::diag::Diagnostic;
use crate::schema::names::{CAPABILITIES, DELEGATES, MODEL, PROVIDES, REMOTE, REQUIRES, TOOLS};
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
    // What each agent's claims rest on is read on its own, in parallel; the
    // claims through delegates are then a least fixpoint over all agents.
    let bases: Vec<Base> = {
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
            .map(|i| base(cx, i, edges, cyclic, provides))
            .collect()
    };
    let at: HashMap<usize, usize> = bases
        .iter()
        .enumerate()
        .map(|(j, b)| (b.agent, j))
        .collect();
    let supported = fixpoint(&bases, &at);
    for (b, sup) in bases.iter().zip(&supported) {
        report(cx, b, sup, (&bases, &at, &supported), diags);
    }
    for b in bases {
        facts.claims.insert(b.agent, b.names);
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

/// One claim of an agent.
struct Claim<'c> {
    reference: &'c Reference,
    /// The capability's name.
    name: String,
    /// What it requires, transitively (empty on a `requires` cycle).
    requires: Vec<String>,
}

/// What an agent's claims rest on before delegation.
struct Base<'c> {
    agent: usize,
    /// The capability names it claims, sorted, deduplicated.
    names: Vec<String>,
    claims: Vec<Claim<'c>>,
    /// `None` when what it uses could not be read (an errored model, tools or
    /// delegates): its claims are then not judged, and count as supported.
    own: Option<Own>,
}

struct Own {
    /// Its model and tools, with what each provides.
    providers: Vec<(usize, Vec<String>)>,
    /// Everything they provide, ancestors included.
    closed: HashSet<String, foldhash::fast::RandomState>,
    /// A remote agent: its claims are taken as provided.
    remote: bool,
    /// The agents it delegates to (indexes into the bases once resolved by
    /// [`fixpoint`]), itself excluded.
    delegates: Vec<usize>,
}

fn base<'c>(
    cx: &'c Cx,
    agent: usize,
    requires: &BTreeMap<usize, Vec<usize>>,
    cyclic: &HashSet<usize>,
    provides: &[Option<Vec<String>>],
) -> Base<'c> {
    let claims: Vec<Claim<'c>> = cx
        .resolved(agent, CAPABILITIES)
        .into_iter()
        .filter_map(|(r, t)| {
            let u = cx
                .units
                .get(t)
                .filter(|u| u.decl.kind == Kind::Capability)?;
            let requires = if cyclic.contains(&t) {
                Vec::new()
            } else {
                required_closure(cx, t, requires).into_iter().collect()
            };
            Some(Claim {
                reference: r,
                name: u.decl.name.name.to_string(),
                requires,
            })
        })
        .collect();
    let mut names: Vec<String> = claims.iter().map(|c| c.name.clone()).collect();
    names.sort();
    names.dedup();
    let own = own(cx, agent, provides);
    Base {
        agent,
        names,
        claims,
        own,
    }
}

/// What agent `agent` uses; `None` when any of it is unknown.
fn own(cx: &Cx, agent: usize, provides: &[Option<Vec<String>>]) -> Option<Own> {
    let models = cx.targets(agent, MODEL)?;
    let tools = cx.targets(agent, TOOLS)?;
    let delegates = cx.targets(agent, DELEGATES)?;
    if cx.is_bad(agent, REMOTE) {
        return None;
    }
    let remote = cx.body(agent)?.attr(REMOTE).is_some();
    let mut providers = Vec::new();
    for (_, t) in models.iter().chain(tools.iter()) {
        let u = cx.units.get(*t)?;
        if !matches!(u.decl.kind, Kind::Model | Kind::Tool) {
            return None;
        }
        providers.push((*t, provides.get(*t)?.clone()?));
    }
    let mut closed = HashSet::default();
    for (_, names) in &providers {
        for n in names {
            insert_with_ancestors(&mut closed, n);
        }
    }
    let mut ds = Vec::new();
    for (_, t) in delegates {
        if cx.units.get(t)?.decl.kind != Kind::Agent {
            return None;
        }
        if t != agent && !ds.contains(&t) {
            ds.push(t);
        }
    }
    Some(Own {
        providers,
        closed,
        remote,
        delegates: ds,
    })
}

fn insert_with_ancestors(set: &mut HashSet<String, foldhash::fast::RandomState>, name: &str) {
    let mut cur = name;
    set.insert(cur.to_owned());
    while let Some((parent, _)) = cur.rsplit_once('.') {
        set.insert(parent.to_owned());
        cur = parent;
    }
}

/// Whether a claim is met by what is provided: the capability (or one below
/// it) and everything it requires.
fn met(closed: &HashSet<String, foldhash::fast::RandomState>, c: &Claim) -> bool {
    closed.contains(&c.name) && c.requires.iter().all(|r| closed.contains(r))
}

/// Everything an agent can rely on: what its model and tools provide, and
/// each delegate's supported claims with what they require.
fn provided(
    own: &Own,
    bases: &[Base],
    at: &HashMap<usize, usize>,
    supported: &[Vec<bool>],
) -> HashSet<String, foldhash::fast::RandomState> {
    let mut closed = own.closed.clone();
    for d in &own.delegates {
        let Some(&j) = at.get(d) else { continue };
        let (Some(db), Some(sup)) = (bases.get(j), supported.get(j)) else {
            continue;
        };
        for (c, ok) in db.claims.iter().zip(sup) {
            if *ok {
                insert_with_ancestors(&mut closed, &c.name);
                for r in &c.requires {
                    insert_with_ancestors(&mut closed, r);
                }
            }
        }
    }
    closed
}

/// The least fixpoint of "this claim is supported": by the agent's model or
/// tools, or by its delegates' supported claims. Remote agents' claims (and
/// those of agents that could not be judged) are supported from the start, so
/// a claim only a delegation cycle supports stays unsupported.
fn fixpoint(bases: &[Base], at: &HashMap<usize, usize>) -> Vec<Vec<bool>> {
    let mut supported: Vec<Vec<bool>> = bases
        .iter()
        .map(|b| {
            let all = match &b.own {
                None => true,
                Some(o) => o.remote || delegates_unknown(o, bases, at),
            };
            match &b.own {
                Some(o) if !all => b.claims.iter().map(|c| met(&o.closed, c)).collect(),
                _ => vec![true; b.claims.len()],
            }
        })
        .collect();
    let delegating: Vec<usize> = bases
        .iter()
        .enumerate()
        .filter(|(j, b)| {
            b.own.as_ref().is_some_and(|o| !o.delegates.is_empty())
                && supported.get(*j).is_some_and(|s| s.iter().any(|ok| !ok))
        })
        .map(|(j, _)| j)
        .collect();
    let mut changed = true;
    while changed {
        changed = false;
        for &j in &delegating {
            let (Some(b), Some(o)) = (bases.get(j), bases.get(j).and_then(|b| b.own.as_ref()))
            else {
                continue;
            };
            let closed = provided(o, bases, at, &supported);
            let Some(sup) = supported.get_mut(j) else {
                continue;
            };
            for (c, ok) in b.claims.iter().zip(sup.iter_mut()) {
                if !*ok && met(&closed, c) {
                    *ok = true;
                    changed = true;
                }
            }
        }
    }
    supported
}

/// A delegate whose claims could not be read: the delegating agent is not
/// judged either (no cascade).
fn delegates_unknown(o: &Own, bases: &[Base], at: &HashMap<usize, usize>) -> bool {
    o.delegates.iter().any(|d| {
        at.get(d)
            .and_then(|&j| bases.get(j))
            .is_none_or(|b| b.own.is_none())
    })
}

/// Every agent's base, its index by unit, and its supported claims.
type Judged<'a, 'c> = (&'a [Base<'c>], &'a HashMap<usize, usize>, &'a [Vec<bool>]);

/// PM0301 for each of an agent's unsupported claims.
fn report(cx: &Cx, b: &Base, sup: &[bool], judged: Judged, diags: &mut Vec<Diagnostic>) {
    let Some(o) = &b.own else { return };
    if sup.iter().all(|ok| *ok) {
        return;
    }
    let (bases, at, supported) = judged;
    let closed = provided(o, bases, at, supported);
    let agent_name = cx
        .units
        .get(b.agent)
        .map_or("", |u| u.decl.name.name.as_str());
    for (c, ok) in b.claims.iter().zip(sup) {
        if *ok {
            continue;
        }
        let name = c.name.as_str();
        let missing_self = !closed.contains(name);
        let missing_reqs: Vec<&str> = c
            .requires
            .iter()
            .filter(|n| !closed.contains(n.as_str()))
            .map(String::as_str)
            .collect();
        let message = if missing_self {
            format!(
                "agent `{agent_name}` claims `{}`, which nothing it uses provides",
                c.reference.written
            )
        } else {
            format!(
                "agent `{agent_name}` claims `{}`, which requires `{}`, and nothing it uses provides {}",
                c.reference.written,
                missing_reqs.join("`, `"),
                if missing_reqs.len() == 1 { "it" } else { "them" }
            )
        };
        let mut d = Diagnostic::new("PM0301", c.reference.span, message)
            .label("claimed here")
            .note(provides_note(cx, &o.providers, &o.delegates, judged));
        if !missing_reqs.is_empty() {
            d = d.note(format!("`{name}` requires {}", missing_reqs.join(", ")));
        }
        let what: Vec<&str> = if missing_self {
            vec![name]
        } else {
            missing_reqs
        };
        let delegate = if o.delegates.is_empty() {
            ""
        } else {
            ", delegate to an agent whose model or tools provide it"
        };
        d = d.help(format!(
            "add a tool that provides `{}`{delegate}, or remove the claim",
            what.join("`, `")
        ));
        cx.report(b.agent, d, diags);
    }
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

/// "model `gpt4o` provides nlp.chat; tool `web_search` provides web.search;
/// agent `researcher` claims web.search"
fn provides_note(
    cx: &Cx,
    providers: &[(usize, Vec<String>)],
    delegates: &[usize],
    (bases, at, supported): Judged,
) -> String {
    if providers.is_empty() && delegates.is_empty() {
        return "the agent uses no model or tool that provides capabilities".into();
    }
    let name_of = |u: usize| {
        cx.units.get(u).map_or((Kind::Tool, ""), |u| {
            (u.decl.kind, u.decl.name.name.as_str())
        })
    };
    let mut parts: Vec<String> = providers
        .iter()
        .map(|(u, names)| {
            let (kind, name) = name_of(*u);
            if names.is_empty() {
                format!("{kind} `{name}` provides nothing")
            } else {
                format!("{kind} `{name}` provides {}", names.join(", "))
            }
        })
        .collect();
    for d in delegates {
        let (_, name) = name_of(*d);
        let Some((b, sup)) = at.get(d).and_then(|&j| bases.get(j).zip(supported.get(j))) else {
            continue;
        };
        let mut held: Vec<&str> = Vec::new();
        let mut cyclic: Vec<&str> = Vec::new();
        for (c, ok) in b.claims.iter().zip(sup) {
            let list = if *ok { &mut held } else { &mut cyclic };
            if !list.contains(&c.name.as_str()) {
                list.push(&c.name);
            }
        }
        held.sort_unstable();
        cyclic.sort_unstable();
        let mut part = if held.is_empty() && cyclic.is_empty() {
            format!("agent `{name}` claims nothing")
        } else if held.is_empty() {
            format!("agent `{name}` claims {}", cyclic.join(", "))
        } else {
            format!("agent `{name}` claims {}", held.join(", "))
        };
        if !cyclic.is_empty() {
            if held.is_empty() {
                part.push_str(", which nothing below it provides");
            } else {
                part.push_str(&format!(
                    " (and {}, which nothing below it provides)",
                    cyclic.join(", ")
                ));
            }
        }
        parts.push(part);
    }
    parts.join("; ")
}
