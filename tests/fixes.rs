//! Fixes (CLI.md, "Fixes"): every safe fix of every case of the corpora
//! (`tests/cases/`, the shared conformance corpus, `examples/`), applied alone,
//! removes its diagnostic and adds none; and `pmth check --fix` end to end.

mod common;

use common::{code, copy_dir, pmth, scratch, stdout, workspace, MANIFEST};
use pmth_compiler::diag::{fix, Diagnostic};
use pmth_compiler::source::SourceMap;
use pmth_compiler::{compile, CompileOptions};
use std::path::{Path, PathBuf};

/// `(code, file, line)` of every diagnostic.
fn places(sources: &SourceMap, diags: &[Diagnostic]) -> Vec<(String, String, u32)> {
    diags
        .iter()
        .map(|d| {
            let at = sources.start(d.primary.span);
            (
                d.code.to_string(),
                sources.path(d.primary.span.file).to_string(),
                at.line,
            )
        })
        .collect()
}

/// The workspaces of the corpora (each folder holding a `pmth.toml`).
fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for corpus in [
        root.join("tests/cases"),
        common::corpus(),
        root.join("examples"),
    ] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&corpus)
            .expect("read corpus")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("pmth.toml").is_file())
            .collect();
        dirs.sort();
        out.extend(dirs);
    }
    out
}

#[test]
fn every_safe_fix_removes_its_diagnostic_and_adds_none() {
    let opts = CompileOptions::default();
    let mut tried = 0;
    let mut failures = Vec::new();
    for case in cases() {
        let Ok(before) = compile(&case, &opts) else {
            continue;
        };
        let sources = &before.workspace.sources;
        let diags: Vec<Diagnostic> = before.diagnostics.iter().cloned().collect();
        let all = places(sources, &diags);
        for (i, d) in diags.iter().enumerate() {
            if !d.fixes.iter().any(|f| f.is_safe()) {
                continue;
            }
            tried += 1;
            let plan = fix::plan(sources, [d], false);
            let dir = scratch("fix");
            copy_dir(&case, &dir);
            for f in &plan {
                std::fs::write(dir.join(sources.path(f.file)), &f.text).expect("write");
            }
            let after = compile(&dir, &opts).expect("compile the fixed case");
            let after_diags: Vec<Diagnostic> = after.diagnostics.iter().cloned().collect();
            let mut expected = all.clone();
            expected.remove(i);
            // Fixing the last error lets governance run: its findings are not
            // the fix's doing.
            let governance_ran = before.diagnostics.has_errors() && !after.diagnostics.has_errors();
            let added: Vec<_> = places(&after.workspace.sources, &after_diags)
                .into_iter()
                .filter(|p| !(governance_ran && p.0.starts_with("PM07")))
                .filter(|p| match expected.iter().position(|e| e == p) {
                    Some(k) => {
                        expected.remove(k);
                        false
                    }
                    None => true,
                })
                .collect();
            let gone = places(&after.workspace.sources, &after_diags).contains(&all[i]);
            if !added.is_empty() || gone {
                failures.push(format!(
                    "{}: fixing {:?} ({}) left it: {gone}, added {added:?}",
                    case.display(),
                    all[i],
                    d.fixes[0].message
                ));
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    assert!(tried >= 5, "only {tried} safe fixes in the corpora");
    assert!(
        failures.is_empty(),
        "{tried} fixes tried:\n{}",
        failures.join("\n")
    );
}

/// A workspace with two typos (safe fixes), a secret literal and a plain-HTTP
/// endpoint (unsafe ones).
const TYPOS: &[u8] = br#"model gpt {
  description = "m"
  provider = "openai"
  id = "gpt-4o"
}

tool web_search {
  description = "search"
  risk = low
}

agent a {
  description = "a"
  kind = conversational
  model = model.gtp
  tools = [tool.web_serch]
}

service payments {
  description = "p"
  kind = rest
  endpoint = "http://pay.internal/api"
  auth = bearer { secret = "sk-live-1234" }
}
"#;

#[test]
fn check_fix_applies_the_safe_fixes_and_reports_what_remains() {
    let dir = workspace("fix-safe", &[("pmth.toml", MANIFEST), ("a.pmth", TYPOS)]);
    let o = pmth(&["check", "--fix", "."], &dir);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}");
    assert!(out.starts_with("fixed 2 problems in 1 file\n"), "{out}");
    assert!(out.contains("PM0302") && out.contains("PM0303"), "{out}");
    assert!(!out.contains("PM0101"), "{out}");
    let text = std::fs::read_to_string(dir.join("a.pmth")).expect("read");
    assert!(
        text.contains("model = model.gpt\n  tools = [tool.web_search]"),
        "{text}"
    );
    assert!(
        text.contains("\"sk-live-1234\""),
        "unsafe fix applied: {text}"
    );
    // Nothing left to fix: the file stays as it is.
    let again = pmth(&["check", "--fix", "."], &dir);
    assert!(
        stdout(&again).starts_with("nothing to fix\n"),
        "{}",
        stdout(&again)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("a.pmth")).expect("read"),
        text
    );
}

#[test]
fn check_unsafe_fixes_applies_every_fix() {
    let dir = workspace("fix-unsafe", &[("pmth.toml", MANIFEST), ("a.pmth", TYPOS)]);
    let o = pmth(&["check", "--unsafe-fixes", "."], &dir);
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{out}");
    assert!(out.starts_with("fixed 4 problems in 1 file\n"), "{out}");
    let text = std::fs::read_to_string(dir.join("a.pmth")).expect("read");
    assert!(
        text.contains(
            "  endpoint = \"http://pay.internal/api\"\n  insecure = true\n  auth = bearer { secret = env(\"PAYMENTS_SECRET\") }\n"
        ),
        "{text}"
    );
}

#[test]
fn json_carries_the_fixes() {
    let dir = workspace("fix-json", &[("pmth.toml", MANIFEST), ("a.pmth", TYPOS)]);
    let o = pmth(&["check", "--format", "json", "."], &dir);
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn sarif_carries_the_fixes_as_artifact_changes() {
    let dir = workspace("fix-sarif", &[("pmth.toml", MANIFEST), ("a.pmth", TYPOS)]);
    let o = pmth(&["check", "--format", "sarif", "."], &dir);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let fixes: Vec<&serde_json::Value> = results
        .iter()
        .flat_map(|r| r["fixes"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(fixes.len(), 4, "{doc:#}");
    let first = fixes[0];
    assert_eq!(first["description"]["text"], "replace with `model.gpt`");
    assert_eq!(first["properties"]["safe"], true);
    let change = &first["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "a.pmth");
    let r = &change["replacements"][0];
    assert_eq!(r["insertedContent"]["text"], "gpt");
    assert_eq!(r["deletedRegion"]["startLine"], 15);
}

/// A typo in a template's text (one fix, right for every instance), a typo
/// in one instance's argument, and a reference to a deprecated version.
const TEMPLATED: &str = r#"tool search@1.0.0 {
  description = "old"
  risk = low
  status = deprecated
}

tool search@1.2.0 {
  description = "new"
  risk = low
}

template helper for agent {
  param m: model
  description = "h"
  kind = conversational
  model = param.m
  tools = [tool.serch]
  temperatur = 1
}

model gpt {
  description = "m"
  provider = "openai"
  id = "x"
}

agent one = template.helper(m = model.gpt)
agent two = template.helper(m = model.gtp)

agent old {
  description = "a"
  kind = conversational
  model = model.gpt
  tools = [tool.search@=1.0.0]
}
"#;

#[test]
fn fixes_in_template_text_and_to_deprecated_versions() {
    let dir = workspace(
        "fix-template",
        &[("pmth.toml", MANIFEST), ("a.pmth", TEMPLATED.as_bytes())],
    );
    let (_, doc) = common::check_json(&dir);
    let fixes: Vec<(String, bool)> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .flat_map(|d| d["fixes"].as_array().cloned().unwrap_or_default())
        .map(|f| {
            (
                f["message"].as_str().unwrap_or("").to_owned(),
                f["safe"] == true,
            )
        })
        .collect();
    assert_eq!(
        fixes,
        [
            ("replace with `tool.search`".to_owned(), true),
            ("replace with `model.gpt`".to_owned(), true),
            ("move to `tool.search@^1.2.0`".to_owned(), false),
        ]
    );
    let o = pmth(&["check", "--unsafe-fixes", "."], &dir);
    let out = stdout(&o);
    assert!(out.starts_with("fixed 3 problems in 1 file\n"), "{out}");
    assert!(out.contains("PM0201") && out.contains("1 error"), "{out}");
    let text = std::fs::read_to_string(dir.join("a.pmth")).expect("read");
    assert_eq!(
        text,
        TEMPLATED
            .replace("[tool.serch]", "[tool.search]")
            .replace("m = model.gtp", "m = model.gpt")
            .replace("tool.search@=1.0.0", "tool.search@^1.2.0")
    );
}
