//! The fast path agrees with pest: on every declaration it accepts, pest parses it
//! too, without a diagnostic, into the same tree (spans included).

use super::super::{blank_comments, fast, pest_chunk, prescan};
use super::fuzz::{pieces, Rng};
use super::{conformance_dir, pmth_files};
use crate::source::{FileKind, SourceMap};

/// Compares the two paths on every chunk of `src`; returns (chunks, fast ones).
fn agree(src: &str, what: &str) -> (usize, usize) {
    let mut map = SourceMap::new();
    let id = map.add("main.pmth".into(), FileKind::Pmth, src.into(), false);
    let Some(file) = map.get(id) else {
        return (0, 0);
    };
    let (chunks, _) = prescan::prescan(file);
    let (mut total, mut fast_ones) = (0, 0);
    for chunk in chunks {
        total += 1;
        let Some(original) = file.text.get(chunk.start..chunk.end) else {
            continue;
        };
        let blanked = blank_comments(original, chunk.start, &chunk.comments);
        let text = blanked.as_deref().unwrap_or(original);
        if chunk.broken {
            continue;
        }
        let Some(quick) = fast::decl(file.id, chunk.start, text) else {
            continue;
        };
        fast_ones += 1;
        let (slow, diags) = pest_chunk(file, chunk.start, false, text);
        assert!(
            diags.is_empty(),
            "{what}: the fast path accepted a declaration pest reports:\n{text}\n{diags:?}"
        );
        assert_eq!(
            slow.as_ref(),
            Some(&quick),
            "{what}: trees differ for\n{text}"
        );
    }
    (total, fast_ones)
}

fn corpus_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "stdlib",
        "examples",
        "src/commands/init_template",
        "tests/cases",
    ] {
        pmth_files(&root.join(dir), &mut files);
    }
    if let Some(dir) = conformance_dir() {
        pmth_files(&dir, &mut files);
    }
    // A generated workspace, when asked for (`PMTH_FAST_DIFF=DIR`).
    if let Some(dir) = std::env::var_os("PMTH_FAST_DIFF") {
        pmth_files(std::path::Path::new(&dir), &mut files);
    }
    files
}

#[test]
fn fast_path_agrees_with_pest_on_the_corpora() {
    let (mut total, mut fast_ones) = (0, 0);
    for path in corpus_files() {
        let src = std::fs::read_to_string(&path).unwrap_or_default();
        let (t, f) = agree(&src, &path.display().to_string());
        total += t;
        fast_ones += f;
    }
    // Most declarations take the fast path.
    eprintln!("fast: {fast_ones} of {total}");
    assert!(fast_ones * 10 > total * 6, "{fast_ones} of {total}");
}

#[test]
fn fast_path_agrees_with_pest_on_mutations() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let pieces = pieces();
    for path in corpus_files().iter().take(400) {
        let src = std::fs::read_to_string(path).unwrap_or_default();
        if src.is_empty() {
            continue;
        }
        for _ in 0..12 {
            let mut s = src.clone().into_bytes();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(s.len() + 1);
                match rng.below(3) {
                    0 => {
                        let end = (at + 1 + rng.below(4)).min(s.len());
                        s.drain(at.min(end)..end);
                    }
                    _ => {
                        let bit = &pieces[rng.below(pieces.len())];
                        let at = at.min(s.len());
                        s.splice(at..at, bit.bytes());
                    }
                }
            }
            let text = String::from_utf8_lossy(&s).into_owned();
            agree(&text, &format!("mutation of {}", path.display()));
        }
    }
}

/// A syntax error deep inside values, each level followed by an operator, costs
/// the fast path linear time: it never retries a failed value. (pest, which then
/// reports the error, retries `value` as `expr` at every level.)
#[test]
fn deep_failures_stay_fast() {
    let depth = 60;
    let cases = [
        format!(
            "tool t {{ x = {}!!{} }}",
            "{ a = ".repeat(depth),
            " } == 1".repeat(depth)
        ),
        format!(
            "tool t {{ x = {}@{} }}",
            "[".repeat(depth),
            "] == 1".repeat(depth)
        ),
        format!(
            "tool t {{ x = {}a +{} }}",
            "(".repeat(depth),
            ")".repeat(depth)
        ),
    ];
    for src in cases {
        let start = std::time::Instant::now();
        assert!(fast::decl(0, 0, &src).is_none());
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
    }
    // Valid, with an operator after the value at every level: parsed once.
    let src = format!(
        "tool t {{ x = {}1{} }}",
        "{ a = ".repeat(depth),
        " } == 1".repeat(depth)
    );
    let start = std::time::Instant::now();
    assert!(fast::decl(0, 0, &src).is_some());
    assert!(start.elapsed() < std::time::Duration::from_secs(1));
}
