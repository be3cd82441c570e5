//! The comment layer: the parser keeps no comments in the tree, so the printer
//! takes them from the lexer (as byte ranges) and hands each out exactly once,
//! to the node it precedes, or as the trailing comment of the node on its line.

/// A file's comments, each handed out at most once.
pub(super) struct Comments<'a> {
    text: &'a str,
    ranges: Vec<(usize, usize)>,
    used: Vec<bool>,
}

impl<'a> Comments<'a> {
    pub(super) fn new(text: &'a str) -> Comments<'a> {
        let ranges = crate::parse::comment_ranges(text);
        let used = vec![false; ranges.len()];
        Comments { text, ranges, used }
    }

    /// The index of the first comment starting at or after `pos`.
    fn first_from(&self, pos: usize) -> usize {
        self.ranges.partition_point(|(s, _)| *s < pos)
    }

    /// Whether a comment starts in `from..to`.
    pub(super) fn any_in(&self, from: usize, to: usize) -> bool {
        self.ranges
            .get(self.first_from(from))
            .is_some_and(|(s, _)| *s < to)
    }

    /// Takes every comment not yet handed out that starts in `from..to`, with
    /// whether a blank line precedes it in the source.
    pub(super) fn take(&mut self, from: usize, to: usize) -> Vec<Taken<'a>> {
        let mut out = Vec::new();
        let mut i = self.first_from(from);
        while let Some(&(s, e)) = self.ranges.get(i) {
            if s >= to {
                break;
            }
            if !self.used[i] {
                self.used[i] = true;
                out.push(Taken {
                    text: self.text.get(s..e).unwrap_or("").trim_end(),
                    blank_before: blank_line_before(self.text, s),
                });
            }
            i += 1;
        }
        out
    }

    /// Marks the comments inside `from..to` as handed out: text copied verbatim
    /// (a string, an expression) carries them itself.
    pub(super) fn consume(&mut self, from: usize, to: usize) {
        self.take(from, to);
    }

    /// The comment on the same line right after `end` (only blanks and commas
    /// between, and before `limit`), taken; the end of the taken comment.
    pub(super) fn trailing(&mut self, end: usize, limit: usize) -> Option<(&'a str, usize)> {
        let i = self.first_from(end);
        let &(s, e) = self.ranges.get(i)?;
        if s >= limit || self.used[i] {
            return None;
        }
        let between = self.text.get(end..s)?;
        if !between.bytes().all(|b| matches!(b, b' ' | b'\t' | b',')) {
            return None;
        }
        // A block comment running over several lines is not trailing.
        let body = self.text.get(s..e)?;
        if body.contains('\n') {
            return None;
        }
        self.used[i] = true;
        Some((body.trim_end(), e))
    }

    /// The first comment never handed out (its byte offset), if any.
    pub(super) fn first_unused(&self) -> Option<usize> {
        self.used
            .iter()
            .position(|u| !u)
            .and_then(|i| self.ranges.get(i).map(|r| r.0))
    }
}

/// A comment handed out as a leading comment.
pub(super) struct Taken<'a> {
    pub text: &'a str,
    pub blank_before: bool,
}

/// Whether the line before the one holding `pos` is blank (only whitespace).
pub(super) fn blank_line_before(text: &str, pos: usize) -> bool {
    let before = text.get(..pos).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if !before.get(line_start..).unwrap_or("").trim().is_empty() {
        return false;
    }
    let Some(prev_end) = line_start.checked_sub(1) else {
        return false;
    };
    let prev = before.get(..prev_end).unwrap_or("");
    let prev_start = prev.rfind('\n').map_or(0, |i| i + 1);
    prev_end > 0 && prev.get(prev_start..).unwrap_or("").trim().is_empty()
}

/// The comment texts of `text` in order (for the safety check and tests).
pub fn comment_texts(text: &str) -> Vec<&str> {
    crate::parse::comment_ranges(text)
        .into_iter()
        .filter_map(|(s, e)| text.get(s..e).map(str::trim_end))
        .collect()
}
