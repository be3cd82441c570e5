//! A tiny test-only reader for the `.pmth` subset governance tests use
//! (`KIND NAME[@VER] { key = value  key { … } }`, lists, strings, words, `//`
//! comments), so that governance can be tested with real spans before the parser
//! stage lands. It is not the language's parser and accepts only well-formed input.

use crate::ast::{
    Attr, Block, Decl, DeclBody, Ident, Item, Kind, Str, StrPart, Value, ValueKind, VersionLit,
};
use crate::source::{FileId, Span};

pub fn parse(file: FileId, text: &str) -> Vec<Decl> {
    let mut r = Reader { file, text, pos: 0 };
    let mut out = Vec::new();
    loop {
        r.skip_ws();
        if r.pos >= text.len() {
            return out;
        }
        let start = r.pos;
        let kind_word = r.word();
        let kind = Kind::from_keyword(&kind_word).expect("a kind word");
        r.skip_ws();
        let name_start = r.pos;
        let full = r.word();
        let (name, version) = match full.split_once('@') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (full.clone(), None),
        };
        let header = Span::new(file, start, r.pos);
        let version = version.map(|v| VersionLit {
            value: semver::Version::parse(&v).ok(),
            span: Span::new(file, name_start + name.len() + 1, r.pos),
        });
        r.skip_ws();
        let body = r.block();
        out.push(Decl {
            kind,
            name: Ident {
                name,
                span: Span::new(file, name_start, name_start + full.len()),
            },
            version,
            doc: None,
            header,
            span: Span::new(file, start, r.pos),
            body: DeclBody::Attrs(body),
        });
    }
}

struct Reader<'a> {
    file: FileId,
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn skip_ws(&mut self) {
        loop {
            let rest = &self.text[self.pos..];
            if rest.starts_with("//") {
                self.pos += rest.find('\n').unwrap_or(rest.len());
            } else if let Some(c) = rest
                .chars()
                .next()
                .filter(|c| c.is_whitespace() || *c == ',')
            {
                self.pos += c.len_utf8();
            } else {
                return;
            }
        }
    }

    fn word(&mut self) -> String {
        let rest = &self.text[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || "_.@^-".contains(c)))
            .unwrap_or(rest.len());
        self.pos += len;
        rest[..len].to_owned()
    }

    fn block(&mut self) -> Block {
        let start = self.pos;
        assert_eq!(self.peek(), Some('{'));
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some('}') {
                self.pos += 1;
                return Block {
                    items,
                    span: Span::new(self.file, start, self.pos),
                };
            }
            let key_start = self.pos;
            let key = self.word();
            assert!(!key.is_empty(), "a key at {}", self.pos);
            let key = Ident {
                name: key,
                span: Span::new(self.file, key_start, self.pos),
            };
            self.skip_ws();
            if self.peek() == Some('=') {
                self.pos += 1;
                self.skip_ws();
            }
            let value = self.value();
            items.push(Item::Attr(Attr {
                span: Span::new(self.file, key_start, value.span.end as usize),
                key,
                value,
            }));
        }
    }

    fn value(&mut self) -> Value {
        let start = self.pos;
        let kind = match self.peek() {
            Some('{') => ValueKind::Block(self.block()),
            Some('[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek() == Some(']') {
                        self.pos += 1;
                        break;
                    }
                    items.push(self.value());
                }
                ValueKind::List(items)
            }
            Some('"') => {
                let end = self.text[self.pos + 1..].find('"').expect("closing quote");
                let s = self.text[self.pos + 1..self.pos + 1 + end].to_owned();
                self.pos += end + 2;
                ValueKind::Str(Str {
                    parts: vec![StrPart::Lit(s)],
                })
            }
            _ => {
                let w = self.word();
                match w.as_str() {
                    "true" => ValueKind::Bool(true),
                    "false" => ValueKind::Bool(false),
                    _ => match w.parse::<i64>() {
                        Ok(n) => ValueKind::Int(n),
                        Err(_) => ValueKind::Word(w),
                    },
                }
            }
        };
        Value {
            kind,
            span: Span::new(self.file, start, self.pos),
        }
    }
}
