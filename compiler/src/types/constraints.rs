//! The constraints of §7 (`min max exclusive_min exclusive_max min_len max_len
//! pattern format unique`): which
//! type takes which, their JSON Schema keywords, and their consistency.

use super::literal::check_pattern;
use super::Base;
use crate::ast::{Attr, Block, Item, ValueKind};
use crate::diag::{rename_fix, suggest, suggestion, Diagnostic};
use serde_json::{json, Map, Value as Json};

/// One constraint: its name, the bases it applies to, and a doc line.
struct Constraint {
    name: &'static str,
    doc: &'static str,
}

const CONSTRAINTS: &[Constraint] = &[
    Constraint {
        name: "min",
        doc: "smallest allowed value (numbers, durations, sizes)",
    },
    Constraint {
        name: "max",
        doc: "largest allowed value (numbers, durations, sizes)",
    },
    Constraint {
        name: "exclusive_min",
        doc: "the value must be greater (numbers, durations, sizes)",
    },
    Constraint {
        name: "exclusive_max",
        doc: "the value must be less (numbers, durations, sizes)",
    },
    Constraint {
        name: "min_len",
        doc: "fewest characters, items or entries",
    },
    Constraint {
        name: "max_len",
        doc: "most characters, items or entries",
    },
    Constraint {
        name: "pattern",
        doc: "a regular expression strings must match",
    },
    Constraint {
        name: "format",
        doc: "one of the formats below, asserted",
    },
    Constraint {
        name: "unique",
        doc: "list items must differ",
    },
];

/// `(constraint, what it means)` for every constraint, in order (for docs).
pub fn constraint_docs() -> impl Iterator<Item = (&'static str, &'static str)> {
    CONSTRAINTS.iter().map(|c| (c.name, c.doc))
}

/// `(type, constraints it takes)` for the types that take any (for docs).
pub fn constraints_by_type() -> [(&'static str, &'static [&'static str]); 7] {
    [
        ("string", allowed(&Base::String)),
        ("int", allowed(&Base::Int)),
        ("float", allowed(&Base::Float)),
        ("duration", allowed(&Base::Duration)),
        ("size", allowed(&Base::Size)),
        ("list<T>", allowed(&Base::List(Json::Null))),
        ("map<T>", allowed(&Base::Map(Json::Null))),
    ]
}

/// The formats `format = "…"` accepts.
pub const FORMATS: &[&str] = &[
    "uri",
    "uri-reference",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "date",
    "time",
    "date-time",
    "duration",
    "uuid",
];

/// Not a constraint: a field's description is its `///` doc comment.
const DESCRIPTION: &str = "description";

fn allowed(base: &Base) -> &'static [&'static str] {
    match base {
        Base::String => &["min_len", "max_len", "pattern", "format"],
        Base::Int | Base::Float | Base::Duration | Base::Size => {
            &["min", "max", "exclusive_min", "exclusive_max"]
        }
        Base::List(_) => &["min_len", "max_len", "unique"],
        Base::Map(_) => &["min_len", "max_len"],
        Base::Bool
        | Base::Object(_)
        | Base::Union(_)
        | Base::Ref(_)
        | Base::Any
        | Base::Null
        | Base::AnyOf(_) => &[],
    }
}

/// Checks the constraint block of a `base` type and adds its keywords to
/// `schema`. `None` when something errored (reported).
pub(super) fn apply(
    base: &Base,
    block: &Block,
    schema: &mut Map<String, Json>,
    diags: &mut Vec<Diagnostic>,
) -> Option<()> {
    let names = allowed(base);
    let mut ok = true;
    let mut seen: Vec<&Attr> = Vec::new();
    // min, max, min_len, max_len, exclusive_min, exclusive_max
    let mut bounds: [Option<(&Attr, f64)>; 6] = [None; 6];
    for item in &block.items {
        let Item::Attr(a) = item else {
            diags.push(
                Diagnostic::new(
                    "PM0203",
                    item.span(),
                    "expected a constraint `name = value`",
                )
                .label("not a constraint"),
            );
            ok = false;
            continue;
        };
        let name = a.key.name.as_str();
        if let Some(first) = seen.iter().find(|s| s.key.name == name) {
            diags.push(super::twice(name, a.key.span, first.key.span));
            ok = false;
            continue;
        }
        seen.push(a);
        if name == DESCRIPTION {
            diags.push(
                Diagnostic::new("PM0201", a.key.span, "`description` is not a constraint")
                    .label("not a constraint")
                    .help(
                        "write the description as a `///` doc comment on the line before the field",
                    ),
            );
            ok = false;
            continue;
        }
        if !names.contains(&name) {
            diags.push(unknown(base, a, names));
            ok = false;
            continue;
        }
        if matches!(a.value.kind, ValueKind::Invalid) {
            ok = false;
            continue;
        }
        match constraint(base, a, diags) {
            Some((key, value, bound)) => {
                if let Some(b) = bound {
                    let slot = match name {
                        "min" => 0,
                        "max" => 1,
                        "min_len" => 2,
                        "max_len" => 3,
                        "exclusive_min" => 4,
                        _ => 5,
                    };
                    if let Some(s) = bounds.get_mut(slot) {
                        *s = Some((a, b));
                    }
                }
                schema.insert(key.into(), value);
            }
            None => ok = false,
        }
    }
    // (lower, upper, whether equal bounds leave no value)
    for (lo, hi, strict) in [
        (0, 1, false),
        (2, 3, false),
        (4, 1, true),
        (0, 5, true),
        (4, 5, true),
    ] {
        if let (Some(Some((la, l))), Some(Some((ha, h)))) = (bounds.get(lo), bounds.get(hi)) {
            if l > h || (strict && l == h) {
                if l == h {
                    diags.push(
                        Diagnostic::new(
                            "PM0204",
                            ha.span,
                            format!("`{}` equals `{}`", ha.key.name, la.key.name),
                        )
                        .label("no value can satisfy both")
                        .related(la.span, "the lower bound")
                        .help(format!(
                            "make `{}` greater than `{}`",
                            ha.key.name, la.key.name
                        )),
                    );
                    ok = false;
                    continue;
                }
                diags.push(
                    Diagnostic::new(
                        "PM0204",
                        ha.span,
                        format!("`{}` is less than `{}`", ha.key.name, la.key.name),
                    )
                    .label("no value can satisfy both")
                    .related(la.span, "the lower bound")
                    .help(format!("make `{}` at most `{}`", la.key.name, ha.key.name)),
                );
                ok = false;
            }
        }
    }
    ok.then_some(())
}

fn unknown(base: &Base, a: &Attr, names: &[&str]) -> Diagnostic {
    let name = &a.key.name;
    let known = CONSTRAINTS.iter().any(|c| c.name == name);
    let d = Diagnostic::new(
        "PM0201",
        a.key.span,
        if known {
            format!("`{name}` does not apply to {}", with_article(base.name()))
        } else {
            format!("unknown constraint `{name}`")
        },
    )
    .label("not a constraint of this type");
    let list = if names.is_empty() {
        format!("{} takes no constraints", with_article(base.name()))
    } else {
        format!("{} takes {}", with_article(base.name()), names.join(", "))
    };
    match suggestion(name, names.iter().copied()).filter(|_| !known) {
        Some(s) => d
            .help(format!("did you mean `{}`?", s.name))
            .maybe_fix(s.unique().map(|n| rename_fix(a.key.span, n)))
            .note(list),
        None => d.help(list).note(
            CONSTRAINTS
                .iter()
                .map(|c| format!("{}: {}", c.name, c.doc))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// One constraint's keyword, value and (for bounds) its number.
fn constraint(
    base: &Base,
    a: &Attr,
    diags: &mut Vec<Diagnostic>,
) -> Option<(&'static str, Json, Option<f64>)> {
    let v = &a.value;
    let mismatch = |expected: &str, diags: &mut Vec<Diagnostic>| {
        diags.push(
            Diagnostic::new(
                "PM0203",
                v.span,
                format!("`{}` expects {expected}", a.key.name),
            )
            .label(format!("found {}", v.kind.describe())),
        );
        None
    };
    match a.key.name.as_str() {
        name @ ("min" | "max" | "exclusive_min" | "exclusive_max") => {
            let key = match name {
                "min" => "minimum",
                "max" => "maximum",
                "exclusive_min" => "exclusiveMinimum",
                _ => "exclusiveMaximum",
            };
            let n: Json = match (base, &v.kind) {
                (Base::Int, ValueKind::Int(n)) => json!(n),
                (Base::Float, ValueKind::Int(n)) => json!(n),
                (Base::Float, ValueKind::Float(x)) => json!(x),
                (Base::Duration, ValueKind::Duration(ms)) => json!(ms),
                (Base::Size, ValueKind::Size(b)) => json!(b),
                (Base::Int, _) => return mismatch("an integer", diags),
                (Base::Float, _) => return mismatch("a number", diags),
                (Base::Duration, _) => return mismatch("a duration such as `30s`", diags),
                _ => return mismatch("a size such as `256MB`", diags),
            };
            let f = n.as_f64().unwrap_or(0.0);
            Some((key, n, Some(f)))
        }
        name @ ("min_len" | "max_len") => {
            let ValueKind::Int(n) = v.kind else {
                return mismatch("a non-negative integer", diags);
            };
            if n < 0 {
                diags.push(
                    Diagnostic::new("PM0204", v.span, format!("`{name}` cannot be negative"))
                        .label("a length is at least 0"),
                );
                return None;
            }
            let min = name == "min_len";
            let key = match (base, min) {
                (Base::String, true) => "minLength",
                (Base::String, false) => "maxLength",
                (Base::List(_), true) => "minItems",
                (Base::List(_), false) => "maxItems",
                (_, true) => "minProperties",
                (_, false) => "maxProperties",
            };
            Some((key, json!(n), Some(n as f64)))
        }
        "pattern" => {
            let ValueKind::Str(s) = &v.kind else {
                return mismatch("a string", diags);
            };
            let p = s.as_plain()?;
            if let Err(e) = check_pattern(&p) {
                // The validator's message is generic ("… is not a \"regex\""): say it plainly.
                let _ = e;
                diags.push(
                    Diagnostic::new("PM0002", v.span, format!("invalid regular expression `{p}`"))
                        .label("this pattern does not compile with the validator's regex engine")
                        .help("fix the pattern; in a `.pmth` string a backslash is written `\\\\` (`\"\\\\d+\"`)"),
                );
                return None;
            }
            Some(("pattern", Json::String(p), None))
        }
        "format" => {
            let ValueKind::Str(s) = &v.kind else {
                return mismatch("a string", diags);
            };
            let f = s.as_plain()?;
            if !FORMATS.contains(&f.as_str()) {
                let d = Diagnostic::new("PM0206", v.span, format!("unknown format `{f}`"))
                    .label("not a supported format");
                diags.push(match suggest(&f, FORMATS.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("the formats are {}", FORMATS.join(", "))),
                });
                return None;
            }
            Some(("format", Json::String(f), None))
        }
        _ => {
            let ValueKind::Bool(b) = v.kind else {
                return mismatch("`true` or `false`", diags);
            };
            Some(("uniqueItems", json!(b), None))
        }
    }
}

/// `an int`, `a string`.
fn with_article(word: &str) -> String {
    let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {word}", if vowel { "an" } else { "a" })
}
