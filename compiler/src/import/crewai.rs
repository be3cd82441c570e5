//! CrewAI: `agents.yaml` (agents with `role`, `goal`, `backstory`) and
//! `tasks.yaml` (tasks with `description`, `expected_output`, `agent`,
//! `context`) as a model placeholder, a persona and an agent per agent, and one
//! workflow whose steps follow the tasks (sequential: each after the one
//! before it, or after its `context`).

use super::ident::Names;
use super::json::J;
use super::literal::quote;
use super::schema::{compact, escape};
use super::{Input, Note};

/// The agent keys that have a place in pmth.
const AGENT_KEYS: &[&str] = &["role", "goal", "backstory", "llm", "max_iter"];
/// The task keys that have a place in pmth.
const TASK_KEYS: &[&str] = &[
    "description",
    "expected_output",
    "agent",
    "context",
    "human_input",
];

/// The model every agent uses unless it names an `llm`.
const PLACEHOLDER_MODEL: &str = "crew_llm";

/// What the two files give: one `.pmth` text per input, in input order.
pub(super) fn import(
    docs: &[(&Input, J)],
    names: &mut Names,
    notes: &mut Vec<Note>,
) -> Result<Vec<String>, String> {
    let mut agents_file: Option<(&Input, &J)> = None;
    let mut tasks_file: Option<(&Input, &J)> = None;
    for (input, doc) in docs {
        let entries = doc.as_obj().ok_or_else(|| {
            format!(
                "{}: not a CrewAI YAML file: expected a mapping of names to agents or tasks",
                input.name
            )
        })?;
        let is_agents = entries.iter().any(|(_, v)| v.get("role").is_some());
        let is_tasks = entries
            .iter()
            .any(|(_, v)| v.get("description").is_some() || v.get("expected_output").is_some());
        let slot = match (is_agents, is_tasks) {
            (true, _) => &mut agents_file,
            (false, true) => &mut tasks_file,
            _ => {
                return Err(format!(
                    "{}: neither agents (with `role`) nor tasks (with `description`)",
                    input.name
                ))
            }
        };
        if slot.is_some() {
            return Err(format!(
                "{}: a second agents or tasks file; import one crew at a time",
                input.name
            ));
        }
        *slot = Some((input, doc));
    }
    let Some((agents_in, agents)) = agents_file else {
        return Err("a CrewAI import needs the crew's agents.yaml (tasks name its agents)".into());
    };
    let mut out = Vec::new();
    let mut agent_names: Vec<(String, String)> = Vec::new();
    let mut models: Vec<(String, String)> = Vec::new();
    let mut text = String::new();
    let mut decls = Vec::new();
    let mut uses_placeholder = false;
    for (key, a) in agents.as_obj().unwrap_or(&[]) {
        let name = names.take(key, "agent");
        let ptr = format!("/{}", escape(key));
        let decl = format!("agent.{name}");
        let mut note = |pointer: String, message: String| {
            notes.push(Note {
                file: agents_in.name.clone(),
                decl: decl.clone(),
                pointer,
                message,
            })
        };
        if name != *key {
            note(ptr.clone(), super::renamed(key, "agent", &name, false));
        }
        if a.as_obj().is_none() {
            return Err(format!(
                "{}: {ptr}: an agent is not a mapping",
                agents_in.name
            ));
        }
        for (k, v) in a.as_obj().unwrap_or(&[]) {
            if !AGENT_KEYS.contains(&k.as_str()) {
                note(
                    format!("{ptr}/{}", escape(k)),
                    format!(
                        "`{k}` ({}) has no place in a pmth agent; dropped",
                        compact(v)
                    ),
                );
            }
        }
        let role = a.str_at("role").map(str::trim).filter(|s| !s.is_empty());
        let goal = a.str_at("goal").map(str::trim).filter(|s| !s.is_empty());
        let backstory = a
            .str_at("backstory")
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let model = match a.str_at("llm") {
            Some(llm) => {
                let id = match models.iter().find(|(l, _)| l == llm) {
                    Some((_, id)) => id.clone(),
                    None => {
                        let id = names.take(
                            &format!("{}_llm", llm.rsplit('/').next().unwrap_or(llm)),
                            "llm",
                        );
                        models.push((llm.to_owned(), id.clone()));
                        id
                    }
                };
                id
            }
            None => {
                uses_placeholder = true;
                PLACEHOLDER_MODEL.to_owned()
            }
        };
        let mut body = Vec::new();
        match role {
            Some(r) => body.push(format!("description = {}", quote(r))),
            None => {
                body.push("// TODO(import): the agent has no `role`; say what it does".into());
                body.push(format!("description = {}", quote(key)));
            }
        }
        if name != *key {
            body.push(format!("title = {}", quote(key)));
        }
        body.push("// TODO(import): CrewAI has no agent kind; `task_oriented` fits a crew member. Review it (conversational | analytical | creative | task_oriented)".into());
        body.push("kind = task_oriented".into());
        body.push(format!("model = model.{model}"));
        if let Some(b) = backstory {
            let persona = names.take(&format!("{name}_persona"), "persona");
            decls.push(format!(
                "/// {name}'s backstory (CrewAI `backstory`).\npersona {persona} {{\n  instructions = {}\n}}\n",
                quote(b)
            ));
            body.push(format!("persona = persona.{persona}"));
        }
        match goal {
            Some(g) => body.push(format!("instructions = {}", quote(g))),
            None => {
                body.push("// TODO(import): the agent has no `goal`; write its instructions".into())
            }
        }
        if let Some(J::Num(n)) = a.get("max_iter") {
            if let Some(n) = n.as_u64().filter(|n| *n > 0 && *n < 1 << 53) {
                body.push(format!("limits {{ max_steps = {n} }}"));
            }
        }
        decls.push(format!("agent {name} {{\n{}\n}}\n", body.join("\n")));
        agent_names.push((key.clone(), name));
    }
    if agent_names.is_empty() {
        return Err(format!("{}: no agents", agents_in.name));
    }
    let mut head = Vec::new();
    if uses_placeholder {
        head.push(format!(
            "// TODO(import): CrewAI's YAML names no model (crew.py or `llm` chooses it); this placeholder stands for it. Set `provider` and `id`.\nmodel {PLACEHOLDER_MODEL} {{\n  description = \"The model the crew's agents run on (a placeholder from pmth import)\"\n  provider = \"openai\"\n  id = \"gpt-4o\"\n}}\n"
        ));
    }
    for (llm, id) in &models {
        let (provider, model_id) = llm.split_once('/').unwrap_or(("openai", llm));
        head.push(format!(
            "// TODO(import): from the agents' `llm: {llm}`; review the provider.\nmodel {id} {{\n  description = {}\n  provider = {}\n  id = {}\n}}\n",
            quote(&format!("The model `{llm}`")),
            quote(provider),
            quote(model_id)
        ));
    }
    head.extend(decls);
    text.push_str(&head.join("\n"));
    let mut texts = vec![(agents_in, text)];
    if let Some((tasks_in, tasks)) = tasks_file {
        texts.push((
            tasks_in,
            workflow(tasks_in, tasks, &agent_names, names, notes)?,
        ));
    }
    // In input order.
    for (input, _) in docs {
        if let Some((_, t)) = texts.iter().find(|(i, _)| std::ptr::eq(*i, *input)) {
            out.push(t.clone());
        }
    }
    Ok(out)
}

/// The tasks as one workflow, `crew`.
fn workflow(
    input: &Input,
    tasks: &J,
    agents: &[(String, String)],
    names: &mut Names,
    notes: &mut Vec<Note>,
) -> Result<String, String> {
    let wf = names.take("crew", "crew");
    let decl = format!("workflow.{wf}");
    let mut note = |pointer: String, message: String| {
        notes.push(Note {
            file: input.name.clone(),
            decl: decl.clone(),
            pointer,
            message,
        })
    };
    let mut steps: Vec<(String, String)> = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut step_names = Names::default();
    let mut texts = Vec::new();
    for (key, t) in tasks.as_obj().unwrap_or(&[]) {
        let ptr = format!("/{}", escape(key));
        if t.as_obj().is_none() {
            return Err(format!("{}: {ptr}: a task is not a mapping", input.name));
        }
        let name = step_names.take(key, "task");
        if name != *key {
            note(ptr.clone(), super::renamed(key, "step", &name, false));
        }
        for (k, v) in t.as_obj().unwrap_or(&[]) {
            if !TASK_KEYS.contains(&k.as_str()) {
                note(
                    format!("{ptr}/{}", escape(k)),
                    format!(
                        "`{k}` ({}) has no place in a pmth step; dropped",
                        compact(v)
                    ),
                );
            }
        }
        let description = t.str_at("description").map(str::trim).unwrap_or("");
        let expected = t.str_at("expected_output").map(str::trim).unwrap_or("");
        let mut body = Vec::new();
        let agent = match t.str_at("agent") {
            Some(a) => match agents.iter().find(|(k, _)| k == a.trim()) {
                Some((_, n)) => n.clone(),
                None => {
                    return Err(format!(
                        "{}: {ptr}/agent: `{a}` is not an agent of the agents file",
                        input.name
                    ))
                }
            },
            None => {
                let (guess, why) = guess_agent(key, agents);
                body.push(format!("// TODO(import): the task names no agent (crew.py binds it); `{guess}` {why}. Review it"));
                guess
            }
        };
        body.push(format!("agent = agent.{agent}"));
        let after: Vec<String> = match t.get("context").and_then(J::as_arr) {
            Some(ctx) => ctx
                .iter()
                .filter_map(J::as_str)
                .filter_map(|c| {
                    steps
                        .iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, n)| format!("step.{n}"))
                })
                .collect(),
            None => steps
                .last()
                .map(|(_, n)| format!("step.{n}"))
                .into_iter()
                .collect(),
        };
        if let Some(ctx) = t.get("context").and_then(J::as_arr) {
            if ctx.len() != after.len() {
                note(
                    format!("{ptr}/context"),
                    "names a task that is not an earlier task; dropped from `after`".into(),
                );
            }
        }
        if !after.is_empty() {
            body.push(format!("after = [{}]", after.join(", ")));
        }
        let mut with = vec![format!("task = {}", quote(description))];
        for p in placeholders(&format!("{description} {expected}")) {
            let f = super::ident::identifier(&p, "value");
            if !fields.contains(&f) {
                fields.push(f.clone());
            }
            if !with.iter().any(|w| w.starts_with(&format!("{f} = "))) {
                with.push(format!("{f} = input.{f}"));
            }
        }
        body.push(format!("with {{\n{}\n}}", with.join("\n")));
        if t.get("human_input").and_then(J::as_bool) == Some(true) {
            body.push("// CrewAI `human_input`: a person reviews the task; here a person approves before it runs".into());
            body.push("approval = true".into());
        }
        let doc: String = expected
            .lines()
            .map(|l| format!("// expected output: {}\n", l.trim_end()))
            .collect();
        texts.push(format!("{doc}step {name} {{\n{}\n}}", body.join("\n")));
        steps.push((key.clone(), name));
    }
    if steps.is_empty() {
        return Err(format!("{}: no tasks", input.name));
    }
    let mut out = format!(
        "workflow {wf} {{\n  description = \"The crew's tasks, in order (CrewAI Process.sequential)\"\n"
    );
    if !fields.is_empty() {
        let fs: Vec<String> = fields
            .iter()
            .map(|f| format!("/// The crew input `{{{f}}}`.\n{f}: string"))
            .collect();
        out.push_str(&format!("input {{\n{}\n}}\n", fs.join("\n")));
    }
    if let Some((_, last)) = steps.last() {
        out.push_str(&format!("result = step.{last}.output\n"));
    }
    out.push_str(&texts.join("\n"));
    out.push_str("\n}\n");
    Ok(out)
}

/// The agent for a task that names none: the first whose name shares a word
/// (its first five letters) with the task's, else the first agent.
fn guess_agent(task: &str, agents: &[(String, String)]) -> (String, &'static str) {
    let stems = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() >= 5)
            .map(|w| w.get(..5).unwrap_or(w).to_ascii_lowercase())
            .collect()
    };
    let task_stems = stems(task);
    for (key, name) in agents {
        if stems(key).iter().any(|s| task_stems.contains(s)) {
            return (name.clone(), "is a guess from the names");
        }
    }
    let first = agents.first().map(|(_, n)| n.clone()).unwrap_or_default();
    (first, "is the first agent (nothing else to go by)")
}

/// The `{name}` placeholders of a CrewAI text, in order, once each.
fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = rest.get(start + 1..).unwrap_or("");
        match after.find('}') {
            Some(end) => {
                let name = after.get(..end).unwrap_or("");
                if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !out.iter().any(|o| o == name)
                {
                    out.push(name.to_owned());
                }
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => break,
        }
    }
    out
}
