//! Inlay hints: after a reference with a version requirement, the version it
//! resolved to (`tool.search@^1` → `1.4.2`); after a `select` step's
//! capability, how many agents are its candidates (the registry's
//! `index.capabilities`, the one list of them).

use crate::handlers::Ctx;
use crate::lookup::Analysis;
use lsp_types::{InlayHint, InlayHintLabel, InlayHintParams, InlayHintTooltip};
use pmth_compiler::ast::{DeclBody, Item, Kind, ValueKind};
use pmth_compiler::source::Span;

pub fn inlay_hint(ctx: &Ctx, params: InlayHintParams) -> Option<Vec<InlayHint>> {
    let doc = ctx.doc(&params.text_document.uri)?;
    let an = ctx.analysis(&doc)?;
    let file = an.file?;
    let (start, end) = (doc.offset(params.range.start), doc.offset(params.range.end));
    let visible =
        |s: Span| s.file == file.id && (s.end as usize) >= start && (s.start as usize) <= end;
    let sources = an.comp.sources();
    let mut hints: Vec<(u32, InlayHint)> = Vec::new();
    for (span, t) in &an.checked.refs {
        if !visible(*span) || !sources.slice(*span).contains('@') {
            continue;
        }
        let Some((_, version)) = t.id.split_once('@') else {
            continue;
        };
        hints.push((
            span.end,
            hint(
                &doc,
                span.end,
                version.to_owned(),
                format!("resolves to `{}`", t.id),
            ),
        ));
    }
    for (span, id) in select_steps(&an, file.id) {
        if !visible(span) {
            continue;
        }
        let Some(n) = candidates(&an, &id) else {
            continue;
        };
        let label = format!("{n} candidate{}", if n == 1 { "" } else { "s" });
        let tip = format!("agents claiming `capability.{id}` (registry `index.capabilities`)");
        hints.push((span.end, hint(&doc, span.end, label, tip)));
    }
    hints.sort_by_key(|(at, _)| *at);
    Some(hints.into_iter().map(|(_, h)| h).collect())
}

fn hint(doc: &crate::handlers::DocRef, at: u32, label: String, tooltip: String) -> InlayHint {
    InlayHint {
        position: doc.position(at as usize),
        label: InlayHintLabel::String(label),
        kind: None,
        text_edits: None,
        tooltip: Some(InlayHintTooltip::String(tooltip)),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

/// The `select = capability.X` values of the workflows in `file`: the
/// reference's span and the capability's resolved id.
fn select_steps(an: &Analysis, file: u32) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for u in &an.checked.units {
        if u.decl.kind != Kind::Workflow || u.origin.is_some() || u.decl.span.file != file {
            continue;
        }
        let DeclBody::Attrs(body) = &u.decl.body else {
            continue;
        };
        for item in &body.items {
            let Item::Step(s) = item else {
                continue;
            };
            let Some(a) = s.body.attr("select") else {
                continue;
            };
            if let ValueKind::Ref(r) = &a.value.kind {
                if let Some(t) = an.checked.refs.get(&r.span) {
                    out.push((r.span, t.id.clone()));
                }
            }
        }
    }
    out
}

/// How many agents `index.capabilities[id].agents` lists.
fn candidates(an: &Analysis, id: &str) -> Option<usize> {
    let agents = an
        .checked
        .registry
        .header
        .get("index")?
        .get("capabilities")?
        .get(id)?
        .get("agents")?;
    Some(agents.as_array()?.len())
}
