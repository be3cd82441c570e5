//! MCP: a `tools/list` result (`{"tools": [Tool, …]}`, other top-level keys
//! ignored) or a bare array of `Tool`s, as `tool` declarations.

use super::ident::Names;
use super::json::J;
use super::tool::{self, ToolIn};
use super::{Loss, Note};

/// MCP annotation → pmth hint.
const HINTS: [(&str, &str); 4] = [
    ("readOnlyHint", "read_only"),
    ("destructiveHint", "destructive"),
    ("idempotentHint", "idempotent"),
    ("openWorldHint", "open_world"),
];

/// Tool keys that have a place in pmth.
const KNOWN: &[&str] = &[
    "name",
    "title",
    "description",
    "inputSchema",
    "outputSchema",
    "annotations",
];

pub(super) fn import(
    doc: &J,
    file: &str,
    names: &mut Names,
    notes: &mut Vec<Note>,
) -> Result<Vec<String>, String> {
    let (tools, at) = match doc {
        J::Arr(a) => (a.as_slice(), ""),
        _ => match doc.get("tools").and_then(J::as_arr) {
            Some(a) => (a, "/tools"),
            None => {
                return Err(format!(
                "{file}: not an MCP `tools/list` result: expected `{{\"tools\": [...]}}` or an array of tools"
            ))
            }
        },
    };
    let mut decls = Vec::new();
    for (i, t) in tools.iter().enumerate() {
        let pointer = format!("{at}/{i}");
        let Some(original) = t.str_at("name") else {
            return Err(format!("{file}: {pointer}: a tool without a `name`"));
        };
        let name = names.take(original, "tool");
        let mut losses = Vec::new();
        if name != original {
            losses.push(Loss {
                pointer: format!("{pointer}/name"),
                message: super::renamed(original, "tool", &name, false),
            });
        }
        for (k, v) in t.as_obj().unwrap_or(&[]) {
            if !KNOWN.contains(&k.as_str()) {
                losses.push(Loss {
                    pointer: format!("{pointer}/{}", super::schema::escape(k)),
                    message: format!(
                        "`{k}` ({}) has no place in a pmth tool; dropped",
                        super::schema::compact(v)
                    ),
                });
            }
        }
        let annotations = t.get("annotations");
        let mut hints = Vec::new();
        for (from, to) in HINTS {
            if let Some(b) = annotations.and_then(|a| a.get(from)).and_then(J::as_bool) {
                hints.push((to, b));
            }
        }
        let mut title = t.str_at("title");
        for (k, v) in annotations.and_then(J::as_obj).unwrap_or(&[]) {
            let known = HINTS.iter().any(|(h, _)| h == k);
            if k == "title" {
                match (title, v.as_str()) {
                    (None, Some(s)) => title = Some(s),
                    (Some(a), Some(b)) if a == b => {}
                    _ => losses.push(Loss {
                        pointer: format!("{pointer}/annotations/title"),
                        message: "a second title (the tool's `title` is kept); dropped".into(),
                    }),
                }
            } else if !known {
                losses.push(Loss {
                    pointer: format!("{pointer}/annotations/{}", super::schema::escape(k)),
                    message: format!("annotation `{k}` has no pmth hint; dropped"),
                });
            }
        }
        let text = tool::write(
            ToolIn {
                name,
                original,
                title,
                description: t.str_at("description"),
                input: t.get("inputSchema"),
                output: t.get("outputSchema"),
                hints,
                pointer,
                input_key: "inputSchema",
                output_key: "outputSchema",
                losses,
                format: "MCP",
            },
            file,
            notes,
        )?;
        decls.push(text);
    }
    Ok(decls)
}
