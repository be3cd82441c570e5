//! Snapshots of the `.pmth` text small imports give (with their notes), and
//! that each checks with 0 errors.

use super::*;

fn run(format: Format, text: &str) -> String {
    let imported = import(
        format,
        &[Input {
            name: "in.json".into(),
            text: text.into(),
        }],
    )
    .expect("imports");
    let mut out = String::new();
    for (path, text) in &imported.files {
        out.push_str(&format!("==> {path}\n{text}"));
        assert_checks(text);
    }
    out.push_str("==> notes\n");
    for n in &imported.notes {
        out.push_str(&format!("{} {}: {}\n", n.decl, n.pointer, n.message));
    }
    out
}

/// The text compiles in a workspace of its own with no errors and no warnings.
fn assert_checks(text: &str) {
    let dir = std::env::temp_dir().join(format!(
        "pmth-import-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pmth.toml"), manifest("case")).unwrap();
    std::fs::write(dir.join("in.pmth"), text).unwrap();
    let comp = crate::compile(&dir, &crate::CompileOptions::default()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    // A conversational agent's content-filter warning is the review item an
    // Agent Spec import leaves (docs/import.md); nothing else may be reported.
    let diags: Vec<String> = comp
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .filter(|d| !(d.starts_with("PM0702") && d.contains("content filter")))
        .collect();
    assert!(diags.is_empty(), "{diags:#?}\n{text}");
}

#[test]
fn mcp_keywords_and_losses() {
    let text = r##"{"tools": [{
      "name": "get-file",
      "description": "Read a file",
      "annotations": {"readOnlyHint": true, "title": "Get File"},
      "inputSchema": {
        "type": "object",
        "$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}},
        "properties": {
          "path": {"type": "string", "description": "Where\nit is", "minLength": 1, "pattern": "^[a-z/]+$"},
          "mode": {"enum": ["r", "rb", null], "default": "r"},
          "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
          "ratio": {"type": ["number", "null"], "exclusiveMinimum": 0},
          "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true, "maxItems": 5},
          "env": {"type": "object", "additionalProperties": {"type": "string"}},
          "tree": {"$ref": "#/$defs/node"},
          "odd": {"not": {"type": "string"}, "if": {}, "then": {}},
          "pp": {"type": "object", "patternProperties": {"^x": {}}},
          "user-name": {"type": "string", "format": "email"},
          "since": {"type": "string", "format": "date-time"},
          "mime": {"type": "string", "format": "mime-type"}
        },
        "required": ["path"],
        "dependentRequired": {"since": ["limit"]}
      },
      "outputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
    }, {"name": "get_file", "inputSchema": {"type": "object"}}]}"##;
    insta::assert_snapshot!(run(Format::Mcp, text));
}

#[test]
fn openai_both_shapes() {
    let text = r#"[
      {"type": "function", "function": {"name": "lookup", "description": "Look up", "strict": true,
        "parameters": {"type": "object", "properties": {"q": {"type": ["string", "null"]}},
                       "required": ["q"], "additionalProperties": false}}},
      {"type": "function", "name": "FAQ Agent", "description": "Ask",
        "parameters": {"type": "object", "properties": {"kind": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}}},
      {"type": "web_search"}
    ]"#;
    insta::assert_snapshot!(run(Format::Openai, text));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let err = |f: Format, t: &str| {
        import(
            f,
            &[Input {
                name: "x.json".into(),
                text: t.into(),
            }],
        )
        .expect_err("refused")
    };
    assert!(err(Format::Mcp, "{").contains("not valid JSON"));
    assert!(err(
        Format::Mcp,
        r#"{"tools": [{"name": "a", "inputSchema": {"type": "string"}}]}"#
    )
    .contains("not an object schema"));
    assert!(err(Format::Mcp, r#"{"nope": 1}"#).contains("tools/list"));
    assert!(err(Format::Openai, r#"{"a": 1}"#).contains("function tools"));
    assert!(err(Format::Openai, "[1]").contains("not an object"));
    let deep = format!("{{\"tools\": {}{}}}", "[".repeat(200), "]".repeat(200));
    assert!(err(Format::Mcp, &deep).contains("recursion limit"));
    let big = " ".repeat(MAX_INPUT + 1);
    assert!(err(Format::Mcp, &big).contains("MiB"));
    // Deep but parseable schemas become `any` past the depth limit, reported.
    let mut schema = r#"{"type": "string"}"#.to_owned();
    for _ in 0..40 {
        schema = format!(r#"{{"type": "array", "items": {schema}}}"#);
    }
    let text = format!(
        r#"{{"tools": [{{"name": "d", "description": "d", "inputSchema": {{"type": "object", "properties": {{"x": {schema}}}}}}}]}}"#
    );
    let out = run(Format::Mcp, &text);
    assert!(out.contains("nested deeper than"), "{out}");
}

#[test]
fn crewai_keys_and_order() {
    let agents = r#"
writer:
  role: >
    Staff Writer
  goal: Write well
  backstory: Wrote for years.
  llm: anthropic/claude-sonnet-4
  max_iter: 5
  allow_delegation: false
"FAQ Agent":
  role: Answers
  goal: Answer
"#;
    let tasks = r#"
outline:
  description: Outline {topic}
  expected_output: An outline
  agent: writer
draft:
  description: Draft {topic} for {audience}
  expected_output: |
    A draft,
    two lines
  agent: FAQ Agent
  context: [outline]
  human_input: true
  output_file: draft.md
"#;
    let imported = import(
        Format::Crewai,
        &[
            Input {
                name: "agents.yaml".into(),
                text: agents.into(),
            },
            Input {
                name: "tasks.yaml".into(),
                text: tasks.into(),
            },
        ],
    )
    .expect("imports");
    let mut out = String::new();
    for (path, text) in &imported.files {
        out.push_str(&format!("==> {path}\n{text}"));
    }
    let dir = std::env::temp_dir().join(format!("pmth-import-crew-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pmth.toml"), manifest("case")).unwrap();
    for (path, text) in &imported.files {
        std::fs::write(dir.join(path), text).unwrap();
    }
    let comp = crate::compile(&dir, &crate::CompileOptions::default()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let diags: Vec<String> = comp
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(diags.is_empty(), "{diags:#?}\n{out}");
    out.push_str("==> notes\n");
    for n in &imported.notes {
        out.push_str(&format!("{} {}: {}\n", n.decl, n.pointer, n.message));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn agentspec_references_and_placeholders() {
    let text = r#"{
      "component_type": "Agent", "id": "a1", "name": "FAQ Agent", "description": "Answers questions",
      "system_prompt": "Answer {{question}}", "human_in_the_loop": true,
      "inputs": [{"title": "question", "type": "string"}],
      "tools": [{"$component_ref": "t1"}],
      "$referenced_components": {
        "t1": {"component_type": "ServerTool", "id": "t1", "name": "lookup-kb", "description": "Search",
               "inputs": [{"title": "q", "type": "string", "description": "Query"},
                          {"title": "k", "type": "integer", "default": 3}],
               "outputs": [{"title": "hits", "type": "array", "items": {"type": "string"}}]}
      },
      "agentspec_version": "26.3.1"
    }"#;
    insta::assert_snapshot!(run(Format::Agentspec, text));
}

/// A Flow whose nodes loop (A → B → A) and whose shapes are odd (an edge to
/// a node that is not there, a node of no known type, a sub-flow with a
/// string for `nodes` and no `start_node`): a workflow without the loop, notes for
/// the rest, no panic.
#[test]
fn agentspec_flow_loops_and_odd_shapes() {
    let text = r#"{
      "component_type": "Flow", "id": "f", "name": "loop",
      "start_node": {"$component_ref": "s"},
      "nodes": [{"$component_ref": "s"}, {"$component_ref": "a"}, {"$component_ref": "b"},
                {"component_type": "MapNode", "id": "m", "name": "Map"}, 7,
                {"component_type": "FlowNode", "id": "fn", "name": "Sub",
                 "subflow": {"component_type": "Flow", "id": "sub", "name": "sub", "nodes": "none"}}],
      "control_flow_connections": [
        {"from_node": {"$component_ref": "s"}, "to_node": {"$component_ref": "a"}},
        {"from_node": {"$component_ref": "a"}, "to_node": {"$component_ref": "b"}},
        {"from_node": {"$component_ref": "b"}, "to_node": {"$component_ref": "a"}},
        {"from_node": {"$component_ref": "b"}, "to_node": {"$component_ref": "nowhere"}},
        {"from_node": "x"}
      ],
      "data_flow_connections": [
        {"source_node": {"$component_ref": "b"}, "source_output": "out", "destination_node": {"$component_ref": "a"}, "destination_input": "in"},
        {"source_node": {"$component_ref": "a"}, "source_output": "out", "destination_node": {"$component_ref": "b"}, "destination_input": "in put"}
      ],
      "$referenced_components": {
        "s": {"component_type": "StartNode", "id": "s", "name": "start"},
        "a": {"component_type": "AgentNode", "id": "a", "name": "A", "agent": {"$component_ref": "ag"}},
        "b": {"component_type": "AgentNode", "id": "b", "name": "B", "agent": {"$component_ref": "ag"}},
        "ag": {"component_type": "Agent", "id": "ag", "name": "worker", "description": "Works",
               "outputs": [{"title": "out", "type": "string"}]},
        "unused": {"component_type": "Flow", "id": "unused", "name": "unused"}
      }
    }"#;
    insta::assert_snapshot!(run(Format::Agentspec, text));
}
