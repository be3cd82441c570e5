//! Hover: a declaration kind keyword, an attribute name (doc, type, required,
//! default from the schema table), a tagged variant, a reference or a
//! declaration name (the target's kind, id, description and where it is
//! declared), and a diagnostic code.

use crate::cursor::{self, Tok};
use crate::handlers::Ctx;
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use pmth_compiler::ast::Kind;
use pmth_compiler::diag::codes;
use pmth_compiler::schema::{self, default_text, AttrSpec, Ty};
use pmth_compiler::types::BaseType;

/// A built-in type name (§7).
pub fn type_doc(b: BaseType) -> String {
    format!("**{}** — a type: {}", b.name(), b.doc())
}

pub fn hover(ctx: &Ctx, params: HoverParams) -> Option<Hover> {
    let pos = &params.text_document_position_params;
    let doc = ctx.doc(&pos.text_document.uri)?;
    let offset = doc.offset(pos.position);
    let word = cursor::word_at(doc.text, offset)?;
    let markdown = markdown(ctx, &doc, offset, &word)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(doc.range(word.start, word.end)),
    })
}

fn markdown(
    ctx: &Ctx,
    doc: &crate::handlers::DocRef<'_>,
    offset: usize,
    word: &cursor::Word<'_>,
) -> Option<String> {
    if let Some(info) = code(word.text) {
        return Some(info);
    }
    if let Some(an) = ctx.analysis(doc) {
        if let Some(unit) = an.target_at(doc.text, offset) {
            return an.describe(unit);
        }
    }
    let cx = cursor::context(doc.text, word.start);
    if cx.frames.is_empty() {
        // `agent x`, `template t for tool`: the kind words of a header.
        let kind = Kind::from_keyword(word.text)?;
        return Some(kind_doc(kind));
    }
    if word.text.contains('.') {
        return None;
    }
    if cx.in_type() {
        return BaseType::from_name(word.text).map(type_doc);
    }
    if cx.at_item_start() {
        let spec = cursor::find(cx.table()?, word.text)?;
        return Some(attr_doc(spec));
    }
    // `auth = api_key`: a variant of a tagged attribute.
    if let (Some((spec, _)), Some(Tok::Punct('='))) = (cx.assigned(), cx.last()) {
        if let Ty::Tagged(vs) = spec.ty {
            let v = vs.iter().find(|v| v.name == word.text)?;
            let fields: Vec<_> = v.attrs.iter().map(|a| format!("`{}`", a.name)).collect();
            let mut out = format!("**{}** — a variant of `{}`\n\n{}", v.name, spec.name, v.doc);
            if !fields.is_empty() {
                out.push_str(&format!("\n\nFields: {}", fields.join(", ")));
            }
            return Some(out);
        }
        return Some(attr_doc(spec));
    }
    None
}

/// `PM0101`: the code's title and explanation.
fn code(word: &str) -> Option<String> {
    let ok = word.len() == 6
        && word.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("pm"))
        && word
            .get(2..)
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()));
    if !ok {
        return None;
    }
    let info = codes::lookup(word)?;
    Some(format!(
        "**{}** ({}): {}\n\n{}",
        info.code,
        info.severity.as_str(),
        info.title,
        info.explanation.trim()
    ))
}

/// A kind: what it declares and its attributes.
pub fn kind_doc(kind: Kind) -> String {
    let table = schema::attrs(kind);
    let required: Vec<_> = table
        .iter()
        .filter(|s| s.required)
        .map(|s| match s.unless {
            Some(u) => format!("`{}` (unless `{u}`)", s.name),
            None => format!("`{}`", s.name),
        })
        .collect();
    let all: Vec<_> = table.iter().map(|s| format!("`{}`", s.name)).collect();
    let mut out = format!("**{kind}** — a declaration kind");
    if kind == Kind::Template {
        out.push_str("\n\n`template NAME for KIND { param … }`: a parameterised declaration.");
    }
    if !required.is_empty() {
        out.push_str(&format!("\n\nRequired: {}", required.join(", ")));
    }
    if !all.is_empty() {
        out.push_str(&format!("\n\nAttributes: {}", all.join(", ")));
    }
    out
}

/// An attribute row: name, type, required or default, doc.
pub fn attr_doc(spec: &AttrSpec) -> String {
    let mut out = format!("**{}**: `{}`", spec.name, spec.ty.describe());
    if let Some(r) = spec.requirement() {
        out.push_str(&format!(" — {r}"));
    }
    if let Some(c) = spec.condition() {
        out.push_str(&format!(" — {c}"));
    }
    if let Some(d) = spec.default {
        out.push_str(&format!(" — default `{}`", default_text(d)));
    }
    out.push_str("\n\n");
    out.push_str(spec.doc);
    out
}
