//! Agent rules (§6) beyond their attribute table: an agent does not delegate to
//! itself (PM0204); its `endpoint` and a remote agent's `card` are `https://`
//! unless it sets `insecure = true` (PM0303), and a card is an `http(s)` URL
//! (PM0203). What a remote agent may not have (`model`, `tools`, …) is the
//! table's `excludes`; capability claims through delegates are `capability`'s.

use super::service::{insecure, plain_http};
use super::Cx;
use crate::ast::{Kind, ValueKind};
use crate::diag::Diagnostic;
use crate::schema::names::{CARD, DELEGATES, ENDPOINT, INSECURE, REMOTE};

pub fn check(cx: &Cx, diags: &mut Vec<Diagnostic>) {
    for i in 0..cx.units.len() {
        let Some(unit) = cx.units.get(i).filter(|u| u.decl.kind == Kind::Agent) else {
            continue;
        };
        let Some(body) = cx.body(i) else { continue };
        for (r, t) in cx.resolved(i, DELEGATES) {
            if t == i {
                let name = &unit.decl.name.name;
                let d = Diagnostic::new(
                    "PM0204",
                    r.span,
                    format!("agent `{name}` delegates to itself"),
                )
                .label("the agent itself")
                .help(format!(
                    "remove `{}` from `delegates`: an agent does its own work",
                    r.written
                ));
                cx.report(i, d, diags);
            }
        }
        if cx.is_bad(i, INSECURE) {
            continue;
        }
        let allowed = insecure(body);
        if !cx.is_bad(i, ENDPOINT) {
            if let Some(e) = body.attr(ENDPOINT) {
                plain_http(cx, i, &e.value, ENDPOINT, allowed, diags);
            }
        }
        let card_path = format!("{REMOTE}.{CARD}");
        if cx.is_bad(i, &card_path) {
            continue;
        }
        let Some(ValueKind::Block(remote)) = body.attr(REMOTE).map(|a| &a.value.kind) else {
            continue;
        };
        let Some(card) = remote.attr(CARD) else {
            continue;
        };
        if plain_http(cx, i, &card.value, CARD, allowed, diags) {
            continue;
        }
        if let ValueKind::Str(s) = &card.value.kind {
            let url = s.as_plain().unwrap_or_default();
            let https = url
                .get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case("https://"));
            if !https {
                let d = Diagnostic::new(
                    "PM0203",
                    card.value.span,
                    "`card` must be an `https://` URL",
                )
                .label(format!("`{url}` is not an HTTP URL"))
                .help("write the URL the A2A agent card is served at: `card = \"https://HOST/.well-known/agent-card.json\"`");
                cx.report(i, d, diags);
            }
        }
    }
}
