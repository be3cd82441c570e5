//! Runs a corpus of case folders (a `pmth.toml` plus sources with `// expect:`
//! markers) through `pmth check --format json` and compares the multiset of
//! `(severity, code, file, line)` with the markers, exactly like the shared
//! corpus's `check.py`. Used by `conformance.rs` (the shared corpus) and
//! `cases.rs` (the project's own cases).

use super::{code, pmth, stderr, stdout};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `(severity, code, file, line)`; `line` is `None` for `expect-anyline`.
type Key = (String, String, String, Option<u64>);

/// Runs every case folder of `corpus` and fails unless exactly the cases in
/// `expected_failures` fail (so that list only ever shrinks).
pub fn run(label: &str, corpus: &Path, expected_failures: &[&str]) {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus)
        .expect("read the corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("pmth.toml").is_file())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", corpus.display());

    let mut passed = Vec::new();
    let mut failed = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match run_case(case) {
            Ok(()) => passed.push(name),
            Err(why) => failed.push((name, why)),
        }
    }

    let mut problems = Vec::new();
    for (name, why) in &failed {
        if expected_failures.contains(&name.as_str()) {
            println!("expected failure {name}: {why}");
        } else {
            problems.push(format!("FAIL {name}: {why}"));
        }
    }
    for name in &passed {
        if expected_failures.contains(&name.as_str()) {
            problems.push(format!(
                "{name} passes now: remove it from EXPECTED_FAILURES"
            ));
        }
    }
    for listed in expected_failures {
        if !cases.iter().any(|c| c.ends_with(listed)) {
            problems.push(format!(
                "{listed} is in EXPECTED_FAILURES but is not a case"
            ));
        }
    }
    println!(
        "{label}: {} passed, {} failed ({} expected); expected failures = {:?}",
        passed.len(),
        failed.len(),
        expected_failures.len(),
        expected_failures
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

fn run_case(case: &Path) -> Result<(), String> {
    let want = expected(case);
    let o = pmth(
        &["check", "--format", "json", &case.to_string_lossy()],
        case,
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .map_err(|e| format!("no JSON ({e}): {}{}", tail(&stdout(&o)), tail(&stderr(&o))))?;
    let mut got: BTreeMap<Key, usize> = BTreeMap::new();
    for d in doc["diagnostics"].as_array().into_iter().flatten() {
        let s = |k: &str| d[k].as_str().unwrap_or("").to_string();
        *got.entry((
            s("severity"),
            s("code"),
            s("file").replace('\\', "/"),
            d["line"].as_u64(),
        ))
        .or_default() += 1;
    }
    let want_code = i32::from(want.keys().any(|k| k.0 == "error"));
    let (missing, extra) = matches(&want, got);
    let exit = code(&o);
    if missing.is_empty() && extra.is_empty() && exit == want_code {
        Ok(())
    } else {
        Err(format!(
            "exit {exit} (want {want_code}); missing {}; extra {}",
            show(&missing),
            show(&extra)
        ))
    }
}

fn tail(s: &str) -> &str {
    let start = s.len().saturating_sub(400);
    s.get(start..).unwrap_or(s)
}

fn show(m: &BTreeMap<Key, usize>) -> String {
    let items: Vec<String> = m
        .iter()
        .flat_map(|((sev, code, file, line), n)| {
            let line = line.map_or("*".to_string(), |l| l.to_string());
            std::iter::repeat_n(format!("{sev} {code} {file}:{line}"), *n)
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// Exact-line expectations first, then `expect-anyline` ones take any remaining
/// diagnostic of their file (check.py's `matches`).
fn matches(
    want: &BTreeMap<Key, usize>,
    mut got: BTreeMap<Key, usize>,
) -> (BTreeMap<Key, usize>, BTreeMap<Key, usize>) {
    let mut missing = BTreeMap::new();
    for (k, n) in want.iter().filter(|(k, _)| k.3.is_some()) {
        let have = got.entry(k.clone()).or_default();
        let take = (*n).min(*have);
        *have -= take;
        if n - take > 0 {
            missing.insert(k.clone(), n - take);
        }
    }
    for (k, n) in want.iter().filter(|(k, _)| k.3.is_none()) {
        let mut n = *n;
        for (g, have) in got.iter_mut() {
            if n > 0 && *have > 0 && (&g.0, &g.1, &g.2) == (&k.0, &k.1, &k.2) {
                let take = n.min(*have);
                *have -= take;
                n -= take;
            }
        }
        if n > 0 {
            missing.insert(k.clone(), n);
        }
    }
    got.retain(|_, n| *n > 0);
    (missing, got)
}

/// The markers of every file of a case, plus its optional `EXPECT` file.
fn expected(case: &Path) -> BTreeMap<Key, usize> {
    let mut want = BTreeMap::new();
    let mut files = Vec::new();
    collect_files(case, &mut files);
    for path in files {
        if path.file_name().is_some_and(|n| n == "EXPECT") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let rel = rel_path(case, &path);
        for (i, line) in text.split('\n').enumerate() {
            for (anyline, sev, code) in markers(line) {
                let line_no = if anyline { None } else { Some(i as u64 + 1) };
                *want.entry((sev, code, rel.clone(), line_no)).or_default() += 1;
            }
        }
    }
    if let Ok(text) = std::fs::read_to_string(case.join("EXPECT")) {
        for line in text.lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if let [sev, code, loc] = parts[..] {
                if line.starts_with('#') {
                    continue;
                }
                let (file, ln) = loc.rsplit_once(':').unwrap_or(("", loc));
                let ln = if ln == "*" { None } else { ln.parse().ok() };
                *want
                    .entry((sev.into(), code.into(), file.into(), ln))
                    .or_default() += 1;
            }
        }
    }
    want
}

/// Files below `dir`, skipping hidden folders and `dist` (as check.py does).
fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if p.is_dir() {
            if !name.starts_with('.') && name != "dist" {
                collect_files(&p, out);
            }
        } else {
            out.push(p);
        }
    }
}

fn rel_path(base: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(base).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The markers on one line: `(?://|#)\s*expect(-anyline)?:\s*(error|warning)\s+(PM\d{4})`.
pub fn markers(line: &str) -> Vec<(bool, String, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        let rest = line.get(i..).unwrap_or("");
        let after = rest.strip_prefix("//").or_else(|| rest.strip_prefix('#'));
        if let Some(m) = after.and_then(marker) {
            out.push((m.0, m.1, m.2));
            i = line.len() - m.3.len();
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// One marker after its `//` or `#`, and the text after it.
fn marker(s: &str) -> Option<(bool, String, String, &str)> {
    let s = s.trim_start().strip_prefix("expect")?;
    let (anyline, s) = match s.strip_prefix("-anyline") {
        Some(r) => (true, r),
        None => (false, s),
    };
    let s = s.strip_prefix(':')?.trim_start();
    let (sev, s) = if let Some(r) = s.strip_prefix("error") {
        ("error", r)
    } else {
        ("warning", s.strip_prefix("warning")?)
    };
    let trimmed = s.trim_start();
    if trimmed.len() == s.len() {
        return None;
    }
    let code = trimmed.get(..6)?;
    let ok = code.starts_with("PM") && code.bytes().skip(2).all(|b| b.is_ascii_digit());
    ok.then(|| {
        (
            anyline,
            sev.to_string(),
            code.to_string(),
            trimmed.get(6..).unwrap_or(""),
        )
    })
}
