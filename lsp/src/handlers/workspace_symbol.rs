//! Workspace symbols: every declaration of every checked workspace whose
//! `kind.name` matches the query (case-insensitive, its characters in order:
//! `tws` finds `tool.web_search`), sorted by name, at most [`LIMIT`].

use crate::convert;
use crate::handlers::document_symbol;
use crate::handlers::Ctx;
use lsp_types::{Location, SymbolInformation, WorkspaceSymbolParams, WorkspaceSymbolResponse};

/// Enough for any picker; a 10k workspace answers an empty query quickly.
const LIMIT: usize = 1000;

#[allow(deprecated)] // `SymbolInformation::deprecated` must be written, as `None`.
pub fn workspace_symbol(
    ctx: &Ctx,
    params: WorkspaceSymbolParams,
) -> Option<WorkspaceSymbolResponse> {
    let query: Vec<char> = params.query.to_lowercase().chars().collect();
    let mut out: Vec<SymbolInformation> = Vec::new();
    for (root, ws) in &ctx.state.workspaces {
        let Some(comp) = &ws.compilation else {
            continue;
        };
        let Some(checked) = &comp.checked else {
            continue;
        };
        let sources = comp.sources();
        for u in &checked.units {
            let d = &u.decl;
            let name = format!("{}.{}", d.kind, d.id());
            if !matches(&name, &query) {
                continue;
            }
            let Some(file) = sources.get(d.name.span.file).filter(|f| !f.stdlib) else {
                continue;
            };
            let Some(uri) = convert::file_path(root, file).and_then(|p| convert::path_to_uri(&p))
            else {
                continue;
            };
            out.push(SymbolInformation {
                name,
                kind: document_symbol::kind(d.kind),
                tags: None,
                deprecated: None,
                location: Location {
                    uri,
                    range: convert::range(file, d.name.span),
                },
                container_name: Some(file.path.clone()),
            });
        }
    }
    out.sort_by(|a, b| {
        (a.name.as_str(), a.location.uri.as_str()).cmp(&(b.name.as_str(), b.location.uri.as_str()))
    });
    out.truncate(LIMIT);
    Some(WorkspaceSymbolResponse::Flat(out))
}

/// `query`'s characters appear in `name` in order (case-insensitive).
fn matches(name: &str, query: &[char]) -> bool {
    let mut q = query.iter().peekable();
    for c in name.chars().flat_map(char::to_lowercase) {
        if q.peek() == Some(&&c) {
            q.next();
        }
    }
    q.peek().is_none()
}
