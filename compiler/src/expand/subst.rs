//! Template params in values: finding every `param.p` and `${p}` (for PM0602) and
//! substituting them in an instance's block.
//!
//! `param.p` takes the argument's value (or the default's). Where the value points
//! decides where an error about it is reported: a reference keeps the argument's
//! span (PM0101 & co. go on the reference itself); anything else takes the span
//! of the `param.p` use, in the template, so that an error the value causes there
//! (out of range, not in the enum, wrong type for the attribute) is reported on the
//! template's line with the instance as a related label (LANGUAGE.md §9). A
//! union param's string standing in an enum slot becomes that enum word
//! ([`Slot`]). `${p}` writes a string as it is and anything else as its literal
//! text. An optional param with no argument and no default is *absent*: an
//! attribute or list element that is only `param.p` disappears and `${p}` writes
//! nothing. A param whose argument is wrong or missing (PM0601 already reported)
//! makes the values that use it invalid, so later checks skip them.

use super::FastMap;
use crate::ast::{
    Block, Expr, ExprKind, Ident, Item, Str, StrPart, TypeExpr, TypeKind, Value, ValueKind,
};
use crate::source::{SourceMap, Span};

/// What a param stands for in one instance.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Binding {
    Value(Value),
    /// Optional, no argument, no default.
    Absent,
    /// The argument was wrong or missing (already reported).
    Invalid,
}

/// Param name → binding.
pub(crate) type Env = FastMap<String, Binding>;

/// What a `param.p` use (by its span) stands for, besides a value: the enum slots
/// of union params, found by [`super::slots`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// An enum word: a string becomes the word it spells.
    Word,
    /// A list of enum words: each string element becomes a word.
    Words,
}

/// `param.p` use span → its slot.
pub(crate) type Slots = FastMap<Span, Slot>;

/// Where a param use stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// In attributes, fields or steps: substituted.
    Body,
    /// In a `param` line's own type, constraints or default: not substituted.
    ParamDecl,
}

/// Calls `f` on every `param.p` and `${p}` in a block, at any depth.
pub(crate) fn uses(block: &Block, f: &mut dyn FnMut(&Ident, Place)) {
    uses_in_block(block, Place::Body, f);
}

/// Substitutes every `param.p` and `${p}` of `block` (which holds no `param`
/// lines any more) from `env`, adapting the values at `slots`. Names not in `env`
/// (PM0602 already reported) make their value invalid.
pub(crate) fn substitute(block: &mut Block, env: &Env, slots: &Slots, sources: &SourceMap) {
    let s = Substituter {
        env,
        slots,
        sources,
    };
    s.block(block);
}

// Internals

fn uses_in_block(block: &Block, place: Place, f: &mut dyn FnMut(&Ident, Place)) {
    for item in &block.items {
        match item {
            Item::Attr(a) => uses_in_value(&a.value, place, f),
            Item::Field(fl) | Item::Param(fl) => {
                let place = if matches!(item, Item::Param(_)) {
                    Place::ParamDecl
                } else {
                    place
                };
                uses_in_type(&fl.ty, place, f);
                if let Some(c) = &fl.constraints {
                    uses_in_block(c, place, f);
                }
                if let Some(d) = &fl.default {
                    uses_in_value(d, place, f);
                }
            }
            Item::Step(s) => uses_in_block(&s.body, place, f),
        }
    }
}

fn uses_in_type(ty: &TypeExpr, place: Place, f: &mut dyn FnMut(&Ident, Place)) {
    match &ty.kind {
        TypeKind::List(t) | TypeKind::Map(t) => uses_in_type(t, place, f),
        TypeKind::Object(b) => uses_in_block(b, place, f),
        TypeKind::AnyOf(members) => {
            for m in members {
                uses_in_type(&m.ty, place, f);
                if let Some(c) = &m.constraints {
                    uses_in_block(c, place, f);
                }
            }
        }
        TypeKind::Named(_) | TypeKind::Union(_) => {}
    }
}

pub(crate) fn uses_in_value(v: &Value, place: Place, f: &mut dyn FnMut(&Ident, Place)) {
    match &v.kind {
        ValueKind::Param(id) => f(id, place),
        ValueKind::Str(s) => {
            for p in &s.parts {
                if let StrPart::Interp(id) = p {
                    f(id, place);
                }
            }
        }
        ValueKind::List(items) => items.iter().for_each(|i| uses_in_value(i, place, f)),
        ValueKind::Block(b) | ValueKind::Tagged(_, b) => uses_in_block(b, place, f),
        ValueKind::Expr(e) => {
            // Iterative: an expression may be a long chain of `&&`.
            let mut stack: Vec<&Expr> = vec![e];
            while let Some(e) = stack.pop() {
                match &e.kind {
                    ExprKind::Atom(a) => uses_in_value(a, place, f),
                    ExprKind::Not(x) => stack.push(x),
                    ExprKind::Binary(_, l, r) => {
                        stack.push(r);
                        stack.push(l);
                    }
                }
            }
        }
        _ => {}
    }
}

struct Substituter<'a> {
    env: &'a Env,
    slots: &'a Slots,
    sources: &'a SourceMap,
}

impl Substituter<'_> {
    fn block(&self, block: &mut Block) {
        block.items.retain_mut(|item| self.item(item));
    }

    /// False when the item disappears (an attribute whose value is absent).
    fn item(&self, item: &mut Item) -> bool {
        match item {
            Item::Attr(a) => self.value(&mut a.value),
            Item::Field(fl) | Item::Param(fl) => {
                self.ty(&mut fl.ty);
                if let Some(c) = &mut fl.constraints {
                    self.block(c);
                }
                if let Some(d) = &mut fl.default {
                    if !self.value(d) {
                        fl.default = None;
                    }
                }
                true
            }
            Item::Step(s) => {
                self.block(&mut s.body);
                true
            }
        }
    }

    fn ty(&self, ty: &mut TypeExpr) {
        match &mut ty.kind {
            TypeKind::List(t) | TypeKind::Map(t) => self.ty(t),
            TypeKind::Object(b) => self.block(b),
            TypeKind::AnyOf(members) => {
                for m in members {
                    self.ty(&mut m.ty);
                    if let Some(c) = &mut m.constraints {
                        self.block(c);
                    }
                }
            }
            TypeKind::Named(_) | TypeKind::Union(_) => {}
        }
    }

    /// Substitutes in place; false when the value is an absent param.
    fn value(&self, v: &mut Value) -> bool {
        match &mut v.kind {
            ValueKind::Param(id) => match self.env.get(id.name.as_str()) {
                Some(Binding::Value(arg)) => {
                    let site = v.span;
                    let mut new = arg.clone();
                    relocate(&mut new, site);
                    if let Some(slot) = self.slots.get(&site) {
                        to_words(&mut new, *slot);
                    }
                    *v = new;
                }
                Some(Binding::Absent) => return false,
                Some(Binding::Invalid) | None => v.kind = ValueKind::Invalid,
            },
            ValueKind::Str(s) => {
                if let Some(kind) = self.interpolate(s) {
                    v.kind = kind;
                }
            }
            ValueKind::List(items) => items.retain_mut(|i| self.value(i)),
            ValueKind::Block(b) | ValueKind::Tagged(_, b) => self.block(b),
            ValueKind::Expr(e) => {
                let mut stack: Vec<&mut Expr> = vec![e];
                while let Some(e) = stack.pop() {
                    match &mut e.kind {
                        ExprKind::Atom(a) => {
                            if !self.value(a) {
                                a.kind = ValueKind::Invalid;
                            }
                        }
                        ExprKind::Not(x) => stack.push(x),
                        ExprKind::Binary(_, l, r) => {
                            stack.push(l);
                            stack.push(r);
                        }
                    }
                }
            }
            _ => {}
        }
        true
    }

    /// The new kind of a string with `${}` parts, `None` when it has none.
    fn interpolate(&self, s: &Str) -> Option<ValueKind> {
        if !s.parts.iter().any(|p| matches!(p, StrPart::Interp(_))) {
            return None;
        }
        let mut out = String::new();
        for p in &s.parts {
            match p {
                StrPart::Lit(l) => out.push_str(l),
                StrPart::Interp(id) => match self.env.get(id.name.as_str()) {
                    Some(Binding::Value(arg)) => match self.text(arg) {
                        Some(t) => out.push_str(&t),
                        None => return Some(ValueKind::Invalid),
                    },
                    Some(Binding::Absent) => {}
                    Some(Binding::Invalid) | None => return Some(ValueKind::Invalid),
                },
            }
        }
        Some(ValueKind::Str(Str {
            parts: vec![StrPart::Lit(out)],
        }))
    }

    /// What `${p}` writes for a value: a string as it is, anything else as its
    /// literal text.
    fn text(&self, v: &Value) -> Option<String> {
        match &v.kind {
            ValueKind::Str(s) => s.as_plain(),
            ValueKind::Invalid | ValueKind::Param(_) => None,
            kind => {
                let written = self.sources.slice(v.span);
                if !written.is_empty() {
                    return Some(written.to_owned());
                }
                match kind {
                    ValueKind::Int(n) => Some(n.to_string()),
                    ValueKind::Float(x) => Some(x.to_string()),
                    ValueKind::Bool(b) => Some(b.to_string()),
                    ValueKind::Word(w) => Some(w.clone()),
                    ValueKind::Ref(r) => Some(r.written.clone()),
                    _ => None,
                }
            }
        }
    }
}

/// Gives a substituted value, and everything in it but references, the span of
/// the `param.p` use it replaces.
fn relocate(v: &mut Value, site: Span) {
    match &mut v.kind {
        ValueKind::Ref(_) => return,
        ValueKind::List(items) => items.iter_mut().for_each(|i| relocate(i, site)),
        ValueKind::Block(b) => relocate_block(b, site),
        ValueKind::Tagged(id, b) => {
            id.span = site;
            relocate_block(b, site);
        }
        ValueKind::Path(ids) => ids.iter_mut().for_each(|id| id.span = site),
        ValueKind::Param(id) => id.span = site,
        ValueKind::Expr(e) => {
            let mut stack: Vec<&mut Expr> = vec![e];
            while let Some(e) = stack.pop() {
                e.span = site;
                match &mut e.kind {
                    ExprKind::Atom(a) => relocate(a, site),
                    ExprKind::Not(x) => stack.push(x),
                    ExprKind::Binary(_, l, r) => {
                        stack.push(l);
                        stack.push(r);
                    }
                }
            }
        }
        _ => {}
    }
    v.span = site;
}

fn relocate_block(b: &mut Block, site: Span) {
    b.span = site;
    for item in &mut b.items {
        if let Item::Attr(a) = item {
            a.span = site;
            a.key.span = site;
            relocate(&mut a.value, site);
        }
    }
}

/// A union param's strings in an enum slot become the words they spell.
fn to_words(v: &mut Value, slot: Slot) {
    let word = |v: &mut Value| {
        if let ValueKind::Str(s) = &v.kind {
            if let Some(text) = s.as_plain() {
                v.kind = ValueKind::Word(text);
            }
        }
    };
    match (slot, &mut v.kind) {
        (Slot::Word, _) => word(v),
        (Slot::Words, ValueKind::List(items)) => items.iter_mut().for_each(word),
        (Slot::Words, _) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expand::testutil::{attr, block, blockv, int, interp, list, param, render, strv};
    use crate::source::SourceMap;

    fn env(pairs: Vec<(&str, Binding)>) -> Env {
        pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    #[test]
    fn param_values_and_interpolations_are_substituted() {
        let mut b = block(vec![
            attr("d", interp(&["Answers ", "$topic", " (", "$n", ")"])),
            attr("m", param("n")),
            attr("l", list(vec![param("n"), int(2)])),
            attr("g", blockv(vec![attr("x", param("topic"))])),
        ]);
        let e = env(vec![
            ("topic", Binding::Value(strv("billing"))),
            ("n", Binding::Value(int(7))),
        ]);
        substitute(&mut b, &e, &Slots::default(), &SourceMap::new());
        assert_eq!(
            render(&b),
            "{d=\"Answers billing (7)\" m=7 l=[7 2] g={x=\"billing\"}}"
        );
    }

    #[test]
    fn absent_params_disappear_and_invalid_ones_poison() {
        let mut b = block(vec![
            attr("a", param("opt")),
            attr("l", list(vec![param("opt"), int(1)])),
            attr("s", interp(&["x", "$opt", "y"])),
            attr("bad", param("missing")),
            attr("bs", interp(&["x", "$missing"])),
            attr("unknown", param("nope")),
        ]);
        let e = env(vec![
            ("opt", Binding::Absent),
            ("missing", Binding::Invalid),
        ]);
        substitute(&mut b, &e, &Slots::default(), &SourceMap::new());
        assert_eq!(
            render(&b),
            "{l=[1] s=\"xy\" bad=<invalid> bs=<invalid> unknown=<invalid>}"
        );
    }

    #[test]
    fn uses_finds_params_everywhere_and_marks_param_lines() {
        let b = block(vec![
            attr("d", interp(&["a", "$x"])),
            attr("g", blockv(vec![attr("y", list(vec![param("y")]))])),
        ]);
        let mut seen = Vec::new();
        uses(&b, &mut |id, place| seen.push((id.name.clone(), place)));
        assert_eq!(
            seen,
            vec![("x".into(), Place::Body), ("y".into(), Place::Body)]
        );
    }
}
