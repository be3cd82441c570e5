use super::*;
use serde_json::json;

fn registry() -> Json {
    json!({
        "agents": {
            "billing@1.2.0": {"name": "billing", "version": "1.2.0", "status": "active",
                "model": "llm@1.0.0", "tools": ["refund@2.1.0", "lookup"],
                "labels": {"team": "payments"}, "source": {"file": "agents/billing.pmth", "line": 2}},
            "triage": {"name": "triage", "status": "deprecated", "model": "llm@1.0.0",
                "tools": ["lookup"], "delegates": ["billing@1.2.0"],
                "origin": {"template": "desk", "arguments": {}},
                "source": {"file": "agents/triage.pmth", "line": 9}},
        },
        "tools": {
            "refund@2.1.0": {"name": "refund", "version": "2.1.0", "risk": "critical", "status": "active",
                "service": "payments", "source": {"file": "tools/refund.pmth", "line": 1}},
            "lookup": {"name": "lookup", "risk": "low", "status": "active",
                "source": {"file": "tools/lookup.pmth", "line": 1}},
        },
        "models": {"llm@1.0.0": {"name": "llm", "status": "active", "source": {"file": "models.pmth", "line": 1}}},
        "services": {"payments": {"name": "payments", "status": "active", "source": {"file": "services.pmth", "line": 1}}},
        "workflows": {}, "capabilities": {"support.billing": {"name": "support.billing"}},
        "personas": {}, "templates": {"desk": {"name": "desk", "source": {"file": "t.pmth", "line": 1}}},
        "index": {"capabilities": {"support.billing": {"agents": ["billing@1.2.0"], "tools": ["refund@2.1.0"], "models": []}}},
    })
}

fn ids(expr: &str) -> Vec<String> {
    let q = parse(expr).unwrap_or_else(|e| panic!("{expr}: {e:?}"));
    run(&registry(), &q)
        .unwrap_or_else(|e| panic!("{expr}: {e:?}"))
        .into_iter()
        .map(|h| format!("{}.{}", h.kind.keyword(), h.id))
        .collect()
}

#[test]
fn each_term() {
    assert_eq!(ids("kind:tool"), ["tool.lookup", "tool.refund@2.1.0"]);
    assert_eq!(
        ids("capability:support.billing"),
        ["agent.billing@1.2.0", "tool.refund@2.1.0"]
    );
    assert_eq!(
        ids("capability:capability.support.billing kind:tool"),
        ["tool.refund@2.1.0"]
    );
    assert_eq!(ids("risk:>=high"), ["tool.refund@2.1.0"]);
    assert_eq!(ids("risk:<high"), ["tool.lookup"]);
    assert_eq!(ids("risk:low"), ["tool.lookup"]);
    assert_eq!(ids("status:deprecated"), ["agent.triage"]);
    assert_eq!(ids("label:team=payments"), ["agent.billing@1.2.0"]);
    assert_eq!(ids("label:team"), ["agent.billing@1.2.0"]);
    assert!(ids("label:team=ops").is_empty());
    assert_eq!(
        ids("uses:tool.lookup"),
        ["agent.billing@1.2.0", "agent.triage"]
    );
    assert_eq!(ids("uses:tool.refund@2.1.0"), ["agent.billing@1.2.0"]);
    assert!(ids("uses:tool.refund@9.0.0").is_empty());
    assert_eq!(ids("uses:agent.billing"), ["agent.triage"]);
    assert_eq!(ids("uses:template.desk"), ["agent.triage"]);
    assert_eq!(
        ids("usedby:agent.billing"),
        ["tool.lookup", "tool.refund@2.1.0", "model.llm@1.0.0"]
    );
    assert_eq!(ids("usedby:tool.refund"), ["service.payments"]);
    assert_eq!(ids("name:ref*"), ["tool.refund@2.1.0"]);
    assert_eq!(ids("name:?ookup"), ["tool.lookup"]);
    assert_eq!(
        ids("kind:agent uses:model.llm status:active"),
        ["agent.billing@1.2.0"]
    );
}

#[test]
fn the_empty_query_lists_everything_with_its_source() {
    let hits = run(&registry(), &parse("").unwrap()).unwrap();
    assert_eq!(hits.len(), 8);
    let billing = hits.iter().find(|h| h.id == "billing@1.2.0").unwrap();
    assert_eq!(billing.file.as_deref(), Some("agents/billing.pmth"));
    assert_eq!(billing.line, Some(2));
}

#[test]
fn bad_terms_say_how_to_fix_them() {
    let err = |expr: &str| parse(expr).err().unwrap_or_else(|| panic!("{expr} parsed"));
    let e = err("kind:agnet");
    assert_eq!(e.message, "unknown kind `agnet`");
    assert!(e.help.starts_with("did you mean `agent`?"), "{}", e.help);
    assert_eq!(err("risk:>=hihg").message, "unknown risk level `hihg`");
    assert_eq!(err("status:gone").message, "unknown status `gone`");
    assert_eq!(err("uses:refund").message, "`refund` is not a reference");
    assert_eq!(
        err("uses:tol.refund").message,
        "unknown kind `tol` in `tol.refund`"
    );
    assert_eq!(err("kindagent").message, "`kindagent` is not a term");
    assert_eq!(err("kind:").message, "`kind:` has no value");
    assert_eq!(err("label:=x").message, "`label:=x` names no label key");
    let e = err("usd:tool.x");
    assert!(e.help.contains("`uses`"), "{}", e.help);

    let run_err = |expr: &str| run(&registry(), &parse(expr).unwrap()).err().unwrap();
    let e = run_err("capability:support.biling");
    assert_eq!(e.message, "no capability `support.biling` in this registry");
    assert_eq!(e.help, "did you mean `support.billing`?");
    assert_eq!(
        run_err("usedby:agent.nobody").message,
        "no declaration `agent.nobody` in this registry"
    );
}

#[test]
fn globs() {
    for (p, t, want) in [
        ("*", "", true),
        ("a*c", "abbbc", true),
        ("a*c", "abbb", false),
        ("*b*", "abc", true),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("refund", "refund", true),
        ("refund", "refunds", false),
        ("**x", "yx", true),
    ] {
        assert_eq!(glob(p, t), want, "{p} vs {t}");
    }
}

#[test]
fn the_text_is_read_as_json_whatever_its_escapes() {
    // `lookup` written with an escape: the quick text check must not skip it.
    let text = r#"{"agents": {"a": {"name": "a", "tools": ["\u006cookup"],
        "source": {"file": "a.pmth", "line": 3}}}, "tools": {"lookup": {"name": "lookup"}}}"#;
    let q = parse("uses:tool.lookup").unwrap();
    let hits = run_text(text, &q).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].file.as_deref(), hits[0].line),
        (Some("a.pmth"), Some(3))
    );
    let bad = run_text("[1, 2]", &q).unwrap_err();
    assert!(bad.message.contains("not a registry"), "{}", bad.message);
    let bad = run_text(r#"{"agents": []}"#, &q).unwrap_err();
    assert!(bad.message.contains("not a registry"), "{}", bad.message);
}
