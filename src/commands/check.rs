//! `pmth check [DIR]`: runs every stage and prints the diagnostics in the chosen
//! format; exit 1 when there is an error.

use super::{cannot_run, print, workspace_root, Exit};
use crate::cli::CheckArgs;
use crate::render::{self, RenderOptions};
use pmth_compiler::{compile, CompileOptions, StageTiming};
use std::time::Duration;

pub fn run(args: &CheckArgs) -> Exit {
    let root = match workspace_root(args.dir.as_deref()) {
        Ok(r) => r,
        Err(e) => return cannot_run(&e),
    };
    let opts = CompileOptions {
        deny_warnings: args.deny_warnings,
        ..CompileOptions::default()
    };
    let compilation = match compile(&root, &opts) {
        Ok(c) => c,
        Err(e) => return cannot_run(&e.to_string()),
    };
    if args.timings {
        eprint!("{}", timings_table(&compilation.timings));
    }
    let ws = &compilation.workspace;
    let checked_files = ws
        .pmth_files
        .iter()
        .chain(&ws.policy_files)
        .filter(|id| ws.sources.get(**id).is_some_and(|f| !f.stdlib))
        .count();
    let render_opts = RenderOptions {
        color: render::stdout_wants_color(),
        base: render::base_prefix(&root),
        checked_files,
        notes: compilation.notes.clone(),
    };
    print(&render::render(
        args.format,
        &ws.sources,
        &compilation.diagnostics,
        &render_opts,
    ));
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
