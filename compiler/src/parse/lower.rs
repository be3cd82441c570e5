//! Lowering, part one: pest pairs of a declaration → [`Decl`], blocks, items and
//! types. Values and expressions are in `value.rs`.
//!
//! Literal problems (PM0002) are collected in [`Lower::diags`] and the value becomes
//! [`ValueKind::Invalid`]; a syntax problem only visible after parsing (a dotted
//! name for a tool, a chained comparison) is returned as `Err` and breaks the
//! declaration like a pest error.

use super::grammar::Rule;
use super::literal;
use crate::ast::*;
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::Pair;

pub(super) type P<'i> = Pair<'i, Rule>;

/// A PM0001 found while lowering.
pub(super) type Fatal = Box<Diagnostic>;

/// Lowering state for one declaration chunk.
pub(super) struct Lower {
    pub file: FileId,
    /// The chunk's byte offset in the file (pest positions are chunk-relative).
    pub base: usize,
    pub diags: Vec<Diagnostic>,
}

/// Rules that hold a value where `any_value` stands: an expression or one of the
/// value rules (`value` itself is silent).
pub(super) fn is_value(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::expr | Rule::string | Rule::named | Rule::number | Rule::list | Rule::block
    )
}

/// The parts of a header.
pub(super) struct Header {
    pub kind: Kind,
    pub name: Ident,
    pub version: Option<VersionLit>,
    pub span: Span,
    /// PM0001 for a dotted name on a kind other than capability.
    pub error: Option<Fatal>,
}

impl Lower {
    /// The pair's span in the file.
    ///
    /// pest lets a rule that ends in an optional or repeated part (`a ~ b?`) swallow
    /// the blanks after it, so the spans of such rules (declarations, instances,
    /// attributes, fields, arguments, unions, expressions, named values) are built
    /// from their children instead.
    pub fn span(&self, p: &P<'_>) -> Span {
        let s = p.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    pub fn ident(&self, p: &P<'_>) -> Ident {
        Ident {
            name: p.as_str().into(),
            span: self.span(p),
        }
    }

    pub fn fatal(&self, span: Span, message: impl Into<String>, label: &str) -> Fatal {
        Box::new(Diagnostic::new("PM0001", span, message).label(label))
    }

    pub fn invalid(&mut self, span: Span, bad: literal::Invalid) {
        let mut d = Diagnostic::new("PM0002", span, bad.message).label("invalid literal");
        if let Some(h) = bad.help {
            d = d.help(h);
        }
        self.diags.push(d);
    }

    /// A `decl_file` pair → the declaration (without doc; the caller sets it).
    pub fn decl(&mut self, file_pair: P<'_>) -> Result<Decl, Fatal> {
        let span = self.span(&file_pair);
        let mut inner = file_pair.into_inner();
        let Some(decl) = inner.next() else {
            return Err(self.fatal(span, "expected a declaration", "here"));
        };
        let rule = decl.as_rule();
        let mut parts = decl.into_inner();
        let header = match parts.next() {
            Some(h) => self.header(h),
            None => return Err(self.fatal(span, "expected a declaration", "here")),
        };
        if let Some(e) = header.error {
            return Err(e);
        }
        let mut end = header.span;
        let body = if rule == Rule::template_decl {
            let mut for_kind = Kind::Agent;
            let mut for_span = header.span;
            let mut extends = None;
            let mut body = None;
            for p in parts {
                match p.as_rule() {
                    Rule::for_kind => {
                        for_span = self.span(&p);
                        for_kind = Kind::from_keyword(p.as_str()).unwrap_or(Kind::Agent);
                    }
                    Rule::template_ref => extends = Some(self.template_ref(p)),
                    Rule::block => {
                        let b = self.block(p)?;
                        end = b.span;
                        body = Some(b);
                    }
                    _ => {}
                }
            }
            let body = body.unwrap_or(Block {
                items: Vec::new(),
                span: end,
            });
            DeclBody::Template(Box::new(TemplateDecl {
                for_kind,
                for_span,
                extends,
                body,
            }))
        } else {
            match parts.next() {
                Some(p) if p.as_rule() == Rule::block => {
                    let b = self.block(p)?;
                    end = b.span;
                    DeclBody::Attrs(b)
                }
                Some(p) => {
                    let i = self.instance(p)?;
                    end = i.overrides.as_ref().map_or(i.call_span, |o| o.span);
                    DeclBody::Instance(Box::new(i))
                }
                None => return Err(self.fatal(span, "expected a declaration body", "here")),
            }
        };
        Ok(Decl {
            kind: header.kind,
            name: header.name,
            version: header.version,
            doc: None,
            header: header.span,
            span: header.span.to(end),
            body,
        })
    }

    /// A `kind_header` or `template_header` pair.
    pub fn header(&mut self, p: P<'_>) -> Header {
        let span = self.span(&p);
        let mut kind = Kind::Template;
        let mut name = Ident {
            name: Default::default(),
            span,
        };
        let mut version = None;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::kind_word => kind = Kind::from_keyword(part.as_str()).unwrap_or(Kind::Agent),
                Rule::decl_name => {
                    for np in part.into_inner() {
                        match np.as_rule() {
                            Rule::dotted_name => name = self.ident(&np),
                            Rule::version => version = Some(self.version(np)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let error = (kind != Kind::Capability && name.name.contains('.')).then(|| {
            Box::new(
                Diagnostic::new(
                    "PM0001",
                    name.span,
                    format!("{} name cannot be dotted", kind.with_article()),
                )
                .label("dotted name")
                .help(format!(
                    "only capability names may be dotted; write `{kind} {}`",
                    name.name.replace('.', "_")
                )),
            )
        });
        Header {
            kind,
            name,
            version,
            span,
            error,
        }
    }

    fn version(&mut self, p: P<'_>) -> VersionLit {
        let span = self.span(&p);
        let text = p.as_str().trim_start_matches('@');
        let text_span = Span::new(self.file, span.start as usize + 1, span.end as usize);
        let value = match literal::version(text) {
            Ok(v) => Some(v),
            Err(bad) => {
                self.invalid(text_span, bad);
                None
            }
        };
        VersionLit {
            value,
            span: text_span,
        }
    }

    fn instance(&mut self, p: P<'_>) -> Result<Instance, Fatal> {
        let mut template = None;
        let mut args = Vec::new();
        let mut call_span = self.span(&p);
        let mut overrides = None;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::template_call => {
                    call_span = self.span(&part);
                    for cp in part.into_inner() {
                        match cp.as_rule() {
                            Rule::template_ref => template = Some(self.template_ref(cp)),
                            Rule::arg => args.push(self.arg(cp)?),
                            _ => {}
                        }
                    }
                }
                Rule::block => overrides = Some(self.block(part)?),
                _ => {}
            }
        }
        let Some(template) = template else {
            return Err(self.fatal(call_span, "expected `template.NAME(…)`", "here"));
        };
        Ok(Instance {
            template,
            args,
            call_span,
            overrides,
        })
    }

    fn arg(&mut self, p: P<'_>) -> Result<Arg, Fatal> {
        let span = self.span(&p);
        let mut name = None;
        let mut value = None;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::ident => name = Some(self.ident(&part)),
                r if is_value(r) => value = Some(self.any_value(part)?),
                _ => {}
            }
        }
        match (name, value) {
            (Some(name), Some(value)) => Ok(Arg {
                span: name.span.to(value.span),
                name,
                value,
            }),
            _ => Err(self.fatal(span, "expected `name = value`", "here")),
        }
    }

    /// `template.NAME[@REQ]`.
    pub fn template_ref(&mut self, p: P<'_>) -> Reference {
        let span = self.span(&p);
        let written = p.as_str().to_owned();
        let mut name = Ident {
            name: Default::default(),
            span,
        };
        let mut req = None;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::ident => name = self.ident(&part),
                Rule::req => req = self.req(part),
                _ => {}
            }
        }
        Reference {
            kind: Kind::Template,
            name: name.name.to_string(),
            name_span: name.span,
            req,
            written,
            span,
        }
    }

    /// `{ items }`.
    pub fn block(&mut self, p: P<'_>) -> Result<Block, Fatal> {
        let span = self.span(&p);
        let parts = p.into_inner();
        // The pairs include the braces and commas: a small over-estimate.
        let mut items = Vec::with_capacity(parts.len());
        for part in parts {
            match part.as_rule() {
                Rule::attr => items.push(Item::Attr(self.attr(part)?)),
                Rule::field => items.push(Item::Field(Box::new(self.field(part)?))),
                Rule::param_item => items.push(Item::Param(Box::new(self.field(part)?))),
                Rule::step_item => items.push(Item::Step(Box::new(self.step(part)?))),
                _ => {}
            }
        }
        Ok(Block { items, span })
    }

    fn attr(&mut self, p: P<'_>) -> Result<Attr, Fatal> {
        let span = self.span(&p);
        let mut key = None;
        let mut value = None;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::key => key = Some(self.ident(&part)),
                // `key = value`, `key = { … }` and `key { … }` alike.
                r if is_value(r) => value = Some(self.any_value(part)?),
                _ => {}
            }
        }
        match (key, value) {
            (Some(key), Some(value)) => Ok(Attr {
                span: key.span.to(value.span),
                key,
                value,
            }),
            _ => Err(self.fatal(span, "expected `key = value`", "here")),
        }
    }

    /// A `field` or `param_item` pair.
    fn field(&mut self, p: P<'_>) -> Result<Field, Fatal> {
        let span = self.span(&p);
        let mut name = None;
        let mut optional = false;
        let mut ty = None;
        let mut constraints = None;
        let mut default = None;
        let mut after_eq = false;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::key | Rule::ident => name = Some(self.ident(&part)),
                Rule::question => optional = true,
                Rule::type_expr => ty = Some(self.type_expr(part)?),
                Rule::eq => after_eq = true,
                Rule::block if !after_eq => constraints = Some(self.block(part)?),
                r if is_value(r) => default = Some(self.any_value(part)?),
                _ => {}
            }
        }
        match (name, ty) {
            (Some(name), Some(ty)) => {
                let mut end = ty.span;
                if let Some(c) = &constraints {
                    end = c.span;
                }
                if let Some(d) = &default {
                    end = d.span;
                }
                Ok(Field {
                    name,
                    optional,
                    ty,
                    constraints,
                    default,
                    span: Span::new(self.file, span.start as usize, end.end as usize),
                })
            }
            _ => Err(self.fatal(span, "expected `name: TYPE`", "here")),
        }
    }

    fn step(&mut self, p: P<'_>) -> Result<Step, Fatal> {
        let span = self.span(&p);
        let mut header = span;
        let mut name = None;
        let mut body = None;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::kw_step => header = self.span(&part),
                Rule::ident => {
                    let id = self.ident(&part);
                    header = header.to(id.span);
                    name = Some(id);
                }
                Rule::block => body = Some(self.block(part)?),
                _ => {}
            }
        }
        match (name, body) {
            (Some(name), Some(body)) => Ok(Step {
                name,
                header,
                body,
                span,
            }),
            _ => Err(self.fatal(span, "expected `step NAME { … }`", "here")),
        }
    }

    /// A `type_expr` pair.
    pub fn type_expr(&mut self, p: P<'_>) -> Result<TypeExpr, Fatal> {
        let mut span = self.span(&p);
        let Some(inner) = p.into_inner().next() else {
            return Err(self.fatal(span, "expected a type", "here"));
        };
        let kind = match inner.as_rule() {
            Rule::list_type | Rule::map_type => {
                let is_list = inner.as_rule() == Rule::list_type;
                let elem = inner.into_inner().find(|c| c.as_rule() == Rule::type_expr);
                let Some(elem) = elem else {
                    return Err(self.fatal(span, "expected a type", "here"));
                };
                let elem = Box::new(self.type_expr(elem)?);
                if is_list {
                    TypeKind::List(elem)
                } else {
                    TypeKind::Map(elem)
                }
            }
            Rule::object_type => {
                let block = inner.into_inner().find(|c| c.as_rule() == Rule::block);
                match block {
                    Some(b) => TypeKind::Object(self.block(b)?),
                    None => return Err(self.fatal(span, "expected `object { … }`", "here")),
                }
            }
            Rule::union_type => {
                let mut lits = Vec::new();
                for s in inner.into_inner().filter(|c| c.as_rule() == Rule::string) {
                    let sspan = self.span(&s);
                    let value = self.string_text(s);
                    lits.push(StrLit { value, span: sspan });
                }
                if let Some(last) = lits.last() {
                    span = Span::new(self.file, span.start as usize, last.span.end as usize);
                }
                TypeKind::Union(lits)
            }
            _ => TypeKind::Named(self.ident(&inner)),
        };
        Ok(TypeExpr { kind, span })
    }
}
