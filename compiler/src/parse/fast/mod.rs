//! The fast path: a hand-written recursive-descent parser for the declarations
//! that parse cleanly, which is nearly all of them.
//!
//! It mirrors `grammar/pmth.pest` rule by rule (same ordered choices, same
//! implicit whitespace) and builds exactly the tree that pest plus `lower`/`value`
//! would build, spans included. It never reports anything: on the first thing it
//! does not handle — a syntax error, a literal problem (PM0002), anything
//! unusual — it gives up (`None`) and the caller parses the
//! declaration with pest, which produces the tree and the diagnostics as before.
//! So the fast path only has to be right on success; `tests.rs` checks that it
//! agrees with pest on every declaration of the test corpora and on mutations of
//! them.

use super::literal;

mod values;
use crate::ast::*;
use crate::source::{FileId, Span};

/// Deeper than this (blocks, lists, types) gives up; the pre-scan already caps
/// bracket nesting at 64, this only bounds the recursion on its own.
const MAX_DEPTH: u32 = 300;

/// The declaration in `text` (a chunk at file offset `base`, comments blanked),
/// without its doc comment; `None` when pest must parse it.
pub(super) fn decl(file: FileId, base: usize, text: &str) -> Option<Decl> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
        file,
        base,
        depth: 0,
    };
    let d = p.decl()?;
    p.ws();
    (p.pos == p.s.len()).then_some(d)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    file: FileId,
    base: usize,
    depth: u32,
}

fn is_alpha(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

const KINDS: [(&str, Kind); 7] = [
    ("agent", Kind::Agent),
    ("tool", Kind::Tool),
    ("model", Kind::Model),
    ("workflow", Kind::Workflow),
    ("capability", Kind::Capability),
    ("persona", Kind::Persona),
    ("service", Kind::Service),
];

impl<'a> Parser<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    fn peek(&self) -> u8 {
        self.s.get(self.pos).copied().unwrap_or(0)
    }

    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    /// `WHITESPACE*` (comments are blanked already).
    fn ws(&mut self) {
        while matches!(self.peek(), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    /// Skips blanks and consumes `b` if it is next.
    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        if self.peek() == b {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// `(ASCII_ALPHA | "_") ~ ident_char*` at the current position (no blanks
    /// skipped): its range.
    fn word(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        if !is_alpha(self.peek()) {
            return None;
        }
        self.pos += 1;
        while is_ident_char(self.peek()) {
            self.pos += 1;
        }
        Some((start, self.pos))
    }

    /// `dotted_name` / `path_text`: words joined by `.` (each `.` followed by a
    /// letter or `_`).
    fn dotted(&mut self) -> Option<(usize, usize)> {
        let (start, _) = self.word()?;
        loop {
            while is_ident_char(self.peek()) {
                self.pos += 1;
            }
            if self.peek() == b'.' && is_alpha(self.at(self.pos + 1)) {
                self.pos += 2;
            } else {
                break;
            }
        }
        Some((start, self.pos))
    }

    fn ident(&mut self) -> Option<Ident> {
        self.ws();
        let (start, end) = self.word()?;
        Some(self.ident_at(start, end))
    }

    fn ident_at(&self, start: usize, end: usize) -> Ident {
        Ident {
            name: self.slice(start, end).into(),
            span: self.span(start, end),
        }
    }

    /// A keyword (`kw_for`, …): the word, not followed by a name character.
    fn keyword(&mut self, kw: &str) -> bool {
        self.ws();
        let end = self.pos + kw.len();
        if self.s.get(self.pos..end) == Some(kw.as_bytes()) && !is_ident_char(self.at(end)) {
            self.pos = end;
            true
        } else {
            false
        }
    }

    /// `kind_word`.
    fn kind_word(&mut self) -> Option<(Kind, usize, usize)> {
        self.ws();
        let start = self.pos;
        let kind = KINDS
            .iter()
            .find_map(|(w, k)| self.keyword(w).then_some(*k))?;
        Some((kind, start, self.pos))
    }

    fn decl(&mut self) -> Option<Decl> {
        self.ws();
        let start = self.pos;
        if self.keyword("template") {
            let (name, version, header) = self.decl_name(Kind::Template, start)?;
            if !self.keyword("for") {
                return None;
            }
            let (for_kind, fs, fe) = self.kind_word()?;
            let extends = if self.keyword("extends") {
                self.ws();
                Some(self.template_ref()?)
            } else {
                None
            };
            let body = self.block()?;
            return Some(Decl {
                kind: Kind::Template,
                name,
                version,
                doc: None,
                header,
                span: header.to(body.span),
                body: DeclBody::Template(Box::new(TemplateDecl {
                    for_kind,
                    for_span: self.span(fs, fe),
                    extends,
                    body,
                })),
            });
        }
        let (kind, start, _) = self.kind_word()?;
        let (name, version, header) = self.decl_name(kind, start)?;
        self.ws();
        let (body, end) = match self.peek() {
            b'{' => {
                let b = self.block()?;
                let span = b.span;
                (DeclBody::Attrs(b), span)
            }
            b'=' => {
                self.pos += 1;
                let i = self.instance()?;
                let end = i.overrides.as_ref().map_or(i.call_span, |o| o.span);
                (DeclBody::Instance(Box::new(i)), end)
            }
            _ => return None,
        };
        Some(Decl {
            kind,
            name,
            version,
            doc: None,
            header,
            span: header.to(end),
            body,
        })
    }

    /// `decl_name` after the keyword at `start`: the name, the version and the
    /// header's span.
    fn decl_name(&mut self, kind: Kind, start: usize) -> Option<(Ident, Option<VersionLit>, Span)> {
        self.ws();
        let (ns, ne) = self.dotted()?;
        if kind != Kind::Capability && self.s.get(ns..ne)?.contains(&b'.') {
            return None;
        }
        let name = self.ident_at(ns, ne);
        let mut version = None;
        if self.peek() == b'@' {
            let vs = self.pos + 1;
            let mut ve = vs;
            while matches!(self.at(ve), b'.' | b'-' | b'+') || self.at(ve).is_ascii_alphanumeric() {
                ve += 1;
            }
            if ve == vs {
                return None;
            }
            let value = literal::version(self.slice(vs, ve)).ok()?;
            self.pos = ve;
            version = Some(VersionLit {
                value: Some(value),
                span: self.span(vs, ve),
            });
        }
        Some((name, version, self.span(start, self.pos)))
    }

    /// `instance` after its `=`.
    fn instance(&mut self) -> Option<Instance> {
        self.ws();
        let call_start = self.pos;
        let template = self.template_ref()?;
        if !self.eat(b'(') {
            return None;
        }
        let mut args = Vec::new();
        loop {
            self.ws();
            if self.peek() == b')' {
                break;
            }
            args.push(self.arg()?);
            if self.eat(b',') {
                continue;
            }
            self.ws();
            if self.peek() != b')' {
                return None;
            }
        }
        self.pos += 1;
        let call_span = self.span(call_start, self.pos);
        self.ws();
        let overrides = if self.peek() == b'{' {
            Some(self.block()?)
        } else {
            None
        };
        args.shrink_to_fit();
        Some(Instance {
            template,
            args,
            call_span,
            overrides,
        })
    }

    fn arg(&mut self) -> Option<Arg> {
        let name = self.ident()?;
        if !self.eat(b'=') {
            return None;
        }
        let value = self.any_value()?;
        Some(Arg {
            span: name.span.to(value.span),
            name,
            value,
        })
    }

    /// `template_ref` at the current position (blanks skipped by the caller).
    fn template_ref(&mut self) -> Option<Reference> {
        let start = self.pos;
        let prefix = b"template.";
        if self.s.get(start..start + prefix.len()) != Some(prefix.as_slice()) {
            return None;
        }
        self.pos += prefix.len();
        let (ns, ne) = self.word()?;
        let req = if self.peek() == b'@' {
            Some(self.req()?)
        } else {
            None
        };
        Some(Reference {
            kind: Kind::Template,
            name: self.slice(ns, ne).into(),
            name_span: self.span(ns, ne),
            req,
            written: self.slice(start, self.pos).into(),
            span: self.span(start, self.pos),
        })
    }

    /// `req` at its `@`.
    fn req(&mut self) -> Option<Req> {
        let at = self.pos;
        self.pos += 1;
        let (text, quoted) = if self.peek() == b'"' {
            match self.string()? {
                ValueKind::Str(s) => (s.as_plain().unwrap_or_default(), true),
                _ => return None,
            }
        } else {
            let start = self.pos;
            while matches!(
                self.peek(),
                b'.' | b'-' | b'+' | b'*' | b'^' | b'~' | b'=' | b'>' | b'<'
            ) || self.peek().is_ascii_alphanumeric()
            {
                self.pos += 1;
            }
            if self.pos == start {
                return None;
            }
            (self.slice(start, self.pos).to_owned(), false)
        };
        let req = literal::requirement(&text, quoted).ok()?;
        Some(Req {
            req,
            text,
            span: self.span(at + 1, self.pos),
        })
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// `block`, at its `{`.
    fn block(&mut self) -> Option<Block> {
        self.enter()?;
        self.ws();
        let start = self.pos;
        if self.peek() != b'{' {
            return None;
        }
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.ws();
            match self.peek() {
                b'}' => break,
                b',' => self.pos += 1,
                _ => items.push(self.item()?),
            }
        }
        self.pos += 1;
        self.depth -= 1;
        items.shrink_to_fit();
        Some(Block {
            items,
            span: self.span(start, self.pos),
        })
    }

    /// `item`: `attr | field | param_item | step_item`, in that order.
    fn item(&mut self) -> Option<Item> {
        let (ks, ke) = self.word()?;
        let save = self.pos;
        self.ws();
        match self.peek() {
            b'=' => {
                self.pos += 1;
                let key = self.ident_at(ks, ke);
                let value = self.any_value()?;
                Some(Item::Attr(Attr {
                    span: key.span.to(value.span),
                    key,
                    value,
                }))
            }
            b'{' => {
                let key = self.ident_at(ks, ke);
                let b = self.block()?;
                let value = Value {
                    span: b.span,
                    kind: ValueKind::Block(b),
                };
                Some(Item::Attr(Attr {
                    span: key.span.to(value.span),
                    key,
                    value,
                }))
            }
            b'?' | b':' => {
                self.pos = save;
                let name = self.ident_at(ks, ke);
                Some(Item::Field(Box::new(self.field(ks, name)?)))
            }
            _ => match self.slice(ks, ke) {
                "param" => {
                    let name = self.ident()?;
                    Some(Item::Param(Box::new(self.field(ks, name)?)))
                }
                "step" => {
                    let kw = self.span(ks, ke);
                    let name = self.ident()?;
                    let body = self.block()?;
                    Some(Item::Step(Box::new(Step {
                        header: kw.to(name.span),
                        span: kw.to(body.span),
                        name,
                        body,
                    })))
                }
                _ => None,
            },
        }
    }

    /// The rest of a `field` / `param_item` after its name; `start` is where the
    /// item began.
    fn field(&mut self, start: usize, name: Ident) -> Option<Field> {
        let optional = self.eat(b'?');
        if !self.eat(b':') {
            return None;
        }
        let mut members = self.members()?;
        let (ty, constraints) = match members.len() {
            1 => {
                let m = members.pop()?;
                (m.ty, m.constraints)
            }
            _ => (super::lower::any_of(self.file, members), None),
        };
        let mut end = ty.span;
        if let Some(c) = &constraints {
            end = c.span;
        }
        let default = if self.eat(b'=') {
            let v = self.any_value()?;
            end = v.span;
            Some(v)
        } else {
            None
        };
        Some(Field {
            name,
            optional,
            ty,
            constraints,
            default,
            span: Span::new(self.file, self.base + start, end.end as usize),
            doc: None,
        })
    }

    /// `type_expr` where no field holds the constraints (`list<…>`, `map<…>`).
    fn type_expr(&mut self) -> Option<TypeExpr> {
        let mut members = self.members()?;
        if members.len() == 1 && members.first().is_some_and(|m| m.constraints.is_none()) {
            return Some(members.pop()?.ty);
        }
        Some(super::lower::any_of(self.file, members))
    }

    /// `type_alt ~ block? ~ (type_pipe ~ type_alt ~ block?)*`.
    fn members(&mut self) -> Option<Vec<Member>> {
        let mut members = Vec::new();
        loop {
            let ty = self.type_alt()?;
            let save = self.pos;
            self.ws();
            let constraints = if self.peek() == b'{' {
                Some(self.block()?)
            } else {
                self.pos = save;
                None
            };
            members.push(Member { ty, constraints });
            let save = self.pos;
            self.ws();
            if self.peek() == b'|' {
                self.pos += 1;
            } else {
                self.pos = save;
                break;
            }
        }
        members.shrink_to_fit();
        Some(members)
    }

    /// `type_alt`: one member, without its constraints.
    fn type_alt(&mut self) -> Option<TypeExpr> {
        self.enter()?;
        self.ws();
        let start = self.pos;
        let ty = if self.peek() == b'"' {
            let mut lits = Vec::new();
            loop {
                let s = self.pos;
                let value = match self.string()? {
                    ValueKind::Str(v) => v.into_written(),
                    _ => return None,
                };
                lits.push(StrLit {
                    value,
                    span: self.span(s, self.pos),
                });
                // `(pipe ~ string)*`: a `|` not followed by a string is the next
                // member's.
                let save = self.pos;
                self.ws();
                if self.peek() == b'|' {
                    self.pos += 1;
                    self.ws();
                    if self.peek() == b'"' {
                        continue;
                    }
                }
                self.pos = save;
                break;
            }
            lits.shrink_to_fit();
            TypeExpr {
                kind: TypeKind::Union(lits),
                span: self.span(start, self.pos),
            }
        } else {
            let (ws, we) = self.word()?;
            let word = self.slice(ws, we);
            let save = self.pos;
            let composite = match word {
                "list" | "map" => {
                    if self.eat(b'<') {
                        let elem = Box::new(self.type_expr()?);
                        if !self.eat(b'>') {
                            return None;
                        }
                        Some(if word == "list" {
                            TypeKind::List(elem)
                        } else {
                            TypeKind::Map(elem)
                        })
                    } else {
                        None
                    }
                }
                "object" => {
                    self.ws();
                    if self.peek() == b'{' {
                        Some(TypeKind::Object(self.block()?))
                    } else {
                        None
                    }
                }
                _ => None,
            };
            match composite {
                Some(kind) => TypeExpr {
                    kind,
                    span: self.span(start, self.pos),
                },
                None => {
                    self.pos = save;
                    TypeExpr {
                        kind: TypeKind::Named(self.ident_at(ws, we)),
                        span: self.span(ws, we),
                    }
                }
            }
        };
        self.depth -= 1;
        Some(ty)
    }
}
