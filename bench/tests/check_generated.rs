//! The generated workspace is valid: the real compiler checks the 1k workspace
//! with no errors, and the only warnings are the governance warnings the
//! generator planted (one agent in twenty).

use pmth_bench::gen;
use pmth_compiler::{compile, CompileOptions};

#[test]
fn generated_1k_workspace_checks_without_errors() {
    let dir = std::env::temp_dir().join(format!("pmth-bench-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ws = gen::generate(1000);
    gen::write(&ws, &dir).expect("write the workspace");
    let comp = compile(&dir, &CompileOptions::default()).expect("a workspace");
    let _ = std::fs::remove_dir_all(&dir);

    let sources = comp.sources();
    let describe = |d: &pmth_compiler::diag::Diagnostic| {
        let at = sources.start(d.primary.span);
        format!(
            "{} {}:{}: {}",
            d.code,
            sources.path(d.primary.span.file),
            at,
            d.message
        )
    };
    let errors: Vec<String> = comp
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(describe)
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:#?}",
        errors.len(),
        &errors[..errors.len().min(10)]
    );

    let warnings: Vec<String> = comp.diagnostics.iter().map(describe).collect();
    assert!(
        warnings.iter().all(|w| w.starts_with("PM0702")),
        "{warnings:#?}"
    );
    assert_eq!(warnings.len(), ws.warning_agents);

    // Every generated declaration is in the registry (the stdlib adds its own).
    let registry = &comp.checked.as_ref().expect("checked").registry.to_json();
    for (kind, count) in &ws.counts {
        let plural = match *kind {
            "capability" => "capabilities".to_string(),
            k => format!("{k}s"),
        };
        let got = registry
            .get(&plural)
            .and_then(|m| m.as_object())
            .map_or(0, |m| m.len());
        assert!(
            got >= *count,
            "{plural}: {got} in the registry, {count} generated"
        );
    }
}
