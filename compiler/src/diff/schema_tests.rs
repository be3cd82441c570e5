use super::*;
use serde_json::json;

fn input(old: Json, new: Json) -> Vec<(String, Class, String)> {
    classify(&old, &new, "params", Position::Input)
}

fn output(old: Json, new: Json) -> Vec<(String, Class, String)> {
    classify(&old, &new, "returns", Position::Output)
}

fn one(path: &str, class: Class, message: &str) -> Vec<(String, Class, String)> {
    vec![(path.to_owned(), class, message.to_owned())]
}

fn obj(props: Json, required: &[&str]) -> Json {
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

// ---- the rules of §7, each in both positions ------------------------------------------

#[test]
fn max_lowered_breaks_an_input_not_an_output() {
    let a = obj(
        json!({"limit": {"type": "integer", "maximum": 100}}),
        &["limit"],
    );
    let b = obj(
        json!({"limit": {"type": "integer", "maximum": 50}}),
        &["limit"],
    );
    let m = "max lowered from 100 to 50";
    assert_eq!(
        input(a.clone(), b.clone()),
        one("params.limit", Class::Breaking, m)
    );
    assert_eq!(
        output(a.clone(), b.clone()),
        one("returns.limit", Class::Compatible, m)
    );
    // Relaxed: the reverse.
    let m = "max raised from 50 to 100";
    assert_eq!(
        input(b.clone(), a.clone()),
        one("params.limit", Class::Compatible, m)
    );
    assert_eq!(output(b, a), one("returns.limit", Class::Breaking, m));
}

#[test]
fn min_raised_and_exclusive_bounds() {
    let s = |k: &str, v: f64| json!({"type": "number", k: v});
    assert_eq!(
        input(s("minimum", 0.0), s("minimum", 1.0)),
        one("params", Class::Breaking, "min raised from 0.0 to 1.0")
    );
    assert_eq!(
        input(s("minimum", 1.0), s("exclusiveMinimum", 1.0)),
        one(
            "params",
            Class::Breaking,
            "min 1.0 changed to exclusive min 1.0"
        )
    );
    assert_eq!(
        output(s("exclusiveMaximum", 5.0), s("maximum", 5.0)),
        one(
            "returns",
            Class::Breaking,
            "exclusive max 5.0 changed to max 5.0"
        )
    );
    assert_eq!(
        input(
            json!({"type": "integer"}),
            json!({"type": "integer", "minimum": 1})
        ),
        one("params", Class::Breaking, "min 1 added")
    );
    assert_eq!(
        input(
            json!({"type": "integer", "minimum": 1}),
            json!({"type": "integer"})
        ),
        one("params", Class::Compatible, "min 1 removed")
    );
}

#[test]
fn lengths_patterns_and_formats() {
    let s = |extra: Json| {
        let mut m = json!({"type": "string"});
        if let (Json::Object(m), Json::Object(e)) = (&mut m, extra) {
            m.extend(e);
        }
        m
    };
    assert_eq!(
        input(s(json!({"maxLength": 10})), s(json!({"maxLength": 5}))),
        one("params", Class::Breaking, "max_len lowered from 10 to 5")
    );
    assert_eq!(
        output(s(json!({"minLength": 1})), s(json!({}))),
        one("returns", Class::Breaking, "min_len 1 removed")
    );
    assert_eq!(
        input(s(json!({})), s(json!({"pattern": "^a"}))),
        one("params", Class::Breaking, "pattern `^a` added")
    );
    assert_eq!(
        output(s(json!({})), s(json!({"pattern": "^a"}))),
        one("returns", Class::Compatible, "pattern `^a` added")
    );
    // Changed: breaking both ways.
    for pos in [Position::Input, Position::Output] {
        let got = classify(
            &s(json!({"format": "uri"})),
            &s(json!({"format": "email"})),
            "x",
            pos,
        );
        assert_eq!(
            got,
            one("x", Class::Breaking, "format changed from `uri` to `email`")
        );
    }
}

#[test]
fn enums() {
    let e = |v: Json| json!({"type": "string", "enum": v});
    assert_eq!(
        input(e(json!(["a", "b"])), e(json!(["a"]))),
        one("params", Class::Breaking, "enum value `b` removed")
    );
    assert_eq!(
        input(e(json!(["a"])), e(json!(["a", "c"]))),
        one("params", Class::Compatible, "enum value `c` added")
    );
    assert_eq!(
        output(e(json!(["a"])), e(json!(["a", "c"]))),
        one("returns", Class::Breaking, "enum value `c` added")
    );
    assert_eq!(
        input(json!({"type": "string"}), e(json!(["a"]))),
        one("params", Class::Breaking, "restricted to the values [`a`]")
    );
}

#[test]
fn properties() {
    let a = obj(json!({"url": {"type": "string"}}), &["url"]);
    // A new required property: breaks callers, not consumers.
    let b = obj(
        json!({"url": {"type": "string"}, "locale": {"type": "string"}}),
        &["url", "locale"],
    );
    assert_eq!(
        input(a.clone(), b.clone()),
        one("params.locale", Class::Breaking, "new required property")
    );
    assert_eq!(
        output(a.clone(), b.clone()),
        one("returns.locale", Class::Compatible, "new required property")
    );
    // A new optional property: breaks nobody.
    let c = obj(
        json!({"url": {"type": "string"}, "width": {"type": "integer", "default": 1024}}),
        &["url"],
    );
    assert_eq!(
        input(a.clone(), c.clone()),
        one("params.width", Class::Compatible, "new optional property")
    );
    assert_eq!(
        output(a.clone(), c.clone()),
        one("returns.width", Class::Compatible, "new optional property")
    );
    // Removed: breaks both.
    assert_eq!(
        input(b.clone(), a.clone()),
        one("params.locale", Class::Breaking, "property removed")
    );
    assert_eq!(
        output(b.clone(), a.clone()),
        one("returns.locale", Class::Breaking, "property removed")
    );
    // Made optional: breaks consumers; made required: breaks callers.
    let d = obj(json!({"url": {"type": "string"}}), &[]);
    assert_eq!(
        input(a.clone(), d.clone()),
        one(
            "params.url",
            Class::Compatible,
            "required property made optional"
        )
    );
    assert_eq!(
        output(a.clone(), d.clone()),
        one(
            "returns.url",
            Class::Breaking,
            "required property made optional"
        )
    );
    assert_eq!(
        input(d, a),
        one(
            "params.url",
            Class::Breaking,
            "optional property made required"
        )
    );
}

#[test]
fn types_widened_and_narrowed() {
    let int = json!({"type": "integer", "maximum": 10});
    let float = json!({"type": "number", "maximum": 10});
    assert_eq!(
        input(int.clone(), float.clone()),
        one(
            "params",
            Class::Compatible,
            "type widened from int to float"
        )
    );
    assert_eq!(
        output(int.clone(), float.clone()),
        one("returns", Class::Breaking, "type widened from int to float")
    );
    assert_eq!(
        input(float, int),
        one("params", Class::Breaking, "type narrowed from float to int")
    );
    // A union gains `null`.
    let s = json!({"type": "string"});
    let sn = json!({"type": ["string", "null"]});
    assert_eq!(
        input(s.clone(), sn.clone()),
        one(
            "params",
            Class::Compatible,
            "type widened: null now accepted"
        )
    );
    assert_eq!(
        output(s.clone(), sn.clone()),
        one(
            "returns",
            Class::Breaking,
            "type widened: null now accepted"
        )
    );
    let any = json!({});
    assert_eq!(
        input(any.clone(), s.clone()),
        one(
            "params",
            Class::Breaking,
            "type narrowed from any value to string"
        )
    );
    assert_eq!(
        input(s.clone(), json!({"type": "boolean"})),
        one(
            "params",
            Class::Breaking,
            "type changed from string to bool"
        )
    );
    assert_eq!(
        output(s, json!({"type": "boolean"})),
        one(
            "returns",
            Class::Breaking,
            "type changed from string to bool"
        )
    );
}

#[test]
fn any_of_members_are_paired_by_type() {
    let a = json!({"anyOf": [
        {"type": "object", "properties": {"iban": {"type": "string"}}, "required": ["iban"], "additionalProperties": false},
        {"type": "object", "properties": {"card": {"type": "string", "maxLength": 19}}, "required": ["card"], "additionalProperties": false},
    ]});
    let mut b = a.clone();
    b["anyOf"][1]["properties"]["card"]["maxLength"] = json!(16);
    assert_eq!(
        input(a.clone(), b),
        one(
            "params#2.card",
            Class::Breaking,
            "max_len lowered from 19 to 16"
        )
    );
    let c = json!({"anyOf": [a["anyOf"][0].clone()]});
    assert_eq!(
        input(a, c),
        one(
            "params#2",
            Class::Breaking,
            "type narrowed: object no longer accepted"
        )
    );
    // Enum inside a member.
    let e = |v: Json| json!({"anyOf": [{"type": "string", "enum": v}, {"type": "null"}]});
    assert_eq!(
        output(e(json!(["a"])), e(json!(["a", "b"]))),
        one("returns", Class::Breaking, "enum value `b` added")
    );
}

#[test]
fn lists_maps_and_dependencies() {
    let l = |items: Json, extra: Json| {
        let mut m = json!({"type": "array", "items": items});
        if let (Json::Object(m), Json::Object(e)) = (&mut m, extra) {
            m.extend(e);
        }
        m
    };
    let s = json!({"type": "string"});
    assert_eq!(
        input(
            l(s.clone(), json!({})),
            l(json!({"type": "string", "maxLength": 3}), json!({}))
        ),
        one("params[]", Class::Breaking, "max_len 3 added")
    );
    assert_eq!(
        input(
            l(s.clone(), json!({})),
            l(s.clone(), json!({"uniqueItems": true}))
        ),
        one("params", Class::Breaking, "items must now be unique")
    );
    assert_eq!(
        input(
            l(s.clone(), json!({"maxItems": 10})),
            l(s.clone(), json!({"maxItems": 5}))
        ),
        one("params", Class::Breaking, "max_len lowered from 10 to 5")
    );
    let map = |v: Json| json!({"type": "object", "additionalProperties": v});
    assert_eq!(
        output(
            map(json!({"type": "integer"})),
            map(json!({"type": "number"}))
        ),
        one(
            "returns{}",
            Class::Breaking,
            "type widened from int to float"
        )
    );
    let dep = |d: Json| {
        json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
               "additionalProperties": false, "dependentRequired": d})
    };
    assert_eq!(
        input(dep(json!({})), dep(json!({"a": ["b"]}))),
        one("params.a", Class::Breaking, "now requires `b` alongside")
    );
    assert_eq!(
        input(dep(json!({"a": ["b"]})), dep(json!({}))),
        one(
            "params.a",
            Class::Compatible,
            "no longer requires `b` alongside"
        )
    );
}

#[test]
fn annotations_are_cosmetic_and_defaults_compatible() {
    let a = json!({"type": "string", "description": "x"});
    let b = json!({"type": "string", "description": "y", "default": "z"});
    let got = input(a, b);
    assert_eq!(
        got,
        vec![
            (
                "params".to_owned(),
                Class::Cosmetic,
                "description changed".to_owned()
            ),
            (
                "params".to_owned(),
                Class::Compatible,
                "default `z` added".to_owned()
            ),
        ]
    );
}

#[test]
fn unknown_keywords_go_to_the_catch_all() {
    let a = json!({"type": "integer"});
    let b = json!({"type": "integer", "multipleOf": 5});
    assert_eq!(
        input(a.clone(), b.clone()),
        one("params", Class::Breaking, "`multipleOf` 5 added")
    );
    assert_eq!(
        output(a.clone(), b.clone()),
        one("returns", Class::Compatible, "`multipleOf` 5 added")
    );
    assert_eq!(
        input(b, a),
        one("params", Class::Compatible, "`multipleOf` 5 removed")
    );
}

// ---- properties, over generated schemas -----------------------------------------------

/// xorshift64*: deterministic, no dependency (as in the parser's fuzz tests).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }
    fn coin(&mut self) -> bool {
        self.below(2) == 0
    }
}

/// A random schema of the subset pmth emits.
fn gen(r: &mut Rng, depth: u32) -> Json {
    let pick = if depth == 0 { r.below(5) } else { r.below(9) };
    match pick {
        0 => {
            let mut m = json!({"type": "string"});
            if r.coin() {
                m["minLength"] = json!(r.below(3));
            }
            if r.coin() {
                m["maxLength"] = json!(5 + r.below(20));
            }
            if r.below(4) == 0 {
                m["pattern"] = json!("^[a-z]+$");
            }
            if r.below(4) == 0 {
                m["format"] = json!("uri");
            }
            m
        }
        1 => {
            let t = if r.coin() { "integer" } else { "number" };
            let mut m = json!({"type": t});
            if r.coin() {
                m["minimum"] = json!(r.below(10));
            }
            if r.coin() {
                m["maximum"] = json!(50 + r.below(50));
            }
            m
        }
        2 => {
            let values: Vec<&str> = ["a", "b", "c"].into_iter().take(1 + r.below(3)).collect();
            json!({"type": "string", "enum": values})
        }
        3 => json!({"type": "boolean"}),
        4 => json!({"type": ["string", "null"]}),
        5 => {
            let mut m = json!({"type": "array", "items": gen(r, depth - 1)});
            if r.coin() {
                m["maxItems"] = json!(10);
            }
            m
        }
        6 => json!({"type": "object", "additionalProperties": gen(r, depth - 1)}),
        7 => json!({"anyOf": [gen(r, depth - 1), {"type": "null"}]}),
        _ => {
            let n = r.below(4);
            let mut props = Map::new();
            let mut required = Vec::new();
            for i in 0..n {
                let name = format!("p{i}");
                if r.coin() {
                    required.push(json!(name));
                }
                props.insert(name, gen(r, depth - 1));
            }
            json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
        }
    }
}

/// JSON pointers of every (sub)schema.
fn nodes(v: &Json, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    if let Json::Object(m) = v {
        if let Some(Json::Object(p)) = m.get("properties") {
            for (k, s) in p {
                nodes(s, format!("{at}/properties/{k}"), out);
            }
        }
        if let Some(items) = m.get("items") {
            nodes(items, format!("{at}/items"), out);
        }
        if let Some(ap @ Json::Object(_)) = m.get("additionalProperties") {
            nodes(ap, format!("{at}/additionalProperties"), out);
        }
        if let Some(Json::Array(a)) = m.get("anyOf") {
            for (i, s) in a.iter().enumerate() {
                nodes(s, format!("{at}/anyOf/{i}"), out);
            }
        }
    }
}

/// The kinds of single change a test applies.
#[derive(Clone, Copy, PartialEq)]
enum Op {
    Widen,
    Narrow,
}

/// Applies one widening (or narrowing) change to a random node; `None` when
/// the node offers none. The bool says whether it is a change of bounds,
/// values or types (one whose classes swap exactly between positions).
fn mutate(r: &mut Rng, schema: &Json, op: Op) -> Option<(Json, bool)> {
    let mut out = schema.clone();
    let mut ptrs = Vec::new();
    nodes(schema, String::new(), &mut ptrs);
    let ptr = ptrs.get(r.below(ptrs.len()))?.clone();
    let node = out.pointer_mut(&ptr)?;
    let m = node.as_object_mut()?;
    let ty = m.get("type").cloned();
    let mut choices: Vec<u8> = Vec::new();
    match (op, ty.as_ref().and_then(Json::as_str)) {
        (Op::Widen, Some("string")) => {
            choices.extend([0, 1, 2]);
            if m.contains_key("enum") {
                choices.push(3);
            }
        }
        (Op::Narrow, Some("string")) => {
            choices.extend([0, 1, 2]);
            if m.get("enum")
                .and_then(Json::as_array)
                .is_some_and(|a| a.len() > 1)
            {
                choices.push(3);
            }
        }
        (_, Some("integer" | "number")) => choices.extend([4, 5, 6]),
        (_, Some("array")) => choices.push(7),
        (_, Some("object")) if m.contains_key("properties") => choices.extend([8, 9]),
        _ => {}
    }
    let c = *choices.get(r.below(choices.len()))?;
    let widen = op == Op::Widen;
    let swaps = !matches!(c, 8 | 9);
    match c {
        0 => {
            // max_len: raise/remove (widen), lower/add (narrow)
            if widen {
                m.remove("maxLength")?;
            } else {
                let v = m.get("maxLength").and_then(Json::as_u64).unwrap_or(100);
                m.insert("maxLength".into(), json!(v.saturating_sub(1)));
            }
        }
        1 => {
            if widen {
                m.remove("pattern")?;
            } else if m.contains_key("pattern") {
                return None;
            } else {
                m.insert("pattern".into(), json!("^x"));
            }
        }
        2 => {
            if widen {
                let v = m.get("minLength").and_then(Json::as_u64)?;
                if v == 0 {
                    return None;
                }
                m.insert("minLength".into(), json!(v - 1));
            } else {
                let v = m.get("minLength").and_then(Json::as_u64).unwrap_or(0);
                m.insert("minLength".into(), json!(v + 1));
            }
        }
        3 => {
            let e = m.get_mut("enum")?.as_array_mut()?;
            if widen {
                e.push(json!("zz"));
            } else {
                e.pop();
            }
        }
        4 => {
            if widen {
                m.remove("minimum")?;
            } else {
                let v = m.get("minimum").and_then(Json::as_i64).unwrap_or(-1);
                m.insert("minimum".into(), json!(v + 1));
            }
        }
        5 => {
            if widen {
                let v = m.get("maximum").and_then(Json::as_i64)?;
                m.insert("maximum".into(), json!(v + 1));
            } else {
                let v = m.get("maximum").and_then(Json::as_i64).unwrap_or(1000);
                m.insert("maximum".into(), json!(v - 1));
            }
        }
        6 => {
            let (from, to) = if widen {
                ("integer", "number")
            } else {
                ("number", "integer")
            };
            if ty != Some(json!(from)) {
                return None;
            }
            m.insert("type".into(), json!(to));
        }
        7 => {
            if widen {
                m.remove("maxItems")?;
            } else {
                m.insert("maxItems".into(), json!(3));
            }
        }
        8 => {
            // A property made optional (widen) or required (narrow).
            let names: Vec<String> = m.get("properties")?.as_object()?.keys().cloned().collect();
            let name = names.get(r.below(names.len()))?.clone();
            let req = m.entry("required").or_insert(json!([])).as_array_mut()?;
            let has = req.contains(&json!(name));
            if widen && has {
                req.retain(|v| v != &json!(name));
            } else if !widen && !has {
                req.push(json!(name));
            } else {
                return None;
            }
        }
        _ => {
            // A new property: optional (widen) or required (narrow).
            let props = m.get_mut("properties")?.as_object_mut()?;
            props.insert("fresh".into(), json!({"type": "string"}));
            if !widen {
                m.entry("required")
                    .or_insert(json!([]))
                    .as_array_mut()?
                    .push(json!("fresh"));
            }
        }
    }
    Some((out, swaps))
}

fn classes(v: &[(String, Class, String)]) -> Vec<(String, Class)> {
    let mut out: Vec<(String, Class)> = v.iter().map(|(p, c, _)| (p.clone(), *c)).collect();
    out.sort();
    out
}

fn breaking(v: &[(String, Class, String)]) -> bool {
    v.iter().any(|(_, c, _)| *c == Class::Breaking)
}

#[test]
fn a_schema_is_compatible_with_itself() {
    let mut r = Rng(0x5eed_0001);
    for _ in 0..500 {
        let s = gen(&mut r, 3);
        assert_eq!(compare(&s, &s.clone(), "p"), vec![], "{s}");
    }
}

#[test]
fn widening_an_input_is_never_breaking_and_the_positions_reverse() {
    let mut r = Rng(0x5eed_0002);
    let mut tried = 0;
    while tried < 500 {
        let a = gen(&mut r, 3);
        let op = if r.coin() { Op::Widen } else { Op::Narrow };
        let Some((b, swaps)) = mutate(&mut r, &a, op) else {
            continue;
        };
        tried += 1;
        // A widening is never breaking for an input, a narrowing never for an
        // output.
        let (pos, what) = match op {
            Op::Widen => (Position::Input, "widening an input"),
            Op::Narrow => (Position::Output, "narrowing an output"),
        };
        let forward = classify(&a, &b, "p", pos);
        assert!(!breaking(&forward), "{what} {a} → {b} broke: {forward:?}");
        assert!(!forward.is_empty(), "no change found: {a} → {b}");
        let (wide, narrow) = if op == Op::Widen { (&b, &a) } else { (&a, &b) };
        // For bounds, values and types, input(A→B) is output(B→A), and a
        // change safe in one position breaks the other.
        if swaps {
            let a_b = classify(&a, &b, "p", Position::Input);
            let b_a = classify(&b, &a, "p", Position::Output);
            assert_eq!(classes(&a_b), classes(&b_a), "{a} vs {b}");
            let up = classify(narrow, wide, "p", Position::Input);
            assert!(!breaking(&up), "widening {narrow} → {wide} broke: {up:?}");
            let other = classify(narrow, wide, "p", Position::Output);
            assert!(
                breaking(&other),
                "widening {narrow} → {wide} does not break an output: {other:?}"
            );
        }
    }
}

#[test]
fn effects_swap_between_positions() {
    for e in [
        Effect::Narrower,
        Effect::Wider,
        Effect::Both,
        Effect::Neutral,
        Effect::Cosmetic,
    ] {
        assert_eq!(
            e.class(Position::Input),
            e.reversed().class(Position::Output)
        );
    }
}

#[test]
fn odd_schemas_do_not_panic() {
    let odd = [
        json!(null),
        json!(true),
        json!(false),
        json!({"type": 3}),
        json!({"anyOf": "x"}),
        json!({"type": "object", "properties": [], "required": {}}),
        json!({"minimum": "a", "maxLength": -1, "enum": 1}),
        json!({"anyOf": [{}]}),
    ];
    for a in &odd {
        for b in &odd {
            let _ = compare(a, b, "p");
        }
    }
}
