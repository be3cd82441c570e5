//! `--format human`: rustc-like text. The header (`error[PM0101]: message`), the
//! notes and the help are ours; the source excerpts with their labels are drawn
//! by miette's graphical handler, one excerpt per file involved.

use super::{display_path, summary, RenderOptions};
use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use pmth_compiler::diag::{Diagnostic, Diagnostics, Severity};
use pmth_compiler::source::{FileId, SourceMap, Span};
use std::fmt;

/// Width the excerpts are laid out for.
const WIDTH: usize = 100;

pub fn render(sources: &SourceMap, diags: &Diagnostics, opts: &RenderOptions) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        out.push_str(&diagnostic(sources, d, opts));
        out.push('\n');
    }
    for n in &opts.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    let line = summary(diags, opts.checked_files);
    if opts.color {
        let style = if diags.has_errors() { RED } else { GREEN };
        match line.split_once(':') {
            Some((head, rest)) => {
                out.push_str(&format!("{BOLD}{style}{head}{RESET}{BOLD}:{rest}{RESET}"))
            }
            None => out.push_str(&line),
        }
    } else {
        out.push_str(&line);
    }
    out.push('\n');
    out
}

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// One diagnostic: header, an excerpt per file (the primary's first), notes, help.
fn diagnostic(sources: &SourceMap, d: &Diagnostic, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let sev = d.severity.as_str();
    if opts.color {
        let c = if d.severity == Severity::Error {
            RED
        } else {
            YELLOW
        };
        out.push_str(&format!(
            "{BOLD}{c}{sev}[{}]{RESET}{BOLD}: {}{RESET}\n",
            d.code, d.message
        ));
    } else {
        out.push_str(&format!("{sev}[{}]: {}\n", d.code, d.message));
    }

    // The primary excerpt first (with the related labels near it), then one
    // excerpt per other file or far-away place, in the order they were given.
    let primary_line = sources.start(d.primary.span).line;
    let near = |span: Span| {
        span.file == d.primary.span.file && sources.start(span).line.abs_diff(primary_line) <= NEAR
    };
    let mut groups: Vec<(FileId, bool, Vec<LabeledSpan>)> = vec![(
        d.primary.span.file,
        true,
        vec![labeled(d.primary.span, &d.primary.message, true)],
    )];
    for l in &d.related {
        let is_near = near(l.span);
        let label = labeled(l.span, &l.message, false);
        match groups
            .iter_mut()
            .find(|(f, n, _)| *f == l.span.file && *n == is_near)
        {
            Some((_, _, labels)) => labels.push(label),
            None => groups.push((l.span.file, is_near, vec![label])),
        }
    }

    for (file, _, labels) in groups {
        let Some(source) = sources.get(file) else {
            continue;
        };
        let name = display_path(sources, Span::new(file, 0, 0), &opts.base);
        if source.text.is_empty() {
            // Nothing to show (an unreadable file): just the place.
            out.push_str(&format!("   ╭─[{name}:1:1]\n   ╰────\n"));
            continue;
        }
        let excerpt = Excerpt {
            src: Src {
                name,
                text: &source.text,
            },
            labels,
            severity: d.severity,
        };
        out.push_str(&excerpt.render(opts.color));
    }

    let (dim, reset) = if opts.color { (CYAN, RESET) } else { ("", "") };
    for note in &d.notes {
        out.push_str(&indent_continuation(
            &format!("  {dim}={reset} note: {note}"),
            10,
        ));
    }
    if let Some(help) = &d.help {
        out.push_str(&indent_continuation(
            &format!("  {dim}={reset} help: {help}"),
            10,
        ));
    }
    out
}

/// Related labels this close (in lines) to the primary share its excerpt.
const NEAR: u32 = 3;

fn labeled(span: Span, text: &str, primary: bool) -> LabeledSpan {
    let label = (!text.is_empty()).then(|| text.to_string());
    let at = (span.start as usize, span.len());
    if primary {
        LabeledSpan::new_primary_with_span(label, at)
    } else {
        LabeledSpan::new_with_span(label, at)
    }
}

/// Ends the text with a newline and indents its continuation lines.
fn indent_continuation(text: &str, width: usize) -> String {
    let pad = " ".repeat(width);
    let mut out = text.replace('\n', &format!("\n{pad}"));
    out.push('\n');
    out
}

/// The labels of one file, shown by miette with an empty message.
struct Excerpt<'a> {
    src: Src<'a>,
    labels: Vec<LabeledSpan>,
    severity: Severity,
}

impl Excerpt<'_> {
    fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(WIDTH)
            .tab_width(4)
            .with_context_lines(1)
            .with_links(false)
            .with_urls(false);
        let mut text = String::new();
        if handler.render_report(&mut text, self).is_err() {
            return String::new();
        }
        // miette's first line is the (empty) message; the header is ours.
        match text.split_once('\n') {
            Some((_, rest)) => rest.to_string(),
            None => String::new(),
        }
    }
}

impl fmt::Debug for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Excerpt")
    }
}

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl std::error::Error for Excerpt<'_> {}

impl MietteDiagnostic for Excerpt<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// A file's text under its display name (miette's `NamedSource` wants to own it).
struct Src<'a> {
    name: String,
    text: &'a str,
}

impl SourceCode for Src<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        // miette's `str` source reports the absolute line of the excerpt's end as
        // its `line_count`, which makes distant excerpts merge into one long one;
        // report the number of lines the excerpt holds.
        let data = inner.data();
        let newlines = data.iter().filter(|b| **b == b'\n').count();
        let lines = newlines + usize::from(!data.ends_with(b"\n"));
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            *inner.span(),
            inner.line(),
            char_column(self.text, inner.span().offset()),
            lines,
        )))
    }
}

/// The 0-based column of byte `offset` in Unicode scalar values (miette counts
/// bytes; LANGUAGE.md §11 and the other formats count characters).
fn char_column(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    before
        .get(line_start..)
        .map_or(0, |line| line.chars().count())
}
