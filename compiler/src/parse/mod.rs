//! Stage 2, `parse`: turns each `.pmth` file into declarations, recovering at
//! top-level declaration boundaries.
//!
//! A file goes through three steps:
//! 1. `prescan` — a linear, non-recursive scan that splits the file into one chunk
//!    per declaration and reports nesting deeper than 64, unclosed delimiters and
//!    junk between declarations (PM0001);
//! 2. pest (`grammar/pmth.pest`) parses each chunk, its comments blanked out (or
//!    only its header, when the pre-scan found it broken); errors become PM0001
//!    in `errors`;
//! 3. `lower` / `value` turn pest pairs into the AST of [`crate::ast`], checking
//!    literals (`literal`, `strings`) on the way (PM0002).
//!
//! Steps 2 and 3 are the reference; `fast` is a hand-written parser that builds
//! the same tree directly for the declarations that parse cleanly (nearly all),
//! and hands anything else (a syntax or literal error, anything unusual) back
//! to pest, so every diagnostic still comes from the path above.
//!
//! A declaration with a syntax error is kept as [`DeclBody::Broken`] when its
//! header parsed, so later stages still know its kind and name. Files, and the
//! declarations of a file, are parsed in parallel; the output keeps source order.
//!
//! Architecture invariant: nothing recursive (pest, lowering, `Drop` of the tree)
//! ever sees nesting deeper than 64 brackets (checked by the pre-scan) or an
//! expression deeper than 64 operators (checked while lowering).

mod dict;
mod docs;
mod errors;
mod fast;
mod grammar;
mod lexer;
mod literal;
mod lower;
mod prescan;
mod strings;
mod value;

#[cfg(test)]
mod tests;

use crate::ast::{Decl, DeclBody};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Workspace;
use crate::source::SourceFile;
use grammar::{PmthParser, Rule};
use lower::Lower;
use pest::Parser;
use rayon::prelude::*;

pub use dict::fuzz_tokens;

// Public Interface

/// Every declaration of the compilation, stdlib files first, then in file order.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub decls: Vec<Decl>,
}

/// Parses every `.pmth` file of the workspace (in parallel, output in file order).
pub fn parse(ws: &Workspace) -> (Parsed, Diagnostics) {
    let results: Vec<(Vec<Decl>, Vec<Diagnostic>)> = ws
        .pmth_files
        .par_iter()
        .map(|id| match ws.sources.get(*id) {
            Some(file) => parse_source(file),
            None => (Vec::new(), Vec::new()),
        })
        .collect();
    let mut decls = Vec::with_capacity(results.iter().map(|(d, _)| d.len()).sum());
    let mut diags = Diagnostics::new();
    for (d, e) in results {
        decls.extend(d);
        diags.extend(e);
    }
    (Parsed { decls }, diags)
}

/// Parses one file.
pub fn parse_source(file: &SourceFile) -> (Vec<Decl>, Vec<Diagnostic>) {
    let (chunks, mut diags) = prescan::prescan(file);
    // Declarations are independent: a big file's are parsed in parallel too.
    let results: Vec<(Option<Decl>, Vec<Diagnostic>)> = chunks
        .into_par_iter()
        .with_min_len(8)
        .map(|chunk| parse_chunk(file, chunk))
        .collect();
    let mut decls = Vec::with_capacity(results.len());
    for (decl, mut d) in results {
        decls.extend(decl);
        diags.append(&mut d);
    }
    (decls, diags)
}

/// One declaration chunk: the declaration (broken or not) and its diagnostics.
/// The hand-written fast path (`fast`) parses it when it can; pest otherwise.
fn parse_chunk(file: &SourceFile, chunk: prescan::Chunk) -> (Option<Decl>, Vec<Diagnostic>) {
    let Some(original) = file.text.get(chunk.start..chunk.end) else {
        return (None, Vec::new());
    };
    let blanked = blank_comments(original, chunk.start, &chunk.comments);
    let text = blanked.as_deref().unwrap_or(original);
    let fast = match chunk.broken {
        false => fast::decl(file.id, chunk.start, text),
        true => None,
    };
    let (decl, diags) = match fast {
        Some(d) => (Some(d), Vec::new()),
        None => pest_chunk(file, chunk.start, chunk.broken, text),
    };
    let decl = decl.map(|mut d| {
        d.doc = chunk.doc;
        docs::attach(&mut d, &file.text, &chunk.comments);
        d
    });
    (decl, diags)
}

/// A chunk parsed by pest and lowered (without its doc comment): `text` is the
/// chunk at file offset `start`, comments blanked.
fn pest_chunk(
    file: &SourceFile,
    start: usize,
    broken: bool,
    text: &str,
) -> (Option<Decl>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut lower = Lower {
        file: file.id,
        base: start,
        diags: Vec::new(),
    };
    let decl = if broken {
        header_only(&mut lower, text)
    } else {
        match PmthParser::parse(Rule::decl_file, text) {
            Ok(mut pairs) => match pairs.next().map(|p| lower.decl(p)) {
                Some(Ok(d)) => Some(d),
                Some(Err(fatal)) => {
                    diags.push(*fatal);
                    lower.diags.clear();
                    header_only(&mut lower, text)
                }
                None => None,
            },
            Err(e) => {
                diags.push(errors::syntax_error(file.id, &file.text, text, start, &e));
                header_only(&mut lower, text)
            }
        }
    };
    diags.append(&mut lower.diags);
    (decl, diags)
}

/// The chunk with its comments replaced by spaces (newlines kept), so the grammar
/// never sees them; `None` when it has none. Byte offsets do not change.
fn blank_comments(text: &str, base: usize, comments: &[(usize, usize)]) -> Option<String> {
    if comments.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for &(start, end) in comments {
        let range = start.saturating_sub(base)..end.saturating_sub(base);
        for b in bytes.get_mut(range).into_iter().flatten() {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Every byte of a comment became ASCII, so the text stays UTF-8.
    String::from_utf8(bytes).ok()
}

/// The header of a broken declaration, as a [`DeclBody::Broken`] declaration.
fn header_only(lower: &mut Lower, text: &str) -> Option<Decl> {
    let mut pairs = PmthParser::parse(Rule::header_only, text).ok()?;
    let header_pair = pairs.next()?.into_inner().next()?;
    let h = lower.header(header_pair);
    Some(Decl {
        kind: h.kind,
        name: h.name,
        version: h.version,
        doc: None,
        header: h.span,
        span: crate::source::Span::new(lower.file, lower.base, lower.base + text.len()),
        body: DeclBody::Broken,
    })
}

/// Every comment of `text` (`//`, `///`, `/* */`) as a byte range, in order,
/// found by the same lexer the pre-scan uses (so strings are never mistaken for
/// comments). A line comment's range excludes its newline. For the formatter.
pub fn comment_ranges(text: &str) -> Vec<(usize, usize)> {
    lexer::Lexer::new(text)
        .filter_map(|t| match t {
            lexer::Tok::Doc { start, end } | lexer::Tok::Comment { start, end } => {
                Some((start, end))
            }
            _ => None,
        })
        .collect()
}
