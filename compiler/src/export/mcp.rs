//! MCP: `tools.json`, a `tools/list` result with every tool, and one MCP
//! Registry `server.json` per `mcp` service under `servers/`.

use super::{obj, pmth_meta, str_of, Out, Registry};
use serde_json::{json, Map, Value as Json};

/// The MCP Registry `server.json` schema the files name (the current release).
pub const SERVER_SCHEMA: &str =
    "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

/// Our prefix in MCP `_meta` keys (reverse-DNS label, then `/`).
pub const META_PREFIX: &str = "dev.pmth/";

/// The MCP Registry's limit on a server's `description`.
pub const MAX_DESCRIPTION: usize = 100;

pub(crate) fn export(reg: &Registry, out: &mut Out) {
    let tools: Vec<Json> = reg
        .latest("tools")
        .into_iter()
        .map(|(id, t)| tool(id, t, out))
        .collect();
    out.count("tools", tools.len());
    out.file("tools.json".into(), json!({ "tools": tools }));
    for (id, s) in reg.latest("services") {
        if str_of(s, "kind") != Some("mcp") {
            continue;
        }
        if let Some((name, doc)) = server(reg, id, s, out) {
            out.count("servers", 1);
            out.file(format!("servers/{name}.json"), doc);
        }
    }
}

/// One `Tool` of a `tools/list` result.
fn tool(id: &str, t: &Map<String, Json>, out: &mut Out) -> Json {
    let name = str_of(t, "name").unwrap_or(id);
    let mut meta = Map::new();
    for (k, v) in pmth_meta(id, t) {
        meta.insert(format!("{META_PREFIX}{k}"), v);
    }
    let input = t.get("input_schema").cloned().unwrap_or_else(
        || json!({"type": "object", "properties": {}, "additionalProperties": false}),
    );
    let output = t.get("output_schema").map(|s| {
        if s.get("type").and_then(Json::as_str) == Some("object") {
            s.clone()
        } else {
            out.note(
                "tool",
                id,
                "MCP: `returns` is not an object, so `outputSchema` wraps it as `{result: …}` (the value is `structuredContent.result`)",
            );
            json!({
                "type": "object",
                "properties": {"result": s},
                "required": ["result"],
                "additionalProperties": false,
            })
        }
    });
    obj([
        ("name", Some(Json::from(name))),
        ("title", str_of(t, "title").map(Json::from)),
        ("description", str_of(t, "description").map(Json::from)),
        ("inputSchema", Some(input)),
        ("outputSchema", output),
        ("annotations", annotations(t)),
        ("_meta", Some(Json::Object(meta))),
    ])
}

/// MCP tool annotations from `hints` (absent hints stay absent: unknown).
fn annotations(t: &Map<String, Json>) -> Option<Json> {
    let hints = t.get("hints")?.as_object()?;
    let mut a = Map::new();
    for (from, to) in [
        ("read_only", "readOnlyHint"),
        ("destructive", "destructiveHint"),
        ("idempotent", "idempotentHint"),
        ("open_world", "openWorldHint"),
    ] {
        if let Some(b) = hints.get(from).and_then(Json::as_bool) {
            a.insert(to.into(), Json::Bool(b));
        }
    }
    (!a.is_empty()).then_some(Json::Object(a))
}

/// An MCP Registry `server.json`, or `None` with a note.
fn server(
    reg: &Registry,
    id: &str,
    s: &Map<String, Json>,
    out: &mut Out,
) -> Option<(String, Json)> {
    let name = str_of(s, "name").unwrap_or(id);
    if !super::file_safe(name) {
        out.note(
            "service",
            id,
            "MCP: the name cannot be a file name; skipped",
        );
        return None;
    }
    let Some(host) = reg.package("homepage").and_then(host_of) else {
        out.note(
            "service",
            id,
            "MCP: skipped: a server.json is named after `[package] homepage`'s host (reverse DNS); set `homepage` in pmth.toml",
        );
        return None;
    };
    let namespace: Vec<&str> = host.split('.').rev().collect();
    let server_name = format!("{}/{name}", namespace.join("."));
    let description = description(id, s, out);
    let transport = str_of(s, "transport").unwrap_or("streamable_http");
    let mut doc = Map::new();
    doc.insert("$schema".into(), Json::from(SERVER_SCHEMA));
    doc.insert("name".into(), Json::from(server_name));
    doc.insert("description".into(), Json::from(description));
    doc.insert("version".into(), Json::from(reg.version_or_package(s)));
    if let Some(title) = str_of(s, "title") {
        doc.insert("title".into(), Json::from(title));
    }
    if let Some(home) = reg.package("homepage") {
        doc.insert("websiteUrl".into(), Json::from(home));
    }
    match transport {
        "stdio" => {
            let package = package(id, s, out)?;
            doc.insert("packages".into(), json!([package]));
        }
        other => {
            let Some(url) = str_of(s, "endpoint") else {
                out.note(
                    "service",
                    id,
                    "MCP: skipped: an HTTP server needs an `endpoint`",
                );
                return None;
            };
            let kind = if other == "sse" {
                "sse"
            } else {
                "streamable-http"
            };
            let mut remote = Map::new();
            remote.insert("type".into(), Json::from(kind));
            remote.insert("url".into(), Json::from(url));
            if let Some(h) = auth_headers(id, s, out) {
                remote.insert("headers".into(), h);
            }
            doc.insert("remotes".into(), json!([remote]));
        }
    }
    let mut meta = pmth_meta(id, s);
    meta.insert(
        "package".into(),
        Json::from(reg.package("name").unwrap_or("")),
    );
    doc.insert(
        "_meta".into(),
        json!({"io.modelcontextprotocol.registry/publisher-provided": {"pmth": meta}}),
    );
    Some((name.to_owned(), Json::Object(doc)))
}

/// The service's description, cut at a word to the registry's 100 characters.
fn description(id: &str, s: &Map<String, Json>, out: &mut Out) -> String {
    let text = str_of(s, "description").unwrap_or(id).trim();
    let (cut, was_cut) = cut_at_word(text, MAX_DESCRIPTION);
    if was_cut {
        out.note(
            "service",
            id,
            format!(
                "MCP: the description is longer than the registry's {MAX_DESCRIPTION} characters and was cut at a word"
            ),
        );
    }
    cut
}

/// `text` in at most `max` characters, cut at the last space when it is longer.
pub(crate) fn cut_at_word(text: &str, max: usize) -> (String, bool) {
    if text.chars().count() <= max {
        return (text.to_owned(), false);
    }
    let head: String = text.chars().take(max).collect();
    let next_is_space = text.chars().nth(max).is_some_and(char::is_whitespace);
    let cut = if next_is_space {
        head.as_str()
    } else {
        match head.rfind(char::is_whitespace) {
            Some(i) if i > 0 => head.get(..i).unwrap_or(&head),
            _ => head.as_str(),
        }
    };
    (cut.trim_end().to_owned(), true)
}

/// `https://acme.example/agents` → `acme.example`.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    ok.then_some(host)
}

/// The `packages` entry of a stdio server, or `None` with a note.
fn package(id: &str, s: &Map<String, Json>, out: &mut Out) -> Option<Json> {
    let Some(p) = s.get("package").and_then(Json::as_object) else {
        out.note(
            "service",
            id,
            "MCP: skipped: a stdio server is published as a package; name it with `package { registry name version }`",
        );
        return None;
    };
    let registry = str_of(p, "registry").unwrap_or("");
    let name = str_of(p, "name").unwrap_or("");
    let version = str_of(p, "version");
    let mut m = Map::new();
    m.insert("registryType".into(), Json::from(registry));
    match registry {
        "npm" | "pypi" | "nuget" => {
            m.insert("identifier".into(), Json::from(name));
            if let Some(v) = version {
                m.insert("version".into(), Json::from(v));
            }
        }
        "oci" => {
            let tagged =
                name.contains('@') || name.rsplit('/').next().is_some_and(|l| l.contains(':'));
            let reference = match (tagged, version) {
                (false, Some(v)) => format!("{name}:{v}"),
                _ => name.to_owned(),
            };
            m.insert("identifier".into(), Json::from(reference));
        }
        other => {
            out.note(
                "service",
                id,
                format!("MCP: skipped: a `{other}` package needs a download URL and its SHA-256, which the registry does not hold"),
            );
            return None;
        }
    }
    m.insert("transport".into(), json!({"type": "stdio"}));
    let env = env_vars(s);
    if !env.is_empty() {
        m.insert("environmentVariables".into(), Json::Array(env));
    }
    Some(Json::Object(m))
}

/// `env { NAME = SECRET | "literal" }` as `environmentVariables`: secrets are
/// marked secret and never carry a value (nor the vault reference).
fn env_vars(s: &Map<String, Json>) -> Vec<Json> {
    let Some(env) = s.get("env").and_then(Json::as_object) else {
        return Vec::new();
    };
    env.iter()
        .map(|(name, v)| match v {
            Json::String(literal) => json!({"name": name, "value": literal}),
            Json::Object(secret) => {
                let from = match secret.get("env").and_then(Json::as_str) {
                    Some(var) => format!("secret (pmth reads it from ${var})"),
                    None => "secret".to_owned(),
                };
                json!({"name": name, "isRequired": true, "isSecret": true, "description": from})
            }
            other => json!({"name": name, "value": other.to_string()}),
        })
        .collect()
}

/// HTTP headers a client must send, from `auth` (values never written).
fn auth_headers(id: &str, s: &Map<String, Json>, out: &mut Out) -> Option<Json> {
    let auth = s.get("auth")?.as_object()?;
    let header = |name: &str, description: &str| json!([{"name": name, "isRequired": true, "isSecret": true, "description": description}]);
    match str_of(auth, "type")? {
        "none" => None,
        "api_key" => Some(header(str_of(auth, "header")?, "API key")),
        "bearer" => Some(header("Authorization", "Bearer token")),
        other => {
            out.note(
                "service",
                id,
                format!("MCP: `{other}` auth has no server.json form (clients negotiate it); not exported"),
            );
            None
        }
    }
}
