use super::format_source;

fn fmt(s: &str) -> String {
    match format_source(s) {
        Ok(o) => o,
        Err(e) => panic!("{e}\n---\n{s}"),
    }
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

/// The input, then its formatted form, for a snapshot; also checks that the
/// output is a fixed point.
fn before_after(input: &str) -> String {
    let once = fmt(input);
    assert_eq!(fmt(&once), once, "not idempotent");
    format!("{input}\n---- formatted ----\n{once}")
}

#[test]
fn attributes_in_table_order_unknown_keys_last() {
    insta::assert_snapshot!(before_after(
        "agent a { zeta = 1 tools = [tool.t] model = model.m  alpha = \"x\"\n description = \"d\" kind = analytical }\n"
    ));
}

#[test]
fn long_lists_break_one_item_per_line() {
    insta::assert_snapshot!(before_after(concat!(
        "agent a {\n  description = \"d\"\n",
        "  capabilities = [capability.support.billing.refund, capability.support.crm, capability.support.answer]\n",
        "  tools = [\n    tool.a,\n    tool.b\n  ]\n}\n",
    )));
}

#[test]
fn nested_blocks_stay_on_one_line_when_they_fit() {
    insta::assert_snapshot!(before_after(concat!(
        "agent a {\n  description = \"d\"\n  limits { max_steps = 6  timeout = 1m  budget_usd = 0.25 }\n",
        "  governance { safety_level = medium  audit = true  content_filter = standard  human_approval = false }\n",
        "  remote {\n    card = \"https://x.example/card\"\n  }\n}\n",
        "service s {\n  description = \"d\"\n  endpoint = \"https://api.example\"\n",
        "  auth = api_key { header = \"X-Key\" value = env(\"K\") }\n}\n",
    )));
}

#[test]
fn comments_in_every_position() {
    insta::assert_snapshot!(before_after(concat!(
        "// File header.\n\n",
        "// Before the declaration.\n",
        "agent a { // on the opening line\n",
        "  // before kind\n",
        "  kind = analytical // trailing kind\n",
        "\n",
        "  /* a block comment */\n",
        "  description = \"d\"\n",
        "  tools = [ // opening the list\n",
        "    tool.a, // after a\n",
        "    // before b\n",
        "    tool.b,\n",
        "    // dangling in the list\n",
        "  ]\n",
        "  limits {\n    max_steps = 3 // steps\n  }\n",
        "  // dangling at the end of the block\n",
        "} // after the declaration\n",
        "// The end of the file.\n",
    )));
}

/// Found by fuzzing (`fmt`): a doc comment with trailing blanks was refused
/// as unsafe (the formatter drops them, and they were part of the doc).
#[test]
fn doc_comments_with_trailing_blanks_format_to_the_same_meaning() {
    for input in [
        "///n \nagent t{}",
        "/// a\t\n/// b \r\ntool t { params {\n  /// q \n  q: string\n} }\r\n",
    ] {
        let out = fmt(input);
        assert!(super::same_meaning(input, &out), "{out}");
        assert!(
            !out.contains(" \n") && !out.contains(" \r\n") && !out.contains("\t\n"),
            "{out:?}"
        );
        assert_eq!(fmt(&out), out);
    }
}

#[test]
fn doc_comments_stay_with_their_declaration_and_field() {
    insta::assert_snapshot!(before_after(concat!(
        "/// A tool.\n/// Two lines.\ntool t { risk = low description = \"d\"\n",
        "  params {\n    /// The query.\n    query: string { min_len = 1 }\n    /// How many.\n    limit?: int = 5\n  }\n",
        "  returns: object { hits: list<string> }\n}\n",
    )));
}

#[test]
fn triple_quoted_strings_numbers_and_units_are_kept_as_written() {
    insta::assert_snapshot!(before_after(concat!(
        "agent a {\n   instructions = \"\"\"\n      Be brief.\n        Indented line.\n      \"\"\"\n",
        "  description = \"tab\\there ${x}\"\n",
        "  limits { timeout = 1m  budget_usd = 1.50  max_steps = 12 }\n}\n",
        "model m { description = \"m\" context_window = 128000 provider = \"openai\" }\n",
    )));
}

#[test]
fn templates_and_instances() {
    insta::assert_snapshot!(before_after(concat!(
        "template desk for agent extends template.base@^1 {\n  description = \"${product}\"\n",
        "  param product: string { pattern = \"^[a-z]+$\" }\n  kind = conversational\n",
        "  param brain: model = model.m\n}\n",
        "agent one = template.desk(product = \"hw\")\n",
        "agent two = template.desk(product = \"enterprise\", brain = model.big) { labels { tier = \"gold\" } }\n",
        "agent three = template.desk(\n  // the product\n",
        "  product = \"a-very-long-product-name-that-goes-on\", brain = model.a_model_with_a_long_name_too,\n)\n",
    )));
}

#[test]
fn workflows_keep_step_order() {
    insta::assert_snapshot!(before_after(concat!(
        "workflow w {\n  step b { after = [step.a] agent = agent.x with { q = step.a.output } ",
        "when = input.n > 3 && !(input.flag) }\n",
        "  description = \"d\"\n  input { n: int = 1  flag: bool }\n",
        "  step a { select = capability.c  output: string }\n  result = step.b.output\n}\n",
    )));
}

#[test]
fn syntax_errors_are_refused() {
    for bad in [
        "agent a { kind = = x }",
        "agent a {",
        "tool t { x = \"unterminated }\n",
        "junk",
    ] {
        assert!(
            matches!(format_source(bad), Err(super::FormatError::Syntax(_))),
            "{bad}"
        );
    }
}

#[test]
fn empty_and_canonical_texts_are_unchanged() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("// only a comment\n"), "// only a comment\n");
    let canonical = "capability c {\n  description = \"d\"\n}\n";
    assert_eq!(fmt(canonical), canonical);
    assert_eq!(
        fmt("\u{feff}capability c { description = \"d\" }\r\n"),
        "\u{feff}capability c {\r\n  description = \"d\"\r\n}\r\n"
    );
}

/// docs/fmt.md's before/after example is what the formatter does.
#[test]
fn the_documented_example_is_true() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/fmt.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let blocks: Vec<&str> = doc
        .split("```pmth\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    let [before, after, ..] = blocks[..] else {
        panic!("docs/fmt.md has no before/after pair");
    };
    assert_eq!(fmt(before), after);
}

/// The safety comparison sees layout and order as equal and meaning as not.
#[test]
fn safety_compares_meaning_not_layout() {
    let canon = |t: &str| super::parse_clean(t).map(super::safety::canonical).ok();
    let a = canon("agent a { kind = analytical description = \"d\" }");
    assert!(a.is_some());
    assert_eq!(
        a,
        canon("agent a {\n  description = \"d\"\n  kind = analytical\n}\n")
    );
    assert_ne!(a, canon("agent a { kind = creative description = \"d\" }"));
    assert_ne!(
        a,
        canon("agent a { description = \"e\" kind = analytical }")
    );
    // Steps keep their order: swapping them is a different workflow.
    let w = canon("workflow w { step a { agent = agent.x } step b { agent = agent.y } }");
    assert_ne!(
        w,
        canon("workflow w { step b { agent = agent.y } step a { agent = agent.x } }")
    );
}
