//! The language's token list for fuzzing: `fuzz/pmth.dict`, a libFuzzer
//! dictionary, is the one list; the cargo-fuzz targets read it with `-dict=`,
//! and the no-panic and parser mutation tests read it through [`fuzz_tokens`].

/// The dictionary's text, embedded.
pub const DICT: &str = include_str!("../../../fuzz/pmth.dict");

/// The tokens of [`DICT`]: one per `"…"` line (`\"`, `\\` and `\xNN` escapes,
/// as libFuzzer reads them); comments and blank lines skipped. Bytes that do
/// not form UTF-8 are replaced.
pub fn fuzz_tokens() -> Vec<String> {
    DICT.lines().filter_map(token).collect()
}

fn token(line: &str) -> Option<String> {
    let line = line.trim();
    let start = line.find('"')?;
    if line.starts_with('#') {
        return None;
    }
    let body = line.get(start + 1..line.len().checked_sub(1)?)?;
    let mut bytes = Vec::with_capacity(body.len());
    let mut it = body.bytes();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'x') => {
                let hex: Vec<u8> = it.by_ref().take(2).collect();
                let n = std::str::from_utf8(&hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())?;
                bytes.push(n);
            }
            Some(other) => bytes.push(other),
            None => return None,
        }
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_reads_back_with_its_escapes() {
        let t = fuzz_tokens();
        assert!(t.len() > 100, "{}", t.len());
        for want in ["{", "\"", "\\", "\"\"\"", "\n", "\r\n", "é", "agent ", "${"] {
            assert!(t.iter().any(|x| x == want), "{want:?} missing");
        }
        assert_eq!(token(r#""a\x41\"""#).as_deref(), Some("aA\""));
        assert_eq!(token("# \"comment\""), None);
    }
}
