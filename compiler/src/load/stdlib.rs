//! The standard library embedded in the binary (`stdlib/` at the repository root,
//! turned into an `include_str!` table by `compiler/build.rs`).

include!(concat!(env!("OUT_DIR"), "/stdlib_files.rs"));

/// Prefix of every stdlib file's display path.
pub const PREFIX: &str = "stdlib:";

/// The stdlib's `.pmth` files: `(path below stdlib/, text)`, sorted by path.
pub fn pmth_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().copied().filter(|(p, _)| p.ends_with(".pmth"))
}

/// The stdlib's policies (`policies/….rego`), sorted by path.
pub fn policy_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().copied().filter(|(p, _)| p.ends_with(".rego"))
}

/// Every embedded file, sorted by path (for the bundle's digests and the lock).
pub fn all_files() -> &'static [(&'static str, &'static str)] {
    FILES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_uses_slashes() {
        let paths: Vec<&str> = all_files().iter().map(|(p, _)| *p).collect();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        assert_eq!(paths, sorted);
        assert!(paths.iter().all(|p| !p.contains('\\')));
        assert!(paths
            .iter()
            .all(|p| p.ends_with(".pmth") || p.ends_with(".rego")));
    }
}
