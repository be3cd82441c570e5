//! Stage 7, `emit`: writes the sealed bundle and `pmth.lock` (BUNDLE.md), and
//! checks bundles (`pmth verify`) and makes signing keys (`pmth keygen`).
//!
//! What lives here: the registry file ([`registry`]), canonical JSON ([`jcs`]),
//! the DSSE/in-toto/SLSA seal ([`seal`]), ECDSA P-256 keys and signatures
//! ([`sign`]), the lock ([`lock`]), the OPA bundle ([`opa`], [`tar`]),
//! all-or-nothing writes ([`write`]), verification ([`verify`]), key
//! generation ([`keygen`]). The registry's JSON Schema is generated from the
//! attribute tables by [`crate::schema::registry_schema`] and published as
//! `docs/registry.schema.json` (a test here keeps it fresh).
//! What does not: building the registry (`check`), evaluating policies
//! (`govern`), printing anything (the binary).
//!
//! Everything is computed in memory first; only when no error was found (lock
//! drift under `--locked`, a warning under `--deny-warnings`) is anything
//! written, and then all at once ([`write::commit`]).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::indexing_slicing))]

pub mod jcs;
pub mod keygen;
pub mod lock;
pub mod opa;
mod paths;
pub mod registry;
pub mod seal;
pub mod sign;
pub mod tar;
pub mod verify;
pub mod write;

pub use keygen::{keygen, KeyPair};
pub use verify::{verify, verify_seal, Failure, VerifyReport};

use crate::ast::Kind;
use crate::diag::{Diagnostic, Severity};
use crate::source::{FileId, FileKind, Span};
use crate::{Compilation, StageTiming};
use sign::SignKey;
use std::path::{Path, PathBuf};
use std::time::Instant;

// Public Interface

/// `registry.json`
pub const REGISTRY: &str = "registry.json";
/// `registry.seal.json`
pub const SEAL: &str = "registry.seal.json";
/// `pmth.lock`, next to `pmth.toml`.
pub const LOCK: &str = "pmth.lock";

/// What `pmth build` was asked for.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The bundle folder (`-o`, default `dist` in the workspace).
    pub out_dir: PathBuf,
    /// A PKCS#8 PEM private key (`--sign KEY`).
    pub sign_key: Option<PathBuf>,
    /// CI mode: fail with PM0801 instead of changing `pmth.lock`; write nothing.
    pub locked: bool,
    /// Also write `bundle.tar.gz`, an OPA bundle.
    pub opa: bool,
    /// `--deny-warnings`: the warnings `emit` finds (PM0802) become errors.
    pub deny_warnings: bool,
}

/// What a build did. Its diagnostics (PM0801, PM0802) are added to the compilation's.
#[derive(Clone, Debug, Default)]
pub struct BuildReport {
    /// False when nothing was written (the compilation or the build had errors).
    pub written: bool,
    pub out_dir: PathBuf,
    /// The files of the bundle, by name.
    pub files: Vec<String>,
    /// `sha256:` of `registry.json` (the OPA bundle's revision).
    pub registry_digest: String,
    /// The keyid of the signing key.
    pub signed_by: Option<String>,
    /// `pmth.lock` was (or, when not written, would have been) changed.
    pub lock_changed: bool,
    /// One note per change to `pmth.lock`.
    pub notes: Vec<String>,
}

/// Why a build could not run at all (exit 2).
#[derive(Debug)]
pub enum EmitError {
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A key file that is not a usable P-256 key.
    Key { path: PathBuf, message: String },
    /// An output (or bundle) path that cannot be used.
    Output { path: PathBuf, message: String },
    /// A malformed environment variable (`SOURCE_DATE_EPOCH`).
    Env { name: &'static str, message: String },
    /// A bug: what the compiler produced cannot be written.
    Internal(String),
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmitError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            EmitError::Key { path, message } => {
                write!(f, "cannot use {} as a key: {message}", path.display())
            }
            EmitError::Output { path, message } => write!(f, "{} {message}", path.display()),
            EmitError::Env { name, message } => write!(f, "{name}: {message}"),
            EmitError::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl std::error::Error for EmitError {}

/// Writes the bundle for a compilation without errors, and updates the lock.
/// PM0801 and PM0802 diagnostics are appended to `comp.diagnostics` (which is re-sorted),
/// a `pmth.lock` file is added to its sources when one is reported on, and an
/// `emit` timing is recorded.
pub fn build(comp: &mut Compilation, opts: &BuildOptions) -> Result<BuildReport, EmitError> {
    let start = Instant::now();
    let result = build_inner(comp, opts);
    comp.timings.push(StageTiming {
        stage: "emit",
        time: start.elapsed(),
    });
    result
}

fn build_inner(comp: &mut Compilation, opts: &BuildOptions) -> Result<BuildReport, EmitError> {
    let mut report = BuildReport {
        out_dir: opts.out_dir.clone(),
        ..BuildReport::default()
    };
    let (Some(checked), false) = (comp.checked.as_ref(), comp.diagnostics.has_errors()) else {
        return Ok(report);
    };
    let governance = comp.governance.clone().unwrap_or_default();
    let ws = &comp.workspace;
    let key = opts.sign_key.as_deref().map(read_key).transpose()?;
    let epoch = source_date_epoch()?;
    write::check_out_dir(&opts.out_dir, &ws.root).map_err(|message| EmitError::Output {
        path: opts.out_dir.clone(),
        message,
    })?;
    let mut diags: Vec<Diagnostic> = Vec::new();

    // registry.json
    if let Some(e) = checked.registry.number_error() {
        return Err(EmitError::Internal(e.to_string()));
    }
    let reg_bytes = registry::assemble(checked, &governance)
        .to_canonical()
        .map_err(|e| EmitError::Internal(e.to_string()))?
        .into_bytes();
    let reg_sha256 = jcs::sha256_hex(&reg_bytes);
    report.registry_digest = format!("sha256:{reg_sha256}");
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut subjects = vec![seal::Subject {
        name: REGISTRY.into(),
        sha256: reg_sha256,
    }];

    // bundle.tar.gz
    if opts.opa {
        let config = ws.manifest.as_ref().map(|m| &m.governance.data);
        let data = registry::data_document(checked, config);
        match data.check_numbers(&mut String::new()) {
            Ok(()) => {
                let policies = policy_texts(comp, &governance);
                let gz = opa::build(&report.registry_digest, &data, &policies, key.as_ref())
                    .map_err(EmitError::Internal)?;
                subjects.push(seal::Subject {
                    name: opa::BUNDLE.into(),
                    sha256: jcs::sha256_hex(&gz),
                });
                files.push((opa::BUNDLE, gz));
            }
            Err(e) => {
                let at = ws
                    .manifest
                    .as_ref()
                    .and_then(|m| m.governance.span)
                    .unwrap_or_else(|| Span::new(ws.manifest_file, 0, 0));
                diags.push(
                    Diagnostic::new(
                        "PM0003",
                        at,
                        format!("[governance.data] cannot go into the OPA bundle: {e}"),
                    )
                    .label("in this table")
                    .help("write the number as a string, or keep it within ±9007199254740992"),
                );
            }
        }
    }

    // registry.seal.json
    let inputs = registry::inputs(ws, &governance);
    // The loader only admits normalised workspace-relative paths; a bundle
    // never holds anything else (LANGUAGE.md §1).
    if let Some((name, why)) = inputs
        .iter()
        .find_map(|i| paths::check(&i.name).err().map(|why| (&i.name, why)))
    {
        return Err(EmitError::Internal(format!("input path `{name}` {why}")));
    }
    let package = ws
        .manifest
        .as_ref()
        .map(|m| (m.name.clone(), m.version.to_string()))
        .unwrap_or_default();
    let statement = seal::statement(
        &subjects,
        &seal::Provenance {
            package: (&package.0, &package.1),
            opa: opts.opa,
            inputs: &inputs,
            epoch,
        },
    );
    let payload =
        seal::payload_bytes(&statement).map_err(|e| EmitError::Internal(e.to_string()))?;
    let envelope = seal::envelope(&payload, key.as_ref());
    let seal_bytes = jcs::to_vec(&envelope).map_err(|e| EmitError::Internal(e.to_string()))?;
    files.push((REGISTRY, reg_bytes));
    files.push((SEAL, seal_bytes));
    files.sort();
    report.files = files.iter().map(|(n, _)| (*n).to_owned()).collect();
    report.signed_by = key.as_ref().map(|k| k.keyid().to_owned());

    // pmth.lock
    let lock_path = ws.root.join(LOCK);
    let facts = lock::LockFacts {
        stdlib_version: registry::STDLIB_VERSION.into(),
        stdlib_digest: format!("sha256:{}", registry::stdlib_sha256()),
        policies: inputs
            .iter()
            .filter(|i| i.role == registry::Role::Policy)
            .map(|i| (i.name.clone(), format!("sha256:{}", i.sha256)))
            .collect(),
        decls: registry::versioned_decls(&checked.registry, &checked.references),
        tools: registry::tool_fingerprints(&checked.registry),
        resolves: std::borrow::Cow::Borrowed(&checked.references),
    };
    let new_lock = lock::render(&facts);
    if !crate::load::stays_inside(&ws.root, &lock_path) {
        return Err(EmitError::Output {
            path: lock_path,
            message: "is a symbolic link that leaves the workspace (or points nowhere); \
                      it is not read: remove it"
                .into(),
        });
    }
    let old_lock = match std::fs::read_to_string(&lock_path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(EmitError::Io {
                path: lock_path,
                error,
            })
        }
    };
    let mut diff = lock::compare(old_lock.as_deref(), &new_lock);
    // Say what changed about each tool whose fingerprint did, from the
    // previous bundle when it is the one the lock describes.
    let explained = explain_tools(&opts.out_dir, checked, &diff.tools_changed);
    for (id, what) in &explained {
        let start = lock::tool_changed_note(id);
        if let Some(n) = diff.notes.iter_mut().find(|n| n.starts_with(&start)) {
            *n = format!("pmth.lock: tool `{id}` changed: {what}");
        }
    }
    report.lock_changed = diff.changed;
    report.notes = diff.notes.clone();
    // PM0802 on each versioned declaration changed in place.
    for (id, old, new) in &diff.changed_in_place {
        if let Some(header) = decl_header(comp, id) {
            diags.push(changed_in_place(header, id, old, new));
        }
    }
    // PM0801 goes on line 1 of pmth.lock (added to the sources to be shown).
    if opts.locked && diff.changed {
        let text = old_lock.clone().unwrap_or_default();
        let first = text.lines().next().map_or(0, str::len);
        let at = Span::new(lock_file(comp, &text), 0, first);
        let (message, note) = match &old_lock {
            Some(old) => (
                "pmth.lock is out of date",
                lock::unified_diff(old, &new_lock),
            ),
            None => ("pmth.lock is missing", lock::unified_diff("", &new_lock)),
        };
        let mut d = Diagnostic::new("PM0801", at, message)
            .label("this build would change it (`--locked`)")
            .note(note);
        for (id, _, _) in &diff.tools_changed {
            let what = explained
                .iter()
                .find(|(t, _)| t == id)
                .map_or("its description, title, schemas or hints", |(_, w)| {
                    w.as_str()
                });
            d = d.note(format!(
                "tool `{id}` changed since the lock was written: {what}"
            ));
        }
        diags.push(
            d.help("run `pmth build` without `--locked`, review the lock diff and commit it"),
        );
    }

    let deny = opts.deny_warnings;
    comp.diagnostics.extend(diags.into_iter().map(|mut d| {
        if deny {
            d.severity = Severity::Error;
        }
        d
    }));
    comp.diagnostics.finish(&comp.workspace.sources);
    if comp.diagnostics.has_errors() {
        return Ok(report);
    }

    let named: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let lock_write = diff
        .changed
        .then_some((lock_path.as_path(), new_lock.as_bytes()));
    write::recover(&opts.out_dir, &lock_path);
    write::commit(&opts.out_dir, &named, lock_write)
        .map_err(|(path, error)| EmitError::Io { path, error })?;
    report.written = true;
    Ok(report)
}

fn read_key(path: &Path) -> Result<SignKey, EmitError> {
    let pem = std::fs::read_to_string(path).map_err(|error| EmitError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    SignKey::from_pem(&pem).map_err(|e| EmitError::Key {
        path: path.to_path_buf(),
        message: e.0,
    })
}

/// `SOURCE_DATE_EPOCH` when set (an integer number of seconds).
fn source_date_epoch() -> Result<Option<i64>, EmitError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => v.trim().parse().map(Some).map_err(|_| EmitError::Env {
            name: "SOURCE_DATE_EPOCH",
            message: format!("`{v}` is not an integer number of seconds"),
        }),
        Err(_) => Ok(None),
    }
}

/// `(display path, text)` of each policy that took part in governance.
fn policy_texts(
    comp: &Compilation,
    gov: &crate::govern::GovernanceReport,
) -> Vec<(String, String)> {
    gov.policies
        .iter()
        .filter_map(|p| p.get("path")?.as_str())
        .filter_map(|path| {
            let f = comp.workspace.sources.by_path(path)?;
            Some((path.to_owned(), f.text.clone()))
        })
        .collect()
}

/// PM0802 (warning): a versioned declaration changed in place, on its header.
fn changed_in_place(header: Span, id: &str, old: &str, new: &str) -> Diagnostic {
    let version = id.split_once('@').map_or("", |(_, v)| v);
    Diagnostic::new(
        "PM0802",
        header,
        format!("`{id}` changed, but its version did not"),
    )
    .label(format!("changed, still version {version}"))
    .note(format!("pmth.lock records {old}; this build has {new}"))
    .help("a published version is immutable: bump the version, or revert the change")
}

/// What changed about each tool whose fingerprint changed, `(ID, what)`,
/// read from the bundle in `out_dir` when its tool still has the old
/// fingerprint (so that it is the version the lock describes).
fn explain_tools(
    out_dir: &Path,
    checked: &crate::check::Checked,
    changed: &[(String, String, String)],
) -> Vec<(String, String)> {
    if changed.is_empty() {
        return Vec::new();
    }
    let Some(old) = std::fs::read_to_string(out_dir.join(REGISTRY))
        .ok()
        .and_then(|t| crate::diff::Side::from_registry_json(&t).ok())
    else {
        return Vec::new();
    };
    changed
        .iter()
        .filter_map(|(id, before, _)| {
            let was = old.decl(Kind::Tool, id)?;
            if &lock::tool_fingerprint(&was) != before {
                return None;
            }
            let now = checked.registry.decl(Kind::Tool, id)?;
            let pick = |v: &serde_json::Value| {
                let mut m = serde_json::Map::new();
                for k in lock::FINGERPRINTED {
                    if let Some(x) = v.get(*k) {
                        m.insert((*k).to_owned(), x.clone());
                    }
                }
                serde_json::Value::Object(m)
            };
            let details = crate::diff::decl::compare(Kind::Tool, &pick(&was), &pick(&now));
            let what: Vec<String> = details
                .iter()
                .map(|d| {
                    let path = if d.path.is_empty() {
                        String::new()
                    } else {
                        format!("{}: ", d.path)
                    };
                    format!("{path}{} ({})", d.message, d.class.as_str())
                })
                .collect();
            (!what.is_empty()).then(|| (id.clone(), what.join("; ")))
        })
        .collect()
}

/// The header of the declaration `KIND.ID`.
fn decl_header(comp: &Compilation, id: &str) -> Option<Span> {
    let (kind, decl_id) = id.split_once('.')?;
    let kind = Kind::from_keyword(kind)?;
    let checked = comp.checked.as_ref()?;
    let unit = checked
        .units
        .get(*checked.index.get(&(kind, decl_id.to_owned()))?)?;
    Some(unit.decl.header)
}

/// The id of `pmth.lock` in the compilation's sources, added when missing.
fn lock_file(comp: &mut Compilation, text: &str) -> FileId {
    match comp.workspace.sources.by_path(LOCK) {
        Some(f) => f.id,
        None => comp
            .workspace
            .sources
            .add(LOCK.into(), FileKind::Lock, text.to_owned(), false),
    }
}

#[cfg(test)]
mod tests;
