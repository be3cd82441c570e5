//! `pmth policy test [DIR]`: runs the `test_*` rules of the workspace's and the
//! stdlib's policies; one line per test, then `N passed, M failed`. Exit 1 when
//! a test fails or errs, or a policy does not load.

use super::{cannot_run, print, workspace_root, Exit};
use crate::cli::{Format, PolicyTestArgs};
use crate::render::{self, RenderOptions};
use pmth_compiler::govern::{policy_test, PolicyTestReport, TestOutcome};

pub fn run(args: &PolicyTestArgs) -> Exit {
    let root = match workspace_root(args.dir.as_deref()) {
        Ok(r) => r,
        Err(e) => return cannot_run(&e),
    };
    let (ws, mut diags) = match pmth_compiler::load::load(&root, &[]) {
        Ok(l) => l,
        Err(e) => return cannot_run(&e.to_string()),
    };
    let report = policy_test(&ws);
    diags.extend(report.diagnostics.iter().cloned());
    diags.finish(&ws.sources);
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
    print(&out);
    if report.ok() && !diags.has_errors() {
        Exit::Ok
    } else {
        Exit::Errors
    }
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
