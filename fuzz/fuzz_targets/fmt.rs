//! The formatter on one file (any bytes, read as UTF-8, else replaced): no
//! panic; a text with a syntax error is refused (`FormatError::Syntax`), never
//! half formatted; a formatted text means what the input meant (the
//! formatter's own safety comparison, `fmt::same_meaning`) and formatting it
//! again changes nothing (idempotence). The formatter's safety check catching
//! its own bug (`Unsafe("… a formatter bug")`) is a failure too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pmth_compiler::diag::Severity;
use pmth_compiler::fmt::{format_source, normalized, same_meaning, FormatError};
use pmth_compiler::parse::parse_source;
use pmth_compiler::source::{FileKind, SourceMap};

/// Whether the text parses without an error (as the formatter parses it).
fn parses_clean(text: &str) -> bool {
    let mut map = SourceMap::new();
    let id = map.add("fuzz.pmth".into(), FileKind::Pmth, normalized(text).into_owned(), false);
    let Some(file) = map.get(id) else {
        return false;
    };
    let (decls, diags) = parse_source(file);
    !diags.iter().any(|d| d.severity == Severity::Error) && !decls.iter().any(|d| d.is_broken())
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let clean = parses_clean(&text);
    match format_source(&text) {
        Ok(out) => {
            assert!(clean, "a text with a syntax error was formatted:\n{out}");
            assert!(same_meaning(&text, &out), "the formatted text means something else:\n{out}");
            match format_source(&out) {
                Ok(again) => assert!(again == out, "not idempotent:\n{out}\n----\n{again}"),
                Err(e) => panic!("the formatted text cannot be formatted again: {e}\n{out}"),
            }
        }
        Err(FormatError::Syntax(_)) => assert!(!clean, "a clean text refused as a syntax error"),
        Err(FormatError::Unsafe(why)) => {
            assert!(clean, "a text with a syntax error reported as unsafe: {why}");
            assert!(!why.contains("formatter bug"), "{why}");
        }
    }
});
