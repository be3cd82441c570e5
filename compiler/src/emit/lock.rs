//! `pmth.lock` (BUNDLE.md §4): rendering the new lock, comparing it with the old
//! one, and the unified diff `--locked` shows.
//!
//! The lock is one fact per line, sorted within each section, duplicates
//! collapsed:
//!
//! ```text
//! # pmth.lock: written by `pmth build`; commit it, do not edit it
//! version 1
//! stdlib 0.1.0 sha256:…
//! policy policies/tools.rego sha256:…
//! decl tool.web_search@1.2.3 sha256:…
//! tool web_search@1.2.3 sha256:…
//! resolve agent.researcher@1.0.0 tools tool.web_search@^1.2 = web_search@1.2.3
//! ```
//!
//! Every line has a *key* (what it is about) and a *value* (what it says), so
//! the comparison reports "changed", "added" and "removed" per fact.

use crate::check::LockRef;
use std::borrow::Cow;
use std::collections::BTreeMap;

// Public Interface

/// The lock's first line.
pub const HEADER: &str = "# pmth.lock: written by `pmth build`; commit it, do not edit it";

/// The lock format version.
pub const VERSION: u32 = 1;

/// Everything the lock records.
#[derive(Clone, Debug, Default)]
pub struct LockFacts<'a> {
    pub stdlib_version: String,
    /// `sha256:…`
    pub stdlib_digest: String,
    /// `(path, sha256:…)` of each policy that gated the build.
    pub policies: Vec<(String, String)>,
    /// `(KIND.ID, sha256:…)` of each versioned declaration.
    pub decls: Vec<(String, String)>,
    /// `(ID, sha256:…)` of every tool's fingerprint ([`tool_fingerprint`]).
    pub tools: Vec<(String, String)>,
    /// Borrowed from [`crate::check::Checked::references`].
    pub resolves: Cow<'a, [LockRef]>,
}

/// The text of the lock.
pub fn render(facts: &LockFacts<'_>) -> String {
    let mut out = String::new();
    out.push_str(HEADER);
    out.push('\n');
    out.push_str(&format!("version {VERSION}\n"));
    out.push_str(&format!(
        "stdlib {} {}\n",
        facts.stdlib_version, facts.stdlib_digest
    ));
    let mut section = |lines: Vec<String>| {
        let mut lines = lines;
        lines.sort();
        lines.dedup();
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    };
    section(
        facts
            .policies
            .iter()
            .map(|(p, d)| format!("policy {p} {d}"))
            .collect(),
    );
    section(
        facts
            .decls
            .iter()
            .map(|(id, d)| format!("decl {id} {d}"))
            .collect(),
    );
    section(
        facts
            .tools
            .iter()
            .map(|(id, d)| format!("tool {id} {d}"))
            .collect(),
    );
    section(
        facts
            .resolves
            .iter()
            .map(|r| format!("resolve {} {} {} = {}", r.decl, r.path, r.written, r.target))
            .collect(),
    );
    out
}

/// How the new lock differs from the old one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockDiff {
    /// False when the texts are the same (line endings aside).
    pub changed: bool,
    /// One readable sentence per changed fact, sorted by fact.
    pub notes: Vec<String>,
    /// Versioned declarations whose digest changed under the same id:
    /// `(KIND.ID, old digest, new digest)`.
    pub changed_in_place: Vec<(String, String, String)>,
    /// Tools whose fingerprint changed: `(ID, old, new)`.
    pub tools_changed: Vec<(String, String, String)>,
}

/// The parts of a tool its fingerprint covers (BUNDLE.md §4): what a model is
/// shown and what it may send.
pub const FINGERPRINTED: &[&str] = &[
    "description",
    "title",
    "input_schema",
    "output_schema",
    "hints",
];

/// `sha256:` of the canonical JSON of a tool's [`FINGERPRINTED`] parts (those
/// it has), from its registry entry.
pub fn tool_fingerprint(tool: &serde_json::Value) -> String {
    let mut parts = serde_json::Map::new();
    for key in FINGERPRINTED {
        if let Some(v) = tool.get(*key) {
            parts.insert((*key).to_owned(), v.clone());
        }
    }
    let text = crate::check::canonical::canonical(&serde_json::Value::Object(parts));
    format!("sha256:{}", super::jcs::sha256_hex(text.as_bytes()))
}

/// Compares the old lock (`None` when there is none) with the new text.
pub fn compare(old: Option<&str>, new: &str) -> LockDiff {
    let Some(old) = old else {
        return LockDiff {
            changed: true,
            notes: vec![format!(
                "pmth.lock: created ({} entries)",
                facts_of(new).len()
            )],
            changed_in_place: Vec::new(),
            tools_changed: Vec::new(),
        };
    };
    let changed = normalize(old) != normalize(new);
    if !changed {
        // The same facts: nothing to say (the common case, worth skipping on
        // a lock of hundreds of thousands of lines).
        return LockDiff::default();
    }
    let before = facts_of(old);
    let after = facts_of(new);
    let mut notes = Vec::new();
    let mut changed_in_place = Vec::new();
    let mut tools_changed = Vec::new();
    for (key, new_value) in &after {
        match before.get(key) {
            Some(old_value) if old_value == new_value => {}
            Some(old_value) => {
                notes.push(changed_note(key, old_value, new_value));
                if let Some(id) = key.strip_prefix("decl ") {
                    changed_in_place.push((id.to_owned(), old_value.clone(), new_value.clone()));
                }
                if let Some(id) = key.strip_prefix("tool ") {
                    tools_changed.push((id.to_owned(), old_value.clone(), new_value.clone()));
                }
            }
            None => notes.push(format!("pmth.lock: added `{}`", line_of(key, new_value))),
        }
    }
    for (key, old_value) in &before {
        if !after.contains_key(key) {
            notes.push(format!("pmth.lock: removed `{}`", line_of(key, old_value)));
        }
    }
    if changed && notes.is_empty() {
        notes.push("pmth.lock: rewritten in canonical form".into());
    }
    LockDiff {
        changed,
        notes,
        changed_in_place,
        tools_changed,
    }
}

/// A unified diff of the old and new lock (`--- pmth.lock` / `+++ pmth.lock (build)`).
pub fn unified_diff(old: &str, new: &str) -> String {
    let old = normalize(old);
    let new = normalize(new);
    similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
        .unified_diff()
        .context_radius(1)
        .header("pmth.lock", "pmth.lock (this build)")
        .to_string()
}

/// `\r\n` → `\n`, so a lock checked out with CRLF endings is not "changed".
fn normalize(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// key → value of every fact line (comments and blank lines skipped). A line
/// that is not a known fact is its own key with an empty value.
fn facts_of(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = split(line);
        out.insert(key, value);
    }
    out
}

fn split(line: &str) -> (String, String) {
    let word = line.split(' ').next().unwrap_or("");
    match word {
        // `resolve DECL PATH WRITTEN = TARGET`: a requirement as written may hold
        // spaces (`@">=1.2, <2"`), a resolved id never does.
        "resolve" => match line.rsplit_once(" = ") {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (line.to_owned(), String::new()),
        },
        // `decl ID DIGEST`, `tool ID DIGEST`, `policy PATH DIGEST`.
        "decl" | "tool" | "policy" => match line.rsplit_once(' ') {
            Some((k, v)) if k.contains(' ') => (k.to_owned(), v.to_owned()),
            _ => (line.to_owned(), String::new()),
        },
        // `stdlib VERSION DIGEST`, `version N`.
        "stdlib" | "version" => match line.split_once(' ') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (line.to_owned(), String::new()),
        },
        _ => (line.to_owned(), String::new()),
    }
}

fn line_of(key: &str, value: &str) -> String {
    if value.is_empty() {
        key.to_owned()
    } else if key.starts_with("resolve ") {
        format!("{key} = {value}")
    } else {
        format!("{key} {value}")
    }
}

fn changed_note(key: &str, old: &str, new: &str) -> String {
    if let Some(rest) = key.strip_prefix("resolve ") {
        format!("pmth.lock: `{rest}` now resolves to {new} (was {old})")
    } else if let Some(id) = key.strip_prefix("decl ") {
        format!(
            "pmth.lock: `{id}` changed without a version bump ({} → {})",
            short(old),
            short(new)
        )
    } else if let Some(id) = key.strip_prefix("tool ") {
        format!(
            "{} ({} → {})",
            tool_changed_note(id),
            short(old),
            short(new)
        )
    } else if let Some(path) = key.strip_prefix("policy ") {
        format!(
            "pmth.lock: policy `{path}` changed ({} → {})",
            short(old),
            short(new)
        )
    } else {
        format!("pmth.lock: `{key}` changed from `{old}` to `{new}`")
    }
}

/// The start of the note on a changed tool fingerprint; the build adds what
/// changed when it can tell.
pub fn tool_changed_note(id: &str) -> String {
    format!("pmth.lock: tool `{id}` changed: its description, title, schemas or hints")
}

/// `sha256:0123456789ab` (enough to tell two digests apart in a note).
fn short(digest: &str) -> &str {
    digest.get(..19).unwrap_or(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lref(decl: &str, path: &str, written: &str, target: &str) -> LockRef {
        LockRef {
            decl: decl.into(),
            path: path.into(),
            written: written.into(),
            target: target.into(),
        }
    }

    fn facts() -> LockFacts<'static> {
        LockFacts {
            stdlib_version: "0.1.0".into(),
            stdlib_digest: "sha256:aa".into(),
            policies: vec![
                ("stdlib:policies/agents.rego".into(), "sha256:cc".into()),
                ("policies/tools.rego".into(), "sha256:bb".into()),
            ],
            decls: vec![("tool.web_search@1.2.3".into(), "sha256:dd".into())],
            tools: vec![("web_search@1.2.3".into(), "sha256:ff".into())],
            resolves: vec![
                lref(
                    "agent.researcher@1.0.0",
                    "tools",
                    "tool.web_search@^1.2",
                    "web_search@1.2.3",
                ),
                lref(
                    "agent.researcher@1.0.0",
                    "model",
                    "model.gpt4o",
                    "gpt4o@2024.8.6",
                ),
                lref(
                    "agent.researcher@1.0.0",
                    "model",
                    "model.gpt4o",
                    "gpt4o@2024.8.6",
                ),
            ]
            .into(),
        }
    }

    #[test]
    fn renders_the_documented_shape() {
        let text = render(&facts());
        assert_eq!(
            text,
            "# pmth.lock: written by `pmth build`; commit it, do not edit it
version 1
stdlib 0.1.0 sha256:aa
policy policies/tools.rego sha256:bb
policy stdlib:policies/agents.rego sha256:cc
decl tool.web_search@1.2.3 sha256:dd
tool web_search@1.2.3 sha256:ff
resolve agent.researcher@1.0.0 model model.gpt4o = gpt4o@2024.8.6
resolve agent.researcher@1.0.0 tools tool.web_search@^1.2 = web_search@1.2.3
"
        );
    }

    #[test]
    fn the_same_facts_are_unchanged() {
        let text = render(&facts());
        let d = compare(Some(&text.replace('\n', "\r\n")), &text);
        assert_eq!(d, LockDiff::default());
    }

    #[test]
    fn a_first_lock_is_one_note() {
        let d = compare(None, &render(&facts()));
        assert!(d.changed);
        assert_eq!(d.notes, vec!["pmth.lock: created (8 entries)".to_owned()]);
    }

    #[test]
    fn changes_are_reported_per_fact() {
        let old = render(&facts());
        let mut f = facts();
        f.resolves.to_mut()[1].target = "web_search@1.3.0".into();
        f.decls[0].1 = "sha256:ee".into();
        f.policies.pop();
        f.resolves
            .to_mut()
            .push(lref("agent.x", "tools", "tool.y@\">=1.2, <2\"", "y@1.4.0"));
        let new = render(&f);
        let d = compare(Some(&old), &new);
        assert!(d.changed);
        assert_eq!(
            d.notes,
            vec![
                "pmth.lock: `tool.web_search@1.2.3` changed without a version bump (sha256:dd → sha256:ee)",
                "pmth.lock: `agent.researcher@1.0.0 model model.gpt4o` now resolves to web_search@1.3.0 (was gpt4o@2024.8.6)",
                "pmth.lock: added `resolve agent.x tools tool.y@\">=1.2, <2\" = y@1.4.0`",
                "pmth.lock: removed `policy policies/tools.rego sha256:bb`",
            ]
        );
        assert_eq!(
            d.changed_in_place,
            vec![(
                "tool.web_search@1.2.3".to_owned(),
                "sha256:dd".to_owned(),
                "sha256:ee".to_owned()
            )]
        );
        let diff = unified_diff(&old, &new);
        assert!(diff.starts_with("--- pmth.lock\n+++ pmth.lock (this build)\n"));
        assert!(diff.contains(
            "\n-decl tool.web_search@1.2.3 sha256:dd\n+decl tool.web_search@1.2.3 sha256:ee\n"
        ));
    }

    #[test]
    fn a_changed_tool_fingerprint_is_its_own_note() {
        let old = render(&facts());
        let mut f = facts();
        f.tools[0].1 = "sha256:99".into();
        let d = compare(Some(&old), &render(&f));
        assert_eq!(
            d.notes,
            vec!["pmth.lock: tool `web_search@1.2.3` changed: its description, title, schemas or hints (sha256:ff → sha256:99)"]
        );
        assert_eq!(
            d.tools_changed,
            vec![(
                "web_search@1.2.3".to_owned(),
                "sha256:ff".to_owned(),
                "sha256:99".to_owned()
            )]
        );
        assert!(d.changed_in_place.is_empty());
    }

    #[test]
    fn a_fingerprint_covers_what_a_model_sees_and_nothing_else() {
        let t = serde_json::json!({"description": "d", "input_schema": {"type": "object"}, "risk": "low",
                                   "source": {"file": "a", "line": 1}});
        let mut moved = t.clone();
        moved["source"]["line"] = 2.into();
        moved["risk"] = "high".into();
        assert_eq!(tool_fingerprint(&t), tool_fingerprint(&moved));
        for key in FINGERPRINTED {
            let mut changed = t.clone();
            changed[*key] = "x".into();
            assert_ne!(tool_fingerprint(&t), tool_fingerprint(&changed), "{key}");
        }
    }

    #[test]
    fn hand_edited_junk_is_compared_as_lines() {
        let new = render(&facts());
        let old = format!("{new}garbage line\n");
        let d = compare(Some(&old), &new);
        assert!(d.changed);
        assert_eq!(
            d.notes,
            vec!["pmth.lock: removed `garbage line`".to_owned()]
        );
    }
}
