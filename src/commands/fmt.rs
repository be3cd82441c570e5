//! `pmth fmt [PATHS] [--check]`: formats `.pmth` files with
//! `pmth_compiler::fmt::format_source`, written atomically; `--check` prints
//! the diff instead. A file with a syntax error, or one that cannot be
//! formatted safely, is reported and left untouched (exit 1).

use super::{cannot_run, print, workspace_root, Exit};
use crate::cli::FmtArgs;
use pmth_compiler::emit::write::replace_file;
use pmth_compiler::fmt::{format_source, normalized, unified_diff, FormatError};
use pmth_compiler::source::LineIndex;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

pub fn run(args: &FmtArgs) -> Exit {
    let files = match files(&args.paths) {
        Ok(f) => f,
        Err(e) => return cannot_run(&e),
    };
    // Formatted (and diffed) in parallel, reported and written in order.
    let results: Vec<Result<(String, String), String>> = files
        .par_iter()
        .map(|(shown, _, text)| {
            let text = text
                .as_ref()
                .map_err(|e| format!("{shown}: not formatted: {e}"))?;
            let formatted = format_source(text).map_err(|e| describe(shown, text, &e))?;
            let diff = match args.check && formatted != *text {
                true => unified_diff(shown, text, &formatted),
                false => String::new(),
            };
            Ok((formatted, diff))
        })
        .collect();
    let mut failed = false;
    let mut unwritable = false;
    let mut changed = 0usize;
    for ((_, path, text), result) in files.iter().zip(results) {
        let (Ok(text), Ok((formatted, diff))) = (text, result.as_ref()) else {
            failed = true;
            if let Err(why) = result {
                eprintln!("{why}");
            }
            continue;
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if args.check {
            print(diff);
        } else if let Err((p, e)) = replace_file(path, formatted.as_bytes()) {
            unwritable = true;
            eprintln!("error: cannot write {}: {e}", p.display());
        }
    }
    if args.check && changed > 0 {
        eprintln!("{changed} of {} files would be reformatted", files.len());
    }
    if unwritable {
        Exit::CannotRun
    } else if failed || (args.check && changed > 0) {
        Exit::Errors
    } else {
        Exit::Ok
    }
}

/// `path: reason`, and for a syntax error each diagnostic at `path:line:col`.
fn describe(shown: &str, text: &str, e: &FormatError) -> String {
    match e {
        FormatError::Syntax(diags) if !diags.is_empty() => {
            let text = normalized(text);
            let lines = LineIndex::new(&text);
            let mut out = format!("{shown}: not formatted: syntax error");
            for d in diags {
                let at = lines.line_col(&text, d.primary.span.start);
                out.push_str(&format!(
                    "\n{shown}:{}:{}: error[{}]: {}",
                    at.line, at.column, d.code, d.message
                ));
            }
            out
        }
        _ => format!("{shown}: not formatted: {e}"),
    }
}

/// A file to format: its path as shown, its path, its text (or why it could
/// not be read).
type Input = (String, PathBuf, Result<String, String>);

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))
}

/// Every file to format, in a stable order.
fn files(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    if paths.is_empty() {
        let root = workspace_root(None)?;
        return workspace_files(&root, None);
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push((p.display().to_string(), p.clone(), read(p)));
        } else if p.is_dir() {
            let abs = std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let root = pmth_compiler::load::find_root(&abs).ok_or_else(|| {
                format!(
                    "`{}` is in no workspace (no `pmth.toml` at or above it)",
                    p.display()
                )
            })?;
            out.extend(workspace_files(&root, Some(&abs))?);
        } else if p.exists() {
            return Err(format!(
                "`{}` is neither a file nor a folder: pass `.pmth` files or workspace folders",
                p.display()
            ));
        } else {
            return Err(format!("`{}` does not exist", p.display()));
        }
    }
    Ok(out)
}

/// The workspace's `.pmth` files (found as `check` finds them), those under
/// `under` when given.
fn workspace_files(root: &Path, under: Option<&Path>) -> Result<Vec<Input>, String> {
    let (ws, _) = pmth_compiler::load::load(root, &[]).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for id in &ws.pmth_files {
        let Some(file) = ws.sources.get(*id).filter(|f| !f.stdlib) else {
            continue;
        };
        let path = root.join(&file.path);
        if under.is_some_and(|u| !path.starts_with(u)) {
            continue;
        }
        // Read again as it is on disk: the loader drops a byte-order mark.
        let text = read(&path);
        out.push((file.path.clone(), path, text));
    }
    Ok(out)
}
