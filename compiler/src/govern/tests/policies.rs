//! Policies that break (syntax, package, compile, runtime, runaway), the stdlib's
//! policies on a realistic registry, `disable`, determinism and `policy_test`.

use super::{fixture, keys, render, run, Fixture};
use crate::govern::load::{self, PolicyText};
use crate::govern::{data_document, policy_test, stdlib, TestOutcome};
use serde_json::json;
use std::time::{Duration, Instant};

const NO_STDLIB: &str =
    "[package]\nname = \"t\"\nversion = \"0.1.0\"\n\n[governance]\nstdlib = false\n";

const GOOD: &str =
    "package pmth.good\n\nimport rego.v1\n\nwarn contains \"still ran\" if { true }\n";

fn codes(f: &Fixture) -> Vec<(String, String, String, u32)> {
    let (_, diags) = run(f);
    keys(&diags, &f.ws.sources)
}

fn entry(sev: &str, code: &str, file: &str, line: u32) -> (String, String, String, u32) {
    (sev.into(), code.into(), file.into(), line)
}

#[test]
fn a_runtime_error_is_reported_on_the_package_line_and_others_still_run() {
    let bad = "# divides by zero\npackage pmth.bad\n\nimport rego.v1\n\ndeny contains x if {\n  x := 1 / 0\n}\n";
    let f = fixture(
        &[
            ("pmth.toml", NO_STDLIB),
            ("policies/bad.rego", bad),
            ("policies/good.rego", GOOD),
        ],
        json!({}),
    );
    assert_eq!(
        codes(&f),
        vec![
            entry("warning", "PM0702", "pmth.toml", 5),
            entry("error", "PM0703", "policies/bad.rego", 2)
        ]
    );
    let (_, diags) = run(&f);
    let d = diags.iter().find(|d| d.code == "PM0703").expect("PM0703");
    assert!(d.message.contains("divide by zero"), "{}", d.message);
    assert_eq!(d.related.len(), 1, "points at the failing expression");
}

#[test]
fn an_unsafe_variable_or_unknown_function_fails_only_its_own_policy() {
    // regorus finds these when it first evaluates the rule: reported on the
    // package line, with the spot regorus names as a related label.
    let unsafe_var =
        "# unsafe\npackage pmth.bad\n\nimport rego.v1\n\ndeny contains x if {\n  y := 1\n}\n";
    let unknown_fn =
        "package pmth.worse\n\nimport rego.v1\n\nwarn contains x if {\n  x := nope(1)\n}\n";
    let f = fixture(
        &[
            ("pmth.toml", NO_STDLIB),
            ("policies/bad.rego", unsafe_var),
            ("policies/good.rego", GOOD),
            ("policies/worse.rego", unknown_fn),
        ],
        json!({}),
    );
    assert_eq!(
        codes(&f),
        vec![
            entry("warning", "PM0702", "pmth.toml", 5),
            entry("error", "PM0703", "policies/bad.rego", 2),
            entry("error", "PM0703", "policies/worse.rego", 1),
        ]
    );
    let (_, diags) = run(&f);
    let related: Vec<u32> = diags
        .iter()
        .filter(|d| d.code == "PM0703")
        .filter_map(|d| d.related.first())
        .map(|r| f.ws.sources.start(r.span).line)
        .collect();
    assert_eq!(related, vec![6, 6]);
}

#[test]
fn policies_that_cannot_be_prepared_together_are_isolated() {
    // Two files of one package define the same function with different arities:
    // regorus refuses the whole set, governance finds the culprits and runs the rest.
    let a = "package pmth.clash\n\nimport rego.v1\n\nf(x) := x\n";
    let b = "package pmth.clash\n\nimport rego.v1\n\nf(x, y) := x\n\ndeny contains \"d\" if { f(1) == 1 }\n";
    let f = fixture(
        &[
            ("pmth.toml", NO_STDLIB),
            ("policies/a.rego", a),
            ("policies/b.rego", b),
            ("policies/good.rego", GOOD),
        ],
        json!({}),
    );
    let got = codes(&f);
    assert!(
        got.contains(&entry("warning", "PM0702", "pmth.toml", 5)),
        "{got:?}"
    );
    assert!(got.iter().any(|(_, c, _, _)| c == "PM0703"), "{got:?}");
}

#[test]
fn packages_must_sit_under_pmth_and_avoid_the_data_roots() {
    let f = fixture(
        &[
            ("pmth.toml", NO_STDLIB),
            ("policies/a.rego", "package acme\n"),
            ("policies/b.rego", "\npackage pmth.registry\n"),
            ("policies/c.rego", "package pmth.std.mine\n"),
            ("policies/good.rego", GOOD),
        ],
        json!({}),
    );
    assert_eq!(
        codes(&f),
        vec![
            entry("warning", "PM0702", "pmth.toml", 5),
            entry("error", "PM0703", "policies/a.rego", 1),
            entry("error", "PM0703", "policies/b.rego", 2),
            entry("error", "PM0703", "policies/c.rego", 1),
        ]
    );
    let (report, _) = run(&f);
    assert_eq!(report.policies.len(), 1, "only the good policy took part");
}

#[test]
fn a_runaway_policy_is_stopped_by_the_time_limit() {
    let slow = "package pmth.slow\n\nimport rego.v1\n\ndeny contains n if {\n  some x in numbers.range(1, 100000)\n  some y in numbers.range(1, 100000)\n  n := x + y\n}\n";
    let f = fixture(
        &[("pmth.toml", NO_STDLIB), ("policies/slow.rego", slow)],
        json!({}),
    );
    let texts: Vec<PolicyText<'_>> =
        f.ws.policy_files
            .iter()
            .filter_map(|id| f.ws.sources.get(*id))
            .map(|s| PolicyText {
                file: Some(s.id),
                path: &s.path,
                text: &s.text,
                stdlib: false,
            })
            .collect();
    let data = data_document(&crate::check::Registry::from_json(&json!({})), None);
    let mut problems = Vec::new();
    let t = Instant::now();
    let loaded = load::load(
        texts,
        &data,
        None,
        Duration::from_millis(200),
        &f.ws.sources,
        &mut problems,
    );
    let findings = crate::govern::eval::evaluate(&loaded, &f.ws.sources, &mut problems);
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "took {:?}",
        t.elapsed()
    );
    assert!(findings.is_empty());
    assert_eq!(problems.len(), 1, "{problems:?}");
}

/// A registry exercising every stdlib policy once, and the matching sources.
fn stdlib_fixture(toml: &str) -> Fixture {
    let main = r#"agent chat {
  description = "Talks to customers"
  kind = conversational
  model = model.gpt
  tools = [tool.kb, tool.refund]
  governance { audit = true  content_filter = off }
}

agent ops {
  description = "Runs scripts"
  kind = task_oriented
  model = model.local
  tools = [tool.shell]
  limits { budget_usd = 3 }
}

tool kb { description = "KB" risk = low }
tool refund { description = "Refunds" risk = critical }
tool shell { description = "Shell" risk = high }
model gpt { description = "GPT" provider = "openai" }
model local { description = "Local" provider = "acme" }
service legacy { description = "Old" kind = rest endpoint = "http://legacy.local" insecure = true }
"#;
    let registry = json!({
        "agents": {
            "chat": {"name": "chat", "kind": "conversational", "model": "gpt", "tools": ["kb", "refund"],
                     "governance": {"audit": true, "content_filter": "off", "human_approval": false}, "limits": {}},
            "ops": {"name": "ops", "kind": "task_oriented", "model": "local", "tools": ["shell"],
                    "governance": {"audit": false}, "limits": {"budget_usd": 3}},
        },
        "tools": {"kb": {"risk": "low"}, "refund": {"risk": "critical"}, "shell": {"risk": "high"}},
        "models": {"gpt": {"provider": "openai"}, "local": {"provider": "acme"}},
        "services": {"legacy": {"kind": "rest", "endpoint": "http://legacy.local", "insecure": true}},
        "workflows": {}, "capabilities": {}, "personas": {}, "templates": {},
    });
    fixture(&[("pmth.toml", toml), ("main.pmth", main)], registry)
}

const WITH_STDLIB: &str = "[package]\nname = \"t\"\nversion = \"0.1.0\"\n\n[governance]\n\n[governance.data]\nallowed_providers = [\"openai\"]\n";

#[test]
fn stdlib_policies_on_a_realistic_registry() {
    let f = stdlib_fixture(WITH_STDLIB);
    let (report, diags) = run(&f);
    assert_eq!(report.policies.len(), stdlib::POLICIES.len());
    assert_eq!(report.warnings.len(), diags.warning_count());
    insta::assert_snapshot!(render(&diags, &f.ws.sources));
}

#[test]
fn disable_switches_stdlib_packages_off_and_checks_names() {
    let toml = "[package]\nname = \"t\"\nversion = \"0.1.0\"\n\n[governance]\ndisable = [\"pmth.std.budget\", \"audit\", \"pmth.std.budgt\", \"endpoint\"]\n";
    let f = stdlib_fixture(toml);
    let (report, diags) = run(&f);
    let packages: Vec<&str> = report
        .policies
        .iter()
        .filter_map(|p| p["package"].as_str())
        .collect();
    assert!(!packages.contains(&"pmth.std.budget") && !packages.contains(&"pmth.std.audit"));
    assert_eq!(packages.len(), stdlib::POLICIES.len() - 2);
    let unknown: Vec<_> = diags.iter().filter(|d| d.code == "PM0003").collect();
    assert_eq!(unknown.len(), 2);
    let span = |i: usize| f.ws.sources.slice(unknown[i].primary.span);
    let help = |i: usize| unknown[i].help.as_deref();
    assert_eq!(span(0), "\"pmth.std.budgt\"");
    assert_eq!(help(0), Some("did you mean `pmth.std.budget`?"));
    assert_eq!(span(1), "\"endpoint\"");
    assert_eq!(help(1), Some("did you mean `endpoints`?"));
    assert!(diags
        .iter()
        .all(|d| !d.message.contains("pmth.std.budget`)")));
}

#[test]
fn output_does_not_depend_on_policy_order() {
    let a = stdlib_fixture(WITH_STDLIB);
    let mut b = stdlib_fixture(WITH_STDLIB);
    b.ws.policy_files.reverse();
    let (ra, da) = run(&a);
    let (rb, db) = run(&b);
    assert_eq!(render(&da, &a.ws.sources), render(&db, &b.ws.sources));
    assert_eq!(ra.policies, rb.policies);
    assert_eq!(ra.warnings, rb.warnings);
}

#[test]
fn every_stdlib_test_passes() {
    let f = fixture(&[("pmth.toml", NO_STDLIB)], json!({}));
    let report = policy_test(&f.ws);
    let failures: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.outcome != TestOutcome::Pass)
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(report.diagnostics.is_empty());
    let packages: std::collections::BTreeSet<&str> =
        report.results.iter().map(|r| r.package.as_str()).collect();
    assert_eq!(
        packages.len(),
        stdlib::POLICIES.len() + 1,
        "every stdlib policy has tests, and pmth.runtime its suite"
    );
    assert!(packages.contains("pmth.runtime_test"));
}

#[test]
fn policy_test_reports_workspace_tests() {
    let mine = r#"package pmth.mine

import rego.v1

deny contains "x" if { data.pmth.registry.agents.a }

test_denies_a if { deny == {"x"} with data.pmth.registry.agents as {"a": {}} }
test_fails if { deny == {"x"} }
test_errors if { 1 / 0 == 1 }
helper(x) := x
"#;
    let f = fixture(
        &[
            ("pmth.toml", NO_STDLIB),
            ("policies/mine.rego", mine),
            ("policies/broken.rego", "package pmth.b\nx := \n"),
        ],
        json!({}),
    );
    let report = policy_test(&f.ws);
    let mine: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.package == "pmth.mine")
        .collect();
    assert_eq!(mine.len(), 3);
    let outcome = |n: &str| mine.iter().find(|r| r.name == n).map(|r| r.outcome.clone());
    assert_eq!(outcome("test_denies_a"), Some(TestOutcome::Pass));
    assert_eq!(outcome("test_fails"), Some(TestOutcome::Fail));
    assert!(matches!(
        outcome("test_errors"),
        Some(TestOutcome::Error(_))
    ));
    assert_eq!(report.failed(), 1);
    assert_eq!(report.errors(), 1);
    assert!(!report.ok());
    assert_eq!(report.diagnostics.len(), 1, "broken.rego does not parse");
}

#[test]
fn runtime_rules_are_loaded_and_listed_but_never_evaluated_at_build_time() {
    let ext = "package pmth.runtime.ext.acme\n\nimport rego.v1\n\ndeny contains \"no refunds on fridays\" if { true }\n";
    let reserved =
        "package pmth.runtime.mine\n\nimport rego.v1\n\ndeny contains \"x\" if { true }\n";
    let f = fixture(
        &[
            ("pmth.toml", NO_STDLIB),
            ("policies/ext.rego", ext),
            ("policies/reserved.rego", reserved),
        ],
        json!({}),
    );
    let (report, diags) = run(&f);
    let found = keys(&diags, &f.ws.sources);
    assert!(
        !found.iter().any(|k| k.1 == "PM0701"),
        "a runtime rule denied the build: {found:?}"
    );
    assert!(
        found.contains(&entry("error", "PM0703", "policies/reserved.rego", 1)),
        "{found:?}"
    );
    let listed: Vec<_> = report
        .policies
        .iter()
        .filter_map(|p| p.get("package")?.as_str())
        .collect();
    assert_eq!(
        listed,
        vec!["pmth.runtime.ext.acme"],
        "shipped with the bundle"
    );
}
