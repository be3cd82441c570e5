//! End-to-end tests of `pmth query` and `pmth graph` on the support-fleet
//! example, from its workspace and from its bundle; Graphviz's own `dot`
//! judges the DOT output (`.ci/run` installs graphviz).

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The example copied to a scratch folder and built: (workspace, bundle).
fn fleet(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let ws = dir.join("ws");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/support-fleet"),
        &ws,
    );
    let dist = dir.join("dist");
    let o = pmth(&["build", ".", "-o", dist.to_str().unwrap()], &ws);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    (ws, dist)
}

#[test]
fn query_finds_by_each_term_from_a_bundle_and_a_workspace() {
    let (ws, dist) = fleet("query");
    let o = pmth(
        &["query", "dist", "kind:agent uses:tool.refund_issue"],
        dist.parent().unwrap(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("agent  billing@1.2.0  agents/billing.pmth:2"),
        "{out}"
    );
    assert!(out.ends_with("1 declaration\n"), "{out}");

    for expr in [
        "kind:tool risk:>=high",
        "capability:support.answer",
        "status:active kind:workflow",
        "label:team=payments-team",
        "usedby:agent.billing",
        "name:*desk*",
        "",
    ] {
        let from_bundle = pmth(
            &["query", dist.to_str().unwrap(), expr, "--format", "json"],
            &ws,
        );
        let from_ws = pmth(&["query", ".", expr, "--format", "json"], &ws);
        assert_eq!(code(&from_bundle), 0, "{expr}: {}", stderr(&from_bundle));
        assert_eq!(stdout(&from_bundle), stdout(&from_ws), "{expr}");
        let doc: serde_json::Value = serde_json::from_slice(&from_bundle.stdout).unwrap();
        let n = doc["count"].as_u64().unwrap();
        assert_eq!(doc["results"].as_array().unwrap().len() as u64, n);
        assert!(n > 0, "{expr} found nothing");
        for r in doc["results"].as_array().unwrap() {
            assert!(r["file"].is_string() && r["line"].is_u64(), "{expr}: {r}");
        }
    }
    let risky = pmth(
        &[
            "query",
            dist.to_str().unwrap(),
            "kind:tool risk:>=high",
            "--format",
            "json",
        ],
        &ws,
    );
    let doc: serde_json::Value = serde_json::from_slice(&risky.stdout).unwrap();
    for r in doc["results"].as_array().unwrap() {
        assert_eq!(r["kind"], "tool");
    }
}

#[test]
fn query_refuses_bad_expressions_and_tampered_bundles() {
    let (ws, dist) = fleet("query-bad");
    let d = dist.to_str().unwrap();
    for (expr, message, help) in [
        (
            "kind:agnet",
            "error: unknown kind `agnet`",
            "did you mean `agent`?",
        ),
        ("colour:red", "error: unknown term `colour:`", "terms:"),
        (
            "capability:support.anwser",
            "error: no capability `support.anwser` in this registry",
            "did you mean `support.answer`?",
        ),
        (
            "usedby:agent.nobody",
            "error: no declaration `agent.nobody` in this registry",
            "kind:agent",
        ),
    ] {
        let o = pmth(&["query", d, expr], &ws);
        assert_eq!(code(&o), 2, "{expr}");
        let err = stderr(&o);
        assert!(err.contains(message) && err.contains(help), "{expr}: {err}");
        assert!(stdout(&o).is_empty());
    }
    let reg = dist.join("registry.json");
    let text = std::fs::read_to_string(&reg)
        .unwrap()
        .replace("Billing Desk", "Billing Dusk");
    std::fs::write(&reg, text).unwrap();
    let o = pmth(&["query", d, "kind:agent"], &ws);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let o = pmth(&["query", "nowhere", "kind:agent"], &ws);
    assert_eq!(code(&o), 2);
}

fn dot_accepts(dot_text: &str) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect(
            "Graphviz's `dot` is needed for this test: apt-get install graphviz (.ci/run does)",
        );
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot_text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success() && err.is_empty(),
        "dot refused:\n{err}\n{dot_text}"
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn graph_draws_the_fleet_and_a_workflow_in_every_format() {
    let (ws, dist) = fleet("graph");
    let d = dist.to_str().unwrap();
    let wf = pmth(
        &[
            "graph",
            d,
            "--workflow",
            "resolve_ticket",
            "--format",
            "dot",
        ],
        &ws,
    );
    assert_eq!(code(&wf), 0, "{}", stderr(&wf));
    let text = stdout(&wf);
    assert!(
        text.starts_with("digraph \"workflow resolve_ticket@1.0.0\" {"),
        "{text}"
    );
    assert!(
        text.contains("refund\\nagent billing@1.2.0\\n(approval)") || text.contains("(approval)"),
        "{text}"
    );
    let svg = dot_accepts(&text);
    // Graphviz drew one node per step.
    let steps = text.matches(", shape=box];").count();
    assert_eq!(svg.matches("class=\"node\"").count(), steps);

    let fleet = pmth(&["graph", d, "--format", "dot"], &ws);
    assert_eq!(code(&fleet), 0);
    dot_accepts(&stdout(&fleet));
    assert!(stdout(&fleet).contains("label=\"agent billing@1.2.0\", shape=ellipse"));

    // The same drawing from the workspace (the default path) and the bundle.
    for format in ["mermaid", "dot", "svg"] {
        let a = pmth(&["graph", "--format", format], &ws);
        let b = pmth(&["graph", d, "--format", format], &ws);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(stdout(&a), stdout(&b), "{format}");
    }
    let m = stdout(&pmth(&["graph", "--workflow", "resolve_ticket"], &ws));
    assert!(m.starts_with("flowchart LR\n"), "{m}");
    let svg = stdout(&pmth(&["graph", "--format", "svg"], &ws));
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));

    let o = pmth(&["graph", d, "--workflow", "resolve_tiket"], &ws);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `resolve_ticket`?"),
        "{}",
        stderr(&o)
    );
}
