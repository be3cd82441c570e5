//! Generated documentation stays fresh: `docs/diagnostics.md` is the code table
//! rendered by `codes::docs_markdown`. Regenerate with
//! `UPDATE_DOCS=1 cargo test --test docs`.

use pmth_compiler::diag::codes;
use pmth_compiler::generated::check_file;
use std::path::Path;

#[test]
fn diagnostics_md_is_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
    let want = codes::docs_markdown();
    let fresh = check_file(&path, &want, "cargo test --test docs");
    assert_eq!(fresh, Ok(()));
}

/// The stdlib section of `docs/governance.md` is generated from the policies'
/// own METADATA comments.
#[test]
fn governance_md_stdlib_section_is_fresh() {
    use pmth_compiler::govern::stdlib;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/governance.md");
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    let (Some(start), Some(end)) = (have.find(stdlib::DOCS_BEGIN), have.find(stdlib::DOCS_END))
    else {
        panic!("docs/governance.md lacks the generated stdlib section markers");
    };
    let want = format!(
        "{}{}{}",
        &have[..start],
        stdlib::docs_markdown(),
        &have[end + stdlib::DOCS_END.len()..]
    );
    let fresh = check_file(&path, &want, "cargo test --test docs");
    assert_eq!(fresh, Ok(()));
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

/// Codes no test produces yet (none today); the list
/// may only shrink.
const NOT_YET_EXERCISED: &[&str] = &[];

/// Every code is produced somewhere in a test: a unit test or snapshot of the
/// compiler, an end-to-end test, or a conformance marker.
#[test]
fn every_code_is_exercised_by_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpus = String::new();
    let mut dirs = vec![
        root.join("compiler/src"),
        root.join("tests"),
        root.join("src"),
    ];
    dirs.extend(
        [
            concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/conformance"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance"),
        ]
        .map(std::path::PathBuf::from)
        .into_iter()
        .filter(|p| p.is_dir())
        .take(1),
    );
    for d in dirs {
        read_tests(&d, &mut corpus);
    }
    let mut missing = Vec::new();
    for c in codes::CODES {
        let found = corpus.contains(c.code);
        let excused = NOT_YET_EXERCISED.contains(&c.code);
        if found && excused {
            missing.push(format!(
                "{} is exercised now: remove it from NOT_YET_EXERCISED",
                c.code
            ));
        } else if !found && !excused {
            missing.push(format!("{} is not exercised by any test", c.code));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The text of test files below `dir`: paths with `test` in them, snapshots and
/// conformance cases (anything outside `compiler/src` and `src`). The code table
/// and Markdown do not count.
fn read_tests(dir: &Path, out: &mut String) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let s = p.to_string_lossy();
        if p.is_dir() {
            read_tests(&p, out);
        } else if s.contains("diag/codes") || s.ends_with("tests/docs.rs") || s.ends_with(".md") {
            continue;
        } else if !s.contains("/src/") || s.contains("test") || s.ends_with(".snap") {
            out.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
        }
    }
}
