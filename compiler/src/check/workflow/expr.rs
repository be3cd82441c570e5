//! The data flow of a step: `for_each = input.LIST`, `when = EXPR` and
//! `with { NAME = EXPR }`, type-checked against the workflow's `input` fields and
//! the step graph (PM0402, PM0404).

use super::attr;
use super::graph::{unknown_step, Graph};
use crate::ast::{BinOp, Block, Expr, ExprKind, Ident, Step, TypeExpr, TypeKind, Value, ValueKind};
use crate::diag::{suggest, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::types::BaseType;

/// The type of a value flowing through a workflow.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Str,
    /// A string union; the allowed values.
    Enum(Vec<String>),
    Int,
    Float,
    Bool,
    Duration,
    Size,
    List(Box<Ty>),
    Map(Box<Ty>),
    Object(Vec<(String, Ty)>),
    /// `step.N.status`: `"ok" | "failed" | "skipped"`.
    Status,
    /// Not known statically (`step.N.output`): anything goes.
    Any,
}

const STATUSES: [&str; 3] = ["ok", "failed", "skipped"];

impl Ty {
    fn from_type(t: &TypeExpr) -> Ty {
        match &t.kind {
            TypeKind::Named(n) => match BaseType::from_name(&n.name) {
                Some(BaseType::String) => Ty::Str,
                Some(BaseType::Int) => Ty::Int,
                Some(BaseType::Float) => Ty::Float,
                Some(BaseType::Bool) => Ty::Bool,
                Some(BaseType::Duration) => Ty::Duration,
                Some(BaseType::Size) => Ty::Size,
                Some(BaseType::Any | BaseType::Null) | None => Ty::Any,
            },
            TypeKind::List(e) => Ty::List(Box::new(Ty::from_type(e))),
            TypeKind::Map(e) => Ty::Map(Box::new(Ty::from_type(e))),
            TypeKind::Object(b) => Ty::Object(fields_of(b)),
            TypeKind::Union(lits) => Ty::Enum(lits.iter().map(|l| l.value.clone()).collect()),
            // Unions are typed over their compiled schemas (§8); here, anything.
            TypeKind::AnyOf(_) => Ty::Any,
        }
    }

    fn describe(&self) -> String {
        match self {
            Ty::Str => "a string".into(),
            Ty::Enum(vs) => vs
                .iter()
                .map(|v| format!("\"{v}\""))
                .collect::<Vec<_>>()
                .join(" | "),
            Ty::Int => "an int".into(),
            Ty::Float => "a float".into(),
            Ty::Bool => "a bool".into(),
            Ty::Duration => "a duration".into(),
            Ty::Size => "a size".into(),
            Ty::List(_) => "a list".into(),
            Ty::Map(_) => "a map".into(),
            Ty::Object(_) => "an object".into(),
            Ty::Status => "a step status (\"ok\" | \"failed\" | \"skipped\")".into(),
            Ty::Any => "a value".into(),
        }
    }

    fn is_stringy(&self) -> bool {
        matches!(self, Ty::Str | Ty::Enum(_) | Ty::Status)
    }

    fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Float)
    }
}

fn fields_of(b: &Block) -> Vec<(String, Ty)> {
    b.fields()
        .map(|f| (f.name.name.to_string(), Ty::from_type(&f.ty)))
        .collect()
}

/// The workflow's `input { FIELDS }` as types.
#[derive(Clone, Debug, Default)]
pub struct InputType {
    fields: Vec<(String, Ty)>,
}

impl InputType {
    pub fn from_fields(b: &Block) -> InputType {
        InputType {
            fields: fields_of(b),
        }
    }
}

/// What an expression may see while being checked.
struct Scope<'a, 'g> {
    step_index: usize,
    graph: &'a Graph<'g>,
    input: &'a InputType,
    /// The element type inside `for_each`.
    item: Option<Ty>,
}

/// An expression's type and, for a string literal, its text (for enum checks).
struct Typed {
    ty: Ty,
    literal: Option<String>,
}

/// Already reported; the enclosing checks are skipped.
struct Reported;

type Check = Result<Typed, Reported>;

/// Checks `for_each`, `when` and `with` of one step.
pub(super) fn check_step_data(
    step: &Step,
    index: usize,
    graph: &Graph<'_>,
    input: &InputType,
    diags: &mut Diagnostics,
) {
    let mut scope = Scope {
        step_index: index,
        graph,
        input,
        item: None,
    };
    if let Some(a) = step.body.attr(attr::FOR_EACH) {
        scope.item = for_each_item(&a.value, &scope, diags);
    }
    if let Some(a) = step.body.attr(attr::WHEN) {
        if let Ok(t) = check_value(&a.value, &scope, diags) {
            if !matches!(t.ty, Ty::Bool | Ty::Any) {
                diags.push(
                    Diagnostic::new(
                        "PM0404",
                        a.value.span,
                        format!("`when` needs a bool, found {}", t.ty.describe()),
                    )
                    .label("not a condition")
                    .help("compare it with something, e.g. `when = input.depth == \"deep\"`"),
                );
            }
        }
    }
    if let Some(a) = step.body.attr(attr::WITH) {
        if let ValueKind::Block(b) = &a.value.kind {
            for binding in b.attrs() {
                let _ = check_value(&binding.value, &scope, diags);
            }
        }
    }
}

/// `for_each = input.LIST`: the element type, or `None` after reporting.
fn for_each_item(v: &Value, scope: &Scope<'_, '_>, diags: &mut Diagnostics) -> Option<Ty> {
    let is_input =
        matches!(&v.kind, ValueKind::Path(segs) if segs.first().is_some_and(|s| s.name == "input"));
    if !is_input {
        diags.push(
            Diagnostic::new("PM0404", v.span, "`for_each` must name a list field of `input`")
                .label(format!("found {}", v.kind.describe()))
                .help("write `for_each = input.FIELD` where FIELD is a `list<…>` field of the workflow's input"),
        );
        return None;
    }
    let t = check_value(v, scope, diags).ok()?;
    match t.ty {
        Ty::List(e) => Some(*e),
        Ty::Any => Some(Ty::Any),
        other => {
            diags.push(
                Diagnostic::new(
                    "PM0404",
                    v.span,
                    format!("`for_each` needs a list, but this is {}", other.describe()),
                )
                .label("not a list")
                .help("declare the input field as `list<…>`, or iterate over another field"),
            );
            None
        }
    }
}

fn check_value(v: &Value, scope: &Scope<'_, '_>, diags: &mut Diagnostics) -> Check {
    let ty = |ty: Ty| Ok(Typed { ty, literal: None });
    match &v.kind {
        ValueKind::Expr(e) => check_expr(e, scope, diags),
        ValueKind::Str(s) => match s.as_plain() {
            Some(text) => Ok(Typed {
                ty: Ty::Str,
                literal: Some(text),
            }),
            None => ty(Ty::Str),
        },
        ValueKind::Int(_) => ty(Ty::Int),
        ValueKind::Float(_) => ty(Ty::Float),
        ValueKind::Bool(_) => ty(Ty::Bool),
        ValueKind::Duration(_) => ty(Ty::Duration),
        ValueKind::Size(_) => ty(Ty::Size),
        ValueKind::Path(segs) => check_path(segs, v.span, scope, diags),
        ValueKind::Word(w) if w == "item" => match &scope.item {
            Some(t) => ty(t.clone()),
            None => Err(report(
                diags,
                Diagnostic::new("PM0404", v.span, "`item` is only defined inside `for_each`")
                    .label("no `for_each` on this step")
                    .help("add `for_each = input.LIST` to the step, or use `input.FIELD`"),
            )),
        },
        ValueKind::Invalid => Err(Reported),
        // A param inside a template body: its value is not known here.
        ValueKind::Param(_) => ty(Ty::Any),
        other => Err(report(
            diags,
            Diagnostic::new(
                "PM0404",
                v.span,
                format!(
                    "{} cannot be used in a workflow expression",
                    other.describe()
                ),
            )
            .label("not allowed here")
            .help("use `input.FIELD`, `step.NAME.output`, `step.NAME.status`, `item` or a literal"),
        )),
    }
}

fn report(diags: &mut Diagnostics, d: Diagnostic) -> Reported {
    diags.push(d);
    Reported
}

fn check_path(segs: &[Ident], span: Span, scope: &Scope<'_, '_>, diags: &mut Diagnostics) -> Check {
    let Some((head, rest)) = segs.split_first() else {
        return Err(Reported);
    };
    match head.name.as_str() {
        "input" => {
            let Some((field, rest)) = rest.split_first() else {
                return Err(report(
                    diags,
                    Diagnostic::new("PM0404", span, "`input` needs a field: `input.FIELD`")
                        .label("no field named"),
                ));
            };
            let found = scope.input.fields.iter().find(|(n, _)| *n == field.name);
            let Some((_, t)) = found else {
                let mut d = Diagnostic::new(
                    "PM0404",
                    span,
                    format!("the workflow's input has no field `{}`", field.name),
                )
                .label("unknown input field");
                d = match suggest(
                    &field.name,
                    scope.input.fields.iter().map(|(n, _)| n.as_str()),
                ) {
                    Some(s) => d.help(format!("did you mean `input.{s}`?")),
                    None => d.help("declare it in the workflow's `input { … }` block"),
                };
                return Err(report(diags, d));
            };
            descend(t.clone(), rest, span, diags)
        }
        "item" => match &scope.item {
            Some(t) => descend(t.clone(), rest, span, diags),
            None => Err(report(
                diags,
                Diagnostic::new("PM0404", span, "`item` is only defined inside `for_each`")
                    .label("no `for_each` on this step"),
            )),
        },
        "step" => {
            let Some((name, rest)) = rest.split_first() else {
                return Err(report(
                    diags,
                    Diagnostic::new("PM0404", span, "`step` needs a name: `step.NAME.output`"),
                ));
            };
            let Some(j) = scope.graph.lookup(&name.name) else {
                return Err(report(diags, unknown_step(name, span, scope.graph.names())));
            };
            if !scope.graph.is_ancestor(j, scope.step_index) {
                return Err(report(
                    diags,
                    Diagnostic::new(
                        "PM0404",
                        span,
                        format!("step `{}` does not run before this step", name.name),
                    )
                    .label("not an ancestor")
                    .help(format!(
                        "add `step.{}` to this step's `after` (directly or through another step)",
                        name.name
                    )),
                ));
            }
            match rest.split_first() {
                Some((f, more)) if f.name == "output" => descend(Ty::Any, more, span, diags),
                Some((f, [])) if f.name == "status" => Ok(Typed {
                    ty: Ty::Status,
                    literal: None,
                }),
                _ => Err(report(
                    diags,
                    Diagnostic::new(
                        "PM0404",
                        span,
                        format!("use `step.{0}.output` or `step.{0}.status`", name.name),
                    )
                    .label("a step exposes only `output` and `status`"),
                )),
            }
        }
        other => Err(report(
            diags,
            Diagnostic::new(
                "PM0404",
                span,
                format!("unknown name `{other}` in a workflow expression"),
            )
            .label("not defined here")
            .help("use `input.FIELD`, `step.NAME.output`, `step.NAME.status` or `item`"),
        )),
    }
}

/// Follows `.field` selections into objects (and anything into `Any`).
fn descend(mut t: Ty, rest: &[Ident], span: Span, diags: &mut Diagnostics) -> Check {
    for f in rest {
        t = match t {
            Ty::Any => Ty::Any,
            Ty::Map(v) => *v,
            Ty::Object(fields) => match fields.into_iter().find(|(n, _)| *n == f.name) {
                Some((_, ft)) => ft,
                None => {
                    return Err(report(
                        diags,
                        Diagnostic::new("PM0404", span, format!("no field `{}` here", f.name))
                            .label("unknown field"),
                    ))
                }
            },
            other => {
                return Err(report(
                    diags,
                    Diagnostic::new(
                        "PM0404",
                        span,
                        format!("{} has no field `{}`", other.describe(), f.name),
                    )
                    .label("not an object"),
                ))
            }
        };
    }
    Ok(Typed {
        ty: t,
        literal: None,
    })
}

fn check_expr(e: &Expr, scope: &Scope<'_, '_>, diags: &mut Diagnostics) -> Check {
    match &e.kind {
        ExprKind::Atom(v) => check_value(v, scope, diags),
        ExprKind::Not(x) => {
            let t = check_expr(x, scope, diags)?;
            expect_bool(&t, x.span, "`!`", diags)?;
            Ok(Typed {
                ty: Ty::Bool,
                literal: None,
            })
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
            Ok(Typed {
                ty: Ty::Bool,
                literal: None,
            })
        }
    }
}

fn expect_bool(t: &Typed, span: Span, what: &str, diags: &mut Diagnostics) -> Result<(), Reported> {
    if matches!(t.ty, Ty::Bool | Ty::Any) {
        return Ok(());
    }
    Err(report(
        diags,
        Diagnostic::new(
            "PM0404",
            span,
            format!("{what} needs a bool, found {}", t.ty.describe()),
        )
        .label("not a bool"),
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
        let allowed: Option<Vec<String>> = match &a.ty {
            Ty::Enum(vs) => Some(vs.clone()),
            Ty::Status => Some(STATUSES.iter().map(|s| (*s).to_owned()).collect()),
            _ => None,
        };
        if let (Some(allowed), Some(lit)) = (allowed, &b.literal) {
            if !allowed.contains(lit) {
                let list = allowed
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(" | ");
                let mut d = Diagnostic::new(
                    "PM0404",
                    span,
                    format!("\"{lit}\" is not a possible value: this is {list}"),
                )
                .label(format!("`{}` can never be true", op.as_str()));
                if let Some(s) = suggest(lit, allowed.iter().map(String::as_str)) {
                    d = d.help(format!("did you mean \"{s}\"?"));
                } else {
                    d = d.help(format!("compare with one of {list}"));
                }
                return Err(report(diags, d));
            }
        }
    }
    if comparable(&l.ty, &r.ty) || (l.ty.is_stringy() && r.ty.is_stringy()) {
        return Ok(());
    }
    Err(report(
        diags,
        Diagnostic::new(
            "PM0404",
            span,
            format!(
                "cannot compare {} with {}",
                l.ty.describe(),
                r.ty.describe()
            ),
        )
        .label("types do not match"),
    ))
}

/// Same type, both numbers, or one side not known statically.
fn comparable(l: &Ty, r: &Ty) -> bool {
    matches!((l, r), (Ty::Any, _) | (_, Ty::Any)) || (l.is_numeric() && r.is_numeric()) || l == r
}

fn compare_order(
    l: &Typed,
    r: &Typed,
    span: Span,
    op: BinOp,
    diags: &mut Diagnostics,
) -> Result<(), Reported> {
    let ordered = |t: &Ty| matches!(t, Ty::Int | Ty::Float | Ty::Duration | Ty::Size | Ty::Any);
    if ordered(&l.ty) && ordered(&r.ty) && comparable(&l.ty, &r.ty) {
        return Ok(());
    }
    Err(report(
        diags,
        Diagnostic::new(
            "PM0404",
            span,
            format!(
                "`{}` needs two numbers (or durations, or sizes), found {} and {}",
                op.as_str(),
                l.ty.describe(),
                r.ty.describe()
            ),
        )
        .label("cannot be ordered"),
    ))
}
