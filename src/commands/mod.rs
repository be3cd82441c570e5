//! One file per command; [`run`] dispatches and turns the outcome into an exit
//! code.

mod check;
mod explain;
mod init;

use crate::cli::{Cli, Command};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What a command ended with (CLI.md's exit codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Ok,
    /// 1: the input has errors.
    Errors,
    /// 2: the command could not run at all.
    CannotRun,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        match e {
            Exit::Ok => ExitCode::SUCCESS,
            Exit::Errors => ExitCode::from(1),
            Exit::CannotRun => ExitCode::from(2),
        }
    }
}

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Init(args) => init::run(&args),
    }
}

/// The workspace root for a command: `dir` itself when given (it must hold a
/// `pmth.toml`), else the nearest folder at or above the current one that does.
pub fn workspace_root(dir: Option<&Path>) -> Result<PathBuf, String> {
    match dir {
        Some(d) if d.join("pmth.toml").is_file() => Ok(d.to_path_buf()),
        Some(d) if !d.is_dir() => Err(format!("`{}` is not a folder", d.display())),
        Some(d) => Err(format!(
            "no `pmth.toml` in `{}` (a workspace folder holds one; `pmth init` creates it)",
            d.display()
        )),
        None => {
            let cwd = std::env::current_dir()
                .map_err(|e| format!("cannot read the current folder: {e}"))?;
            pmth_compiler::load::find_root(&cwd).ok_or_else(|| {
                "no `pmth.toml` in this folder or any folder above it (`pmth init` creates one)"
                    .to_string()
            })
        }
    }
}

/// Prints a could-not-run error to stderr and returns exit code 2.
pub fn cannot_run(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::CannotRun
}

/// Writes to stdout; a closed pipe (`pmth check | head`) is not an error worth
/// reporting.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
