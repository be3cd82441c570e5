//! Rename and prepareRename: a declaration of any kind (every version of its
//! name, every reference in every file, `@REQ` kept; for a template, every
//! instance's `template.NAME`), or a workflow step (its `step NAME` and every
//! `step.NAME` inside its workflow), or a template param (its `param NAME`,
//! every `param.NAME` and `${NAME}` in the template and the templates extending
//! it, and the argument `NAME = …` of every instance of them). A name already taken or not an identifier
//! is refused with a message, as is anything in the stdlib.

use crate::handlers::{self, Ctx, DocRef};
use crate::lookup::Analysis;
use lsp_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};
use pmth_compiler::ast::{walk_block_values, Block, DeclBody, Item, Kind, StrPart, ValueKind};
use pmth_compiler::source::Span;

pub fn prepare_rename(
    ctx: &Ctx,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, String> {
    let doc = ctx.doc(&params.text_document.uri).ok_or(NOT_OPEN)?;
    let an = ctx.analysis(&doc).ok_or(NOT_CHECKED)?;
    let target = target(&an, &doc, doc.offset(params.position))?;
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: doc.range(target.at.start as usize, target.at.end as usize),
        placeholder: target.name,
    }))
}

pub fn rename(ctx: &Ctx, params: RenameParams) -> Result<Option<WorkspaceEdit>, String> {
    let pos = &params.text_document_position;
    let doc = ctx.doc(&pos.text_document.uri).ok_or(NOT_OPEN)?;
    let an = ctx.analysis(&doc).ok_or(NOT_CHECKED)?;
    let target = target(&an, &doc, doc.offset(pos.position))?;
    let new = params.new_name.trim();
    if new == target.name {
        return Ok(Some(WorkspaceEdit::default()));
    }
    if !valid_name(new, target.dotted) {
        return Err(format!(
            "`{new}` is not a valid name: letters, digits and `_`, not starting with a digit{}",
            if target.dotted {
                ", `.` between segments"
            } else {
                ""
            }
        ));
    }
    if let Some(taken) = (target.taken)(&an, new) {
        return Err(taken);
    }
    Ok(Some(workspace_edit(&an, &target.edits, new)))
}

const NOT_OPEN: &str = "the document is not open";
const NOT_CHECKED: &str =
    "the workspace has not been checked with this text yet; try again in a moment";

/// Why a new name is refused, if it is (`None`: free).
type Taken = Box<dyn Fn(&Analysis, &str) -> Option<String>>;

/// What a rename at a position would change.
struct Target {
    /// The name as it is.
    name: String,
    /// The name under the cursor (in the document).
    at: Span,
    /// Every span holding the name.
    edits: Vec<Span>,
    /// Capability names are dotted.
    dotted: bool,
    /// Why a new name is refused (already taken), if it is.
    taken: Taken,
}

fn target(an: &Analysis, doc: &DocRef, offset: usize) -> Result<Target, String> {
    let file = an.file.ok_or(NOT_CHECKED)?;
    let off = u32::try_from(offset).unwrap_or(u32::MAX);
    if let Some(t) = step_target(an, file.id, off) {
        return Ok(t);
    }
    if let Some(t) = param_target(an, file.id, off) {
        return Ok(t);
    }
    let unit = an
        .target_at(doc.text, offset)
        .ok_or("nothing to rename here: put the cursor on a declaration's name or a reference")?;
    let u = an.unit(unit).ok_or("nothing to rename here")?;
    let (kind, name) = (u.decl.kind, u.decl.name.name.to_string());
    let edits = declaration_edits(an, kind, &name);
    let sources = an.comp.sources();
    if edits
        .iter()
        .any(|s| sources.get(s.file).is_none_or(|f| f.stdlib))
    {
        return Err(format!(
            "{kind} `{name}` is declared in the standard library: it cannot be renamed"
        ));
    }
    let at = edits
        .iter()
        .copied()
        .filter(|s| s.file == file.id && s.start <= off && off <= s.end)
        .min_by_key(|s| s.len())
        .ok_or("nothing to rename here: put the cursor on the name")?;
    let taken: Taken = if kind == Kind::Capability {
        let old = name.clone();
        Box::new(move |an, new| capability_taken(an, &old, new))
    } else {
        Box::new(move |an, new| {
            an.by_name(kind, new)
                .map(|_| format!("{kind} `{new}` already exists: choose another name"))
        })
    };
    Ok(Target {
        name,
        at,
        edits,
        dotted: kind == Kind::Capability,
        taken,
    })
}

/// Why renaming capability `old` (and with it its descendants, `old.x` → `new.x`)
/// to `new` is refused: a name it would take exists, the new parent does not,
/// or the new name is inside the renamed family.
fn capability_taken(an: &Analysis, old: &str, new: &str) -> Option<String> {
    if new.starts_with(&format!("{old}.")) {
        return Some(format!(
            "`{new}` is below `{old}`: a capability cannot move under itself"
        ));
    }
    for (full, _) in an.names(Kind::Capability) {
        if let Some(rest) = family_rest(full, old) {
            let moved = format!("{new}{rest}");
            if an.by_name(Kind::Capability, &moved).is_some() {
                return Some(format!(
                    "capability `{moved}` already exists: choose another name"
                ));
            }
        }
    }
    match new.rsplit_once('.') {
        Some((parent, _)) if an.by_name(Kind::Capability, parent).is_none() => Some(format!(
            "capability `{parent}` does not exist: a dotted name needs its parent"
        )),
        _ => None,
    }
}

/// For a capability `full` in the family of `root` (itself or below it), the
/// part after `root` (`""` or `.x.y`).
fn family_rest<'a>(full: &'a str, root: &str) -> Option<&'a str> {
    let rest = full.strip_prefix(root)?;
    (rest.is_empty() || rest.starts_with('.')).then_some(rest)
}

/// Every span spelling the name of the declarations `kind NAME` (all versions):
/// their own names, the name part of every reference resolved to one of them,
/// and for a template the name in every instance. For a capability, its
/// descendants' names too (`NAME.x`): the spans then cover the `NAME` part
/// only. Sorted, without duplicates.
fn declaration_edits(an: &Analysis, kind: Kind, name: &str) -> Vec<Span> {
    let in_family = |n: &str| match kind {
        Kind::Capability => family_rest(n, name).is_some(),
        _ => n == name,
    };
    let units: std::collections::HashSet<usize> = an
        .checked
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.decl.kind == kind && in_family(&u.decl.name.name))
        .map(|(i, _)| i)
        .collect();
    let prefix = |s: Span| Span::new(s.file, s.start as usize, s.start as usize + name.len());
    let sources = an.comp.sources();
    let mut out: Vec<Span> = units
        .iter()
        .filter_map(|&i| an.unit(i))
        .map(|u| prefix(u.decl.name.span))
        .collect();
    for (span, t) in &an.checked.refs {
        if !units.contains(&t.unit) {
            continue;
        }
        let Some(u) = an.unit(t.unit) else { continue };
        out.extend(name_in_reference(sources.slice(*span), *span, &u.decl.name.name).map(prefix));
    }
    if kind == Kind::Template {
        for u in &an.checked.units {
            if let Some(o) = &u.origin {
                if sources.slice(o.template_name) == name {
                    out.push(o.template_name);
                }
            }
            if let DeclBody::Template(t) = &u.decl.body {
                if let Some(r) = t.extends.as_ref().filter(|r| r.name == name) {
                    out.push(r.name_span);
                }
            }
        }
    }
    out.sort_by_key(|s| (s.file, s.start));
    out.dedup();
    out
}

/// The span of `name` in a reference `KIND.NAME[@REQ]` written as `text` at `span`.
fn name_in_reference(text: &str, span: Span, name: &str) -> Option<Span> {
    let dot = text.find('.')?;
    let start = dot + 1;
    let end = start + name.len();
    let after = text.get(end..).unwrap_or("");
    let whole =
        after.is_empty() || after.starts_with('@') || after.starts_with(char::is_whitespace);
    (text.get(start..end) == Some(name) && whole).then(|| {
        Span::new(
            span.file,
            span.start as usize + start,
            span.start as usize + end,
        )
    })
}

/// A step of the workflow at `off`, when the cursor is on its `step NAME` or
/// on a `step.NAME` inside that workflow (or workflow template).
fn step_target(an: &Analysis, file: u32, off: u32) -> Option<Target> {
    let inside = |s: Span| s.file == file && s.start <= off && off <= s.end;
    let unit = an
        .checked
        .units
        .iter()
        .find(|u| u.origin.is_none() && u.decl.span.file == file && inside(u.decl.span))?;
    let body = match &unit.decl.body {
        DeclBody::Attrs(b) if unit.decl.kind == Kind::Workflow => b,
        DeclBody::Template(t) if t.for_kind == Kind::Workflow => &t.body,
        _ => return None,
    };
    let uses = step_uses(body);
    let (name, at) = uses.iter().find(|(_, s)| inside(*s)).cloned()?;
    let steps: Vec<String> = body
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Step(s) => Some(s.name.name.to_string()),
            _ => None,
        })
        .collect();
    if !steps.contains(&name) {
        return None;
    }
    let mut edits: Vec<Span> = uses
        .into_iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, s)| s)
        .collect();
    edits.sort_by_key(|s| s.start);
    edits.dedup();
    Some(Target {
        name,
        at,
        edits,
        dotted: false,
        taken: Box::new(move |_, new| {
            steps.iter().any(|s| s == new).then(|| {
                format!("step `{new}` already exists in this workflow: choose another name")
            })
        }),
    })
}

/// Every step name of a workflow body with its span: `step NAME` headers and
/// the `NAME` of every `step.NAME…` path.
fn step_uses(body: &Block) -> Vec<(String, Span)> {
    let mut out: Vec<(String, Span)> = Vec::new();
    for item in &body.items {
        if let Item::Step(s) = item {
            out.push((s.name.name.to_string(), s.name.span));
        }
    }
    walk_block_values(body, &mut |v| {
        if let ValueKind::Path(segs) = &v.kind {
            if let [first, second, ..] = segs.as_slice() {
                if first.name == "step" {
                    out.push((second.name.to_string(), second.span));
                }
            }
        }
    });
    out
}

/// A template param, when the cursor is on its `param NAME`, a `param.NAME` or
/// `${NAME}` in a template body, or an instance's argument `NAME = …`.
fn param_target(an: &Analysis, file: u32, off: u32) -> Option<Target> {
    let inside = |s: Span| s.file == file && s.start <= off && off <= s.end;
    let templates = Templates::of(an);
    // The template (by name) and the param name under the cursor.
    let (start, name, at) = templates
        .all
        .iter()
        .filter(|t| inside(t.span))
        .find_map(|t| {
            let (n, s) = param_uses(t.body).into_iter().find(|(_, s)| inside(*s))?;
            Some((t.name.clone(), n, s))
        })
        .or_else(|| {
            an.checked.units.iter().find_map(|u| {
                let o = u.origin.as_ref()?;
                let a = o.args.iter().find(|a| inside(a.name.span))?;
                let template = o.template.split('@').next().unwrap_or("").to_owned();
                Some((template, a.name.name.to_string(), a.name.span))
            })
        })?;
    let declarer = templates.declarer(&start, &name)?;
    let family = templates.family(&declarer);
    let mut edits: Vec<Span> = Vec::new();
    for t in templates.all.iter().filter(|t| family.contains(&t.name)) {
        edits.extend(
            param_uses(t.body)
                .into_iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, s)| s),
        );
    }
    for u in &an.checked.units {
        let Some(o) = &u.origin else { continue };
        let template = o.template.split('@').next().unwrap_or("");
        if family.iter().any(|f| f == template) {
            edits.extend(
                o.args
                    .iter()
                    .filter(|a| a.name.name == name)
                    .map(|a| a.name.span),
            );
        }
    }
    edits.sort_by_key(|s| (s.file, s.start));
    edits.dedup();
    let taken: Vec<String> = templates
        .all
        .iter()
        .filter(|t| family.contains(&t.name) || templates.ancestors(&declarer).contains(&t.name))
        .flat_map(|t| t.params.iter().cloned())
        .collect();
    Some(Target {
        name,
        at,
        edits,
        dotted: false,
        taken: Box::new(move |_, new| {
            taken.iter().any(|p| p == new).then(|| {
                format!("param `{new}` already exists in this template: choose another name")
            })
        }),
    })
}

/// One template declaration, for param renames.
struct TemplateInfo<'a> {
    name: String,
    span: Span,
    body: &'a Block,
    extends: Option<String>,
    params: Vec<String>,
}

struct Templates<'a> {
    all: Vec<TemplateInfo<'a>>,
}

impl<'a> Templates<'a> {
    fn of(an: &Analysis<'a>) -> Templates<'a> {
        let all = an
            .checked
            .units
            .iter()
            .filter_map(|u| match &u.decl.body {
                DeclBody::Template(t) => Some(TemplateInfo {
                    name: u.decl.name.name.to_string(),
                    span: u.decl.span,
                    body: &t.body,
                    extends: t.extends.as_ref().map(|r| r.name.clone()),
                    params: t.params().map(|p| p.name.name.to_string()).collect(),
                }),
                _ => None,
            })
            .collect();
        Templates { all }
    }

    fn get(&self, name: &str) -> Option<&TemplateInfo<'a>> {
        self.all.iter().find(|t| t.name == name)
    }

    /// `name` and the templates it extends, nearest first (a cycle stops).
    fn ancestors(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut at = Some(name.to_owned());
        while let Some(n) = at.take().filter(|n| !out.contains(n)) {
            at = self.get(&n).and_then(|t| t.extends.clone());
            out.push(n);
        }
        out
    }

    /// The template among `start` and its ancestors that declares `param`.
    fn declarer(&self, start: &str, param: &str) -> Option<String> {
        self.ancestors(start).into_iter().find(|n| {
            self.get(n)
                .is_some_and(|t| t.params.iter().any(|p| p == param))
        })
    }

    /// `root` and every template extending it, directly or not.
    fn family(&self, root: &str) -> Vec<String> {
        self.all
            .iter()
            .filter(|t| self.ancestors(&t.name).iter().any(|a| a == root))
            .map(|t| t.name.clone())
            .collect()
    }
}

/// Every param name of a template body with its span: `param NAME` lines, the
/// `NAME` of `param.NAME` paths and of `${NAME}` interpolations.
fn param_uses(body: &Block) -> Vec<(String, Span)> {
    let mut out: Vec<(String, Span)> = Vec::new();
    for item in &body.items {
        if let Item::Param(p) = item {
            out.push((p.name.name.to_string(), p.name.span));
        }
    }
    walk_block_values(body, &mut |v| match &v.kind {
        ValueKind::Path(segs) => {
            if let [first, second, ..] = segs.as_slice() {
                if first.name == "param" {
                    out.push((second.name.to_string(), second.span));
                }
            }
        }
        ValueKind::Str(s) => {
            for part in &s.parts {
                if let StrPart::Interp(id) = part {
                    // The span covers `${name}`.
                    let (start, end) = (
                        id.span.start as usize + 2,
                        (id.span.end as usize).saturating_sub(1),
                    );
                    if end == start + id.name.len() {
                        out.push((id.name.to_string(), Span::new(id.span.file, start, end)));
                    }
                }
            }
        }
        _ => {}
    });
    out
}

/// An identifier (`[A-Za-z_][A-Za-z0-9_]*`), or dotted ones for a capability.
fn valid_name(name: &str, dotted: bool) -> bool {
    let ident = |s: &str| {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if dotted {
        name.split('.').all(ident)
    } else {
        ident(name)
    }
}

fn workspace_edit(an: &Analysis, spans: &[Span], new: &str) -> WorkspaceEdit {
    handlers::workspace_edit(spans.iter().filter_map(|s| {
        let loc = an.span_location(*s)?;
        let edit = TextEdit {
            range: loc.range,
            new_text: new.to_owned(),
        };
        Some((loc.uri, edit))
    }))
}
