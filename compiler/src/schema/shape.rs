//! The closed view of the registry's shape (BUNDLE.md §1): every key a
//! `data.pmth.registry` document can have, derived from the attribute tables plus
//! the keys the compiler writes itself. The policy shape check (PM0704) follows
//! reads against it; the published JSON Schema (`registry_schema`) stays open to
//! additions, this view does not.
//!
//! Built once, on first use, from the tables: a row added to a table is covered
//! without a change here. Where a value is a JSON Schema (`input_schema`,
//! `output_schema`, template `params`) or free data (`origin.arguments`,
//! `governance`), the view is [`Shape::Open`] and reads below it are not
//! followed.

use super::{attrs, AttrSpec, Ty, RESERVED_KEYS};
use crate::ast::Kind;
use std::sync::OnceLock;

// Public Interface

/// The shape of `data.pmth.registry`.
pub fn registry_shape() -> &'static Shape {
    static SHAPE: OnceLock<Shape> = OnceLock::new();
    SHAPE.get_or_init(build)
}

/// What a registry value can be.
#[derive(Debug)]
pub enum Shape {
    /// Anything: a JSON Schema or free data. Reads below it are not followed.
    Open,
    /// A string, number or boolean: it has no keys.
    Scalar {
        /// `a string`, `a number`, `a boolean`, `the id of a model`.
        what: String,
        /// For a reference, the kind it names (its id is a key of that map).
        refers: Option<Kind>,
    },
    /// A list, every element of this shape.
    List(Box<Shape>),
    /// Free keys (declaration ids, step names, labels), every value of this shape.
    Map(Box<Shape>),
    /// A closed object: only these keys.
    Object(Object),
}

/// A closed object and what it is, for messages.
#[derive(Debug)]
pub struct Object {
    /// `an agent`, `an agent's \`governance\``, `the registry`.
    pub what: String,
    pub fields: Vec<Field>,
}

/// One key of a closed object.
#[derive(Debug)]
pub struct Field {
    /// The key in the registry.
    pub key: &'static str,
    /// The attribute's name in `.pmth` when it differs (`params` → `input_schema`).
    pub written: Option<&'static str>,
    pub shape: Shape,
}

impl Object {
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// Keys the language contract defines (LANGUAGE.md §6, §8) that the tables may
/// not have yet; each is added only where its table lacks it, so this list is a
/// bridge that becomes a no-op once the rows land: tool `hints`, a step's direct
/// `tool` and its declared `output`.
const CONTRACT_KEYS: &[(Owner, &str, Bridge)] = &[
    (Owner::Kind(Kind::Tool), "hints", Bridge::Hints),
    (Owner::Step, "tool", Bridge::Ref(Kind::Tool)),
    (Owner::Step, "output_schema", Bridge::Open),
];

#[derive(Clone, Copy, PartialEq)]
enum Owner {
    Kind(Kind),
    Step,
}

#[derive(Clone, Copy)]
enum Bridge {
    Hints,
    Ref(Kind),
    Open,
}

fn bridge(b: Bridge, parent: &str) -> Shape {
    match b {
        Bridge::Hints => Shape::Object(Object {
            what: format!("{parent}'s `hints`"),
            fields: ["read_only", "destructive", "idempotent", "open_world"]
                .into_iter()
                .map(|key| Field {
                    key,
                    written: None,
                    shape: scalar("a boolean"),
                })
                .collect(),
        }),
        Bridge::Ref(kind) => reference(kind),
        Bridge::Open => Shape::Open,
    }
}

fn build() -> Shape {
    let string = || scalar("a string");
    let mut fields = vec![
        field("format", string()),
        field(
            "package",
            object(
                "the registry's `package`",
                ["name", "version", "organization", "homepage"]
                    .into_iter()
                    .map(|k| field(k, string()))
                    .collect(),
            ),
        ),
        field("compiler", string()),
    ];
    for kind in Kind::ALL {
        fields.push(field(
            kind.plural(),
            Shape::Map(Box::new(declaration(kind))),
        ));
    }
    let ids = || Shape::List(Box::new(string()));
    fields.push(field(
        "index",
        object(
            "the registry's `index`",
            vec![field(
                "capabilities",
                Shape::Map(Box::new(object(
                    "an entry of `index.capabilities`",
                    vec![
                        field("agents", ids()),
                        field("tools", ids()),
                        field("models", ids()),
                    ],
                ))),
            )],
        ),
    ));
    // Not in what policies read (§10), but written to the bundle; reading it is
    // how a policy checks that it is absent.
    fields.push(field("governance", Shape::Open));
    object("the registry (`data.pmth.registry`)", fields)
}

/// One declaration of a kind: its table's rows, the keys every declaration
/// carries, and the few a kind adds.
fn declaration(kind: Kind) -> Shape {
    let what = format!("{} {kind}", article(kind.keyword()));
    let mut fields = rows(attrs(kind), &what);
    let string = || scalar("a string");
    for key in RESERVED_KEYS {
        let shape = match *key {
            "source" => object(
                &format!("{what}'s `source`"),
                vec![field("file", string()), field("line", scalar("a number"))],
            ),
            "origin" => object(
                &format!("{what}'s `origin`"),
                vec![
                    field("template", reference(Kind::Template)),
                    field("arguments", Shape::Map(Box::new(Shape::Open))),
                ],
            ),
            _ => string(),
        };
        push_new(&mut fields, field(key, shape));
    }
    match kind {
        Kind::Workflow => push_new(&mut fields, field("order", Shape::List(Box::new(string())))),
        Kind::Template => {
            push_new(&mut fields, field("for", string()));
            push_new(&mut fields, field("params", Shape::Open));
            push_new(&mut fields, field("extends", reference(Kind::Template)));
        }
        _ => {}
    }
    for (owner, key, b) in CONTRACT_KEYS {
        if *owner == Owner::Kind(kind) {
            push_new(&mut fields, field(key, bridge(*b, &what)));
        }
    }
    Shape::Object(Object { what, fields })
}

fn push_new(fields: &mut Vec<Field>, f: Field) {
    if !fields.iter().any(|g| g.key == f.key) {
        fields.push(f);
    }
}

fn rows(rows: &[AttrSpec], what: &str) -> Vec<Field> {
    rows.iter()
        .map(|r| Field {
            key: r.key,
            written: (r.key != r.name).then_some(r.name),
            shape: value(&r.ty, &format!("{what}'s `{}`", r.key)),
        })
        .collect()
}

/// How a value of this type is written in the registry (as `json_schema::value`
/// says it, closed).
fn value(ty: &Ty, what: &str) -> Shape {
    match ty {
        Ty::Str | Ty::Url | Ty::Path | Ty::Expr | Ty::Enum(_) | Ty::StepRef => scalar("a string"),
        Ty::Int { .. } | Ty::Float { .. } | Ty::Duration | Ty::Size => scalar("a number"),
        Ty::Bool => scalar("a boolean"),
        Ty::Ref(kind) => reference(*kind),
        Ty::Rate => object(
            what,
            vec![
                field("count", scalar("a number")),
                field("window_ms", scalar("a number")),
            ],
        ),
        Ty::List(inner) => Shape::List(Box::new(value(inner, what))),
        Ty::Block(rows_) => Shape::Object(Object {
            what: what.to_owned(),
            fields: rows(rows_, what),
        }),
        Ty::Map(inner) => Shape::Map(Box::new(value(inner, what))),
        Ty::Tagged(variants) => {
            let mut fields = vec![field("type", scalar("a string"))];
            for v in *variants {
                for f in rows(v.attrs, what) {
                    push_new(&mut fields, f);
                }
            }
            Shape::Object(Object {
                what: what.to_owned(),
                fields,
            })
        }
        Ty::Secret => object(
            what,
            vec![
                field("env", scalar("a string")),
                field("secret", scalar("a string")),
            ],
        ),
        Ty::Fields | Ty::TypeExpr => Shape::Open,
        Ty::Steps(rows_) => {
            let step = "a workflow step";
            let mut fields = rows(rows_, step);
            push_new(
                &mut fields,
                field("candidates", Shape::List(Box::new(scalar("a string")))),
            );
            for (owner, key, b) in CONTRACT_KEYS {
                if *owner == Owner::Step {
                    push_new(&mut fields, field(key, bridge(*b, step)));
                }
            }
            Shape::Map(Box::new(Shape::Object(Object {
                what: step.to_owned(),
                fields,
            })))
        }
        Ty::Either(tys) => {
            let arms: Vec<Shape> = tys.iter().map(|t| value(t, what)).collect();
            if arms.iter().all(|a| matches!(a, Shape::Scalar { .. })) {
                scalar("a string or a number")
            } else {
                Shape::Open
            }
        }
    }
}

fn field(key: &'static str, shape: Shape) -> Field {
    Field {
        key,
        written: None,
        shape,
    }
}

fn object(what: &str, fields: Vec<Field>) -> Shape {
    Shape::Object(Object {
        what: what.to_owned(),
        fields,
    })
}

fn scalar(what: &str) -> Shape {
    Shape::Scalar {
        what: what.to_owned(),
        refers: None,
    }
}

fn reference(kind: Kind) -> Shape {
    Shape::Scalar {
        what: format!("the id of {} {kind}", article(kind.keyword())),
        refers: Some(kind),
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;

    /// Every key the published schema names is in the closed view (recursively,
    /// where both are objects): the two are written from the same tables, and the
    /// compiler-added keys are listed in both.
    #[test]
    fn the_closed_view_knows_every_key_of_the_published_schema() {
        fn walk(schema: &Json, shape: &Shape, at: &str) {
            match shape {
                Shape::Open => {}
                Shape::Object(o) => {
                    if let Some(props) = schema.get("properties").and_then(Json::as_object) {
                        for (k, s) in props {
                            let f = o
                                .field(k)
                                .unwrap_or_else(|| panic!("{at}.{k} is not in the shape"));
                            walk(s, &f.shape, &format!("{at}.{k}"));
                        }
                    }
                    for arm in ["oneOf", "anyOf"] {
                        for s in schema
                            .get(arm)
                            .and_then(Json::as_array)
                            .into_iter()
                            .flatten()
                        {
                            walk(s, shape, at);
                        }
                    }
                }
                Shape::Map(inner) => {
                    if let Some(s) = schema.get("additionalProperties") {
                        walk(s, inner, &format!("{at}.*"));
                    }
                }
                Shape::List(inner) => {
                    if let Some(s) = schema.get("items") {
                        walk(s, inner, &format!("{at}[]"));
                    }
                }
                Shape::Scalar { .. } => {
                    assert!(
                        schema.get("properties").is_none(),
                        "{at} is an object in the schema"
                    );
                }
            }
        }
        walk(
            &super::super::registry_schema(),
            registry_shape(),
            "registry",
        );
    }

    /// Every key of every registry the examples compile to is in the closed view.
    #[test]
    fn every_key_of_the_example_registries_is_known() {
        fn walk(v: &Json, shape: &Shape, at: &str) {
            match (v, shape) {
                (_, Shape::Open) => {}
                (Json::Object(m), Shape::Object(o)) => {
                    for (k, x) in m {
                        let f = o
                            .field(k)
                            .unwrap_or_else(|| panic!("{at}.{k} is not in the shape"));
                        walk(x, &f.shape, &format!("{at}.{k}"));
                    }
                }
                (Json::Object(m), Shape::Map(inner)) => {
                    for (k, x) in m {
                        walk(x, inner, &format!("{at}.{k}"));
                    }
                }
                (Json::Array(xs), Shape::List(inner)) => {
                    for x in xs {
                        walk(x, inner, &format!("{at}[]"));
                    }
                }
                (Json::Object(_) | Json::Array(_), _) => panic!("{at}: shape {shape:?}"),
                _ => {}
            }
        }
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut n = 0;
        for e in std::fs::read_dir(examples).expect("examples").flatten() {
            if !e.path().join("pmth.toml").is_file() {
                continue;
            }
            let c = crate::compile(&e.path(), &crate::CompileOptions::default()).expect("compiles");
            let reg = c.checked.expect("checked").registry.to_json();
            walk(&reg, registry_shape(), "registry");
            n += 1;
        }
        assert!(n > 0);
    }

    #[test]
    fn renamed_attributes_remember_their_pmth_name() {
        let Shape::Object(root) = registry_shape() else {
            panic!("root is an object")
        };
        let Some(Shape::Map(tool)) = root.field("tools").map(|f| &f.shape) else {
            panic!("tools is a map")
        };
        let Shape::Object(tool) = tool.as_ref() else {
            panic!("a tool is an object")
        };
        assert_eq!(
            tool.field("input_schema").and_then(|f| f.written),
            Some("params")
        );
        assert!(matches!(
            tool.field("input_schema").map(|f| &f.shape),
            Some(Shape::Open)
        ));
        assert!(tool.field("params").is_none());
    }
}
