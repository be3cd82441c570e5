//! Fault tests of `pmth build` through the binary: a build killed at random
//! moments, a full disk, and workspaces whose files are created in another
//! order under another path (CLI.md: nothing half-written; BUNDLE.md §1: same
//! inputs, same bytes).

mod common;

use common::*;
use pmth_bench::rng::Rng;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support-fleet");

/// Every file of a folder below it (relative path, bytes), sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                let rel = p.strip_prefix(dir).unwrap_or(&p);
                out.push((rel.to_string_lossy().into_owned(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// The example's sources written into `to` in the order `rng` picks.
fn write_shuffled(to: &Path, rng: &mut Rng) {
    let mut todo = files(Path::new(EXAMPLE));
    while !todo.is_empty() {
        let (rel, bytes) = todo.swap_remove(rng.below(todo.len() as u64) as usize);
        let p = to.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, bytes).expect("write");
    }
}

/// What a build leaves that matters: the bundle's files and the lock.
#[derive(Debug, PartialEq, Clone)]
struct State {
    dist: Vec<(String, Vec<u8>)>,
    lock: Option<Vec<u8>>,
}

fn state(ws: &Path) -> State {
    State {
        dist: files(&ws.join("dist")),
        lock: std::fs::read(ws.join("pmth.lock")).ok(),
    }
}

/// Hidden leftovers of builds (`.dist.pmth-new-PID`, `.pmth.lock.pmth-new-PID`, …).
fn leftovers(ws: &Path) -> Vec<String> {
    std::fs::read_dir(ws)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".pmth-"))
        .collect()
}

/// Two versions of the fleet (an extra capability), so consecutive builds differ.
fn set_variant(ws: &Path, v: usize) {
    let p = ws.join("models.pmth");
    let text = std::fs::read_to_string(Path::new(EXAMPLE).join("models.pmth")).expect("models");
    std::fs::write(
        p,
        format!(
            "{text}\n// variant {v}\ncapability fault_{v} {{ description = \"variant {v}\" }}\n"
        ),
    )
    .expect("write");
}

#[test]
fn a_killed_build_leaves_the_bundle_and_lock_as_before_or_as_after() {
    let ws = scratch("faults-kill");
    write_shuffled(&ws, &mut Rng::new(1));
    // The state each variant builds to, computed once in a folder of its own.
    let mut expected = Vec::new();
    for v in 0..2 {
        let dir = scratch(&format!("faults-kill-ref{v}"));
        write_shuffled(&dir, &mut Rng::new(1));
        set_variant(&dir, v);
        let o = pmth(&["build", "--opa"], &dir);
        assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
        expected.push(state(&dir));
    }
    set_variant(&ws, 0);
    assert_eq!(code(&pmth(&["build", "--opa"], &ws)), 0);
    let mut current = 0;
    assert_eq!(state(&ws), expected[current]);
    // How long a whole build takes here: half the kills land in its last fifth,
    // where the bundle and the lock are written.
    let t0 = std::time::Instant::now();
    for _ in 0..3 {
        set_variant(&ws, current);
        let _ = pmth(&["build", "--opa"], &ws);
    }
    let full = (t0.elapsed() / 3).as_micros() as u64;
    let mut rng = Rng::new(7);
    let (mut before, mut after) = (0, 0);
    let mut on_disk = current;
    let mut stale = 0;
    for round in 0..50 {
        let next = 1 - current;
        set_variant(&ws, next);
        on_disk = next;
        let mut child = Command::new(PMTH)
            .args(["build", "--opa"])
            .current_dir(&ws)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let at = if round % 2 == 0 {
            rng.range(0, full)
        } else {
            rng.range(full * 4 / 5, full * 21 / 20)
        };
        std::thread::sleep(Duration::from_micros(at));
        let _ = child.kill();
        let _ = child.wait();
        stale += usize::from(!leftovers(&ws).is_empty());
        let now = state(&ws);
        if now == expected[current] {
            before += 1;
        } else if now == expected[next] {
            after += 1;
            current = next;
        } else {
            panic!("round {round}: the bundle and lock are neither the old nor the new build's");
        }
    }
    // The next build cleans up after the killed ones and ends in the new state.
    let o = pmth(&["build", "--opa"], &ws);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(leftovers(&ws), Vec::<String>::new());
    assert!(
        state(&ws) == expected[on_disk],
        "the build after the killed ones"
    );
    println!("killed builds: {before} left the old state, {after} the new one, {stale} left temporary files");
}

#[test]
fn files_created_in_any_order_under_any_path_build_the_same_bytes() {
    let mut rng = Rng::new(42);
    let mut reference: Option<(Vec<u8>, Vec<u8>)> = None;
    for i in 0..100 {
        // Another folder name, depth and creation order each time.
        let name = format!("faults-perm-{i}-{}", rng.next_u64() % 100_000);
        let mut dir = scratch(&name);
        for d in 0..rng.below(3) {
            dir = dir.join(format!("n{d}x{}", rng.below(1000)));
        }
        std::fs::create_dir_all(&dir).expect("mkdir");
        write_shuffled(&dir, &mut rng);
        let out = scratch(&format!("{name}-out"));
        let o = pmth(&["build", "-o", &out.join("dist").to_string_lossy()], &dir);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let got = (
            std::fs::read(out.join("dist/registry.json")).expect("registry"),
            std::fs::read(out.join("dist/registry.seal.json")).expect("seal"),
        );
        match &reference {
            None => reference = Some(got),
            Some(want) => assert!(&got == want, "permutation {i} built other bytes"),
        }
        let _ = std::fs::remove_dir_all(scratch(&name));
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// A full disk: a build onto a 200 KiB tmpfs fails with a clear error (exit 2)
/// and leaves the previous bundle intact. Needs root (to mount); skipped with a
/// message otherwise.
#[test]
fn a_full_disk_fails_clearly_and_keeps_the_previous_bundle() {
    let mnt: PathBuf = scratch("faults-disk");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=200k", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    let result = std::panic::catch_unwind(|| {
        let ws = scratch("faults-disk-ws");
        write_shuffled(&ws, &mut Rng::new(3));
        let dist = mnt.join("dist");
        let dist_arg = dist.to_string_lossy().into_owned();
        let o = pmth(&["build", "-o", &dist_arg], &ws);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let good = files(&dist);
        // Fill the disk, then build the OPA bundle too: it cannot fit.
        let mut filler = 0;
        while std::fs::write(mnt.join(format!("fill{filler}")), vec![0u8; 16 * 1024]).is_ok() {
            filler += 1;
        }
        let o = pmth(&["build", "--opa", "-o", &dist_arg], &ws);
        assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("No space left on device"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(files(&dist), good, "the previous bundle changed");
        assert!(leftovers(&mnt).is_empty(), "{:?}", leftovers(&mnt));
    });
    let _ = Command::new("umount").arg(&mnt).status();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
