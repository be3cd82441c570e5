//! The `pmth` command: parses the command line, runs one command and exits with
//! its code (0 ok, 1 the input has errors, 2 the command could not run).
//!
//! This is the only place that prints: the compiler's stages return values and
//! diagnostics, and [`render`] turns diagnostics into text.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod cli;
mod commands;
mod render;

use clap::Parser;
use std::process::ExitCode;

/// The compiler allocates many small nodes; mimalloc makes that (and page reuse)
/// markedly cheaper than the system allocator (see bench/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    commands::run(cli).into()
}
