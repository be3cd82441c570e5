//! The Rego validation of `pmth.runtime.schema` against the compiler's own
//! `jsonschema` validation (`pmth_compiler::types::validate`), on generated
//! params: valid ones made from each schema, then mutated (wrong types,
//! missing and unexpected properties, values past each bound, bad patterns
//! and formats, duplicate items, broken dependencies). The two must agree on
//! valid/invalid for every value, and Rego must name a path for each error.

use pmth_compiler::runtime_policy::FILES;
use regorus::{Engine, Value};
use serde_json::{json, Map, Value as Json};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn coin(&mut self) -> bool {
        self.next().is_multiple_of(2)
    }
}

/// Values each format accepts and refuses, in both validators' reading.
fn format_samples(f: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match f {
        "email" => (
            &["a@b.io", "first.last@example.com"],
            &["nope", "a b@c.io", "@x.io"],
        ),
        "uri" => (
            &["https://x.io/a?b=1", "urn:isbn:1"],
            &["not a uri", "/relative"],
        ),
        "uri-reference" => (&["/relative/path", "https://x.io"], &["has space"]),
        "hostname" => (
            &["example.com", "a-b.c"],
            &["-bad.com", "a..b", "under_score.com"],
        ),
        "ipv4" => (
            &["10.0.0.1", "255.255.255.255"],
            &["256.1.1.1", "1.2.3", "01.2.3.4"],
        ),
        "ipv6" => (
            &["::1", "2001:db8::8a2e:370:7334"],
            &["2001:db8:::1", "12345::", "x::1"],
        ),
        "date" => (
            &["2024-02-29", "2023-12-31"],
            &["2023-02-29", "2023-13-01", "2023-1-01"],
        ),
        "time" => (&["12:30:00Z", "23:59:59+02:00"], &["25:00:00Z", "12:30"]),
        "date-time" => (
            &["2024-01-01T12:00:00Z", "2024-01-01T12:00:00.5+01:00"],
            &["2024-01-01 12:00", "2024-02-30T12:00:00Z"],
        ),
        "duration" => (&["P1D", "PT1H30M", "P1Y2M"], &["P", "1D", "PT"]),
        "uuid" => (
            &["123e4567-e89b-12d3-a456-426614174000"],
            &["123e4567e89b12d3a456426614174000", "xyz"],
        ),
        _ => (&["x"], &[]),
    }
}

/// A string matching each pattern the schemas below use.
fn pattern_sample(p: &str) -> &'static str {
    match p {
        "^C[0-9]{6}$" => "C123456",
        "^[a-z_]+$" => "router_x",
        "^O-[0-9]{8}$" => "O-12345678",
        "^T[0-9]+$" => "T42",
        "^A-[0-9]+$" => "A-7",
        _ => "",
    }
}

fn num(s: &Map<String, Json>, k: &str) -> Option<f64> {
    s.get(k).and_then(Json::as_f64)
}

/// A value the schema accepts.
fn valid(s: &Json, rng: &mut Rng, depth: usize) -> Json {
    let Some(s) = s.as_object() else {
        return json!(1);
    };
    if let Some(Json::Array(branches)) = s.get("anyOf") {
        return valid(&branches[rng.below(branches.len())], rng, depth);
    }
    if let Some(Json::Array(values)) = s.get("enum") {
        return values[rng.below(values.len())].clone();
    }
    let ty = match s.get("type") {
        Some(Json::String(t)) => t.clone(),
        Some(Json::Array(ts)) => ts[rng.below(ts.len())]
            .as_str()
            .unwrap_or("null")
            .to_owned(),
        _ => "string".to_owned(),
    };
    match ty.as_str() {
        "string" => {
            if let Some(f) = s.get("format").and_then(Json::as_str) {
                let (good, _) = format_samples(f);
                return json!(good[rng.below(good.len())]);
            }
            if let Some(p) = s.get("pattern").and_then(Json::as_str) {
                return json!(pattern_sample(p));
            }
            let min = num(s, "minLength").unwrap_or(0.0) as usize;
            let max = num(s, "maxLength").map_or(min + 8, |m| m as usize);
            json!("é".repeat(min + rng.below(max.saturating_sub(min).min(6) + 1)))
        }
        "integer" | "number" => {
            let lo = num(s, "minimum")
                .or(num(s, "exclusiveMinimum").map(|m| m + 1.0))
                .unwrap_or(0.0);
            let hi = num(s, "maximum")
                .or(num(s, "exclusiveMaximum").map(|m| m - 1.0))
                .unwrap_or(lo + 100.0);
            let v = (lo.ceil() + rng.below((hi - lo).max(0.0) as usize + 1) as f64).min(hi.floor());
            json!(v.max(lo.ceil()) as i64)
        }
        "boolean" => json!(rng.coin()),
        "null" => Json::Null,
        "array" => {
            let min = num(s, "minItems").unwrap_or(0.0) as usize;
            let max = num(s, "maxItems").map_or(min + 3, |m| m as usize);
            let n = min + rng.below(max.saturating_sub(min).min(3) + 1);
            let items = s.get("items").cloned().unwrap_or(json!({}));
            let mut out: Vec<Json> = Vec::new();
            for i in 0..n {
                let mut v = valid(&items, rng, depth + 1);
                if let Json::String(t) = &mut v {
                    if s.get("uniqueItems") == Some(&json!(true)) {
                        t.push_str(&i.to_string());
                    }
                }
                out.push(v);
            }
            Json::Array(out)
        }
        _ => {
            let props = s
                .get("properties")
                .and_then(Json::as_object)
                .cloned()
                .unwrap_or_default();
            let required: Vec<&str> = s
                .get("required")
                .and_then(Json::as_array)
                .map(|a| a.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            let mut out = Map::new();
            for (k, sub) in &props {
                if required.contains(&k.as_str()) || (depth < 4 && rng.coin()) {
                    out.insert(k.clone(), valid(sub, rng, depth + 1));
                }
            }
            if let Some(Json::Object(dep)) = s.get("dependentRequired") {
                for (k, needs) in dep {
                    if out.contains_key(k) {
                        for n in needs
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Json::as_str)
                        {
                            if let Some(sub) = props.get(n) {
                                out.insert(n.to_owned(), valid(sub, rng, depth + 1));
                            }
                        }
                    }
                }
            }
            Json::Object(out)
        }
    }
}

/// One random change to `v` (at the top or one level down).
fn mutate(v: &mut Json, s: &Json, rng: &mut Rng) {
    let (Json::Object(obj), Some(props)) = (&mut *v, s.get("properties").and_then(Json::as_object))
    else {
        *v = json!("not an object");
        return;
    };
    let keys: Vec<String> = props.keys().cloned().collect();
    let k = keys[rng.below(keys.len())].clone();
    let sub = &props[&k];
    match rng.below(12) {
        0 => {
            obj.remove(&k);
        }
        1 => {
            obj.insert("zz_unexpected".into(), json!(1));
        }
        2 => {
            obj.insert(
                k,
                json!(if sub.get("type") == Some(&json!("string")) {
                    json!(3)
                } else {
                    json!("3")
                }),
            );
        }
        3 => {
            let b = num_bound(sub, rng);
            obj.insert(k, json!(b));
        }
        4 => {
            let n = sub.get("maxLength").and_then(Json::as_u64).unwrap_or(4) as usize + 1;
            obj.insert(k, json!("x".repeat(n)));
        }
        5 => {
            obj.insert(k, json!(""));
        }
        6 => {
            let f = sub.get("format").and_then(Json::as_str).unwrap_or("email");
            let (_, bad) = format_samples(f);
            if !bad.is_empty() {
                obj.insert(k, json!(bad[rng.below(bad.len())]));
            }
        }
        7 => {
            obj.insert(k, json!("!! no match"));
        }
        8 => {
            obj.insert(k, json!(["dup", "dup"]));
        }
        9 => {
            obj.insert(
                k,
                json!(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]),
            );
        }
        10 => {
            obj.insert(k, json!(1.5));
        }
        _ => {
            obj.insert(k, Json::Null);
        }
    }
}

fn num_bound(s: &Json, rng: &mut Rng) -> f64 {
    let pick = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"][rng.below(4)];
    let b = s.get(pick).and_then(Json::as_f64).unwrap_or(-1.0);
    match pick {
        "minimum" => b - 0.5,
        "maximum" => b + 1.0,
        _ => b,
    }
}

fn schemas() -> Vec<Json> {
    let fleet: Json = serde_json::from_str(include_str!(
        "../../compiler/src/export/testdata/registry.json"
    ))
    .expect("registry");
    let mut out: Vec<Json> = fleet["tools"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, t)| t["input_schema"].clone())
        .collect();
    let every_format: Map<String, Json> = pmth_compiler::types::FORMATS
        .iter()
        .map(|f| ((*f).to_owned(), json!({"type": "string", "format": f})))
        .collect();
    out.push(json!({"type": "object", "properties": every_format, "additionalProperties": false}));
    out.push(json!({
        "type": "object",
        "properties": {
            "order": {"type": "string", "pattern": "^A-[0-9]+$"},
            "amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
            "count": {"type": "integer", "minimum": 1, "exclusiveMaximum": 10},
            "note": {"type": "string", "minLength": 2, "maxLength": 5},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3, "uniqueItems": true},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "either": {"type": ["string", "integer", "null"]},
            "nested": {"anyOf": [
                {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"], "additionalProperties": false},
                {"type": "null"}
            ]},
            "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 3}, "maxProperties": 2},
            "any": {}
        },
        "required": ["order", "amount"],
        "additionalProperties": false,
        "dependentRequired": {"note": ["kind"], "count": ["tags"]}
    }));
    out
}

fn engine() -> Engine {
    let mut e = Engine::new();
    for (name, text) in FILES {
        e.add_policy((*name).to_owned(), (*text).to_owned())
            .expect("policy");
    }
    e
}

fn rego_errors(e: &Engine, schema: &Json, value: &Json) -> Vec<String> {
    let mut e = e.clone();
    e.set_input(pmth_compiler::govern::to_rego_value(
        &json!({"s": schema, "x": value}),
    ));
    let res = e
        .eval_query(
            "x := data.pmth.runtime.schema.errors(input.s, input.x, \"params\")".to_owned(),
            false,
        )
        .expect("eval");
    let v = res
        .result
        .first()
        .and_then(|r| {
            r.bindings
                .as_object()
                .ok()
                .and_then(|b| b.get(&Value::from("x")).cloned())
        })
        .unwrap_or(Value::Undefined);
    let json: Json =
        serde_json::from_str(&v.to_json_str().unwrap_or_default()).unwrap_or(Json::Null);
    json.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_else(|| panic!("no errors set for {value}: {v:?}"))
}

#[test]
fn rego_and_jsonschema_agree_on_generated_params() {
    let e = engine();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut valid_n, mut invalid_n) = (0, 0);
    for schema in schemas() {
        for i in 0..150 {
            let mut v = valid(&schema, &mut rng, 0);
            if i % 3 != 0 {
                mutate(&mut v, &schema, &mut rng);
            }
            let rego = rego_errors(&e, &schema, &v);
            let js = pmth_compiler::types::validate(&schema, &v);
            assert_eq!(
                rego.is_empty(),
                js.is_ok(),
                "schema {schema}\nvalue {v}\nrego {rego:?}\njsonschema {js:?}"
            );
            for r in &rego {
                assert!(r.starts_with("params"), "{r}");
            }
            if rego.is_empty() {
                valid_n += 1;
            } else {
                invalid_n += 1;
            }
        }
    }
    assert!(
        valid_n > 100 && invalid_n > 300,
        "{valid_n} valid, {invalid_n} invalid"
    );
}
