//! `pmth lsp`: the language server on stdin/stdout (the `pmth-lsp` crate).
//! Exit 0 after the client's `shutdown` and `exit`; 2 when the connection
//! fails (the reason on stderr).

use super::{cannot_run, Exit};

pub fn run() -> Exit {
    let options = pmth_compiler::CompileOptions {
        policy_sandbox: super::worker::sandbox(),
        ..pmth_compiler::CompileOptions::default()
    };
    match pmth_lsp::run_stdio_with(options) {
        Ok(()) => Exit::Ok,
        Err(e) => cannot_run(&format!("language server: {e}")),
    }
}
