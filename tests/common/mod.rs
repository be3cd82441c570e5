//! Helpers shared by the end-to-end tests: run the built `pmth`, make scratch
//! workspaces under the target folder.
#![allow(dead_code)]

pub mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const PMTH: &str = env!("CARGO_BIN_EXE_pmth");

/// Runs `pmth ARGS` in `cwd`.
pub fn pmth(args: &[&str], cwd: &Path) -> Output {
    Command::new(PMTH)
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("run pmth")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// A fresh, empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// A scratch workspace holding `files` (path, bytes).
pub fn workspace(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = scratch(name);
    for (path, bytes) in files {
        let p = dir.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, bytes).expect("write");
    }
    dir
}

pub const MANIFEST: &[u8] =
    b"[package]\nname = \"case\"\nversion = \"0.1.0\"\n\n[governance]\nstdlib = false\n";

/// The JSON document of `pmth check --format json`.
pub fn check_json(dir: &Path) -> (i32, serde_json::Value) {
    let o = pmth(&["check", "--format", "json", "."], dir);
    let doc = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    (code(&o), doc)
}

/// `(code, file, line)` of every diagnostic of a JSON document.
pub fn triples(doc: &serde_json::Value) -> Vec<(String, String, u64)> {
    doc["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["code"].as_str().unwrap_or("").to_string(),
                        d["file"].as_str().unwrap_or("").to_string(),
                        d["line"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The shared conformance corpus: `../shared/conformance` from the repository
/// root (or from the folder above it, for a git worktree), or `PMTH_CONFORMANCE`.
pub fn corpus() -> PathBuf {
    if let Some(p) = std::env::var_os("PMTH_CONFORMANCE") {
        return PathBuf::from(p);
    }
    let candidates = [
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/conformance"
        )),
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/conformance"
        )),
    ];
    candidates
        .iter()
        .find(|p| p.is_dir())
        .cloned()
        .unwrap_or_else(|| panic!("the conformance corpus is missing: looked for {candidates:?}"))
}
