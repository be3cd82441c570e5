//! End to end: the server in-process over an in-memory connection, driven the
//! way an editor drives it: initialize → diagnostics → didOpen → didChange →
//! hover → completion → definition → references → symbols → shutdown/exit.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::notification::{self as n, Notification as _};
use lsp_types::request as r;
use lsp_types::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::thread::JoinHandle;
use std::time::Duration;

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
    publishes: Vec<PublishDiagnosticsParams>,
}

impl Client {
    fn start(root: &Path) -> Client {
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

    fn recv(&mut self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers")
    }

    fn request<R: r::Request>(&mut self, params: serde_json::Value) -> R::Result {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let req = Request::new(id.clone(), R::METHOD.to_owned(), params);
        self.conn.sender.send(Message::Request(req)).expect("send");
        loop {
            match self.recv() {
                Message::Response(resp) if resp.id == id => {
                    assert!(resp.error.is_none(), "{:?}", resp.error);
                    return serde_json::from_value(resp.result.unwrap_or_default())
                        .expect("result parses");
                }
                Message::Notification(not) => self.keep(not),
                _ => {}
            }
        }
    }

    fn notify<N: n::Notification>(&mut self, params: serde_json::Value) {
        let not = Notification::new(N::METHOD.to_owned(), params);
        self.conn
            .sender
            .send(Message::Notification(not))
            .expect("send");
    }

    fn keep(&mut self, not: Notification) {
        if not.method == n::PublishDiagnostics::METHOD {
            self.publishes
                .push(serde_json::from_value(not.params).expect("publish parses"));
        }
    }

    /// The first publish for `uri` at `version` (already received or coming).
    fn publish(&mut self, uri: &Uri, version: Option<i32>) -> PublishDiagnosticsParams {
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

    fn stop(mut self) {
        let _: () = self.request::<r::Shutdown>(serde_json::Value::Null);
        self.notify::<n::Exit>(serde_json::Value::Null);
        let result = self.server.take().map(|h| h.join().expect("no panic"));
        assert_eq!(result, Some(Ok(())));
    }
}

fn uri(p: &Path) -> Uri {
    Uri::from_str(&format!("file://{}", p.display())).expect("uri")
}

fn workspace(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("pmth-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    root
}

const MANIFEST: &str =
    "[package]\nname = \"t\"\nversion = \"1.0.0\"\n\n[governance]\nstdlib = false\n";
const MODELS: &str = "/// The main model.\nmodel brain@1.2.0 {\n  description = \"Thinks hard\"\n  provider = \"openai\"\n}\n";
const TOOLS: &str = "tool search {\n  description = \"Searches the web\"\n  kind = data_processing\n  risk = low\n}\n";
const AGENT_BAD: &str = "agent helper {\n  description = \"Aide — répond 😀\"  tools = [tool.serch]\n  kind = conversational\n  model = model.brain\n}\n";

/// 0-based (line, UTF-16 column) of the first `needle` in `text`.
fn pos_of(text: &str, needle: &str) -> Position {
    let at = text.find(needle).expect("needle");
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[start..].encode_utf16().count() as u32;
    Position { line, character }
}

fn at(doc: &Uri, p: Position) -> serde_json::Value {
    json!({"textDocument": {"uri": doc}, "position": p})
}

fn hover_text(h: Option<Hover>) -> String {
    match h.map(|h| h.contents) {
        Some(HoverContents::Markup(m)) => m.value,
        other => panic!("no markdown hover: {other:?}"),
    }
}

fn labels(c: Option<CompletionResponse>) -> Vec<String> {
    match c {
        Some(CompletionResponse::Array(items)) => items.into_iter().map(|i| i.label).collect(),
        other => panic!("no completion list: {other:?}"),
    }
}

#[test]
fn an_editing_session() {
    let root = workspace(
        "session",
        &[
            ("pmth.toml", MANIFEST),
            ("models.pmth", MODELS),
            ("tools.pmth", TOOLS),
            ("agents/helper.pmth", AGENT_BAD),
        ],
    );
    let agent = uri(&root.join("agents/helper.pmth"));
    let mut c = Client::start(&root);

    // On initialize, the workspace is checked from disk.
    let p = c.publish(&agent, None);
    assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);

    // didOpen: the same problem, for version 1, at the right UTF-16 columns
    // (after an em dash, an accented letter and an emoji).
    c.notify::<n::DidOpenTextDocument>(json!({"textDocument": {
        "uri": agent, "languageId": "pmth", "version": 1, "text": AGENT_BAD}}));
    let p = c.publish(&agent, Some(1));
    let [d] = p.diagnostics.as_slice() else {
        panic!("one diagnostic: {:?}", p.diagnostics)
    };
    assert_eq!(d.code, Some(NumberOrString::String("PM0101".into())));
    assert_eq!(d.source.as_deref(), Some("pmth"));
    assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
    let start = pos_of(AGENT_BAD, "tool.serch");
    // 44 Unicode scalar values before it, 45 UTF-16 units (the emoji takes two).
    assert_eq!(
        start,
        Position {
            line: 1,
            character: 45
        }
    );
    assert_eq!(d.range.start, start);
    assert_eq!(
        d.range.end.character,
        start.character + "tool.serch".len() as u32
    );
    assert!(
        d.message.contains("help: did you mean `tool.search`"),
        "{}",
        d.message
    );

    // didChange fixes it: the file's diagnostics are cleared for version 2.
    let good = AGENT_BAD.replace("tool.serch", "tool.search");
    c.notify::<n::DidChangeTextDocument>(json!({
        "textDocument": {"uri": agent, "version": 2},
        "contentChanges": [{"text": good}]}));
    let p = c.publish(&agent, Some(2));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);

    // Hover: a reference, a versioned reference with a doc comment, an
    // attribute, a kind keyword, an enum attribute's key.
    let h = hover_text(c.request::<r::HoverRequest>(at(&agent, pos_of(&good, "search]"))));
    insta::assert_snapshot!("hover_tool_reference", h);
    let h = hover_text(c.request::<r::HoverRequest>(at(&agent, pos_of(&good, "brain"))));
    assert!(h.starts_with("**model** `brain@1.2.0`"), "{h}");
    assert!(h.contains("The main model."), "{h}");
    let h = hover_text(c.request::<r::HoverRequest>(at(&agent, pos_of(&good, "kind"))));
    insta::assert_snapshot!("hover_attribute", h);
    let h = hover_text(c.request::<r::HoverRequest>(at(&agent, pos_of(&good, "model ="))));
    assert!(h.contains("required unless `remote` is set"), "{h}");
    let h = hover_text(c.request::<r::HoverRequest>(at(&agent, Position::new(0, 2))));
    assert!(h.starts_with("**agent** — a declaration kind"), "{h}");

    // Completion: attribute names in the body, enum values after `kind =`,
    // declaration names after `tool.`.
    let typing = good.replace("  kind = conversational\n", "  kind = conversational\n  \n");
    c.notify::<n::DidChangeTextDocument>(json!({
        "textDocument": {"uri": agent, "version": 3},
        "contentChanges": [{"text": typing}]}));
    let blank = Position::new(3, 2);
    let items = labels(c.request::<r::Completion>(at(&agent, blank)));
    insta::assert_snapshot!("completion_agent_attributes", items.join("\n"));
    for new in ["title", "instructions", "delegates", "endpoint", "remote"] {
        assert!(items.iter().any(|i| i == new), "`{new}` offered: {items:?}");
    }
    let after_kind = pos_of(&typing, "conversational");
    let items = labels(c.request::<r::Completion>(at(&agent, after_kind)));
    assert_eq!(
        items,
        ["conversational", "analytical", "creative", "task_oriented"]
    );
    let typing = good.replace("[tool.search]", "[tool.search, tool.]");
    c.notify::<n::DidChangeTextDocument>(json!({
        "textDocument": {"uri": agent, "version": 4},
        "contentChanges": [{"text": typing}]}));
    let mut p = pos_of(&typing, "tool.]");
    p.character += 5;
    let items = labels(c.request::<r::Completion>(at(&agent, p)));
    assert_eq!(items, ["search"]);
    let mut p = pos_of(&typing, "model.brain");
    p.character += 6;
    let items = labels(c.request::<r::Completion>(at(&agent, p)));
    assert_eq!(items, ["brain"]);
    c.notify::<n::DidChangeTextDocument>(json!({
        "textDocument": {"uri": agent, "version": 5},
        "contentChanges": [{"text": good}]}));

    // Go to definition and references.
    let def = c.request::<r::GotoDefinition>(at(&agent, pos_of(&good, "brain")));
    let Some(GotoDefinitionResponse::Scalar(loc)) = def else {
        panic!("a location: {def:?}")
    };
    assert_eq!(loc.uri, uri(&root.join("models.pmth")));
    assert_eq!(loc.range.start, Position::new(1, 6));
    assert_eq!(loc.range.end, Position::new(1, 11));
    let refs = c
        .request::<r::References>(json!({
            "textDocument": {"uri": agent}, "position": pos_of(&good, "search"),
            "context": {"includeDeclaration": true}}))
        .expect("references");
    let refs: Vec<_> = refs
        .iter()
        .map(|l| {
            (
                l.uri.as_str().rsplit('/').next().map(str::to_owned),
                l.range.start.line,
            )
        })
        .collect();
    assert_eq!(
        refs,
        [
            (Some("tools.pmth".into()), 0),
            (Some("helper.pmth".into()), 1)
        ]
    );

    // Document symbols.
    let syms = c.request::<r::DocumentSymbolRequest>(json!({"textDocument": {"uri": agent}}));
    let Some(DocumentSymbolResponse::Nested(syms)) = syms else {
        panic!("nested symbols: {syms:?}")
    };
    let [helper] = syms.as_slice() else {
        panic!("{syms:?}")
    };
    assert_eq!(helper.name, "helper");
    assert_eq!(helper.kind, SymbolKind::CLASS);
    let children: Vec<_> = helper
        .children
        .iter()
        .flatten()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(children, ["description", "tools", "kind", "model"]);

    // Closing falls back to the disk, which still has the typo.
    c.notify::<n::DidCloseTextDocument>(json!({"textDocument": {"uri": agent}}));
    let p = c.publish(&agent, None);
    assert_eq!(p.diagnostics.len(), 1);

    c.stop();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn loose_files_get_parse_diagnostics_and_odd_positions_clamp() {
    let dir = workspace("loose", &[("x.pmth", "")]);
    let file = uri(&dir.join("x.pmth"));
    let mut c = Client::start(&dir);
    let text = "agent a {\n  kind = \n";
    c.notify::<n::DidOpenTextDocument>(json!({"textDocument": {
        "uri": file, "languageId": "pmth", "version": 7, "text": text}}));
    let p = c.publish(&file, Some(7));
    assert!(p
        .diagnostics
        .iter()
        .all(|d| d.code == Some(NumberOrString::String("PM0001".into()))));
    assert!(!p.diagnostics.is_empty());
    for (line, character) in [
        (1_000_000, 1_000_000),
        (u32::MAX, u32::MAX),
        (0, u32::MAX),
        (1, 9),
    ] {
        let pos = json!({"line": line, "character": character});
        let q = json!({"textDocument": {"uri": file}, "position": pos});
        let _ = c.request::<r::HoverRequest>(q.clone());
        let _ = c.request::<r::Completion>(q.clone());
        let _ = c.request::<r::GotoDefinition>(q);
    }
    // A document that is not open, and an unknown method, get answers too.
    let other = uri(&dir.join("nope.pmth"));
    assert_eq!(
        c.request::<r::HoverRequest>(at(&other, Position::new(0, 0))),
        None
    );
    c.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
