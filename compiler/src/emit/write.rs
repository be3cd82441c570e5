//! Nothing half-written: the bundle is built in a hidden temporary folder next
//! to its target and renamed into place, and `pmth.lock` likewise through a
//! temporary file, so a failed build leaves the previous bundle and lock as
//! they were.
//!
//! A folder cannot be renamed over a non-empty one, so an existing bundle is
//! first moved aside (`.NAME.pmth-old-PID`), the new one renamed in, and the old
//! one deleted; if a later step fails the old one is moved back. Temporary
//! names start with `.` so that the loader (which skips hidden folders) never
//! reads them as sources.
//!
//! A build killed part-way (SIGKILL, power loss) cannot clean up; the next build
//! does ([`recover`]): it finishes the swap a dead build had started, or undoes
//! it, and deletes what it left.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

// Public Interface

/// The files `pmth build` writes into the output folder; an existing folder
/// holding anything else is not replaced.
pub const BUNDLE_FILES: &[&str] = &["registry.json", "registry.seal.json", "bundle.tar.gz"];

/// Why the output folder must not be replaced, if it must not.
pub fn check_out_dir(out_dir: &Path, root: &Path) -> Result<(), String> {
    if out_dir.file_name().is_none() {
        return Err("is not a folder name that can be replaced".into());
    }
    let out_abs = absolute(out_dir);
    let root_abs = absolute(root);
    if root_abs.starts_with(&out_abs) {
        return Err("holds the workspace itself".into());
    }
    match fs::symlink_metadata(out_dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot be read ({e})")),
        Ok(m) if !m.is_dir() => Err("exists and is not a folder".into()),
        Ok(_) => {
            let entries = fs::read_dir(out_dir).map_err(|e| format!("cannot be read ({e})"))?;
            for entry in entries {
                let entry = entry.map_err(|e| format!("cannot be read ({e})"))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if !BUNDLE_FILES.contains(&name.as_str()) {
                    return Err(format!(
                        "holds `{name}`, which `pmth build` did not write (it replaces the whole folder)"
                    ));
                }
            }
            Ok(())
        }
    }
}

/// Writes `files` as the folder `out_dir` and, when given, `lock` as its file,
/// all or nothing.
pub fn commit(
    out_dir: &Path,
    files: &[(&str, &[u8])],
    lock: Option<(&Path, &[u8])>,
) -> Result<(), (PathBuf, io::Error)> {
    commit_with(out_dir, files, lock, true)
}

/// [`commit`]; with `sync_files = false` (for `pmth export`, whose thousands
/// of small files can always be written again from the bundle) the staged files
/// are not synced one by one (the folders still are, and the swap is still a
/// rename), and a file whose bytes are those of the same file in the folder
/// being replaced is hard-linked from it rather than written again: a new
/// export of an unchanged bundle then allocates (and frees) no inode, which on
/// a file system without a journal (where ext4 skips recently freed inodes one
/// by one) is most of the time a repeated export takes.
pub fn commit_with(
    out_dir: &Path,
    files: &[(&str, &[u8])],
    lock: Option<(&Path, &[u8])>,
    sync_files: bool,
) -> Result<(), (PathBuf, io::Error)> {
    let parent = parent_of(out_dir);
    fs::create_dir_all(&parent).map_err(|e| (parent.clone(), e))?;
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dist".into());
    let pid = std::process::id();
    let new_dir = parent.join(format!(".{name}.pmth-new-{pid}"));
    let old_dir = parent.join(format!(".{name}.pmth-old-{pid}"));

    let reuse = (!sync_files).then_some(out_dir);
    let staged = stage_dir(&new_dir, files, sync_files, reuse).and_then(|()| match lock {
        Some((path, bytes)) => stage_file(path, bytes).map(Some),
        None => Ok(None),
    });
    let new_lock = match staged {
        Ok(l) => l,
        Err(e) => {
            let _ = fs::remove_dir_all(&new_dir);
            return Err(e);
        }
    };

    // Swap the folder.
    let had_old = out_dir.exists();
    if had_old {
        let _ = fs::remove_dir_all(&old_dir);
        if let Err(e) = fs::rename(out_dir, &old_dir) {
            cleanup(&new_dir, new_lock.as_deref());
            return Err((out_dir.to_path_buf(), e));
        }
    }
    if let Err(e) = fs::rename(&new_dir, out_dir) {
        if had_old {
            let _ = fs::rename(&old_dir, out_dir);
        }
        cleanup(&new_dir, new_lock.as_deref());
        return Err((out_dir.to_path_buf(), e));
    }

    // Then the lock; on failure put the old bundle back.
    if let (Some(tmp), Some((path, _))) = (&new_lock, lock) {
        if let Err(e) = fs::rename(tmp, path) {
            let _ = fs::remove_dir_all(out_dir);
            if had_old {
                let _ = fs::rename(&old_dir, out_dir);
            }
            let _ = fs::remove_file(tmp);
            return Err((path.to_path_buf(), e));
        }
        sync_dir(&parent_of(path));
    }
    if had_old {
        let _ = fs::remove_dir_all(&old_dir);
    }
    sync_dir(&parent);
    Ok(())
}

/// Finishes or undoes what builds that died part-way left next to `out_dir`
/// and `lock`, so that killed builds never accumulate temporary folders.
///
/// The temporary names carry the dead build's process id. For each dead one:
/// while its staged folder (`.NAME.pmth-new-PID`) still exists the swap had not
/// happened, so the old bundle is moved back if it had been moved aside and the
/// staged files are deleted (the state before that build); once the staged
/// folder is gone the new bundle is in place, so its staged lock, if any, is
/// renamed in and the old bundle deleted (the state after it). A build still
/// running (its id in `/proc`) is left alone; where `/proc` does not exist every
/// other build's leftovers count as dead.
pub fn recover(out_dir: &Path, lock: &Path) {
    let Some(name) = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return;
    };
    let lock_name = lock
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = parent_of(out_dir);
    let lock_parent = parent_of(lock);
    let mut pids = std::collections::BTreeSet::new();
    let prefixes = [
        (&parent, format!(".{name}.pmth-new-")),
        (&parent, format!(".{name}.pmth-old-")),
        (&lock_parent, format!(".{lock_name}.pmth-new-")),
    ];
    for (dir, prefix) in &prefixes {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = file
                .strip_prefix(prefix.as_str())
                .and_then(|p| p.parse::<u32>().ok())
            {
                pids.insert(pid);
            }
        }
    }
    for pid in pids {
        if pid == std::process::id() || running(pid) {
            continue;
        }
        let new_dir = parent.join(format!(".{name}.pmth-new-{pid}"));
        let old_dir = parent.join(format!(".{name}.pmth-old-{pid}"));
        let new_lock = lock_parent.join(format!(".{lock_name}.pmth-new-{pid}"));
        if new_dir.exists() {
            if !out_dir.exists() && old_dir.exists() {
                let _ = fs::rename(&old_dir, out_dir);
            }
            let _ = fs::remove_dir_all(&new_dir);
            let _ = fs::remove_file(&new_lock);
            if out_dir.exists() {
                let _ = fs::remove_dir_all(&old_dir);
            }
        } else {
            if new_lock.exists() {
                let _ = fs::rename(&new_lock, lock);
            }
            let _ = fs::remove_dir_all(&old_dir);
        }
    }
    sync_dir(&parent);
}

/// Whether a process with this id is running (Linux: `/proc/PID` exists).
fn running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && proc.join(pid.to_string()).exists()
}

/// Writes one file atomically (temporary file, then rename).
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), (PathBuf, io::Error)> {
    let tmp = stage_file(path, bytes)?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        (path.to_path_buf(), e)
    })
}

fn stage_dir(
    dir: &Path,
    files: &[(&str, &[u8])],
    sync_files: bool,
    reuse: Option<&Path>,
) -> Result<(), (PathBuf, io::Error)> {
    use rayon::prelude::*;
    let _ = fs::remove_dir_all(dir);
    fs::create_dir(dir).map_err(|e| (dir.to_path_buf(), e))?;
    // Nested names (`servers/x.json`, from `pmth export`) get their folders first.
    let subs: std::collections::BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|(name, _)| dir.join(name).parent().map(Path::to_path_buf))
        .filter(|sub| sub != dir)
        .collect();
    for sub in subs {
        fs::create_dir_all(&sub).map_err(|e| (sub.clone(), e))?;
    }
    // Then the files, several at a time (thousands of them for an export).
    files.par_iter().try_for_each(|(name, bytes)| {
        let p = dir.join(name);
        if reuse.is_some_and(|old| link_if_same(&old.join(name), &p, bytes)) {
            return Ok(());
        }
        let written = if sync_files {
            write_synced(&p, bytes)
        } else {
            fs::write(&p, bytes)
        };
        written.map_err(|e| (p, e))
    })?;
    sync_dir(dir);
    Ok(())
}

/// Hard-links `old` as `new` when `old` is a regular file holding exactly
/// `bytes`; false (nothing done) otherwise, or when linking fails.
fn link_if_same(old: &Path, new: &Path, bytes: &[u8]) -> bool {
    let same_len = fs::symlink_metadata(old)
        .is_ok_and(|m| m.file_type().is_file() && m.len() == bytes.len() as u64);
    same_len && fs::read(old).is_ok_and(|b| b == bytes) && fs::hard_link(old, new).is_ok()
}

/// Writes `bytes` to a hidden temporary file next to `path`; returns its path.
fn stage_file(path: &Path, bytes: &[u8]) -> Result<PathBuf, (PathBuf, io::Error)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent_of(path).join(format!(".{name}.pmth-new-{}", std::process::id()));
    write_synced(&tmp, bytes).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        (tmp.clone(), e)
    })?;
    Ok(tmp)
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn cleanup(dir: &Path, file: Option<&Path>) {
    let _ = fs::remove_dir_all(dir);
    if let Some(f) = file {
        let _ = fs::remove_file(f);
    }
}

/// Makes renames durable where the platform allows it (best effort).
fn sync_dir(dir: &Path) {
    if cfg!(unix) {
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path` made absolute and, as far as it exists, free of symlinks and `..`.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(path) {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(_), Some(name)) => absolute(&parent_of(path)).join(name),
        _ => std::env::current_dir().unwrap_or_default().join(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pmth-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::create_dir_all(&dir);
        dir
    }

    #[test]
    fn commit_replaces_the_folder_and_the_lock() {
        let root = scratch("replace");
        let dist = root.join("dist");
        let lock = root.join("pmth.lock");
        let r = commit(&dist, &[("registry.json", b"1")], Some((&lock, b"lock 1")));
        assert!(r.is_ok(), "{r:?}");
        let r = commit(
            &dist,
            &[("registry.seal.json", b"2")],
            Some((&lock, b"lock 2")),
        );
        assert!(r.is_ok(), "{r:?}");
        assert!(!dist.join("registry.json").exists());
        assert_eq!(
            fs::read(dist.join("registry.seal.json")).ok(),
            Some(b"2".to_vec())
        );
        assert_eq!(fs::read(&lock).ok(), Some(b"lock 2".to_vec()));
        let leftovers: Vec<_> = fs::read_dir(&root)
            .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(leftovers.len(), 2, "{leftovers:?}");
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    #[cfg(unix)]
    fn an_unsynced_commit_links_unchanged_files_and_writes_changed_ones() {
        use std::os::unix::fs::MetadataExt;
        let root = scratch("link");
        let out = root.join("mcp");
        let first: &[(&str, &[u8])] = &[("a.json", b"same"), ("sub/b.json", b"old")];
        assert!(commit_with(&out, first, None, false).is_ok());
        let ino = |p: &str| fs::metadata(out.join(p)).map(|m| m.ino()).ok();
        let (a, b) = (ino("a.json"), ino("sub/b.json"));
        let second: &[(&str, &[u8])] = &[("a.json", b"same"), ("sub/b.json", b"new")];
        assert!(commit_with(&out, second, None, false).is_ok());
        assert_eq!(ino("a.json"), a, "an unchanged file is the same inode");
        assert_ne!(ino("sub/b.json"), b, "a changed file is written anew");
        assert_eq!(fs::read(out.join("sub/b.json")).ok(), Some(b"new".to_vec()));
        assert_eq!(
            fs::metadata(out.join("a.json")).map(|m| m.nlink()).ok(),
            Some(1)
        );
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn a_failed_lock_write_restores_the_old_bundle() {
        let root = scratch("restore");
        let dist = root.join("dist");
        assert!(commit(&dist, &[("registry.json", b"old")], None).is_ok());
        // The lock's folder does not exist, so staging the lock fails.
        let lock = root.join("missing").join("pmth.lock");
        let r = commit(&dist, &[("registry.json", b"new")], Some((&lock, b"x")));
        assert!(r.is_err());
        assert_eq!(
            fs::read(dist.join("registry.json")).ok(),
            Some(b"old".to_vec())
        );
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn recover_undoes_a_swap_that_had_not_happened_and_finishes_one_that_had() {
        let root = scratch("recover");
        let dist = root.join("dist");
        let lock = root.join("pmth.lock");
        assert!(commit(
            &dist,
            &[("registry.json", b"old")],
            Some((&lock, b"lock old"))
        )
        .is_ok());
        // A dead build (pid 0 is never a user process) had moved the old bundle
        // aside and staged the new one, but not swapped it in: roll back.
        let _ = fs::rename(&dist, root.join(".dist.pmth-old-0"));
        let _ = fs::create_dir(root.join(".dist.pmth-new-0"));
        let _ = fs::write(root.join(".pmth.lock.pmth-new-0"), b"lock new");
        recover(&dist, &lock);
        assert_eq!(
            fs::read(dist.join("registry.json")).ok(),
            Some(b"old".to_vec())
        );
        assert_eq!(fs::read(&lock).ok(), Some(b"lock old".to_vec()));
        // Another had swapped the folder in but not the lock: roll forward.
        let _ = fs::rename(&dist, root.join(".dist.pmth-old-0"));
        let _ = fs::create_dir(&dist);
        let _ = fs::write(dist.join("registry.json"), b"new");
        let _ = fs::write(root.join(".pmth.lock.pmth-new-0"), b"lock new");
        recover(&dist, &lock);
        assert_eq!(
            fs::read(dist.join("registry.json")).ok(),
            Some(b"new".to_vec())
        );
        assert_eq!(fs::read(&lock).ok(), Some(b"lock new".to_vec()));
        let mut left: Vec<String> = fs::read_dir(&root)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        left.sort();
        assert_eq!(left, ["dist", "pmth.lock"]);
        // A running build's files (our own id) are left alone.
        let mine = root.join(format!(".dist.pmth-new-{}", std::process::id()));
        let _ = fs::create_dir(&mine);
        recover(&dist, &lock);
        assert!(mine.exists());
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn foreign_folders_are_not_replaced() {
        let root = scratch("foreign");
        let dist = root.join("dist");
        assert_eq!(check_out_dir(&dist, &root), Ok(()));
        let _ = fs::create_dir_all(&dist);
        let _ = fs::write(dist.join("registry.json"), b"");
        assert_eq!(check_out_dir(&dist, &root), Ok(()));
        let _ = fs::write(dist.join("notes.txt"), b"");
        assert!(check_out_dir(&dist, &root).is_err_and(|e| e.contains("notes.txt")));
        assert!(check_out_dir(&root, &root).is_err());
        assert!(check_out_dir(&root.join(".."), &root).is_err());
        let _ = fs::remove_dir_all(&root);
    }
}
