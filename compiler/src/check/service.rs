//! Service rules (§6): an `http://` endpoint needs `insecure = true` (PM0303);
//! an `mcp` service's `transport` decides between an `endpoint` and a `command`
//! (PM0202, PM0203, PM0204); an `env` variable named like a secret takes a
//! secret reference (PM0302). Secrets elsewhere (PM0302), URL syntax and the
//! attributes only an `mcp` service has are checked by the attribute walker,
//! from the table's `Secret`, `Url` types and `only_when` conditions.

use super::Cx;
use crate::ast::{Block, Kind, Value, ValueKind};
use crate::diag::{fix, Applicability, Diagnostic, Fix};
use crate::schema::names::{COMMAND, ENDPOINT, ENV, INSECURE, KIND, MCP, STDIO, TRANSPORT};

pub fn check(cx: &Cx, diags: &mut Vec<Diagnostic>) {
    for i in 0..cx.units.len() {
        if cx.units.get(i).is_none_or(|u| u.decl.kind != Kind::Service) {
            continue;
        }
        let Some(body) = cx.body(i) else { continue };
        let stdio = mcp(cx, i, body, diags);
        if !stdio && !cx.is_bad(i, ENDPOINT) && !cx.is_bad(i, INSECURE) {
            if let Some(endpoint) = body.attr(ENDPOINT) {
                plain_http(cx, i, &endpoint.value, ENDPOINT, insecure(body), diags);
            }
        }
    }
}

/// `insecure = true` is set in the block.
pub fn insecure(body: &Block) -> bool {
    matches!(
        body.attr(INSECURE).map(|a| &a.value.kind),
        Some(ValueKind::Bool(true))
    )
}

/// PM0303 when `value` (the URL attribute `key` of unit `i`) is `http://`
/// and plain HTTP is not `allowed`. Returns whether it is `http://`.
pub fn plain_http(
    cx: &Cx,
    i: usize,
    value: &Value,
    key: &str,
    allowed: bool,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let ValueKind::Str(s) = &value.kind else {
        return false;
    };
    let Some(url) = s.as_plain() else {
        return false;
    };
    let plain = url
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("http://"));
    if plain && !allowed {
        let secure = format!("https://{}", url.get(7..).unwrap_or(""));
        let d = Diagnostic::new(
            "PM0303",
            value.span,
            "insecure endpoint: `http://` sends requests and credentials in clear text",
        )
        .label("plain HTTP")
        .help(format!(
            "use `{key} = \"{secure}\"`, or add `{INSECURE} = true` if plain HTTP is intended"
        ))
        .maybe_fix(
            fix::insert_line_after(cx.sources, value.span, &format!("{INSECURE} = true")).map(
                |e| Fix {
                    message: format!("add `{INSECURE} = true`"),
                    applicability: Applicability::Unsafe,
                    edits: vec![e],
                },
            ),
        );
        cx.report(i, d, diags);
    }
    plain
}

/// The `mcp` rules of service `i`; returns whether it is a `stdio` server
/// (whose `endpoint`, if any, is already reported).
fn mcp(cx: &Cx, i: usize, body: &Block, diags: &mut Vec<Diagnostic>) -> bool {
    if cx.is_bad(i, KIND) || cx.is_bad(i, TRANSPORT) || word(body, KIND) != Some(MCP) {
        return false;
    }
    let transport = match body.attr(TRANSPORT) {
        None => crate::schema::names::STREAMABLE_HTTP,
        Some(_) => match word(body, TRANSPORT) {
            Some(w) => w,
            None => return false,
        },
    };
    let header = cx.units.get(i).map(|u| u.decl.header);
    let stdio = transport == STDIO;
    let missing = |what: &str, help: String| {
        header.map(|h| {
            Diagnostic::new(
                "PM0202",
                h,
                format!("an `mcp` service over `{transport}` needs `{what}`"),
            )
            .label(format!("`{what}` is not set"))
            .help(help)
        })
    };
    let misplaced = |attr: &crate::ast::Attr, instead: &str| {
        Diagnostic::new(
            "PM0203",
            attr.span,
            format!(
                "`{}` is not for an `mcp` service over `{transport}`",
                attr.key.name
            ),
        )
        .label(format!(
            "`transport = {transport}` has no `{}`",
            attr.key.name
        ))
        .help(instead.to_owned())
    };
    if stdio {
        if let Some(e) = body.attr(ENDPOINT) {
            let d = misplaced(
                e,
                "remove `endpoint`: a `stdio` server is started with `command`; or use \
                 `transport = streamable_http` to reach it at the endpoint",
            );
            cx.report(i, d, diags);
        }
        match body.attr(COMMAND) {
            None => {
                let help = "add `command = [\"PROGRAM\", \"ARG\", …]`, the server's program and \
                            arguments"
                    .to_owned();
                if let Some(d) = missing(COMMAND, help) {
                    cx.report(i, d, diags);
                }
            }
            Some(c) if !cx.is_bad(i, COMMAND) => {
                if matches!(&c.value.kind, ValueKind::List(items) if items.is_empty()) {
                    let d = Diagnostic::new("PM0204", c.value.span, "`command` is empty")
                        .label("no program to start")
                        .help("write the program and its arguments: `command = [\"npx\", \"-y\", \"PACKAGE\"]`");
                    cx.report(i, d, diags);
                }
            }
            Some(_) => {}
        }
        env_secrets(cx, i, body, diags);
    } else {
        for key in [COMMAND, ENV] {
            if let Some(a) = body.attr(key) {
                let d = misplaced(
                    a,
                    &format!(
                        "remove `{key}`, or set `transport = stdio` if the server is a subprocess"
                    ),
                );
                cx.report(i, d, diags);
            }
        }
        if body.attr(ENDPOINT).is_none() && !cx.is_bad(i, ENDPOINT) {
            let help = format!(
                "add `endpoint = \"https://…\"`, where the server listens; or `transport = {STDIO}` \
                 with a `command` if it is a subprocess"
            );
            if let Some(d) = missing(ENDPOINT, help) {
                cx.report(i, d, diags);
            }
        }
    }
    stdio
}

/// PM0302: a literal value for an `env` variable whose name says it is a secret.
fn env_secrets(cx: &Cx, i: usize, body: &Block, diags: &mut Vec<Diagnostic>) {
    let Some(ValueKind::Block(env)) = body.attr(ENV).map(|a| &a.value.kind) else {
        return;
    };
    for a in env.attrs() {
        let name = a.key.name.as_str();
        if !matches!(a.value.kind, ValueKind::Str(_)) || !secret_like(name) {
            continue;
        }
        let d = Diagnostic::new(
            "PM0302",
            a.value.span,
            format!("`{name}` is named like a secret, so it must be a secret reference, not a literal"),
        )
        .label("a secret written into the source")
        .help(format!(
            "read it at run time: `{name} = env(\"{name}\")` or `{name} = secret(\"vault://…\")`, and rotate the exposed value"
        ))
        .fix(Fix::unsafe_(
            format!("read it from `env(\"{name}\")`"),
            a.value.span,
            format!("env(\"{name}\")"),
        ));
        cx.report(i, d, diags);
    }
}

/// An environment variable name that holds a secret: one of its `_`-separated
/// words is a secret word (`GITHUB_TOKEN`, `API_KEY`, `DB_PASSWORD`).
pub fn secret_like(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "token",
        "secret",
        "secrets",
        "password",
        "passwd",
        "pwd",
        "key",
        "apikey",
        "credential",
        "credentials",
        "passphrase",
    ];
    name.split(['_', '-', '.'])
        .any(|w| WORDS.iter().any(|s| w.eq_ignore_ascii_case(s)))
}

/// The word an enum attribute is set to.
fn word<'b>(body: &'b Block, key: &str) -> Option<&'b str> {
    match &body.attr(key)?.value.kind {
        ValueKind::Word(w) => Some(w.as_str()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::secret_like;

    #[test]
    fn secret_names() {
        for n in [
            "FS_TOKEN",
            "API_KEY",
            "db_password",
            "APIKEY",
            "CLIENT_SECRET",
        ] {
            assert!(secret_like(n), "{n}");
        }
        for n in ["ROOT", "MONKEY", "KEYBOARD", "PORT", "TOKENIZER_PATH"] {
            assert!(!secret_like(n), "{n}");
        }
    }
}
