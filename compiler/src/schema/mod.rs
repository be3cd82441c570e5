//! The attribute tables of the eight kinds: the one source of truth for checking,
//! LSP completion and hover, formatting order, reference docs and the JSON Schema.
//!
//! A table is a slice of [`AttrSpec`] rows (name, [`Ty`], required, default, doc).
//! Adding an attribute is adding a row in [`tables`]; nothing else in the compiler
//! spells attribute names except through the constants in [`names`].

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod json_schema;
pub mod names;
mod reference;
mod refs;
pub mod shape;
mod tables;

use crate::ast::Kind;
use serde_json::{json, Map, Value as Json};

pub use json_schema::registry_schema;
pub use reference::{default_text, reference_markdown};
pub use refs::{references, Reference};
pub use tables::{COST, GOVERNANCE, RETRY, STEP_ATTRS};

// Public Interface

/// The attribute table of a kind (for `template`, the attributes a template
/// declaration has itself; its body is checked against its `for` kind's table).
pub fn attrs(kind: Kind) -> &'static [AttrSpec] {
    tables::table(kind)
}

/// One row of a table.
#[derive(Clone, Copy, Debug)]
pub struct AttrSpec {
    /// The key as written in `.pmth`.
    pub name: &'static str,
    pub ty: Ty,
    /// Missing it is PM0202 (checked on declarations and instances, not templates).
    pub required: bool,
    /// Written to the registry when the attribute is absent.
    pub default: Option<DefaultValue>,
    /// One or two sentences (Markdown), shown in docs and on hover.
    pub doc: &'static str,
    /// The key in the registry JSON (usually `name`; `params` → `input_schema`).
    pub key: &'static str,
    /// A required attribute is not required when this sibling is set (an
    /// agent's `model` when it is `remote`).
    pub unless: Option<&'static str>,
    /// Siblings that may not be set together with this one (PM0203 on each).
    pub excludes: &'static [&'static str],
    /// Allowed only when the sibling enum attribute has this value (`transport`
    /// when `kind = mcp`): set otherwise it is PM0203, and its default is
    /// written only then.
    pub only_when: Option<(&'static str, &'static str)>,
}

impl AttrSpec {
    /// An optional attribute with no default.
    pub const fn new(name: &'static str, ty: Ty, doc: &'static str) -> AttrSpec {
        AttrSpec {
            name,
            ty,
            required: false,
            default: None,
            doc,
            key: name,
            unless: None,
            excludes: &[],
            only_when: None,
        }
    }

    pub const fn required(mut self) -> AttrSpec {
        self.required = true;
        self
    }

    pub const fn default(mut self, value: DefaultValue) -> AttrSpec {
        self.default = Some(value);
        self
    }

    /// Renames the attribute in the registry.
    pub const fn key(mut self, key: &'static str) -> AttrSpec {
        self.key = key;
        self
    }

    /// Required, unless `other` is set.
    pub const fn required_unless(mut self, other: &'static str) -> AttrSpec {
        self.required = true;
        self.unless = Some(other);
        self
    }

    /// May not be set together with any of `others`.
    pub const fn excludes(mut self, others: &'static [&'static str]) -> AttrSpec {
        self.excludes = others;
        self
    }

    /// Allowed only when the sibling `attr` is the word `word`.
    pub const fn only_when(mut self, attr: &'static str, word: &'static str) -> AttrSpec {
        self.only_when = Some((attr, word));
        self
    }

    /// Whether it is required in every case (no `unless`).
    pub fn always_required(&self) -> bool {
        self.required && self.unless.is_none()
    }

    /// "required", "required unless `remote`"; `None` when optional.
    pub fn requirement(&self) -> Option<String> {
        match (self.required, self.unless) {
            (false, _) => None,
            (true, None) => Some("required".into()),
            (true, Some(u)) => Some(format!("required unless `{u}` is set")),
        }
    }

    /// "only when `kind = mcp`"
    pub fn condition(&self) -> Option<String> {
        self.only_when
            .map(|(a, w)| format!("only when `{a} = {w}`"))
    }
}

/// What an attribute's value must be.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// Any string (`${}` allowed in templates).
    Str,
    /// A string holding an absolute URL (`scheme://host…`).
    Url,
    /// An integer, with inclusive bounds.
    Int {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// A number (integers are accepted), with inclusive bounds.
    Float {
        min: Option<f64>,
        max: Option<f64>,
    },
    Bool,
    /// `30s`; milliseconds in the registry.
    Duration,
    /// `256MB`; bytes in the registry.
    Size,
    /// `60/m`; `{count, window_ms}` in the registry.
    Rate,
    /// A bare word out of a fixed set.
    Enum(&'static [&'static str]),
    /// A reference to a declaration of this kind; its resolved id in the registry.
    Ref(Kind),
    List(&'static Ty),
    /// A nested attribute block with its own table.
    Block(&'static [AttrSpec]),
    /// A block of free keys, every value of this type (`labels`).
    Map(&'static Ty),
    /// One of several variants, each a word with its own fields (`api_key { … }`, `none`).
    Tagged(&'static [Variant]),
    /// `env("NAME")` or `secret("…")`, and nothing else (PM0302).
    Secret,
    /// A field block (`params { query: string … }`): a JSON Schema object.
    Fields,
    /// `returns: TYPE`: a JSON Schema.
    TypeExpr,
    /// `step NAME { … }` items, each checked against this table.
    Steps(&'static [AttrSpec]),
    /// `step.NAME` (a workflow step).
    StepRef,
    /// A dotted path such as `input.items` (workflows).
    Path,
    /// A workflow expression (§8): a literal, a path or an operator expression.
    Expr,
    /// The first of these types that fits the value's form.
    Either(&'static [Ty]),
}

/// A variant of a [`Ty::Tagged`] attribute.
#[derive(Clone, Copy, Debug)]
pub struct Variant {
    pub name: &'static str,
    pub attrs: &'static [AttrSpec],
    pub doc: &'static str,
}

/// A default, in the form the registry writes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DefaultValue {
    /// An enum word (written as a string).
    Word(&'static str),
    Bool(bool),
    Int(i64),
    /// A list of enum words.
    Words(&'static [&'static str]),
    /// A field-less variant of a tagged attribute (`none` → `{"type": "none"}`).
    Variant(&'static str),
}

impl Ty {
    /// How the type reads in docs and in "expected …" messages.
    pub fn describe(&self) -> String {
        match self {
            Ty::Str => "string".into(),
            Ty::Url => "URL string".into(),
            Ty::Int { min, max } => with_bounds(
                "int",
                min.map(|m| m.to_string()),
                max.map(|m| m.to_string()),
            ),
            Ty::Float { min, max } => with_bounds(
                "float",
                min.map(|m| m.to_string()),
                max.map(|m| m.to_string()),
            ),
            Ty::Bool => "bool".into(),
            Ty::Duration => "duration".into(),
            Ty::Size => "size".into(),
            Ty::Rate => "rate".into(),
            Ty::Enum(words) => words.join(" | "),
            Ty::Ref(kind) => format!("{kind}"),
            Ty::List(inner) => format!("[{}]", inner.describe()),
            Ty::Block(_) => "block".into(),
            Ty::Map(inner) => format!("{{ KEY = {} … }}", inner.describe()),
            Ty::Tagged(variants) => variants
                .iter()
                .map(|v| v.name)
                .collect::<Vec<_>>()
                .join(" | "),
            Ty::Secret => "secret (`env(\"…\")` or `secret(\"…\")`)".into(),
            Ty::Fields => "field block".into(),
            Ty::TypeExpr => "TYPE".into(),
            Ty::Steps(_) => "step block".into(),
            Ty::StepRef => "step.NAME".into(),
            Ty::Path => "path (`input.FIELD`)".into(),
            Ty::Expr => "expression".into(),
            Ty::Either(tys) => tys.iter().map(Ty::describe).collect::<Vec<_>>().join(" | "),
        }
    }

    /// The "expected …" phrase with an article, for messages.
    pub fn expected(&self) -> String {
        match self {
            Ty::Str => "a string".into(),
            Ty::Url => "a URL string".into(),
            Ty::Int { .. } => "an integer".into(),
            Ty::Float { .. } => "a number".into(),
            Ty::Bool => "`true` or `false`".into(),
            Ty::Duration => "a duration such as `30s`".into(),
            Ty::Size => "a size such as `256MB`".into(),
            Ty::Rate => "a rate such as `60/m`".into(),
            Ty::Enum(words) => format!("one of {}", words.join(", ")),
            Ty::Ref(kind) => format!("a reference `{kind}.NAME`"),
            Ty::List(inner) => format!("a list of {}", inner.describe()),
            Ty::Block(_) | Ty::Map(_) => "a block `{ … }`".into(),
            Ty::Tagged(variants) => format!(
                "one of {}",
                variants
                    .iter()
                    .map(|v| v.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Ty::Secret => "`env(\"NAME\")` or `secret(\"…\")`".into(),
            Ty::Fields => "a block of typed fields `{ name: type … }`".into(),
            Ty::TypeExpr => "a type, written `NAME: TYPE`".into(),
            Ty::Steps(_) => "`step NAME { … }`".into(),
            Ty::StepRef => "a step reference `step.NAME`".into(),
            Ty::Path => "a path such as `input.FIELD`".into(),
            Ty::Expr => "an expression".into(),
            Ty::Either(tys) => tys
                .iter()
                .map(Ty::expected)
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }
}

impl Ty {
    /// What to write instead of a value of the wrong type, as a help:
    /// "write `model = model.NAME`", "write a string in quotes: `tone = \"…\"`".
    pub fn write_instead(&self, name: &str) -> String {
        match self {
            Ty::Str => format!("write a string in quotes: `{name} = \"…\"`"),
            Ty::Url => format!("write a URL in quotes: `{name} = \"https://…\"`"),
            Ty::Int { min, .. } => format!(
                "write {}: `{name} = {}`",
                self.describe_with_article(),
                min.unwrap_or(1).max(0)
            ),
            Ty::Float { min, .. } => format!(
                "write {}: `{name} = {}`",
                self.describe_with_article(),
                if min.is_some_and(|m| m > 0.5) {
                    "1.0"
                } else {
                    "0.5"
                }
            ),
            Ty::Bool => format!("write `{name} = true` or `{name} = false`"),
            Ty::Duration => format!("write a duration: `{name} = 30s`"),
            Ty::Size => format!("write a size: `{name} = 256MB`"),
            Ty::Rate => format!("write a rate: `{name} = 60/m`"),
            Ty::Enum(words) => format!(
                "write one of {} without quotes: `{name} = {}`",
                words.join(", "),
                words.first().copied().unwrap_or("…")
            ),
            Ty::Ref(kind) => format!("write `{name} = {kind}.NAME`"),
            Ty::List(inner) => format!("write a list: `{name} = [{}]`", inner.sample()),
            Ty::Block(_) | Ty::Map(_) => format!("write a block: `{name} {{ … }}`"),
            Ty::Tagged(variants) => {
                let shown: Vec<String> = variants
                    .iter()
                    .map(|v| {
                        if v.attrs.is_empty() {
                            format!("`{name} = {}`", v.name)
                        } else {
                            format!("`{name} = {} {{ … }}`", v.name)
                        }
                    })
                    .collect();
                format!("write one of {}", shown.join(", "))
            }
            Ty::Secret => {
                format!("write `{name} = env(\"NAME\")` or `{name} = secret(\"vault://…\")`")
            }
            Ty::Fields => format!("write typed fields: `{name} {{ FIELD: TYPE … }}`"),
            Ty::TypeExpr => format!("write a type: `{name}: string`"),
            Ty::Steps(_) => "write `step NAME { … }`".into(),
            Ty::StepRef => format!("write `{name} = step.NAME`"),
            Ty::Path => format!("write a path: `{name} = input.FIELD`"),
            Ty::Expr => format!("write an expression: `{name} = input.FIELD`"),
            Ty::Either(tys) => {
                let shown: Vec<String> = tys
                    .iter()
                    .map(|t| format!("`{name} = {}`", t.sample()))
                    .collect();
                format!("write {}", shown.join(" or "))
            }
        }
    }

    /// A value of the type as it could be written (`tool.NAME`, `"…"`, `30s`).
    fn sample(&self) -> String {
        match self {
            Ty::Str => "\"…\"".into(),
            Ty::Url => "\"https://…\"".into(),
            Ty::Int { min, .. } => min.unwrap_or(1).max(0).to_string(),
            Ty::Float { .. } => "0.5".into(),
            Ty::Bool => "true".into(),
            Ty::Duration => "30s".into(),
            Ty::Size => "256MB".into(),
            Ty::Rate => "60/m".into(),
            Ty::Enum(words) => words.first().copied().unwrap_or("…").into(),
            Ty::Ref(kind) => format!("{kind}.NAME"),
            Ty::List(inner) => format!("[{}]", inner.sample()),
            Ty::Tagged(variants) => variants.first().map_or("…", |v| v.name).into(),
            Ty::Secret => "env(\"NAME\")".into(),
            Ty::StepRef => "step.NAME".into(),
            Ty::Path | Ty::Expr => "input.FIELD".into(),
            Ty::Either(tys) => tys.first().map_or("…".into(), Ty::sample),
            Ty::Block(_) | Ty::Map(_) | Ty::Fields | Ty::TypeExpr | Ty::Steps(_) => "{ … }".into(),
        }
    }

    /// "an integer ≥ 1", "a number in [0, 1]".
    fn describe_with_article(&self) -> String {
        match self {
            Ty::Int { min, max } => with_bounds(
                "an integer",
                min.map(|m| m.to_string()),
                max.map(|m| m.to_string()),
            ),
            Ty::Float { min, max } => with_bounds(
                "a number",
                min.map(|m| m.to_string()),
                max.map(|m| m.to_string()),
            ),
            other => other.expected(),
        }
    }
}

fn with_bounds(base: &str, min: Option<String>, max: Option<String>) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) => format!("{base} in [{lo}, {hi}]"),
        (Some(lo), None) => format!("{base} ≥ {lo}"),
        (None, Some(hi)) => format!("{base} ≤ {hi}"),
        (None, None) => base.into(),
    }
}

/// The text a fix writes for a missing required attribute of this type (PM0202):
/// a value of the type where one is obvious, a `TODO` the author must replace
/// otherwise (`model.TODO`); `None` for types with no short written form.
pub fn placeholder(ty: Ty) -> Option<String> {
    Some(match ty {
        Ty::Str => "\"TODO\"".into(),
        Ty::Url => "\"https://TODO\"".into(),
        Ty::Int { min, .. } => min.unwrap_or(0).max(0).to_string(),
        Ty::Float { .. } => "0.0".into(),
        Ty::Bool => "false".into(),
        Ty::Duration => "30s".into(),
        Ty::Size => "1MB".into(),
        Ty::Rate => "60/m".into(),
        Ty::Enum(words) => (*words.first()?).to_owned(),
        Ty::Ref(kind) => format!("{kind}.TODO"),
        Ty::Secret => "env(\"TODO\")".into(),
        _ => return None,
    })
}

/// The registry value of an absent attribute: its default, a block of its rows'
/// defaults, or the empty object schema of a field block.
pub fn absent_value(spec: &AttrSpec) -> Option<Json> {
    if let Some(d) = spec.default {
        return Some(match d {
            DefaultValue::Word(w) => json!(w),
            DefaultValue::Bool(b) => json!(b),
            DefaultValue::Int(n) => json!(n),
            DefaultValue::Words(ws) => json!(ws),
            DefaultValue::Variant(v) => json!({"type": v}),
        });
    }
    match spec.ty {
        Ty::Block(rows) => {
            let m: Map<String, Json> = rows
                .iter()
                .filter_map(|r| absent_value(r).map(|v| (r.key.to_owned(), v)))
                .collect();
            (!m.is_empty()).then_some(Json::Object(m))
        }
        Ty::Fields => {
            Some(json!({"type": "object", "properties": {}, "additionalProperties": false}))
        }
        _ => None,
    }
}

/// The row named `name` in a table.
pub fn find<'t>(table: &'t [AttrSpec], name: &str) -> Option<&'t AttrSpec> {
    table.iter().find(|a| a.name == name)
}

/// The variant named `name`.
pub fn variant<'t>(variants: &'t [Variant], name: &str) -> Option<&'t Variant> {
    variants.iter().find(|v| v.name == name)
}

/// The top-level table of a kind, as the registry writes each declaration: the
/// keys the compiler adds itself (`name`, `version`, …) never collide with these.
pub const RESERVED_KEYS: &[&str] = &["name", "version", "doc", "source", "digest", "origin"];

#[cfg(test)]
mod tests;
