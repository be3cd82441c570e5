//! Field docs (§7): the `///` lines right before a field or a template `param`
//! become its [`Field::doc`], the JSON Schema `description` it compiles to.
//!
//! The pre-scan already found every comment of a declaration; this pass runs
//! once on the parsed tree (whichever parser built it, so the fast path and pest
//! agree by construction), only for declarations with `///` lines inside.

use super::strings::dedent;
use crate::ast::{Block, Decl, DeclBody, Field, Item, TypeExpr, TypeKind, Value, ValueKind};

/// Sets the doc of every field of `decl` that has `///` lines right before it.
/// `text` is the file's text, `comments` the declaration's comments (file
/// offsets, in order).
pub(super) fn attach(decl: &mut Decl, text: &str, comments: &[(usize, usize)]) {
    let docs: Vec<(usize, usize)> = comments
        .iter()
        .copied()
        .filter(|&(start, _)| is_doc_line(text, start))
        .collect();
    if docs.is_empty() {
        return;
    }
    let w = Walker { text, docs: &docs };
    match &mut decl.body {
        DeclBody::Attrs(b) => w.block(b),
        DeclBody::Template(t) => w.block(&mut t.body),
        DeclBody::Instance(i) => {
            for a in &mut i.args {
                w.value(&mut a.value);
            }
            if let Some(o) = &mut i.overrides {
                w.block(o);
            }
        }
        DeclBody::Broken => {}
    }
}

/// A `///` comment (exactly three slashes) that is the first thing on its line.
fn is_doc_line(text: &str, start: usize) -> bool {
    let b = text.as_bytes();
    if !(b.get(start..start + 3) == Some(b"///".as_slice()) && b.get(start + 3) != Some(&b'/')) {
        return false;
    }
    let line_start = b
        .get(..start)
        .and_then(|r| r.iter().rposition(|c| *c == b'\n'))
        .map_or(0, |i| i + 1);
    b.get(line_start..start)
        .is_some_and(|r| r.iter().all(|c| *c == b' ' || *c == b'\t'))
}

struct Walker<'a> {
    text: &'a str,
    docs: &'a [(usize, usize)],
}

impl Walker<'_> {
    /// True when only blanks and exactly one line break lie between `end` and `next`.
    fn next_line(&self, end: usize, next: usize) -> bool {
        self.text.get(end..next).is_some_and(|gap| {
            gap.bytes().all(|b| b.is_ascii_whitespace())
                && gap.bytes().filter(|b| *b == b'\n').count() == 1
        })
    }

    /// The doc of the item starting at `start`: its `///` lines, dedented as a
    /// `"""` string, trimmed.
    fn doc_before(&self, start: usize) -> Option<String> {
        let end = self.docs.partition_point(|d| d.1 <= start);
        let mut first = end;
        let mut next = start;
        while let Some(&(s, e)) = first.checked_sub(1).and_then(|i| self.docs.get(i)) {
            if !self.next_line(e, next) {
                break;
            }
            first -= 1;
            next = s;
        }
        let lines = self.docs.get(first..end).filter(|l| !l.is_empty())?;
        let body: Vec<&str> = lines
            .iter()
            .map(|&(s, e)| {
                // Trailing blanks are no part of the doc (the formatter drops them).
                self.text.get(s + 3..e).unwrap_or("").trim_end()
            })
            .collect();
        let joined = body.join("\n");
        let text: Vec<&str> = dedent(&joined).into_iter().map(|(_, l)| l).collect();
        let doc = text.join("\n").trim().to_owned();
        (!doc.is_empty()).then_some(doc)
    }

    fn block(&self, b: &mut Block) {
        for item in &mut b.items {
            match item {
                Item::Attr(a) => self.value(&mut a.value),
                Item::Field(f) | Item::Param(f) => self.field(f),
                Item::Step(s) => self.block(&mut s.body),
            }
        }
    }

    fn field(&self, f: &mut Field) {
        f.doc = self.doc_before(f.span.start as usize);
        self.ty(&mut f.ty);
        if let Some(c) = &mut f.constraints {
            self.block(c);
        }
        if let Some(d) = &mut f.default {
            self.value(d);
        }
    }

    fn ty(&self, t: &mut TypeExpr) {
        match &mut t.kind {
            TypeKind::Object(b) => self.block(b),
            TypeKind::List(e) | TypeKind::Map(e) => self.ty(e),
            TypeKind::AnyOf(members) => {
                for m in members {
                    self.ty(&mut m.ty);
                }
            }
            TypeKind::Named(_) | TypeKind::Union(_) => {}
        }
    }

    fn value(&self, v: &mut Value) {
        match &mut v.kind {
            ValueKind::Block(b) | ValueKind::Tagged(_, b) => self.block(b),
            ValueKind::List(items) => items.iter_mut().for_each(|i| self.value(i)),
            _ => {}
        }
    }
}
