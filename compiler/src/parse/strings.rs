//! String literals (LANGUAGE.md §2): `"""` dedent (Kotlin's `trimIndent`), then
//! escapes and `${NAME}` interpolation, with spans mapped back into the file.

use crate::ast::{Ident, Str, StrPart};
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// A lowered string and the PM0002 problems found in it (the string is invalid
/// when there is any).
pub(super) struct Lowered {
    pub value: Str,
    pub problems: Vec<Diagnostic>,
}

/// Lowers the body of a string literal. `body` is the text between the quotes,
/// `offset` its byte offset in the file, `triple` true for `"""…"""`.
pub(super) fn lower(file: FileId, body: &str, offset: usize, triple: bool) -> Lowered {
    let mut b = Builder {
        file,
        parts: Vec::new(),
        lit: String::new(),
        problems: Vec::new(),
    };
    if triple {
        let lines = dedent(body);
        for (i, (start, line)) in lines.into_iter().enumerate() {
            if i > 0 {
                b.lit.push('\n');
            }
            b.segment(line, offset + start);
        }
    } else {
        b.segment(body, offset);
    }
    b.finish()
}

/// Kotlin's `trimIndent` on raw text: the kept lines as (byte offset in `body`,
/// text without the common indent and without a trailing `\r`).
pub(super) fn dedent(body: &str) -> Vec<(usize, &str)> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for line in body.split('\n') {
        let text = line.strip_suffix('\r').unwrap_or(line);
        lines.push((start, text));
        start += line.len() + 1;
    }
    let blank = |s: &str| s.bytes().all(|b| b == b' ' || b == b'\t');
    if lines.len() > 1 && lines.last().is_some_and(|(_, l)| blank(l)) {
        lines.pop();
    }
    if lines.first().is_some_and(|(_, l)| blank(l)) {
        lines.remove(0);
    }
    let indent = |s: &str| s.bytes().take_while(|b| *b == b' ' || *b == b'\t').count();
    let common = lines
        .iter()
        .filter(|(_, l)| !blank(l))
        .map(|(_, l)| indent(l))
        .min()
        .unwrap_or(0);
    lines
        .into_iter()
        .map(|(s, l)| {
            let cut = common.min(l.len());
            (s + cut, l.get(cut..).unwrap_or(""))
        })
        .collect()
}

struct Builder {
    file: FileId,
    parts: Vec<StrPart>,
    lit: String,
    problems: Vec<Diagnostic>,
}

impl Builder {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// Unescapes one run of raw text that starts at file offset `offset`.
    fn segment(&mut self, raw: &str, offset: usize) {
        let mut rest = raw;
        let mut at = offset;
        while let Some(i) = rest.find(['\\', '$']) {
            self.lit.push_str(rest.get(..i).unwrap_or(""));
            at += i;
            rest = rest.get(i..).unwrap_or("");
            let used = if rest.starts_with('\\') {
                self.escape(rest, at)
            } else {
                self.interpolation(rest, at)
            };
            at += used;
            rest = rest.get(used..).unwrap_or("");
        }
        self.lit.push_str(rest);
    }

    /// Handles the escape at the start of `s`; returns the bytes it used.
    fn escape(&mut self, s: &str, at: usize) -> usize {
        let Some(c) = s.get(1..).and_then(|r| r.chars().next()) else {
            self.problem(at, at + 1, "a string cannot end with `\\`".into(), None);
            return 1;
        };
        let simple = match c {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '$' => Some('$'),
            _ => None,
        };
        if let Some(ch) = simple {
            self.lit.push(ch);
            return 2;
        }
        if c == 'u' {
            return self.unicode(s, at);
        }
        let len = 1 + c.len_utf8();
        let shown = if c == '\n' || c == '\r' {
            "\\ at the end of a line".to_owned()
        } else {
            format!("`\\{c}`")
        };
        self.problem(
            at,
            at + len,
            format!("unknown escape {shown}"),
            Some(
                "the escapes are \\n \\t \\r \\\" \\\\ \\$ \\u{HEX}; write `\\\\` for a \
                 backslash (a regex writes \"\\\\d+\")"
                    .into(),
            ),
        );
        len
    }

    /// `\u{HEX}` with 1–6 hex digits naming a Unicode scalar value.
    fn unicode(&mut self, s: &str, at: usize) -> usize {
        let body = s.get(2..).unwrap_or("");
        let close = body.strip_prefix('{').and_then(|r| r.find('}'));
        let help = Some("write `\\u{` 1 to 6 hex digits `}`, as in `\\u{1F600}`".to_owned());
        let Some(close) = close else {
            self.problem(at, at + 2, "invalid unicode escape".into(), help);
            return 2;
        };
        let hex = body.get(1..1 + close).unwrap_or("");
        let len = 2 + close + 2;
        let ch = (1..=6)
            .contains(&hex.len())
            .then(|| u32::from_str_radix(hex, 16).ok())
            .flatten()
            .and_then(char::from_u32);
        match ch {
            Some(ch) => self.lit.push(ch),
            None => self.problem(
                at,
                at + len,
                format!("invalid unicode escape `\\u{{{hex}}}`"),
                help,
            ),
        }
        len
    }

    /// `${NAME}` at the start of `s`; a `$` not followed by `{` is literal.
    fn interpolation(&mut self, s: &str, at: usize) -> usize {
        let Some(after) = s.strip_prefix("${") else {
            self.lit.push('$');
            return 1;
        };
        let name_len = after
            .bytes()
            .enumerate()
            .take_while(|(i, b)| {
                b.is_ascii_alphabetic() || *b == b'_' || (*i > 0 && b.is_ascii_digit())
            })
            .count();
        if name_len == 0 || after.as_bytes().get(name_len) != Some(&b'}') {
            self.problem(
                at,
                at + 2,
                "invalid interpolation".into(),
                Some("write `${NAME}`, or `\\$` for a literal `$`".into()),
            );
            return 2;
        }
        if !self.lit.is_empty() {
            self.parts.push(StrPart::Lit(std::mem::take(&mut self.lit)));
        }
        let len = 2 + name_len + 1;
        self.parts.push(StrPart::Interp(Ident {
            name: after.get(..name_len).unwrap_or("").into(),
            span: self.span(at, at + len),
        }));
        len
    }

    fn problem(&mut self, start: usize, end: usize, message: String, help: Option<String>) {
        let mut d = Diagnostic::new("PM0002", self.span(start, end), message).label("here");
        if let Some(h) = help {
            d = d.help(h);
        }
        self.problems.push(d);
    }

    fn finish(mut self) -> Lowered {
        if !self.lit.is_empty() || self.parts.is_empty() {
            self.parts.push(StrPart::Lit(self.lit));
        }
        Lowered {
            value: Str { parts: self.parts },
            problems: self.problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(body: &str, triple: bool) -> String {
        let l = lower(0, body, 0, triple);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        l.value.as_plain().unwrap_or_else(|| "<interp>".into())
    }

    #[test]
    fn escapes() {
        assert_eq!(plain(r#"a\nb\t\r\"\\\$"#, false), "a\nb\t\r\"\\$");
        assert_eq!(plain(r"\u{41}\u{1F600}", false), "A\u{1F600}");
        assert_eq!(plain("$5 and $", false), "$5 and $");
    }

    #[test]
    fn bad_escapes_are_pm0002_on_the_escape() {
        let l = lower(0, r"ab\dc", 10, false);
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].primary.span, Span::new(0, 12, 14));
        for bad in [
            r"\u{}",
            r"\u{D800}",
            r"\u{1234567}",
            r"\u41",
            "${",
            "${1x}",
            "${a",
        ] {
            assert_eq!(lower(0, bad, 0, false).problems.len(), 1, "{bad}");
        }
    }

    #[test]
    fn interpolation_parts_and_spans() {
        let l = lower(0, "Hi ${name}!", 5, false);
        assert_eq!(
            l.value.parts,
            vec![
                StrPart::Lit("Hi ".into()),
                StrPart::Interp(Ident {
                    name: "name".into(),
                    span: Span::new(0, 8, 15)
                }),
                StrPart::Lit("!".into()),
            ]
        );
        assert_eq!(plain(r"\${x}", false), "${x}");
    }

    #[test]
    fn trim_indent() {
        assert_eq!(
            plain("\n    Write short.\n      Indented.\n    ", true),
            "Write short.\n  Indented."
        );
        assert_eq!(plain("one line", true), "one line");
        assert_eq!(plain("\n  a\n\n  b\n", true), "a\n\nb");
        assert_eq!(plain("\r\n  a\r\n  b\r\n  ", true), "a\nb");
        assert_eq!(plain("first\n  second", true), "first\n  second");
        assert_eq!(plain("", true), "");
        // Dedent happens before unescaping.
        assert_eq!(plain("\n  a\\n  b\n", true), "a\n  b");
    }

    #[test]
    fn triple_interpolation_spans_follow_the_dedent() {
        let body = "\n    x ${p}\n    ";
        let l = lower(0, body, 100, true);
        let interp = l.value.parts.iter().find_map(|p| match p {
            StrPart::Interp(i) => Some(i.span),
            StrPart::Lit(_) => None,
        });
        assert_eq!(interp, Some(Span::new(0, 107, 111)));
    }
}
