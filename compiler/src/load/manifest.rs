//! Reads `pmth.toml` into a typed [`Manifest`], reporting every problem (PM0003)
//! on the offending key's line.
//!
//! The document is parsed with `toml`'s spanned tree ([`DeTable`]) rather than a
//! plain `Deserialize`, so that *all* problems are found in one pass (not only the
//! first) and each is placed on its own key.

use super::{GovernanceConfig, Manifest};
use crate::diag::{suggest, Diagnostic};
use crate::source::{FileId, SourceFile, Span};
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

// Public Interface

/// What reading `pmth.toml` produced.
#[derive(Debug, Default)]
pub(crate) struct ManifestOutcome {
    /// `None` when the document is not TOML or `[package]` is unusable.
    pub manifest: Option<Manifest>,
    /// Always present: what was read, else the defaults. Load decides from it
    /// which policies to read, even when the manifest has other problems.
    pub governance: GovernanceConfig,
    /// `[governance] policies` entries with the span of each.
    pub policy_entries: Vec<(String, Span)>,
    pub diags: Vec<Diagnostic>,
}

/// Reads the manifest held in `file`.
pub(crate) fn read_manifest(file: &SourceFile) -> ManifestOutcome {
    let mut r = Reader {
        file: file.id,
        text: &file.text,
        out: ManifestOutcome::default(),
    };
    let (doc, errors) = DeTable::parse_recoverable(&file.text);
    if !errors.is_empty() {
        // The parser recovers and may report follow-on errors on the same line;
        // keep the first of each line (one error, once).
        let mut lines = std::collections::BTreeSet::new();
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let line = file
                .lines
                .line_of(u32::try_from(span.start).unwrap_or(u32::MAX));
            if lines.insert(line) {
                r.error(
                    span,
                    format!("`pmth.toml` is not valid TOML: {}", e.message()),
                );
            }
        }
        return r.out;
    }
    r.document(doc.get_ref());
    r.out
}

// Implementation

const TOP_KEYS: &[&str] = &["package", "governance"];
const PACKAGE_KEYS: &[&str] = &["name", "version", "organization", "homepage"];
const GOVERNANCE_KEYS: &[&str] = &["policies", "stdlib", "disable", "deny_warnings", "data"];

struct Reader<'a> {
    file: FileId,
    text: &'a str,
    out: ManifestOutcome,
}

type Entry<'a, 'i> = (
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
);

impl Reader<'_> {
    fn span(&self, r: Range<usize>) -> Span {
        Span::new(self.file, r.start, r.end)
    }

    fn error(&mut self, r: Range<usize>, message: impl Into<String>) {
        self.report(r, message, None);
    }

    fn report(&mut self, r: Range<usize>, message: impl Into<String>, help: Option<&str>) {
        let span = self.span(r);
        let mut d = Diagnostic::new("PM0003", span, message);
        d.help = help.map(str::to_owned);
        self.out.diags.push(d);
    }

    /// Reports the keys of `table` that are not in `known`.
    fn unknown_keys(&mut self, table: &DeTable<'_>, known: &[&str], at: &str) {
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let hint = suggest(name, known.iter().copied());
            let msg = format!("unknown key `{name}` in {at}");
            let help = match hint {
                Some(h) => format!("did you mean `{h}`?"),
                None => format!("the keys of {at} are: {}", known.join(", ")),
            };
            self.report(key.span(), msg, Some(&help));
            if let Some(d) = self.out.diags.last_mut() {
                d.primary.message = "unknown key".into();
            }
        }
    }

    fn document(&mut self, doc: &DeTable<'_>) {
        self.unknown_keys(doc, TOP_KEYS, "pmth.toml");
        let package = doc.get_key_value("package");
        self.out.manifest = self.package(package);
        if let Some(entry) = doc.get_key_value("governance") {
            self.governance(entry);
        }
        if let Some(m) = &mut self.out.manifest {
            m.governance = self.out.governance.clone();
        }
    }

    fn package(&mut self, entry: Option<Entry<'_, '_>>) -> Option<Manifest> {
        let Some((key, value)) = entry else {
            self.report(
                0..0,
                "`pmth.toml` has no `[package]` table",
                Some("add `[package]` with `name = \"…\"` and `version = \"0.1.0\"`"),
            );
            return None;
        };
        let Some(table) = value.get_ref().as_table() else {
            self.report(
                value.span(),
                "`package` must be a table",
                Some("write it as a `[package]` table"),
            );
            return None;
        };
        self.unknown_keys(table, PACKAGE_KEYS, "[package]");
        let header = self.header_range(key.span());
        let name = match table.get_key_value("name") {
            None => {
                self.report(
                    header.clone(),
                    "`[package]` has no `name`",
                    Some("add `name = \"my-fleet\"` (lowercase letters, digits, `-`, `_`)"),
                );
                None
            }
            Some((_, v)) => self.package_name(v),
        };
        let version = match table.get_key_value("version") {
            None => {
                self.report(
                    header,
                    "`[package]` has no `version`",
                    Some("add `version = \"0.1.0\"` (a semver version)"),
                );
                None
            }
            Some((_, v)) => self.package_version(v),
        };
        let organization = table
            .get_key_value("organization")
            .and_then(|(_, v)| self.string(v, "organization"));
        let homepage = table
            .get_key_value("homepage")
            .and_then(|(_, v)| self.homepage(v));
        Some(Manifest {
            name: name?,
            version: version?,
            organization,
            homepage,
            governance: GovernanceConfig::default(),
        })
    }

    fn package_name(&mut self, v: &Spanned<DeValue<'_>>) -> Option<String> {
        let Some(s) = v.get_ref().as_str() else {
            let ty = v.get_ref().type_str();
            self.error(v.span(), format!("`name` must be a string, not {ty}"));
            return None;
        };
        let ok = !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !ok {
            self.report(
                v.span(),
                format!("package name `{s}` is not `[a-z0-9_-]+`"),
                Some(&format!("try `{}`", sanitize_name(s))),
            );
            return None;
        }
        Some(s.to_owned())
    }

    fn string(&mut self, v: &Spanned<DeValue<'_>>, key: &str) -> Option<String> {
        let Some(s) = v.get_ref().as_str() else {
            let ty = v.get_ref().type_str();
            self.report(
                v.span(),
                format!("`{key}` must be a string, not {ty}"),
                Some(&format!("write `{key} = \"…\"`")),
            );
            return None;
        };
        Some(s.to_owned())
    }

    /// `homepage`: an absolute `https://` URL.
    fn homepage(&mut self, v: &Spanned<DeValue<'_>>) -> Option<String> {
        let s = self.string(v, "homepage")?;
        let https = s
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"));
        if https && crate::check::is_url(&s) {
            return Some(s);
        }
        self.report(
            v.span(),
            format!("`homepage` must be an `https://` URL, not `{s}`"),
            Some("write `homepage = \"https://example.com/agents\"`"),
        );
        None
    }

    fn package_version(&mut self, v: &Spanned<DeValue<'_>>) -> Option<semver::Version> {
        let Some(s) = v.get_ref().as_str() else {
            let ty = v.get_ref().type_str();
            self.error(v.span(), format!("`version` must be a string, not {ty}"));
            return None;
        };
        match semver::Version::parse(s) {
            Ok(ver) => Some(ver),
            Err(e) => {
                self.report(
                    v.span(),
                    format!("package version `{s}` is not semver: {e}"),
                    Some("write a full version such as \"1.2.0\""),
                );
                None
            }
        }
    }

    fn governance(&mut self, (key, value): Entry<'_, '_>) {
        let header = self.header_range(key.span());
        self.out.governance.span = Some(self.span(header));
        let Some(table) = value.get_ref().as_table() else {
            self.error(value.span(), "`governance` must be a table");
            return;
        };
        self.unknown_keys(table, GOVERNANCE_KEYS, "[governance]");
        for (k, v) in table.iter() {
            match k.get_ref().as_ref() {
                "policies" => {
                    let items = self.strings(v, "policies");
                    self.out.governance.policies = items.iter().map(|(s, _)| s.clone()).collect();
                    self.out.policy_entries = items;
                }
                "disable" => {
                    let items = self.strings(v, "disable");
                    self.out.governance.disable = items.into_iter().map(|(s, _)| s).collect();
                }
                "stdlib" => {
                    if let Some(b) = self.boolean(v, "stdlib") {
                        self.out.governance.stdlib = b;
                    }
                }
                "deny_warnings" => {
                    if let Some(b) = self.boolean(v, "deny_warnings") {
                        self.out.governance.deny_warnings = b;
                    }
                }
                "data" => match v.get_ref().as_table() {
                    Some(t) => self.out.governance.data = table_to_json(t),
                    None => {
                        let ty = v.get_ref().type_str();
                        self.report(
                            v.span(),
                            format!("`data` must be a table, not {ty}"),
                            Some("write it as a `[governance.data]` table"),
                        );
                    }
                },
                _ => {}
            }
        }
    }

    fn boolean(&mut self, v: &Spanned<DeValue<'_>>, key: &str) -> Option<bool> {
        let b = v.get_ref().as_bool();
        if b.is_none() {
            let ty = v.get_ref().type_str();
            self.report(
                v.span(),
                format!("`{key}` must be a boolean, not {ty}"),
                Some(&format!("write `{key} = true` or `{key} = false`")),
            );
        }
        b
    }

    fn strings(&mut self, v: &Spanned<DeValue<'_>>, key: &str) -> Vec<(String, Span)> {
        let Some(arr) = v.get_ref().as_array() else {
            let ty = v.get_ref().type_str();
            self.report(
                v.span(),
                format!("`{key}` must be a list of strings, not {ty}"),
                Some(&format!("write `{key} = [\"…\"]`")),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in arr.iter() {
            match item.get_ref().as_str() {
                Some(s) => out.push((s.to_owned(), self.span(item.span()))),
                None => {
                    let ty = item.get_ref().type_str();
                    self.error(
                        item.span(),
                        format!("`{key}` entries must be strings, not {ty}"),
                    );
                }
            }
        }
        out
    }

    /// The trimmed line holding a table's key: `[package]` for a header, so that a
    /// missing key is reported on its table's line.
    fn header_range(&self, key: Range<usize>) -> Range<usize> {
        let text = self.text;
        let start = text
            .get(..key.start)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        let end = text
            .get(key.start..)
            .and_then(|s| s.find('\n'))
            .map_or(text.len(), |i| key.start + i);
        let line = text.get(start..end).unwrap_or("");
        let lead = line.len() - line.trim_start().len();
        let header = line.trim();
        // Keep only `[table]` when the header line has a comment after it.
        let len = match header.find(']') {
            Some(i) if header.starts_with('[') => {
                let double = header.get(i + 1..).is_some_and(|r| r.starts_with(']'));
                i + 1 + usize::from(double)
            }
            _ => header.len(),
        };
        start + lead..start + lead + len
    }
}

/// A package name made valid: lowercase, other characters become `-`.
pub fn sanitize_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        out.push_str("my-fleet");
    }
    out
}

fn table_to_json(t: &DeTable<'_>) -> serde_json::Value {
    let map = t
        .iter()
        .map(|(k, v)| (k.get_ref().to_string(), value_to_json(v.get_ref())))
        .collect();
    serde_json::Value::Object(map)
}

fn value_to_json(v: &DeValue<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        DeValue::String(s) => J::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => J::from(n),
            Err(_) => J::String(i.to_string()),
        },
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| J::String(f.to_string()), J::Number),
        DeValue::Boolean(b) => J::Bool(*b),
        DeValue::Datetime(d) => J::String(d.to_string()),
        DeValue::Array(a) => J::Array(a.iter().map(|x| value_to_json(x.get_ref())).collect()),
        DeValue::Table(t) => table_to_json(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileKind, SourceMap};

    fn read(text: &str) -> (ManifestOutcome, Vec<(u32, String)>) {
        let mut map = SourceMap::new();
        let id = map.add("pmth.toml".into(), FileKind::Manifest, text.into(), false);
        let file = map.get(id).expect("just added");
        let out = read_manifest(file);
        let lines = out
            .diags
            .iter()
            .map(|d| (map.start(d.primary.span).line, d.message.clone()))
            .collect();
        (out, lines)
    }

    #[test]
    fn reads_a_full_manifest() {
        let (out, diags) = read(
            "[package]\nname = \"acme-agents\"\nversion = \"1.2.0\"\n\n[governance]\n\
             policies = [\"policies\"]\nstdlib = false\ndisable = [\"pmth.std.x\"]\n\
             deny_warnings = true\n\n[governance.data]\nallowed = [\"openai\"]\nn = 3\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let m = out.manifest.expect("manifest");
        assert_eq!(m.name, "acme-agents");
        assert_eq!(m.version.to_string(), "1.2.0");
        assert_eq!(m.governance.policies, vec!["policies"]);
        assert!(!m.governance.stdlib);
        assert!(m.governance.deny_warnings);
        assert_eq!(m.governance.data["allowed"][0], "openai");
        assert_eq!(m.governance.data["n"], 3);
        assert!(m.governance.span.is_some());
    }

    #[test]
    fn every_problem_is_reported_on_its_line() {
        let (out, diags) = read(
            "[package]\nname = \"Bad Name\"\nversion = \"1.2\"\ncolour = \"blue\"\n\
             [governance]\nstdlib = \"yes\"\nextra = 1\n[governance.data]\nanything = { goes = 1 }\n",
        );
        let lines: Vec<u32> = diags.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines.len(), 5, "{diags:?}");
        for l in [2, 3, 4, 6, 7] {
            assert!(lines.contains(&l), "line {l} missing in {diags:?}");
        }
        assert!(out.manifest.is_none());
    }

    #[test]
    fn missing_keys_go_on_the_header_line() {
        let (_, diags) = read("# comment\n[package] # the package\nname = \"x\"\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].0, 2);
    }

    #[test]
    fn syntax_errors_are_pm0003() {
        let (out, diags) = read("[package]\nname = \n");
        assert_eq!(diags.len(), 1);
        assert!(out.manifest.is_none());
        let (out, diags) = read("[package]\noops = = 1\n");
        assert_eq!(diags.len(), 1, "one error per line: {diags:?}");
        assert!(out.manifest.is_none());
        let (_, diags) = read("");
        assert_eq!(diags.len(), 1, "no [package] is reported");
    }

    #[test]
    fn names_are_sanitized() {
        assert_eq!(sanitize_name("My Fleet!"), "my-fleet");
        assert_eq!(sanitize_name("..."), "my-fleet");
    }
}
