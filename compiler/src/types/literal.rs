//! Literal values as JSON (for defaults and arguments) and validation against a
//! schema with the `jsonschema` crate, `format` asserted.

use crate::ast::{Item, Value, ValueKind};
use serde_json::{json, Map, Value as Json};
use std::cell::RefCell;
use std::collections::HashMap;

/// Why a value has no JSON form.
#[derive(Clone, Debug, PartialEq)]
pub enum LiteralError {
    /// It depends on something already reported or not yet known (an invalid
    /// literal, a template param, an interpolated string): skip silently.
    Skip,
    /// It is not a literal (a reference, a word, a secret…); names what it is.
    NotLiteral(&'static str),
}

/// A literal value as JSON: strings, numbers, bools, durations (ms), sizes
/// (bytes), rates, lists and blocks of literals.
pub fn literal_json(v: &Value) -> Result<Json, LiteralError> {
    Ok(match &v.kind {
        ValueKind::Str(s) => Json::String(s.as_plain().ok_or(LiteralError::Skip)?),
        ValueKind::Int(n) => json!(n),
        ValueKind::Float(x) => {
            Json::Number(serde_json::Number::from_f64(*x).ok_or(LiteralError::Skip)?)
        }
        ValueKind::Bool(b) => json!(b),
        ValueKind::Duration(ms) => json!(ms),
        ValueKind::Size(b) => json!(b),
        ValueKind::Rate { count, window_ms } => json!({"count": count, "window_ms": window_ms}),
        ValueKind::List(items) => {
            Json::Array(items.iter().map(literal_json).collect::<Result<_, _>>()?)
        }
        ValueKind::Block(b) => {
            let mut m = Map::new();
            for item in &b.items {
                match item {
                    Item::Attr(a) => {
                        m.insert(a.key.name.to_string(), literal_json(&a.value)?);
                    }
                    _ => return Err(LiteralError::NotLiteral("a typed field")),
                }
            }
            Json::Object(m)
        }
        ValueKind::Invalid | ValueKind::Param(_) => return Err(LiteralError::Skip),
        other => return Err(LiteralError::NotLiteral(other.describe())),
    })
}

/// Validates `instance` against `schema` (JSON Schema 2020-12, formats asserted).
/// `Err` carries the validator's message for the first error.
pub fn validate(schema: &Json, instance: &Json) -> Result<(), String> {
    with_validator(schema, |validator| {
        let first = validator.iter_errors(instance).next().map(|e| {
            let path = e.instance_path().to_string();
            if path.is_empty() {
                e.to_string()
            } else {
                format!("at `{path}`: {e}")
            }
        });
        match first {
            None => Ok(()),
            Some(message) => Err(message),
        }
    })
}

/// Whether `pattern` compiles with the engine `jsonschema` validates `pattern`
/// with; `Err` carries the engine's message.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    with_validator(&json!({"type": "string", "pattern": pattern}), |_| Ok(()))
}

type Built = Result<std::rc::Rc<jsonschema::Validator>, String>;

thread_local! {
    /// Compiled validators by schema text: building one is far dearer than
    /// running it, and generated workspaces repeat the same few types.
    static VALIDATORS: RefCell<HashMap<String, Built>> = RefCell::new(HashMap::new());
}

/// Most validators kept per thread before the cache starts over.
const CACHE_LIMIT: usize = 4096;

fn with_validator<T>(
    schema: &Json,
    f: impl FnOnce(&jsonschema::Validator) -> Result<T, String>,
) -> Result<T, String> {
    let key = schema.to_string();
    let cached = VALIDATORS.with(|c| c.borrow().get(&key).cloned());
    let built = match cached {
        Some(b) => b,
        None => {
            let b: Built = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(schema)
                .map(std::rc::Rc::new)
                .map_err(|e| e.to_string());
            VALIDATORS.with(|c| {
                let mut c = c.borrow_mut();
                if c.len() >= CACHE_LIMIT {
                    c.clear();
                }
                c.insert(key, b.clone());
            });
            b
        }
    };
    f(built?.as_ref())
}
