//! `pmth policy test`: runs every `test_*` rule of the workspace's policies and of
//! all the stdlib's (switched off or not). A test passes when its rule is `true`.
//!
//! Tests build their own registry with `with data.pmth.registry as {…}`; the data
//! they start from is an empty registry and the workspace's `[governance.data]`.

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

/// Everything `pmth policy test` reports.
#[derive(Clone, Debug, Default)]
pub struct PolicyTestReport {
    /// Sorted by (package, name).
    pub results: Vec<TestResult>,
    /// Policies that do not parse or compile (PM0703).
    pub diagnostics: Diagnostics,
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
    let config = ws.manifest.as_ref().map(|m| &m.governance.data);
    let data = data_document(&crate::check::Registry::default(), config);
    let mut problems = Vec::new();
    let limit = super::EVAL_TIME_LIMIT;
    let mut loaded = load::load(texts, &data, None, limit, &ws.sources, &mut problems);

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

    let checked = Checked::default();
    let ctx = Ctx {
        sources: &ws.sources,
        checked: &checked,
        anchor: anchor(ws),
        suggestions_left: 0,
    };
    let diagnostics = problems
        .into_iter()
        .map(|p| ctx.problem(p))
        .collect::<Vec<_>>();
    PolicyTestReport {
        results,
        diagnostics: diagnostics.into(),
    }
}
