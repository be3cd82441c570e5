//! Completion: declaration names after `tool.`, `model.`, `capability.` …;
//! attribute names valid in the block at the cursor (from the schema table,
//! with type and doc); the values of the attribute being assigned (enum words,
//! `true`/`false`, tagged variants, references of the right kind, secrets); and
//! the kind keywords at the top level.

use crate::cursor::{self, Context};
use crate::handlers::hover::{attr_doc, kind_doc};
use crate::handlers::{Ctx, DocRef};
use crate::lookup::{str_attr, Analysis};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, InsertTextFormat, MarkupContent, MarkupKind, TextEdit,
};
use pmth_compiler::ast::Kind;
use pmth_compiler::schema::{AttrSpec, Ty};

pub fn completion(ctx: &Ctx, params: CompletionParams) -> Option<CompletionResponse> {
    let pos = &params.text_document_position;
    let doc = ctx.doc(&pos.text_document.uri)?;
    let offset = doc.offset(pos.position);
    let an = ctx.analysis(&doc);
    let items = items(&doc, an.as_ref(), offset);
    Some(CompletionResponse::Array(items))
}

fn items(doc: &DocRef<'_>, an: Option<&Analysis<'_>>, offset: usize) -> Vec<CompletionItem> {
    if let Some((kind, name_start)) = cursor::typed_reference(doc.text, offset) {
        return references(doc, an, kind, name_start, offset);
    }
    // The word being typed is not part of the context.
    let start = cursor::word_at(doc.text, offset).map_or(offset, |w| w.start.min(offset));
    let cx = cursor::context(doc.text, start);
    if cx.frames.is_empty() {
        return if cx.header.is_empty() {
            keywords()
        } else {
            Vec::new()
        };
    }
    if let Some((spec, in_list)) = cx.assigned() {
        if in_list || !cx.at_item_start() {
            return values(an, spec.ty, in_list);
        }
    }
    attributes(&cx)
}

fn keywords() -> Vec<CompletionItem> {
    Kind::ALL
        .into_iter()
        .map(|k| CompletionItem {
            label: k.keyword().to_owned(),
            kind: Some(CompletionItemKind::KEYWORD),
            documentation: Some(markdown(kind_doc(k))),
            ..Default::default()
        })
        .collect()
}

/// The rows of the block at the cursor.
fn attributes(cx: &Context) -> Vec<CompletionItem> {
    let Some(table) = cx.table() else {
        return Vec::new();
    };
    table
        .iter()
        .enumerate()
        .map(|(i, spec)| attribute(i, spec))
        .collect()
}

fn attribute(i: usize, spec: &AttrSpec) -> CompletionItem {
    let block = matches!(spec.ty, Ty::Block(_) | Ty::Map(_) | Ty::Fields);
    let (insert, format) = if block {
        (
            format!("{} {{\n\t$0\n}}", spec.name),
            InsertTextFormat::SNIPPET,
        )
    } else if matches!(spec.ty, Ty::TypeExpr) {
        (format!("{}: ", spec.name), InsertTextFormat::PLAIN_TEXT)
    } else if matches!(spec.ty, Ty::Steps(_)) {
        (
            "step ${1:name} {\n\t$0\n}".to_owned(),
            InsertTextFormat::SNIPPET,
        )
    } else {
        (format!("{} = ", spec.name), InsertTextFormat::PLAIN_TEXT)
    };
    let label = if matches!(spec.ty, Ty::Steps(_)) {
        "step".to_owned()
    } else {
        spec.name.to_owned()
    };
    CompletionItem {
        label,
        kind: Some(CompletionItemKind::PROPERTY),
        detail: Some(format!(
            "{}{}",
            spec.ty.describe(),
            spec.requirement()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        )),
        documentation: Some(markdown(attr_doc(spec))),
        // Required rows first, then table order.
        sort_text: Some(format!("{}{i:03}", if spec.required { 0 } else { 1 })),
        insert_text: Some(insert),
        insert_text_format: Some(format),
        ..Default::default()
    }
}

/// What may be written as a value of this type.
fn values(an: Option<&Analysis<'_>>, ty: Ty, in_list: bool) -> Vec<CompletionItem> {
    let word = |label: &str, kind: CompletionItemKind, doc: Option<String>| CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        documentation: doc.map(markdown),
        ..Default::default()
    };
    match ty {
        Ty::Enum(words) => words
            .iter()
            .map(|w| word(w, CompletionItemKind::ENUM_MEMBER, None))
            .collect(),
        Ty::Bool => ["true", "false"]
            .iter()
            .map(|w| word(w, CompletionItemKind::KEYWORD, None))
            .collect(),
        Ty::Tagged(vs) => vs
            .iter()
            .map(|v| {
                word(
                    v.name,
                    CompletionItemKind::ENUM_MEMBER,
                    Some(v.doc.to_owned()),
                )
            })
            .collect(),
        Ty::Secret => ["env(\"$1\")", "secret(\"$1\")"]
            .iter()
            .map(|s| CompletionItem {
                label: s.replace("$1", "…"),
                kind: Some(CompletionItemKind::FUNCTION),
                insert_text: Some((*s).to_owned()),
                insert_text_format: Some(InsertTextFormat::SNIPPET),
                ..Default::default()
            })
            .collect(),
        Ty::Ref(kind) => qualified(an, kind),
        Ty::List(inner) if in_list => values(an, *inner, false),
        Ty::List(inner) => values(an, *inner, false)
            .into_iter()
            .map(|mut i| {
                let text = i.insert_text.take().unwrap_or_else(|| i.label.clone());
                i.label = format!("[{}]", i.label);
                i.insert_text = Some(format!("[{text}]"));
                i
            })
            .collect(),
        Ty::Either(tys) => tys.iter().flat_map(|t| values(an, *t, in_list)).collect(),
        _ => Vec::new(),
    }
}

/// `tool.NAME` for every declared tool (after `=`, where no `tool.` is typed yet).
fn qualified(an: Option<&Analysis<'_>>, kind: Kind) -> Vec<CompletionItem> {
    let Some(an) = an else {
        return Vec::new();
    };
    an.names(kind)
        .into_iter()
        .map(|(name, unit)| {
            let mut item = declaration(an, kind, name, unit);
            item.label = format!("{kind}.{name}");
            item
        })
        .collect()
}

/// Names of `kind` after `kind.`, replacing what is typed of the name.
fn references(
    doc: &DocRef<'_>,
    an: Option<&Analysis<'_>>,
    kind: Kind,
    name_start: usize,
    offset: usize,
) -> Vec<CompletionItem> {
    let Some(an) = an else {
        return Vec::new();
    };
    let range = doc.range(name_start, offset);
    an.names(kind)
        .into_iter()
        .map(|(name, unit)| {
            let mut item = declaration(an, kind, name, unit);
            item.text_edit = Some(CompletionTextEdit::Edit(TextEdit {
                range,
                new_text: name.to_owned(),
            }));
            item.filter_text = Some(name.to_owned());
            item
        })
        .collect()
}

fn declaration(an: &Analysis<'_>, kind: Kind, name: &str, unit: usize) -> CompletionItem {
    let u = an.unit(unit);
    let detail = u.map_or_else(|| kind.to_string(), |u| format!("{kind} {}", u.decl.id()));
    CompletionItem {
        label: name.to_owned(),
        kind: Some(symbol_kind(kind)),
        detail: Some(detail),
        documentation: u.and_then(|u| str_attr(u, "description")).map(markdown),
        ..Default::default()
    }
}

fn symbol_kind(kind: Kind) -> CompletionItemKind {
    match kind {
        Kind::Agent => CompletionItemKind::CLASS,
        Kind::Tool => CompletionItemKind::FUNCTION,
        Kind::Model => CompletionItemKind::MODULE,
        Kind::Workflow => CompletionItemKind::EVENT,
        Kind::Capability => CompletionItemKind::INTERFACE,
        Kind::Persona => CompletionItemKind::STRUCT,
        Kind::Service => CompletionItemKind::REFERENCE,
        Kind::Template => CompletionItemKind::SNIPPET,
    }
}

fn markdown(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}
