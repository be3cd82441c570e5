//! Finds the files of a workspace: every `*.pmth` below the root and the `.rego`
//! files of the policy folders, with the skip rules of LANGUAGE.md §1.

use super::boundary::{Boundary, Breach};
use std::path::{Component, Path, PathBuf};
use walkdir::{DirEntry, WalkDir};

// Public Interface

/// A file found on disk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Found {
    /// The display path: relative to the workspace root, with `/`.
    pub rel: String,
    pub path: PathBuf,
}

/// A folder that could not be listed.
#[derive(Clone, Debug)]
pub(crate) struct Unlisted {
    pub rel: String,
    pub error: String,
}

/// A file with the extension looked for that is not read (LANGUAGE.md §1: a
/// symbolic link leaving the workspace or pointing nowhere, a backslash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refused {
    pub rel: String,
    pub why: Breach,
}

/// What a walk found.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    /// Sorted by display path.
    pub found: Vec<Found>,
    pub unlisted: Vec<Unlisted>,
    /// Sorted by display path.
    pub refused: Vec<Refused>,
}

/// Every file with extension `ext` below `dir`, sorted by display path. Skipped at
/// any depth below `dir`: hidden files and folders, `target/`, `dist/`, the
/// `skip` folders, symlinked folders and folders holding their own `pmth.toml`.
/// A symlinked file is found only when it resolves inside `boundary`; otherwise
/// (and for a name holding `\`) it is refused.
pub(crate) fn find(
    root: &Path,
    dir: &Path,
    ext: &str,
    skip: &[PathBuf],
    boundary: &Boundary,
) -> Walk {
    let skip = Skip::new(root, skip);
    let mut found = Vec::new();
    let mut unlisted = Vec::new();
    let mut refused = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !skip.skips(e));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e
                    .path()
                    .map_or_else(|| display_path(root, dir), |p| display_path(root, p));
                unlisted.push(Unlisted {
                    rel,
                    error: e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string),
                });
                continue;
            }
        };
        if entry.path().extension().is_none_or(|e| e != ext) {
            continue;
        }
        let rel = display_path(root, entry.path());
        let verdict = if rel.contains('\\') {
            Err(Breach::Backslash)
        } else if entry.path_is_symlink() {
            boundary.check(entry.path())
        } else {
            Ok(())
        };
        match verdict {
            Err(why) => refused.push(Refused { rel, why }),
            // A link (inside) to a folder named `*.pmth` is not a file.
            Ok(()) if entry.path().is_file() => found.push(Found {
                rel,
                path: entry.path().to_path_buf(),
            }),
            Ok(()) => {}
        }
    }
    found.sort();
    refused.sort_by(|a, b| a.rel.cmp(&b.rel));
    Walk {
        found,
        unlisted,
        refused,
    }
}

/// `path` relative to `root` with `/` and without `.` components; a path outside
/// the root is shown as it is.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

// Implementation

struct Skip {
    /// Extra folders to skip, as given (joined to the root when relative) and
    /// canonicalized.
    extra: Vec<PathBuf>,
}

impl Skip {
    fn new(root: &Path, extra: &[PathBuf]) -> Skip {
        let mut all = Vec::new();
        for p in extra {
            let candidates = [p.clone(), root.join(p)];
            for c in candidates {
                if let Ok(canon) = c.canonicalize() {
                    all.push(canon);
                }
            }
        }
        Skip { extra: all }
    }

    fn skips(&self, e: &DirEntry) -> bool {
        if e.depth() == 0 {
            return false;
        }
        if e.file_name().to_string_lossy().starts_with('.') {
            return true;
        }
        if e.path_is_symlink() {
            // Symlinked folders are never followed; symlinked files are read
            // when they resolve inside the workspace (`find` checks that).
            return e.path().is_dir();
        }
        if !e.file_type().is_dir() {
            return false;
        }
        let name = e.file_name();
        if name == "target" || name == "dist" || e.path().join("pmth.toml").exists() {
            return true;
        }
        !self.extra.is_empty()
            && e.path()
                .canonicalize()
                .is_ok_and(|c| self.extra.contains(&c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tree(name: &str, files: &[&str]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("pmth-walk-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for f in files {
            let p = root.join(f);
            if let Some(parent) = p.parent() {
                fs::create_dir_all(parent).expect("mkdir");
            }
            fs::write(&p, "").expect("write");
        }
        root
    }

    #[test]
    fn skips_what_the_spec_skips() {
        let root = tree(
            "skips",
            &[
                "pmth.toml",
                "b.pmth",
                "a/z.pmth",
                "a-b/y.pmth",
                ".hidden/x.pmth",
                "deep/.git/x.pmth",
                "target/x.pmth",
                "deep/dist/x.pmth",
                "out/x.pmth",
                "other/pmth.toml",
                "other/x.pmth",
                "notes.txt",
                ".x.pmth",
            ],
        );
        let walk = find(
            &root,
            &root,
            "pmth",
            &[root.join("out")],
            &Boundary::new(&root),
        );
        let rels: Vec<&str> = walk.found.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a-b/y.pmth", "a/z.pmth", "b.pmth"]);
        assert!(walk.unlisted.is_empty());
        let _ = fs::remove_dir_all(&root);
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_folders_are_skipped() {
        let root = tree("symlinks", &["pmth.toml", "real/a.pmth"]);
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).expect("symlink");
        std::os::unix::fs::symlink(root.join("real/a.pmth"), root.join("b.pmth")).expect("symlink");
        let outside = root.with_extension("outside.pmth");
        fs::write(&outside, "secret").expect("write");
        std::os::unix::fs::symlink(&outside, root.join("out.pmth")).expect("symlink");
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling.pmth"))
            .expect("symlink");
        let walk = find(&root, &root, "pmth", &[], &Boundary::new(&root));
        let rels: Vec<&str> = walk.found.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["b.pmth", "real/a.pmth"]);
        assert_eq!(
            walk.refused,
            [
                Refused {
                    rel: "dangling.pmth".into(),
                    why: Breach::Dangling
                },
                Refused {
                    rel: "out.pmth".into(),
                    why: Breach::LeavesThroughLink
                }
            ]
        );
        let _ = fs::remove_dir_all(&root);
        let _ = fs::remove_file(&outside);
    }

    #[test]
    fn display_paths_use_slashes() {
        let root = Path::new("/w");
        assert_eq!(display_path(root, Path::new("/w/./a/b.pmth")), "a/b.pmth");
        assert_eq!(display_path(root, Path::new("/w")), ".");
    }
}
