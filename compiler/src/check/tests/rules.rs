//! One test per rule, through the whole front end (parse → expand → resolve →
//! check), asserting `(code, line)` and, where it matters, the message.

use super::{check_src, run, run_with_stdlib};

const BASE: &str = r#"
capability acme { description = "root" }
capability acme.search { description = "search" }
capability acme.write { description = "write" requires = [capability.acme.search] }
model swift { description = "m" provider = "openai" }
"#;

fn lines(src: &str) -> Vec<(&'static str, u32)> {
    check_src(&format!("{BASE}{src}"))
        .into_iter()
        .map(|(c, l, _)| (c, l))
        .collect()
}

/// Line numbers in `src` are offset by BASE's 5 lines (it starts with a newline).
const B: u32 = 5;

#[test]
fn the_stdlib_compiles_cleanly() {
    let r = run_with_stdlib(&[]);
    assert_eq!(r.codes(), vec![]);
    let caps = r
        .checked
        .registry
        .to_json()
        .get("capabilities")
        .and_then(|c| c.as_object())
        .map_or(0, |m| m.len());
    assert!(caps >= 9 * 3, "{caps} capabilities");
}

#[test]
fn stdlib_ids_cannot_be_reused() {
    let r = run_with_stdlib(&[("main.pmth", "capability web { description = \"mine\" }")]);
    assert_eq!(r.lines(), vec![("PM0103", 1)]);
    assert!(r.codes()[0].2.contains("standard library"));
}

#[test]
fn unknown_attribute_suggests_and_does_not_also_report_missing() {
    let src = "tool t {\n  descripton = \"x\"\n  risk = low\n}\n";
    let got = check_src(&format!("{BASE}{src}"));
    assert_eq!(
        got.iter().map(|(c, l, _)| (*c, *l)).collect::<Vec<_>>(),
        vec![("PM0201", B + 2)]
    );
}

#[test]
fn an_unknown_trait_is_called_a_trait() {
    let src = "persona p {\n  traits { curiosity = 0.5 }\n}\n";
    let got = check_src(&format!("{BASE}{src}"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0, got[0].1), ("PM0201", B + 2));
    assert_eq!(got[0].2, "unknown trait `curiosity`");
}

#[test]
fn nested_and_tagged_blocks_are_checked() {
    let src = r#"service s {
  description = "d"
  kind = rest
  endpoint = "https://x.example"
  auth = api_key { header = "X-Key"  secrt = env("K") }
  timeout = 5
}
agent a {
  description = "d"
  kind = analytical
  model = model.swift
  governance { safety_level = extreme  audit = yes }
  limits { max_steps = 0 }
}
"#;
    assert_eq!(
        lines(src),
        // `secrt` suggests `secret`, so the missing `secret` is not reported again.
        vec![
            ("PM0201", B + 5),
            ("PM0203", B + 6),
            ("PM0206", B + 12),
            ("PM0203", B + 12),
            ("PM0204", B + 13),
        ]
    );
}

#[test]
fn wrong_kind_in_position_is_pm0102_once() {
    let src = "tool x { description = \"d\" risk = low }\nagent a { description = \"d\" kind = analytical model = tool.x tools = [model.swift] }\n";
    assert_eq!(lines(src), vec![("PM0102", B + 2), ("PM0102", B + 2)]);
}

#[test]
fn unresolved_reference_is_reported_once_not_again_as_missing_or_claim() {
    let src = "agent a {\n  description = \"d\"\n  kind = analytical\n  model = model.swfit\n  capabilities = [capability.acme.write]\n}\n";
    let got = check_src(&format!("{BASE}{src}"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "PM0101");
    assert!(got[0].2.contains("unknown model `swfit`"));
}

#[test]
fn reference_to_another_kind_is_pm0102() {
    let got = check_src(&format!("{BASE}agent a {{ description = \"d\" kind = analytical model = model.swift tools = [tool.swift] }}\n"));
    assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec!["PM0102"]);
}

#[test]
fn versions_resolve_exactly_and_with_requirements() {
    let src = r#"tool t@1.2.0 { description = "d" risk = low }
tool t@1.3.0 { description = "d" risk = low }
tool t@2.0.0-beta.1 { description = "d" risk = low }
agent a { description = "d" kind = analytical model = model.swift tools = [tool.t@1.2.0, tool.t@^1, tool.t, tool.t@">=1.2, <1.3", tool.t@2] }
"#;
    let r = run(&format!("{BASE}{src}"));
    assert_eq!(r.lines(), vec![("PM0104", B + 4)]);
    let tools = r
        .checked
        .registry
        .to_json()
        .pointer("/agents/a/tools")
        .cloned();
    assert_eq!(tools, None, "partial: the list errored");
    let written: Vec<(String, String)> = r
        .checked
        .references
        .iter()
        .map(|x| (x.written.clone(), x.target.clone()))
        .collect();
    assert!(written.contains(&("tool.t@1.2.0".into(), "t@1.2.0".into())));
    assert!(written.contains(&("tool.t@^1".into(), "t@1.3.0".into())));
    assert!(written.contains(&("tool.t".into(), "t@1.3.0".into())));
    let quoted = written
        .iter()
        .find(|(w, _)| w.contains(">=1.2"))
        .map(|(_, t)| t.as_str());
    assert_eq!(quoted, Some("t@1.2.0"), "{written:?}");
}

#[test]
fn name_both_versioned_and_unversioned_is_pm0103() {
    let src = "tool t { description = \"d\" risk = low }\ntool t@1.0.0 { description = \"d\" risk = low }\n";
    assert_eq!(lines(src), vec![("PM0103", B + 2)]);
}

#[test]
fn capability_parent_and_cycles() {
    let src = r#"capability a.b.c { description = "grandchild" }
capability x { description = "x" requires = [capability.y] }
capability y { description = "y" requires = [capability.x] }
"#;
    let got = check_src(&format!("{BASE}{src}"));
    let codes: Vec<_> = got.iter().map(|(c, l, _)| (*c, *l)).collect();
    assert_eq!(codes, vec![("PM0107", B + 1), ("PM0108", B + 2)]);
    assert!(got[1].2.contains("`x → y → x`"), "{}", got[1].2);
}

#[test]
fn claims_follow_the_hierarchy_and_requirements() {
    let src = r#"tool s { description = "d" risk = low provides = [capability.acme.search] }
tool w { description = "d" risk = low provides = [capability.acme.write] }
agent parent_claim { description = "d" kind = analytical model = model.swift tools = [tool.s] capabilities = [capability.acme] }
agent needs_search { description = "d" kind = analytical model = model.swift tools = [tool.w] capabilities = [capability.acme.write] }
agent ok { description = "d" kind = analytical model = model.swift tools = [tool.w, tool.s] capabilities = [capability.acme.write] }
agent child_claim { description = "d" kind = analytical model = model.swift tools = [tool.s] capabilities = [capability.acme.write] }
"#;
    let got = check_src(&format!("{BASE}{src}"));
    let codes: Vec<_> = got.iter().map(|(c, l, _)| (*c, *l)).collect();
    assert_eq!(codes, vec![("PM0301", B + 4), ("PM0301", B + 6)]);
    assert!(
        got[0].2.contains("which requires `acme.search`"),
        "{}",
        got[0].2
    );
}

#[test]
fn claims_are_skipped_when_a_tool_is_broken_or_unknown() {
    let src = "tool b {\n  risk = = low\n}\nagent a { description = \"d\" kind = analytical model = model.swift tools = [tool.b] capabilities = [capability.acme.write] }\n";
    assert_eq!(lines(src), vec![("PM0001", B + 2)]);
}

#[test]
fn personas_merge_and_cycles_are_reported_once() {
    let src = r#"persona base { tone = "calm" traits { creativity = 0.2 formality = 0.9 } expertise = ["a"] status = deprecated }
persona child { extends = [persona.base] traits { empathy = 0.5 } expertise = ["b"] }
persona p { extends = [persona.q] }
persona q { extends = [persona.p] }
persona odd { traits { charisma = 0.5 } }
"#;
    let r = run(&format!("{BASE}{src}"));
    assert_eq!(
        r.lines(),
        vec![("PM0106", B + 2), ("PM0108", B + 3), ("PM0201", B + 5)]
    );
    let child = r
        .checked
        .registry
        .to_json()
        .pointer("/personas/child")
        .cloned()
        .unwrap_or_default();
    assert_eq!(child.pointer("/tone"), Some(&serde_json::json!("calm")));
    assert_eq!(child.pointer("/status"), Some(&serde_json::json!("active")));
    assert_eq!(
        child.pointer("/traits/formality"),
        Some(&serde_json::json!(0.9))
    );
    assert_eq!(
        child.pointer("/traits/empathy"),
        Some(&serde_json::json!(0.5))
    );
    assert_eq!(child.pointer("/expertise"), Some(&serde_json::json!(["b"])));
}

#[test]
fn services_secrets_urls_and_plain_http() {
    let src = r#"service a { description = "d" kind = rest endpoint = "http://x.example" insecure = true }
service b { description = "d" kind = rest endpoint = "not a url" }
service c { description = "d" kind = rest auth = oauth2 { token_url = "https://t.example" client_id = "id" client_secret = env("S") } }
service d { description = "d" kind = rest auth = mtls { cert = secret("vault://c") key = "-----BEGIN" } }
service e { description = "d" kind = rest auth = magic }
"#;
    assert_eq!(
        lines(src),
        vec![("PM0203", B + 2), ("PM0302", B + 4), ("PM0206", B + 5)]
    );
}

#[test]
fn types_compile_and_constraints_are_checked() {
    let src = r#"tool t {
  description = "d"
  risk = low
  params {
    a: int { min = 5  max = 1 }
    b: string { pattern = "(" }
    c: string { format = "emial" }
    d: list<string> { min = 1 }
    e: strng
    f: string = 3
    g?: string
    requires { g = [zz] }
  }
  returns: object { ok: bool }
}
"#;
    assert_eq!(
        lines(src),
        vec![
            ("PM0204", B + 5),
            ("PM0002", B + 6),
            ("PM0206", B + 7),
            ("PM0201", B + 8),
            ("PM0203", B + 9),
            ("PM0501", B + 10),
            ("PM0201", B + 12),
        ]
    );
}

#[test]
fn input_schema_is_json_schema_2020_12() {
    let src = r#"tool t {
  description = "d"
  risk = low
  params {
    query: string { min_len = 1  max_len = 200 }
    region: "us" | "eu" = "us"
    site?: string { format = "hostname" }
    tags: list<string> { max_len = 5  unique = true } = []
    requires { site = [region] }
  }
  returns: list<object { title: string  url: string { format = "uri" } }>
}
"#;
    let r = run(&format!("{BASE}{src}"));
    assert_eq!(r.codes(), vec![]);
    let schema = r
        .checked
        .registry
        .to_json()
        .pointer("/tools/t/input_schema")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        schema,
        serde_json::json!({
            "type": "object",
            "additionalProperties": false,
            "dependentRequired": {"site": ["region"]},
            "properties": {
                "query": {"type": "string", "minLength": 1, "maxLength": 200},
                "region": {"type": "string", "enum": ["us", "eu"], "default": "us"},
                "site": {"type": "string", "format": "hostname"},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5, "uniqueItems": true, "default": []}
            },
            "required": ["query"]
        })
    );
    let out = r
        .checked
        .registry
        .to_json()
        .pointer("/tools/t/output_schema/items/properties/url/format")
        .cloned();
    assert_eq!(out, Some(serde_json::json!("uri")));
}

#[test]
fn registry_defaults_digests_and_sources() {
    let r = run(&format!(
        "{BASE}service s {{ description = \"d\" kind = rest }}\n"
    ));
    let s = r
        .checked
        .registry
        .to_json()
        .pointer("/services/s")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        s.pointer("/auth"),
        Some(&serde_json::json!({"type": "none"}))
    );
    assert_eq!(s.pointer("/insecure"), Some(&serde_json::json!(false)));
    assert_eq!(s.pointer("/status"), Some(&serde_json::json!("active")));
    assert_eq!(s.pointer("/source/line"), Some(&serde_json::json!(B + 1)));
    let mut bare = s.as_object().cloned().unwrap_or_default();
    let digest = bare.remove("digest");
    bare.remove("source");
    let want = crate::check::canonical::digest(&serde_json::Value::Object(bare));
    assert_eq!(digest, Some(serde_json::json!(want)));
    for kind in crate::ast::Kind::ALL {
        assert!(
            r.checked.registry.to_json().get(kind.plural()).is_some(),
            "{kind}"
        );
    }
}

#[test]
fn template_bodies_are_checked_once_and_instances_like_declarations() {
    let src = r#"template desk for agent {
  param topic: string
  description = "Answers ${topic}"
  kind = chatty
  model = model.swift
}
agent one = template.desk(topic = "a")
agent two = template.desk(topic = "b")
"#;
    let r = run(&format!("{BASE}{src}"));
    assert_eq!(r.lines(), vec![("PM0206", B + 4)]);
    let d = &r.diags[0];
    assert_eq!(d.related.len(), 2, "{:?}", d.related);
}

#[test]
fn instance_missing_required_attribute_is_on_the_instance() {
    let src = "template desk for agent {\n  description = \"d\"\n  model = model.swift\n}\nagent one = template.desk()\n";
    assert_eq!(lines(src), vec![("PM0202", B + 5)]);
}

#[test]
fn steps_are_checked_against_the_step_table() {
    let src = r#"agent w { description = "d" kind = analytical model = model.swift }
workflow f {
  description = "d"
  step a { agent = agent.w  retry { attempts = 0 }  timeout = 5  colour = red }
  step b { agent = model.swift  after = [step.a] }
}
"#;
    assert_eq!(
        lines(src),
        vec![
            ("PM0204", B + 4),
            ("PM0203", B + 4),
            ("PM0201", B + 4),
            ("PM0102", B + 5)
        ]
    );
}

#[test]
fn invalid_literals_are_not_reported_again() {
    let src =
        "tool t { description = \"d\" risk = low limits { timeout = 30parsecs memory = 1.5MB } }\n";
    let got = lines(src);
    assert!(got.iter().all(|(c, _)| *c == "PM0002"), "{got:?}");
}

#[test]
fn the_registry_validates_against_its_json_schema() {
    let extra = r#"service plain { description = "d" kind = rest endpoint = "http://x.example" insecure = true }
service o { description = "d" kind = rest auth = oauth2 { token_url = "https://t.example" client_id = "c" client_secret = env("S") scopes = ["a"] } }
template desk for agent {
  param topic: string { pattern = "^[a-z]+$" }
  description = "Answers ${topic}"
  kind = conversational
  model = model.m0
}
agent billing = template.desk(topic = "billing") { governance { content_filter = strict } }
workflow flow { description = "d" input { q: string } output: string step a { select = capability.c0 on_error = step.b } step b { agent = agent.a0 compensation = true } }
"#;
    let src = format!("{}{extra}", super::scale::workspace(400));
    let r = run_with_stdlib(&[("main.pmth", &src)]);
    assert_eq!(r.codes(), vec![]);
    let schema = crate::schema::registry_schema();
    let result = crate::types::validate(&schema, &r.checked.registry.to_json());
    assert_eq!(result, Ok(()));
    // And it does reject a wrong shape.
    let mut bad = r.checked.registry.to_json();
    if let Some(s) = bad.pointer_mut("/services/o/auth") {
        *s = serde_json::json!({"type": "oauth2"});
    }
    assert!(crate::types::validate(&schema, &bad).is_err());
}

#[test]
fn an_invalid_version_literal_causes_nothing_else() {
    let src = "tool t@1.2 { description = \"d\" risk = low }\ntool t { description = \"d\" risk = low }\nagent a { description = \"d\" kind = analytical model = model.swift tools = [tool.t, tool.u@1.0.0] }\ntool u@1.x { description = \"d\" risk = low }\n";
    let got = lines(src);
    assert!(got.iter().all(|(c, _)| *c == "PM0002"), "{got:?}");
}
