//! Union params in enum slots. A param typed `"a" | "b"` (or `list<"a" | "b">`)
//! holds strings, but may stand where the template's kind expects an enum word (or
//! a list of them): `kind = param.k`, `governance { safety_level = param.level }`.
//!
//! Once per template, on its own (the arguments do not matter): each such use is
//! found by walking the template's body along its kind's attribute table, and a
//! union member that is not one of the enum's words is PM0206 at the use. For each
//! instance, the string substituted at such a use becomes the enum word it spells
//! ([`Slot`]), which the checker then judges like any word (a member outside the
//! enum is PM0206 at the use again, merged with the template's own diagnostic).

use super::error::Problem;
use super::subst::{Slot, Slots};
use crate::ast::{Block, Field, Item, Kind, TypeKind, Value, ValueKind};
use crate::schema::{self, Ty};
use std::collections::HashMap;

/// The enum slots holding a union param in `body` (a template's body after
/// `extends` merging, `params` its params), and the union members outside them.
pub(crate) fn analyze(kind: Kind, body: &Block, params: &[&Field]) -> (Slots, Vec<Problem>) {
    let mut w = Walk {
        params: params.iter().map(|p| (p.name.name.as_str(), *p)).collect(),
        slots: Slots::default(),
        problems: Vec::new(),
    };
    w.block(schema::attrs(kind), body);
    (w.slots, w.problems)
}

// Internals

struct Walk<'a> {
    params: HashMap<&'a str, &'a Field>,
    slots: Slots,
    problems: Vec<Problem>,
}

impl Walk<'_> {
    fn block(&mut self, table: &'static [schema::AttrSpec], block: &Block) {
        for item in &block.items {
            match item {
                Item::Attr(a) => {
                    if let Some(spec) = schema::find(table, &a.key.name) {
                        self.value(&spec.ty, &a.key.name, &a.value);
                    }
                }
                Item::Step(s) => {
                    if let Some(Ty::Steps(rows)) = table
                        .iter()
                        .map(|spec| spec.ty)
                        .find(|ty| matches!(ty, Ty::Steps(_)))
                    {
                        self.block(rows, &s.body);
                    }
                }
                Item::Field(_) | Item::Param(_) => {}
            }
        }
    }

    fn value(&mut self, ty: &Ty, name: &str, v: &Value) {
        match (ty, &v.kind) {
            (_, ValueKind::Param(id)) => self.param_use(ty, name, &id.name, v),
            (Ty::List(inner), ValueKind::List(items)) => {
                items.iter().for_each(|i| self.value(inner, name, i))
            }
            (Ty::Block(rows), ValueKind::Block(b)) => self.block(rows, b),
            (Ty::Map(inner), ValueKind::Block(b)) => {
                for a in b.attrs() {
                    self.value(inner, &a.key.name, &a.value);
                }
            }
            (Ty::Tagged(variants), ValueKind::Tagged(id, b)) => {
                if let Some(variant) = schema::variant(variants, &id.name) {
                    self.block(variant.attrs, b);
                }
            }
            _ => {}
        }
    }

    /// `param.p` standing where `ty` is expected.
    fn param_use(&mut self, ty: &Ty, name: &str, param: &str, v: &Value) {
        let Some(field) = self.params.get(param) else {
            return; // PM0602, reported on its own
        };
        let (slot, words, lits) = match (enum_words(ty), &field.ty.kind) {
            (Some(words), TypeKind::Union(lits)) => (Slot::Word, words, lits),
            _ => match (ty, &field.ty.kind) {
                (Ty::List(inner), TypeKind::List(t)) => match (enum_words(inner), &t.kind) {
                    (Some(words), TypeKind::Union(lits)) => (Slot::Words, words, lits),
                    _ => return,
                },
                _ => return,
            },
        };
        self.slots.insert(v.span, slot);
        let outside: Vec<String> = lits
            .iter()
            .filter(|l| !words.contains(&l.value.as_str()))
            .map(|l| l.value.clone())
            .collect();
        if !outside.is_empty() {
            self.problems.push(Problem::UnionOutsideEnum {
                span: v.span,
                attr: name.to_owned(),
                param: param.to_owned(),
                outside,
                words: words.to_vec(),
                param_span: field.ty.span,
            });
        }
    }
}

/// The words of an enum slot (one alternative of an `Either`, e.g. `on_error`).
fn enum_words(ty: &Ty) -> Option<&'static [&'static str]> {
    match ty {
        Ty::Enum(words) => Some(words),
        Ty::Either(tys) => tys.iter().find_map(enum_words),
        _ => None,
    }
}
