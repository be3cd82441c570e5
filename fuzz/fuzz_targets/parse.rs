//! The parser on one file: any bytes (as the loader would read them: UTF-8,
//! else replaced) parse without a panic, report only syntax or literal errors,
//! and keep every span inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pmth_compiler::parse::parse_source;
use pmth_compiler::source::{FileKind, SourceMap};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let len = text.len() as u32;
    let mut map = SourceMap::new();
    let id = map.add("fuzz.pmth".into(), FileKind::Pmth, text, false);
    let Some(file) = map.get(id) else {
        return;
    };
    let (decls, diags) = parse_source(file);
    for d in &diags {
        assert!(d.primary.span.end <= len, "span past the end: {d:?}");
        assert!(d.code == "PM0001" || d.code == "PM0002", "{d:?}");
    }
    for d in &decls {
        assert!(d.span.end <= len && d.header.start >= d.span.start);
    }
});
