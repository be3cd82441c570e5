//! A tiny byte lexer for the pre-scan: it knows strings, comments, brackets and
//! words, nothing else, so the pre-scan can split a file and check nesting in
//! linear time before any recursive parsing happens.
//!
//! It agrees with the grammar on where strings and comments start and end: a
//! backslash escapes the next character (never a newline in a `"…"` string), `"""`
//! opens a multi-line string, `///` (exactly three slashes) is a doc line.

/// One significant piece of text. Positions are byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    /// A run of `[A-Za-z0-9_]`.
    Word { start: usize, end: usize },
    /// `{`, `[` or `(`.
    Open { pos: usize, byte: u8 },
    /// `}`, `]` or `)`.
    Close { pos: usize, byte: u8 },
    /// A `///` line; `end` excludes the newline.
    Doc { start: usize, end: usize },
    /// A plain comment (`//`, `////…` or a closed `/* */`); `end` excludes a
    /// line comment's newline.
    Comment { start: usize, end: usize },
    /// A closed string literal (either form).
    Str { start: usize, end: usize },
    /// Any other character (one scalar value).
    Other { start: usize, end: usize },
    /// A delimiter that never closes.
    Error(LexError),
}

impl Tok {
    pub(super) fn start(&self) -> usize {
        match *self {
            Tok::Word { start, .. }
            | Tok::Doc { start, .. }
            | Tok::Comment { start, .. }
            | Tok::Str { start, .. }
            | Tok::Other { start, .. } => start,
            Tok::Open { pos, .. } | Tok::Close { pos, .. } => pos,
            Tok::Error(e) => e.start(),
        }
    }
}

/// A string or comment that does not close.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LexError {
    /// A `"…"` string that reaches the end of its line; lexing goes on after it.
    UnterminatedString { start: usize },
    /// A `"""` string that never closes; lexing resumes at `resume`.
    UnclosedTriple { start: usize, resume: usize },
    /// A `"""` string whose close comes only after a line that starts, at
    /// column 1, a declaration (`persona writer {`): its own close is probably
    /// missing, and the `"""` at `close` opens that declaration's string.
    /// Lexing resumes at `resume`, the declaration's line.
    SwallowingTriple {
        start: usize,
        resume: usize,
        close: usize,
    },
    /// A `/*` comment that never closes; lexing resumes at `resume`.
    UnclosedComment { start: usize, resume: usize },
}

impl LexError {
    pub(super) fn start(&self) -> usize {
        match *self {
            LexError::UnterminatedString { start }
            | LexError::UnclosedTriple { start, .. }
            | LexError::SwallowingTriple { start, .. }
            | LexError::UnclosedComment { start, .. } => start,
        }
    }
}

/// The lexer; iterate it for tokens. Whitespace is skipped.
pub(super) struct Lexer<'a> {
    text: &'a [u8],
    pos: usize,
    /// Once a `"""` (or `/*`) search from some offset failed, every later one fails
    /// too; remembering that keeps many unclosed delimiters linear.
    triple_dead_from: usize,
    comment_dead_from: usize,
    peeked: Option<Tok>,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(text: &'a str) -> Lexer<'a> {
        Lexer {
            text: text.as_bytes(),
            pos: 0,
            triple_dead_from: usize::MAX,
            comment_dead_from: usize::MAX,
            peeked: None,
        }
    }

    pub(super) fn peek(&mut self) -> Option<Tok> {
        if self.peeked.is_none() {
            self.peeked = self.lex();
        }
        self.peeked
    }

    /// The bracket-level view for the pre-scan's first pass: only `Open`, `Close`,
    /// lexical errors, and a zero-width `Word` at the start of each column-1
    /// declaration line (after a newline in code). Strings and comments are skipped
    /// exactly as [`Lexer::next`] skips them.
    pub(super) fn next_structural(&mut self) -> Option<Tok> {
        loop {
            while self.text.get(self.pos).is_some_and(|b| !structural(*b)) {
                self.pos += 1;
            }
            let b = *self.text.get(self.pos)?;
            let start = self.pos;
            match b {
                b'{' | b'[' | b'(' => {
                    self.pos += 1;
                    return Some(Tok::Open {
                        pos: start,
                        byte: b,
                    });
                }
                b'}' | b']' | b')' => {
                    self.pos += 1;
                    return Some(Tok::Close {
                        pos: start,
                        byte: b,
                    });
                }
                b'"' => {
                    if let Tok::Error(e) = self.string(start) {
                        return Some(Tok::Error(e));
                    }
                }
                b'/' if self.at(start + 1) == b'/' => self.pos = self.line_end(start),
                b'/' if self.at(start + 1) == b'*' => {
                    if let Tok::Error(e) = self.block_comment(start) {
                        return Some(Tok::Error(e));
                    }
                }
                b'\n' => {
                    self.pos += 1;
                    if starts_declaration_line(self.text, self.pos) {
                        return Some(Tok::Word {
                            start: self.pos,
                            end: self.pos,
                        });
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.text.get(i).copied().unwrap_or(0)
    }

    fn lex(&mut self) -> Option<Tok> {
        loop {
            let b = *self.text.get(self.pos)?;
            let start = self.pos;
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'{' | b'[' | b'(' => {
                    self.pos += 1;
                    return Some(Tok::Open {
                        pos: start,
                        byte: b,
                    });
                }
                b'}' | b']' | b')' => {
                    self.pos += 1;
                    return Some(Tok::Close {
                        pos: start,
                        byte: b,
                    });
                }
                b'"' => return Some(self.string(start)),
                b'/' if self.at(start + 1) == b'/' => {
                    let end = self.line_end(start);
                    self.pos = end;
                    let doc = self.at(start + 2) == b'/' && self.at(start + 3) != b'/';
                    return Some(if doc {
                        Tok::Doc { start, end }
                    } else {
                        Tok::Comment { start, end }
                    });
                }
                b'/' if self.at(start + 1) == b'*' => return Some(self.block_comment(start)),
                _ if is_word_byte(b) => {
                    let mut end = start + 1;
                    while self.text.get(end).is_some_and(|c| is_word_byte(*c)) {
                        end += 1;
                    }
                    self.pos = end;
                    return Some(Tok::Word { start, end });
                }
                _ => {
                    let mut end = start + 1;
                    while self.text.get(end).is_some_and(|c| (0x80..0xC0).contains(c)) {
                        end += 1;
                    }
                    self.pos = end;
                    return Some(Tok::Other { start, end });
                }
            }
        }
    }

    fn line_end(&self, from: usize) -> usize {
        self.text
            .get(from..)
            .and_then(|rest| rest.iter().position(|c| *c == b'\n'))
            .map_or(self.text.len(), |i| from + i)
    }

    fn string(&mut self, start: usize) -> Tok {
        if self.at(start + 1) == b'"' && self.at(start + 2) == b'"' {
            return self.triple(start);
        }
        let mut i = start + 1;
        loop {
            match self.text.get(i) {
                None | Some(b'\n') => {
                    self.pos = i;
                    return Tok::Error(LexError::UnterminatedString { start });
                }
                Some(b'"') => {
                    self.pos = i + 1;
                    return Tok::Str { start, end: i + 1 };
                }
                Some(b'\\') if self.at(i + 1) != b'\n' && i + 1 < self.text.len() => i += 2,
                Some(_) => i += 1,
            }
        }
    }

    fn triple(&mut self, start: usize) -> Tok {
        if start < self.triple_dead_from {
            let mut i = start + 3;
            while let Some(&c) = self.text.get(i) {
                if c == b'"' && self.at(i + 1) == b'"' && self.at(i + 2) == b'"' {
                    if let Some(resume) = self.swallowed_declaration(start + 3, i) {
                        self.pos = resume;
                        return Tok::Error(LexError::SwallowingTriple {
                            start,
                            resume,
                            close: i,
                        });
                    }
                    self.pos = i + 3;
                    return Tok::Str { start, end: i + 3 };
                }
                i += if c == b'\\' { 2 } else { 1 };
            }
            self.triple_dead_from = start;
        }
        let resume = self.resume_after(start);
        self.pos = resume;
        Tok::Error(LexError::UnclosedTriple { start, resume })
    }

    fn block_comment(&mut self, start: usize) -> Tok {
        if start < self.comment_dead_from {
            let found = self
                .text
                .get(start + 2..)
                .and_then(|rest| rest.windows(2).position(|w| w == b"*/"));
            if let Some(i) = found {
                self.pos = start + 2 + i + 2;
                return Tok::Comment {
                    start,
                    end: self.pos,
                };
            }
            self.comment_dead_from = start;
        }
        let resume = self.resume_after(start);
        self.pos = resume;
        Tok::Error(LexError::UnclosedComment { start, resume })
    }

    /// The first line in `from..to` (a string's body) that starts, at column 1,
    /// a declaration header (see [`looks_like_declaration`]).
    fn swallowed_declaration(&self, from: usize, to: usize) -> Option<usize> {
        let body = self.text.get(from..to)?;
        let mut at = 0;
        while let Some(nl) = body
            .get(at..)
            .and_then(|r| r.iter().position(|c| *c == b'\n'))
        {
            let line = from + at + nl + 1;
            if line >= to {
                return None;
            }
            if looks_like_declaration(self.text, line) {
                return Some(line);
            }
            at += nl + 1;
        }
        None
    }

    /// The start of the first line after `from`'s line that starts, at column 1,
    /// with a declaration (see [`starts_declaration_line`]); the end of the text
    /// when there is none.
    fn resume_after(&self, from: usize) -> usize {
        let mut line = self.line_end(from);
        while line < self.text.len() {
            let next = line + 1;
            if starts_declaration_line(self.text, next) {
                return next;
            }
            line = self.line_end(next);
        }
        self.text.len()
    }
}

impl Iterator for Lexer<'_> {
    type Item = Tok;

    fn next(&mut self) -> Option<Tok> {
        match self.peeked.take() {
            Some(t) => Some(t),
            None => self.lex(),
        }
    }
}

/// The bytes [`Lexer::next_structural`] stops at.
fn structural(b: u8) -> bool {
    matches!(
        b,
        b'{' | b'}' | b'[' | b']' | b'(' | b')' | b'"' | b'/' | b'\n'
    )
}

pub(super) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when the line starting at `at` opens a declaration at column 1: a kind
/// word or `template` followed by blanks and a name, or a `///` doc line.
/// (Requiring the name keeps an unindented `model = …` attribute from counting.)
pub(super) fn starts_declaration_line(text: &[u8], at: usize) -> bool {
    let rest = text.get(at..).unwrap_or(&[]);
    if rest.starts_with(b"///") {
        return rest.get(3) != Some(&b'/');
    }
    let word_len = rest.iter().take_while(|b| is_word_byte(**b)).count();
    let Some(word) = rest.get(..word_len) else {
        return false;
    };
    let is_kind = std::str::from_utf8(word)
        .ok()
        .and_then(crate::ast::Kind::from_keyword)
        .is_some();
    if !is_kind {
        return false;
    }
    let after = rest.get(word_len..).unwrap_or(&[]);
    let blanks = after
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count();
    blanks > 0
        && after
            .get(blanks)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
}

/// True when the line at `at` reads as a declaration header: a kind word (or
/// `template`), blanks, a name (maybe with `@VERSION`), then `{` or `=` (`for`
/// after a template's name). Stricter than [`starts_declaration_line`], so that
/// prose in a string (`agent smith said …`) does not count.
pub(super) fn looks_like_declaration(text: &[u8], at: usize) -> bool {
    if !starts_declaration_line(text, at) || text.get(at..at + 3) == Some(b"///".as_slice()) {
        return false;
    }
    let rest = text.get(at..).unwrap_or(&[]);
    let line = match rest.iter().position(|b| *b == b'\n') {
        Some(n) => rest.get(..n).unwrap_or(&[]),
        None => rest,
    };
    let mut words = line
        .split(|b| matches!(b, b' ' | b'\t' | b'\r'))
        .filter(|w| !w.is_empty());
    let (Some(kind), Some(name)) = (words.next(), words.next()) else {
        return false;
    };
    let name_char = |b: &u8| is_word_byte(*b) || matches!(b, b'.' | b'@' | b'-' | b'+');
    // `persona writer{`: the brace glued to the name.
    if let Some(i) = name.iter().position(|b| *b == b'{') {
        return name.get(..i).is_some_and(|n| n.iter().all(name_char));
    }
    name.iter().all(name_char)
        && match words.next() {
            Some(w) if kind == b"template" => w == b"for",
            Some(w) => w.starts_with(b"{") || w.starts_with(b"="),
            None => false,
        }
}

/// True when the token at `start` is the first thing on its line (column 1).
pub(super) fn at_line_start(text: &[u8], start: usize) -> bool {
    start == 0 || text.get(start.wrapping_sub(1)) == Some(&b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        Lexer::new(s).collect()
    }

    #[test]
    fn strings_comments_and_words() {
        let t = toks("a \"x{\" // c {\n/// d\n/* } */ b");
        assert_eq!(
            t,
            vec![
                Tok::Word { start: 0, end: 1 },
                Tok::Str { start: 2, end: 6 },
                Tok::Comment { start: 7, end: 13 },
                Tok::Doc { start: 14, end: 19 },
                Tok::Comment { start: 20, end: 27 },
                Tok::Word { start: 28, end: 29 },
            ]
        );
    }

    #[test]
    fn escaped_quotes_do_not_close() {
        assert_eq!(toks(r#""a\"b""#), vec![Tok::Str { start: 0, end: 6 }]);
        assert_eq!(
            toks("\"\"\"a\\\"\"\"b\"\"\""),
            vec![Tok::Str { start: 0, end: 12 }]
        );
    }

    #[test]
    fn unterminated_string_ends_at_line_end() {
        let t = toks("\"abc\nx");
        assert_eq!(
            t,
            vec![
                Tok::Error(LexError::UnterminatedString { start: 0 }),
                Tok::Word { start: 5, end: 6 },
            ]
        );
    }

    #[test]
    fn unclosed_triple_resumes_at_a_declaration_line() {
        let src = "x = \"\"\"abc\n  tool y\ntool z {}";
        let t = toks(src);
        assert_eq!(t.get(1), Some(&Tok::Other { start: 2, end: 3 }));
        assert_eq!(
            t.get(2),
            Some(&Tok::Error(LexError::UnclosedTriple {
                start: 4,
                resume: 20
            }))
        );
        assert_eq!(t.get(3), Some(&Tok::Word { start: 20, end: 24 }));
    }

    #[test]
    fn declaration_lines() {
        assert!(starts_declaration_line(b"tool x", 0));
        assert!(starts_declaration_line(b"/// d", 0));
        assert!(!starts_declaration_line(b"//// d", 0));
        assert!(!starts_declaration_line(b"model = x", 0));
        assert!(!starts_declaration_line(b"tools x", 0));
    }
}
