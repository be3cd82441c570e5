//! Type fitting (LANGUAGE.md §8) over compiled JSON Schemas: whether every value
//! a type can take is one another type accepts ([`fits`]), and whether two types
//! are the same once descriptions are set aside ([`same_type`]).
//!
//! The rules: `int` fits `float`; an enum fits `string` (and a smaller enum);
//! `T` fits `T | null` but not the reverse; an object fits an object type when
//! each required field is present (required) with a fitting type and, the type
//! being closed, no other field is; `any` (`{}`) fits everything and everything
//! fits `any`. Constraints (bounds, lengths, patterns, formats) are not compared:
//! they are enforced at run time. Durations and sizes are integers in JSON.
//!
//! Unions are read in both JSON Schema spellings, `anyOf` and `type: [..]`.

use serde_json::{Map, Value as Json};

// Public Interface

/// True when every value `value` can take is accepted by `ty`.
pub fn fits(value: &Json, ty: &Json) -> bool {
    fits_alts(&alternatives(value), &alternatives(ty))
}

/// True when `a` and `b` are the same type: equal once every `description`
/// (and `title`) is removed.
pub fn same_type(a: &Json, b: &Json) -> bool {
    strip_docs(a) == strip_docs(b)
}

/// A compiled type written back in `.pmth` syntax, for messages:
/// `list<string>`, `int | null`, `"a" | "b"`, `object { q: string  n?: int }`.
pub fn show(s: &Json) -> String {
    let Json::Object(m) = s else {
        return if *s == Json::Bool(false) {
            "nothing".into()
        } else {
            "any".into()
        };
    };
    if let Some(Json::Array(members)) = m.get("anyOf").or_else(|| m.get("oneOf")) {
        return members.iter().map(show).collect::<Vec<_>>().join(" | ");
    }
    if let Some(values) = m.get("enum").and_then(Json::as_array) {
        return values
            .iter()
            .map(Json::to_string)
            .collect::<Vec<_>>()
            .join(" | ");
    }
    if let Some(c) = m.get("const") {
        return c.to_string();
    }
    let comment = m.get("$comment").and_then(Json::as_str);
    let one = |t: &str| -> String {
        match t {
            "integer" if comment == Some(super::DURATION_COMMENT) => "duration".into(),
            "integer" if comment == Some(super::SIZE_COMMENT) => "size".into(),
            "integer" => "int".into(),
            "number" => "float".into(),
            "boolean" => "bool".into(),
            "array" => format!("list<{}>", m.get("items").map_or("any".into(), show)),
            "object" => match (props(m), m.get("additionalProperties")) {
                (Some(p), _) => {
                    let required: Vec<&str> = m
                        .get("required")
                        .and_then(Json::as_array)
                        .map(|r| r.iter().filter_map(Json::as_str).collect())
                        .unwrap_or_default();
                    let fields: Vec<String> = p
                        .iter()
                        .take(4)
                        .map(|(n, t)| {
                            let opt = if required.contains(&n.as_str()) {
                                ""
                            } else {
                                "?"
                            };
                            format!("{n}{opt}: {}", show(t))
                        })
                        .collect();
                    let more = if p.len() > 4 { "  …" } else { "" };
                    format!("object {{ {}{more} }}", fields.join("  "))
                }
                (None, Some(v @ Json::Object(_))) => format!("map<{}>", show(v)),
                _ => "map<any>".into(),
            },
            other => other.into(),
        }
    };
    match m.get("type") {
        Some(Json::String(t)) => one(t),
        Some(Json::Array(ts)) => ts
            .iter()
            .filter_map(Json::as_str)
            .map(one)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".into(),
    }
}

// ---- internals ----------------------------------------------------------------

/// One member of a union, as a shape.
#[derive(Debug)]
enum Alt<'a> {
    Any,
    Null,
    Bool,
    Int,
    Number,
    /// A string; `enum` values when it is one.
    Str(Option<Vec<&'a str>>),
    /// An array with its items' schema (`None`: any items).
    Array(Option<&'a Json>),
    Object(&'a Map<String, Json>),
    /// A finite set of values of mixed types (`enum` or `const` without a string type).
    Values(Vec<&'a Json>),
}

/// A schema as the members of its union (one member for a plain type).
fn alternatives(s: &Json) -> Vec<Alt<'_>> {
    let mut out = Vec::new();
    collect(s, &mut out);
    out
}

fn collect<'a>(s: &'a Json, out: &mut Vec<Alt<'a>>) {
    let Json::Object(m) = s else {
        // `true` accepts anything; `false` nothing.
        if *s != Json::Bool(false) {
            out.push(Alt::Any);
        }
        return;
    };
    if let Some(Json::Array(members)) = m.get("anyOf").or_else(|| m.get("oneOf")) {
        for member in members {
            collect(member, out);
        }
        return;
    }
    let values: Option<Vec<&Json>> = match (m.get("enum"), m.get("const")) {
        (Some(Json::Array(vs)), _) => Some(vs.iter().collect()),
        (_, Some(c)) => Some(vec![c]),
        _ => None,
    };
    let types: Vec<&str> = match m.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    if let Some(values) = values {
        // A string enum stays a string shape (it fits `string`); anything
        // else is its set of values.
        let strs: Option<Vec<&str>> = values.iter().map(|v| v.as_str()).collect();
        match strs {
            Some(strs) if types.iter().all(|t| *t == "string") => out.push(Alt::Str(Some(strs))),
            _ => out.push(Alt::Values(values)),
        }
        return;
    }
    if types.is_empty() {
        out.push(Alt::Any);
        return;
    }
    for t in types {
        out.push(match t {
            "null" => Alt::Null,
            "boolean" => Alt::Bool,
            "integer" => Alt::Int,
            "number" => Alt::Number,
            "string" => Alt::Str(None),
            "array" => Alt::Array(m.get("items")),
            "object" => Alt::Object(m),
            _ => Alt::Any,
        });
    }
}

fn fits_alts(value: &[Alt<'_>], ty: &[Alt<'_>]) -> bool {
    let any = |alts: &[Alt<'_>]| alts.iter().any(|a| matches!(a, Alt::Any));
    if any(ty) || any(value) {
        return true;
    }
    // A value that can be anything fits only `any`; otherwise every member of
    // the value's union must fit some member of the type's.
    value.iter().all(|v| match v {
        // Each value of a set may fit another member.
        Alt::Values(vs) => vs.iter().all(|x| ty.iter().any(|t| accepts_value(t, x))),
        v => ty.iter().any(|t| fits_one(v, t)),
    })
}

fn fits_one(v: &Alt<'_>, t: &Alt<'_>) -> bool {
    match (v, t) {
        (_, Alt::Any) | (Alt::Null, Alt::Null) | (Alt::Bool, Alt::Bool) => true,
        (Alt::Any, _) => true,
        (Alt::Int, Alt::Int | Alt::Number) | (Alt::Number, Alt::Number) => true,
        (Alt::Str(_), Alt::Str(None)) => true,
        (Alt::Str(Some(vs)), Alt::Str(Some(ts))) => vs.iter().all(|v| ts.contains(v)),
        (Alt::Str(None), Alt::Str(Some(_))) => false,
        (Alt::Array(vi), Alt::Array(ti)) => match (vi, ti) {
            (_, None) => true,
            // Items of any type fit any items (`any` fits everything).
            (None, Some(_)) => true,
            (Some(v), Some(t)) => fits(v, t),
        },
        (Alt::Object(v), Alt::Object(t)) => object_fits(v, t),
        (Alt::Values(vs), t) => vs.iter().all(|x| accepts_value(t, x)),
        (v, Alt::Values(ts)) => match v {
            Alt::Str(Some(vs)) => vs.iter().all(|x| ts.iter().any(|t| t.as_str() == Some(x))),
            Alt::Null => ts.iter().any(|t| t.is_null()),
            _ => false,
        },
        _ => false,
    }
}

/// Whether a member accepts one literal value (its shape only, no constraints).
fn accepts_value(t: &Alt<'_>, x: &Json) -> bool {
    match (t, x) {
        (Alt::Any, _) | (Alt::Null, Json::Null) | (Alt::Bool, Json::Bool(_)) => true,
        (Alt::Int, Json::Number(n)) => n.is_i64() || n.is_u64(),
        (Alt::Number, Json::Number(_)) => true,
        (Alt::Str(None), Json::String(_)) => true,
        (Alt::Str(Some(ts)), Json::String(s)) => ts.contains(&s.as_str()),
        (Alt::Values(ts), x) => ts.contains(&x),
        (Alt::Array(_), Json::Array(_)) | (Alt::Object(_), Json::Object(_)) => true,
        _ => false,
    }
}

/// The object rules: each required field of `t` is required in `v` with a
/// fitting type; each other field of `t` that `v` has fits; a closed `t` (or
/// one whose `additionalProperties` is a schema) takes no other field of `v`
/// (or only fitting ones), and then `v` must be closed the same way.
fn object_fits(v: &Map<String, Json>, t: &Map<String, Json>) -> bool {
    let empty = Map::new();
    let (vp, tp) = (props(v).unwrap_or(&empty), props(t).unwrap_or(&empty));
    let required = |m: &Map<String, Json>| -> Vec<String> {
        match m.get("required") {
            Some(Json::Array(r)) => r
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let (vr, tr) = (required(v), required(t));
    // What `v` may hold besides its properties: `None` nothing (closed),
    // `Some(schema)` values of that schema (open is `{}`).
    let extra = |m: &'_ Map<String, Json>| -> Option<Json> {
        match m.get("additionalProperties") {
            Some(Json::Bool(false)) => None,
            Some(Json::Bool(true)) | None => Some(Json::Object(Map::new())),
            Some(s) => Some(s.clone()),
        }
    };
    let (v_extra, t_extra) = (extra(v), extra(t));
    for name in &tr {
        if !vr.contains(name) {
            return false;
        }
    }
    for (name, vs) in vp {
        match tp.get(name) {
            Some(ts) => {
                if !fits(vs, ts) {
                    return false;
                }
            }
            None => match &t_extra {
                None => return false,
                Some(s) => {
                    if !fits(vs, s) {
                        return false;
                    }
                }
            },
        }
    }
    match (&v_extra, &t_extra) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(ve), Some(te)) => {
            // Unknown extra fields of `v` may be any of `t`'s fields too.
            fits(ve, te) && tp.values().all(|ts| fits(ve, ts))
        }
    }
}

/// A schema without its `description` and `title`, here and in every subschema
/// (`properties`, `items`, `additionalProperties`, `anyOf`/`oneOf`/`allOf`);
/// values (`default`, `enum`) and name maps are kept as they are.
fn props(m: &Map<String, Json>) -> Option<&Map<String, Json>> {
    match m.get("properties") {
        Some(Json::Object(p)) => Some(p),
        _ => None,
    }
}

fn strip_docs(s: &Json) -> Json {
    let Json::Object(m) = s else {
        return s.clone();
    };
    let out = m
        .iter()
        .filter(|(k, _)| *k != "description" && *k != "title")
        .map(|(k, v)| {
            let v = match (k.as_str(), v) {
                ("properties", Json::Object(p)) => {
                    Json::Object(p.iter().map(|(n, x)| (n.clone(), strip_docs(x))).collect())
                }
                ("items" | "additionalProperties", x) => strip_docs(x),
                ("anyOf" | "oneOf" | "allOf", Json::Array(xs)) => {
                    Json::Array(xs.iter().map(strip_docs).collect())
                }
                (_, x) => x.clone(),
            };
            (k.clone(), v)
        })
        .collect();
    Json::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s() -> Json {
        json!({"type": "string"})
    }
    fn int() -> Json {
        json!({"type": "integer"})
    }
    fn float() -> Json {
        json!({"type": "number"})
    }
    fn nul() -> Json {
        json!({"type": "null"})
    }
    fn any() -> Json {
        json!({})
    }
    fn obj(props: Json, required: &[&str], closed: bool) -> Json {
        let mut o = json!({"type": "object", "properties": props});
        if !required.is_empty() {
            o["required"] = json!(required);
        }
        if closed {
            o["additionalProperties"] = json!(false);
        }
        o
    }

    #[test]
    fn plain_types_fit_themselves_and_int_fits_float() {
        for t in [s(), int(), float(), nul(), json!({"type": "boolean"})] {
            assert!(fits(&t, &t), "{t}");
        }
        assert!(fits(&int(), &float()));
        assert!(!fits(&float(), &int()));
        assert!(!fits(&s(), &int()));
        assert!(!fits(&json!({"type": "boolean"}), &s()));
    }

    #[test]
    fn durations_and_sizes_are_integers() {
        let duration =
            json!({"type": "integer", "minimum": 0, "$comment": "duration in milliseconds"});
        assert!(fits(&duration, &int()));
        assert!(fits(&int(), &duration), "constraints are not compared");
        assert!(fits(&duration, &float()));
    }

    #[test]
    fn constraints_are_not_compared() {
        let short = json!({"type": "string", "maxLength": 5});
        let pattern = json!({"type": "string", "pattern": "^a"});
        assert!(fits(&short, &pattern));
        assert!(fits(
            &json!({"type": "integer", "minimum": 100}),
            &json!({"type": "integer", "maximum": 1})
        ));
    }

    #[test]
    fn enums_fit_strings_and_larger_enums() {
        let ab = json!({"type": "string", "enum": ["a", "b"]});
        let abc = json!({"type": "string", "enum": ["a", "b", "c"]});
        assert!(fits(&ab, &s()));
        assert!(fits(&ab, &abc));
        assert!(!fits(&abc, &ab));
        assert!(!fits(&s(), &ab), "a string may be outside the enum");
        assert!(fits(&json!({"const": "a"}), &ab));
        assert!(!fits(&json!({"const": "z"}), &ab));
        assert!(!fits(&ab, &int()));
    }

    #[test]
    fn mixed_enums_are_sets_of_values() {
        let mixed = json!({"enum": ["a", 1, null]});
        assert!(fits(&json!({"enum": [1, "a"]}), &mixed));
        assert!(!fits(&mixed, &s()));
        assert!(fits(
            &mixed,
            &json!({"type": ["string", "integer", "null"]})
        ));
        assert!(fits(&json!({"type": "string", "enum": ["a"]}), &mixed));
        assert!(fits(&nul(), &mixed));
        assert!(!fits(&s(), &mixed));
    }

    #[test]
    fn t_fits_t_or_null_but_not_the_reverse() {
        let any_of = json!({"anyOf": [s(), nul()]});
        let type_list = json!({"type": ["string", "null"]});
        for union in [&any_of, &type_list] {
            assert!(fits(&s(), union));
            assert!(fits(&nul(), union));
            assert!(!fits(union, &s()));
            assert!(fits(union, union));
        }
        assert!(fits(&any_of, &type_list));
        assert!(fits(&type_list, &any_of));
        assert!(fits(&int(), &json!({"type": ["number", "null"]})));
        assert!(!fits(&json!({"type": ["integer", "string"]}), &float()));
    }

    #[test]
    fn unions_of_objects() {
        let a = obj(json!({"a": s()}), &["a"], true);
        let b = obj(json!({"b": int()}), &["b"], true);
        let either = json!({"anyOf": [a.clone(), b.clone()]});
        assert!(fits(&a, &either));
        assert!(fits(&b, &either));
        assert!(!fits(&either, &a));
        assert!(fits(&json!({"anyOf": [b, a]}), &either));
    }

    #[test]
    fn any_fits_everything_and_everything_fits_any() {
        for t in [
            s(),
            int(),
            nul(),
            obj(json!({}), &[], true),
            json!({"type": "array"}),
        ] {
            assert!(fits(&any(), &t), "{t}");
            assert!(fits(&t, &any()), "{t}");
        }
        assert!(
            fits(&json!({"anyOf": [s(), any()]}), &int()),
            "a union with any is any"
        );
        assert!(fits(&int(), &json!({"anyOf": [s(), any()]})));
        assert!(fits(&json!(true), &s()));
    }

    #[test]
    fn lists_fit_by_their_items() {
        let ls = json!({"type": "array", "items": s()});
        let li = json!({"type": "array", "items": int()});
        let lf = json!({"type": "array", "items": float()});
        assert!(fits(&ls, &ls));
        assert!(fits(&li, &lf));
        assert!(!fits(&lf, &li));
        assert!(!fits(&ls, &li));
        assert!(fits(&ls, &json!({"type": "array"})));
        assert!(
            fits(&json!({"type": "array"}), &ls),
            "items of any type fit"
        );
        assert!(fits(
            &json!({"type": "array", "items": {}}),
            &json!({"type": "array"})
        ));
        assert!(!fits(&ls, &s()));
    }

    #[test]
    fn objects_need_their_required_fields_with_fitting_types() {
        let t = obj(json!({"q": s(), "n": float()}), &["q"], true);
        assert!(fits(&obj(json!({"q": s()}), &["q"], true), &t));
        assert!(fits(
            &obj(json!({"q": s(), "n": int()}), &["q", "n"], true),
            &t
        ));
        assert!(
            !fits(&obj(json!({"q": s()}), &[], true), &t),
            "q may be absent"
        );
        assert!(
            !fits(&obj(json!({"n": int()}), &["n"], true), &t),
            "q missing"
        );
        assert!(
            !fits(&obj(json!({"q": int()}), &["q"], true), &t),
            "q of another type"
        );
        assert!(
            !fits(&obj(json!({"q": s(), "n": s()}), &["q"], true), &t),
            "n of another type"
        );
    }

    #[test]
    fn closed_objects_take_no_other_field() {
        let closed = obj(json!({"q": s()}), &["q"], true);
        let open = obj(json!({"q": s()}), &["q"], false);
        let wider = obj(json!({"q": s(), "extra": int()}), &["q", "extra"], true);
        assert!(!fits(&wider, &closed));
        assert!(fits(&wider, &open));
        assert!(
            !fits(&open, &closed),
            "an open object may hold other fields"
        );
        assert!(fits(&closed, &open));
    }

    #[test]
    fn maps_fit_maps_and_objects_fit_maps_of_their_values() {
        let map_s = json!({"type": "object", "additionalProperties": s()});
        let map_any = json!({"type": "object", "additionalProperties": {}});
        assert!(fits(&map_s, &map_s));
        assert!(fits(&map_s, &map_any));
        assert!(fits(&map_any, &map_s), "any fits everything");
        assert!(fits(&obj(json!({"a": s()}), &["a"], true), &map_s));
        assert!(!fits(&obj(json!({"a": int()}), &["a"], true), &map_s));
        assert!(
            !fits(&map_s, &obj(json!({"a": s()}), &["a"], true)),
            "a map may lack `a`"
        );
        assert!(fits(&map_s, &obj(json!({"a": s()}), &[], false)));
        assert!(!fits(&map_s, &obj(json!({"a": int()}), &[], false)));
    }

    #[test]
    fn nested_objects() {
        let inner_t = obj(json!({"x": float()}), &["x"], true);
        let inner_v = obj(json!({"x": int()}), &["x"], true);
        let t = obj(json!({"p": inner_t}), &["p"], true);
        let v = obj(json!({"p": inner_v}), &["p"], true);
        assert!(fits(&v, &t));
        assert!(!fits(&t, &v));
    }

    #[test]
    fn types_are_shown_in_pmth_syntax() {
        assert_eq!(
            show(&json!({"type": "array", "items": s()})),
            "list<string>"
        );
        assert_eq!(show(&json!({"type": ["integer", "null"]})), "int | null");
        assert_eq!(show(&json!({"anyOf": [float(), nul()]})), "float | null");
        assert_eq!(
            show(&json!({"type": "string", "enum": ["a", "b"]})),
            "\"a\" | \"b\""
        );
        assert_eq!(
            show(&obj(json!({"q": s(), "n": int()}), &["q"], true)),
            "object { n?: int  q: string }"
        );
        assert_eq!(
            show(&json!({"type": "object", "additionalProperties": {}})),
            "map<any>"
        );
        assert_eq!(show(&any()), "any");
        assert_eq!(
            show(&json!({"type": "integer", "$comment": crate::types::DURATION_COMMENT})),
            "duration"
        );
    }

    #[test]
    fn same_type_ignores_descriptions_only() {
        let a = json!({"type": "object", "properties": {"q": {"type": "string", "description": "the query"}}, "required": ["q"], "additionalProperties": false});
        let b = json!({"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"], "additionalProperties": false, "description": "x"});
        assert!(same_type(&a, &b));
        let c = json!({"type": "object", "properties": {"q": {"type": "string", "maxLength": 3}}, "required": ["q"], "additionalProperties": false});
        assert!(!same_type(&a, &c), "constraints are part of the type");
        assert!(!same_type(&int(), &float()));
        // A field named `description` is a field, not a doc.
        let d = json!({"type": "object", "properties": {"description": s()}});
        let e = json!({"type": "object", "properties": {}});
        assert!(!same_type(&d, &e));
        let f = json!({"type": "object", "properties": {"description": s(), "title": s()}, "dependentRequired": {"description": ["title"]}});
        assert!(same_type(&f, &f.clone()));
        assert!(!same_type(
            &f,
            &json!({"type": "object", "properties": {"description": s(), "title": s()}})
        ));
        let g = json!({"anyOf": [{"type": "string", "description": "a"}, nul()]});
        assert!(same_type(&g, &json!({"anyOf": [s(), nul()]})));
    }
}
