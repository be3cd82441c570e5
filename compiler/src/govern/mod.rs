//! Stage 6, `govern`: evaluates the Rego policies (the workspace's and the
//! stdlib's) against the compiled registry with regorus, and turns their `deny` and
//! `warn` rules into PM0701 errors and PM0702 warnings placed on the declarations
//! they name.
//!
//! What lives here: choosing the policies (`[governance]`), loading them into one
//! engine with the data added once ([`load`]), evaluating `deny`/`warn` per package
//! ([`eval`]), placing findings on declarations and attributes ([`place`]), and the
//! one place that words diagnostics ([`diagnose`]). `pmth policy test` is
//! [`policy_test`] ([`testing`]).
//!
//! What does not: reading files (the loader puts every policy, stdlib ones first,
//! into the source map), building the registry (`check`), promoting warnings under
//! `deny_warnings` (the pipeline).

mod convert;
mod diagnose;
mod eval;
mod load;
#[doc(hidden)]
pub mod perf;
mod place;
pub mod sandbox;
mod shape;
pub mod stdlib;
mod testing;
#[cfg(test)]
mod tests;

pub use load::EVAL_TIME_LIMIT;

/// A JSON value as regorus holds it, the way governance converts its data
/// (integers kept as integers, nesting bounded): for runtimes that feed the
/// same engine (`pmth-runtime`).
pub fn to_rego_value(json: &serde_json::Value) -> regorus::Value {
    convert::to_value(json)
}
pub use sandbox::Sandbox;
pub use testing::{
    policy_test, policy_test_with, FileCoverage, PolicyTestOptions, PolicyTestReport, TestOutcome,
    TestResult,
};

use crate::check::{Checked, Registry};
use crate::diag::Diagnostics;
use crate::load::Workspace;
use diagnose::{Ctx, Problem};
use eval::RuleKind;
use load::PolicyText;
use regorus::Value;
use serde_json::json;
use sha2::{Digest, Sha256};

// Public Interface

/// What governance recorded for the bundle.
#[derive(Clone, Debug, Default)]
pub struct GovernanceReport {
    /// `{"package", "path", "digest"}` per policy that took part, sorted by path.
    pub policies: Vec<serde_json::Value>,
    /// `{"code", "message", "ref"}` per warning (`ref` only when the policy gave
    /// one; the message names the policy), sorted by (ref, message).
    pub warnings: Vec<serde_json::Value>,
}

/// Runs every policy of the workspace against `checked.registry`. The pipeline
/// calls it only when the earlier stages found no errors.
pub fn govern(ws: &Workspace, checked: &Checked) -> (GovernanceReport, Diagnostics) {
    govern_with(ws, checked, None)
}

/// [`govern`], evaluating the rules in a bounded worker process when `sandbox`
/// is given (time and memory bounds: [`sandbox`]).
pub fn govern_with(
    ws: &Workspace,
    checked: &Checked,
    sandbox: Option<&Sandbox>,
) -> (GovernanceReport, Diagnostics) {
    let config = ws.manifest.as_ref().map(|m| &m.governance);
    let anchor = diagnose::anchor(ws);
    let mut problems = Vec::new();

    let disable: &[String] = config.map_or(&[], |c| c.disable.as_slice());
    let known = stdlib::packages();
    for name in disable {
        if !known.iter().any(|p| stdlib::disables(name, p)) {
            problems.push(Problem::UnknownDisable {
                name: name.clone(),
                at: diagnose::disable_span(ws, name, anchor),
                known: known.clone(),
            });
        }
    }

    let texts = workspace_policies(ws, disable);
    let input = build_input();
    let findings;
    let loaded;
    if let Some(sb) = sandbox {
        // The worker builds the data document; here the policies are only
        // loaded (parsed, packages checked, compiled), which needs no data.
        let empty = Value::new_object();
        loaded = load::load(
            texts,
            &empty,
            Some(&input),
            sb.time_limit,
            &ws.sources,
            &mut problems,
        );
        let config = config.map(|c| &c.data);
        findings = eval::evaluate_with(&loaded, &ws.sources, &mut problems, |jobs| {
            sandbox::run(sb, &loaded.policies, jobs, &checked.registry, config)
        });
    } else {
        let data = data_document(&checked.registry, config.map(|c| &c.data));
        loaded = load::load(
            texts,
            &data,
            Some(&input),
            EVAL_TIME_LIMIT,
            &ws.sources,
            &mut problems,
        );
        findings = eval::evaluate(&loaded, &ws.sources, &mut problems);
    }

    let mut ctx = Ctx {
        sources: &ws.sources,
        checked,
        anchor,
        suggestions_left: diagnose::SUGGESTION_BUDGET,
    };
    let mut diags = Diagnostics::new();
    let mut warnings = Vec::new();
    for f in &findings {
        if f.rule == RuleKind::Warn {
            warnings.push((f.reference.as_deref(), diagnose::message(f)));
        }
        diags.push(ctx.finding(f));
    }
    for p in problems {
        diags.push(ctx.problem(p));
    }
    warnings.sort_unstable();
    warnings.dedup();
    let warnings = warnings
        .into_iter()
        .map(|(r, message)| match r {
            Some(r) => json!({"code": "PM0702", "message": message, "ref": r}),
            None => json!({"code": "PM0702", "message": message}),
        })
        .collect();

    let policies = loaded
        .policies
        .iter()
        .map(|p| json!({"package": p.package, "path": p.src.path, "digest": digest(p.src.text)}))
        .collect();
    (GovernanceReport { policies, warnings }, diags)
}

/// PM0703 for the workspace's own policies that do not parse or whose package
/// is not allowed, found by loading them without running anything: what the
/// pipeline reports when errors elsewhere keep governance from running, so a
/// broken policy shows at once (the language server publishes it on the
/// `.rego` file). Compile problems wait for a real run (a policy may read
/// another's rules).
pub fn check_policy_syntax(ws: &Workspace, checked: &Checked) -> Diagnostics {
    let disable: &[String] = ws
        .manifest
        .as_ref()
        .map_or(&[], |m| m.governance.disable.as_slice());
    let texts: Vec<PolicyText<'_>> = workspace_policies(ws, disable)
        .into_iter()
        .filter(|p| !p.stdlib)
        .collect();
    let mut diags = Diagnostics::new();
    if texts.is_empty() {
        return diags;
    }
    let mut problems = Vec::new();
    let empty = Value::new_object();
    let _ = load::load(
        texts,
        &empty,
        None,
        EVAL_TIME_LIMIT,
        &ws.sources,
        &mut problems,
    );
    let ctx = Ctx {
        sources: &ws.sources,
        checked,
        anchor: diagnose::anchor(ws),
        suggestions_left: 0,
    };
    for p in problems {
        if matches!(p, Problem::Syntax { .. } | Problem::Package { .. }) {
            diags.push(ctx.problem(p));
        }
    }
    diags
}

/// PM0704: the reads of registry paths no declaration can have, in every policy
/// that takes part ([`shape`]). Needs no registry: the pipeline runs it whether or
/// not the earlier stages found errors.
pub fn check_policy_shapes(ws: &Workspace) -> Diagnostics {
    let disable: &[String] = ws
        .manifest
        .as_ref()
        .map_or(&[], |m| m.governance.disable.as_slice());
    let policies: Vec<shape::PolicySource<'_>> = workspace_policies(ws, disable)
        .into_iter()
        .filter_map(|p| {
            Some(shape::PolicySource {
                file: p.file?,
                path: p.path,
                text: p.text,
            })
        })
        .collect();
    shape::check(&policies)
}

/// The policy files that take part: every loaded `.rego`, less the stdlib packages
/// `[governance] disable` switches off.
fn workspace_policies<'a>(ws: &'a Workspace, disable: &[String]) -> Vec<PolicyText<'a>> {
    ws.policy_files
        .iter()
        .filter_map(|&id| ws.sources.get(id))
        .filter(|f| {
            !f.stdlib
                || stdlib::package_of(&f.text)
                    .is_none_or(|pkg| !disable.iter().any(|n| stdlib::disables(n, pkg)))
        })
        .map(|f| PolicyText {
            file: Some(f.id),
            path: &f.path,
            text: &f.text,
            stdlib: f.stdlib,
        })
        .collect()
}

/// `data` as policies see it: `{"pmth": {"registry": …, "config": …}}`, converted
/// to a regorus value once: the registry from its canonical text, in parallel
/// ([`convert::registry_value`]), the config from its `serde_json` tree.
pub(crate) fn data_document(registry: &Registry, config: Option<&serde_json::Value>) -> Value {
    let config = match config {
        Some(v @ serde_json::Value::Object(_)) => convert::to_value(v),
        _ => Value::new_object(),
    };
    let mut pmth = std::collections::BTreeMap::new();
    pmth.insert(Value::from("registry"), convert::registry_value(registry));
    pmth.insert(Value::from("config"), config);
    let mut root = std::collections::BTreeMap::new();
    root.insert(Value::from("pmth"), Value::from(pmth));
    Value::from(root)
}

/// `input` at build time.
fn build_input() -> Value {
    let mut input = std::collections::BTreeMap::new();
    input.insert(Value::from("phase"), Value::from("build"));
    Value::from(input)
}

/// `sha256:` and the hex digest of a policy's text.
pub(crate) fn digest(text: &str) -> String {
    let hash = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in hash {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
