//! A2A: one AgentCard (protocol 1.0, the JSON form of the protobuf
//! `AgentCard`) per agent served at an `endpoint`, optionally signed with a JWS
//! (ES256) over the RFC 8785 form of the card without `signatures`.

use super::{obj, pmth_meta, str_of, strs, Out, Registry};
use crate::emit::jcs;
use crate::emit::sign::{SignKey, VerifyKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value as Json};

/// The A2A protocol version the cards declare.
pub const PROTOCOL_VERSION: &str = "1.0";

/// The URI of our `capabilities.extensions` entry.
pub const EXTENSION_URI: &str = "urn:pmth:registry:v1";

pub(crate) fn export(reg: &Registry, sign: Option<&SignKey>, out: &mut Out) {
    for (id, a) in reg.latest("agents") {
        if let Some(card_url) = a
            .get("remote")
            .and_then(|r| r.get("card"))
            .and_then(Json::as_str)
        {
            out.note(
                "agent",
                id,
                format!("A2A: a remote agent already has its card ({card_url}); not re-exported"),
            );
            continue;
        }
        let Some(endpoint) = str_of(a, "endpoint") else {
            out.note(
                "agent",
                id,
                "A2A: skipped: a card needs the URL the agent is served at; set `endpoint`",
            );
            continue;
        };
        let name = str_of(a, "name").unwrap_or(id);
        if !super::file_safe(name) {
            out.note("agent", id, "A2A: the name cannot be a file name; skipped");
            continue;
        }
        let mut card = card(reg, id, a, endpoint, out);
        if let Some(key) = sign {
            match signature(&card, key) {
                Ok(sig) => {
                    if let Some(m) = card.as_object_mut() {
                        m.insert("signatures".into(), json!([sig]));
                    }
                }
                Err(e) => out.note("agent", id, format!("A2A: not signed: {e}")),
            }
        }
        out.count("cards", 1);
        out.file(format!("{name}.json"), card);
    }
}

fn card(reg: &Registry, id: &str, a: &Map<String, Json>, endpoint: &str, out: &mut Out) -> Json {
    let name = str_of(a, "name").unwrap_or(id);
    let display = str_of(a, "title").unwrap_or(name);
    let description = str_of(a, "description").unwrap_or(display);
    let provider = match (reg.package("organization"), reg.package("homepage")) {
        (Some(org), Some(url)) => Some(json!({"organization": org, "url": url})),
        (None, None) => None,
        _ => {
            out.note(
                "agent",
                id,
                "A2A: no `provider`: the card needs both `[package] organization` and `homepage`",
            );
            None
        }
    };
    let output_modes = if a.contains_key("output") || a.contains_key("output_schema") {
        "application/json"
    } else {
        "text/plain"
    };
    let mut params = pmth_meta(id, a);
    if let Some(p) = reg.package("name") {
        params.insert("package".into(), Json::from(p));
    }
    let extension = json!({
        "uri": EXTENSION_URI,
        "description": "pmth registry declaration (id and digest in registry.json)",
        "params": params,
    });
    if !strs(a.get("delegates")).is_empty() {
        out.note(
            "agent",
            id,
            "A2A: `delegates` has no card field (a card describes one agent); not exported",
        );
    }
    obj([
        ("name", Some(Json::from(display))),
        ("description", Some(Json::from(description))),
        (
            "supportedInterfaces",
            Some(json!([{
                "url": endpoint,
                "protocolBinding": "JSONRPC",
                "protocolVersion": PROTOCOL_VERSION,
            }])),
        ),
        ("provider", provider),
        ("version", Some(Json::from(reg.version_or_package(a)))),
        ("capabilities", Some(json!({"extensions": [extension]}))),
        ("defaultInputModes", Some(json!(["text/plain"]))),
        ("defaultOutputModes", Some(json!([output_modes]))),
        (
            "skills",
            Some(Json::Array(skills(reg, id, a, display, description))),
        ),
    ])
}

/// A skill per claimed capability; one named after the agent when it claims none.
fn skills(
    reg: &Registry,
    id: &str,
    a: &Map<String, Json>,
    display: &str,
    description: &str,
) -> Vec<Json> {
    let claims = strs(a.get("capabilities"));
    if claims.is_empty() {
        let name = str_of(a, "name").unwrap_or(id);
        return vec![json!({
            "id": name,
            "name": display,
            "description": description,
            "tags": [name],
        })];
    }
    claims
        .into_iter()
        .map(|cap| {
            let decl = reg.get("capabilities", cap);
            let name = decl.and_then(|d| str_of(d, "title")).unwrap_or(cap);
            let text = decl.and_then(|d| str_of(d, "description")).unwrap_or(cap);
            json!({
                "id": cap,
                "name": name,
                "description": text,
                "tags": ancestors(cap),
            })
        })
        .collect()
}

/// `a.b.c` → `[a.b.c, a.b, a]`.
pub(crate) fn ancestors(cap: &str) -> Vec<String> {
    let mut tags = vec![cap.to_owned()];
    let mut rest = cap;
    while let Some((parent, _)) = rest.rsplit_once('.') {
        tags.push(parent.to_owned());
        rest = parent;
    }
    tags
}

/// The JWS protected header of our signatures.
fn protected_header(kid: &str) -> Result<String, String> {
    let header = json!({"alg": "ES256", "kid": kid, "typ": "JOSE"});
    let text = jcs::to_string(&header).map_err(|e| e.to_string())?;
    Ok(URL_SAFE_NO_PAD.encode(text))
}

/// The RFC 8785 bytes a card's signatures cover: the card without `signatures`.
fn signed_payload(card: &Json) -> Result<Vec<u8>, String> {
    let mut card = card.clone();
    if let Some(m) = card.as_object_mut() {
        m.remove("signatures");
    }
    jcs::to_vec(&card).map_err(|e| e.to_string())
}

/// An `AgentCardSignature` (`protected`, `signature`; detached payload).
fn signature(card: &Json, key: &SignKey) -> Result<Json, String> {
    let protected = protected_header(key.keyid())?;
    let payload = URL_SAFE_NO_PAD.encode(signed_payload(card)?);
    let input = format!("{protected}.{payload}");
    let sig = URL_SAFE_NO_PAD.encode(key.sign_raw(input.as_bytes()));
    Ok(json!({"protected": protected, "signature": sig}))
}

/// `Ok(kid)` when a signature of the card verifies with `key`.
pub(crate) fn verify_card(bytes: &[u8], key: &VerifyKey) -> Result<String, String> {
    let card: Json =
        serde_json::from_slice(bytes).map_err(|e| format!("not a JSON agent card: {e}"))?;
    let sigs = card
        .get("signatures")
        .and_then(Json::as_array)
        .filter(|s| !s.is_empty())
        .ok_or("the card has no `signatures`")?;
    let payload = URL_SAFE_NO_PAD.encode(signed_payload(&card)?);
    let mut why = Vec::new();
    for sig in sigs {
        let (Some(protected), Some(signature)) = (
            sig.get("protected").and_then(Json::as_str),
            sig.get("signature").and_then(Json::as_str),
        ) else {
            why.push("a signature without `protected` and `signature`".to_owned());
            continue;
        };
        let header: Option<Json> = URL_SAFE_NO_PAD
            .decode(protected)
            .ok()
            .and_then(|h| serde_json::from_slice(&h).ok());
        let Some(header) = header else {
            why.push("a protected header that is not base64url JSON".to_owned());
            continue;
        };
        if header.get("alg").and_then(Json::as_str) != Some("ES256") {
            why.push("a signature that is not ES256".to_owned());
            continue;
        }
        let kid = header.get("kid").and_then(Json::as_str).unwrap_or("");
        let raw = URL_SAFE_NO_PAD.decode(signature).unwrap_or_default();
        let input = format!("{protected}.{payload}");
        if key.verify_raw(input.as_bytes(), &raw) {
            return Ok(kid.to_owned());
        }
        why.push(format!(
            "the signature by `{kid}` does not verify with key `{}`",
            key.keyid()
        ));
    }
    Err(why.join("; "))
}
