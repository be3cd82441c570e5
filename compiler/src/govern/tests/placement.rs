//! Where findings go: declaration headers, attributes, list elements, nested
//! blocks, the `[governance]` line, and unknown refs.

use super::{fixture, keys, render, run};
use serde_json::json;

const TOML: &str = "[package]\nname = \"t\"\nversion = \"0.1.0\"\n\n[governance]\nstdlib = false\n";

const MAIN: &str = r#"agent researcher@1.0.0 {
  description = "Finds things"
  kind = analytical
  model = model.m
  tools = [tool.a, tool.b]
  governance { audit = false }
}

tool a { description = "A" risk = high }
tool b { description = "B" risk = low }
model m { description = "M" provider = "openai" }
capability web { description = "Web" }
capability web.search { description = "Search" }
"#;

/// A policy whose `deny` is a fixed set of entries.
fn policy(entries: &[&str]) -> String {
    let mut s = String::from("package pmth.place\n\nimport rego.v1\n\n");
    for e in entries {
        s.push_str(&format!("deny contains {e} if {{ true }}\n"));
    }
    s
}

fn lines_of(entries: &[&str], toml: &str) -> Vec<(String, String, String, u32)> {
    let p = policy(entries);
    let f = fixture(
        &[
            ("pmth.toml", toml),
            ("main.pmth", MAIN),
            ("policies/place.rego", &p),
        ],
        json!({}),
    );
    let (_, diags) = run(&f);
    keys(&diags, &f.ws.sources)
}

fn line(entries: &[&str]) -> (String, u32) {
    let got = lines_of(entries, TOML);
    assert_eq!(got.len(), 1, "{got:?}");
    (got[0].2.clone(), got[0].3)
}

#[test]
fn ref_alone_goes_on_the_header() {
    assert_eq!(
        line(&[r#"{"msg": "m", "ref": "agent.researcher@1.0.0"}"#]),
        ("main.pmth".into(), 1)
    );
    assert_eq!(
        line(&[r#"{"msg": "m", "ref": "tool.b"}"#]),
        ("main.pmth".into(), 10)
    );
    assert_eq!(
        line(&[r#"{"msg": "m", "ref": "capability.web.search"}"#]),
        ("main.pmth".into(), 13)
    );
}

#[test]
fn attr_goes_on_the_attribute_or_element() {
    let at = |attr: &str| {
        line(&[&format!(
            r#"{{"msg": "m", "ref": "agent.researcher@1.0.0", "attr": "{attr}"}}"#
        )])
    };
    assert_eq!(at("model"), ("main.pmth".into(), 4));
    assert_eq!(at("tools[1]"), ("main.pmth".into(), 5));
    assert_eq!(at("governance.audit"), ("main.pmth".into(), 6));
    // Absent: the header.
    assert_eq!(at("limits.budget_usd"), ("main.pmth".into(), 1));
    assert_eq!(at("tools[7]"), ("main.pmth".into(), 1));
    assert_eq!(at("not a path["), ("main.pmth".into(), 1));
}

#[test]
fn without_ref_the_governance_line_or_line_one() {
    assert_eq!(line(&[r#""plain""#]), ("pmth.toml".into(), 5));
    assert_eq!(
        line(&[r#"{"msg": "m", "attr": "x"}"#]),
        ("pmth.toml".into(), 5)
    );
    assert_eq!(
        line(&[r#"{"msg": "m", "ref": "agent.nobody"}"#]),
        ("pmth.toml".into(), 5)
    );
    // `stdlib = false` needs [governance]; without one the stdlib's policies would
    // run too, so check the line-1 fallback with a manifest that only disables.
    let p = policy(&[r#""plain""#]);
    let toml = "[package]\nname = \"t\"\nversion = \"0.1.0\"\n";
    let mut f = fixture(
        &[
            ("pmth.toml", toml),
            ("main.pmth", MAIN),
            ("policies/place.rego", &p),
        ],
        json!({}),
    );
    f.ws.policy_files
        .retain(|id| f.ws.sources.get(*id).is_some_and(|s| !s.stdlib));
    let (_, diags) = run(&f);
    let got = keys(&diags, &f.ws.sources);
    assert_eq!(
        got,
        vec![("error".into(), "PM0701".into(), "pmth.toml".into(), 1)]
    );
}

#[test]
fn placement_snapshot() {
    let p = policy(&[
        r#"{"msg": "second tool", "ref": "agent.researcher@1.0.0", "attr": "tools[1]"}"#,
        r#"{"msg": "needs approval", "ref": "agent.researcher@1.0.0", "attr": "governance.human_approval"}"#,
        r#"{"msg": "who?", "ref": "agent.reseacher@1.0.0"}"#,
        r#""global""#,
        r#"{"ref": "tool.a"}"#,
        "42",
    ]);
    let f = fixture(
        &[
            ("pmth.toml", TOML),
            ("main.pmth", MAIN),
            ("policies/place.rego", &p),
        ],
        json!({}),
    );
    let (_, diags) = run(&f);
    insta::assert_snapshot!(render(&diags, &f.ws.sources));
}
