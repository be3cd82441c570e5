//! `pmth build [DIR]`: compiles like `check` (same diagnostics, same output),
//! then writes the sealed bundle and updates `pmth.lock` (BUNDLE.md). Exit 1 when
//! there are errors (nothing is written), 2 when the bundle cannot be written.

use super::{cannot_run, print_diagnostics, print_timings, say, workspace_root, Exit};
use crate::cli::BuildArgs;
use crate::render;
use pmth_compiler::emit::{self, BuildOptions, BuildReport};
use pmth_compiler::{compile, CompileOptions};
use std::path::Path;

pub fn run(args: &BuildArgs) -> Exit {
    let root = match workspace_root(args.dir.as_deref()) {
        Ok(r) => r,
        Err(e) => return cannot_run(&e),
    };
    // `-o` is relative to the current folder, like any path on the command line.
    let (out_dir, shown) = match &args.out {
        Some(o) => (o.clone(), folder_name(o)),
        None => (
            root.join("dist"),
            format!("{}dist/", render::base_prefix(&root)),
        ),
    };
    let opts = CompileOptions {
        deny_warnings: args.deny_warnings,
        extra_skip: vec![out_dir.clone()],
        policy_sandbox: super::worker::sandbox(),
    };
    let mut comp = match compile(&root, &opts) {
        Ok(c) => c,
        Err(e) => return cannot_run(&e.to_string()),
    };
    let build_opts = BuildOptions {
        out_dir,
        sign_key: args.sign.clone(),
        locked: args.locked,
        opa: args.opa,
        deny_warnings: args.deny_warnings,
    };
    let result = emit::build(&mut comp, &build_opts);
    if args.timings {
        print_timings(&comp.timings);
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            print_diagnostics(args.format, &root, &comp, &[]);
            return cannot_run(&format!("cannot build the bundle: {e}"));
        }
    };
    // The lock notes say what changed; when nothing was written (`--locked`
    // drift, errors), PM0801's diff says what would have.
    let notes = if report.written {
        report.notes.as_slice()
    } else {
        &[]
    };
    print_diagnostics(args.format, &root, &comp, notes);
    if comp.diagnostics.has_errors() || !report.written {
        return Exit::Errors;
    }
    say(args.format, &built_line(&shown, &report));
    Exit::Ok
}

/// `built dist/ (registry sha256:…, signed by KEYID)`.
fn built_line(shown: &str, report: &BuildReport) -> String {
    let mut what = format!("registry {}", report.registry_digest);
    if report.files.iter().any(|f| f == emit::opa::BUNDLE) {
        what.push_str(", OPA bundle");
    }
    match &report.signed_by {
        Some(k) => what.push_str(&format!(", signed by {k}")),
        None => what.push_str(", unsigned"),
    }
    if report.lock_changed {
        what.push_str(", pmth.lock updated");
    }
    format!("built {shown} ({what})")
}

/// A folder as the user gave it, with a trailing `/`.
fn folder_name(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    if s.ends_with('/') {
        s
    } else {
        format!("{s}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_line_says_what_was_written() {
        let r = BuildReport {
            registry_digest: "sha256:ab".into(),
            signed_by: Some("k1".into()),
            files: vec!["bundle.tar.gz".into()],
            ..BuildReport::default()
        };
        assert_eq!(
            built_line("dist/", &r),
            "built dist/ (registry sha256:ab, OPA bundle, signed by k1)"
        );
        assert_eq!(folder_name(Path::new("out")), "out/");
        assert_eq!(folder_name(Path::new("out/")), "out/");
    }
}
