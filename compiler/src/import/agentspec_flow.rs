//! An Agent Spec `Flow` as a workflow: a step per `AgentNode` and `ToolNode`
//! (its agent's or tool's declaration), `after` from the control-flow edges
//! (through `StartNode`, `BranchingNode`s and other nodes that have no step),
//! `when` from a branch's `mapping`, `with` from the data-flow edges, `input`
//! from the `StartNode`'s outputs. Edges that close a cycle are dropped (pmth
//! workflows are acyclic, PM0401), each a note. A binding or a condition the
//! checker would refuse (an output the source does not declare, a param the
//! tool does not have, a type that does not fit, a step that does not run
//! before) is not written: a note says what it was.

use super::ident::{identifier, Names};
use super::json::J;
use super::literal::quote;
use super::schema::Converter;
use super::Note;
use std::collections::{HashMap, HashSet};

/// The component a reference or edge end stands for: an object with an
/// `id` (`None` for a reference to nothing, or anything else).
fn node<'a>(j: Option<&'a J>, refs: &HashMap<String, &'a J>) -> Option<&'a J> {
    let j = j?;
    let j = match j.str_at("$component_ref") {
        Some(r) => *refs.get(r)?,
        None => j,
    };
    j.str_at("id").filter(|i| !i.is_empty()).map(|_| j)
}

fn id(j: &J) -> &str {
    j.str_at("id").unwrap_or("")
}

/// The pmth fields of a component's `inputs` or `outputs` (`fallback` names
/// an untitled one): (Agent Spec title, pmth field name, schema), named as
/// `agentspec::tool` and `agentspec::agent` name them.
pub(super) fn named<'a>(list: Option<&'a J>, fallback: &'a str) -> Vec<(&'a str, String, &'a J)> {
    let mut names = Names::default();
    list.and_then(J::as_arr)
        .unwrap_or(&[])
        .iter()
        .map(|f| {
            let title = f.str_at("title").unwrap_or(fallback);
            (title, names.take(title, "field"), f)
        })
        .collect()
}

/// The pmth type text of a schema (its losses are reported where it is
/// declared, not here).
fn type_of(root: &J, s: &J) -> String {
    Converter::new(root, String::new()).ty(s, "", &["title", "description", "default"])
}

/// A value of type `src` fits a param of type `dst`, for what the import can
/// tell: the same type, `any` on either side, `int` into `float`.
fn fits(src: &str, dst: &str) -> bool {
    src == dst || src == "any" || dst == "any" || (src == "int" && dst == "float")
}

/// A field of type `ty` can be compared with each string of `values`.
fn comparable(ty: &str, values: &[&str]) -> bool {
    match ty {
        "string" | "any" => true,
        t if t.starts_with('"') => {
            let members: Vec<&str> = t.split(" | ").collect();
            values.iter().all(|v| members.contains(&quote(v).as_str()))
        }
        _ => false,
    }
}

/// One step: its node, name, declaration and the component it calls.
struct Step<'a> {
    node: &'a str,
    name: String,
    /// `agent = agent.X` or `tool = tool.X`.
    target: String,
    is_tool: bool,
    component: &'a J,
    /// The node's own name, when the step's differs.
    original: Option<&'a str>,
}

/// The workflow text for `flow` (at `ptr`), or `None` when it has no start
/// node. `decl_of`: component id → pmth agent or tool name.
pub(super) fn workflow(
    flow: &J,
    ptr: &str,
    refs: &HashMap<String, &J>,
    decl_of: &HashMap<String, String>,
    names: &mut Names,
    file: &str,
    notes: &mut Vec<Note>,
) -> Option<String> {
    let start = node(flow.get("start_node"), refs)?;
    let original = flow.str_at("name").unwrap_or("flow");
    let wf = names.take(original, "flow");
    let decl = format!("workflow.{wf}");
    // The notes of the workflow, reported and written as TODO comments at its top.
    let mut todos: Vec<(String, String)> = Vec::new();
    let mut note = |pointer: String, message: String| todos.push((pointer, message));
    if wf != original {
        note(
            format!("{ptr}/name"),
            super::renamed(original, "workflow", &wf, true),
        );
    }
    // The nodes, each with its pointer.
    let mut nodes: Vec<(String, &J)> = Vec::new();
    for (i, n) in flow
        .get("nodes")
        .and_then(J::as_arr)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        match node(Some(n), refs) {
            Some(j) => nodes.push((format!("{ptr}/nodes/{i}"), j)),
            None => note(
                format!("{ptr}/nodes/{i}"),
                format!(
                    "{} is not a node (no component with an `id`); skipped",
                    super::schema::compact(n)
                ),
            ),
        }
    }
    if !nodes.iter().any(|(_, n)| id(n) == id(start)) {
        nodes.insert(0, (format!("{ptr}/start_node"), start));
    }
    let by_id: HashMap<&str, &J> = nodes.iter().map(|(_, n)| (id(n), *n)).collect();
    let label = |n: &str| -> String {
        by_id
            .get(n)
            .and_then(|j| j.str_at("name"))
            .unwrap_or(n)
            .to_owned()
    };
    let kind_of = |n: &str| {
        by_id
            .get(n)
            .and_then(|j| j.str_at("component_type"))
            .unwrap_or("")
    };
    // The control-flow edges (index in the input, from, branch, to) between
    // nodes of the flow.
    let mut edges: Vec<(usize, &str, Option<&str>, &str)> = Vec::new();
    for (i, e) in flow
        .get("control_flow_connections")
        .and_then(J::as_arr)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let from = node(e.get("from_node"), refs)
            .map(id)
            .filter(|n| by_id.contains_key(n));
        let to = node(e.get("to_node"), refs)
            .map(id)
            .filter(|n| by_id.contains_key(n));
        match (from, to) {
            (Some(from), Some(to)) => edges.push((i, from, e.str_at("from_branch"), to)),
            _ => note(
                format!("{ptr}/control_flow_connections/{i}"),
                "the edge does not join two nodes of the flow; dropped".into(),
            ),
        }
    }
    let mut out_edges: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in edges.iter().enumerate() {
        out_edges.entry(e.1).or_default().push(i);
    }
    // Depth-first from the start, edges in file order; an edge to a node on
    // the current path closes a cycle and is dropped.
    let mut order: Vec<&str> = vec![id(start)];
    let mut seen: HashSet<&str> = HashSet::from([id(start)]);
    let mut on_path: HashSet<&str> = HashSet::from([id(start)]);
    let mut kept: Vec<(&str, Option<&str>, &str)> = Vec::new();
    let mut stack: Vec<(&str, usize)> = vec![(id(start), 0)];
    while let Some((at, i)) = stack.pop() {
        let Some(&e) = out_edges.get(at).and_then(|o| o.get(i)) else {
            on_path.remove(at);
            continue;
        };
        stack.push((at, i + 1));
        let Some(&(index, from, branch, to)) = edges.get(e) else {
            continue;
        };
        if on_path.contains(to) {
            note(
                format!("{ptr}/control_flow_connections/{index}"),
                format!(
                    "the edge {:?} → {:?} closes a cycle (pmth workflows are acyclic); dropped",
                    label(from),
                    label(to)
                ),
            );
            continue;
        }
        kept.push((from, branch, to));
        if seen.insert(to) {
            order.push(to);
            on_path.insert(to);
            stack.push((to, 0));
        }
    }
    for (at, n) in &nodes {
        if !seen.contains(id(n)) {
            note(
                at.clone(),
                format!(
                    "the node {:?} cannot be reached from the start node; skipped",
                    label(id(n))
                ),
            );
        }
    }
    // Steps for the agent and tool nodes whose agent or tool was imported.
    let mut steps: Vec<Step> = Vec::new();
    let mut step_names = Names::default();
    for &n in &order {
        let Some(j) = by_id.get(n) else { continue };
        let node_name = j.str_at("name").unwrap_or("step");
        let (key, is_tool) = match j.str_at("component_type") {
            Some("AgentNode") => ("agent", false),
            Some("ToolNode") => ("tool", true),
            Some("StartNode") | Some("EndNode") | Some("BranchingNode") => continue,
            Some(other) => {
                note(
                    format!("{ptr}/nodes"),
                    format!("a `{other}` node ({node_name:?}) has no pmth step; skipped (the steps after it run after the steps before it)"),
                );
                continue;
            }
            None => continue,
        };
        let component = node(j.get(key), refs);
        let Some((component, d)) = component.and_then(|c| decl_of.get(id(c)).map(|d| (c, d)))
        else {
            note(
                format!("{ptr}/nodes"),
                format!("the node {node_name:?} names no imported {key}; skipped"),
            );
            continue;
        };
        let name = step_names.take(&node_name.to_lowercase(), "step");
        steps.push(Step {
            node: n,
            original: (name != node_name.to_lowercase()).then_some(node_name),
            name,
            target: format!("{key} = {key}.{d}"),
            is_tool,
            component,
        });
    }
    let step_by_node: HashMap<&str, &str> =
        steps.iter().map(|s| (s.node, s.name.as_str())).collect();
    let step_of = |n: &str| step_by_node.get(n).map(|s| (*s).to_owned());
    let mut into: HashMap<&str, Vec<&str>> = HashMap::new();
    for &(from, _, to) in &kept {
        into.entry(to).or_default().push(from);
    }
    // The steps right before a node: through the nodes that have no step.
    let preds_of = |n: &str| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut visited: HashSet<&str> = HashSet::new();
        let mut todo: Vec<&str> = vec![n];
        while let Some(at) = todo.pop() {
            for &from in into.get(at).map(Vec::as_slice).unwrap_or(&[]) {
                if !visited.insert(from) {
                    continue;
                }
                match step_of(from) {
                    Some(s) if !out.contains(&s) => out.push(s),
                    Some(_) => {}
                    None if kind_of(from) != "StartNode" => todo.push(from),
                    None => {}
                }
            }
        }
        out
    };
    let preds: HashMap<&str, Vec<String>> =
        steps.iter().map(|s| (s.node, preds_of(s.node))).collect();
    // Ancestors, for which data edges can be bound.
    let node_by_name: HashMap<&str, &str> =
        steps.iter().map(|s| (s.name.as_str(), s.node)).collect();
    let mut ancestors: HashMap<&str, HashSet<&str>> = HashMap::new();
    for s in &steps {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut todo: Vec<&str> = vec![s.node];
        while let Some(n) = todo.pop() {
            for a in preds.get(n).map(Vec::as_slice).unwrap_or(&[]) {
                if seen.insert(a.as_str()) {
                    todo.extend(node_by_name.get(a.as_str()));
                }
            }
        }
        ancestors.insert(s.node, seen);
    }
    // The workflow's input: the start node's outputs.
    let start_fields = named(start.get("outputs"), "input");
    let mut c = Converter::new(start, format!("{ptr}/start_node"));
    let mut input_names = Names::default();
    let mut input_lines =
        c.property_fields(&mut input_names, start.get("outputs"), "/outputs", "input");
    // A data edge's source: `input.F` or `step.S.output.F`, with its type;
    // or why it cannot be written.
    let source = |src: &str, out: &str, user: &str| -> Result<(String, String), String> {
        if kind_of(src) == "StartNode" {
            return start_fields
                .iter()
                .find(|(t, _, _)| *t == out)
                .map(|(_, f, s)| (format!("input.{f}"), type_of(start, s)))
                .ok_or_else(|| format!("the start node has no output `{out}`"));
        }
        let Some(s) = steps.iter().find(|s| s.node == src) else {
            return Err(format!("{:?} has no step", label(src)));
        };
        if !ancestors
            .get(user)
            .is_some_and(|a| a.contains(s.name.as_str()))
        {
            return Err(format!(
                "step `{}` does not run before it (a cycle-closing edge was dropped, or it is on another branch)",
                s.name
            ));
        }
        named(s.component.get("outputs"), "output")
            .iter()
            .find(|(t, _, _)| *t == out)
            .map(|(_, f, j)| {
                (
                    format!("step.{}.output.{f}", s.name),
                    type_of(s.component, j),
                )
            })
            .ok_or_else(|| {
                format!(
                    "the {} of step `{}` declares no output `{out}`",
                    if s.is_tool { "tool" } else { "agent" },
                    s.name
                )
            })
    };
    // The data edges, each with its index.
    let mut data: Vec<(usize, &str, &str, &str, &str)> = Vec::new();
    for (i, e) in flow
        .get("data_flow_connections")
        .and_then(J::as_arr)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let src = node(e.get("source_node"), refs)
            .map(id)
            .filter(|n| by_id.contains_key(n));
        let dst = node(e.get("destination_node"), refs)
            .map(id)
            .filter(|n| by_id.contains_key(n));
        match (src, e.str_at("source_output"), dst, e.str_at("destination_input")) {
            (Some(s), Some(o), Some(d), Some(input)) => data.push((i, s, o, d, input)),
            _ => note(
                format!("{ptr}/data_flow_connections/{i}"),
                "the data edge does not join an output and an input of two nodes of the flow; dropped".into(),
            ),
        }
    }
    for &(i, _, out, dst, input) in &data {
        let k = kind_of(dst);
        if k == "EndNode" {
            note(
                format!("{ptr}/data_flow_connections/{i}"),
                format!("the flow's output `{input}` (from `{out}`) is not kept; write the workflow's `output` and `result`"),
            );
        } else if k != "BranchingNode" && step_of(dst).is_none() {
            note(
                format!("{ptr}/data_flow_connections/{i}"),
                format!(
                    "`{input}` of {:?} has no step to bind it to; dropped",
                    label(dst)
                ),
            );
        }
    }
    // Conditions: a step right after a branch runs when the branch's input
    // maps to that branch (the `default` branch: to none); reached by any
    // other edge too, it runs unconditionally.
    let mut when: HashMap<&str, Vec<String>> = HashMap::new();
    for s in &steps {
        let mut conds: Vec<String> = Vec::new();
        let mut plain = false;
        for &(from, branch, to) in &kept {
            if to != s.node {
                continue;
            }
            if kind_of(from) != "BranchingNode" {
                plain = true;
                continue;
            }
            let branch = branch.unwrap_or("");
            let mapping = by_id
                .get(from)
                .and_then(|b| b.get("mapping"))
                .and_then(J::as_obj)
                .unwrap_or(&[]);
            let mut values: Vec<&str> = mapping
                .iter()
                .filter(|(_, v)| v.as_str() == Some(branch))
                .map(|(k, _)| k.as_str())
                .collect();
            let default = values.is_empty() && branch == "default" && !mapping.is_empty();
            if default {
                values = mapping.iter().map(|(k, _)| k.as_str()).collect();
            }
            let input = data.iter().find(|d| d.3 == from);
            let why = match (input, values.is_empty()) {
                (_, true) => format!("no `mapping` value leads to the branch {branch:?}"),
                (None, false) => "no data edge gives the branching node its input".to_owned(),
                (Some(&(_, src, out, _, _)), false) => match source(src, out, s.node) {
                    Ok((v, ty)) if comparable(&ty, &values) => {
                        let (op, join) = if default {
                            ("!=", " && ")
                        } else {
                            ("==", " || ")
                        };
                        let c: Vec<String> = values
                            .iter()
                            .map(|x| format!("{v} {op} {}", quote(x)))
                            .collect();
                        conds.push(c.join(join));
                        continue;
                    }
                    Ok((v, ty)) => {
                        format!("`{v}` is a `{ty}`, not a string it can be compared with")
                    }
                    Err(e) => e,
                },
            };
            plain = true;
            note(
                format!("{ptr}/control_flow_connections"),
                format!(
                    "the branch {branch:?} of {:?} to step `{}` has no condition pmth can write ({why}); the step runs unconditionally",
                    label(from),
                    s.name
                ),
            );
        }
        if plain && !conds.is_empty() {
            note(
                format!("{ptr}/control_flow_connections"),
                format!("step `{}` is reached by a branch and without one; it runs unconditionally (the condition `{}` is not written)", s.name, conds.join(" || ")),
            );
        } else if !conds.is_empty() {
            when.insert(s.node, conds);
        }
    }
    let mut body = Vec::new();
    match flow.str_at("description") {
        Some(d) if !d.is_empty() => body.push(format!("description = {}", quote(d))),
        _ => {
            body.push("// TODO(import): the flow has no description; say what it does".into());
            body.push(format!("description = {}", quote(original)));
        }
    }
    if wf != original {
        body.push(format!("title = {}", quote(original)));
    }
    let head = body.len();
    if !input_lines.is_empty() {
        body.push(format!("input {{\n{}\n}}", input_lines.join("\n")));
    }
    for s in &steps {
        let mut lines = Vec::new();
        lines.push(s.target.clone());
        let after = preds.get(s.node).cloned().unwrap_or_default();
        if !after.is_empty() {
            let refs: Vec<String> = after.iter().map(|a| format!("step.{a}")).collect();
            lines.push(format!("after = [{}]", refs.join(", ")));
        }
        if let Some(w) = when.get(s.node) {
            lines.push(format!("when = {}", w.join(" || ")));
        }
        let params = named(s.component.get("inputs"), "input");
        let mut with: Vec<(String, String)> = Vec::new();
        for &(i, src, out, _, input) in data.iter().filter(|d| d.3 == s.node) {
            let at = format!("{ptr}/data_flow_connections/{i}");
            // A tool step binds the tool's params; an agent step names its
            // prompt's inputs.
            let dest = if s.is_tool {
                params
                    .iter()
                    .find(|(t, _, _)| *t == input)
                    .map(|(_, f, j)| (f.clone(), Some(type_of(s.component, j))))
            } else {
                Some((identifier(input, "input"), None))
            };
            let Some((dest, dest_ty)) = dest else {
                note(
                    at,
                    format!(
                        "`{input}` of step `{}`: the tool has no such param; not bound",
                        s.name
                    ),
                );
                continue;
            };
            if with.iter().any(|(d, _)| *d == dest) {
                note(
                    at,
                    format!(
                        "`{input}` of step `{}` has several sources; the first is bound",
                        s.name
                    ),
                );
                continue;
            }
            match source(src, out, s.node) {
                Ok((v, ty)) if dest_ty.as_deref().is_none_or(|d| fits(&ty, d)) => with.push((dest, v)),
                Ok((v, ty)) => note(at, format!("`{input}` of step `{}` would be `{v}`, a `{ty}`, which does not fit the param's type; not bound", s.name)),
                Err(e) => note(at, format!("`{input}` of step `{}` comes from `{out}` of {:?}, but {e}; not bound", s.name, label(src))),
            }
        }
        // A required param nothing binds: a workflow input of its own.
        if s.is_tool {
            for (title, f, j) in &params {
                if j.get("default").is_some() || with.iter().any(|(d, _)| d == f) {
                    continue;
                }
                let existing = start_fields.iter().find(|(_, n, sj)| {
                    n == f && fits(&type_of(start, sj), &type_of(s.component, j))
                });
                let name = match existing {
                    Some((_, n, _)) => n.clone(),
                    None => {
                        let mut pc = Converter::new(s.component, String::new());
                        let (n, line) = pc.field(&mut input_names, title, j, "", true, &["title"]);
                        input_lines.push(line);
                        n
                    }
                };
                note(
                    format!("{ptr}/nodes"),
                    format!("the required param `{f}` of step `{}` has no data edge; bound to the workflow's `input.{name}`", s.name),
                );
                with.push((f.clone(), format!("input.{name}")));
            }
        }
        if !with.is_empty() {
            let w: Vec<String> = with.iter().map(|(d, v)| format!("{d} = {v}")).collect();
            lines.push(format!("with {{\n{}\n}}", w.join("\n")));
        }
        let header = match s.original {
            Some(o) => format!("// from the node {}\n", quote(o)),
            None => String::new(),
        };
        body.push(format!(
            "{header}step {} {{\n{}\n}}",
            s.name,
            lines.join("\n")
        ));
    }
    // Inputs added for unbound params go in the block (it comes before the steps).
    if let Some(pos) = body.iter().position(|b| b.starts_with("input {")) {
        if let Some(b) = body.get_mut(pos) {
            *b = format!("input {{\n{}\n}}", input_lines.join("\n"));
        }
    } else if !input_lines.is_empty() {
        let pos = body
            .iter()
            .position(|b| b.starts_with("step ") || b.starts_with("// from"))
            .unwrap_or(body.len());
        body.insert(pos, format!("input {{\n{}\n}}", input_lines.join("\n")));
    }
    let mut comments = Vec::new();
    for (pointer, message) in todos {
        if !pointer.ends_with("/name") {
            comments.push(format!("// TODO(import): {pointer}: {message}"));
        }
        notes.push(Note {
            file: file.to_owned(),
            decl: decl.clone(),
            pointer,
            message,
        });
    }
    body.splice(head..head, comments);
    // The input fields' losses are comments in the block already.
    for l in c.losses {
        notes.push(Note {
            file: file.to_owned(),
            decl: decl.clone(),
            pointer: l.pointer,
            message: l.message,
        });
    }
    Some(format!("workflow {wf} {{\n{}\n}}\n", body.join("\n")))
}
