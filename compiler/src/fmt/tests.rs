use super::format_source;

fn fmt(s: &str) -> String {
    match format_source(s) {
        Ok(o) => o,
        Err(e) => panic!("{e}\n---\n{s}"),
    }
}

#[test]
fn smoke() {
    let out =
        fmt("agent a {\n model = model.m\n   description = \"x\"  // why\n kind = analytical }\n");
    println!("{out}");
}

/// Every `.pmth` file under `dir`.
fn pmth_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            pmth_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "pmth") {
            out.push(p);
        }
    }
}

/// Over every corpus: a file formats (or is refused for a syntax error only),
/// the output is a fixed point, and every comment survives, in number and text.
#[test]
fn corpora_are_idempotent_and_keep_comments() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "../tests/cases",
        "../examples",
        "../stdlib",
        "../../shared/conformance",
    ] {
        pmth_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "only {} files found", files.len());
    let (mut formatted, mut refused) = (0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        match format_source(&text) {
            Ok(once) => {
                formatted += 1;
                match format_source(&once) {
                    Ok(twice) if twice == once => {}
                    Ok(twice) => failures.push(format!(
                        "{}: not idempotent\n--- once\n{once}\n--- twice\n{twice}",
                        path.display()
                    )),
                    Err(e) => failures.push(format!("{}: second pass: {e}", path.display())),
                }
                let mut a = super::comment_texts(&text);
                let mut b = super::comment_texts(&once);
                a.sort_unstable();
                b.sort_unstable();
                if a != b {
                    failures.push(format!("{}: comments differ", path.display()));
                }
            }
            Err(super::FormatError::Syntax(_)) => refused += 1,
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        formatted > refused,
        "{formatted} formatted, {refused} refused"
    );
}

#[test]
#[ignore]
fn debug_one() {
    let p = std::env::var("FMT_FILE").unwrap_or_default();
    let text = std::fs::read_to_string(p).unwrap_or_default();
    let decls = super::parse_clean(&text).ok().unwrap_or_default();
    let mut pr = super::print::Printer::new(&text);
    pr.file(&decls);
    println!("{}", pr.finish());
}
