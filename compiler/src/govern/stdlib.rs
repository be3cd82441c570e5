//! The stdlib's default policies as governance knows them: their texts (so that
//! `pmth policy test` runs them even when the workspace switched them off) and
//! their package names (to check `[governance] disable`).
//!
//! The loader embeds the same files (`stdlib/policies/*.rego`) into the source map;
//! a test below keeps this table and the folder in step.

/// Display-path prefix of every stdlib file.
pub const PREFIX: &str = "stdlib:";

/// The namespace reserved for stdlib packages.
pub const NAMESPACE: &str = "pmth.std";

/// `(display path, text)` of every stdlib policy, sorted by path.
pub const POLICIES: &[(&str, &str)] = &[
    (
        "stdlib:policies/approval.rego",
        include_str!("../../../stdlib/policies/approval.rego"),
    ),
    (
        "stdlib:policies/audit.rego",
        include_str!("../../../stdlib/policies/audit.rego"),
    ),
    (
        "stdlib:policies/budget.rego",
        include_str!("../../../stdlib/policies/budget.rego"),
    ),
    (
        "stdlib:policies/content_filter.rego",
        include_str!("../../../stdlib/policies/content_filter.rego"),
    ),
    (
        "stdlib:policies/endpoints.rego",
        include_str!("../../../stdlib/policies/endpoints.rego"),
    ),
    (
        "stdlib:policies/lifecycle.rego",
        include_str!("../../../stdlib/policies/lifecycle.rego"),
    ),
    (
        "stdlib:policies/permissions.rego",
        include_str!("../../../stdlib/policies/permissions.rego"),
    ),
    (
        "stdlib:policies/providers.rego",
        include_str!("../../../stdlib/policies/providers.rego"),
    ),
    (
        "stdlib:policies/step_approval.rego",
        include_str!("../../../stdlib/policies/step_approval.rego"),
    ),
];

/// The package a policy text declares, read from its first `package` line. Good
/// enough for the stdlib's own files (a test checks it against regorus' parse);
/// user policies are always read through regorus.
pub fn package_of(text: &str) -> Option<&str> {
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("package")?;
        let name = rest.split('#').next().unwrap_or("").trim();
        (rest.starts_with(char::is_whitespace) && !name.is_empty()).then_some(name)
    })
}

/// What a stdlib policy says about itself in its `# METADATA` comment (OPA's
/// annotation format: YAML in comments before the `package` clause): `title`,
/// `description`, and under `custom:` its `severity`, `rationale`, what `fires`
/// it and how to `comply`. `docs/governance.md` and the help of its findings
/// are written from these.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub title: String,
    pub description: String,
    pub severity: String,
    pub rationale: String,
    pub fires: String,
    pub comply: String,
}

/// Reads the `# METADATA` block of a policy text: `key: value` lines, nested
/// `custom:` keys, and folded (`>-`) values continued on deeper-indented lines.
/// Unknown keys are ignored; `None` when there is no block.
pub fn metadata(text: &str) -> Option<Metadata> {
    let mut lines = text.lines().map(str::trim_end);
    lines.find(|l| l.trim() == "# METADATA")?;
    let mut m = Metadata::default();
    let mut current: Option<&mut String> = None;
    for line in lines {
        let Some(body) = line.strip_prefix('#') else {
            break;
        };
        let body = body.strip_prefix(' ').unwrap_or(body);
        let indent = body.len() - body.trim_start().len();
        let content = body.trim();
        let key_value = content.split_once(':').filter(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        match key_value {
            Some((key, value)) if indent <= 2 => {
                let value = value.trim();
                current = match key {
                    "title" => Some(&mut m.title),
                    "description" => Some(&mut m.description),
                    "severity" => Some(&mut m.severity),
                    "rationale" => Some(&mut m.rationale),
                    "fires" => Some(&mut m.fires),
                    "comply" => Some(&mut m.comply),
                    _ => None,
                };
                if let Some(slot) = current.as_deref_mut() {
                    if value != ">-" && value != ">" {
                        slot.push_str(value);
                    }
                }
            }
            _ => {
                if let Some(slot) = current.as_deref_mut() {
                    if !slot.is_empty() {
                        slot.push(' ');
                    }
                    slot.push_str(content);
                }
            }
        }
    }
    Some(m)
}

/// The metadata of the stdlib package `package`.
pub fn metadata_of(package: &str) -> Option<Metadata> {
    POLICIES
        .iter()
        .find(|(_, t)| package_of(t) == Some(package))
        .and_then(|(_, t)| metadata(t))
}

/// Where the generated part of `docs/governance.md` starts and ends.
pub const DOCS_BEGIN: &str = "<!-- stdlib policies: generated from the METADATA comments of stdlib/policies/*.rego by `UPDATE_DOCS=1 cargo test --test docs`; do not edit by hand. -->";
pub const DOCS_END: &str = "<!-- end of the generated stdlib policies -->";

/// The stdlib section of `docs/governance.md` (between [`DOCS_BEGIN`] and
/// [`DOCS_END`], both included): a summary table and, per package, its rationale,
/// what fires it and how to comply, all from its METADATA.
pub fn docs_markdown() -> String {
    let mut rows: Vec<(&str, Metadata)> = POLICIES
        .iter()
        .filter_map(|(_, t)| Some((package_of(t)?, metadata(t).unwrap_or_default())))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = format!("{DOCS_BEGIN}\n\n");
    out.push_str(&format!(
        "The stdlib ships {} policy packages, all on by default (`[governance] stdlib = \
         true`). Each fires only on a real risk, its message says first what to change, \
         and its help says how to comply before how to switch it off.\n\n",
        rows.len()
    ));
    out.push_str("| package | rule | what it checks |\n|---|---|---|\n");
    for (pkg, m) in &rows {
        out.push_str(&format!(
            "| [`{pkg}`](#{}) | `{}` | {} |\n",
            pkg.replace('.', ""),
            m.severity,
            m.title
        ));
    }
    for (pkg, m) in &rows {
        let short = pkg.strip_prefix("pmth.std.").unwrap_or(pkg);
        let code = if m.severity == "deny" {
            "PM0701, an error"
        } else {
            "PM0702, a warning"
        };
        out.push_str(&format!(
            "\n### {pkg}\n\n**{}** (`{}`: {code}). {}\n\n\
             - **Why:** {}\n\
             - **Fires on:** {}\n\
             - **To comply:** {}\n\
             - **To switch it off:** `[governance] disable = [\"{short}\"]` in `pmth.toml`.\n",
            m.title, m.severity, m.description, m.rationale, m.fires, m.comply
        ));
    }
    out.push('\n');
    out.push_str(DOCS_END);
    out
}

/// Every stdlib package name, sorted.
pub fn packages() -> Vec<&'static str> {
    let mut out: Vec<&str> = POLICIES.iter().filter_map(|(_, t)| package_of(t)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether the `disable` entry `name` switches off the stdlib package `package`.
/// Both the full name (`pmth.std.audit`) and the short one (`audit`) are accepted.
pub fn disables(name: &str, package: &str) -> bool {
    name == package
        || package
            .strip_prefix(NAMESPACE)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|short| short == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_the_stdlib_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../stdlib/policies");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("stdlib/policies exists")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rego"))
            .map(|n| format!("{PREFIX}policies/{n}"))
            .collect();
        on_disk.sort();
        let table: Vec<String> = POLICIES.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(table, on_disk);
    }

    #[test]
    fn every_stdlib_package_is_under_the_namespace() {
        let pkgs = packages();
        assert_eq!(pkgs.len(), POLICIES.len(), "one package per file");
        for p in pkgs {
            assert!(p.starts_with("pmth.std."), "{p}");
        }
    }

    #[test]
    fn disable_accepts_full_and_short_names() {
        assert!(disables("pmth.std.audit", "pmth.std.audit"));
        assert!(disables("audit", "pmth.std.audit"));
        assert!(!disables("aud", "pmth.std.audit"));
        assert!(!disables("std.audit", "pmth.std.audit"));
    }

    #[test]
    fn every_stdlib_policy_documents_itself() {
        for (path, text) in POLICIES {
            let m = metadata(text).unwrap_or_else(|| panic!("{path} has no METADATA"));
            for (what, v) in [
                ("title", &m.title),
                ("description", &m.description),
                ("rationale", &m.rationale),
                ("fires", &m.fires),
                ("comply", &m.comply),
            ] {
                assert!(!v.is_empty(), "{path}: no {what}");
            }
            assert!(["deny", "warn"].contains(&m.severity.as_str()), "{path}");
        }
    }

    #[test]
    fn metadata_folds_continued_lines() {
        let t = "# METADATA\n# title: T\n# custom:\n#   comply: >-\n#     a\n#     b\n#   fires: f\npackage pmth.std.x\n# title: no\n";
        let m = metadata(t).expect("block");
        assert_eq!(m.title, "T");
        assert_eq!(m.comply, "a b");
        assert_eq!(m.fires, "f");
        assert_eq!(metadata("package x"), None);
    }

    #[test]
    fn package_of_reads_the_package_line() {
        assert_eq!(
            package_of("# x\npackage pmth.std.a # c\n"),
            Some("pmth.std.a")
        );
        assert_eq!(package_of("packages x"), None);
    }
}
