//! Governance's problems as facts, and the one place that turns them and the
//! policies' findings into diagnostics (PM0701, PM0702, PM0703, PM0003).

use super::eval::{Finding, RuleKind};
use super::place::{place, split_ref};
use crate::check::Checked;
use crate::diag::{suggest, Diagnostic};
use crate::load::Workspace;
use crate::source::{SourceMap, Span};

/// Something wrong with the policies or the governance configuration.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Problem {
    /// The file does not parse; `at` is where the Rego parser stopped.
    Syntax {
        path: String,
        at: Option<Span>,
        message: String,
    },
    /// The package is not under `pmth.` or is reserved.
    Package {
        path: String,
        at: Option<Span>,
        package: String,
        why: &'static str,
    },
    /// The policy parsed but regorus could not prepare it (unsafe variable,
    /// unknown function, conflicting rules …).
    Compile {
        path: String,
        package: String,
        at: Option<Span>,
        message: String,
    },
    /// `deny` or `warn` failed while evaluating; reported on the package clause.
    Eval {
        path: String,
        package: String,
        rule: &'static str,
        at: Option<Span>,
        failed_at: Option<Span>,
        message: String,
    },
    /// A `[governance] disable` entry names no stdlib package.
    UnknownDisable {
        name: String,
        at: Span,
        known: Vec<&'static str>,
    },
}

/// What the conversions need to know.
pub(crate) struct Ctx<'a> {
    pub sources: &'a SourceMap,
    pub checked: &'a Checked,
    /// `[governance]` of `pmth.toml`, or its line 1: where findings without a
    /// usable `ref` go.
    pub anchor: Span,
    /// Suggestions for unknown refs scan every id; only the first few get one.
    pub suggestions_left: usize,
}

/// How many unknown refs get a "did you mean".
pub(crate) const SUGGESTION_BUDGET: usize = 20;

/// Where findings without a `ref` go: the `[governance]` header, else line 1 of
/// `pmth.toml`.
pub(crate) fn anchor(ws: &Workspace) -> Span {
    if let Some(span) = ws.manifest.as_ref().and_then(|m| m.governance.span) {
        return span;
    }
    let first_line = ws
        .sources
        .get(ws.manifest_file)
        .map_or(0, |f| f.text.lines().next().map_or(0, str::len));
    Span::new(ws.manifest_file, 0, first_line)
}

impl Ctx<'_> {
    /// A span for a problem's file when regorus gave no usable position: the start
    /// of that file, or the anchor.
    fn file_start(&self, path: &str) -> Span {
        self.sources.by_path(path).map_or(self.anchor, |f| {
            let len = f.text.lines().next().map_or(0, str::len);
            Span::new(f.id, 0, len)
        })
    }

    pub fn problem(&self, p: Problem) -> Diagnostic {
        match p {
            Problem::Syntax { path, at, message } => {
                Diagnostic::new("PM0703", at.unwrap_or_else(|| self.file_start(&path)), {
                    format!("policy {path} does not parse: {message}")
                })
                .label("the Rego parser stopped here")
                .note("policies are Rego v1: rules need `if`, sets `contains`")
            }
            Problem::Package {
                path,
                at,
                package,
                why,
            } => Diagnostic::new(
                "PM0703",
                at.unwrap_or_else(|| self.file_start(&path)),
                format!("policy package `{package}` is not allowed"),
            )
            .label("declared here")
            .note(why)
            .help(format!(
                "name the package `pmth.<name>`, e.g. `package pmth.{}`",
                package
                    .rsplit('.')
                    .next()
                    .filter(|s| !s.is_empty())
                    .unwrap_or("acme")
            )),
            Problem::Compile {
                path,
                package,
                at,
                message,
            } => Diagnostic::new(
                "PM0703",
                at.unwrap_or_else(|| self.file_start(&path)),
                format!("policy `{package}` does not compile: {message}"),
            )
            .label("here")
            .note("the other policies still ran"),
            Problem::Eval {
                path,
                package,
                rule,
                at,
                failed_at,
                message,
            } => {
                let d = Diagnostic::new(
                    "PM0703",
                    at.unwrap_or_else(|| self.file_start(&path)),
                    format!("policy `{package}` failed to evaluate `{rule}`: {message}"),
                )
                .label("in this package")
                .note("the other policies still ran");
                match failed_at {
                    Some(span) => d.related(span, "evaluation failed here"),
                    None => d,
                }
            }
            Problem::UnknownDisable { name, at, known } => {
                let d = Diagnostic::new(
                    "PM0003",
                    at,
                    format!("`disable` names `{name}`, which is not a stdlib policy"),
                )
                .label("no stdlib policy package has this name")
                .note(format!("stdlib policies: {}", known.join(", ")));
                let short = known.iter().filter_map(|p| p.strip_prefix("pmth.std."));
                match suggest(&name, known.iter().copied().chain(short)) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d,
                }
            }
        }
    }

    /// A finding as a diagnostic; the message names the policy package.
    pub fn finding(&mut self, f: &Finding) -> Diagnostic {
        let message = message(f);
        let verb = match f.rule {
            RuleKind::Deny => "denied",
            RuleKind::Warn => "flagged",
        };
        let placed = f
            .reference
            .as_deref()
            .map(|r| (r, place(self.checked, r, f.attr.as_deref())));
        let mut d = match placed {
            None => Diagnostic::new(f.rule.code(), self.anchor, message)
                .label(format!("{verb} by policy `{}`", f.package)),
            Some((r, None)) => {
                let d = Diagnostic::new(f.rule.code(), self.anchor, message)
                    .label(format!("{verb} by policy `{}`", f.package))
                    .note(format!(
                        "policy `{}` gave `ref` = `{r}`, which names no declaration",
                        f.package
                    ));
                match self.suggest_ref(r) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d,
                }
            }
            Some((_, Some(p))) => {
                let mut d = Diagnostic::new(f.rule.code(), p.primary, message)
                    .label(format!("{verb} by policy `{}`", f.package));
                if p.attr_missing {
                    if let Some(attr) = &f.attr {
                        d = d.note(format!("`{attr}` is not set in this declaration"));
                    }
                }
                if let Some((span, what)) = p.nearest {
                    d = d.related(span, format!("`{what}` is here"));
                }
                if let Some((span, template)) = p.template {
                    let what = f
                        .attr
                        .as_deref()
                        .map_or_else(|| "the declaration".to_owned(), |a| format!("`{a}`"));
                    d = d.related(
                        span,
                        format!("{what} comes from template `{template}` here"),
                    );
                }
                d
            }
        };
        if let Some(why) = f.malformed {
            d = d.note(format!(
                "policy `{}` returned a malformed entry: {why}",
                f.package
            ));
        }
        if f.stdlib {
            let comply = super::stdlib::metadata_of(&f.package)
                .map(|m| m.comply)
                .filter(|c| !c.is_empty())
                .map_or(String::new(), |c| format!("to comply, {c}\n"));
            d = d.help(format!(
                "{comply}if the risk is accepted, add \"{}\" to `disable` in [governance] of pmth.toml to switch this stdlib policy off",
                f.package
            ));
        }
        d
    }

    /// The closest declared `KIND.ID` to an unknown ref (while the budget lasts).
    fn suggest_ref(&mut self, reference: &str) -> Option<String> {
        if self.suggestions_left == 0 {
            return None;
        }
        self.suggestions_left -= 1;
        let (kind, id) = split_ref(reference)?;
        let ids = self
            .checked
            .index
            .keys()
            .filter(|(k, _)| *k == kind)
            .map(|(_, i)| i.as_str());
        suggest(id, ids).map(|s| format!("{kind}.{s}"))
    }
}

/// The diagnostic's (and the bundle's) message: the policy's text and its package.
pub(crate) fn message(f: &Finding) -> String {
    format!("{} (policy `{}`)", f.msg, f.package)
}

/// The span of `name` in the `disable` list of `pmth.toml`: the quoted string when
/// it can be found after the `disable` key, else that key's line, else the anchor.
pub(crate) fn disable_span(ws: &Workspace, name: &str, anchor: Span) -> Span {
    let Some(file) = ws.sources.get(ws.manifest_file) else {
        return anchor;
    };
    let text = file.text.as_str();
    let from = ws
        .manifest
        .as_ref()
        .and_then(|m| m.governance.span)
        .map_or(0, |s| s.start as usize);
    let mut offset = from;
    let mut key = None;
    for line in text.get(from..).unwrap_or("").split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("disable") {
            if rest.trim_start().starts_with('=') {
                let start = offset + (line.len() - t.len());
                key = Some(Span::new(file.id, start, offset + line.trim_end().len()));
                break;
            }
        }
        offset += line.len();
    }
    let Some(key) = key else {
        return anchor;
    };
    let after = text.get(key.start as usize..).unwrap_or("");
    let end = after.find(']').unwrap_or(after.len());
    for quote in ['"', '\''] {
        let lit = format!("{quote}{name}{quote}");
        if let Some(i) = after.get(..end).and_then(|a| a.find(&lit)) {
            let s = key.start as usize + i;
            return Span::new(file.id, s, s + lit.len());
        }
    }
    key
}
