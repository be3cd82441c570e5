//! `pmth fmt` end to end: `--check` prints a diff and exits 1, write mode
//! rewrites and is idempotent, a file with a syntax error is left untouched,
//! and over every corpus (tests/cases, examples, the shared conformance corpus
//! and a generated 10k workspace) formatting changes nothing `check` sees: the
//! same diagnostic codes per file, the same registry digests.

mod common;

use common::{code, copy_dir, corpus, pmth, scratch, stderr, stdout, workspace, MANIFEST};
use pmth_compiler::{compile, CompileOptions};
use std::path::Path;

const MESSY: &str = "agent a { model = model.m  description = \"d\" // why\n kind = analytical }\n\
model m { description = \"m\" provider = \"openai\" }\n";

#[test]
fn check_prints_a_diff_and_exits_1_and_writes_nothing() {
    let ws = workspace(
        "fmt-check",
        &[("pmth.toml", MANIFEST), ("main.pmth", MESSY.as_bytes())],
    );
    let o = pmth(&["fmt", "--check"], &ws);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let diff = stdout(&o);
    assert!(diff.contains("--- main.pmth"), "{diff}");
    assert!(diff.contains("+  description = \"d\" // why"), "{diff}");
    assert_eq!(
        std::fs::read_to_string(ws.join("main.pmth"))
            .ok()
            .as_deref(),
        Some(MESSY)
    );
}

#[test]
fn write_mode_rewrites_then_check_is_clean() {
    let ws = workspace(
        "fmt-write",
        &[("pmth.toml", MANIFEST), ("main.pmth", MESSY.as_bytes())],
    );
    let o = pmth(&["fmt"], &ws);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(ws.join("main.pmth")).unwrap_or_default();
    assert_eq!(
        text,
        "agent a {\n  description = \"d\" // why\n  kind = analytical\n  model = model.m\n}\n\n\
         model m {\n  description = \"m\"\n  provider = \"openai\"\n}\n"
    );
    let again = pmth(&["fmt", "--check"], &ws);
    assert_eq!(code(&again), 0, "{}", stdout(&again));
    assert!(stdout(&again).is_empty());
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(&ws)
        .map(|r| r.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn explicit_paths_and_subfolders() {
    let ws = workspace(
        "fmt-paths",
        &[
            ("pmth.toml", MANIFEST),
            ("a/one.pmth", MESSY.as_bytes()),
            ("b/two.pmth", MESSY.as_bytes()),
        ],
    );
    let o = pmth(&["fmt", "a"], &ws);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_ne!(
        std::fs::read_to_string(ws.join("a/one.pmth"))
            .ok()
            .as_deref(),
        Some(MESSY)
    );
    assert_eq!(
        std::fs::read_to_string(ws.join("b/two.pmth"))
            .ok()
            .as_deref(),
        Some(MESSY)
    );
    let o = pmth(&["fmt", "--check", "b/two.pmth"], &ws);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("--- b/two.pmth"), "{}", stdout(&o));
    let o = pmth(&["fmt", "missing.pmth"], &ws);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    if cfg!(unix) {
        let o = pmth(&["fmt", "/dev/null"], &ws);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(
            stderr(&o).contains("is neither a file nor a folder"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn a_syntax_error_is_reported_and_the_file_untouched() {
    let broken = "agent a {\n  description = \"d\"\n  kind = = analytical\n}\n";
    let ws = workspace(
        "fmt-broken",
        &[
            ("pmth.toml", MANIFEST),
            ("bad.pmth", broken.as_bytes()),
            ("good.pmth", MESSY.as_bytes()),
        ],
    );
    for args in [&["fmt"][..], &["fmt", "--check"][..]] {
        let o = pmth(args, &ws);
        assert_eq!(code(&o), 1, "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("bad.pmth: not formatted: syntax error"),
            "{err}"
        );
        assert!(
            err.contains("bad.pmth:3:") && err.contains("error[PM0001]"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(ws.join("bad.pmth")).ok().as_deref(),
            Some(broken)
        );
    }
    // The good file was still formatted.
    assert_ne!(
        std::fs::read_to_string(ws.join("good.pmth"))
            .ok()
            .as_deref(),
        Some(MESSY)
    );
}

#[test]
fn a_bom_and_crlf_are_kept_and_errors_located() {
    let crlf = "\u{feff}capability c { description = \"d\" }\r\n";
    let broken = "\u{feff}// x\r\ncapability c {\r\n  description = = \"d\"\r\n}\r\n";
    let ws = workspace(
        "fmt-crlf",
        &[
            ("pmth.toml", MANIFEST),
            ("a.pmth", crlf.as_bytes()),
            ("b.pmth", broken.as_bytes()),
        ],
    );
    let o = pmth(&["fmt"], &ws);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("b.pmth:3:17: error[PM0001]"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(ws.join("a.pmth")).ok().as_deref(),
        Some("\u{feff}capability c {\r\n  description = \"d\"\r\n}\r\n")
    );
    assert_eq!(
        std::fs::read_to_string(ws.join("b.pmth")).ok().as_deref(),
        Some(broken)
    );
}

#[test]
fn outside_a_workspace_it_cannot_run() {
    let dir = scratch("fmt-nows");
    let o = pmth(&["fmt"], &dir);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

// ---- corpora ------------------------------------------------------------------

/// What formatting must not change: every diagnostic's (code, file), and each
/// declaration's (kind, id, registry digest).
type Fingerprint = (Vec<(String, String)>, Vec<(String, String, String)>);

fn fingerprint(root: &Path) -> Fingerprint {
    let comp = compile(root, &CompileOptions::default()).expect("a workspace");
    let mut diags: Vec<(String, String)> = comp
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                comp.workspace.sources.path(d.primary.span.file).to_string(),
            )
        })
        .collect();
    diags.sort();
    let mut decls = Vec::new();
    if let Some(checked) = &comp.checked {
        for (kind, e) in checked.registry.iter() {
            let json: serde_json::Value = serde_json::from_str(&e.json).unwrap_or_default();
            let digest = json["digest"].as_str().unwrap_or("").to_string();
            decls.push((kind.to_string(), e.id.to_string(), digest));
        }
    }
    decls.sort();
    (diags, decls)
}

/// Formats a copy of the workspace `src` and checks that `check` sees the same
/// thing, that a second run changes nothing, that every comment is kept and
/// that files with a syntax error are untouched.
fn formats_invisibly(src: &Path, failures: &mut Vec<String>) {
    let ws = scratch("fmt-corpus");
    copy_dir(src, &ws);
    let before_texts = texts(&ws);
    let before = fingerprint(&ws);
    let o = pmth(&["fmt"], &ws);
    if !matches!(code(&o), 0 | 1) {
        failures.push(format!(
            "{}: exit {}: {}",
            src.display(),
            code(&o),
            stderr(&o)
        ));
        return;
    }
    let after_texts = texts(&ws);
    for ((path, old), (_, new)) in before_texts.iter().zip(&after_texts) {
        if let Err(e) = pmth_compiler::fmt::format_source(old) {
            if old != new {
                failures.push(format!(
                    "{} ({}): a refused file was changed: {e}",
                    path.display(),
                    src.display()
                ));
            }
        }
        let (mut a, mut b) = (
            pmth_compiler::fmt::comment_texts(old),
            pmth_compiler::fmt::comment_texts(new),
        );
        if a.len() != b.len() {
            failures.push(format!("{}: comment count changed", path.display()));
        }
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            failures.push(format!("{}: comments changed", path.display()));
        }
    }
    if fingerprint(&ws) != before {
        failures.push(format!(
            "{}: check sees a difference after fmt",
            src.display()
        ));
    }
    let again = pmth(&["fmt", "--check"], &ws);
    if !stdout(&again).is_empty() {
        failures.push(format!(
            "{}: not idempotent:\n{}",
            src.display(),
            stdout(&again)
        ));
    }
    let _ = std::fs::remove_dir_all(&ws);
}

/// Every `.pmth` file under `dir` with its text, sorted by path.
fn texts(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "pmth") {
                let t = std::fs::read_to_string(&p).unwrap_or_default();
                out.push((p, t));
            }
        }
    }
    out.sort();
    out
}

/// The workspace folders (holding `pmth.toml`) directly under `dir`.
fn workspaces_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("pmth.toml").is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_corpus_formats_without_changing_what_check_sees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = workspaces_in(&root.join("tests/cases"));
    sources.extend(workspaces_in(&root.join("examples")));
    sources.extend(workspaces_in(&corpus()));
    assert!(sources.len() > 100, "only {} workspaces", sources.len());
    let mut failures = Vec::new();
    for src in &sources {
        formats_invisibly(src, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_generated_10k_workspace_formats_without_changing_what_check_sees() {
    let src = scratch("fmt-gen10k");
    let ws = pmth_bench::gen::generate(10_000);
    pmth_bench::gen::write(&ws, &src).expect("write the generated workspace");
    let mut failures = Vec::new();
    formats_invisibly(&src, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let _ = std::fs::remove_dir_all(&src);
}

/// The project's own sources are written in the style it enforces: the
/// examples and the files `pmth init` writes.
#[test]
fn the_projects_own_pmth_files_are_canonical() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = pmth(
        &[
            "fmt",
            "--check",
            "examples/support-fleet",
            "examples/research-mcp",
            "src/commands/init_template",
        ],
        repo,
    );
    assert_eq!(
        code(&o),
        0,
        "run `pmth fmt` on them:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
}
