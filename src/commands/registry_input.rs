//! What `diff`, `graph` and `query` read: a workspace (a folder with
//! `pmth.toml`, compiled first) or a bundle folder (one with `registry.json`
//! or its seal, its integrity verified first). Problems go to stderr, so
//! that stdout stays the one document; the `Err` is the exit code.

use super::Exit;
use crate::cli::Format;
use crate::render::{self, RenderOptions};
use pmth_compiler::emit;
use pmth_compiler::{compile, Compilation, CompileOptions};
use serde_json::Value as Json;
use std::path::Path;

pub enum Input {
    /// A compiled workspace with no errors (`checked` is set).
    Workspace(Box<Compilation>),
    /// A verified bundle's `registry.json` text.
    Bundle(String),
}

/// Loads `path` as a workspace or a bundle.
pub fn load(path: &Path) -> Result<Input, Exit> {
    if path.join("pmth.toml").is_file() {
        let comp = compile(path, &CompileOptions::default()).map_err(|e| fail(&e.to_string()))?;
        if comp.diagnostics.has_errors() || comp.checked.is_none() {
            let opts = RenderOptions {
                color: render::stderr_wants_color(),
                base: render::base_prefix(path),
                checked_files: 0,
                notes: Vec::new(),
            };
            eprint!(
                "{}",
                render::render(
                    Format::Human,
                    &comp.workspace.sources,
                    &comp.diagnostics,
                    &opts
                )
            );
            eprintln!("error: `{}` has errors; fix them first", path.display());
            return Err(Exit::Errors);
        }
        return Ok(Input::Workspace(Box::new(comp)));
    }
    let is_bundle = path.join(emit::REGISTRY).is_file() || path.join(emit::SEAL).is_file();
    if !is_bundle {
        return Err(fail(&format!(
            "`{}` is neither a workspace (no pmth.toml) nor a bundle (no {})",
            path.display(),
            emit::REGISTRY
        )));
    }
    // Integrity only: these commands say what a bundle holds, whoever signed
    // it (`pmth verify --key` is for trust). The seal's digests cover every
    // byte of `registry.json`; what `pmth verify` derives again from its
    // content (each declaration's digest, the canonical form) is left to it.
    let (report, registry) =
        emit::verify_seal(path, None, true).map_err(|e| fail(&e.to_string()))?;
    match registry {
        Some(bytes) if report.ok() => String::from_utf8(bytes).map(Input::Bundle).map_err(|_| {
            eprintln!("error: {}: {} is not UTF-8", path.display(), emit::REGISTRY);
            Exit::Errors
        }),
        _ => {
            let (sources, diags) = report.diagnostics();
            let opts = RenderOptions {
                color: render::stderr_wants_color(),
                base: String::new(),
                checked_files: 0,
                notes: Vec::new(),
            };
            eprint!("{}", render::render(Format::Human, &sources, &diags, &opts));
            Err(Exit::Errors)
        }
    }
}

/// `path`'s registry as the JSON document `registry.json` holds.
pub fn registry_json(path: &Path) -> Result<Json, Exit> {
    let text = registry_text(path)?;
    serde_json::from_str(&text).map_err(|e| {
        eprintln!("error: {}: registry.json is not JSON: {e}", path.display());
        Exit::Errors
    })
}

/// `path`'s registry as the text of `registry.json` (a workspace's
/// assembled as `pmth build` would write it).
pub fn registry_text(path: &Path) -> Result<String, Exit> {
    match load(path)? {
        Input::Bundle(text) => Ok(text),
        Input::Workspace(comp) => {
            let (Some(checked), Some(gov)) = (&comp.checked, &comp.governance) else {
                return Err(fail(&format!("`{}` has no registry", path.display())));
            };
            let text = emit::registry::assemble(checked, gov)
                .to_canonical()
                .map_err(|e| fail(&format!("the registry cannot be written: {e}")))?;
            // Large registries: the OS reclaims them faster than a piecewise drop.
            std::mem::forget(comp);
            Ok(text)
        }
    }
}

pub fn fail(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::CannotRun
}
