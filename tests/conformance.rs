//! Runs every case of the shared conformance corpus (`../shared/conformance`)
//! through `pmth check --format json` and compares the multiset of
//! `(severity, code, file, line)` with the case's markers, exactly like the
//! corpus's own `check.py` (the runner is `common/corpus.rs`).
//!
//! Cases that later stages will make pass are listed in [`EXPECTED_FAILURES`];
//! the test fails when a listed case passes (remove it from the list) or an
//! unlisted one fails, so the list only ever shrinks.

mod common;

use common::corpus::{markers, run};

/// Cases that do not pass yet, with the stage that will make them pass.
const EXPECTED_FAILURES: &[&str] = &[
    // Language 0.2 (#10): tool steps, unions.
    "v2_tool_step_with",
    "v2_union_types",
    // PM0110, coexisting versions keep semver (#15).
    "v2_semver_required_param",
];

#[test]
fn conformance() {
    run("conformance", &common::corpus(), EXPECTED_FAILURES);
}

#[test]
fn markers_follow_check_py() {
    assert_eq!(
        markers("x = 1  // expect: error PM0101"),
        [(false, "error".into(), "PM0101".into())]
    );
    assert_eq!(
        markers("# expect-anyline: warning PM0702"),
        [(true, "warning".into(), "PM0702".into())]
    );
    assert_eq!(markers("//expect:error PM0101").len(), 1);
    assert_eq!(markers("// expect: errorPM0101"), []);
    assert_eq!(markers("// expect: error PM01"), []);
    assert_eq!(
        markers("// expect: error PM0101 // expect: error PM0102").len(),
        2
    );
    assert_eq!(
        markers("\"é\" # expect:  error   PM0003x"),
        [(false, "error".into(), "PM0003".into())]
    );
}
