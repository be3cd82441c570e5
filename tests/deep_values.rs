//! Nested values parse in linear time on the pest path (the one syntax errors go
//! through). The grammar used to try a value, then read it again as the first
//! operand of an expression when an operator followed it or when it failed: each
//! nesting level doubled the work, and a small file at depth 22 took seconds (the
//! pre-scan allows 64 levels). Each shape runs at depth 40 in a subprocess, which
//! must finish well within the bound, with a PM0001 and without a panic.

mod common;

use common::{pmth_within, scratch, MANIFEST};
use std::path::Path;
use std::time::Duration;

const DEPTH: usize = 40;
/// Milliseconds are expected; the bound only has to tell linear from exponential.
const LIMIT: Duration = Duration::from_secs(10);

/// `open` × depth, `inner`, `close` × depth, as the value of `x` in a tool whose
/// declaration also holds a syntax error (so the fast path hands it to pest).
fn nested(open: &str, inner: &str, close: &str) -> String {
    format!(
        "tool t {{\n  description = \"x\"\n  x = {}{inner}{}\n  y = !!\n}}\n",
        open.repeat(DEPTH),
        close.repeat(DEPTH)
    )
}

fn shapes() -> Vec<(&'static str, String)> {
    vec![
        // Each block is followed by an operator: re-read as an operand.
        ("operator after each block", nested("{a = ", "1", "} == 1")),
        // Each block fails deep inside: re-read after failing.
        (
            "failing blocks",
            format!(
                "tool u {{\n  description = \"x\"\n  x = {}1 !!{}\n}}\n",
                "{a = ".repeat(DEPTH),
                "}".repeat(DEPTH)
            ),
        ),
        ("failing lists", nested("[", "1 !!", "]")),
        ("operator after each list", nested("[", "1", "] == 1")),
        ("failing tagged blocks", nested("t {a = ", "1 !!", "}")),
        ("nots", nested("!(", "1 !!", ")")),
        ("parentheses", nested("(", "1 !!", ")")),
        ("failing arguments", {
            let mut s = String::from("agent a = template.t(a = ");
            s.push_str(&"[".repeat(DEPTH));
            s.push_str("1 !!");
            s.push_str(&"]".repeat(DEPTH));
            s.push_str(")\n");
            s
        }),
        (
            // `x: object { … }` whose block fails was read again as a constraint block.
            "failing object types",
            format!(
                "tool t {{\n  description = \"x\"\n  params {{\n    x: {}string !!{}\n  }}\n}}\n",
                "object { a: ".repeat(DEPTH),
                " }".repeat(DEPTH)
            ),
        ),
        (
            "failing defaults",
            format!(
                "template t for tool {{\n  param p: string = {}1 !!{}\n  params {{ q: string = {}1 !!{} }}\n}}\n",
                "{a = ".repeat(DEPTH),
                "}".repeat(DEPTH),
                "[".repeat(DEPTH),
                "]".repeat(DEPTH)
            ),
        ),
    ]
}

#[test]
fn deeply_nested_values_parse_in_linear_time() {
    let mut failures = Vec::new();
    for (name, text) in shapes() {
        let dir = scratch("deep-values");
        let written = std::fs::write(dir.join("pmth.toml"), MANIFEST)
            .and_then(|()| std::fs::write(dir.join("main.pmth"), &text));
        if let Err(e) = written {
            failures.push(format!("{name}: write: {e}"));
            continue;
        }
        match run(&dir) {
            Ok(out) if out.contains("PM0001") => {}
            Ok(out) => failures.push(format!("{name}: no PM0001 in:\n{out}")),
            Err(why) => failures.push(format!("{name}: {why}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs `pmth check --format json .` with the time limit; its stdout when it
/// exits with 1.
fn run(ws: &Path) -> Result<String, String> {
    let (status, out, err) = pmth_within(&["check", "--format", "json", "."], ws, LIMIT)?;
    let out = String::from_utf8_lossy(&out).into_owned();
    let err = String::from_utf8_lossy(&err);
    match status.code() {
        Some(1) => Ok(out),
        code => Err(format!("exit {code:?} (want 1):\n{out}{err}")),
    }
}
