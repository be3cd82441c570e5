//! Open Agent Spec: the `Agent` components of a document (top level, in a
//! `Flow`'s nodes, under `$referenced_components`) with their LLM configs and
//! tools, as `model`, `tool` and `agent` declarations (an agent's `outputs`
//! as its `output` object), then each `Flow` as a `workflow` over them
//! ([`agentspec_flow`]: steps, `after`, `when`, `with`, `input`; cycles
//! dropped, each a note). `$component_ref`s are resolved.

use super::agentspec_flow;
use super::ident::Names;
use super::json::J;
use super::literal::quote;
use super::schema::{compact, escape, Converter};
use super::{Loss, Note};
use std::collections::HashMap;

/// LLM config → pmth provider.
const PROVIDERS: &[(&str, &str)] = &[
    ("OpenAiConfig", "openai"),
    ("OllamaConfig", "ollama"),
    ("VllmConfig", "vllm"),
    ("OpenAiCompatibleConfig", "openai_compatible"),
    ("OciGenAiConfig", "oci"),
];

/// Keys every component has, which pmth keeps (or needs not keep: ids).
const COMMON: &[&str] = &[
    "component_type",
    "id",
    "name",
    "description",
    "agentspec_version",
    "$referenced_components",
    "inputs",
    "outputs",
];
/// Agent keys that have a place in pmth.
const AGENT_KEYS: &[&str] = &["llm_config", "system_prompt", "tools"];
/// Tool keys pmth reads or reports on their own.
const TOOL_KEYS: &[&str] = &[
    "url",
    "http_method",
    "data",
    "query_params",
    "headers",
    "api_spec_uri",
];

/// Notes every key of component `c` (at `ptr`) outside `COMMON` and `own`;
/// an empty `metadata` is no loss.
fn unknown_keys(c: &J, own: &[&str], ptr: &str, file: &str, decl: &str, notes: &mut Vec<Note>) {
    for (k, v) in c.as_obj().unwrap_or(&[]) {
        let empty = matches!(v, J::Null)
            || matches!(v, J::Obj(e) if e.is_empty())
            || matches!(v, J::Arr(a) if a.is_empty());
        if COMMON.contains(&k.as_str()) || own.contains(&k.as_str()) || (k == "metadata" && empty) {
            continue;
        }
        note(
            notes,
            file,
            decl,
            format!("{ptr}/{}", escape(k)),
            format!("`{k}` ({}) has no place in pmth; dropped", compact(v)),
        );
    }
}

/// The model an agent without `llm_config` gets.
const PLACEHOLDER_MODEL: &str = "agentspec_llm";

/// Tool component types.
const TOOLS: &[&str] = &[
    "ServerTool",
    "RemoteTool",
    "ClientTool",
    "MCPTool",
    "BuiltinTool",
];

/// What one document gives: its declarations' texts.
pub(super) fn import(
    doc: &J,
    file: &str,
    names: &mut Names,
    notes: &mut Vec<Note>,
) -> Result<Vec<String>, String> {
    if doc.str_at("component_type").is_none() {
        return Err(format!(
            "{file}: not an Agent Spec component: expected `component_type` at the top"
        ));
    }
    let mut refs: HashMap<String, &J> = HashMap::new();
    collect_refs(doc, &mut refs, 0);
    let mut w = Walk {
        refs: &refs,
        seen: Vec::new(),
        agents: Vec::new(),
        tools: Vec::new(),
        models: Vec::new(),
        flows: Vec::new(),
        notes,
    };
    w.component(doc, "", 0);
    if w.agents.is_empty() && w.flows.is_empty() {
        return Err(format!(
            "{file}: no `Agent` or `Flow` component in the document"
        ));
    }
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for (id, m, ptr) in w.models.clone() {
        let name = names.take(m.str_at("name").unwrap_or("model"), "model");
        ids.insert(id, name.clone());
        out.push(model(&name, m, &ptr, file, w.notes));
    }
    // Component id → pmth agent or tool name, for the flows' steps.
    let mut decl_of: HashMap<String, String> = HashMap::new();
    for (id, t, ptr) in w.tools.clone() {
        let original = t.str_at("name").unwrap_or("tool");
        let name = names.take(original, "tool");
        ids.insert(id.clone(), name.clone());
        decl_of.insert(id, name.clone());
        out.push(tool(&name, original, t, &ptr, file, w.notes)?);
    }
    let placeholder = w.agents.iter().any(|(_, a, _)| {
        a.get("llm_config")
            .map(|l| deref(l, &refs))
            .and_then(|l| l.str_at("id"))
            .and_then(|id| ids.get(id))
            .is_none()
    });
    if placeholder {
        names.take(PLACEHOLDER_MODEL, "model");
        out.push(format!("// TODO(import): a placeholder for the agents without an LLM config. Set `provider` and `id`.\nmodel {PLACEHOLDER_MODEL} {{\n  description = \"A placeholder from pmth import\"\n  provider = \"openai\"\n  id = \"gpt-4o\"\n}}\n"));
    }
    for (id, a, ptr) in w.agents.clone() {
        let original = a.str_at("name").unwrap_or("agent");
        let name = names.take(original, "agent");
        decl_of.insert(id, name.clone());
        out.push(agent(&name, original, a, &ptr, &refs, &ids, file, w.notes));
    }
    for (f, ptr) in w.flows.clone() {
        match agentspec_flow::workflow(f, &ptr, &refs, &decl_of, names, file, w.notes) {
            Some(text) => out.push(text),
            None => note(
                w.notes,
                file,
                "",
                ptr.clone(),
                format!(
                    "the Flow {:?} has no `start_node`; not imported as a workflow (its agents and tools are)",
                    f.str_at("name").unwrap_or("")
                ),
            ),
        }
    }
    Ok(out)
}

/// Every component under a `$referenced_components` map, by id.
fn collect_refs<'a>(j: &'a J, refs: &mut HashMap<String, &'a J>, depth: usize) {
    if depth > 64 {
        return;
    }
    match j {
        J::Obj(entries) => {
            for (k, v) in entries {
                if k == "$referenced_components" {
                    for (id, c) in v.as_obj().unwrap_or(&[]) {
                        refs.insert(id.clone(), c);
                    }
                }
                collect_refs(v, refs, depth + 1);
            }
        }
        J::Arr(items) => items.iter().for_each(|i| collect_refs(i, refs, depth + 1)),
        _ => {}
    }
}

/// `{"$component_ref": ID}` resolved (or the value itself).
fn deref<'a>(j: &'a J, refs: &HashMap<String, &'a J>) -> &'a J {
    match j.str_at("$component_ref").and_then(|id| refs.get(id)) {
        Some(c) => c,
        None => j,
    }
}

struct Walk<'a, 'n> {
    refs: &'a HashMap<String, &'a J>,
    seen: Vec<String>,
    agents: Vec<(String, &'a J, String)>,
    tools: Vec<(String, &'a J, String)>,
    models: Vec<(String, &'a J, String)>,
    flows: Vec<(&'a J, String)>,
    notes: &'n mut Vec<Note>,
}

impl<'a> Walk<'a, '_> {
    /// Finds agents, tools and LLM configs in `j` (depth-first, in order), once each.
    fn component(&mut self, j: &'a J, ptr: &str, depth: usize) {
        if depth > 64 {
            return;
        }
        let j = deref(j, self.refs);
        match j {
            J::Arr(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.component(x, &format!("{ptr}/{i}"), depth + 1);
                }
                return;
            }
            J::Obj(_) => {}
            _ => return,
        }
        if let Some(kind) = j.str_at("component_type") {
            let id = j.str_at("id").unwrap_or(ptr).to_owned();
            if self.seen.contains(&id) {
                return;
            }
            self.seen.push(id.clone());
            if kind == "Agent" {
                self.agents.push((id, j, ptr.to_owned()));
            } else if TOOLS.contains(&kind) {
                self.tools.push((id, j, ptr.to_owned()));
                return;
            } else if kind.ends_with("Config") && j.get("model_id").is_some() {
                self.models.push((id, j, ptr.to_owned()));
                return;
            } else if kind == "Flow" {
                self.flows.push((j, ptr.to_owned()));
            }
        }
        for (k, v) in j.as_obj().unwrap_or(&[]) {
            if k != "$referenced_components" {
                self.component(v, &format!("{ptr}/{}", escape(k)), depth + 1);
            }
        }
    }
}

fn note(notes: &mut Vec<Note>, file: &str, decl: &str, pointer: String, message: String) {
    notes.push(Note {
        file: file.to_owned(),
        decl: decl.to_owned(),
        pointer,
        message,
    });
}

fn model(name: &str, m: &J, ptr: &str, file: &str, notes: &mut Vec<Note>) -> String {
    let kind = m.str_at("component_type").unwrap_or("");
    let provider = PROVIDERS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("openai_compatible", |(_, p)| p);
    if let Some(url) = m.str_at("url") {
        note(
            notes,
            file,
            &format!("model.{name}"),
            format!("{ptr}/url"),
            format!("the endpoint {url:?} is not kept (a pmth model names a `service` for it)"),
        );
    }
    let description = m.str_at("description").or(m.str_at("name")).unwrap_or(name);
    format!(
        "// TODO(import): from the {kind} {:?}; review `provider` and `id`.\nmodel {name} {{\n  description = {}\n  provider = {}\n  id = {}\n}}\n",
        m.str_at("name").unwrap_or(""),
        quote(description),
        quote(provider),
        quote(m.str_at("model_id").unwrap_or(name)),
    )
}

fn tool(
    name: &str,
    original: &str,
    t: &J,
    ptr: &str,
    file: &str,
    notes: &mut Vec<Note>,
) -> Result<String, String> {
    let decl = format!("tool.{name}");
    unknown_keys(t, TOOL_KEYS, ptr, file, &decl, notes);
    if name != original {
        note(
            notes,
            file,
            &decl,
            format!("{ptr}/name"),
            super::renamed(original, "tool", name, true),
        );
    }
    let mut body = Vec::new();
    match t.str_at("description") {
        Some(d) if !d.is_empty() => body.push(format!("description = {}", quote(d))),
        _ => {
            body.push(
                "// TODO(import): the tool has no description; say what it does (a model reads it)"
                    .into(),
            );
            body.push(format!("description = {}", quote(original)));
        }
    }
    if name != original {
        body.push(format!("title = {}", quote(original)));
    }
    let method = t.str_at("http_method");
    let (risk, why) = match method {
        Some("GET") | Some("HEAD") => ("low", "it is an HTTP GET"),
        Some(_) => ("medium", "it is an HTTP call that may change things"),
        None => ("medium", "nothing says what it does to the world"),
    };
    body.push(format!("// TODO(import): Agent Spec has no risk level; `{risk}` because {why}. Review it (low | medium | high | critical)"));
    body.push(format!("risk = {risk}"));
    let mut c = Converter::new(t, ptr.to_owned());
    let lines = c.property_fields(&mut Names::default(), t.get("inputs"), "/inputs", "input");
    body.push(format!("params {{\n{}\n}}", lines.join("\n")));
    let olines = c.property_fields(
        &mut Names::default(),
        t.get("outputs"),
        "/outputs",
        "output",
    );
    if !olines.is_empty() {
        body.push(format!("returns: object {{\n{}\n}}", olines.join("\n")));
        c.push(Loss {
            pointer: format!("{ptr}/outputs"),
            message: "the outputs are written as one object `returns` (a field per output)".into(),
        });
    }
    for k in [
        "url",
        "http_method",
        "data",
        "query_params",
        "headers",
        "api_spec_uri",
    ] {
        match t.get(k) {
            None | Some(J::Null) => {}
            Some(J::Obj(e)) if e.is_empty() => {}
            Some(v) => c.push(Loss {
                pointer: format!("{ptr}/{k}"),
                message: format!("`{k}` ({}) is how the runtime calls the tool; a pmth tool does not hold it (a `service` names the endpoint)", compact(v)),
            }),
        }
    }
    for l in c.losses {
        note(notes, file, &decl, l.pointer, l.message);
    }
    Ok(format!("tool {name} {{\n{}\n}}\n", body.join("\n")))
}

#[allow(clippy::too_many_arguments)]
fn agent(
    name: &str,
    original: &str,
    a: &J,
    ptr: &str,
    refs: &HashMap<String, &J>,
    ids: &HashMap<String, String>,
    file: &str,
    notes: &mut Vec<Note>,
) -> String {
    let decl = format!("agent.{name}");
    unknown_keys(a, AGENT_KEYS, ptr, file, &decl, notes);
    if name != original {
        note(
            notes,
            file,
            &decl,
            format!("{ptr}/name"),
            super::renamed(original, "agent", name, true),
        );
    }
    let mut body = Vec::new();
    match a.str_at("description") {
        Some(d) if !d.is_empty() => body.push(format!("description = {}", quote(d))),
        _ => {
            body.push("// TODO(import): the agent has no description; say what it does".into());
            body.push(format!("description = {}", quote(original)));
        }
    }
    if name != original {
        body.push(format!("title = {}", quote(original)));
    }
    body.push("// TODO(import): Agent Spec has no agent kind; `conversational` fits a prompted agent. Review it (conversational | analytical | creative | task_oriented)".into());
    body.push("kind = conversational".into());
    let id_of = |j: &J| {
        deref(j, refs)
            .str_at("id")
            .and_then(|id| ids.get(id))
            .cloned()
    };
    match a.get("llm_config").and_then(id_of) {
        Some(m) => body.push(format!("model = model.{m}")),
        None => {
            body.push(
                "// TODO(import): the agent has no LLM config; this placeholder stands for it"
                    .into(),
            );
            body.push(format!("model = model.{PLACEHOLDER_MODEL}"));
        }
    }
    let tools: Vec<String> = a
        .get("tools")
        .and_then(J::as_arr)
        .unwrap_or(&[])
        .iter()
        .filter_map(id_of)
        .map(|t| format!("tool.{t}"))
        .collect();
    if !tools.is_empty() {
        body.push(format!("tools = [{}]", tools.join(", ")));
    }
    if let Some(p) = a
        .str_at("system_prompt")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        body.push(format!("instructions = {}", quote(p)));
    }
    let inputs = a.get("inputs").and_then(J::as_arr).unwrap_or(&[]);
    if !inputs.is_empty() {
        let names: Vec<String> = inputs
            .iter()
            .filter_map(|i| i.str_at("title"))
            .map(|t| format!("`{t}`"))
            .collect();
        note(notes, file, &decl, format!("{ptr}/inputs"), format!("the prompt's inputs ({}) and their defaults are not kept: workflow steps bind an agent's inputs in `with`", names.join(", ")));
    }
    let has_outputs = a
        .get("outputs")
        .and_then(J::as_arr)
        .is_some_and(|o| !o.is_empty());
    if has_outputs {
        // Named as the flow's steps name them (`agentspec_flow::named`).
        let mut c = Converter::new(a, ptr.to_owned());
        let olines = c.property_fields(
            &mut Names::default(),
            a.get("outputs"),
            "/outputs",
            "output",
        );
        body.push(format!("output: object {{\n{}\n}}", olines.join("\n")));
        c.push(Loss {
            pointer: format!("{ptr}/outputs"),
            message: "the outputs are written as one object `output` (a field per output)".into(),
        });
        for l in c.losses {
            note(notes, file, &decl, l.pointer, l.message);
        }
    }
    format!("agent {name} {{\n{}\n}}\n", body.join("\n"))
}
