//! The conformance cases `governance` and `policy_syntax`, run through `govern`
//! with a registry written by hand to mirror BUNDLE.md §1, checked against their
//! `expect` markers. The cases are copied under `cases/`; a test keeps the copies
//! equal to `shared/conformance` when that folder is reachable.

use super::{fixture, keys, render, run, Fixture};
use serde_json::json;
use std::path::{Path, PathBuf};

fn case_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/govern/tests/cases")
        .join(name)
}

/// Every file of a case folder: `(path relative to it with '/', text)`, sorted.
fn case_files(dir: &Path) -> Vec<(String, String)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).expect("case folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).expect("below base");
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, std::fs::read_to_string(&p).expect("utf-8")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// One `expect` marker: severity, code, file, and line (`None` for `expect-anyline`).
type Expect = (String, String, String, Option<u32>);

fn expectations(files: &[(String, String)]) -> Vec<Expect> {
    let mut out = Vec::new();
    for (path, text) in files {
        for (i, line) in text.lines().enumerate() {
            for (marker, any) in [("expect: ", false), ("expect-anyline: ", true)] {
                if let Some(rest) = line.split_once(marker).map(|(_, r)| r) {
                    let mut words = rest.split_whitespace();
                    let sev = words.next().unwrap_or("").to_owned();
                    let code = words.next().unwrap_or("").to_owned();
                    let line_no = (!any).then_some(i as u32 + 1);
                    out.push((sev, code, path.clone(), line_no));
                }
            }
        }
    }
    out.sort();
    out
}

fn load_case(name: &str, registry: serde_json::Value) -> (Fixture, Vec<Expect>) {
    let files = case_files(&case_dir(name));
    let expects = expectations(&files);
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    (fixture(&borrowed, registry), expects)
}

/// Checks the produced diagnostics against the markers, exactly.
fn assert_matches(f: &Fixture, expects: &[Expect]) -> String {
    let (_, diags) = run(f);
    let mut got = keys(&diags, &f.ws.sources);
    let mut missing = Vec::new();
    for (sev, code, file, line) in expects {
        let pos = got.iter().position(|(s, c, p, l)| {
            s == sev && c == code && p == file && line.is_none_or(|n| n == *l)
        });
        match pos {
            Some(i) => {
                got.remove(i);
            }
            None => missing.push((sev, code, file, line)),
        }
    }
    assert!(
        missing.is_empty() && got.is_empty(),
        "missing {missing:?}, unexpected {got:?}\n{}",
        render(&diags, &f.ws.sources)
    );
    render(&diags, &f.ws.sources)
}

/// The capabilities and model both cases declare.
fn common() -> serde_json::Value {
    let cap = |name: &str, line: u32, d: &str| {
        json!({"name": name, "description": d, "status": "active", "requires": [],
               "source": {"file": "main.pmth", "line": line}, "digest": "sha256:0"})
    };
    json!({
        "format": "pmth.registry/v1",
        "package": {"name": "case", "version": "0.1.0"},
        "compiler": "pmth 0.1.0",
        "agents": {}, "tools": {}, "workflows": {}, "personas": {}, "services": {}, "templates": {},
        "capabilities": {
            "acme": cap("acme", 1, "Acme root capability"),
            "acme.search": cap("acme.search", 2, "Search the Acme index"),
            "acme.write": cap("acme.write", 3, "Write Acme documents"),
        },
        "models": {"swift": {
            "name": "swift", "description": "A fast general-purpose model", "status": "active",
            "provider": "openai", "id": "gpt-4o-mini", "context_window": 128000,
            "source": {"file": "main.pmth", "line": 5}, "digest": "sha256:0"
        }},
    })
}

fn governance_registry() -> serde_json::Value {
    let mut r = common();
    r["tools"] = json!({"lookup": {
        "name": "lookup", "description": "Medium risk lookup", "status": "active", "risk": "medium",
        "source": {"file": "main.pmth", "line": 12}, "digest": "sha256:0"
    }});
    let agent = |name: &str, d: &str, line: u32| {
        json!({"name": name, "description": d, "status": "active", "kind": "analytical",
               "model": "swift", "governance": {}, "limits": {},
               "source": {"file": "main.pmth", "line": line}, "digest": "sha256:0"})
    };
    let mut unowned = agent("unowned", "Has no owner label", 17);
    unowned["tools"] = json!(["lookup"]);
    let mut owned = agent("owned", "Has an owner", 24);
    owned["labels"] = json!({"owner": "team-a"});
    r["agents"] = json!({"unowned": unowned, "owned": owned});
    r
}

#[test]
fn conformance_governance() {
    let (f, expects) = load_case("governance", governance_registry());
    assert_eq!(expects.len(), 2);
    let rendered = assert_matches(&f, &expects);
    insta::assert_snapshot!(rendered);
}

#[test]
fn conformance_policy_syntax() {
    let (f, expects) = load_case("policy_syntax", common());
    assert_eq!(expects.len(), 1);
    let rendered = assert_matches(&f, &expects);
    insta::assert_snapshot!(rendered);
}

#[test]
fn governance_case_records_policies_and_warnings() {
    let (f, _) = load_case("governance", governance_registry());
    let (report, _) = run(&f);
    assert_eq!(report.policies.len(), 1);
    assert_eq!(report.policies[0]["package"], "pmth.acme");
    assert_eq!(report.policies[0]["path"], "policies/acme.rego");
    let digest = report.policies[0]["digest"].as_str().unwrap_or("");
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest}"
    );
    assert_eq!(
        report.warnings,
        vec![
            json!({"code": "PM0702", "message": "tool lookup is medium risk (policy `pmth.acme`)",
                    "ref": "tool.lookup"})
        ]
    );
}

#[test]
fn copies_match_the_shared_conformance_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = [
        root.join("../shared/conformance"),
        root.join("../../shared/conformance"),
    ]
    .into_iter()
    .find(|p| p.is_dir());
    let Some(shared) = shared else {
        return; // not reachable from this checkout: nothing to compare
    };
    for name in ["governance", "policy_syntax"] {
        if shared.join(name).is_dir() {
            assert_eq!(
                case_files(&shared.join(name)),
                case_files(&case_dir(name)),
                "{name}"
            );
        }
    }
}
