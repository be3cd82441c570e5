//! Checker tests: one helper runs parse → expand → resolve → check on in-memory
//! sources, and each rule is exercised through it.

mod conformance;
mod rules;
pub(crate) mod scale;
mod snapshots;
mod stdlib_doc;

use crate::diag::{Diagnostic, Diagnostics};
use crate::load::{GovernanceConfig, Manifest, Workspace};
use crate::source::{FileKind, SourceMap};
use crate::{check, expand, parse, resolve};

/// The result of compiling some sources up to `check`.
pub struct Run {
    pub ws: Workspace,
    pub checked: check::Checked,
    pub diags: Vec<Diagnostic>,
}

impl Run {
    /// `(code, line, message)` of every diagnostic, sorted.
    pub fn codes(&self) -> Vec<(&'static str, u32, String)> {
        self.diags
            .iter()
            .map(|d| {
                (
                    d.code,
                    self.ws.sources.start(d.primary.span).line,
                    d.message.clone(),
                )
            })
            .collect()
    }

    /// Just the `(code, line)` pairs.
    pub fn lines(&self) -> Vec<(&'static str, u32)> {
        self.codes().into_iter().map(|(c, l, _)| (c, l)).collect()
    }
}

/// Compiles `(path, text)` files (stdlib ones first, with `stdlib:` paths).
pub fn run_files(stdlib: &[(&str, &str)], files: &[(&str, &str)]) -> Run {
    let mut sources = SourceMap::new();
    let manifest_file = sources.add("pmth.toml".into(), FileKind::Manifest, String::new(), false);
    let mut pmth_files = Vec::new();
    for (path, text) in stdlib {
        pmth_files.push(sources.add(
            format!("stdlib:{path}"),
            FileKind::Pmth,
            (*text).into(),
            true,
        ));
    }
    for (path, text) in files {
        pmth_files.push(sources.add((*path).into(), FileKind::Pmth, (*text).into(), false));
    }
    let ws = Workspace {
        root: std::path::PathBuf::from("."),
        sources,
        manifest: Some(Manifest {
            name: "case".into(),
            version: semver::Version::new(0, 1, 0),
            organization: None,
            homepage: None,
            governance: GovernanceConfig::default(),
        }),
        manifest_file,
        pmth_files,
        policy_files: Vec::new(),
    };
    let mut diags = Diagnostics::new();
    let (parsed, d) = parse::parse(&ws);
    diags.extend(d);
    let (expanded, d) = expand::expand(&ws.sources, parsed);
    diags.extend(d);
    let (resolved, d) = resolve::resolve(&ws.sources, expanded);
    diags.extend(d);
    let (checked, d) = check::check(&ws, resolved);
    diags.extend(d);
    diags.finish(&ws.sources);
    Run {
        ws,
        checked,
        diags: diags.into_vec(),
    }
}

/// The repository's `stdlib/*.pmth`, sorted by path.
pub fn stdlib() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../stdlib");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "pmth"))
                .filter_map(|p| {
                    let name = p.file_name()?.to_string_lossy().into_owned();
                    Some((name, std::fs::read_to_string(&p).ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Compiles files after the real stdlib.
pub fn run_with_stdlib(files: &[(&str, &str)]) -> Run {
    let std = stdlib();
    let std: Vec<(&str, &str)> = std.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    run_files(&std, files)
}

/// Compiles one file, `main.pmth`, without the stdlib.
pub fn run(src: &str) -> Run {
    run_files(&[], &[("main.pmth", src)])
}

/// `(code, line, message)` of one file's diagnostics.
pub fn check_src(src: &str) -> Vec<(&'static str, u32, String)> {
    run(src).codes()
}
