//! `--format sarif`: a SARIF 2.1.0 log for code scanning, with one rule per code
//! used (described from the code table) and one result per diagnostic.

use super::{display_path, region, RenderOptions};
use pmth_compiler::diag::{codes, Diagnostic, Diagnostics, Fix, Severity};
use pmth_compiler::source::{SourceMap, Span};
use serde::Serialize;
use std::collections::BTreeMap;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    version: &'a str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult>,
    column_kind: &'a str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    /// Where SARIF viewers link the tool to. The project publishes no site, so
    /// the field is left out rather than naming an invented one.
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'a str>,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration<'a>,
}

#[derive(Serialize)]
struct Configuration<'a> {
    level: &'a str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

/// SARIF §3.55: a fix, its edits grouped per file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
    /// SARIF has no notion of safety: `{"safe": bool}` as CLI.md's JSON has it.
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    safe: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

pub fn render(sources: &SourceMap, diags: &Diagnostics, opts: &RenderOptions) -> String {
    // One rule per code used, in code order; results point at their index.
    let used: BTreeMap<&str, usize> = {
        let mut codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes.dedup();
        codes.into_iter().enumerate().map(|(i, c)| (c, i)).collect()
    };
    let rules = used.keys().map(|c| rule(c)).collect();
    let results = diags
        .iter()
        .map(|d| {
            result(
                sources,
                d,
                used.get(d.code).copied().unwrap_or(0),
                &opts.base,
            )
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "pmth",
                    version: pmth_compiler::VERSION,
                    semantic_version: pmth_compiler::VERSION,
                    information_uri: None,
                    rules,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

fn rule(code: &str) -> Rule<'_> {
    let info = codes::lookup(code);
    Rule {
        id: code,
        short_description: Text {
            text: info.map_or_else(|| code.to_string(), |i| i.title.to_string()),
        },
        full_description: Text {
            text: info.map_or_else(String::new, |i| i.explanation.trim().to_string()),
        },
        help: Text {
            text: info.map_or_else(String::new, |i| i.fix.trim().to_string()),
        },
        default_configuration: Configuration {
            level: level(codes::default_severity(code)),
        },
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(sources: &SourceMap, d: &Diagnostic, rule_index: usize, base: &str) -> SarifResult {
    let mut text = d.message.clone();
    for note in &d.notes {
        text.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    SarifResult {
        rule_id: d.code.to_string(),
        rule_index,
        level: level(d.severity),
        message: Text { text },
        locations: vec![location(sources, d.primary.span, base, None, None)],
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| location(sources, l.span, base, Some(i), Some(&l.message)))
            .collect(),
        fixes: d.fixes.iter().map(|f| fix(sources, f, base)).collect(),
    }
}

fn fix(sources: &SourceMap, f: &Fix, base: &str) -> SarifFix {
    let mut changes: Vec<ArtifactChange> = Vec::new();
    for e in &f.edits {
        let uri = uri_path(&display_path(sources, e.span, base));
        let r = region(sources, e.span);
        let replacement = Replacement {
            deleted_region: Region {
                start_line: r.line,
                start_column: r.column,
                end_line: r.end_line,
                end_column: r.end_column,
            },
            inserted_content: Text {
                text: e.text.clone(),
            },
        };
        match changes.iter_mut().find(|c| c.artifact_location.uri == uri) {
            Some(c) => c.replacements.push(replacement),
            None => changes.push(ArtifactChange {
                artifact_location: ArtifactLocation { uri },
                replacements: vec![replacement],
            }),
        }
    }
    SarifFix {
        description: Text {
            text: f.message.clone(),
        },
        artifact_changes: changes,
        properties: FixProperties { safe: f.is_safe() },
    }
}

/// A path as a relative URI reference: bytes outside the unreserved set (and `/`,
/// `:`) are percent-encoded.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(
    sources: &SourceMap,
    span: Span,
    base: &str,
    id: Option<usize>,
    message: Option<&str>,
) -> Location {
    let r = region(sources, span);
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri_path(&display_path(sources, span, base)),
            },
            region: Region {
                start_line: r.line,
                start_column: r.column,
                end_line: r.end_line,
                end_column: r.end_column,
            },
        },
        message: message.map(|m| Text {
            text: m.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_encoded() {
        assert_eq!(super::uri_path("my fleet/a%.pmth"), "my%20fleet/a%25.pmth");
        assert_eq!(super::uri_path("stdlib:x.pmth"), "stdlib:x.pmth");
    }
}
