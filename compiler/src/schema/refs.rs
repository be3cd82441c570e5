//! The references a compiled declaration makes, read from its registry JSON
//! with the kind's attribute table: every attribute typed `Ref(kind)` (alone,
//! in a list or a map, in a nested block, a tagged block or a workflow step)
//! holds the resolved id of a declaration of that kind. `pmth query`
//! (`uses:`/`usedby:`) and `pmth graph` read references this way, so a new
//! reference attribute is one table row, not a change in each reader.

use super::{attrs, variant, AttrSpec, Ty};
use crate::ast::Kind;
use serde_json::Value as Json;

// Public Interface

/// One reference: the attribute path it sits at (`tools`, `steps.refund.agent`),
/// the kind it names and the resolved id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    pub path: String,
    pub kind: Kind,
    pub id: String,
}

/// The references of a declaration of `kind` whose registry JSON is `decl`,
/// in table order; a template instance's `origin.template` included.
pub fn references(kind: Kind, decl: &Json) -> Vec<Reference> {
    let mut out = Vec::new();
    if let Some(obj) = decl.as_object() {
        rows(attrs(kind), obj, "", &mut out);
        if let Some(Json::String(t)) = decl.pointer("/origin/template") {
            out.push(Reference {
                path: "origin.template".into(),
                kind: Kind::Template,
                id: t.clone(),
            });
        }
    }
    out
}

fn rows(
    table: &[AttrSpec],
    obj: &serde_json::Map<String, Json>,
    prefix: &str,
    out: &mut Vec<Reference>,
) {
    for spec in table {
        if let Some(v) = obj.get(spec.key) {
            value(&spec.ty, v, &join(prefix, spec.key), out);
        }
    }
}

fn value(ty: &Ty, v: &Json, path: &str, out: &mut Vec<Reference>) {
    match (ty, v) {
        (Ty::Ref(kind), Json::String(id)) => out.push(Reference {
            path: path.to_owned(),
            kind: *kind,
            id: id.clone(),
        }),
        (Ty::List(item), Json::Array(items)) => {
            for it in items {
                value(item, it, path, out);
            }
        }
        (Ty::Map(item), Json::Object(map)) => {
            for (k, it) in map {
                value(item, it, &join(path, k), out);
            }
        }
        (Ty::Block(table), Json::Object(obj)) => rows(table, obj, path, out),
        (Ty::Steps(table), Json::Object(steps)) => {
            for (name, step) in steps {
                if let Json::Object(obj) = step {
                    rows(table, obj, &join(path, name), out);
                }
            }
        }
        (Ty::Tagged(variants), Json::Object(obj)) => {
            let tag = obj.get("type").and_then(Json::as_str).unwrap_or("");
            if let Some(var) = variant(variants, tag) {
                rows(var.attrs, obj, path, out);
            }
        }
        _ => {}
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_agents_references_come_from_its_table() {
        let agent = json!({
            "name": "billing", "model": "llm@1.0.0", "fallback_models": ["small"],
            "tools": ["refund@2.1.0", "lookup"], "services": ["crm"],
            "persona": "clerk", "capabilities": ["support.billing"],
            "delegates": ["triage"], "instructions": "model = not a reference",
            "origin": {"template": "desk@1.0.0", "arguments": {}},
        });
        let refs: Vec<(String, Kind, String)> = references(Kind::Agent, &agent)
            .into_iter()
            .map(|r| (r.path, r.kind, r.id))
            .collect();
        for want in [
            ("model", Kind::Model, "llm@1.0.0"),
            ("fallback_models", Kind::Model, "small"),
            ("tools", Kind::Tool, "refund@2.1.0"),
            ("tools", Kind::Tool, "lookup"),
            ("services", Kind::Service, "crm"),
            ("persona", Kind::Persona, "clerk"),
            ("capabilities", Kind::Capability, "support.billing"),
            ("delegates", Kind::Agent, "triage"),
            ("origin.template", Kind::Template, "desk@1.0.0"),
        ] {
            assert!(
                refs.contains(&(want.0.into(), want.1, want.2.into())),
                "{want:?} missing from {refs:?}"
            );
        }
        assert_eq!(refs.len(), 9, "{refs:?}");
    }

    #[test]
    fn workflow_steps_name_their_agent_tool_and_capability() {
        let wf = json!({"steps": {
            "a": {"agent": "triage@1.0.0", "after": []},
            "b": {"tool": "refund", "after": ["a"]},
            "c": {"select": "support.answer", "after": ["a"]},
        }});
        let refs: Vec<(String, Kind, String)> = references(Kind::Workflow, &wf)
            .into_iter()
            .map(|r| (r.path, r.kind, r.id))
            .collect();
        assert_eq!(
            refs,
            vec![
                ("steps.a.agent".into(), Kind::Agent, "triage@1.0.0".into()),
                ("steps.b.tool".into(), Kind::Tool, "refund".into()),
                (
                    "steps.c.select".into(),
                    Kind::Capability,
                    "support.answer".into()
                ),
            ]
        );
    }

    /// The walker reads `Ref` only where it is unambiguous; an `Either` with a
    /// reference alternative would need a rule here first.
    #[test]
    fn no_table_hides_a_reference_in_an_either() {
        fn walk(rows: &[AttrSpec]) {
            for r in rows {
                check(&r.ty, r.name);
            }
        }
        fn check(ty: &Ty, name: &str) {
            match ty {
                Ty::Either(tys) => assert!(
                    !tys.iter().any(|t| matches!(t, Ty::Ref(_))),
                    "`{name}` is an Either with a reference: teach refs.rs to read it"
                ),
                Ty::List(t) | Ty::Map(t) => check(t, name),
                Ty::Block(rows) | Ty::Steps(rows) => walk(rows),
                Ty::Tagged(vs) => vs.iter().for_each(|v| walk(v.attrs)),
                _ => {}
            }
        }
        for kind in Kind::ALL {
            walk(attrs(kind));
        }
    }

    #[test]
    fn non_objects_have_no_references() {
        assert!(references(Kind::Tool, &json!("x")).is_empty());
        assert!(references(Kind::Tool, &json!({"service": 3})).is_empty());
    }
}
