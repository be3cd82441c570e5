//! Loading policies into regorus: parse every `.rego` file, check its package, and
//! build one engine holding all the good ones with the data added once. A file that
//! does not parse or compile is reported and left out; the others still load.

use super::diagnose::Problem;
use crate::source::{FileId, SourceMap, Span};
use regorus::unstable::{Module, Parser, Rule, RuleHead};
use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value};
use std::num::NonZeroU32;
use std::time::Duration;

/// Wall-clock budget of one rule evaluation; a runaway policy fails with PM0703
/// instead of hanging the build.
pub const EVAL_TIME_LIMIT: Duration = Duration::from_secs(20);

/// One policy file to load.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PolicyText<'a> {
    /// `None` for an embedded stdlib text that is not in the source map (only
    /// `pmth policy test` loads those).
    pub file: Option<FileId>,
    pub path: &'a str,
    pub text: &'a str,
    pub stdlib: bool,
}

/// A policy that parsed and sits in an allowed package.
#[derive(Clone, Debug)]
pub(crate) struct Policy<'a> {
    pub src: PolicyText<'a>,
    /// `pmth.acme`.
    pub package: String,
    /// The `package` clause, where evaluation errors are reported.
    pub package_span: Option<Span>,
    /// Names of its rules that take no arguments (first path component), sorted.
    pub rules: Vec<String>,
    /// A runtime policy (`pmth.runtime…`, workspace rules in `pmth.runtime.ext.…`
    /// included): loaded, compiled and shipped, but never evaluated at build time.
    pub runtime: bool,
}

impl Policy<'_> {
    pub fn defines(&self, rule: &str) -> bool {
        self.rules
            .binary_search_by(|r| r.as_str().cmp(rule))
            .is_ok()
    }
}

/// The loaded policies and the engine that holds them.
pub(crate) struct Loaded<'a> {
    pub engine: Engine,
    /// Sorted by path.
    pub policies: Vec<Policy<'a>>,
}

/// Loads `texts` (any order) into one engine with `data` and `input`. Problems are
/// pushed to `problems`; the returned engine holds only policies that compile.
pub(crate) fn load<'a>(
    mut texts: Vec<PolicyText<'a>>,
    data: &Value,
    input: Option<&Value>,
    limit: Duration,
    sources: &SourceMap,
    problems: &mut Vec<Problem>,
) -> Loaded<'a> {
    texts.sort_by(|a, b| a.path.cmp(b.path));
    let inputs = Inputs { data, input, limit };
    let mut engine = new_engine(limit);
    let mut parsed = Vec::with_capacity(texts.len());
    for src in texts {
        match guarded(|| engine.add_policy(src.path.to_owned(), src.text.to_owned())) {
            Ok(_) => parsed.push(src),
            Err(e) => problems.push(Problem::Syntax {
                path: src.path.to_owned(),
                at: reported_span(&e, &[src], sources),
                message: error_text(&e),
            }),
        }
    }
    let modules: Vec<_> = engine.get_modules().clone();
    let packages = engine.get_policy_package_components().unwrap_or_default();
    let mut policies = Vec::with_capacity(parsed.len());
    let mut rejected = false;
    for (i, src) in parsed.into_iter().enumerate() {
        let module = modules.get(i);
        let package_span = module.and_then(|m| {
            let s = &m.package.span;
            src.file
                .map(|f| Span::new(f, s.start as usize, s.end as usize))
        });
        let components = packages
            .get(i)
            .map(|p| p.components.clone())
            .unwrap_or_default();
        let package = components.join(".");
        if let Some(why) = package_issue(&components, src.stdlib) {
            problems.push(Problem::Package {
                path: src.path.to_owned(),
                at: package_span,
                package,
                why,
            });
            rejected = true;
            continue;
        }
        let rules = module.map(|m| rule_names(m)).unwrap_or_default();
        let runtime = components.get(1).is_some_and(|c| c == "runtime");
        policies.push(Policy {
            src,
            package,
            package_span,
            rules,
            runtime,
        });
    }
    if rejected {
        engine = new_engine(limit);
        add_policies(&mut engine, &policies);
    }
    inputs.add_to(&mut engine);
    let engine = isolate_compile_errors(engine, &mut policies, &inputs, sources, problems);
    Loaded { engine, policies }
}

/// Why a package is not allowed: `None` when it is fine.
fn package_issue(components: &[String], stdlib: bool) -> Option<&'static str> {
    let plain = |c: &String| {
        let mut chars = c.chars();
        chars
            .next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match components {
        [first, second, ..] if first == "pmth" => {
            if !components.iter().all(plain) {
                Some("package names must be plain dotted names (letters, digits, `_`)")
            } else if second == "registry" || second == "config" {
                Some("`data.pmth.registry` and `data.pmth.config` hold the data policies read")
            } else if second == "std" && !stdlib {
                Some("`pmth.std` is reserved for the standard library's policies")
            } else if second == "runtime"
                && !stdlib
                && !components
                    .get(2)
                    .is_some_and(|c| c == "ext" && components.len() > 3)
            {
                Some("`pmth.runtime` is the runtime policy's; workspace runtime rules go in packages `pmth.runtime.ext.NAME`")
            } else {
                None
            }
        }
        _ => Some("policy packages must sit under `pmth.`"),
    }
}

/// The names of a module's rules that take no arguments.
fn rule_names(module: &Module) -> Vec<String> {
    let mut names = Vec::new();
    for rule in &module.policy {
        let (refr, takes_args) = match rule.as_ref() {
            Rule::Spec { head, .. } => match head {
                RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => (refr, false),
                RuleHead::Func { refr, .. } => (refr, true),
            },
            Rule::Default { refr, args, .. } => (refr, !args.is_empty()),
        };
        if takes_args {
            continue;
        }
        if let Some(first) = Parser::get_path_ref_components(refr)
            .ok()
            .and_then(|c| c.first().map(|s| s.text().to_owned()))
        {
            names.push(first);
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

pub(crate) fn new_engine(limit: Duration) -> Engine {
    let mut engine = Engine::new();
    engine.set_execution_timer_config(ExecutionTimerConfig {
        limit,
        check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
    });
    engine
}

/// Adds `policies` (which parsed before, so they parse again).
fn add_policies(engine: &mut Engine, policies: &[Policy<'_>]) {
    for p in policies {
        let _ = engine.add_policy(p.src.path.to_owned(), p.src.text.to_owned());
    }
}

/// What every engine gets besides the policies.
struct Inputs<'v> {
    data: &'v Value,
    input: Option<&'v Value>,
    limit: Duration,
}

impl Inputs<'_> {
    fn add_to(&self, engine: &mut Engine) {
        // `data` is an object and the engine's is empty, so the merge cannot
        // conflict; cloning a `Value` only bumps a reference count.
        let _ = engine.add_data(self.data.clone());
        if let Some(input) = self.input {
            engine.set_input(input.clone());
        }
    }

    /// A ready engine holding `policies`.
    fn engine(&self, policies: &[Policy<'_>]) -> Engine {
        let mut engine = new_engine(self.limit);
        add_policies(&mut engine, policies);
        self.add_to(&mut engine);
        engine
    }
}

/// Prepares the engine (regorus analyses every module on first use); when that
/// fails, finds the policies responsible, reports them and rebuilds without them.
/// The common case costs one trivial query.
fn isolate_compile_errors(
    mut engine: Engine,
    policies: &mut Vec<Policy<'_>>,
    inputs: &Inputs<'_>,
    sources: &SourceMap,
    problems: &mut Vec<Problem>,
) -> Engine {
    // Each round removes at least one policy, so this ends.
    for _ in 0..=policies.len() {
        let Err(text) = guarded(|| engine.eval_bool_query("true".to_owned(), false)) else {
            return engine;
        };
        let culprits = match reported_path(&text)
            .and_then(|path| policies.iter().position(|p| p.src.path == path))
        {
            Some(i) => vec![(i, text.clone())],
            None => policies
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    let mut alone = inputs.engine(std::slice::from_ref(p));
                    let r = guarded(|| alone.eval_bool_query("true".to_owned(), false));
                    r.err().map(|e| (i, e))
                })
                .collect(),
        };
        // Nobody fails alone: the policies clash with each other; report them all.
        let culprits = if culprits.is_empty() {
            (0..policies.len()).map(|i| (i, text.clone())).collect()
        } else {
            culprits
        };
        for (i, text) in culprits.iter().rev() {
            if *i < policies.len() {
                let p = policies.remove(*i);
                let all = [p.src];
                problems.push(Problem::Compile {
                    path: p.src.path.to_owned(),
                    package: p.package.clone(),
                    at: reported_span(text, &all, sources).or(p.package_span),
                    message: error_text(text),
                });
            }
        }
        engine = inputs.engine(policies);
    }
    engine
}

/// Runs a regorus call; its error, or a panic inside regorus, becomes the error's
/// text, so one bad policy cannot take the compiler down.
pub(crate) fn guarded<T, E: std::fmt::Display>(
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!(
                "error: the policy engine failed unexpectedly {why}"
            ))
        }
    }
}

/// The `path` of regorus' `--> path:line:col` error header.
pub(crate) fn reported_path(text: &str) -> Option<&str> {
    reported(text).map(|(p, _, _)| p)
}

/// Parses regorus' `--> path:line:col` header (the path may itself hold `:`, as in
/// `stdlib:policies/x.rego`).
pub(crate) fn reported(text: &str) -> Option<(&str, u32, u32)> {
    let start = text.find("--> ")? + 4;
    let line = text.get(start..)?.lines().next()?;
    let mut parts = line.rsplitn(3, ':');
    let col = parts.next()?.trim().parse().ok()?;
    let row = parts.next()?.trim().parse().ok()?;
    Some((parts.next()?, row, col))
}

/// The span regorus' error points at, when it is in one of `texts` and that file is
/// in the source map: from the reported column to the end of the token there.
pub(crate) fn reported_span(
    text: &str,
    texts: &[PolicyText<'_>],
    sources: &SourceMap,
) -> Option<Span> {
    let (path, line, col) = reported(text)?;
    let file = texts.iter().find(|t| t.path == path)?.file?;
    let sf = sources.get(file)?;
    let start = sf.lines.offset_of(
        &sf.text,
        line.saturating_sub(1) as usize,
        col.saturating_sub(1) as usize,
    ) as usize;
    let rest = sf.text.get(start..).unwrap_or("");
    let len = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(rest.len(), |(i, _)| i);
    let len = if len == 0 {
        rest.chars()
            .next()
            .filter(|c| *c != '\n')
            .map_or(0, char::len_utf8)
    } else {
        len
    };
    Some(Span::new(file, start, start + len))
}

/// The message of a regorus error without its source excerpt: the text after the
/// last `error: `, or the whole text when there is no excerpt.
pub(crate) fn error_text(text: &str) -> String {
    let msg = text.rsplit_once("error: ").map_or(text, |(_, m)| m);
    msg.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reported_handles_colons_in_paths() {
        let t = "\n--> stdlib:policies/a.rego:13:29\n   |\nerror: divide by zero";
        assert_eq!(reported(t), Some(("stdlib:policies/a.rego", 13, 29)));
        assert_eq!(error_text(t), "divide by zero");
        assert_eq!(reported("no header"), None);
        assert_eq!(error_text("plain"), "plain");
    }

    #[test]
    fn packages_must_sit_under_pmth() {
        let p = |s: &str| s.split('.').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(package_issue(&p("pmth.acme"), false), None);
        assert_eq!(package_issue(&p("pmth.acme.sub"), false), None);
        assert!(package_issue(&p("acme"), false).is_some());
        assert!(package_issue(&p("pmth"), false).is_some());
        assert!(package_issue(&p("pmth.registry"), false).is_some());
        assert!(package_issue(&p("pmth.config.x"), false).is_some());
        assert!(package_issue(&p("pmth.std.x"), false).is_some());
        assert_eq!(package_issue(&p("pmth.std.x"), true), None);
        assert!(package_issue(&["pmth".into(), "a-b".into()], false).is_some());
        assert_eq!(package_issue(&p("pmth.runtime.ext.refunds"), false), None);
        assert!(package_issue(&p("pmth.runtime"), false).is_some());
        assert!(package_issue(&p("pmth.runtime.ext"), false).is_some());
        assert!(package_issue(&p("pmth.runtime.schema"), false).is_some());
        assert_eq!(package_issue(&p("pmth.runtime"), true), None);
    }
}
