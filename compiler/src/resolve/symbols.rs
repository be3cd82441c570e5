//! The symbol table: every declaration by kind and id, stdlib first, with the
//! duplicate rules of §3 (PM0103).

use crate::ast::{DeclBody, Kind, ValueKind};
use crate::diag::Diagnostic;
use crate::expand::Unit;
use crate::schema::names;
use crate::source::{FileId, SourceMap};
use compact_str::CompactString;
use semver::Version;
use std::collections::{BTreeSet, HashMap};

/// The table's hash maps: a fast fixed hasher (foldhash, already in the build
/// through hashbrown) instead of SipHash, and names inline ([`CompactString`]).
type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// A declaration's lifecycle status (`status = …`, default active).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    Deprecated,
    Retired,
}

/// One declaration of a name.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Index into the units.
    pub unit: usize,
    /// The declaration's id (`name` or `name@version`), built once.
    pub id: String,
    /// `None` when unversioned (or when the version literal was invalid).
    pub version: Option<Version>,
    /// The version literal did not parse (PM0002 reported): the entry is
    /// versioned but matches nothing, and failures involving it stay silent.
    pub invalid_version: bool,
    pub status: Status,
}

/// Every declaration by kind and name; the first of a duplicate pair wins.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    /// By kind (`Kind as usize`), `name` → its declarations, lowest version
    /// first (per kind, so that a lookup by `&str` allocates nothing).
    names: [Map<CompactString, Vec<Entry>>; 8],
    /// `(kind, id)` → unit.
    ids: Map<(Kind, String), usize>,
    /// `name` → the kinds declaring it (for PM0102).
    kinds: Map<CompactString, Vec<Kind>>,
}

impl Symbols {
    /// Builds the table, reporting PM0103 on each later duplicate.
    pub fn build(sources: &SourceMap, units: &[Unit]) -> (Symbols, Vec<Diagnostic>) {
        // Stdlib first, then by path and offset: each file's rank in that order
        // is computed once, so that the sort compares integers, not paths.
        let mut files: Vec<(bool, &str, FileId)> = units
            .iter()
            .map(|u| u.decl.span.file)
            .collect::<BTreeSet<FileId>>()
            .into_iter()
            .map(|id| {
                let file = sources.get(id);
                (
                    !file.is_some_and(|f| f.stdlib),
                    file.map_or("", |f| f.path.as_str()),
                    id,
                )
            })
            .collect();
        files.sort();
        // Files with the same place share a rank (then offset, then input order).
        let mut rank: Map<FileId, usize> = Map::default();
        let mut last: Option<(bool, &str)> = None;
        let mut next = 0;
        for (stdlib, path, id) in &files {
            if last != Some((*stdlib, *path)) {
                last = Some((*stdlib, *path));
                next += 1;
            }
            rank.insert(*id, next);
        }
        let mut order: Vec<(usize, u32, usize)> = units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let span = u.decl.span;
                (rank.get(&span.file).copied().unwrap_or(0), span.start, i)
            })
            .collect();
        order.sort_unstable();
        let mut syms = Symbols {
            ids: Map::with_capacity_and_hasher(units.len(), Default::default()),
            kinds: Map::with_capacity_and_hasher(units.len(), Default::default()),
            ..Symbols::default()
        };
        let mut diags = Vec::new();
        for (_, _, i) in order {
            let Some(unit) = units.get(i) else { continue };
            if let Some(d) = syms.add(sources, units, i, unit) {
                diags.push(d);
            }
        }
        for entries in syms.names.iter_mut().flat_map(|m| m.values_mut()) {
            entries.sort_by(|a, b| a.version.cmp(&b.version));
        }
        for kinds in syms.kinds.values_mut() {
            kinds.sort();
            kinds.dedup();
        }
        (syms, diags)
    }

    fn add(
        &mut self,
        sources: &SourceMap,
        units: &[Unit],
        i: usize,
        unit: &Unit,
    ) -> Option<Diagnostic> {
        let decl = &unit.decl;
        let id = decl.id();
        let name = decl.name.name.clone();
        let versioned = decl.version.is_some();
        let first_at = |u: usize| units.get(u).map_or(decl.header, |u| u.decl.header);
        let stdlib = |u: usize| {
            units
                .get(u)
                .and_then(|u| sources.get(u.decl.span.file))
                .is_some_and(|f| f.stdlib)
        };
        let this_stdlib = stdlib(i);
        if versioned && decl.version.as_ref().is_some_and(|v| v.value.is_none()) {
            // The version literal errored (PM0002): known by name, never a duplicate.
            self.names_mut(decl.kind)
                .entry(name.clone())
                .or_default()
                .push(Entry {
                    unit: i,
                    id,
                    version: None,
                    invalid_version: true,
                    status: status_of(unit),
                });
            self.kinds.entry(name.clone()).or_default().push(decl.kind);
            return None;
        }
        if let Some(&first) = self.ids.get(&(decl.kind, id.clone())) {
            let d = if stdlib(first) && !this_stdlib {
                Diagnostic::new(
                    "PM0103",
                    decl.header,
                    format!(
                        "{} `{id}` is already declared by the standard library",
                        decl.kind
                    ),
                )
                .label("redeclared here")
                .related(first_at(first), "the standard library's declaration")
                .help(format!(
                    "rename this {}; stdlib ids cannot be reused",
                    decl.kind
                ))
            } else {
                Diagnostic::new(
                    "PM0103",
                    decl.header,
                    format!("duplicate {} `{id}`", decl.kind),
                )
                .label("declared again here")
                .related(first_at(first), "first declared here")
                .help(if versioned {
                    "give this declaration a new version, or remove one of them".to_owned()
                } else {
                    "rename one of them, or remove the duplicate".to_owned()
                })
            };
            return Some(d);
        }
        let entries = self.names_mut(decl.kind).entry(name.clone()).or_default();
        if let Some(other) = entries
            .iter()
            .find(|e| !e.invalid_version && e.version.is_some() != versioned)
        {
            return Some(
                Diagnostic::new(
                    "PM0103",
                    decl.header,
                    format!(
                        "{} `{name}` is declared both with and without a version",
                        decl.kind
                    ),
                )
                .label(if versioned {
                    "versioned here"
                } else {
                    "unversioned here"
                })
                .related(
                    first_at(other.unit),
                    if versioned {
                        "declared without a version here"
                    } else {
                        "declared with a version here"
                    },
                )
                .help(format!(
                    "version every declaration of `{name}`, or none of them"
                )),
            );
        }
        let version = decl.version.as_ref().and_then(|v| v.value.clone());
        entries.push(Entry {
            unit: i,
            id: id.clone(),
            invalid_version: versioned && version.is_none(),
            version,
            status: status_of(unit),
        });
        self.ids.insert((decl.kind, id), i);
        self.kinds.entry(name.clone()).or_default().push(decl.kind);
        None
    }

    /// The unit declaring `(kind, id)` (found among the declarations of its
    /// name, so that it allocates nothing: ids are `name` or `name@version`, and
    /// names hold no `@`).
    pub fn lookup(&self, kind: Kind, id: &str) -> Option<usize> {
        let name = id.split_once('@').map_or(id, |(name, _)| name);
        self.entries(kind, name)
            .iter()
            .find(|e| !e.invalid_version && e.id == id)
            .map(|e| e.unit)
    }

    fn names_mut(&mut self, kind: Kind) -> &mut Map<CompactString, Vec<Entry>> {
        let [agent, tool, model, workflow, capability, persona, service, template] =
            &mut self.names;
        match kind {
            Kind::Agent => agent,
            Kind::Tool => tool,
            Kind::Model => model,
            Kind::Workflow => workflow,
            Kind::Capability => capability,
            Kind::Persona => persona,
            Kind::Service => service,
            Kind::Template => template,
        }
    }

    /// Every declaration of a name, lowest version first.
    pub fn entries(&self, kind: Kind, name: &str) -> &[Entry] {
        self.names
            .get(kind as usize)
            .and_then(|m| m.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// True when some declaration of any version has this kind and name.
    pub fn has_name(&self, kind: Kind, name: &str) -> bool {
        !self.entries(kind, name).is_empty()
    }

    /// The kinds that declare `name` (sorted).
    pub fn kinds_of(&self, name: &str) -> &[Kind] {
        self.kinds.get(name).map_or(&[], Vec::as_slice)
    }

    /// Every declared name of a kind, sorted (for suggestions and completion;
    /// linear in the table, so only for error paths and editors).
    pub fn names_of(&self, kind: Kind) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .names
            .get(kind as usize)
            .into_iter()
            .flat_map(|m| m.keys().map(CompactString::as_str))
            .collect();
        out.sort_unstable();
        out
    }

    /// `(kind, id)` → unit, for every declaration kept.
    pub fn ids(&self) -> impl Iterator<Item = (&(Kind, String), &usize)> {
        self.ids.iter()
    }
}

/// A unit's `status`, read from its body (active when absent or not a status word).
pub fn status_of(unit: &Unit) -> Status {
    let block = match &unit.decl.body {
        DeclBody::Attrs(b) => b,
        DeclBody::Template(t) => &t.body,
        DeclBody::Instance(_) | DeclBody::Broken => return Status::Active,
    };
    match block.attr(names::STATUS).map(|a| &a.value.kind) {
        Some(ValueKind::Word(w)) if w == names::DEPRECATED => Status::Deprecated,
        Some(ValueKind::Word(w)) if w == names::RETIRED => Status::Retired,
        _ => Status::Active,
    }
}
