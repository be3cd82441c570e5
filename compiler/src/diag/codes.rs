//! The one table of diagnostic codes: severity, title and the long explanation
//! that `pmth explain`, the generated docs and the uniqueness test all read.

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

/// Every code, in order.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "PM0001",
        severity: Severity::Error,
        title: "syntax error",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0002",
        severity: Severity::Error,
        title: "invalid literal (duration, size, rate, version, requirement, escape, regex)",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0003",
        severity: Severity::Error,
        title: "unreadable file or not UTF-8; bad `pmth.toml`",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0101",
        severity: Severity::Error,
        title: "unknown reference",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0102",
        severity: Severity::Error,
        title: "reference to the wrong kind",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0103",
        severity: Severity::Error,
        title: "duplicate declaration id",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0104",
        severity: Severity::Error,
        title: "no version satisfies the requirement",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0105",
        severity: Severity::Error,
        title: "only retired versions satisfy the reference",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0106",
        severity: Severity::Warning,
        title: "reference to a deprecated declaration",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0107",
        severity: Severity::Error,
        title: "capability without its parent",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0108",
        severity: Severity::Error,
        title: "cycle (capability requires, persona extends, template extends)",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0201",
        severity: Severity::Error,
        title: "unknown attribute, trait or field",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0202",
        severity: Severity::Error,
        title: "missing required attribute",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0203",
        severity: Severity::Error,
        title: "type mismatch",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0204",
        severity: Severity::Error,
        title: "value out of range or constraint inconsistent",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0205",
        severity: Severity::Error,
        title: "attribute assigned twice",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0206",
        severity: Severity::Error,
        title: "value not in the enum",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0301",
        severity: Severity::Error,
        title: "agent claims a capability its model and tools do not provide",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0302",
        severity: Severity::Error,
        title: "literal where a secret reference is required",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0303",
        severity: Severity::Error,
        title: "insecure endpoint without `insecure = true`",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0304",
        severity: Severity::Warning,
        title: "incompatible personas in one workflow",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0401",
        severity: Severity::Error,
        title: "workflow step cycle",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0402",
        severity: Severity::Error,
        title: "unknown step",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0403",
        severity: Severity::Error,
        title: "no agent provides the step's selected capability",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0404",
        severity: Severity::Error,
        title: "expression error",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0405",
        severity: Severity::Error,
        title: "unreachable step, agent/select misuse, or bad `on_error` target",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0501",
        severity: Severity::Error,
        title: "default value does not satisfy its type's schema",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0601",
        severity: Severity::Error,
        title: "bad template instantiation",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0602",
        severity: Severity::Error,
        title: "unknown template parameter",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0701",
        severity: Severity::Error,
        title: "governance deny",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0702",
        severity: Severity::Warning,
        title: "governance warn",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0703",
        severity: Severity::Error,
        title: "policy does not compile or fails to evaluate",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0801",
        severity: Severity::Error,
        title: "`pmth.lock` out of date",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
    CodeInfo {
        code: "PM0901",
        severity: Severity::Error,
        title: "seal or signature verification failed",
        explanation: "TODO",
        example: "TODO",
        fix: "TODO",
    },
];

/// The table row of a code.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// The severity a code has unless promoted.
pub fn default_severity(code: &str) -> Severity {
    lookup(code).map_or(Severity::Error, |c| c.severity)
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
}
