//! Lowering, part two: values (§4), references and requirements (§5) and `when`
//! expressions (§8).

use super::grammar::Rule;
use super::lower::{is_value, Fatal, Lower, P};
use super::{literal, strings};
use crate::ast::*;
use crate::source::Span;

/// An expression tree may be this deep (`!` and binary operators, through
/// parentheses too); deeper is PM0001, so no later walk can overflow the stack.
const MAX_EXPR_DEPTH: usize = 64;

impl Lower {
    /// What `any_value` matched (always an `expr` pair: a lone value comes back as
    /// that plain value), or a value rule's pair (`key { … }`).
    pub fn any_value(&mut self, p: P<'_>) -> Result<Value, Fatal> {
        if p.as_rule() == Rule::expr {
            self.expr(p)
        } else {
            self.value(p)
        }
    }

    /// An `expr` pair: a plain [`Value`] when it has no operator, else
    /// [`ValueKind::Expr`].
    pub fn expr(&mut self, p: P<'_>) -> Result<Value, Fatal> {
        self.expr_depth(p).map(|(v, _)| v)
    }

    fn expr_depth(&mut self, p: P<'_>) -> Result<(Value, usize), Fatal> {
        let mut children = p.into_inner();
        let mut operands: Vec<(Expr, usize)> = Vec::new();
        let mut ops: Vec<(BinOp, Span)> = Vec::new();
        let mut nots: Vec<Span> = Vec::new();
        while let Some(c) = children.next() {
            match c.as_rule() {
                Rule::not_op => nots.push(self.span(&c)),
                Rule::bin_op => ops.push((bin_op(c.as_str()), self.span(&c))),
                r if r == Rule::paren || is_value(r) => {
                    let (v, depth) = self.operand(c)?;
                    if nots.is_empty() && operands.is_empty() && children.peek().is_none() {
                        // No operator at all: a plain value.
                        return Ok((v, depth));
                    }
                    let mut e = Expr::from_value(v);
                    let mut d = depth.max(1);
                    for not in nots.drain(..).rev() {
                        let span = not.to(e.span);
                        e = Expr {
                            kind: ExprKind::Not(Box::new(e)),
                            span,
                        };
                        d += 1;
                        self.check_depth(d, span)?;
                    }
                    operands.push((e, d));
                }
                _ => {}
            }
        }
        let (e, d) = self.climb(operands, ops)?;
        let span = e.span;
        Ok((
            Value {
                kind: ValueKind::Expr(Box::new(e)),
                span,
            },
            d,
        ))
    }

    /// A `paren` or `value` pair, with the depth of its expression tree.
    fn operand(&mut self, c: P<'_>) -> Result<(Value, usize), Fatal> {
        if c.as_rule() != Rule::paren {
            return Ok((self.value(c)?, 0));
        }
        let span = self.span(&c);
        match c.into_inner().find(|x| x.as_rule() == Rule::expr) {
            Some(e) => self.expr_depth(e),
            None => Err(self.fatal(span, "expected an expression", "here")),
        }
    }

    fn check_depth(&self, depth: usize, span: Span) -> Result<(), Fatal> {
        if depth > MAX_EXPR_DEPTH {
            return Err(self.fatal(
                span,
                format!("expression nested deeper than {MAX_EXPR_DEPTH} levels"),
                "too deep",
            ));
        }
        Ok(())
    }

    /// Shunting-yard over `a op b op c …`: `||` < `&&` < comparisons, the latter
    /// non-associative.
    fn climb(
        &self,
        operands: Vec<(Expr, usize)>,
        ops: Vec<(BinOp, Span)>,
    ) -> Result<(Expr, usize), Fatal> {
        let mut out: Vec<(Expr, usize)> = Vec::new();
        let mut stack: Vec<(BinOp, Span)> = Vec::new();
        let mut operands = operands.into_iter();
        if let Some(first) = operands.next() {
            out.push(first);
        }
        for ((op, span), rhs) in ops.into_iter().zip(operands) {
            while let Some(&(top, top_span)) = stack.last() {
                if prec(top) < prec(op) {
                    break;
                }
                if prec(top) == 3 && prec(op) == 3 {
                    return Err(Box::new(
                        crate::diag::Diagnostic::new(
                            "PM0001",
                            span,
                            format!(
                                "comparisons cannot be chained: `{}` after `{}`",
                                op.as_str(),
                                top.as_str()
                            ),
                        )
                        .label("second comparison")
                        .related(top_span, "first comparison")
                        .help("add parentheses, or join the comparisons with `&&`"),
                    ));
                }
                stack.pop();
                self.reduce(&mut out, top)?;
            }
            stack.push((op, span));
            out.push(rhs);
        }
        while let Some((top, _)) = stack.pop() {
            self.reduce(&mut out, top)?;
        }
        match (out.pop(), out.is_empty()) {
            (Some(e), true) => Ok(e),
            _ => Err(self.fatal(Span::default(), "malformed expression", "here")),
        }
    }

    fn reduce(&self, out: &mut Vec<(Expr, usize)>, op: BinOp) -> Result<(), Fatal> {
        let (Some((rhs, rd)), Some((lhs, ld))) = (out.pop(), out.pop()) else {
            return Err(self.fatal(Span::default(), "malformed expression", "here"));
        };
        let span = lhs.span.to(rhs.span);
        let depth = ld.max(rd) + 1;
        self.check_depth(depth, span)?;
        out.push((
            Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            },
            depth,
        ));
        Ok(())
    }

    /// A value rule's pair (`string`, `named`, `number`, `list` or `block`).
    pub fn value(&mut self, inner: P<'_>) -> Result<Value, Fatal> {
        let mut span = self.span(&inner);
        let kind = match inner.as_rule() {
            Rule::string => self.string_value(inner),
            Rule::number => match literal::number(inner.as_str()) {
                Ok(v) => v,
                Err(bad) => {
                    self.invalid(span, bad);
                    ValueKind::Invalid
                }
            },
            Rule::named => {
                let (kind, named_span) = self.named(inner)?;
                span = named_span;
                kind
            }
            Rule::list => {
                let parts = inner.into_inner();
                let mut items = Vec::with_capacity(parts.len() / 2);
                for c in parts {
                    if is_value(c.as_rule()) {
                        items.push(self.any_value(c)?);
                    }
                }
                ValueKind::List(items)
            }
            Rule::block => ValueKind::Block(self.block(inner)?),
            _ => return Err(self.fatal(span, "expected a value", "here")),
        };
        Ok(Value { kind, span })
    }

    /// A `string` pair as a value: `Str`, or `Invalid` after PM0002.
    pub fn string_value(&mut self, p: P<'_>) -> ValueKind {
        let Some(body) = p.into_inner().next() else {
            return ValueKind::Invalid;
        };
        let triple = body.as_rule() == Rule::triple_body;
        let offset = self.base + body.as_span().start();
        let lowered = strings::lower(self.file, body.as_str(), offset, triple);
        if lowered.problems.is_empty() {
            ValueKind::Str(lowered.value)
        } else {
            self.diags.extend(lowered.problems);
            ValueKind::Invalid
        }
    }

    /// A `string` pair as plain text (`${x}` kept as written); for union types.
    pub fn string_text(&mut self, p: P<'_>) -> String {
        match self.string_value(p) {
            ValueKind::Str(s) => s.into_written(),
            _ => String::new(),
        }
    }

    /// A `named` pair: a word or bool, a tagged block, `env("…")`/`secret("…")`, or
    /// a dotted path.
    /// Returns the value and its span (without the blanks pest lets `named` end with).
    fn named(&mut self, p: P<'_>) -> Result<(ValueKind, Span), Fatal> {
        let raw = self.span(&p);
        let mut parts = p.into_inner();
        let Some(path) = parts.next() else {
            return Err(self.fatal(raw, "expected a value", "here"));
        };
        let mut req = None;
        let mut tail = None;
        for c in parts {
            if c.as_rule() == Rule::req {
                req = Some(c);
            } else {
                tail = Some(c);
            }
        }
        let path_span = self.span(&path);
        let mut end = path_span;
        if let Some(r) = &req {
            let rs = self.span(r);
            if rs.start != path_span.end {
                return Err(self.fatal(
                    rs,
                    "no whitespace is allowed before the `@` of a reference",
                    "write `KIND.NAME@REQ` without spaces",
                ));
            }
            end = rs;
        }
        if let Some(t) = &tail {
            end = self.span(t);
        }
        let span = Span::new(self.file, raw.start as usize, end.end as usize);
        let kind = match tail {
            Some(t) if req.is_some() => {
                return Err(self.fatal(
                    self.span(&t),
                    format!(
                        "unexpected `{}` after a reference",
                        t.as_str().get(..1).unwrap_or("")
                    ),
                    "a reference ends here",
                ))
            }
            Some(t) if t.as_rule() == Rule::call => {
                let what = path.as_str();
                if what != "env" && what != "secret" {
                    return Err(self.fatal(
                        path_span,
                        format!("unknown function `{what}`"),
                        "only `env(\"NAME\")` and `secret(\"…\")` take arguments",
                    ));
                }
                self.secret(what == "env", t, span)
            }
            Some(b) if !path.as_str().contains('.') => {
                ValueKind::Tagged(Box::new(self.ident(&path)), self.block(b)?)
            }
            Some(b) => {
                return Err(self.fatal(
                    self.span(&b),
                    format!("expected a word before `{{`, found `{}`", path.as_str()),
                    "a tagged block is `variant { … }`",
                ))
            }
            None if req.is_none() && !path.as_str().contains('.') => match path.as_str() {
                "true" => ValueKind::Bool(true),
                "false" => ValueKind::Bool(false),
                w => ValueKind::Word(w.to_owned()),
            },
            None => self.dotted(path, req, span)?,
        };
        Ok((kind, span))
    }

    /// `env("NAME")` / `secret("…")`: the `call` pair holds exactly one string.
    fn secret(&mut self, is_env: bool, call: P<'_>, span: Span) -> ValueKind {
        let text = call
            .into_inner()
            .find(|c| c.as_rule() == Rule::string)
            .map(|s| self.string_value(s));
        match text {
            Some(ValueKind::Str(s)) => match s.as_plain() {
                Some(t) if is_env => ValueKind::Env(t),
                Some(t) => ValueKind::Secret(t),
                None => {
                    let what = if is_env { "env()" } else { "secret()" };
                    self.invalid(
                        span,
                        literal::Invalid {
                            message: format!("{what} takes a plain string"),
                            help: Some("`${…}` is not allowed here".into()),
                        },
                    );
                    ValueKind::Invalid
                }
            },
            _ => ValueKind::Invalid,
        }
    }

    /// A `path_text` (with a `.` or a requirement) and its `req`: a reference, a
    /// `param.x` or a path. `span` covers both.
    fn dotted(
        &mut self,
        path: P<'_>,
        req_pair: Option<P<'_>>,
        span: Span,
    ) -> Result<ValueKind, Fatal> {
        // The `@` is glued to the name (checked by the caller).
        let mut written = path.as_str().to_owned();
        if let Some(r) = &req_pair {
            written.push_str(r.as_str());
        }
        let mut segments: Vec<Ident> = Vec::new();
        let mut at = self.span(&path).start as usize;
        for seg in path.as_str().split('.') {
            segments.push(Ident {
                name: seg.into(),
                span: Span::new(self.file, at, at + seg.len()),
            });
            at += seg.len() + 1;
        }
        let Some(first) = segments.first() else {
            return Err(self.fatal(span, "expected a reference", "here"));
        };
        let kind = Kind::from_keyword(&first.name);
        let Some(kind) = kind else {
            if let Some(r) = req_pair {
                return Err(self.fatal(
                    self.span(&r),
                    "only a reference to a declaration takes a version requirement",
                    "unexpected `@`",
                ));
            }
            if first.name == "param" {
                return match segments.get(1..) {
                    Some([name]) => Ok(ValueKind::Param(name.clone())),
                    _ => Err(self.fatal(
                        span,
                        "a template parameter is written `param.NAME`",
                        "too many `.` parts",
                    )),
                };
            }
            return Ok(ValueKind::Path(segments));
        };
        let rest = segments.get(1..).unwrap_or(&[]);
        if rest.is_empty() || (kind != Kind::Capability && rest.len() != 1) {
            return Err(Box::new(
                crate::diag::Diagnostic::new(
                    "PM0001",
                    span,
                    format!("a reference to {} is `{kind}.NAME`", kind.with_article()),
                )
                .label("too many `.` parts")
                .help("only capability names are dotted"),
            ));
        }
        let name_span = match (rest.first(), rest.last()) {
            (Some(a), Some(b)) => a.span.to(b.span),
            _ => span,
        };
        let name = rest
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(".");
        let req = match req_pair {
            Some(r) => self.req(r),
            None => None,
        };
        Ok(ValueKind::Ref(Box::new(Reference {
            kind,
            name,
            name_span,
            req,
            written,
            span,
        })))
    }

    /// A `req` pair (`@…`); `None` after PM0002.
    pub fn req(&mut self, p: P<'_>) -> Option<Req> {
        let whole = self.span(&p);
        let span = Span::new(self.file, whole.start as usize + 1, whole.end as usize);
        let inner = p.into_inner().next()?;
        let (text, quoted) = if inner.as_rule() == Rule::string {
            match self.string_value(inner) {
                ValueKind::Str(s) => (s.as_plain().unwrap_or_default(), true),
                _ => return None,
            }
        } else {
            (inner.as_str().to_owned(), false)
        };
        match literal::requirement(&text, quoted) {
            Ok(req) => Some(Req { req, text, span }),
            Err(bad) => {
                self.invalid(span, bad);
                None
            }
        }
    }
}

fn bin_op(text: &str) -> BinOp {
    match text {
        "==" => BinOp::Eq,
        "!=" => BinOp::Ne,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        "&&" => BinOp::And,
        _ => BinOp::Or,
    }
}

fn prec(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        _ => 3,
    }
}
