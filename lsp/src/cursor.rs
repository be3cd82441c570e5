//! Where a position is, read from the text alone: the enclosing declaration
//! kind and attribute blocks, and the last few tokens before it. Completion must
//! work on text that does not parse yet (`tools = [tool.` is a syntax error), so
//! this is a small lexical scan, not the AST. The scan is linear and keeps no
//! recursion, so deep or broken input costs nothing special.

use pmth_compiler::ast::Kind;
use pmth_compiler::schema::{self, AttrSpec, Ty};

/// One open bracket around the position.
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    /// A declaration body and the kind whose table applies (a template's `for`
    /// kind); `None` when the header did not name one.
    Decl(Option<Kind>),
    /// `key { … }` or `key = { … }`.
    Block(String),
    /// `key = variant { … }` (a tagged block).
    Variant(String, String),
    /// `step NAME { … }`.
    Step,
    /// `key = [ … ]`.
    List(String),
    /// Anything else: arguments, field blocks, object types, constraints.
    Other,
}

/// A token, as far as context needs one.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Word(String),
    Punct(char),
    /// A string or number literal.
    Lit,
}

/// The context of a position.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    pub frames: Vec<Frame>,
    /// The last tokens before the position in its innermost frame (at most
    /// [`RECENT`]), oldest first.
    pub recent: Vec<Tok>,
    /// At the top level: the words of the header being written.
    pub header: Vec<String>,
}

/// How many tokens [`Context::recent`] keeps.
pub const RECENT: usize = 8;

impl Context {
    fn push(&mut self, t: Tok) {
        if self.frames.is_empty() {
            if let Tok::Word(w) = &t {
                self.header.push(w.clone());
            }
        }
        if self.recent.len() >= RECENT {
            self.recent.remove(0);
        }
        self.recent.push(t);
    }

    fn open(&mut self, c: char) {
        let frame = match c {
            '{' if self.frames.is_empty() => Frame::Decl(header_kind(&self.header)),
            '{' => self.block_frame(),
            '[' => match self.recent.as_slice() {
                [.., Tok::Word(key), Tok::Punct('=')] => Frame::List(key.clone()),
                _ => Frame::Other,
            },
            _ => Frame::Other,
        };
        if matches!(frame, Frame::Decl(_)) {
            self.header.clear();
        }
        self.frames.push(frame);
        self.recent.clear();
    }

    fn block_frame(&self) -> Frame {
        if matches!(self.frames.last(), Some(Frame::List(_) | Frame::Other)) {
            return Frame::Other;
        }
        match self.recent.as_slice() {
            [.., Tok::Word(s), Tok::Word(_)] if s == "step" => Frame::Step,
            [.., Tok::Word(key), Tok::Punct('='), Tok::Word(variant)] => {
                Frame::Variant(key.clone(), variant.clone())
            }
            [.., Tok::Word(key), Tok::Punct('=')] => Frame::Block(key.clone()),
            [.., Tok::Punct(':' | '.' | '@' | '<' | '|'), Tok::Word(_)] => Frame::Other,
            [.., Tok::Word(key)] => Frame::Block(key.clone()),
            _ => Frame::Other,
        }
    }

    fn close(&mut self, c: char) {
        if let Some(Frame::Decl(_)) = self.frames.pop() {
            self.header.clear();
        }
        self.recent.clear();
        self.recent.push(Tok::Punct(c));
    }

    /// The last token, if any.
    pub fn last(&self) -> Option<&Tok> {
        self.recent.last()
    }

    /// True where an attribute key may start (not after `=`, `:` or `.`).
    pub fn at_item_start(&self) -> bool {
        !matches!(
            self.last(),
            Some(Tok::Punct('=' | ':' | '.' | '@' | '<' | '|' | '!' | '&'))
        )
    }

    /// The attribute table of the innermost frame, when it has one.
    pub fn table(&self) -> Option<&'static [AttrSpec]> {
        table_of(&self.frames)
    }

    /// The attribute being assigned at the position (`key = |`, or inside
    /// `key = [ … ]`) and whether the position is inside its list.
    pub fn assigned(&self) -> Option<(&'static AttrSpec, bool)> {
        if let Some(Frame::List(key)) = self.frames.last() {
            let n = self.frames.len().saturating_sub(1);
            let table = table_of(self.frames.get(..n)?)?;
            return find(table, key).map(|s| (s, true));
        }
        match self.recent.as_slice() {
            [.., Tok::Word(key), Tok::Punct('=')] => find(self.table()?, key).map(|s| (s, false)),
            _ => None,
        }
    }
}

/// The kind named by a top-level header's words: `agent x`, `template t for tool`.
fn header_kind(words: &[String]) -> Option<Kind> {
    let first = words.first()?;
    if first == "template" {
        let pos = words.iter().position(|w| w == "for")?;
        return Kind::from_keyword(words.get(pos + 1)?);
    }
    Kind::from_keyword(first)
}

/// The table of the innermost frame of `frames`.
pub fn table_of(frames: &[Frame]) -> Option<&'static [AttrSpec]> {
    let (first, rest) = frames.split_first()?;
    let Frame::Decl(Some(kind)) = first else {
        return None;
    };
    let mut table = schema::attrs(*kind);
    for f in rest {
        table = match f {
            Frame::Block(key) => match find(table, key)?.ty {
                Ty::Block(t) => t,
                _ => return None,
            },
            Frame::Variant(key, variant) => match find(table, key)?.ty {
                Ty::Tagged(vs) => vs.iter().find(|v| v.name == variant)?.attrs,
                _ => return None,
            },
            Frame::Step => table.iter().find_map(|s| match s.ty {
                Ty::Steps(t) => Some(t),
                _ => None,
            })?,
            Frame::Decl(_) | Frame::List(_) | Frame::Other => return None,
        };
    }
    Some(table)
}

/// The row named `key`.
pub fn find(table: &'static [AttrSpec], key: &str) -> Option<&'static AttrSpec> {
    table.iter().find(|s| s.name == key)
}

/// Scans `text` up to byte `offset` (clamped) and returns the context there.
pub fn context(text: &str, offset: usize) -> Context {
    let mut end = offset.min(text.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let bytes = text.as_bytes().get(..end).unwrap_or(&[]);
    let mut cx = Context::default();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        match b {
            b'/' if next == Some(b'/') => {
                i = find_byte(bytes, i, b'\n');
            }
            b'/' if next == Some(b'*') => {
                i = find_seq(bytes, i + 2, b"*/").map_or(bytes.len(), |e| e + 2);
            }
            b'"' => {
                i = skip_string(bytes, i);
                cx.push(Tok::Lit);
            }
            b'{' | b'[' | b'(' => {
                cx.open(char::from(b));
                i += 1;
            }
            b'}' | b']' | b')' => {
                cx.close(char::from(b));
                i += 1;
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while bytes
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                let word = String::from_utf8_lossy(bytes.get(start..i).unwrap_or(&[]));
                cx.push(Tok::Word(word.into_owned()));
            }
            _ if b.is_ascii_digit() || (b == b'-' && next.is_some_and(|n| n.is_ascii_digit())) => {
                i += 1;
                while bytes
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'/' | b'-'))
                {
                    i += 1;
                }
                cx.push(Tok::Lit);
            }
            _ if b.is_ascii_whitespace() || b >= 0x80 => i += 1,
            _ => {
                cx.push(Tok::Punct(char::from(b)));
                i += 1;
            }
        }
    }
    cx
}

fn find_byte(bytes: &[u8], from: usize, b: u8) -> usize {
    bytes
        .get(from..)
        .and_then(|r| r.iter().position(|c| *c == b))
        .map_or(bytes.len(), |p| from + p)
}

fn find_seq(bytes: &[u8], from: usize, seq: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(seq.len())
        .position(|w| w == seq)
        .map(|p| from + p)
}

/// The offset after the string starting at `start` (`"…"` ends at its line's end
/// when unterminated; `"""…"""` at the end of the text).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    if bytes.get(start..start + 3) == Some(b"\"\"\"") {
        return find_seq(bytes, start + 3, b"\"\"\"").map_or(bytes.len(), |e| e + 3);
    }
    let mut i = start + 1;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// A word around a position: `[A-Za-z0-9_.]` characters, for hover and
/// definition (`tool.web_search`, `capability.web.search`, `PM0101`, `kind`).
#[derive(Clone, Debug, PartialEq)]
pub struct Word<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

pub fn word_at(text: &str, offset: usize) -> Option<Word<'_>> {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    let offset = offset.min(text.len());
    let mut start = offset;
    while start > 0 && bytes.get(start - 1).is_some_and(|b| is_word(*b)) {
        start -= 1;
    }
    let mut end = offset;
    while bytes.get(end).is_some_and(|b| is_word(*b)) {
        end += 1;
    }
    // Trim dots at the ends (`a.` while typing, `.b`).
    while start < end && bytes.get(start) == Some(&b'.') {
        start += 1;
    }
    while end > start && bytes.get(end - 1) == Some(&b'.') {
        end -= 1;
    }
    let w = text.get(start..end).filter(|w| !w.is_empty())?;
    Some(Word {
        start,
        end,
        text: w,
    })
}

/// A reference word `KIND.NAME` split into its kind and name.
pub fn as_reference(word: &str) -> Option<(Kind, &str)> {
    let (kind, name) = word.split_once('.')?;
    let kind = Kind::from_keyword(kind)?;
    (!name.is_empty()).then_some((kind, name))
}

/// The reference being typed right before `offset`: `tool.web_s|` gives
/// (tool, offset of `web_s`). The name part may be empty or dotted.
pub fn typed_reference(text: &str, offset: usize) -> Option<(Kind, usize)> {
    let bytes = text.as_bytes();
    let offset = offset.min(text.len());
    let mut i = offset;
    while i > 0
        && bytes
            .get(i - 1)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
    {
        i -= 1;
    }
    let typed = text.get(i..offset)?;
    let (kind, _) = typed.split_once('.')?;
    let kind = Kind::from_keyword(kind)?;
    Some((kind, i + kind.keyword().len() + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_bar(src: &str) -> Context {
        let off = src.find('|').unwrap_or(src.len());
        let text = src.replacen('|', "", 1);
        context(&text, off)
    }

    #[test]
    fn frames_follow_blocks_steps_variants_and_lists() {
        let cx = at_bar("agent a {\n  governance {\n    |");
        assert_eq!(
            cx.frames,
            [
                Frame::Decl(Some(Kind::Agent)),
                Frame::Block("governance".into())
            ]
        );
        assert!(cx
            .table()
            .is_some_and(|t| t.iter().any(|s| s.name == "audit")));

        let cx = at_bar("workflow w { step s { retry { | } } }");
        assert_eq!(cx.frames.get(1), Some(&Frame::Step));
        assert!(cx
            .table()
            .is_some_and(|t| t.iter().any(|s| s.name == "attempts")));

        let cx = at_bar("service s { auth = api_key { | } }");
        assert!(cx
            .table()
            .is_some_and(|t| t.iter().any(|s| s.name == "header")));

        let cx = at_bar("agent a { tools = [tool.x, | ] }");
        let (spec, in_list) = cx.assigned().expect("assigned");
        assert_eq!((spec.name, in_list), ("tools", true));

        let cx = at_bar("template t for tool { risk = |");
        assert_eq!(cx.assigned().map(|(s, _)| s.name), Some("risk"));

        let cx = at_bar("agent a = template.t(x = 1) {\n  |");
        assert_eq!(cx.frames, [Frame::Decl(Some(Kind::Agent))]);
    }

    #[test]
    fn comments_and_strings_are_skipped() {
        let cx = at_bar("agent a { /* { */ description = \"{ [\" // {\n  |");
        assert_eq!(cx.frames, [Frame::Decl(Some(Kind::Agent))]);
        assert!(cx.at_item_start());
        let cx = at_bar("tool t { description = \"\"\"\n { \n\"\"\" risk = |");
        assert_eq!(cx.assigned().map(|(s, _)| s.name), Some("risk"));
    }

    #[test]
    fn the_new_blocks_have_their_tables() {
        let offers = |text: &str, name: &str| {
            at_bar(text)
                .table()
                .is_some_and(|t| t.iter().any(|s| s.name == name))
        };
        assert!(offers("agent a {\n  remote { | }", "card"));
        assert!(offers("tool t {\n  hints { | }", "destructive"));
        assert!(offers("service s {\n  package { | }", "registry"));
        assert!(offers("service s {\n  auth = oidc { | }", "issuer"));
        assert!(offers("agent a {\n  |", "delegates"));
    }

    #[test]
    fn field_blocks_have_no_table() {
        let cx = at_bar("tool t { params { q: string { | } } }");
        assert!(cx.table().is_none());
    }

    #[test]
    fn words_and_references() {
        let text = "model = model.gpt4o@1.2 ";
        let w = word_at(text, 10).expect("word");
        assert_eq!(w.text, "model.gpt4o");
        assert_eq!(as_reference(w.text), Some((Kind::Model, "gpt4o")));
        assert_eq!(word_at(text, 999), None);
        assert_eq!(
            typed_reference("x = [capability.web.", 20),
            Some((Kind::Capability, 16))
        );
        assert_eq!(typed_reference("x = foo.", 8), None);
        assert_eq!(typed_reference("é", 1), None);
    }

    #[test]
    fn deep_and_odd_input_is_fine() {
        let deep = "agent a ".to_owned() + &"{".repeat(10_000);
        let cx = context(&deep, deep.len());
        assert_eq!(cx.frames.len(), 10_000);
        let cx = context("}}}]])) a", 100);
        assert!(cx.frames.is_empty());
        let _ = context("\"unterminated", 5);
        let _ = context("é", 1);
    }
}
