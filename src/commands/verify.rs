//! `pmth verify DIST --key PUB`: recomputes every digest of a bundle and checks
//! its signatures. Each failure is a PM0901 diagnostic on the file it is about;
//! exit 1 on any, 2 when there is no bundle at DIST or the key cannot be read.

use super::{cannot_run, is_document, print, say, Exit};
use crate::cli::{Format, VerifyArgs};
use crate::render::{self, RenderOptions};
use pmth_compiler::emit::sign::VerifyKey;
use pmth_compiler::emit::{self, VerifyReport};
use pmth_compiler::export;

/// Said whenever signatures were not checked.
const INTEGRITY_ONLY: &str =
    "integrity only: signatures were not checked (`--allow-unsigned` without `--key`)";

pub fn run(args: &VerifyArgs) -> Exit {
    let Some(dist) = args.dist.as_deref() else {
        return cards(args);
    };
    if args.key.is_none() && !args.allow_unsigned {
        eprintln!(
            "error: refusing to verify `{}` without a key: pass `--key PUB` to check its \
             signature, or `--allow-unsigned` to check integrity only",
            dist.display()
        );
        return Exit::Errors;
    }
    let report = match emit::verify(dist, args.key.as_deref(), args.allow_unsigned) {
        Ok(r) => r,
        Err(e) => return cannot_run(&e.to_string()),
    };
    if report.ok() && !is_document(args.format) {
        print(&success(args.format, &report));
        return Exit::Ok;
    }
    print_report(args.format, &report);
    if report.ok() {
        say(args.format, &verified_line(&report));
        Exit::Ok
    } else {
        Exit::Errors
    }
}

/// `pmth verify --card FILE… --key PUB`: each exported A2A card's JWS
/// signature (BUNDLE.md §6); exit 1 when any does not verify.
fn cards(args: &VerifyArgs) -> Exit {
    let Some(key_path) = args.key.as_deref() else {
        return cannot_run("`--card` needs `--key PUB`, the public key the cards were signed with");
    };
    let key = match std::fs::read_to_string(key_path)
        .map_err(|e| e.to_string())
        .and_then(|pem| VerifyKey::from_pem(&pem).map_err(|e| e.0))
    {
        Ok(k) => k,
        Err(e) => {
            return cannot_run(&format!(
                "cannot read the key `{}`: {e}",
                key_path.display()
            ))
        }
    };
    let mut results = Vec::new();
    for card in &args.card {
        let outcome = match std::fs::read(card) {
            Ok(bytes) => export::verify_card(&bytes, &key),
            Err(e) => Err(format!("cannot read it: {e}")),
        };
        results.push((card.to_string_lossy().replace('\\', "/"), outcome));
    }
    let failed = results.iter().filter(|(_, r)| r.is_err()).count();
    if is_document(args.format) {
        let cards: Vec<serde_json::Value> = results
            .iter()
            .map(|(file, r)| match r {
                Ok(kid) => serde_json::json!({"file": file, "ok": true, "signed_by": kid}),
                Err(e) => serde_json::json!({"file": file, "ok": false, "message": e}),
            })
            .collect();
        let doc = serde_json::json!({"cards": cards, "failed": failed});
        print(&format!("{doc}\n"));
    } else {
        let mut out = String::new();
        for (file, r) in &results {
            match (r, args.format) {
                (Ok(kid), _) => out.push_str(&format!("verified {file} (signed by {kid})\n")),
                (Err(e), Format::Github) => {
                    out.push_str(&format!("::error file={file},title=PM0901::{e}\n"))
                }
                (Err(e), _) => out.push_str(&format!("error[PM0901]: {file}: {e}\n")),
            }
        }
        if failed > 0 {
            out.push_str(&format!(
                "error: {failed} of {} cards failed verification\n",
                results.len()
            ));
        }
        print(&out);
    }
    if failed == 0 {
        Exit::Ok
    } else {
        Exit::Errors
    }
}

/// A failed (or, in `json`/`sarif`, any) verification as diagnostics.
pub fn print_report(format: Format, report: &VerifyReport) {
    let (sources, diags) = report.diagnostics();
    let mut notes = Vec::new();
    if report.integrity_only {
        notes.push(INTEGRITY_ONLY.to_owned());
    }
    let opts = RenderOptions {
        color: render::stdout_wants_color(),
        base: String::new(),
        checked_files: report.checked.len(),
        notes,
    };
    print(&render::render(format, &sources, &diags, &opts));
}

/// What a verified bundle prints in `human` and `github`: what was checked, then
/// the verdict.
fn success(format: Format, report: &VerifyReport) -> String {
    let mut out = String::new();
    if format == Format::Human {
        for c in &report.checked {
            out.push_str(&format!("  ok {c}\n"));
        }
    }
    if report.integrity_only {
        let note = match format {
            Format::Github => format!("::warning title=pmth::{INTEGRITY_ONLY}\n"),
            _ => format!("warning: {INTEGRITY_ONLY}\n"),
        };
        out.push_str(&note);
    }
    out.push_str(&verified_line(report));
    out.push('\n');
    out
}

/// `verified dist/ (signed by KEYID)` or `… (integrity only, unsigned)`.
fn verified_line(report: &VerifyReport) -> String {
    let dist = report.dist.to_string_lossy().replace('\\', "/");
    let dist = dist.trim_end_matches('/');
    match (&report.signed_by, report.integrity_only) {
        (Some(k), _) => format!("verified {dist}/ (signed by {k})"),
        (None, true) => format!("verified {dist}/ (integrity only: signatures not checked)"),
        (None, false) => format!("verified {dist}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_only_is_said_explicitly() {
        let r = VerifyReport {
            dist: "dist".into(),
            integrity_only: true,
            checked: vec!["registry.json sha256".into()],
            ..VerifyReport::default()
        };
        let out = success(Format::Human, &r);
        assert!(out.contains("warning: integrity only"), "{out}");
        assert!(
            out.ends_with("verified dist/ (integrity only: signatures not checked)\n"),
            "{out}"
        );
    }
}
