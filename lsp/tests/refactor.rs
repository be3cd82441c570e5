//! End to end: rename (declarations of every kind across files, versioned
//! references, templates, workflow steps, refusals), code actions for the
//! compiler's fixes, workspace symbols and inlay hints, on a copy of
//! `examples/support-fleet`. A rename's edits, written to disk, must leave
//! `pmth check` with exactly the diagnostics it had.

mod common;

use common::*;
use lsp_types::notification as n;
use lsp_types::request as r;
use lsp_types::*;
use serde_json::json;
use std::path::Path;

/// The position of `needle` plus `within` bytes (ASCII lines).
fn pos_in(text: &str, needle: &str, within: u32) -> Position {
    let mut p = pos_of(text, needle);
    p.character += within;
    p
}

fn rename(c: &mut Client, doc: &Uri, p: Position, new: &str) -> WorkspaceEdit {
    let mut params = at(doc, p);
    params["newName"] = json!(new);
    c.request::<r::Rename>(params).expect("an edit")
}

fn names(root: &Path, changed: &[std::path::PathBuf]) -> Vec<String> {
    changed
        .iter()
        .map(|p| p.strip_prefix(root).expect("in root").display().to_string())
        .collect()
}

#[test]
fn rename_a_model_across_files_keeps_requirements_and_diagnostics() {
    let root = example("support-fleet", "rename-model");
    let before = check_codes(&root);
    let mut c = Client::start(&root);
    let (doc, text) = open(&mut c, &root, "agents/escalation.pmth");
    let p = pos_in(&text, "model.support_llm", 8);
    let prep: Option<PrepareRenameResponse> = c.request::<r::PrepareRenameRequest>(at(&doc, p));
    match prep {
        Some(PrepareRenameResponse::RangeWithPlaceholder { placeholder, range }) => {
            assert_eq!(placeholder, "support_llm");
            assert_eq!(range.start, pos_in(&text, "model.support_llm", 6));
        }
        other => panic!("{other:?}"),
    }
    let edit = rename(&mut c, &doc, p, "answer_llm");
    c.stop();
    let changed = apply_to_disk(&edit);
    assert_eq!(
        names(&root, &changed),
        [
            "agents/billing.pmth",
            "agents/desks.pmth",
            "agents/escalation.pmth",
            "models.pmth"
        ]
    );
    let models = std::fs::read_to_string(root.join("models.pmth")).expect("read");
    assert_eq!(
        models.matches("model answer_llm@").count(),
        2,
        "both versions: {models}"
    );
    assert_eq!(check_codes(&root), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn rename_a_versioned_tool_reference_keeps_its_requirement() {
    let root = example("support-fleet", "rename-tool");
    let before = check_codes(&root);
    let mut c = Client::start(&root);
    let (doc, text) = open(&mut c, &root, "agents/billing.pmth");
    let edit = rename(
        &mut c,
        &doc,
        pos_in(&text, "tool.kb_search@^1.4", 6),
        "knowledge_search",
    );
    c.stop();
    let changed = apply_to_disk(&edit);
    assert!(changed.len() >= 3, "{changed:?}");
    let billing = std::fs::read_to_string(root.join("agents/billing.pmth")).expect("read");
    assert!(billing.contains("tool.knowledge_search@^1.4]"), "{billing}");
    let flow = std::fs::read_to_string(root.join("workflows/resolve_ticket.pmth")).expect("read");
    assert!(flow.contains("tool = tool.knowledge_search\n"), "{flow}");
    assert_eq!(check_codes(&root), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn rename_a_template_renames_its_instances_and_extensions() {
    let root = example("support-fleet", "rename-template");
    let before = check_codes(&root);
    let mut c = Client::start(&root);
    let (doc, text) = open(&mut c, &root, "agents/desks.pmth");
    let edit = rename(
        &mut c,
        &doc,
        pos_in(&text, "template desk_agent", 10),
        "help_desk",
    );
    c.stop();
    apply_to_disk(&edit);
    let desks = std::fs::read_to_string(root.join("agents/desks.pmth")).expect("read");
    assert!(desks.contains("template help_desk for agent"), "{desks}");
    assert!(desks.contains("extends template.help_desk {"), "{desks}");
    assert!(
        desks.contains("= template.help_desk(product = \"hardware\")"),
        "{desks}"
    );
    assert!(!desks.contains("desk_agent"), "{desks}");
    assert_eq!(check_codes(&root), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn rename_a_template_param_from_an_instance_argument() {
    let root = example("support-fleet", "rename-param");
    let before = check_codes(&root);
    let mut c = Client::start(&root);
    let (doc, text) = open(&mut c, &root, "agents/desks.pmth");
    let p = pos_in(&text, "(product = \"hardware\")", 2);
    let prep: Option<PrepareRenameResponse> = c.request::<r::PrepareRenameRequest>(at(&doc, p));
    assert!(
        matches!(&prep, Some(PrepareRenameResponse::RangeWithPlaceholder { placeholder, .. }) if placeholder == "product"),
        "{prep:?}"
    );
    let edit = rename(&mut c, &doc, p, "line");
    // The param's own name is taken by no other: `sla_hours` is.
    let mut params = at(&doc, p);
    params["newName"] = json!("sla_hours");
    let taken = c.refused::<r::Rename>(params);
    assert!(
        taken.contains("param `sla_hours` already exists"),
        "{taken}"
    );
    c.stop();
    apply_to_disk(&edit);
    let desks = std::fs::read_to_string(root.join("agents/desks.pmth")).expect("read");
    assert!(
        !desks.contains("${product}") && !desks.contains("param product"),
        "{desks}"
    );
    // A label that happens to share the name is no param.
    assert!(desks.contains("product = \"${line}\""), "{desks}");
    assert!(desks.contains("param line: string"), "{desks}");
    assert!(desks.contains("\"${line} desk\""), "{desks}");
    assert!(
        desks.contains("template.premium_desk(line = \"enterprise\""),
        "{desks}"
    );
    assert_eq!(check_codes(&root), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn rename_a_capability_renames_its_descendants() {
    let root = example("support-fleet", "rename-capability");
    let before = check_codes(&root);
    let mut c = Client::start(&root);
    let (doc, text) = open(&mut c, &root, "capabilities.pmth");
    let p = pos_in(&text, "capability support.billing {", 12);
    let mut params = at(&doc, p);
    params["newName"] = json!("nowhere.billing");
    let orphan = c.refused::<r::Rename>(params.clone());
    assert!(
        orphan.contains("capability `nowhere` does not exist"),
        "{orphan}"
    );
    params["newName"] = json!("support.kb");
    let taken = c.refused::<r::Rename>(params);
    assert!(
        taken.contains("capability `support.kb` already exists"),
        "{taken}"
    );
    let edit = rename(&mut c, &doc, p, "support.payments");
    c.stop();
    apply_to_disk(&edit);
    let caps = std::fs::read_to_string(root.join("capabilities.pmth")).expect("read");
    assert!(
        caps.contains("capability support.payments.refund {"),
        "{caps}"
    );
    assert!(!caps.contains("support.billing"), "{caps}");
    assert_eq!(check_codes(&root), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn rename_a_step_inside_its_workflow() {
    let root = example("support-fleet", "rename-step");
    let before = check_codes(&root);
    let mut c = Client::start(&root);
    let (doc, text) = open(&mut c, &root, "workflows/resolve_ticket.pmth");
    let edit = rename(&mut c, &doc, pos_in(&text, "step.classify", 6), "sort");
    c.stop();
    let edits = &edit.changes.as_ref().expect("changes")[&doc];
    let count = text.matches("step.classify").count() + 1;
    assert_eq!(edits.len(), count);
    apply_to_disk(&edit);
    let flow = std::fs::read_to_string(root.join("workflows/resolve_ticket.pmth")).expect("read");
    assert!(
        flow.contains("step sort {") && !flow.contains("classify"),
        "{flow}"
    );
    assert_eq!(check_codes(&root), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn renames_that_would_break_are_refused_with_a_message() {
    let root = example("support-fleet", "rename-refused");
    let mut c = Client::start(&root);
    let (doc, text) = open(&mut c, &root, "agents/escalation.pmth");
    let p = pos_in(&text, "model.support_llm", 8);
    let mut params = at(&doc, p);
    params["newName"] = json!("triage_llm");
    let taken = c.refused::<r::Rename>(params.clone());
    assert!(
        taken.contains("model `triage_llm` already exists"),
        "{taken}"
    );
    params["newName"] = json!("2fast");
    let invalid = c.refused::<r::Rename>(params.clone());
    assert!(invalid.contains("`2fast` is not a valid name"), "{invalid}");
    params["newName"] = json!("a-b");
    assert!(c.refused::<r::Rename>(params).contains("not a valid name"));
    // A comment is nothing to rename; a stdlib declaration cannot be.
    let nothing = c.refused::<r::PrepareRenameRequest>(at(&doc, Position::new(0, 1)));
    assert!(nothing.contains("nothing to rename"), "{nothing}");
    let (flow, flow_text) = open(&mut c, &root, "workflows/resolve_ticket.pmth");
    let p = pos_in(&flow_text, "step mood", 7);
    let mut params = at(&flow, p);
    params["newName"] = json!("lookup");
    let step = c.refused::<r::Rename>(params);
    assert!(step.contains("step `lookup` already exists"), "{step}");
    c.stop();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn code_actions_offer_the_fixes_the_safe_one_preferred() {
    let text = "model brain {\n  description = \"m\"\n  provider = \"openai\"\n  id = \"x\"\n}\n\nagent a {\n  description = \"a\"\n  kind = conversational\n  model = model.brian\n}\n\nservice s {\n  description = \"s\"\n  kind = rest\n  endpoint = \"http://s.internal\"\n}\n";
    let root = workspace("actions", &[("pmth.toml", MANIFEST), ("a.pmth", text)]);
    let mut c = Client::start(&root);
    let (doc, _) = open(&mut c, &root, "a.pmth");
    let p = pos_in(text, "model.brian", 8);
    let actions = c
        .request::<r::CodeActionRequest>(json!({"textDocument": {"uri": doc},
            "range": {"start": p, "end": p}, "context": {"diagnostics": []}}))
        .expect("actions");
    let [CodeActionOrCommand::CodeAction(a)] = actions.as_slice() else {
        panic!("one action: {actions:?}")
    };
    assert_eq!(a.title, "replace with `model.brain`");
    assert_eq!(a.kind, Some(CodeActionKind::QUICKFIX));
    assert_eq!(a.is_preferred, Some(true));
    let d = &a.diagnostics.as_ref().expect("its diagnostic")[0];
    assert_eq!(d.code, Some(NumberOrString::String("PM0101".into())));
    let edits = &a
        .edit
        .as_ref()
        .and_then(|e| e.changes.as_ref())
        .expect("edit")[&doc];
    assert_eq!(
        apply_edits(text, edits),
        text.replace("model.brian", "model.brain")
    );
    // The insecure endpoint: an unsafe fix, offered, not preferred.
    let p = pos_in(text, "http://", 1);
    let actions = c
        .request::<r::CodeActionRequest>(json!({"textDocument": {"uri": doc},
            "range": {"start": p, "end": p}, "context": {"diagnostics": []}}))
        .expect("actions");
    let [CodeActionOrCommand::CodeAction(a)] = actions.as_slice() else {
        panic!("one action: {actions:?}")
    };
    assert_eq!(
        (a.title.as_str(), a.is_preferred),
        ("add `insecure = true`", Some(false))
    );
    // Only refactorings asked for: no quick fixes.
    let none = c
        .request::<r::CodeActionRequest>(json!({"textDocument": {"uri": doc},
            "range": {"start": p, "end": p}, "context": {"diagnostics": [], "only": ["refactor"]}}))
        .expect("actions");
    assert!(none.is_empty());
    c.stop();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn workspace_symbols_match_kind_and_name() {
    let root = example("support-fleet", "symbols");
    let mut c = Client::start(&root);
    let _ = open(&mut c, &root, "models.pmth");
    let got = c
        .request::<r::WorkspaceSymbolRequest>(json!({"query": "modelsupport"}))
        .expect("symbols");
    let WorkspaceSymbolResponse::Flat(symbols) = got else {
        panic!("flat symbols")
    };
    let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "model.support_llm@2024.10.22",
            "model.support_llm@2024.6.20"
        ]
    );
    assert_eq!(symbols[0].kind, SymbolKind::MODULE);
    assert_eq!(symbols[0].container_name.as_deref(), Some("models.pmth"));
    c.stop();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn inlay_hints_show_resolved_versions_and_select_candidates() {
    let root = example("support-fleet", "hints");
    let mut c = Client::start(&root);
    let (doc, text) = open(&mut c, &root, "agents/billing.pmth");
    let all = json!({"start": {"line": 0, "character": 0}, "end": {"line": 999, "character": 0}});
    let hints = c
        .request::<r::InlayHintRequest>(json!({"textDocument": {"uri": doc}, "range": all}))
        .expect("hints");
    let label = |h: &InlayHint| match &h.label {
        InlayHintLabel::String(s) => s.clone(),
        other => panic!("{other:?}"),
    };
    let end = pos_in(&text, "tool.kb_search@^1.4", 19);
    let kb = hints
        .iter()
        .find(|h| h.position == end)
        .expect("a hint after the requirement");
    assert!(label(kb).starts_with("1.4."), "{}", label(kb));
    let (flow, flow_text) = open(&mut c, &root, "workflows/resolve_ticket.pmth");
    let hints = c
        .request::<r::InlayHintRequest>(json!({"textDocument": {"uri": flow}, "range": all}))
        .expect("hints");
    let end = pos_in(&flow_text, "capability.support.sentiment", 28);
    let select = hints
        .iter()
        .find(|h| h.position == end)
        .expect("a hint after select");
    assert!(label(select).ends_with(" candidate") || label(select).ends_with(" candidates"));
    c.stop();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn policy_syntax_errors_are_published_on_the_policy() {
    const BAD: &str = "package pmth.acme\n\nimport rego.v1\n\ndeny contains id if {\n";
    let root = workspace(
        "policy-syntax",
        &[
            (
                "pmth.toml",
                "[package]\nname = \"p\"\nversion = \"1.0.0\"\n\n[governance]\npolicies = [\"policies\"]\nstdlib = false\n",
            ),
            ("policies/acme.rego", BAD),
            // An error in the sources keeps governance from running: the
            // policy's syntax error is still reported.
            ("a.pmth", "tool t {\n  description = \"t\"\n}\n"),
        ],
    );
    let policy = uri(&root.join("policies/acme.rego"));
    let mut c = Client::start(&root);
    c.notify::<n::DidOpenTextDocument>(json!({"textDocument": {
        "uri": policy, "languageId": "rego", "version": 1, "text": BAD}}));
    let p = c.publish(&policy, Some(1));
    assert!(
        p.diagnostics
            .iter()
            .any(|d| d.code == Some(NumberOrString::String("PM0703".into()))),
        "{:?}",
        p.diagnostics
    );
    c.stop();
    let _ = std::fs::remove_dir_all(&root);
}
