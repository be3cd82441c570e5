//! The policy shape check (PM0704, LANGUAGE.md §10): a read of a path under
//! `data.pmth.registry` that no declaration can have is never defined, so the
//! rule around it is silently never true. Each policy's AST is walked, reads of
//! the registry are followed through variables, module constants, imports,
//! `some … in`, `every`, comprehensions, function arguments and `object.get`,
//! against the closed view of the registry ([`crate::schema::shape`]).
//!
//! Only what can be decided is reported: a read through a value whose shape is
//! not known (a dynamic key into a closed object, a function result, `input`) is
//! not followed. The check needs no registry, so it runs on every compilation,
//! errors or not, and in `pmth policy test`.

use crate::diag::{suggest, Diagnostic, Diagnostics};
use crate::schema::shape::{registry_shape, Object, Shape};
use crate::source::{FileId, Span};
use regorus::unstable::{Expr, Literal, Module, Parser, Query, Rule, RuleHead};
use regorus::{Source, Value};
use std::collections::{HashMap, HashSet};

// Public Interface

/// One policy to check.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PolicySource<'a> {
    pub file: FileId,
    pub path: &'a str,
    pub text: &'a str,
}

/// PM0704 for every read of a registry path that no declaration can have, in
/// every policy of `policies` that parses (one that does not is PM0703's).
pub(crate) fn check(policies: &[PolicySource<'_>]) -> Diagnostics {
    let mut out = Diagnostics::new();
    for p in policies {
        let Some(module) = parse(p.path, p.text) else {
            continue;
        };
        for bad in reads(&module) {
            out.push(diagnostic(p.file, &bad));
        }
    }
    out
}

/// A bad read, as facts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BadRead {
    /// Byte span of the offending key in the policy text.
    pub start: u32,
    pub end: u32,
    /// The read as written, up to the bad key (`agent.governance.audti`).
    pub path: String,
    pub key: String,
    pub why: Why,
    /// Through `object.get`: the default is always returned.
    pub defaulted: bool,
    /// The `deny`/`warn` rule that can never be true because of it: its name and
    /// the byte span of its head.
    pub never_true: Option<(String, u32, u32)>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Why {
    /// A closed object without that key.
    NoKey {
        what: String,
        suggestion: Option<String>,
        /// The suggestion is the registry's key for the attribute written `key`.
        renamed: bool,
    },
    /// A string, number or boolean has no keys; `refers` names the kind whose
    /// map holds the id.
    Scalar {
        what: String,
        refers: Option<&'static str>,
        base: String,
    },
    /// A list read by a string key.
    List { base: String },
}

/// The module of a policy text; `None` when it does not parse (PM0703's).
pub(crate) fn parse(path: &str, text: &str) -> Option<Module> {
    let source = Source::from_contents(path.to_owned(), text.to_owned()).ok()?;
    let mut parser = Parser::new(&source).ok()?;
    parser.enable_rego_v1().ok()?;
    parser.parse().ok()
}

/// The bad reads of one module, in source order, each once.
pub(crate) fn reads(module: &Module) -> Vec<BadRead> {
    let mut w = Walker::new(module);
    w.module();
    let mut out = w.found;
    out.sort_by_key(|b| (b.start, b.end));
    out.dedup_by_key(|b| (b.start, b.end));
    out
}

fn diagnostic(file: FileId, b: &BadRead) -> Diagnostic {
    let span = Span::new(file, b.start as usize, b.end as usize);
    let (message, label) = match &b.why {
        Why::NoKey { what, .. } => (
            format!("policy reads `{}`: {what} has no key `{}`", b.path, b.key),
            "no declaration can have this path",
        ),
        Why::Scalar { what, base, .. } => (
            format!(
                "policy reads `{}`: `{base}` is {what}, which has no keys",
                b.path
            ),
            "no declaration can have this path",
        ),
        Why::List { base } => (
            format!(
                "policy reads `{}`: `{base}` is a list, which has no named keys",
                b.path
            ),
            "no declaration can have this path",
        ),
    };
    let mut d = Diagnostic::new("PM0704", span, message).label(label);
    d = if b.defaulted {
        d.note("`object.get` therefore always returns its default here")
    } else {
        d.note("the read is always undefined, so the expression holding it is never true")
    };
    if let Some((rule, start, end)) = &b.never_true {
        d = d
            .related(
                Span::new(file, *start as usize, *end as usize),
                format!("this `{rule}` rule can therefore never be true"),
            )
            .note(if rule == "deny" {
                "a `deny` rule that is never true allows everything it was meant to stop"
            } else {
                "a `warn` rule that is never true stays silent on everything it was meant to flag"
            });
    }
    let help = match &b.why {
        Why::NoKey {
            suggestion: Some(s),
            renamed: true,
            ..
        } => format!(
            "the registry writes `{}` as `{s}`: read `{s}` instead",
            b.key
        ),
        Why::NoKey {
            suggestion: Some(s),
            ..
        } => format!("did you mean `{s}`?"),
        Why::NoKey {
            suggestion: None, ..
        } => "read a key the registry has (docs/reference.md lists each kind's keys; \
              `pmth build` writes them to dist/registry.json)"
            .to_owned(),
        Why::Scalar {
            refers: Some(plural),
            base,
            ..
        } => format!(
            "look the declaration up by its id: `data.pmth.registry.{plural}[{base}].{}`",
            b.key
        ),
        Why::Scalar { base, .. } => format!("`{base}` is a value: compare it, do not read into it"),
        Why::List { base } => format!(
            "iterate over it (`some x in {base}`) or test membership (`\"{}\" in {base}`)",
            b.key
        ),
    };
    d.help(help)
}

// ---- the walk ----------------------------------------------------------------

/// What an expression is known to be.
#[derive(Clone, Copy, Debug)]
enum Val {
    /// `data`.
    Data,
    /// `data.pmth`.
    Pmth,
    /// A registry value.
    Shape(&'static Shape),
}

/// Local variables: a stack of (name, value), searched from the end; a `None`
/// value shadows an outer binding with something unknown.
type Env = Vec<(String, Option<Val>)>;

/// Where a read happens, for the "never true" note.
#[derive(Clone, Debug)]
struct Ctx {
    /// The enclosing `deny`/`warn` rule, while in a positive literal of its body.
    rule: Option<(String, u32, u32)>,
    /// Inside `object.get`'s path.
    defaulted: bool,
}

struct Walker<'m> {
    module: &'m Module,
    /// Zero-argument rules defined once as `name := EXPR` (or `=`), by name.
    consts: HashMap<String, &'m Expr>,
    const_vals: HashMap<String, Option<Val>>,
    in_progress: HashSet<String>,
    /// Functions by name (every definition).
    funcs: HashMap<String, Vec<&'m Rule>>,
    /// (function definition, argument shapes) already walked.
    calls: HashSet<(usize, Vec<usize>)>,
    imports: Vec<(String, &'m Expr)>,
    depth: usize,
    found: Vec<BadRead>,
}

/// How deep function calls are followed.
const MAX_CALL_DEPTH: usize = 8;

fn text_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s.as_ref()),
        _ => None,
    }
}

/// The name of a simple rule head (`deny`, `registry`), when it is one word.
fn head_name(refr: &Expr) -> Option<String> {
    match refr {
        Expr::Var { value, .. } => text_of(value).map(str::to_owned),
        _ => None,
    }
}

fn head_first(refr: &Expr) -> Option<String> {
    match refr {
        Expr::Var { value, .. } => text_of(value).map(str::to_owned),
        Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } => head_first(refr),
        _ => None,
    }
}

/// `object.get`, `count`: the dotted name of a call's function.
fn call_name(fcn: &Expr) -> Option<String> {
    match fcn {
        Expr::Var { value, .. } => text_of(value).map(str::to_owned),
        Expr::RefDot { refr, field, .. } => {
            Some(format!("{}.{}", call_name(refr)?, text_of(&field.1)?))
        }
        _ => None,
    }
}

fn ptr(s: &'static Shape) -> usize {
    s as *const Shape as usize
}

impl<'m> Walker<'m> {
    fn new(module: &'m Module) -> Self {
        let mut defs: HashMap<String, usize> = HashMap::new();
        let mut consts = HashMap::new();
        let mut funcs: HashMap<String, Vec<&Rule>> = HashMap::new();
        for rule in &module.policy {
            let rule: &Rule = rule;
            match rule {
                Rule::Spec { head, bodies, .. } => match head {
                    RuleHead::Compr { refr, assign, .. } => {
                        if let Some(name) = head_name(refr) {
                            *defs.entry(name.clone()).or_default() += 1;
                            if let (Some(a), true) = (assign, bodies.is_empty()) {
                                consts.insert(name, a.value.as_ref());
                            }
                        }
                    }
                    RuleHead::Set { refr, .. } => {
                        if let Some(name) = head_first(refr) {
                            *defs.entry(name).or_default() += 1;
                        }
                    }
                    RuleHead::Func { refr, .. } => {
                        if let Some(name) = head_name(refr) {
                            funcs.entry(name).or_default().push(rule);
                        }
                    }
                },
                Rule::Default { refr, .. } => {
                    if let Some(name) = head_first(refr) {
                        *defs.entry(name).or_default() += 1;
                    }
                }
            }
        }
        consts.retain(|name, _| defs.get(name) == Some(&1));
        let imports = module
            .imports
            .iter()
            .filter_map(|imp| {
                let alias = match &imp.r#as {
                    Some(s) => s.text().to_owned(),
                    None => match imp.refr.as_ref() {
                        Expr::RefDot { field, .. } => text_of(&field.1)?.to_owned(),
                        _ => return None,
                    },
                };
                Some((alias, imp.refr.as_ref()))
            })
            .collect();
        Walker {
            module,
            consts,
            const_vals: HashMap::new(),
            in_progress: HashSet::new(),
            funcs,
            calls: HashSet::new(),
            imports,
            depth: 0,
            found: Vec::new(),
        }
    }

    fn module(&mut self) {
        let plain = Ctx {
            rule: None,
            defaulted: false,
        };
        for (_, refr) in self.imports.clone() {
            self.expr(refr, &mut Vec::new(), &plain);
        }
        for rule in &self.module.policy {
            match rule.as_ref() {
                Rule::Spec { head, bodies, .. } => {
                    let (refr, params) = match head {
                        RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => {
                            (refr, &[][..])
                        }
                        RuleHead::Func { refr, args, .. } => (refr, args.as_slice()),
                    };
                    let name = head_first(refr).unwrap_or_default();
                    let judged = params.is_empty() && (name == "deny" || name == "warn");
                    let head_span = match head {
                        RuleHead::Compr { span, .. }
                        | RuleHead::Set { span, .. }
                        | RuleHead::Func { span, .. } => span,
                    };
                    let ctx = Ctx {
                        rule: judged.then_some((name, head_span.start, head_span.end)),
                        defaulted: false,
                    };
                    let unknown: Vec<Option<Val>> = vec![None; params.len()];
                    self.rule_bodies(head, bodies, &unknown, &ctx);
                }
                Rule::Default { value, .. } => {
                    self.expr(value, &mut Vec::new(), &plain);
                }
            }
        }
    }

    /// Walks a rule's bodies with its parameters bound to `args`, then its head's
    /// value and key in each body's scope.
    fn rule_bodies(
        &mut self,
        head: &'m RuleHead,
        bodies: &'m [regorus::unstable::RuleBody],
        args: &[Option<Val>],
        ctx: &Ctx,
    ) {
        let mut env: Env = Vec::new();
        let plain = Ctx {
            rule: None,
            defaulted: false,
        };
        if let RuleHead::Func { args: params, .. } = head {
            for (p, a) in params.iter().zip(args) {
                self.bind_pattern(p, *a, &mut env, &plain);
            }
        }
        let base = env.len();
        let head_values = |head: &'m RuleHead| -> Vec<&'m Expr> {
            match head {
                RuleHead::Compr { assign, .. } | RuleHead::Func { assign, .. } => {
                    assign.iter().map(|a| a.value.as_ref()).collect()
                }
                RuleHead::Set { key, .. } => key.iter().map(|k| k.as_ref()).collect(),
            }
        };
        if bodies.is_empty() {
            for v in head_values(head) {
                self.expr(v, &mut env, &plain);
            }
            return;
        }
        for (i, body) in bodies.iter().enumerate() {
            env.truncate(base);
            // An `else` body only runs when the ones before failed: it is not the
            // rule's only way to be true.
            let ctx = if i > 0 { &plain } else { ctx };
            self.query(&body.query, &mut env, ctx);
            if let Some(a) = &body.assign {
                self.expr(&a.value, &mut env, &plain);
            }
            if i == 0 {
                for v in head_values(head) {
                    self.expr(v, &mut env, &plain);
                }
            }
        }
    }

    fn query(&mut self, q: &'m Query, env: &mut Env, ctx: &Ctx) {
        let plain = Ctx {
            rule: None,
            defaulted: false,
        };
        for stmt in &q.stmts {
            match &stmt.literal {
                Literal::SomeVars { vars, .. } => {
                    for v in vars {
                        env.push((v.text().to_owned(), None));
                    }
                }
                Literal::SomeIn {
                    key,
                    value,
                    collection,
                    ..
                } => {
                    let c = self.expr(collection, env, ctx);
                    if let Some(k) = key {
                        self.bind_pattern(k, key_of(c), env, &plain);
                    }
                    self.bind_pattern(value, element(c), env, &plain);
                }
                Literal::Expr { expr, .. } => {
                    self.expr(expr, env, ctx);
                }
                Literal::NotExpr { expr, .. } => {
                    self.expr(expr, env, &plain);
                }
                Literal::Every {
                    key,
                    value,
                    domain,
                    query,
                    ..
                } => {
                    let d = self.expr(domain, env, &plain);
                    let mark = env.len();
                    if let Some(k) = key {
                        env.push((k.text().to_owned(), key_of(d)));
                    }
                    env.push((value.text().to_owned(), element(d)));
                    self.query(query, env, &plain);
                    env.truncate(mark);
                }
            }
            for m in &stmt.with_mods {
                self.expr(&m.r#as, env, &plain);
            }
        }
    }

    /// Binds the variables of a pattern (a variable, or literals and arrays of
    /// them) to `val`; only a plain variable gets the value.
    fn bind_pattern(&mut self, p: &'m Expr, val: Option<Val>, env: &mut Env, ctx: &Ctx) {
        match p {
            Expr::Var { value, .. } => {
                if let Some(name) = text_of(value) {
                    if name != "_" {
                        env.push((name.to_owned(), val));
                    }
                }
            }
            Expr::Array { items, .. } => {
                for i in items {
                    self.bind_pattern(i, None, env, ctx);
                }
            }
            _ => {
                self.expr(p, env, ctx);
            }
        }
    }

    fn lookup(&mut self, name: &str, env: &Env) -> Option<Val> {
        if let Some((_, v)) = env.iter().rev().find(|(n, _)| n == name) {
            return *v;
        }
        if let Some(e) = self.consts.get(name).copied() {
            if let Some(v) = self.const_vals.get(name) {
                return *v;
            }
            if !self.in_progress.insert(name.to_owned()) {
                return None;
            }
            let plain = Ctx {
                rule: None,
                defaulted: false,
            };
            let v = self.expr(e, &mut Vec::new(), &plain);
            self.in_progress.remove(name);
            self.const_vals.insert(name.to_owned(), v);
            return v;
        }
        if self.funcs.contains_key(name) {
            return None;
        }
        if let Some((_, refr)) = self.imports.iter().find(|(a, _)| a == name) {
            let refr = *refr;
            let plain = Ctx {
                rule: None,
                defaulted: false,
            };
            return self.expr(refr, &mut Vec::new(), &plain);
        }
        (name == "data").then_some(Val::Data)
    }

    fn expr(&mut self, e: &'m Expr, env: &mut Env, ctx: &Ctx) -> Option<Val> {
        match e {
            Expr::Var { value, .. } => {
                let name = text_of(value)?;
                self.lookup(name, env)
            }
            Expr::RefDot { refr, field, .. } => {
                let base = self.expr(refr, env, ctx);
                let key = text_of(&field.1)?;
                let path = || e.span().text().to_owned();
                self.field(
                    base,
                    key,
                    &field.0,
                    path,
                    || refr.span().text().to_owned(),
                    ctx,
                )
            }
            Expr::RefBrack { refr, index, .. } => {
                let base = self.expr(refr, env, ctx);
                match index.as_ref() {
                    Expr::String { value, span, .. } | Expr::RawString { value, span, .. } => {
                        let key = text_of(value)?;
                        self.field(
                            base,
                            key,
                            span,
                            || e.span().text().to_owned(),
                            || refr.span().text().to_owned(),
                            ctx,
                        )
                    }
                    other => {
                        self.expr(other, env, ctx);
                        element(base)
                    }
                }
            }
            Expr::Call { fcn, params, .. } => self.call(fcn, params, env, ctx),
            Expr::AssignExpr { lhs, rhs, .. } => {
                let v = self.expr(rhs, env, ctx);
                match lhs.as_ref() {
                    Expr::Var { .. } | Expr::Array { .. } => self.bind_pattern(lhs, v, env, ctx),
                    _ => {
                        let l = self.expr(lhs, env, ctx);
                        if let Expr::Var { .. } = rhs.as_ref() {
                            self.bind_pattern(rhs, l, env, ctx);
                        }
                    }
                }
                None
            }
            Expr::Membership {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(k) = key {
                    self.expr(k, env, ctx);
                }
                self.expr(value, env, ctx);
                self.expr(collection, env, ctx);
                None
            }
            Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
                let plain = Ctx {
                    rule: None,
                    defaulted: false,
                };
                let mark = env.len();
                self.query(query, env, &plain);
                self.expr(term, env, &plain);
                env.truncate(mark);
                None
            }
            Expr::ObjectCompr {
                key, value, query, ..
            } => {
                let plain = Ctx {
                    rule: None,
                    defaulted: false,
                };
                let mark = env.len();
                self.query(query, env, &plain);
                self.expr(key, env, &plain);
                self.expr(value, env, &plain);
                env.truncate(mark);
                None
            }
            Expr::Array { items, .. } | Expr::Set { items, .. } => {
                for i in items {
                    self.expr(i, env, ctx);
                }
                None
            }
            Expr::Object { fields, .. } => {
                for (_, k, v) in fields {
                    self.expr(k, env, ctx);
                    self.expr(v, env, ctx);
                }
                None
            }
            Expr::UnaryExpr { expr, .. } => {
                self.expr(expr, env, ctx);
                None
            }
            Expr::BinExpr { lhs, rhs, .. }
            | Expr::BoolExpr { lhs, rhs, .. }
            | Expr::ArithExpr { lhs, rhs, .. } => {
                self.expr(lhs, env, ctx);
                self.expr(rhs, env, ctx);
                None
            }
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    fn call(
        &mut self,
        fcn: &'m Expr,
        params: &'m [regorus::unstable::ExprRef],
        env: &mut Env,
        ctx: &Ctx,
    ) -> Option<Val> {
        let name = call_name(fcn);
        if name.as_deref() == Some("object.get") && params.len() == 3 {
            let (Some(obj), Some(path), Some(default)) =
                (params.first(), params.get(1), params.get(2))
            else {
                return None;
            };
            let base = self.expr(obj, env, ctx);
            self.expr(default, env, ctx);
            let inner = Ctx {
                rule: ctx.rule.clone(),
                defaulted: true,
            };
            let keys: Vec<&'m Expr> = match path.as_ref() {
                Expr::Array { items, .. } => items.iter().map(|i| i.as_ref()).collect(),
                one => vec![one],
            };
            let mut cur = base;
            let mut written = obj.span().text().to_owned();
            for k in keys {
                match k {
                    Expr::String { value, span, .. } | Expr::RawString { value, span, .. } => {
                        let key = text_of(value)?;
                        let before = written.clone();
                        written = format!("{written}.{key}");
                        let path = written.clone();
                        cur = self.field(cur, key, span, || path, || before, &inner);
                    }
                    other => {
                        self.expr(other, env, ctx);
                        written = format!("{written}[{}]", other.span().text());
                        cur = element(cur);
                    }
                }
                cur?;
            }
            return cur;
        }
        let plain = Ctx {
            rule: None,
            defaulted: false,
        };
        let args: Vec<Option<Val>> = params.iter().map(|p| self.expr(p, env, &plain)).collect();
        // A call to one of this module's functions with a registry value: walk
        // the function with its parameters bound.
        if let Expr::Var { value, .. } = fcn {
            let name = text_of(value)?;
            if env.iter().any(|(n, _)| n == name) {
                return None;
            }
            let defs = self.funcs.get(name).cloned().unwrap_or_default();
            if defs.is_empty()
                || self.depth >= MAX_CALL_DEPTH
                || !args.iter().any(|a| matches!(a, Some(Val::Shape(_))))
            {
                return None;
            }
            for def in defs {
                let Rule::Spec { head, bodies, .. } = def else {
                    continue;
                };
                let key = (
                    def as *const Rule as usize,
                    args.iter()
                        .map(|a| match a {
                            Some(Val::Shape(s)) => ptr(s),
                            Some(Val::Data) => 1,
                            Some(Val::Pmth) => 2,
                            None => 0,
                        })
                        .collect(),
                );
                if !self.calls.insert(key) {
                    continue;
                }
                self.depth += 1;
                self.rule_bodies(head, bodies, &args, &plain);
                self.depth -= 1;
            }
        }
        None
    }

    /// Reads `key` from `base`, recording a bad read.
    fn field(
        &mut self,
        base: Option<Val>,
        key: &str,
        at: &regorus::unstable::Span,
        path: impl FnOnce() -> String,
        base_text: impl FnOnce() -> String,
        ctx: &Ctx,
    ) -> Option<Val> {
        let why = match base? {
            Val::Data => return (key == "pmth").then_some(Val::Pmth),
            Val::Pmth => return (key == "registry").then_some(Val::Shape(registry_shape())),
            Val::Shape(shape) => match shape {
                Shape::Open => return None,
                Shape::Map(inner) => return Some(Val::Shape(inner)),
                Shape::Object(o) => match o.field(key) {
                    Some(f) => return Some(Val::Shape(&f.shape)),
                    None => no_key(o, key),
                },
                Shape::List(_) => Why::List { base: base_text() },
                Shape::Scalar { what, refers } => Why::Scalar {
                    what: what.clone(),
                    refers: refers.map(|k| k.plural()),
                    base: base_text(),
                },
            },
        };
        self.found.push(BadRead {
            start: at.start,
            end: at.end,
            path: path(),
            key: key.to_owned(),
            why,
            defaulted: ctx.defaulted,
            never_true: ctx.rule.clone().filter(|_| !ctx.defaulted),
        });
        None
    }
}

fn no_key(o: &Object, key: &str) -> Why {
    if let Some(f) = o.fields.iter().find(|f| f.written == Some(key)) {
        return Why::NoKey {
            what: o.what.clone(),
            suggestion: Some(f.key.to_owned()),
            renamed: true,
        };
    }
    Why::NoKey {
        what: o.what.clone(),
        suggestion: suggest(key, o.fields.iter().map(|f| f.key)).map(str::to_owned),
        renamed: false,
    }
}

/// The value of an element of a collection.
fn element(c: Option<Val>) -> Option<Val> {
    match c? {
        Val::Shape(Shape::Map(inner) | Shape::List(inner)) => Some(Val::Shape(inner)),
        _ => None,
    }
}

/// The key of an element of a collection: always a string or a number.
fn key_of(c: Option<Val>) -> Option<Val> {
    static KEY: std::sync::OnceLock<Shape> = std::sync::OnceLock::new();
    match c? {
        Val::Shape(Shape::Map(_) | Shape::List(_)) => {
            Some(Val::Shape(KEY.get_or_init(|| Shape::Scalar {
                what: "a key".to_owned(),
                refers: None,
            })))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
