//! Go to definition and find references: a reference (or a declaration's own
//! name) leads to the declaration it resolves to; references lists every
//! reference the compiler resolved to that declaration.

use crate::handlers::Ctx;
use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location, ReferenceParams};

pub fn definition(ctx: &Ctx, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let pos = &params.text_document_position_params;
    let doc = ctx.doc(&pos.text_document.uri)?;
    let an = ctx.analysis(&doc)?;
    let unit = an.target_at(doc.text, doc.offset(pos.position))?;
    Some(GotoDefinitionResponse::Scalar(an.location(unit)?))
}

pub fn references(ctx: &Ctx, params: ReferenceParams) -> Option<Vec<Location>> {
    let pos = &params.text_document_position;
    let doc = ctx.doc(&pos.text_document.uri)?;
    let an = ctx.analysis(&doc)?;
    let unit = an.target_at(doc.text, doc.offset(pos.position))?;
    let mut spans: Vec<_> = an
        .checked
        .refs
        .iter()
        .filter(|(_, t)| t.unit == unit)
        .map(|(s, _)| *s)
        .collect();
    // Deterministic: by file path, then offset.
    let sources = an.comp.sources();
    spans.sort_by(|a, b| (sources.path(a.file), a.start).cmp(&(sources.path(b.file), b.start)));
    let mut out = Vec::new();
    if params.context.include_declaration {
        out.extend(an.location(unit));
    }
    out.extend(spans.into_iter().filter_map(|s| an.span_location(s)));
    Some(out)
}
