//! Fixes as data: text edits that resolve a diagnostic (CLI.md, "Fixes").
//!
//! A [`Fix`] is *safe* when applying it cannot change what the author meant
//! beyond the diagnostic (a unique did-you-mean), *unsafe* otherwise (a secret
//! moved to `env`, a placeholder added). `pmth check --fix` applies the safe
//! ones, the language server offers them all as code actions. [`apply`] is the
//! one rule for applying edits to a text.

use crate::source::{SourceMap, Span};

/// Whether a fix may be applied without asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Applicability {
    /// Applied by `pmth check --fix`; the preferred code action.
    Safe,
    /// Applied only with `--unsafe-fixes`; the author should review it.
    Unsafe,
}

/// Replace the text of `span` with `text` (an insertion when `span` is empty).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TextEdit {
    pub span: Span,
    pub text: String,
}

/// One way to resolve a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    /// What the fix does, e.g. "replace with `tool.web_search`".
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<TextEdit>,
}

impl Fix {
    /// A safe fix replacing `span` with `text`.
    pub fn safe(message: impl Into<String>, span: Span, text: impl Into<String>) -> Fix {
        Fix::one(Applicability::Safe, message, span, text)
    }

    /// An unsafe fix replacing `span` with `text`.
    pub fn unsafe_(message: impl Into<String>, span: Span, text: impl Into<String>) -> Fix {
        Fix::one(Applicability::Unsafe, message, span, text)
    }

    fn one(
        a: Applicability,
        message: impl Into<String>,
        span: Span,
        text: impl Into<String>,
    ) -> Fix {
        Fix {
            message: message.into(),
            applicability: a,
            edits: vec![TextEdit {
                span,
                text: text.into(),
            }],
        }
    }

    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }
}

/// The safe fix of a unique did-you-mean: `span` (the misspelt word) becomes
/// `name`.
pub fn rename_fix(span: Span, name: &str) -> Fix {
    Fix::safe(format!("replace with `{name}`"), span, name)
}

/// An edit adding `line` on a line of its own after the line where `after`
/// ends, indented like the line where it starts; `None` when something other
/// than a comment follows `after` on its line (a one-line block).
pub fn insert_line_after(sources: &SourceMap, after: Span, line: &str) -> Option<TextEdit> {
    let text = sources.get(after.file)?.text.as_str();
    let end = after.end as usize;
    let rest = text.get(end..)?;
    let eol = end + rest.find('\n').unwrap_or(rest.len());
    let tail = text.get(end..eol)?.trim();
    if !(tail.is_empty() || tail.starts_with("//")) {
        return None;
    }
    let indent = indent_at(text, after.start as usize);
    Some(TextEdit {
        span: Span::new(after.file, eol, eol),
        text: format!("\n{indent}{line}"),
    })
}

/// An edit adding `line` as the last line of the block `block` (whose span ends
/// with its `}`), indented two spaces more than the `}`; `None` when the `}` does
/// not start its line (a one-line block).
pub fn insert_in_block(sources: &SourceMap, block: Span, line: &str) -> Option<TextEdit> {
    let text = sources.get(block.file)?.text.as_str();
    let close = (block.end as usize).checked_sub(1)?;
    if text.get(close..close + 1) != Some("}") {
        return None;
    }
    let start = text.get(..close)?.rfind('\n').map_or(0, |n| n + 1);
    let indent = text.get(start..close)?;
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    Some(TextEdit {
        span: Span::new(block.file, start, start),
        text: format!("{indent}  {line}\n"),
    })
}

/// The leading whitespace of the line holding byte `at`.
fn indent_at(text: &str, at: usize) -> &str {
    let start = text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |n| n + 1);
    let line = text.get(start..).unwrap_or("");
    let n = line.len() - line.trim_start_matches([' ', '\t']).len();
    line.get(..n).unwrap_or("")
}

/// Applies `edits` (all on one file whose text is `text`) in order of position,
/// skipping an edit that overlaps one already taken or falls outside the text
/// or off a character boundary. Returns the new text and how many edits were
/// applied.
pub fn apply(text: &str, edits: &[&TextEdit]) -> (String, usize) {
    let mut sorted: Vec<&TextEdit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    let mut applied = 0;
    for e in sorted {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        let fits = s >= at && s <= t && t <= text.len();
        if !fits || !text.is_char_boundary(s) || !text.is_char_boundary(t) {
            continue;
        }
        out.push_str(text.get(at..s).unwrap_or(""));
        out.push_str(&e.text);
        at = t;
        applied += 1;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    (out, applied)
}

/// The new text of one file after [`plan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFix {
    pub file: crate::source::FileId,
    pub text: String,
    /// How many fixes (diagnostics) it resolves.
    pub fixes: usize,
}

/// What `pmth check --fix` writes: for each diagnostic its first fix that may be
/// applied (safe ones; unsafe ones too with `unsafe_too`), skipping a fix one of
/// whose edits overlaps an edit already taken (the next round gets it), then
/// each file's edits applied to its text. Files in file order.
pub fn plan<'a>(
    sources: &SourceMap,
    diags: impl IntoIterator<Item = &'a super::Diagnostic>,
    unsafe_too: bool,
) -> Vec<FileFix> {
    let mut taken: Vec<&TextEdit> = Vec::new();
    let mut per_file: std::collections::BTreeMap<crate::source::FileId, usize> =
        std::collections::BTreeMap::new();
    for d in diags {
        let Some(f) = d.fixes.iter().find(|f| f.is_safe() || unsafe_too) else {
            continue;
        };
        let editable = |e: &TextEdit| sources.get(e.span.file).is_some_and(|s| !s.stdlib);
        let clashes = |e: &TextEdit| taken.iter().any(|t| overlaps(t, e));
        if f.edits.is_empty() || !f.edits.iter().all(editable) || f.edits.iter().any(clashes) {
            continue;
        }
        taken.extend(&f.edits);
        if let Some(first) = f.edits.first() {
            *per_file.entry(first.span.file).or_default() += 1;
        }
    }
    let mut files: Vec<crate::source::FileId> = taken.iter().map(|e| e.span.file).collect();
    files.sort_unstable();
    files.dedup();
    files
        .into_iter()
        .filter_map(|id| {
            let text = &sources.get(id)?.text;
            let edits: Vec<&TextEdit> = taken
                .iter()
                .copied()
                .filter(|e| e.span.file == id)
                .collect();
            let (text, _) = apply(text, &edits);
            Some(FileFix {
                file: id,
                text,
                fixes: per_file.get(&id).copied().unwrap_or(0),
            })
        })
        .collect()
}

/// Two edits of one file touch: their spans overlap, or both insert at one place
/// (their order would be arbitrary).
fn overlaps(a: &TextEdit, b: &TextEdit) -> bool {
    a.span.file == b.span.file
        && (a.span.start < b.span.end && b.span.start < a.span.end || a.span.start == b.span.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(s: usize, e: usize, t: &str) -> TextEdit {
        TextEdit {
            span: Span::new(0, s, e),
            text: t.into(),
        }
    }

    #[test]
    fn apply_replaces_in_position_order_and_skips_overlaps() {
        let (a, b, c) = (edit(6, 11, "there"), edit(0, 5, "Hi"), edit(8, 9, "x"));
        let (out, n) = apply("hello world!", &[&a, &b, &c]);
        assert_eq!((out.as_str(), n), ("Hi there!", 2));
    }

    #[test]
    fn apply_inserts_at_an_empty_span_and_ignores_bad_spans() {
        let (a, bad) = (edit(5, 5, ","), edit(3, 99, "x"));
        let (out, n) = apply("hello world", &[&a, &bad]);
        assert_eq!((out.as_str(), n), ("hello, world", 1));
    }
}
