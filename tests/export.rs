//! End-to-end tests of `pmth export` on a copy of the example fleet: a snapshot
//! of every file of every format (pretty-printed for review; the files
//! themselves are RFC 8785), what was written counted against the registry,
//! the refusals (inside DIST, a tampered bundle), and signed A2A cards checked
//! by `pmth verify --card`. The ecosystems' libraries judge the same files in
//! tests/python.

mod common;

use common::*;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn example(name: &str) -> PathBuf {
    let dir = scratch(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/support-fleet"),
        &dir,
    );
    let _ = std::fs::remove_dir_all(dir.join("dist"));
    let _ = std::fs::remove_file(dir.join("pmth.lock"));
    let o = pmth(&["build", "."], &dir);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    dir
}

fn files_under(dir: &Path, base: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read_dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, base, out);
        } else {
            let rel = p
                .strip_prefix(base)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, std::fs::read(&p).expect("read")));
        }
    }
}

/// `pmth export dist --to FORMAT -o export --format json` in `ws`.
fn export(ws: &Path, format: &str) -> Json {
    let o = pmth(
        &[
            "export", "dist", "--to", format, "-o", "export", "--format", "json",
        ],
        ws,
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("json report")
}

#[test]
fn every_format_of_the_example_fleet() {
    let ws = example("export-snap");
    for format in ["mcp", "a2a", "openai", "agentspec"] {
        let report = export(&ws, format);
        let dir = ws.join("export").join(format);
        let mut files = Vec::new();
        if dir.exists() {
            files_under(&dir, &dir, &mut files);
        }
        let mut snap = String::new();
        for (path, bytes) in &files {
            let doc: Json = serde_json::from_slice(bytes).expect("json file");
            let canonical = pmth_compiler::emit::jcs::to_vec(&doc).expect("jcs");
            assert_eq!(&canonical, bytes, "{format}/{path} is not RFC 8785");
            snap.push_str(&format!(
                "=== {path}\n{}\n",
                serde_json::to_string_pretty(&doc).expect("pretty")
            ));
        }
        snap.push_str(&format!(
            "=== notes\n{}\n=== counts\n{}\n",
            serde_json::to_string_pretty(&report["notes"]).expect("pretty"),
            report["counts"]
        ));
        insta::assert_snapshot!(format!("export_{format}"), snap);
    }
}

#[test]
fn counts_match_the_registry() {
    let ws = example("export-counts");
    let reg: Json =
        serde_json::from_slice(&std::fs::read(ws.join("dist/registry.json")).expect("registry"))
            .expect("json");
    let live = |kind: &str| {
        let mut names: Vec<&str> = reg[kind]
            .as_object()
            .expect("map")
            .values()
            .filter(|d| d["status"] != "retired")
            .filter_map(|d| d["name"].as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.len() as u64
    };
    assert_eq!(export(&ws, "mcp")["counts"]["tools"], live("tools"));
    assert_eq!(export(&ws, "openai")["counts"]["tools"], live("tools"));
    let spec = export(&ws, "agentspec");
    assert_eq!(spec["counts"]["agents"], live("agents"));
    assert_eq!(spec["counts"]["flows"], live("workflows"));
    // no agent of the example has an endpoint yet: each is skipped with a note
    let a2a = export(&ws, "a2a");
    assert_eq!(a2a["counts"]["cards"].as_u64().unwrap_or(0), 0);
    assert_eq!(
        a2a["notes"].as_array().expect("notes").len() as u64,
        live("agents")
    );
}

#[test]
fn export_refuses_a_folder_inside_the_bundle_and_a_tampered_bundle() {
    let ws = example("export-refuse");
    let o = pmth(&["export", "dist", "--to", "mcp", "-o", "dist/out"], &ws);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("inside the bundle"), "{}", stderr(&o));
    assert!(!ws.join("dist/out").exists());
    std::fs::write(ws.join("a-file"), "x").expect("write");
    let o = pmth(&["export", "dist", "--to", "mcp", "-o", "a-file"], &ws);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));

    let reg = ws.join("dist/registry.json");
    let text = std::fs::read_to_string(&reg).expect("read");
    std::fs::write(
        &reg,
        text.replace("Classifies incoming tickets", "Classifies all tickets"),
    )
    .expect("write");
    let o = pmth(&["export", "dist", "--to", "mcp"], &ws);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("nothing was exported"),
        "{}",
        stdout(&o)
    );
    assert!(!ws.join("export").exists());
}

#[test]
fn export_with_key_checks_the_bundle_signature() {
    let ws = example("export-key");
    let o = pmth(&["keygen", "k"], &ws);
    assert_eq!(code(&o), 0);
    let o = pmth(&["build", ".", "--sign", "k"], &ws);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = pmth(&["export", "dist", "--to", "openai", "--key", "k.pub"], &ws);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("bundle signed by"), "{}", stdout(&o));
    let o = pmth(&["keygen", "other"], &ws);
    assert_eq!(code(&o), 0);
    let o = pmth(
        &["export", "dist", "--to", "openai", "--key", "other.pub"],
        &ws,
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
}

#[test]
fn verify_card_needs_a_key_and_reports_bad_cards() {
    let ws = scratch("export-card");
    std::fs::write(ws.join("card.json"), b"{\"name\":\"x\"}").expect("write");
    let o = pmth(&["keygen", "k"], &ws);
    assert_eq!(code(&o), 0);
    let o = pmth(&["verify", "--card", "card.json", "--key", "k.pub"], &ws);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("no `signatures`"), "{}", stdout(&o));
}
