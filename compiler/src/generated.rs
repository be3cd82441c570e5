//! The one freshness check for files generated from the code (the docs'
//! reference, diagnostics, stdlib pages and the registry's JSON Schema): each
//! has a test that calls [`check_file`].

use std::path::Path;

/// With `UPDATE_DOCS` set, writes `want` to `path`; otherwise `Err` with what
/// to run when the file there differs from `want`. `regenerate` is the
/// command that rewrites it (shown in the message).
pub fn check_file(path: &Path, want: &str, regenerate: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_DOCS").is_some() {
        return std::fs::write(path, want).map_err(|e| format!("{}: {e}", path.display()));
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    if have == want {
        Ok(())
    } else {
        Err(format!(
            "{} is out of date with the code that generates it: run `UPDATE_DOCS=1 {regenerate}`",
            path.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check_file;

    #[test]
    fn a_stale_file_names_the_command_that_regenerates_it() {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            return;
        }
        let dir = std::env::temp_dir().join(format!("pmth-generated-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join("doc.md");
        std::fs::write(&path, "old\n").expect("write");
        let err = check_file(&path, "new\n", "cargo test x").unwrap_err();
        assert!(err.ends_with("run `UPDATE_DOCS=1 cargo test x`"), "{err}");
        assert_eq!(check_file(&path, "old\n", "cargo test x"), Ok(()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
