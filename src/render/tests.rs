//! Snapshot tests of every format on one fixture: a few files, diagnostics with
//! labels, related labels in another file, notes, help, a warning, an unreadable
//! file and a stdlib location.

use super::*;
use pmth_compiler::diag::Diagnostic;
use pmth_compiler::source::{FileId, FileKind};

const RESEARCH: &str = "/// Finds sources.
agent researcher {
  description = \"Researches — fast\"
  kind = analytical
  model = model.gpt4o
  tools = [tool.web_serch, tool.summarize]
  capabilities = [capability.web.search, capability.web.browse]
}
";

const SEARCH: &str = "tool web_search {
\tdescription = \"Search the web\"
\trisk = medium
}
";

const STDLIB: &str = "capability web { description = \"The web\" }
capability web.search { description = \"Search the web\" }
";

fn span_of(sources: &SourceMap, file: FileId, needle: &str) -> Span {
    let text = &sources.get(file).expect("file").text;
    let start = text.find(needle).expect("needle");
    Span::new(file, start, start + needle.len())
}

fn fixture() -> (SourceMap, Diagnostics) {
    let mut sources = SourceMap::new();
    let stdlib = sources.add(
        "stdlib:capabilities.pmth".into(),
        FileKind::Pmth,
        STDLIB.into(),
        true,
    );
    let research = sources.add(
        "agents/research.pmth".into(),
        FileKind::Pmth,
        RESEARCH.into(),
        false,
    );
    let search = sources.add(
        "tools/search.pmth".into(),
        FileKind::Pmth,
        SEARCH.into(),
        false,
    );
    let bad = sources.add("bad.pmth".into(), FileKind::Pmth, String::new(), false);

    let mut diags = Diagnostics::new();
    diags.push(
        Diagnostic::new(
            "PM0301",
            span_of(&sources, research, "capability.web.browse"),
            "agent `researcher` claims `capability.web.browse`, which nothing it uses provides",
        )
        .label("claimed here")
        .related(
            span_of(&sources, stdlib, "capability web.search"),
            "the closest capability that is provided",
        )
        .note("model `gpt4o` provides nlp.chat; tool `web_search` provides web.search")
        .help("add a tool that provides `web.browse`, or remove the claim"),
    );
    diags.push(
        Diagnostic::new(
            "PM0101",
            span_of(&sources, research, "tool.web_serch"),
            "unknown tool `web_serch`",
        )
        .label("no tool is named `web_serch`")
        .related(
            span_of(&sources, search, "tool web_search"),
            "declared here",
        )
        .help("did you mean `tool.web_search`?"),
    );
    diags.push(
        Diagnostic::new(
            "PM0702",
            span_of(&sources, search, "risk = medium"),
            "tool web_search is medium risk",
        )
        .label("medium risk"),
    );
    diags.push(
        Diagnostic::new(
            "PM0003",
            Span::new(bad, 0, 0),
            "`bad.pmth` is not UTF-8 (invalid byte on line 3)",
        )
        .label("unreadable file"),
    );
    diags.finish(&sources);
    (sources, diags)
}

fn opts() -> RenderOptions {
    RenderOptions {
        color: false,
        base: String::new(),
        checked_files: 3,
        notes: Vec::new(),
    }
}

#[test]
fn human() {
    let (sources, diags) = fixture();
    insta::assert_snapshot!(render(Format::Human, &sources, &diags, &opts()));
}

#[test]
fn human_clean_run() {
    let sources = SourceMap::new();
    let out = render(Format::Human, &sources, &Diagnostics::new(), &opts());
    assert_eq!(out, "ok: no errors, no warnings (3 files checked)\n");
}

#[test]
fn human_in_colour() {
    let (sources, diags) = fixture();
    let o = RenderOptions {
        color: true,
        ..opts()
    };
    let out = render(Format::Human, &sources, &diags, &o);
    assert!(out.contains("\x1b[1m\x1b[31merror[PM0003]"), "{out}");
}

#[test]
fn json() {
    let (sources, diags) = fixture();
    let out = render(Format::Json, &sources, &diags, &opts());
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["errors"], 3);
    assert_eq!(doc["warnings"], 1);
    insta::assert_snapshot!(out);
}

#[test]
fn sarif() {
    let (sources, diags) = fixture();
    let o = RenderOptions {
        base: "fleet/".into(),
        ..opts()
    };
    let out = render(Format::Sarif, &sources, &diags, &o);
    let mut doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["version"], "2.1.0");
    // The rules' long texts come from the code table (tested there); keep the
    // snapshot about the layout.
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .expect("rules");
    for rule in rules {
        let info =
            pmth_compiler::diag::codes::lookup(rule["id"].as_str().expect("id")).expect("code");
        assert_eq!(rule["fullDescription"]["text"], info.explanation.trim());
        assert_eq!(rule["help"]["text"], info.fix.trim());
        rule["fullDescription"]["text"] = "<explanation from the code table>".into();
        rule["help"]["text"] = "<fix from the code table>".into();
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc).expect("json"));
}

#[test]
fn github() {
    let (sources, diags) = fixture();
    let o = RenderOptions {
        base: "fleet/".into(),
        ..opts()
    };
    insta::assert_snapshot!(render(Format::Github, &sources, &diags, &o));
}

#[test]
fn summaries() {
    let sources = SourceMap::new();
    let mut d = Diagnostics::new();
    d.push(Diagnostic::new("PM0106", Span::default(), "deprecated"));
    d.finish(&sources);
    assert_eq!(summary(&d, 1), "ok: no errors, 1 warning (1 file checked)");
    d.push(Diagnostic::new("PM0101", Span::default(), "unknown"));
    assert_eq!(summary(&d, 1), "error: 1 error, 1 warning");
}

#[test]
fn distant_labels_get_their_own_excerpt_primary_first() {
    let mut sources = SourceMap::new();
    let mut text = String::from("template desk for agent {\n  param topic: string\n}\n");
    text.push_str(&"\n".repeat(20));
    text.push_str("agent billing = template.desk() { }\n");
    let f = sources.add("x.pmth".into(), FileKind::Pmth, text, false);
    let mut diags = Diagnostics::new();
    diags.push(
        Diagnostic::new(
            "PM0601",
            span_of(&sources, f, "template.desk()"),
            "missing argument `topic`",
        )
        .label("missing `topic`")
        .related(
            span_of(&sources, f, "topic: string"),
            "param `topic` has no default",
        ),
    );
    diags.finish(&sources);
    insta::assert_snapshot!(render(Format::Human, &sources, &diags, &opts()));
}

#[test]
fn paths_are_relative_to_where_pmth_ran() {
    use std::path::Path;
    let cwd = Some(Path::new("/w/repo"));
    assert_eq!(relative_prefix(Path::new("/w/repo"), cwd), "");
    assert_eq!(relative_prefix(Path::new("/w/repo/fleet"), cwd), "fleet/");
    assert_eq!(relative_prefix(Path::new("/w"), cwd), "../");
    assert_eq!(relative_prefix(Path::new("/other/ws"), cwd), "/other/ws/");
    assert_eq!(relative_prefix(Path::new("./fleet/"), cwd), "fleet/");
    assert_eq!(relative_prefix(Path::new("."), cwd), "");
}
