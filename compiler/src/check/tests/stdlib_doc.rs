//! Generates `docs/stdlib.md` from the compiled stdlib (the registry of an empty
//! workspace); a test fails when the committed file is stale
//! (`UPDATE_DOCS=1 cargo test -p pmth-compiler stdlib_doc` rewrites it).

use super::run_with_stdlib;
use serde_json::Value as Json;
use std::fmt::Write;

fn text(v: Option<&Json>) -> &str {
    v.and_then(Json::as_str).unwrap_or("")
}

fn list(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub fn stdlib_markdown() -> String {
    let r = run_with_stdlib(&[]);
    let reg = &r.checked.registry.to_json();
    let mut out = String::from(
        "<!-- Generated from stdlib/*.pmth by `UPDATE_DOCS=1 cargo test -p pmth-compiler stdlib_doc`; do not edit. -->\n\n\
         # The standard library\n\n\
         Every compilation loads `stdlib/*.pmth` first (embedded in the binary; files are\n\
         named `stdlib:<path>`). Its ids are reserved: a workspace declaring\n\
         `capability web` or `persona friendly_helper` again gets PM0103. Extend it instead:\n\
         `capability web.archive { … }` adds a child under `web`, and\n\
         `persona support_voice { extends = [persona.friendly_helper] … }` starts from a\n\
         stdlib persona. The default governance policies (`stdlib/policies/`) are described\n\
         in `governance.md`.\n\n\
         ## Capability taxonomy\n\n\
         Dotted names form a hierarchy. Providing `web.search` also provides `web`; a claim\n\
         of `web` is satisfied by a provider of any `web.*`; claiming a capability that\n\
         `requires` others needs those provided too (PM0301).\n\n",
    );
    let caps = reg
        .get("capabilities")
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    let mut roots: Vec<&String> = caps.keys().filter(|k| !k.contains('.')).collect();
    roots.sort();
    for root in roots {
        let c = caps.get(root.as_str());
        let _ = writeln!(
            out,
            "### `{root}`\n\n{}\n",
            text(c.and_then(|c| c.get("description")))
        );
        out.push_str("| capability | description | requires |\n|---|---|---|\n");
        let prefix = format!("{root}.");
        let mut children: Vec<&String> = caps.keys().filter(|k| k.starts_with(&prefix)).collect();
        children.sort();
        for k in children {
            let c = caps.get(k.as_str());
            let req = list(c.and_then(|c| c.get("requires")));
            let req = req
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                out,
                "| `{k}` | {} | {req} |",
                text(c.and_then(|c| c.get("description")))
            );
        }
        out.push('\n');
    }
    out.push_str(
        "## Personas\n\nTraits are in [0, 1]. `extends` one of these to start from it.\n\n",
    );
    let personas = reg
        .get("personas")
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    let mut names: Vec<&String> = personas.keys().collect();
    names.sort();
    for name in names {
        let p = personas.get(name.as_str());
        let get = |k: &str| p.and_then(|p| p.get(k));
        let _ = writeln!(out, "### `persona.{name}`\n\n{}\n", text(get("doc")).trim());
        let _ = writeln!(out, "- tone: {}", text(get("tone")));
        if let Some(traits) = get("traits").and_then(Json::as_object) {
            // Traits are numbers in [0, 1], shown as decimals (`0.0`, not `0`).
            let t: Vec<String> = traits
                .iter()
                .map(|(k, v)| format!("{k} {:?}", v.as_f64().unwrap_or_default()))
                .collect();
            let _ = writeln!(out, "- traits: {}", t.join(", "));
        }
        let exp = list(get("expertise"));
        if !exp.is_empty() {
            let _ = writeln!(out, "- expertise: {}", exp.join(", "));
        }
        let inc = list(get("incompatible_with"));
        if !inc.is_empty() {
            let _ = writeln!(
                out,
                "- incompatible with: {}",
                inc.iter()
                    .map(|i| format!("`{i}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(out, "- instructions: {}\n", text(get("instructions")));
    }
    out
}

#[test]
fn stdlib_doc_is_fresh() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/stdlib.md");
    let want = stdlib_markdown();
    let fresh = crate::generated::check_file(
        std::path::Path::new(path),
        &want,
        "cargo test -p pmth-compiler stdlib_doc",
    );
    assert_eq!(fresh, Ok(()));
}
