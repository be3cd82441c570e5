//! Checking a template argument against its param's type (§7): the value's shape
//! first (a duration is not an int, a `tool.x` is not a `model`), then the
//! constraints, by validating the value's JSON against the type's JSON Schema
//! 2020-12 from [`crate::types`] (the same schema the bundle carries, `format`
//! asserted).

use super::FastMap;
use crate::ast::{Block, Field, Item, Kind, TypeExpr, TypeKind, Value, ValueKind};
use crate::types::{literal_json, type_schema, validate, TypeCx};
use serde_json::Value as Json;

// Public Interface

/// The JSON Schema 2020-12 of a template param's type and constraints (`None`
/// when the type itself has an error, which the checker reports). A reference
/// kind (`model`, `list<tool>`) is a string, the resolved id, with `x-pmth-ref`.
pub fn schema(ty: &TypeExpr, constraints: Option<&Block>) -> Option<Json> {
    type_schema(
        TypeCx { allow_refs: true },
        ty,
        constraints,
        &mut Vec::new(),
    )
}

/// Checks arguments against params. `Err` holds what is wrong, as a short
/// phrase ("expected a string, found an integer", `"Billing" does not match
/// "^[a-z]+$"`). Each param's schema is built once, and each
/// (param, argument JSON) verdict computed once. Instances of one template
/// mostly pass the same few values, and a verdict depends on nothing else.
#[derive(Default)]
pub(crate) struct Memo {
    /// By the param's address (params live in the template chains, which
    /// outlive the memo).
    schemas: FastMap<usize, Option<Json>>,
    verdicts: FastMap<usize, FastMap<String, Result<(), String>>>,
}

impl Memo {
    /// The argument's shape against the param's type, then its JSON against
    /// the type's schema (a type or constraint that is wrong itself is the
    /// checker's to report: no error here).
    pub(crate) fn check(&mut self, param: &Field, v: &Value) -> Result<(), String> {
        shape(&param.ty, v)?;
        let key = std::ptr::from_ref(param) as usize;
        let schema = self
            .schemas
            .entry(key)
            .or_insert_with(|| schema(&param.ty, param.constraints.as_ref()));
        let (Some(schema), Some(instance)) = (schema.as_ref(), to_json(v)) else {
            return Ok(());
        };
        if plainly_valid(schema, &instance) {
            return Ok(());
        }
        // The text identifies the JSON value (serde_json's maps are ordered,
        // integers and floats print differently).
        let text = instance.to_string();
        let verdicts = self.verdicts.entry(key).or_default();
        if let Some(verdict) = verdicts.get(&text) {
            return verdict.clone();
        }
        let verdict = validate(schema, &instance);
        verdicts.insert(text, verdict.clone());
        verdict
    }
}

// Internals

/// True when `schema` says nothing but `type` (and the `x-pmth-ref`
/// annotation) and the instance has that type: valid by definition, no
/// validator needed. Anything else goes to the validator.
fn plainly_valid(schema: &Json, instance: &Json) -> bool {
    let Json::Object(obj) = schema else {
        return false;
    };
    if !obj.keys().all(|k| k == "type" || k == "x-pmth-ref") {
        return false;
    }
    match obj.get("type").and_then(Json::as_str) {
        Some("string") => instance.is_string(),
        Some("boolean") => instance.is_boolean(),
        Some("integer") => instance.is_i64() || instance.is_u64(),
        _ => false,
    }
}

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
                            "expected a reference to {}, found `{}`",
                            k.with_article(),
                            r.written
                        )),
                        _ => Err(format!(
                            "expected a reference to {} (`{k}.NAME`), found {}",
                            k.with_article(),
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

/// The JSON an argument validates as: a literal as the bundle writes it, a
/// reference as written (it is resolved later); `None` when it has no JSON form.
fn to_json(v: &Value) -> Option<Json> {
    match &v.kind {
        ValueKind::Ref(r) => Some(Json::String(r.written.clone())),
        ValueKind::List(items) => items
            .iter()
            .map(to_json)
            .collect::<Option<_>>()
            .map(Json::Array),
        _ => literal_json(v).ok(),
    }
}
