//! `pmth lsp` as a subprocess, fed what a confused or hostile client might send:
//! positions far past the end, a document of 10k nested braces, requests with
//! broken params, and finally garbage instead of JSON-RPC. It must answer what
//! it can and never panic or die by a signal.

use pmth_bench::lsp::{frame, read_message};
use serde_json::{json, Value};
use std::io::{BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PMTH: &str = env!("CARGO_BIN_EXE_pmth");

#[test]
fn hostile_client() {
    let dir = std::env::temp_dir().join(format!("pmth-lsp-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("pmth.toml"),
        "[package]\nname = \"h\"\nversion = \"1.0.0\"\n",
    )
    .expect("write");
    let file = format!("file://{}/deep.pmth", dir.display());

    let mut child = Command::new(PMTH)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pmth lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        let mut ids = Vec::new();
        while let Some(m) = read_message(&mut r) {
            if let Some(id) = m.get("id").and_then(Value::as_i64) {
                ids.push(id);
            }
        }
        ids
    });

    let deep = format!("agent a {}\n", "{".repeat(10_000));
    let mut msgs = vec![
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": format!("file://{}", dir.display())}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": file, "languageId": "pmth", "version": 1, "text": deep}}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": file, "version": 2}, "contentChanges": [{"range": {"start": {"line": 999999, "character": 5}, "end": {"line": 0, "character": 4294967295u32}}, "text": "é😀"}]}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"nonsense": true}}),
    ];
    let mut id = 10;
    let methods = [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/definition",
        "textDocument/documentSymbol",
        "textDocument/references",
        "textDocument/prepareRename",
        "textDocument/rename",
        "textDocument/codeAction",
        "textDocument/inlayHint",
        "workspace/symbol",
    ];
    for (line, character) in [
        (1_000_000u32, 1_000_000u32),
        (u32::MAX, u32::MAX),
        (0, 9),
        (0, u32::MAX),
    ] {
        for m in methods {
            id += 1;
            msgs.push(json!({"jsonrpc": "2.0", "id": id, "method": m, "params": {
                "textDocument": {"uri": file}, "position": {"line": line, "character": character},
                "range": {"start": {"line": line, "character": character}, "end": {"line": 0, "character": 0}},
                "newName": "x", "query": "", "context": {"includeDeclaration": true, "diagnostics": []}}}));
        }
    }
    msgs.push(
        json!({"jsonrpc": "2.0", "id": 100, "method": "textDocument/hover", "params": {"bad": 1}}),
    );
    msgs.push(json!({"jsonrpc": "2.0", "id": 101, "method": "no/such/method", "params": null}));
    for m in &msgs {
        stdin.write_all(&frame(m)).expect("write");
    }
    // Garbage: a frame whose body is not JSON, then bytes that are not a frame.
    let _ = stdin.write_all(b"Content-Length: 5\r\n\r\n{{{{{");
    let _ = stdin.write_all(b"\x00\xff garbage \r\n\r\n");
    drop(stdin);

    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "pmth lsp did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    let ids = reader.join().expect("reader");
    let _ = std::fs::remove_dir_all(&dir);

    assert!(!stderr.contains("panicked"), "{stderr}");
    // An exit code, not a signal: 2, the connection broke (the garbage).
    assert_eq!(status.code(), Some(2), "{stderr}");
    // Every request before the garbage was answered.
    let mut want: Vec<i64> = vec![1];
    want.extend(11..=id);
    want.extend([100, 101]);
    let mut got = ids;
    got.sort_unstable();
    assert_eq!(got, want);
}

/// `textDocument/formatting`: one edit replacing the whole document with what
/// `pmth fmt` writes; nothing for a document with a syntax error.
#[test]
fn formatting_returns_the_formatted_document() {
    let dir = std::env::temp_dir().join(format!("pmth-lsp-fmt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("pmth.toml"),
        "[package]\nname = \"f\"\nversion = \"1.0.0\"\n",
    )
    .expect("write");
    let messy = "model m { provider = \"openai\"  description = \"m\" } // kept\n";
    let broken = "model m { provider = = }\n";
    let uri = |name: &str| format!("file://{}/{name}", dir.display());

    let mut child = Command::new(PMTH)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn pmth lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let open = |name: &str, text: &str| {
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
            {"uri": uri(name), "languageId": "pmth", "version": 1, "text": text}}})
    };
    let format = |id: i64, name: &str| {
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/formatting", "params": {
            "textDocument": {"uri": uri(name)}, "options": {"tabSize": 2, "insertSpaces": true}}})
    };
    let msgs = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": format!("file://{}", dir.display())}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        open("a.pmth", messy),
        open("b.pmth", broken),
        format(2, "a.pmth"),
        format(3, "b.pmth"),
        json!({"jsonrpc": "2.0", "id": 4, "method": "shutdown", "params": null}),
        json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    ];
    for m in &msgs {
        stdin.write_all(&frame(m)).expect("write");
    }
    drop(stdin);
    let mut responses = std::collections::HashMap::new();
    while let Some(m) = read_message(&mut out) {
        if let Some(id) = m.get("id").and_then(Value::as_i64) {
            responses.insert(id, m);
        }
    }
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);

    let init = &responses[&1]["result"]["capabilities"];
    assert_eq!(init["documentFormattingProvider"], json!(true), "{init}");
    let edits = responses[&2]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(edits.len(), 1, "{:?}", responses[&2]);
    let want = pmth_compiler::fmt::format_source(messy).expect("formats");
    assert_eq!(edits[0]["newText"], json!(want));
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    assert_eq!(edits[0]["range"]["end"], json!({"line": 1, "character": 0}));
    assert!(want.contains("} // kept"), "{want}");
    assert_eq!(responses[&3]["result"], Value::Null, "{:?}", responses[&3]);
}
