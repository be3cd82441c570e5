//! An instance's arguments against its template's params (§9): unknown, given
//! twice, wrong type or breaking a constraint → PM0601 on the argument; a required
//! param without an argument → one PM0601 on the instantiation. The result is the
//! binding of every param, for substitution.

use super::argtype;
use super::error::Problem;
use super::subst::{Binding, Env};
use super::FastMap;
use crate::ast::{Arg, Field, Value, ValueKind};
use crate::diag::suggest;
use crate::source::Span;

/// Binds each param of `params` (the template chain's, in order) from `args`,
/// reporting what does not fit.
pub(crate) fn bind(
    template: &str,
    params: &[&Field],
    args: &[Arg],
    call: Span,
    memo: &mut argtype::Memo,
    problems: &mut Vec<Problem>,
) -> Env {
    let by_name: FastMap<&str, &Field> =
        params.iter().map(|p| (p.name.name.as_str(), *p)).collect();
    let mut env = Env::with_capacity_and_hasher(params.len(), Default::default());
    let mut given: FastMap<&str, Span> = FastMap::default();
    for arg in args {
        let name = arg.name.name.as_str();
        if let Some(first) = given.get(name) {
            problems.push(Problem::DuplicateArg {
                span: arg.span,
                name: name.to_owned(),
                first: *first,
            });
            continue;
        }
        given.insert(name, arg.span);
        let Some(param) = by_name.get(name) else {
            let mut names: Vec<&str> = by_name.keys().copied().collect();
            names.sort_unstable();
            problems.push(Problem::UnknownArg {
                span: arg.span,
                name: name.to_owned(),
                template: template.to_owned(),
                suggestion: suggest(name, names).map(str::to_owned),
            });
            continue;
        };
        let binding = if !checkable(&arg.value) {
            // Already reported (PM0002, or PM0602 for a param used here).
            Binding::Invalid
        } else {
            match memo.check(param, &arg.value) {
                Ok(()) => Binding::Value(arg.value.clone()),
                Err(problem) => {
                    problems.push(Problem::BadArg {
                        span: arg.span,
                        name: name.to_owned(),
                        problem,
                        param: param.name.span,
                    });
                    Binding::Invalid
                }
            }
        };
        env.insert(name.to_owned(), binding);
    }
    let mut missing = Vec::new();
    for p in params {
        let name = &p.name.name;
        if env.contains_key(name.as_str()) {
            continue;
        }
        let binding = match (&p.default, p.optional) {
            (Some(d), _) => Binding::Value(d.clone()),
            (None, true) => Binding::Absent,
            (None, false) => {
                missing.push((name.to_string(), p.name.span));
                Binding::Invalid
            }
        };
        env.insert(name.to_string(), binding);
    }
    if !missing.is_empty() {
        problems.push(Problem::MissingArgs {
            call,
            template: template.to_owned(),
            missing,
        });
    }
    env
}

/// False when the value (or a part of it) is invalid or a template param used
/// outside a template: both are reported elsewhere.
fn checkable(v: &Value) -> bool {
    let mut ok = true;
    crate::ast::walk_value(v, &mut |x| match &x.kind {
        ValueKind::Invalid | ValueKind::Param(_) => ok = false,
        ValueKind::Str(s) if s.as_plain().is_none() => ok = false,
        _ => {}
    });
    ok
}
