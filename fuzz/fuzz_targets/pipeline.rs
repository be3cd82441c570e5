//! The whole pipeline on a small workspace made from the input: the bytes are
//! split at NUL into a `pmth.toml`, up to three `.pmth` files and a policy.
//! Compiling never panics, and every diagnostic's label lies inside its file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pmth_compiler::{compile, CompileOptions};
use std::path::PathBuf;
use std::sync::OnceLock;

/// One scratch workspace per fuzzing process, rewritten for every input.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pmth-fuzz-pipeline-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    })
}

const FILES: &[&str] = &["a.pmth", "sub/b.pmth", "c.pmth", "policies/p.rego"];

fuzz_target!(|data: &[u8]| {
    let root = root();
    let _ = std::fs::remove_dir_all(root);
    let _ = std::fs::create_dir_all(root.join("sub"));
    let _ = std::fs::create_dir_all(root.join("policies"));
    let mut parts = data.splitn(FILES.len() + 1, |b| *b == 0);
    // The manifest: the first part when it looks like one, else a fixed one
    // (stdlib policies off unless asked, so that most runs stay fast).
    let first = parts.next().unwrap_or_default();
    let manifest: Vec<u8> = if first.starts_with(b"[package]") {
        first.to_vec()
    } else {
        let stdlib = first.first().is_some_and(|b| b % 8 == 0);
        format!(
            "[package]\nname = \"fuzz\"\nversion = \"1.0.0\"\n\n[governance]\npolicies = [\"policies\"]\nstdlib = {stdlib}\n"
        )
        .into_bytes()
    };
    let _ = std::fs::write(root.join("pmth.toml"), manifest);
    for (name, bytes) in FILES.iter().zip(parts) {
        let _ = std::fs::write(root.join(name), bytes);
    }
    let Ok(comp) = compile(root, &CompileOptions::default()) else {
        return;
    };
    let sources = comp.sources();
    for d in comp.diagnostics.iter() {
        for span in std::iter::once(d.primary.span).chain(d.related.iter().map(|l| l.span)) {
            let len = sources.get(span.file).map_or(0, |f| f.text.len() as u32);
            assert!(span.start <= span.end && span.end <= len, "label outside its file: {d:?}");
        }
    }
});
