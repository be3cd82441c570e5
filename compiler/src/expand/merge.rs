//! The merging rule of §6, shared by template `extends`, instance overrides and
//! persona `extends`: blocks merge key by key, recursively; scalars and lists
//! replace; `status` (and the doc comment, which is not in a block) is never
//! inherited; overriding a key is not PM0205.
//!
//! Keys are: an attribute's key, a typed field's or a `param`'s name, a step's
//! name. Two block values merge; two tagged blocks of the same variant merge their
//! fields; anything else is replaced by the overriding item.
//!
//! A key written twice in *one* block stays written twice (the first occurrence
//! takes the override), so the checker still reports PM0205 at the second one.

use super::FastMap;
use crate::ast::{Attr, Block, Item, Step, Value, ValueKind};

// Public Interface

/// The top-level attribute that is never inherited.
pub const NOT_INHERITED: &str = "status";

/// Merges a declaration's own block over the block it inherits (`base`): like
/// [`merge_blocks`], except that `base`'s top-level `status` is dropped first.
/// The result's span is `over`'s.
pub fn merge_decl_blocks(base: &Block, over: &Block) -> Block {
    let inherited = base
        .items
        .iter()
        .filter(|i| !is_not_inherited(i))
        .cloned()
        .collect();
    merge_into(inherited, over)
}

/// [`merge_decl_blocks`] on a base the caller owns (no copy of it is made).
pub(crate) fn merge_decl_blocks_owned(base: Block, over: &Block) -> Block {
    let mut items = base.items;
    items.retain(|i| !is_not_inherited(i));
    merge_into(items, over)
}

/// Merges `over` into `base`, key by key, recursively (§6). Items keep `base`'s
/// order; new keys from `over` follow in their own order. The result's span is
/// `over`'s. Runs in time linear in the two blocks' sizes.
pub fn merge_blocks(base: &Block, over: &Block) -> Block {
    merge_into(base.items.clone(), over)
}

/// Merges one overriding value into an inherited one.
pub fn merge_values(base: &Value, over: &Value) -> Value {
    match (&base.kind, &over.kind) {
        (ValueKind::Block(b), ValueKind::Block(o)) => Value {
            kind: ValueKind::Block(merge_blocks(b, o)),
            span: over.span,
        },
        (ValueKind::Tagged(bt, b), ValueKind::Tagged(ot, o)) if bt.name == ot.name => Value {
            kind: ValueKind::Tagged(ot.clone(), merge_blocks(b, o)),
            span: over.span,
        },
        _ => over.clone(),
    }
}

// Internals

fn is_not_inherited(item: &Item) -> bool {
    matches!(item, Item::Attr(a) if a.key.name == NOT_INHERITED)
}

/// [`merge_blocks`] with the base's items owned.
fn merge_into(mut items: Vec<Item>, over: &Block) -> Block {
    // Which base position each overriding item replaces: the first
    // not-yet-overridden position of its key.
    let targets: Vec<Option<usize>> = {
        let mut slots: FastMap<Key<'_>, usize> =
            FastMap::with_capacity_and_hasher(items.len(), Default::default());
        for (i, item) in items.iter().enumerate() {
            slots.entry(key(item)).or_insert(i);
        }
        over.items
            .iter()
            .map(|item| slots.remove(&key(item)))
            .collect()
    };
    let mut tail = Vec::new();
    for (item, target) in over.items.iter().zip(targets) {
        match target.and_then(|i| items.get_mut(i)) {
            Some(slot) => *slot = merge_item(slot, item),
            None => tail.push(item.clone()),
        }
    }
    items.extend(tail);
    items.shrink_to_fit();
    Block {
        items,
        span: over.span,
    }
}

/// What identifies an item in a block; attributes, typed fields, params and steps
/// are keyed separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key<'a> {
    Attr(&'a str),
    Field(&'a str),
    Param(&'a str),
    Step(&'a str),
}

fn key(item: &Item) -> Key<'_> {
    match item {
        Item::Attr(a) => Key::Attr(&a.key.name),
        Item::Field(f) => Key::Field(&f.name.name),
        Item::Param(f) => Key::Param(&f.name.name),
        Item::Step(s) => Key::Step(&s.name.name),
    }
}

fn merge_item(base: &Item, over: &Item) -> Item {
    match (base, over) {
        (Item::Attr(b), Item::Attr(o)) => Item::Attr(Attr {
            key: o.key.clone(),
            value: merge_values(&b.value, &o.value),
            span: o.span,
        }),
        (Item::Step(b), Item::Step(o)) => Item::Step(Box::new(Step {
            name: o.name.clone(),
            header: o.header,
            body: merge_blocks(&b.body, &o.body),
            span: o.span,
        })),
        _ => over.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expand::testutil::{attr, block, blockv, int, list, render, strv, tagged, word};

    #[test]
    fn scalars_and_lists_replace() {
        let base = block(vec![
            attr("a", int(1)),
            attr("l", list(vec![int(1), int(2)])),
        ]);
        let over = block(vec![attr("l", list(vec![int(3)])), attr("b", int(2))]);
        assert_eq!(render(&merge_blocks(&base, &over)), "{a=1 l=[3] b=2}");
    }

    #[test]
    fn blocks_merge_recursively() {
        let base = block(vec![attr(
            "g",
            blockv(vec![
                attr("x", int(1)),
                attr("y", blockv(vec![attr("z", int(1))])),
            ]),
        )]);
        let over = block(vec![attr(
            "g",
            blockv(vec![attr("y", blockv(vec![attr("w", int(2))]))]),
        )]);
        assert_eq!(render(&merge_blocks(&base, &over)), "{g={x=1 y={z=1 w=2}}}");
    }

    #[test]
    fn a_block_replaced_by_a_scalar_is_replaced() {
        let base = block(vec![attr("g", blockv(vec![attr("x", int(1))]))]);
        let over = block(vec![attr("g", word("none"))]);
        assert_eq!(render(&merge_blocks(&base, &over)), "{g=none}");
    }

    #[test]
    fn tagged_blocks_merge_only_for_the_same_variant() {
        let base = block(vec![attr(
            "auth",
            tagged(
                "api_key",
                vec![attr("header", strv("X")), attr("secret", int(1))],
            ),
        )]);
        let same = block(vec![attr(
            "auth",
            tagged("api_key", vec![attr("secret", int(2))]),
        )]);
        assert_eq!(
            render(&merge_blocks(&base, &same)),
            "{auth=api_key{header=\"X\" secret=2}}"
        );
        let other = block(vec![attr(
            "auth",
            tagged("bearer", vec![attr("secret", int(3))]),
        )]);
        assert_eq!(
            render(&merge_blocks(&base, &other)),
            "{auth=bearer{secret=3}}"
        );
    }

    #[test]
    fn status_is_not_inherited() {
        let base = block(vec![attr("status", word("deprecated")), attr("a", int(1))]);
        let over = block(vec![attr("b", int(2))]);
        assert_eq!(render(&merge_decl_blocks(&base, &over)), "{a=1 b=2}");
        let own = block(vec![attr("status", word("retired"))]);
        assert_eq!(
            render(&merge_decl_blocks(&base, &own)),
            "{a=1 status=retired}"
        );
    }

    #[test]
    fn a_key_twice_in_one_block_stays_twice() {
        let base = block(vec![attr("a", int(1)), attr("a", int(2))]);
        let over = block(vec![attr("a", int(3)), attr("a", int(4))]);
        // The first of base takes the first override; the second override is new.
        assert_eq!(render(&merge_blocks(&base, &over)), "{a=3 a=2 a=4}");
    }
}
