//! The compiled registry (BUNDLE.md §1) less its `governance` section: one map
//! per kind keyed by id, each declaration with its attributes after expansion
//! and merging, `doc`, `source {file, line}` and a `digest` of its own canonical
//! JSON (without `source` and `digest`).

use super::canonical::digest_object;
use super::Cx;
use crate::ast::{DeclBody, Kind, Value, ValueKind};
use crate::load::Workspace;
use crate::resolve::{resolve_ref, Outcome};
use crate::types::literal_json;
use serde_json::{json, Map, Value as Json};

/// The registry format written into every bundle.
pub const FORMAT: &str = "pmth.registry/v1";

/// One registry entry: its kind, id and object.
type Entry = (Kind, String, Map<String, Json>);

/// `jsons[i]` is unit `i`'s checked attributes, moved out of its facts.
pub fn build(ws: &Workspace, cx: &Cx, jsons: Vec<Map<String, Json>>) -> Json {
    use rayon::prelude::*;
    let mut maps: Vec<Map<String, Json>> = Kind::ALL.iter().map(|_| Map::new()).collect();
    // Entries and their digests are independent: build them in parallel, then
    // insert them in order.
    let entries: Vec<Option<Entry>> = jsons
        .into_par_iter()
        .enumerate()
        .map(|(i, json)| {
            if !cx.is_canonical(i) {
                return None;
            }
            let unit = cx.units.get(i)?;
            let mut entry = entry(cx, i, json)?;
            let d = digest_object(&entry);
            let (file, line) = cx.place(i);
            entry.insert("source".into(), json!({"file": file, "line": line}));
            entry.insert("digest".into(), Json::String(d));
            Some((unit.decl.kind, unit.decl.id(), entry))
        })
        .collect();
    for (kind, id, entry) in entries.into_iter().flatten() {
        let slot = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        if let Some(m) = maps.get_mut(slot) {
            m.insert(id, Json::Object(entry));
        }
    }
    let mut out = Map::new();
    out.insert("format".into(), json!(FORMAT));
    let (name, version) = ws
        .manifest
        .as_ref()
        .map_or((String::new(), "0.0.0".to_owned()), |m| {
            (m.name.clone(), m.version.to_string())
        });
    out.insert("package".into(), json!({"name": name, "version": version}));
    out.insert("compiler".into(), json!(format!("pmth {}", crate::VERSION)));
    for (kind, m) in Kind::ALL.iter().zip(maps) {
        out.insert(kind.plural().into(), Json::Object(m));
    }
    // serde_json's maps are ordered by key already; the exact JCS order (UTF-16
    // code units) is applied when the bytes are written (`canonical`).
    Json::Object(out)
}

/// One declaration's registry object, without `source` and `digest`.
fn entry(cx: &Cx, i: usize, json: Map<String, Json>) -> Option<Map<String, Json>> {
    let unit = cx.units.get(i)?;
    let decl = &unit.decl;
    let facts = cx.facts.get(i)?;
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
