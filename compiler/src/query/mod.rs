//! `pmth query`: registry discovery over a compiled registry (CLI.md, *Query
//! expressions*). A pure function of the registry JSON: [`parse`] turns the
//! expression into terms, [`run`] returns the declarations every term holds
//! for, sorted by (kind, id), each with its source `file:line`.
//!
//! What each term reads: `capability:` the registry's `index.capabilities`
//! (the agents that claim it or a descendant, the tools and models that provide
//! it or a descendant), `uses:`/`usedby:` the references the attribute tables
//! say a declaration makes ([`crate::schema::references`]; a template instance
//! uses its template), the others the declaration's own attributes.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::indexing_slicing))]

mod parse;
#[cfg(test)]
mod tests;
mod view;

pub use parse::{KEYS, RISKS};

use crate::ast::Kind;
use crate::schema;
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::fmt;
use view::{Fields, View};

// Public Interface

/// A parsed query: every term must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// One `key:value` term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    Kind(Kind),
    /// A capability id (without `capability.`).
    Capability(String),
    /// A comparison with a risk level (an index into [`RISKS`]).
    Risk(Cmp, usize),
    Status(String),
    /// A label key, and the value it must have (any when `None`).
    Label(String, Option<String>),
    Uses(RefPattern),
    UsedBy(RefPattern),
    /// A name pattern: `*` any run of characters, `?` one.
    Name(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// `tool.refund` (every version) or `tool.refund@1.2.0` (that one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefPattern {
    pub kind: Kind,
    pub name: String,
    pub version: Option<String>,
}

impl RefPattern {
    fn matches(&self, kind: Kind, id: &str) -> bool {
        let (name, version) = split(id);
        kind == self.kind
            && name == self.name
            && self.version.as_deref().is_none_or(|v| Some(v) == version)
    }
}

impl fmt::Display for RefPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.kind.keyword(), self.name)?;
        if let Some(v) = &self.version {
            write!(f, "@{v}")?;
        }
        Ok(())
    }
}

/// A query that cannot run: what is wrong, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
    pub help: String,
}

impl QueryError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> QueryError {
        QueryError {
            message: message.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One declaration a query found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub kind: Kind,
    pub id: String,
    /// Its source file (workspace-relative, `stdlib:…` for the stdlib) and line.
    pub file: Option<String>,
    pub line: Option<u64>,
}

/// Parses a query expression.
pub fn parse(expr: &str) -> Result<Query, QueryError> {
    Ok(Query {
        terms: parse::parse(expr)?,
    })
}

/// The declarations of `registry` (a `registry.json` document) that every
/// term of `query` holds for, sorted by (kind, id). `Err` when a term names
/// something the registry does not have (an unknown capability, a `usedby:`
/// declaration that does not exist).
pub fn run(registry: &Json, query: &Query) -> Result<Vec<Hit>, QueryError> {
    run_text(&registry.to_string(), query)
}

/// [`run`] on the text of `registry.json`, read only as far as the terms
/// need (`view`): a 100k-declaration registry is split once, then each
/// declaration parsed in parallel for the members the terms read, the cheap
/// terms first. `Err` also when the text is not a registry.
pub fn run_text(text: &str, query: &Query) -> Result<Vec<Hit>, QueryError> {
    use rayon::prelude::*;
    let view = View::parse(text).map_err(|e| {
        QueryError::new(
            format!("registry.json is not a registry: {e}"),
            "rebuild the bundle with `pmth build`",
        )
    })?;
    let ctx = Ctx::new(&view, &query.terms)?;
    let terms = &query.terms;
    let cheap = |t: &Term| {
        matches!(
            t,
            Term::Kind(_) | Term::Capability(_) | Term::UsedBy(_) | Term::Name(_)
        )
    };
    let needs_fields = terms
        .iter()
        .any(|t| matches!(t, Term::Risk(..) | Term::Status(_) | Term::Label(..)));
    let needs_tree = terms.iter().any(|t| matches!(t, Term::Uses(_)));
    let hits: Vec<Hit> = view
        .decls
        .par_iter()
        .filter(|(kind, id, _)| {
            terms
                .iter()
                .filter(|t| cheap(t))
                .all(|t| ctx.holds_by_id(t, *kind, id))
        })
        .filter_map(|(kind, id, raw)| {
            let fields = view::fields(raw);
            if needs_fields && !terms.iter().all(|t| holds_by_fields(t, &fields)) {
                return None;
            }
            if needs_tree {
                // A declaration can only reference a name its text holds (ids
                // are written unescaped unless the text has a backslash): most are
                // passed over without being parsed.
                let text = raw.get();
                let maybe =
                    |pat: &RefPattern| text.contains(pat.name.as_str()) || text.contains('\\');
                if !terms.iter().all(|t| match t {
                    Term::Uses(pat) => maybe(pat),
                    _ => true,
                }) {
                    return None;
                }
                let tree = view::tree(raw);
                let refs = schema::references(*kind, &tree);
                let uses = |pat: &RefPattern| refs.iter().any(|r| pat.matches(r.kind, &r.id));
                if !terms.iter().all(|t| match t {
                    Term::Uses(pat) => uses(pat),
                    _ => true,
                }) {
                    return None;
                }
            }
            let source = fields.source.unwrap_or_default();
            Some(Hit {
                kind: *kind,
                id: id.clone(),
                file: source.file,
                line: source.line,
            })
        })
        .collect();
    let mut hits = hits;
    hits.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    Ok(hits)
}

/// A `risk:`, `status:` or `label:` term on a declaration's [`Fields`];
/// `true` for the other terms.
fn holds_by_fields(term: &Term, f: &Fields) -> bool {
    match term {
        Term::Risk(cmp, rank) => f
            .risk
            .as_deref()
            .and_then(|r| RISKS.iter().position(|x| *x == r))
            .is_some_and(|have| match cmp {
                Cmp::Eq => have == *rank,
                Cmp::Lt => have < *rank,
                Cmp::Le => have <= *rank,
                Cmp::Gt => have > *rank,
                Cmp::Ge => have >= *rank,
            }),
        Term::Status(s) => f.status.as_deref() == Some(s.as_str()),
        Term::Label(k, v) => f
            .labels
            .as_ref()
            .and_then(|l| l.get(k))
            .is_some_and(|have| v.as_deref().is_none_or(|want| have.as_str() == Some(want))),
        _ => true,
    }
}

/// What the terms need precomputed: per `capability:` term its candidates,
/// per `usedby:` term what the named declarations reference.
struct Ctx {
    capabilities: Vec<(String, BTreeSet<(Kind, String)>)>,
    used_by: Vec<(RefPattern, BTreeSet<(Kind, String)>)>,
}

impl Ctx {
    fn new(view: &View, terms: &[Term]) -> Result<Ctx, QueryError> {
        let mut ctx = Ctx {
            capabilities: Vec::new(),
            used_by: Vec::new(),
        };
        for term in terms {
            match term {
                Term::Capability(cap) => {
                    let index = view::capability_index(view.index);
                    let Some(entry) = index
                        .iter()
                        .find(|(c, _)| c == cap)
                        .map(|(_, e)| view::tree(e))
                    else {
                        let known = index.iter().map(|(c, _)| c.as_str());
                        let help = match crate::diag::suggest(cap, known) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "`pmth query BUNDLE kind:capability` lists them".to_owned(),
                        };
                        return Err(QueryError::new(
                            format!("no capability `{cap}` in this registry"),
                            help,
                        ));
                    };
                    let mut set = BTreeSet::new();
                    for (key, kind) in [
                        ("agents", Kind::Agent),
                        ("tools", Kind::Tool),
                        ("models", Kind::Model),
                    ] {
                        for id in entry
                            .get(key)
                            .and_then(Json::as_array)
                            .into_iter()
                            .flatten()
                        {
                            if let Some(id) = id.as_str() {
                                set.insert((kind, id.to_owned()));
                            }
                        }
                    }
                    ctx.capabilities.push((cap.clone(), set));
                }
                Term::UsedBy(pat) => {
                    let mut found = false;
                    let mut set = BTreeSet::new();
                    for (kind, id, raw) in &view.decls {
                        if pat.matches(*kind, id) {
                            found = true;
                            for r in schema::references(pat.kind, &view::tree(raw)) {
                                set.insert((r.kind, r.id));
                            }
                        }
                    }
                    if !found {
                        return Err(QueryError::new(
                            format!("no declaration `{pat}` in this registry"),
                            format!(
                                "`pmth query BUNDLE kind:{}` lists the {}",
                                pat.kind.keyword(),
                                pat.kind.plural()
                            ),
                        ));
                    }
                    ctx.used_by.push((pat.clone(), set));
                }
                _ => {}
            }
        }
        Ok(ctx)
    }

    /// A term that needs only the declaration's kind and id (`kind:`,
    /// `capability:`, `usedby:`, `name:`); `true` for the others.
    fn holds_by_id(&self, term: &Term, kind: Kind, id: &str) -> bool {
        match term {
            Term::Kind(k) => *k == kind,
            Term::Capability(cap) => self
                .capabilities
                .iter()
                .find(|(c, _)| c == cap)
                .is_some_and(|(_, set)| set.contains(&(kind, id.to_owned()))),
            Term::UsedBy(pat) => self
                .used_by
                .iter()
                .find(|(p, _)| p == pat)
                .is_some_and(|(_, set)| set.contains(&(kind, id.to_owned()))),
            Term::Name(pattern) => glob(pattern, split(id).0),
            _ => true,
        }
    }
}

/// `name` and `version` of a registry id.
fn split(id: &str) -> (&str, Option<&str>) {
    match id.split_once('@') {
        Some((n, v)) => (n, Some(v)),
        None => (id, None),
    }
}

/// `*` matches any run of characters, `?` one character.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // The classic two-pointer match with backtracking to the last `*`.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(j) => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((si, sj)) => {
                    i = si + 1;
                    j = sj + 1;
                    star = Some((si, sj + 1));
                }
                None => return false,
            },
        }
    }
    p.get(i..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}
