//! `pmth policy test`: runs every `test_*` rule of the workspace's policies, of
//! all the stdlib's (switched off or not) and of `pmth.runtime`'s suite. A test passes when its rule is `true`.
//!
//! Tests build their own registry with `with data.pmth.registry as {…}`; the data
//! they start from is an empty registry and the workspace's `[governance.data]`.
//! The policy shape check (PM0704) runs on the workspace's policies too, and with
//! [`PolicyTestOptions::coverage`] regorus records which lines the tests ran.

use super::diagnose::{anchor, Ctx};
use super::load::{self, error_text, guarded, PolicyText};
use super::{data_document, stdlib};
use crate::check::Checked;
use crate::diag::Diagnostics;
use crate::load::Workspace;
use regorus::Value;
use std::collections::BTreeMap;

// Public Interface

/// How one test rule ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestOutcome {
    Pass,
    /// The rule was false or undefined.
    Fail,
    /// Evaluating it failed; the message says why.
    Error(String),
}

/// One `test_*` rule and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    pub package: String,
    pub name: String,
    /// The display path of the (first) file defining it.
    pub path: String,
    pub outcome: TestOutcome,
}

/// What `pmth policy test` should do besides running the tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct PolicyTestOptions {
    /// Record which lines of each policy the tests evaluated.
    pub coverage: bool,
}

/// Which lines of one policy file the tests evaluated. Lines of the `test_*`
/// rules themselves are left out: a test always runs itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileCoverage {
    /// The display path (`policies/acme.rego`, `stdlib:policies/audit.rego`).
    pub path: String,
    /// 1-based lines that were evaluated, sorted.
    pub covered: Vec<u32>,
    /// 1-based lines holding code that was never evaluated, sorted.
    pub not_covered: Vec<u32>,
}

impl FileCoverage {
    /// Covered lines per hundred lines of code (100 for a file with none).
    pub fn percent(&self) -> f64 {
        let total = self.covered.len() + self.not_covered.len();
        if total == 0 {
            100.0
        } else {
            self.covered.len() as f64 * 100.0 / total as f64
        }
    }
}

/// Everything `pmth policy test` reports.
#[derive(Clone, Debug, Default)]
pub struct PolicyTestReport {
    /// Sorted by (package, name).
    pub results: Vec<TestResult>,
    /// Policies that do not parse or compile (PM0703), and reads of registry
    /// paths no declaration can have (PM0704).
    pub diagnostics: Diagnostics,
    /// Per policy file, sorted by path; empty unless asked for.
    pub coverage: Vec<FileCoverage>,
}

impl PolicyTestReport {
    pub fn passed(&self) -> usize {
        self.count(|o| *o == TestOutcome::Pass)
    }

    pub fn failed(&self) -> usize {
        self.count(|o| *o == TestOutcome::Fail)
    }

    pub fn errors(&self) -> usize {
        self.count(|o| matches!(o, TestOutcome::Error(_)))
    }

    /// True when every test passed and every policy loaded.
    pub fn ok(&self) -> bool {
        self.results.iter().all(|r| r.outcome == TestOutcome::Pass)
            && !self.diagnostics.has_errors()
    }

    fn count(&self, f: impl Fn(&TestOutcome) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.outcome)).count()
    }
}

/// Runs every `test_*` rule of the workspace's policies and the stdlib's.
pub fn policy_test(ws: &Workspace) -> PolicyTestReport {
    policy_test_with(ws, PolicyTestOptions::default())
}

/// [`policy_test`], with coverage when `opts` asks for it.
pub fn policy_test_with(ws: &Workspace, opts: PolicyTestOptions) -> PolicyTestReport {
    let mut texts: Vec<PolicyText<'_>> = ws
        .policy_files
        .iter()
        .filter_map(|&id| ws.sources.get(id))
        .map(|f| PolicyText {
            file: Some(f.id),
            path: &f.path,
            text: &f.text,
            stdlib: f.stdlib,
        })
        .collect();
    for (path, text) in stdlib::POLICIES {
        if !texts.iter().any(|t| t.path == *path) {
            texts.push(PolicyText {
                file: None,
                path,
                text,
                stdlib: true,
            });
        }
    }
    // `pmth.runtime` and its suite ship with every bundle: their tests run too.
    let runtime_paths: Vec<String> = crate::runtime_policy::FILES
        .iter()
        .map(|(p, _)| crate::runtime_policy::display_path(p))
        .collect();
    let runtime_files = crate::runtime_policy::FILES.iter().map(|(_, t)| *t);
    let runtime_tests = crate::runtime_policy::TESTS.iter();
    for (path, text) in runtime_paths
        .iter()
        .map(String::as_str)
        .zip(runtime_files)
        .chain(runtime_tests.map(|(p, t)| (*p, *t)))
    {
        texts.push(PolicyText {
            file: None,
            path,
            text,
            stdlib: true,
        });
    }
    let config = ws.manifest.as_ref().map(|m| &m.governance.data);
    let data = data_document(&crate::check::Registry::default(), config);
    let mut problems = Vec::new();
    let limit = super::EVAL_TIME_LIMIT;
    let mut loaded = load::load(texts, &data, None, limit, &ws.sources, &mut problems);
    if opts.coverage {
        loaded.engine.set_enable_coverage(true);
    }

    let mut tests: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for p in &loaded.policies {
        for rule in p.rules.iter().filter(|r| r.starts_with("test_")) {
            tests
                .entry((p.package.as_str(), rule.as_str()))
                .or_insert(p.src.path);
        }
    }
    let mut results = Vec::with_capacity(tests.len());
    for ((package, name), path) in tests {
        let rule = format!("data.{package}.{name}");
        let outcome = match guarded(|| loaded.engine.eval_rule(rule)) {
            Ok(Value::Bool(true)) => TestOutcome::Pass,
            Ok(_) => TestOutcome::Fail,
            Err(e) => TestOutcome::Error(error_text(&e)),
        };
        results.push(TestResult {
            package: package.to_owned(),
            name: name.to_owned(),
            path: path.to_owned(),
            outcome,
        });
    }

    let coverage = if opts.coverage {
        coverage(&loaded)
    } else {
        Vec::new()
    };

    let checked = Checked::default();
    let ctx = Ctx {
        sources: &ws.sources,
        checked: &checked,
        anchor: anchor(ws),
        suggestions_left: 0,
    };
    let mut diagnostics: Diagnostics = problems
        .into_iter()
        .map(|p| ctx.problem(p))
        .collect::<Vec<_>>()
        .into();
    let checkable: Vec<_> = ws
        .policy_files
        .iter()
        .filter_map(|&id| ws.sources.get(id))
        .map(|f| super::shape::PolicySource {
            file: f.id,
            path: &f.path,
            text: &f.text,
        })
        .collect();
    diagnostics.extend(super::shape::check(&checkable));
    PolicyTestReport {
        results,
        diagnostics,
        coverage,
    }
}

/// The coverage regorus recorded, per loaded policy, less the lines of its
/// `test_*` rules.
fn coverage(loaded: &load::Loaded<'_>) -> Vec<FileCoverage> {
    let Ok(report) = guarded(|| loaded.engine.get_coverage_report()) else {
        return Vec::new();
    };
    let mut out: Vec<FileCoverage> = loaded
        .policies
        .iter()
        .map(|p| {
            let tests = test_lines(p.src.path, p.src.text);
            let file = report.files.iter().find(|f| f.path == p.src.path);
            let keep = |lines: Option<&std::collections::BTreeSet<u32>>| -> Vec<u32> {
                lines
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|l| !tests.iter().any(|(a, b)| (*a..=*b).contains(l)))
                    .collect()
            };
            FileCoverage {
                path: p.src.path.to_owned(),
                covered: keep(file.map(|f| &f.covered)),
                // A policy no test reached is not in regorus' report at all.
                not_covered: match file {
                    Some(f) => keep(Some(&f.not_covered)),
                    None => keep(Some(&code_lines(p.src.path, p.src.text))),
                },
            }
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The (first, last) lines of each `test_*` rule.
fn test_lines(path: &str, text: &str) -> Vec<(u32, u32)> {
    let Some(module) = super::shape::parse(path, text) else {
        return Vec::new();
    };
    module
        .policy
        .iter()
        .filter(|r| {
            let refr = match r.as_ref() {
                regorus::unstable::Rule::Spec { head, .. } => match head {
                    regorus::unstable::RuleHead::Compr { refr, .. }
                    | regorus::unstable::RuleHead::Set { refr, .. }
                    | regorus::unstable::RuleHead::Func { refr, .. } => refr,
                },
                regorus::unstable::Rule::Default { refr, .. } => refr,
            };
            refr.span().text().starts_with("test_")
        })
        .map(|r| {
            let s = r.span();
            let last = s.line + s.text().matches('\n').count() as u32;
            (s.line, last)
        })
        .collect()
}

/// The lines of a policy's rules (all of them count as not covered when no
/// test reached the file).
fn code_lines(path: &str, text: &str) -> std::collections::BTreeSet<u32> {
    let Some(module) = super::shape::parse(path, text) else {
        return Default::default();
    };
    let mut lines = std::collections::BTreeSet::new();
    for r in &module.policy {
        let s = r.span();
        let last = s.line + s.text().matches('\n').count() as u32;
        lines.extend(s.line..=last);
    }
    lines
}
