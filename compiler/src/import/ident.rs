//! Names from other formats as pmth identifiers (`[A-Za-z_][A-Za-z0-9_]*`):
//! `get-file` → `get_file`, `FAQ Agent` → `faq_agent`, `2fa` → `_2fa`. Names
//! that collide after that get `_2`, `_3`, … in the order they were met, so
//! the result only depends on the input.

use std::collections::HashSet;

/// Words a name cannot be in a field position.
const RESERVED: &[&str] = &["true", "false", "null"];

/// True when `s` is a pmth name as it is.
pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&s)
}

/// `s` made an identifier: runs of other characters become one `_`, a
/// leading digit gets a `_` before it; a name with spaces (a display name)
/// is also lower-cased. Never empty (`fallback` when nothing is left).
pub fn identifier(s: &str, fallback: &str) -> String {
    if is_ident(s) {
        return s.to_owned();
    }
    let display = s.contains(' ');
    let mut out = String::new();
    let mut gap = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.push(if display { c.to_ascii_lowercase() } else { c });
        } else if c == '_' {
            out.push('_');
            gap = false;
        } else {
            gap = true;
        }
    }
    if out.is_empty() {
        return fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) || RESERVED.contains(&out.as_str()) {
        out.insert(0, '_');
    }
    out
}

/// Hands out distinct identifiers in one namespace.
#[derive(Default)]
pub struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// A namespace where `taken` are already used.
    pub fn with(taken: impl IntoIterator<Item = String>) -> Names {
        Names {
            taken: taken.into_iter().collect(),
        }
    }

    /// The identifier for `original`, unique here: `identifier(original)`, or
    /// that with `_2`, `_3`, … when it is taken.
    pub fn take(&mut self, original: &str, fallback: &str) -> String {
        let base = identifier(original, fallback);
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_identifiers_deterministically() {
        assert_eq!(identifier("get_file", "t"), "get_file");
        assert_eq!(identifier("get-file", "t"), "get_file");
        assert_eq!(identifier("FAQ Agent", "t"), "faq_agent");
        assert_eq!(identifier("2fa", "t"), "_2fa");
        assert_eq!(identifier("$top", "t"), "top");
        assert_eq!(identifier("--", "t"), "t");
        assert_eq!(identifier("true", "t"), "_true");
        let mut n = Names::default();
        assert_eq!(n.take("get-file", "t"), "get_file");
        assert_eq!(n.take("get.file", "t"), "get_file_2");
        assert_eq!(n.take("get_file", "t"), "get_file_3");
    }
}
