//! Stage 5, `check`: checks every declaration against its kind's schema, capability
//! claims, personas, services, types and workflows, and builds the registry.
//!
//! What lives here: the table-driven attribute checks (`attrs`), the semantic
//! rules of each kind (`capability`, `persona`, `service`, `workflow`), and the
//! registry (`registry`, `canonical`). What does not: whether a reference names
//! a declaration (`resolve`), template instantiation (`expand`), policies
//! (`govern`).
//!
//! No cascades: a value that errored marks its attribute path bad
//! ([`UnitFacts::bad`]); rules that need it skip silently, and so do rules whose
//! input is a declaration with a syntax error.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod agent;
mod attrs;
pub mod canonical;
mod capability;
mod compact;
mod cycles;
mod expr;
mod flows;
pub(crate) mod index;
mod persona;
mod registry;
mod service;
mod tool;
mod versions;
pub mod workflow;

pub use attrs::{is_url, RefUse};
pub(crate) use compact::Built;
pub use compact::{Entry, Registry};
pub use expr::{render_expr, render_value};
pub use flows::STEP_OUTPUT_SCHEMA;

use crate::ast::{Block, DeclBody, Kind, Reference, ValueKind};
use crate::diag::{Diagnostic, Diagnostics};
use crate::expand::Unit;
use crate::load::Workspace;
use crate::resolve::{in_instance, RefMap, Resolved, Symbols};
use crate::schema;
use crate::source::SourceMap;
use crate::types::{self, TypeCx};
use serde_json::{Map, Value as Json};
use std::collections::{BTreeSet, HashMap};

// Public Interface

/// The checked registry, and the declarations it was built from (for placing
/// later diagnostics, e.g. governance's `ref`/`attr`).
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// `dist/registry.json` less its `governance` section (BUNDLE.md §1), as
    /// canonical text per declaration. Partial when there were errors.
    pub registry: Registry,
    /// The declarations after expansion (templates included).
    pub units: Vec<Unit>,
    /// `(kind, id)` → index into `units`.
    pub index: HashMap<(Kind, String), usize>,
    /// Resolved references by span (go-to-definition, hover).
    pub refs: RefMap,
    /// Every resolved reference in an attribute, as `pmth.lock` lists them;
    /// sorted, duplicates removed.
    pub references: Vec<LockRef>,
}

/// One `resolve` line of `pmth.lock`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LockRef {
    /// `agent.researcher@1.0.0`
    pub decl: String,
    /// `tools`, `steps.gather.agent`
    pub path: String,
    /// `tool.web_search@^1.2`
    pub written: String,
    /// `web_search@1.2.3`
    pub target: String,
}

pub fn check(ws: &Workspace, resolved: Resolved) -> (Checked, Diagnostics) {
    let Resolved {
        units,
        refs,
        symbols,
    } = resolved;
    let mut diags: Vec<Diagnostic> = Vec::new();
    // Each declaration's attributes are checked on their own, in parallel: its
    // facts, its registry entry unless a later rule still changes it, and its
    // `pmth.lock` references (sorted).
    // The symbol table keys each kept unit by its own `(kind, id)`: the units
    // it maps to are the canonical ones (no id is built or hashed here).
    let mut canonical = vec![false; units.len()];
    let mut index = HashMap::with_capacity(units.len());
    for (key, &i) in symbols.ids() {
        if let Some(c) = canonical.get_mut(i) {
            *c = true;
        }
        index.insert(key.clone(), i);
    }
    let base = Cx {
        sources: &ws.sources,
        units: &units,
        refs: &refs,
        symbols: &symbols,
        canonical,
        facts: Vec::new(),
    };
    let per_unit: Vec<(UnitFacts, Option<compact::Built>, Vec<LockRef>)> = {
        use rayon::prelude::*;
        units
            .par_iter()
            .enumerate()
            .map(|(i, unit)| {
                let mut f = check_unit(&ws.sources, &refs, &symbols, unit);
                let uses = lock_refs(&base, i, std::mem::take(&mut f.uses));
                f.io = io_schemas(unit.decl.kind, &f.json);
                let built = if registry::deferred(unit.decl.kind) {
                    None
                } else {
                    let json = std::mem::take(&mut f.json);
                    registry::build_one(&base, i, &f, json)
                };
                (f, built, uses)
            })
            .collect()
    };
    let canonical = base.canonical;
    let mut facts = Vec::with_capacity(per_unit.len());
    let mut built = Vec::with_capacity(per_unit.len());
    let mut uses = Vec::new();
    for (unit, (mut f, b, u)) in units.iter().zip(per_unit) {
        diags.extend(
            std::mem::take(&mut f.diags)
                .into_iter()
                .map(|d| in_instance(unit, d)),
        );
        facts.push(f);
        built.extend(b);
        if !u.is_empty() {
            uses.push(u);
        }
    }
    let mut cx = Cx {
        sources: &ws.sources,
        units: &units,
        refs: &refs,
        symbols: &symbols,
        canonical,
        facts,
    };
    let caps = capability::check(&cx, &mut diags);
    persona::check(&mut cx, &mut diags);
    service::check(&cx, &mut diags);
    agent::check(&cx, &mut diags);
    tool::check(&cx, &mut diags);
    let world = flows::check(&mut cx, &caps, &mut diags);
    let capability_index = index::build(&cx, &world);
    drop(world);
    let deferred = cx
        .facts
        .iter_mut()
        .enumerate()
        .filter(|(i, _)| {
            units
                .get(*i)
                .is_some_and(|u| registry::deferred(u.decl.kind))
        })
        .map(|(i, f)| (i, std::mem::take(&mut f.json)))
        .collect();
    let registry = registry::build(ws, &cx, built, deferred, capability_index);
    // Each unit's references are sorted, and each unit has its own `decl`:
    // ordering the units by it orders them all.
    uses.sort_by(|a, b| a.first().map(|r| &r.decl).cmp(&b.first().map(|r| &r.decl)));
    let references: Vec<LockRef> = uses.into_iter().flatten().collect();
    drop(cx);
    versions::check(&registry, &units, &index, &mut diags);
    (
        Checked {
            registry,
            units,
            index,
            refs,
            references,
        },
        Diagnostics::from(diags),
    )
}

/// Unit `i`'s references as `pmth.lock` lists them, sorted, duplicates
/// removed: only for the declaration its id names, and not for templates.
fn lock_refs(cx: &Cx, i: usize, uses: Vec<RefUse>) -> Vec<LockRef> {
    let Some(unit) = cx.units.get(i) else {
        return Vec::new();
    };
    if uses.is_empty() || !matches!(unit.decl.body, DeclBody::Attrs(_)) || !cx.is_canonical(i) {
        return Vec::new();
    }
    let decl = format!("{}.{}", unit.decl.kind, unit.decl.id());
    let mut out: Vec<LockRef> = uses
        .into_iter()
        .map(|u| LockRef {
            decl: decl.clone(),
            path: u.path,
            written: u.written,
            target: u.target,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// What checking one declaration's attributes found.
#[derive(Clone, Debug, Default)]
pub struct UnitFacts {
    /// The attributes were checked (a declaration or an expanded instance).
    pub checked: bool,
    /// Registry JSON of the attributes (merged, for personas, after `persona`).
    pub json: Map<String, Json>,
    /// Template params as a JSON Schema object (templates only).
    pub params: Option<Json>,
    /// Attribute paths whose value errored (`limits.timeout`, `steps.a.after`).
    pub bad: BTreeSet<String>,
    /// A tool's `input_schema`/`output_schema`, an agent's `output_schema`:
    /// kept for the workflow rules once the entry is built.
    pub io: Option<Box<workflow::ToolFacts>>,
    /// Its references (moved into [`Checked::references`] once checked).
    pub uses: Vec<RefUse>,
    pub diags: Vec<Diagnostic>,
}

impl UnitFacts {
    /// True when `path` or anything below it errored.
    pub fn is_bad(&self, path: &str) -> bool {
        if self.bad.is_empty() {
            return false;
        }
        let below = format!("{path}.");
        self.bad.contains(path)
            || self
                .bad
                .range(below.clone()..)
                .next()
                .is_some_and(|p| p.starts_with(&below))
    }
}

/// Everything the semantic rules read.
pub struct Cx<'a> {
    pub sources: &'a SourceMap,
    pub units: &'a [Unit],
    pub refs: &'a RefMap,
    pub symbols: &'a Symbols,
    /// Per unit: it is the one its `(kind, id)` resolves to.
    pub canonical: Vec<bool>,
    pub facts: Vec<UnitFacts>,
}

impl Cx<'_> {
    /// The attribute block of a checked declaration (not templates, not broken).
    pub fn body(&self, unit: usize) -> Option<&Block> {
        match (
            &self.units.get(unit)?.decl.body,
            self.facts.get(unit)?.checked,
        ) {
            (DeclBody::Attrs(b), true) => Some(b),
            _ => None,
        }
    }

    /// True when the unit is the one its `(kind, id)` resolves to (not a later duplicate).
    pub fn is_canonical(&self, unit: usize) -> bool {
        self.canonical.get(unit).copied().unwrap_or(false)
    }

    /// True when the attribute (or anything under it) errored in that unit.
    pub fn is_bad(&self, unit: usize, path: &str) -> bool {
        self.facts.get(unit).is_none_or(|f| f.is_bad(path))
    }

    /// The references of a list-or-single reference attribute with their targets;
    /// `None` when the attribute errored. Absent attributes give an empty list.
    pub fn targets(&self, unit: usize, attr: &str) -> Option<Vec<(&Reference, usize)>> {
        if self.is_bad(unit, attr) {
            return None;
        }
        let Some(a) = self.body(unit)?.attr(attr) else {
            return Some(Vec::new());
        };
        let values: Vec<&crate::ast::Value> = match &a.value.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![&a.value],
        };
        let mut out = Vec::new();
        for v in values {
            let ValueKind::Ref(r) = &v.kind else {
                return None;
            };
            out.push((&**r, self.refs.get(&r.span)?.unit));
        }
        Some(out)
    }

    /// The references of an attribute that resolved, skipping those that did not
    /// (already reported); for rules that can judge each reference alone.
    pub fn resolved(&self, unit: usize, attr: &str) -> Vec<(&Reference, usize)> {
        let Some(a) = self.body(unit).and_then(|b| b.attr(attr)) else {
            return Vec::new();
        };
        let values: Vec<&crate::ast::Value> = match &a.value.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![&a.value],
        };
        values
            .into_iter()
            .filter_map(|v| match &v.kind {
                ValueKind::Ref(r) => self.refs.get(&r.span).map(|t| (&**r, t.unit)),
                _ => None,
            })
            .collect()
    }

    /// "`path`:line" of a unit's header.
    pub fn place(&self, unit: usize) -> (String, u32) {
        match self.units.get(unit) {
            Some(u) => (
                self.sources.path(u.decl.header.file).to_owned(),
                self.sources.start(u.decl.header).line,
            ),
            None => (String::new(), 0),
        }
    }

    /// Sort key "earliest by (file path, offset)".
    pub fn position(&self, unit: usize) -> (String, u32) {
        match self.units.get(unit) {
            Some(u) => (
                self.sources.path(u.decl.header.file).to_owned(),
                u.decl.header.start,
            ),
            None => (String::new(), 0),
        }
    }

    /// Pushes a diagnostic found in a unit (naming the instance when it points
    /// into a template).
    pub fn report(&self, unit: usize, d: Diagnostic, diags: &mut Vec<Diagnostic>) {
        match self.units.get(unit) {
            Some(u) => diags.push(in_instance(u, d)),
            None => diags.push(d),
        }
    }
}

/// The schemas of a tool (`params`, `returns`) or an agent (`output`), by their
/// rows' registry keys; `None` for other kinds.
fn io_schemas(kind: Kind, json: &Map<String, Json>) -> Option<Box<workflow::ToolFacts>> {
    use schema::names::{OUTPUT, PARAMS, RETURNS};
    let get = |row: &str| {
        let spec = schema::find(schema::attrs(kind), row)?;
        json.get(spec.key).cloned()
    };
    match kind {
        Kind::Tool => Some(Box::new(workflow::ToolFacts {
            input: get(PARAMS),
            output: get(RETURNS),
        })),
        Kind::Agent => Some(Box::new(workflow::ToolFacts {
            input: None,
            output: get(OUTPUT),
        })),
        _ => None,
    }
}

/// Checks one unit's attributes (and a template's params).
fn check_unit(sources: &SourceMap, refs: &RefMap, symbols: &Symbols, unit: &Unit) -> UnitFacts {
    let decl = &unit.decl;
    match &decl.body {
        DeclBody::Attrs(b) => {
            let mut w = attrs::Walker::new(sources, refs, symbols, decl, false);
            let json = w.block(schema::attrs(decl.kind), b, "");
            UnitFacts {
                checked: true,
                json,
                params: None,
                bad: w.bad,
                io: None,
                uses: w.uses,
                diags: w.diags,
            }
        }
        DeclBody::Template(t) => {
            let mut w = attrs::Walker::new(sources, refs, symbols, decl, true);
            let _ = w.block(schema::attrs(t.for_kind), &t.body, "");
            let mut diags = w.diags;
            let params =
                types::fields_schema(TypeCx { allow_refs: true }, t.params(), None, &mut diags);
            UnitFacts {
                checked: false,
                json: Map::new(),
                params,
                bad: w.bad,
                io: None,
                uses: w.uses,
                diags,
            }
        }
        DeclBody::Instance(_) | DeclBody::Broken => UnitFacts::default(),
    }
}

#[cfg(test)]
mod tests;
