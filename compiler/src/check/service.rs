//! Service rules (§6): an `http://` endpoint needs `insecure = true` (PM0303).
//! Secrets (PM0302) and URL syntax are checked by the attribute walker, from the
//! table's `Secret` and `Url` types.

use super::Cx;
use crate::ast::{Kind, ValueKind};
use crate::diag::Diagnostic;
use crate::schema::names::{ENDPOINT, INSECURE};

pub fn check(cx: &Cx, diags: &mut Vec<Diagnostic>) {
    for i in 0..cx.units.len() {
        if cx.units.get(i).is_none_or(|u| u.decl.kind != Kind::Service) {
            continue;
        }
        let Some(body) = cx.body(i) else { continue };
        if cx.is_bad(i, ENDPOINT) || cx.is_bad(i, INSECURE) {
            continue;
        }
        let Some(endpoint) = body.attr(ENDPOINT) else {
            continue;
        };
        let ValueKind::Str(s) = &endpoint.value.kind else {
            continue;
        };
        let Some(url) = s.as_plain() else { continue };
        let plain = url
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("http://"));
        let allowed = matches!(
            body.attr(INSECURE).map(|a| &a.value.kind),
            Some(ValueKind::Bool(true))
        );
        if plain && !allowed {
            let secure = format!("https://{}", url.get(7..).unwrap_or(""));
            let d = Diagnostic::new(
                "PM0303",
                endpoint.value.span,
                "insecure endpoint: `http://` sends requests and credentials in clear text",
            )
            .label("plain HTTP")
            .help(format!(
                "use `{ENDPOINT} = \"{secure}\"`, or add `{INSECURE} = true` if plain HTTP is intended"
            ));
            cx.report(i, d, diags);
        }
    }
}
