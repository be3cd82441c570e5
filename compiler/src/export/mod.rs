//! `pmth export DIST --to FORMAT`: turns a verified bundle's `registry.json`
//! into files other ecosystems load as they are (BUNDLE.md §6): MCP
//! (`tools/list` and MCP Registry `server.json`), A2A agent cards (optionally
//! signed), OpenAI function tools (strict where possible) and Open Agent Spec
//! components.
//!
//! Each format is a pure function of the registry JSON ([`export_registry`]):
//! it reads only the keys BUNDLE.md and LANGUAGE.md define, treats every
//! optional one as optional, and says what it cannot hold as a [`Note`] per
//! declaration. [`run`] adds the file system: verify the bundle first (with
//! [`crate::emit::verify`]), then write `DIR/<format>/` all at once
//! ([`crate::emit::write::commit`]). Every JSON file is RFC 8785 canonical.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::indexing_slicing))]

pub mod a2a;
pub mod agentspec;
pub mod mcp;
pub mod openai;

#[cfg(test)]
mod tests;

use crate::emit::sign::{SignKey, VerifyKey};
use crate::emit::{self, jcs, write, VerifyReport};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

// Public Interface

/// The formats `pmth export --to` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Mcp,
    A2a,
    Openai,
    Agentspec,
}

impl Format {
    /// Every format, in the order the docs list them.
    pub const ALL: [Format; 4] = [Format::Mcp, Format::A2a, Format::Openai, Format::Agentspec];

    /// The format's name on the command line and its folder under `DIR`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Mcp => "mcp",
            Format::A2a => "a2a",
            Format::Openai => "openai",
            Format::Agentspec => "agentspec",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a format could not hold of one declaration.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// `kind.id`, e.g. `tool.kb_search@1.4.0`.
    pub declaration: String,
    pub message: String,
}

/// One format's output, in memory.
#[derive(Clone, Debug, Default)]
pub struct Export {
    /// Paths relative to `DIR/<format>/`, `/`-separated, sorted, with their bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Sorted by declaration, then message.
    pub notes: Vec<Note>,
    /// How many of each thing were written (`tools`, `servers`, `cards`, `agents`, `remote_agents`, `flows`, `strict`).
    pub counts: BTreeMap<&'static str, usize>,
}

/// How to export.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// `--sign KEY`: sign A2A cards (other formats have no signature).
    pub sign: Option<SignKey>,
}

/// What [`run`] did.
#[derive(Clone, Debug)]
pub struct ExportReport {
    pub format: Format,
    /// `DIR/<format>`.
    pub out_dir: PathBuf,
    pub export: Export,
    /// The bundle's verification (integrity, and the signature with `--key`).
    pub verify: VerifyReport,
}

/// Why nothing was exported.
#[derive(Debug)]
pub enum ExportError {
    /// The bundle failed verification: nothing is written.
    Verify(VerifyReport),
    /// The command cannot run (no bundle, unreadable key, bad output folder, I/O).
    Cannot(String),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Verify(r) => write!(f, "`{}` failed verification", r.dist.display()),
            ExportError::Cannot(m) => f.write_str(m),
        }
    }
}

/// Verifies the bundle in `dist` (integrity; the signature too with `key`),
/// exports its registry as `format` and writes `out/<format>/` atomically.
/// `out` must not be inside `dist`.
pub fn run(
    dist: &Path,
    out: &Path,
    format: Format,
    key: Option<&Path>,
    opts: &ExportOptions,
) -> Result<ExportReport, ExportError> {
    let out_abs = write::absolute(out);
    let dist_abs = write::absolute(dist);
    if out_abs.starts_with(&dist_abs) {
        return Err(ExportError::Cannot(format!(
            "`{}` is inside the bundle `{}`, whose every file the seal covers: export somewhere else (`-o DIR`)",
            out.display(),
            dist.display()
        )));
    }
    if out.exists() && !out.is_dir() {
        return Err(ExportError::Cannot(format!(
            "`{}` exists and is not a folder: export into a folder (`-o DIR`)",
            out.display()
        )));
    }
    let cannot = |e: emit::EmitError| ExportError::Cannot(e.to_string());
    let key = key
        .map(emit::verify::read_key)
        .transpose()
        .map_err(cannot)?;
    // The registry as the verification parsed it: read and parsed once.
    let (verify, registry) =
        emit::verify::verify_keeping(dist, key.as_ref(), key.is_none()).map_err(cannot)?;
    if !verify.ok() {
        return Err(ExportError::Verify(verify));
    }
    let Some(registry) = registry else {
        return Err(ExportError::Cannot(format!(
            "`{}` has no readable {}",
            dist.display(),
            emit::REGISTRY
        )));
    };
    let export = export_registry(&registry, format, opts).map_err(ExportError::Cannot)?;
    // Freeing the parsed registry (tens of thousands of nodes) overlaps the writing.
    std::thread::spawn(move || drop(registry));
    let out_dir = out.join(format.name());
    if let Ok(m) = std::fs::symlink_metadata(&out_dir) {
        if !m.is_dir() {
            return Err(ExportError::Cannot(format!(
                "`{}` exists and is not a folder",
                out_dir.display()
            )));
        }
    }
    let files: Vec<(&str, &[u8])> = export
        .files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    write::commit_with(&out_dir, &files, None, false)
        .map_err(|(p, e)| ExportError::Cannot(format!("cannot write `{}`: {e}", p.display())))?;
    Ok(ExportReport {
        format,
        out_dir,
        export,
        verify,
    })
}

/// The files and notes of `format` for a registry document.
pub fn export_registry(
    registry: &Json,
    format: Format,
    opts: &ExportOptions,
) -> Result<Export, String> {
    let reg = Registry::new(registry)?;
    let mut out = Out::default();
    match format {
        Format::Mcp => mcp::export(&reg, &mut out),
        Format::A2a => a2a::export(&reg, opts.sign.as_ref(), &mut out),
        Format::Openai => openai::export(&reg, &mut out),
        Format::Agentspec => agentspec::export(&reg, &mut out),
    }
    out.finish()
}

/// Checks the signatures of an exported A2A card (`pmth verify --card`):
/// `Ok(kid)` of the first signature that verifies with `key`, else why not.
pub fn verify_card(bytes: &[u8], key: &VerifyKey) -> Result<String, String> {
    a2a::verify_card(bytes, key)
}

// Internals shared by the formats

/// The registry document, read through the keys BUNDLE.md §1 defines.
pub(crate) struct Registry<'a> {
    pub doc: &'a Map<String, Json>,
}

/// A declaration: its registry id and its object.
pub(crate) type Decl<'a> = (&'a str, &'a Map<String, Json>);

impl<'a> Registry<'a> {
    fn new(doc: &'a Json) -> Result<Registry<'a>, String> {
        match doc.as_object() {
            Some(doc) if doc.get("format").and_then(Json::as_str) == Some("pmth.registry/v1") => {
                Ok(Registry { doc })
            }
            Some(_) => Err("registry.json is not a `pmth.registry/v1` document".into()),
            None => Err("registry.json is not a JSON object".into()),
        }
    }

    /// One map of declarations (`agents`, `tools`, …).
    pub fn map(&self, kind: &str) -> Option<&'a Map<String, Json>> {
        self.doc.get(kind).and_then(Json::as_object)
    }

    /// One declaration by id.
    pub fn get(&self, kind: &str, id: &str) -> Option<&'a Map<String, Json>> {
        self.map(kind)?.get(id)?.as_object()
    }

    /// The highest non-retired version of each name, sorted by name.
    pub fn latest(&self, kind: &str) -> Vec<Decl<'a>> {
        let mut best: BTreeMap<&'a str, Decl<'a>> = BTreeMap::new();
        for (id, v) in self.map(kind).into_iter().flatten() {
            let Some(d) = v.as_object() else { continue };
            if str_of(d, "status") == Some("retired") {
                continue;
            }
            let name = str_of(d, "name").unwrap_or(id.as_str());
            let newer = match best.get(name) {
                None => true,
                Some((_, old)) => version_of(d) > version_of(old),
            };
            if newer {
                best.insert(name, (id.as_str(), d));
            }
        }
        best.into_values().collect()
    }

    /// `[package]` from `pmth.toml`, as the registry carries it.
    pub fn package(&self, key: &str) -> Option<&'a str> {
        self.doc.get("package")?.get(key)?.as_str()
    }

    /// A declaration's version, or the package's for an unversioned one.
    pub fn version_or_package(&self, d: &'a Map<String, Json>) -> &'a str {
        str_of(d, "version")
            .or_else(|| self.package("version"))
            .unwrap_or("0.0.0")
    }

    /// The agents that may run a `select` of `capability`: the index's list,
    /// else the step's own `candidates` (older bundles).
    pub fn candidates(&self, capability: &str, step: &'a Map<String, Json>) -> Vec<&'a str> {
        let from_index = self
            .doc
            .get("index")
            .and_then(|i| i.get("capabilities"))
            .and_then(|c| c.get(capability))
            .and_then(|c| c.get("agents"));
        strs(from_index.or_else(|| step.get("candidates")))
    }
}

fn version_of(d: &Map<String, Json>) -> Option<semver::Version> {
    str_of(d, "version").and_then(|v| semver::Version::parse(v).ok())
}

/// A string attribute.
pub(crate) fn str_of<'a>(d: &'a Map<String, Json>, key: &str) -> Option<&'a str> {
    d.get(key).and_then(Json::as_str).filter(|s| !s.is_empty())
}

/// A list of strings (other items skipped).
pub(crate) fn strs(v: Option<&Json>) -> Vec<&str> {
    v.and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default()
}

/// The pmth id and digest of a declaration, for a format's extension field.
pub(crate) fn pmth_meta(id: &str, d: &Map<String, Json>) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("id".into(), Json::from(id));
    if let Some(digest) = str_of(d, "digest") {
        m.insert("digest".into(), Json::from(digest));
    }
    m
}

/// A name safe as a file name (the registry's names are identifiers; anything
/// else is refused rather than written outside the folder).
pub(crate) fn file_safe(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// What a format is building.
#[derive(Default)]
pub(crate) struct Out {
    files: BTreeMap<String, Json>,
    notes: Vec<Note>,
    counts: BTreeMap<&'static str, usize>,
}

impl Out {
    pub fn file(&mut self, path: String, doc: Json) {
        self.files.insert(path, doc);
    }
    pub fn note(&mut self, kind: &str, id: &str, message: impl Into<String>) {
        self.notes.push(Note {
            declaration: format!("{kind}.{id}"),
            message: message.into(),
        });
    }
    pub fn count(&mut self, what: &'static str, n: usize) {
        *self.counts.entry(what).or_default() += n;
    }
    fn finish(mut self) -> Result<Export, String> {
        self.notes.sort();
        self.notes.dedup();
        use rayon::prelude::*;
        let docs: Vec<(String, Json)> = self.files.into_iter().collect();
        let files = docs
            .into_par_iter()
            .map(|(path, doc)| match jcs::to_vec(&doc) {
                Ok(bytes) => Ok((path, bytes)),
                Err(e) => Err(format!("{path}: {e}")),
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Export {
            files,
            notes: self.notes,
            counts: self.counts,
        })
    }
}

/// `{k: v, …}` from pairs, skipping `None` values.
pub(crate) fn obj<const N: usize>(pairs: [(&str, Option<Json>); N]) -> Json {
    let mut m = Map::new();
    for (k, v) in pairs {
        if let Some(v) = v {
            m.insert(k.to_owned(), v);
        }
    }
    Json::Object(m)
}
