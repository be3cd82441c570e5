//! `pmth.runtime` (BUNDLE.md §5): the Rego that answers runtime authorization
//! requests, embedded once. The OPA bundle writer ships [`FILES`] in every
//! bundle under `/pmth/runtime/…`, `pmth verify` accepts exactly those entries,
//! `pmth policy test` runs [`TESTS`] with them, and the `pmth-runtime` crate
//! loads them into regorus. The texts live in `runtime/rego/` at the
//! repository root.
//!
//! Workspace policies add runtime rules in packages under [`EXT_PREFIX`]; the
//! decision collects them and build-time governance never evaluates them.

/// `(path inside the OPA bundle, text)` of each file of `pmth.runtime`.
pub const FILES: &[(&str, &str)] = &[
    (
        "pmth/runtime/runtime.rego",
        include_str!("../../runtime/rego/runtime.rego"),
    ),
    (
        "pmth/runtime/schema.rego",
        include_str!("../../runtime/rego/schema.rego"),
    ),
];

/// `(display path, text)` of the test suite of `pmth.runtime` (not shipped).
pub const TESTS: &[(&str, &str)] = &[(
    "pmth:runtime/runtime_test.rego",
    include_str!("../../runtime/rego/runtime_test.rego"),
)];

/// The package every runtime decision is read from.
pub const PACKAGE: &str = "pmth.runtime";

/// The query a runtime evaluates.
pub const DECISION: &str = "data.pmth.runtime.decision";

/// Workspace runtime rules live in packages `pmth.runtime.ext.NAME`.
pub const EXT_PREFIX: &str = "pmth.runtime.ext.";

/// The display path of a shipped file (`pmth:runtime/runtime.rego`), as
/// `pmth policy test` names it.
pub fn display_path(bundle_path: &str) -> String {
    format!(
        "pmth:{}",
        bundle_path.strip_prefix("pmth/").unwrap_or(bundle_path)
    )
}

/// Whether `package` is a workspace runtime rule package.
pub fn is_ext(package: &str) -> bool {
    package.starts_with(EXT_PREFIX) && package.len() > EXT_PREFIX.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_declare_the_runtime_packages() {
        let pkgs: Vec<_> = FILES
            .iter()
            .filter_map(|(_, t)| crate::govern::stdlib::package_of(t))
            .collect();
        assert_eq!(pkgs, vec!["pmth.runtime", "pmth.runtime.schema"]);
        for (path, _) in FILES {
            assert!(path.starts_with("pmth/runtime/"), "{path}");
        }
    }

    #[test]
    fn ext_packages_are_recognised() {
        assert!(is_ext("pmth.runtime.ext.refunds"));
        assert!(!is_ext("pmth.runtime.ext."));
        assert!(!is_ext("pmth.runtime"));
        assert!(!is_ext("pmth.acme"));
        assert_eq!(display_path("pmth/runtime/x.rego"), "pmth:runtime/x.rego");
    }
}
