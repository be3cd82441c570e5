//! Runtime decisions on arbitrary requests: the example fleet
//! (`examples/support-fleet`) built once per process with its OPA bundle and
//! loaded by `pmth-runtime` with integrity-only trust; the input (read as
//! UTF-8, else replaced) is one JSON request or JSON Lines, split as
//! `pmth authorize` splits it. Every decision must be a JSON object with a
//! boolean `allow` and sorted string `reasons`; a line that is not JSON is
//! denied with a reason; deciding the same request twice gives the same answer
//! (the engines are pooled and reused).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pmth_compiler::emit::{self, BuildOptions};
use pmth_compiler::{compile, CompileOptions};
use pmth_runtime::{Bundle, Decision, Trust};
use serde_json::Value as Json;
use std::path::Path;
use std::sync::OnceLock;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("scratch folder");
    for entry in std::fs::read_dir(from).expect("read example") {
        let entry = entry.expect("entry");
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).expect("copy");
        }
    }
}

/// The example fleet's bundle, built and loaded once per process.
fn bundle() -> &'static Bundle {
    static B: OnceLock<Bundle> = OnceLock::new();
    B.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("pmth-fuzz-authorize-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/support-fleet");
        copy_dir(&example, &root);
        let out = root.join("dist");
        let copts = CompileOptions {
            extra_skip: vec![out.clone()],
            ..Default::default()
        };
        let mut comp = compile(&root, &copts).expect("compile");
        let opts = BuildOptions {
            out_dir: out.clone(),
            opa: true,
            ..Default::default()
        };
        let report = emit::build(&mut comp, &opts).expect("build");
        assert!(report.written, "the example fleet must build: {:?}", comp.diagnostics);
        Bundle::load(&out, Trust::IntegrityOnly).expect("the bundle loads")
    })
}

/// A decision as `pmth authorize` prints it: an object, `allow` a boolean,
/// `reasons` sorted strings, `obligations` an object.
fn check(d: &Decision) {
    let line = d.to_json_line();
    let v: Json = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
    let obj = v.as_object().expect("a decision is an object");
    assert!(obj["allow"].is_boolean(), "{line}");
    let reasons: Vec<&str> = obj["reasons"]
        .as_array()
        .expect("reasons is a list")
        .iter()
        .map(|r| r.as_str().expect("a reason is a string"))
        .collect();
    assert!(reasons.windows(2).all(|w| w[0] <= w[1]), "reasons not sorted: {line}");
    assert!(obj["obligations"].is_object(), "{line}");
    assert!(d.allow || !d.reasons.is_empty(), "a denial without a reason: {line}");
}

fuzz_target!(|data: &[u8]| {
    let b = bundle();
    let text = String::from_utf8_lossy(data);
    if let Ok(v) = serde_json::from_str::<Json>(&text) {
        let d = b.decide_value(&v);
        check(&d);
        assert_eq!(d, b.decide_json(&text), "decide_json and decide_value differ");
        assert_eq!(d, b.decide_value(&v), "the same request decided twice differs");
        if !v.is_object() {
            assert!(!d.allow, "a request that is not an object was allowed");
        }
        return;
    }
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let d = b.decide_json(line);
        check(&d);
        if serde_json::from_str::<Json>(line).is_err() {
            assert!(!d.allow, "a line that is not JSON was allowed: {line:?}");
            assert!(
                d.reasons.len() == 1 && d.reasons[0].starts_with("the request is not valid JSON"),
                "{:?}",
                d.reasons
            );
        }
    }
});
