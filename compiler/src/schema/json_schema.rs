//! The JSON Schema (2020-12) of the registry format `pmth.registry/v1`
//! (BUNDLE.md §1), generated from the attribute tables. Declarations accept
//! unknown keys: within v1 the format only grows, and readers ignore what they
//! do not know.

use super::{attrs, AttrSpec, Ty};
use crate::ast::Kind;
use serde_json::{json, Map, Value as Json};

/// The schema a registry (`dist/registry.json`) validates against.
pub fn registry_schema() -> Json {
    let mut props = Map::new();
    props.insert("format".into(), json!({"const": "pmth.registry/v1"}));
    props.insert(
        "package".into(),
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "version": {"type": "string"},
                "organization": {"type": "string", "description": "Who publishes the fleet (`[package] organization`)."},
                "homepage": {"type": "string", "format": "uri", "description": "`[package] homepage`, an https URL."}
            },
            "required": ["name", "version"]
        }),
    );
    props.insert("compiler".into(), json!({"type": "string"}));
    let mut required = vec![json!("format"), json!("package"), json!("compiler")];
    for kind in Kind::ALL {
        props.insert(
            kind.plural().into(),
            json!({"type": "object", "additionalProperties": declaration(kind)}),
        );
        required.push(json!(kind.plural()));
    }
    props.insert("governance".into(), json!({"type": "object"}));
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://pmth.dev/schemas/registry/v1.json",
        "title": "pmth compiled registry (pmth.registry/v1)",
        "type": "object",
        "properties": props,
        "required": required
    })
}

/// One declaration of a kind.
fn declaration(kind: Kind) -> Json {
    let (mut props, mut required) = rows(attrs(kind));
    props.insert("name".into(), json!({"type": "string"}));
    props.insert("version".into(), json!({"type": "string"}));
    props.insert("doc".into(), json!({"type": "string"}));
    props.insert(
        "source".into(),
        json!({
            "type": "object",
            "properties": {"file": {"type": "string"}, "line": {"type": "integer", "minimum": 1}},
            "required": ["file", "line"]
        }),
    );
    props.insert(
        "digest".into(),
        json!({"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}),
    );
    props.insert(
        "origin".into(),
        json!({
            "type": "object",
            "properties": {"template": {"type": "string"}, "arguments": {"type": "object"}},
            "required": ["template", "arguments"]
        }),
    );
    required.extend(["name", "source", "digest"].map(|k| json!(k)));
    match kind {
        Kind::Workflow => {
            props.insert(
                "order".into(),
                json!({"type": "array", "items": {"type": "string"}}),
            );
        }
        Kind::Template => {
            props.insert("for".into(), json!({"type": "string"}));
            props.insert("params".into(), json!({"type": "object"}));
            props.insert("extends".into(), json!({"type": "string"}));
            required.extend(["for", "params"].map(|k| json!(k)));
        }
        _ => {}
    }
    json!({"type": "object", "properties": props, "required": required})
}

/// The properties of a table's rows and the keys always present (required or
/// defaulted).
fn rows(rows: &[AttrSpec]) -> (Map<String, Json>, Vec<Json>) {
    let mut props = Map::new();
    let mut required = Vec::new();
    for r in rows {
        let mut s = value(&r.ty);
        if let Json::Object(m) = &mut s {
            m.insert("description".into(), json!(r.doc));
        }
        props.insert(r.key.into(), s);
        // A conditional default (`only_when`) is not always written.
        if r.always_required() || (r.only_when.is_none() && super::absent_value(r).is_some()) {
            required.push(json!(r.key));
        }
    }
    (props, required)
}

fn object(rows_: &[AttrSpec], extra: &[(&str, Json)]) -> Json {
    let (mut props, required) = rows(rows_);
    for (k, v) in extra {
        props.insert((*k).into(), v.clone());
    }
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

/// How a value of this type is written in the registry.
fn value(ty: &Ty) -> Json {
    let bounded = |t: &str, min: Option<Json>, max: Option<Json>| {
        let mut m = Map::new();
        m.insert("type".into(), json!(t));
        if let Some(v) = min {
            m.insert("minimum".into(), v);
        }
        if let Some(v) = max {
            m.insert("maximum".into(), v);
        }
        Json::Object(m)
    };
    match ty {
        Ty::Str | Ty::Ref(_) | Ty::StepRef | Ty::Path | Ty::Expr => json!({"type": "string"}),
        Ty::Url => json!({"type": "string", "format": "uri"}),
        Ty::Int { min, max } => bounded("integer", min.map(|v| json!(v)), max.map(|v| json!(v))),
        Ty::Float { min, max } => bounded("number", min.map(|v| json!(v)), max.map(|v| json!(v))),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Duration => json!({"type": "integer", "minimum": 0, "$comment": "milliseconds"}),
        Ty::Size => json!({"type": "integer", "minimum": 0, "$comment": "bytes"}),
        Ty::Rate => json!({
            "type": "object",
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "window_ms": {"type": "integer", "minimum": 0}
            },
            "required": ["count", "window_ms"],
            "additionalProperties": false
        }),
        Ty::Enum(words) => json!({"type": "string", "enum": words}),
        Ty::List(inner) => json!({"type": "array", "items": value(inner)}),
        Ty::Block(rows_) => object(rows_, &[]),
        Ty::Map(inner) => json!({"type": "object", "additionalProperties": value(inner)}),
        Ty::Tagged(variants) => json!({
            "oneOf": variants
                .iter()
                .map(|v| object(v.attrs, &[("type", json!({"const": v.name}))]))
                .map(|mut o| {
                    if let Some(Json::Array(req)) = o.get_mut("required") {
                        req.push(json!("type"));
                    }
                    o
                })
                .collect::<Vec<_>>()
        }),
        Ty::Secret => json!({
            "oneOf": [
                {"type": "object", "properties": {"env": {"type": "string"}}, "required": ["env"], "additionalProperties": false},
                {"type": "object", "properties": {"secret": {"type": "string"}}, "required": ["secret"], "additionalProperties": false}
            ]
        }),
        Ty::Fields | Ty::TypeExpr => {
            json!({"type": ["object", "boolean"], "$comment": "a JSON Schema 2020-12"})
        }
        Ty::Steps(rows_) => json!({
            "type": "object",
            "additionalProperties": object(rows_, &[("candidates", json!({"type": "array", "items": {"type": "string"}}))])
        }),
        Ty::Either(tys) => json!({"anyOf": tys.iter().map(value).collect::<Vec<_>>()}),
    }
}
