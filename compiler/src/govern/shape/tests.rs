use super::*;

/// `(key, suggestion or why, never-true rule)` of each bad read of a policy body.
fn bad(body: &str) -> Vec<(String, String, Option<String>)> {
    let text = format!("package pmth.t\n\nimport rego.v1\n\n{body}\n");
    let module = parse("t.rego", &text).expect("parses");
    reads(&module)
        .into_iter()
        .map(|b| {
            let why = match &b.why {
                Why::NoKey { suggestion, .. } => suggestion.clone().unwrap_or_default(),
                Why::Scalar { refers, .. } => format!("scalar {}", refers.unwrap_or("")),
                Why::List { .. } => "list".to_owned(),
            };
            let at = text.get(b.start as usize..b.end as usize).unwrap_or("");
            assert!(at.contains(&b.key), "{at} / {}", b.key);
            (b.key, why, b.never_true.map(|(r, _, _)| r))
        })
        .collect()
}

fn key(k: &str, s: &str, rule: Option<&str>) -> (String, String, Option<String>) {
    (k.to_owned(), s.to_owned(), rule.map(str::to_owned))
}

#[test]
fn a_correct_policy_has_no_bad_reads() {
    let p = r#"
deny contains msg if {
	some id, agent in data.pmth.registry.agents
	agent.governance.audit == false
	m := data.pmth.registry.models[agent.model]
	m.cost.input > 1
	object.get(agent, ["limits", "budget_usd"], 0) > 1
	some t in agent.tools
	data.pmth.registry.tools[t].input_schema.properties.anything
	agent.labels.owner
	msg := id
}
"#;
    assert_eq!(bad(p), vec![]);
}

#[test]
fn misspelt_keys_are_found_through_variables() {
    let p = r#"
deny contains msg if {
	some id, agent in data.pmth.registry.agents
	agent.governance.audti == false
	msg := id
}
warn contains id if {
	t := data.pmth.registry.tools[id]
	t.params
}
"#;
    assert_eq!(
        bad(p),
        vec![
            key("audti", "audit", Some("deny")),
            key("params", "input_schema", Some("warn")),
        ]
    );
}

#[test]
fn singular_kind_maps_are_found() {
    assert_eq!(
        bad("x if data.pmth.registry.agent.a"),
        vec![key("agent", "agents", None)]
    );
    assert_eq!(
        bad(r#"x if data.pmth.registry["toolz"]"#),
        vec![key("toolz", "tools", None)]
    );
}

#[test]
fn object_get_paths_are_followed_and_never_mark_the_rule() {
    let p = r#"
deny contains id if {
	some id, agent in data.pmth.registry.agents
	object.get(agent, ["governance", "human_aproval"], false) != true
	object.get(agent, "limts", {})
}
"#;
    assert_eq!(
        bad(p),
        vec![
            key("human_aproval", "human_approval", None),
            key("limts", "limits", None)
        ]
    );
}

#[test]
fn references_are_ids_not_declarations() {
    let p = r#"
x contains id if {
	some id, agent in data.pmth.registry.agents
	agent.model.provider == "acme"
}
"#;
    assert_eq!(bad(p), vec![key("provider", "scalar models", None)]);
    assert_eq!(
        bad("x if data.pmth.registry.agents.a.tools.web"),
        vec![key("web", "list", None)]
    );
}

#[test]
fn constants_imports_every_comprehensions_and_functions_are_followed() {
    let p = r#"
import data.pmth.registry as reg

registry := data.pmth.registry

a if registry.workflow
b if {
	some w in reg.workflows
	some s in w.steps
	s.aproval
}
c := [x | some x in data.pmth.registry.services; x.endpont]
d if {
	every m in data.pmth.registry.models {
		m.providr
	}
}
uses(agent) if agent.tols
e if {
	some agent in data.pmth.registry.agents
	uses(agent)
}
"#;
    let keys: Vec<String> = bad(p).into_iter().map(|(k, _, _)| k).collect();
    assert_eq!(
        keys,
        vec!["workflow", "aproval", "endpont", "providr", "tols"]
    );
}

#[test]
fn what_cannot_be_followed_is_not_reported() {
    let p = r#"
x if {
	some k in ["agents", "tools"]
	data.pmth.registry[k].anything
	some id, agent in data.pmth.registry.agents
	f := agent.governance
	f := {"x": 1}
	r := {"agents": {}}
	r.nothing
	input.whatever
	data.pmth.config.anything
	data.pmth.std.audit.deny
	data.pmth.registry.tools.t.input_schema.whatever
	data.pmth.registry.workflows.w.steps.s.output_schema.x
}
y if {
	agent := {"a": 1}
	agent.b
}
test_mock if {
	count(x) == 0 with data.pmth.registry as {"agentz": {}}
}
"#;
    assert_eq!(bad(p), vec![]);
}

#[test]
fn shadowing_hides_registry_values() {
    let p = r#"
x if {
	some agent in data.pmth.registry.agents
	agent := 3
	agent.foo
}
"#;
    // `agent := 3` after `some agent` is a compile error in Rego; whatever the
    // engine says, the walker follows the latest binding and stays quiet.
    assert_eq!(bad(p), vec![]);
}

#[test]
fn the_stdlib_has_no_bad_reads() {
    for (path, text) in crate::govern::stdlib::POLICIES {
        let module = parse(path, text).expect("stdlib parses");
        assert_eq!(reads(&module), vec![], "{path}");
    }
}

/// No false positives on a corpus of real policies: every `.rego` of the stdlib,
/// the examples, the project's cases and the shared conformance suite has
/// exactly as many bad reads as it has `expect: warning PM0704` markers, each on
/// a marked line.
#[test]
fn the_policy_corpus_has_no_false_positives() {
    fn rego_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                rego_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rego") {
                out.push(p);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for d in ["stdlib", "examples", "tests/cases", "../shared/conformance"] {
        rego_files(&root.join(d), &mut files);
    }
    assert!(files.len() > 20, "{} policies", files.len());
    let mut checked = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        let Some(module) = parse(&f.to_string_lossy(), &text) else {
            continue;
        };
        checked += 1;
        let marked: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("expect: warning PM0704"))
            .map(|(i, _)| i + 1)
            .collect();
        let found: Vec<usize> = reads(&module)
            .iter()
            .map(|b| text[..b.start as usize].matches('\n').count() + 1)
            .collect();
        assert_eq!(found, marked, "{}", f.display());
    }
    assert!(checked > 20);
}
