//! The compiled registry (BUNDLE.md §1) less its `governance` section: one map
//! per kind keyed by id, each declaration with its attributes after expansion
//! and merging, `doc`, `source {file, line}` and a `digest` of its own canonical
//! JSON (without `source` and `digest`). Each entry is kept only as that
//! canonical text ([`Registry`]).

use super::canonical::{object_with, sha256};
use super::compact::{Built, Registry};
use super::{Cx, UnitFacts};
use crate::ast::{DeclBody, Kind, Value, ValueKind};
use crate::load::Workspace;
use crate::resolve::{resolve_ref, Outcome};
use crate::types::literal_json;
use serde_json::{json, Map, Value as Json};

/// The registry format written into every bundle.
pub const FORMAT: &str = "pmth.registry/v1";

/// True for the kinds whose registry JSON the cross-declaration rules still
/// change after their own attributes are checked: personas (merged with what
/// they extend) and workflows (`order`, each step's `candidates`). Every other
/// declaration's entry is built as soon as its attributes are checked.
pub fn deferred(kind: Kind) -> bool {
    matches!(kind, Kind::Persona | Kind::Workflow)
}

/// Unit `i`'s registry entry from its checked attributes `json` (moved out of
/// its facts): the tree is built, digested, written once as canonical text and
/// dropped; only the text is kept. `None` for a unit that has no entry (a
/// later duplicate, a broken declaration).
pub fn build_one(cx: &Cx, i: usize, facts: &UnitFacts, json: Map<String, Json>) -> Option<Built> {
    if !cx.is_canonical(i) {
        return None;
    }
    let unit = cx.units.get(i)?;
    let entry = entry(cx, i, facts, json)?;
    let (file, line) = cx.place(i);
    let text = object_with(&entry, |plain| {
        vec![
            ("source", json!({"file": file, "line": line})),
            ("digest", Json::String(sha256(plain.as_bytes()))),
        ]
    });
    Some(Built::new(
        unit.decl.kind,
        unit.decl.id(),
        text,
        &Json::Object(entry),
    ))
}

/// The registry from the entries built so far and the `deferred` units' final
/// attributes (`(unit, json)`), whose entries are built here, in parallel.
pub fn build(
    ws: &Workspace,
    cx: &Cx,
    mut decls: Vec<Built>,
    deferred: Vec<(usize, Map<String, Json>)>,
) -> Registry {
    use rayon::prelude::*;
    let late: Vec<Built> = deferred
        .into_par_iter()
        .filter_map(|(i, json)| build_one(cx, i, cx.facts.get(i)?, json))
        .collect();
    decls.extend(late);
    let mut header = Map::new();
    header.insert("format".into(), json!(FORMAT));
    let (name, version) = ws
        .manifest
        .as_ref()
        .map_or((String::new(), "0.0.0".to_owned()), |m| {
            (m.name.clone(), m.version.to_string())
        });
    let mut package = Map::new();
    package.insert("name".into(), json!(name));
    package.insert("version".into(), json!(version));
    // Optional keys are written only when set (nothing is ever `null`).
    if let Some(m) = &ws.manifest {
        for (key, value) in [("organization", &m.organization), ("homepage", &m.homepage)] {
            if let Some(v) = value {
                package.insert(key.into(), json!(v));
            }
        }
    }
    header.insert("package".into(), Json::Object(package));
    header.insert("compiler".into(), json!(format!("pmth {}", crate::VERSION)));
    Registry::new(header, decls)
}

/// One declaration's registry object, without `source` and `digest`.
fn entry(
    cx: &Cx,
    i: usize,
    facts: &UnitFacts,
    json: Map<String, Json>,
) -> Option<Map<String, Json>> {
    let unit = cx.units.get(i)?;
    let decl = &unit.decl;
    let mut e = Map::new();
    match &decl.body {
        DeclBody::Attrs(_) if facts.checked => e = json,
        DeclBody::Template(t) => {
            e.insert("for".into(), json!(t.for_kind.keyword()));
            let params = facts.params.clone().unwrap_or_else(
                || json!({"type": "object", "properties": {}, "additionalProperties": false}),
            );
            e.insert("params".into(), params);
            if let Some(r) = &t.extends {
                if let Outcome::Found { id, .. } = resolve_ref(cx.symbols, r) {
                    e.insert("extends".into(), Json::String(id));
                }
            }
            let status = match crate::resolve::status_of(unit) {
                crate::resolve::Status::Active => crate::schema::names::ACTIVE,
                crate::resolve::Status::Deprecated => crate::schema::names::DEPRECATED,
                crate::resolve::Status::Retired => crate::schema::names::RETIRED,
            };
            e.insert(crate::schema::names::STATUS.into(), json!(status));
        }
        _ => return None,
    }
    e.insert("name".into(), Json::String(decl.name.name.to_string()));
    if let Some(v) = decl.version.as_ref().and_then(|v| v.value.as_ref()) {
        e.insert("version".into(), Json::String(v.to_string()));
    }
    if let Some(doc) = &decl.doc {
        e.insert("doc".into(), Json::String(doc.clone()));
    }
    if let Some(origin) = &unit.origin {
        let mut args = Map::new();
        for a in &origin.args {
            if let Some(v) = arg_json(cx, &a.value) {
                args.insert(a.name.name.to_string(), v);
            }
        }
        e.insert(
            "origin".into(),
            json!({"template": origin.template, "arguments": Json::Object(args)}),
        );
    }
    Some(e)
}

/// A template argument as JSON: literals as such, references as resolved ids.
fn arg_json(cx: &Cx, v: &Value) -> Option<Json> {
    match &v.kind {
        ValueKind::Ref(r) => cx.refs.get(&r.span).map(|t| Json::String(t.id.clone())),
        ValueKind::Word(w) => Some(Json::String(w.clone())),
        ValueKind::List(items) => items
            .iter()
            .map(|i| arg_json(cx, i))
            .collect::<Option<Vec<_>>>()
            .map(Json::Array),
        _ => literal_json(v).ok(),
    }
}
