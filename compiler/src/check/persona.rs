//! Personas (§6): `extends` is acyclic (PM0108) and merged in order before the
//! persona's own attributes: blocks key by key, recursively; scalars and lists
//! replace; `status` and the doc comment are never inherited.

use super::cycles::{cycle_diagnostic, find_cycles};
use super::Cx;
use crate::ast::Kind;
use crate::diag::Diagnostic;
use crate::schema::names::{EXTENDS, STATUS};
use crate::source::Span;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashMap, HashSet};

pub fn check(cx: &mut Cx, diags: &mut Vec<Diagnostic>) {
    let mut edges: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut spans: HashMap<(usize, usize), Span> = HashMap::new();
    for i in 0..cx.units.len() {
        if cx.units.get(i).is_none_or(|u| u.decl.kind != Kind::Persona) || cx.body(i).is_none() {
            continue;
        }
        let succ = edges.entry(i).or_default();
        for (r, t) in cx.resolved(i, EXTENDS) {
            if cx
                .units
                .get(t)
                .is_some_and(|u| u.decl.kind == Kind::Persona)
            {
                succ.push(t);
                spans.entry((i, t)).or_insert(r.span);
            }
        }
    }
    let mut cyclic: HashSet<usize> = HashSet::new();
    for cycle in find_cycles(&edges, |n| cx.position(*n)) {
        cyclic.extend(cycle.path.iter().copied());
        if let Some((first, d)) = cycle_diagnostic(
            cx,
            &cycle,
            "persona `extends`",
            "extends",
            "remove one of the `extends` entries",
            &spans,
        ) {
            cx.report(first, d, diags);
        }
    }
    // Merge in dependency order (parents first), iteratively.
    let mut merged: HashMap<usize, Map<String, Json>> = HashMap::new();
    for &root in edges.keys() {
        let mut stack: Vec<(usize, bool)> = vec![(root, false)];
        let mut open: HashSet<usize> = HashSet::new();
        while let Some((n, ready)) = stack.pop() {
            if merged.contains_key(&n) {
                continue;
            }
            let parents: &[usize] = edges.get(&n).map_or(&[], Vec::as_slice);
            if !ready && !cyclic.contains(&n) {
                open.insert(n);
                stack.push((n, true));
                for &p in parents.iter().rev() {
                    if !merged.contains_key(&p) && !open.contains(&p) {
                        stack.push((p, false));
                    }
                }
                continue;
            }
            let own = cx.facts.get(n).map(|f| f.json.clone()).unwrap_or_default();
            let result = if cyclic.contains(&n) {
                own
            } else {
                let mut acc = Map::new();
                for p in parents {
                    let parent = merged
                        .get(p)
                        .cloned()
                        .or_else(|| cx.facts.get(*p).map(|f| f.json.clone()))
                        .unwrap_or_default();
                    merge(&mut acc, parent, true);
                }
                merge(&mut acc, own, false);
                acc
            };
            merged.insert(n, result);
        }
    }
    for (n, json) in merged {
        if let Some(f) = cx.facts.get_mut(n) {
            f.json = json;
        }
    }
}

/// Merges `over` into `base`: objects key by key, everything else replaces.
/// `inherited` drops what is never inherited (`status`, `extends`).
pub fn merge(base: &mut Map<String, Json>, over: Map<String, Json>, inherited: bool) {
    for (k, v) in over {
        if inherited && (k == STATUS || k == EXTENDS) {
            continue;
        }
        match (base.get_mut(&k), v) {
            (Some(Json::Object(b)), Json::Object(o)) => merge(b, o, false),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blocks_merge_and_scalars_replace() {
        let mut base = Map::new();
        let parent = json!({"tone": "formal", "traits": {"creativity": 0.4, "formality": 0.8}, "status": "deprecated", "expertise": ["a"]});
        let own = json!({"tone": "friendly", "traits": {"empathy": 0.9}, "status": "active", "expertise": ["b"]});
        if let (Json::Object(p), Json::Object(o)) = (parent, own) {
            merge(&mut base, p, true);
            merge(&mut base, o, false);
        }
        assert_eq!(
            Json::Object(base),
            json!({"tone": "friendly", "traits": {"creativity": 0.4, "formality": 0.8, "empathy": 0.9}, "status": "active", "expertise": ["b"]})
        );
    }
}
