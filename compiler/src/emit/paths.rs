//! The one rule for every path a bundle or the lock holds (LANGUAGE.md §1): a
//! workspace-relative, normalised path written with `/`. Used when writing (a
//! debug check on what the loader produced) and when reading a bundle back
//! (`pmth verify`, the strict tar reader), where a path that could land outside
//! its root (the "zip slip" shape) is refused.

/// Why `path` is not a safe bundle path, or `Ok`.
pub(crate) fn check(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.contains('\\') {
        return Err("contains a backslash");
    }
    if path.contains('\0') {
        return Err("contains a NUL byte");
    }
    if path.starts_with('/') || path.as_bytes().get(1) == Some(&b':') {
        return Err("is absolute");
    }
    for part in path.split('/') {
        match part {
            ".." => return Err("climbs out of its root with `..`"),
            "" | "." => return Err("is not normalised (empty or `.` component)"),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn only_relative_normalised_paths_pass() {
        for ok in [
            "registry.json",
            "pmth/workspace/policies/a.rego",
            "stdlib:policies/x.rego",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "C:/x",
            "pmth/workspace/../secret/leak.rego",
            "..",
            "a\\b",
            "a//b",
            "./a",
            "a/",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
