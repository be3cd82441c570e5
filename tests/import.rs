//! End-to-end tests of `pmth import` on the real files of `../shared/imports/`
//! (read in place): each case imports, checks with 0 errors, and for MCP and
//! OpenAI round-trips (`import` → `build` → `export`) to the original input
//! schemas up to what docs/import.md allows (see [`same`]). Bad input is
//! refused with a clear error and nothing written.

mod common;

use common::*;
use serde_json::{json, Value as Json};
use std::path::{Path, PathBuf};

/// `../shared/imports` from the repository root (or the folder above it, for a
/// git worktree), or `PMTH_IMPORTS`.
fn imports() -> PathBuf {
    if let Some(p) = std::env::var_os("PMTH_IMPORTS") {
        return PathBuf::from(p);
    }
    let candidates = [
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/imports")),
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/imports")),
    ];
    candidates
        .iter()
        .find(|p| p.is_dir())
        .cloned()
        .unwrap_or_else(|| panic!("the import cases are missing: looked for {candidates:?}"))
}

/// A case's format and input files, from its `SOURCE.md` header.
fn case(name: &str) -> (String, Vec<PathBuf>) {
    let dir = imports().join(name);
    let source = std::fs::read_to_string(dir.join("SOURCE.md")).expect("SOURCE.md");
    let mut format = String::new();
    let mut files = Vec::new();
    for line in source.lines().take_while(|l| !l.trim().is_empty()) {
        if let Some(f) = line.strip_prefix("format:") {
            format = f.trim().to_owned();
        } else if let Some(f) = line.strip_prefix("files:") {
            files = f.split_whitespace().map(|f| dir.join(f)).collect();
        }
    }
    assert!(
        !format.is_empty() && !files.is_empty(),
        "{name}: SOURCE.md header"
    );
    (format, files)
}

/// `pmth import` of a case into a fresh folder: the folder and the JSON report.
fn import(name: &str) -> (PathBuf, Json) {
    let (format, files) = case(name);
    let out = scratch(&format!("import-{name}"));
    let ws = out.join("ws");
    let mut args = vec!["import".to_owned(), format, "-o".into(), "ws".into()];
    args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    args.extend(["--format".into(), "json".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = pmth(&args, &out);
    assert_eq!(code(&o), 0, "{name}: {}{}", stdout(&o), stderr(&o));
    let report: Json = serde_json::from_str(&stdout(&o)).expect("json report");
    let (c, doc) = check_json(&ws);
    assert_eq!(c, 0, "{name}: {doc:#}");
    assert_eq!(doc["errors"], 0, "{name}: {doc:#}");
    // Agent Spec agents are conversational, and the stdlib asks those for a
    // content filter: that warning is the review item (docs/import.md).
    let review: Vec<&Json> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| {
            !(name.starts_with("agentspec")
                && d["code"] == "PM0702"
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("content filter")))
        })
        .collect();
    assert!(review.is_empty(), "{name}: {review:#?}");
    (ws, report)
}

/// Build and export `ws` to `format`; the exported file's JSON.
fn export(ws: &Path, format: &str, file: &str) -> Json {
    if !ws.join("dist").is_dir() {
        let o = pmth(&["build", "."], ws);
        assert_eq!(code(&o), 0, "build: {}{}", stdout(&o), stderr(&o));
    }
    let o = pmth(&["export", "dist", "--to", format, "-o", "export"], ws);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let text = std::fs::read_to_string(ws.join("export").join(format).join(file)).expect("export");
    serde_json::from_str(&text).expect("exported json")
}

/// The pointers the import reported (a difference at or under one is allowed).
fn reported(report: &Json, file: &Path) -> Vec<String> {
    let file = file.to_string_lossy();
    report["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["file"].as_str() == Some(&file))
        .map(|n| n["pointer"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Compares an original schema with its exported form, pushing to `diffs`
/// every pointer where they differ beyond what docs/import.md allows:
///
/// - key order (JSON objects compare as maps), and `required` as a set;
/// - numbers by value (`1` and `1.0`);
/// - `additionalProperties: false` added to an object with `properties`, `{}`
///   to a map (pmth closes objects; `map<any>` writes `{}`), `items: {}` to a
///   list without `items`;
/// - `anyOf` of bare types written as `type: [..]` (pmth writes plain unions so);
/// - anything at or under a pointer the import reported.
fn same(orig: &Json, exp: &Json, at: &str, allowed: &[String], diffs: &mut Vec<String>) {
    if allowed
        .iter()
        .any(|a| at == a || at.starts_with(&format!("{a}/")))
    {
        return;
    }
    let orig = plain_union(orig);
    let exp = plain_union(exp);
    match (&orig, &exp) {
        (Json::Object(o), Json::Object(e)) => {
            let mut keys: Vec<&String> = o.keys().chain(e.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (o.get(k), e.get(k)) {
                    (Some(a), Some(b)) if k == "required" => {
                        let set = |v: &Json| {
                            let mut s: Vec<String> = v
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(|x| x.to_string())
                                .collect();
                            s.sort();
                            s
                        };
                        if set(a) != set(b) && !allowed.iter().any(|p| here.starts_with(p.as_str()))
                        {
                            diffs.push(here);
                        }
                    }
                    (Some(a), Some(b)) => same(a, b, &here, allowed, diffs),
                    (None, Some(Json::Bool(false)))
                        if k == "additionalProperties" && e.contains_key("properties") => {}
                    (None, Some(v)) if k == "additionalProperties" && *v == json!({}) => {}
                    (None, Some(v)) if k == "items" && *v == json!({}) => {}
                    _ => {
                        if !allowed
                            .iter()
                            .any(|a| here == *a || here.starts_with(&format!("{a}/")))
                        {
                            diffs.push(here)
                        }
                    }
                }
            }
        }
        (Json::Array(o), Json::Array(e)) if o.len() == e.len() => {
            for (i, (a, b)) in o.iter().zip(e).enumerate() {
                same(a, b, &format!("{at}/{i}"), allowed, diffs);
            }
        }
        (Json::Number(a), Json::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        _ => diffs.push(at.to_owned()),
    }
}

/// `{"anyOf": [{"type": A}, {"type": B}], …}` as `{"type": [A, B], …}`.
fn plain_union(s: &Json) -> Json {
    let Some(options) = s.get("anyOf").and_then(Json::as_array) else {
        return s.clone();
    };
    let types: Option<Vec<Json>> = options
        .iter()
        .map(|o| match o.as_object() {
            Some(m) if m.len() == 1 => m.get("type").filter(|t| t.is_string()).cloned(),
            _ => None,
        })
        .collect();
    match (types, s.as_object()) {
        (Some(t), Some(m)) if !m.contains_key("type") => {
            let mut m = m.clone();
            m.remove("anyOf");
            m.insert("type".into(), Json::Array(t));
            Json::Object(m)
        }
        _ => s.clone(),
    }
}

/// The MCP round trip of one case: every tool's `inputSchema` (and
/// `outputSchema`) comes back, up to [`same`].
fn mcp_round_trip(name: &str, expected_tools: usize) {
    let (ws, report) = import(name);
    let (_, files) = case(name);
    let exported = export(&ws, "mcp", "tools.json");
    let exported = exported["tools"].as_array().expect("tools").clone();
    let doc: Json =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).expect("read")).expect("json");
    let tools = doc["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), expected_tools, "{name}");
    assert_eq!(exported.len(), expected_tools, "{name}");
    let allowed = reported(&report, &files[0]);
    let mut diffs = Vec::new();
    for (i, t) in tools.iter().enumerate() {
        let e = exported
            .iter()
            .find(|e| e["name"] == t["name"])
            .unwrap_or_else(|| panic!("{name}: {} not exported", t["name"]));
        for key in ["inputSchema", "outputSchema"] {
            if let Some(o) = t.get(key) {
                same(
                    o,
                    &e[key],
                    &format!("/tools/{i}/{key}"),
                    &allowed,
                    &mut diffs,
                );
            }
        }
        assert_eq!(
            t.get("description"),
            e.get("description"),
            "{name}: description"
        );
    }
    assert!(
        diffs.is_empty(),
        "{name}: unreported differences at {diffs:#?}"
    );
}

#[test]
fn mcp_github_round_trips() {
    mcp_round_trip("mcp-github", 22);
}

#[test]
fn mcp_kubernetes_round_trips() {
    mcp_round_trip("mcp-kubernetes", 19);
}

#[test]
fn mcp_cloudflare_radar_round_trips() {
    mcp_round_trip("mcp-cloudflare-radar", 19);
}

#[test]
fn mcp_memory_round_trips_with_output_schemas() {
    mcp_round_trip("mcp-memory", 9);
}

/// The `.pmth` text of a small real case, for review.
fn snapshot(name: &str) -> String {
    let (ws, _) = import(name);
    let mut out = String::new();
    for f in listing(&ws) {
        if f.ends_with(".pmth") {
            out.push_str(&format!("==> {f}\n"));
            out.push_str(&std::fs::read_to_string(ws.join(&f)).expect("read"));
        }
    }
    out
}

#[test]
fn snapshot_mcp_memory() {
    insta::assert_snapshot!(snapshot("mcp-memory"));
}

#[test]
fn snapshot_openai_azure_rag() {
    insta::assert_snapshot!(snapshot("openai-azure-rag"));
}

/// The OpenAI round trip: each tool's `parameters` come back from the Chat
/// Completions export. When the export made a tool strict (docs/export.md), its
/// parameters are the strict lowering of what the MCP export holds, and that
/// is what is compared with the original.
fn openai_round_trip(name: &str, expected_tools: usize) {
    let (ws, report) = import(name);
    let (_, files) = case(name);
    let chat = export(&ws, "openai", "tools.json");
    let mcp = export(&ws, "mcp", "tools.json");
    let chat = chat.as_array().expect("tools");
    let mut count = 0;
    let mut diffs = Vec::new();
    for file in &files {
        let doc: Json =
            serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
        let allowed = reported(&report, file);
        for (i, t) in doc.as_array().expect("array").iter().enumerate() {
            let (f, at) = match t.get("function") {
                Some(f) => (f, format!("/{i}/function/parameters")),
                None => (t, format!("/{i}/parameters")),
            };
            count += 1;
            let e = chat
                .iter()
                .find(|e| e["function"]["name"] == f["name"])
                .unwrap_or_else(|| panic!("{name}: {} not exported", f["name"]));
            let params = &e["function"]["parameters"];
            let plain = &mcp["tools"]
                .as_array()
                .expect("tools")
                .iter()
                .find(|m| m["name"] == f["name"])
                .expect("in mcp")["inputSchema"];
            if e["function"]["strict"] == json!(true) {
                let lowered = pmth_compiler::export::openai::lower(plain).expect("lowers");
                assert_eq!(&lowered, params, "{name}: strict parameters");
            } else {
                assert_eq!(
                    plain, params,
                    "{name}: non-strict parameters are the schema"
                );
            }
            same(&f["parameters"], plain, &at, &allowed, &mut diffs);
            assert_eq!(f["description"], e["function"]["description"], "{name}");
        }
    }
    assert_eq!(count, expected_tools, "{name}");
    assert_eq!(chat.len(), expected_tools, "{name}");
    assert!(
        diffs.is_empty(),
        "{name}: unreported differences at {diffs:#?}"
    );
}

#[test]
fn openai_tau_airline_round_trips() {
    openai_round_trip("openai-tau-airline", 6);
}

#[test]
fn openai_azure_rag_round_trips_from_two_files() {
    openai_round_trip("openai-azure-rag", 5);
}

#[test]
fn the_comparison_sees_differences_and_allows_only_the_documented_ones() {
    let orig = json!({"type": "object", "properties": {
        "a": {"type": "string", "maxLength": 5},
        "b": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "c": {"type": "object"},
        "d": {"type": "array"}
    }, "required": ["b", "a"]});
    let exp = json!({"type": "object", "properties": {
        "a": {"type": "string", "maxLength": 5.0},
        "b": {"type": ["string", "null"]},
        "c": {"type": "object", "additionalProperties": {}},
        "d": {"type": "array", "items": {}}
    }, "required": ["a", "b"], "additionalProperties": false});
    let mut diffs = Vec::new();
    same(&orig, &exp, "", &[], &mut diffs);
    assert!(diffs.is_empty(), "{diffs:?}");
    let mut changed = exp.clone();
    changed["properties"]["a"]["maxLength"] = json!(6);
    changed["required"] = json!(["a"]);
    same(&orig, &changed, "", &[], &mut diffs);
    assert_eq!(diffs, ["/properties/a/maxLength", "/required"]);
    diffs.clear();
    same(
        &orig,
        &changed,
        "",
        &["/properties/a".into(), "/required".into()],
        &mut diffs,
    );
    assert!(diffs.is_empty(), "{diffs:?}");
}

/// Every file under `dir`, relative (to see that nothing was written).
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(
                    p.strip_prefix(dir)
                        .expect("prefix")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let dir = scratch("import-bad");
    let tool = r#"{"name": "t", "description": "d", "inputSchema": {"type": "object"}}"#;
    let deep = format!("{{\"tools\": {}{}}}", "[".repeat(5000), "]".repeat(5000));
    let big = format!(
        "{{\"tools\": [{tool}], \"pad\": \"{}\"}}",
        "x".repeat(10 << 20)
    );
    let cases: &[(&str, &str, &str, &str)] = &[
        ("mcp", "broken.json", "{\"tools\": [", "not valid JSON"),
        (
            "mcp",
            "scalar.json",
            r#"{"tools": [{"name": "t", "inputSchema": {"type": "string"}}]}"#,
            "not an object schema",
        ),
        ("mcp", "deep.json", &deep, "recursion limit"),
        ("mcp", "big.json", &big, "MiB"),
        (
            "openai",
            "object.json",
            r#"{"name": "x"}"#,
            "function tools",
        ),
    ];
    for (format, file, text, expected) in cases {
        std::fs::write(dir.join(file), text).expect("write");
        let o = pmth(&["import", format, file, "-o", "out"], &dir);
        assert_eq!(code(&o), 1, "{file}: {}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains(expected), "{file}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("nothing was written"),
            "{file}: {}",
            stderr(&o)
        );
        assert!(!dir.join("out").exists(), "{file}: wrote something");
    }
    let o = pmth(&["import", "mcp", "missing.json", "-o", "out"], &dir);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.json"), "{}", stderr(&o));
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = scratch("import-exists");
    std::fs::write(dir.join("tools.json"), format!("{{\"tools\": [{}]}}", r#"{"name": "t", "description": "d", "inputSchema": {"type": "object", "properties": {}}}"#)).expect("write");
    let o = pmth(&["import", "mcp", "tools.json", "-o", "ws"], &dir);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(listing(&dir.join("ws")), ["pmth.toml", "tools.pmth"]);
    let before = std::fs::read(dir.join("ws/tools.pmth")).expect("read");
    let o = pmth(&["import", "mcp", "tools.json", "-o", "ws"], &dir);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("tools.pmth") && stderr(&o).contains("already exists"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(dir.join("ws/tools.pmth")).expect("read"),
        before
    );
    // Without -o, into the current workspace (its pmth.toml is kept), from a subfolder.
    std::fs::create_dir_all(dir.join("ws/sub")).expect("mkdir");
    std::fs::rename(dir.join("ws/tools.pmth"), dir.join("other.pmth")).expect("mv");
    let o = pmth(&["import", "mcp", "../../tools.json"], &dir.join("ws/sub"));
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(listing(&dir.join("ws")), ["pmth.toml", "tools.pmth"]);
    let (c, doc) = check_json(&dir.join("ws"));
    assert_eq!((c, &doc["errors"]), (0, &json!(0)), "{doc:#}");
    // `-o` naming a file.
    let o = pmth(&["import", "mcp", "tools.json", "-o", "other.pmth"], &dir);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));
}

/// A CrewAI crew: 0 errors (in `import`), its agents, and one step per task,
/// each naming one of the imported agents.
fn crewai_case(name: &str, agents: usize, steps: usize) -> String {
    let (ws, report) = import(name);
    assert_eq!(report["counts"]["agents"], agents, "{report:#}");
    assert_eq!(report["counts"]["workflows"], 1, "{report:#}");
    let agents_text = std::fs::read_to_string(ws.join("agents.pmth")).expect("agents.pmth");
    let tasks_text = std::fs::read_to_string(ws.join("tasks.pmth")).expect("tasks.pmth");
    let declared: Vec<&str> = agents_text
        .lines()
        .filter_map(|l| l.strip_prefix("agent ")?.split(' ').next())
        .collect();
    assert_eq!(declared.len(), agents);
    let used: Vec<&str> = tasks_text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("agent = agent."))
        .collect();
    assert_eq!(used.len(), steps, "{tasks_text}");
    assert_eq!(
        tasks_text
            .lines()
            .filter(|l| l.trim_start().starts_with("step "))
            .count(),
        steps
    );
    assert!(
        used.iter().all(|u| declared.contains(u)),
        "{used:?} {declared:?}"
    );
    format!("==> agents.pmth\n{agents_text}==> tasks.pmth\n{tasks_text}")
}

#[test]
fn crewai_stock_analysis_imports() {
    insta::assert_snapshot!(crewai_case("crewai-stock-analysis", 3, 4));
}

#[test]
fn crewai_job_posting_imports() {
    crewai_case("crewai-job-posting", 3, 5);
}

#[test]
fn bad_yaml_is_refused() {
    let dir = scratch("import-bad-yaml");
    std::fs::write(dir.join("agents.yaml"), "a: [unclosed\n").expect("write");
    let o = pmth(&["import", "crewai", "agents.yaml", "-o", "out"], &dir);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("not valid YAML"), "{}", stderr(&o));
    std::fs::write(
        dir.join("tasks.yaml"),
        "t:\n  description: d\n  expected_output: e\n",
    )
    .expect("write");
    let o = pmth(&["import", "crewai", "tasks.yaml", "-o", "out"], &dir);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("agents.yaml"), "{}", stderr(&o));
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    std::fs::write(dir.join("bomb.yaml"), bomb).expect("write");
    let o = pmth(&["import", "crewai", "bomb.yaml", "-o", "out"], &dir);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    std::fs::write(
        dir.join("deep.yaml"),
        format!("a: {}{}\n", "[".repeat(5000), "]".repeat(5000)),
    )
    .expect("write");
    let o = pmth(&["import", "crewai", "deep.yaml", "-o", "out"], &dir);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!dir.join("out").exists());
}

/// An Agent Spec document: its agents, LLM configs and tools.
fn agentspec_case(name: &str, agents: usize, tools: usize) -> Json {
    let (_, report) = import(name);
    assert_eq!(report["counts"]["agents"], agents, "{report:#}");
    assert_eq!(report["counts"]["tools"], tools, "{report:#}");
    assert_eq!(report["counts"]["models"], 1, "{report:#}");
    report
}

#[test]
fn agentspec_benefits_agent_imports() {
    agentspec_case("agentspec-benefits-agent", 1, 7);
}

/// The notes of a report whose message contains every one of `words`.
fn notes_with<'a>(report: &'a Json, words: &[&str]) -> Vec<&'a str> {
    report["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(|n| n["message"].as_str())
        .filter(|m| words.iter().all(|w| m.contains(w)))
        .collect()
}

/// The IT assistant's Flow is a workflow: a step per agent and tool node, the
/// specialists after the orchestrator when its `topic` names them, and the
/// three edges back to the orchestrator (a cycle) dropped, each a note.
#[test]
fn agentspec_it_assistant_imports_its_flow_as_a_workflow_without_the_cycle() {
    let (ws, report) = import("agentspec-it-assistant");
    for (kind, n) in [("agents", 4), ("tools", 1), ("models", 1), ("workflows", 1)] {
        assert_eq!(report["counts"][kind], n, "{kind}: {report:#}");
    }
    let cycle = notes_with(&report, &["closes a cycle", "Orchestrator Agent Execution"]);
    assert_eq!(cycle.len(), 3, "{report:#}");
    assert!(notes_with(&report, &["not imported as a workflow"]).is_empty());
    let text =
        std::fs::read_to_string(ws.join("agentspec_oracle_it_assistant.pmth")).expect("read");
    let flow = &text[text.find("workflow ").expect("a workflow")..];
    assert_eq!(flow.matches("\n  step ").count(), 5, "{flow}");
    for topic in ["network", "device", "account"] {
        assert!(
            flow.contains(&format!(
                "when = step.orchestrator_agent_execution.output.topic == \"{topic}\""
            )),
            "{flow}"
        );
    }
    insta::assert_snapshot!(flow);
}

/// A small Flow: a tool classifies the input, a `BranchingNode` sends two of
/// its values to one agent, a third to another, the rest (`default`) to a
/// third node of the second agent; what
/// cannot be written (a binding from an output the agent does not declare, a
/// required param no edge binds, the flow's output) is a note, and the result
/// checks.
const BRANCHING_FLOW: &str = r#"{
  "component_type": "Flow", "id": "f1", "name": "Support Desk", "description": "Routes a ticket",
  "start_node": {"$component_ref": "start"},
  "nodes": [{"$component_ref": "start"}, {"$component_ref": "classify"}, {"$component_ref": "route"},
            {"$component_ref": "money"}, {"$component_ref": "tech"}, {"$component_ref": "triage"},
            {"$component_ref": "end"}],
  "control_flow_connections": [
    {"component_type": "ControlFlowEdge", "id": "c1", "name": "c1", "from_node": {"$component_ref": "start"}, "to_node": {"$component_ref": "classify"}},
    {"component_type": "ControlFlowEdge", "id": "c2", "name": "c2", "from_node": {"$component_ref": "classify"}, "to_node": {"$component_ref": "route"}},
    {"component_type": "ControlFlowEdge", "id": "c3", "name": "c3", "from_node": {"$component_ref": "route"}, "from_branch": "money", "to_node": {"$component_ref": "money"}},
    {"component_type": "ControlFlowEdge", "id": "c4", "name": "c4", "from_node": {"$component_ref": "route"}, "from_branch": "tech", "to_node": {"$component_ref": "tech"}},
    {"component_type": "ControlFlowEdge", "id": "c5", "name": "c5", "from_node": {"$component_ref": "route"}, "from_branch": "default", "to_node": {"$component_ref": "triage"}},
    {"component_type": "ControlFlowEdge", "id": "c6", "name": "c6", "from_node": {"$component_ref": "money"}, "to_node": {"$component_ref": "end"}},
    {"component_type": "ControlFlowEdge", "id": "c7", "name": "c7", "from_node": {"$component_ref": "tech"}, "to_node": {"$component_ref": "end"}},
    {"component_type": "ControlFlowEdge", "id": "c8", "name": "c8", "from_node": {"$component_ref": "triage"}, "to_node": {"$component_ref": "end"}}
  ],
  "data_flow_connections": [
    {"component_type": "DataFlowEdge", "id": "d1", "name": "d1", "source_node": {"$component_ref": "start"}, "source_output": "ticket", "destination_node": {"$component_ref": "classify"}, "destination_input": "text"},
    {"component_type": "DataFlowEdge", "id": "d2", "name": "d2", "source_node": {"$component_ref": "classify"}, "source_output": "category", "destination_node": {"$component_ref": "route"}, "destination_input": "category"},
    {"component_type": "DataFlowEdge", "id": "d3", "name": "d3", "source_node": {"$component_ref": "start"}, "source_output": "ticket", "destination_node": {"$component_ref": "money"}, "destination_input": "ticket"},
    {"component_type": "DataFlowEdge", "id": "d4", "name": "d4", "source_node": {"$component_ref": "classify"}, "source_output": "summary", "destination_node": {"$component_ref": "tech"}, "destination_input": "summary"},
    {"component_type": "DataFlowEdge", "id": "d5", "name": "d5", "source_node": {"$component_ref": "tech"}, "source_output": "answer", "destination_node": {"$component_ref": "end"}, "destination_input": "answer"},
    {"component_type": "DataFlowEdge", "id": "d6", "name": "d6", "source_node": {"$component_ref": "classify"}, "source_output": "confidence", "destination_node": {"$component_ref": "tech"}, "destination_input": "confidence"}
  ],
  "$referenced_components": {
    "start": {"component_type": "StartNode", "id": "start", "name": "Start",
              "outputs": [{"title": "ticket", "type": "string"}]},
    "classify": {"component_type": "ToolNode", "id": "classify", "name": "Classify",
      "tool": {"component_type": "ServerTool", "id": "t1", "name": "classify_ticket", "description": "Classifies a ticket",
               "inputs": [{"title": "text", "type": "string"}, {"title": "language", "type": "string"}],
               "outputs": [{"title": "category", "type": "string", "enum": ["billing", "refund", "bug", "other"]},
                           {"title": "summary", "type": "string"}]}},
    "route": {"component_type": "BranchingNode", "id": "route", "name": "Route",
              "inputs": [{"title": "category", "type": "string"}],
              "mapping": {"billing": "money", "refund": "money", "bug": "tech"}},
    "money": {"component_type": "AgentNode", "id": "money", "name": "Billing",
      "agent": {"component_type": "Agent", "id": "a1", "name": "billing_agent", "description": "Handles billing",
                "llm_config": {"$component_ref": "llm"}, "system_prompt": "Help with {{ticket}}"}},
    "tech": {"component_type": "AgentNode", "id": "tech", "name": "Tech",
      "agent": {"$component_ref": "a2"}},
    "triage": {"component_type": "AgentNode", "id": "triage", "name": "Triage", "agent": {"$component_ref": "a2"}},
    "a2": {"component_type": "Agent", "id": "a2", "name": "tech_agent", "description": "Handles bugs",
           "llm_config": {"$component_ref": "llm"}, "system_prompt": "Fix {{summary}}"},
    "end": {"component_type": "EndNode", "id": "end", "name": "End"},
    "llm": {"component_type": "OpenAiConfig", "id": "llm", "name": "gpt", "model_id": "gpt-4o"}
  },
  "agentspec_version": "25.4.1"
}"#;

#[test]
fn agentspec_branching_flow_gives_when_conditions() {
    let dir = scratch("import-agentspec-branching");
    std::fs::write(dir.join("desk.json"), BRANCHING_FLOW).expect("write");
    let o = pmth(
        &[
            "import",
            "agentspec",
            "desk.json",
            "-o",
            "ws",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let report: Json = serde_json::from_str(&stdout(&o)).expect("json report");
    assert_eq!(report["counts"]["workflows"], 1, "{report:#}");
    let ws = dir.join("ws");
    let (c, doc) = check_json(&ws);
    assert_eq!((c, &doc["errors"]), (0, &json!(0)), "{doc:#}");
    let others: Vec<&Json> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| {
            !(d["code"] == "PM0702"
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("content filter")))
        })
        .collect();
    assert!(others.is_empty(), "{others:#?}");
    let text = std::fs::read_to_string(ws.join("desk.pmth")).expect("read");
    assert!(
        text.contains(
            "when = step.classify.output.category == \"billing\" || step.classify.output.category == \"refund\""
        ),
        "{text}"
    );
    assert!(
        text.contains("when = step.classify.output.category == \"bug\""),
        "{text}"
    );
    assert!(
        text.contains("when = step.classify.output.category != \"billing\" && step.classify.output.category != \"refund\" && step.classify.output.category != \"bug\""),
        "{text}"
    );
    assert_eq!(
        notes_with(&report, &["declares no output `confidence`"]).len(),
        1,
        "{report:#}"
    );
    assert_eq!(
        notes_with(&report, &["`language`", "input.language"]).len(),
        1,
        "{report:#}"
    );
    assert_eq!(
        notes_with(&report, &["flow's output `answer`"]).len(),
        1,
        "{report:#}"
    );
    let mut notes: Vec<&str> = notes_with(&report, &[]);
    notes.retain(|n| !n.contains("content filter"));
    insta::assert_snapshot!(format!("{text}==> notes\n{}\n", notes.join("\n")));
}
