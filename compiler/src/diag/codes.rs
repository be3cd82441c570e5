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
        explanation: r#"A governance policy's `deny` rule produced this entry. Policies are Rego v1 files (the workspace's `[governance] policies` and the stdlib's) evaluated against the compiled registry (`data.pmth.registry`) and `[governance.data]` (`data.pmth.config`). Each `deny` entry is an error; the message ends with the policy's package. It sits on the declaration the entry's `ref` names, on the attribute its `attr` names, or on `[governance]` of pmth.toml when there is no `ref`. The build does not produce a bundle while a deny stands."#,
        example: r#"package pmth.acme
import rego.v1
deny contains {"msg": sprintf("agent %s has no owner", [id]), "ref": sprintf("agent.%s", [id])} if {
  some id, agent in data.pmth.registry.agents
  not agent.labels.owner
}"#,
        fix: "Change the declaration so the policy holds (the message says what it wants); if the policy is wrong, change it, or switch a stdlib policy off with `disable = [\"pmth.std.NAME\"]` under `[governance]`.",
    },
    CodeInfo {
        code: "PM0702",
        severity: Severity::Warning,
        title: "governance warn",
        explanation: r#"A governance policy's `warn` rule produced this entry: the same as PM0701, but a warning. Warnings are recorded in the bundle (`governance.warnings`). `deny_warnings = true` under `[governance]` (or `--deny-warnings`) makes them errors; the code stays PM0702."#,
        example: r#"package pmth.acme
import rego.v1
warn contains {"msg": "medium risk", "ref": sprintf("tool.%s", [id]), "attr": "risk"} if {
  some id, tool in data.pmth.registry.tools
  tool.risk == "medium"
}"#,
        fix: "Address what the message asks for, or accept the warning; stdlib policies can be switched off with `disable` under `[governance]`.",
    },
    CodeInfo {
        code: "PM0703",
        severity: Severity::Error,
        title: "policy does not compile or fails to evaluate",
        explanation: r#"A policy could not be used: it does not parse as Rego v1 (reported at the line the Rego parser names), its package is not under `pmth.` (or is `pmth.registry`, `pmth.config`, or the stdlib's `pmth.std`), regorus could not prepare it, or a rule failed while evaluating (reported on the `package` line, with the failing spot as a related label; an evaluation that runs longer than the time limit fails too). The other policies still run; the build fails because governance is incomplete."#,
        example: r#"package pmth.bad
import rego.v1
deny contains msg if {
  msg := sprintf("agent %s", [id]   # missing `)`
}"#,
        fix: "Fix the policy; `pmth policy test` runs its `test_*` rules without building.",
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
