//! pest errors → PM0001 diagnostics with human messages: "expected a value, found
//! `=`", "expected `=`, `{` or `:` after `tone`".
//!
//! pest reports the rules it tried at the furthest position; each rule of the
//! grammar maps to a short description here, and the found token is read from
//! the file text.

use super::grammar::Rule;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// The PM0001 for a pest error in `chunk` (the comment-blanked text of the file
/// `text` from offset `start`).
pub(super) fn syntax_error(
    file: FileId,
    text: &str,
    chunk: &str,
    start: usize,
    err: &Error<Rule>,
) -> Diagnostic {
    let end = start + chunk.len();
    let rel = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let pos = (start + rel).min(end);
    let positives: &[Rule] = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        ErrorVariant::CustomError { .. } => &[],
    };
    if matches!(err.variant, ErrorVariant::CustomError { .. }) {
        return Diagnostic::new(
            "PM0001",
            Span::new(file, start, start),
            "declaration too complex to parse",
        )
        .label("here")
        .help("split it into smaller declarations");
    }
    let found = if pos >= end {
        // The chunk ended here: describe what the file holds next.
        let next = skip_blank(text, pos);
        if next >= text.len() {
            "end of file".to_owned()
        } else {
            describe(text, next).1
        }
    } else {
        describe(text, pos).1
    };
    let tok_end = if pos >= end {
        pos
    } else {
        describe(text, pos).0
    };
    let expected = expected_list(positives);
    let after = previous_word(chunk, pos - start).filter(|_| pos > start);
    let mut message = format!("expected {}", join(&expected));
    let entry_tail = !positives.is_empty()
        && positives
            .iter()
            .all(|r| matches!(r, Rule::eq | Rule::lbrace | Rule::colon | Rule::question));
    let show_after = entry_tail || (!expected.contains(&ATTRIBUTE) && !expected.is_empty());
    if let (Some(w), true) = (after, show_after) {
        message.push_str(&format!(" after `{w}`"));
    }
    message.push_str(&format!(", found {found}"));
    let mut d = Diagnostic::new("PM0001", Span::new(file, pos, tok_end), message)
        .label(format!("expected {}", join(&expected)));
    if let Some(h) = help_for(positives, &found) {
        d = d.help(h);
    }
    d
}

const ATTRIBUTE: &str = "an attribute";
const VALUE: &str = "a value";
const STRING: &str = "a string";
const NAME: &str = "a name";

/// Descriptions of the expected rules, deduplicated, in a fixed order.
fn expected_list(positives: &[Rule]) -> Vec<&'static str> {
    let mut items: Vec<(u8, &'static str)> =
        positives.iter().filter_map(|r| describe_rule(*r)).collect();
    items.sort();
    items.dedup();
    // Operators and `?` are rarely what was meant; keep them only when alone.
    if items.iter().any(|(rank, _)| *rank < 90) {
        items.retain(|(rank, _)| *rank < 90);
    }
    // In a block, commas are optional separators: not worth suggesting. And a `{`
    // or `(` that would make the previous word a tagged block or a call is rarely
    // what was meant.
    if items.iter().any(|(_, d)| *d == ATTRIBUTE) {
        items.retain(|(_, d)| *d != "`,`");
    }
    if items
        .iter()
        .any(|(_, d)| [ATTRIBUTE, VALUE, "`,`", "`]`", "`)`"].contains(d))
    {
        items.retain(|(_, d)| *d != "`{`" && *d != "`(`");
    }
    // Inside `list<…>`, a member's constraint block is rarely what was meant
    // next: the `>` is.
    if items.iter().any(|(_, d)| *d == "`>`") {
        items.retain(|(_, d)| *d != "`{`");
    }
    // Strings, names, lists and blocks are all values.
    if items.iter().any(|(_, d)| *d == VALUE) {
        items.retain(|(_, d)| ![STRING, NAME, "`[`", "`{`"].contains(d));
    }
    if items.is_empty() {
        return vec!["something else"];
    }
    items.into_iter().map(|(_, d)| d).collect()
}

fn describe_rule(r: Rule) -> Option<(u8, &'static str)> {
    // Spelled out (no `use Rule::*`): a misspelt variant would silently become a
    // catch-all binding.
    Some(match r {
        Rule::expr | Rule::not_op | Rule::paren | Rule::number | Rule::named | Rule::list => {
            (10, VALUE)
        }
        Rule::string => (12, STRING),
        Rule::type_expr
        | Rule::list_type
        | Rule::map_type
        | Rule::object_type
        | Rule::union_type
        | Rule::named_type
        | Rule::kw_list
        | Rule::kw_map
        | Rule::kw_object => (11, "a type"),
        Rule::eq | Rule::instance => (20, "`=`"),
        Rule::lbrace | Rule::block => (21, "`{`"),
        Rule::colon => (22, "`:`"),
        Rule::lparen | Rule::call => (23, "`(`"),
        Rule::comma => (30, "`,`"),
        Rule::rparen => (31, "`)`"),
        Rule::rbracket => (32, "`]`"),
        Rule::rbrace => (33, "`}`"),
        Rule::rangle => (34, "`>`"),
        Rule::langle => (35, "`<`"),
        Rule::pipe => (36, "`|`"),
        Rule::lbracket => (37, "`[`"),
        Rule::ident | Rule::decl_name | Rule::dotted_name | Rule::path_text => (40, NAME),
        Rule::attr
        | Rule::field
        | Rule::key
        | Rule::param_item
        | Rule::step_item
        | Rule::kw_param
        | Rule::kw_step => (15, ATTRIBUTE),
        Rule::arg => (46, "an argument `name = value`"),
        Rule::kind_word | Rule::for_kind => (50, "a declaration kind (`agent`, `tool`, …)"),
        Rule::kw_template => (50, "`template`"),
        Rule::template_ref | Rule::template_call => (51, "`template.NAME(…)`"),
        Rule::kw_for => (52, "`for`"),
        Rule::kw_extends => (53, "`extends`"),
        Rule::version | Rule::version_text => (92, "a version"),
        Rule::req | Rule::req_text => (93, "a version requirement"),
        Rule::bin_op => (90, "an operator"),
        Rule::question => (91, "`?`"),
        Rule::EOI => (95, "the end of the declaration"),
        _ => return None,
    })
}

fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn help_for(positives: &[Rule], found: &str) -> Option<String> {
    if positives.contains(&Rule::rbracket) && positives.contains(&Rule::comma) {
        return Some("list items are separated by commas".into());
    }
    if found == "end of file" && positives.contains(&Rule::rbrace) {
        return Some("a `}` may be missing".into());
    }
    if positives.contains(&Rule::lparen) && positives.len() == 1 {
        return Some("an instance is written `KIND NAME = template.T(ARGS)`; `()` is required even with no arguments".into());
    }
    None
}

fn skip_blank(text: &str, mut pos: usize) -> usize {
    let b = text.as_bytes();
    while b.get(pos).is_some_and(|c| c.is_ascii_whitespace()) {
        pos += 1;
    }
    pos
}

/// The token at `pos`: its end and a description (`` `x` ``, "a string", …).
fn describe(text: &str, pos: usize) -> (usize, String) {
    let b = text.as_bytes();
    let Some(&first) = b.get(pos) else {
        return (pos, "end of file".to_owned());
    };
    let word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    let end = if first == b'"' {
        let len = b
            .get(pos + 1..)
            .and_then(|r| r.iter().position(|c| *c == b'"' || *c == b'\n'))
            .map_or(1, |i| i + 2);
        return (pos + len, "a string".to_owned());
    } else if word(&first) || (first == b'-' && b.get(pos + 1).is_some_and(u8::is_ascii_digit)) {
        let n = b.get(pos + 1..).map_or(0, |r| {
            r.iter()
                .take_while(|c| word(c) || **c == b'.' || **c == b'/')
                .count()
        });
        pos + 1 + n
    } else {
        let two = text.get(pos..pos + 2).unwrap_or("");
        if ["==", "!=", "<=", ">=", "&&", "||"].contains(&two) {
            pos + 2
        } else {
            let ch_len = text
                .get(pos..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
            pos + ch_len
        }
    };
    let tok: String = text.get(pos..end).unwrap_or("").chars().take(32).collect();
    (end, format!("`{tok}`"))
}

/// The word right before `pos` (skipping blanks), if the previous token is one.
fn previous_word(text: &str, pos: usize) -> Option<&str> {
    let b = text.as_bytes();
    let mut end = pos.min(b.len());
    while end > 0 && b.get(end - 1).is_some_and(|c| c.is_ascii_whitespace()) {
        end -= 1;
    }
    let mut start = end;
    while start > 0
        && b.get(start - 1)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
    {
        start -= 1;
    }
    let w = text.get(start..end)?;
    let first = w.as_bytes().first()?;
    (first.is_ascii_alphabetic() || *first == b'_').then_some(w)
}
