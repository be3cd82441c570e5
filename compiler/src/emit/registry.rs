//! `registry.json` (BUNDLE.md §1): the checked registry plus its `governance`
//! section, and the other views of it the bundle needs: the OPA `data` document,
//! the versioned declarations' digests (for `pmth.lock`), and the build's
//! inputs with their digests (for the seal and the lock).

use crate::ast::Kind;
use crate::check::{canonical, Checked, Entry, LockRef, Registry};
use crate::govern::GovernanceReport;
use crate::load::{stdlib, Workspace};
use crate::source::FileKind;
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;

use super::jcs::{self, Doc};

// Public Interface

/// The registry (less `governance`) as a document: the header fields and the
/// eight maps, each declaration as its canonical text.
pub fn registry_doc(reg: &Registry) -> Doc<'_> {
    let mut members: Vec<(&str, Doc<'_>)> = reg
        .header
        .iter()
        .map(|(k, v)| (k.as_str(), Doc::Value(v)))
        .collect();
    for kind in Kind::ALL {
        let decls = reg
            .decls(kind)
            .iter()
            .map(|e| (&*e.id, Doc::Canonical(&e.json)))
            .collect();
        members.push((kind.plural(), Doc::Object(decls)));
    }
    Doc::Object(members)
}

/// The registry as written to `dist/registry.json`: `checked.registry` with a
/// `governance` section `{policies, warnings}`.
pub fn assemble<'a>(checked: &'a Checked, governance: &GovernanceReport) -> Doc<'a> {
    let section = json!({
        "policies": governance.policies,
        "warnings": governance.warnings,
    });
    match registry_doc(&checked.registry) {
        Doc::Object(mut members) => {
            members.push(("governance", Doc::Owned(section)));
            Doc::Object(members)
        }
        other => other,
    }
}

/// `data` as policies read it at build time and as the OPA bundle ships it:
/// `{"pmth": {"registry": …, "config": …}}` (the registry less `governance`).
pub fn data_document<'a>(checked: &'a Checked, config: Option<&'a Json>) -> Doc<'a> {
    let config = match config {
        Some(c @ Json::Object(_)) => Doc::Value(c),
        _ => Doc::Owned(Json::Object(Map::new())),
    };
    let pmth = Doc::Object(vec![
        ("registry", registry_doc(&checked.registry)),
        ("config", config),
    ]);
    Doc::Object(vec![("pmth", pmth)])
}

/// `(ID, fingerprint)` of every tool, versioned or not, for the lock's `tool`
/// lines ([`super::lock::tool_fingerprint`]).
pub fn tool_fingerprints(registry: &Registry) -> Vec<(String, String)> {
    use rayon::prelude::*;
    registry
        .decls(Kind::Tool)
        .par_iter()
        .filter_map(|e| {
            let v: Json = serde_json::from_str(&e.json).ok()?;
            Some((e.id.to_string(), super::lock::tool_fingerprint(&v)))
        })
        .collect()
}

/// `(KIND.ID, digest)` of every versioned declaration (an id with `@`), sorted,
/// for the lock's `decl` lines. The digest is of the declaration as authored
/// ([`authored`]), so that what other declarations resolve to does not make
/// it look changed.
pub fn versioned_decls(registry: &Registry, references: &[LockRef]) -> Vec<(String, String)> {
    use rayon::prelude::*;
    let mut by_decl: HashMap<&str, Vec<&LockRef>> = HashMap::new();
    for r in references {
        by_decl.entry(r.decl.as_str()).or_default().push(r);
    }
    let versioned: Vec<(Kind, &Entry)> = registry
        .iter()
        .filter(|(_, e)| e.id.contains('@'))
        .collect();
    let mut out: Vec<(String, String)> = versioned
        .into_par_iter()
        .map(|(kind, e)| {
            let key = format!("{}.{}", kind.keyword(), e.id);
            let refs = by_decl.get(key.as_str()).map_or(&[][..], Vec::as_slice);
            let decl: Json = serde_json::from_str(&e.json).unwrap_or(Json::Null);
            let digest = canonical::digest(&authored(&decl, refs));
            (key, digest)
        })
        .collect();
    out.sort();
    out
}

/// A declaration's registry JSON as its author wrote it: without `source` and
/// `digest`, each reference as written (`tool.web_search@^1.2`) rather than
/// its resolved id, and without what other declarations decide (a step's
/// `output_schema`, which may come from its tool or agent; a step's own type
/// is its `output`). A new version of a dependency changes what a
/// reference resolves to (the lock's `resolve` lines say so), not this.
pub fn authored(decl: &Json, refs: &[&LockRef]) -> Json {
    let mut v = decl.clone();
    if let Json::Object(m) = &mut v {
        m.remove("source");
        m.remove("digest");
        if let Some(Json::Object(steps)) = m.get_mut("steps") {
            for step in steps.values_mut() {
                if let Json::Object(s) = step {
                    s.remove(crate::check::STEP_OUTPUT_SCHEMA);
                }
            }
        }
    }
    for r in refs {
        let mut at = Some(&mut v);
        for seg in r.path.split('.') {
            at = at.and_then(|x| x.get_mut(seg));
        }
        match at {
            Some(Json::String(s)) if *s == r.target => *s = r.written.clone(),
            Some(Json::Array(items)) => {
                if let Some(item) = items.iter_mut().find(|i| i.as_str() == Some(&r.target)) {
                    *item = Json::String(r.written.clone());
                }
            }
            _ => {}
        }
    }
    v
}

/// One input of the build, as the seal's `resolvedDependencies` and the lock
/// list them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// `pmth.toml`, `agents/research.pmth`, `stdlib:policies/tools.rego`, `stdlib`.
    pub name: String,
    /// Lowercase hex SHA-256.
    pub sha256: String,
    pub role: Role,
}

/// What an [`Input`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Manifest,
    Source,
    Policy,
    /// The embedded standard library as a whole ([`stdlib_sha256`]).
    Stdlib,
}

/// Every input: `pmth.toml`, each `.pmth` (the stdlib's included), each policy
/// that took part in governance, and the stdlib as a whole; sorted by name.
/// A file's digest is over its text as the compiler read it (a leading UTF-8
/// byte-order mark is not part of it).
pub fn inputs(ws: &Workspace, governance: &GovernanceReport) -> Vec<Input> {
    use rayon::prelude::*;
    let files: Vec<_> = ws
        .sources
        .files()
        .iter()
        .filter_map(|f| match f.kind {
            FileKind::Manifest => Some((f, Role::Manifest)),
            FileKind::Pmth => Some((f, Role::Source)),
            FileKind::Policy | FileKind::Lock | FileKind::Bundle => None,
        })
        .collect();
    let mut out: Vec<Input> = files
        .into_par_iter()
        .map(|(f, role)| Input {
            name: f.path.clone(),
            sha256: jcs::sha256_hex(f.text.as_bytes()),
            role,
        })
        .collect();
    for p in &governance.policies {
        let (Some(path), Some(digest)) = (
            p.get("path").and_then(Json::as_str),
            p.get("digest").and_then(Json::as_str),
        ) else {
            continue;
        };
        out.push(Input {
            name: path.to_owned(),
            sha256: digest.trim_start_matches("sha256:").to_owned(),
            role: Role::Policy,
        });
    }
    out.push(Input {
        name: STDLIB_INPUT.into(),
        sha256: stdlib_sha256(),
        role: Role::Stdlib,
    });
    out.sort();
    out.dedup_by(|a, b| a.name == b.name);
    out
}

/// The name of the stdlib's aggregate input.
pub const STDLIB_INPUT: &str = "stdlib";

/// The stdlib's version: it ships inside the compiler, so it is the compiler's.
pub const STDLIB_VERSION: &str = crate::VERSION;

/// SHA-256 of the stdlib as a whole: of the `sha256sum`-style listing
/// (`HEX  PATH\n`, paths below `stdlib/`, sorted) of every embedded file, so
/// `cd stdlib && find . -name '*.pmth' -o -name '*.rego' | sed 's|^\./||' |
/// LC_ALL=C sort | xargs sha256sum | sha256sum` reproduces it.
pub fn stdlib_sha256() -> String {
    let mut listing = String::new();
    for (path, text) in stdlib::all_files() {
        listing.push_str(&jcs::sha256_hex(text.as_bytes()));
        listing.push_str("  ");
        listing.push_str(path);
        listing.push('\n');
    }
    jcs::sha256_hex(listing.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_decls_lists_only_ids_with_a_version() {
        let reg = json!({
            "tools": {"a@1.0.0": {"digest": "sha256:1"}, "b": {"digest": "sha256:2"}},
            "models": {"m@2024.8.6": {"digest": "sha256:3"}},
        });
        let ids: Vec<String> = versioned_decls(&Registry::from_json(&reg), &[])
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids, vec!["model.m@2024.8.6", "tool.a@1.0.0"]);
    }

    #[test]
    fn the_authored_form_has_references_as_written() {
        let decl = json!({
            "tools": ["x@1.3.0", "y"], "model": "m@2.0.0", "digest": "sha256:1",
            "source": {"file": "a.pmth", "line": 1},
            "steps": {"s": {"agent": "a@1.0.0", "output_schema": {"type": "string"}}},
        });
        let refs = [
            LockRef {
                decl: "agent.z@1.0.0".into(),
                path: "tools".into(),
                written: "tool.x@^1".into(),
                target: "x@1.3.0".into(),
            },
            LockRef {
                decl: "agent.z@1.0.0".into(),
                path: "model".into(),
                written: "model.m".into(),
                target: "m@2.0.0".into(),
            },
            LockRef {
                decl: "agent.z@1.0.0".into(),
                path: "steps.s.agent".into(),
                written: "agent.a".into(),
                target: "a@1.0.0".into(),
            },
        ];
        let refs: Vec<&LockRef> = refs.iter().collect();
        assert_eq!(
            authored(&decl, &refs),
            json!({"tools": ["tool.x@^1", "y"], "model": "model.m", "steps": {"s": {"agent": "agent.a"}}})
        );
    }

    #[test]
    fn the_stdlib_digest_is_stable_hex() {
        let d = stdlib_sha256();
        assert_eq!(d.len(), 64);
        assert_eq!(d, stdlib_sha256());
    }
}
