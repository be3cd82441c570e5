//! The typed syntax tree the parser produces: declarations, blocks, values, types
//! and expressions, each with a byte [`Span`].
//!
//! The tree is purely syntactic: literals are already typed (durations in ms, sizes
//! in bytes, versions parsed) but nothing is resolved or checked against schemas.

use crate::source::Span;
use std::fmt;

/// The eight declaration kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Agent,
    Tool,
    Model,
    Workflow,
    Capability,
    Persona,
    Service,
    Template,
}

impl Kind {
    /// Every kind, in the order the registry lists them.
    pub const ALL: [Kind; 8] = [
        Kind::Agent,
        Kind::Tool,
        Kind::Model,
        Kind::Workflow,
        Kind::Capability,
        Kind::Persona,
        Kind::Service,
        Kind::Template,
    ];

    /// The keywords of [`Kind::ALL`], in the same order.
    pub const ALL_KEYWORDS: [&'static str; 8] = [
        "agent",
        "tool",
        "model",
        "workflow",
        "capability",
        "persona",
        "service",
        "template",
    ];

    /// The keyword (`agent`, `tool`, …).
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Agent => "agent",
            Kind::Tool => "tool",
            Kind::Model => "model",
            Kind::Workflow => "workflow",
            Kind::Capability => "capability",
            Kind::Persona => "persona",
            Kind::Service => "service",
            Kind::Template => "template",
        }
    }

    /// The keyword with its indefinite article (`an agent`, `a tool`), for
    /// messages.
    pub fn with_article(self) -> &'static str {
        match self {
            Kind::Agent => "an agent",
            Kind::Tool => "a tool",
            Kind::Model => "a model",
            Kind::Workflow => "a workflow",
            Kind::Capability => "a capability",
            Kind::Persona => "a persona",
            Kind::Service => "a service",
            Kind::Template => "a template",
        }
    }

    /// The registry map's key (`agents`, `tools`, …).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Agent => "agents",
            Kind::Tool => "tools",
            Kind::Model => "models",
            Kind::Workflow => "workflows",
            Kind::Capability => "capabilities",
            Kind::Persona => "personas",
            Kind::Service => "services",
            Kind::Template => "templates",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.keyword() == word)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// A name with its span. Capability names may be dotted (`web.search`).
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// Inline up to 24 bytes (nearly every name): no allocation of its own.
    pub name: compact_str::CompactString,
    pub span: Span,
}

/// A declaration's `@VERSION`. `value` is `None` when the literal was invalid
/// (PM0002 already reported).
#[derive(Clone, Debug, PartialEq)]
pub struct VersionLit {
    pub value: Option<semver::Version>,
    pub span: Span,
}

/// One top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    pub kind: Kind,
    pub name: Ident,
    pub version: Option<VersionLit>,
    /// The `///` doc comment, with the slashes and one leading space removed per line.
    pub doc: Option<String>,
    /// From the kind keyword to the end of the name/version: where header diagnostics go.
    pub header: Span,
    /// The whole declaration.
    pub span: Span,
    pub body: DeclBody,
}

impl Decl {
    /// `name` or `name@version` (the version as written when it did not parse).
    pub fn id(&self) -> String {
        match self.version.as_ref().and_then(|v| v.value.as_ref()) {
            Some(v) => format!("{}@{}", self.name.name, v),
            None => self.name.name.to_string(),
        }
    }

    /// True when a syntax error dropped the body.
    pub fn is_broken(&self) -> bool {
        matches!(self.body, DeclBody::Broken)
    }
}

/// What follows a declaration's header.
#[derive(Clone, Debug, PartialEq)]
pub enum DeclBody {
    /// `{ ATTRIBUTES }`
    Attrs(Block),
    /// `= template.T(ARGS) [{ OVERRIDES }]` (boxed, like `Template`: they are
    /// rare and large, and every declaration pays for the largest variant).
    Instance(Box<Instance>),
    /// `template NAME for KIND [extends template.U] { … }`
    Template(Box<TemplateDecl>),
    /// The header parsed, the body had a syntax error (PM0001 already reported).
    Broken,
}

/// `KIND name = template.T(args) { overrides }`
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    pub template: Reference,
    pub args: Vec<Arg>,
    /// From `template.` to the closing `)`.
    pub call_span: Span,
    pub overrides: Option<Block>,
}

/// `name = value` in an instantiation's argument list.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub name: Ident,
    pub value: Value,
    pub span: Span,
}

/// `template NAME for KIND [extends template.U] { PARAMS AND ATTRIBUTES }`.
/// The params are the body's [`Item::Param`] items.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateDecl {
    pub for_kind: Kind,
    pub for_span: Span,
    pub extends: Option<Reference>,
    pub body: Block,
}

impl TemplateDecl {
    pub fn params(&self) -> impl Iterator<Item = &Field> {
        self.body.items.iter().filter_map(|i| match i {
            Item::Param(f) => Some(&**f),
            _ => None,
        })
    }
}

/// `{ … }`: attributes, typed fields, `param` lines and `step` blocks, as written.
/// Which of them a block may hold is decided by the checker, not the parser.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub items: Vec<Item>,
    pub span: Span,
}

impl Block {
    pub fn attrs(&self) -> impl Iterator<Item = &Attr> {
        self.items.iter().filter_map(|i| match i {
            Item::Attr(a) => Some(a),
            _ => None,
        })
    }

    /// The first attribute with this key.
    pub fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs().find(|a| a.key.name == key)
    }

    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.items.iter().filter_map(|i| match i {
            Item::Field(f) => Some(&**f),
            _ => None,
        })
    }

    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.items.iter().filter_map(|i| match i {
            Item::Step(s) => Some(&**s),
            _ => None,
        })
    }
}

/// One entry of a block.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `key = value` or `key { … }` (the latter's value is a [`ValueKind::Block`]).
    Attr(Attr),
    /// `name[?]: TYPE [{ constraints }] [= default]`, also `returns: TYPE`.
    Field(Box<Field>),
    /// `param name[?]: TYPE [{ constraints }] [= default]` (templates).
    Param(Box<Field>),
    /// `step NAME { … }` (workflows).
    Step(Box<Step>),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Attr(a) => a.span,
            Item::Field(f) | Item::Param(f) => f.span,
            Item::Step(s) => s.span,
        }
    }
}

/// `key = value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attr {
    pub key: Ident,
    pub value: Value,
    /// From the key to the end of the value.
    pub span: Span,
}

/// A typed field: `name[?]: TYPE [{ constraints }] [= default]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: Ident,
    pub optional: bool,
    pub ty: TypeExpr,
    pub constraints: Option<Block>,
    pub default: Option<Value>,
    pub span: Span,
}

/// `step NAME { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub name: Ident,
    /// `step NAME`.
    pub header: Span,
    pub body: Block,
    pub span: Span,
}

/// A type expression (§7).
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// `string int float bool duration size`, or a declaration kind word
    /// (template params); any other word is reported by the checker.
    Named(Ident),
    /// `list<T>`
    List(Box<TypeExpr>),
    /// `map<T>`
    Map(Box<TypeExpr>),
    /// `object { FIELDS }`
    Object(Block),
    /// `"a" | "b"` (one or more string literals).
    Union(Vec<StrLit>),
}

/// A string literal's text after escapes and dedent, and its span.
#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// A value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

/// Every value form of §4, already typed.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// A string; plain when it has no `${}`.
    Str(Str),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Milliseconds.
    Duration(u64),
    /// Bytes.
    Size(u64),
    /// `N/s` etc.
    Rate {
        count: u64,
        window_ms: u64,
    },
    /// A bare word: an enum value, a tagged variant without fields (`none`), `item`.
    Word(String),
    /// `KIND.NAME[@REQ]` (boxed: it is the largest variant, and values are many).
    Ref(Box<Reference>),
    /// `step.N[.output|.status]`, `input.FIELD[.sub]`, `item.x` …: a dotted path that is
    /// not a declaration reference (workflows).
    Path(Vec<Ident>),
    /// `param.NAME` (templates).
    Param(Ident),
    /// `env("NAME")`.
    Env(String),
    /// `secret("vault://…")`.
    Secret(String),
    List(Vec<Value>),
    Block(Block),
    /// `variant { fields }`.
    Tagged(Box<Ident>, Block),
    /// A `when` expression with at least one operator.
    Expr(Box<Expr>),
    /// A literal that did not parse (PM0002 already reported); checks needing it are skipped.
    Invalid,
}

impl ValueKind {
    /// Short description used in "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "a string",
            ValueKind::Int(_) => "an integer",
            ValueKind::Float(_) => "a float",
            ValueKind::Bool(_) => "a bool",
            ValueKind::Duration(_) => "a duration",
            ValueKind::Size(_) => "a size",
            ValueKind::Rate { .. } => "a rate",
            ValueKind::Word(_) => "a word",
            ValueKind::Ref(_) => "a reference",
            ValueKind::Path(_) => "a path",
            ValueKind::Param(_) => "a template parameter",
            ValueKind::Env(_) => "an env() secret",
            ValueKind::Secret(_) => "a secret() reference",
            ValueKind::List(_) => "a list",
            ValueKind::Block(_) => "a block",
            ValueKind::Tagged(..) => "a tagged block",
            ValueKind::Expr(_) => "an expression",
            ValueKind::Invalid => "an invalid literal",
        }
    }
}

/// A string value: literal pieces and `${name}` interpolations.
#[derive(Clone, Debug, PartialEq)]
pub struct Str {
    pub parts: Vec<StrPart>,
}

impl Str {
    /// The text when there is no interpolation.
    pub fn as_plain(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                StrPart::Lit(s) => out.push_str(s),
                StrPart::Interp(_) => return None,
            }
        }
        Some(out)
    }

    /// The text as written, `${x}` kept (for union types' literals).
    pub fn into_written(self) -> String {
        self.parts
            .into_iter()
            .map(|part| match part {
                StrPart::Lit(t) => t,
                StrPart::Interp(i) => format!("${{{}}}", i.name),
            })
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    Lit(String),
    /// `${name}`; the span covers `${name}`.
    Interp(Ident),
}

/// A reference `KIND.NAME[@REQ]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    pub kind: Kind,
    /// For capabilities, dotted (`web.search`).
    pub name: String,
    pub name_span: Span,
    pub req: Option<Req>,
    /// The whole reference as written, e.g. `tool.web_search@^1.2`.
    pub written: String,
    pub span: Span,
}

/// A version requirement after `@`.
#[derive(Clone, Debug, PartialEq)]
pub struct Req {
    /// `=1.2.3` for a full version (exact), `^1.2` for a partial one, as cargo otherwise.
    pub req: semver::VersionReq,
    /// As written after `@` (quotes removed).
    pub text: String,
    pub span: Span,
}

/// A workflow expression (§8).
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    /// A value as an expression: an expression value unwrapped, anything else
    /// an atom.
    pub fn from_value(v: Value) -> Expr {
        match v.kind {
            ValueKind::Expr(e) => *e,
            _ => Expr {
                span: v.span,
                kind: ExprKind::Atom(v),
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal, `input.x`, `step.N.status`, `item`, … (never `ValueKind::Expr`).
    Atom(Value),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "&&",
            BinOp::Or => "||",
        }
    }
}

/// Every value of a [`Value`] tree, depth first (the value itself first). Useful for
/// walks that look for references or params anywhere.
pub fn walk_value<'a>(v: &'a Value, f: &mut dyn FnMut(&'a Value)) {
    f(v);
    match &v.kind {
        ValueKind::List(items) => items.iter().for_each(|i| walk_value(i, f)),
        ValueKind::Block(b) | ValueKind::Tagged(_, b) => walk_block_values(b, f),
        ValueKind::Expr(e) => walk_expr_values(e, f),
        _ => {}
    }
}

/// Every value inside a block (attribute values, field defaults and constraints,
/// step bodies), depth first.
pub fn walk_block_values<'a>(b: &'a Block, f: &mut dyn FnMut(&'a Value)) {
    for item in &b.items {
        match item {
            Item::Attr(a) => walk_value(&a.value, f),
            Item::Field(fl) | Item::Param(fl) => {
                if let TypeKind::Object(ob) = &fl.ty.kind {
                    walk_block_values(ob, f);
                }
                if let Some(c) = &fl.constraints {
                    walk_block_values(c, f);
                }
                if let Some(d) = &fl.default {
                    walk_value(d, f);
                }
            }
            Item::Step(s) => walk_block_values(&s.body, f),
        }
    }
}

fn walk_expr_values<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Value)) {
    match &e.kind {
        ExprKind::Atom(v) => walk_value(v, f),
        ExprKind::Not(x) => walk_expr_values(x, f),
        ExprKind::Binary(_, l, r) => {
            walk_expr_values(l, f);
            walk_expr_values(r, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    /// The tree is most of the compiler's memory: these sizes must not grow
    /// unnoticed (64-bit targets).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn node_sizes_do_not_grow() {
        use super::*;
        use std::mem::size_of;
        assert!(size_of::<Ident>() <= 40, "Ident {}", size_of::<Ident>());
        assert!(size_of::<Value>() <= 64, "Value {}", size_of::<Value>());
        assert!(
            size_of::<ValueKind>() <= 48,
            "ValueKind {}",
            size_of::<ValueKind>()
        );
        assert!(size_of::<Item>() <= 120, "Item {}", size_of::<Item>());
        assert!(size_of::<Attr>() <= 120, "Attr {}", size_of::<Attr>());
        assert!(size_of::<Block>() <= 40, "Block {}", size_of::<Block>());
        assert!(
            size_of::<DeclBody>() <= 48,
            "DeclBody {}",
            size_of::<DeclBody>()
        );
        assert!(size_of::<Decl>() <= 200, "Decl {}", size_of::<Decl>());
    }

    #[test]
    fn keywords_agree_with_kinds() {
        for (k, w) in Kind::ALL.into_iter().zip(Kind::ALL_KEYWORDS) {
            assert_eq!(k.keyword(), w);
            assert_eq!(Kind::from_keyword(w), Some(k));
        }
    }
}
