//! The order of a block's items. It is read from the kind's attribute table in
//! `schema` — the rows that drive checking — and never written down here:
//! known attributes in row order, unknown keys last in their source order;
//! `step`s sit at the row of the workflow's step table and `param`s come first
//! in a template, both in source order (it has meaning). Blocks of free keys
//! (`labels`, `with`, field blocks) keep their source order.
//!
//! The printer and the safety check (which sorts the input's tree the same way
//! before comparing) both use [`sorted`] and [`for_value`].

use crate::ast::{Item, Kind, Value, ValueKind};
use crate::schema::{self, AttrSpec, Ty};

/// How the items of one block are ordered.
#[derive(Clone, Copy, Debug)]
pub(super) enum Order {
    /// By the rows of this table.
    Table(&'static [AttrSpec]),
    /// A template body: `param`s first, then the `for` kind's rows.
    Template(&'static [AttrSpec]),
    /// As written.
    Source,
}

impl Order {
    /// The order of a declaration body of this kind (`for_kind` for templates).
    pub(super) fn declaration(kind: Kind) -> Order {
        Order::Table(schema::attrs(kind))
    }

    pub(super) fn template(for_kind: Kind) -> Order {
        Order::Template(schema::attrs(for_kind))
    }

    fn table(self) -> Option<&'static [AttrSpec]> {
        match self {
            Order::Table(t) | Order::Template(t) => Some(t),
            Order::Source => None,
        }
    }

    /// The order of a `step`'s body.
    pub(super) fn steps(self) -> Order {
        self.table()
            .and_then(|t| {
                t.iter().find_map(|row| match row.ty {
                    Ty::Steps(steps) => Some(Order::Table(steps)),
                    _ => None,
                })
            })
            .unwrap_or(Order::Source)
    }

    /// Where an item goes; equal ranks keep their source order.
    fn rank(self, item: &Item) -> usize {
        let Some(table) = self.table() else {
            return 0;
        };
        let first = usize::from(matches!(self, Order::Template(_)));
        let row = match item {
            Item::Param(_) if first == 1 => return 0,
            Item::Attr(a) => table.iter().position(|r| r.name == a.key.name),
            Item::Field(f) => table.iter().position(|r| r.name == f.name.name),
            Item::Step(_) => table.iter().position(|r| matches!(r.ty, Ty::Steps(_))),
            Item::Param(_) => None,
        };
        row.map_or(usize::MAX, |r| r + first)
    }
}

/// The items of a block in canonical order (a stable sort by rank).
pub(super) fn sorted(order: Order, items: &[Item]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..items.len()).collect();
    idx.sort_by_key(|i| items.get(*i).map_or(usize::MAX, |it| order.rank(it)));
    idx
}

/// The order inside the value of attribute `key` of a block ordered by
/// `parent`: a nested table's (`retry { … }`), a variant's (`api_key { … }`),
/// or the source's.
pub(super) fn for_value(parent: Order, key: &str, value: &Value) -> Order {
    let Some(row) = parent.table().and_then(|t| schema::find(t, key)) else {
        return Order::Source;
    };
    match (&value.kind, row.ty) {
        (ValueKind::Block(_), Ty::Block(table)) => Order::Table(table),
        (ValueKind::Tagged(name, _), Ty::Tagged(variants)) => {
            schema::variant(variants, &name.name).map_or(Order::Source, |v| Order::Table(v.attrs))
        }
        _ => Order::Source,
    }
}
