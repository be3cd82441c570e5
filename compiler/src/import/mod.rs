//! `pmth import`: `.pmth` sources from what users already have (CLI.md
//! `import`, docs/import.md). Pure functions of the input texts: the command
//! (`src/commands/import.rs`) reads the files and writes the result.
//!
//! Every format goes the same way: parse (key order kept, depth bounded), turn
//! each item into a declaration's text (JSON Schemas through [`schema`]), then
//! the formatter's printer makes it canonical. What a declaration cannot hold
//! is a [`Note`] with the JSON pointer of the input it came from, and a
//! `// TODO(import)` comment in the output.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod agentspec;
mod agentspec_flow;
mod crewai;
pub mod ident;
pub mod json;
mod literal;
mod mcp;
mod openai;
mod schema;
mod tool;

#[cfg(test)]
mod tests;

use std::fmt;

/// The largest input file read (a `tools/list` of thousands of tools fits).
pub const MAX_INPUT: usize = 8 * 1024 * 1024;

/// The formats `pmth import` reads (docs/import.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Mcp,
    Openai,
    Crewai,
    Agentspec,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Format::Mcp => "mcp",
            Format::Openai => "openai",
            Format::Crewai => "crewai",
            Format::Agentspec => "agentspec",
        })
    }
}

/// One input file: its name (for messages and the output file's name) and text.
pub struct Input {
    pub name: String,
    pub text: String,
}

/// What an import gives: files (relative path, formatted text) and notes.
#[derive(Debug, Default)]
pub struct Imported {
    pub files: Vec<(String, String)>,
    pub notes: Vec<Note>,
    /// Declarations written, per kind (`tools`).
    pub counts: Vec<(&'static str, usize)>,
}

/// Something of the input a declaration does not hold as it was.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// The input file.
    pub file: String,
    /// The declaration (`tool.get_me`), or empty for the file itself.
    pub decl: String,
    /// A JSON pointer into the input file.
    pub pointer: String,
    pub message: String,
}

/// What a name that is not a pmth name (or is taken) became: `original` is
/// the `what` (`tool`, `agent`, …) `name`; `titled` when the original is kept
/// as its `title`. The one wording of that note for every format.
fn renamed(original: &str, what: &str, name: &str, titled: bool) -> String {
    let title = if titled {
        " (the original is its `title`)"
    } else {
        ""
    };
    format!("`{original}` is not a pmth name (or is taken); the {what} is `{name}`{title}")
}

/// A loss inside one declaration (before it is a [`Note`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Loss {
    pub pointer: String,
    pub message: String,
}

/// Imports `inputs` of `format`: one `.pmth` file per input, named after it.
/// An `Err` is a message about bad input; nothing of the import is usable then.
pub fn import(format: Format, inputs: &[Input]) -> Result<Imported, String> {
    let mut out = Imported::default();
    let mut names = ident::Names::default();
    let mut docs = Vec::new();
    for input in inputs {
        if input.text.len() > MAX_INPUT {
            return Err(format!(
                "{}: {} bytes is more than the {} MiB an import reads",
                input.name,
                input.text.len(),
                MAX_INPUT / 1024 / 1024
            ));
        }
        let doc = match format {
            Format::Crewai => json::parse_yaml(&input.text)
                .map_err(|e| format!("{}: not valid YAML: {e}", input.name))?,
            Format::Agentspec if !input.text.trim_start().starts_with('{') => {
                json::parse_yaml(&input.text)
                    .map_err(|e| format!("{}: not valid YAML: {e}", input.name))?
            }
            _ => json::parse(&input.text)
                .map_err(|e| format!("{}: not valid JSON: {e}", input.name))?,
        };
        docs.push((input, doc));
    }
    let texts: Vec<Vec<String>> = match format {
        Format::Crewai => crewai::import(&docs, &mut names, &mut out.notes)?
            .into_iter()
            .map(|t| vec![t])
            .collect(),
        _ => {
            let mut all = Vec::new();
            for (input, doc) in &docs {
                all.push(match format {
                    Format::Openai => openai::import(doc, &input.name, &mut names, &mut out.notes)?,
                    Format::Agentspec => {
                        agentspec::import(doc, &input.name, &mut names, &mut out.notes)?
                    }
                    _ => mcp::import(doc, &input.name, &mut names, &mut out.notes)?,
                });
            }
            all
        }
    };
    let mut files = ident::Names::default();
    for ((input, _), decls) in docs.iter().zip(&texts) {
        let stem = std::path::Path::new(&input.name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("imported");
        let file = format!("{}.pmth", files.take(&stem.to_lowercase(), "imported"));
        let mut text = format!(
            "// Imported by `pmth import {format}` from {}. Review every `TODO(import)`.\n\n",
            base_name(&input.name)
        );
        text.push_str(&decls.join("\n"));
        let text = crate::fmt::format_source(&text).map_err(|e| {
            format!(
                "{}: the imported text does not format (a bug in pmth import): {e}",
                input.name
            )
        })?;
        count(&text, &mut out.counts);
        out.files.push((file, text));
    }
    if out.counts.is_empty() {
        out.counts.push(("tools", 0));
    }
    Ok(out)
}

/// Adds the declarations of a formatted file (top-level lines) to `counts`.
fn count(text: &str, counts: &mut Vec<(&'static str, usize)>) {
    const KINDS: [(&str, &str); 5] = [
        ("tools", "tool "),
        ("models", "model "),
        ("personas", "persona "),
        ("agents", "agent "),
        ("workflows", "workflow "),
    ];
    for (kind, word) in KINDS {
        let n = text.lines().filter(|l| l.starts_with(word)).count();
        if n == 0 {
            continue;
        }
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, c)) => *c += n,
            None => counts.push((kind, n)),
        }
    }
}

/// The last part of a path, for the header comment (no local folders in output).
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A `pmth.toml` for a new workspace in the folder named `dir_name`.
pub fn manifest(dir_name: &str) -> String {
    let mut name: String = dir_name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    name = name.trim_matches('-').to_owned();
    if name.is_empty() {
        name = "imported".into();
    }
    format!("# Written by `pmth import`.\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n")
}
