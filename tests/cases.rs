//! Runs every case of the project's own conformance corpus (`tests/cases/`)
//! through `pmth check --format json`, exactly like `tests/conformance.rs` runs
//! the shared corpus (same marker format, same matching as `check.py`).
//!
//! Cases that fail today are listed in [`EXPECTED_FAILURES`]; the test fails
//! when a listed case passes (remove it from the list) or an unlisted one
//! fails, so the list only ever shrinks.

mod common;

use common::corpus::run;
use std::path::Path;

/// Cases that disagree with the spec today, with the reason.
const EXPECTED_FAILURES: &[&str] = &[];

#[test]
fn cases() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    run("cases", &corpus, EXPECTED_FAILURES);
}
