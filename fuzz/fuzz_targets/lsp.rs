//! The language server fed a sequence of edits and requests decoded from the
//! input: it answers every request (a result or an error), never panics, and
//! stops on `shutdown` + `exit`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pmth-fuzz-lsp-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("pmth.toml"), "[package]\nname = \"f\"\nversion = \"1.0.0\"\n\n[governance]\nstdlib = false\n");
        let _ = std::fs::write(dir.join("a.pmth"), "model m { description = \"M\" provider = \"openai\" }\n");
        dir
    })
}

const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentSymbol",
];

fuzz_target!(|data: &[u8]| {
    let root = root();
    let uri = format!("file://{}/a.pmth", root.display());
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || pmth_lsp::run(&server).map_err(|e| e.to_string()));
    let send = |m: Message| {
        let _ = client.sender.send(m);
    };
    let mut id = 0;
    let mut request = |method: &str, params: Value| {
        id += 1;
        send(Message::Request(Request::new(RequestId::from(id), method.into(), params)));
        id
    };
    let init = request("initialize", json!({"capabilities": {}, "rootUri": format!("file://{}", root.display())}));
    send(Message::Notification(Notification::new("initialized".into(), json!({}))));
    let mut pending = vec![init];
    let mut version = 1;
    // Each chunk of the input is one step: its first byte picks what, the rest
    // is text or a position.
    for chunk in data.split(|b| *b == 0xff).take(32) {
        let Some((&op, rest)) = chunk.split_first() else {
            continue;
        };
        let text = String::from_utf8_lossy(rest).into_owned();
        let pos = json!({"line": rest.first().copied().unwrap_or(0) % 8, "character": rest.get(1).copied().unwrap_or(0)});
        match op % 8 {
            0 => send(Message::Notification(Notification::new(
                "textDocument/didOpen".into(),
                json!({"textDocument": {"uri": uri, "languageId": "pmth", "version": version, "text": text}}),
            ))),
            1 | 2 => {
                version += 1;
                send(Message::Notification(Notification::new(
                    "textDocument/didChange".into(),
                    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
                )));
            }
            3 => send(Message::Notification(Notification::new(
                "textDocument/didClose".into(),
                json!({"textDocument": {"uri": uri}}),
            ))),
            n => {
                let method = METHODS[usize::from(n) % METHODS.len()];
                let params = json!({"textDocument": {"uri": uri}, "position": pos, "context": {"includeDeclaration": true}});
                pending.push(request(method, params));
            }
        }
    }
    let shutdown = request("shutdown", Value::Null);
    pending.push(shutdown);
    // Every request is answered before the server shuts down.
    while !pending.is_empty() {
        match client.receiver.recv_timeout(Duration::from_secs(20)) {
            Ok(Message::Response(r)) => pending.retain(|p| RequestId::from(*p) != r.id),
            Ok(_) => {}
            Err(_) => panic!("the server stopped answering; waiting for {pending:?}"),
        }
    }
    send(Message::Notification(Notification::new("exit".into(), Value::Null)));
    drop(client);
    let result = handle.join();
    assert!(matches!(result, Ok(Ok(()))), "the server did not stop cleanly: {result:?}");
});
