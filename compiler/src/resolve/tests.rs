//! Unit tests of the symbol table and version selection, on hand-built ASTs.

use super::*;
use crate::ast::{Attr, Block, Decl, Ident, Item, Kind, Req, VersionLit};
use crate::source::FileKind;

fn sp(n: usize) -> Span {
    Span::new(0, n, n + 1)
}

fn decl(kind: Kind, name: &str, version: Option<&str>, status: Option<&str>, at: usize) -> Unit {
    let mut items = Vec::new();
    if let Some(s) = status {
        items.push(Item::Attr(Attr {
            key: Ident {
                name: "status".into(),
                span: sp(at),
            },
            value: Value {
                kind: ValueKind::Word(s.into()),
                span: sp(at),
            },
            span: sp(at),
        }));
    }
    Unit {
        decl: Decl {
            kind,
            name: Ident {
                name: name.into(),
                span: sp(at),
            },
            version: version.map(|v| VersionLit {
                value: semver::Version::parse(v).ok(),
                span: sp(at),
            }),
            doc: None,
            header: sp(at),
            span: sp(at),
            body: DeclBody::Attrs(Block {
                items,
                span: sp(at),
            }),
        },
        origin: None,
    }
}

fn reference(kind: Kind, name: &str, req: Option<&str>) -> Reference {
    Reference {
        kind,
        name: name.into(),
        name_span: sp(0),
        req: req.map(|r| Req {
            req: semver::VersionReq::parse(r).expect("req"),
            text: r.into(),
            span: sp(0),
        }),
        written: name.into(),
        span: sp(0),
    }
}

fn table(units: &[Unit]) -> (Symbols, Vec<Diagnostic>) {
    let mut map = SourceMap::new();
    map.add("main.pmth".into(), FileKind::Pmth, " ".repeat(1000), false);
    Symbols::build(&map, units)
}

fn id_of(syms: &Symbols, r: &Reference) -> Result<String, Problem> {
    match resolve_ref(syms, r) {
        Outcome::Found { id, .. } => Ok(id),
        Outcome::Failed(p) => Err(p),
    }
}

#[test]
fn picks_the_highest_satisfying_version_that_is_not_retired() {
    let units = vec![
        decl(Kind::Tool, "t", Some("1.0.0"), None, 1),
        decl(Kind::Tool, "t", Some("1.4.0"), None, 2),
        decl(Kind::Tool, "t", Some("1.5.0"), Some("retired"), 3),
        decl(Kind::Tool, "t", Some("2.0.0"), None, 4),
        decl(Kind::Tool, "t", Some("3.0.0-beta.1"), None, 5),
    ];
    let (syms, d) = table(&units);
    assert!(d.is_empty());
    assert_eq!(
        id_of(&syms, &reference(Kind::Tool, "t", None)),
        Ok("t@2.0.0".into())
    );
    assert_eq!(
        id_of(&syms, &reference(Kind::Tool, "t", Some("^1"))),
        Ok("t@1.4.0".into())
    );
    assert_eq!(
        id_of(&syms, &reference(Kind::Tool, "t", Some("=1.0.0"))),
        Ok("t@1.0.0".into())
    );
    assert_eq!(
        id_of(&syms, &reference(Kind::Tool, "t", Some("=1.5.0"))),
        Err(Problem::OnlyRetired(vec!["t@1.5.0".into()]))
    );
    assert!(matches!(
        id_of(&syms, &reference(Kind::Tool, "t", Some("^4"))),
        Err(Problem::NoMatch(_))
    ));
    // Pre-releases only when named.
    assert_eq!(
        id_of(&syms, &reference(Kind::Tool, "t", Some(">=2.0.0"))),
        Ok("t@2.0.0".into())
    );
    assert_eq!(
        id_of(&syms, &reference(Kind::Tool, "t", Some(">=3.0.0-beta.0"))),
        Ok("t@3.0.0-beta.1".into())
    );
}

#[test]
fn unknown_names_and_other_kinds() {
    let units = vec![decl(Kind::Model, "swift", None, None, 1)];
    let (syms, _) = table(&units);
    assert_eq!(
        id_of(&syms, &reference(Kind::Tool, "nope", None)),
        Err(Problem::Unknown)
    );
    assert_eq!(
        id_of(&syms, &reference(Kind::Tool, "swift", None)),
        Err(Problem::OtherKind(vec![Kind::Model]))
    );
    assert_eq!(
        id_of(&syms, &reference(Kind::Model, "swift", Some("^1"))),
        Err(Problem::Unversioned)
    );
}

#[test]
fn duplicates_and_mixed_versioning_are_pm0103_on_the_later() {
    let units = vec![
        decl(Kind::Tool, "a", Some("1.0.0"), None, 1),
        decl(Kind::Tool, "a", Some("1.0.0"), None, 9),
        decl(Kind::Tool, "b", None, None, 3),
        decl(Kind::Tool, "b", Some("1.0.0"), None, 5),
        decl(Kind::Model, "a", None, None, 7),
    ];
    let (syms, d) = table(&units);
    let at: Vec<u32> = d.iter().map(|d| d.primary.span.start).collect();
    assert_eq!(at, vec![5, 9]);
    assert!(d.iter().all(|d| d.code == "PM0103"));
    assert_eq!(syms.lookup(Kind::Tool, "a@1.0.0"), Some(0));
    assert_eq!(syms.lookup(Kind::Model, "a"), Some(4));
}

#[test]
fn deprecated_resolves_with_a_flag_and_retired_unversioned_fails() {
    let units = vec![
        decl(Kind::Tool, "old", None, Some("deprecated"), 1),
        decl(Kind::Tool, "dead", None, Some("retired"), 2),
    ];
    let (syms, _) = table(&units);
    assert!(matches!(
        resolve_ref(&syms, &reference(Kind::Tool, "old", None)),
        Outcome::Found {
            deprecated: true,
            ..
        }
    ));
    assert!(matches!(
        id_of(&syms, &reference(Kind::Tool, "dead", None)),
        Err(Problem::OnlyRetired(_))
    ));
}
