//! `pmth diff OLD NEW`: what changed between two bundles or workspaces, per
//! declaration, with its class (BUNDLE.md §7). OLD and NEW are each a
//! workspace (compiled first) or a bundle folder (its integrity verified
//! first). The comparison and its renderings are `pmth_compiler::diff`'s;
//! this file only loads the two sides and chooses the exit code.
//!
//! Exit 0, or 1 when `--fail-on` names a class that occurred, when a
//! workspace has errors or a bundle fails verification; 2 when a path is
//! neither a workspace nor a bundle.

use super::registry_input::{self, Input};
use super::{print, Exit};
use crate::cli::{DiffArgs, DiffFormat, FailOn};
use pmth_compiler::diff::{self, render as show, Class, Side};
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

/// One side, as [`registry_input::load`] reads it.
fn load(path: &Path) -> Result<Side, Exit> {
    match registry_input::load(path)? {
        Input::Workspace(comp) => {
            let side = match &comp.checked {
                Some(c) => Side::from_registry(&c.registry, comp.governance.as_ref()),
                None => Side::default(),
            };
            std::mem::forget(comp);
            Ok(side)
        }
        Input::Bundle(text) => Side::from_registry_json(&text).map_err(|e| {
            eprintln!("error: {}: {e}", path.display());
            Exit::Errors
        }),
    }
}
