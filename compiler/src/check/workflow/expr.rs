//! The data flow of a workflow: `for_each = input.LIST`, `when = EXPR`,
//! `with { NAME = EXPR }` and `result = EXPR`, typed against the workflow's
//! `input`, the steps' output types and the step graph (PM0402, PM0404); a
//! `tool` step's bindings are checked against the tool's `params`.
//!
//! Types are compiled JSON Schemas (what `input`, `returns` and `output`
//! compile to), so unions (`anyOf`, `type: [..]`) and `any` (`{}`) need nothing
//! special; fitting is [`crate::types::fits`].

use super::attr;
use super::error::Problem;
use super::graph::{unknown_step, Graph};
use crate::ast::{BinOp, Expr, ExprKind, Ident, Step, Value, ValueKind};
use crate::diag::{suggest, Diagnostics};
use crate::source::Span;
use crate::types::{fits, literal_json, show, validate, DURATION_COMMENT, SIZE_COMMENT};
use serde_json::{json, Value as Json};

/// What the expressions of a workflow may read.
pub(super) struct Flow<'a> {
    pub graph: &'a Graph<'a>,
    /// The schema of `input` (`{}` when it could not be compiled; the closed
    /// empty object when the workflow has none).
    pub input: &'a Json,
    /// Each step's output type, by step index; `None` when untyped.
    pub outputs: &'a [Option<Json>],
}

/// A tool step's tool, for checking its bindings.
pub(super) struct ToolCall<'a> {
    pub name: &'a str,
    /// The tool's `input_schema` (its `params`).
    pub params: &'a Json,
}

const STATUSES: [&str; 3] = ["ok", "failed", "skipped"];

fn any() -> Json {
    json!({})
}
fn boolean() -> Json {
    json!({"type": "boolean"})
}

/// What an expression may see while being checked.
struct Scope<'a, 'f> {
    flow: &'f Flow<'a>,
    /// The using step (`None` for the workflow's `result`, which runs last).
    step: Option<usize>,
    /// The element type inside `for_each`.
    item: Option<Json>,
}

/// An expression's type and, for a string literal, its text (for enum checks).
struct Typed {
    ty: Json,
    literal: Option<String>,
}

impl Typed {
    fn of(ty: Json) -> Typed {
        Typed { ty, literal: None }
    }
}

/// Already reported; the enclosing checks are skipped.
struct Reported;

type Check = Result<Typed, Reported>;

fn report(diags: &mut Diagnostics, p: Problem) -> Reported {
    diags.push(p.into_diagnostic());
    Reported
}

/// The per-element type of `for_each = input.LIST` on a step, if it has one
/// (nothing is reported here: [`check_step_data`] does).
pub(super) fn item_type(step: &Step, flow: &Flow<'_>) -> Option<Json> {
    let a = step.body.attr(attr::FOR_EACH)?;
    let scope = Scope {
        flow,
        step: None,
        item: None,
    };
    let mut quiet = Diagnostics::new();
    for_each_item(&a.value, &scope, &mut quiet)
}

/// Checks `for_each`, `when` and `with` of one step; `tool` when it is a
/// `tool` step whose tool resolved.
pub(super) fn check_step_data(
    step: &Step,
    index: usize,
    flow: &Flow<'_>,
    tool: Option<ToolCall<'_>>,
    diags: &mut Diagnostics,
) {
    let mut scope = Scope {
        flow,
        step: Some(index),
        item: None,
    };
    if let Some(a) = step.body.attr(attr::FOR_EACH) {
        scope.item = for_each_item(&a.value, &scope, diags);
    }
    if let Some(a) = step.body.attr(attr::WHEN) {
        if let Ok(t) = check_value(&a.value, &scope, diags) {
            if !fits(&t.ty, &boolean()) {
                report(
                    diags,
                    Problem::WhenNotBool {
                        span: a.value.span,
                        found: describe(&t.ty),
                    },
                );
            }
        }
    }
    let with = step.body.attr(attr::WITH);
    let bindings: Vec<&crate::ast::Attr> = match with.map(|a| &a.value.kind) {
        Some(ValueKind::Block(b)) => b.attrs().collect(),
        _ => Vec::new(),
    };
    let mut bound: Vec<&str> = Vec::new();
    for binding in &bindings {
        let typed = check_value(&binding.value, &scope, diags);
        let Some(tool) = &tool else {
            continue;
        };
        bound.push(binding.key.name.as_str());
        let props = tool.params.get("properties").and_then(Json::as_object);
        let Some(param) = props.and_then(|p| p.get(binding.key.name.as_str())) else {
            let names: Vec<String> = props
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            report(
                diags,
                Problem::UnknownParam {
                    span: binding.key.span,
                    param: binding.key.name.to_string(),
                    tool: tool.name.to_owned(),
                    suggestion: suggest(&binding.key.name, names.iter().map(String::as_str))
                        .map(str::to_owned),
                    params: names,
                },
            );
            continue;
        };
        let Ok(typed) = typed else {
            continue;
        };
        // A literal is checked in full, constraints included; anything else
        // by its type.
        let literal = is_literal(&binding.value)
            .then(|| literal_json(&binding.value).ok())
            .flatten();
        let problem = match literal {
            Some(value) => validate(param, &value)
                .err()
                .map(|message| Problem::ParamLiteral {
                    span: binding.value.span,
                    param: binding.key.name.to_string(),
                    tool: tool.name.to_owned(),
                    message,
                }),
            None => (!fits(&typed.ty, param)).then(|| Problem::ParamMismatch {
                span: binding.value.span,
                param: binding.key.name.to_string(),
                tool: tool.name.to_owned(),
                expected: show(param),
                found: show(&typed.ty),
            }),
        };
        if let Some(p) = problem {
            report(diags, p);
        }
    }
    if let Some(tool) = &tool {
        let missing: Vec<String> = tool
            .params
            .get("required")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .filter(|r| !bound.contains(r))
            .map(str::to_owned)
            .collect();
        // A `with` that is not a block is the schema checker's error.
        let with_ok = with.is_none_or(|a| matches!(a.value.kind, ValueKind::Block(_)));
        if !missing.is_empty() && with_ok {
            report(
                diags,
                Problem::MissingParams {
                    span: with.map_or(step.header, |a| a.key.span),
                    tool: tool.name.to_owned(),
                    missing,
                    has_with: with.is_some(),
                },
            );
        }
    }
}

/// `result = EXPR`: its type, after checking it (any step may be read: the
/// result is taken when the workflow ends); checked against `output` when given.
pub(super) fn check_result(
    result: &crate::ast::Attr,
    flow: &Flow<'_>,
    output: Option<&Json>,
    diags: &mut Diagnostics,
) {
    let scope = Scope {
        flow,
        step: None,
        item: None,
    };
    let Ok(t) = check_value(&result.value, &scope, diags) else {
        return;
    };
    if let Some(output) = output {
        if !fits(&t.ty, output) {
            report(
                diags,
                Problem::ResultMismatch {
                    span: result.span,
                    expected: show(output),
                    found: show(&t.ty),
                },
            );
        }
    }
}

fn is_literal(v: &Value) -> bool {
    matches!(
        v.kind,
        ValueKind::Str(_)
            | ValueKind::Int(_)
            | ValueKind::Float(_)
            | ValueKind::Bool(_)
            | ValueKind::Duration(_)
            | ValueKind::Size(_)
    )
}

/// `for_each = input.LIST`: the element type, or `None` after reporting.
fn for_each_item(v: &Value, scope: &Scope<'_, '_>, diags: &mut Diagnostics) -> Option<Json> {
    let is_input =
        matches!(&v.kind, ValueKind::Path(segs) if segs.first().is_some_and(|s| s.name == "input"));
    if !is_input {
        report(
            diags,
            Problem::ForEachNotInput {
                span: v.span,
                found: v.kind.describe().to_owned(),
            },
        );
        return None;
    }
    let t = check_value(v, scope, diags).ok()?;
    let kinds = kinds(&t.ty);
    if kinds.contains(&K::Any) {
        return Some(any());
    }
    match (kinds.as_slice(), &t.ty) {
        ([K::List], Json::Object(m)) => Some(m.get("items").cloned().unwrap_or_else(any)),
        _ => {
            report(
                diags,
                Problem::ForEachNotList {
                    span: v.span,
                    found: describe(&t.ty),
                },
            );
            None
        }
    }
}

fn check_value(v: &Value, scope: &Scope<'_, '_>, diags: &mut Diagnostics) -> Check {
    let ty = |ty: Json| Ok(Typed::of(ty));
    match &v.kind {
        ValueKind::Expr(e) => check_expr(e, scope, diags),
        ValueKind::Str(s) => Ok(Typed {
            ty: json!({"type": "string"}),
            literal: s.as_plain(),
        }),
        ValueKind::Int(_) => ty(json!({"type": "integer"})),
        ValueKind::Float(_) => ty(json!({"type": "number"})),
        ValueKind::Bool(_) => ty(boolean()),
        ValueKind::Duration(_) => ty(json!({"type": "integer", "$comment": DURATION_COMMENT})),
        ValueKind::Size(_) => ty(json!({"type": "integer", "$comment": SIZE_COMMENT})),
        ValueKind::Path(segs) => check_path(segs, v.span, scope, diags),
        ValueKind::Word(w) if w == "item" => match &scope.item {
            Some(t) => ty(t.clone()),
            None => Err(report(
                diags,
                Problem::ItemOutsideForEach {
                    span: v.span,
                    in_result: scope.step.is_none(),
                },
            )),
        },
        ValueKind::Invalid => Err(Reported),
        // A param inside a template body: its value is not known here.
        ValueKind::Param(_) => ty(any()),
        other => Err(report(
            diags,
            Problem::NotAnExpression {
                span: v.span,
                found: other.describe().to_owned(),
            },
        )),
    }
}

fn check_path(segs: &[Ident], span: Span, scope: &Scope<'_, '_>, diags: &mut Diagnostics) -> Check {
    let Some((head, rest)) = segs.split_first() else {
        return Err(Reported);
    };
    match head.name.as_str() {
        "input" => {
            let Some(field) = rest.first() else {
                return Err(report(diags, Problem::InputWithoutField { span }));
            };
            let input = scope.flow.input;
            if kinds(input).contains(&K::Any) {
                return Ok(Typed::of(any()));
            }
            let props = input.get("properties").and_then(Json::as_object);
            let Some(t) = props.and_then(|p| p.get(field.name.as_str())) else {
                let names = props.into_iter().flat_map(|p| p.keys().map(String::as_str));
                return Err(report(
                    diags,
                    Problem::UnknownInput {
                        span,
                        field: field.name.to_string(),
                        suggestion: suggest(&field.name, names).map(str::to_owned),
                    },
                ));
            };
            descend(t.clone(), segs, 2, span, diags)
        }
        "item" => match &scope.item {
            Some(t) => descend(t.clone(), segs, 1, span, diags),
            None => Err(report(
                diags,
                Problem::ItemOutsideForEach {
                    span,
                    in_result: scope.step.is_none(),
                },
            )),
        },
        "step" => {
            let Some((name, rest)) = rest.split_first() else {
                return Err(report(diags, Problem::StepWithoutName { span }));
            };
            let graph = scope.flow.graph;
            let Some(j) = graph.lookup(&name.name) else {
                diags.push(unknown_step(name, span, graph.names()));
                return Err(Reported);
            };
            if let Some(i) = scope.step {
                if !graph.is_ancestor(j, i) {
                    return Err(report(
                        diags,
                        Problem::NotAncestor {
                            span,
                            step: name.name.to_string(),
                        },
                    ));
                }
            }
            match rest.split_first() {
                Some((f, _)) if f.name == "output" => {
                    let out = scope.flow.outputs.get(j).cloned().flatten();
                    descend(out.unwrap_or_else(any), segs, 3, span, diags)
                }
                Some((f, [])) if f.name == "status" => {
                    Ok(Typed::of(json!({"type": "string", "enum": STATUSES})))
                }
                _ => Err(report(
                    diags,
                    Problem::StepMember {
                        span,
                        step: name.name.to_string(),
                    },
                )),
            }
        }
        other => Err(report(
            diags,
            Problem::UnknownName {
                span,
                name: other.to_owned(),
            },
        )),
    }
}

/// Follows the `.field` selections `segs[from..]` into `t`: objects by their
/// fields, maps by their values, anything into `any`; a union member by
/// member (`null` stays `null`: `(T | null).f` is `f`'s type or null).
fn descend(mut t: Json, segs: &[Ident], from: usize, span: Span, diags: &mut Diagnostics) -> Check {
    for (k, f) in segs.iter().enumerate().skip(from) {
        let of = || {
            format!(
                "`{}`",
                segs.iter()
                    .take(k)
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(".")
            )
        };
        t = match field(&t, &f.name) {
            Ok(ft) => ft,
            Err(Missing { known, is_object }) => {
                return Err(report(
                    diags,
                    Problem::UnknownField {
                        span,
                        field: f.name.to_string(),
                        of: of(),
                        is_object,
                        suggestion: suggest(&f.name, known.iter().map(String::as_str))
                            .map(str::to_owned),
                    },
                ))
            }
        };
    }
    Ok(Typed::of(t))
}

/// Why `.field` cannot be selected: the fields there are, and whether the
/// value is an object at all.
struct Missing {
    known: Vec<String>,
    is_object: bool,
}

fn field(t: &Json, name: &str) -> Result<Json, Missing> {
    let Json::Object(m) = t else {
        return Ok(any());
    };
    if let Some(Json::Array(members)) = m.get("anyOf").or_else(|| m.get("oneOf")) {
        let mut out = Vec::new();
        let mut nullable = false;
        for member in members {
            if kinds(member) == [K::Null] {
                nullable = true;
                continue;
            }
            out.push(field(member, name)?);
        }
        if nullable {
            out.push(json!({"type": "null"}));
        }
        return Ok(match out.len() {
            1 => out.pop().unwrap_or_else(any),
            _ => json!({"anyOf": out}),
        });
    }
    let ks = kinds(t);
    if ks.contains(&K::Any) {
        return Ok(any());
    }
    let nullable = ks.contains(&K::Null);
    let others: Vec<&K> = ks.iter().filter(|k| **k != K::Null).collect();
    if others.as_slice() != [&K::Object] && others.as_slice() != [&K::Map] {
        return Err(Missing {
            known: Vec::new(),
            is_object: false,
        });
    }
    let props = m.get("properties").and_then(Json::as_object);
    let found = match (
        props.and_then(|p| p.get(name)),
        m.get("additionalProperties"),
    ) {
        (Some(ft), _) => ft.clone(),
        (None, Some(Json::Bool(false))) => {
            return Err(Missing {
                known: props
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default(),
                is_object: true,
            })
        }
        (None, Some(Json::Bool(true)) | None) => any(),
        (None, Some(values)) => values.clone(),
    };
    Ok(if nullable {
        json!({"anyOf": [found, {"type": "null"}]})
    } else {
        found
    })
}

fn check_expr(e: &Expr, scope: &Scope<'_, '_>, diags: &mut Diagnostics) -> Check {
    match &e.kind {
        ExprKind::Atom(v) => check_value(v, scope, diags),
        ExprKind::Not(x) => {
            let t = check_expr(x, scope, diags)?;
            expect_bool(&t, x.span, "`!`", diags)?;
            Ok(Typed::of(boolean()))
        }
        ExprKind::Binary(op, l, r) => {
            let lt = check_expr(l, scope, diags);
            let rt = check_expr(r, scope, diags);
            let (lt, rt) = (lt?, rt?);
            match op {
                BinOp::And | BinOp::Or => {
                    expect_bool(&lt, l.span, op.as_str(), diags)?;
                    expect_bool(&rt, r.span, op.as_str(), diags)?;
                }
                BinOp::Eq | BinOp::Ne => compare_eq(&lt, &rt, e.span, *op, diags)?,
                BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    compare_order(&lt, &rt, e.span, *op, diags)?
                }
            }
            Ok(Typed::of(boolean()))
        }
    }
}

fn expect_bool(t: &Typed, span: Span, what: &str, diags: &mut Diagnostics) -> Result<(), Reported> {
    if fits(&t.ty, &boolean()) {
        return Ok(());
    }
    Err(report(
        diags,
        Problem::NotBool {
            span,
            op: what.to_owned(),
            found: describe(&t.ty),
        },
    ))
}

fn compare_eq(
    l: &Typed,
    r: &Typed,
    span: Span,
    op: BinOp,
    diags: &mut Diagnostics,
) -> Result<(), Reported> {
    // An enum (or a status) compared with a literal outside it.
    for (a, b) in [(l, r), (r, l)] {
        let (ks, Some(lit)) = (kinds(&a.ty), &b.literal) else {
            continue;
        };
        let [K::Enum(allowed)] = ks.as_slice() else {
            continue;
        };
        if !allowed.contains(lit) {
            return Err(report(
                diags,
                Problem::OutsideEnum {
                    span,
                    literal: lit.clone(),
                    suggestion: suggest(lit, allowed.iter().map(String::as_str)).map(str::to_owned),
                    allowed: allowed.clone(),
                    op: op.as_str().to_owned(),
                },
            ));
        }
    }
    let (lk, rk) = (kinds(&l.ty), kinds(&r.ty));
    let comparable = lk.contains(&K::Any)
        || rk.contains(&K::Any)
        || lk.iter().any(|a| rk.iter().any(|b| a.compares_with(b)));
    if comparable {
        return Ok(());
    }
    Err(report(
        diags,
        Problem::CannotCompare {
            span,
            left: describe(&l.ty),
            right: describe(&r.ty),
        },
    ))
}

fn compare_order(
    l: &Typed,
    r: &Typed,
    span: Span,
    op: BinOp,
    diags: &mut Diagnostics,
) -> Result<(), Reported> {
    let (lk, rk) = (kinds(&l.ty), kinds(&r.ty));
    let ordered = |ks: &[K]| {
        !ks.is_empty()
            && ks
                .iter()
                .all(|k| matches!(k, K::Int | K::Float | K::Duration | K::Size | K::Any))
    };
    let any = lk.contains(&K::Any) || rk.contains(&K::Any);
    let alike = lk.iter().all(|a| rk.iter().all(|b| a.compares_with(b)));
    if ordered(&lk) && ordered(&rk) && (any || alike) {
        return Ok(());
    }
    Err(report(
        diags,
        Problem::CannotOrder {
            span,
            op: op.as_str().to_owned(),
            left: describe(&l.ty),
            right: describe(&r.ty),
        },
    ))
}

// ---- reading a schema as the expression checker sees it ----------------------

/// A member of a type's union, as far as expressions care.
#[derive(Clone, Debug, PartialEq)]
enum K {
    Any,
    Null,
    Bool,
    Int,
    Float,
    Str,
    /// A string enum: its values.
    Enum(Vec<String>),
    Duration,
    Size,
    List,
    /// An object of free keys (`map<T>`).
    Map,
    Object,
}

impl K {
    /// `==` between the two can be true.
    fn compares_with(&self, other: &K) -> bool {
        use K::*;
        match (self, other) {
            (Int | Float, Int | Float) | (Str | Enum(_), Str | Enum(_)) => true,
            (Object | Map, Object | Map) => true,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }

    fn describe(&self) -> String {
        match self {
            K::Any => "a value".into(),
            K::Null => "null".into(),
            K::Bool => "a bool".into(),
            K::Int => "an int".into(),
            K::Float => "a float".into(),
            K::Str => "a string".into(),
            K::Enum(vs) if vs.iter().eq(STATUSES.iter()) => {
                "a step status (\"ok\" | \"failed\" | \"skipped\")".into()
            }
            K::Enum(vs) => vs
                .iter()
                .map(|v| format!("\"{v}\""))
                .collect::<Vec<_>>()
                .join(" | "),
            K::Duration => "a duration".into(),
            K::Size => "a size".into(),
            K::List => "a list".into(),
            K::Map => "a map".into(),
            K::Object => "an object".into(),
        }
    }
}

/// The members of a schema's union.
fn kinds(s: &Json) -> Vec<K> {
    let mut out = Vec::new();
    collect_kinds(s, &mut out);
    out
}

fn collect_kinds(s: &Json, out: &mut Vec<K>) {
    let Json::Object(m) = s else {
        if *s != Json::Bool(false) {
            out.push(K::Any);
        }
        return;
    };
    if let Some(Json::Array(members)) = m.get("anyOf").or_else(|| m.get("oneOf")) {
        for member in members {
            collect_kinds(member, out);
        }
        return;
    }
    let values = match (m.get("enum"), m.get("const")) {
        (Some(Json::Array(vs)), _) => Some(vs.clone()),
        (_, Some(c)) => Some(vec![c.clone()]),
        _ => None,
    };
    if let Some(values) = values {
        let strs: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if !strs.is_empty() {
            out.push(K::Enum(strs));
        }
        for v in values.iter().filter(|v| !v.is_string()) {
            out.push(match v {
                Json::Null => K::Null,
                Json::Bool(_) => K::Bool,
                Json::Number(n) if n.is_f64() => K::Float,
                Json::Number(_) => K::Int,
                Json::Array(_) => K::List,
                _ => K::Object,
            });
        }
        return;
    }
    let types: Vec<&str> = match m.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    if types.is_empty() {
        out.push(K::Any);
    }
    let comment = m.get("$comment").and_then(Json::as_str);
    for t in types {
        out.push(match t {
            "null" => K::Null,
            "boolean" => K::Bool,
            "integer" if comment == Some(DURATION_COMMENT) => K::Duration,
            "integer" if comment == Some(SIZE_COMMENT) => K::Size,
            "integer" => K::Int,
            "number" => K::Float,
            "string" => K::Str,
            "array" => K::List,
            "object" if m.contains_key("properties") => K::Object,
            "object" => K::Map,
            _ => K::Any,
        });
    }
}

/// A type as messages say it: "a string", "an int or null", `"a" | "b"`.
fn describe(s: &Json) -> String {
    let mut seen: Vec<String> = Vec::new();
    for k in kinds(s) {
        let d = k.describe();
        if !seen.contains(&d) {
            seen.push(d);
        }
    }
    match seen.as_slice() {
        [] => "nothing".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
