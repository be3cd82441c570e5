//! `pmth check [DIR] [--fix] [--unsafe-fixes]`: runs every stage and prints the
//! diagnostics in the chosen format; exit 1 when there is an error. With `--fix`
//! the fixes the diagnostics carry are applied first (CLI.md, "Fixes"), and the
//! diagnostics printed are those that remain.

use super::{cannot_run, print_diagnostics, print_timings, say, workspace_root, Exit};
use crate::cli::CheckArgs;
use pmth_compiler::diag::fix;
use pmth_compiler::emit::write::replace_file;
use pmth_compiler::{compile, Compilation, CompileOptions};
use std::collections::BTreeSet;
use std::path::Path;

/// How many fix-and-check rounds `--fix` runs at most (a fix can reveal
/// another problem, e.g. a corrected reference whose target is deprecated).
const MAX_ROUNDS: usize = 5;

pub fn run(args: &CheckArgs) -> Exit {
    let root = match workspace_root(args.dir.as_deref()) {
        Ok(r) => r,
        Err(e) => return cannot_run(&e),
    };
    let opts = CompileOptions {
        deny_warnings: args.deny_warnings,
        policy_sandbox: super::worker::sandbox(),
        ..CompileOptions::default()
    };
    let mut compilation = match compile(&root, &opts) {
        Ok(c) => c,
        Err(e) => return cannot_run(&e.to_string()),
    };
    if args.fix || args.unsafe_fixes {
        compilation = match fix_rounds(&root, &opts, compilation, args.unsafe_fixes) {
            Ok((c, fixed)) => {
                say(args.format, &fixed.summary());
                c
            }
            Err(e) => return cannot_run(&e),
        };
    }
    if args.timings {
        print_timings(&compilation.timings);
    }
    print_diagnostics(args.format, &root, &compilation, &[]);
    let exit = if compilation.diagnostics.has_errors() {
        Exit::Errors
    } else {
        Exit::Ok
    };
    // The process ends right after this: freeing a large compilation piece by
    // piece would only cost time (the OS reclaims it at once).
    std::mem::forget(compilation);
    exit
}

/// What `--fix` did, over every round.
#[derive(Default)]
struct Fixed {
    problems: usize,
    files: BTreeSet<String>,
}

impl Fixed {
    fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        if self.problems == 0 {
            return "nothing to fix".into();
        }
        format!(
            "fixed {} in {}",
            plural(self.problems, "problem", "problems"),
            plural(self.files.len(), "file", "files")
        )
    }
}

/// Applies the fixes of `comp`, writes each changed file atomically and checks
/// again, until nothing is left to apply or [`MAX_ROUNDS`]; returns the last
/// compilation. `Err` when a file cannot be written or the workspace is gone.
fn fix_rounds(
    root: &Path,
    opts: &CompileOptions,
    mut comp: Compilation,
    unsafe_too: bool,
) -> Result<(Compilation, Fixed), String> {
    let mut fixed = Fixed::default();
    for _ in 0..MAX_ROUNDS {
        let sources = &comp.workspace.sources;
        let plan = fix::plan(sources, comp.diagnostics.iter(), unsafe_too);
        if plan.is_empty() {
            break;
        }
        for f in &plan {
            let path = sources.path(f.file);
            // A symlinked source (inside the workspace, LANGUAGE.md §1) is
            // written through its link, which stays.
            let file = root.join(path);
            let file = std::fs::canonicalize(&file).unwrap_or(file);
            replace_file(&file, f.text.as_bytes())
                .map_err(|(p, e)| format!("cannot write `{}`: {e}", p.display()))?;
            fixed.problems += f.fixes;
            fixed.files.insert(path.to_owned());
        }
        comp = compile(root, opts).map_err(|e| e.to_string())?;
    }
    Ok((comp, fixed))
}
