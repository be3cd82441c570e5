//! Evaluating each package's `deny` and `warn` rules with `Engine::eval_rule`, and
//! reading their values (sets of strings or `{msg, ref, attr}` objects) into
//! [`Finding`]s. A rule that fails is reported and the others still run.

use super::diagnose::Problem;
use super::load::{error_text, guarded, reported_span, Loaded, PolicyText};
use crate::source::SourceMap;
use regorus::Value;
use std::collections::BTreeMap;

/// The two rules governance reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum RuleKind {
    Deny,
    Warn,
}

impl RuleKind {
    pub const ALL: [RuleKind; 2] = [RuleKind::Deny, RuleKind::Warn];

    pub fn name(self) -> &'static str {
        match self {
            RuleKind::Deny => "deny",
            RuleKind::Warn => "warn",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RuleKind::Deny => "PM0701",
            RuleKind::Warn => "PM0702",
        }
    }
}

/// One entry of a `deny` or `warn` set.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Finding {
    pub rule: RuleKind,
    pub package: String,
    pub msg: String,
    /// `KIND.ID`, e.g. `agent.researcher@1.0.0`.
    pub reference: Option<String>,
    /// A dotted path inside the declaration, e.g. `governance.audit`, `tools[1]`.
    pub attr: Option<String>,
    /// What was wrong with an entry that is not a string or `{msg, ref, attr}`
    /// (it is still reported: a deny is never dropped).
    pub malformed: Option<&'static str>,
    /// The package is a stdlib one (so `disable` can switch it off).
    pub stdlib: bool,
}

/// Evaluates `deny` and `warn` of every package that defines them, packages in
/// name order. The rules run in parallel, each on its own clone of the loaded
/// engine (a clone shares the policies and the data document: with regorus'
/// `arc` feature a `Value` clone is a reference count), each under the
/// engine's execution time limit; their results are then read in order, so
/// findings and problems do not depend on thread scheduling. Findings come
/// back sorted.
pub(crate) fn evaluate(
    loaded: &Loaded<'_>,
    sources: &SourceMap,
    problems: &mut Vec<Problem>,
) -> Vec<Finding> {
    use rayon::prelude::*;
    evaluate_with(loaded, sources, problems, |jobs| {
        jobs.par_iter()
            .map(|(package, rule)| {
                let mut engine = loaded.engine.clone();
                guarded(|| engine.eval_rule(format!("data.{package}.{}", rule.name())))
            })
            .collect()
    })
}

/// [`evaluate`], with the rules (package, rule) evaluated by `run`, one result
/// per job in order (in-process, or in a bounded worker: `sandbox`).
pub(crate) fn evaluate_with(
    loaded: &Loaded<'_>,
    sources: &SourceMap,
    problems: &mut Vec<Problem>,
    run: impl FnOnce(&[(&str, RuleKind)]) -> Vec<Result<Value, String>>,
) -> Vec<Finding> {
    let Loaded { policies, .. } = loaded;
    let mut packages: BTreeMap<&str, Vec<&super::load::Policy<'_>>> = BTreeMap::new();
    // Runtime rules (`pmth.runtime.ext.…`) answer runtime requests only
    // (BUNDLE.md §5): build-time governance never evaluates them.
    for p in policies.iter().filter(|p| !p.runtime) {
        packages.entry(p.package.as_str()).or_default().push(p);
    }
    let texts: Vec<PolicyText<'_>> = policies.iter().map(|p| p.src).collect();
    // One job per rule to evaluate: (package, its members, rule, first definer).
    let mut jobs = Vec::new();
    for (package, members) in &packages {
        for rule in RuleKind::ALL {
            if let Some(first) = members.iter().find(|p| p.defines(rule.name())) {
                jobs.push((*package, members, rule, *first));
            }
        }
    }
    let queries: Vec<(&str, RuleKind)> = jobs.iter().map(|(p, _, r, _)| (*p, *r)).collect();
    let results = run(&queries);
    let mut findings = Vec::new();
    for ((package, members, rule, first), result) in jobs.into_iter().zip(results) {
        let stdlib = members.iter().all(|p| p.src.stdlib);
        match result {
            Ok(value) => read(&value, rule, package, stdlib, &mut findings),
            Err(text) => {
                problems.push(Problem::Eval {
                    path: first.src.path.to_owned(),
                    package: package.to_owned(),
                    rule: rule.name(),
                    at: first.package_span,
                    failed_at: reported_span(&text, &texts, sources),
                    message: error_text(&text),
                });
            }
        }
    }
    findings.sort();
    findings
}

/// Reads a rule's value: a set (or array) of entries; undefined means none.
fn read(value: &Value, rule: RuleKind, package: &str, stdlib: bool, out: &mut Vec<Finding>) {
    let mut push = |entry: &Value| out.push(entry_finding(entry, rule, package, stdlib));
    match value {
        Value::Undefined => {}
        Value::Set(set) => set.iter().for_each(&mut push),
        Value::Array(items) => items.iter().for_each(&mut push),
        Value::Bool(false) | Value::Null => {}
        other => out.push(Finding {
            malformed: Some("a `deny`/`warn` rule should be a set of messages"),
            ..entry_finding(other, rule, package, stdlib)
        }),
    }
}

fn entry_finding(entry: &Value, rule: RuleKind, package: &str, stdlib: bool) -> Finding {
    let mut f = Finding {
        rule,
        package: package.to_owned(),
        msg: String::new(),
        reference: None,
        attr: None,
        malformed: None,
        stdlib,
    };
    match entry {
        Value::String(s) => f.msg = s.to_string(),
        Value::Object(_) => {
            let field = |key: &str| match &entry[&Value::from(key)] {
                Value::String(s) => Some(s.to_string()),
                _ => None,
            };
            match field("msg") {
                Some(msg) => f.msg = msg,
                None => {
                    f.msg = entry.to_string();
                    f.malformed = Some("an object entry needs a string `msg`");
                }
            }
            f.reference = field("ref");
            f.attr = field("attr");
        }
        other => {
            f.msg = other.to_string();
            f.malformed = Some("an entry should be a string or an object {msg, ref, attr}");
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_json(json: &str) -> Vec<Finding> {
        let v = Value::from_json_str(json).expect("json");
        let mut out = Vec::new();
        read(&v, RuleKind::Deny, "pmth.t", false, &mut out);
        out
    }

    #[test]
    fn strings_and_objects_are_read() {
        let f = read_json(r#"["plain", {"msg": "m", "ref": "agent.a", "attr": "tools[0]"}]"#);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].msg, "plain");
        assert_eq!(f[1].reference.as_deref(), Some("agent.a"));
        assert_eq!(f[1].attr.as_deref(), Some("tools[0]"));
        assert!(f.iter().all(|x| x.malformed.is_none()));
    }

    /// Parallel evaluation relies on this: a clone of a loaded engine, even
    /// after evaluating a rule, shares the data document rather than copying it.
    #[test]
    fn engine_clones_share_the_data_document() {
        let data = Value::from_json_str(r#"{"pmth": {"registry": {"agents": {"a": {"x": 1}}}}}"#)
            .expect("json");
        let mut engine = regorus::Engine::new();
        engine
            .add_policy(
                "p.rego".into(),
                "package pmth.p\nimport rego.v1\nwarn contains id if some id, _ in data.pmth.registry.agents\n".into(),
            )
            .expect("policy");
        engine.add_data(data).expect("data");
        let mut clone = engine.clone();
        let warned = clone.eval_rule("data.pmth.p.warn".into()).expect("eval");
        assert!(
            matches!(&warned, Value::Set(s) if s.len() == 1),
            "{warned:?}"
        );
        let registry = |e: &regorus::Engine| match &e.get_data()["pmth"]["registry"] {
            Value::Object(o) => Some(o.clone()),
            _ => None,
        };
        match (registry(&engine), registry(&clone)) {
            (Some(a), Some(b)) => assert!(regorus::Rc::ptr_eq(&a, &b)),
            other => panic!("no registry: {other:?}"),
        }
    }

    #[test]
    fn malformed_entries_are_kept() {
        let f = read_json(r#"[1, {"ref": "agent.a"}]"#);
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.malformed.is_some()));
        assert_eq!(f[0].msg, "1");
        let f = read_json(r#""a lone string""#);
        assert_eq!(f.len(), 1);
        assert!(f[0].malformed.is_some());
        assert!(read_json("null").is_empty());
    }
}
