//! What the end-to-end tests share: an in-process server on an in-memory
//! connection, and a client that answers like an editor.
#![allow(dead_code)] // Each test file uses part of it.

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as n, Notification as _};
use lsp_types::request as r;
use lsp_types::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::thread::JoinHandle;
use std::time::Duration;

pub struct Client {
    pub conn: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
    pub publishes: Vec<PublishDiagnosticsParams>,
}

impl Client {
    pub fn start(root: &Path) -> Client {
        let (server_side, client_side) = Connection::memory();
        let server =
            std::thread::spawn(move || pmth_lsp::run(&server_side).map_err(|e| e.to_string()));
        let mut c = Client {
            conn: client_side,
            server: Some(server),
            next_id: 0,
            publishes: Vec::new(),
        };
        let init = c.request::<r::Initialize>(json!({
            "capabilities": {},
            "rootUri": uri(root),
        }));
        assert!(init.capabilities.hover_provider.is_some());
        assert!(init.capabilities.completion_provider.is_some());
        c.notify::<n::Initialized>(json!({}));
        c
    }

    pub fn recv(&mut self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers")
    }

    pub fn request<R: r::Request>(&mut self, params: serde_json::Value) -> R::Result {
        let resp = self.respond(R::METHOD, params);
        assert!(resp.error.is_none(), "{:?}", resp.error);
        serde_json::from_value(resp.result.unwrap_or_default()).expect("result parses")
    }

    /// The error message of a request that must fail.
    pub fn refused<R: r::Request>(&mut self, params: serde_json::Value) -> String {
        let resp = self.respond(R::METHOD, params);
        match resp.error {
            Some(e) => e.message,
            None => panic!("not refused: {:?}", resp.result),
        }
    }

    fn respond(&mut self, method: &str, params: serde_json::Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let req = Request::new(id.clone(), method.to_owned(), params);
        self.conn.sender.send(Message::Request(req)).expect("send");
        loop {
            match self.recv() {
                Message::Response(resp) if resp.id == id => return resp,
                Message::Notification(not) => self.keep(not),
                _ => {}
            }
        }
    }

    pub fn notify<N: n::Notification>(&mut self, params: serde_json::Value) {
        let not = Notification::new(N::METHOD.to_owned(), params);
        self.conn
            .sender
            .send(Message::Notification(not))
            .expect("send");
    }

    pub fn keep(&mut self, not: Notification) {
        if not.method == n::PublishDiagnostics::METHOD {
            self.publishes
                .push(serde_json::from_value(not.params).expect("publish parses"));
        }
    }

    /// The first publish for `uri` at `version` (already received or coming).
    pub fn publish(&mut self, uri: &Uri, version: Option<i32>) -> PublishDiagnosticsParams {
        loop {
            if let Some(i) = self
                .publishes
                .iter()
                .position(|p| &p.uri == uri && p.version == version)
            {
                return self.publishes.remove(i);
            }
            if let Message::Notification(not) = self.recv() {
                self.keep(not);
            }
        }
    }

    pub fn stop(mut self) {
        let _: () = self.request::<r::Shutdown>(serde_json::Value::Null);
        self.notify::<n::Exit>(serde_json::Value::Null);
        let result = self.server.take().map(|h| h.join().expect("no panic"));
        assert_eq!(result, Some(Ok(())));
    }
}

pub fn uri(p: &Path) -> Uri {
    Uri::from_str(&format!("file://{}", p.display())).expect("uri")
}

pub fn workspace(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("pmth-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    root
}

pub const MANIFEST: &str =
    "[package]\nname = \"t\"\nversion = \"1.0.0\"\n\n[governance]\nstdlib = false\n";
pub const MODELS: &str = "/// The main model.\nmodel brain@1.2.0 {\n  description = \"Thinks hard\"\n  provider = \"openai\"\n}\n";
pub const TOOLS: &str = "tool search {\n  description = \"Searches the web\"\n  kind = data_processing\n  risk = low\n}\n";
pub const AGENT_BAD: &str = "agent helper {\n  description = \"Aide — répond 😀\"  tools = [tool.serch]\n  kind = conversational\n  model = model.brain\n}\n";

/// 0-based (line, UTF-16 column) of the first `needle` in `text`.
pub fn pos_of(text: &str, needle: &str) -> Position {
    let at = text.find(needle).expect("needle");
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[start..].encode_utf16().count() as u32;
    Position { line, character }
}

pub fn at(doc: &Uri, p: Position) -> serde_json::Value {
    json!({"textDocument": {"uri": doc}, "position": p})
}

/// A copy of `examples/NAME` in a fresh temporary folder.
pub fn example(name: &str, tag: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    let to = std::env::temp_dir().join(format!("pmth-lsp-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&to);
    copy_dir(&from, &to);
    let _ = std::fs::remove_file(to.join("pmth.lock"));
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let (p, target) = (e.path(), to.join(e.file_name()));
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).expect("copy");
        }
    }
}

/// The byte offset of an LSP position (UTF-16 columns) in `text`.
pub fn offset_of(text: &str, p: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..p.line {
        line_start += text[line_start..]
            .find('\n')
            .map_or(text.len() - line_start, |i| i + 1);
    }
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= p.character as usize || c == '\n' {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies `edits` to `text` (from the end, so earlier offsets stay right).
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset_of(text, e.range.start),
                offset_of(text, e.range.end),
                e.new_text.as_str(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (s, e, t) in spans {
        out.replace_range(s..e, t);
    }
    out
}

/// Writes a workspace edit to the files on disk; returns the changed paths.
pub fn apply_to_disk(edit: &WorkspaceEdit) -> Vec<PathBuf> {
    let mut changed = Vec::new();
    for (u, edits) in edit.changes.iter().flatten() {
        let path = PathBuf::from(u.as_str().strip_prefix("file://").expect("file uri"));
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, apply_edits(&text, edits)).expect("write");
        changed.push(path);
    }
    changed.sort();
    changed
}

/// `(code, file, line)` of every diagnostic `pmth check` would print.
pub fn check_codes(root: &Path) -> Vec<(String, String, u32)> {
    let comp =
        pmth_compiler::compile(root, &pmth_compiler::CompileOptions::default()).expect("compile");
    comp.diagnostics
        .iter()
        .map(|d| {
            let s = comp.sources();
            let lc = s.start(d.primary.span);
            (
                d.code.to_string(),
                s.path(d.primary.span.file).to_string(),
                lc.line,
            )
        })
        .collect()
}

/// Opens `path` (relative to `root`) with its text on disk; returns its URI and text.
pub fn open(c: &mut Client, root: &Path, path: &str) -> (Uri, String) {
    let text = std::fs::read_to_string(root.join(path)).expect("read");
    let u = uri(&root.join(path));
    c.notify::<n::DidOpenTextDocument>(json!({"textDocument": {
        "uri": u, "languageId": "pmth", "version": 1, "text": text}}));
    (u, text)
}
