//! OpenAI function tools: an array of Chat Completions tools
//! (`{"type": "function", "function": {name, description, parameters, strict}}`),
//! Responses tools (`{"type": "function", name, description, parameters,
//! strict}`) or bare function objects, as `tool` declarations. `strict` is not
//! kept: `pmth export --to openai` decides it from the schema.

use super::ident::Names;
use super::json::J;
use super::schema::{compact, escape};
use super::tool::{self, ToolIn};
use super::{Loss, Note};

/// Function keys that have a place in pmth (`strict` is recomputed on export).
const KNOWN: &[&str] = &["name", "description", "parameters", "strict"];

pub(super) fn import(
    doc: &J,
    file: &str,
    names: &mut Names,
    notes: &mut Vec<Note>,
) -> Result<Vec<String>, String> {
    let tools: &[J] = match doc {
        J::Arr(a) => a,
        _ => match doc.get("tools").and_then(J::as_arr) {
            Some(a) => a,
            None => {
                return Err(format!(
                    "{file}: not a list of OpenAI function tools: expected `[{{\"type\": \"function\", …}}, …]`"
                ))
            }
        },
    };
    let at = if matches!(doc, J::Arr(_)) {
        ""
    } else {
        "/tools"
    };
    let mut decls = Vec::new();
    for (i, t) in tools.iter().enumerate() {
        let pointer = format!("{at}/{i}");
        let mut losses = Vec::new();
        let kind = t.str_at("type");
        if kind.is_some_and(|k| k != "function") {
            notes.push(Note {
                file: file.to_owned(),
                decl: String::new(),
                pointer: pointer.clone(),
                message: format!(
                    "a `{}` tool is a built-in of the API, not a function; skipped",
                    kind.unwrap_or("")
                ),
            });
            continue;
        }
        let (f, fptr) = match t.get("function") {
            Some(f) => (f, format!("{pointer}/function")),
            None => (t, pointer.clone()),
        };
        if f.as_obj().is_none() {
            return Err(format!("{file}: {fptr}: a function tool is not an object"));
        }
        let Some(original) = f.str_at("name") else {
            return Err(format!("{file}: {fptr}: a function tool without a `name`"));
        };
        let name = names.take(original, "tool");
        if name != original {
            losses.push(Loss {
                pointer: format!("{fptr}/name"),
                message: super::renamed(original, "tool", &name, false),
            });
        }
        for (k, v) in f.as_obj().unwrap_or(&[]) {
            if !(KNOWN.contains(&k.as_str()) || k == "type" && t.get("function").is_none()) {
                losses.push(Loss {
                    pointer: format!("{fptr}/{}", escape(k)),
                    message: format!(
                        "`{k}` ({}) has no place in a pmth tool; dropped",
                        compact(v)
                    ),
                });
            }
        }
        if t.get("function").is_some() {
            for (k, _) in t.as_obj().unwrap_or(&[]) {
                if k != "type" && k != "function" {
                    losses.push(Loss {
                        pointer: format!("{pointer}/{}", escape(k)),
                        message: format!(
                            "`{k}` next to `function` has no place in a pmth tool; dropped"
                        ),
                    });
                }
            }
        }
        let text = tool::write(
            ToolIn {
                name,
                original,
                title: None,
                description: f.str_at("description"),
                input: f.get("parameters"),
                output: None,
                hints: Vec::new(),
                pointer: fptr,
                input_key: "parameters",
                output_key: "",
                losses,
                format: "OpenAI",
            },
            file,
            notes,
        )?;
        decls.push(text);
    }
    Ok(decls)
}
