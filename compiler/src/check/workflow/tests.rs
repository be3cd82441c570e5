//! Tests of the workflow checks, on parsed sources.

use super::*;
use crate::ast::{walk_block_values, Kind};
use crate::resolve::{RefMap, Target};
use crate::source::{FileKind, SourceMap};

/// Parses `src`, resolves every reference by name (test-only), and checks each
/// workflow. Returns (code, line, message) and the facts of the last workflow.
fn run(src: &str, world: &World) -> (Vec<(String, u32, String)>, WorkflowFacts) {
    let mut map = SourceMap::new();
    let id = map.add("main.pmth".into(), FileKind::Pmth, src.into(), false);
    let file = map.get(id).expect("file");
    let (decls, errs) = crate::parse::parse_source(file);
    assert!(errs.is_empty(), "parse errors: {errs:?}");
    let mut refs = RefMap::default();
    for d in &decls {
        if let DeclBody::Attrs(b) = &d.body {
            walk_block_values(b, &mut |v| {
                if let ValueKind::Ref(r) = &v.kind {
                    if let Some(i) = decls
                        .iter()
                        .position(|x| x.kind == r.kind && x.name.name == r.name)
                    {
                        refs.insert(
                            r.span,
                            Target {
                                unit: i,
                                id: r.name.clone(),
                            },
                        );
                    }
                }
            });
        }
    }
    let mut diags = Diagnostics::new();
    let mut facts = WorkflowFacts::default();
    for d in decls.iter().filter(|d| d.kind == Kind::Workflow) {
        let compiled = compiled(d);
        facts = check_workflow(d, &compiled, &refs, world, &mut diags);
    }
    diags.finish(&map);
    let out = diags
        .iter()
        .map(|d| {
            (
                d.code.to_owned(),
                map.start(d.primary.span).line,
                d.message.clone(),
            )
        })
        .collect();
    (out, facts)
}

/// What the attribute checker compiles for the workflow checker: `input_schema`
/// (the empty object when there is no `input`), `output_schema` and each
/// step's own `output`.
fn compiled(d: &Decl) -> serde_json::Map<String, serde_json::Value> {
    use crate::types::{block_schema, type_schema, TypeCx};
    let mut m = serde_json::Map::new();
    let DeclBody::Attrs(b) = &d.body else {
        return m;
    };
    let cx = TypeCx { allow_refs: false };
    let mut quiet = Vec::new();
    let field = |b: &crate::ast::Block, name: &str| {
        b.items.iter().find_map(|i| match i {
            Item::Field(f) if f.name.name == name => Some(f.clone()),
            _ => None,
        })
    };
    let input = match b.attr("input").map(|a| &a.value.kind) {
        Some(ValueKind::Block(ib)) => block_schema(cx, ib, &mut quiet),
        _ => Some(
            serde_json::json!({"type": "object", "properties": {}, "additionalProperties": false}),
        ),
    };
    if let Some(i) = input {
        m.insert("input_schema".into(), i);
    }
    if let Some(f) = field(b, "output") {
        if let Some(o) = type_schema(cx, &f.ty, f.constraints.as_ref(), &mut quiet) {
            m.insert("output_schema".into(), o);
        }
    }
    let mut steps = serde_json::Map::new();
    for s in b.steps() {
        let mut sm = serde_json::Map::new();
        if let Some(f) = field(&s.body, "output") {
            if let Some(o) = type_schema(cx, &f.ty, f.constraints.as_ref(), &mut quiet) {
                sm.insert("output".into(), o);
            }
        }
        steps.insert(s.name.name.to_string(), serde_json::Value::Object(sm));
    }
    m.insert("steps".into(), serde_json::Value::Object(steps));
    m
}

fn codes(src: &str) -> Vec<(String, u32)> {
    run(src, &world())
        .0
        .into_iter()
        .map(|(c, l, _)| (c, l))
        .collect()
}

fn world() -> World {
    let mut w = World::default();
    w.agents.insert(
        "worker".into(),
        AgentFacts {
            claims: vec!["acme.search".into()],
            retired: false,
            persona: Some("calm".into()),
            output: Some(serde_json::json!({"type": "object", "properties": {"title": {"type": "string"}, "score": {"type": "integer"}}, "required": ["title"], "additionalProperties": false})),
        },
    );
    w.agents.insert(
        "shouter".into(),
        AgentFacts {
            claims: vec!["acme".into()],
            retired: false,
            persona: Some("loud".into()),
            output: None,
        },
    );
    w.agents.insert(
        "old".into(),
        AgentFacts {
            claims: vec!["acme.write".into()],
            retired: true,
            persona: None,
            output: None,
        },
    );
    w.incompatible.insert("loud".into(), vec!["calm".into()]);
    w.tools.insert(
        "search".into(),
        ToolFacts {
            input: Some(serde_json::json!({"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer", "maximum": 20, "default": 5}}, "required": ["query"], "additionalProperties": false})),
            output: Some(serde_json::json!({"type": "array", "items": {"type": "string"}})),
        },
    );
    w
}

const TOOLS: &str = "tool search { description = \"t\" }\n";

/// Line numbers below count from the workflow header (line 1 of `src`).
fn flow_codes(body: &str) -> Vec<(String, u32)> {
    let src = format!("workflow w {{\n  description = \"x\"\n{body}}}\n{AGENTS}{TOOLS}");
    codes(&src)
}

fn code_lines(list: &[(&str, u32)]) -> Vec<(String, u32)> {
    list.iter().map(|(c, l)| ((*c).to_owned(), *l)).collect()
}

#[test]
fn exactly_one_of_agent_select_and_tool() {
    let got = flow_codes(
        "  step a { tool = tool.search  select = capability.acme  with { nope = 1 } }\n  step b { tool = tool.search  agent = agent.worker  select = capability.acme }\n  step c { tool = tool.search  with { query = \"q\" } }\n",
    );
    // The other checks of a broken step are skipped: no PM0404 for `nope`.
    assert_eq!(got, code_lines(&[("PM0405", 3), ("PM0405", 4)]));
}

#[test]
fn tool_steps_check_their_bindings_against_params() {
    let got = flow_codes(concat!(
        "  input { q: string  n: int = 1  f: float = 1.0 }\n",
        "  step ok { tool = tool.search  with { query = input.q  limit = input.n } }\n",
        "  step unknown { tool = tool.search  with { query = input.q  lmit = 3 } }\n",
        "  step missing { tool = tool.search  with { limit = 3 } }\n",
        "  step no_with { tool = tool.search }\n",
        "  step float_for_int { tool = tool.search  with { query = input.q  limit = input.f } }\n",
        "  step literal_out_of_range { tool = tool.search  with { query = \"x\"  limit = 50 } }\n",
        "  step untyped { agent = agent.shouter }\n",
        "  step from_untyped { tool = tool.search  after = [step.untyped]  with { query = step.untyped.output } }\n",
    ));
    assert_eq!(
        got,
        code_lines(&[
            ("PM0404", 5),
            ("PM0404", 6),
            ("PM0404", 7),
            ("PM0404", 8),
            ("PM0404", 9)
        ])
    );
}

#[test]
fn step_outputs_are_typed_and_checked() {
    let got = flow_codes(concat!(
        "  input { items: list<string> = [] }\n",
        "  step write { agent = agent.worker }\n",
        "  step use_field { agent = agent.worker  after = [step.write]  with { t = step.write.output.title } }\n",
        "  step bad_field { agent = agent.worker  after = [step.write]  with { t = step.write.output.titel } }\n",
        "  step find { tool = tool.search  with { query = step.write.output.title }  after = [step.write] }\n",
        "  step wrong { tool = tool.search  after = [step.find]  with { query = step.find.output } }\n",
        "  step agrees { tool = tool.search  with { query = \"q\" }\n    output: list<string>\n  }\n",
        "  step disagrees { tool = tool.search  with { query = \"q\" }\n    output: string\n  }\n",
        "  step each { tool = tool.search  for_each = input.items  with { query = item } }\n",
        "  step after_each { tool = tool.search  after = [step.each]  with { query = step.each.output } }\n",
    ));
    assert_eq!(
        got,
        code_lines(&[("PM0404", 6), ("PM0404", 8), ("PM0203", 13), ("PM0404", 16)])
    );
}

#[test]
fn step_output_types_reach_the_facts() {
    let src = format!(
        "workflow w {{\n  description = \"x\"\n  input {{ items: list<string> = [] }}\n  step a {{ tool = tool.search  with {{ query = \"q\" }} }}\n  step b {{ tool = tool.search  for_each = input.items  with {{ query = item }} }}\n  step c {{ agent = agent.shouter }}\n  step d {{ agent = agent.shouter\n    output: int\n  }}\n}}\n{AGENTS}{TOOLS}"
    );
    let (d, facts) = run(&src, &world());
    assert!(d.is_empty(), "{d:?}");
    let list = serde_json::json!({"type": "array", "items": {"type": "string"}});
    assert_eq!(facts.outputs.get("a"), Some(&list));
    assert_eq!(
        facts.outputs.get("b"),
        Some(&serde_json::json!({"type": "array", "items": list}))
    );
    assert_eq!(facts.outputs.get("c"), None);
    assert_eq!(
        facts.outputs.get("d"),
        Some(&serde_json::json!({"type": "integer"}))
    );
}

#[test]
fn result_is_checked_against_output() {
    let ok = flow_codes("  output: list<string>\n  result = step.a.output\n  step a { tool = tool.search  with { query = \"q\" } }\n");
    assert!(ok.is_empty(), "{ok:?}");
    let bad = flow_codes("  output: string\n  result = step.a.output\n  step a { tool = tool.search  with { query = \"q\" } }\n");
    assert_eq!(bad, code_lines(&[("PM0404", 4)]));
    let alone = flow_codes(
        "  result = step.nope.output\n  step a { tool = tool.search  with { query = \"q\" } }\n",
    );
    assert_eq!(alone, code_lines(&[("PM0402", 3)]));
    let item = flow_codes("  result = item\n  step a { agent = agent.worker }\n");
    assert_eq!(item, code_lines(&[("PM0404", 3)]));
}

const AGENTS: &str = "agent worker { description = \"w\" }\nagent shouter { description = \"s\" }\ncapability acme { description = \"a\" }\ncapability acme.search { description = \"a\" }\ncapability acme.write { description = \"a\" }\n";

#[test]
fn a_cycle_is_reported_once_naming_it() {
    let src = format!(
        "{AGENTS}workflow w {{\n  description = \"x\"\n  step a {{ agent = agent.worker  after = [step.b] }}\n  step b {{ agent = agent.worker  after = [step.a] }}\n  step c {{ agent = agent.worker  after = [step.b] }}\n}}\n"
    );
    let (d, facts) = run(&src, &world());
    assert_eq!(d.len(), 1, "{d:?}");
    let (code, line, msg) = &d[0];
    assert_eq!((code.as_str(), *line), ("PM0401", 8));
    assert!(msg.contains("`a` → `b` → `a`"), "{msg}");
    assert!(facts.order.is_empty());
}

#[test]
fn unknown_steps_suggest_a_name() {
    let src = format!(
        "{AGENTS}workflow w {{\n  description = \"x\"\n  step first {{ agent = agent.worker }}\n  step second {{\n    agent = agent.worker\n    after = [step.frist]\n  }}\n}}\n"
    );
    let (d, _) = run(&src, &world());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0.as_str(), d[0].1), ("PM0402", 11));
}

#[test]
fn select_candidates_cover_descendants_and_skip_retired() {
    let src = format!(
        "{AGENTS}workflow w {{\n  description = \"x\"\n  step s {{ select = capability.acme }}\n  step t {{ select = capability.acme.write  after = [step.s] }}\n}}\n"
    );
    let (d, facts) = run(&src, &world());
    assert_eq!(
        d.iter().map(|x| (x.0.as_str(), x.1)).collect::<Vec<_>>(),
        vec![("PM0403", 9)]
    );
    let w = world();
    assert_eq!(
        w.providers_of("acme"),
        ["shouter".to_owned(), "worker".to_owned()]
    );
    assert_eq!(w.providers_of("acme.search"), ["worker".to_owned()]);
    assert!(
        w.providers_of("acme.write").is_empty(),
        "retired agents are no candidates"
    );
    assert_eq!(facts.order, vec!["s".to_owned(), "t".to_owned()]);
}

#[test]
fn agent_and_select_exactly_one() {
    let src = format!(
        "{AGENTS}workflow w {{\n  description = \"x\"\n  step both {{ agent = agent.worker  select = capability.acme }}\n  step none {{ after = [step.both] }}\n}}\n"
    );
    assert_eq!(
        codes(&src),
        vec![("PM0405".into(), 8), ("PM0405".into(), 9)]
    );
}

#[test]
fn compensation_and_on_error() {
    let src = format!(
        "{AGENTS}workflow w {{\n  description = \"x\"\n  step a {{ agent = agent.worker  on_error = step.undo }}\n  step b {{ agent = agent.worker  on_error = step.a  after = [step.a] }}\n  step undo {{ agent = agent.worker  compensation = true }}\n  step late {{ agent = agent.worker  after = [step.undo] }}\n}}\n"
    );
    // b's on_error names a non-compensation step; late is only reachable through undo.
    assert_eq!(
        codes(&src),
        vec![("PM0405".into(), 9), ("PM0405".into(), 11)]
    );
}

#[test]
fn expressions_are_typed_against_input() {
    let src = format!(
        "{AGENTS}workflow w {{\n  description = \"x\"\n  input {{\n    depth: \"brief\" | \"deep\" = \"brief\"\n    n: int = 1\n    items: list<string> = []\n  }}\n  step a {{ agent = agent.worker  when = input.depth == \"huge\" }}\n  step b {{ agent = agent.worker  when = input.missing == \"x\" }}\n  step c {{ agent = agent.worker  when = input.n > 2 && input.depth != \"deep\" }}\n  step d {{ agent = agent.worker  for_each = input.n }}\n  step e {{ agent = agent.worker  for_each = input.items  with {{ x = item  y = step.c.output }} }}\n  step f {{ agent = agent.worker  after = [step.c]  with {{ y = step.c.output }}  when = step.c.status == \"ok\" }}\n  step g {{ agent = agent.worker  when = input.n == \"three\" }}\n}}\n"
    );
    assert_eq!(
        codes(&src),
        vec![
            ("PM0404".into(), 13),
            ("PM0404".into(), 14),
            ("PM0404".into(), 16),
            ("PM0404".into(), 17),
            ("PM0404".into(), 19),
        ]
    );
}

#[test]
fn incompatible_personas_warn_once_per_pair() {
    let src = format!(
        "{AGENTS}workflow w {{\n  description = \"x\"\n  step a {{ agent = agent.worker }}\n  step b {{ agent = agent.shouter }}\n  step c {{ agent = agent.shouter }}\n}}\n"
    );
    let (d, _) = run(&src, &world());
    assert_eq!(
        d.iter().map(|x| (x.0.as_str(), x.1)).collect::<Vec<_>>(),
        vec![("PM0304", 9)]
    );
}

#[test]
fn order_is_topological_with_source_order_ties() {
    let src = format!(
        "{AGENTS}workflow w {{\n  description = \"x\"\n  step z {{ agent = agent.worker  after = [step.x, step.y] }}\n  step y {{ agent = agent.worker }}\n  step x {{ agent = agent.worker }}\n}}\n"
    );
    let (d, facts) = run(&src, &world());
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(
        facts.order,
        vec!["y".to_owned(), "x".to_owned(), "z".to_owned()]
    );
}
