//! `pmth export DIST --to FORMAT [-o DIR] [--sign KEY] [--key PUB]`: verifies
//! the bundle, writes `DIR/<format>/` (BUNDLE.md §6) and prints what each
//! format could not hold, one note per declaration. Exit 1 when the bundle
//! fails verification (nothing is written), 2 when the command cannot run.

use super::{cannot_run, print, say, verify, Exit};
use crate::cli::{ExportArgs, ExportFormat, Format};
use pmth_compiler::emit::sign::SignKey;
use pmth_compiler::export::{self, ExportError, ExportOptions, ExportReport};
use serde_json::json;
use std::path::PathBuf;

pub fn run(args: &ExportArgs) -> Exit {
    let format = match args.to {
        ExportFormat::Mcp => export::Format::Mcp,
        ExportFormat::A2a => export::Format::A2a,
        ExportFormat::Openai => export::Format::Openai,
        ExportFormat::Agentspec => export::Format::Agentspec,
    };
    let sign = match args.sign.as_deref() {
        None => None,
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|pem| SignKey::from_pem(&pem).map_err(|e| e.0))
        {
            Ok(k) => Some(k),
            Err(e) => return cannot_run(&format!("cannot read the key `{}`: {e}", path.display())),
        },
    };
    if sign.is_some() && format != export::Format::A2a {
        eprintln!("warning: `--sign` signs A2A cards only; the {format} files are not signed");
    }
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("export"));
    let opts = ExportOptions { sign };
    match export::run(&args.dist, &out, format, args.key.as_deref(), &opts) {
        Ok(report) => {
            print(&render(args.format, &report));
            Exit::Ok
        }
        Err(ExportError::Verify(report)) => {
            verify::print_report(args.format, &report);
            say(
                args.format,
                &format!(
                    "error: `{}` failed verification; nothing was exported",
                    args.dist.display()
                ),
            );
            Exit::Errors
        }
        Err(ExportError::Cannot(message)) => cannot_run(&message),
    }
}

/// The notes and the summary line (`json`: one document).
fn render(format: Format, report: &ExportReport) -> String {
    let e = &report.export;
    let dir = report.out_dir.to_string_lossy().replace('\\', "/");
    let counts: Vec<String> = e.counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    match format {
        Format::Json | Format::Sarif => {
            let notes: Vec<_> = e
                .notes
                .iter()
                .map(|n| json!({"declaration": n.declaration, "message": n.message}))
                .collect();
            let files: Vec<&str> = e.files.iter().map(|(p, _)| p.as_str()).collect();
            let doc = json!({
                "format": report.format.name(),
                "out_dir": dir,
                "files": files,
                "counts": e.counts,
                "notes": notes,
                "signed_by_bundle": report.verify.signed_by,
            });
            format!("{doc}\n")
        }
        Format::Human | Format::Github => {
            let mut out = String::new();
            for n in &e.notes {
                match format {
                    Format::Github => out.push_str(&format!(
                        "::notice title=pmth export::{}: {}\n",
                        n.declaration, n.message
                    )),
                    _ => out.push_str(&format!("note: {}: {}\n", n.declaration, n.message)),
                }
            }
            let verified = match &report.verify.signed_by {
                Some(k) => format!("bundle signed by {k}"),
                None => "bundle integrity checked, signature not (no `--key`)".to_owned(),
            };
            out.push_str(&format!(
                "exported {} files to {dir}/ ({}; {} notes; {verified})\n",
                e.files.len(),
                if counts.is_empty() {
                    "nothing".to_owned()
                } else {
                    counts.join(", ")
                },
                e.notes.len()
            ));
            out
        }
    }
}
