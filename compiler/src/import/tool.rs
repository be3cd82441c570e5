//! One imported tool as a `tool` declaration: the part MCP and OpenAI share.

use super::json::J;
use super::literal::quote;
use super::schema::Converter;
use super::{Loss, Note};

/// What a format says about a tool.
pub struct ToolIn<'a> {
    /// The pmth name (already an identifier, unique).
    pub name: String,
    /// The name in the input, when it differs.
    pub original: &'a str,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub input: Option<&'a J>,
    pub output: Option<&'a J>,
    /// MCP annotations as pmth hints (`read_only`, …).
    pub hints: Vec<(&'static str, bool)>,
    /// Where the tool is in its file (`/tools/3`) and the keys of its input and
    /// output schemas there.
    pub pointer: String,
    pub input_key: &'static str,
    pub output_key: &'static str,
    /// Tool-level losses found by the format (unknown keys, `_meta`, …).
    pub losses: Vec<Loss>,
    /// The format's name in comments (`MCP`, `OpenAI`).
    pub format: &'static str,
}

/// The declaration's text (unformatted) and its notes.
pub fn write(t: ToolIn, file: &str, notes: &mut Vec<Note>) -> Result<String, String> {
    let decl = format!("tool.{}", t.name);
    let mut body: Vec<String> = Vec::new();
    let mut losses = t.losses;
    match t.description {
        Some(d) if !d.is_empty() => body.push(format!("description = {}", quote(d))),
        _ => {
            body.push(format!(
                "// TODO(import): the {} tool has no description; say what it does (a model reads it)",
                t.format
            ));
            body.push(format!("description = {}", quote(t.original)));
        }
    }
    let title = match t.title {
        Some(title) => {
            if t.original != t.name {
                body.push(format!(
                    "labels {{ imported_name = {} }}",
                    quote(t.original)
                ));
            }
            Some(title)
        }
        None if t.original != t.name => Some(t.original),
        None => None,
    };
    if let Some(title) = title {
        body.push(format!("title = {}", quote(title)));
    }
    let get = |k: &str| t.hints.iter().find(|(h, _)| *h == k).map(|(_, b)| *b);
    let (risk, why) = match (get("destructive"), get("read_only")) {
        (Some(true), _) => ("high", "it is marked destructive"),
        (_, Some(true)) => ("low", "it is marked read-only"),
        (Some(false), _) => ("medium", "it is marked not destructive"),
        _ => ("medium", "nothing says what it does to the world"),
    };
    body.push(format!(
        "// TODO(import): {} has no risk level; `{risk}` because {why}. Review it (low | medium | high | critical)",
        t.format
    ));
    body.push(format!("risk = {risk}"));
    if !t.hints.is_empty() {
        let hs: Vec<String> = t.hints.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        body.push(format!("hints {{ {} }}", hs.join("  ")));
    }
    if let Some(input) = t.input {
        let base = format!("{}/{}", t.pointer, t.input_key);
        if !is_object_schema(input) {
            return Err(format!(
                "{file}: {base}: the input schema of `{}` is not an object schema (`{{\"type\": \"object\", …}}`)",
                t.original
            ));
        }
        let mut c = Converter::new(input, base);
        let lines = c.fields(
            input,
            "",
            &["additionalProperties", "$defs", "definitions", "$schema"],
        );
        let lines = root_losses(input, &mut c, lines);
        losses.append(&mut c.losses);
        body.push(format!("params {{\n{}\n}}", lines.join("\n")));
    }
    if let Some(output) = t.output {
        let base = format!("{}/{}", t.pointer, t.output_key);
        let mut c = Converter::new(output, base);
        let ty = c.ty(output, "", &["$schema", "$defs", "definitions"]);
        let mark = losses.len();
        for k in ["$schema"] {
            if output.get(k).is_some() {
                c.losses.push(Loss {
                    pointer: format!("{}/{}/{k}", t.pointer, t.output_key),
                    message: "`$schema` dropped: pmth writes JSON Schema 2020-12".into(),
                });
            }
        }
        losses.append(&mut c.losses);
        for l in losses
            .get(mark..)
            .unwrap_or(&[])
            .iter()
            .filter(|l| !l.message.starts_with("`$schema`"))
        {
            body.push(format!("// TODO(import): {}: {}", l.pointer, l.message));
        }
        body.push(format!("returns: {ty}"));
    }
    for l in &losses {
        notes.push(Note {
            file: file.to_owned(),
            decl: decl.clone(),
            pointer: l.pointer.clone(),
            message: l.message.clone(),
        });
    }
    Ok(format!("tool {} {{\n{}\n}}\n", t.name, body.join("\n")))
}

/// The root keys of an input schema pmth does not keep, as losses (fields
/// already reported theirs). `$schema`, root `description`/`title`, `$defs`.
fn root_losses(s: &J, c: &mut Converter, mut lines: Vec<String>) -> Vec<String> {
    let base_len = c.losses.len();
    for (k, msg) in [
        (
            "$schema",
            "`$schema` dropped: pmth writes JSON Schema 2020-12",
        ),
        ("$defs", "`$defs` inlined where referenced"),
        ("definitions", "`definitions` inlined where referenced"),
    ] {
        if s.get(k).is_some() {
            c.losses.push(Loss {
                pointer: format!("{}/{k}", c.base()),
                message: msg.into(),
            });
        }
    }
    if let Some(ap) = s.get("additionalProperties") {
        if *ap != J::Bool(false) {
            c.losses.push(Loss {
                pointer: format!("{}/additionalProperties", c.base()),
                message: "the parameters are closed in pmth (`additionalProperties: false`); the extra properties it allowed are not".into(),
            });
        }
    }
    let extra: Vec<String> = c
        .losses
        .get(base_len..)
        .unwrap_or(&[])
        .iter()
        .filter(|l| !l.message.starts_with("`$schema`"))
        .map(|l| format!("// TODO(import): {}: {}", l.pointer, l.message))
        .collect();
    lines.splice(0..0, extra);
    lines
}

/// An object schema: `type: object`, or no `type` and `properties`.
fn is_object_schema(s: &J) -> bool {
    match s.get("type") {
        Some(t) => t.as_str() == Some("object"),
        None => s.as_obj().is_some() && s.get("properties").is_some(),
    }
}
