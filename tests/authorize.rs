//! End-to-end tests of `pmth authorize` on the example fleet's bundle: one
//! request and JSON Lines, exit codes, bad input (not JSON, missing fields,
//! huge params, deep JSON) answered with a decision, and a bundle that fails
//! verification refused.

mod common;

use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The example fleet built with `--opa` (and signed when `sign`), in a
/// scratch folder: (workspace, dist).
fn bundle(name: &str, sign: bool) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/support-fleet"),
        &dir,
    );
    let mut args = vec!["build", "--opa"];
    if sign {
        let o = pmth(&["keygen", "key.pem"], &dir);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        args.extend(["--sign", "key.pem"]);
    }
    let o = pmth(&args, &dir);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let dist = dir.join("dist");
    (dir, dist)
}

/// `pmth authorize ARGS` with `input` on stdin.
fn authorize(args: &[&str], cwd: &Path, input: &[u8]) -> Output {
    let mut child = Command::new(PMTH)
        .arg("authorize")
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pmth");
    let mut stdin = child.stdin.take().expect("stdin");
    let bytes = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    out
}

fn decisions(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

const REFUND: &str = r#"{"action": "tool.call", "agent": "billing", "tool": "refund_issue", "params": {"order_id": "O-12345678", "amount_usd": 20, "reason": "late"}}"#;

#[test]
fn one_request_is_decided_and_all_allowed_exits_0() {
    let (dir, _) = bundle("authorize-one", true);
    let o = authorize(
        &["dist", "--key", "key.pem.pub"],
        &dir,
        format!("{REFUND}\n").as_bytes(),
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let d = decisions(&o);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["allow"], true);
    assert_eq!(d[0]["reasons"], serde_json::json!([]));
    assert_eq!(d[0]["obligations"]["service"]["id"], "billing_api@2.0.0");
    assert_eq!(d[0]["obligations"]["tool_limits"]["timeout"], 20000);
    // The same request written over several lines is still one request.
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(REFUND).unwrap())
            .unwrap();
    let o = authorize(&["dist", "--key", "key.pem.pub"], &dir, pretty.as_bytes());
    assert_eq!(decisions(&o).len(), 1);
    assert_eq!(code(&o), 0);
}

#[test]
fn json_lines_get_one_decision_each_and_bad_lines_a_reason() {
    let (dir, _) = bundle("authorize-lines", false);
    let huge = format!(
        r#"{{"action": "tool.call", "agent": "billing", "tool": "kb_search", "params": {{"query": "{}"}}}}"#,
        "x".repeat(2_000_000)
    );
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_params = format!(
        r#"{{"action": "tool.call", "agent": "billing", "tool": "kb_search", "params": {{"query": {}"ab"{}}}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    let input = [
        REFUND,
        "this is not json",
        r#"{"action": "tool.call", "agent": "billing"}"#,
        &huge,
        &deep,
        &deep_params,
        r#"{"action": "agent.delegate", "agent": "billing", "to": "nobody"}"#,
    ]
    .join("\n");
    let o = authorize(
        &["dist", "--allow-unsigned", "--input", "-"],
        &dir,
        input.as_bytes(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let d = decisions(&o);
    let reasons: Vec<_> = d.iter().map(|d| d["reasons"].clone()).collect();
    assert_eq!(d.len(), 7, "{reasons:?}");
    assert_eq!(d[0]["allow"], true);
    assert!(reasons[1][0]
        .as_str()
        .unwrap()
        .starts_with("the request is not valid JSON"));
    assert_eq!(
        reasons[2],
        serde_json::json!([
            "request field params is missing",
            "request field tool is missing"
        ])
    );
    assert_eq!(
        reasons[3],
        serde_json::json!(["params.query: must be at most 300 characters long"])
    );
    assert!(
        reasons[4][0].as_str().unwrap().contains("recursion limit"),
        "{:?}",
        reasons[4]
    );
    assert_eq!(
        reasons[5],
        serde_json::json!(["params.query: expected string, got array"])
    );
    assert_eq!(reasons[6], serde_json::json!(["unknown agent nobody"]));
    assert!(d.iter().skip(1).all(|d| d["allow"] == false));
}

#[test]
fn an_input_file_is_read() {
    let (dir, _) = bundle("authorize-file", false);
    std::fs::write(dir.join("req.json"), REFUND).expect("write");
    let o = pmth(
        &[
            "authorize",
            "dist",
            "--allow-unsigned",
            "--input",
            "req.json",
        ],
        &dir,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = pmth(
        &[
            "authorize",
            "dist",
            "--allow-unsigned",
            "--input",
            "missing.json",
        ],
        &dir,
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn a_bundle_that_fails_verification_is_refused() {
    let (dir, dist) = bundle("authorize-tampered", true);
    // No trust flag: refused before anything is read.
    let o = authorize(&["dist"], &dir, REFUND.as_bytes());
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--allow-unsigned"), "{}", stderr(&o));
    // The wrong key.
    let o = pmth(&["keygen", "other.pem"], &dir);
    assert_eq!(code(&o), 0);
    let o = authorize(&["dist", "--key", "other.pem.pub"], &dir, REFUND.as_bytes());
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("failed verification"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    // One changed byte.
    let reg = dist.join("registry.json");
    let mut bytes = std::fs::read(&reg).expect("read");
    if let Some(b) = bytes.iter_mut().find(|b| **b == b'5') {
        *b = b'6';
    }
    std::fs::write(&reg, bytes).expect("write");
    let o = authorize(&["dist", "--allow-unsigned"], &dir, REFUND.as_bytes());
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("registry.json"), "{}", stderr(&o));
    let o = authorize(&["nowhere", "--allow-unsigned"], &dir, REFUND.as_bytes());
    assert_eq!(code(&o), 2);
}
