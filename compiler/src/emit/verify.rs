//! `pmth verify DIST --key PUB`: recomputes every digest of a bundle and checks
//! its signatures. Each problem is a [`Failure`] naming the file and what failed
//! (PM0901); the command exits 1 when there is any.
//!
//! Checked, in order: the seal is a DSSE envelope of an in-toto SLSA statement;
//! a signature verifies with the key (or `--allow-unsigned` says integrity
//! only); the folder holds exactly the seal and its subjects; each subject's
//! SHA-256; `registry.json` is canonical and each declaration's `digest` is its
//! own; the OPA bundle holds this registry, exactly the sealed policies, and a
//! `.signatures.json` that matches.

use super::opa;
use super::seal::{self, Subject};
use super::sign::{pae, VerifyKey};
use super::tar::Entry;
use super::write::BUNDLE_FILES;
use super::{jcs, EmitError, REGISTRY, SEAL};
use crate::ast::Kind;
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{FileKind, SourceMap, Span};
use serde_json::{Map, Value as Json};
use std::fs;
use std::path::{Path, PathBuf};

// Public Interface

/// What `verify` found.
#[derive(Clone, Debug, Default)]
pub struct VerifyReport {
    pub dist: PathBuf,
    /// Empty when the bundle verified.
    pub failures: Vec<Failure>,
    /// What was verified, one line each, for a human summary.
    pub checked: Vec<String>,
    /// The keyid whose signature verified.
    pub signed_by: Option<String>,
    /// No key was given and `--allow-unsigned` was: signatures were not checked.
    pub integrity_only: bool,
}

/// One failed check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The file it is about, relative to the bundle folder (`registry.json`).
    pub file: String,
    pub message: String,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// The failures as PM0901 diagnostics, each on its file (named `DIST/FILE`)
    /// in a source map of its own, for the usual renderers.
    pub fn diagnostics(&self) -> (SourceMap, Diagnostics) {
        let mut sources = SourceMap::new();
        let mut diags = Diagnostics::new();
        for f in &self.failures {
            let path = self.dist.join(&f.file).to_string_lossy().replace('\\', "/");
            let id = match sources.by_path(&path) {
                Some(file) => file.id,
                None => sources.add(path, FileKind::Bundle, String::new(), false),
            };
            diags.push(
                Diagnostic::new("PM0901", Span::new(id, 0, 0), f.message.clone())
                    .help("rebuild and republish the bundle; never edit files in it by hand"),
            );
        }
        diags.finish(&sources);
        (sources, diags)
    }

    fn fail(&mut self, file: &str, message: impl Into<String>) {
        self.failures.push(Failure {
            file: file.to_owned(),
            message: message.into(),
        });
    }
}

/// Verifies the bundle in `dist` with the public key at `key` (SPKI PEM).
/// `Err` (exit 2) when there is no bundle there or the key cannot be read.
pub fn verify(
    dist: &Path,
    key: Option<&Path>,
    allow_unsigned: bool,
) -> Result<VerifyReport, EmitError> {
    let key = key.map(read_key).transpose()?;
    verify_with(dist, key.as_ref(), allow_unsigned)
}

/// The public key (SPKI PEM) at `p`.
pub fn read_key(p: &Path) -> Result<VerifyKey, EmitError> {
    let pem = fs::read_to_string(p).map_err(|error| EmitError::Io {
        path: p.to_path_buf(),
        error,
    })?;
    VerifyKey::from_pem(&pem).map_err(|e| EmitError::Key {
        path: p.to_path_buf(),
        message: e.0,
    })
}

/// [`verify`] with a key already read.
pub fn verify_with(
    dist: &Path,
    key: Option<&VerifyKey>,
    allow_unsigned: bool,
) -> Result<VerifyReport, EmitError> {
    verify_keeping(dist, key, allow_unsigned).map(|(r, _)| r)
}

/// [`verify_with`], also handing back `registry.json` as parsed for the
/// check (when it is JSON), so that a caller reading it next (`pmth export`)
/// does not read and parse it a second time.
pub fn verify_keeping(
    dist: &Path,
    key: Option<&VerifyKey>,
    allow_unsigned: bool,
) -> Result<(VerifyReport, Option<Json>), EmitError> {
    let (mut r, files) = verify_seal_files(dist, key, allow_unsigned)?;
    let registry = files
        .registry
        .and_then(|b| check_registry(&mut r, &b).map(|v| (b, v)));
    if let (Some((reg_bytes, reg)), Some(gz)) = (&registry, &files.bundle) {
        let key = key.filter(|_| !r.integrity_only);
        check_bundle(&mut r, reg_bytes, reg, gz, key);
    }
    Ok((r, registry.map(|(_, v)| v)))
}

/// The seal alone: the envelope, the signature (or integrity only), the
/// folder's listing and every sealed file's SHA-256 — every byte of
/// `registry.json` is the sealed one — but not what [`verify`] derives again
/// from the registry's content (its canonical form, each declaration's own
/// digest, the OPA bundle's contents). For commands that read a bundle to
/// say what it holds (`diff`, `query`, `graph`) on large registries, where
/// those derivations cost seconds; `pmth verify` does them all. Hands back
/// `registry.json`'s bytes when they match the seal.
pub fn verify_seal(
    dist: &Path,
    key: Option<&VerifyKey>,
    allow_unsigned: bool,
) -> Result<(VerifyReport, Option<Vec<u8>>), EmitError> {
    let (r, files) = verify_seal_files(dist, key, allow_unsigned)?;
    let registry = files.registry.filter(|_| r.ok());
    Ok((r, registry))
}

/// The sealed files [`verify_seal_files`] read.
#[derive(Default)]
struct SealedFiles {
    registry: Option<Vec<u8>>,
    bundle: Option<Vec<u8>>,
}

fn verify_seal_files(
    dist: &Path,
    key: Option<&VerifyKey>,
    allow_unsigned: bool,
) -> Result<(VerifyReport, SealedFiles), EmitError> {
    let names = list(dist)?;
    let mut r = VerifyReport {
        dist: dist.to_path_buf(),
        ..VerifyReport::default()
    };
    let Some(seal_bytes) = read(dist, SEAL, &mut r) else {
        return Ok((r, SealedFiles::default()));
    };
    let envelope = match seal::parse_envelope(&seal_bytes) {
        Ok(e) => e,
        Err(e) => {
            r.fail(SEAL, format!("{SEAL} is not a DSSE envelope: {e}"));
            return Ok((r, SealedFiles::default()));
        }
    };
    let canonical = serde_json::from_slice::<Json>(&seal_bytes)
        .ok()
        .is_some_and(|v| is_canonical(&seal_bytes, &v));
    if !canonical {
        r.fail(SEAL, format!("{SEAL} is not in canonical (RFC 8785) form"));
    }
    if envelope.payload_type != seal::PAYLOAD_TYPE {
        r.fail(
            SEAL,
            format!("the seal's payloadType is not {}", seal::PAYLOAD_TYPE),
        );
    }
    let subjects = match seal::parse_subjects(&envelope.payload) {
        Ok(s) => s,
        Err(e) => {
            r.fail(SEAL, format!("the seal's payload is {e}"));
            return Ok((r, SealedFiles::default()));
        }
    };

    check_signature(&mut r, &envelope, key, allow_unsigned);
    check_listing(&mut r, &names, &subjects);

    let mut registry = None;
    let mut bundle = None;
    check_dependencies(&mut r, &envelope.payload);
    for s in &subjects {
        // Only the bundle's own files are read (a subject named `../x` is
        // reported by `check_listing`, never opened).
        if !BUNDLE_FILES.contains(&s.name.as_str()) {
            continue;
        }
        let Some(bytes) = read(dist, &s.name, &mut r) else {
            continue;
        };
        let found = jcs::sha256_hex(&bytes);
        if found == s.sha256 {
            r.checked
                .push(format!("{}: sha256:{found} matches the seal", s.name));
        } else {
            r.fail(
                &s.name,
                format!(
                    "digest of {} does not match the seal (sealed sha256:{}, found sha256:{found})",
                    s.name, s.sha256
                ),
            );
        }
        match s.name.as_str() {
            REGISTRY => registry = Some(bytes),
            opa::BUNDLE => bundle = Some(bytes),
            _ => {}
        }
    }
    Ok((r, SealedFiles { registry, bundle }))
}

/// The names in the bundle folder; `Err` when it is not a bundle at all.
fn list(dist: &Path) -> Result<Vec<String>, EmitError> {
    let not_a_bundle = |message: &str| EmitError::Output {
        path: dist.to_path_buf(),
        message: message.into(),
    };
    let entries = fs::read_dir(dist).map_err(|_| not_a_bundle("is not a bundle folder"))?;
    let mut names = Vec::new();
    for e in entries {
        let e = e.map_err(|error| EmitError::Io {
            path: dist.to_path_buf(),
            error,
        })?;
        names.push(e.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    if !names.iter().any(|n| n == SEAL || n == REGISTRY) {
        return Err(not_a_bundle(
            "is not a bundle: it holds neither registry.json nor registry.seal.json",
        ));
    }
    Ok(names)
}

fn read(dist: &Path, name: &str, r: &mut VerifyReport) -> Option<Vec<u8>> {
    match fs::read(dist.join(name)) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            r.fail(name, format!("{name} is missing"));
            None
        }
        Err(e) => {
            r.fail(name, format!("{name} cannot be read ({e})"));
            None
        }
    }
}

fn check_signature(
    r: &mut VerifyReport,
    envelope: &seal::Envelope,
    key: Option<&VerifyKey>,
    allow_unsigned: bool,
) {
    let Some(key) = key else {
        if allow_unsigned {
            r.integrity_only = true;
        } else {
            r.fail(
                SEAL,
                "no key given: refusing to trust the bundle (pass `--key PUB`, or \
                 `--allow-unsigned` to check its integrity only)",
            );
        }
        return;
    };
    if envelope.signatures.is_empty() {
        r.fail(SEAL, "the bundle is not signed");
        return;
    }
    let message = pae(&envelope.payload_type, &envelope.payload);
    let verified = envelope
        .signatures
        .iter()
        .find(|(_, sig)| key.verify_der(&message, sig));
    if let Some((keyid, _)) = verified {
        if keyid != key.keyid() {
            r.fail(
                SEAL,
                format!(
                    "the signature's keyid {keyid} is not the key's ({})",
                    key.keyid()
                ),
            );
        }
        r.signed_by = Some(key.keyid().to_owned());
        r.checked.push(format!(
            "{SEAL}: signature verifies with key {}",
            key.keyid()
        ));
    } else {
        let ids: Vec<&str> = envelope
            .signatures
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        r.fail(
            SEAL,
            format!(
                "no signature verifies with key {} (signed by {})",
                key.keyid(),
                ids.join(", ")
            ),
        );
    }
}

/// The folder holds exactly the seal and its subjects.
fn check_listing(r: &mut VerifyReport, names: &[String], subjects: &[Subject]) {
    if !subjects.iter().any(|s| s.name == REGISTRY) {
        r.fail(SEAL, format!("the seal does not vouch for {REGISTRY}"));
    }
    for (i, s) in subjects.iter().enumerate() {
        if !BUNDLE_FILES.contains(&s.name.as_str()) || s.name == SEAL {
            r.fail(
                SEAL,
                format!("the seal names an unexpected subject `{}`", s.name),
            );
        } else if subjects.iter().take(i).any(|t| t.name == s.name) {
            r.fail(SEAL, format!("the seal names `{}` twice", s.name));
        }
    }
    for n in names {
        if n != SEAL && !subjects.iter().any(|s| s.name == *n) {
            r.fail(n, format!("extra file {n} is not part of the seal"));
        }
    }
}

/// Every `resolvedDependencies` name of the seal is a normalised
/// workspace-relative path (or `stdlib`).
fn check_dependencies(r: &mut VerifyReport, payload: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Json>(payload) else {
        return;
    };
    let deps = v
        .pointer("/predicate/buildDefinition/resolvedDependencies")
        .and_then(Json::as_array);
    for d in deps.into_iter().flatten() {
        if let Some(name) = d.get("name").and_then(Json::as_str) {
            if let Err(why) = super::paths::check(name) {
                r.fail(SEAL, format!("the seal's dependency path `{name}` {why}"));
            }
        }
    }
}

/// `registry.json`'s paths (each declaration's `source`, each policy's `path`)
/// are normalised workspace-relative paths.
fn check_registry_paths(r: &mut VerifyReport, v: &Json) {
    let mut paths: Vec<(String, &str)> = Vec::new();
    for kind in Kind::ALL {
        if let Some(Json::Object(decls)) = v.get(kind.plural()) {
            for (id, decl) in decls {
                let source = decl.get("source");
                let file = source
                    .and_then(|s| s.get("file").or(Some(s)))
                    .and_then(Json::as_str);
                if let Some(file) = file {
                    paths.push((format!("`{}.{id}`'s source", kind.keyword()), file));
                }
            }
        }
    }
    let policies = v.pointer("/governance/policies").and_then(Json::as_array);
    for p in policies.into_iter().flatten() {
        if let Some(path) = p.get("path").and_then(Json::as_str) {
            paths.push(("a governance policy's path".into(), path));
        }
    }
    for (what, path) in paths {
        if let Err(why) = super::paths::check(path) {
            r.fail(REGISTRY, format!("{REGISTRY}: {what} `{path}` {why}"));
        }
    }
}

/// `registry.json` is canonical and every declaration's digest is its own.
fn check_registry(r: &mut VerifyReport, bytes: &[u8]) -> Option<Json> {
    let v: Json = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            r.fail(REGISTRY, format!("{REGISTRY} is not JSON ({e})"));
            return None;
        }
    };
    // The canonical form and the declarations' digests, side by side.
    let (canonical, mismatched) = rayon::join(
        || jcs::to_vec(&v).ok().as_deref() == Some(bytes),
        || mismatched_digests(&v),
    );
    if !canonical {
        r.fail(
            REGISTRY,
            format!("{REGISTRY} is not in canonical (RFC 8785) form"),
        );
    }
    let mut bad = 0usize;
    for (kind, id) in mismatched {
        match id {
            None => r.fail(
                REGISTRY,
                format!("{REGISTRY} has no `{}` map", kind.plural()),
            ),
            Some(id) => {
                bad += 1;
                r.fail(
                    REGISTRY,
                    format!(
                        "declaration `{}.{id}` does not match its digest",
                        kind.keyword()
                    ),
                );
            }
        }
    }
    if bad == 0 {
        r.checked
            .push(format!("{REGISTRY}: every declaration matches its digest"));
    }
    check_registry_paths(r, &v);
    Some(v)
}

/// Each declaration whose `digest` is not the digest of the rest of it, by kind
/// in [`Kind::ALL`] order then id; `(kind, None)` for a kind without its map.
fn mismatched_digests(v: &Json) -> Vec<(Kind, Option<&String>)> {
    use rayon::prelude::*;
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let Some(Json::Object(decls)) = v.get(kind.plural()) else {
            out.push((kind, None));
            continue;
        };
        let entries: Vec<(&String, &Map<String, Json>)> = decls
            .iter()
            .filter_map(|(id, d)| d.as_object().map(|m| (id, m)))
            .collect();
        let bad: Vec<&String> = entries
            .into_par_iter()
            .filter(|(_, m)| {
                let found =
                    crate::check::canonical::digest_object_without(m, &["source", "digest"]);
                m.get("digest").and_then(Json::as_str) != Some(found.as_str())
            })
            .map(|(id, _)| id)
            .collect();
        out.extend(bad.into_iter().map(|id| (kind, Some(id))));
    }
    out
}

/// The OPA bundle holds this registry, exactly the sealed policies, and
/// matching `.signatures.json`.
fn check_bundle(
    r: &mut VerifyReport,
    reg_bytes: &[u8],
    registry: &Json,
    gz: &[u8],
    key: Option<&VerifyKey>,
) {
    let b = opa::BUNDLE;
    let entries = match opa::read(gz) {
        Ok(e) => e,
        Err(e) => {
            r.fail(b, format!("{b} cannot be read: {e}"));
            return;
        }
    };
    let before = r.failures.len();
    let find = |name: &str| entries.iter().find(|e| e.name == name);

    let revision = jcs::sha256_prefixed(reg_bytes);
    match json_of(find(opa::MANIFEST)) {
        Some((e, v)) if v == opa::manifest(&revision) && is_canonical(&e.data, &v) => {}
        _ => r.fail(
            b,
            format!("{b}: .manifest does not name this registry ({revision})"),
        ),
    }
    let mut expected_registry = registry.clone();
    if let Json::Object(m) = &mut expected_registry {
        m.remove("governance");
    }
    match json_of(find(opa::DATA)) {
        Some((e, v))
            if v.pointer("/pmth/registry") == Some(&expected_registry)
                && is_canonical(&e.data, &v) => {}
        _ => r.fail(b, format!("{b}: data.json does not hold this registry")),
    }

    let mut allowed: Vec<String> = vec![
        opa::MANIFEST.into(),
        opa::DATA.into(),
        opa::SIGNATURES.into(),
    ];
    let policies = registry
        .pointer("/governance/policies")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    for p in &policies {
        let (Some(path), Some(digest)) = (
            p.get("path").and_then(Json::as_str),
            p.get("digest").and_then(Json::as_str),
        ) else {
            continue;
        };
        let name = opa::policy_path(path);
        match find(&name) {
            None => r.fail(b, format!("{b}: policy {name} is missing")),
            Some(e) if jcs::sha256_prefixed(&e.data) != digest => r.fail(
                b,
                format!("{b}: policy {name} does not match its digest in {REGISTRY}"),
            ),
            Some(_) => {}
        }
        allowed.push(name);
    }
    // `pmth.runtime` ships in every bundle (BUNDLE.md §5); the seal's digest
    // of the bundle covers its bytes.
    for (name, _) in crate::runtime_policy::FILES {
        if find(name).is_none() {
            r.fail(b, format!("{b}: the runtime policy {name} is missing"));
        }
        allowed.push((*name).to_owned());
    }
    for e in &entries {
        if !allowed.contains(&e.name) {
            r.fail(
                b,
                format!("{b}: extra file {} is not part of the bundle", e.name),
            );
        }
    }
    let has_signatures = find(opa::SIGNATURES).is_some();
    for f in opa::check_signatures(&entries, key) {
        r.fail(b, format!("{b}: {f}"));
    }
    if r.failures.len() == before {
        r.checked.push(format!(
            "{b}: holds this registry and {} policies{}",
            policies.len(),
            if has_signatures && key.is_some() {
                "; .signatures.json verifies"
            } else if has_signatures {
                "; .signatures.json hashes match"
            } else {
                ""
            }
        ));
    }
}

fn json_of(e: Option<&Entry>) -> Option<(&Entry, Json)> {
    let e = e?;
    serde_json::from_slice::<Json>(&e.data).ok().map(|v| (e, v))
}

fn is_canonical(bytes: &[u8], v: &Json) -> bool {
    jcs::to_vec(v).ok().as_deref() == Some(bytes)
}
