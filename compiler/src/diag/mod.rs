//! Diagnostics as values: every stage returns them, only the edge renders them.
//!
//! A [`Diagnostic`] has a stable code (see [`codes`]), a severity, a message, one
//! primary label, related labels, an optional `help:` and notes.

pub mod codes;
pub mod fix;

pub use fix::{rename_fix, Applicability, Fix, TextEdit};

use crate::source::{SourceMap, Span};
use std::collections::HashMap;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with a message shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// A stable code such as `PM0101`; always one of [`codes::CODES`].
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// Set by [`Diagnostic::in_instance`]: the related label naming the template
    /// instance this diagnostic was found in, its primary span being in the
    /// template's text. [`Diagnostics::finish`] merges such diagnostics on (code,
    /// primary span) alone (LANGUAGE.md §9).
    pub instance: Option<Label>,
    /// Text edits that resolve it (CLI.md, "Fixes"), safe ones first.
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: codes::default_severity(code),
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            related: Vec::new(),
            help: None,
            notes: Vec::new(),
            instance: None,
            fixes: Vec::new(),
        }
    }

    /// Sets the text shown under the primary span.
    pub fn label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.related.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Names the template instance the diagnostic was found in (a related label),
    /// for a diagnostic whose primary span is in the template's text: the same
    /// (code, primary span) from several instances becomes one diagnostic listing
    /// every instance.
    pub fn in_instance(mut self, instance: Span, name: &str) -> Diagnostic {
        let label = Label {
            span: instance,
            message: format!("in instance `{name}`"),
        };
        self.related.push(label.clone());
        self.instance = Some(label);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Adds a fix (see [`fix`]).
    pub fn fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }

    /// Adds a fix when there is one.
    pub fn maybe_fix(self, fix: Option<Fix>) -> Diagnostic {
        match fix {
            Some(f) => self.fix(f),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Diagnostics collected by a stage.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Turns every warning into an error (the code stays).
    pub fn deny_warnings(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    /// Turns warnings with this code into errors (`deny_warnings` in `pmth.toml`
    /// promotes governance warnings only).
    pub fn promote_code(&mut self, code: &str) {
        for d in &mut self.items {
            if d.code == code {
                d.severity = Severity::Error;
            }
        }
    }

    /// Sorts by (file path, line, column, code), drops exact duplicates and merges
    /// diagnostics with the same (code, primary span): those with the same message
    /// by joining their related labels, and, whatever their messages, those found
    /// in template instances ([`Diagnostic::in_instance`]) with each other and
    /// with the template's own diagnostic there (LANGUAGE.md §9: "identical (code,
    /// location) pairs are merged with every instance listed"). An instance whose
    /// message differs from the kept one says so in its label.
    pub fn finish(&mut self, sources: &SourceMap) {
        let key = |d: &Diagnostic| {
            let lc = sources.start(d.primary.span);
            (
                sources.path(d.primary.span.file).to_owned(),
                lc.line,
                lc.column,
                d.code,
                d.primary.span.start,
                d.instance
                    .as_ref()
                    .map(|l| (sources.path(l.span.file).to_owned(), l.span.start)),
                d.message.clone(),
            )
        };
        let mut keyed: Vec<_> = std::mem::take(&mut self.items)
            .into_iter()
            .map(|d| (key(&d), d))
            .collect();
        // At one place, the template's own diagnostic (no instance) sorts first,
        // then the instances' in source order: the message kept is the template's
        // (instance-independent) or the first instance's, and the instances are
        // listed in source order.
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<Diagnostic> = Vec::with_capacity(keyed.len());
        let mut at: HashMap<(&'static str, Span), Vec<usize>> = HashMap::new();
        for (_, d) in keyed {
            let here = at.entry((d.code, d.primary.span)).or_default();
            let same = here.iter().copied().find(|&i| {
                out.get(i).is_some_and(|o| {
                    o.message == d.message || o.instance.is_some() || d.instance.is_some()
                })
            });
            match same.and_then(|i| out.get_mut(i)) {
                Some(kept) => absorb(kept, d),
                None => {
                    here.push(out.len());
                    out.push(d);
                }
            }
        }
        for d in &mut out {
            d.fixes.retain(|f| {
                f.edits
                    .iter()
                    .all(|e| sources.get(e.span.file).is_some_and(|s| !s.stdlib))
            });
            d.fixes.sort_by_key(|f| f.applicability);
        }
        self.items = out;
    }
}

/// Merges `d` into `kept` (same code and primary span): its related labels join
/// `kept`'s, its instance label carrying its message when that differs.
///
/// A fix is kept only when every merged diagnostic offers it: a fix editing a
/// template's text changes every instance, so it must be right for all of them.
fn absorb(kept: &mut Diagnostic, d: Diagnostic) {
    kept.fixes.retain(|f| d.fixes.contains(f));
    let differs = kept.message != d.message;
    for mut r in d.related {
        if differs && d.instance.as_ref() == Some(&r) {
            r.message = format!("{}: {}", r.message, d.message);
        }
        if !kept.related.contains(&r) {
            kept.related.push(r);
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics { items }
    }
}

/// "did you mean" support: the closest candidate by edit distance, if close enough.
/// Only called on the error path.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    suggestion(name, candidates).map(|s| s.name)
}

/// A "did you mean" candidate, and whether it is the only one that close: only a
/// unique suggestion becomes a safe fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suggestion<'a> {
    pub name: &'a str,
    pub unique: bool,
}

impl<'a> Suggestion<'a> {
    /// The name, when it is the only candidate that close.
    pub fn unique(self) -> Option<&'a str> {
        self.unique.then_some(self.name)
    }
}

/// [`suggest`] with uniqueness: the closest candidate (ties broken by name) and
/// whether no other candidate is as close.
pub fn suggestion<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<Suggestion<'a>> {
    let max = (name.chars().count() / 3).max(1) + 1;
    let mut best: Option<(usize, &'a str, bool)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = edit_distance(name, c);
        if d > max {
            continue;
        }
        best = match best {
            None => Some((d, c, true)),
            Some((bd, _, _)) if d < bd => Some((d, c, true)),
            Some((bd, bc, bu)) if d == bd => {
                // The same candidate listed twice is still one suggestion.
                let unique = bu && bc == c;
                Some((bd, bc.min(c), unique))
            }
            keep => keep,
        };
    }
    best.map(|(_, name, unique)| Suggestion { name, unique })
}

/// Levenshtein distance over Unicode scalar values (transposition counts as 1).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("web_search", "web_serch"), 1);
        assert_eq!(edit_distance("frist", "first"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    /// A file `t` then `a` `b` `c` on lines 2–4; `(template use, instance a, b, c)`.
    fn spans() -> (SourceMap, Span, [Span; 3]) {
        let mut map = SourceMap::new();
        let f = map.add(
            "main.pmth".into(),
            crate::source::FileKind::Pmth,
            "t\na\nb\nc\n".into(),
            false,
        );
        let at = |n: usize| Span::new(f, n, n + 1);
        (map, at(0), [at(2), at(4), at(6)])
    }

    #[test]
    fn finish_merges_instances_on_code_and_place_whatever_their_messages() {
        let (map, t, [a, b, c]) = spans();
        let mut ds = Diagnostics::from(vec![
            Diagnostic::new("PM0204", t, "out of range: -1").in_instance(c, "c"),
            Diagnostic::new("PM0204", t, "out of range: 0").in_instance(b, "b"),
            Diagnostic::new("PM0204", t, "out of range: 0").in_instance(a, "a"),
            // Another code at the same place stays apart.
            Diagnostic::new("PM0203", t, "wrong type").in_instance(a, "a"),
        ]);
        ds.finish(&map);
        let got: Vec<(&str, &str, Vec<&str>)> = ds
            .iter()
            .map(|d| {
                let related = d.related.iter().map(|r| r.message.as_str()).collect();
                (d.code, d.message.as_str(), related)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("PM0203", "wrong type", vec!["in instance `a`"]),
                (
                    "PM0204",
                    "out of range: 0",
                    vec![
                        "in instance `a`",
                        "in instance `b`",
                        "in instance `c`: out of range: -1"
                    ]
                ),
            ]
        );
    }

    #[test]
    fn finish_keeps_the_templates_own_message_over_the_instances() {
        let (map, t, [a, _, _]) = spans();
        let mut ds = Diagnostics::from(vec![
            Diagnostic::new("PM0206", t, "`x` is not valid").in_instance(a, "a"),
            Diagnostic::new("PM0206", t, "param `k` can be `x`"),
        ]);
        ds.finish(&map);
        let got: Vec<(&str, Vec<&str>)> = ds
            .iter()
            .map(|d| {
                let related = d.related.iter().map(|r| r.message.as_str()).collect();
                (d.message.as_str(), related)
            })
            .collect();
        assert_eq!(
            got,
            vec![(
                "param `k` can be `x`",
                vec!["in instance `a`: `x` is not valid"]
            )]
        );
    }

    #[test]
    fn finish_keeps_different_messages_apart_outside_instances() {
        let (map, t, [a, _, _]) = spans();
        let mut ds = Diagnostics::from(vec![
            Diagnostic::new("PM0201", t, "two").related(a, "x"),
            Diagnostic::new("PM0201", t, "one").related(a, "x"),
            Diagnostic::new("PM0201", t, "one").related(a, "y"),
        ]);
        ds.finish(&map);
        let got: Vec<(&str, usize)> = ds
            .iter()
            .map(|d| (d.message.as_str(), d.related.len()))
            .collect();
        assert_eq!(got, vec![("one", 2), ("two", 1)]);
    }

    #[test]
    fn suggest_picks_the_closest() {
        let c = ["web_search", "summarize", "wab"];
        assert_eq!(suggest("web_serch", c), Some("web_search"));
        assert_eq!(suggest("zzzzzzzz", c), None);
    }

    #[test]
    fn suggestion_is_unique_only_without_a_tie() {
        let one = suggestion("web_serch", ["web_search", "summarize"]);
        assert_eq!(one.and_then(Suggestion::unique), Some("web_search"));
        let tie = suggestion("gpt5", ["gpt4", "gpt6"]).expect("a suggestion");
        assert_eq!((tie.name, tie.unique), ("gpt4", false));
    }
}
