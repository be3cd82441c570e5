//! The hidden `pmth __policy-worker` mode: governance evaluation in a bounded
//! child process (`pmth_compiler::govern::sandbox`). It sets its own
//! address-space limit before reading anything, then serves one request on
//! stdin/stdout. `sandbox()` is how `check`, `build` and `lsp` ask for it.
//!
//! The bounds (docs/ci.md): `PMTH_POLICY_TIME_LIMIT` (seconds, default 20) per
//! `deny`/`warn` rule, `PMTH_POLICY_MEMORY_LIMIT` (MiB, default 4096) for the
//! worker's address space. They come from the environment of whoever runs
//! pmth (a CI job), never from the workspace.

use super::Exit;
use pmth_compiler::govern::sandbox::{self, Sandbox};
use std::time::Duration;

/// The hidden subcommand's name.
pub const COMMAND: &str = "__policy-worker";

/// How `check`, `build` and `lsp` evaluate policies: in a worker, unless the
/// binary's own path is unknown (then in-process, with regorus' timer only).
pub fn sandbox() -> Option<Sandbox> {
    let program = std::env::current_exe().ok()?;
    let configured = env_number("PMTH_POLICY_MEMORY_LIMIT")
        .map_or(sandbox::DEFAULT_MEMORY_LIMIT, |mib| {
            mib.saturating_mul(1 << 20)
        });
    // The worker inherits our own limit (`ulimit -v`): the lower one is the bound.
    let inherited = rlimit::Resource::AS
        .get()
        .map_or(rlimit::INFINITY, |(soft, _)| soft);
    let memory_limit = configured.min(inherited);
    let time_limit = env_number("PMTH_POLICY_TIME_LIMIT")
        .map_or(sandbox::DEFAULT_TIME_LIMIT, Duration::from_secs);
    Some(Sandbox {
        program,
        args: vec![COMMAND.to_owned(), memory_limit.to_string()],
        time_limit,
        memory_limit,
    })
}

/// The worker: `memory` is the address-space bound in bytes.
pub fn run(memory: u64) -> Exit {
    if rlimit::Resource::AS.set(memory, current_hard()).is_err() {
        // A lower inherited hard limit already bounds us: keep it.
        let hard = current_hard();
        let _ = rlimit::Resource::AS.set(memory.min(hard), hard);
    }
    let stdin = std::io::stdin();
    let stdout = std::io::BufWriter::new(std::io::stdout());
    match sandbox::serve(&mut stdin.lock(), stdout) {
        Ok(()) => Exit::Ok,
        Err(_) => Exit::CannotRun,
    }
}

fn current_hard() -> u64 {
    rlimit::Resource::AS
        .get()
        .map_or(rlimit::INFINITY, |(_, hard)| hard)
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name)
        .ok()?
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
}
