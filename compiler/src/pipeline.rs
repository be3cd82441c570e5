//! Runs the stages in order and collects their diagnostics and timings.

use crate::diag::Diagnostics;
use crate::load::{LoadError, Workspace};
use crate::session::Session;
use crate::source::SourceMap;
use crate::{check, expand, govern, load, parse, resolve};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the caller wants beyond the defaults.
#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    /// Treat every warning as an error (`--deny-warnings`).
    pub deny_warnings: bool,
    /// Folders to skip besides the defaults (the build's `-o`).
    pub extra_skip: Vec<std::path::PathBuf>,
    /// Evaluate policies in a bounded worker process (the binary sets it;
    /// `None` evaluates in-process, bounded by regorus' timer only).
    pub policy_sandbox: Option<govern::Sandbox>,
}

/// Wall time of one stage.
#[derive(Clone, Debug)]
pub struct StageTiming {
    pub stage: &'static str,
    pub time: Duration,
}

/// Everything a compilation produced.
#[derive(Debug)]
pub struct Compilation {
    pub workspace: Workspace,
    pub diagnostics: Diagnostics,
    /// The checked registry; `None` when a stage before `check` could not run.
    pub checked: Option<check::Checked>,
    pub governance: Option<govern::GovernanceReport>,
    pub timings: Vec<StageTiming>,
    /// Notes about the run itself, such as a skipped stage.
    pub notes: Vec<String>,
}

impl Compilation {
    pub fn sources(&self) -> &SourceMap {
        &self.workspace.sources
    }
}

/// Runs every stage on the workspace at `root` (a folder holding `pmth.toml`).
/// `Err` only when there is no workspace to compile (exit 2).
pub fn compile(root: &Path, opts: &CompileOptions) -> Result<Compilation, LoadError> {
    run(opts, || load::load(root, &opts.extra_skip), parse::parse)
}

/// [`compile`] for an editor: file texts come from `overlays` (unsaved buffers,
/// keyed by absolute path) before the disk, and unchanged files reuse their
/// parse from `session` ([`Session::parse`]). Every other stage is the same.
pub fn compile_with_session(
    session: &mut Session,
    root: &Path,
    opts: &CompileOptions,
    overlays: &HashMap<PathBuf, String>,
) -> Result<Compilation, LoadError> {
    run(
        opts,
        || load::load_with_overlays(root, &opts.extra_skip, overlays),
        |ws| session.parse(ws),
    )
}

/// The stages in order, with the two that differ between callers (how files are
/// read, how they are parsed) passed in.
fn run(
    opts: &CompileOptions,
    load: impl FnOnce() -> Result<(Workspace, Diagnostics), LoadError>,
    parse: impl FnOnce(&Workspace) -> (parse::Parsed, Diagnostics),
) -> Result<Compilation, LoadError> {
    let mut timings = Vec::new();
    let mut diags = Diagnostics::new();
    let mut timed = |stage: &'static str, start: Instant| {
        timings.push(StageTiming {
            stage,
            time: start.elapsed(),
        })
    };

    let t = Instant::now();
    let (workspace, d) = load()?;
    diags.extend(d);
    timed("load", t);

    let t = Instant::now();
    let (parsed, d) = parse(&workspace);
    diags.extend(d);
    timed("parse", t);

    let t = Instant::now();
    let (expanded, d) = expand::expand(&workspace.sources, parsed);
    diags.extend(d);
    timed("expand", t);

    let t = Instant::now();
    let (resolved, d) = resolve::resolve(&workspace.sources, expanded);
    diags.extend(d);
    timed("resolve", t);

    let t = Instant::now();
    let (checked, d) = check::check(&workspace, resolved);
    diags.extend(d);
    timed("check", t);

    let t = Instant::now();
    diags.extend(govern::check_policy_shapes(&workspace));
    timed("shapes", t);

    let t = Instant::now();
    let mut notes = Vec::new();
    let governance = if diags.has_errors() {
        diags.extend(govern::check_policy_syntax(&workspace, &checked));
        notes.push(
            "governance skipped: policies run only on a registry without errors; fix the errors above first"
                .to_owned(),
        );
        None
    } else {
        let (report, d) = govern::govern_with(&workspace, &checked, opts.policy_sandbox.as_ref());
        diags.extend(d);
        Some(report)
    };
    timed("govern", t);

    let deny = opts.deny_warnings
        || workspace
            .manifest
            .as_ref()
            .is_some_and(|m| m.governance.deny_warnings);
    if opts.deny_warnings {
        diags.deny_warnings();
    } else if deny {
        diags.promote_code("PM0702");
    }
    diags.finish(&workspace.sources);
    Ok(Compilation {
        workspace,
        diagnostics: diags,
        checked: Some(checked),
        governance,
        timings,
        notes,
    })
}

#[cfg(test)]
mod session_tests {
    use super::*;

    fn summary(c: &Compilation) -> Vec<String> {
        c.diagnostics
            .iter()
            .map(|d| {
                let lc = c.sources().start(d.primary.span);
                format!(
                    "{} {}:{lc} {}",
                    d.code,
                    c.sources().path(d.primary.span.file),
                    d.message
                )
            })
            .collect()
    }

    /// `compile_with_session` runs the same stages as `compile`: same
    /// diagnostics on every example, cold and warm, and overlays replace the disk.
    #[test]
    fn session_compiles_like_compile() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut roots: Vec<PathBuf> = std::fs::read_dir(&examples)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        roots.retain(|p| p.join("pmth.toml").is_file());
        roots.sort();
        assert!(!roots.is_empty(), "no examples found");
        let opts = CompileOptions::default();
        for root in roots {
            let plain = compile(&root, &opts).expect("compiles");
            let mut session = Session::new();
            let none = HashMap::new();
            let cold = compile_with_session(&mut session, &root, &opts, &none).expect("cold");
            let warm = compile_with_session(&mut session, &root, &opts, &none).expect("warm");
            assert_eq!(summary(&plain), summary(&cold), "{}", root.display());
            assert_eq!(summary(&plain), summary(&warm), "{}", root.display());
            assert_eq!(session.last_parsed(), 0, "warm run parsed nothing");
        }
    }

    #[test]
    fn overlays_replace_the_disk_and_reparse_one_file() {
        let root = std::env::temp_dir().join(format!("pmth-session-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("mkdir");
        let write = |p: &str, t: &str| std::fs::write(root.join(p), t).expect("write");
        write(
            "pmth.toml",
            "[package]\nname = \"x\"\nversion = \"1.0.0\"\n",
        );
        write("a.pmth", "capability a { description = \"a\" }\n");
        write("b.pmth", "capability b { description = \"b\" }\n");
        let opts = CompileOptions::default();
        let mut session = Session::new();
        let mut overlays = HashMap::new();
        let first = compile_with_session(&mut session, &root, &opts, &overlays).expect("first");
        assert!(first.diagnostics.is_empty(), "{:?}", summary(&first));
        overlays.insert(
            root.join("b.pmth"),
            "capability b { description = \"b\"  requires = [capability.nope] }\n".to_owned(),
        );
        let second = compile_with_session(&mut session, &root, &opts, &overlays).expect("second");
        assert_eq!(session.last_parsed(), 1);
        let codes: Vec<_> = second.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["PM0101"], "{:?}", summary(&second));
        let _ = std::fs::remove_dir_all(&root);
    }
}
