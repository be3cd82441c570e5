//! Checking a template argument against its param's type (§7): the value's shape
//! first (a duration is not an int, a `tool.x` is not a `model`), then the
//! constraints, by validating the value's JSON against the type's JSON Schema
//! 2020-12 with the `jsonschema` crate (`format` asserted).
//!
//! The schema and JSON encodings here are the minimum `expand` needs; where the
//! shared `types` module gives the same, it should be used instead.

use crate::ast::{Block, Item, Kind, TypeExpr, TypeKind, Value, ValueKind};
use serde_json::{json, Map, Value as Json};

// Public Interface

/// `Err` holds what is wrong, as a short phrase ("expected a string, found an
/// integer", `"Billing" does not match "^[a-z]+$"`).
pub(crate) fn check(ty: &TypeExpr, constraints: Option<&Block>, v: &Value) -> Result<(), String> {
    shape(ty, v)?;
    let schema = schema(ty, constraints);
    let (Some(instance), Ok(validator)) = (
        to_json(v),
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema),
    ) else {
        // A pattern that does not compile is the checker's PM0002.
        return Ok(());
    };
    let first = validator
        .iter_errors(&instance)
        .next()
        .map(|e| e.to_string());
    match first {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The JSON Schema 2020-12 of a param or field type with its constraints. A
/// reference kind (`model`, `list<tool>`) is a string (the resolved id) with
/// `x-pmth-kind` naming the kind.
pub fn schema(ty: &TypeExpr, constraints: Option<&Block>) -> Json {
    let mut s = match &ty.kind {
        TypeKind::Named(n) => match n.name.as_str() {
            "string" => json!({"type": "string"}),
            "int" => json!({"type": "integer"}),
            "float" => json!({"type": "number"}),
            "bool" => json!({"type": "boolean"}),
            "duration" | "size" => json!({"type": "integer", "minimum": 0}),
            word => match ref_kind(word) {
                Some(k) => json!({"type": "string", "x-pmth-kind": k.keyword()}),
                None => json!({}),
            },
        },
        TypeKind::List(t) => json!({"type": "array", "items": schema(t, None)}),
        TypeKind::Map(t) => json!({"type": "object", "additionalProperties": schema(t, None)}),
        TypeKind::Union(lits) => {
            let values: Vec<&str> = lits.iter().map(|l| l.value.as_str()).collect();
            json!({"type": "string", "enum": values})
        }
        TypeKind::Object(b) => object_schema(b),
    };
    if let (Some(c), Json::Object(obj)) = (constraints, &mut s) {
        add_constraints(obj, &ty.kind, c);
    }
    s
}

// Internals

/// A type word naming a declaration kind a param may refer to.
fn ref_kind(word: &str) -> Option<Kind> {
    Kind::from_keyword(word).filter(|k| *k != Kind::Template)
}

fn found(v: &Value) -> String {
    v.kind.describe().to_owned()
}

fn shape(ty: &TypeExpr, v: &Value) -> Result<(), String> {
    let kind = &v.kind;
    let ok = match &ty.kind {
        TypeKind::Named(n) => match (n.name.as_str(), kind) {
            ("string", ValueKind::Str(_))
            | ("int", ValueKind::Int(_))
            | ("float", ValueKind::Float(_) | ValueKind::Int(_))
            | ("bool", ValueKind::Bool(_))
            | ("duration", ValueKind::Duration(_))
            | ("size", ValueKind::Size(_)) => true,
            ("string" | "int" | "float" | "bool" | "duration" | "size", _) => false,
            (word, _) => match ref_kind(word) {
                Some(k) => {
                    return match kind {
                        ValueKind::Ref(r) if r.kind == k => Ok(()),
                        ValueKind::Ref(r) => Err(format!(
                            "expected a reference to a {k}, found `{}`",
                            r.written
                        )),
                        _ => Err(format!(
                            "expected a reference to a {k} (`{k}.NAME`), found {}",
                            found(v)
                        )),
                    }
                }
                // An unknown type word is the checker's to report.
                None => true,
            },
        },
        TypeKind::List(t) => {
            let ValueKind::List(items) = kind else {
                return Err(format!("expected a list, found {}", found(v)));
            };
            for (i, item) in items.iter().enumerate() {
                shape(t, item).map_err(|e| format!("element {}: {e}", i + 1))?;
            }
            true
        }
        TypeKind::Map(t) => {
            let ValueKind::Block(b) = kind else {
                return Err(format!("expected a map block, found {}", found(v)));
            };
            for item in &b.items {
                let Item::Attr(a) = item else {
                    return Err("expected `key = value` entries".to_owned());
                };
                shape(t, &a.value).map_err(|e| format!("`{}`: {e}", a.key.name))?;
            }
            true
        }
        TypeKind::Object(fields) => return object_shape(fields, v),
        TypeKind::Union(lits) => {
            let text = match kind {
                ValueKind::Str(s) => s.as_plain(),
                _ => None,
            };
            if text.is_some_and(|t| lits.iter().any(|l| l.value == t)) {
                true
            } else {
                let values: Vec<String> = lits.iter().map(|l| format!("{:?}", l.value)).collect();
                return Err(format!("expected one of {}", values.join(", ")));
            }
        }
    };
    if ok {
        Ok(())
    } else {
        let expected = match &ty.kind {
            TypeKind::Named(n) => match n.name.as_str() {
                "int" => "an integer",
                "float" => "a number",
                "bool" => "a bool",
                "duration" => "a duration",
                "size" => "a size",
                _ => "a string",
            },
            _ => "a value of the param's type",
        };
        Err(format!("expected {expected}, found {}", found(v)))
    }
}

fn object_shape(fields: &Block, v: &Value) -> Result<(), String> {
    let ValueKind::Block(b) = &v.kind else {
        return Err(format!("expected an object block, found {}", found(v)));
    };
    for item in &b.items {
        let Item::Attr(a) = item else {
            return Err("expected `key = value` entries".to_owned());
        };
        let Some(f) = fields.fields().find(|f| f.name.name == a.key.name) else {
            return Err(format!("unknown field `{}`", a.key.name));
        };
        shape(&f.ty, &a.value).map_err(|e| format!("`{}`: {e}", a.key.name))?;
    }
    for f in fields.fields() {
        if !f.optional && f.default.is_none() && b.attr(&f.name.name).is_none() {
            return Err(format!("missing field `{}`", f.name.name));
        }
    }
    Ok(())
}

fn object_schema(fields: &Block) -> Json {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields.fields() {
        props.insert(f.name.name.clone(), schema(&f.ty, f.constraints.as_ref()));
        if !f.optional && f.default.is_none() {
            required.push(Json::String(f.name.name.clone()));
        }
    }
    let mut s = json!({"type": "object", "properties": props, "additionalProperties": false});
    if let Json::Object(obj) = &mut s {
        if !required.is_empty() {
            obj.insert("required".into(), Json::Array(required));
        }
        if let Some(req) = fields.attr("requires") {
            if let ValueKind::Block(rb) = &req.value.kind {
                let deps: Map<String, Json> = rb
                    .attrs()
                    .map(|a| {
                        let names = match &a.value.kind {
                            ValueKind::List(items) => items
                                .iter()
                                .filter_map(|i| match &i.kind {
                                    ValueKind::Word(w) => Some(Json::String(w.clone())),
                                    _ => None,
                                })
                                .collect(),
                            _ => Vec::new(),
                        };
                        (a.key.name.clone(), Json::Array(names))
                    })
                    .collect();
                obj.insert("dependentRequired".into(), Json::Object(deps));
            }
        }
    }
    s
}

fn add_constraints(obj: &mut Map<String, Json>, ty: &TypeKind, c: &Block) {
    let (min_len, max_len) = match ty {
        TypeKind::List(_) => ("minItems", "maxItems"),
        TypeKind::Map(_) | TypeKind::Object(_) => ("minProperties", "maxProperties"),
        _ => ("minLength", "maxLength"),
    };
    for a in c.attrs() {
        let v = &a.value.kind;
        let (key, value) = match (a.key.name.as_str(), v) {
            ("min", ValueKind::Int(n)) => ("minimum", json!(n)),
            ("min", ValueKind::Float(x)) => ("minimum", json!(x)),
            ("max", ValueKind::Int(n)) => ("maximum", json!(n)),
            ("max", ValueKind::Float(x)) => ("maximum", json!(x)),
            ("min_len", ValueKind::Int(n)) => (min_len, json!(n)),
            ("max_len", ValueKind::Int(n)) => (max_len, json!(n)),
            ("unique", ValueKind::Bool(b)) => ("uniqueItems", json!(b)),
            ("pattern", ValueKind::Str(s)) => match s.as_plain() {
                Some(p) => ("pattern", json!(p)),
                None => continue,
            },
            ("format", ValueKind::Str(s)) => match s.as_plain() {
                Some(p) => ("format", json!(p)),
                None => continue,
            },
            // Anything else is the checker's to report.
            _ => continue,
        };
        obj.insert(key.to_owned(), value);
    }
}

/// The JSON a value validates as (references as written, as they are not
/// resolved yet; `None` for what has no JSON form here).
fn to_json(v: &Value) -> Option<Json> {
    Some(match &v.kind {
        ValueKind::Str(s) => Json::String(s.as_plain()?),
        ValueKind::Int(n) => json!(n),
        ValueKind::Float(x) => json!(x),
        ValueKind::Bool(b) => json!(b),
        ValueKind::Duration(n) | ValueKind::Size(n) => json!(n),
        ValueKind::Rate { count, window_ms } => json!({"count": count, "window_ms": window_ms}),
        ValueKind::Word(w) => Json::String(w.clone()),
        ValueKind::Ref(r) => Json::String(r.written.clone()),
        ValueKind::List(items) => Json::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        ValueKind::Block(b) => Json::Object(
            b.items
                .iter()
                .map(|i| match i {
                    Item::Attr(a) => Some((a.key.name.clone(), to_json(&a.value)?)),
                    _ => None,
                })
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}
