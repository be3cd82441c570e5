//! Renders values and workflow expressions as the text the registry records
//! (`input.depth == "deep"`, `step.gather.output`).

use crate::ast::{BinOp, Expr, ExprKind, Value, ValueKind};

/// A value as text: paths dotted, strings quoted (JSON style), expressions with
/// the parentheses their precedence needs.
pub fn render_value(v: &Value) -> String {
    match &v.kind {
        ValueKind::Path(segs) => segs
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ValueKind::Str(s) => {
            serde_json::Value::String(s.as_plain().unwrap_or_default()).to_string()
        }
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Float(x) => x.to_string(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Word(w) => w.clone(),
        ValueKind::Ref(r) => r.written.clone(),
        ValueKind::Param(p) => format!("param.{}", p.name),
        ValueKind::Expr(e) => render_expr(e),
        other => other.describe().to_owned(),
    }
}

/// An expression as text.
pub fn render_expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Atom(v) => render_value(v),
        ExprKind::Not(x) => format!("!{}", wrap(x, 4)),
        ExprKind::Binary(op, l, r) => {
            let p = prec(*op);
            // Comparisons do not associate: parenthesise equal precedence too.
            let rp = if p == 3 { p + 1 } else { p };
            format!("{} {} {}", wrap(l, rp), op.as_str(), wrap(r, p + 1))
        }
    }
}

fn wrap(e: &Expr, min: u8) -> String {
    let p = match &e.kind {
        ExprKind::Binary(op, ..) => prec(*op),
        _ => 5,
    };
    if p < min {
        format!("({})", render_expr(e))
    } else {
        render_expr(e)
    }
}

fn prec(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        _ => 3,
    }
}
