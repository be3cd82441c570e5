//! `pmth import FORMAT FILE… [-o DIR]`: `.pmth` sources from MCP tool lists,
//! OpenAI function tools, CrewAI crews and Agent Spec agents (docs/import.md). Writes into `DIR` (default: the
//! current workspace, else the current folder), with a `pmth.toml` when `DIR`
//! is in no workspace; never overwrites a file. Exit 1 for bad input, 2 when
//! the command cannot run (a file it would write exists, unreadable input);
//! either way nothing is written.

use super::{cannot_run, print, Exit};
use crate::cli::{Format, ImportArgs, ImportFormat};
use pmth_compiler::import::{self, Imported, Input, MAX_INPUT};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(args: &ImportArgs) -> Exit {
    let format = match args.format_in {
        ImportFormat::Mcp => import::Format::Mcp,
        ImportFormat::Openai => import::Format::Openai,
        ImportFormat::Crewai => import::Format::Crewai,
        ImportFormat::Agentspec => import::Format::Agentspec,
    };
    let mut inputs = Vec::new();
    for path in &args.files {
        match read(path) {
            Ok(Some(text)) => inputs.push(Input {
                name: path.to_string_lossy().replace('\\', "/"),
                text,
            }),
            Ok(None) => {
                eprintln!(
                    "error: {}: larger than the {} MiB an import reads; nothing was written",
                    path.display(),
                    MAX_INPUT / 1024 / 1024
                );
                return Exit::Errors;
            }
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                eprintln!(
                    "error: {}: not UTF-8 text; nothing was written",
                    path.display()
                );
                return Exit::Errors;
            }
            Err(e) => return cannot_run(&format!("cannot read `{}`: {e}", path.display())),
        }
    }
    let imported = match import::import(format, &inputs) {
        Ok(i) => i,
        Err(message) => {
            eprintln!("error: {message}; nothing was written");
            return Exit::Errors;
        }
    };
    let dir = match &args.out {
        Some(d) => d.clone(),
        None => match std::env::current_dir() {
            Ok(cwd) => pmth_compiler::load::find_root(&cwd).unwrap_or(cwd),
            Err(e) => return cannot_run(&format!("cannot read the current folder: {e}")),
        },
    };
    let mut files: Vec<(PathBuf, String)> = imported
        .files
        .iter()
        .map(|(p, t)| (dir.join(p), t.clone()))
        .collect();
    let in_workspace = dir.is_dir()
        && std::fs::canonicalize(&dir)
            .ok()
            .and_then(|d| pmth_compiler::load::find_root(&d))
            .is_some();
    if !in_workspace {
        let name = std::fs::canonicalize(&dir)
            .ok()
            .unwrap_or_else(|| dir.clone())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((dir.join("pmth.toml"), import::manifest(&name)));
    }
    if let Some((p, _)) = files.iter().find(|(p, _)| p.exists()) {
        return cannot_run(&format!(
            "`{}` already exists; pmth import never overwrites a file (nothing was written)",
            p.display()
        ));
    }
    if let Err(e) = write_all(&dir, &files) {
        return cannot_run(&format!("{e} (nothing was written)"));
    }
    print(&render(args.format, &imported, &dir, &files));
    Exit::Ok
}

/// The file's text; `None` when it is over the size limit (checked before reading).
fn read(path: &Path) -> std::io::Result<Option<String>> {
    if std::fs::metadata(path)?.len() > MAX_INPUT as u64 {
        return Ok(None);
    }
    let bytes = std::fs::read(path)?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"))
}

/// Creates every file (none may exist); on a failure removes what it wrote.
fn write_all(dir: &Path, files: &[(PathBuf, String)]) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "`{}` exists and is not a folder: import into a folder (`-o DIR`)",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let mut written: Vec<&Path> = Vec::new();
    for (path, text) in files {
        let result = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        if let Err(e) = result {
            for w in written {
                let _ = std::fs::remove_file(w);
            }
            return Err(format!("cannot write `{}`: {e}", path.display()));
        }
        written.push(path);
    }
    Ok(())
}

fn render(format: Format, imported: &Imported, dir: &Path, files: &[(PathBuf, String)]) -> String {
    let names: Vec<String> = files
        .iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let counts: Vec<String> = imported
        .counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    match format {
        Format::Json | Format::Sarif => {
            let notes: Vec<_> = imported
                .notes
                .iter()
                .map(|n| json!({"file": n.file, "declaration": n.decl, "pointer": n.pointer, "message": n.message}))
                .collect();
            let doc = json!({
                "out_dir": dir.to_string_lossy().replace('\\', "/"),
                "files": names,
                "counts": imported.counts.iter().map(|(k, n)| (k.to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
                "notes": notes,
            });
            format!("{doc}\n")
        }
        Format::Human | Format::Github => {
            let mut out = String::new();
            for n in &imported.notes {
                let what = if n.decl.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", n.decl)
                };
                let line = format!("{what}{}#{}: {}", n.file, n.pointer, n.message);
                match format {
                    Format::Github => {
                        out.push_str(&format!("::notice title=pmth import::{line}\n"))
                    }
                    _ => out.push_str(&format!("note: {line}\n")),
                }
            }
            out.push_str(&format!(
                "imported {} into {} ({} notes); review every `TODO(import)` comment, then run `pmth check`\n",
                counts.join(", "),
                names.join(", "),
                imported.notes.len()
            ));
            out
        }
    }
}
