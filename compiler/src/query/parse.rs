//! Query expressions (CLI.md, *Query expressions*): space-separated
//! `key:value` terms, all of which must hold.

use super::{QueryError, Term};
use crate::ast::Kind;
use crate::schema::{self, names, Ty};

/// The term keys, in the order the docs list them.
pub const KEYS: [&str; 8] = [
    "kind",
    "capability",
    "risk",
    "status",
    "label",
    "uses",
    "usedby",
    "name",
];

/// Risk levels in increasing order.
pub const RISKS: [&str; 4] = ["low", "medium", "high", "critical"];

pub fn parse(expr: &str) -> Result<Vec<Term>, QueryError> {
    expr.split_whitespace().map(term).collect()
}

fn term(text: &str) -> Result<Term, QueryError> {
    let Some((key, value)) = text.split_once(':') else {
        return Err(QueryError::new(
            format!("`{text}` is not a term"),
            format!("write `key:value`, the key one of {}", list(&KEYS)),
        ));
    };
    if value.is_empty() {
        return Err(QueryError::new(
            format!("`{text}` has no value"),
            format!("write `{key}:VALUE`"),
        ));
    }
    match key {
        "kind" => Kind::from_keyword(value).map(Term::Kind).ok_or_else(|| {
            QueryError::new(
                format!("unknown kind `{value}`"),
                suggestion(value, Kind::ALL_KEYWORDS, "kinds"),
            )
        }),
        "capability" => Ok(Term::Capability(
            value
                .strip_prefix("capability.")
                .unwrap_or(value)
                .to_owned(),
        )),
        "risk" => risk(value),
        "status" => {
            let words = status_words();
            if words.contains(&value) {
                Ok(Term::Status(value.to_owned()))
            } else {
                Err(QueryError::new(
                    format!("unknown status `{value}`"),
                    suggestion(value, words.iter().copied(), "statuses"),
                ))
            }
        }
        "label" => match value.split_once('=') {
            Some(("", _)) => Err(QueryError::new(
                format!("`{text}` names no label key"),
                "write `label:KEY` or `label:KEY=VALUE`",
            )),
            Some((k, v)) => Ok(Term::Label(k.to_owned(), Some(v.to_owned()))),
            None => Ok(Term::Label(value.to_owned(), None)),
        },
        "uses" => reference(value).map(Term::Uses),
        "usedby" => reference(value).map(Term::UsedBy),
        "name" => Ok(Term::Name(value.to_owned())),
        _ => Err(QueryError::new(
            format!("unknown term `{key}:`"),
            suggestion(key, KEYS, "terms"),
        )),
    }
}

/// `>=high`, `<medium`, `=low`, `critical`.
fn risk(value: &str) -> Result<Term, QueryError> {
    let (op, level) = [">=", "<=", ">", "<", "="]
        .into_iter()
        .find_map(|op| value.strip_prefix(op).map(|rest| (op, rest)))
        .unwrap_or(("=", value));
    let Some(rank) = RISKS.iter().position(|r| *r == level) else {
        return Err(QueryError::new(
            format!("unknown risk level `{level}`"),
            suggestion(level, RISKS, "levels"),
        ));
    };
    let op = match op {
        ">=" => super::Cmp::Ge,
        "<=" => super::Cmp::Le,
        ">" => super::Cmp::Gt,
        "<" => super::Cmp::Lt,
        _ => super::Cmp::Eq,
    };
    Ok(Term::Risk(op, rank))
}

/// `tool.refund` or `tool.refund@1.2.0`.
fn reference(value: &str) -> Result<super::RefPattern, QueryError> {
    let help = || {
        format!(
            "write KIND.NAME or KIND.NAME@VERSION, KIND one of {}",
            list(&Kind::ALL_KEYWORDS)
        )
    };
    let Some((kind, rest)) = value.split_once('.') else {
        return Err(QueryError::new(
            format!("`{value}` is not a reference"),
            help(),
        ));
    };
    let Some(kind) = Kind::from_keyword(kind) else {
        return Err(QueryError::new(
            format!("unknown kind `{kind}` in `{value}`"),
            help(),
        ));
    };
    let (name, version) = match rest.split_once('@') {
        Some((n, v)) => (n, Some(v.to_owned())),
        None => (rest, None),
    };
    if name.is_empty() || version.as_deref() == Some("") {
        return Err(QueryError::new(
            format!("`{value}` is not a reference"),
            help(),
        ));
    }
    Ok(super::RefPattern {
        kind,
        name: name.to_owned(),
        version,
    })
}

/// The `status` words, from the attribute table.
fn status_words() -> Vec<&'static str> {
    schema::attrs(Kind::Agent)
        .iter()
        .find(|a| a.name == names::STATUS)
        .and_then(|a| match a.ty {
            Ty::Enum(words) => Some(words.to_vec()),
            _ => None,
        })
        .unwrap_or_default()
}

fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, what: &str) -> String {
    let all: Vec<&str> = candidates.into_iter().collect();
    match crate::diag::suggest(word, all.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? ({what}: {})", list(&all)),
        None => format!("{what}: {}", list(&all)),
    }
}

fn list(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
