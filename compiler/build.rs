//! Embeds the standard library: walks `stdlib/` at the repository root and writes
//! an `include_str!` table of every `.pmth` and `.rego` file into `OUT_DIR`, so a
//! new stdlib file is embedded without touching the compiler.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let stdlib = manifest_dir.join("..").join("stdlib");
    println!("cargo:rerun-if-changed={}", stdlib.display());
    println!("cargo:rerun-if-changed=build.rs");

    let mut files = Vec::new();
    collect(&stdlib, &stdlib, &mut files);
    files.sort();

    let mut out = String::from(
        "/// Every embedded stdlib file: (path below `stdlib/` with `/`, text), sorted.\n\
         pub(crate) const FILES: &[(&str, &str)] = &[\n",
    );
    for (rel, abs) in &files {
        let _ = writeln!(out, "    ({rel:?}, include_str!({abs:?})),");
    }
    out.push_str("];\n");

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = std::fs::write(out_dir.join("stdlib_files.rs"), out) {
        panic!("cannot write the stdlib table: {e}");
    }
}

/// Collects `(relative path, absolute path)` of the `.pmth` and `.rego` files below
/// `dir`, skipping hidden entries.
fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(base, &path, out);
            continue;
        }
        let wanted = path.extension().is_some_and(|e| e == "pmth" || e == "rego");
        if !wanted {
            continue;
        }
        let Ok(rel) = path.strip_prefix(base) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        out.push((rel.join("/"), path.display().to_string()));
    }
}
