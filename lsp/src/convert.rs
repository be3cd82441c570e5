//! Conversions between the compiler's world (byte offsets, display paths,
//! `Diagnostic`s) and the protocol's (UTF-16 positions, URIs, LSP diagnostics).
//!
//! Every conversion from editor input clamps: a line past the end of the file
//! means the end of the file, a character past the end of a line (or inside a
//! character that takes two UTF-16 units) means the nearest character boundary
//! at or before it. Nothing here panics on odd input.

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    Uri,
};
use pmth_compiler::diag::{Diagnostic, Severity};
use pmth_compiler::source::{LineIndex, SourceFile, SourceMap, Span};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "pmth";

/// The protocol position (0-based line, UTF-16 column) of a byte offset.
/// An offset past the end, or inside a character, is clamped first.
pub fn position(text: &str, lines: &LineIndex, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = lines.line_of(u32::try_from(offset).unwrap_or(u32::MAX));
    let start = lines.line_start(line).map_or(0, |s| s as usize);
    let character: usize = text
        .get(start.min(offset)..offset)
        .map_or(0, |s| s.chars().map(char::len_utf16).sum());
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(character).unwrap_or(u32::MAX),
    }
}

/// The byte offset of a protocol position, clamped: past the last line is the end
/// of the text, past a line's end is that line's end (before its `\r\n`), inside
/// a surrogate pair is the start of that character.
pub fn offset(text: &str, lines: &LineIndex, pos: Position) -> usize {
    let Some(start) = lines.line_start(pos.line as usize) else {
        return text.len();
    };
    let start = (start as usize).min(text.len());
    let end = lines
        .line_start(pos.line as usize + 1)
        .map_or(text.len(), |e| e as usize)
        .min(text.len());
    let line = text.get(start..end).unwrap_or("");
    let line = line.strip_suffix('\n').unwrap_or(line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    let want = pos.character as usize;
    let mut units = 0usize;
    for (i, c) in line.char_indices() {
        let next = units + c.len_utf16();
        if next > want {
            return start + i;
        }
        units = next;
    }
    start + line.len()
}

/// The protocol range of a byte span of `file`.
pub fn range(file: &SourceFile, span: Span) -> Range {
    Range {
        start: position(&file.text, &file.lines, span.start as usize),
        end: position(&file.text, &file.lines, span.end as usize),
    }
}

/// `file:///…` for an absolute path (percent-encoding what a URI path may not hold).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let s = path.to_str()?;
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        let plain = b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b);
        if plain {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

/// The path of a `file:` URI (percent-decoded); `None` for any other scheme.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file://host/path`: only an empty host or `localhost` is ours.
    let path = match rest.strip_prefix("localhost") {
        Some(p) if p.starts_with('/') => p,
        _ => rest,
    };
    if !path.starts_with('/') {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    let path = String::from_utf8(out).ok()?;
    // `file:///c%3A/x` on Windows; harmless elsewhere.
    let path = if cfg!(windows) {
        path.trim_start_matches('/').to_owned()
    } else {
        path
    };
    Some(PathBuf::from(path))
}

/// Where a file of a compilation lives on disk: `None` for the embedded stdlib.
pub fn file_path(root: &Path, file: &SourceFile) -> Option<PathBuf> {
    if file.stdlib {
        return None;
    }
    Some(root.join(&file.path))
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
    }
}

/// One compiler diagnostic as the protocol's, with the path of the file it
/// belongs to (`None` when that is a stdlib file, which no editor can open).
///
/// The message carries the notes and the `help:`; related labels become
/// `relatedInformation` (those in stdlib files, which have no URI, are named in
/// the message instead).
pub fn diagnostic(
    root: &Path,
    sources: &SourceMap,
    d: &Diagnostic,
) -> Option<(PathBuf, lsp_types::Diagnostic)> {
    let file = sources.get(d.primary.span.file)?;
    let path = file_path(root, file)?;
    let mut message = d.message.clone();
    let mut related = Vec::new();
    for l in &d.related {
        let Some(f) = sources.get(l.span.file) else {
            continue;
        };
        let uri = file_path(root, f).and_then(|p| path_to_uri(&p));
        match uri {
            Some(uri) => related.push(DiagnosticRelatedInformation {
                location: Location {
                    uri,
                    range: range(f, l.span),
                },
                message: if l.message.is_empty() {
                    "related".to_owned()
                } else {
                    l.message.clone()
                },
            }),
            None => {
                let lc = f.line_col(l.span.start);
                message.push_str(&format!("\nrelated: {} ({}:{lc})", l.message, f.path));
            }
        }
    }
    for n in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(n);
    }
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    let out = lsp_types::Diagnostic {
        range: range(file, d.primary.span),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_owned())),
        code_description: None,
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    };
    Some((path, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf16_columns_for_non_ascii_text() {
        // é is 2 bytes / 1 unit; 😀 is 4 bytes / 2 units; 中 is 3 bytes / 1 unit.
        let text = "a = \"é😀中\" x\nb";
        let lines = LineIndex::new(text);
        let x = text.find('x').unwrap_or(0);
        assert_eq!(position(text, &lines, x), pos(0, 11));
        assert_eq!(offset(text, &lines, pos(0, 11)), x);
        let emoji = text.find('😀').unwrap_or(0);
        assert_eq!(position(text, &lines, emoji), pos(0, 6));
        assert_eq!(offset(text, &lines, pos(0, 6)), emoji);
        assert_eq!(offset(text, &lines, pos(1, 0)), text.len() - 1);
    }

    #[test]
    fn odd_positions_clamp() {
        let text = "ab😀\r\ncd\n";
        let lines = LineIndex::new(text);
        let emoji = text.find('😀').unwrap_or(0);
        // Inside the surrogate pair: the start of the character.
        assert_eq!(offset(text, &lines, pos(0, 3)), emoji);
        // Past the end of a line: before its `\r\n`.
        assert_eq!(offset(text, &lines, pos(0, 99)), emoji + 4);
        // Past the last line, and absurd values: the end of the text.
        assert_eq!(offset(text, &lines, pos(99, 0)), text.len());
        assert_eq!(offset(text, &lines, pos(u32::MAX, u32::MAX)), text.len());
        assert_eq!(offset(text, &lines, pos(1, u32::MAX)), text.len() - 1);
        // Byte offsets past the end or inside a character clamp too.
        assert_eq!(position(text, &lines, 10_000), pos(2, 0));
        assert_eq!(position(text, &lines, emoji + 1), pos(0, 2));
        let empty = LineIndex::new("");
        assert_eq!(offset("", &empty, pos(5, 5)), 0);
        assert_eq!(position("", &empty, 3), pos(0, 0));
    }

    #[test]
    fn uris_round_trip() {
        let p = PathBuf::from("/tmp/my ws/agents/ré.pmth");
        let uri = path_to_uri(&p).expect("uri");
        assert_eq!(uri.as_str(), "file:///tmp/my%20ws/agents/r%C3%A9.pmth");
        assert_eq!(uri_to_path(&uri), Some(p));
        let other = Uri::from_str("untitled:Untitled-1").expect("uri");
        assert_eq!(uri_to_path(&other), None);
        let host = Uri::from_str("file://localhost/a/b.pmth").expect("uri");
        assert_eq!(uri_to_path(&host), Some(PathBuf::from("/a/b.pmth")));
    }
}
