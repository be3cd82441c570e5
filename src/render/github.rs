//! `--format github`: GitHub Actions workflow commands
//! (`::error file=…,line=…::message`), one per diagnostic, then a summary line.

use super::{display_path, region, summary, RenderOptions};
use pmth_compiler::diag::{Diagnostic, Diagnostics};
use pmth_compiler::source::SourceMap;

pub fn render(sources: &SourceMap, diags: &Diagnostics, opts: &RenderOptions) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        out.push_str(&command(sources, d, &opts.base));
        out.push('\n');
    }
    for n in &opts.notes {
        out.push_str(&format!("::notice title=pmth::{n}\n"));
    }
    out.push_str(&summary(diags, opts.checked_files));
    out.push('\n');
    out
}

fn command(sources: &SourceMap, d: &Diagnostic, base: &str) -> String {
    let r = region(sources, d.primary.span);
    let file = display_path(sources, d.primary.span, base);
    let mut message = d.message.clone();
    if !repeats(&d.message, &d.primary.message) {
        message.push_str(&format!(" ({})", d.primary.message));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    for l in &d.related {
        let lr = region(sources, l.span);
        let path = display_path(sources, l.span, base);
        message.push_str(&format!(
            "\n{path}:{}:{}: {}",
            lr.line, lr.column, l.message
        ));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        d.severity.as_str(),
        escape_property(&file),
        r.line,
        r.column,
        r.end_line,
        r.end_column,
        escape_property(d.code),
        escape_data(&message)
    )
}

/// Whether the primary label says nothing the message does not: it is empty,
/// contained in the message, or a policy finding's "denied by policy `P`"
/// when the message already names policy `P`.
fn repeats(message: &str, label: &str) -> bool {
    let lower = label.to_lowercase();
    if lower.is_empty() || message.to_lowercase().contains(&lower) {
        return true;
    }
    label
        .split_once(" by policy ")
        .is_some_and(|(_, p)| message.contains(&format!("(policy {p})")))
}

/// Escapes a command's message (GitHub's `escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (GitHub's `escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_is_named_once() {
        let m = "agent `a` has no budget (policy `pmth.std.budget`)";
        assert!(repeats(m, "flagged by policy `pmth.std.budget`"));
        assert!(!repeats(m, "flagged by policy `pmth.acme`"));
        assert!(!repeats(m, "claimed here"));
    }

    #[test]
    fn escaping_follows_github() {
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(escape_property("stdlib:a,b"), "stdlib%3Aa%2Cb");
    }
}
