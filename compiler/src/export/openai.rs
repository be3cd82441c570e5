//! OpenAI: function tools for Chat Completions (`tools.json`) and for the
//! Responses API (`responses_tools.json`), `strict: true` when the tool's
//! schema lowers to strict mode without changing what it accepts.

use super::{str_of, Out, Registry};
use serde_json::{json, Map, Value as Json};

/// Keywords strict mode accepts as they are.
const KEPT: &[&str] = &[
    "type",
    "description",
    "title",
    "enum",
    "const",
    "pattern",
    "multipleOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
];

/// The string formats strict mode supports.
const FORMATS: &[&str] = &[
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
];

pub(crate) fn export(reg: &Registry, out: &mut Out) {
    let mut chat = Vec::new();
    let mut responses = Vec::new();
    for (id, t) in reg.latest("tools") {
        let name = str_of(t, "name").unwrap_or(id);
        let schema = t.get("input_schema").cloned().unwrap_or_else(
            || json!({"type": "object", "properties": {}, "additionalProperties": false}),
        );
        let (parameters, strict) = match lower(&schema) {
            Ok(s) => (s, true),
            Err(why) => {
                out.note("tool", id, format!("OpenAI: `strict: false`: {why}"));
                (schema, false)
            }
        };
        if strict {
            out.count("strict", 1);
        }
        let description = str_of(t, "description").unwrap_or("");
        chat.push(json!({
            "type": "function",
            "function": {
                "name": name,
                "description": description,
                "parameters": parameters,
                "strict": strict,
            },
        }));
        responses.push(json!({
            "type": "function",
            "name": name,
            "description": description,
            "parameters": parameters,
            "strict": strict,
        }));
    }
    out.count("tools", chat.len());
    out.file("tools.json".into(), Json::Array(chat));
    out.file("responses_tools.json".into(), Json::Array(responses));
}

/// The strict form of a root schema, or why there is none.
pub fn lower(schema: &Json) -> Result<Json, String> {
    if schema.get("type").and_then(Json::as_str) != Some("object") {
        return Err("the root of a strict schema must be an object".into());
    }
    lower_at(schema, "")
}

fn lower_at(schema: &Json, at: &str) -> Result<Json, String> {
    let Some(m) = schema.as_object() else {
        return Err(format!("`{}` is not a schema object", pointer(at)));
    };
    if m.is_empty() {
        return Err(format!(
            "`{}` accepts any value (`any`), which strict mode cannot express",
            pointer(at)
        ));
    }
    let mut outm = Map::new();
    let is_object = m.get("type").and_then(Json::as_str) == Some("object");
    for (k, v) in m {
        match k.as_str() {
            k if KEPT.contains(&k) => {
                outm.insert(k.to_owned(), v.clone());
            }
            "format" => match v.as_str() {
                Some(f) if FORMATS.contains(&f) => {
                    outm.insert(k.clone(), v.clone());
                }
                _ => {
                    return Err(format!(
                        "`format: {}` at `{}` is not a format strict mode supports",
                        v.as_str().unwrap_or("?"),
                        pointer(at)
                    ))
                }
            },
            "default" => {} // an annotation; optional fields become required and nullable
            "required" | "properties" if is_object => {}
            "additionalProperties" if is_object && v == &Json::Bool(false) => {}
            "items" => {
                outm.insert(k.clone(), lower_at(v, &format!("{at}/items"))?);
            }
            "anyOf" => {
                let mut variants = Vec::new();
                for (i, s) in v.as_array().into_iter().flatten().enumerate() {
                    variants.push(lower_at(s, &format!("{at}/anyOf/{i}"))?);
                }
                outm.insert(k.clone(), Json::Array(variants));
            }
            other => {
                return Err(format!(
                    "`{other}` at `{}` is not a keyword strict mode supports",
                    pointer(at)
                ))
            }
        }
    }
    if is_object {
        if m.get("additionalProperties") != Some(&Json::Bool(false)) {
            return Err(format!(
                "the object at `{}` is open (`additionalProperties` is not false)",
                pointer(at)
            ));
        }
        let required: Vec<&str> = m
            .get("required")
            .and_then(Json::as_array)
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let mut props = Map::new();
        let mut names = Vec::new();
        for (name, s) in m
            .get("properties")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            let lowered = lower_at(s, &format!("{at}/properties/{name}"))?;
            let lowered = if required.contains(&name.as_str()) {
                lowered
            } else {
                nullable(lowered)
            };
            props.insert(name.clone(), lowered);
            names.push(Json::from(name.as_str()));
        }
        outm.insert("properties".into(), Json::Object(props));
        outm.insert("required".into(), Json::Array(names));
        outm.insert("additionalProperties".into(), Json::Bool(false));
    }
    Ok(Json::Object(outm))
}

/// `s` also accepting `null` (an optional field in strict mode).
fn nullable(mut s: Json) -> Json {
    let Some(m) = s.as_object_mut() else { return s };
    if m.contains_key("const") || m.contains_key("anyOf") {
        if let Some(Json::Array(variants)) = m.get_mut("anyOf") {
            if !variants
                .iter()
                .any(|v| v.get("type") == Some(&json!("null")))
            {
                variants.push(json!({"type": "null"}));
            }
            return s;
        }
        return json!({"anyOf": [s, {"type": "null"}]});
    }
    match m.get("type").cloned() {
        Some(Json::String(t)) if t != "null" => {
            m.insert("type".into(), json!([t, "null"]));
        }
        Some(Json::Array(mut ts)) => {
            if !ts.contains(&json!("null")) {
                ts.push(json!("null"));
            }
            m.insert("type".into(), Json::Array(ts));
        }
        _ => {}
    }
    if let Some(Json::Array(values)) = m.get_mut("enum") {
        if !values.contains(&Json::Null) {
            values.push(Json::Null);
        }
    }
    s
}

fn pointer(at: &str) -> &str {
    if at.is_empty() {
        "/"
    } else {
        at
    }
}
