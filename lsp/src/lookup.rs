//! Finding declarations for hover, go-to-definition and references: the
//! resolved reference under a position (from the compiler's reference table
//! when the document's text is the one compiled), or by kind and name from the
//! text alone, and how a declaration is described and located.

use crate::convert;
use crate::cursor;
use lsp_types::Location;
use pmth_compiler::ast::{DeclBody, Kind, ValueKind};
use pmth_compiler::check::Checked;
use pmth_compiler::expand::Unit;
use pmth_compiler::source::{SourceFile, Span};
use pmth_compiler::Compilation;
use std::path::Path;

/// A document seen through its workspace's latest compilation.
pub struct Analysis<'a> {
    pub root: &'a Path,
    pub comp: &'a Compilation,
    pub checked: &'a Checked,
    /// The document in the compilation, when the compiled text is the editor's.
    pub file: Option<&'a SourceFile>,
}

impl<'a> Analysis<'a> {
    pub fn new(root: &'a Path, comp: &'a Compilation, path: &Path, text: &str) -> Option<Self> {
        let checked = comp.checked.as_ref()?;
        let file = comp
            .sources()
            .files()
            .iter()
            .find(|f| !f.stdlib && root.join(&f.path) == path && f.text == text);
        Some(Analysis {
            root,
            comp,
            checked,
            file,
        })
    }

    pub fn unit(&self, unit: usize) -> Option<&'a Unit> {
        self.checked.units.get(unit)
    }

    /// The declaration named at `offset` of `text`: a reference (resolved by the
    /// compiler, or looked up by kind and name), or a declaration's own name.
    pub fn target_at(&self, text: &str, offset: usize) -> Option<usize> {
        if let Some(file) = self.file {
            let off = u32::try_from(offset).unwrap_or(u32::MAX);
            let hit = self
                .checked
                .refs
                .iter()
                .filter(|(s, _)| s.file == file.id && s.start <= off && off <= s.end)
                .min_by_key(|(s, _)| s.len());
            if let Some((_, t)) = hit {
                return Some(t.unit);
            }
        }
        let word = cursor::word_at(text, offset)?;
        if let Some((kind, name)) = cursor::as_reference(word.text) {
            return self.by_name(kind, name);
        }
        // A declaration's own name: `agent NAME`, `template NAME`.
        let cx = cursor::context(text, word.start);
        if cx.frames.is_empty() {
            if let [k] = cx.header.as_slice() {
                return self.by_name(Kind::from_keyword(k)?, word.text);
            }
        }
        None
    }

    /// The declaration of this kind and name with the highest version.
    pub fn by_name(&self, kind: Kind, name: &str) -> Option<usize> {
        self.checked
            .units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.decl.kind == kind && u.decl.name.name == name)
            .max_by(|(_, a), (_, b)| version(a).cmp(&version(b)))
            .map(|(i, _)| i)
    }

    /// Where a declaration's name is, when it is in a file an editor can open.
    pub fn location(&self, unit: usize) -> Option<Location> {
        let u = self.unit(unit)?;
        self.span_location(u.decl.name.span)
    }

    pub fn span_location(&self, span: Span) -> Option<Location> {
        let file = self.comp.sources().get(span.file)?;
        let uri = convert::path_to_uri(&convert::file_path(self.root, file)?)?;
        Some(Location {
            uri,
            range: convert::range(file, span),
        })
    }

    /// Markdown for a declaration: kind and id, status, description, doc
    /// comment, template origin and where it is declared.
    pub fn describe(&self, unit: usize) -> Option<String> {
        let u = self.unit(unit)?;
        let d = &u.decl;
        let mut out = format!("**{}** `{}`", d.kind, d.id());
        if let Some(status) = word_attr(u, "status").filter(|s| s != "active") {
            out.push_str(&format!(" *({status})*"));
        }
        if d.is_broken() {
            out.push_str(" *(has a syntax error)*");
        }
        if let Some(desc) = str_attr(u, "description") {
            out.push_str("\n\n");
            out.push_str(&desc);
        }
        if let Some(doc) = d.doc.as_deref().filter(|doc| !doc.trim().is_empty()) {
            out.push_str("\n\n");
            out.push_str(doc.trim());
        }
        if let Some(origin) = &u.origin {
            out.push_str(&format!("\n\nInstance of `template.{}`.", origin.template));
        }
        let sources = self.comp.sources();
        let lc = sources.start(d.name.span);
        out.push_str(&format!(
            "\n\nDeclared in `{}:{}`",
            sources.path(d.name.span.file),
            lc.line
        ));
        Some(out)
    }

    /// The names declared for a kind, sorted, with the unit of each name's
    /// highest version (for completion).
    pub fn names(&self, kind: Kind) -> Vec<(&'a str, usize)> {
        let mut best: std::collections::BTreeMap<&str, usize> = Default::default();
        for (i, u) in self.checked.units.iter().enumerate() {
            if u.decl.kind != kind {
                continue;
            }
            let e = best.entry(u.decl.name.name.as_str()).or_insert(i);
            if self.unit(*e).is_some_and(|cur| version(cur) < version(u)) {
                *e = i;
            }
        }
        best.into_iter().collect()
    }
}

fn version(u: &Unit) -> Option<&semver::Version> {
    u.decl.version.as_ref().and_then(|v| v.value.as_ref())
}

fn body(u: &Unit) -> Option<&pmth_compiler::ast::Block> {
    match &u.decl.body {
        DeclBody::Attrs(b) => Some(b),
        DeclBody::Template(t) => Some(&t.body),
        DeclBody::Instance(i) => i.overrides.as_ref(),
        DeclBody::Broken => None,
    }
}

/// A plain string attribute of a declaration.
pub fn str_attr(u: &Unit, key: &str) -> Option<String> {
    match &body(u)?.attr(key)?.value.kind {
        ValueKind::Str(s) => s.as_plain(),
        _ => None,
    }
}

fn word_attr(u: &Unit, key: &str) -> Option<String> {
    match &body(u)?.attr(key)?.value.kind {
        ValueKind::Word(w) => Some(w.clone()),
        _ => None,
    }
}
