//! Every example under `examples/` passes `pmth check` with the stdlib on and
//! reports exactly the diagnostics its files document with `// expect:` markers
//! (the conformance format; none today: the examples are meant to be clean).

mod common;

use common::corpus::run;
use std::path::Path;

#[test]
fn examples_report_only_what_they_document() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    run("examples", &corpus, &[]);
}
