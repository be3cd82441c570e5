//! Code actions: the fixes the compiler attached to the diagnostics under the
//! requested range (CLI.md, "Fixes"), as `quickfix` actions; a safe fix is the
//! preferred one. The edits are the compiler's, converted to a `WorkspaceEdit`.

use crate::convert;
use crate::handlers::{self, Ctx};
use crate::lookup::Analysis;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, WorkspaceEdit,
};
use pmth_compiler::diag::Fix;

pub fn code_action(ctx: &Ctx, params: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
    if let Some(only) = &params.context.only {
        if !only
            .iter()
            .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
        {
            return Some(Vec::new());
        }
    }
    let doc = ctx.doc(&params.text_document.uri)?;
    let an = ctx.analysis(&doc)?;
    // Offsets are the compiler's only when it compiled this very text.
    let file = an.file?;
    let (start, end) = (doc.offset(params.range.start), doc.offset(params.range.end));
    let (start, end) = (to_u32(start), to_u32(end));
    let sources = an.comp.sources();
    let mut out = Vec::new();
    for d in an.comp.diagnostics.iter() {
        let s = d.primary.span;
        if s.file != file.id || s.end < start || s.start > end || d.fixes.is_empty() {
            continue;
        }
        let lsp_diag = convert::diagnostic(an.root, sources, d).map(|(_, x)| x);
        for f in &d.fixes {
            let Some(edit) = workspace_edit(&an, f) else {
                continue;
            };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: f.message.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: lsp_diag.clone().map(|x| vec![x]),
                edit: Some(edit),
                is_preferred: Some(f.is_safe()),
                ..CodeAction::default()
            }));
        }
    }
    Some(out)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A fix's edits per document; `None` when one is in a file the editor cannot
/// open.
fn workspace_edit(an: &Analysis, f: &Fix) -> Option<WorkspaceEdit> {
    let edits = f
        .edits
        .iter()
        .map(|e| {
            let loc = an.span_location(e.span)?;
            let edit = TextEdit {
                range: loc.range,
                new_text: e.text.clone(),
            };
            Some((loc.uri, edit))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(handlers::workspace_edit(edits))
}
