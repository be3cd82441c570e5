//! `pmth check [DIR]`: runs every stage and prints the diagnostics in the chosen
//! format; exit 1 when there is an error.

use super::{cannot_run, print_diagnostics, print_timings, workspace_root, Exit};
use crate::cli::CheckArgs;
use pmth_compiler::{compile, CompileOptions};

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
    let compilation = match compile(&root, &opts) {
        Ok(c) => c,
        Err(e) => return cannot_run(&e.to_string()),
    };
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
