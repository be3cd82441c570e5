//! Source files, byte spans and the line index that turns a span into line/column.
//!
//! Every file the compiler reads (`.pmth`, `pmth.toml`, `.rego`, the embedded stdlib)
//! lives in one [`SourceMap`]; everything else refers to it by [`FileId`] and [`Span`].

use std::fmt;

/// Index of a file in the [`SourceMap`].
pub type FileId = u32;

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end.max(start)),
        }
    }

    /// The smallest span covering both (they must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What a file is, which decides how it is read and where it is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// A `.pmth` source.
    Pmth,
    /// The workspace manifest `pmth.toml`.
    Manifest,
    /// A Rego policy.
    Policy,
    /// `pmth.lock`.
    Lock,
    /// A file of a built bundle (`pmth verify` reports on them).
    Bundle,
}

/// One file: its display path (relative to the workspace root with `/`, or
/// `stdlib:<path>`), its text and a line index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub id: FileId,
    pub path: String,
    pub kind: FileKind,
    pub text: String,
    pub lines: LineIndex,
    /// True for embedded stdlib files.
    pub stdlib: bool,
}

impl SourceFile {
    /// The 1-based line and column (in Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }

    /// The text of a span, or "" when the span is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Byte offsets of line starts, so a line lookup is a binary search.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(clamp_u32(i + 1));
            }
        }
        LineIndex { starts }
    }

    /// Byte offset of the start of a 0-based line.
    pub fn line_start(&self, line0: usize) -> Option<u32> {
        self.starts.get(line0).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(clamp_u32(text.len()));
        let line = self.line_of(offset);
        let start = self.starts.get(line).copied().unwrap_or(0) as usize;
        let mut end = offset as usize;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text.get(start..end).map_or(0, |s| s.chars().count());
        LineCol {
            line: clamp_u32(line + 1),
            column: clamp_u32(column + 1),
        }
    }

    /// Byte offset of a 0-based line and a 0-based column in Unicode scalar values
    /// (clamped to the line's end).
    pub fn offset_of(&self, text: &str, line0: usize, col0: usize) -> u32 {
        let Some(start) = self.line_start(line0) else {
            return clamp_u32(text.len());
        };
        let end = self
            .line_start(line0 + 1)
            .map_or(text.len(), |e| e as usize);
        let line = text.get(start as usize..end).unwrap_or("");
        let mut off = start as usize;
        for (n, (i, c)) in line.char_indices().enumerate() {
            if n == col0 || c == '\n' {
                return clamp_u32(start as usize + i);
            }
            off = start as usize + i + c.len_utf8();
        }
        clamp_u32(off)
    }
}

/// All the files of one compilation.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: String, kind: FileKind, text: String, stdlib: bool) -> FileId {
        let id = clamp_u32(self.files.len());
        let text = text
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(text);
        let lines = LineIndex::new(&text);
        self.files.push(SourceFile {
            id,
            path,
            kind,
            text,
            lines,
            stdlib,
        });
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id as usize)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    pub fn by_path(&self, path: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The display path of a file ("" for an unknown id).
    pub fn path(&self, id: FileId) -> &str {
        self.get(id).map_or("", |f| f.path.as_str())
    }

    /// Line/column of a span's start.
    pub fn start(&self, span: Span) -> LineCol {
        self.get(span.file)
            .map_or(LineCol { line: 1, column: 1 }, |f| f.line_col(span.start))
    }

    /// Line/column of a span's end (exclusive).
    pub fn end(&self, span: Span) -> LineCol {
        self.get(span.file)
            .map_or(LineCol { line: 1, column: 1 }, |f| f.line_col(span.end))
    }

    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).map_or("", |f| f.slice(span))
    }
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_scalar_values() {
        let text = "ab\ncé d\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        // 'd' is at byte 7 (c=3, é=4..6, ' '=6)
        assert_eq!(idx.line_col(text, 7), LineCol { line: 2, column: 4 });
        assert_eq!(idx.offset_of(text, 1, 3), 7);
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let text = "a\nb";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 99), LineCol { line: 2, column: 2 });
        assert_eq!(idx.offset_of(text, 9, 0), 3);
    }

    #[test]
    fn bom_is_skipped() {
        let mut map = SourceMap::new();
        let id = map.add("a.pmth".into(), FileKind::Pmth, "\u{feff}x".into(), false);
        assert_eq!(map.get(id).map(|f| f.text.as_str()), Some("x"));
    }
}
