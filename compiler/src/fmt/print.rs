//! The printer: walks the parsed tree in canonical order and writes the
//! canonical layout. Leaves (strings, numbers with their units, references,
//! paths, expressions) are copied from the source exactly as written; comments
//! come from [`Comments`], each printed once, before what it preceded or at the
//! end of its line.

use super::comments::{blank_line_before, Comments, Taken};
use super::order::{self, Order};
use crate::ast::{Block, Decl, DeclBody, Field, Item, TypeExpr, TypeKind, Value, ValueKind};
use crate::source::Span;

/// The widest line a one-line block or list may make.
pub(super) const WIDTH: usize = 100;
const INDENT: &str = "  ";

pub(super) struct Printer<'a> {
    text: &'a str,
    pub(super) comments: Comments<'a>,
    out: String,
}

impl<'a> Printer<'a> {
    pub(super) fn new(text: &'a str) -> Printer<'a> {
        Printer {
            text,
            comments: Comments::new(text),
            out: String::with_capacity(text.len() + text.len() / 8),
        }
    }

    pub(super) fn finish(self) -> String {
        self.out
    }

    fn raw(&self, span: Span) -> &'a str {
        self.text.get(span.range()).unwrap_or("")
    }

    fn column(&self) -> usize {
        let line = self.out.rfind('\n').map_or(0, |i| i + 1);
        self.out.get(line..).map_or(0, |l| l.chars().count())
    }

    fn newline(&mut self, indent: usize) {
        // No trailing blanks: a blank line stays empty.
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        self.out.push('\n');
        for _ in 0..indent {
            self.out.push_str(INDENT);
        }
    }

    /// Leading comments, each on its own line at `indent`, then a new line.
    fn leading(&mut self, comments: &[Taken<'_>], indent: usize, first: bool) {
        for (i, c) in comments.iter().enumerate() {
            if c.blank_before && !(first && i == 0) {
                self.newline(0);
            }
            self.out.push_str(c.text);
            self.newline(indent);
        }
    }

    fn trailing(&mut self, comment: Option<&str>) {
        if let Some(c) = comment {
            self.out.push(' ');
            self.out.push_str(c);
        }
    }

    // ---- file and declarations --------------------------------------------

    pub(super) fn file(&mut self, decls: &[Decl]) {
        let mut prev_end = 0;
        for (i, d) in decls.iter().enumerate() {
            let start = d.span.start.min(d.header.start) as usize;
            let lead = self.comments.take(prev_end, start);
            if i > 0 {
                self.out.push_str("\n\n");
            }
            self.leading(&lead, 0, true);
            if !lead.is_empty() && blank_line_before(self.text, start) {
                self.newline(0);
            }
            self.decl(d);
            let end = d.span.end as usize;
            let next = decls
                .get(i + 1)
                .map_or(self.text.len(), |n| n.span.start as usize);
            let trail = self.comments.trailing(end, next);
            prev_end = trail.map_or(end, |t| t.1);
            self.trailing(trail.map(|t| t.0));
        }
        let rest = self.comments.take(prev_end, self.text.len());
        if !rest.is_empty() {
            if !decls.is_empty() {
                self.out.push('\n');
                if rest.first().is_some_and(|c| c.blank_before) {
                    self.out.push('\n');
                }
            }
            let first = decls.is_empty();
            self.leading(&rest, 0, first);
            self.out.truncate(self.out.trim_end().len());
        }
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn decl(&mut self, d: &Decl) {
        self.out.push_str(d.kind.keyword());
        self.out.push(' ');
        let name = Span::new(
            d.name.span.file,
            d.name.span.start as usize,
            d.header.end as usize,
        );
        self.out.push_str(self.raw(name));
        match &d.body {
            DeclBody::Attrs(b) => {
                self.out.push(' ');
                self.block(b, Order::declaration(d.kind), 0, false);
            }
            DeclBody::Template(t) => {
                self.out.push_str(" for ");
                self.out.push_str(t.for_kind.keyword());
                if let Some(e) = &t.extends {
                    self.out.push_str(" extends ");
                    self.out.push_str(self.raw(e.span));
                }
                self.out.push(' ');
                self.block(&t.body, Order::template(t.for_kind), 0, false);
            }
            DeclBody::Instance(inst) => {
                self.out.push_str(" = ");
                self.out.push_str(self.raw(inst.template.span));
                let args: Vec<(&str, &Value, Span)> = inst
                    .args
                    .iter()
                    .map(|a| (a.name.name.as_str(), &a.value, a.span))
                    .collect();
                self.args(&args, inst.call_span, 0);
                if let Some(b) = &inst.overrides {
                    self.out.push(' ');
                    self.block(b, Order::declaration(d.kind), 0, false);
                }
            }
            // Refused before printing (a syntax error).
            DeclBody::Broken => {}
        }
    }

    /// `(name = value, …)` of an instance: one line when it fits, else one
    /// argument per line with a trailing comma.
    fn args(&mut self, args: &[(&str, &Value, Span)], call: Span, indent: usize) {
        let open = self
            .raw(call)
            .find('(')
            .map_or(call.start as usize, |i| call.start as usize + i);
        if !self.comments.any_in(open, call.end as usize) {
            let flat: Option<Vec<String>> = args
                .iter()
                .map(|(n, v, _)| self.flat_value(v).map(|f| format!("{n} = {f}")))
                .collect();
            if let Some(flat) = flat {
                let line = format!("({})", flat.join(", "));
                if self.column() + line.chars().count() + 2 <= WIDTH {
                    self.out.push_str(&line);
                    return;
                }
            }
        }
        self.out.push('(');
        let open_trail = self.comments.trailing(open + 1, call.end as usize);
        self.trailing(open_trail.map(|t| t.0));
        let mut prev_end = open_trail.map_or(open + 1, |t| t.1);
        for (i, (name, value, span)) in args.iter().enumerate() {
            let lead = self.comments.take(prev_end, span.start as usize);
            self.newline(indent + 1);
            self.leading(&lead, indent + 1, true);
            self.out.push_str(name);
            self.out.push_str(" = ");
            self.value(value, Order::Source, indent + 1);
            self.out.push(',');
            let next = args
                .get(i + 1)
                .map_or(call.end as usize, |a| a.2.start as usize);
            let trail = self.comments.trailing(span.end as usize, next);
            prev_end = trail.map_or(span.end as usize, |t| t.1);
            self.trailing(trail.map(|t| t.0));
        }
        self.dangling(prev_end, call.end as usize, indent + 1);
        self.newline(indent);
        self.out.push(')');
    }

    /// Comments left before a closing bracket, each on its own line.
    fn dangling(&mut self, from: usize, close: usize, indent: usize) {
        let rest = self.comments.take(from, close);
        for c in &rest {
            if c.blank_before {
                self.newline(0);
            }
            self.newline(indent);
            self.out.push_str(c.text);
        }
    }

    // ---- blocks and items ---------------------------------------------------

    /// `{ … }` at `indent` (the indent of the line holding the `{`). A block
    /// with no comment, no nested block and only attributes goes on one line
    /// when `may_flatten` and it fits.
    fn block(&mut self, b: &Block, order: Order, indent: usize, may_flatten: bool) {
        let (open, close) = (
            b.span.start as usize,
            (b.span.end as usize).saturating_sub(1),
        );
        if may_flatten && !self.comments.any_in(open, close) {
            if let Some(flat) = self.flat_block(b, order) {
                if self.column() + flat.chars().count() <= WIDTH {
                    self.out.push_str(&flat);
                    return;
                }
            }
        }
        self.out.push('{');
        let first_start = b.items.first().map_or(close, |i| i.span().start as usize);
        let open_trail = self.comments.trailing(open + 1, first_start);
        self.trailing(open_trail.map(|t| t.0));
        let mut prev_end = open_trail.map_or(open + 1, |t| t.1);
        // Comments belong to items by source position; items print in order.
        let mut attached = Vec::with_capacity(b.items.len());
        for (i, item) in b.items.iter().enumerate() {
            let span = item.span();
            let lead = self.comments.take(prev_end, span.start as usize);
            let next = b
                .items
                .get(i + 1)
                .map_or(close, |n| n.span().start as usize);
            let trail = self.comments.trailing(span.end as usize, next);
            prev_end = trail.map_or(span.end as usize, |t| t.1);
            let blank = match lead.first() {
                Some(c) => c.blank_before,
                None => blank_line_before(self.text, span.start as usize),
            };
            attached.push(Some((lead, trail.map(|t| t.0), blank)));
        }
        let dangling = self.comments.take(prev_end, close);
        for (n, i) in order::sorted(order, &b.items).into_iter().enumerate() {
            let (Some(item), Some(Some((lead, trail, blank)))) =
                (b.items.get(i), attached.get_mut(i).map(Option::take))
            else {
                continue;
            };
            if blank && n > 0 {
                self.newline(0);
            }
            self.newline(indent + 1);
            self.leading(&lead, indent + 1, true);
            self.item(item, order, indent + 1);
            self.trailing(trail);
        }
        for c in &dangling {
            if c.blank_before && !b.items.is_empty() {
                self.newline(0);
            }
            self.newline(indent + 1);
            self.out.push_str(c.text);
        }
        if !b.items.is_empty() || !dangling.is_empty() || open_trail.is_some() {
            self.newline(indent);
        }
        self.out.push('}');
    }

    fn item(&mut self, item: &Item, order: Order, indent: usize) {
        match item {
            Item::Attr(a) => {
                self.out.push_str(&a.key.name);
                let inner = order::for_value(order, &a.key.name, &a.value);
                match &a.value.kind {
                    ValueKind::Block(b) => {
                        self.out.push(' ');
                        self.block(b, inner, indent, true);
                    }
                    _ => {
                        self.out.push_str(" = ");
                        self.value(&a.value, inner, indent);
                    }
                }
            }
            Item::Field(f) => self.field(f, indent),
            Item::Param(f) => {
                self.out.push_str("param ");
                self.field(f, indent);
            }
            Item::Step(s) => {
                self.out.push_str("step ");
                self.out.push_str(&s.name.name);
                self.out.push(' ');
                self.block(&s.body, order.steps(), indent, false);
            }
        }
    }

    fn field(&mut self, f: &Field, indent: usize) {
        self.out.push_str(&f.name.name);
        if f.optional {
            self.out.push('?');
        }
        self.out.push_str(": ");
        self.ty(&f.ty, indent);
        if let Some(c) = &f.constraints {
            self.out.push(' ');
            self.block(c, Order::Source, indent, true);
        }
        if let Some(d) = &f.default {
            self.out.push_str(" = ");
            self.value(d, Order::Source, indent);
        }
    }

    fn ty(&mut self, t: &TypeExpr, indent: usize) {
        match &t.kind {
            TypeKind::Named(_) | TypeKind::Union(_) => {
                self.comments
                    .consume(t.span.start as usize, t.span.end as usize);
                self.out.push_str(self.raw(t.span));
            }
            TypeKind::List(inner) | TypeKind::Map(inner) => {
                let word = if matches!(t.kind, TypeKind::List(_)) {
                    "list<"
                } else {
                    "map<"
                };
                self.out.push_str(word);
                self.ty(inner, indent);
                self.out.push('>');
            }
            TypeKind::Object(b) => {
                self.out.push_str("object ");
                self.block(b, Order::Source, indent, false);
            }
            TypeKind::AnyOf(members) => {
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(" | ");
                    }
                    self.ty(&m.ty, indent);
                    if let Some(c) = &m.constraints {
                        self.out.push(' ');
                        self.block(c, Order::Source, indent, true);
                    }
                }
            }
        }
    }

    // ---- values -------------------------------------------------------------

    /// A value at `indent`; `order` applies when it is a block.
    fn value(&mut self, v: &Value, order: Order, indent: usize) {
        match &v.kind {
            ValueKind::List(items) => self.list(items, v.span, indent),
            ValueKind::Block(b) => self.block(b, order, indent, true),
            ValueKind::Tagged(name, b) => {
                self.out.push_str(&name.name);
                self.out.push(' ');
                self.block(b, order, indent, true);
            }
            _ => {
                let span = self.extent(v);
                self.comments
                    .consume(span.start as usize, span.end as usize);
                self.out.push_str(self.raw(span));
            }
        }
    }

    /// The text of a leaf value. An expression's span may leave out a
    /// parenthesis it opens or closes at an end (`!(a == b)`); the extent
    /// takes the brackets in so that they balance.
    fn extent(&self, v: &Value) -> Span {
        let span = v.span;
        if !matches!(v.kind, ValueKind::Expr(_)) {
            return span;
        }
        let (mut start, mut end) = (span.start as usize, span.end as usize);
        let depth = paren_depth(self.raw(span));
        let bytes = self.text.as_bytes();
        for _ in 0..depth.max(0) {
            while bytes.get(end).is_some_and(|b| b.is_ascii_whitespace()) {
                end += 1;
            }
            if bytes.get(end) == Some(&b')') {
                end += 1;
            }
        }
        for _ in 0..(-depth).max(0) {
            while start > 0
                && bytes
                    .get(start - 1)
                    .is_some_and(|b| b.is_ascii_whitespace())
            {
                start -= 1;
            }
            if start > 0 && bytes.get(start - 1) == Some(&b'(') {
                start -= 1;
            }
        }
        Span::new(span.file, start, end)
    }

    /// `[a, b]` when it fits, else one item per line with a trailing comma.
    fn list(&mut self, items: &[Value], span: Span, indent: usize) {
        let (open, close) = (span.start as usize, (span.end as usize).saturating_sub(1));
        if !self.comments.any_in(open, close) {
            let flat: Option<Vec<String>> = items.iter().map(|v| self.flat_value(v)).collect();
            if let Some(flat) = flat {
                let line = format!("[{}]", flat.join(", "));
                if self.column() + line.chars().count() <= WIDTH {
                    self.out.push_str(&line);
                    return;
                }
            }
        }
        self.out.push('[');
        let first_start = items.first().map_or(close, |i| i.span.start as usize);
        let open_trail = self.comments.trailing(open + 1, first_start);
        self.trailing(open_trail.map(|t| t.0));
        let mut prev_end = open_trail.map_or(open + 1, |t| t.1);
        for (i, item) in items.iter().enumerate() {
            let lead = self.comments.take(prev_end, item.span.start as usize);
            self.newline(indent + 1);
            self.leading(&lead, indent + 1, true);
            self.value(item, Order::Source, indent + 1);
            self.out.push(',');
            let next = items.get(i + 1).map_or(close, |n| n.span.start as usize);
            let trail = self.comments.trailing(item.span.end as usize, next);
            prev_end = trail.map_or(item.span.end as usize, |t| t.1);
            self.trailing(trail.map(|t| t.0));
        }
        self.dangling(prev_end, close, indent + 1);
        self.newline(indent);
        self.out.push(']');
    }

    // ---- one-line forms -----------------------------------------------------

    /// The value on one line, if it can be (no line break inside; blocks as
    /// [`Printer::flat_block`]). Only called where no comment is inside.
    fn flat_value(&self, v: &Value) -> Option<String> {
        match &v.kind {
            ValueKind::List(items) => {
                let parts: Option<Vec<String>> = items.iter().map(|i| self.flat_value(i)).collect();
                Some(format!("[{}]", parts?.join(", ")))
            }
            ValueKind::Block(b) => self.flat_block(b, Order::Source),
            ValueKind::Tagged(name, b) => Some(format!(
                "{} {}",
                name.name,
                self.flat_block(b, Order::Source)?
            )),
            _ => {
                let raw = self.raw(self.extent(v));
                (!raw.contains('\n')).then(|| raw.to_string())
            }
        }
    }

    /// `{ a = 1, b = 2 }` (or `{}`): attributes only, none of them a block.
    fn flat_block(&self, b: &Block, order: Order) -> Option<String> {
        if b.items.is_empty() {
            return Some("{}".into());
        }
        let mut parts = Vec::with_capacity(b.items.len());
        for i in order::sorted(order, &b.items) {
            let Some(Item::Attr(a)) = b.items.get(i) else {
                return None;
            };
            if holds_block(&a.value) {
                return None;
            }
            let v = self.flat_value(&a.value)?;
            parts.push(format!("{} = {}", a.key.name, v));
        }
        Some(format!("{{ {} }}", parts.join(", ")))
    }
}

/// Whether a value is or holds a block (a nested block keeps its block on
/// several lines).
fn holds_block(v: &Value) -> bool {
    match &v.kind {
        ValueKind::Block(_) | ValueKind::Tagged(..) => true,
        ValueKind::List(items) => items.iter().any(holds_block),
        _ => false,
    }
}

/// Opened minus closed parentheses outside strings.
fn paren_depth(text: &str) -> i64 {
    let (mut depth, mut in_str, mut escaped) = (0i64, false, false);
    for b in text.bytes() {
        match (in_str, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') | (false, b'"') => in_str = !in_str,
            (false, b'(') => depth += 1,
            (false, b')') => depth -= 1,
            _ => {}
        }
    }
    depth
}
