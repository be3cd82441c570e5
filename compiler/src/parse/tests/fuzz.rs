//! Robustness: random text, mutations of the conformance files and pathological
//! inputs never panic, keep spans inside the file, and parse fast.

use super::{conformance_dir, parse_str, pmth_files};
use std::time::{Duration, Instant};

/// xorshift64*: deterministic, no dependency.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }
}

/// The language's tokens (the fuzzing dictionary, `fuzz/pmth.dict`).
pub(super) fn pieces() -> Vec<String> {
    crate::parse::fuzz_tokens()
}

/// Parses `src` and checks the invariants every parse must keep.
fn check(src: &str) {
    let (decls, diags, _) = parse_str(src);
    let len = src.len() as u32;
    for d in &diags {
        assert!(d.primary.span.end <= len, "span out of range: {d:?}");
        assert!(d.code == "PM0001" || d.code == "PM0002", "{d:?}");
    }
    for d in &decls {
        assert!(d.span.end <= len && d.header.start >= d.span.start);
    }
}

fn random_text(rng: &mut Rng, count: usize) -> String {
    let pieces = pieces();
    let mut s = String::new();
    for _ in 0..count {
        if rng.below(10) == 0 {
            // A raw byte run, made valid UTF-8.
            let bytes: Vec<u8> = (0..rng.below(6)).map(|_| rng.next() as u8).collect();
            s.push_str(&String::from_utf8_lossy(&bytes));
        } else {
            s.push_str(&pieces[rng.below(pieces.len())]);
        }
    }
    s
}

#[test]
fn random_text_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let start = Instant::now();
    for _ in 0..3000 {
        let n = rng.below(200);
        check(&random_text(&mut rng, n));
    }
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn mutated_conformance_files_never_panic() {
    let Some(dir) = conformance_dir() else {
        panic!("shared/conformance not found");
    };
    let mut files = Vec::new();
    pmth_files(&dir, &mut files);
    let sources: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let mut rng = Rng(42);
    let start = Instant::now();
    for round in 0..2000 {
        let base = &sources[round % sources.len()];
        let mut s: Vec<char> = base.chars().collect();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(s.len() + 1);
            match rng.below(4) {
                0 => {
                    let end = (at + rng.below(20)).min(s.len());
                    s.drain(at..end);
                }
                1 => {
                    let k = 1 + rng.below(3);
                    let piece = random_text(&mut rng, k);
                    for (i, c) in piece.chars().enumerate() {
                        s.insert((at + i).min(s.len()), c);
                    }
                }
                2 if at < s.len() => {
                    let other = rng.below(s.len());
                    s.swap(at, other);
                }
                _ => {
                    let end = (at + rng.below(40)).min(s.len());
                    let dup: Vec<char> = s[at..end].to_vec();
                    for (i, c) in dup.into_iter().enumerate() {
                        s.insert(at + i, c);
                    }
                }
            }
        }
        check(&s.into_iter().collect::<String>());
    }
    assert!(start.elapsed() < Duration::from_secs(20));
}

/// Inputs built to blow a recursive parser's stack or a quadratic scan; each must
/// finish quickly with a diagnostic, not a crash.
#[test]
fn pathological_inputs_are_fast_and_safe() {
    let n = 20_000;
    let cases = [
        format!("tool t {{ x = {} }}", "{".repeat(n)),
        format!("tool t {{ x = {}1{} }}", "[".repeat(n), "]".repeat(n)),
        format!("workflow w {{ step s {{ when = {}a }} }}", "!".repeat(n)),
        format!(
            "workflow w {{ step s {{ when = a{} }} }}",
            " || a".repeat(n)
        ),
        format!(
            "workflow w {{ step s {{ when = {}a{} }} }}",
            "(".repeat(n),
            ")".repeat(n)
        ),
        format!(
            "tool t {{ params {{ x: {}int{} }} }}",
            "list<".repeat(n),
            ">".repeat(n)
        ),
        "tool t { x = \"\"\"\n".repeat(n / 10),
        "/*\n".repeat(n / 10),
        "tool t {\n".repeat(n / 10),
        "\"abc\n".repeat(n / 10),
        "tool t { a = 1 }\n".repeat(n / 10),
        "} ".repeat(n),
        format!("tool {} {{}}", "a.".repeat(n) + "b"),
        format!(
            "tool t {{ d = \"{}\" }}",
            "\\u{1F600}${x}\\n".repeat(n / 10)
        ),
    ];
    for src in &cases {
        let start = Instant::now();
        check(src);
        let took = start.elapsed();
        let head: String = src.chars().take(40).collect();
        assert!(took < Duration::from_secs(5), "{head:?} took {took:?}");
    }
}

/// The deepest nesting the pre-scan lets through parses (no "too complex") on a
/// small thread stack, even in a debug build.
#[test]
fn max_depth_parses_on_a_small_stack() {
    let blocks = format!(
        "tool t {{ {} x = 1 {} }}",
        "a { ".repeat(63),
        "} ".repeat(63)
    );
    let mixed = format!(
        "tool t {{ x = {}1{} }}",
        "[{ y = ".repeat(31) + "[",
        "]".to_owned() + &" }]".repeat(31)
    );
    let types = format!(
        "tool t {{ params {{ x: {}int{} }} }}",
        "list<".repeat(62),
        ">".repeat(62)
    );
    let parens = format!(
        "workflow w {{ step s {{ when = {}a == b{} }} }}",
        "!(".repeat(62),
        ")".repeat(62)
    );
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for src in [blocks, mixed, types, parens] {
                let (d, e, _) = parse_str(&src);
                assert!(e.is_empty(), "{src}: {e:?}");
                assert!(!d[0].is_broken());
            }
        });
    let joined = handle.map(|h| h.join());
    assert!(matches!(joined, Ok(Ok(()))), "{joined:?}");
}
