//! `pmth policy test [DIR] [--coverage] [--format human|json]`: runs the `test_*`
//! rules of the workspace's and the stdlib's policies; one line per test, then
//! `N passed, M failed`, then (with `--coverage`) one line per policy file with
//! its covered lines. Exit 1 when a test fails or errs, or a policy does not load.

use super::{cannot_run, print, workspace_root, Exit};
use crate::cli::{Format, PolicyTestArgs, TestFormat};
use crate::render::{self, RenderOptions};
use pmth_compiler::govern::{
    policy_test_with, FileCoverage, PolicyTestOptions, PolicyTestReport, TestOutcome,
};
use serde_json::json;

pub fn run(args: &PolicyTestArgs) -> Exit {
    let root = match workspace_root(args.dir.as_deref()) {
        Ok(r) => r,
        Err(e) => return cannot_run(&e),
    };
    let (ws, mut diags) = match pmth_compiler::load::load(&root, &[]) {
        Ok(l) => l,
        Err(e) => return cannot_run(&e.to_string()),
    };
    let opts = PolicyTestOptions {
        coverage: args.coverage,
    };
    let report = policy_test_with(&ws, opts);
    diags.extend(report.diagnostics.iter().cloned());
    diags.finish(&ws.sources);
    let ok = report.ok() && !diags.has_errors();
    if args.format == TestFormat::Json {
        let diagnostics: serde_json::Value = serde_json::from_str(&render::render(
            Format::Json,
            &ws.sources,
            &diags,
            &RenderOptions {
                color: false,
                base: String::new(),
                checked_files: ws.policy_files.len(),
                notes: Vec::new(),
            },
        ))
        .unwrap_or_default();
        let mut doc = json!({
            "tests": report.results.iter().map(|r| {
                let (outcome, message) = match &r.outcome {
                    TestOutcome::Pass => ("pass", None),
                    TestOutcome::Fail => ("fail", None),
                    TestOutcome::Error(m) => ("error", Some(m.clone())),
                };
                json!({"package": r.package, "name": r.name, "path": r.path, "outcome": outcome, "message": message})
            }).collect::<Vec<_>>(),
            "passed": report.passed(),
            "failed": report.failed(),
            "errored": report.errors(),
            "diagnostics": diagnostics.get("diagnostics").cloned().unwrap_or_default(),
        });
        if let (true, Some(map)) = (args.coverage, doc.as_object_mut()) {
            let files: serde_json::Value = report
                .coverage
                .iter()
                .map(|c| {
                    json!({
                        "path": c.path,
                        "covered": c.covered,
                        "not_covered": c.not_covered,
                        "percent": (c.percent() * 10.0).round() / 10.0,
                    })
                })
                .collect();
            map.insert("coverage".to_owned(), files);
        }
        print(&format!("{doc:#}\n"));
        return if ok { Exit::Ok } else { Exit::Errors };
    }
    let mut out = String::new();
    if !diags.is_empty() {
        let opts = RenderOptions {
            color: render::stdout_wants_color(),
            base: render::base_prefix(&root),
            checked_files: ws.policy_files.len(),
            notes: Vec::new(),
        };
        out.push_str(&render::render(Format::Human, &ws.sources, &diags, &opts));
    }
    out.push_str(&results(&report));
    if args.coverage {
        out.push_str(&coverage_table(&report.coverage));
    }
    print(&out);
    if ok {
        Exit::Ok
    } else {
        Exit::Errors
    }
}

/// One line per policy file: covered/total lines, the percentage, and the lines
/// never evaluated (as ranges).
fn coverage_table(files: &[FileCoverage]) -> String {
    let mut out =
        String::from("\ncoverage (lines of rules the tests evaluated, test rules left out):\n");
    let width = files.iter().map(|f| f.path.len()).max().unwrap_or(0);
    let (mut covered, mut total) = (0, 0);
    for f in files {
        let n = f.covered.len() + f.not_covered.len();
        covered += f.covered.len();
        total += n;
        out.push_str(&format!(
            "  {:<width$}  {:>4}/{:<4} {:>5.1}%",
            f.path,
            f.covered.len(),
            n,
            f.percent()
        ));
        if !f.not_covered.is_empty() {
            out.push_str(&format!("  not covered: {}", ranges(&f.not_covered)));
        }
        out.push('\n');
    }
    let pct = if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    };
    out.push_str(&format!(
        "  {:<width$}  {covered:>4}/{total:<4} {pct:>5.1}%\n",
        "total"
    ));
    out
}

/// `3, 7-9, 12`.
fn ranges(lines: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(&start) = lines.get(i) {
        let mut end = start;
        while lines.get(i + 1) == Some(&(end + 1)) {
            end += 1;
            i += 1;
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

/// One line per test, then the summary line.
fn results(report: &PolicyTestReport) -> String {
    let mut out = String::new();
    for r in &report.results {
        let name = format!("{}.{} ({})", r.package, r.name, r.path);
        match &r.outcome {
            TestOutcome::Pass => out.push_str(&format!("pass  {name}\n")),
            TestOutcome::Fail => out.push_str(&format!("FAIL  {name}\n")),
            TestOutcome::Error(m) => out.push_str(&format!("ERROR {name}: {m}\n")),
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed",
        report.passed(),
        report.failed()
    ));
    if report.errors() > 0 {
        out.push_str(&format!(", {} errored", report.errors()));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pmth_compiler::govern::TestResult;

    #[test]
    fn coverage_lines_read_as_ranges() {
        assert_eq!(ranges(&[3, 7, 8, 9, 12]), "3, 7-9, 12");
        assert_eq!(ranges(&[]), "");
        let t = coverage_table(&[FileCoverage {
            path: "p.rego".into(),
            covered: vec![1, 2, 3],
            not_covered: vec![5],
        }]);
        assert!(
            t.contains("p.rego     3/4     75.0%  not covered: 5"),
            "{t}"
        );
        assert!(t.contains("total      3/4     75.0%"), "{t}");
    }

    #[test]
    fn results_end_with_a_summary() {
        let report = PolicyTestReport {
            results: vec![
                TestResult {
                    package: "p".into(),
                    name: "test_a".into(),
                    path: "policies/p.rego".into(),
                    outcome: TestOutcome::Pass,
                },
                TestResult {
                    package: "p".into(),
                    name: "test_b".into(),
                    path: "policies/p.rego".into(),
                    outcome: TestOutcome::Fail,
                },
            ],
            ..PolicyTestReport::default()
        };
        let out = results(&report);
        assert!(out.contains("pass  p.test_a (policies/p.rego)\n"), "{out}");
        assert!(out.contains("FAIL  p.test_b (policies/p.rego)\n"), "{out}");
        assert!(out.ends_with("1 passed, 1 failed\n"), "{out}");
    }
}
