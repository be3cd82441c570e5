//! The fast path, part two: values, references and `when` expressions, built as
//! `value.rs` lowers them.

use super::{is_alpha, is_ident_char, Parser};
use crate::ast::*;
use crate::parse::{literal, strings};
use crate::source::Span;

/// As `value.rs`: deeper expression trees are PM0001 (left to pest).
const MAX_EXPR_DEPTH: usize = 64;

fn is_op_start(b: u8) -> bool {
    matches!(b, b'!' | b'&' | b'<'..=b'>' | b'|')
}

fn prec(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        _ => 3,
    }
}

/// Shunting-yard over `a op b op c …` as `value.rs` does it; `None` for chained
/// comparisons or a tree too deep (PM0001, left to pest).
fn climb(operands: Vec<(Expr, usize)>, ops: Vec<(BinOp, Span)>) -> Option<(Expr, usize)> {
    let mut out: Vec<(Expr, usize)> = Vec::new();
    let mut stack: Vec<BinOp> = Vec::new();
    let mut operands = operands.into_iter();
    out.push(operands.next()?);
    for ((op, _), rhs) in ops.into_iter().zip(operands) {
        while let Some(&top) = stack.last() {
            if prec(top) < prec(op) {
                break;
            }
            if prec(top) == 3 && prec(op) == 3 {
                return None;
            }
            stack.pop();
            reduce(&mut out, top)?;
        }
        stack.push(op);
        out.push(rhs);
    }
    while let Some(top) = stack.pop() {
        reduce(&mut out, top)?;
    }
    let e = out.pop()?;
    out.is_empty().then_some(e)
}

fn reduce(out: &mut Vec<(Expr, usize)>, op: BinOp) -> Option<()> {
    let (rhs, rd) = out.pop()?;
    let (lhs, ld) = out.pop()?;
    let span = lhs.span.to(rhs.span);
    let depth = ld.max(rd) + 1;
    if depth > MAX_EXPR_DEPTH {
        return None;
    }
    out.push((
        Expr {
            kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
            span,
        },
        depth,
    ));
    Some(())
}

impl Parser<'_> {
    /// `any_value` (the grammar's `expr`, read as a plain value when no operator
    /// follows). Each value is parsed once: an
    /// operator after it continues the expression from it, and a value that fails
    /// is not retried as an expression unless `!` or `(` could start one (so a
    /// deep syntax error costs linear time, not 2^depth).
    pub(super) fn any_value(&mut self) -> Option<Value> {
        self.ws();
        let (start, depth, first) = (self.pos, self.depth, self.peek());
        match self.value() {
            Some(v) => {
                if !is_op_start(self.peek_after_ws()) {
                    return Some(v);
                }
                self.expr(Some(v)).map(|(v, _)| v)
            }
            None if first == b'!' || first == b'(' => {
                self.pos = start;
                self.depth = depth;
                self.expr(None).map(|(v, _)| v)
            }
            None => None,
        }
    }

    /// The next byte after blanks, without moving.
    fn peek_after_ws(&self) -> u8 {
        let mut i = self.pos;
        while matches!(self.at(i), b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        self.at(i)
    }

    /// `expr`, lowered as `value.rs` lowers it: a plain value when there is no
    /// operator, else [`ValueKind::Expr`]; with the depth of its tree. `first` is
    /// its first operand when the caller already parsed it (a plain value).
    fn expr(&mut self, mut first: Option<Value>) -> Option<(Value, usize)> {
        self.enter()?;
        let mut operands: Vec<(Expr, usize)> = Vec::new();
        let mut ops: Vec<(BinOp, Span)> = Vec::new();
        loop {
            let mut nots: Vec<Span> = Vec::new();
            let (v, depth) = match first.take() {
                Some(v) => (v, 0),
                None => {
                    self.ws();
                    while self.peek() == b'!' && self.at(self.pos + 1) != b'=' {
                        nots.push(self.span(self.pos, self.pos + 1));
                        self.pos += 1;
                        self.ws();
                    }
                    if self.peek() == b'(' {
                        self.pos += 1;
                        let inner = self.expr(None)?;
                        if !self.eat(b')') {
                            return None;
                        }
                        inner
                    } else {
                        (self.value()?, 0)
                    }
                }
            };
            let end = self.pos;
            self.ws();
            let op = self.bin_op();
            if nots.is_empty() && operands.is_empty() && op.is_none() {
                self.pos = end;
                self.depth -= 1;
                return Some((v, depth));
            }
            let mut e = Expr::from_value(v);
            let mut d = depth.max(1);
            for not in nots.into_iter().rev() {
                let span = not.to(e.span);
                e = Expr {
                    kind: ExprKind::Not(Box::new(e)),
                    span,
                };
                d += 1;
                if d > MAX_EXPR_DEPTH {
                    return None;
                }
            }
            operands.push((e, d));
            match op {
                Some(op) => ops.push(op),
                None => {
                    self.pos = end;
                    break;
                }
            }
        }
        let (e, d) = climb(operands, ops)?;
        self.depth -= 1;
        Some((
            Value {
                span: e.span,
                kind: ValueKind::Expr(Box::new(e)),
            },
            d,
        ))
    }

    /// `bin_op` at the current position, consumed when it matches.
    fn bin_op(&mut self) -> Option<(BinOp, Span)> {
        let (op, len) = match self.s.get(self.pos..self.pos + 2) {
            Some(b"==") => (BinOp::Eq, 2),
            Some(b"!=") => (BinOp::Ne, 2),
            Some(b"<=") => (BinOp::Le, 2),
            Some(b">=") => (BinOp::Ge, 2),
            Some(b"&&") => (BinOp::And, 2),
            Some(b"||") => (BinOp::Or, 2),
            _ => match self.peek() {
                b'<' => (BinOp::Lt, 1),
                b'>' => (BinOp::Gt, 1),
                _ => return None,
            },
        };
        let span = self.span(self.pos, self.pos + len);
        self.pos += len;
        Some((op, span))
    }

    pub(super) fn value(&mut self) -> Option<Value> {
        self.enter()?;
        self.ws();
        let start = self.pos;
        let c = self.peek();
        let v = match c {
            b'"' => {
                let kind = self.string()?;
                Value {
                    kind,
                    span: self.span(start, self.pos),
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.peek() == b']' {
                        break;
                    }
                    items.push(self.any_value()?);
                    if self.eat(b',') {
                        continue;
                    }
                    self.ws();
                    if self.peek() != b']' {
                        return None;
                    }
                }
                self.pos += 1;
                items.shrink_to_fit();
                Value {
                    kind: ValueKind::List(items),
                    span: self.span(start, self.pos),
                }
            }
            b'{' => {
                let b = self.block()?;
                Value {
                    span: b.span,
                    kind: ValueKind::Block(b),
                }
            }
            _ if is_alpha(c) => self.named()?,
            _ => self.number()?,
        };
        self.depth -= 1;
        Some(v)
    }

    /// `number`, then its meaning (`literal::number`).
    fn number(&mut self) -> Option<Value> {
        let start = self.pos;
        let mut i = start;
        if self.at(i) == b'-' {
            i += 1;
        }
        if self.at(i).is_ascii_digit() {
            i += 1;
        } else if self.at(i) == b'.' && self.at(i + 1).is_ascii_digit() {
            i += 2;
        } else {
            return None;
        }
        loop {
            let b = self.at(i);
            if is_ident_char(b) {
                i += 1;
            } else if (b == b'.' || b == b'/') && is_ident_char(self.at(i + 1)) {
                i += 2;
            } else {
                break;
            }
        }
        self.pos = i;
        let kind = literal::number(self.slice(start, i)).ok()?;
        Some(Value {
            kind,
            span: self.span(start, i),
        })
    }

    /// `string` at its quote: the lowered value (`None` on any problem).
    pub(super) fn string(&mut self) -> Option<ValueKind> {
        let start = self.pos;
        let triple = self.s.get(start..start + 3) == Some(b"\"\"\"".as_slice());
        let (body_start, body_end) = if triple {
            let mut i = start + 3;
            loop {
                match self.s.get(i..i + 3) {
                    Some(b"\"\"\"") => break,
                    _ => match self.s.get(i) {
                        None => return None,
                        Some(b'\\') if i + 1 < self.s.len() => i += 2,
                        Some(b'\\') => return None,
                        Some(_) => i += 1,
                    },
                }
            }
            self.pos = i + 3;
            (start + 3, i)
        } else {
            let mut i = start + 1;
            loop {
                match self.s.get(i) {
                    None | Some(b'\n') => return None,
                    Some(b'"') => break,
                    Some(b'\\') => match self.s.get(i + 1) {
                        None | Some(b'\n') => return None,
                        Some(_) => i += 2,
                    },
                    Some(_) => i += 1,
                }
            }
            self.pos = i + 1;
            (start + 1, i)
        };
        let body = self.text.get(body_start..body_end)?;
        let lowered = strings::lower(self.file, body, self.base + body_start, triple);
        lowered
            .problems
            .is_empty()
            .then_some(ValueKind::Str(lowered.value))
    }

    /// `named`: a word or bool, a tagged block, `env(…)`/`secret(…)`, or a dotted
    /// path (reference, `param.x`, workflow path).
    fn named(&mut self) -> Option<Value> {
        let (ps, pe) = self.dotted()?;
        let path = self.slice(ps, pe);
        let dotted = path.contains('.');
        if self.peek() == b'@' {
            let req = self.req()?;
            let written = self.slice(ps, self.pos);
            let end = self.pos;
            // A tail after a reference is a syntax error.
            let save = self.pos;
            self.ws();
            if matches!(self.peek(), b'(' | b'{' | b'@') {
                return None;
            }
            self.pos = save;
            let span = self.span(ps, end);
            let kind = self.reference(ps, path, Some(req), written, span)?;
            return Some(Value { kind, span });
        }
        let save = self.pos;
        self.ws();
        match self.peek() {
            // A requirement after blanks is a syntax error.
            b'@' => None,
            b'(' => {
                if path != "env" && path != "secret" {
                    return None;
                }
                self.pos += 1;
                self.ws();
                if self.peek() != b'"' {
                    return None;
                }
                let s = match self.string()? {
                    ValueKind::Str(s) => s.as_plain()?,
                    _ => return None,
                };
                if !self.eat(b')') {
                    return None;
                }
                let span = self.span(ps, self.pos);
                let kind = if path == "env" {
                    ValueKind::Env(s)
                } else {
                    ValueKind::Secret(s)
                };
                Some(Value { kind, span })
            }
            b'{' if !dotted => {
                let tag = Box::new(self.ident_at(ps, pe));
                let b = self.block()?;
                let span = self.span(ps, self.pos);
                Some(Value {
                    kind: ValueKind::Tagged(tag, b),
                    span,
                })
            }
            b'{' => None,
            _ => {
                self.pos = save;
                let span = self.span(ps, pe);
                let kind = match path {
                    "true" => ValueKind::Bool(true),
                    "false" => ValueKind::Bool(false),
                    w if !dotted => ValueKind::Word(w.into()),
                    _ => self.reference(ps, path, None, path, span)?,
                };
                Some(Value { kind, span })
            }
        }
    }

    /// A dotted `path` at `start` (with its requirement, if any): a reference, a
    /// `param.x` or a workflow path.
    fn reference(
        &self,
        start: usize,
        path: &str,
        req: Option<Req>,
        written: &str,
        span: Span,
    ) -> Option<ValueKind> {
        let mut segments: Vec<Ident> = Vec::new();
        let mut at = start;
        for seg in path.split('.') {
            segments.push(self.ident_at(at, at + seg.len()));
            at += seg.len() + 1;
        }
        let first = segments.first()?;
        let Some(kind) = Kind::from_keyword(&first.name) else {
            if req.is_some() {
                return None;
            }
            if first.name == "param" {
                return match segments.get(1..) {
                    Some([name]) => Some(ValueKind::Param(name.clone())),
                    _ => None,
                };
            }
            segments.shrink_to_fit();
            return Some(ValueKind::Path(segments));
        };
        let rest = segments.get(1..).unwrap_or(&[]);
        if rest.is_empty() || (kind != Kind::Capability && rest.len() != 1) {
            return None;
        }
        let (a, b) = (rest.first()?, rest.last()?);
        let name_start = (a.span.start as usize).checked_sub(self.base)?;
        let name_end = (b.span.end as usize).checked_sub(self.base)?;
        Some(ValueKind::Ref(Box::new(Reference {
            kind,
            name: self.slice(name_start, name_end).into(),
            name_span: a.span.to(b.span),
            req,
            written: written.into(),
            span,
        })))
    }
}
