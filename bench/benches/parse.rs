//! Parser micro-benchmark (divan) on fixed generated input: one file of each kind
//! (about 100 declarations each) and the whole 1k-declaration workspace.
//!
//! `cargo bench -p pmth-bench --bench parse`

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use pmth_compiler::parse::parse_source;
use pmth_compiler::source::{FileKind, SourceMap};

fn main() {
    divan::main();
}

/// The generated 1k workspace's `.pmth` files, in a source map.
fn workspace() -> SourceMap {
    let ws = pmth_bench::gen::generate(1000);
    let mut map = SourceMap::new();
    for (path, text) in ws.files {
        if path.ends_with(".pmth") {
            map.add(path, FileKind::Pmth, text, false);
        }
    }
    map
}

/// The first generated file of one kind folder.
#[divan::bench(args = ["agents", "capabilities", "models", "personas", "services", "templates", "tools", "workflows"])]
fn one_file(bencher: Bencher, folder: &str) {
    let map = workspace();
    let prefix = format!("{folder}/");
    let Some(file) = map.files().iter().find(|f| f.path.starts_with(&prefix)) else {
        return;
    };
    bencher
        .counter(BytesCount::new(file.text.len()))
        .bench(|| parse_source(black_box(file)));
}

/// Every file of the 1k workspace, one after the other.
#[divan::bench]
fn workspace_1k(bencher: Bencher) {
    let map = workspace();
    let bytes: usize = map.files().iter().map(|f| f.text.len()).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        let mut decls = 0;
        for f in map.files() {
            decls += parse_source(black_box(f)).0.len();
        }
        decls
    });
}
