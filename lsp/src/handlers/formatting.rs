//! `textDocument/formatting`: the open document's text through the compiler's
//! formatter (`pmth fmt`'s one function), as one edit replacing the whole text.
//! A text that cannot be formatted safely (or has a syntax error) gets no edit:
//! its diagnostics already say why.

use crate::handlers::Ctx;
use lsp_types::{DocumentFormattingParams, TextEdit};

pub fn formatting(ctx: &Ctx, params: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let doc = ctx.doc(&params.text_document.uri)?;
    let formatted = pmth_compiler::fmt::format_source(doc.text).ok()?;
    if formatted == doc.text {
        return Some(Vec::new());
    }
    Some(vec![TextEdit {
        range: doc.range(0, doc.text.len()),
        new_text: formatted,
    }])
}
