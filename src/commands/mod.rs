//! One file per command; [`run`] dispatches and turns the outcome into an exit
//! code.

mod authorize;
mod build;
mod check;
mod diff;
mod explain;
mod export;
mod fmt;
mod graph;
mod import;
mod init;
mod keygen;
mod lsp;
mod policy_test;
mod query;
mod registry_input;
mod verify;
pub mod worker;

use crate::cli::{Cli, Command, Format, PolicyCommand};
use crate::render::{self, RenderOptions};
use pmth_compiler::{Compilation, StageTiming};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

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
        Command::Fmt(args) => fmt::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Query(args) => query::run(&args),
        Command::Authorize(args) => authorize::run(&args),
        Command::Keygen(args) => keygen::run(&args),
        Command::Policy(PolicyCommand::Test(args)) => policy_test::run(&args),
        Command::Lsp => lsp::run(),
        Command::PolicyWorker { memory } => worker::run(memory),
    }
}

/// Prints a compilation's diagnostics in `format`, the way `check` does (the
/// summary line last in `human` and `github`). `notes` come after the
/// compilation's own, before the summary line.
pub fn print_diagnostics(format: Format, root: &Path, comp: &Compilation, notes: &[String]) {
    let ws = &comp.workspace;
    let checked_files = ws
        .pmth_files
        .iter()
        .chain(&ws.policy_files)
        .filter(|id| ws.sources.get(**id).is_some_and(|f| !f.stdlib))
        .count();
    let render_opts = RenderOptions {
        color: render::stdout_wants_color(),
        base: render::base_prefix(root),
        checked_files,
        notes: comp.notes.iter().chain(notes).cloned().collect(),
    };
    print(&render::render(
        format,
        &ws.sources,
        &comp.diagnostics,
        &render_opts,
    ));
}

/// `--timings`: the per-stage table, on stderr.
pub fn print_timings(timings: &[StageTiming]) {
    eprint!("{}", timings_table(timings));
}

/// A small table of per-stage wall times, for stderr.
fn timings_table(timings: &[StageTiming]) -> String {
    let mut out = String::from("stage      time\n");
    let mut total = Duration::ZERO;
    for t in timings {
        total += t.time;
        out.push_str(&format!("{:<8} {:>8}\n", t.stage, millis(t.time)));
    }
    out.push_str(&format!("{:<8} {:>8}\n", "total", millis(total)));
    out
}

fn millis(d: Duration) -> String {
    format!("{:.2}ms", d.as_secs_f64() * 1000.0)
}

/// True for the formats whose stdout is a single document (`json`, `sarif`):
/// anything else a command says goes to stderr.
pub fn is_document(format: Format) -> bool {
    matches!(format, Format::Json | Format::Sarif)
}

/// A line for the user: stdout, or stderr when stdout is a single document.
pub fn say(format: Format, line: &str) {
    if is_document(format) {
        eprintln!("{line}");
    } else {
        print(&format!("{line}\n"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timings_have_a_total() {
        let t = [
            StageTiming {
                stage: "load",
                time: Duration::from_micros(1500),
            },
            StageTiming {
                stage: "parse",
                time: Duration::from_micros(500),
            },
        ];
        let table = timings_table(&t);
        assert!(table.contains("load       1.50ms"), "{table}");
        assert!(table.ends_with("total      2.00ms\n"), "{table}");
    }
}
