//! The registry's `index` (BUNDLE.md §1): for every capability id, the
//! non-retired agents that claim it or a capability below it, and the tools
//! and models that provide it or a capability below it, each list sorted by
//! id. It is the one place selection candidates live, so the bundle grows
//! with the fleet, not with workflows × agents.

use super::workflow::World;
use super::Cx;
use crate::ast::Kind;
use crate::schema::names::PROVIDES;
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeSet, HashMap};

/// Capability name → ids of whoever covers it: each of `names` (dotted
/// capability names) and all its ancestors get `id`.
pub fn by_name<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a [String])>,
) -> HashMap<String, BTreeSet<String>> {
    let mut index: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (id, names) in entries {
        for name in names {
            let mut cap = name.as_str();
            loop {
                // Most ids repeat across ancestors: look up before allocating.
                match index.get_mut(cap) {
                    Some(set) => {
                        if !set.contains(id) {
                            set.insert(id.to_owned());
                        }
                    }
                    None => {
                        index.insert(cap.to_owned(), BTreeSet::from([id.to_owned()]));
                    }
                }
                match cap.rsplit_once('.') {
                    Some((parent, _)) => cap = parent,
                    None => break,
                }
            }
        }
    }
    index
}

/// `{"capabilities": {ID: {"agents": […], "tools": […], "models": […]}}` for
/// every capability of the compilation; the agents are the workflow world's
/// `select` candidates.
pub fn build(cx: &Cx, world: &World) -> Json {
    let mut provides: [Vec<(String, Vec<String>)>; 2] = Default::default();
    for (i, unit) in cx.units.iter().enumerate() {
        let slot = match unit.decl.kind {
            Kind::Tool => 0,
            Kind::Model => 1,
            _ => continue,
        };
        if !cx.is_canonical(i) || cx.body(i).is_none() {
            continue;
        }
        let names: Vec<String> = cx
            .resolved(i, PROVIDES)
            .into_iter()
            .filter_map(|(_, t)| cx.units.get(t))
            .filter(|u| u.decl.kind == Kind::Capability)
            .map(|u| u.decl.name.name.to_string())
            .collect();
        if !names.is_empty() {
            if let Some(list) = provides.get_mut(slot) {
                list.push((unit.decl.id(), names));
            }
        }
    }
    let [tools, models] = provides.map(|list| {
        by_name(
            list.iter()
                .map(|(id, names)| (id.as_str(), names.as_slice())),
        )
    });
    let empty = BTreeSet::new();
    let mut caps = Map::new();
    for (i, unit) in cx.units.iter().enumerate() {
        if unit.decl.kind != Kind::Capability || !cx.is_canonical(i) {
            continue;
        }
        let name = unit.decl.name.name.as_str();
        let list = |set: Option<&BTreeSet<String>>| -> Json {
            json!(set.unwrap_or(&empty).iter().collect::<Vec<_>>())
        };
        caps.insert(
            unit.decl.id(),
            json!({
                "agents": json!(world.providers_of(name)),
                "tools": list(tools.get(name)),
                "models": list(models.get(name)),
            }),
        );
    }
    json!({ "capabilities": caps })
}
