//! Stage 4, `resolve`: the symbol table of every declaration and the resolution of
//! every reference to a declaration id (§5).
//!
//! What lives here: ids and duplicates (PM0103), and whether each `KIND.NAME[@REQ]`
//! names a declaration (PM0101, PM0102, PM0104, PM0105, PM0106). What does not:
//! whether the reference's kind fits the attribute it is written in (the check
//! stage, from the schema tables), and `template.T` in instances and `extends`
//! (the expand stage).

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod lookup;
mod symbols;

pub use lookup::{resolve_ref, Outcome, Problem};
pub use symbols::{status_of, Entry, Status, Symbols};

use crate::ast::{walk_block_values, walk_value, DeclBody, Reference, Value, ValueKind};
use crate::diag::{suggestion, Diagnostic, Diagnostics, Fix};
use crate::expand::{Expanded, Unit};
use crate::source::{SourceMap, Span};
use std::collections::HashMap;

// Public Interface

/// What a reference resolved to.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// Index into [`Resolved::units`].
    pub unit: usize,
    /// The resolved id (`name` or `name@version`).
    pub id: String,
}

/// Resolved references by the reference's span. Looked up once per reference
/// by `check` (hundreds of thousands at 100k declarations): a fast fixed
/// hasher (foldhash), never iterated for output.
pub type RefMap = HashMap<Span, Target, foldhash::fast::FixedState>;

/// The expanded declarations with every reference resolved.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    pub units: Vec<Unit>,
    /// Resolved references, keyed by the reference's span. A reference that did
    /// not resolve is absent (its diagnostic was reported, or it depends on an
    /// earlier error).
    pub refs: RefMap,
    /// The symbol table.
    pub symbols: Symbols,
}

/// Builds the symbol table and resolves every reference in declaration bodies,
/// template bodies and instance arguments.
pub fn resolve(sources: &SourceMap, expanded: Expanded) -> (Resolved, Diagnostics) {
    let units = expanded.units;
    let (symbols, dups) = Symbols::build(sources, &units);
    let mut diags = Diagnostics::from(dups);
    let cx = Cx {
        sources,
        units: &units,
        symbols: &symbols,
    };
    // Collected first, so that the map is allocated once at its final size.
    let all: Vec<(&Unit, Vec<&Reference>)> = units.iter().map(|u| (u, refs_in(u))).collect();
    let mut refs = RefMap::with_capacity_and_hasher(
        all.iter().map(|(_, r)| r.len()).sum(),
        foldhash::fast::FixedState::default(),
    );
    for (unit, found) in all {
        for r in found {
            match resolve_ref(&symbols, r) {
                Outcome::Found {
                    unit: target,
                    id,
                    deprecated,
                } => {
                    if deprecated {
                        diags.push(in_instance(unit, cx.deprecated(r, target, &id)));
                    }
                    refs.insert(r.span, Target { unit: target, id });
                }
                Outcome::Failed(problem) => {
                    if let Some(d) = cx.problem(r, &problem) {
                        diags.push(in_instance(unit, d));
                    }
                }
            }
        }
    }
    (
        Resolved {
            units,
            refs,
            symbols,
        },
        diags,
    )
}

/// Every reference in a unit's body (template bodies included) and in its
/// instance arguments.
pub fn refs_in<'a>(unit: &'a Unit) -> Vec<&'a Reference> {
    let mut found: Vec<&Reference> = Vec::new();
    let mut collect = |v: &'a Value| {
        if let ValueKind::Ref(r) = &v.kind {
            found.push(r);
        }
    };
    match &unit.decl.body {
        DeclBody::Attrs(b) => walk_block_values(b, &mut collect),
        DeclBody::Template(t) => walk_block_values(&t.body, &mut collect),
        DeclBody::Instance(_) | DeclBody::Broken => {}
    }
    if let Some(origin) = &unit.origin {
        origin
            .args
            .iter()
            .for_each(|a| walk_value(&a.value, &mut collect));
    }
    found
}

/// For a unit expanded from a template: when the diagnostic points outside the
/// instance's own text (into the template), names the instance in a related
/// label, so the same (code, location) from several instances merges into one
/// ([`Diagnostic::in_instance`]).
pub fn in_instance(unit: &Unit, d: Diagnostic) -> Diagnostic {
    let Some(origin) = &unit.origin else { return d };
    let own = unit.decl.span;
    let p = d.primary.span;
    if p.file == own.file && p.start >= own.start && p.end <= own.end {
        return d;
    }
    d.in_instance(origin.instance, &unit.decl.name.name)
}

struct Cx<'a> {
    sources: &'a SourceMap,
    units: &'a [Unit],
    symbols: &'a Symbols,
}

impl Cx<'_> {
    /// "declared in tools/search.pmth:3"
    fn declared_at(&self, unit: usize) -> String {
        let Some(u) = self.units.get(unit) else {
            return String::new();
        };
        let lc = self.sources.start(u.decl.header);
        format!("{}:{}", self.sources.path(u.decl.header.file), lc.line)
    }

    fn deprecated(&self, r: &Reference, target: usize, id: &str) -> Diagnostic {
        let mut d = Diagnostic::new("PM0106", r.span, format!("{} `{id}` is deprecated", r.kind))
            .label("deprecated")
            .help(format!(
                "move to {} that is not deprecated, or to a newer version",
                r.kind.with_article()
            ));
        if let Some(u) = self.units.get(target) {
            d = d.related(u.decl.header, "marked `status = deprecated` here");
        }
        d.maybe_fix(self.newest_active(r, target))
    }

    /// PM0106's fix: the reference moved to the newest version of its name that
    /// is neither deprecated nor retired, when that is newer than `target`;
    /// `^V` unless a newer (inactive) version would match that, `=V` then.
    fn newest_active(&self, r: &Reference, target: usize) -> Option<Fix> {
        let entries = self.symbols.entries(r.kind, &r.name);
        let old = entries
            .iter()
            .find(|e| e.unit == target)?
            .version
            .as_ref()?;
        let new = entries
            .iter()
            .filter(|e| e.status == Status::Active && !e.invalid_version)
            .filter_map(|e| e.version.as_ref())
            .filter(|v| *v > old)
            .max()?;
        let newer = entries
            .iter()
            .any(|e| e.version.as_ref().is_some_and(|v| v > new));
        let op = if newer { "=" } else { "^" };
        let text = format!("{}.{}@{op}{new}", r.kind, r.name);
        Some(Fix::unsafe_(format!("move to `{text}`"), r.span, text))
    }

    fn problem(&self, r: &Reference, problem: &Problem) -> Option<Diagnostic> {
        let kind = r.kind;
        let name = &r.name;
        let d = match problem {
            Problem::Silent => return None,
            Problem::Unknown => {
                let names = self.symbols.names_of(kind);
                let d = Diagnostic::new("PM0101", r.span, format!("unknown {kind} `{name}`"))
                    .label(format!("no {kind} is named `{name}`"));
                match suggestion(name, names.iter().copied()) {
                    Some(found) => {
                        let s = found.name;
                        let d = d.maybe_fix(found.unique().map(|n| {
                            Fix::safe(format!("replace with `{kind}.{n}`"), r.name_span, n)
                        }));
                        let at = self
                            .symbols
                            .entries(kind, s)
                            .first()
                            .map(|e| format!(" (declared in {})", self.declared_at(e.unit)))
                            .unwrap_or_default();
                        d.help(format!("did you mean `{kind}.{s}`{at}?"))
                    }
                    None => d.help(format!("declare `{kind} {name} {{ … }}`, or fix the name")),
                }
            }
            Problem::OtherKind(kinds) => {
                let list: Vec<String> = kinds.iter().map(|k| format!("`{k}.{name}`")).collect();
                let d = Diagnostic::new(
                    "PM0102",
                    r.span,
                    format!("`{name}` is not {}", kind.with_article()),
                )
                .label(format!("no {kind} is named `{name}`"))
                .help(format!("did you mean {}?", list.join(" or ")));
                match kinds
                    .first()
                    .and_then(|k| self.symbols.entries(*k, name).first())
                {
                    Some(e) => match self.units.get(e.unit) {
                        Some(u) => d.related(
                            u.decl.header,
                            format!("`{name}` is {} declared here", u.decl.kind.with_article()),
                        ),
                        None => d,
                    },
                    None => d,
                }
            }
            Problem::Unversioned => {
                let req = r.req.as_ref().map_or("", |q| q.text.as_str());
                let mut d = Diagnostic::new(
                    "PM0104",
                    r.span,
                    format!("{kind} `{name}` has no versions, so nothing satisfies `@{req}`"),
                )
                .label("requirement on an unversioned declaration")
                .help(format!("write `{kind}.{name}` without a requirement"));
                if let Some(u) = self
                    .symbols
                    .entries(kind, name)
                    .first()
                    .and_then(|e| self.units.get(e.unit))
                {
                    d = d.related(u.decl.header, "declared without a version here");
                }
                d
            }
            Problem::NoMatch(versions) => {
                let req = r.req.as_ref().map_or("", |q| q.text.as_str());
                let list: Vec<String> = versions.iter().map(ToString::to_string).collect();
                let mut d = Diagnostic::new(
                    "PM0104",
                    r.span,
                    format!("no version of {kind} `{name}` satisfies `@{req}`"),
                )
                .label(format!("requires {name}@{req}"))
                .note(format!("declared versions: {}", list.join(", ")));
                d = match versions.last() {
                    Some(v) if !v.pre.is_empty() || versions.iter().any(|v| !v.pre.is_empty()) => d.help(
                        "widen the requirement (pre-releases match only a requirement that names a pre-release)",
                    ),
                    Some(v) => d.help(format!("widen the requirement, e.g. `{kind}.{name}@^{}`, or declare a matching version", v.major)),
                    None => d,
                };
                d
            }
            Problem::OnlyRetired(ids) => {
                let mut d = Diagnostic::new(
                    "PM0105",
                    r.span,
                    format!("{kind} `{}` is retired", ids.join("`, `")),
                )
                .label("only retired declarations satisfy this reference")
                .help(format!(
                    "use {} that is not retired, or a newer version",
                    kind.with_article()
                ));
                for id in ids {
                    if let Some(u) = self
                        .symbols
                        .lookup(kind, id)
                        .and_then(|i| self.units.get(i))
                    {
                        d = d.related(u.decl.header, "marked `status = retired` here");
                    }
                }
                d
            }
        };
        Some(d)
    }
}

#[cfg(test)]
mod tests;
