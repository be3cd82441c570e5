//! Document symbols: the declarations of a file (from the editor's text, parsed
//! on its own), each with its workflow steps and attributes as children.

use crate::handlers::{Ctx, DocRef};
use lsp_types::{DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, SymbolKind};
use pmth_compiler::ast::{Block, Decl, DeclBody, Item, Kind};
use pmth_compiler::source::{FileKind, SourceMap, Span};

pub fn document_symbol(ctx: &Ctx, params: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let doc = ctx.doc(&params.text_document.uri)?;
    let mut sources = SourceMap::new();
    let id = sources.add(
        "doc.pmth".into(),
        FileKind::Pmth,
        doc.text.to_owned(),
        false,
    );
    let file = sources.get(id)?;
    let (decls, _) = pmth_compiler::parse::parse_source(file);
    let symbols = decls.iter().map(|d| declaration(&doc, d)).collect();
    Some(DocumentSymbolResponse::Nested(symbols))
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written, as `None`.
fn symbol(
    doc: &DocRef<'_>,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: doc.range(span.start as usize, span.end as usize),
        selection_range: doc.range(selection.start as usize, selection.end as usize),
        children: (!children.is_empty()).then_some(children),
    }
}

fn declaration(doc: &DocRef<'_>, d: &Decl) -> DocumentSymbol {
    let block = match &d.body {
        DeclBody::Attrs(b) => Some(b),
        DeclBody::Template(t) => Some(&t.body),
        DeclBody::Instance(i) => i.overrides.as_ref(),
        DeclBody::Broken => None,
    };
    let children = block.map(|b| items(doc, b)).unwrap_or_default();
    symbol(
        doc,
        d.id(),
        Some(d.kind.to_string()),
        kind(d.kind),
        d.span,
        d.name.span,
        children,
    )
}

fn items(doc: &DocRef<'_>, b: &Block) -> Vec<DocumentSymbol> {
    b.items
        .iter()
        .map(|item| match item {
            Item::Attr(a) => symbol(
                doc,
                a.key.name.to_string(),
                None,
                SymbolKind::PROPERTY,
                a.span,
                a.key.span,
                Vec::new(),
            ),
            Item::Field(f) => symbol(
                doc,
                f.name.name.to_string(),
                Some("field".into()),
                SymbolKind::FIELD,
                f.span,
                f.name.span,
                Vec::new(),
            ),
            Item::Param(f) => symbol(
                doc,
                f.name.name.to_string(),
                Some("param".into()),
                SymbolKind::TYPE_PARAMETER,
                f.span,
                f.name.span,
                Vec::new(),
            ),
            Item::Step(s) => symbol(
                doc,
                s.name.name.to_string(),
                Some("step".into()),
                SymbolKind::EVENT,
                s.span,
                s.name.span,
                items(doc, &s.body),
            ),
        })
        .collect()
}

pub(crate) fn kind(k: Kind) -> SymbolKind {
    match k {
        Kind::Agent => SymbolKind::CLASS,
        Kind::Tool => SymbolKind::FUNCTION,
        Kind::Model => SymbolKind::MODULE,
        Kind::Workflow => SymbolKind::NAMESPACE,
        Kind::Capability => SymbolKind::INTERFACE,
        Kind::Persona => SymbolKind::STRUCT,
        Kind::Service => SymbolKind::OBJECT,
        Kind::Template => SymbolKind::CLASS,
    }
}
