//! Type expressions (§7) → JSON Schema 2020-12, with their constraints checked
//! (PM0201 unknown constraint or `requires` field, PM0203, PM0204, PM0205, PM0206,
//! PM0002 for a regex that does not compile) and every default validated against
//! its own schema with the `jsonschema` crate (PM0501).
//!
//! Used for tool `params`/`returns`, workflow `input`/`output` and template
//! `param`s (which may also be references: `param brain: model`).

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod constraints;
pub mod fit;
mod literal;

pub use constraints::{constraint_docs, constraints_by_type, FORMATS};
pub use fit::{fits, same_type, show};
pub use literal::{check_pattern, literal_json, validate, LiteralError};

use crate::ast::{Attr, Block, Field, Item, Member, TypeExpr, TypeKind, ValueKind};
use crate::diag::{rename_fix, suggest, suggestion, Diagnostic};
use serde_json::{json, Map, Value as Json};
use std::collections::HashSet;

// Public Interface

/// Where a type is written, which decides what it may be.
#[derive(Clone, Copy, Debug, Default)]
pub struct TypeCx {
    /// Template params may be references (`model`, `list<tool>`).
    pub allow_refs: bool,
}

/// A field block (`params { … }`, `input { … }`, `object { … }`): its fields and
/// at most one `requires { … }`, as an object schema. `None` when something in
/// it errored (already reported).
pub fn block_schema(cx: TypeCx, block: &Block, diags: &mut Vec<Diagnostic>) -> Option<Json> {
    let mut ok = true;
    let mut requires: Option<&Attr> = None;
    let mut fields = Vec::new();
    for item in &block.items {
        match item {
            Item::Field(f) => fields.push(f),
            Item::Attr(a) if a.key.name == REQUIRES => {
                if let Some(first) = requires {
                    diags.push(twice(&a.key.name, a.key.span, first.key.span));
                    ok = false;
                } else {
                    requires = Some(a);
                }
            }
            Item::Attr(a) => {
                diags.push(
                    Diagnostic::new(
                        "PM0203",
                        a.span,
                        format!("`{}` is not a typed field", a.key.name),
                    )
                    .label("expected `name: TYPE`")
                    .help(format!(
                        "declare a field as `{}: TYPE [= default]`",
                        a.key.name
                    )),
                );
                ok = false;
            }
            Item::Param(f) => {
                diags.push(
                    Diagnostic::new(
                        "PM0201",
                        f.span,
                        "`param` is only allowed in a template body",
                    )
                    .label("not a field")
                    .help(format!("write the field as `{}: TYPE`", f.name.name)),
                );
                ok = false;
            }
            Item::Step(s) => {
                diags.push(
                    Diagnostic::new("PM0201", s.header, "a step is not a field")
                        .label("not allowed here")
                        .help("steps belong directly in a workflow's body"),
                );
                ok = false;
            }
        }
    }
    let schema = fields_schema(cx, fields.iter().map(|f| &***f), requires, diags);
    if ok {
        schema
    } else {
        None
    }
}

/// Typed fields and an optional `requires` attribute as an object schema
/// (`additionalProperties: false`, `requires` → `dependentRequired`).
pub fn fields_schema<'a>(
    cx: TypeCx,
    fields: impl IntoIterator<Item = &'a Field>,
    requires: Option<&Attr>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Json> {
    let mut ok = true;
    let mut props = Map::new();
    let mut required = Vec::new();
    let mut seen: Vec<&Field> = Vec::new();
    for f in fields {
        if let Some(first) = seen.iter().find(|s| s.name.name == f.name.name) {
            diags.push(twice(&f.name.name, f.name.span, first.name.span));
            ok = false;
            continue;
        }
        seen.push(f);
        match field_schema(cx, f, diags) {
            Some(s) => {
                props.insert(f.name.name.to_string(), s);
            }
            None => ok = false,
        }
        if !f.optional && f.default.is_none() {
            required.push(Json::String(f.name.name.to_string()));
        }
    }
    let mut obj = Map::new();
    obj.insert("type".into(), json!("object"));
    obj.insert("properties".into(), Json::Object(props));
    if !required.is_empty() {
        obj.insert("required".into(), Json::Array(required));
    }
    obj.insert("additionalProperties".into(), json!(false));
    if let Some(req) = requires {
        let names: HashSet<&str> = seen.iter().map(|f| f.name.name.as_str()).collect();
        match dependent_required(req, &names, diags) {
            Some(dep) if !dep.is_empty() => {
                obj.insert("dependentRequired".into(), Json::Object(dep));
            }
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then_some(Json::Object(obj))
}

/// One field's schema, its default included (and validated, PM0501).
pub fn field_schema(cx: TypeCx, f: &Field, diags: &mut Vec<Diagnostic>) -> Option<Json> {
    let mut schema = type_schema(cx, &f.ty, f.constraints.as_ref(), diags)?;
    with_description(&mut schema, f);
    let Some(default) = &f.default else {
        return Some(schema);
    };
    if matches!(&default.kind, ValueKind::Word(w) if w == NULL) {
        diags.push(
            default_error(f, "there is no `null` value").help(
                "a field of a type with `null` has no default: leave it optional (`name?: T | null`) instead",
            ),
        );
        return None;
    }
    if let Some((kind, is_list)) = ref_kind(&f.ty) {
        // A reference-typed template param: its default must be such a reference.
        let fits = |v: &crate::ast::Value| matches!(&v.kind, ValueKind::Ref(r) if r.kind == kind);
        return match &default.kind {
            ValueKind::Invalid | ValueKind::Param(_) => Some(schema),
            ValueKind::List(items) if is_list && items.iter().all(fits) => Some(schema),
            _ if !is_list && fits(default) => Some(schema),
            _ => {
                diags.push(default_error(f, &format!("expected {}", type_name(&f.ty))));
                None
            }
        };
    }
    match literal_json(default) {
        Ok(value) => match validate(&schema, &value) {
            Ok(()) => {
                if let Json::Object(m) = &mut schema {
                    m.insert("default".into(), value);
                }
                Some(schema)
            }
            Err(message) => {
                diags.push(default_error(f, &message));
                None
            }
        },
        Err(LiteralError::Skip) => Some(schema),
        Err(LiteralError::NotLiteral(what)) => {
            diags.push(default_error(f, &format!("{what} is not a literal value")));
            None
        }
    }
}

/// The schema of a type with its constraints.
pub fn type_schema(
    cx: TypeCx,
    ty: &TypeExpr,
    cons: Option<&Block>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Json> {
    let base = match &ty.kind {
        TypeKind::Named(id) => {
            match BaseType::from_name(&id.name) {
                Some(BaseType::Null) => {
                    diags.push(
                    Diagnostic::new("PM0203", id.span, "`null` is only a type in a union")
                        .label("a field of type `null` holds nothing")
                        .help("write `T | null` for a value that may be null, or leave the field out"),
                );
                    return None;
                }
                Some(b) => Base::from(b),
                None => {
                    let word = id.name.as_str();
                    if let Some(kind) = crate::ast::Kind::from_keyword(word)
                        .filter(|k| *k != crate::ast::Kind::Template)
                    {
                        if !cx.allow_refs {
                            diags.push(
                            Diagnostic::new(
                                "PM0203",
                                id.span,
                                format!("a reference type (`{word}`) is only allowed for a template param"),
                            )
                            .label("not a data type")
                            .help("use `string`, `int`, `float`, `bool`, `duration`, `size`, `list<T>`, `map<T>`, `object { … }` or a union of strings"),
                        );
                            return None;
                        }
                        Base::Ref(kind)
                    } else {
                        diags.push(unknown_type(cx, id));
                        return None;
                    }
                }
            }
        }
        TypeKind::List(inner) => Base::List(type_schema(cx, inner, None, diags)?),
        TypeKind::Map(inner) => Base::Map(type_schema(cx, inner, None, diags)?),
        TypeKind::Object(block) => Base::Object(block_schema(cx, block, diags)?),
        TypeKind::Union(options) => {
            let mut values: Vec<Json> = Vec::new();
            for o in options {
                let v = Json::String(o.value.clone());
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            Base::Union(values)
        }
        TypeKind::AnyOf(members) => Base::AnyOf(any_of_schema(cx, members, diags)?),
    };
    let mut schema = base.schema();
    if let Some(cons) = cons {
        constraints::apply(&base, cons, &mut schema, diags)?;
    }
    Some(Json::Object(schema))
}

/// The `$comment` that marks a duration's schema (an integer of milliseconds).
pub const DURATION_COMMENT: &str = "duration in milliseconds";
/// The `$comment` that marks a size's schema (an integer of bytes).
pub const SIZE_COMMENT: &str = "size in bytes";

// ---- internals ----------------------------------------------------------------------

const REQUIRES: &str = "requires";
const NULL: &str = "null";
const REF_TYPES: &[&str] = &["agent", "tool", "model", "persona", "service", "capability"];

/// Names people write for a type that is spelled otherwise here.
const ALIASES: &[(&str, &str)] = &[
    ("integer", "int"),
    ("number", "float"),
    ("str", "string"),
    ("boolean", "bool"),
    ("double", "float"),
    ("long", "int"),
    ("text", "string"),
    ("array", "list<T>"),
    ("dict", "map<T>"),
];

/// PM0203 for a type word that names no type, with the likeliest fix.
fn unknown_type(cx: TypeCx, id: &crate::ast::Ident) -> Diagnostic {
    let word = id.name.as_str();
    let d =
        Diagnostic::new("PM0203", id.span, format!("unknown type `{word}`")).label("not a type");
    let alias = ALIASES.iter().find(|(w, _)| *w == word).map(|(_, t)| *t);
    match word {
        "object" => {
            return d.help("an object type lists its fields: `object { name: string … }`; write `map<any>` for a free-form object")
        }
        "list" => return d.help("a list names its item type: `list<string>`, `list<any>`"),
        "map" => return d.help("a map names its value type: `map<string>`, or `map<any>` for a free-form object"),
        _ => {}
    }
    if let Some(t) = alias {
        return d.help(format!("`{word}` is written `{t}` here"));
    }
    let mut names: Vec<&str> = BaseType::ALL.iter().map(|b| b.name()).collect();
    if cx.allow_refs {
        names.extend(REF_TYPES);
    }
    match suggestion(word, names.iter().copied()) {
        Some(s) => d
            .help(format!("did you mean `{}`?", s.name))
            .maybe_fix(s.unique().map(|n| rename_fix(id.span, n))),
        None => d.help(format!(
            "the types are {}, list<T>, map<T>, object {{ … }} and unions (`T | null`, `\"a\" | \"b\"`)",
            BaseType::ALL
                .iter()
                .filter(|b| **b != BaseType::Null)
                .map(|b| b.name())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `T1 | T2 | …`: the members' schemas (string literals merged into one `enum`
/// member where the first stands) as `type: [..]` when every member is a plain
/// type, `anyOf` otherwise; a lone member is its own schema.
fn any_of_schema(cx: TypeCx, members: &[Member], diags: &mut Vec<Diagnostic>) -> Option<Json> {
    let mut ok = true;
    let mut schemas: Vec<Json> = Vec::new();
    // Where the merged `enum` member stands in `schemas`, and its values.
    let mut literals: Option<(usize, Vec<Json>)> = None;
    for m in members {
        let schema = match &m.ty.kind {
            TypeKind::Named(id) if id.name == NULL => {
                let mut s = Base::Null.schema();
                match m.constraints.as_ref() {
                    Some(c) => constraints::apply(&Base::Null, c, &mut s, diags).map(|()| s),
                    None => Some(s),
                }
                .map(Json::Object)
            }
            _ => type_schema(cx, &m.ty, m.constraints.as_ref(), diags),
        };
        let Some(schema) = schema else {
            ok = false;
            continue;
        };
        if let (TypeKind::Union(_), Some(values)) = (&m.ty.kind, schema.get("enum")) {
            let values = values.as_array().cloned().unwrap_or_default();
            match &mut literals {
                Some((_, all)) => {
                    for v in values {
                        if !all.contains(&v) {
                            all.push(v);
                        }
                    }
                }
                None => {
                    literals = Some((schemas.len(), values));
                    schemas.push(Json::Null);
                }
            }
            continue;
        }
        if !schemas.contains(&schema) {
            schemas.push(schema);
        }
    }
    if let Some((at, values)) = literals {
        if let Some(slot) = schemas.get_mut(at) {
            *slot = json!({"type": "string", "enum": values});
        }
    }
    if !ok {
        return None;
    }
    if let [one] = schemas.as_slice() {
        return Some(one.clone());
    }
    let plain: Option<Vec<Json>> = schemas
        .iter()
        .map(|s| match s.as_object() {
            Some(o) if o.len() == 1 => o.get("type").filter(|t| t.is_string()).cloned(),
            _ => None,
        })
        .collect();
    Some(match plain {
        Some(mut types) => {
            types.dedup();
            json!({ "type": types })
        }
        None => json!({ "anyOf": schemas }),
    })
}

/// Adds the field's `///` doc as the schema's `description`.
pub(crate) fn with_description(schema: &mut Json, f: &Field) {
    if let (Some(doc), Json::Object(m)) = (&f.doc, schema) {
        m.insert("description".into(), Json::String(doc.clone()));
    }
}

/// The built-in type names of §7: the one list that parsing of types,
/// template-argument checking, workflow expressions, docs and the language
/// server read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseType {
    String,
    Int,
    Float,
    Bool,
    Duration,
    Size,
    Any,
    Null,
}

impl BaseType {
    pub const ALL: [BaseType; 8] = [
        BaseType::String,
        BaseType::Int,
        BaseType::Float,
        BaseType::Bool,
        BaseType::Duration,
        BaseType::Size,
        BaseType::Any,
        BaseType::Null,
    ];

    pub fn from_name(name: &str) -> Option<BaseType> {
        BaseType::ALL.into_iter().find(|b| b.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            BaseType::String => "string",
            BaseType::Int => "int",
            BaseType::Float => "float",
            BaseType::Bool => "bool",
            BaseType::Duration => "duration",
            BaseType::Size => "size",
            BaseType::Any => "any",
            BaseType::Null => "null",
        }
    }

    /// What it is, in a line (hover, docs).
    pub fn doc(self) -> &'static str {
        match self {
            BaseType::String => "a string",
            BaseType::Int => "an integer within ±(2^53−1)",
            BaseType::Float => "a number (an int fits too)",
            BaseType::Bool => "`true` or `false`",
            BaseType::Duration => "a duration such as `30s`, in integer milliseconds",
            BaseType::Size => "a size such as `256MB`, in integer bytes",
            BaseType::Any => "any JSON value (JSON Schema `{}`); `map<any>` is a free-form object",
            BaseType::Null => "no value: only as a union member, `T | null`",
        }
    }
}

impl From<BaseType> for Base {
    fn from(b: BaseType) -> Base {
        match b {
            BaseType::String => Base::String,
            BaseType::Int => Base::Int,
            BaseType::Float => Base::Float,
            BaseType::Bool => Base::Bool,
            BaseType::Duration => Base::Duration,
            BaseType::Size => Base::Size,
            BaseType::Any => Base::Any,
            BaseType::Null => Base::Null,
        }
    }
}

/// The base of a type, before constraints.
enum Base {
    String,
    Int,
    Float,
    Bool,
    Duration,
    Size,
    List(Json),
    Map(Json),
    Object(Json),
    Union(Vec<Json>),
    Ref(crate::ast::Kind),
    Any,
    Null,
    /// A compiled `T1 | T2 | …`.
    AnyOf(Json),
}

impl Base {
    fn schema(&self) -> Map<String, Json> {
        let v = match self {
            Base::String => json!({"type": "string"}),
            Base::Int => json!({"type": "integer"}),
            Base::Float => json!({"type": "number"}),
            Base::Bool => json!({"type": "boolean"}),
            Base::Duration => {
                json!({"type": "integer", "minimum": 0, "$comment": DURATION_COMMENT})
            }
            Base::Size => json!({"type": "integer", "minimum": 0, "$comment": SIZE_COMMENT}),
            Base::List(items) => json!({"type": "array", "items": items}),
            Base::Map(values) => json!({"type": "object", "additionalProperties": values}),
            Base::Object(o) => o.clone(),
            Base::Union(values) => json!({"type": "string", "enum": values}),
            Base::Ref(kind) => json!({"type": "string", "x-pmth-ref": kind.keyword()}),
            Base::Any => json!({}),
            Base::Null => json!({"type": "null"}),
            Base::AnyOf(s) => s.clone(),
        };
        match v {
            Json::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Base::String => "string",
            Base::Int => "int",
            Base::Float => "float",
            Base::Bool => "bool",
            Base::Duration => "duration",
            Base::Size => "size",
            Base::List(_) => "list",
            Base::Map(_) => "map",
            Base::Object(_) => "object",
            Base::Union(_) => "union",
            Base::Ref(_) => "reference",
            Base::Any => "value of type `any`",
            Base::Null => "null value",
            Base::AnyOf(_) => "union",
        }
    }
}

/// `Some((kind, is_list))` for `model` / `list<model>` types.
fn ref_kind(ty: &TypeExpr) -> Option<(crate::ast::Kind, bool)> {
    let named = |t: &TypeExpr| match &t.kind {
        TypeKind::Named(id) if REF_TYPES.contains(&id.name.as_str()) => {
            crate::ast::Kind::from_keyword(&id.name)
        }
        _ => None,
    };
    match &ty.kind {
        TypeKind::List(inner) => named(inner).map(|k| (k, true)),
        _ => named(ty).map(|k| (k, false)),
    }
}

fn type_name(ty: &TypeExpr) -> String {
    match &ty.kind {
        TypeKind::Named(id) => format!("a `{}` reference", id.name),
        TypeKind::List(inner) => format!("a list of {}", type_name(inner)),
        _ => "a value of this type".into(),
    }
}

fn default_error(f: &Field, message: &str) -> Diagnostic {
    let mut d = Diagnostic::new(
        "PM0501",
        f.name.span,
        format!(
            "the default of `{}` does not satisfy its type: {message}",
            f.name.name
        ),
    )
    .label("this field's default is invalid")
    .help("change the default, or the type's constraints, so that they agree");
    if let Some(v) = &f.default {
        d = d.related(v.span, "this default");
    }
    d
}

fn twice(name: &str, span: crate::source::Span, first: crate::source::Span) -> Diagnostic {
    Diagnostic::new("PM0205", span, format!("`{name}` is given twice"))
        .label("second definition")
        .related(first, "first defined here")
        .help(format!("remove one of the two `{name}`"))
}

/// `requires { a = [b, c] }` → `{"a": ["b", "c"]}`; unknown fields are PM0201.
fn dependent_required(
    req: &Attr,
    fields: &HashSet<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Map<String, Json>> {
    let ValueKind::Block(block) = &req.value.kind else {
        diags.push(
            Diagnostic::new("PM0203", req.value.span, "`requires` takes a block")
                .label(format!("found {}", req.value.kind.describe()))
                .help("write `requires { field = [other_field, …] }`"),
        );
        return None;
    };
    let unknown = |name: &str, span, diags: &mut Vec<Diagnostic>| {
        let d = Diagnostic::new(
            "PM0201",
            span,
            format!("unknown field `{name}` in `requires`"),
        )
        .label("no such field");
        let mut names: Vec<&str> = fields.iter().copied().collect();
        names.sort_unstable();
        diags.push(match suggest(name, names) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("`requires` names fields of this block"),
        });
    };
    let mut ok = true;
    let mut out = Map::new();
    for item in &block.items {
        let Item::Attr(a) = item else {
            diags.push(
                Diagnostic::new("PM0203", item.span(), "expected `field = [other_field, …]`")
                    .label("not a dependency"),
            );
            ok = false;
            continue;
        };
        if !fields.contains(a.key.name.as_str()) {
            unknown(&a.key.name, a.key.span, diags);
            ok = false;
            continue;
        }
        if out.contains_key(a.key.name.as_str()) {
            diags.push(
                Diagnostic::new(
                    "PM0205",
                    a.key.span,
                    format!("`{}` is given twice", a.key.name),
                )
                .label("second definition"),
            );
            ok = false;
            continue;
        }
        let items: Vec<&crate::ast::Value> = match &a.value.kind {
            ValueKind::List(items) => items.iter().collect(),
            ValueKind::Word(_) => vec![&a.value],
            ValueKind::Invalid => {
                ok = false;
                continue;
            }
            other => {
                diags.push(
                    Diagnostic::new("PM0203", a.value.span, "expected a list of field names")
                        .label(format!("found {}", other.describe()))
                        .help(format!("write `{} = [other_field]`", a.key.name)),
                );
                ok = false;
                continue;
            }
        };
        let mut deps = Vec::new();
        for v in items {
            match &v.kind {
                ValueKind::Word(w) if fields.contains(w.as_str()) => {
                    deps.push(Json::String(w.clone()))
                }
                ValueKind::Word(w) => {
                    unknown(w, v.span, diags);
                    ok = false;
                }
                other => {
                    diags.push(
                        Diagnostic::new("PM0203", v.span, "expected a field name")
                            .label(format!("found {}", other.describe())),
                    );
                    ok = false;
                }
            }
        }
        out.insert(a.key.name.to_string(), Json::Array(deps));
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests;
