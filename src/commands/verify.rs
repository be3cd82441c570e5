//! `pmth verify DIST --key PUB`: recomputes every digest of a bundle and checks
//! its signatures. Each failure is a PM0901 diagnostic on the file it is about;
//! exit 1 on any, 2 when there is no bundle at DIST or the key cannot be read.

use super::{cannot_run, is_document, print, say, Exit};
use crate::cli::{Format, VerifyArgs};
use crate::render::{self, RenderOptions};
use pmth_compiler::emit::{self, VerifyReport};

/// Said whenever signatures were not checked.
const INTEGRITY_ONLY: &str =
    "integrity only: signatures were not checked (`--allow-unsigned` without `--key`)";

pub fn run(args: &VerifyArgs) -> Exit {
    if args.key.is_none() && !args.allow_unsigned {
        eprintln!(
            "error: refusing to verify `{}` without a key: pass `--key PUB` to check its \
             signature, or `--allow-unsigned` to check integrity only",
            args.dist.display()
        );
        return Exit::Errors;
    }
    let report = match emit::verify(&args.dist, args.key.as_deref(), args.allow_unsigned) {
        Ok(r) => r,
        Err(e) => return cannot_run(&e.to_string()),
    };
    if report.ok() && !is_document(args.format) {
        print(&success(args.format, &report));
        return Exit::Ok;
    }
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
    print(&render::render(args.format, &sources, &diags, &opts));
    if report.ok() {
        say(args.format, &verified_line(&report));
        Exit::Ok
    } else {
        Exit::Errors
    }
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
