//! `pmth lsp` driven from Neovim (`tests/nvim/session.lua`, headless, `-u
//! NONE`): on a copy of `examples/support-fleet` with a typo, rename a model
//! used in several files, apply the preferred code action on the typo and
//! format a badly indented file; the files Neovim wrote must check exactly as
//! before, less the typo, and the formatted one be what `pmth fmt` writes.
//!
//! Neovim is Debian's `neovim` package; `.ci/run` installs it. Without `nvim`
//! on the PATH the test says so on stderr and passes (a local machine without
//! Neovim); CI always has it.

mod common;

use common::{copy_dir, scratch};
use std::path::Path;
use std::process::Command;

fn codes(root: &Path) -> Vec<(String, String)> {
    let comp =
        pmth_compiler::compile(root, &pmth_compiler::CompileOptions::default()).expect("compile");
    let s = comp.sources();
    comp.diagnostics
        .iter()
        .map(|d| (d.code.to_string(), s.path(d.primary.span.file).to_string()))
        .collect()
}

/// 0-based `line:character` of the first `needle` in `text`, plus `within`.
fn position(text: &str, needle: &str, within: usize) -> String {
    let at = text.find(needle).expect("needle") + within;
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    format!("{line}:{}", at - start)
}

#[test]
fn neovim_renames_applies_a_quick_fix_and_formats() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!(
            "SKIPPED: `nvim` is not installed (apt-get install -y neovim); CI runs this test"
        );
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = scratch("nvim");
    copy_dir(&repo.join("examples/support-fleet"), &root);
    let _ = std::fs::remove_file(root.join("pmth.lock"));
    let before = codes(&root);
    // The typo the code action fixes.
    let triage_path = root.join("agents/triage.pmth");
    let triage = std::fs::read_to_string(&triage_path).expect("read");
    let typo = triage.replacen("tool.sentiment_score", "tool.sentiment_scroe", 1);
    std::fs::write(&triage_path, &typo).expect("write");
    let escalation = std::fs::read_to_string(root.join("agents/escalation.pmth")).expect("read");
    // The file formatting fixes: indented four spaces instead of two.
    let messaging_path = root.join("tools/messaging.pmth");
    let messy = std::fs::read_to_string(&messaging_path)
        .expect("read")
        .replace("\n  ", "\n    ");
    std::fs::write(&messaging_path, &messy).expect("write");
    let formatted = pmth_compiler::fmt::format_source(&messy).expect("formattable");
    assert_ne!(formatted, messy);

    let result = root.join("nvim-result.json");
    let out = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-S"])
        .arg(repo.join("tests/nvim/session.lua"))
        .env("PMTH", env!("CARGO_BIN_EXE_pmth"))
        .env("PMTH_NVIM_ROOT", &root)
        .env("PMTH_NVIM_RESULT", &result)
        .env(
            "PMTH_NVIM_RENAME",
            format!(
                "agents/escalation.pmth:{}:answer_llm",
                position(&escalation, "model.support_llm", 8)
            ),
        )
        .env(
            "PMTH_NVIM_FIX",
            format!(
                "agents/triage.pmth:{}",
                position(&typo, "tool.sentiment_scroe", 7)
            ),
        )
        .env("PMTH_NVIM_FORMAT", "tools/messaging.pmth")
        .current_dir(&root)
        .output()
        .expect("run nvim");
    let text = std::fs::read_to_string(&result).unwrap_or_else(|_| {
        panic!(
            "no result file; nvim said: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let r: serde_json::Value = serde_json::from_str(&text).expect("result JSON");
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["placeholder"], "support_llm");
    assert_eq!(r["renamed_files"], 4, "{r}");
    assert_eq!(r["action"], "replace with `tool.sentiment_score`");
    assert_eq!(
        r["steps"],
        serde_json::json!(["rename", "code action", "format"])
    );

    let read = |p: &str| std::fs::read_to_string(root.join(p)).expect("read");
    assert!(read("agents/escalation.pmth").contains("model.answer_llm"));
    assert!(read("agents/desks.pmth").contains("model.answer_llm"));
    assert_eq!(read("models.pmth").matches("model answer_llm@").count(), 2);
    assert_eq!(read("agents/triage.pmth"), triage);
    assert_eq!(read("tools/messaging.pmth"), formatted);
    assert_eq!(codes(&root), before);
    let _ = std::fs::remove_dir_all(&root);
}
