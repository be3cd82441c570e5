//! Runs the stages in order and collects their diagnostics and timings.

use crate::diag::Diagnostics;
use crate::load::{LoadError, Workspace};
use crate::source::SourceMap;
use crate::{check, expand, govern, load, parse, resolve};
use std::path::Path;
use std::time::{Duration, Instant};

/// What the caller wants beyond the defaults.
#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    /// Treat every warning as an error (`--deny-warnings`).
    pub deny_warnings: bool,
    /// Folders to skip besides the defaults (the build's `-o`).
    pub extra_skip: Vec<std::path::PathBuf>,
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
    let mut timings = Vec::new();
    let mut diags = Diagnostics::new();
    let mut timed = |stage: &'static str, start: Instant| {
        timings.push(StageTiming {
            stage,
            time: start.elapsed(),
        })
    };

    let t = Instant::now();
    let (workspace, d) = load::load(root, &opts.extra_skip)?;
    diags.extend(d);
    timed("load", t);

    let t = Instant::now();
    let (parsed, d) = parse::parse(&workspace);
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
    let mut notes = Vec::new();
    let governance = if diags.has_errors() {
        notes.push(
            "governance skipped: policies run only on a registry without errors; fix the errors above first"
                .to_owned(),
        );
        None
    } else {
        let (report, d) = govern::govern(&workspace, &checked);
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
