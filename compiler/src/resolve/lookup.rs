//! Resolving one reference against the symbol table (§5): the highest version that
//! satisfies the requirement and is not retired. Failures are facts
//! ([`Problem`]); `resolve/mod.rs` turns them into diagnostics.

use super::symbols::{Entry, Status, Symbols};
use crate::ast::{Kind, Reference};
use semver::Version;

/// What resolving a reference gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Found {
        unit: usize,
        id: String,
        deprecated: bool,
    },
    Failed(Problem),
}

/// Why a reference did not resolve.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// No declaration of that kind has the name (PM0101).
    Unknown,
    /// The name exists, but only under these other kinds (PM0102).
    OtherKind(Vec<Kind>),
    /// A requirement on a name that is declared without a version (PM0104).
    Unversioned,
    /// No version satisfies the requirement; these exist (PM0104).
    NoMatch(Vec<Version>),
    /// Only retired declarations satisfy it (PM0105); their ids.
    OnlyRetired(Vec<String>),
    /// The failure involves a version literal that already errored: say nothing.
    Silent,
}

/// Resolves `r` among the declarations of its kind and name.
pub fn resolve_ref(syms: &Symbols, r: &Reference) -> Outcome {
    let entries = syms.entries(r.kind, &r.name);
    if entries.is_empty() {
        let others: Vec<Kind> = syms
            .kinds_of(&r.name)
            .iter()
            .copied()
            .filter(|k| *k != r.kind)
            .collect();
        return Outcome::Failed(if others.is_empty() {
            Problem::Unknown
        } else {
            Problem::OtherKind(others)
        });
    }
    let unversioned = entries
        .iter()
        .find(|e| e.version.is_none() && !e.invalid_version);
    if let Some(e) = unversioned {
        return match (&r.req, e.status) {
            (Some(_), _) => Outcome::Failed(Problem::Unversioned),
            (None, Status::Retired) => Outcome::Failed(Problem::OnlyRetired(vec![r.name.clone()])),
            (None, status) => found(e, status),
        };
    }
    let versioned = || {
        entries
            .iter()
            .filter_map(|e| e.version.as_ref().map(|v| (e, v)))
    };
    // The candidates: those satisfying the requirement; without one, any
    // version, preferring releases to pre-releases when a release is live.
    // (Filters over the entries, not collected lists: the usual success
    // allocates nothing.)
    let releases_only = r.req.is_none()
        && versioned().any(|(e, v)| v.pre.is_empty() && e.status != Status::Retired);
    let satisfying = || {
        versioned().filter(move |(_, v)| match &r.req {
            Some(req) => req.req.matches(v),
            None => !releases_only || v.pre.is_empty(),
        })
    };
    let best = satisfying()
        .filter(|(e, _)| e.status != Status::Retired)
        .max_by(|a, b| a.1.cmp(b.1));
    if let Some((e, _)) = best {
        return found(e, e.status);
    }
    let retired: Vec<String> = satisfying()
        .map(|(_, v)| format!("{}@{v}", r.name))
        .collect();
    if !retired.is_empty() {
        return Outcome::Failed(Problem::OnlyRetired(retired));
    }
    if entries.iter().any(|e| e.invalid_version) {
        return Outcome::Failed(Problem::Silent);
    }
    Outcome::Failed(Problem::NoMatch(
        versioned().map(|(_, v)| v.clone()).collect(),
    ))
}

fn found(e: &Entry, status: Status) -> Outcome {
    Outcome::Found {
        unit: e.unit,
        id: e.id.clone(),
        deprecated: status == Status::Deprecated,
    }
}
