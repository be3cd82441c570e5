//! Stage tests: sources parsed with the real parser, expanded, and the expansion or
//! the diagnostics (primary and related labels, as a user reads them) compared.

use super::testutil::render;
use super::*;
use crate::ast::ValueKind;
use crate::diag::{Diagnostic, Diagnostics};
use crate::parse::parse_source;
use crate::source::FileKind;

/// Parses (asserting no syntax errors) and expands `src`; diagnostics finished.
fn run(src: &str) -> (Expanded, Vec<Diagnostic>, SourceMap) {
    run_files(&[("main.pmth", src)])
}

fn run_files(files: &[(&str, &str)]) -> (Expanded, Vec<Diagnostic>, SourceMap) {
    let mut map = SourceMap::new();
    let mut decls = Vec::new();
    for (path, src) in files {
        let id = map.add((*path).into(), FileKind::Pmth, (*src).into(), false);
        if let Some(f) = map.get(id) {
            let (d, e) = parse_source(f);
            assert!(e.is_empty(), "parse errors: {e:?}");
            decls.extend(d);
        }
    }
    let (expanded, mut diags) = expand(&map, Parsed { decls });
    diags.finish(&map);
    (expanded, diags.into_vec(), map)
}

/// `(code, line)` of every diagnostic.
fn codes(src: &str) -> Vec<(&'static str, u32)> {
    let (_, diags, map) = run(src);
    diags
        .iter()
        .map(|d| (d.code, map.start(d.primary.span).line))
        .collect()
}

/// The source, then each diagnostic with its labels, for snapshots.
fn show(src: &str) -> String {
    let (_, diags, map) = run(src);
    render_diags(src, &diags, &map)
}

/// Like [`show`], for the whole front end: parse, expand, resolve and check.
fn show_checked(src: &str) -> String {
    let (diags, map) = checked(src);
    render_diags(src, &diags, &map)
}

/// Compiles `src` up to `check` (no stdlib); diagnostics finished.
fn checked(src: &str) -> (Vec<Diagnostic>, SourceMap) {
    use crate::load::{GovernanceConfig, Manifest, Workspace};
    let mut sources = SourceMap::new();
    let manifest_file = sources.add("pmth.toml".into(), FileKind::Manifest, String::new(), false);
    let main = sources.add("main.pmth".into(), FileKind::Pmth, src.into(), false);
    let ws = Workspace {
        root: std::path::PathBuf::from("."),
        sources,
        manifest: Some(Manifest {
            name: "case".into(),
            version: semver::Version::new(0, 1, 0),
            organization: None,
            homepage: None,
            governance: GovernanceConfig::default(),
        }),
        manifest_file,
        pmth_files: vec![main],
        policy_files: Vec::new(),
    };
    let mut diags = Diagnostics::new();
    let (parsed, d) = crate::parse::parse(&ws);
    diags.extend(d);
    let (expanded, d) = expand(&ws.sources, parsed);
    diags.extend(d);
    let (resolved, d) = crate::resolve::resolve(&ws.sources, expanded);
    diags.extend(d);
    let (_, d) = crate::check::check(&ws, resolved);
    diags.extend(d);
    diags.finish(&ws.sources);
    (diags.into_vec(), ws.sources)
}

fn render_diags(src: &str, diags: &[Diagnostic], map: &SourceMap) -> String {
    let mut out = String::new();
    for (n, line) in src.lines().enumerate() {
        out.push_str(&format!("{:>3} | {line}\n", n + 1));
    }
    out.push_str("---\n");
    let at = |s: Span| {
        let lc = map.start(s);
        format!("{}:{} `{}`", lc.line, lc.column, map.slice(s))
    };
    for d in diags {
        out.push_str(&format!(
            "{} {}: {}\n",
            d.severity.as_str(),
            d.code,
            d.message
        ));
        out.push_str(&format!(
            "  --> {} {}\n",
            at(d.primary.span),
            d.primary.message
        ));
        for r in &d.related {
            out.push_str(&format!("  ... {} {}\n", at(r.span), r.message));
        }
        for note in &d.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        if let Some(h) = &d.help {
            out.push_str(&format!("  = help: {h}\n"));
        }
    }
    out
}

/// `(code, line, related lines)` of every diagnostic, up to `check`.
fn checked_lines(src: &str) -> Vec<(&'static str, u32, Vec<u32>)> {
    let (diags, map) = checked(src);
    diags
        .iter()
        .map(|d| {
            (
                d.code,
                map.start(d.primary.span).line,
                d.related.iter().map(|r| map.start(r.span).line).collect(),
            )
        })
        .collect()
}

/// The expanded block of the declaration named `name`.
fn body(e: &Expanded, name: &str) -> String {
    match e
        .units
        .iter()
        .find(|u| u.decl.name.name == name)
        .map(|u| &u.decl.body)
    {
        Some(DeclBody::Attrs(b)) => render(b),
        Some(DeclBody::Broken) => "<broken>".to_owned(),
        other => format!("{other:?}"),
    }
}

/// A conformance case's `main.pmth` (from the first ancestor holding `shared/`).
fn conformance(case: &str) -> Option<String> {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = here
        .ancestors()
        .map(|a| a.join("shared/conformance"))
        .find(|p| p.is_dir())?;
    std::fs::read_to_string(dir.join(case).join("main.pmth")).ok()
}

const MODEL: &str = "model swift { description = \"m\" provider = \"openai\" }\n";

#[test]
fn an_instance_becomes_an_ordinary_declaration() {
    let src = format!(
        "{MODEL}template desk for agent {{
  param topic: string
  param tier: \"basic\" | \"premium\" = \"basic\"
  param n: int = 3
  description = \"Answers ${{topic}} questions (${{tier}}, ${{n}})\"
  kind = conversational
  model = model.swift
  limits {{ max_steps = param.n  timeout = 30s }}
}}
/// Billing.
agent billing = template.desk(topic = \"billing\", n = 5) {{
  limits {{ budget_usd = 1.5 }}
}}
"
    );
    let (e, diags, _) = run(&src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        body(&e, "billing"),
        "{description=\"Answers billing questions (basic, 5)\" kind=conversational \
         model=model.swift limits={max_steps=5 timeout=a duration budget_usd=1.5}}"
    );
    let unit = e.units.iter().find(|u| u.decl.name.name == "billing");
    let origin = unit.and_then(|u| u.origin.as_ref());
    assert_eq!(origin.map(|o| o.template.as_str()), Some("desk"));
    assert_eq!(origin.map(|o| o.args.len()), Some(2));
    assert_eq!(unit.and_then(|u| u.decl.doc.as_deref()), Some("Billing."));
    // Templates stay, in input order.
    let kinds: Vec<Kind> = e.units.iter().map(|u| u.decl.kind).collect();
    assert_eq!(kinds, vec![Kind::Model, Kind::Template, Kind::Agent]);
}

#[test]
fn substituted_values_take_the_use_site_span_and_references_the_arguments() {
    let src = "template t for agent {
  param n: int
  param o: object { a: int }
  param m: model
  param ms: list<model>
  x = param.n
  g = param.o
  model = param.m
  fallback_models = param.ms
  y = 1
}
agent a = template.t(n = 7, o = { a = 1 },
  m = model.x, ms = [model.y])
";
    let (e, diags, map) = run(src);
    assert!(diags.is_empty(), "{diags:?}");
    let Some(DeclBody::Attrs(b)) = e.units.get(1).map(|u| &u.decl.body) else {
        panic!("not expanded");
    };
    let line = |s: Span| map.start(s).line;
    let lines: Vec<(String, u32)> = b
        .attrs()
        .map(|a| (a.key.name.to_string(), line(a.value.span)))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("x".to_owned(), 6),
            ("g".to_owned(), 7),
            ("model".to_owned(), 13),
            ("fallback_models".to_owned(), 9),
            ("y".to_owned(), 10),
        ]
    );
    // Inside a block, keys and values move to the use too; a list's elements
    // that are references stay on the argument.
    let inner = match b.attr("g").map(|a| &a.value.kind) {
        Some(ValueKind::Block(g)) => g
            .attrs()
            .map(|a| (line(a.key.span), line(a.value.span)))
            .collect(),
        _ => Vec::new(),
    };
    assert_eq!(inner, vec![(7, 7)]);
    let elems: Vec<u32> = match b.attr("fallback_models").map(|a| &a.value.kind) {
        Some(ValueKind::List(items)) => items.iter().map(|i| line(i.span)).collect(),
        _ => Vec::new(),
    };
    assert_eq!(elems, vec![13]);
}

#[test]
fn extends_inherits_params_and_body_and_the_child_overrides() {
    let src = "template base for agent {
  param topic: string
  param tier: string = \"basic\"
  status = deprecated
  description = \"Base ${topic}\"
  kind = conversational
  governance { audit = true  safety_level = low }
}
template child for agent extends template.base {
  param tier: string = \"gold\"
  kind = analytical
  governance { safety_level = high }
}
agent a = template.child(topic = \"x\")
";
    let (e, diags, _) = run(src);
    let got: Vec<_> = diags.iter().map(|d| d.code).collect();
    assert_eq!(got, vec!["PM0106"], "extending a deprecated template warns");
    assert_eq!(
        body(&e, "a"),
        "{description=\"Base x\" kind=analytical governance={audit=true safety_level=high}}"
    );
    let info = e.templates.get("child");
    assert_eq!(info.and_then(|t| t.extends.as_deref()), Some("base"));
    let params: Vec<&str> = info.map_or(Vec::new(), |t| {
        t.params.iter().map(|p| p.name.as_str()).collect()
    });
    assert_eq!(params, vec!["topic", "tier"]);
}

#[test]
fn a_parent_body_sees_the_childs_arguments() {
    let src = "template base for agent { param p: string = \"a\"  description = \"${p}\" }
template child for agent extends template.base { param p: string = \"b\" }
agent x = template.child()
";
    let (e, diags, _) = run(src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(body(&e, "x"), "{description=\"b\"}");
}

#[test]
fn optional_params_without_argument_disappear() {
    let src = "template t for agent {
  param extra?: list<tool>
  param note?: string
  tools = param.extra
  description = \"d${note}\"
}
agent a = template.t()
agent b = template.t(extra = [tool.x], note = \"!\")
";
    let (e, diags, _) = run(src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(body(&e, "a"), "{description=\"d\"}");
    assert_eq!(body(&e, "b"), "{tools=[tool.x] description=\"d!\"}");
}

#[test]
fn versions_pick_the_highest_satisfying_non_retired_one() {
    let src = "template t@1.0.0 for agent { description = \"one\" }
template t@1.5.0 for agent { description = \"one-five\" }
template t@1.9.0 for agent { description = \"retired\"  status = retired }
template t@2.0.0 for agent { description = \"two\" }
agent a = template.t@^1()
agent b = template.t()
agent c = template.t@=1.0.0()
";
    let (e, diags, _) = run(src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(body(&e, "a"), "{description=\"one-five\"}");
    assert_eq!(body(&e, "b"), "{description=\"two\"}");
    assert_eq!(body(&e, "c"), "{description=\"one\"}");
    let origin = |n: &str| {
        e.units
            .iter()
            .find(|u| u.decl.name.name == n)
            .and_then(|u| u.origin.as_ref())
            .map(|o| o.template.clone())
    };
    assert_eq!(origin("a").as_deref(), Some("t@1.5.0"));
}

#[test]
fn without_a_requirement_a_release_beats_a_pre_release() {
    let src = "template t@1.0.0 for agent { description = \"release\" }
template t@2.0.0-beta.1 for agent { description = \"beta\" }
agent a = template.t()
agent b = template.t@\">=2.0.0-beta.1\"()
";
    let (e, diags, _) = run(src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(body(&e, "a"), "{description=\"release\"}");
    assert_eq!(body(&e, "b"), "{description=\"beta\"}");
}

#[test]
fn version_problems() {
    let src = "template t@1.0.0 for agent { status = retired }
template u@1.0.0 for agent { status = deprecated }
agent a = template.t()
agent b = template.t@^2()
agent c = template.u()
template plain for agent { }
agent d = template.plain@1()
";
    assert_eq!(
        codes(src),
        vec![("PM0105", 3), ("PM0104", 4), ("PM0106", 5), ("PM0104", 7)]
    );
}

#[test]
fn unknown_and_wrong_kind_templates_are_broken_without_cascade() {
    let src = format!(
        "{MODEL}template desk for agent {{ param topic: string }}
agent a = template.dsek(topic = 1)
agent c = template.swift()
tool d = template.desk()
"
    );
    let (e, diags, map) = run(&src);
    let got: Vec<_> = diags
        .iter()
        .map(|d| (d.code, map.start(d.primary.span).line))
        .collect();
    assert_eq!(got, vec![("PM0101", 3), ("PM0102", 4), ("PM0601", 5)]);
    for n in ["a", "c", "d"] {
        assert_eq!(body(&e, n), "<broken>", "{n}");
    }
    assert_eq!(
        diags.first().and_then(|d| d.help.as_deref()),
        Some("did you mean `template.desk`?")
    );
}

#[test]
fn argument_problems_land_on_the_argument() {
    let src = "template t for agent {
  param name: string { pattern = \"^[a-z]+$\" }
  param n: int { min = 1  max = 5 } = 1
  param brain: model
  param kit: list<tool> = []
  param wait: duration = 1s
}
agent ok = template.t(name = \"a\", brain = model.m, kit = [tool.x], wait = 2m)
agent a = template.t(name = \"Bad\", brain = model.m)
agent b = template.t(name = \"a\",
  n = 9,
  brain = tool.m,
  kit = [model.x],
  wait = 30,
  nmae = \"x\",
  name = \"b\")
";
    assert_eq!(
        codes(src),
        vec![
            ("PM0601", 9),
            ("PM0601", 11),
            ("PM0601", 12),
            ("PM0601", 13),
            ("PM0601", 14),
            ("PM0601", 15),
            ("PM0601", 16),
        ]
    );
}

#[test]
fn missing_arguments_are_one_error_on_the_instantiation() {
    let src = "template t for agent { param a: string  param b: int  description = \"${a}\"  x = param.b }
agent i = template.t()
";
    let (e, diags, map) = run(src);
    let got: Vec<_> = diags
        .iter()
        .map(|d| (d.code, map.start(d.primary.span).line))
        .collect();
    assert_eq!(got, vec![("PM0601", 2)]);
    // The values that use them are invalid (their checks are skipped).
    assert_eq!(body(&e, "i"), "{description=<invalid> x=<invalid>}");
}

#[test]
fn unknown_params_are_reported_where_used_even_without_instances() {
    let src = "template t for agent {
  param topic: string
  description = \"${tpoic}\"
  x = [param.nope]
  param bad: string = \"${topic}\"
}
agent a { description = \"${topic}\"  y = param.topic }
agent b = template.t(topic = \"${x}\") { z = param.topic }
";
    assert_eq!(
        codes(src),
        vec![
            ("PM0602", 3),
            ("PM0602", 4),
            ("PM0602", 5),
            ("PM0602", 7),
            ("PM0602", 7),
            ("PM0602", 8),
            ("PM0602", 8),
        ]
    );
}

#[test]
fn extends_cycles_are_one_error_on_the_earliest_member() {
    let src = "template a for agent extends template.b { }
template b for agent extends template.c { }
template c for agent extends template.a { }
template d for agent extends template.a { }
template e for agent extends template.e { }
agent x = template.d()
";
    let (e, diags, map) = run(src);
    let got: Vec<_> = diags
        .iter()
        .map(|d| (d.code, map.start(d.primary.span).line, d.message.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "PM0108",
                1,
                "templates extend each other in a cycle: a → b → c → a".to_owned()
            ),
            (
                "PM0108",
                5,
                "templates extend each other in a cycle: e → e".to_owned()
            ),
        ]
    );
    assert_eq!(body(&e, "x"), "<broken>");
}

#[test]
fn cycles_start_at_the_earliest_file() {
    let (_, diags, map) = run_files(&[
        ("b.pmth", "template b for agent extends template.a { }\n"),
        (
            "a.pmth",
            "\n\ntemplate a for agent extends template.b { }\n",
        ),
    ]);
    let got: Vec<_> = diags
        .iter()
        .map(|d| (map.path(d.primary.span.file).to_owned(), d.message.clone()))
        .collect();
    assert_eq!(
        got,
        vec![(
            "a.pmth".to_owned(),
            "templates extend each other in a cycle: a → b → a".to_owned()
        )]
    );
}

#[test]
fn bad_extends_targets() {
    let src = "template t for tool { }
template a for agent extends template.nope { description = \"${anything}\" }
template b for agent extends template.t { }
agent x = template.a()
";
    assert_eq!(codes(src), vec![("PM0101", 2), ("PM0601", 3)]);
}

#[test]
fn registry_entries_describe_params() {
    let src = "template t for agent {
  param topic: string { min_len = 1 }
  param tier: \"a\" | \"b\" = \"a\"
  param brain: model
}
";
    let (e, _, _) = run(src);
    let entry = e.templates.get("t").map(|t| {
        t.registry_entry(&|v: &Value| match &v.kind {
            crate::ast::ValueKind::Str(s) => s.as_plain().map(Json::String),
            _ => None,
        })
    });
    assert_eq!(
        entry,
        Some(json!({
            "for": "agent",
            "params": {
                "topic": {"type": "string", "minLength": 1},
                "tier": {"type": "string", "enum": ["a", "b"], "default": "a"},
                "brain": {"type": "string", "x-pmth-ref": "model"},
            },
            "required": ["topic", "brain"],
        }))
    );
}

#[test]
fn conformance_templates_case() {
    let Some(src) = conformance("templates") else {
        return;
    };
    assert_eq!(codes(&src), vec![("PM0602", 20), ("PM0601", 25)]);
    insta::assert_snapshot!(show(&src));
}

#[test]
fn conformance_ok_all_kinds_case() {
    let Some(src) = conformance("ok_all_kinds") else {
        return;
    };
    let (e, diags, _) = run(&src);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(
        body(&e, "billing_desk").starts_with("{description=\"Answers billing questions (basic)\"")
    );
}

#[test]
fn conformance_cases_resolve_cleanly_after_expansion() {
    for case in ["templates", "ok_all_kinds"] {
        let Some(src) = conformance(case) else {
            return;
        };
        let (e, _, map) = run(&src);
        let (_, mut diags) = crate::resolve::resolve(&map, e);
        diags.finish(&map);
        assert!(diags.is_empty(), "{case}: {:?}", diags.into_vec());
    }
}

#[test]
fn snapshot_argument_diagnostics() {
    insta::assert_snapshot!(show(
        "template desk for agent {
  param topic: string { pattern = \"^[a-z]+$\" }
  param brain: model
  description = \"Answers ${topic}\"
}
agent a = template.desk(topic = \"Billing\", brain = tool.x, tpoic = \"x\")
agent b = template.desk()
tool c = template.desk(topic = \"c\", brain = model.m)
"
    ));
}

#[test]
fn snapshot_param_and_cycle_diagnostics() {
    insta::assert_snapshot!(show(
        "template a for agent extends template.b { param topic: string  description = \"${tpoic}\" }
template b for agent extends template.a { }
agent x { description = \"${topic}\" }
"
    ));
}

#[test]
fn truncated_sources_never_panic() {
    let src = "template base for agent { param a: string = \"x\"  description = \"${a}\"  g { k = param.a } }
template t@1.0.0 for agent extends template.base@^0 {
  param n: int { min = 1 } = 2
  param m?: list<model>
  fallback_models = param.m
  when = param.n > 1 && \"${a}\" == \"x\"
}
agent i = template.t@1(a = \"y\", n = 3, m = [model.q]) { g { j = 1 } }
agent k = template.base() { description = \"${a}\" }
";
    for end in (0..=src.len()).filter(|e| src.is_char_boundary(*e)) {
        let mut map = SourceMap::new();
        let text = src.get(..end).unwrap_or_default();
        let id = map.add("main.pmth".into(), FileKind::Pmth, text.into(), false);
        let decls = map.get(id).map(|f| parse_source(f).0).unwrap_or_default();
        let _ = expand(&map, Parsed { decls });
    }
}

// Argument-dependent errors (LANGUAGE.md §9): on the template line, one per
// (code, location), every instance as a related label.

const SIZED: &str = "model swift { description = \"m\" provider = \"openai\" }
template sized for model {
  param window: int
  description = \"d\"
  provider = \"openai\"
  context_window = param.window
}
";

#[test]
fn an_argument_invalid_for_the_attribute_is_one_error_on_the_template_line() {
    let src = format!(
        "{SIZED}model small = template.sized(window = 0)
model tiny = template.sized(window = 0)
model fine = template.sized(window = 1000)
"
    );
    assert_eq!(checked_lines(&src), vec![("PM0204", 6, vec![8, 9])]);
}

#[test]
fn instances_with_different_values_still_merge_and_say_theirs() {
    let src = format!(
        "{SIZED}model small = template.sized(window = 0)
model tiny = template.sized(window = -5)
"
    );
    let (diags, _) = checked(&src);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let labels: Vec<&str> = diags
        .iter()
        .flat_map(|d| d.related.iter().map(|r| r.message.as_str()))
        .collect();
    assert_eq!(
        labels,
        vec![
            "in instance `small`",
            "in instance `tiny`: `context_window` is out of range: -5"
        ]
    );
}

#[test]
fn an_argument_that_breaks_its_param_stays_on_the_argument() {
    let src = "model swift { description = \"m\" provider = \"openai\" }
template sized for model {
  param window: int { min = 1 }
  param brain: model = model.swift
  description = \"d\"
  provider = \"openai\"
  context_window = param.window
  service = param.brain
}
model small = template.sized(window = 0)
model tiny = template.sized(window = 10, brain = model.nope)
";
    // PM0601 on the argument (the param's own constraint); PM0101 on the
    // reference passed as an argument; the substituted `model.swift` default is
    // a model where a service is expected: PM0102 on the reference, the param
    // line, for the instance not passing `brain`.
    assert_eq!(
        checked_lines(src),
        vec![
            ("PM0102", 4, vec![10]),
            ("PM0601", 10, vec![3]),
            ("PM0101", 11, vec![])
        ]
    );
}

#[test]
fn snapshot_argument_dependent_diagnostics() {
    insta::assert_snapshot!(show_checked(&format!(
        "{SIZED}model small = template.sized(window = 0)
model tiny = template.sized(window = 0)
model wee = template.sized(window = -1)
model fine = template.sized(window = 1000)
"
    )));
}

// Union params in enum slots.

const ENUMS: &str = "model m { description = \"d\" provider = \"x\" }
template t for agent {
  param k: \"analytical\" | \"creative\" = \"creative\"
  param level: \"low\" | \"high\" = \"low\"
  param mods: list<\"text\" | \"image\"> = [\"text\"]
  description = \"d\"
  kind = param.k
  model = model.m
  governance { safety_level = param.level }
}
";

#[test]
fn a_union_param_in_an_enum_slot_becomes_the_word() {
    let src = format!(
        "{ENUMS}agent a = template.t(k = \"analytical\", level = \"high\")
agent b = template.t()
"
    );
    let (e, diags, _) = run(&src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        body(&e, "a"),
        "{description=\"d\" kind=analytical model=model.m governance={safety_level=high}}"
    );
    assert_eq!(checked_lines(&src), vec![]);
}

#[test]
fn a_list_of_union_param_in_a_list_of_enum_slot_becomes_words() {
    let src = "template t for model {
  param mods: list<\"text\" | \"image\"> = [\"text\"]
  description = \"d\"
  provider = \"x\"
  modalities = param.mods
}
model a = template.t(mods = [\"text\", \"image\"])
";
    let (e, diags, _) = run(src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        body(&e, "a"),
        "{description=\"d\" provider=\"x\" modalities=[text image]}"
    );
    assert_eq!(checked_lines(src), vec![]);
}

#[test]
fn union_members_outside_the_enum_are_one_error_at_the_use() {
    let src = "model m { description = \"d\" provider = \"x\" }
template t for agent {
  param k: \"analytical\" | \"chatty\" = \"analytical\"
  description = \"d\"
  kind = param.k
  model = model.m
}
template unused for agent {
  param k: \"chatty\" | \"analytical\"
  description = \"d\"
  kind = param.k
  model = model.m
}
agent fine = template.t()
agent bad = template.t(k = \"chatty\")
agent worse = template.t(k = \"chatty\")
";
    // Reported for each template on its own (even never instantiated); the
    // instances passing a member outside the enum are listed on it.
    assert_eq!(
        checked_lines(src),
        vec![("PM0206", 5, vec![3, 15, 16]), ("PM0206", 11, vec![9])]
    );
}

#[test]
fn a_plain_string_param_in_an_enum_slot_is_a_type_error_on_the_template_line() {
    let src = "model m { description = \"d\" provider = \"x\" }
template t for agent {
  param k: string
  description = \"d\"
  kind = param.k
  model = model.m
}
agent a = template.t(k = \"analytical\")
agent b = template.t(k = \"creative\")
";
    assert_eq!(checked_lines(src), vec![("PM0203", 5, vec![8, 9])]);
}

#[test]
fn snapshot_enum_param_diagnostics() {
    insta::assert_snapshot!(show_checked(
        "model m { description = \"d\" provider = \"x\" }
template t for agent {
  param k: \"analytical\" | \"chatty\" | \"loud\" = \"analytical\"
  param level: \"low\" | \"high\" = \"low\"
  description = \"d\"
  kind = param.k
  model = model.m
  governance { safety_level = param.level }
}
agent fine = template.t(level = \"high\")
agent bad = template.t(k = \"chatty\")
agent worse = template.t(k = \"loud\")
"
    ));
}
