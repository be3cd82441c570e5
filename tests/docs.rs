//! Generated documentation stays fresh: `docs/diagnostics.md` is the code table
//! rendered by `codes::docs_markdown`. Regenerate with
//! `UPDATE_DOCS=1 cargo test --test docs`.

use pmth_compiler::diag::codes;
use std::path::Path;

#[test]
fn diagnostics_md_is_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
    let want = codes::docs_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).expect("write docs/diagnostics.md");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/diagnostics.md is out of date with compiler/src/diag/codes/table.rs; \
         run `UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn every_code_is_documented() {
    let md = codes::docs_markdown();
    for c in codes::CODES {
        assert!(
            md.contains(&format!("\n## {}\n", c.code)),
            "{} missing",
            c.code
        );
    }
}
