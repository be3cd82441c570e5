//! Renders diagnostics at the edge, in one of four formats. The compiler hands
//! over a [`SourceMap`] and sorted [`Diagnostics`]; everything about text, colour
//! and layout lives here.

mod github;
mod human;
mod json;
mod sarif;
#[cfg(test)]
mod tests;

use crate::cli::Format;
use pmth_compiler::diag::Diagnostics;
use pmth_compiler::source::{SourceMap, Span};
use std::io::IsTerminal;
use std::path::Path;

/// How to render, beyond the format.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colour (human format only).
    pub color: bool,
    /// Prefix of workspace paths in the human, SARIF and GitHub formats (the
    /// workspace root relative to the current folder, with a trailing `/`), so
    /// that paths resolve from where `pmth` ran. JSON paths stay relative to the
    /// workspace root.
    pub base: String,
    /// How many of the workspace's own files were checked (for the success line).
    pub checked_files: usize,
    /// Notes about the run itself (e.g. governance skipped), printed before the
    /// summary line in the human and GitHub formats.
    pub notes: Vec<String>,
}

/// The whole output of a command for `diags` (already sorted by `finish`).
pub fn render(
    format: Format,
    sources: &SourceMap,
    diags: &Diagnostics,
    opts: &RenderOptions,
) -> String {
    match format {
        Format::Human => human::render(sources, diags, opts),
        Format::Json => json::render(sources, diags),
        Format::Sarif => sarif::render(sources, diags, opts),
        Format::Github => github::render(sources, diags, opts),
    }
}

/// Colour only when stdout is a terminal and `NO_COLOR` is not set.
pub fn stdout_wants_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Colour only when stderr is a terminal and `NO_COLOR` is not set.
pub fn stderr_wants_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The workspace root as seen from the current folder, with a trailing `/`
/// (empty when the root is the current folder; `../` steps when `pmth` ran in a
/// subfolder of the workspace).
pub fn base_prefix(root: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    relative_prefix(root, cwd.as_deref())
}

fn relative_prefix(root: &Path, cwd: Option<&Path>) -> String {
    if let Some(cwd) = cwd.filter(|_| root.is_absolute()) {
        if let Ok(below) = cwd.strip_prefix(root) {
            return "../".repeat(below.components().count());
        }
    }
    let shown = match cwd {
        Some(cwd) if root.is_absolute() => pmth_compiler::load::display_path(cwd, root),
        _ => pmth_compiler::load::display_path(Path::new(""), root),
    };
    if shown == "." {
        String::new()
    } else {
        format!("{shown}/")
    }
}

/// The last line of the human and GitHub formats.
pub fn summary(diags: &Diagnostics, checked_files: usize) -> String {
    let errors = diags.error_count();
    let warnings = diags.warning_count();
    if errors > 0 {
        format!(
            "error: {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    } else {
        let warnings = match warnings {
            0 => "no warnings".to_string(),
            n => plural(n, "warning"),
        };
        format!(
            "ok: no errors, {warnings} ({} checked)",
            plural(checked_files, "file")
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A span as 1-based lines and columns (end exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

pub fn region(sources: &SourceMap, span: Span) -> Region {
    let start = sources.start(span);
    let end = sources.end(span);
    Region {
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// A file's path as the user should see it: `base` + the workspace-relative path,
/// or `stdlib:…` as it is.
pub fn display_path(sources: &SourceMap, span: Span, base: &str) -> String {
    match sources.get(span.file) {
        Some(f) if f.stdlib => f.path.clone(),
        Some(f) => format!("{base}{}", f.path),
        None => format!("{base}?"),
    }
}
