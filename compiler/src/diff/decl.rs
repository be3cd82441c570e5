//! The declaration rules of BUNDLE.md §7: what changed between two versions
//! of one declaration (its registry JSON), each difference with its path and
//! class. Written against the registry's keys, so an attribute the language
//! gains is compared by the catch-all until a rule names it.

use super::schema::{self, Position};
use super::{Class, Detail};
use crate::ast::Kind;
use serde_json::{Map, Value as Json};

// Public Interface

/// Every difference from `old` to `new`, two registry entries of `kind`, in
/// key order. `source`, `digest`, `name` and `version` are not compared (the
/// caller matched the two), nor a workflow's `order` (it follows `after`).
pub fn compare(kind: Kind, old: &Json, new: &Json) -> Vec<Detail> {
    let empty = Map::new();
    let om = old.as_object().unwrap_or(&empty);
    let nm = new.as_object().unwrap_or(&empty);
    let mut out = Vec::new();
    let mut keys: Vec<&String> = om.keys().chain(nm.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        attr(
            kind,
            key,
            om.get(key.as_str()),
            nm.get(key.as_str()),
            &mut out,
        );
    }
    out
}

/// Whether a registry key holds documentation only.
pub fn is_cosmetic(key: &str) -> bool {
    COSMETIC.contains(&key)
}

// ---- internals ----------------------------------------------------------------------

const IGNORED: &[&str] = &["source", "digest", "name", "version"];
const COSMETIC: &[&str] = &["description", "title", "doc", "labels"];

fn push(out: &mut Vec<Detail>, path: &str, class: Class, message: impl Into<String>) {
    out.push(Detail {
        path: path.to_owned(),
        class,
        message: message.into(),
    });
}

fn attr(kind: Kind, key: &str, old: Option<&Json>, new: Option<&Json>, out: &mut Vec<Detail>) {
    if old == new || IGNORED.contains(&key) {
        return;
    }
    if COSMETIC.contains(&key) {
        return cosmetic(key, old, new, out);
    }
    match (kind, key) {
        (_, "status") => status(old, new, out),
        (_, "input_schema") => {
            let root = if kind == Kind::Tool {
                "params"
            } else {
                "input"
            };
            schema_attr(root, old, new, Position::Input, out)
        }
        (_, "output_schema") => {
            let root = if kind == Kind::Tool {
                "returns"
            } else {
                "output"
            };
            schema_attr(root, old, new, Position::Output, out)
        }
        (Kind::Template, "params") => schema_attr("params", old, new, Position::Input, out),
        (Kind::Tool, "risk") => risk(old, new, out),
        (Kind::Tool, "hints") => hints(old, new, out),
        (Kind::Tool | Kind::Model, "provides") => {
            removals(key, old, new, Class::Breaking, "no longer provides", out)
        }
        (Kind::Agent, "capabilities") => removals(
            key,
            old,
            new,
            Class::Breaking,
            "claimed capability removed:",
            out,
        ),
        (Kind::Agent, "tools" | "delegates") => refs(key, old, new, Class::Breaking, out),
        (Kind::Agent, "fallback_models" | "services") => {
            refs(key, old, new, Class::Compatible, out)
        }
        (Kind::Service, "auth") => auth(old, new, out),
        (Kind::Service, "endpoint") => changed(key, old, new, Class::Breaking, out),
        (Kind::Workflow, "order") => {}
        (Kind::Workflow, "steps") => steps(old, new, out),
        _ => generic(key, old, new, out),
    }
}

fn cosmetic(key: &str, old: Option<&Json>, new: Option<&Json>, out: &mut Vec<Detail>) {
    if let (Some(Json::Object(a)), Some(Json::Object(b))) = (old, new) {
        // Labels: one line per label.
        let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
        names.sort();
        names.dedup();
        for n in names {
            let at = format!("{key}.{n}");
            match (a.get(n), b.get(n)) {
                (x, y) if x == y => {}
                (None, Some(y)) => push(
                    out,
                    &at,
                    Class::Cosmetic,
                    format!("added ({})", schema::show(y)),
                ),
                (Some(_), None) => push(out, &at, Class::Cosmetic, "removed"),
                (Some(x), Some(y)) => push(
                    out,
                    &at,
                    Class::Cosmetic,
                    format!("changed from {} to {}", schema::show(x), schema::show(y)),
                ),
                _ => {}
            }
        }
        return;
    }
    let what = match (old, new) {
        (None, _) => "added",
        (_, None) => "removed",
        _ => "changed",
    };
    push(out, key, Class::Cosmetic, what);
}

fn status(old: Option<&Json>, new: Option<&Json>, out: &mut Vec<Detail>) {
    let word = |v: Option<&Json>| v.and_then(Json::as_str).unwrap_or("active").to_owned();
    let (a, b) = (word(old), word(new));
    if a == b {
        return;
    }
    let class = if b == "retired" {
        Class::Breaking
    } else {
        Class::Compatible
    };
    let message = if b == "retired" {
        format!("retired (was {a})")
    } else {
        format!("status changed from {a} to {b}")
    };
    push(out, "status", class, message);
}

fn schema_attr(
    root: &str,
    old: Option<&Json>,
    new: Option<&Json>,
    pos: Position,
    out: &mut Vec<Detail>,
) {
    // An absent input schema is the empty closed object (BUNDLE.md §1); an
    // absent output schema says nothing (any value).
    let absent = match pos {
        Position::Input => {
            serde_json::json!({"type": "object", "properties": {}, "additionalProperties": false})
        }
        Position::Output => Json::Object(Map::new()),
    };
    let a = old.unwrap_or(&absent);
    let b = new.unwrap_or(&absent);
    for (path, class, message) in schema::classify(a, b, root, pos) {
        push(out, &path, class, message);
    }
}

const RISKS: &[&str] = &["low", "medium", "high", "critical"];

fn risk(old: Option<&Json>, new: Option<&Json>, out: &mut Vec<Detail>) {
    let rank = |v: Option<&Json>| {
        v.and_then(Json::as_str)
            .and_then(|s| RISKS.iter().position(|r| *r == s))
    };
    match (rank(old), rank(new)) {
        (Some(a), Some(b)) if b > a => push(
            out,
            "risk",
            Class::Breaking,
            format!("risk raised from {} to {}", show_opt(old), show_opt(new)),
        ),
        (Some(a), Some(b)) if b < a => push(
            out,
            "risk",
            Class::Compatible,
            format!("risk lowered from {} to {}", show_opt(old), show_opt(new)),
        ),
        _ => generic("risk", old, new, out),
    }
}

/// MCP's tool annotations: a hint that promised less harm dropped (or one
/// that warns of more harm set) breaks whoever relied on it.
fn hints(old: Option<&Json>, new: Option<&Json>, out: &mut Vec<Detail>) {
    let get = |v: Option<&Json>, k: &str| v.and_then(|h| h.get(k)).and_then(Json::as_bool);
    // (hint, the value a user relies on)
    let safe = [
        ("read_only", true),
        ("destructive", false),
        ("idempotent", true),
        ("open_world", false),
    ];
    let mut seen: Vec<&str> = Vec::new();
    for (hint, relied) in safe {
        seen.push(hint);
        let (a, b) = (get(old, hint), get(new, hint));
        if a == b {
            continue;
        }
        let at = format!("hints.{hint}");
        let show = |v: Option<bool>| v.map_or("unset".to_owned(), |b| b.to_string());
        let class = if a == Some(relied) {
            Class::Breaking
        } else {
            Class::Compatible
        };
        let message = if a == Some(relied) && b.is_none() {
            format!("`{hint} = {relied}` dropped")
        } else {
            format!("changed from {} to {}", show(a), show(b))
        };
        push(out, &at, class, message);
    }
    // Hints the rules do not name.
    let empty = Map::new();
    let om = old.and_then(Json::as_object).unwrap_or(&empty);
    let nm = new.and_then(Json::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = om
        .keys()
        .chain(nm.keys())
        .filter(|k| !seen.contains(&k.as_str()))
        .collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        generic(&format!("hints.{k}"), om.get(k), nm.get(k), out);
    }
}

/// Removed items of a list of ids are `class`; added ones compatible.
fn removals(
    key: &str,
    old: Option<&Json>,
    new: Option<&Json>,
    class: Class,
    what: &str,
    out: &mut Vec<Detail>,
) {
    let (a, b) = (strings(old), strings(new));
    for x in a.iter().filter(|x| !b.contains(x)) {
        push(out, key, class, format!("{what} `{x}`"));
    }
    for x in b.iter().filter(|x| !a.contains(x)) {
        push(out, key, Class::Compatible, format!("added `{x}`"));
    }
}

/// A list of resolved references, matched by name: a name gone is `class`,
/// a new version of the same name compatible.
fn refs(key: &str, old: Option<&Json>, new: Option<&Json>, class: Class, out: &mut Vec<Detail>) {
    let (a, b) = (strings(old), strings(new));
    let name = |id: &str| id.split_once('@').map_or(id, |(n, _)| n).to_owned();
    let what = match key {
        "tools" => "tool",
        "delegates" => "delegate",
        "fallback_models" => "fallback model",
        _ => "service",
    };
    for x in &a {
        match b.iter().find(|y| name(y) == name(x)) {
            None => push(out, key, class, format!("{what} `{x}` removed")),
            Some(y) if y != x => push(
                out,
                key,
                Class::Compatible,
                format!("{what} `{}` now resolves to `{y}` (was `{x}`)", name(x)),
            ),
            Some(_) => {}
        }
    }
    for y in b.iter().filter(|y| !a.iter().any(|x| name(x) == name(y))) {
        push(out, key, Class::Compatible, format!("{what} `{y}` added"));
    }
}

fn auth(old: Option<&Json>, new: Option<&Json>, out: &mut Vec<Detail>) {
    let kind = |v: Option<&Json>| {
        v.and_then(|a| a.get("type"))
            .and_then(Json::as_str)
            .unwrap_or("none")
            .to_owned()
    };
    let (a, b) = (kind(old), kind(new));
    if a != b {
        push(
            out,
            "auth",
            Class::Breaking,
            format!("auth kind changed from {a} to {b}"),
        );
        return;
    }
    generic("auth", old, new, out);
}

fn changed(key: &str, old: Option<&Json>, new: Option<&Json>, class: Class, out: &mut Vec<Detail>) {
    let message = match (old, new) {
        (None, Some(b)) => format!("{} added", schema::show(b)),
        (Some(a), None) => format!("{} removed", schema::show(a)),
        _ => format!("changed from {} to {}", show_opt(old), show_opt(new)),
    };
    push(out, key, class, message);
}

fn steps(old: Option<&Json>, new: Option<&Json>, out: &mut Vec<Detail>) {
    let empty = Map::new();
    let om = old.and_then(Json::as_object).unwrap_or(&empty);
    let nm = new.and_then(Json::as_object).unwrap_or(&empty);
    let mut names: Vec<&String> = om.keys().chain(nm.keys()).collect();
    names.sort();
    names.dedup();
    for n in names {
        let at = format!("steps.{n}");
        let (a, b) = (om.get(n), nm.get(n));
        match (a, b) {
            (x, y) if x == y => {}
            (Some(_), None) => push(out, &at, Class::Breaking, "step removed"),
            (None, Some(_)) => push(out, &at, Class::Compatible, "step added"),
            (Some(Json::Object(x)), Some(Json::Object(y))) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    let p = format!("{at}.{k}");
                    let (sa, sb) = (x.get(k), y.get(k));
                    if sa == sb {
                        continue;
                    }
                    match k.as_str() {
                        "select" => push(
                            out,
                            &p,
                            Class::Breaking,
                            format!(
                                "selected capability changed from {} to {}",
                                show_opt(sa),
                                show_opt(sb)
                            ),
                        ),
                        "output_schema" => {
                            let root = format!("{at}.output");
                            if let (Some(sa), Some(sb)) = (sa, sb) {
                                for (path, class, message) in
                                    schema::classify(sa, sb, &root, Position::Output)
                                {
                                    push(out, &path, class, message);
                                }
                            } else {
                                generic(&root, sa, sb, out);
                            }
                        }
                        _ => generic(&p, sa, sb, out),
                    }
                }
            }
            _ => generic(&at, a, b, out),
        }
    }
}

/// The catch-all: compatible, with a line per leaf that changed.
fn generic(path: &str, old: Option<&Json>, new: Option<&Json>, out: &mut Vec<Detail>) {
    match (old, new) {
        (a, b) if a == b => {}
        (None, Some(b)) => push(
            out,
            path,
            Class::Compatible,
            format!("{} added", schema::show(b)),
        ),
        (Some(a), None) => push(
            out,
            path,
            Class::Compatible,
            format!("{} removed", schema::show(a)),
        ),
        (Some(Json::Object(a)), Some(Json::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                generic(&format!("{path}.{k}"), a.get(k), b.get(k), out);
            }
        }
        (Some(Json::Array(a)), Some(Json::Array(b))) if scalars(a) && scalars(b) => {
            let removed: Vec<&Json> = a.iter().filter(|x| !b.contains(x)).collect();
            let added: Vec<&Json> = b.iter().filter(|x| !a.contains(x)).collect();
            for x in &removed {
                push(
                    out,
                    path,
                    Class::Compatible,
                    format!("{} removed", schema::show(x)),
                );
            }
            for x in &added {
                push(
                    out,
                    path,
                    Class::Compatible,
                    format!("{} added", schema::show(x)),
                );
            }
            if removed.is_empty() && added.is_empty() {
                push(out, path, Class::Compatible, "order changed");
            }
        }
        (Some(a), Some(b)) => push(
            out,
            path,
            Class::Compatible,
            format!("changed from {} to {}", schema::show(a), schema::show(b)),
        ),
        (None, None) => {}
    }
}

fn scalars(v: &[Json]) -> bool {
    v.iter().all(|x| !x.is_object() && !x.is_array())
}

fn strings(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        Some(Json::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn show_opt(v: Option<&Json>) -> String {
    match v {
        Some(Json::String(s)) => s.clone(),
        Some(v) => schema::show(v),
        None => "nothing".into(),
    }
}

#[cfg(test)]
#[path = "decl_tests.rs"]
mod tests;
