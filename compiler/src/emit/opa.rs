//! `bundle.tar.gz` (BUNDLE.md §3): an OPA bundle with the compiled registry as
//! data, so OPA agents enforce at run time the policies that gated the build.
//!
//! Entries (sorted): `/.manifest` (`revision` = the registry digest, `roots:
//! ["pmth"]`, `rego_version: 1`), `/.signatures.json` when signing, `/data.json`
//! (`{"pmth": {"registry", "config"}}`), and each governance policy under
//! `/pmth/stdlib/…` (stdlib policies) or `/pmth/workspace/…` (the workspace's),
//! and always `pmth.runtime` under `/pmth/runtime/…` ([`crate::runtime_policy`]).
//! JSON files are RFC 8785; the tar is ours ([`super::tar`]); the gzip header
//! has mtime 0, no file name and OS "unknown".
//!
//! Signing follows OPA's bundle-signing spec: one ES256 JWT whose payload lists
//! every other file with the SHA-256 OPA computes for it. OPA hashes a `.rego`
//! file's bytes, but `data.json` and `.manifest` after parsing, through its
//! own encoding ([`opa_hash`]), so that is what is signed here.

use super::jcs::{self, Doc};
use super::sign::{SignKey, VerifyKey};
use super::tar::{self, Entry};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flate2::{write::GzEncoder, Compression, GzBuilder};
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

// Public Interface

/// The bundle's file name in the output folder.
pub const BUNDLE: &str = "bundle.tar.gz";
pub const MANIFEST: &str = ".manifest";
pub const SIGNATURES: &str = ".signatures.json";
pub const DATA: &str = "data.json";
/// The bundle's one root: everything it holds is under `data.pmth`.
pub const ROOT: &str = "pmth";

/// Decompressed bundles larger than this are refused when reading (gzip bombs).
pub const MAX_UNPACKED: u64 = 1 << 30;

/// Where a policy goes in the bundle (without the leading `/`):
/// `stdlib:policies/x.rego` → `pmth/stdlib/policies/x.rego`,
/// `policies/x.rego` → `pmth/workspace/policies/x.rego`.
pub fn policy_path(display: &str) -> String {
    match display.strip_prefix("stdlib:") {
        Some(rest) => format!("{ROOT}/stdlib/{rest}"),
        None => format!("{ROOT}/workspace/{display}"),
    }
}

/// The `.manifest` document.
pub fn manifest(revision: &str) -> Json {
    json!({"revision": revision, "roots": [ROOT], "rego_version": 1})
}

/// The gzipped tar of the bundle. `data` is the `data.json` document;
/// `policies` are `(display path, text)`.
pub fn build(
    revision: &str,
    data: &Doc<'_>,
    policies: &[(String, String)],
    key: Option<&SignKey>,
) -> Result<Vec<u8>, String> {
    let manifest = manifest(revision);
    let data_bytes = data.to_canonical().map_err(|e| e.to_string())?;
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (MANIFEST.into(), canonical(&manifest)?),
        (DATA.into(), data_bytes.into_bytes()),
    ];
    // `pmth.runtime` ships whatever `[governance]` says: it is not a
    // governance policy (BUNDLE.md §5).
    for (name, text) in crate::runtime_policy::FILES {
        files.push(((*name).to_owned(), text.as_bytes().to_vec()));
    }
    for (path, text) in policies {
        let name = policy_path(path);
        super::paths::check(&name).map_err(|why| format!("bundle path `{name}` {why}"))?;
        files.push((name, text.clone().into_bytes()));
    }
    if let Some(key) = key {
        // The JSON files are hashed from their documents (no need to parse
        // back what was just written); the policies from their bytes.
        let mut hashed = vec![
            (MANIFEST.to_owned(), walk_hash(&manifest)),
            (DATA.to_owned(), doc_hash(data)?),
        ];
        for (name, bytes) in files.iter().skip(2) {
            hashed.push((name.clone(), opa_hash(name, bytes)?));
        }
        let token = jwt(&hashed, key)?;
        files.push((
            SIGNATURES.into(),
            canonical(&json!({"signatures": [token]}))?,
        ));
    }
    files.sort();
    let entries: Vec<Entry> = files
        .into_iter()
        .map(|(name, data)| Entry {
            name: format!("/{name}"),
            data,
        })
        .collect();
    gzip(&tar::write(&entries))
}

/// The files of a bundle, names without the leading `/`.
pub fn read(gz: &[u8]) -> Result<Vec<Entry>, String> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .take(MAX_UNPACKED + 1)
        .read_to_end(&mut raw)
        .map_err(|e| format!("not a gzip stream ({e})"))?;
    if raw.len() as u64 > MAX_UNPACKED {
        return Err("it unpacks to more than 1 GiB".into());
    }
    let mut entries = tar::read(&raw)?;
    for e in &mut entries {
        e.name = e.name.trim_start_matches('/').to_owned();
    }
    Ok(entries)
}

/// The hex SHA-256 OPA records for a bundle file: of the bytes for a `.rego`
/// (or any unstructured file); for `data.json` and `.manifest`, of the parsed
/// document re-encoded the way OPA's `bundle.hasher` walks it.
pub fn opa_hash(name: &str, bytes: &[u8]) -> Result<String, String> {
    let base = name.rsplit('/').next().unwrap_or(name);
    if base == DATA || base == MANIFEST {
        let v: Json =
            serde_json::from_slice(bytes).map_err(|e| format!("{name} is not JSON ({e})"))?;
        Ok(walk_hash(&v))
    } else {
        Ok(jcs::sha256_hex(bytes))
    }
}

/// Checks `/.signatures.json` against the other files: the JWT's signature with
/// `key` (when given), and every file's hash. Returns what failed.
pub fn check_signatures(entries: &[Entry], key: Option<&VerifyKey>) -> Vec<String> {
    let mut failures = Vec::new();
    let Some(sigs) = entries.iter().find(|e| e.name == SIGNATURES) else {
        return failures;
    };
    let token = serde_json::from_slice::<Json>(&sigs.data)
        .ok()
        .and_then(|v| match v.get("signatures")?.as_array()?.as_slice() {
            [Json::String(t)] => Some(t.clone()),
            _ => None,
        });
    let Some(token) = token else {
        failures.push(format!("{SIGNATURES} does not hold exactly one JWT"));
        return failures;
    };
    let parts: Vec<&str> = token.split('.').collect();
    let [h64, p64, s64] = parts.as_slice() else {
        failures.push(format!("{SIGNATURES}: the JWT is malformed"));
        return failures;
    };
    let header = decode_json(h64);
    if header.as_ref().and_then(|h| h.get("alg")?.as_str()) != Some("ES256") {
        failures.push(format!("{SIGNATURES}: the JWT is not ES256"));
    }
    if let Some(key) = key {
        let signed = format!("{h64}.{p64}");
        let sig = URL_SAFE_NO_PAD.decode(s64).unwrap_or_default();
        if !key.verify_raw(signed.as_bytes(), &sig) {
            failures.push(format!(
                "{SIGNATURES}: the JWT signature does not verify with key {}",
                key.keyid()
            ));
        }
    }
    let Some(files) = decode_json(p64).and_then(|p| p.get("files").cloned()) else {
        failures.push(format!("{SIGNATURES}: the JWT has no `files`"));
        return failures;
    };
    let listed: Vec<(String, String)> = files
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| {
                    Some((
                        f.get("name")?.as_str()?.to_owned(),
                        f.get("hash")?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    for e in entries.iter().filter(|e| e.name != SIGNATURES) {
        match listed.iter().find(|(n, _)| *n == e.name) {
            None => failures.push(format!("{SIGNATURES} does not list `{}`", e.name)),
            Some((_, want)) => match opa_hash(&e.name, &e.data) {
                Ok(got) if got == *want => {}
                Ok(_) => failures.push(format!(
                    "`{}` does not match its hash in {SIGNATURES}",
                    e.name
                )),
                Err(err) => failures.push(err),
            },
        }
    }
    for (name, _) in &listed {
        if !entries.iter().any(|e| e.name == *name) {
            failures.push(format!("{SIGNATURES} lists `{name}`, which is missing"));
        }
    }
    failures
}

/// The hex SHA-256 of OPA's walk over a JSON document.
fn walk_hash(v: &Json) -> String {
    let mut h = Sha256::new();
    walk(v, &mut h);
    jcs::hex(&h.finalize())
}

/// [`walk_hash`] of a document made of parts; canonical text is parsed one
/// part (one declaration) at a time.
fn doc_hash(d: &Doc<'_>) -> Result<String, String> {
    let mut h = Sha256::new();
    walk_doc(d, &mut h)?;
    Ok(jcs::hex(&h.finalize()))
}

fn walk_doc(d: &Doc<'_>, h: &mut Sha256) -> Result<(), String> {
    match d {
        Doc::Value(v) => walk(v, h),
        Doc::Owned(v) => walk(v, h),
        Doc::Canonical(text) => {
            let v: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
            walk(&v, h);
        }
        Doc::Object(members) => {
            let mut sorted: Vec<&(&str, Doc<'_>)> = members.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            h.update(b"{");
            for (i, (k, item)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    h.update(b",");
                }
                h.update(go_string(k).as_bytes());
                h.update(b":");
                walk_doc(item, h)?;
            }
            h.update(b"}");
        }
    }
    Ok(())
}

fn canonical(v: &Json) -> Result<Vec<u8>, String> {
    jcs::to_vec(v).map_err(|e| e.to_string())
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut gz: GzEncoder<Vec<u8>> = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::default());
    gz.write_all(bytes).map_err(|e| e.to_string())?;
    gz.finish().map_err(|e| e.to_string())
}

/// An ES256 JWS (compact form) over `{"files": [{name, hash, algorithm}]}`,
/// `kid` = the key's id. No `iat`: the token must be reproducible.
fn jwt(files: &[(String, String)], key: &SignKey) -> Result<String, String> {
    let header = canonical(&json!({"alg": "ES256", "kid": key.keyid()}))?;
    let files: Vec<Json> = files
        .iter()
        .map(|(name, hash)| json!({"name": name, "hash": hash, "algorithm": "SHA-256"}))
        .collect();
    let payload = canonical(&json!({ "files": files }))?;
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let sig = key.sign_raw(signed.as_bytes());
    Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(sig)))
}

fn decode_json(part: &str) -> Option<Json> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// OPA's `bundle.walk`: objects as `{` key `:` value, … `}` with keys in byte
/// order, arrays as `[` … `]`, primitives as Go's `encoding/json` writes them
/// (HTML escaping off). Numbers are written as the file spells them, which for
/// the canonical files written here is the JCS form.
fn walk(v: &Json, h: &mut Sha256) {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            h.update(b"{");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    h.update(b",");
                }
                h.update(go_string(k).as_bytes());
                h.update(b":");
                if let Some(child) = m.get(k) {
                    walk(child, h);
                }
            }
            h.update(b"}");
        }
        Json::Array(items) => {
            h.update(b"[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    h.update(b",");
                }
                walk(item, h);
            }
            h.update(b"]");
        }
        Json::String(s) => h.update(go_string(s).as_bytes()),
        other => h.update(crate::check::canonical::canonical(other).as_bytes()),
    }
}

/// A string as Go's `json.Encoder` with `SetEscapeHTML(false)` writes it (Go 1.22+).
fn go_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::sign::TEST_KEY;

    fn bundle(key: Option<&SignKey>) -> Vec<u8> {
        let data = json!({"pmth": {"registry": {"n": 1.5, "s": "\u{2028}<"}, "config": {}}});
        let policies = vec![
            (
                "stdlib:policies/a.rego".to_owned(),
                "package pmth.a\n".to_owned(),
            ),
            ("policies/b.rego".to_owned(), "package pmth.b\n".to_owned()),
        ];
        build("sha256:00", &Doc::Value(&data), &policies, key).unwrap_or_default()
    }

    #[test]
    fn the_walk_hash_matches_opa_for_a_known_document() {
        // OPA hashes {"b":[1,"x<"],"a":true} as the bytes `{"a":true,"b":[1,"x<"]}`.
        let v = br#"{"b": [1, "x<"], "a": true}"#;
        assert_eq!(
            opa_hash("data.json", v).ok(),
            Some(jcs::sha256_hex(br#"{"a":true,"b":[1,"x<"]}"#))
        );
        assert_eq!(go_string("a\u{2028}\u{1}\u{8}é"), "\"a\\u2028\\u0001\\bé\"");
        assert_eq!(
            opa_hash("pmth/x.rego", b"package x").ok(),
            Some(jcs::sha256_hex(b"package x"))
        );
    }

    #[test]
    fn the_bundle_is_deterministic_and_lists_sorted_entries() {
        let a = bundle(None);
        assert_eq!(a, bundle(None));
        // gzip header: magic, deflate, no flags, mtime 0, OS unknown.
        assert_eq!(
            a.get(..10),
            Some(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255][..])
        );
        let names: Vec<String> = read(&a)
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(
            names,
            vec![
                ".manifest",
                "data.json",
                "pmth/runtime/runtime.rego",
                "pmth/runtime/schema.rego",
                "pmth/stdlib/policies/a.rego",
                "pmth/workspace/policies/b.rego"
            ]
        );
    }

    #[test]
    fn signatures_cover_every_file_and_detect_changes() {
        let key = SignKey::from_pem(TEST_KEY).ok();
        let gz = bundle(key.as_ref());
        assert_eq!(gz, bundle(key.as_ref()), "signed bundles are reproducible");
        let mut entries = read(&gz).unwrap_or_default();
        assert!(entries.iter().any(|e| e.name == SIGNATURES));
        let vk = key.as_ref().map(SignKey::verify_key);
        assert!(check_signatures(&entries, vk.as_ref()).is_empty());

        let other = SignKey::generate().verify_key();
        assert_eq!(check_signatures(&entries, Some(&other)).len(), 1);

        if let Some(e) = entries.iter_mut().find(|e| e.name.ends_with("/a.rego")) {
            e.data.push(b' ');
        }
        let f = check_signatures(&entries, vk.as_ref());
        assert_eq!(
            f,
            vec!["`pmth/stdlib/policies/a.rego` does not match its hash in .signatures.json"]
        );
        entries.push(Entry {
            name: "extra.rego".into(),
            data: Vec::new(),
        });
        assert!(check_signatures(&entries, vk.as_ref())
            .iter()
            .any(|m| m.contains("does not list `extra.rego`")));
    }

    #[test]
    fn documents_of_parts_write_and_hash_like_their_tree() {
        let decl = json!({"b": [1, 2.5, "\u{2028}<"], "a": {"z": null, "é": 0.0}});
        let text = crate::check::canonical::canonical(&decl);
        let cfg = json!({"k": 1, "B": [true]});
        let doc = Doc::Object(vec![(
            "pmth",
            Doc::Object(vec![
                (
                    "registry",
                    Doc::Object(vec![
                        ("x@1", Doc::Canonical(&text)),
                        ("a", Doc::Object(vec![])),
                    ]),
                ),
                ("config", Doc::Value(&cfg)),
            ]),
        )]);
        let tree = json!({"pmth": {"registry": {"x@1": decl, "a": {}}, "config": cfg}});
        assert_eq!(doc_hash(&doc), Ok(walk_hash(&tree)));
        assert_eq!(doc.to_canonical().ok(), jcs::to_string(&tree).ok());
        let big = json!({"n": 9007199254740993_u64});
        let doc = Doc::Object(vec![(
            "pmth",
            Doc::Object(vec![("config", Doc::Value(&big))]),
        )]);
        assert_eq!(
            doc.to_canonical().err().map(|e| e.pointer),
            Some("/pmth/config/n".to_owned())
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(read(b"not gzip").is_err());
        assert!(read(&[]).is_err());
        assert!(opa_hash("data.json", b"{").is_err());
    }
}
