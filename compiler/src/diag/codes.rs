//! The one table of diagnostic codes: severity, title and the long explanation
//! that `pmth explain`, the generated docs and the uniqueness test all read.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::Severity;

/// One diagnostic code and everything said about it.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    /// One line, as in LANGUAGE.md §11.
    pub title: &'static str,
    /// What it means and why it matters (Markdown, several paragraphs).
    pub explanation: &'static str,
    /// A short `.pmth` (or `pmth.toml`/Rego) example that triggers it.
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

mod table;

/// Every code, in order.
pub const CODES: &[CodeInfo] = table::CODES;

/// The table row of a code.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// The severity a code has unless promoted.
pub fn default_severity(code: &str) -> Severity {
    lookup(code).map_or(Severity::Error, |c| c.severity)
}

/// What `pmth explain CODE` prints.
pub fn explain_text(c: &CodeInfo) -> String {
    let example: String = c
        .example
        .trim_matches('\n')
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("    {l}\n")
            }
        })
        .collect();
    format!(
        "{} ({}): {}\n\n{}\n\nExample:\n\n{}\nHow to fix it:\n\n{}\n",
        c.code,
        c.severity.as_str(),
        c.title,
        c.explanation.trim(),
        example,
        c.fix.trim()
    )
}

/// `docs/diagnostics.md`, generated from the table (a test keeps the file fresh;
/// `UPDATE_DOCS=1 cargo test` rewrites it).
pub fn docs_markdown() -> String {
    let mut out = String::from(
        "# Diagnostics\n\n\
         <!-- Generated from compiler/src/diag/codes/table.rs; do not edit by hand.\n     \
         Regenerate with `UPDATE_DOCS=1 cargo test --test docs`. -->\n\n\
         Every problem `pmth` reports has a stable code. `pmth explain CODE` prints the\n\
         same text as this page. Warnings become errors (keeping their code) with\n\
         `--deny-warnings`, and PM0702 also with `[governance] deny_warnings = true`.\n\n\
         | code | severity | meaning |\n|---|---|---|\n",
    );
    for c in CODES {
        let anchor = c.code.to_ascii_lowercase();
        out.push_str(&format!(
            "| [{}](#{anchor}) | {} | {} |\n",
            c.code,
            c.severity.as_str(),
            c.title.replace('|', "\\|")
        ));
    }
    for c in CODES {
        out.push_str(&format!(
            "\n## {}\n\n**{}** ({})\n\n{}\n\n### Example\n\n```{}\n{}\n```\n\n### How to fix it\n\n{}\n",
            c.code,
            c.title,
            c.severity.as_str(),
            c.explanation.trim(),
            example_language(c.example),
            c.example.trim_matches('\n'),
            c.fix.trim()
        ));
    }
    out
}

/// The fence language of an example, from its first line (`# pmth.toml`,
/// `# policies/….rego` or `.pmth` source).
fn example_language(example: &str) -> &'static str {
    let first = example.trim_start().lines().next().unwrap_or("");
    if first.contains(".toml") {
        "toml"
    } else if first.contains(".rego") {
        "rego"
    } else if first.starts_with('$') {
        "console"
    } else {
        "pmth"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_ordered() {
        let mut seen = HashSet::new();
        for c in CODES {
            assert!(seen.insert(c.code), "{} appears twice", c.code);
        }
        let mut sorted: Vec<_> = CODES.iter().map(|c| c.code).collect();
        sorted.sort_unstable();
        assert_eq!(sorted, CODES.iter().map(|c| c.code).collect::<Vec<_>>());
    }

    #[test]
    fn every_code_is_explained() {
        for c in CODES {
            for (what, text) in [
                ("title", c.title),
                ("explanation", c.explanation),
                ("example", c.example),
                ("fix", c.fix),
            ] {
                let t = text.trim();
                assert!(
                    !t.is_empty() && !t.contains("TODO"),
                    "{} has no {what}",
                    c.code
                );
            }
            assert!(
                c.explanation.len() > 120,
                "{}: explain what it means and why",
                c.code
            );
        }
    }

    #[test]
    fn every_spec_code_is_in_the_table() {
        // LANGUAGE.md §11.
        let spec = [
            "PM0001", "PM0002", "PM0003", "PM0101", "PM0102", "PM0103", "PM0104", "PM0105",
            "PM0106", "PM0107", "PM0108", "PM0110", "PM0201", "PM0202", "PM0203", "PM0204",
            "PM0205", "PM0206", "PM0301", "PM0302", "PM0303", "PM0304", "PM0401", "PM0402",
            "PM0403", "PM0404", "PM0405", "PM0501", "PM0601", "PM0602", "PM0701", "PM0702",
            "PM0703", "PM0704", "PM0801", "PM0802", "PM0901",
        ];
        let table: Vec<&str> = CODES.iter().map(|c| c.code).collect();
        assert_eq!(table, spec);
        let warnings: Vec<&str> = CODES
            .iter()
            .filter(|c| c.severity == Severity::Warning)
            .map(|c| c.code)
            .collect();
        assert_eq!(
            warnings,
            ["PM0106", "PM0110", "PM0304", "PM0702", "PM0704", "PM0802"]
        );
    }

    #[test]
    fn explain_text_has_every_part() {
        let c = lookup("pm0101").expect("PM0101");
        let t = explain_text(c);
        assert!(t.starts_with("PM0101 (error): "));
        assert!(t.contains("Example:") && t.contains("How to fix it:"));
    }
}
