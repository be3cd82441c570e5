use super::*;
use serde_json::json;

fn side(v: Json) -> Side {
    Side::from_registry_json(&v.to_string()).unwrap()
}

fn tool(version: &str, max: u32, digest: &str) -> Json {
    json!({"name": "search", "version": version, "description": "Search", "risk": "low", "digest": digest,
           "input_schema": {"type": "object", "properties": {"limit": {"type": "integer", "maximum": max}},
                            "additionalProperties": false}})
}

fn reg(tools: Json) -> Json {
    json!({"format": "pmth.registry/v1", "tools": tools, "agents": {}, "governance": {"policies": [], "warnings": []}})
}

fn summary(r: &Report) -> Vec<(String, Option<String>, Class, bool)> {
    r.changes
        .iter()
        .map(|c| {
            (
                format!("{}.{}", c.kind, c.id),
                c.previous.clone(),
                c.class,
                c.semver_violation,
            )
        })
        .collect()
}

#[test]
fn ranges() {
    let v = |s: &str| semver::Version::parse(s).unwrap();
    assert!(in_range(&v("1.2.0"), &v("1.9.3")));
    assert!(!in_range(&v("1.2.0"), &v("2.0.0")));
    assert!(in_range(&v("0.2.0"), &v("0.2.7")));
    assert!(!in_range(&v("0.2.0"), &v("0.3.0")));
    assert!(!in_range(&v("0.0.3"), &v("0.0.4")));
    assert_eq!(next_breaking(&v("1.2.3")), v("2.0.0"));
    assert_eq!(next_breaking(&v("0.2.3")), v("0.3.0"));
    assert_eq!(next_breaking(&v("0.0.3")), v("0.0.4"));
}

#[test]
fn unchanged_digests_are_skipped_and_a_new_version_is_compared_with_the_previous() {
    let old = side(reg(
        json!({"search@1.2.0": tool("1.2.0", 100, "sha256:a"), "other": {"digest": "sha256:o"}}),
    ));
    let new = side(reg(json!({
        "search@1.2.0": tool("1.2.0", 100, "sha256:a"),
        "search@1.3.0": tool("1.3.0", 50, "sha256:b"),
        // Only the source moved: the digest is the same.
        "other": {"digest": "sha256:o", "source": {"file": "x", "line": 2}},
    })));
    let r = diff(&old, &new);
    assert_eq!(
        summary(&r),
        vec![(
            "tool.search@1.3.0".into(),
            Some("search@1.2.0".into()),
            Class::Breaking,
            true
        )]
    );
    assert_eq!(r.changes[0].details[0].path, "params.limit");
    let human = render::human(&r);
    assert!(
        human
            .contains("  tool.search@1.3.0: params.limit: max lowered from 100 to 50 (breaking)\n"),
        "{human}"
    );
}

#[test]
fn a_major_bump_is_no_violation_but_the_old_version_is_removed() {
    let old = side(reg(json!({"search@1.2.0": tool("1.2.0", 100, "sha256:a")})));
    let new = side(reg(json!({"search@2.0.0": tool("2.0.0", 50, "sha256:b")})));
    assert_eq!(
        summary(&diff(&old, &new)),
        vec![
            ("tool.search@1.2.0".into(), None, Class::Breaking, false),
            (
                "tool.search@2.0.0".into(),
                Some("search@1.2.0".into()),
                Class::Breaking,
                false
            ),
        ]
    );
}

#[test]
fn a_replaced_version_in_range_is_not_removed() {
    let old = side(reg(json!({"search@1.2.0": tool("1.2.0", 100, "sha256:a")})));
    let new = side(reg(json!({"search@1.3.0": tool("1.3.0", 200, "sha256:b")})));
    assert_eq!(
        summary(&diff(&old, &new)),
        vec![(
            "tool.search@1.3.0".into(),
            Some("search@1.2.0".into()),
            Class::Compatible,
            false
        )]
    );
}

#[test]
fn changed_in_place_breaking_is_a_violation() {
    let old = side(reg(json!({"search@1.2.0": tool("1.2.0", 100, "sha256:a")})));
    let new = side(reg(json!({"search@1.2.0": tool("1.2.0", 50, "sha256:b")})));
    let r = diff(&old, &new);
    assert_eq!(
        summary(&r),
        vec![("tool.search@1.2.0".into(), None, Class::Breaking, true)]
    );
    assert!(render::human(&r).contains("in place"));
    // A compatible change in place is not (PM0802 is what says it).
    let new = side(reg(json!({"search@1.2.0": tool("1.2.0", 200, "sha256:b")})));
    assert_eq!(
        summary(&diff(&old, &new)),
        vec![("tool.search@1.2.0".into(), None, Class::Compatible, false)]
    );
}

#[test]
fn new_and_removed_declarations() {
    let old = side(reg(json!({"a": {"digest": "sha256:1"}})));
    let new = side(reg(json!({"b": {"digest": "sha256:2"}})));
    assert_eq!(
        summary(&diff(&old, &new)),
        vec![
            ("tool.a".into(), None, Class::Breaking, false),
            ("tool.b".into(), None, Class::Compatible, false)
        ]
    );
}

#[test]
fn policies_and_warnings_are_governance() {
    let g = |policies: Json, warnings: Json| {
        side(
            json!({"tools": {"a": {"digest": "sha256:1"}}, "governance": {"policies": policies, "warnings": warnings}}),
        )
    };
    let p = |pkg: &str, d: &str| json!({"package": pkg, "path": format!("policies/{pkg}.rego"), "digest": d});
    let old = g(json!([p("x", "sha256:1"), p("y", "sha256:2")]), json!([]));
    let new = g(
        json!([p("x", "sha256:9"), p("z", "sha256:3")]),
        json!([{"code": "PM0702", "message": "no owner", "ref": "tool.a"}, {"code": "PM0702", "message": "global"}]),
    );
    let r = diff(&old, &new);
    assert_eq!(
        summary(&r),
        vec![
            ("governance.warnings".into(), None, Class::Governance, false),
            ("policy.x".into(), None, Class::Governance, false),
            ("policy.y".into(), None, Class::Governance, false),
            ("policy.z".into(), None, Class::Governance, false),
            ("tool.a".into(), None, Class::Governance, false),
        ]
    );
    let a = r.changes.iter().find(|c| c.id == "a").unwrap();
    assert_eq!(a.details[0].message, "warning PM0702 appeared: no owner");
}

#[test]
fn the_json_rendering_has_the_documented_shape() {
    let old = side(reg(json!({"search@1.2.0": tool("1.2.0", 100, "sha256:a")})));
    let new = side(reg(json!({"search@1.3.0": tool("1.3.0", 50, "sha256:b")})));
    let doc: Json = serde_json::from_str(&render::json(&diff(&old, &new))).unwrap();
    assert_eq!(
        doc,
        json!({
            "changes": [{
                "kind": "tool", "id": "search@1.3.0", "previous": "search@1.2.0", "class": "breaking",
                "semver_violation": true,
                "details": [{"path": "params.limit", "class": "breaking", "message": "max lowered from 100 to 50"}],
            }],
            "summary": {"breaking": 1, "compatible": 0, "governance": 0, "cosmetic": 0, "semver_violations": 1},
        })
    );
    let md = render::markdown(&diff(&old, &new));
    assert!(md.contains("#### Breaking (1)"), "{md}");
    assert!(
        md.contains("  - `params.limit`: max lowered from 100 to 50 (breaking)"),
        "{md}"
    );
    assert_eq!(render::human(&Report::default()), "no changes\n");
}

#[test]
fn a_malformed_registry_is_an_error_not_a_panic() {
    for text in ["", "[]", "{\"tools\": 3}", "{\"governance\": 1}"] {
        assert!(Side::from_registry_json(text).is_err(), "{text}");
    }
}
