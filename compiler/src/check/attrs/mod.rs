//! The table-driven attribute walker: checks a block against an attribute table
//! (PM0201, PM0202, PM0203, PM0204, PM0205, PM0206, PM0102 for a reference of the
//! wrong kind, PM0302 for a literal secret) and encodes it as registry JSON in the
//! same pass. Nothing here names an attribute: the tables say everything.

use super::expr::render_value;
use crate::ast::{Block, Field, Item, Step, Value, ValueKind};
use crate::diag::{fix, rename_fix, suggestion, Applicability, Diagnostic, Fix};
use crate::resolve::{RefMap, Symbols};
use crate::schema::{self, AttrSpec, Ty};
use crate::source::SourceMap;
use crate::source::Span;
use crate::types::{self, TypeCx};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeSet, HashMap};

mod value;

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
    /// For the text around an edit (indentation of an inserted line).
    sources: &'a SourceMap,
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
        sources: &'a SourceMap,
        refs: &'a RefMap,
        symbols: &'a Symbols,
        decl: &crate::ast::Decl,
        in_template: bool,
    ) -> Walker<'a> {
        Walker {
            sources,
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
                    let d = self.unknown(table, (item, block), key_span, path, &mut meant);
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
            let waived = spec.unless.is_some_and(|u| set_at(&seen, u).is_some());
            if spec.required && !waived && !self.in_template && !meant.contains(spec.name) {
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
                if let Some(p) = schema::placeholder(spec.ty) {
                    let line = format!("{} = {p}", spec.name);
                    d = d.maybe_fix(fix::insert_in_block(self.sources, block.span, &line).map(
                        |e| Fix {
                            message: format!("add `{line}`"),
                            applicability: Applicability::Unsafe,
                            edits: vec![e],
                        },
                    ));
                }
                self.error(join(path, spec.name), d);
                continue;
            }
            if !self.condition_holds(spec, table, &out) {
                continue;
            }
            if let Some(v) = schema::absent_value(spec) {
                out.insert(spec.key.into(), v);
            }
        }
        self.exclusions(table, block, path, &seen, &mut out);
        out
    }

    /// Whether a row's `only_when` condition holds in a block whose other
    /// attributes encoded to `out` (true without a condition; false while the
    /// sibling it depends on is absent or errored).
    fn condition_holds(
        &self,
        spec: &AttrSpec,
        table: &[AttrSpec],
        out: &Map<String, Json>,
    ) -> bool {
        let Some((attr, word)) = spec.only_when else {
            return true;
        };
        let key = schema::find(table, attr).map_or(attr, |s| s.key);
        out.get(key).and_then(Json::as_str) == Some(word)
    }

    /// PM0203 on attributes a table forbids in this block: those whose
    /// `only_when` sibling has another value, and those a set row `excludes`.
    fn exclusions(
        &mut self,
        table: &'static [AttrSpec],
        block: &Block,
        path: &str,
        seen: &[(&'static str, Span)],
        out: &mut Map<String, Json>,
    ) {
        let set = |key: &str| seen.iter().any(|(k, _)| *k == key);
        for item in &block.items {
            let (key, span) = match item {
                Item::Attr(a) => (a.key.name.as_str(), a.span),
                Item::Field(f) => (f.name.name.as_str(), f.span),
                _ => continue,
            };
            let Some(spec) = schema::find(table, key) else {
                continue;
            };
            let p = join(path, spec.name);
            if let Some((attr, word)) = spec.only_when {
                let sibling = schema::find(table, attr).map_or(attr, |s| s.key);
                let known = out.get(sibling).and_then(Json::as_str).map(str::to_owned);
                // Unknown while the sibling is absent-and-required or errored:
                // that is reported already.
                if let Some(value) = known.filter(|v| v != word) {
                    let d = Diagnostic::new(
                        "PM0203",
                        span,
                        format!("`{key}` is only for `{attr} = {word}`, not `{attr} = {value}`"),
                    )
                    .label(format!("not allowed when `{attr} = {value}`"))
                    .help(format!("remove `{key}`, or set `{attr} = {word}`"));
                    out.remove(spec.key);
                    self.error(p, d);
                    continue;
                }
            }
            if let Some(by) = table
                .iter()
                .find(|r| r.excludes.contains(&spec.name) && set(r.name))
            {
                let d = Diagnostic::new(
                    "PM0203",
                    span,
                    format!("`{key}` cannot be set together with `{}`", by.name),
                )
                .label(format!("not allowed with `{}`", by.name))
                .help(format!(
                    "remove `{key}`: with `{}` set, {} are not allowed",
                    by.name,
                    by.excludes
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                out.remove(spec.key);
                self.error(p, d);
            }
        }
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
        (item, block): (&Item, &Block),
        span: Span,
        path: &str,
        meant: &mut BTreeSet<&'static str>,
    ) -> Diagnostic {
        let key = match item {
            Item::Attr(a) => a.key.name.as_str(),
            Item::Field(f) => f.name.name.as_str(),
            Item::Step(_) | Item::Param(_) => "",
        };
        // Inside `traits { … }` the keys are trait names, not attributes.
        let noun = if path.rsplit('.').next() == Some(crate::schema::names::TRAITS) {
            "trait"
        } else {
            "attribute"
        };
        let d = Diagnostic::new("PM0201", span, format!("unknown {noun} `{key}`"))
            .label(format!("not a known {noun} here"));
        // Every name of the table, as the help lists them.
        let listed = || {
            table
                .iter()
                .map(|a| format!("`{}`", a.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match suggestion(key, table.iter().map(|a| a.name)) {
            Some(found) => {
                let s = found.name;
                let fixable = |n: &&str| {
                    let set = block.attrs().any(|a| a.key.name == *n);
                    !set && schema::find(table, n).is_some_and(|spec| takes(spec.ty, item))
                };
                let d = d.maybe_fix(found.unique().filter(fixable).map(|n| rename_fix(span, n)));
                if let Some(spec) = schema::find(table, s) {
                    meant.insert(spec.name);
                }
                if noun == "trait" {
                    d.help(format!(
                        "did you mean `{s}`? the known traits are {}",
                        listed()
                    ))
                } else {
                    d.help(format!("did you mean `{s}`?"))
                }
            }
            None => d.help(format!("the {noun}s here are {}", listed())),
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

fn twice(key: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new("PM0205", span, format!("`{key}` is assigned twice"))
        .label("assigned again here")
        .related(first, "first assigned here")
        .help(format!("remove one of the two `{key}`"))
}

/// `LEAKY_CLIENT_SECRET` for service `leaky`'s `client_secret`.
/// Whether `item`, renamed to an attribute of type `ty`, would have the form
/// that type expects (a key fix is safe only then).
fn takes(ty: Ty, item: &Item) -> bool {
    match item {
        Item::Attr(a) => match (ty, &a.value.kind) {
            (Ty::Block(_) | Ty::Map(_), ValueKind::Block(_))
            | (Ty::List(_), ValueKind::List(_)) => true,
            (ty, v) => value::fits_form(&ty, v),
        },
        Item::Field(_) => matches!(ty, Ty::TypeExpr),
        Item::Step(_) | Item::Param(_) => false,
    }
}

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
