//! `pmth diff OLD NEW`: what changed between two bundles or workspaces, per
//! declaration, with its class (BUNDLE.md §7). OLD and NEW are each a
//! workspace (compiled first) or a bundle folder (its integrity verified
//! first). The comparison and its renderings are `pmth_compiler::diff`'s;
//! this file only loads the two sides and chooses the exit code.
//!
//! Exit 0, or 1 when `--fail-on` names a class that occurred, when a
//! workspace has errors or a bundle fails verification; 2 when a path is
//! neither a workspace nor a bundle.

use super::{print, Exit};
use crate::cli::{DiffArgs, DiffFormat, FailOn, Format};
use crate::render::{self, RenderOptions};
use pmth_compiler::diff::{self, render as show, Class, Side};
use pmth_compiler::emit;
use pmth_compiler::{compile, CompileOptions};
use std::path::Path;

pub fn run(args: &DiffArgs) -> Exit {
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| load(&args.old));
        let new = load(&args.new);
        (old.join().unwrap_or(Err(Exit::CannotRun)), new)
    });
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let report = diff::diff(&old, &new);
    print(&match args.format {
        DiffFormat::Human => show::human(&report),
        DiffFormat::Json => show::json(&report),
        DiffFormat::Markdown => show::markdown(&report),
    });
    let failed = match args.fail_on {
        None => false,
        Some(FailOn::Breaking) => report.count(Class::Breaking) > 0,
        Some(FailOn::Semver) => report.semver_violations() > 0,
        Some(FailOn::Any) => !report.changes.is_empty(),
    };
    // Large registries: the OS reclaims them faster than a piecewise drop.
    std::mem::forget((old, new, report));
    if failed {
        Exit::Errors
    } else {
        Exit::Ok
    }
}

/// One side: a workspace (a folder with `pmth.toml`) or a bundle (one with
/// `registry.json` or its seal). Problems go to stderr, so that stdout stays
/// the one document.
fn load(path: &Path) -> Result<Side, Exit> {
    if path.join("pmth.toml").is_file() {
        let comp = compile(path, &CompileOptions::default()).map_err(|e| fail(&e.to_string()))?;
        if comp.diagnostics.has_errors() {
            let opts = RenderOptions {
                color: render::stderr_wants_color(),
                base: render::base_prefix(path),
                checked_files: 0,
                notes: Vec::new(),
            };
            eprint!(
                "{}",
                render::render(
                    Format::Human,
                    &comp.workspace.sources,
                    &comp.diagnostics,
                    &opts
                )
            );
            eprintln!("error: `{}` has errors; nothing to compare", path.display());
            return Err(Exit::Errors);
        }
        let side = match &comp.checked {
            Some(c) => Side::from_registry(&c.registry, comp.governance.as_ref()),
            None => Side::default(),
        };
        std::mem::forget(comp);
        return Ok(side);
    }
    let is_bundle = path.join(emit::REGISTRY).is_file() || path.join(emit::SEAL).is_file();
    if !is_bundle {
        return Err(fail(&format!(
            "`{}` is neither a workspace (no pmth.toml) nor a bundle (no {})",
            path.display(),
            emit::REGISTRY
        )));
    }
    // Integrity only: a diff says what the bundles hold, whoever signed them
    // (`pmth verify --key` is for trust).
    let report = emit::verify(path, None, true).map_err(|e| fail(&e.to_string()))?;
    if !report.ok() {
        let (sources, diags) = report.diagnostics();
        let opts = RenderOptions {
            color: render::stderr_wants_color(),
            base: String::new(),
            checked_files: 0,
            notes: Vec::new(),
        };
        eprint!("{}", render::render(Format::Human, &sources, &diags, &opts));
        return Err(Exit::Errors);
    }
    let text = std::fs::read_to_string(path.join(emit::REGISTRY))
        .map_err(|e| fail(&format!("{}: {e}", path.join(emit::REGISTRY).display())))?;
    Side::from_registry_json(&text).map_err(|e| {
        eprintln!("error: {}: {e}", path.display());
        Exit::Errors
    })
}

fn fail(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::CannotRun
}
