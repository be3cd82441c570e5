//! The safety check: the formatted text must parse to the same declarations as
//! the input (spans aside, items in canonical order on both sides) and carry
//! the same comments. Both trees are compared with every span zeroed (the
//! derived `PartialEq`), after sorting their items the way the printer does.

use super::order::{self, Order};
use crate::ast::{
    Block, Decl, DeclBody, Expr, ExprKind, Item, Reference, Str, StrPart, TypeExpr, TypeKind,
    Value, ValueKind,
};
use crate::source::Span;

/// The declarations with every span zeroed and every block's items sorted as
/// the printer sorts them: two texts format to the same meaning exactly when
/// these are equal.
pub(super) fn canonical(mut decls: Vec<Decl>) -> Vec<Decl> {
    for d in &mut decls {
        sort_decl(d);
    }
    decls
}

/// The comments of a text, sorted (attributes move, and their comments with
/// them, so only the multiset is kept; each one's text must survive intact).
pub(super) fn comment_multiset(text: &str) -> Vec<&str> {
    let mut c = super::comments::comment_texts(text);
    c.sort_unstable();
    c
}

const NO_SPAN: Span = Span {
    file: 0,
    start: 0,
    end: 0,
};

fn sort_decl(d: &mut Decl) {
    d.name.span = NO_SPAN;
    d.header = NO_SPAN;
    d.span = NO_SPAN;
    if let Some(v) = &mut d.version {
        v.span = NO_SPAN;
    }
    match &mut d.body {
        DeclBody::Attrs(b) => sort_block(b, Order::declaration(d.kind)),
        DeclBody::Template(t) => {
            t.for_span = NO_SPAN;
            if let Some(e) = &mut t.extends {
                erase_ref(e);
            }
            sort_block(&mut t.body, Order::template(t.for_kind));
        }
        DeclBody::Instance(i) => {
            erase_ref(&mut i.template);
            i.call_span = NO_SPAN;
            for a in &mut i.args {
                a.name.span = NO_SPAN;
                a.span = NO_SPAN;
                sort_value(&mut a.value, Order::Source);
            }
            if let Some(b) = &mut i.overrides {
                sort_block(b, Order::declaration(d.kind));
            }
        }
        DeclBody::Broken => {}
    }
}

fn erase_ref(r: &mut Reference) {
    r.name_span = NO_SPAN;
    r.span = NO_SPAN;
    if let Some(q) = &mut r.req {
        q.span = NO_SPAN;
    }
}

fn sort_block(b: &mut Block, order: Order) {
    b.span = NO_SPAN;
    let idx = order::sorted(order, &b.items);
    let mut slots: Vec<Option<Item>> = std::mem::take(&mut b.items).into_iter().map(Some).collect();
    b.items = idx
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect();
    for item in &mut b.items {
        match item {
            Item::Attr(a) => {
                a.key.span = NO_SPAN;
                a.span = NO_SPAN;
                let inner = order::for_value(order, &a.key.name, &a.value);
                sort_value(&mut a.value, inner);
            }
            Item::Field(f) | Item::Param(f) => {
                f.name.span = NO_SPAN;
                f.span = NO_SPAN;
                sort_type(&mut f.ty);
                if let Some(c) = &mut f.constraints {
                    sort_block(c, Order::Source);
                }
                if let Some(v) = &mut f.default {
                    sort_value(v, Order::Source);
                }
            }
            Item::Step(s) => {
                s.name.span = NO_SPAN;
                s.header = NO_SPAN;
                s.span = NO_SPAN;
                sort_block(&mut s.body, order.steps());
            }
        }
    }
}

fn sort_type(t: &mut TypeExpr) {
    t.span = NO_SPAN;
    match &mut t.kind {
        TypeKind::Named(i) => i.span = NO_SPAN,
        TypeKind::List(inner) | TypeKind::Map(inner) => sort_type(inner),
        TypeKind::Object(b) => sort_block(b, Order::Source),
        TypeKind::Union(strs) => strs.iter_mut().for_each(|s| s.span = NO_SPAN),
        TypeKind::AnyOf(members) => {
            for m in members {
                sort_type(&mut m.ty);
                if let Some(c) = &mut m.constraints {
                    sort_block(c, Order::Source);
                }
            }
        }
    }
}

fn sort_value(v: &mut Value, order: Order) {
    v.span = NO_SPAN;
    match &mut v.kind {
        ValueKind::Block(b) => sort_block(b, order),
        ValueKind::Tagged(name, b) => {
            name.span = NO_SPAN;
            sort_block(b, order);
        }
        ValueKind::List(items) => {
            for i in items {
                sort_value(i, Order::Source);
            }
        }
        ValueKind::Str(s) => erase_str(s),
        ValueKind::Ref(r) => erase_ref(r),
        ValueKind::Path(parts) => parts.iter_mut().for_each(|p| p.span = NO_SPAN),
        ValueKind::Param(p) => p.span = NO_SPAN,
        ValueKind::Expr(e) => erase_expr(e),
        ValueKind::Int(_)
        | ValueKind::Float(_)
        | ValueKind::Bool(_)
        | ValueKind::Duration(_)
        | ValueKind::Size(_)
        | ValueKind::Rate { .. }
        | ValueKind::Word(_)
        | ValueKind::Env(_)
        | ValueKind::Secret(_)
        | ValueKind::Invalid => {}
    }
}

fn erase_str(s: &mut Str) {
    for p in &mut s.parts {
        if let StrPart::Interp(i) = p {
            i.span = NO_SPAN;
        }
    }
}

fn erase_expr(e: &mut Expr) {
    e.span = NO_SPAN;
    match &mut e.kind {
        ExprKind::Atom(v) => sort_value(v, Order::Source),
        ExprKind::Not(inner) => erase_expr(inner),
        ExprKind::Binary(_, a, b) => {
            erase_expr(a);
            erase_expr(b);
        }
    }
}
