//! Stage tests: sources parsed with the real parser, expanded, and the expansion or
//! the diagnostics (primary and related labels, as a user reads them) compared.

use super::testutil::render;
use super::*;
use crate::diag::Diagnostic;
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
    let mut out = String::new();
    for (n, line) in src.lines().enumerate() {
        out.push_str(&format!("{:>3} | {line}\n", n + 1));
    }
    out.push_str("---\n");
    let at = |s: Span| {
        let lc = map.start(s);
        format!("{}:{} `{}`", lc.line, lc.column, map.slice(s))
    };
    for d in &diags {
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
fn substituted_values_carry_the_arguments_span() {
    let src = "template t for agent {\n  param n: int\n  x = param.n\n  y = 1\n}\nagent a = template.t(n = 7)\n";
    let (e, _, map) = run(src);
    let Some(DeclBody::Attrs(b)) = e.units.get(1).map(|u| &u.decl.body) else {
        panic!("not expanded");
    };
    let lines: Vec<(String, u32)> = b
        .attrs()
        .map(|a| (a.key.name.clone(), map.start(a.value.span).line))
        .collect();
    assert_eq!(lines, vec![("x".to_owned(), 6), ("y".to_owned(), 4)]);
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
