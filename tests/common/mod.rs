//! Helpers shared by the end-to-end tests: run the built `pmth`, make scratch
//! workspaces under the target folder.
#![allow(dead_code)]

pub mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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

/// Runs `pmth ARGS` in `cwd` with no input, killing it after `limit`: its exit
/// status, stdout and stderr, or why it did not finish. Both pipes are drained
/// on threads so that a large output cannot block the child.
pub fn pmth_within(
    args: &[&str],
    cwd: &Path,
    limit: Duration,
) -> Result<(ExitStatus, Vec<u8>, Vec<u8>), String> {
    let mut child = Command::new(PMTH)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let out_t = std::thread::spawn(move || read_all(out.as_mut()));
    let err_t = std::thread::spawn(move || read_all(err.as_mut()));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {limit:?}"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("wait: {e}")),
        }
    };
    let stdout = out_t.join().unwrap_or_default();
    let stderr = err_t.join().unwrap_or_default();
    Ok((status, stdout, stderr))
}

fn read_all<R: std::io::Read>(r: Option<&mut R>) -> Vec<u8> {
    let mut buf = Vec::new();
    if let Some(r) = r {
        let _ = r.read_to_end(&mut buf);
    }
    buf
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

/// Copies the folder `from` (recursively) to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        let target = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).expect("copy");
        }
    }
}
