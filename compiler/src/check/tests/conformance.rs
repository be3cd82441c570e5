//! Runs the shared conformance cases of this stage's codes through parse →
//! expand → resolve → check and compares with their `// expect:` markers.

use super::run_with_stdlib;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Cases whose every expected code comes from the stages up to `check`.
const CASES: &[&str] = &[
    "attributes",
    "references",
    "lifecycle",
    "capability_parent",
    "capability_claims",
    "services",
    "param_defaults",
    "ok_minimal",
    "ok_multi_file",
    "bad_literals",
    "recovery_keeps_names",
    "syntax_recovery",
    "ok_all_kinds",
    "workflow_graph",
    "workflow_expr",
    "templates",
];

/// Cases that need a later stage or another issue (workflow graph semantics,
/// templates); run, and fail once they pass, so the list only shrinks.
const PENDING: &[&str] = &[];

fn corpus() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PMTH_CONFORMANCE") {
        return Some(PathBuf::from(p));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    [
        "../shared/conformance",
        "../../shared/conformance",
        "/work/shared/conformance",
    ]
    .iter()
    .map(|p| root.join(p))
    .find(|p| p.is_dir())
}

fn files(case: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![case.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "pmth") {
                let rel = p
                    .strip_prefix(case)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

type Key = (String, String, String, String); // severity, code, file, line or *

fn expected(files: &[(String, String)]) -> BTreeMap<Key, usize> {
    let mut exp = BTreeMap::new();
    for (path, text) in files {
        for (i, line) in text.lines().enumerate() {
            for (marker, any) in [("expect:", false), ("expect-anyline:", true)] {
                let Some(pos) = line.find(marker) else {
                    continue;
                };
                let rest: Vec<&str> = line[pos + marker.len()..].split_whitespace().collect();
                if let [sev, code, ..] = rest.as_slice() {
                    let at = if any {
                        "*".to_owned()
                    } else {
                        (i + 1).to_string()
                    };
                    *exp.entry((sev.to_string(), code.to_string(), path.clone(), at))
                        .or_default() += 1;
                }
            }
        }
    }
    exp
}

fn actual(files: &[(String, String)], anyline: &BTreeMap<Key, usize>) -> BTreeMap<Key, usize> {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let run = run_with_stdlib(&refs);
    let mut got = BTreeMap::new();
    for d in &run.diags {
        let file = run.ws.sources.path(d.primary.span.file).to_owned();
        let line = run.ws.sources.start(d.primary.span).line.to_string();
        let sev = d.severity.as_str().to_owned();
        let star = (sev.clone(), d.code.to_owned(), file.clone(), "*".to_owned());
        let key = if anyline.contains_key(&star) {
            star
        } else {
            (sev, d.code.to_owned(), file, line)
        };
        *got.entry(key).or_default() += 1;
    }
    got
}

fn run_case(dir: &Path, name: &str) -> Result<(), String> {
    let fs = files(&dir.join(name));
    let exp = expected(&fs);
    let got = actual(&fs, &exp);
    if exp == got {
        Ok(())
    } else {
        Err(format!("{name}: expected {exp:?}\n  got {got:?}"))
    }
}

#[test]
fn conformance_cases_of_this_stage_pass() {
    let Some(dir) = corpus() else {
        eprintln!("conformance corpus not found; set PMTH_CONFORMANCE");
        return;
    };
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|c| run_case(&dir, c).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for case in PENDING {
        assert!(
            run_case(&dir, case).is_err(),
            "{case} passes now: move it to CASES"
        );
    }
}

#[test]
#[ignore]
fn print_case_diagnostics() {
    let Some(dir) = corpus() else { return };
    let case = std::env::var("CASE").unwrap_or_else(|_| "attributes".into());
    let fs = files(&dir.join(&case));
    let refs: Vec<(&str, &str)> = fs.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let run = run_with_stdlib(&refs);
    for d in &run.diags {
        let lc = run.ws.sources.start(d.primary.span);
        eprintln!(
            "{} {}:{} {} [{}] help={:?} notes={:?} related={:?}",
            d.code,
            run.ws.sources.path(d.primary.span.file),
            lc,
            d.message,
            d.primary.message,
            d.help,
            d.notes,
            d.related
                .iter()
                .map(|r| (&r.message, run.ws.sources.start(r.span).line))
                .collect::<Vec<_>>()
        );
    }
    eprintln!(
        "{}",
        serde_json::to_string_pretty(&run.checked.registry.to_json()).unwrap_or_default()
    );
}
