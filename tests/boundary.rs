//! The workspace is a boundary (LANGUAGE.md §1), tested as an untrusted pull
//! request would try it: nothing outside the root is read, echoed in any output
//! or packed into a bundle, and no policy or template chain can exhaust the
//! machine (docs/ci.md). Every test runs the binary as a subprocess.

#![cfg(unix)]

mod common;

use common::*;
use pmth_bench::lsp::{frame, read_message};
use serde_json::{json, Value};
use std::io::{BufReader, Read, Write};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What an outside file holds: it must never appear in any output.
const MARKER: &str = "TOPSECRET-c0ffee-MARKER";

const TOOL: &[u8] = b"tool t {\n  description = \"d\"\n  risk = low\n}\n";

/// A folder beside the workspace holding a "secret" `.pmth`-looking file and a
/// Rego policy that would deny with the marker if it were ever loaded.
fn outside(name: &str) -> PathBuf {
    let dir = scratch(&format!("{name}-outside"));
    std::fs::write(
        dir.join("secret.txt"),
        format!("{MARKER} = line one of a credentials file\n"),
    )
    .expect("write");
    std::fs::write(
        dir.join("leak.rego"),
        format!("package pmth.leak\nimport rego.v1\ndeny contains \"{MARKER}\" if true\n"),
    )
    .expect("write");
    dir
}

fn all_output(o: &std::process::Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

fn manifest_with_policies(entries: &[&str]) -> Vec<u8> {
    let list: Vec<String> = entries.iter().map(|e| format!("{e:?}")).collect();
    format!(
        "[package]\nname = \"case\"\nversion = \"0.1.0\"\n\n[governance]\nstdlib = false\npolicies = [{}]\n",
        list.join(", ")
    )
    .into_bytes()
}

#[test]
fn a_symlink_leaving_the_workspace_is_never_read_nor_echoed() {
    let out = outside("leak");
    let ws = workspace("leak", &[("pmth.toml", MANIFEST), ("a.pmth", TOOL)]);
    symlink(out.join("secret.txt"), ws.join("creds.pmth")).expect("symlink");

    for format in ["human", "json", "sarif", "github"] {
        let o = pmth(&["check", "--format", format, "."], &ws);
        let text = all_output(&o);
        assert_eq!(code(&o), 1, "{format}: {text}");
        assert!(!text.contains(MARKER), "{format} echoes the target: {text}");
        assert!(text.contains("PM0003"), "{format}: {text}");
    }
    let (_, doc) = check_json(&ws);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "PM0003");
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("creds.pmth") && m.contains("leaves the workspace")),
        "{d}"
    );
    let o = pmth(&["build", "--opa", "."], &ws);
    assert_eq!(code(&o), 1);
    assert!(!all_output(&o).contains(MARKER));
    assert!(!ws.join("dist").exists(), "nothing is built");

    let published = lsp_diagnostics(&ws, "a.pmth");
    assert!(!published.contains(MARKER), "{published}");
    assert!(
        published.contains("creds.pmth") && published.contains("PM0003"),
        "{published}"
    );
}

#[test]
fn a_symlinked_manifest_or_lock_leaving_the_workspace_is_not_read() {
    let out = outside("leakmanifest");
    let ws = workspace("leakmanifest", &[("a.pmth", TOOL)]);
    symlink(out.join("secret.txt"), ws.join("pmth.toml")).expect("symlink");
    let o = pmth(&["check", "."], &ws);
    assert_eq!(code(&o), 1, "{}", all_output(&o));
    assert!(!all_output(&o).contains(MARKER), "{}", all_output(&o));

    let ws = workspace("leaklock", &[("pmth.toml", MANIFEST), ("a.pmth", TOOL)]);
    symlink(out.join("secret.txt"), ws.join("pmth.lock")).expect("symlink");
    let o = pmth(&["build", "--locked", "."], &ws);
    assert_ne!(code(&o), 0);
    assert!(!all_output(&o).contains(MARKER), "{}", all_output(&o));
}

#[test]
fn a_dangling_symlink_is_reported() {
    let ws = workspace("dangling", &[("pmth.toml", MANIFEST), ("a.pmth", TOOL)]);
    symlink(ws.join("gone.pmth.orig"), ws.join("gone.pmth")).expect("symlink");
    let (exit, doc) = check_json(&ws);
    assert_eq!(exit, 1);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "PM0003", "{doc}");
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("gone.pmth") && m.contains("points nowhere")),
        "{d}"
    );
}

#[test]
fn a_symlink_staying_inside_keeps_working() {
    let ws = workspace(
        "inside",
        &[
            ("pmth.toml", &manifest_with_policies(&["rules"])[..]),
            ("store/tool.txt", TOOL),
            (
                "store/p.rego.txt",
                b"package pmth.p\nimport rego.v1\nwarn contains \"linked policy ran\" if true\n",
            ),
        ],
    );
    symlink(ws.join("store/tool.txt"), ws.join("b.pmth")).expect("symlink");
    std::fs::create_dir_all(ws.join("rules")).expect("mkdir");
    symlink(ws.join("store/p.rego.txt"), ws.join("rules/p.rego")).expect("symlink");
    let o = pmth(&["check", "--format", "json", "."], &ws);
    let doc: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(code(&o), 0, "{doc}");
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["PM0702"], "{doc}");
    assert_eq!(doc["diagnostics"][0]["file"], "pmth.toml", "{doc}");
}

#[test]
fn policy_paths_leaving_the_workspace_are_refused() {
    let out = outside("policies");
    let abs = out.display().to_string();
    let rel = format!(
        "../{}",
        out.file_name().and_then(|n| n.to_str()).unwrap_or_default()
    );
    for entries in [vec![abs.as_str()], vec![rel.as_str()], vec!["linked"]] {
        let ws = workspace(
            "policies",
            &[
                ("pmth.toml", &manifest_with_policies(&entries)[..]),
                ("a.pmth", TOOL),
            ],
        );
        symlink(&out, ws.join("linked")).expect("symlink");
        let o = pmth(&["check", "--format", "json", "."], &ws);
        assert!(!all_output(&o).contains(MARKER), "{}", all_output(&o));
        let doc: Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(code(&o), 1, "{doc}");
        let d = &doc["diagnostics"][0];
        assert_eq!(d["code"], "PM0003", "{doc}");
        assert_eq!(d["file"], "pmth.toml", "{doc}");
        assert!(
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("leaves the workspace")),
            "{d}"
        );
        assert_eq!(
            doc["diagnostics"].as_array().map(Vec::len),
            Some(1),
            "{doc}"
        );
    }
}

#[test]
fn a_bundle_with_a_climbing_tar_entry_fails_verify() {
    let ws = workspace(
        "zipslip",
        &[
            ("pmth.toml", &manifest_with_policies(&["policies"])[..]),
            ("a.pmth", TOOL),
            (
                "policies/p.rego",
                b"package pmth.p\nimport rego.v1\ndeny contains \"no\" if false\n",
            ),
        ],
    );
    let o = pmth(&["build", "--opa", "."], &ws);
    assert_eq!(code(&o), 0, "{}", all_output(&o));
    let dist = ws.join("dist");
    assert_eq!(code(&pmth(&["verify", "--allow-unsigned", "dist"], &ws)), 0);

    let gz = std::fs::read(dist.join("bundle.tar.gz")).expect("bundle");
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut raw)
        .expect("gunzip");
    let mut entries = pmth_compiler::emit::tar::read(&raw).expect("tar");
    let policy = entries
        .iter_mut()
        .find(|e| e.name.ends_with("p.rego"))
        .expect("policy entry");
    policy.name = "/pmth/workspace/../secretdir/leak.rego".into();
    let tar = pmth_compiler::emit::tar::write(&entries);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&tar).expect("gzip");
    std::fs::write(dist.join("bundle.tar.gz"), enc.finish().expect("gzip")).expect("write");

    let o = pmth(
        &["verify", "--allow-unsigned", "--format", "json", "dist"],
        &ws,
    );
    let text = all_output(&o);
    assert_eq!(code(&o), 1, "{text}");
    assert!(text.contains("PM0901"), "{text}");
    assert!(text.contains("climbs out of its root"), "{text}");
}

/// `pmth ARGS` in `cwd` under `ulimit -v` of 2 GB, with `env`.
fn bounded(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> (i32, String, Duration) {
    let script = format!("ulimit -v 2000000; exec \"{PMTH}\" \"$@\"");
    let start = Instant::now();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .arg("sh")
        .args(args)
        .current_dir(cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("run sh");
    (code(&o), all_output(&o), start.elapsed())
}

fn policy_workspace(name: &str, rego: &str) -> PathBuf {
    workspace(
        name,
        &[
            ("pmth.toml", &manifest_with_policies(&["policies"])[..]),
            ("a.pmth", TOOL),
            ("policies/hog.rego", rego.as_bytes()),
        ],
    )
}

fn assert_bounded(name: &str, rego: &str, bound: &str, env: &[(&str, &str)]) {
    let ws = policy_workspace(name, rego);
    let (exit, text, took) = bounded(&["check", "--format", "json", "."], &ws, env);
    assert_eq!(exit, 1, "{name}: {text}");
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}: {text}"));
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "PM0703", "{name}: {doc}");
    assert_eq!(d["file"], "policies/hog.rego", "{name}: {doc}");
    let message = d["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("pmth.hog") && message.contains(bound),
        "{name}: {message}"
    );
    assert!(took < Duration::from_secs(30), "{name} took {took:?}");
    assert!(
        !text.contains("panicked") && !text.contains("backtrace"),
        "{text}"
    );
}

#[test]
fn a_policy_exhausting_memory_in_one_builtin_call_is_pm0703() {
    assert_bounded(
        "range",
        "package pmth.hog\nimport rego.v1\n\nn := count(numbers.range(1, 300000000))\n\ndeny contains \"big\" if n > 1\n",
        "memory bound",
        &[],
    );
}

#[test]
fn a_policy_building_a_huge_string_is_pm0703() {
    let mut rego = String::from("package pmth.hog\nimport rego.v1\n\ns0 := \"0123456789abcdef\"\n");
    for i in 1..=40 {
        rego.push_str(&format!("s{i} := concat(\"\", [s{}, s{}])\n", i - 1, i - 1));
    }
    rego.push_str("\ndeny contains \"long\" if count(s40) > 1\n");
    assert_bounded("string", &rego, "memory bound", &[]);
}

#[test]
fn a_policy_serialising_a_huge_object_is_pm0703() {
    // A 16 MB string (cheap: shared), in an object of 1,024 shared copies.
    let mut rego = String::from("package pmth.hog\nimport rego.v1\n\ns0 := \"0123456789abcdef\"\n");
    for i in 1..=20 {
        rego.push_str(&format!("s{i} := concat(\"\", [s{}, s{}])\n", i - 1, i - 1));
    }
    rego.push_str("o0 := {\"k\": s20}\n");
    for i in 1..=10 {
        rego.push_str(&format!(
            "o{i} := {{\"a\": o{}, \"b\": o{}}}\n",
            i - 1,
            i - 1
        ));
    }
    rego.push_str("\ndeny contains \"big\" if count(json.marshal(o10)) > 1\n");
    // Serialising is slow in a debug build: whichever bound comes first.
    assert_bounded(
        "object",
        &rego,
        "bound of",
        &[("PMTH_POLICY_TIME_LIMIT", "3")],
    );
}

#[test]
fn a_builtin_call_running_past_the_time_bound_is_pm0703() {
    // About a gigabyte, well within the memory bound, but seconds of work in
    // one call: regorus' own timer cannot stop it; the sandbox does.
    assert_bounded(
        "slow",
        "package pmth.hog\nimport rego.v1\n\nn := sum(numbers.range(1, 40000000))\n\ndeny contains \"slow\" if n > 1\n",
        "time bound of 1 s",
        &[("PMTH_POLICY_TIME_LIMIT", "1"), ("PMTH_POLICY_MEMORY_LIMIT", "1900")],
    );
}

#[test]
fn a_20000_level_template_chain_is_a_quick_diagnostic() {
    let mut src =
        String::from("template t0 for tool {\n  param p0: string = \"a\"\n  description = \"d ${p0}\"\n  risk = low\n}\n");
    for i in 1..20_000 {
        src.push_str(&format!(
            "template t{i} for tool extends template.t{} {{\n  param p{i}: string = \"a\"\n}}\n",
            i - 1
        ));
    }
    src.push_str("tool x = template.t19999()\n");
    let ws = workspace(
        "deepchain",
        &[("pmth.toml", MANIFEST), ("chain.pmth", src.as_bytes())],
    );
    let (exit, text, took) = bounded(&["check", "--format", "json", "."], &ws, &[]);
    assert_eq!(exit, 1, "{text}");
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["PM0108"], "{doc}");
    // A debug build on a busy machine: a generous bound.
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

/// Runs `pmth lsp` on the workspace `root`, opens `open` (a file of it) and
/// returns every `publishDiagnostics` it sent, as text.
fn lsp_diagnostics(root: &Path, open: &str) -> String {
    let mut child = Command::new(PMTH)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pmth lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        let mut all = Vec::new();
        while let Some(m) = read_message(&mut r) {
            let _ = tx.send(m.clone());
            all.push(m);
        }
        all
    });
    let uri = format!("file://{}/{open}", root.display());
    let text = std::fs::read_to_string(root.join(open)).expect("read");
    for m in [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": format!("file://{}", root.display())}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "pmth", "version": 1, "text": text}}}),
    ] {
        stdin.write_all(&frame(&m)).expect("write");
    }
    let _ = stdin.flush();
    let deadline = Instant::now() + Duration::from_secs(60);
    while let Ok(m) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        if m["method"] == "textDocument/publishDiagnostics" && m.to_string().contains("PM0003") {
            break;
        }
    }
    for m in [
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
        json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    ] {
        let _ = stdin.write_all(&frame(&m));
    }
    drop(stdin);
    let _ = child.wait();
    let all = reader.join().unwrap_or_default();
    all.iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
