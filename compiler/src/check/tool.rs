//! Tool rules (§6): `hints { read_only = true  destructive = true }` contradict
//! each other (PM0204, on `destructive`).

use super::Cx;
use crate::ast::{Kind, ValueKind};
use crate::diag::Diagnostic;
use crate::schema::names::{DESTRUCTIVE, HINTS, READ_ONLY};

pub fn check(cx: &Cx, diags: &mut Vec<Diagnostic>) {
    for i in 0..cx.units.len() {
        if cx.units.get(i).is_none_or(|u| u.decl.kind != Kind::Tool) || cx.is_bad(i, HINTS) {
            continue;
        }
        let Some(body) = cx.body(i) else { continue };
        let Some(ValueKind::Block(hints)) = body.attr(HINTS).map(|a| &a.value.kind) else {
            continue;
        };
        let is_true = |key: &str| {
            hints
                .attr(key)
                .filter(|a| matches!(a.value.kind, ValueKind::Bool(true)))
        };
        let (Some(read_only), Some(destructive)) = (is_true(READ_ONLY), is_true(DESTRUCTIVE))
        else {
            continue;
        };
        let d = Diagnostic::new(
            "PM0204",
            destructive.span,
            "a tool cannot be both `read_only` and `destructive`",
        )
        .label("contradicts `read_only = true`")
        .related(read_only.span, "`read_only` is set here")
        .help("a read-only tool changes nothing: remove `destructive = true`, or set `read_only = false`");
        cx.report(i, d, diags);
    }
}
