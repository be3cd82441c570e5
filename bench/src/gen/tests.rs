//! Tests of the generator that need no parser: determinism, counts, proportions,
//! and a lexical cross-reference check (every reference names a declaration).

use super::*;
use std::collections::{HashMap, HashSet};

const KIND_WORDS: [&str; 8] = pmth_compiler::ast::Kind::ALL_KEYWORDS;

fn count(ws: &GenWorkspace, kind: &str) -> usize {
    ws.counts
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(0, |(_, c)| *c)
}

#[test]
fn same_n_gives_identical_bytes() {
    let a = generate(1000);
    let b = generate(1000);
    assert_eq!(a, b);
    assert!(a.files.len() > 8);
}

#[test]
fn declaration_count_is_within_five_percent() {
    for n in [50, 1000, 2500] {
        let ws = generate(n);
        let got = ws.decls();
        let diff = got.abs_diff(n);
        assert!(diff * 20 <= n, "asked {n}, got {got}");
        // Count top-level headers in the text too.
        let headers: usize = ws
            .files
            .iter()
            .filter(|(p, _)| p.ends_with(".pmth"))
            .flat_map(|(_, t)| t.lines())
            .filter(|l| KIND_WORDS.iter().any(|k| l.starts_with(&format!("{k} "))))
            .count();
        assert_eq!(headers, got);
    }
}

#[test]
fn proportions_are_plausible() {
    let ws = generate(10_000);
    let agents = count(&ws, "agent") as f64;
    let per10 = |k: &str| count(&ws, k) as f64 * 10.0 / agents;
    assert!((per10("tool") - 3.0).abs() < 0.2);
    assert!((per10("model") - 1.0).abs() < 0.1);
    assert!((per10("workflow") - 1.0).abs() < 0.1);
    assert!((per10("persona") - 1.0).abs() < 0.1);
    assert!((per10("service") - 0.5).abs() < 0.1);
    assert!(count(&ws, "template") >= 2);
    assert!(count(&ws, "capability") > 10);
    let warn = ws.warning_agents as f64 / agents;
    assert!((0.03..=0.07).contains(&warn), "{warn}");
    for (kind, c) in &ws.counts {
        assert!(*c > 0, "no {kind}");
    }
}

#[test]
fn files_hold_about_one_hundred_declarations() {
    let ws = generate(5000);
    for (path, text) in &ws.files {
        if !path.ends_with(".pmth") {
            continue;
        }
        let decls = text
            .lines()
            .filter(|l| KIND_WORDS.iter().any(|k| l.starts_with(&format!("{k} "))))
            .count();
        assert!((1..=PER_FILE).contains(&decls), "{path}: {decls}");
        assert!(text.lines().count() < 5000, "{path}");
    }
}

/// `(kind, name)` of every declaration, with duplicates reported.
fn declared(ws: &GenWorkspace) -> HashSet<(String, String)> {
    let mut seen = HashSet::new();
    for (_, text) in &ws.files {
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let (Some(kind), Some(name)) = (words.next(), words.next()) else {
                continue;
            };
            if !KIND_WORDS.contains(&kind) || line.starts_with(' ') {
                continue;
            }
            let name = name.split('@').next().unwrap_or(name).trim_end_matches('{');
            assert!(
                seen.insert((kind.to_string(), name.to_string())),
                "duplicate {kind} {name}"
            );
        }
    }
    seen
}

/// Every `KIND.NAME` reference in the text, comments skipped.
fn references(text: &str) -> Vec<(String, String)> {
    let code: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    let text = code.join("\n");
    let text = text.as_str();
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for kind in KIND_WORDS {
        let pat = format!("{kind}.");
        let mut from = 0;
        while let Some(pos) = text[from..].find(&pat) {
            let start = from + pos;
            from = start + pat.len();
            let before = start.checked_sub(1).and_then(|i| bytes.get(i)).copied();
            if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.') {
                continue;
            }
            let rest = &text[from..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let mut name = &rest[..end];
            if kind != "capability" {
                name = name.split('.').next().unwrap_or(name);
            }
            out.push((kind.to_string(), name.to_string()));
        }
    }
    out
}

#[test]
fn every_reference_names_a_declaration() {
    let ws = generate(3000);
    let decls = declared(&ws);
    let mut refs = 0;
    for (path, text) in &ws.files {
        for r in references(text) {
            assert!(decls.contains(&r), "{path}: unknown {}.{}", r.0, r.1);
            refs += 1;
        }
    }
    assert!(refs > 3000);
    // Dotted capabilities have their parent.
    for (kind, name) in &decls {
        if let (true, Some((parent, _))) = (kind == "capability", name.rsplit_once('.')) {
            assert!(
                decls.contains(&(kind.clone(), parent.to_string())),
                "{name}"
            );
        }
    }
}

#[test]
fn braces_balance_in_every_file() {
    let ws = generate(2000);
    for (path, text) in &ws.files {
        let mut depth: i64 = 0;
        let mut in_str = false;
        for c in text.chars() {
            match c {
                '"' => in_str = !in_str,
                '{' if !in_str => depth += 1,
                '}' if !in_str => depth -= 1,
                _ => {}
            }
            assert!(depth >= 0, "{path}");
        }
        assert_eq!(depth, 0, "{path}");
    }
}

#[test]
fn a_prefix_of_the_stream_stays_consistent() {
    // Cutting anywhere (here inside a team) keeps every reference valid.
    for n in [23, 37, 61] {
        let ws = generate(n);
        let decls = declared(&ws);
        let names: HashMap<_, _> = ws.counts.iter().copied().collect();
        assert_eq!(names.values().sum::<usize>(), n);
        for (_, text) in &ws.files {
            for r in references(text) {
                assert!(decls.contains(&r), "n={n}: unknown {}.{}", r.0, r.1);
            }
        }
    }
}

#[test]
fn write_refuses_foreign_folders_and_rewrites_its_own() {
    let dir = std::env::temp_dir().join(format!("pmth-bench-gen-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ws = generate(300);
    assert!(write(&ws, &dir).is_ok());
    let small = generate(120);
    assert!(write(&small, &dir).is_ok());
    let n_files = walk(&dir);
    assert_eq!(n_files, small.files.len());
    let foreign = dir.join("foreign");
    let _ = std::fs::create_dir_all(&foreign);
    let _ = std::fs::write(foreign.join("x.txt"), "x");
    assert!(matches!(write(&ws, &foreign), Err(WriteError::NotEmpty(_))));
    let _ = std::fs::remove_dir_all(&dir);
}

fn walk(dir: &Path) -> usize {
    let mut n = 0;
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                n += walk(&p);
            } else {
                n += 1;
            }
        }
    }
    n
}
