//! Invariants of the tables, and the freshness of `docs/reference.md`.

use super::*;
use std::collections::HashSet;

fn all_tables() -> Vec<(String, &'static [AttrSpec])> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        walk(kind.keyword().to_owned(), attrs(kind), &mut out);
    }
    out
}

fn walk(path: String, rows: &'static [AttrSpec], out: &mut Vec<(String, &'static [AttrSpec])>) {
    out.push((path.clone(), rows));
    for r in rows {
        walk_ty(format!("{path}.{}", r.name), &r.ty, out);
    }
}

fn walk_ty(path: String, ty: &Ty, out: &mut Vec<(String, &'static [AttrSpec])>) {
    match ty {
        Ty::Block(rows) | Ty::Steps(rows) => walk(path, rows, out),
        Ty::Tagged(vs) => vs
            .iter()
            .for_each(|v| walk(format!("{path}.{}", v.name), v.attrs, out)),
        Ty::List(inner) | Ty::Map(inner) => walk_ty(path, inner, out),
        Ty::Either(tys) => tys.iter().for_each(|t| walk_ty(path.clone(), t, out)),
        _ => {}
    }
}

#[test]
fn names_and_keys_are_unique_per_table() {
    for (path, rows) in all_tables() {
        let mut names = HashSet::new();
        let mut keys = HashSet::new();
        for r in rows {
            assert!(names.insert(r.name), "{path}: `{}` twice", r.name);
            assert!(keys.insert(r.key), "{path}: key `{}` twice", r.key);
        }
    }
}

#[test]
fn top_level_keys_do_not_collide_with_reserved_ones() {
    for kind in Kind::ALL {
        for r in attrs(kind) {
            assert!(!RESERVED_KEYS.contains(&r.key), "{kind}.{}", r.key);
        }
    }
}

#[test]
fn defaults_fit_their_types() {
    for (path, rows) in all_tables() {
        for r in rows {
            let Some(d) = r.default else { continue };
            let ok = match (d, &r.ty) {
                (DefaultValue::Word(w), Ty::Enum(ws)) => ws.contains(&w),
                (DefaultValue::Word(w), Ty::Either(tys)) => tys
                    .iter()
                    .any(|t| matches!(t, Ty::Enum(ws) if ws.contains(&w))),
                (DefaultValue::Bool(_), Ty::Bool) => true,
                (DefaultValue::Int(_), Ty::Int { .. }) => true,
                (DefaultValue::Words(ws), Ty::List(Ty::Enum(all))) => {
                    ws.iter().all(|w| all.contains(w))
                }
                (DefaultValue::Variant(v), Ty::Tagged(vs)) => {
                    variant(vs, v).is_some_and(|v| v.attrs.is_empty())
                }
                _ => false,
            };
            assert!(ok, "{path}.{}: default {d:?} does not fit", r.name);
            assert!(!r.required, "{path}.{}: required with a default", r.name);
        }
    }
}

#[test]
fn required_descriptions_follow_the_spec() {
    let required = |k: Kind| find(attrs(k), names::DESCRIPTION).is_some_and(|a| a.required);
    for k in [
        Kind::Agent,
        Kind::Tool,
        Kind::Model,
        Kind::Workflow,
        Kind::Capability,
        Kind::Service,
    ] {
        assert!(required(k), "{k}");
    }
    assert!(!required(Kind::Persona));
}

#[test]
fn reference_doc_is_fresh() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/reference.md");
    let want = reference_markdown();
    let fresh = crate::generated::check_file(
        std::path::Path::new(path),
        &want,
        "cargo test -p pmth-compiler reference_doc",
    );
    assert_eq!(fresh, Ok(()));
}
