//! The pre-scan: splits a file into declaration chunks in linear time, before any
//! recursive parsing, and reports what the grammar must never see.
//!
//! Two passes of [`Lexer`]: the first matches every bracket of the file (a global
//! stack) and notes the lines that start a declaration at column 1; the second
//! walks the file at top level, cutting it at declaration starts. A declaration
//! whose opening bracket never closes ends before the next such line. Nesting
//! deeper than [`MAX_DEPTH`], unclosed delimiters and junk between declarations
//! are PM0001 here; a chunk flagged broken is then only header-parsed.

use super::lexer::{at_line_start, starts_declaration_line, LexError, Lexer, Tok};
use crate::ast::Kind;
use crate::diag::Diagnostic;
use crate::source::{FileId, LineIndex, SourceFile, Span};

/// Brackets (and `list<`/`map<`) may nest this deep; one more is PM0001.
pub(super) const MAX_DEPTH: usize = 64;

/// One declaration's text range, from its kind keyword to its end.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Chunk {
    pub start: usize,
    pub end: usize,
    /// The `///` lines right before it, each without `///` and one space.
    pub doc: Option<String>,
    /// Set when the pre-scan already reported a syntax error inside it: only its
    /// header may be parsed.
    pub broken: bool,
    /// The comments inside it (file offsets), blanked out before pest sees it.
    pub comments: Vec<(usize, usize)>,
}

/// Splits `text` into declaration chunks; the diagnostics are PM0001.
pub(super) fn prescan(file: &SourceFile) -> (Vec<Chunk>, Vec<Diagnostic>) {
    let text = file.text.as_str();
    let brackets = Brackets::scan(text);
    let mut s = Splitter {
        file: file.id,
        text,
        lines: &file.lines,
        lx: Lexer::new(text),
        brackets,
        chunks: Vec::new(),
        diags: Vec::new(),
        comments: Vec::new(),
    };
    s.run();
    (s.chunks, s.diags)
}

/// Pass 1: every opening bracket with its matching close (`None` when it never
/// closes), in text order, and the column-1 declaration lines.
struct Brackets {
    opens: Vec<(usize, Option<usize>)>,
    decl_lines: Vec<usize>,
}

impl Brackets {
    fn scan(text: &str) -> Brackets {
        let bytes = text.as_bytes();
        let mut opens: Vec<(usize, Option<usize>)> = Vec::new();
        let mut stack: Vec<(usize, u8)> = Vec::new();
        let mut decl_lines = Vec::new();
        if starts_declaration_line(bytes, 0) {
            decl_lines.push(0);
        }
        let mut lx = Lexer::new(text);
        while let Some(tok) = lx.next_structural() {
            match tok {
                Tok::Open { pos, byte } => {
                    stack.push((opens.len(), byte));
                    opens.push((pos, None));
                }
                Tok::Close { pos, byte } => {
                    if let Some(&(idx, open)) = stack.last() {
                        if closer(open) == byte {
                            stack.pop();
                            if let Some(entry) = opens.get_mut(idx) {
                                entry.1 = Some(pos);
                            }
                        }
                    }
                }
                Tok::Word { start, .. } => decl_lines.push(start),
                // Lexing resumes at a declaration line (or the end of the text).
                Tok::Error(
                    LexError::UnclosedTriple { resume, .. }
                    | LexError::SwallowingTriple { resume, .. }
                    | LexError::UnclosedComment { resume, .. },
                ) if resume < bytes.len() => decl_lines.push(resume),
                _ => {}
            }
        }
        Brackets { opens, decl_lines }
    }

    /// The matching close of the opener at `pos`; `None` when it never closes.
    fn close_of(&self, pos: usize) -> Option<usize> {
        let i = self.opens.binary_search_by_key(&pos, |e| e.0).ok()?;
        self.opens.get(i).and_then(|e| e.1)
    }

    /// The openers in `from..to`, with their matching close.
    fn within(&self, from: usize, to: usize) -> &[(usize, Option<usize>)] {
        let lo = self.opens.partition_point(|e| e.0 < from);
        let hi = self.opens.partition_point(|e| e.0 < to);
        self.opens.get(lo..hi).unwrap_or(&[])
    }

    /// The first column-1 declaration line after `pos`.
    fn next_decl_line(&self, pos: usize) -> Option<usize> {
        let i = self.decl_lines.partition_point(|&l| l <= pos);
        self.decl_lines.get(i).copied()
    }
}

fn closer(open: u8) -> u8 {
    match open {
        b'{' => b'}',
        b'[' => b']',
        _ => b')',
    }
}

/// Pass 2 state.
struct Splitter<'a> {
    file: FileId,
    text: &'a str,
    lines: &'a LineIndex,
    lx: Lexer<'a>,
    brackets: Brackets,
    chunks: Vec<Chunk>,
    diags: Vec<Diagnostic>,
    /// Comments seen in the current declaration.
    comments: Vec<(usize, usize)>,
}

/// How a bracket group ended.
struct Group {
    end: usize,
    /// The first syntax error inside it.
    error: Option<Diagnostic>,
}

impl<'a> Splitter<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    fn is_decl_word(&self, tok: &Tok) -> bool {
        match *tok {
            Tok::Word { start, end } => Kind::from_keyword(self.slice(start, end)).is_some(),
            _ => false,
        }
    }

    fn run(&mut self) {
        let mut doc: Vec<(usize, usize)> = Vec::new();
        while let Some(tok) = self.lx.next() {
            match tok {
                Tok::Doc { start, end } => {
                    // Doc lines are consecutive: a gap starts a new doc comment.
                    if doc.last().is_some_and(|l| !self.next_line(l.1, start)) {
                        doc.clear();
                    }
                    doc.push((start, end));
                }
                Tok::Word { start, end } if self.is_decl_word(&tok) => {
                    // ... and right before the declaration.
                    if doc.last().is_some_and(|l| !self.next_line(l.1, start)) {
                        doc.clear();
                    }
                    let doc_text = self.doc_text(&doc);
                    doc.clear();
                    self.declaration(start, end, doc_text);
                }
                Tok::Comment { .. } => doc.clear(),
                Tok::Error(e) => {
                    doc.clear();
                    let d = self.lex_error(e);
                    self.diags.push(d);
                }
                _ => {
                    doc.clear();
                    self.junk(tok);
                }
            }
        }
    }

    /// True when `next` is on the line right after the one ending at `end` (only
    /// blanks between).
    fn next_line(&self, end: usize, next: usize) -> bool {
        self.slice(end, next)
            .bytes()
            .filter(|b| *b == b'\n')
            .count()
            == 1
    }

    fn doc_text(&self, lines: &[(usize, usize)]) -> Option<String> {
        if lines.is_empty() {
            return None;
        }
        let mut out = String::new();
        for (i, &(start, end)) in lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            // Trailing blanks are no part of the doc (the formatter drops them).
            let line = self.slice(start + 3, end).trim_end();
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
        }
        Some(out)
    }

    /// Text between declarations that is not one: one PM0001, then skip to the next
    /// declaration word at top level.
    fn junk(&mut self, first: Tok) {
        let (start, end) = self.token_extent(&first);
        let found = self.slice(start, end);
        let mut d = Diagnostic::new(
            "PM0001",
            self.span(start, end),
            format!("expected a declaration, found {}", describe_token(found)),
        )
        .label("not a declaration")
        .help(
            "a declaration starts with `agent`, `tool`, `model`, `workflow`, `capability`, \
             `persona`, `service` or `template`",
        );
        if let Tok::Word { .. } = first {
            if let Some(s) = crate::diag::suggest(found, Kind::ALL_KEYWORDS) {
                d = d.help(format!("did you mean `{s}`?"));
            }
        }
        self.diags.push(d);
        let mut tok = first;
        loop {
            if let Tok::Open { pos, .. } = tok {
                self.group(pos);
            }
            match self.lx.peek() {
                None => return,
                Some(t) if self.is_decl_word(&t) || matches!(t, Tok::Doc { .. }) => return,
                // A new line starting with a word is its own piece of junk (perhaps a
                // misspelled kind).
                Some(Tok::Word { start, .. }) if at_line_start(self.text.as_bytes(), start) => {
                    return
                }
                Some(t) => {
                    self.lx.next();
                    tok = t;
                }
            }
        }
    }

    /// The byte extent of a token for a diagnostic.
    fn token_extent(&self, tok: &Tok) -> (usize, usize) {
        match *tok {
            Tok::Word { start, end }
            | Tok::Str { start, end }
            | Tok::Other { start, end }
            | Tok::Doc { start, end } => (start, end),
            Tok::Open { pos, .. } | Tok::Close { pos, .. } => (pos, pos + 1),
            Tok::Comment { start, end } => (start, end),
            Tok::Error(e) => (e.start(), e.start() + 1),
        }
    }

    fn lex_error(&self, e: LexError) -> Diagnostic {
        match e {
            LexError::UnterminatedString { start } => {
                Diagnostic::new("PM0001", self.span(start, start + 1), "unterminated string")
                    .label("this string is not closed on its line")
                    .help("close it with `\"`, or use `\"\"\"…\"\"\"` for a multi-line string")
            }
            LexError::UnclosedTriple { start, .. } => Diagnostic::new(
                "PM0001",
                self.span(start, start + 3),
                "unclosed multi-line string",
            )
            .label("this `\"\"\"` is never closed")
            .help("close it with `\"\"\"`"),
            LexError::SwallowingTriple {
                start,
                resume,
                close,
            } => {
                let line_end = self
                    .text
                    .get(resume..)
                    .and_then(|r| r.find('\n'))
                    .map_or(self.text.len(), |n| resume + n);
                let header = self.slice(resume, line_end);
                let header = header.split(['{', '=']).next().unwrap_or(header).trim();
                // The end of the last line with text before the declaration.
                let before = self.slice(start, resume).trim_end();
                let should = start + before.len();
                Diagnostic::new(
                    "PM0001",
                    self.span(start, start + 3),
                    "unclosed multi-line string",
                )
                .label(format!("this `\"\"\"` is not closed before `{header}` begins"))
                .related(
                    self.span(should, should),
                    "the string probably should have closed here",
                )
                .related(
                    self.span(close, close + 3),
                    format!("this `\"\"\"` belongs to `{header}`"),
                )
                .help(format!(
                    "close the string with `\"\"\"`; a line that starts at column 1 with `{header}` begins a declaration (indent it if it is part of the text)"
                ))
            }
            LexError::UnclosedComment { start, .. } => Diagnostic::new(
                "PM0001",
                self.span(start, start + 2),
                "unclosed block comment",
            )
            .label("this `/*` is never closed")
            .help("close it with `*/` (block comments do not nest)"),
        }
    }

    /// Scans one declaration starting with the keyword at `start`.
    fn declaration(&mut self, start: usize, keyword_end: usize, doc: Option<String>) {
        let mut end = keyword_end;
        let mut error: Option<Diagnostic> = None;
        self.comments.clear();
        let bytes = self.text.as_bytes();
        while let Some(tok) = self.lx.peek() {
            let tok_start = tok.start();
            if (matches!(tok, Tok::Doc { .. }) || self.is_decl_word(&tok))
                && at_line_start(bytes, tok_start)
                && starts_declaration_line(bytes, tok_start)
            {
                break;
            }
            self.lx.next();
            match tok {
                Tok::Open { pos, byte } => {
                    let g = self.group(pos);
                    end = g.end;
                    if error.is_none() {
                        error = g.error;
                    }
                    // `= template.t(args)` may be followed by `{ overrides }`.
                    if byte == b'(' {
                        if let Some(Tok::Open { pos, byte: b'{' }) = self.lx.peek() {
                            self.lx.next();
                            let g = self.group(pos);
                            end = g.end;
                            if error.is_none() {
                                error = g.error;
                            }
                        }
                    }
                    break;
                }
                Tok::Error(e) => {
                    end = tok_start + 1;
                    if error.is_none() {
                        error = Some(self.lex_error(e));
                    }
                }
                Tok::Comment { start, end } | Tok::Doc { start, end } => {
                    self.comments.push((start, end))
                }
                other => end = self.token_extent(&other).1,
            }
        }
        let broken = error.is_some();
        self.diags.extend(error);
        let mut comments = std::mem::take(&mut self.comments);
        comments.retain(|c| c.1 <= end);
        self.chunks.push(Chunk {
            start,
            end,
            doc,
            broken,
            comments,
        });
    }

    /// Which opener in `open..stop` (a range whose first opener never closes) to
    /// blame: the first one closed by a bracket less indented than its own line
    /// (the close was meant for an outer one), else the last one left open.
    fn culprit(&self, open: usize, stop: usize) -> usize {
        let entries = self.brackets.within(open, stop);
        let misclosed = entries.iter().find(|(o, c)| {
            c.is_some_and(|c| {
                c < stop
                    && self
                        .leading_indent(c)
                        .is_some_and(|ci| ci < self.line_indent(*o))
            })
        });
        if let Some((o, _)) = misclosed {
            return *o;
        }
        entries
            .iter()
            .rev()
            .find(|e| e.1.is_none())
            .map_or(open, |e| e.0)
    }

    /// The indentation of `pos`'s line.
    fn line_indent(&self, pos: usize) -> usize {
        let line = self.lines.line_of(u32::try_from(pos).unwrap_or(u32::MAX));
        let start = self.lines.line_start(line).map_or(0, |s| s as usize);
        self.text.as_bytes().get(start..).map_or(0, |r| {
            r.iter().take_while(|b| **b == b' ' || **b == b'\t').count()
        })
    }

    /// The indentation before `pos` when only blanks precede it on its line.
    fn leading_indent(&self, pos: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        let mut i = pos;
        while i > 0 {
            match b.get(i - 1) {
                Some(b' ' | b'\t') => i -= 1,
                Some(b'\n') => return Some(pos - i),
                _ => return None,
            }
        }
        Some(pos)
    }

    /// Consumes the bracket group opened at `open` (already consumed), checking
    /// nesting depth and lexical errors on the way.
    fn group(&mut self, open: usize) -> Group {
        let stop = match self.brackets.close_of(open) {
            Some(close) => close,
            None => self
                .brackets
                .next_decl_line(open)
                .unwrap_or(self.text.len()),
        };
        let closed = self.brackets.close_of(open).is_some();
        let mut error = None;
        let mut depth = 1usize;
        let mut type_depth = 0usize;
        let mut prev_word: Option<(usize, usize)> = None;
        let mut end = open + 1;
        while let Some(tok) = self.lx.peek() {
            if tok.start() >= stop {
                break;
            }
            self.lx.next();
            end = self.token_extent(&tok).1;
            let mut deeper = None;
            match tok {
                Tok::Open { pos, .. } => {
                    depth += 1;
                    deeper = Some((pos, pos + 1));
                }
                Tok::Close { .. } => depth = depth.saturating_sub(1).max(1),
                Tok::Other { start, .. } if self.slice(start, start + 1) == "<" => {
                    if let Some((ws, we)) = prev_word {
                        if matches!(self.slice(ws, we), "list" | "map") {
                            depth += 1;
                            type_depth += 1;
                            deeper = Some((start, start + 1));
                        }
                    }
                }
                Tok::Other { start, .. }
                    if type_depth > 0 && self.slice(start, start + 1) == ">" =>
                {
                    type_depth -= 1;
                    depth = depth.saturating_sub(1).max(1);
                }
                Tok::Error(e) if error.is_none() => error = Some(self.lex_error(e)),
                Tok::Comment { start, end } | Tok::Doc { start, end } => {
                    self.comments.push((start, end))
                }
                _ => {}
            }
            prev_word = match tok {
                Tok::Word { start, end } => Some((start, end)),
                _ => None,
            };
            if let Some((s, e)) = deeper {
                if depth > MAX_DEPTH && error.is_none() {
                    error = Some(
                        Diagnostic::new(
                            "PM0001",
                            self.span(s, e),
                            format!("nesting deeper than {MAX_DEPTH} levels"),
                        )
                        .label("this opens one level too many")
                        .help("flatten the structure: brackets, braces and the `<…>` of `list<…>` and `map<…>` types together nest at most 64 deep (`list<object { … }>` is two levels)"),
                    );
                }
            }
        }
        if closed {
            // Consume the closing bracket itself.
            if let Some(Tok::Close { pos, .. }) = self.lx.peek() {
                if pos == stop {
                    self.lx.next();
                    end = pos + 1;
                }
            }
        } else if error.is_none() {
            let at = self.culprit(open, stop);
            let b = self.slice(at, at + 1);
            error = Some(
                Diagnostic::new("PM0001", self.span(at, at + 1), format!("unclosed `{b}`"))
                    .label(format!("this `{b}` is never closed"))
                    .help(format!(
                        "add the matching `{}`",
                        char::from(closer(b.as_bytes().first().copied().unwrap_or(b'(')))
                    )),
            );
        }
        Group { end, error }
    }
}

/// "`x`", "a string", "end of file" for messages.
pub(super) fn describe_token(found: &str) -> String {
    if found.is_empty() {
        return "end of file".to_owned();
    }
    if found.starts_with('"') {
        return "a string".to_owned();
    }
    let short: String = found.chars().take(24).collect();
    format!("`{short}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first pass written with the plain token stream, as a reference.
    fn reference(text: &str) -> (Vec<(usize, Option<usize>)>, Vec<usize>) {
        let bytes = text.as_bytes();
        let mut opens: Vec<(usize, Option<usize>)> = Vec::new();
        let mut stack: Vec<(usize, u8)> = Vec::new();
        let mut lines = Vec::new();
        for tok in Lexer::new(text) {
            match tok {
                Tok::Open { pos, byte } => {
                    stack.push((opens.len(), byte));
                    opens.push((pos, None));
                }
                Tok::Close { pos, byte } => {
                    if let Some(&(idx, open)) = stack.last() {
                        if closer(open) == byte {
                            stack.pop();
                            opens[idx].1 = Some(pos);
                        }
                    }
                }
                Tok::Word { start, .. } | Tok::Doc { start, .. }
                    if at_line_start(bytes, start) && starts_declaration_line(bytes, start) =>
                {
                    lines.push(start);
                }
                _ => {}
            }
        }
        (opens, lines)
    }

    #[test]
    fn fast_first_pass_agrees_with_the_token_stream() {
        let pieces = [
            "{",
            "}",
            "[",
            "]",
            "(",
            ")",
            "\"",
            "\"\"\"",
            "\\",
            "/*",
            "*/",
            "//",
            "///",
            "\n",
            " ",
            "tool x",
            "agent",
            "template t",
            "x",
            "é",
            "\r\n",
        ];
        let mut seed = 0x1234_5678_9abc_def0u64;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let fast = Brackets::scan(&text);
            let (opens, lines) = reference(&text);
            assert_eq!(fast.opens, opens, "{text:?}");
            assert_eq!(fast.decl_lines, lines, "{text:?}");
        }
    }
}
