//! The template table: every template by name, `template.T[@REQ]` resolution among
//! them (§5's rules), and each template's `extends` chain merged into one block of
//! params and attributes (§9), with `extends` cycles found once (PM0108).

use super::error::Problem;
use super::merge::merge_decl_blocks;
use super::FastMap;
use crate::ast::{Block, Decl, DeclBody, Item, Kind, Reference, TemplateDecl, ValueKind};
use crate::diag::suggest;
use crate::source::SourceMap;
use std::collections::BTreeSet;

/// Every template declaration by name (the other kinds' names, for PM0102, are
/// looked up only when a template is unknown).
pub(crate) struct Table<'a> {
    decls: &'a [Decl],
    by_name: FastMap<&'a str, Vec<usize>>,
}

/// A successful lookup: the template's index in the declarations, and a warning
/// (PM0106) when it is deprecated.
pub(crate) struct Pick {
    pub index: usize,
    pub warning: Option<Problem>,
}

/// Why a lookup gave nothing: a problem to report, or nothing when the target is a
/// broken declaration (its syntax error is already reported).
pub(crate) type Miss = Option<Problem>;

/// A template's `extends` chain merged into one block: the params (as
/// [`Item::Param`]) and attributes it gives an instance.
#[derive(Clone, Debug)]
pub(crate) struct Chain {
    pub block: Block,
    /// The resolved parent's index, when the template extends one.
    pub parent: Option<usize>,
    /// How many templates the chain holds (1: it extends nothing).
    pub depth: usize,
}

/// The longest `extends` chain, counting the template itself (LANGUAGE.md §9,
/// docs/templates.md): a deeper one is PM0108 on the first template past the
/// bound, and the templates below it are left out. Each level's block is
/// computed once from its parent's, so the bound also bounds the copying.
pub const MAX_TEMPLATE_DEPTH: usize = 64;

impl<'a> Table<'a> {
    pub fn new(decls: &'a [Decl]) -> Table<'a> {
        let mut by_name: FastMap<&str, Vec<usize>> = FastMap::default();
        for (i, d) in decls.iter().enumerate() {
            if d.kind == Kind::Template {
                by_name.entry(&d.name.name).or_default().push(i);
            }
        }
        Table { decls, by_name }
    }

    /// The template declaration at `index` (`None` for a broken one).
    pub fn template(&self, index: usize) -> Option<(&'a Decl, &'a TemplateDecl)> {
        let decl = self.decls.get(index)?;
        match &decl.body {
            DeclBody::Template(t) => Some((decl, t)),
            _ => None,
        }
    }

    /// Every template declaration's index, in input order.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.decls
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == Kind::Template)
            .map(|(i, _)| i)
    }

    /// Resolves `template.T[@REQ]`: the highest satisfying version that is not
    /// retired (an unversioned template satisfies only a reference without REQ).
    pub fn lookup(&self, r: &Reference) -> Result<Pick, Miss> {
        if r.kind != Kind::Template {
            return Err(Some(Problem::NotATemplate {
                span: r.span,
                written: r.written.clone(),
            }));
        }
        let Some(candidates) = self.by_name.get(r.name.as_str()) else {
            return Err(Some(self.unknown(r)));
        };
        // Without a requirement a release beats any pre-release (as in `resolve`).
        let rank =
            |v: Option<&'a semver::Version>| v.map(|v| (r.req.is_some() || v.pre.is_empty(), v));
        let mut best: Option<(usize, Option<(bool, &semver::Version)>)> = None;
        let mut retired = Vec::new();
        let mut unreadable = false;
        for &i in candidates {
            let Some(decl) = self.decls.get(i) else {
                continue;
            };
            let version = decl.version.as_ref();
            let fits = match (version.map(|v| v.value.as_ref()), &r.req) {
                (None, None) => true,
                (None, Some(_)) => false,
                (Some(None), _) => {
                    unreadable = true;
                    false
                }
                (Some(Some(v)), req) => req.as_ref().is_none_or(|q| q.req.matches(v)),
            };
            if !fits {
                continue;
            }
            if status(decl) == Some("retired") {
                retired.push(decl.id());
                continue;
            }
            let v = rank(version.and_then(|v| v.value.as_ref()));
            if best.is_none_or(|(_, bv)| v > bv) {
                best = Some((i, v));
            }
        }
        let Some((index, _)) = best else {
            if !retired.is_empty() {
                return Err(Some(Problem::OnlyRetired {
                    span: r.span,
                    written: r.written.clone(),
                    retired,
                }));
            }
            if unreadable {
                return Err(None);
            }
            let available = candidates
                .iter()
                .filter_map(|&i| self.decls.get(i).map(Decl::id))
                .collect();
            return Err(Some(Problem::NoMatchingVersion {
                span: r.span,
                written: r.written.clone(),
                available,
            }));
        };
        let Some(decl) = self.decls.get(index) else {
            return Err(None);
        };
        if decl.is_broken() {
            return Err(None);
        }
        let warning = (status(decl) == Some("deprecated")).then(|| Problem::Deprecated {
            span: r.span,
            id: decl.id(),
            header: decl.header,
        });
        Ok(Pick { index, warning })
    }

    fn unknown(&self, r: &Reference) -> Problem {
        let other_kinds = self
            .decls
            .iter()
            .filter(|d| d.kind != Kind::Template && d.name.name == r.name)
            .map(|d| d.kind)
            .collect::<BTreeSet<Kind>>()
            .into_iter()
            .collect();
        let mut names: Vec<&str> = self.by_name.keys().copied().collect();
        names.sort_unstable();
        Problem::UnknownTemplate {
            span: r.span,
            name: r.name.clone(),
            suggestion: suggest(&r.name, names).map(str::to_owned),
            other_kinds,
        }
    }

    /// Resolves every template's `extends`, reports cycles (one PM0108 per cycle,
    /// on its earliest member by file path then offset) and merges each chain.
    /// A template whose chain is broken (unknown parent, cycle, parent for another
    /// kind) has no entry.
    pub fn chains(
        &self,
        sources: &SourceMap,
        problems: &mut Vec<Problem>,
    ) -> FastMap<usize, Chain> {
        let parents = self.parents(problems);
        let cyclic = self.cycles(sources, &parents, problems);
        let mut chains: FastMap<usize, Chain> = FastMap::default();
        let mut broken: BTreeSet<usize> = cyclic;
        for start in self.indices() {
            // Walk up to a template already done, a root or a broken link, then
            // merge down (iteratively: chains may be long).
            let mut path = Vec::new();
            let mut at = start;
            let mut ok = loop {
                if chains.contains_key(&at) {
                    break true;
                }
                if broken.contains(&at) || self.template(at).is_none() {
                    break false;
                }
                path.push(at);
                match parents.get(&at) {
                    None => break true,
                    Some(Link::Broken) => break false,
                    Some(Link::To(p)) => at = *p,
                }
            };
            while let Some(t) = path.pop() {
                let Some((_, tmpl)) = self.template(t).filter(|_| ok) else {
                    broken.insert(t);
                    ok = false;
                    continue;
                };
                let parent = match parents.get(&t) {
                    Some(Link::To(p)) => Some(*p),
                    _ => None,
                };
                let parent_chain = parent.and_then(|p| chains.get(&p));
                let depth = parent_chain.map_or(1, |pc| pc.depth + 1);
                if depth > MAX_TEMPLATE_DEPTH {
                    if let Some((decl, tmpl)) = self.template(t) {
                        problems.push(Problem::ExtendsTooDeep {
                            span: tmpl.extends.as_ref().map_or(decl.header, |r| r.span),
                            name: decl.name.name.to_string(),
                            limit: MAX_TEMPLATE_DEPTH,
                        });
                    }
                    broken.insert(t);
                    ok = false;
                    continue;
                }
                let block = match parent_chain {
                    Some(pc) => merge_decl_blocks(&pc.block, &tmpl.body),
                    None => tmpl.body.clone(),
                };
                chains.insert(
                    t,
                    Chain {
                        block,
                        parent,
                        depth,
                    },
                );
            }
        }
        chains
    }

    /// Each template's resolved `extends` (absent: it extends nothing).
    fn parents(&self, problems: &mut Vec<Problem>) -> FastMap<usize, Link> {
        let mut parents = FastMap::default();
        for i in self.indices() {
            let Some((_, tmpl)) = self.template(i) else {
                continue;
            };
            let Some(r) = &tmpl.extends else { continue };
            let link = match self.lookup(r) {
                Ok(pick) => {
                    problems.extend(pick.warning);
                    match self.template(pick.index) {
                        Some((pd, pt)) if pt.for_kind != tmpl.for_kind => {
                            problems.push(Problem::ExtendsOtherKind {
                                span: r.span,
                                child_for: tmpl.for_kind,
                                parent: pd.id(),
                                parent_for: pt.for_kind,
                                parent_for_span: pt.for_span,
                            });
                            Link::Broken
                        }
                        Some(_) => Link::To(pick.index),
                        None => Link::Broken,
                    }
                }
                Err(miss) => {
                    problems.extend(miss);
                    Link::Broken
                }
            };
            parents.insert(i, link);
        }
        parents
    }

    /// Finds the cycles of the `extends` graph (each template has at most one
    /// parent, so a walk that meets itself found one) and returns their members.
    fn cycles(
        &self,
        sources: &SourceMap,
        parents: &FastMap<usize, Link>,
        problems: &mut Vec<Problem>,
    ) -> BTreeSet<usize> {
        let mut done: BTreeSet<usize> = BTreeSet::new();
        let mut members = BTreeSet::new();
        for start in self.indices() {
            let mut path: Vec<usize> = Vec::new();
            let mut on_path: FastMap<usize, usize> = FastMap::default();
            let mut at = start;
            while !done.contains(&at) {
                if let Some(&pos) = on_path.get(&at) {
                    let cycle = path.get(pos..).unwrap_or_default();
                    members.extend(cycle.iter().copied());
                    problems.push(self.cycle_problem(sources, cycle, parents));
                    break;
                }
                on_path.insert(at, path.len());
                path.push(at);
                match parents.get(&at) {
                    Some(Link::To(p)) => at = *p,
                    _ => break,
                }
            }
            done.extend(path);
        }
        members
    }

    fn cycle_problem(
        &self,
        sources: &SourceMap,
        cycle: &[usize],
        parents: &FastMap<usize, Link>,
    ) -> Problem {
        let place = |i: usize| {
            self.decls
                .get(i)
                .map(|d| (sources.path(d.span.file).to_owned(), d.span.start))
        };
        let first = (0..cycle.len())
            .min_by_key(|&k| cycle.get(k).and_then(|&i| place(i)))
            .unwrap_or(0);
        let members = cycle
            .iter()
            .cycle()
            .skip(first)
            .take(cycle.len())
            .filter_map(|&i| {
                let (decl, tmpl) = self.template(i)?;
                let span = match parents.get(&i) {
                    Some(Link::To(_)) => tmpl.extends.as_ref().map_or(decl.header, |r| r.span),
                    _ => decl.header,
                };
                Some((decl.id(), span))
            })
            .collect();
        Problem::ExtendsCycle { members }
    }
}

/// A template's `extends`, resolved.
enum Link {
    To(usize),
    /// Unknown, the wrong kind, or a broken declaration (already reported).
    Broken,
}

/// The template's own `status` word, if written.
fn status(decl: &Decl) -> Option<&str> {
    let DeclBody::Template(t) = &decl.body else {
        return None;
    };
    t.body.items.iter().find_map(|i| match i {
        Item::Attr(a) if a.key.name == "status" => match &a.value.kind {
            ValueKind::Word(w) => Some(w.as_str()),
            _ => None,
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn reference(kind: Kind, name: &str) -> Reference {
        Reference {
            kind,
            name: name.to_owned(),
            name_span: Span::default(),
            req: None,
            written: format!("{kind}.{name}"),
            span: Span::default(),
        }
    }

    #[test]
    fn only_template_references_name_templates() {
        let table = Table::new(&[]);
        let miss = table.lookup(&reference(Kind::Tool, "x")).err().flatten();
        assert!(
            matches!(miss, Some(Problem::NotATemplate { .. })),
            "{miss:?}"
        );
        let miss = table
            .lookup(&reference(Kind::Template, "x"))
            .err()
            .flatten();
        assert!(
            matches!(miss, Some(Problem::UnknownTemplate { .. })),
            "{miss:?}"
        );
    }
}
