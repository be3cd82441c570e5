//! A small bundle for the crate's documentation example: one agent, one tool,
//! built by the compiler into a temporary folder.

use std::path::PathBuf;

const MANIFEST: &str = "[package]\nname = \"doc\"\nversion = \"0.1.0\"\n";
const SOURCE: &str = r#"
tool lookup {
  description = "Looks an account up"
  kind = data_processing
  risk = low
  params {
    id: string { pattern = "^A-[0-9]+$" }
  }
}

agent reader {
  description = "Reads accounts"
  kind = task_oriented
  model = model.small
  tools = [tool.lookup]
}

model small {
  description = "A small model"
  provider = "local"
  id = "small-1"
}
"#;

/// Builds the example bundle in a fresh temporary folder and returns its
/// `dist` (for the doc test and the crate's tests).
pub fn doc_example_bundle() -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("pmth-runtime-doc-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("pmth.toml"), MANIFEST);
    let _ = std::fs::write(dir.join("fleet.pmth"), SOURCE);
    let out = dir.join("dist");
    let compile = pmth_compiler::CompileOptions {
        extra_skip: vec![out.clone()],
        ..Default::default()
    };
    let Ok(mut comp) = pmth_compiler::compile(&dir, &compile) else {
        return out;
    };
    let opts = pmth_compiler::emit::BuildOptions {
        out_dir: out.clone(),
        opa: true,
        ..Default::default()
    };
    let _ = pmth_compiler::emit::build(&mut comp, &opts);
    out
}
