//! The safety check: the formatted text must parse to the same declarations as
//! the input (spans aside, items in canonical order on both sides) and carry
//! the same comments.

use super::order::{self, Order};
use crate::ast::{Block, Decl, DeclBody, Item, TypeExpr, TypeKind, Value, ValueKind};

/// A span-free rendering of declarations, items sorted as the printer sorts
/// them: two texts format to the same meaning exactly when these are equal.
pub(super) fn canonical(decls: &[Decl]) -> String {
    let mut out = String::new();
    for d in decls {
        let mut d = d.clone();
        sort_decl(&mut d);
        out.push_str(&strip_spans(&format!("{d:?}")));
        out.push('\n');
    }
    out
}

/// The comments of a text, sorted (attributes move, and their comments with
/// them, so only the multiset is kept; each one's text must survive intact).
pub(super) fn comment_multiset(text: &str) -> Vec<&str> {
    let mut c = super::comments::comment_texts(text);
    c.sort_unstable();
    c
}

fn sort_decl(d: &mut Decl) {
    match &mut d.body {
        DeclBody::Attrs(b) => sort_block(b, Order::declaration(d.kind)),
        DeclBody::Template(t) => sort_block(&mut t.body, Order::template(t.for_kind)),
        DeclBody::Instance(i) => {
            for a in &mut i.args {
                sort_value(&mut a.value, Order::Source);
            }
            if let Some(b) = &mut i.overrides {
                sort_block(b, Order::declaration(d.kind));
            }
        }
        DeclBody::Broken => {}
    }
}

fn sort_block(b: &mut Block, order: Order) {
    let idx = order::sorted(order, &b.items);
    let mut slots: Vec<Option<Item>> = std::mem::take(&mut b.items).into_iter().map(Some).collect();
    b.items = idx
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect();
    for item in &mut b.items {
        match item {
            Item::Attr(a) => {
                let inner = order::for_value(order, &a.key.name, &a.value);
                sort_value(&mut a.value, inner);
            }
            Item::Field(f) | Item::Param(f) => {
                sort_type(&mut f.ty);
                if let Some(c) = &mut f.constraints {
                    sort_block(c, Order::Source);
                }
                if let Some(v) = &mut f.default {
                    sort_value(v, Order::Source);
                }
            }
            Item::Step(s) => sort_block(&mut s.body, order.steps()),
        }
    }
}

fn sort_type(t: &mut TypeExpr) {
    match &mut t.kind {
        TypeKind::List(inner) | TypeKind::Map(inner) => sort_type(inner),
        TypeKind::Object(b) => sort_block(b, Order::Source),
        TypeKind::AnyOf(members) => {
            for m in members {
                sort_type(&mut m.ty);
                if let Some(c) = &mut m.constraints {
                    sort_block(c, Order::Source);
                }
            }
        }
        TypeKind::Named(_) | TypeKind::Union(_) => {}
    }
}

fn sort_value(v: &mut Value, order: Order) {
    match &mut v.kind {
        ValueKind::Block(b) | ValueKind::Tagged(_, b) => sort_block(b, order),
        ValueKind::List(items) => {
            for i in items {
                sort_value(i, Order::Source);
            }
        }
        _ => {}
    }
}

/// `Span { file: 0, start: 3, end: 9 }` removed from a `Debug` rendering.
fn strip_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span { file: ") {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i..).unwrap_or("");
        match after.find('}') {
            Some(j) => rest = after.get(j + 1..).unwrap_or(""),
            None => {
                rest = after;
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn spans_are_removed() {
        assert_eq!(
            super::strip_spans("A { span: Span { file: 0, start: 1, end: 2 }, x: 1 }"),
            "A { span: , x: 1 }"
        );
    }
}
