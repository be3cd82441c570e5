//! End to end: the server in-process over an in-memory connection, driven the
//! way an editor drives it: initialize → diagnostics → didOpen → didChange →
//! hover → completion → definition → references → symbols → shutdown/exit.

mod common;

use common::*;
use lsp_types::notification as n;
use lsp_types::request as r;
use lsp_types::*;
use serde_json::json;

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

/// Type names (§7) complete where a type is written and hover there.
#[test]
fn type_names_complete_and_hover() {
    let tool = "tool convert {\n  description = \"Converts\"\n  risk = low\n  params {\n    amount: int | float\n    memo: \n  }\n}\n";
    let root = workspace("types", &[("pmth.toml", MANIFEST), ("tools.pmth", tool)]);
    let doc = uri(&root.join("tools.pmth"));
    let mut c = Client::start(&root);
    let _ = c.publish(&doc, None);
    c.notify::<n::DidOpenTextDocument>(json!({"textDocument": {
        "uri": doc, "languageId": "pmth", "version": 1, "text": tool}}));
    let _ = c.publish(&doc, Some(1));
    let mut p = pos_of(tool, "memo: ");
    p.character += 6;
    let items = labels(c.request::<r::Completion>(at(&doc, p)));
    assert_eq!(
        items,
        [
            "string",
            "int",
            "float",
            "bool",
            "duration",
            "size",
            "any",
            "null",
            "list<…>",
            "map<…>",
            "object { … }"
        ]
    );
    let mut p = pos_of(tool, "| float");
    p.character += 2;
    let items = labels(c.request::<r::Completion>(at(&doc, p)));
    assert!(items.contains(&"null".to_owned()), "{items:?}");
    let h = hover_text(c.request::<r::HoverRequest>(at(&doc, pos_of(tool, "float"))));
    assert!(h.starts_with("**float** — a type"), "{h}");
    c.stop();
}

/// A policy open in the editor gets PM0704 on the `.rego` file, at the misspelt
/// key, and the fix clears it.
#[test]
fn policies_get_shape_diagnostics() {
    const BAD: &str = "package pmth.acme\n\nimport rego.v1\n\ndeny contains id if {\n\tsome id, agent in data.pmth.registry.agents\n\tagent.governance.audti == false\n}\n";
    let root = workspace(
        "policy-shape",
        &[
            (
                "pmth.toml",
                "[package]\nname = \"p\"\nversion = \"1.0.0\"\n\n[governance]\npolicies = [\"policies\"]\nstdlib = false\n",
            ),
            ("policies/acme.rego", BAD),
        ],
    );
    let policy = uri(&root.join("policies/acme.rego"));
    let mut c = Client::start(&root);
    c.notify::<n::DidOpenTextDocument>(json!({"textDocument": {
        "uri": policy, "languageId": "rego", "version": 1, "text": BAD}}));
    let p = c.publish(&policy, Some(1));
    let [d] = p.diagnostics.as_slice() else {
        panic!("one diagnostic: {:?}", p.diagnostics)
    };
    assert_eq!(d.code, Some(NumberOrString::String("PM0704".into())));
    assert_eq!(d.severity, Some(DiagnosticSeverity::WARNING));
    assert_eq!(d.range.start, pos_of(BAD, "audti"));
    assert!(d.message.contains("did you mean `audit`"), "{}", d.message);
    let fixed = BAD.replace("audti", "audit");
    c.notify::<n::DidChangeTextDocument>(json!({"textDocument": {"uri": policy, "version": 2},
        "contentChanges": [{"text": fixed}]}));
    let p = c.publish(&policy, Some(2));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    c.stop();
    let _ = std::fs::remove_dir_all(&root);
}
