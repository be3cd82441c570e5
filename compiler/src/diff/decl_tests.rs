use super::*;
use serde_json::json;

fn details(kind: Kind, old: Json, new: Json) -> Vec<(String, Class, String)> {
    compare(kind, &old, &new)
        .into_iter()
        .map(|d| (d.path, d.class, d.message))
        .collect()
}

fn one(path: &str, class: Class, message: &str) -> Vec<(String, Class, String)> {
    vec![(path.to_owned(), class, message.to_owned())]
}

fn tool(extra: Json) -> Json {
    let mut t = json!({"name": "search", "version": "1.0.0", "description": "Search", "risk": "low",
        "source": {"file": "a.pmth", "line": 1}, "digest": "sha256:aa"});
    if let (Json::Object(t), Json::Object(e)) = (&mut t, extra) {
        t.extend(e);
    }
    t
}

fn params(props: Json, required: &[&str]) -> Json {
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

#[test]
fn source_digest_and_identity_are_not_compared() {
    let a = tool(json!({}));
    let b = tool(
        json!({"source": {"file": "b.pmth", "line": 9}, "digest": "sha256:bb", "version": "1.1.0"}),
    );
    assert_eq!(details(Kind::Tool, a, b), vec![]);
}

#[test]
fn documentation_is_cosmetic() {
    let a = tool(json!({"labels": {"team": "a"}}));
    let b = tool(
        json!({"description": "Find", "title": "Search", "doc": "More.", "labels": {"team": "b", "tier": "1"}}),
    );
    assert_eq!(
        details(Kind::Tool, a, b),
        vec![
            (
                "description".to_owned(),
                Class::Cosmetic,
                "changed".to_owned()
            ),
            ("doc".to_owned(), Class::Cosmetic, "added".to_owned()),
            (
                "labels.team".to_owned(),
                Class::Cosmetic,
                "changed from `a` to `b`".to_owned()
            ),
            (
                "labels.tier".to_owned(),
                Class::Cosmetic,
                "added (`1`)".to_owned()
            ),
            ("title".to_owned(), Class::Cosmetic, "added".to_owned()),
        ]
    );
}

#[test]
fn tool_params_are_an_input_and_returns_an_output() {
    let limit = |max: u32| {
        params(
            json!({"limit": {"type": "integer", "maximum": max}}),
            &["limit"],
        )
    };
    let a = tool(json!({"input_schema": limit(100), "output_schema": limit(100)}));
    let b = tool(json!({"input_schema": limit(50), "output_schema": limit(50)}));
    assert_eq!(
        details(Kind::Tool, a.clone(), b.clone()),
        vec![
            (
                "params.limit".to_owned(),
                Class::Breaking,
                "max lowered from 100 to 50".to_owned()
            ),
            (
                "returns.limit".to_owned(),
                Class::Compatible,
                "max lowered from 100 to 50".to_owned()
            ),
        ]
    );
    assert_eq!(
        details(Kind::Tool, b, a),
        vec![
            (
                "params.limit".to_owned(),
                Class::Compatible,
                "max raised from 50 to 100".to_owned()
            ),
            (
                "returns.limit".to_owned(),
                Class::Breaking,
                "max raised from 50 to 100".to_owned()
            ),
        ]
    );
}

#[test]
fn a_tool_without_params_takes_the_empty_object() {
    let a = tool(json!({}));
    let b = tool(json!({"input_schema": params(json!({"q": {"type": "string"}}), &["q"])}));
    assert_eq!(
        details(Kind::Tool, a, b),
        one("params.q", Class::Breaking, "new required property")
    );
}

#[test]
fn workflow_input_output_and_steps() {
    let w = |input: Json, output: Json, steps: Json| {
        json!({"name": "w", "description": "W", "input_schema": input, "output_schema": output, "steps": steps,
               "order": ["a"]})
    };
    let i = |req: &[&str]| params(json!({"t": {"type": "string"}}), req);
    let a = w(
        i(&["t"]),
        i(&["t"]),
        json!({"a": {"agent": "x", "select": "web.search"}, "b": {"agent": "y"}}),
    );
    let b = w(
        i(&[]),
        i(&[]),
        json!({"a": {"agent": "x", "select": "web.browse"}, "c": {"agent": "y"}}),
    );
    assert_eq!(
        details(Kind::Workflow, a, b),
        vec![
            (
                "input.t".to_owned(),
                Class::Compatible,
                "required property made optional".to_owned()
            ),
            (
                "output.t".to_owned(),
                Class::Breaking,
                "required property made optional".to_owned()
            ),
            (
                "steps.a.select".to_owned(),
                Class::Breaking,
                "selected capability changed from web.search to web.browse".to_owned()
            ),
            (
                "steps.b".to_owned(),
                Class::Breaking,
                "step removed".to_owned()
            ),
            (
                "steps.c".to_owned(),
                Class::Compatible,
                "step added".to_owned()
            ),
        ]
    );
}

#[test]
fn a_step_output_is_an_output() {
    let w = |max: u32| json!({"steps": {"a": {"tool": "t", "output_schema": {"type": "integer", "maximum": max}}}});
    assert_eq!(
        details(Kind::Workflow, w(5), w(10)),
        one("steps.a.output", Class::Breaking, "max raised from 5 to 10")
    );
}

#[test]
fn agent_claims_tools_and_delegates() {
    let a = json!({"capabilities": ["web.search", "nlp.chat"], "tools": ["search@1.0.0", "fetch"], "delegates": ["helper"],
                   "model": "m@1"});
    let b = json!({"capabilities": ["nlp.chat", "nlp.summarize"], "tools": ["search@1.2.0"], "delegates": [],
                   "model": "m@2"});
    assert_eq!(
        details(Kind::Agent, a.clone(), b.clone()),
        vec![
            (
                "capabilities".to_owned(),
                Class::Breaking,
                "claimed capability removed: `web.search`".to_owned()
            ),
            (
                "capabilities".to_owned(),
                Class::Compatible,
                "added `nlp.summarize`".to_owned()
            ),
            (
                "delegates".to_owned(),
                Class::Breaking,
                "delegate `helper` removed".to_owned()
            ),
            (
                "model".to_owned(),
                Class::Compatible,
                "changed from `m@1` to `m@2`".to_owned()
            ),
            (
                "tools".to_owned(),
                Class::Compatible,
                "tool `search` now resolves to `search@1.2.0` (was `search@1.0.0`)".to_owned()
            ),
            (
                "tools".to_owned(),
                Class::Breaking,
                "tool `fetch` removed".to_owned()
            ),
        ]
    );
}

#[test]
fn agent_output_is_an_output() {
    let a = json!({"output_schema": {"type": "string"}});
    let b = json!({"output_schema": {"type": ["string", "null"]}});
    assert_eq!(
        details(Kind::Agent, a, b),
        one("output", Class::Breaking, "type widened: null now accepted")
    );
}

#[test]
fn risk_raised_and_read_only_dropped() {
    assert_eq!(
        details(Kind::Tool, tool(json!({})), tool(json!({"risk": "high"}))),
        one("risk", Class::Breaking, "risk raised from low to high")
    );
    assert_eq!(
        details(Kind::Tool, tool(json!({"risk": "high"})), tool(json!({}))),
        one("risk", Class::Compatible, "risk lowered from high to low")
    );
    assert_eq!(
        details(
            Kind::Tool,
            tool(json!({"hints": {"read_only": true}})),
            tool(json!({"hints": {}}))
        ),
        one(
            "hints.read_only",
            Class::Breaking,
            "`read_only = true` dropped"
        )
    );
    assert_eq!(
        details(
            Kind::Tool,
            tool(json!({"hints": {"read_only": true}})),
            tool(json!({"hints": {"read_only": false}}))
        ),
        one(
            "hints.read_only",
            Class::Breaking,
            "changed from true to false"
        )
    );
    assert_eq!(
        details(
            Kind::Tool,
            tool(json!({})),
            tool(json!({"hints": {"read_only": true}}))
        ),
        one(
            "hints.read_only",
            Class::Compatible,
            "changed from unset to true"
        )
    );
    assert_eq!(
        details(
            Kind::Tool,
            tool(json!({"hints": {"destructive": false}})),
            tool(json!({"hints": {"destructive": true}}))
        ),
        one(
            "hints.destructive",
            Class::Breaking,
            "changed from false to true"
        )
    );
}

#[test]
fn service_auth_kind_and_endpoint() {
    let s = |auth: Json, endpoint: &str| json!({"auth": auth, "endpoint": endpoint});
    let key = json!({"type": "api_key", "key": {"env": "K"}});
    let oauth = json!({"type": "oauth2", "client_id": "c"});
    assert_eq!(
        details(
            Kind::Service,
            s(key.clone(), "https://a"),
            s(oauth, "https://a")
        ),
        one(
            "auth",
            Class::Breaking,
            "auth kind changed from api_key to oauth2"
        )
    );
    assert_eq!(
        details(
            Kind::Service,
            s(key.clone(), "https://a"),
            s(key.clone(), "https://b")
        ),
        one(
            "endpoint",
            Class::Breaking,
            "changed from https://a to https://b"
        )
    );
    // The same kind, another field: the catch-all.
    let key2 = json!({"type": "api_key", "key": {"env": "K2"}});
    assert_eq!(
        details(Kind::Service, s(key, "https://a"), s(key2, "https://a")),
        one(
            "auth.key.env",
            Class::Compatible,
            "changed from `K` to `K2`"
        )
    );
}

#[test]
fn retired_is_breaking_deprecated_is_not() {
    assert_eq!(
        details(
            Kind::Model,
            json!({"status": "active"}),
            json!({"status": "retired"})
        ),
        one("status", Class::Breaking, "retired (was active)")
    );
    assert_eq!(
        details(
            Kind::Model,
            json!({"status": "active"}),
            json!({"status": "deprecated"})
        ),
        one(
            "status",
            Class::Compatible,
            "status changed from active to deprecated"
        )
    );
}

#[test]
fn template_params_are_an_input() {
    let t = |req: &[&str]| json!({"params": params(json!({"product": {"type": "string"}}), req)});
    assert_eq!(
        details(Kind::Template, t(&[]), t(&["product"])),
        one(
            "params.product",
            Class::Breaking,
            "optional property made required"
        )
    );
}

#[test]
fn the_catch_all_is_compatible_with_a_detail() {
    let a = json!({"limits": {"timeout": 3000}, "permissions": ["a"], "kind": "integration"});
    let b = json!({"limits": {"timeout": 1000}, "permissions": ["a", "b"], "kind": "function", "x_new": 1});
    assert_eq!(
        details(Kind::Tool, a, b),
        vec![
            (
                "kind".to_owned(),
                Class::Compatible,
                "changed from `integration` to `function`".to_owned()
            ),
            (
                "limits.timeout".to_owned(),
                Class::Compatible,
                "changed from 3000 to 1000".to_owned()
            ),
            (
                "permissions".to_owned(),
                Class::Compatible,
                "`b` added".to_owned()
            ),
            ("x_new".to_owned(), Class::Compatible, "1 added".to_owned()),
        ]
    );
}

#[test]
fn a_tool_no_longer_providing_a_capability_is_breaking() {
    let a = json!({"provides": ["web.search"]});
    let b = json!({"provides": []});
    assert_eq!(
        details(Kind::Tool, a, b),
        one(
            "provides",
            Class::Breaking,
            "no longer provides `web.search`"
        )
    );
}
