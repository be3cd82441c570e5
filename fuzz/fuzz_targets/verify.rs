//! `verify` on mutated bundles: a signed bundle built once (registry, seal, OPA
//! tarball with its `.signatures.json`) has one byte changed, inserted or
//! removed in one of its files, and `verify` with the public key must never
//! accept it. (Integrity-only verification cannot promise that: without a
//! signature nothing covers the seal's own provenance payload.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use pmth_compiler::emit::{self, BuildOptions};
use pmth_compiler::{compile, CompileOptions};
use std::path::PathBuf;
use std::sync::OnceLock;

const FLEET: &str = r#"
capability fz { description = "Fuzz" }
model m { description = "Model" provider = "openai" provides = [capability.fz] }
tool t@1.0.0 { description = "Tool" risk = low params { q: string { min_len = 1 } } }
agent a { description = "Agent" kind = analytical model = model.m tools = [tool.t] capabilities = [capability.fz] }
"#;

struct Bundle {
    dir: PathBuf,
    key: PathBuf,
    files: Vec<(String, Vec<u8>)>,
}

/// The pristine bundle's files, built and signed once per process.
fn bundle() -> &'static Bundle {
    static B: OnceLock<Bundle> = OnceLock::new();
    B.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("pmth-fuzz-verify-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("scratch folder");
        std::fs::write(root.join("pmth.toml"), "[package]\nname = \"f\"\nversion = \"1.0.0\"\n")
            .expect("manifest");
        std::fs::write(root.join("fleet.pmth"), FLEET).expect("fleet");
        let key = root.join("key");
        emit::keygen(&key).expect("keygen");
        let mut comp = compile(&root, &CompileOptions::default()).expect("compile");
        let opts = BuildOptions {
            out_dir: root.join("dist"),
            sign_key: Some(key.clone()),
            locked: false,
            opa: true,
            deny_warnings: false,
        };
        let report = emit::build(&mut comp, &opts).expect("build");
        assert!(report.written, "the seed fleet must build: {:?}", comp.diagnostics);
        let mut files = Vec::new();
        for name in ["registry.json", "registry.seal.json", "bundle.tar.gz"] {
            files.push((name.to_string(), std::fs::read(root.join("dist").join(name)).expect("read")));
        }
        Bundle {
            dir: root.join("mutated"),
            key: emit::keygen::public_path(&key),
            files,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Bundle { dir, key, files } = bundle();
    let [which, op, a, b, c, rest @ ..] = data else {
        return;
    };
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::create_dir_all(dir);
    let target = usize::from(*which) % files.len();
    let mut changed = false;
    for (i, (name, bytes)) in files.iter().enumerate() {
        let mut bytes = bytes.clone();
        if i == target && !bytes.is_empty() {
            let at = (usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c)) % bytes.len();
            let before = bytes.clone();
            match op % 3 {
                0 => bytes[at] ^= rest.first().copied().unwrap_or(1).max(1),
                1 => bytes.splice(at..at, rest.iter().copied().take(64)).for_each(drop),
                _ => {
                    let end = (at + 1 + rest.len() % 64).min(bytes.len());
                    bytes.drain(at..end);
                }
            }
            changed = bytes != before;
        }
        let _ = std::fs::write(dir.join(name), bytes);
    }
    let Ok(report) = emit::verify(dir, Some(key), false) else {
        return;
    };
    if changed {
        assert!(!report.ok(), "verify accepted a changed bundle");
    } else {
        assert!(report.ok(), "verify refused the unchanged bundle: {:?}", report.failures);
    }
});
