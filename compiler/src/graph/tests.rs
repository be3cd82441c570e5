use super::*;
use serde_json::json;

fn registry() -> Json {
    json!({
        "package": {"name": "acme", "version": "1.0.0"},
        "agents": {
            "billing@1.2.0": {"model": "llm@1.0.0", "tools": ["refund"], "services": ["crm"]},
            "triage": {"model": "llm@1.0.0", "delegates": ["billing@1.2.0"], "persona": "clerk"},
        },
        "tools": {"refund": {"service": "payments", "capabilities": ["pay"]}},
        "models": {"llm@1.0.0": {}},
        "services": {"payments": {}, "crm": {}},
        "workflows": {
            "resolve@1.0.0": {
                "order": ["classify", "refund", "answer", "undo"],
                "steps": {
                    "answer": {"agent": "billing@1.2.0", "after": ["classify", "refund"]},
                    "classify": {"agent": "triage", "after": []},
                    "refund": {"tool": "refund", "approval": true, "after": ["classify"], "on_error": "undo"},
                    "undo": {"tool": "refund", "compensation": true},
                },
            },
            "resolve@0.9.0": {"order": [], "steps": {}},
        },
        "capabilities": {}, "personas": {"clerk": {}}, "templates": {},
    })
}

#[test]
fn the_dependency_graph_has_an_edge_per_reference() {
    let g = dependencies(&registry());
    let labels: Vec<&str> = g.nodes.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "workflow resolve@0.9.0",
            "workflow resolve@1.0.0",
            "agent billing@1.2.0",
            "agent triage",
            "tool refund",
            "model llm@1.0.0",
            "service crm",
            "service payments",
        ]
    );
    let edges: Vec<(&str, &str)> = g
        .edges
        .iter()
        .map(|&(a, b)| (labels[a], labels[b]))
        .collect();
    for want in [
        ("workflow resolve@1.0.0", "agent billing@1.2.0"),
        ("workflow resolve@1.0.0", "agent triage"),
        ("workflow resolve@1.0.0", "tool refund"),
        ("agent billing@1.2.0", "model llm@1.0.0"),
        ("agent billing@1.2.0", "tool refund"),
        ("agent billing@1.2.0", "service crm"),
        ("agent triage", "agent billing@1.2.0"),
        ("tool refund", "service payments"),
    ] {
        assert!(edges.contains(&want), "{want:?} missing from {edges:?}");
    }
    // Personas and capabilities are not drawn.
    assert_eq!(edges.len(), 9, "{edges:?}");
}

#[test]
fn a_workflow_is_its_steps_in_order() {
    let g = workflow(&registry(), "resolve").unwrap();
    assert_eq!(g.title, "workflow resolve@1.0.0");
    insta::assert_snapshot!(mermaid(&g), @r#"
    flowchart LR
      n0["classify<br/>agent triage"]
      n1["refund<br/>tool refund<br/>(approval)"]
      n2["answer<br/>agent billing@1.2.0"]
      n3["undo<br/>tool refund"]
      n0 --> n1
      n0 --> n2
      n1 --> n2
      n1 -.->|on error| n3
    "#);
    insta::assert_snapshot!(dot(&g), @r#"
    digraph "workflow resolve@1.0.0" {
      rankdir=LR;
      label="workflow resolve@1.0.0";
      node [fontname="Helvetica", fontsize=11];
      n0 [label="classify\nagent triage", shape=box];
      n1 [label="refund\ntool refund\n(approval)", shape=box];
      n2 [label="answer\nagent billing@1.2.0", shape=box];
      n3 [label="undo\ntool refund", shape=box];
      n0 -> n1;
      n0 -> n2;
      n1 -> n2;
      n1 -> n3 [style=dashed, label="on error"];
    }
    "#);
    assert_eq!(
        workflow(&registry(), "resolve@0.9.0").unwrap().nodes.len(),
        0
    );
}

#[test]
fn an_unknown_workflow_is_an_error_with_a_suggestion() {
    assert_eq!(
        workflow(&registry(), "resolv").unwrap_err(),
        "no workflow `resolv`: did you mean `resolve`?"
    );
    assert_eq!(
        workflow(&json!({}), "x").unwrap_err(),
        "no workflow `x`: the registry has none"
    );
}

#[test]
fn labels_are_escaped_in_every_format() {
    let g = Graph {
        title: "a \"b\" <c>".into(),
        nodes: vec![Node {
            shape: Shape::Tool,
            label: "x \"y\" & <z> \\".into(),
        }],
        edges: vec![],
        error_edges: vec![],
    };
    assert!(mermaid(&g).contains(r#"n0["x #quot;y#quot; #amp; #lt;z#gt; \"]"#));
    assert!(dot(&g).contains(r#"label="x \"y\" & <z> \\""#));
    let s = svg(&g);
    assert!(s.contains("<title>a &quot;b&quot; &lt;c&gt;</title>"));
    assert!(s.contains(">x &quot;y&quot; &amp; &lt;z&gt; \\</text>"));
}

#[test]
fn svg_places_every_node_and_edge() {
    let g = dependencies(&registry());
    let s = svg(&g);
    assert_eq!(s.matches("<g class=\"node ").count(), g.nodes.len());
    assert_eq!(
        s.matches("marker-end=").count(),
        g.edges.len() + g.error_edges.len()
    );
    assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(s, svg(&dependencies(&registry())), "deterministic");
}

#[test]
fn svg_of_a_workflow() {
    insta::assert_snapshot!(svg(&workflow(&registry(), "resolve").unwrap()));
}

#[test]
fn mermaid_of_the_fleet() {
    insta::assert_snapshot!(mermaid(&dependencies(&registry())));
}
