//! The binary never crashes on any input: random bytes, random mutations of the
//! conformance cases, the example and the `init` template, and hostile shapes
//! (10k nested brackets, huge lines, non-UTF-8, a BOM). Each input runs in a
//! subprocess, since a stack overflow cannot be caught in-process; the exit code
//! must be 0 or 1 (never a signal, never 101 = panic) within a time limit.

mod common;

use common::{corpus, pmth_within, scratch, MANIFEST};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Random mutations per run; with the fixed inputs this keeps the test to a few
/// seconds in a debug build.
const MUTATIONS: usize = 300;
const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn no_input_crashes_the_binary() {
    let seeds = seed_files();
    assert!(seeds.len() > 5, "too few seed files: {}", seeds.len());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Each hostile input is tried as a source, a manifest and a policy.
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, bytes) in hostile() {
        for slot in 0..5 {
            inputs.push((format!("{name}@{slot}"), bytes.clone()));
        }
    }
    for i in 0..MUTATIONS {
        let (name, bytes) = &seeds[rng.below(seeds.len())];
        let mutated = if i % 10 == 0 {
            let n = rng.below(2000);
            rng.bytes(n)
        } else {
            mutate(&mut rng, bytes, &seeds)
        };
        inputs.push((format!("{i}-{name}"), mutated));
    }

    let dir = scratch("nopanic");
    let formats = ["json", "human", "sarif", "github"];
    let mut failures = Vec::new();
    for (i, (name, bytes)) in inputs.iter().enumerate() {
        let ws = dir.join(format!("case{i}"));
        // Rotate the mutated file through the three kinds of input.
        let files: Vec<(&str, &[u8])> = match i % 5 {
            3 => vec![("pmth.toml", bytes), ("main.pmth", b"capability x { description = \"x\" }\n")],
            4 => vec![
                ("pmth.toml", b"[package]\nname = \"x\"\nversion = \"1.0.0\"\n[governance]\npolicies = [\"p.rego\"]\n"),
                ("p.rego", bytes),
            ],
            _ => vec![("pmth.toml", MANIFEST), ("main.pmth", bytes)],
        };
        write_all(&ws, &files);
        let format = formats[i % formats.len()];
        if let Err(why) = run(&ws, format) {
            failures.push(format!("{name} ({format}) in {}: {why}", ws.display()));
        } else {
            let _ = std::fs::remove_dir_all(&ws);
        }
    }
    assert!(
        failures.is_empty(),
        "the binary crashed:\n{}",
        failures.join("\n")
    );
}

fn run(ws: &Path, format: &str) -> Result<(), String> {
    let stdout = exits_0_or_1(&["check", "--format", format, "."], ws)?;
    // The formatter too: `--check`, then writing, then `--check` again, which
    // must find nothing left to change (idempotence).
    exits_0_or_1(&["fmt", "--check"], ws).map_err(|e| format!("fmt --check: {e}"))?;
    exits_0_or_1(&["fmt"], ws).map_err(|e| format!("fmt: {e}"))?;
    let (status, out, _) = pmth_within(&["fmt", "--check"], ws, LIMIT)?;
    if !out.is_empty() {
        return Err(format!(
            "fmt is not idempotent (exit {:?}):\n{}",
            status.code(),
            String::from_utf8_lossy(&out)
        ));
    }
    if format == "json" || format == "sarif" {
        serde_json::from_slice::<serde_json::Value>(&stdout)
            .map_err(|e| format!("bad JSON: {e}"))?;
    }
    Ok(())
}

/// Runs `pmth ARGS` in `ws`; its stdout when it exited 0 or 1.
fn exits_0_or_1(args: &[&str], ws: &Path) -> Result<Vec<u8>, String> {
    let (status, stdout, stderr) = pmth_within(args, ws, LIMIT)?;
    match status.code() {
        Some(0 | 1) => Ok(stdout),
        Some(c) => Err(format!("exit {c}: {}", String::from_utf8_lossy(&stderr))),
        None => Err(format!("killed by a signal ({status})")),
    }
}

fn write_all(ws: &Path, files: &[(&str, &[u8])]) {
    std::fs::create_dir_all(ws).expect("mkdir");
    for (name, bytes) in files {
        std::fs::write(ws.join(name), bytes).expect("write");
    }
}

/// Inputs built to hurt: deep nesting, huge lines, bad encodings.
fn hostile() -> Vec<(String, Vec<u8>)> {
    let deep = |open: &str, n: usize| -> Vec<u8> {
        format!("agent a {{ x = {} }}\n", open.repeat(n)).into_bytes()
    };
    let mut v = vec![
        ("10k-brackets".into(), "[".repeat(10_000).into_bytes()),
        ("10k-braces".into(), "{".repeat(10_000).into_bytes()),
        ("10k-brackets-in-attr".into(), deep("[", 10_000)),
        ("10k-braces-in-attr".into(), deep("{ k = ", 10_000)),
        ("10k-parens-in-when".into(), format!("workflow w {{ step s {{ when = {}true }} }}", "(".repeat(10_000)).into_bytes()),
        ("10k-bangs".into(), format!("workflow w {{ step s {{ when = {}true }} }}", "!".repeat(10_000)).into_bytes()),
        ("huge-line".into(), format!("tool t {{ description = \"{}\" }}\n", "a".repeat(300_000)).into_bytes()),
        ("huge-comment".into(), format!("// {}\n", "é".repeat(100_000)).into_bytes()),
        ("many-lines".into(), "\n".repeat(200_000).into_bytes()),
        ("unterminated-string".into(), b"tool t { description = \"abc\n".to_vec()),
        ("unterminated-block".into(), b"/* never closed\ntool t {}".to_vec()),
        ("unterminated-multiline".into(), b"persona p { instructions = \"\"\"\n  x\n".to_vec()),
        ("not-utf8".into(), vec![0xff, 0xfe, b'a', 0x80, b'\n', 0xc3]),
        ("bom".into(), b"\xef\xbb\xbfcapability x { description = \"x\" }\n".to_vec()),
        ("bom-only".into(), b"\xef\xbb\xbf".to_vec()),
        ("nul-bytes".into(), vec![0; 64]),
        ("crlf".into(), b"capability x {\r\n  description = \"x\"\r\n}\r\n".to_vec()),
        ("big-numbers".into(), b"model m { context_window = 99999999999999999999999999 max_output = -9007199254740993 }".to_vec()),
        ("units".into(), b"tool t { limits { timeout = 99999999999999999d memory = 99999999999TiB rate = 9999999999999/s } }".to_vec()),
        ("interp".into(), b"tool t { description = \"${${${\" }".to_vec()),
        ("escapes".into(), b"tool t { description = \"\\u{110000}\\u{D800}\\u{}\\u{FFFFFFFFF}\\\" }".to_vec()),
        ("versions".into(), b"tool t@99999999999999999999.0.0 {} agent a { tools = [tool.t@\">=1, <\", tool.t@^, tool.t@~x] }".to_vec()),
    ];
    v.push(("empty".into(), Vec::new()));
    v
}

/// Every conformance, example and template file, as mutation seeds.
fn seed_files() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<PathBuf> = vec![
        root.join("examples"),
        root.join("src/commands/init_template"),
    ];
    if let Ok(c) = std::panic::catch_unwind(corpus) {
        dirs.push(c);
    }
    let mut out = Vec::new();
    for d in dirs {
        collect(&d, &mut out);
    }
    out.sort();
    out
}

fn collect(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "pmth" || e == "rego" || e == "toml")
        {
            if let Ok(bytes) = std::fs::read(&p) {
                out.push((p.display().to_string(), bytes));
            }
        }
    }
}

/// Tokens worth inserting: the language's fuzzing dictionary (`fuzz/pmth.dict`).
fn dictionary() -> &'static [String] {
    static TOKENS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TOKENS.get_or_init(pmth_compiler::parse::fuzz_tokens)
}

fn mutate(rng: &mut Rng, input: &[u8], seeds: &[(String, Vec<u8>)]) -> Vec<u8> {
    let tokens = dictionary();
    let mut v = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let tok = tokens[rng.below(tokens.len())].as_bytes();
                v.splice(at..at, tok.iter().copied());
            }
            2 => {
                let end = (at + rng.below(64)).min(v.len());
                v.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(200)).min(v.len());
                let chunk: Vec<u8> = v[at..end].to_vec();
                v.splice(at..at, chunk);
            }
            4 => v.truncate(at),
            5 => {
                let other = &seeds[rng.below(seeds.len())].1;
                let from = rng.below(other.len() + 1);
                let end = (from + rng.below(400)).min(other.len());
                v.splice(at..at, other[from..end].iter().copied());
            }
            _ => {
                let tok = &tokens[rng.below(tokens.len())];
                let n = 1 + rng.below(300);
                v.splice(at..at, tok.repeat(n).into_bytes());
            }
        }
    }
    v
}

/// A small deterministic PRNG (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}
