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

/// Bytes of `registry.json` (less `governance`) per generated declaration,
/// for the select-heavy workspace of `n` declarations (governance off: it
/// does not change the registry).
fn select_heavy_registry_bytes_per_decl(n: usize) -> (f64, pmth_compiler::Compilation) {
    let dir = std::env::temp_dir().join(format!("pmth-bench-select-{n}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ws = gen::generate_shape(n, gen::Shape::SelectHeavy);
    gen::write(&ws, &dir).expect("write the workspace");
    let manifest = dir.join("pmth.toml");
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    std::fs::write(&manifest, text.replace("stdlib = true", "stdlib = false")).expect("manifest");
    let comp = compile(&dir, &CompileOptions::default()).expect("a workspace");
    let _ = std::fs::remove_dir_all(&dir);
    let errors: Vec<&str> = comp
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        errors.is_empty(),
        "{n}: {:?}",
        &errors[..errors.len().min(5)]
    );
    let checked = comp.checked.as_ref().expect("checked");
    let bytes = pmth_compiler::emit::registry::registry_doc(&checked.registry)
        .to_canonical()
        .expect("canonical")
        .len();
    (bytes as f64 / ws.decls() as f64, comp)
}

#[test]
fn the_select_heavy_bundle_grows_linearly() {
    let (small, comp) = select_heavy_registry_bytes_per_decl(1000);
    // Every workflow selects the shared capability, which a fifth of the
    // agents claim: the index lists them once, no step repeats them.
    let registry = comp.checked.as_ref().expect("checked").registry.to_json();
    let shared = &registry["index"]["capabilities"][gen::names::SHARED_CAP]["agents"];
    let agents = registry["agents"].as_object().map_or(0, |m| m.len());
    let candidates = shared.as_array().map_or(0, Vec::len);
    assert!(
        candidates * 5 >= agents * 9 / 10 && candidates * 5 <= agents * 11 / 10,
        "{candidates} candidates of {agents} agents"
    );
    for (id, wf) in registry["workflows"].as_object().into_iter().flatten() {
        for step in wf["steps"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, s)| s)
        {
            assert!(step.get("candidates").is_none(), "{id}: {step}");
        }
    }
    drop(comp);
    let (large, _) = select_heavy_registry_bytes_per_decl(10_000);
    let ratio = large.max(small) / large.min(small);
    assert!(
        ratio <= 1.2,
        "registry bytes per declaration: {small:.0} at 1k, {large:.0} at 10k ({ratio:.2}×)"
    );
    eprintln!("registry bytes per declaration, select-heavy: {small:.0} at 1k, {large:.0} at 10k");
}
