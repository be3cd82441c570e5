//! `--format json`: one document, exactly the shape CLI.md gives, written with
//! our own serde structs so the field order and names are ours to keep stable.

use super::region;
use pmth_compiler::diag::{Diagnostic, Diagnostics, Fix, Label};
use pmth_compiler::source::SourceMap;
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    help: Option<&'a str>,
    notes: &'a [String],
    related: Vec<JsonRelated<'a>>,
    fixes: Vec<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    safe: bool,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

pub fn render(sources: &SourceMap, diags: &Diagnostics) -> String {
    let doc = Document {
        diagnostics: diags.iter().map(|d| diagnostic(sources, d)).collect(),
        errors: diags.error_count(),
        warnings: diags.warning_count(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

fn diagnostic<'a>(sources: &'a SourceMap, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let r = region(sources, d.primary.span);
    JsonDiagnostic {
        code: d.code,
        severity: d.severity.as_str(),
        message: &d.message,
        file: sources.path(d.primary.span.file),
        line: r.line,
        column: r.column,
        end_line: r.end_line,
        end_column: r.end_column,
        help: d.help.as_deref(),
        notes: &d.notes,
        related: d.related.iter().map(|l| related(sources, l)).collect(),
        fixes: d.fixes.iter().map(|f| fix(sources, f)).collect(),
    }
}

fn fix<'a>(sources: &'a SourceMap, f: &'a Fix) -> JsonFix<'a> {
    JsonFix {
        message: &f.message,
        safe: f.is_safe(),
        edits: f
            .edits
            .iter()
            .map(|e| {
                let r = region(sources, e.span);
                JsonEdit {
                    file: sources.path(e.span.file),
                    line: r.line,
                    column: r.column,
                    end_line: r.end_line,
                    end_column: r.end_column,
                    text: &e.text,
                }
            })
            .collect(),
    }
}

fn related<'a>(sources: &'a SourceMap, l: &'a Label) -> JsonRelated<'a> {
    let r = region(sources, l.span);
    JsonRelated {
        message: &l.message,
        file: sources.path(l.span.file),
        line: r.line,
        column: r.column,
        end_line: r.end_line,
        end_column: r.end_column,
    }
}
