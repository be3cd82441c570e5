//! `pmth fmt`: the one canonical layout of `.pmth` text (CLI.md, *Formatting*).
//!
//! - `comments` — the comments, from the parser's lexer (the tree keeps none),
//!   handed out once each to the node they precede or end the line of;
//! - `order` — the item order, read from the kinds' attribute tables;
//! - `print` — the printer over the parsed tree, leaves copied as written;
//! - `safety` — the check that the output means what the input meant.
//!
//! [`format_source`] is the one entry; the CLI, the language server and any
//! generator of `.pmth` text (a future `pmth import` prints its declarations by
//! formatting the text it generated) all use it.

mod comments;
mod order;
mod print;
mod safety;

#[cfg(test)]
mod tests;

use crate::diag::{Diagnostic, Severity};
use crate::source::{FileKind, LineIndex, SourceFile};
use std::fmt;

pub use comments::comment_texts;

// Public Interface

/// Formats one file's text. `Ok` holds the canonical text (equal to `text`
/// when it already is); `Err` means the text must be left as it is. A leading
/// byte-order mark and `\r\n` line ends are kept as the file had them.
pub fn format_source(text: &str) -> Result<String, FormatError> {
    let bom = if text.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let crlf = text.contains("\r\n");
    let out = format_lf(&normalized(text))?;
    let out = if crlf { out.replace('\n', "\r\n") } else { out };
    Ok(format!("{bom}{out}"))
}

/// The text the formatter works on: no byte-order mark, `\n` line ends. The
/// spans of a [`FormatError::Syntax`] are offsets into it.
pub fn normalized(text: &str) -> std::borrow::Cow<'_, str> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    match body.contains("\r\n") {
        true => std::borrow::Cow::Owned(body.replace("\r\n", "\n")),
        false => std::borrow::Cow::Borrowed(body),
    }
}

/// Whether two texts mean the same: both parse without an error to the same
/// declarations (spans aside, items in canonical order) and carry the same
/// comments. The comparison [`format_source`] makes between its input and its
/// output, for tests and fuzzing to check a formatted text independently.
pub fn same_meaning(a: &str, b: &str) -> bool {
    let (a, b) = (normalized(a), normalized(b));
    let (Ok(da), Ok(db)) = (parse_clean(&a), parse_clean(&b)) else {
        return false;
    };
    safety::canonical(da) == safety::canonical(db)
        && safety::comment_multiset(&a) == safety::comment_multiset(&b)
}

/// [`format_source`] on text without a byte-order mark or `\r\n`.
fn format_lf(text: &str) -> Result<String, FormatError> {
    let decls = parse_clean(text)?;
    let mut printer = print::Printer::new(text);
    printer.file(&decls);
    if let Some(at) = printer.comments.first_unused() {
        return Err(FormatError::Unsafe(format!(
            "a comment at byte {at} is in a place the formatter cannot keep it"
        )));
    }
    let out = printer.finish();
    let again = parse_clean(&out).map_err(|_| {
        FormatError::Unsafe("the formatted text does not parse (a formatter bug)".into())
    })?;
    if safety::canonical(again) != safety::canonical(decls) {
        return Err(FormatError::Unsafe(
            "the formatted text would mean something else (a formatter bug)".into(),
        ));
    }
    if safety::comment_multiset(&out) != safety::comment_multiset(text) {
        return Err(FormatError::Unsafe(
            "the formatted text would lose or change a comment (a formatter bug)".into(),
        ));
    }
    Ok(out)
}

/// Why a text was not formatted.
#[derive(Clone, Debug)]
pub enum FormatError {
    /// The text has syntax (or literal) errors: these diagnostics, spans in a
    /// file of id 0 holding the [`normalized`] text.
    Syntax(Vec<Diagnostic>),
    /// Formatting could not be proven safe; the reason.
    Unsafe(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Syntax(d) => match d.first() {
                Some(first) => write!(f, "syntax error: {}", first.message),
                None => f.write_str("syntax error"),
            },
            FormatError::Unsafe(why) => write!(f, "cannot format safely: {why}"),
        }
    }
}

impl std::error::Error for FormatError {}

/// The declarations of a text that parses without an error.
fn parse_clean(text: &str) -> Result<Vec<crate::ast::Decl>, FormatError> {
    let file = SourceFile {
        id: 0,
        path: String::new(),
        kind: FileKind::Pmth,
        text: text.to_string(),
        lines: LineIndex::new(text),
        stdlib: false,
    };
    let (decls, diags) = crate::parse::parse_source(&file);
    let errors: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() || decls.iter().any(|d| d.is_broken()) {
        return Err(FormatError::Syntax(errors));
    }
    Ok(decls)
}

/// A unified diff from `old` to `new` for `path` (`pmth fmt --check`).
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    // Patience: as readable on reordered attributes, and faster than Myers on
    // files that change throughout.
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(path, &format!("{path} (formatted)"))
        .to_string()
}
