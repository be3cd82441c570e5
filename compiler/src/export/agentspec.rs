//! Open Agent Spec: an `Agent` component per agent (`agents/<name>.json`) and
//! a `Flow` per workflow (`flows/<name>.json`). Each file is one document the
//! deserializer loads on its own; inside it, every shared component (a model's
//! LLM config, a tool, an agent used by several steps) is written once under
//! `$referenced_components` and referenced with `$component_ref`.

use super::{pmth_meta, str_of, strs, Out, Registry};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

/// The Agent Spec release the files declare.
pub const AGENTSPEC_VERSION: &str = "26.3.1";

/// OpenAI-compatible endpoints of providers Agent Spec has no config type for.
const COMPATIBLE: &[(&str, &str)] = &[
    ("anthropic", "https://api.anthropic.com/v1/"),
    (
        "google",
        "https://generativelanguage.googleapis.com/v1beta/openai/",
    ),
    (
        "gemini",
        "https://generativelanguage.googleapis.com/v1beta/openai/",
    ),
    ("mistral", "https://api.mistral.ai/v1"),
    ("groq", "https://api.groq.com/openai/v1"),
    ("deepseek", "https://api.deepseek.com/v1"),
    ("xai", "https://api.x.ai/v1"),
];

pub(crate) fn export(reg: &Registry, out: &mut Out) {
    let workflows = reg.latest("workflows");
    let inputs = agent_inputs(reg, &workflows);
    for (id, a) in reg.latest("agents") {
        let name = str_of(a, "name").unwrap_or(id);
        if !super::file_safe(name) {
            out.note(
                "agent",
                id,
                "Agent Spec: the name cannot be a file name; skipped",
            );
            continue;
        }
        let mut refs = Map::new();
        match agent(reg, id, a, inputs.get(id), &mut refs, out) {
            Ok(mut doc) => {
                if let Some(m) = doc.as_object_mut() {
                    if !refs.is_empty() {
                        m.insert("$referenced_components".into(), Json::Object(refs));
                    }
                    m.insert("agentspec_version".into(), Json::from(AGENTSPEC_VERSION));
                }
                out.count("agents", 1);
                if a.contains_key("remote") {
                    out.count("remote_agents", 1);
                }
                out.file(format!("agents/{name}.json"), doc);
            }
            Err(why) => out.note("agent", id, format!("Agent Spec: skipped: {why}")),
        }
    }
    for (id, w) in workflows {
        let name = str_of(w, "name").unwrap_or(id);
        if !super::file_safe(name) {
            out.note(
                "workflow",
                id,
                "Agent Spec: the name cannot be a file name; skipped",
            );
            continue;
        }
        let doc = flow(reg, id, w, &inputs, out);
        out.count("flows", 1);
        out.file(format!("flows/{name}.json"), doc);
    }
}

/// For each agent, the names its workflow steps bind with `with`: they become
/// the agent's inputs (placeholders in its system prompt).
fn agent_inputs<'a>(
    reg: &Registry<'a>,
    workflows: &[super::Decl<'a>],
) -> BTreeMap<&'a str, BTreeSet<&'a str>> {
    let mut m: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (_, w) in workflows {
        for (_, step) in w
            .get("steps")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            let Some(step) = step.as_object() else {
                continue;
            };
            let Some(agent) = step_agent(reg, step) else {
                continue;
            };
            let keys = step.get("with").and_then(Json::as_object);
            m.entry(agent)
                .or_default()
                .extend(keys.into_iter().flatten().map(|(k, _)| k.as_str()));
        }
    }
    m
}

/// The agent a step runs: its `agent`, or the first candidate of its `select`.
fn step_agent<'a>(reg: &Registry<'a>, step: &'a Map<String, Json>) -> Option<&'a str> {
    if let Some(a) = str_of(step, "agent") {
        return Some(a);
    }
    let cap = str_of(step, "select")?;
    reg.candidates(cap, step).into_iter().next()
}

fn reference(id: &str) -> Json {
    json!({ "$component_ref": id })
}

/// Named properties from an object schema's fields (`title` = the name).
fn properties(schema: Option<&Json>) -> Vec<Json> {
    let Some(props) = schema
        .and_then(|s| s.get("properties"))
        .and_then(Json::as_object)
    else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, s)| {
            let mut p = s.as_object().cloned().unwrap_or_default();
            p.insert("title".into(), Json::from(name.as_str()));
            Json::Object(p)
        })
        .collect()
}

/// One property named `output` with the whole schema.
fn output_property(schema: &Json) -> Json {
    let mut p = schema.as_object().cloned().unwrap_or_default();
    p.insert("title".into(), Json::from("output"));
    Json::Object(p)
}

/// The agent component (inline body); its LLM config and tools go into `refs`.
fn agent(
    reg: &Registry,
    id: &str,
    a: &Map<String, Json>,
    inputs: Option<&BTreeSet<&str>>,
    refs: &mut Map<String, Json>,
    out: &mut Out,
) -> Result<Json, String> {
    if let Some(remote) = a.get("remote").and_then(Json::as_object) {
        return remote_agent(id, a, remote, inputs, out);
    }
    let model_id = str_of(a, "model").ok_or("the agent has no model")?;
    let model = reg
        .get("models", model_id)
        .ok_or_else(|| format!("its model `{model_id}` is not in the registry"))?;
    let llm_id = format!("pmth.model.{model_id}");
    if !refs.contains_key(&llm_id) {
        let llm = llm_config(reg, &llm_id, model_id, model)?;
        refs.insert(llm_id.clone(), llm);
    }
    let mut tools = Vec::new();
    for tool_id in strs(a.get("tools")) {
        let Some(t) = reg.get("tools", tool_id) else {
            continue;
        };
        let tid = format!("pmth.tool.{tool_id}");
        if !refs.contains_key(&tid) {
            refs.insert(tid.clone(), tool(tool_id, t, out));
        }
        tools.push(reference(&tid));
    }
    let persona = str_of(a, "persona")
        .and_then(|p| reg.get("personas", p))
        .and_then(|p| str_of(p, "instructions"));
    let own = str_of(a, "instructions");
    let mut prompt: Vec<String> = [persona, own]
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    if prompt.is_empty() {
        prompt.push(str_of(a, "description").unwrap_or("").to_owned());
    }
    let inputs: Vec<&str> = inputs.into_iter().flatten().copied().collect();
    if !inputs.is_empty() {
        let lines: Vec<String> = inputs
            .iter()
            .map(|k| format!("- {k}: {{{{{k}}}}}"))
            .collect();
        prompt.push(format!("Inputs:\n{}", lines.join("\n")));
    }
    let output_schema = a.get("output_schema").or_else(|| a.get("output"));
    let output = match output_schema {
        Some(s) => output_property(s),
        None => json!({"title": "output", "type": "string"}),
    };
    if !strs(a.get("delegates")).is_empty() {
        out.note(
            "agent",
            id,
            "Agent Spec: `delegates` is not exported (an Agent has no hand-off list)",
        );
    }
    if !strs(a.get("fallback_models")).is_empty() {
        out.note(
            "agent",
            id,
            "Agent Spec: `fallback_models` is not exported (one llm_config)",
        );
    }
    let name = str_of(a, "name").unwrap_or(id);
    let mut m = Map::new();
    m.insert("component_type".into(), Json::from("Agent"));
    m.insert("id".into(), Json::from(format!("pmth.agent.{id}")));
    m.insert("name".into(), Json::from(name));
    if let Some(d) = str_of(a, "description") {
        m.insert("description".into(), Json::from(d));
    }
    m.insert("metadata".into(), json!({"pmth": pmth_meta(id, a)}));
    m.insert(
        "inputs".into(),
        Json::Array(
            inputs
                .iter()
                .map(|k| json!({"title": k, "type": "string"}))
                .collect(),
        ),
    );
    m.insert("outputs".into(), json!([output]));
    m.insert("llm_config".into(), reference(&llm_id));
    m.insert("system_prompt".into(), Json::from(prompt.join("\n\n")));
    m.insert("tools".into(), Json::Array(tools));
    Ok(Json::Object(m))
}

/// The suffixes of a card URL at the A2A well-known path (current, then the
/// older name): what is left is the agent's base URL.
const WELL_KNOWN_CARDS: [&str; 2] = ["/.well-known/agent-card.json", "/.well-known/agent.json"];

/// A `remote { card }` agent as Agent Spec's `A2AAgent` (a `RemoteAgent`):
/// `agent_url` is the card's base URL (the runtime fetches the card from the
/// well-known path under it), the card URL itself goes into the metadata.
fn remote_agent(
    id: &str,
    a: &Map<String, Json>,
    remote: &Map<String, Json>,
    inputs: Option<&BTreeSet<&str>>,
    out: &mut Out,
) -> Result<Json, String> {
    let card = str_of(remote, "card").ok_or("the remote agent has no `card` URL")?;
    let agent_url = match WELL_KNOWN_CARDS.iter().find_map(|w| card.strip_suffix(w)) {
        Some(base) if !base.is_empty() => base,
        _ => {
            out.note(
                "agent",
                id,
                format!("Agent Spec: the card `{card}` is not at the A2A well-known path; `agent_url` is the card URL itself"),
            );
            card
        }
    };
    let kept: Vec<&str> = ["persona", "instructions", "delegates"]
        .into_iter()
        .filter(|k| {
            a.get(*k)
                .is_some_and(|v| v != &Json::Null && v != &json!([]))
        })
        .collect();
    if !kept.is_empty() {
        out.note(
            "agent",
            id,
            format!(
                "Agent Spec: {} of a remote agent not exported (an A2AAgent is configured by its server)",
                kept.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ),
        );
    }
    let name = str_of(a, "name").unwrap_or(id);
    let mut meta = pmth_meta(id, a);
    meta.insert("card".into(), Json::from(card));
    let output = match a.get("output_schema").or_else(|| a.get("output")) {
        Some(s) => output_property(s),
        None => json!({"title": "output", "type": "string"}),
    };
    let mut m = Map::new();
    m.insert("component_type".into(), Json::from("A2AAgent"));
    m.insert("id".into(), Json::from(format!("pmth.agent.{id}")));
    m.insert("name".into(), Json::from(name));
    if let Some(d) = str_of(a, "description") {
        m.insert("description".into(), Json::from(d));
    }
    m.insert("metadata".into(), json!({ "pmth": meta }));
    m.insert(
        "inputs".into(),
        Json::Array(
            inputs
                .into_iter()
                .flatten()
                .map(|k| json!({"title": k, "type": "string"}))
                .collect(),
        ),
    );
    m.insert("outputs".into(), json!([output]));
    m.insert("agent_url".into(), Json::from(agent_url));
    m.insert(
        "connection_config".into(),
        json!({
            "component_type": "A2AConnectionConfig",
            "id": format!("pmth.agent.{id}.connection"),
            "name": format!("{name}_connection"),
        }),
    );
    Ok(Json::Object(m))
}

/// An LLM config from a model and its provider.
fn llm_config(
    reg: &Registry,
    component_id: &str,
    model_id: &str,
    model: &Map<String, Json>,
) -> Result<Json, String> {
    let provider = str_of(model, "provider").unwrap_or("");
    let served_as = str_of(model, "id")
        .or_else(|| str_of(model, "name"))
        .unwrap_or(model_id);
    let service_url = str_of(model, "service")
        .and_then(|s| reg.get("services", s))
        .and_then(|s| str_of(s, "endpoint"));
    let mut m = Map::new();
    m.insert("id".into(), Json::from(component_id));
    m.insert("name".into(), Json::from(model_id));
    if let Some(d) = str_of(model, "description") {
        m.insert("description".into(), Json::from(d));
    }
    m.insert(
        "metadata".into(),
        json!({"pmth": pmth_meta(model_id, model)}),
    );
    m.insert("model_id".into(), Json::from(served_as));
    let (kind, url) = match (provider, service_url) {
        ("openai", None) => ("OpenAiConfig", None),
        ("ollama", url) => ("OllamaConfig", Some(url.unwrap_or("http://localhost:11434"))),
        (_, Some(url)) => ("OpenAiCompatibleConfig", Some(url)),
        (p, None) => match COMPATIBLE.iter().find(|(name, _)| *name == p) {
            Some((_, url)) => ("OpenAiCompatibleConfig", Some(*url)),
            None => {
                return Err(format!(
                    "provider `{p}` of model `{model_id}` has no Agent Spec LLM config; give the model a `service` with its OpenAI-compatible endpoint"
                ))
            }
        },
    };
    m.insert("component_type".into(), Json::from(kind));
    if let Some(url) = url {
        m.insert("url".into(), Json::from(url));
    }
    Ok(Json::Object(m))
}

/// A `ServerTool` with JSON Schema inputs (one per param) and its output.
fn tool(id: &str, t: &Map<String, Json>, out: &mut Out) -> Json {
    let input_schema = t.get("input_schema");
    let required: BTreeSet<&str> = strs(input_schema.and_then(|s| s.get("required")))
        .into_iter()
        .collect();
    let inputs = properties(input_schema);
    let optional_without_default: Vec<&str> = input_schema
        .and_then(|s| s.get("properties"))
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .filter(|(k, s)| !required.contains(k.as_str()) && s.get("default").is_none())
        .map(|(k, _)| k.as_str())
        .collect();
    if !optional_without_default.is_empty() {
        out.note(
            "tool",
            id,
            format!(
                "Agent Spec: optional params without a default are inputs a flow must supply: {}",
                optional_without_default.join(", ")
            ),
        );
    }
    let outputs: Vec<Json> = t
        .get("output_schema")
        .map(output_property)
        .into_iter()
        .collect();
    let mut m = Map::new();
    m.insert("component_type".into(), Json::from("ServerTool"));
    m.insert("id".into(), Json::from(format!("pmth.tool.{id}")));
    m.insert("name".into(), Json::from(str_of(t, "name").unwrap_or(id)));
    if let Some(d) = str_of(t, "description") {
        m.insert("description".into(), Json::from(d));
    }
    m.insert("metadata".into(), json!({"pmth": pmth_meta(id, t)}));
    m.insert("inputs".into(), Json::Array(inputs));
    m.insert("outputs".into(), Json::Array(outputs));
    Json::Object(m)
}

/// What the flow builder knows about one step's node.
struct StepNode {
    node_id: String,
    /// The node has an output named `output`.
    has_output: bool,
}

/// A `Flow`: start, a node per step in topological order (a `BranchingNode`
/// before each step with `when`), end.
fn flow(
    reg: &Registry,
    id: &str,
    w: &Map<String, Json>,
    inputs: &BTreeMap<&str, BTreeSet<&str>>,
    out: &mut Out,
) -> Json {
    let wf = format!("pmth.workflow.{id}");
    let mut refs = Map::new();
    let mut nodes: Vec<Json> = Vec::new();
    let mut control: Vec<Json> = Vec::new();
    let mut data: Vec<Json> = Vec::new();
    let input_schema = w.get("input_schema");
    let flow_inputs = properties(input_schema);
    let input_names: BTreeSet<String> = flow_inputs
        .iter()
        .filter_map(|p| p.get("title").and_then(Json::as_str).map(str::to_owned))
        .collect();
    let start_id = format!("{wf}.start");
    refs.insert(
        start_id.clone(),
        json!({
            "component_type": "StartNode", "id": start_id, "name": "start",
            "inputs": flow_inputs, "outputs": flow_inputs,
        }),
    );
    nodes.push(reference(&start_id));

    let steps = w.get("steps").and_then(Json::as_object);
    let mut order: Vec<&str> = strs(w.get("order"));
    if order.is_empty() {
        order = steps
            .into_iter()
            .flatten()
            .map(|(k, _)| k.as_str())
            .collect();
    }
    let mut made: BTreeMap<&str, StepNode> = BTreeMap::new();
    // Sources whose control flow goes to the next node of the chain.
    let mut incoming: Vec<(String, Option<&str>)> = vec![(start_id.clone(), None)];
    let mut edge_n = 0usize;
    let mut edge = |from: &str, branch: Option<&str>, to: &str, control: &mut Vec<Json>| {
        edge_n += 1;
        let mut e = Map::new();
        e.insert("component_type".into(), Json::from("ControlFlowEdge"));
        e.insert("id".into(), Json::from(format!("{wf}.control.{edge_n}")));
        e.insert("name".into(), Json::from(format!("control_{edge_n}")));
        e.insert("from_node".into(), reference(from));
        if let Some(b) = branch {
            e.insert("from_branch".into(), Json::from(b));
        }
        e.insert("to_node".into(), reference(to));
        control.push(Json::Object(e));
    };
    let mut parallel = false;
    for step_name in order {
        let Some(step) = steps
            .and_then(|s| s.get(step_name))
            .and_then(Json::as_object)
        else {
            continue;
        };
        if strs(step.get("after")).len() > 1 {
            parallel = true;
        }
        let node_id = format!("{wf}.step.{step_name}");
        let node = match step_node(reg, id, step_name, step, &node_id, inputs, &mut refs, out) {
            Some(n) => n,
            None => continue,
        };
        refs.insert(node_id.clone(), node.0);
        nodes.push(reference(&node_id));
        made.insert(
            step_name,
            StepNode {
                node_id: node_id.clone(),
                has_output: node.1,
            },
        );
        if step.get("compensation").and_then(Json::as_bool) == Some(true) {
            out.note(
                "workflow",
                id,
                format!("Agent Spec: step `{step_name}` compensates a failure: kept as a node without control flow (Agent Spec has no error edges)"),
            );
            continue;
        }
        if let Some(when) = str_of(step, "when") {
            let branch_id = format!("{wf}.when.{step_name}");
            refs.insert(
                branch_id.clone(),
                json!({
                    "component_type": "BranchingNode", "id": branch_id,
                    "name": format!("when_{step_name}"), "description": when,
                    "inputs": [{"title": "condition", "type": "string"}],
                    "mapping": {"true": "run"},
                }),
            );
            nodes.push(reference(&branch_id));
            for (from, b) in incoming.drain(..) {
                edge(&from, b, &branch_id, &mut control);
            }
            edge(&branch_id, Some("run"), &node_id, &mut control);
            incoming.push((node_id.clone(), None));
            incoming.push((branch_id, Some("default")));
            out.note(
                "workflow",
                id,
                format!("Agent Spec: step `{step_name}` runs `when {when}`: a BranchingNode whose `condition` input the runtime must set to \"true\" (Agent Spec does not evaluate pmth expressions)"),
            );
        } else {
            for (from, b) in incoming.drain(..) {
                edge(&from, b, &node_id, &mut control);
            }
            incoming.push((node_id.clone(), None));
        }
    }
    if parallel {
        out.note(
            "workflow",
            id,
            "Agent Spec: steps run one after another in topological order (`after` is respected; parallelism is lost)",
        );
    }

    // Data flow from `with`.
    for (step_name, target) in &made {
        let Some(step) = steps
            .and_then(|s| s.get(*step_name))
            .and_then(Json::as_object)
        else {
            continue;
        };
        for (key, expr) in step
            .get("with")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            let expr = expr.as_str().unwrap_or("");
            let source = if let Some(field) = expr.strip_prefix("input.") {
                input_names
                    .contains(field)
                    .then(|| (start_id.clone(), field.to_owned()))
            } else if let Some(rest) = expr.strip_prefix("step.") {
                rest.strip_suffix(".output")
                    .and_then(|s| made.get(s))
                    .filter(|s| s.has_output)
                    .map(|s| (s.node_id.clone(), "output".to_owned()))
            } else {
                None
            };
            let Some((from, output)) = source else {
                out.note(
                    "workflow",
                    id,
                    format!("Agent Spec: step `{step_name}`: `{key} = {expr}` is not a workflow input or a step's whole output; not wired"),
                );
                continue;
            };
            data.push(json!({
                "component_type": "DataFlowEdge",
                "id": format!("{wf}.data.{step_name}.{key}"),
                "name": format!("{step_name}_{key}"),
                "source_node": reference(&from), "source_output": output,
                "destination_node": reference(&target.node_id), "destination_input": key,
            }));
        }
    }

    // End, with the workflow's result when it is a step's output.
    let end_id = format!("{wf}.end");
    let mut end_outputs = Vec::new();
    let result_step = str_of(w, "result")
        .and_then(|r| r.strip_prefix("step."))
        .and_then(|r| r.strip_suffix(".output"))
        .and_then(|s| made.get(s));
    match (w.get("output_schema"), result_step) {
        (Some(schema), Some(s)) if s.has_output => {
            end_outputs.push(output_property(schema));
            data.push(json!({
                "component_type": "DataFlowEdge", "id": format!("{wf}.data.result"), "name": "result",
                "source_node": reference(&s.node_id), "source_output": "output",
                "destination_node": reference(&end_id), "destination_input": "output",
            }));
        }
        (Some(_), _) => out.note(
            "workflow",
            id,
            "Agent Spec: the workflow's output is not a step's whole output; the flow's EndNode has no outputs",
        ),
        _ => {}
    }
    refs.insert(
        end_id.clone(),
        json!({"component_type": "EndNode", "id": end_id, "name": "end", "outputs": end_outputs}),
    );
    nodes.push(reference(&end_id));
    for (from, b) in incoming.drain(..) {
        edge(&from, b, &end_id, &mut control);
    }

    let mut m = Map::new();
    m.insert("component_type".into(), Json::from("Flow"));
    m.insert("id".into(), Json::from(wf.clone()));
    m.insert("name".into(), Json::from(str_of(w, "name").unwrap_or(id)));
    if let Some(d) = str_of(w, "description") {
        m.insert("description".into(), Json::from(d));
    }
    m.insert("metadata".into(), json!({"pmth": pmth_meta(id, w)}));
    m.insert("inputs".into(), Json::Array(properties(input_schema)));
    m.insert(
        "outputs".into(),
        Json::Array(end_outputs_of(&refs, &end_id)),
    );
    m.insert("start_node".into(), reference(&start_id));
    m.insert("nodes".into(), Json::Array(nodes));
    m.insert("control_flow_connections".into(), Json::Array(control));
    m.insert("data_flow_connections".into(), Json::Array(data));
    m.insert("$referenced_components".into(), Json::Object(refs));
    m.insert("agentspec_version".into(), Json::from(AGENTSPEC_VERSION));
    Json::Object(m)
}

fn end_outputs_of(refs: &Map<String, Json>, end_id: &str) -> Vec<Json> {
    refs.get(end_id)
        .and_then(|e| e.get("outputs"))
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
}

/// A step's node (and whether it has an `output`), or `None` with a note.
#[allow(clippy::too_many_arguments)]
fn step_node(
    reg: &Registry,
    wf_id: &str,
    step_name: &str,
    step: &Map<String, Json>,
    node_id: &str,
    inputs: &BTreeMap<&str, BTreeSet<&str>>,
    refs: &mut Map<String, Json>,
    out: &mut Out,
) -> Option<(Json, bool)> {
    if step.contains_key("for_each") {
        out.note(
            "workflow",
            wf_id,
            format!("Agent Spec: step `{step_name}` runs `for_each` item: exported as one call (no per-item map)"),
        );
    }
    if step.get("approval").and_then(Json::as_bool) == Some(true) {
        out.note(
            "workflow",
            wf_id,
            format!("Agent Spec: step `{step_name}` needs human approval, which a Flow cannot require; enforce it in the runtime"),
        );
    }
    if let Some(tool_id) = str_of(step, "tool") {
        let Some(t) = reg.get("tools", tool_id) else {
            out.note("workflow", wf_id, format!("Agent Spec: step `{step_name}`: tool `{tool_id}` is not in the registry; skipped"));
            return None;
        };
        let tid = format!("pmth.tool.{tool_id}");
        if !refs.contains_key(&tid) {
            refs.insert(tid.clone(), tool(tool_id, t, out));
        }
        let node = json!({
            "component_type": "ToolNode", "id": node_id, "name": step_name, "tool": reference(&tid),
        });
        return Some((node, t.contains_key("output_schema")));
    }
    if let Some(cap) = str_of(step, "select") {
        match step_agent(reg, step) {
            Some(a) => out.note(
                "workflow",
                wf_id,
                format!("Agent Spec: step `{step_name}` selects `{cap}`: the flow runs its first candidate, `{a}` (no run-time selection)"),
            ),
            None => {
                out.note("workflow", wf_id, format!("Agent Spec: step `{step_name}`: no agent provides `{cap}`; skipped"));
                return None;
            }
        }
    }
    let agent_id = step_agent(reg, step)?;
    let Some(a) = reg.get("agents", agent_id) else {
        out.note("workflow", wf_id, format!("Agent Spec: step `{step_name}`: agent `{agent_id}` is not in the registry; skipped"));
        return None;
    };
    let aid = format!("pmth.agent.{agent_id}");
    if !refs.contains_key(&aid) {
        match agent(reg, agent_id, a, inputs.get(agent_id), refs, out) {
            Ok(body) => {
                refs.insert(aid.clone(), body);
            }
            Err(why) => {
                out.note("workflow", wf_id, format!("Agent Spec: step `{step_name}`: agent `{agent_id}` cannot be exported ({why}); skipped"));
                return None;
            }
        }
    }
    let node = json!({
        "component_type": "AgentNode", "id": node_id, "name": step_name, "agent": reference(&aid),
    });
    Some((node, true))
}
