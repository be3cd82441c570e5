//! Test helpers: small AST values built by hand, and a compact rendering of blocks
//! so tests compare one line of text.

use crate::ast::{Attr, Block, Ident, Item, Str, StrPart, Value, ValueKind};
use crate::source::Span;

fn ident(name: &str) -> Ident {
    Ident {
        name: name.into(),
        span: Span::default(),
    }
}

fn value(kind: ValueKind) -> Value {
    Value {
        kind,
        span: Span::default(),
    }
}

pub fn attr(key: &str, v: Value) -> Item {
    Item::Attr(Attr {
        key: ident(key),
        value: v,
        span: Span::default(),
    })
}

pub fn block(items: Vec<Item>) -> Block {
    Block {
        items,
        span: Span::default(),
    }
}

pub fn blockv(items: Vec<Item>) -> Value {
    value(ValueKind::Block(block(items)))
}

pub fn tagged(tag: &str, items: Vec<Item>) -> Value {
    value(ValueKind::Tagged(Box::new(ident(tag)), block(items)))
}

pub fn int(n: i64) -> Value {
    value(ValueKind::Int(n))
}

pub fn word(w: &str) -> Value {
    value(ValueKind::Word(w.to_owned()))
}

pub fn strv(s: &str) -> Value {
    value(ValueKind::Str(Str {
        parts: vec![StrPart::Lit(s.to_owned())],
    }))
}

/// A string from parts; a part starting with `$` is an interpolation.
pub fn interp(parts: &[&str]) -> Value {
    let parts = parts
        .iter()
        .map(|p| match p.strip_prefix('$') {
            Some(name) => StrPart::Interp(ident(name)),
            None => StrPart::Lit((*p).to_owned()),
        })
        .collect();
    value(ValueKind::Str(Str { parts }))
}

pub fn param(name: &str) -> Value {
    value(ValueKind::Param(ident(name)))
}

pub fn list(items: Vec<Value>) -> Value {
    value(ValueKind::List(items))
}

/// `{a=1 b={c="x"} l=[1 2]}`: enough to compare merged and substituted blocks.
pub fn render(b: &Block) -> String {
    let items: Vec<String> = b
        .items
        .iter()
        .map(|i| match i {
            Item::Attr(a) => format!("{}={}", a.key.name, render_value(&a.value)),
            Item::Field(f) => format!("{}:field", f.name.name),
            Item::Param(f) => format!("param {}", f.name.name),
            Item::Step(s) => format!("step {}{}", s.name.name, render(&s.body)),
        })
        .collect();
    format!("{{{}}}", items.join(" "))
}

pub fn render_value(v: &Value) -> String {
    match &v.kind {
        ValueKind::Str(s) => {
            let text: String = s
                .parts
                .iter()
                .map(|p| match p {
                    StrPart::Lit(l) => l.clone(),
                    StrPart::Interp(id) => format!("${{{}}}", id.name),
                })
                .collect();
            format!("{text:?}")
        }
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Float(x) => x.to_string(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Word(w) => w.clone(),
        ValueKind::Ref(r) => r.written.clone(),
        ValueKind::Param(p) => format!("param.{}", p.name),
        ValueKind::List(items) => {
            let items: Vec<String> = items.iter().map(render_value).collect();
            format!("[{}]", items.join(" "))
        }
        ValueKind::Block(b) => render(b),
        ValueKind::Tagged(t, b) => format!("{}{}", t.name, render(b)),
        ValueKind::Invalid => "<invalid>".to_owned(),
        other => other.describe().to_owned(),
    }
}
