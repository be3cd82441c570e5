//! `pmth diff` and PM0110 (BUNDLE.md §7): what changed between two registries,
//! declaration by declaration, each change with its class and its details,
//! and whether a version bump tells the truth.
//!
//! What lives here: schema compatibility ([`schema`]), the declaration rules
//! ([`decl`]), matching two registries ([`diff`]), the compatibility range
//! ([`in_range`]), and the three renderings ([`render`]). What does not:
//! compiling workspaces, verifying bundles, printing, exit codes (the binary);
//! PM0110 itself (`check::versions`, which calls [`decl::compare`]).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod decl;
pub mod render;
pub mod schema;

use crate::ast::Kind;
use crate::check::Registry;
use crate::govern::GovernanceReport;
use serde::Deserialize;
use serde_json::{value::RawValue, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

// Public Interface

/// The class of a change (BUNDLE.md §7), from the mildest to the worst: a
/// declaration's class is the worst of its details'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Cosmetic,
    Governance,
    Compatible,
    Breaking,
}

impl Class {
    /// Worst first, as reports list them.
    pub const ALL: [Class; 4] = [
        Class::Breaking,
        Class::Compatible,
        Class::Governance,
        Class::Cosmetic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Compatible => "compatible",
            Class::Governance => "governance",
            Class::Cosmetic => "cosmetic",
        }
    }
}

/// One difference inside a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    /// `params.limit`, `steps.answer.select`, `risk`; empty for the whole
    /// declaration.
    pub path: String,
    pub class: Class,
    pub message: String,
}

/// What changed about one declaration (or policy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// `tool`, `agent`, …, `policy` (a package), `governance` (a warning
    /// that names no declaration).
    pub kind: String,
    pub id: String,
    /// The id it was compared against when that is another version.
    pub previous: Option<String>,
    pub class: Class,
    pub semver_violation: bool,
    pub details: Vec<Detail>,
}

/// Everything `pmth diff` found, changes sorted by (kind, id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    /// How many changes have this class.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    pub fn semver_violations(&self) -> usize {
        self.changes.iter().filter(|c| c.semver_violation).count()
    }
}

/// One side of a diff: each declaration's canonical JSON text by (kind, id),
/// and the governance that gated its build.
#[derive(Clone, Debug, Default)]
pub struct Side {
    decls: BTreeMap<(Kind, String), Box<str>>,
    policies: Vec<Json>,
    warnings: Vec<Json>,
}

/// Why a bundle's `registry.json` cannot be read as a registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRegistry(pub String);

impl std::fmt::Display for BadRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Side {
    /// A compiled workspace's registry and governance.
    pub fn from_registry(registry: &Registry, governance: Option<&GovernanceReport>) -> Side {
        let decls = registry
            .iter()
            .map(|(k, e)| ((k, e.id.to_string()), e.json.clone()))
            .collect();
        let (policies, warnings) = governance.map_or((Vec::new(), Vec::new()), |g| {
            (g.policies.clone(), g.warnings.clone())
        });
        Side {
            decls,
            policies,
            warnings,
        }
    }

    /// A bundle's `registry.json` (BUNDLE.md §1). Declarations stay text
    /// until one needs comparing.
    pub fn from_registry_json(text: &str) -> Result<Side, BadRegistry> {
        #[derive(Deserialize)]
        struct Gov {
            #[serde(default)]
            policies: Vec<Json>,
            #[serde(default)]
            warnings: Vec<Json>,
        }
        let top: BTreeMap<String, &RawValue> = serde_json::from_str(text)
            .map_err(|e| BadRegistry(format!("registry.json is not a JSON object: {e}")))?;
        let mut side = Side::default();
        for kind in Kind::ALL {
            let Some(raw) = top.get(kind.plural()) else {
                continue;
            };
            let map: Vec<(String, &RawValue)> =
                serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get())
                    .map_err(|e| {
                        BadRegistry(format!(
                            "registry.json: `{}` is not an object of declarations: {e}",
                            kind.plural()
                        ))
                    })?
                    .into_iter()
                    .collect();
            for (id, v) in map {
                side.decls.insert((kind, id), v.get().into());
            }
        }
        if let Some(raw) = top.get("governance") {
            let g: Gov = serde_json::from_str(raw.get()).map_err(|e| {
                BadRegistry(format!("registry.json: `governance` is malformed: {e}"))
            })?;
            side.policies = g.policies;
            side.warnings = g.warnings;
        }
        Ok(side)
    }

    /// One declaration as a tree (parsed on demand).
    pub fn decl(&self, kind: Kind, id: &str) -> Option<Json> {
        let text = self.decls.get(&(kind, id.to_owned()))?;
        serde_json::from_str(text).ok()
    }

    /// How many declarations it holds.
    pub fn len(&self) -> usize {
        self.decls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.decls.is_empty()
    }
}

/// Compares OLD with NEW (BUNDLE.md §7).
pub fn diff(old: &Side, new: &Side) -> Report {
    use rayon::prelude::*;
    let keys: BTreeSet<&(Kind, String)> = old.decls.keys().chain(new.decls.keys()).collect();
    let keys: Vec<&(Kind, String)> = keys.into_iter().collect();
    let mut changes: Vec<Change> = keys
        .par_iter()
        .filter_map(|key| compare_one(old, new, key))
        .collect();
    changes.extend(policies(&old.policies, &new.policies));
    warnings(&old.warnings, &new.warnings, &mut changes);
    changes.sort_by(|a, b| (&a.kind, &a.id).cmp(&(&b.kind, &b.id)));
    Report { changes }
}

/// Whether `higher` is in the compatibility range of `lower` (LANGUAGE.md
/// §5): the versions a caret requirement on `lower` accepts — same major; for
/// `0.x`, same minor; a `0.0.x` version alone.
pub fn in_range(lower: &semver::Version, higher: &semver::Version) -> bool {
    semver::VersionReq::parse(&format!("^{lower}")).is_ok_and(|r| r.matches(higher))
}

/// The lowest version a breaking change to `v` needs: the next major, the
/// next minor for `0.x`, the next patch for `0.0.x`.
pub fn next_breaking(v: &semver::Version) -> semver::Version {
    if v.major > 0 {
        semver::Version::new(v.major + 1, 0, 0)
    } else if v.minor > 0 {
        semver::Version::new(0, v.minor + 1, 0)
    } else {
        semver::Version::new(0, 0, v.patch + 1)
    }
}

/// `(name, version)` of a versioned id.
pub fn split_id(id: &str) -> Option<(&str, semver::Version)> {
    let (name, v) = id.split_once('@')?;
    Some((name, semver::Version::parse(v).ok()?))
}

/// [`decl::compare`] and its class, for two registry entries.
pub fn compare_decls(kind: Kind, old: &Json, new: &Json) -> (Class, Vec<Detail>) {
    let details = decl::compare(kind, old, new);
    let class = details
        .iter()
        .map(|d| d.class)
        .max()
        .unwrap_or(Class::Cosmetic);
    (class, details)
}

// ---- internals ----------------------------------------------------------------------

fn digest_of(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct D {
        digest: Option<String>,
    }
    serde_json::from_str::<D>(text).ok()?.digest
}

fn compare_one(old: &Side, new: &Side, key: &(Kind, String)) -> Option<Change> {
    let (kind, id) = key;
    let change = |previous: Option<String>, details: Vec<Detail>, semver: bool| {
        let class = details
            .iter()
            .map(|d| d.class)
            .max()
            .unwrap_or(Class::Cosmetic);
        Change {
            kind: kind.keyword().to_owned(),
            id: id.clone(),
            previous,
            class,
            semver_violation: semver && class == Class::Breaking,
            details,
        }
    };
    let parse = |t: &str| serde_json::from_str::<Json>(t).unwrap_or(Json::Null);
    match (old.decls.get(key), new.decls.get(key)) {
        (Some(a), Some(b)) => {
            if a == b || digest_of(a).is_some_and(|d| Some(d) == digest_of(b)) {
                return None;
            }
            let (_, details) = compare_decls(*kind, &parse(a), &parse(b));
            if details.is_empty() {
                return None;
            }
            // Changed in place: a versioned declaration's breaking change is a lie.
            Some(change(None, details, split_id(id).is_some()))
        }
        (None, Some(b)) => {
            let Some((name, v)) = split_id(id) else {
                return Some(change(
                    None,
                    vec![whole(Class::Compatible, "new declaration")],
                    false,
                ));
            };
            match highest_below(old, *kind, name, &v) {
                Some((pid, pv)) => {
                    let a = old.decls.get(&(*kind, pid.clone()))?;
                    let (_, details) = compare_decls(*kind, &parse(a), &parse(b));
                    Some(change(Some(pid), details, in_range(&pv, &v)))
                }
                None => Some(change(
                    None,
                    vec![whole(Class::Compatible, "new declaration")],
                    false,
                )),
            }
        }
        (Some(_), None) => {
            if let Some((name, v)) = split_id(id) {
                let replaced =
                    versions(new, *kind, name).any(|(_, nv)| nv > v && in_range(&v, &nv));
                if replaced {
                    return None;
                }
            }
            Some(change(None, vec![whole(Class::Breaking, "removed")], false))
        }
        (None, None) => None,
    }
}

fn whole(class: Class, message: &str) -> Detail {
    Detail {
        path: String::new(),
        class,
        message: message.into(),
    }
}

/// The highest version of `name` in `side` below `v`.
fn highest_below(
    side: &Side,
    kind: Kind,
    name: &str,
    v: &semver::Version,
) -> Option<(String, semver::Version)> {
    versions(side, kind, name)
        .filter(|(_, pv)| pv < v)
        .max_by(|a, b| a.1.cmp(&b.1))
        .map(|(id, pv)| (id.to_owned(), pv))
}

/// Every versioned id of `name` in `side`, with its version.
fn versions<'a>(
    side: &'a Side,
    kind: Kind,
    name: &'a str,
) -> impl Iterator<Item = (&'a str, semver::Version)> + 'a {
    let prefix = format!("{name}@");
    side.decls
        .range((kind, prefix.clone())..)
        .take_while(move |((k, id), _)| *k == kind && id.starts_with(&prefix))
        .filter_map(move |((_, id), _)| {
            let (n, v) = split_id(id)?;
            (n == name).then_some((id.as_str(), v))
        })
}

fn policies(old: &[Json], new: &[Json]) -> Vec<Change> {
    let by_package = |list: &[Json]| -> BTreeMap<String, (String, String)> {
        list.iter()
            .filter_map(|p| {
                let s = |k: &str| p.get(k).and_then(Json::as_str).unwrap_or("").to_owned();
                Some((
                    p.get("package")?.as_str()?.to_owned(),
                    (s("path"), s("digest")),
                ))
            })
            .collect()
    };
    let (a, b) = (by_package(old), by_package(new));
    let mut names: BTreeSet<&String> = a.keys().collect();
    names.extend(b.keys());
    let mut out = Vec::new();
    for name in names {
        let message = match (a.get(name), b.get(name)) {
            (Some(x), Some(y)) if x == y => continue,
            (Some((pa, da)), Some((pb, db))) if da == db => {
                format!("policy moved from `{pa}` to `{pb}`")
            }
            (Some((_, da)), Some((pb, db))) => {
                format!("policy `{pb}` changed ({} → {})", short(da), short(db))
            }
            (None, Some((pb, _))) => format!("policy `{pb}` added"),
            (Some((pa, _)), None) => format!("policy `{pa}` removed"),
            (None, None) => continue,
        };
        out.push(Change {
            kind: "policy".into(),
            id: name.clone(),
            previous: None,
            class: Class::Governance,
            semver_violation: false,
            details: vec![whole(Class::Governance, &message)],
        });
    }
    out
}

fn short(digest: &str) -> &str {
    digest.get(..19).unwrap_or(digest)
}

/// A governance warning that appeared or went away is a detail of the
/// declaration it names (`ref`), or of `governance.warnings` without one.
fn warnings(old: &[Json], new: &[Json], changes: &mut Vec<Change>) {
    let key = |w: &Json| -> (String, String, String) {
        let s = |k: &str| w.get(k).and_then(Json::as_str).unwrap_or("").to_owned();
        (s("ref"), s("code"), s("message"))
    };
    let a: BTreeSet<_> = old.iter().map(key).collect();
    let b: BTreeSet<_> = new.iter().map(key).collect();
    let gone = a.difference(&b).map(|w| (w, "went away"));
    let came = b.difference(&a).map(|w| (w, "appeared"));
    for ((r, code, message), what) in came.chain(gone) {
        let (kind, id) = match r.split_once('.') {
            Some((k, id)) if Kind::from_keyword(k).is_some() => (k.to_owned(), id.to_owned()),
            _ => ("governance".to_owned(), "warnings".to_owned()),
        };
        let detail = Detail {
            path: "governance".into(),
            class: Class::Governance,
            message: format!("warning {code} {what}: {message}"),
        };
        match changes.iter_mut().find(|c| c.kind == kind && c.id == id) {
            Some(c) => {
                c.details.push(detail);
                c.class = c.class.max(Class::Governance);
            }
            None => changes.push(Change {
                kind,
                id,
                previous: None,
                class: Class::Governance,
                semver_violation: false,
                details: vec![detail],
            }),
        }
    }
}

#[cfg(test)]
mod tests;
