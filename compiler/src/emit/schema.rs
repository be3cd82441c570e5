//! The JSON Schema (2020-12) of `registry.json`, published as
//! `docs/registry.schema.json`. The per-kind parts are generated from the
//! attribute tables in [`crate::schema`] (the single source of truth for
//! attributes); the frame around them (the eight maps, `governance`, the keys
//! the compiler adds to every declaration) is written here.
//!
//! It describes exactly what this compiler writes (`additionalProperties:
//! false`), so a test catches any drift between the registry and the tables.
//! Consumers should still ignore keys they do not know: within
//! `pmth.registry/v1` changes are additive.

use crate::ast::Kind;
use crate::schema::{self as tables, AttrSpec, Ty};
use serde_json::{json, Map, Value as Json};

// Public Interface

/// The schema document.
pub fn registry_schema() -> Json {
    let mut defs = Map::new();
    let mut properties = Map::new();
    properties.insert(
        "format".into(),
        json!({"const": crate::check::REGISTRY_FORMAT}),
    );
    properties.insert(
        "package".into(),
        object(
            &[
                ("name", json!({"type": "string"})),
                ("version", json!({"type": "string"})),
            ],
            &["name", "version"],
        ),
    );
    properties.insert(
        "compiler".into(),
        json!({"type": "string", "description": "`pmth VERSION`, the compiler that wrote it."}),
    );
    for kind in Kind::ALL {
        defs.insert(kind.keyword().into(), declaration(kind));
        properties.insert(
            kind.plural().into(),
            json!({
                "type": "object",
                "description": format!("Every {kind} declaration (the stdlib's included), keyed by id (`name` or `name@version`)."),
                "additionalProperties": {"$ref": format!("#/$defs/{}", kind.keyword())},
            }),
        );
    }
    properties.insert("governance".into(), governance());
    defs.insert(
        "json_schema".into(),
        json!({"type": ["object", "boolean"], "description": "A JSON Schema 2020-12 document."}),
    );
    defs.insert("source".into(), object(
        &[
            ("file", json!({"type": "string", "description": "Workspace-relative path, or `stdlib:PATH`."})),
            ("line", json!({"type": "integer", "minimum": 1})),
        ],
        &["file", "line"],
    ));
    defs.insert(
        "digest".into(),
        json!({"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}),
    );
    defs.insert("secret".into(), json!({"oneOf": [
        object(&[("env", json!({"type": "string", "description": "An environment variable's name."}))], &["env"]),
        object(&[("secret", json!({"type": "string", "description": "A secret manager reference (`vault://…`)."}))], &["secret"]),
    ]}));
    defs.insert(
        "rate".into(),
        object(
            &[
                ("count", json!({"type": "integer", "minimum": 0})),
                ("window_ms", json!({"type": "integer", "minimum": 0})),
            ],
            &["count", "window_ms"],
        ),
    );
    let mut required: Vec<&str> = vec!["format", "package", "compiler", "governance"];
    required.extend(Kind::ALL.iter().map(|k| k.plural()));
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://pmth.dev/schemas/registry-v1.schema.json",
        "title": format!("pmth registry ({})", crate::check::REGISTRY_FORMAT),
        "description": "The compiled registry written to dist/registry.json by `pmth build` (docs/bundle.md). Generated from the attribute tables; do not edit.",
        "type": "object",
        "properties": Json::Object(properties),
        "required": required,
        "additionalProperties": false,
        "$defs": Json::Object(defs),
    })
}

/// The pretty-printed document as committed in `docs/registry.schema.json`.
pub fn registry_schema_text() -> String {
    let mut v = registry_schema();
    crate::check::canonical::sort_keys(&mut v);
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}

/// One declaration kind: the keys every declaration has, then its table.
fn declaration(kind: Kind) -> Json {
    let mut props = vec![
        ("name", json!({"type": "string"})),
        (
            "version",
            json!({"type": "string", "description": "The declared semver version, when it has one."}),
        ),
        (
            "doc",
            json!({"type": "string", "description": "The `///` doc comment."}),
        ),
        ("source", json!({"$ref": "#/$defs/source"})),
        (
            "digest",
            json!({"$ref": "#/$defs/digest", "description": "sha256 of the declaration's canonical JSON without `source` and `digest`."}),
        ),
        (
            "origin",
            object(
                &[
                    (
                        "template",
                        json!({"type": "string", "description": "The template's id."}),
                    ),
                    (
                        "arguments",
                        json!({"type": "object", "description": "The arguments, references as resolved ids."}),
                    ),
                ],
                &["template", "arguments"],
            ),
        ),
    ];
    let mut required = vec!["name", "source", "digest"];
    let table = tables::attrs(kind);
    match kind {
        Kind::Template => {
            let kinds: Vec<&str> = Kind::ALL
                .iter()
                .filter(|k| **k != Kind::Template)
                .map(|k| k.keyword())
                .collect();
            props.push(("for", json!({"type": "string", "enum": kinds})));
            props.push(("params", json!({"$ref": "#/$defs/json_schema", "description": "The params as a JSON Schema object."})));
            props.push(("extends", json!({"type": "string", "description": "The parent template's id."})));
            required.extend(["for", "params"]);
        }
        Kind::Workflow => props.push((
            "order",
            json!({"type": "array", "items": {"type": "string"}, "description": "The steps in a topological order."}),
        )),
        _ => {}
    }
    block(table, props, required)
}

/// An object schema for an attribute table plus `extra` keys.
fn block(table: &[AttrSpec], extra: Vec<(&str, Json)>, required: Vec<&str>) -> Json {
    let mut props = Map::new();
    let mut req: Vec<String> = required.into_iter().map(str::to_owned).collect();
    for (k, v) in extra {
        props.insert(k.into(), v);
    }
    for spec in table {
        let mut s = ty(&spec.ty);
        if let Json::Object(o) = &mut s {
            if !o.contains_key("description") {
                o.insert("description".into(), json!(spec.doc));
            }
        }
        props.insert(spec.key.into(), s);
        if always_written(spec) {
            req.push(spec.key.into());
        }
    }
    json!({
        "type": "object",
        "properties": Json::Object(props),
        "required": req,
        "additionalProperties": false,
    })
}

/// Required attributes, attributes with a default, blocks with a defaulted
/// row, field blocks and steps are written even when absent from the source.
fn always_written(spec: &AttrSpec) -> bool {
    spec.required
        || spec.default.is_some()
        || matches!(spec.ty, Ty::Fields | Ty::Steps(_))
        || matches!(spec.ty, Ty::Block(rows) if rows.iter().any(always_written_default))
}

fn always_written_default(spec: &AttrSpec) -> bool {
    spec.default.is_some()
        || matches!(spec.ty, Ty::Block(rows) if rows.iter().any(always_written_default))
}

/// How a value of a type is written into the registry.
fn ty(t: &Ty) -> Json {
    match t {
        Ty::Str => json!({"type": "string"}),
        Ty::Url => json!({"type": "string", "format": "uri"}),
        Ty::Int { min, max } => bounded("integer", min.map(|m| json!(m)), max.map(|m| json!(m))),
        Ty::Float { min, max } => bounded("number", min.map(|m| json!(m)), max.map(|m| json!(m))),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Duration => json!({"type": "integer", "minimum": 0, "description": "Milliseconds."}),
        Ty::Size => json!({"type": "integer", "minimum": 0, "description": "Bytes."}),
        Ty::Rate => json!({"$ref": "#/$defs/rate"}),
        Ty::Enum(words) => json!({"type": "string", "enum": words}),
        Ty::Ref(kind) => {
            json!({"type": "string", "description": format!("The resolved id of a {kind}.")})
        }
        Ty::List(inner) => json!({"type": "array", "items": ty(inner)}),
        Ty::Block(rows) => block(rows, Vec::new(), Vec::new()),
        Ty::Map(inner) => json!({"type": "object", "additionalProperties": ty(inner)}),
        Ty::Tagged(variants) => {
            let one_of: Vec<Json> = variants
                .iter()
                .map(|v| {
                    let mut s = block(
                        v.attrs,
                        vec![("type", json!({"const": v.name}))],
                        vec!["type"],
                    );
                    set(&mut s, "description", json!(v.doc));
                    s
                })
                .collect();
            json!({ "oneOf": one_of })
        }
        Ty::Secret => json!({"$ref": "#/$defs/secret"}),
        Ty::Fields | Ty::TypeExpr => json!({"$ref": "#/$defs/json_schema"}),
        Ty::Steps(rows) => {
            let step = block(
                rows,
                vec![(
                    "candidates",
                    json!({"type": "array", "items": {"type": "string"}, "description": "For `select`: the agents that provide the capability, sorted by id."}),
                )],
                Vec::new(),
            );
            json!({"type": "object", "additionalProperties": step})
        }
        Ty::StepRef => json!({"type": "string", "description": "A step's name."}),
        Ty::Path | Ty::Expr => {
            json!({"type": "string", "description": "As written (`input.items`, `step.a.status == \"ok\"`)."})
        }
        Ty::Either(tys) => {
            let any_of: Vec<Json> = tys
                .iter()
                .map(|t| match t {
                    Ty::StepRef => {
                        json!({"type": "string", "pattern": "^step\\.[A-Za-z_][A-Za-z0-9_]*$"})
                    }
                    t => ty(t),
                })
                .collect();
            json!({ "anyOf": any_of })
        }
    }
}

fn bounded(ty: &str, min: Option<Json>, max: Option<Json>) -> Json {
    let mut s = json!({ "type": ty });
    if let Some(m) = min {
        set(&mut s, "minimum", m);
    }
    if let Some(m) = max {
        set(&mut s, "maximum", m);
    }
    s
}

fn object(props: &[(&str, Json)], required: &[&str]) -> Json {
    let m: Map<String, Json> = props
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    json!({
        "type": "object",
        "properties": Json::Object(m),
        "required": required,
        "additionalProperties": false,
    })
}

fn governance() -> Json {
    let policy = object(
        &[
            ("package", json!({"type": "string"})),
            (
                "path",
                json!({"type": "string", "description": "Workspace-relative, or `stdlib:PATH`."}),
            ),
            ("digest", json!({"$ref": "#/$defs/digest"})),
        ],
        &["package", "path", "digest"],
    );
    let warning = json!({
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "ref": {"type": "string", "description": "`KIND.ID` of the declaration it is about."},
            "policy": {"type": "string", "description": "The package that warned."},
        },
        "required": ["code", "message"],
    });
    let mut g = object(
        &[
            ("policies", json!({"type": "array", "items": policy})),
            ("warnings", json!({"type": "array", "items": warning})),
        ],
        &["policies", "warnings"],
    );
    set(
        &mut g,
        "description",
        json!("The policies that gated the build, and the warnings they gave."),
    );
    g
}

/// Sets `key` on a JSON object (no-op on anything else).
fn set(v: &mut Json, key: &str, value: Json) {
    if let Json::Object(m) = v {
        m.insert(key.to_owned(), value);
    }
}
