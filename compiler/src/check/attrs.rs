//! The table-driven attribute walker: checks a block against an attribute table
//! (PM0201, PM0202, PM0203, PM0204, PM0205, PM0206, PM0102 for a reference of the
//! wrong kind, PM0302 for a literal secret) and encodes it as registry JSON in the
//! same pass. Nothing here names an attribute: the tables say everything.

use super::expr::render_value;
use crate::ast::{Block, Field, Item, Step, Value, ValueKind};
use crate::diag::{suggest, Diagnostic};
use crate::resolve::{RefMap, Symbols};
use crate::schema::{self, AttrSpec, Ty};
use crate::source::Span;
use crate::types::{self, TypeCx};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeSet, HashMap};

/// A reference as the lock file records it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RefUse {
    /// Attribute path, `steps.gather.agent` (no list index).
    pub path: String,
    /// As written, `tool.web_search@^1.2`.
    pub written: String,
    /// The resolved id, `web_search@1.2.3`.
    pub target: String,
}

/// Walks one declaration's blocks.
pub struct Walker<'a> {
    refs: &'a RefMap,
    symbols: &'a Symbols,
    /// Template bodies: params are unknown and required attributes may come later.
    in_template: bool,
    /// The declaration's header, where PM0202 goes.
    owner: Span,
    /// The declaration's name (for suggested environment variable names).
    decl_name: String,
    pub diags: Vec<Diagnostic>,
    /// Paths (`limits.timeout`, `steps.a.after`) whose value errored or was skipped.
    pub bad: BTreeSet<String>,
    pub uses: Vec<RefUse>,
    failures: usize,
    /// The attribute whose value is being checked: a value outside it was
    /// substituted from a template argument.
    attr_span: Option<Span>,
}

impl<'a> Walker<'a> {
    pub fn new(
        refs: &'a RefMap,
        symbols: &'a Symbols,
        decl: &crate::ast::Decl,
        in_template: bool,
    ) -> Walker<'a> {
        Walker {
            refs,
            symbols,
            in_template,
            owner: decl.header,
            decl_name: decl.name.name.to_string(),
            diags: Vec::new(),
            bad: BTreeSet::new(),
            uses: Vec::new(),
            failures: 0,
            attr_span: None,
        }
    }

    /// Checks `block` against `table`; returns its registry JSON (defaults
    /// written, absent optional attributes omitted).
    pub fn block(
        &mut self,
        table: &'static [AttrSpec],
        block: &Block,
        path: &str,
    ) -> Map<String, Json> {
        let mut out = Map::new();
        // The attributes set so far: a table has a few dozen rows at most.
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        let set_at = |seen: &[(&str, Span)], key: &str| {
            seen.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
        };
        let mut meant: BTreeSet<&'static str> = BTreeSet::new();
        let mut steps = Map::new();
        for item in &block.items {
            let (key, key_span) = match item {
                Item::Attr(a) => (a.key.name.as_str(), a.key.span),
                Item::Field(f) => (f.name.name.as_str(), f.name.span),
                Item::Step(_) | Item::Param(_) => ("", item.span()),
            };
            let spec = schema::find(table, key);
            if let Some(first) = spec.and_then(|_| set_at(&seen, key)) {
                self.diags.push(twice(key, key_span, first));
                continue;
            }
            match (item, spec) {
                (Item::Param(_), _) if self.in_template && path.is_empty() => {}
                (Item::Param(p), _) => self.error(
                    join(path, &p.name.name),
                    Diagnostic::new(
                        "PM0201",
                        p.span,
                        "`param` is only allowed in a template body",
                    )
                    .label("not an attribute"),
                ),
                (Item::Step(s), _) => match table.iter().find(|a| matches!(a.ty, Ty::Steps(_))) {
                    Some(AttrSpec {
                        ty: Ty::Steps(rows),
                        key,
                        ..
                    }) => {
                        self.step(rows, s, key, &mut steps);
                    }
                    _ => self.error(
                        join(path, &s.name.name),
                        Diagnostic::new("PM0201", s.header, "a step is only allowed in a workflow")
                            .label("not an attribute here"),
                    ),
                },
                (_, None) => {
                    let d = self.unknown(table, key, key_span, path, &mut meant);
                    self.diags.push(d);
                }
                (Item::Attr(a), Some(spec)) => {
                    seen.push((spec.name, a.key.span));
                    let p = join(path, spec.name);
                    let v = match spec.ty {
                        Ty::TypeExpr => {
                            let d =
                                Diagnostic::new("PM0203", a.span, format!("`{key}` takes a type"))
                                    .label("not a type")
                                    .help(format!("write `{key}: TYPE`, e.g. `{key}: string`"));
                            self.error(p, d);
                            None
                        }
                        ty => {
                            let outer = self.attr_span.replace(a.span);
                            let v = self.value(&ty, &a.value, &p, key);
                            self.attr_span = outer;
                            v
                        }
                    };
                    if let Some(v) = v {
                        out.insert(spec.key.into(), v);
                    }
                }
                (Item::Field(f), Some(spec)) => {
                    seen.push((spec.name, f.name.span));
                    let p = join(path, spec.name);
                    if let Some(v) = self.type_field(spec, f, &p) {
                        out.insert(spec.key.into(), v);
                    }
                }
            }
        }
        for spec in table {
            if set_at(&seen, spec.name).is_some() {
                continue;
            }
            if let Ty::Steps(_) = spec.ty {
                if !steps.is_empty() || !self.in_template {
                    out.insert(spec.key.into(), Json::Object(std::mem::take(&mut steps)));
                }
                continue;
            }
            if spec.required && !self.in_template && !meant.contains(spec.name) {
                let mut d = Diagnostic::new(
                    "PM0202",
                    self.owner,
                    format!("missing required attribute `{}`", join(path, spec.name)),
                )
                .label(format!("`{}` is not set", spec.name))
                .help(format!("add `{} = …` ({})", spec.name, spec.ty.expected()));
                if !path.is_empty() {
                    d = d.related(block.span, format!("in this `{path}` block"));
                }
                self.error(join(path, spec.name), d);
                continue;
            }
            if let Some(v) = schema::absent_value(spec) {
                out.insert(spec.key.into(), v);
            }
        }
        out
    }

    fn step(
        &mut self,
        rows: &'static [AttrSpec],
        s: &Step,
        key: &str,
        steps: &mut Map<String, Json>,
    ) {
        if steps.contains_key(s.name.name.as_str()) {
            self.diags.push(
                Diagnostic::new(
                    "PM0205",
                    s.name.span,
                    format!("step `{}` is declared twice", s.name.name),
                )
                .label("second declaration")
                .help("rename one of the steps"),
            );
            return;
        }
        let p = join(key, &s.name.name);
        let body = self.block(rows, &s.body, &p);
        steps.insert(s.name.name.to_string(), Json::Object(body));
    }

    /// `returns: TYPE` and the like.
    fn type_field(&mut self, spec: &AttrSpec, f: &Field, path: &str) -> Option<Json> {
        if !matches!(spec.ty, Ty::TypeExpr) {
            let d = Diagnostic::new("PM0203", f.span, format!("`{}` is not a type", f.name.name))
                .label("written as a typed field")
                .help(format!(
                    "write `{} = …` ({})",
                    f.name.name,
                    spec.ty.expected()
                ));
            self.error(path.to_owned(), d);
            return None;
        }
        let mut ds = Vec::new();
        let cx = TypeCx { allow_refs: false };
        let schema = types::type_schema(cx, &f.ty, f.constraints.as_ref(), &mut ds);
        let failed = schema.is_none() || !ds.is_empty();
        self.diags.extend(ds);
        if failed {
            self.fail(path.to_owned());
        }
        schema
    }

    fn unknown(
        &self,
        table: &[AttrSpec],
        key: &str,
        span: Span,
        path: &str,
        meant: &mut BTreeSet<&'static str>,
    ) -> Diagnostic {
        // Inside `traits { … }` the keys are trait names, not attributes.
        let noun = if path.rsplit('.').next() == Some(crate::schema::names::TRAITS) {
            "trait"
        } else {
            "attribute"
        };
        let d = Diagnostic::new("PM0201", span, format!("unknown {noun} `{key}`"))
            .label(format!("not a known {noun} here"));
        match suggest(key, table.iter().map(|a| a.name)) {
            Some(s) => {
                if let Some(spec) = schema::find(table, s) {
                    meant.insert(spec.name);
                }
                if noun == "trait" {
                    d.help(format!(
                        "did you mean `{s}`? the known traits are {}",
                        table
                            .iter()
                            .map(|a| format!("`{}`", a.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                } else {
                    d.help(format!("did you mean `{s}`?"))
                }
            }
            None => d.help(format!(
                "the {noun}s here are {}",
                table
                    .iter()
                    .map(|a| format!("`{}`", a.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// Checks one value against a type; `None` when it errored or was skipped.
    pub fn value(&mut self, ty: &Ty, v: &Value, path: &str, name: &str) -> Option<Json> {
        match &v.kind {
            ValueKind::Invalid | ValueKind::Param(_) => {
                self.fail(path.to_owned());
                return None;
            }
            ValueKind::Str(s) if s.as_plain().is_none() => {
                // `${}`: known once a template is instantiated; outside templates
                // the expand stage reported PM0602.
                self.fail(path.to_owned());
                return None;
            }
            _ => {}
        }
        let out = match (ty, &v.kind) {
            (Ty::Str, ValueKind::Str(s)) => s.as_plain().map(Json::String),
            (Ty::Url, ValueKind::Str(s)) => {
                let text = s.as_plain().unwrap_or_default();
                if is_url(&text) {
                    Some(Json::String(text))
                } else {
                    let d = Diagnostic::new("PM0203", v.span, format!("`{name}` must be a URL"))
                        .label(format!("`{text}` is not an absolute URL"))
                        .help("write a URL such as `https://api.example.com/v1`");
                    return self.error_none(path, d);
                }
            }
            (Ty::Int { min, max }, ValueKind::Int(n)) => {
                let below = min.is_some_and(|m| *n < m);
                let above = max.is_some_and(|m| *n > m);
                if below || above {
                    return self.error_none(path, out_of_range(name, v.span, &n.to_string(), ty));
                }
                Some(json!(n))
            }
            (Ty::Float { min, max }, ValueKind::Int(_) | ValueKind::Float(_)) => {
                let (x, text, j) = match v.kind {
                    ValueKind::Int(n) => (n as f64, n.to_string(), json!(n)),
                    ValueKind::Float(x) => (x, x.to_string(), json!(x)),
                    _ => (0.0, String::new(), Json::Null),
                };
                if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
                    return self.error_none(path, out_of_range(name, v.span, &text, ty));
                }
                Some(j)
            }
            (Ty::Bool, ValueKind::Bool(b)) => Some(json!(b)),
            (Ty::Duration, ValueKind::Duration(ms)) => Some(json!(ms)),
            (Ty::Size, ValueKind::Size(b)) => Some(json!(b)),
            (Ty::Rate, ValueKind::Rate { count, window_ms }) => {
                Some(json!({"count": count, "window_ms": window_ms}))
            }
            // A union-typed template param (`"a" | "b"`) substituted into an enum.
            (Ty::Enum(words), ValueKind::Str(t))
                if self.substituted(v)
                    && t.as_plain().is_some_and(|t| words.contains(&t.as_str())) =>
            {
                t.as_plain().map(Json::String)
            }
            (Ty::Enum(words), ValueKind::Word(w)) => {
                if words.contains(&w.as_str()) {
                    Some(Json::String(w.clone()))
                } else {
                    let d = Diagnostic::new(
                        "PM0206",
                        v.span,
                        format!("`{w}` is not a valid value for `{name}`"),
                    )
                    .label(format!("expected one of {}", words.join(", ")));
                    let d = match suggest(w, words.iter().copied()) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(format!("use one of {}", words.join(", "))),
                    };
                    return self.error_none(path, d);
                }
            }
            (Ty::Ref(kind), ValueKind::Ref(r)) => {
                let target = self.refs.get(&r.span);
                if r.kind != *kind {
                    if target.is_none() {
                        self.fail(path.to_owned());
                        return None;
                    }
                    let d = Diagnostic::new(
                        "PM0102",
                        r.span,
                        format!("`{name}` expects a {kind}, found `{}`", r.written),
                    )
                    .label(format!("this is a {}, not a {kind}", r.kind))
                    .help(if self.symbols.has_name(*kind, &r.name) {
                        format!("did you mean `{kind}.{}`?", r.name)
                    } else {
                        format!("refer to a {kind} here: `{kind}.NAME`")
                    });
                    return self.error_none(path, d);
                }
                match target {
                    Some(t) => {
                        self.uses.push(RefUse {
                            path: path.to_owned(),
                            written: r.written.clone(),
                            target: t.id.clone(),
                        });
                        Some(Json::String(t.id.clone()))
                    }
                    None => {
                        self.fail(path.to_owned());
                        return None;
                    }
                }
            }
            (Ty::List(inner), ValueKind::List(items)) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match self.value(inner, item, path, name) {
                        Some(j) => out.push(j),
                        None => ok = false,
                    }
                }
                ok.then_some(Json::Array(out))
            }
            (Ty::Block(rows), ValueKind::Block(b)) => {
                let before = self.failures;
                let m = self.block(rows, b, path);
                (self.failures == before).then_some(Json::Object(m))
            }
            (Ty::Map(inner), ValueKind::Block(b)) => self.map(inner, b, path),
            (Ty::Tagged(variants), ValueKind::Tagged(id, b)) => {
                self.tagged(variants, &id.name, id.span, Some(b), path, name)
            }
            (Ty::Tagged(variants), ValueKind::Word(w)) => {
                self.tagged(variants, w, v.span, None, path, name)
            }
            (Ty::Secret, ValueKind::Env(n)) => Some(json!({"env": n})),
            (Ty::Secret, ValueKind::Secret(s)) => Some(json!({"secret": s})),
            (
                Ty::Secret,
                ValueKind::Str(_) | ValueKind::Int(_) | ValueKind::Float(_) | ValueKind::Word(_),
            ) => {
                let d = Diagnostic::new("PM0302", v.span, format!("`{name}` must be a secret reference, not a literal"))
                    .label("a secret written into the source")
                    .help(format!(
                        "read it at run time: `{name} = env(\"{}\")` or `{name} = secret(\"vault://…\")`, and rotate the exposed value",
                        env_name(&self.decl_name, name)
                    ));
                return self.error_none(path, d);
            }
            (Ty::Fields, ValueKind::Block(b)) => {
                let mut ds = Vec::new();
                let schema = types::block_schema(TypeCx { allow_refs: false }, b, &mut ds);
                self.diags.extend(ds);
                if schema.is_none() {
                    self.fail(path.to_owned());
                }
                schema
            }
            (Ty::StepRef, ValueKind::Path(segs)) if is_step_ref(segs) => {
                segs.get(1).map(|s| Json::String(s.name.to_string()))
            }
            (Ty::Path, ValueKind::Path(_)) => Some(Json::String(render_value(v))),
            (
                Ty::Expr,
                ValueKind::Expr(_)
                | ValueKind::Path(_)
                | ValueKind::Str(_)
                | ValueKind::Int(_)
                | ValueKind::Float(_)
                | ValueKind::Bool(_)
                | ValueKind::Word(_),
            ) => Some(Json::String(render_value(v))),
            (Ty::Either(tys), _) => {
                match tys.iter().find(|t| fits_form(t, &v.kind)) {
                    Some(Ty::StepRef) => {
                        // Keep `step.` so a step named like an enum word stays distinct.
                        return self
                            .value(&Ty::StepRef, v, path, name)
                            .map(|_| Json::String(render_value(v)));
                    }
                    Some(t) => return self.value(t, v, path, name),
                    None => return self.error_none(path, self.mismatch(ty, v, name)),
                }
            }
            _ => return self.error_none(path, self.mismatch(ty, v, name)),
        };
        if out.is_none() {
            self.fail(path.to_owned());
        }
        out
    }

    fn map(&mut self, inner: &Ty, b: &Block, path: &str) -> Option<Json> {
        let mut out = Map::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut ok = true;
        for item in &b.items {
            let Item::Attr(a) = item else {
                let d = Diagnostic::new("PM0203", item.span(), "expected `KEY = value`")
                    .label("not an entry");
                self.error(path.to_owned(), d);
                ok = false;
                continue;
            };
            if let Some(first) = seen.get(a.key.name.as_str()) {
                self.diags.push(twice(&a.key.name, a.key.span, *first));
                continue;
            }
            seen.insert(&a.key.name, a.key.span);
            let p = join(path, &a.key.name);
            match self.value(inner, &a.value, &p, &a.key.name) {
                Some(j) => {
                    out.insert(a.key.name.to_string(), j);
                }
                None => ok = false,
            }
        }
        ok.then_some(Json::Object(out))
    }

    fn tagged(
        &mut self,
        variants: &'static [schema::Variant],
        word: &str,
        span: Span,
        body: Option<&Block>,
        path: &str,
        name: &str,
    ) -> Option<Json> {
        let Some(variant) = schema::variant(variants, word) else {
            let all: Vec<&str> = variants.iter().map(|v| v.name).collect();
            let d = Diagnostic::new(
                "PM0206",
                span,
                format!("`{word}` is not a valid value for `{name}`"),
            )
            .label(format!("expected one of {}", all.join(", ")));
            let d = match suggest(word, all.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!("use one of {}", all.join(", "))),
            };
            return self.error_none(path, d);
        };
        let before = self.failures;
        let empty = Block {
            items: Vec::new(),
            span,
        };
        let mut m = self.block(variant.attrs, body.unwrap_or(&empty), path);
        m.insert("type".into(), Json::String(variant.name.into()));
        (self.failures == before).then_some(Json::Object(m))
    }

    fn mismatch(&self, ty: &Ty, v: &Value, name: &str) -> Diagnostic {
        let found = v.kind.describe();
        let d = Diagnostic::new(
            "PM0203",
            v.span,
            format!("`{name}` expects {}, found {found}", ty.expected()),
        )
        .label(format!("expected {}", ty.expected()));
        match (ty, &v.kind) {
            (Ty::Ref(kind), ValueKind::Word(w)) => {
                d.help(format!("write a reference: `{kind}.{w}`"))
            }
            (Ty::Enum(words), ValueKind::Str(s))
                if s.as_plain().is_some_and(|t| words.contains(&t.as_str())) =>
            {
                d.help(format!(
                    "write the word without quotes: `{}`",
                    s.as_plain().unwrap_or_default()
                ))
            }
            (Ty::List(inner), _) if fits_form(inner, &v.kind) => d.help("wrap it in a list: `[…]`"),
            (Ty::Float { .. } | Ty::Int { .. }, ValueKind::Str(s))
                if s.as_plain()
                    .is_some_and(|t| t.trim().parse::<f64>().is_ok()) =>
            {
                d.help("write the number without quotes")
            }
            _ => d.help(format!("`{name}` is {}", ty.describe())),
        }
    }

    fn fail(&mut self, path: String) {
        self.failures += 1;
        self.bad.insert(path);
    }

    fn error(&mut self, path: String, d: Diagnostic) {
        self.diags.push(d);
        self.fail(path);
    }

    /// A value's error. Substituted template values already carry the span of the
    /// `param.x` use (references: the argument's), so instances merge there.
    fn error_none(&mut self, path: &str, d: Diagnostic) -> Option<Json> {
        self.error(path.to_owned(), d);
        None
    }

    /// Whether `span` lies inside the attribute `attr`.
    fn is_own(&self, span: Span, attr: Span) -> bool {
        span.file == attr.file && span.start >= attr.start && span.end <= attr.end
    }

    /// A value that came from a template argument rather than the attribute's text.
    fn substituted(&self, v: &Value) -> bool {
        self.attr_span.is_some_and(|a| !self.is_own(v.span, a))
    }
}

/// Whether a value has the surface form a type expects (for `Either` and hints).
fn fits_form(ty: &Ty, v: &ValueKind) -> bool {
    match (ty, v) {
        (Ty::Enum(_), ValueKind::Word(_))
        | (Ty::Tagged(_), ValueKind::Word(_) | ValueKind::Tagged(..)) => true,
        (Ty::StepRef, ValueKind::Path(segs)) => is_step_ref(segs),
        (Ty::Ref(k), ValueKind::Ref(r)) => r.kind == *k,
        (Ty::Str | Ty::Url, ValueKind::Str(_)) => true,
        (Ty::Int { .. }, ValueKind::Int(_))
        | (Ty::Float { .. }, ValueKind::Int(_) | ValueKind::Float(_)) => true,
        (Ty::Bool, ValueKind::Bool(_))
        | (Ty::Duration, ValueKind::Duration(_))
        | (Ty::Size, ValueKind::Size(_)) => true,
        (Ty::Secret, ValueKind::Env(_) | ValueKind::Secret(_)) => true,
        _ => false,
    }
}

fn is_step_ref(segs: &[crate::ast::Ident]) -> bool {
    segs.len() == 2
        && segs
            .first()
            .is_some_and(|s| s.name == crate::schema::names::STEP)
}

fn out_of_range(name: &str, span: Span, text: &str, ty: &Ty) -> Diagnostic {
    Diagnostic::new("PM0204", span, format!("`{name}` is out of range: {text}"))
        .label(format!("must be {}", ty.describe()))
        .help(format!("use a value that is {}", ty.describe()))
}

fn twice(key: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new("PM0205", span, format!("`{key}` is assigned twice"))
        .label("assigned again here")
        .related(first, "first assigned here")
        .help(format!("remove one of the two `{key}`"))
}

/// `LEAKY_CLIENT_SECRET` for service `leaky`'s `client_secret`.
fn env_name(decl: &str, attr: &str) -> String {
    format!("{decl}_{attr}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// `a.b` path join.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        let mut out = String::with_capacity(path.len() + 1 + key.len());
        out.push_str(path);
        out.push('.');
        out.push_str(key);
        out
    }
}

/// `scheme://authority[/…]`, no whitespace.
pub fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    scheme_ok
        && !authority.is_empty()
        && !s.chars().any(char::is_whitespace)
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~:@[]%!$&'()*+,;=".contains(c))
}
