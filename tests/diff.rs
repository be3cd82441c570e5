//! End-to-end tests of `pmth diff` on pairs of workspaces and bundles: every
//! class, a semver violation, the formats and the exit codes.

mod common;

use common::*;
use std::path::{Path, PathBuf};

const TOML: &[u8] =
    b"[package]\nname = \"d\"\nversion = \"1.0.0\"\n\n[governance]\nstdlib = false\n";

const OLD: &str = r#"
model m {
  description = "A model"
  provider = "openai"
  id = "gpt-4o"
  context_window = 128000
}

tool search@1.2.0 {
  description = "Search the web"
  risk = low
  provides = [capability.web.search]
  params { limit: int { max = 100 } }
}

tool fetch {
  description = "Fetch a page"
  risk = low
}

agent researcher {
  description = "Researches"
  kind = analytical
  model = model.m
  tools = [tool.search@^1.2]
  capabilities = [capability.web.search]
}

service api {
  description = "The API"
  kind = rest
  endpoint = "https://api.example.com"
}
"#;

/// Two workspaces: OLD as above, NEW with `edit` applied to it.
fn pair(name: &str, edit: &dyn Fn(String) -> String) -> (PathBuf, PathBuf) {
    let old = workspace(
        &format!("{name}-old"),
        &[("pmth.toml", TOML), ("main.pmth", OLD.as_bytes())],
    );
    let new_text = edit(OLD.to_owned());
    let new = workspace(
        &format!("{name}-new"),
        &[("pmth.toml", TOML), ("main.pmth", new_text.as_bytes())],
    );
    (old, new)
}

fn diff_json(old: &Path, new: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec![
        "diff",
        old.to_str().unwrap_or(""),
        new.to_str().unwrap_or(""),
        "--format",
        "json",
    ];
    args.extend(extra);
    let o = pmth(&args, Path::new("."));
    let doc = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&o), stderr(&o)));
    (code(&o), doc)
}

/// `(kind.id, class, semver_violation)` of every change.
fn changes(doc: &serde_json::Value) -> Vec<(String, String, bool)> {
    doc["changes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        format!(
                            "{}.{}",
                            c["kind"].as_str().unwrap_or(""),
                            c["id"].as_str().unwrap_or("")
                        ),
                        c["class"].as_str().unwrap_or("").to_owned(),
                        c["semver_violation"].as_bool().unwrap_or(false),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn ch(id: &str, class: &str, semver: bool) -> (String, String, bool) {
    (id.to_owned(), class.to_owned(), semver)
}

#[test]
fn the_same_workspace_has_no_changes() {
    let (old, new) = pair("same", &|t| t);
    let (c, doc) = diff_json(&old, &new, &["--fail-on", "any"]);
    assert_eq!(c, 0);
    assert_eq!(changes(&doc), vec![]);
    let o = pmth(
        &[
            "diff",
            old.to_str().unwrap_or(""),
            new.to_str().unwrap_or(""),
        ],
        Path::new("."),
    );
    assert_eq!(stdout(&o), "no changes\n");
}

#[test]
fn a_breaking_minor_bump_is_a_semver_violation() {
    let (old, new) = pair("semver", &|t| {
        t.replace("tool search@1.2.0", "tool search@1.3.0")
            .replace("max = 100", "max = 50")
    });
    let (c, doc) = diff_json(&old, &new, &["--fail-on", "semver"]);
    assert_eq!(c, 1);
    assert_eq!(
        changes(&doc),
        vec![
            ch("agent.researcher", "compatible", false),
            ch("tool.search@1.3.0", "breaking", true)
        ]
    );
    assert_eq!(doc["changes"][1]["previous"], "search@1.2.0");
    assert_eq!(doc["summary"]["semver_violations"], 1);
    let o = pmth(
        &[
            "diff",
            old.to_str().unwrap_or(""),
            new.to_str().unwrap_or(""),
        ],
        Path::new("."),
    );
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    assert!(text.starts_with("breaking (1)\n"), "{text}");
    assert!(
        text.contains("  tool.search@1.3.0: params.limit: max lowered from 100 to 50 (breaking)\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "summary: 1 breaking (1 semver violation), 1 compatible, 0 governance, 0 cosmetic\n"
        ),
        "{text}"
    );
    // A major bump tells the truth: breaking, no violation, 1.2.0 removed.
    let (old, new) = pair("major", &|t| {
        t.replace("tool search@1.2.0", "tool search@2.0.0")
            .replace("max = 100", "max = 50")
            .replace("search@^1.2", "search@^2")
    });
    let (c, doc) = diff_json(&old, &new, &["--fail-on", "semver"]);
    assert_eq!(c, 0);
    assert!(changes(&doc).contains(&ch("tool.search@2.0.0", "breaking", false)));
    assert!(changes(&doc).contains(&ch("tool.search@1.2.0", "breaking", false)));
}

#[test]
fn every_class() {
    let (old, new) = pair("classes", &|t| {
        t.replace("Fetch a page", "Fetch one page") // cosmetic
            .replace("max = 100", "max = 200") // compatible (changed in place, no violation)
            .replace("https://api.example.com", "https://api2.example.com") // breaking
            + "\ncapability acme { description = \"Acme\" }\n" // compatible: new
    });
    let (c, doc) = diff_json(&old, &new, &["--fail-on", "breaking"]);
    assert_eq!(c, 1);
    assert_eq!(
        changes(&doc),
        vec![
            ch("capability.acme", "compatible", false),
            ch("service.api", "breaking", false),
            ch("tool.fetch", "cosmetic", false),
            ch("tool.search@1.2.0", "compatible", false),
        ]
    );
    let s = &doc["summary"];
    assert_eq!(
        (
            s["breaking"].as_u64(),
            s["compatible"].as_u64(),
            s["cosmetic"].as_u64()
        ),
        (Some(1), Some(2), Some(1))
    );
    let o = pmth(
        &[
            "diff",
            old.to_str().unwrap_or(""),
            new.to_str().unwrap_or(""),
            "--format",
            "markdown",
        ],
        Path::new("."),
    );
    let md = stdout(&o);
    let (b, cpt, cos) = (
        md.find("#### Breaking"),
        md.find("#### Compatible"),
        md.find("#### Cosmetic"),
    );
    assert!(b < cpt && cpt < cos && b.is_some(), "{md}");
    assert!(md.contains("  - `endpoint`: changed from https://api.example.com to https://api2.example.com (breaking)"), "{md}");
}

#[test]
fn governance_changes_between_bundles() {
    let (old, new) = pair("gov", &|t| t);
    std::fs::create_dir_all(new.join("policies")).expect("mkdir");
    std::fs::write(
        new.join("policies/owners.rego"),
        "package pmth.owners\n\nwarn contains {\"msg\": \"no owner\", \"ref\": \"tool.fetch\"} if { true }\n",
    )
    .expect("write");
    let toml = String::from_utf8_lossy(TOML).replace(
        "stdlib = false",
        "stdlib = false\npolicies = [\"policies\"]",
    );
    std::fs::write(new.join("pmth.toml"), toml).expect("write");
    for ws in [&old, &new] {
        let o = pmth(&["build"], ws);
        assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    }
    let (c, doc) = diff_json(&old.join("dist"), &new.join("dist"), &[]);
    assert_eq!(c, 0);
    assert_eq!(
        changes(&doc),
        vec![
            ch("policy.pmth.owners", "governance", false),
            ch("tool.fetch", "governance", false)
        ]
    );
    // A workspace against a bundle works too.
    let (_, doc) = diff_json(&old, &new.join("dist"), &[]);
    assert_eq!(changes(&doc).len(), 2);
    // A tampered bundle is refused (exit 1), a path that is neither is exit 2.
    std::fs::write(new.join("dist/registry.json"), "{}").expect("write");
    let o = pmth(
        &[
            "diff",
            old.to_str().unwrap_or(""),
            new.join("dist").to_str().unwrap_or(""),
        ],
        Path::new("."),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("PM0901"), "{}", stderr(&o));
    let o = pmth(
        &["diff", old.to_str().unwrap_or(""), "/nonexistent/x"],
        Path::new("."),
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn a_workspace_with_errors_is_exit_1() {
    let (old, new) = pair("broken", &|t| t.replace("kind = analytical", "kind = nope"));
    let o = pmth(
        &[
            "diff",
            old.to_str().unwrap_or(""),
            new.to_str().unwrap_or(""),
        ],
        Path::new("."),
    );
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("has errors"), "{}", stderr(&o));
}
