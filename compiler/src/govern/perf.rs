//! Timing the governance stage against regorus alone on a large synthetic registry:
//! the same policies, the same registry JSON. Used by a test (run it in release:
//! `cargo test --release -p pmth-compiler governance_speed -- --ignored --nocapture`)
//! and available to the benchmarks.

use super::{govern, stdlib};
use crate::ast::{Block, Decl, DeclBody, Ident, Kind};
use crate::check::Checked;
use crate::expand::Unit;
use crate::load::{GovernanceConfig, Manifest, Workspace};
use crate::source::{FileKind, SourceMap, Span};
use regorus::{Engine, Value};
use serde_json::{json, Map};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// A workspace and its checked registry, built without parsing anything.
pub struct Synthetic {
    pub workspace: Workspace,
    pub checked: Checked,
}

/// Best-of-`runs` wall times.
#[derive(Clone, Copy, Debug)]
pub struct Comparison {
    /// `govern()`: data conversion, loading, evaluation, placing and wording
    /// every diagnostic.
    pub govern: Duration,
    /// regorus alone: parse the registry JSON, add the policies, `eval_rule` every
    /// `deny` and `warn`.
    pub regorus: Duration,
    /// How many diagnostics governance produced.
    pub diagnostics: usize,
}

impl Comparison {
    pub fn ratio(&self) -> f64 {
        self.govern.as_secs_f64() / self.regorus.as_secs_f64().max(1e-9)
    }
}

/// The user policy timed with the stdlib ones (the conformance case's).
const ACME: &str = r#"package pmth.acme

import rego.v1

deny contains d if {
	some id, agent in data.pmth.registry.agents
	not agent.labels.owner
	d := {"msg": sprintf("agent %s has no owner label", [id]), "ref": sprintf("agent.%s", [id])}
}

warn contains d if {
	some id, tool in data.pmth.registry.tools
	tool.risk == "medium"
	d := {"msg": sprintf("tool %s is medium risk", [id]), "ref": sprintf("tool.%s", [id]), "attr": "risk"}
}
"#;

/// A registry of `agents` agents (plus 50 tools, 10 models, 10 services), with a
/// realistic share of them breaking some policy, and the workspace around it.
pub fn synthetic(agents: usize) -> Synthetic {
    const RISKS: [&str; 4] = ["low", "medium", "high", "critical"];
    const KINDS: [&str; 4] = ["conversational", "analytical", "creative", "task_oriented"];
    let mut text = String::new();
    let mut decls: Vec<(Kind, String, usize, usize)> = Vec::new();
    let mut decl = |text: &mut String, kind: Kind, id: String| {
        let start = text.len();
        let _ = writeln!(text, "{kind} {id} {{ description = \"synthetic\" }}");
        decls.push((kind, id, start, text.len() - 1));
    };
    let mut reg = Map::new();
    let mut tools = Map::new();
    for i in 0..50 {
        let id = format!("t{i}");
        decl(&mut text, Kind::Tool, id.clone());
        tools.insert(id, json!({"name": format!("t{i}"), "description": "synthetic", "risk": RISKS[i % 4], "status": "active"}));
    }
    let mut models = Map::new();
    for i in 0..10 {
        let id = format!("m{i}");
        decl(&mut text, Kind::Model, id.clone());
        let provider = ["openai", "anthropic", "acme"][i % 3];
        models.insert(id, json!({"name": format!("m{i}"), "description": "synthetic", "provider": provider, "status": "active"}));
    }
    let mut services = Map::new();
    for i in 0..10 {
        let id = format!("s{i}");
        decl(&mut text, Kind::Service, id.clone());
        services.insert(id, json!({"name": format!("s{i}"), "kind": "rest", "endpoint": "https://x.example", "insecure": i == 0, "status": "active"}));
    }
    let mut agent_map = Map::new();
    for i in 0..agents {
        let id = format!("a{i}@1.0.0");
        decl(&mut text, Kind::Agent, id.clone());
        let mut agent = json!({
            "name": format!("a{i}"), "version": "1.0.0", "description": "synthetic",
            "kind": KINDS[i % 4], "model": format!("m{}", i % 10),
            "tools": [format!("t{}", i % 50), format!("t{}", (i * 7 + 1) % 50)],
            "services": [format!("s{}", i % 10)],
            "governance": {"audit": i % 3 != 0, "human_approval": i % 5 != 0, "content_filter": if i % 7 == 0 { "off" } else { "standard" }},
            "limits": {"max_steps": 10},
            "status": "active",
            "source": {"file": "agents.pmth", "line": i + 1},
            "digest": format!("sha256:{i:064x}"),
        });
        if i % 2 == 0 {
            agent["limits"]["budget_usd"] = json!(5.0);
            agent["labels"] = json!({"owner": "team"});
        }
        agent_map.insert(id, agent);
    }
    for (key, map) in [
        ("agents", agent_map),
        ("tools", tools),
        ("models", models),
        ("services", services),
    ] {
        reg.insert(key.into(), serde_json::Value::Object(map));
    }
    for key in ["workflows", "capabilities", "personas", "templates"] {
        reg.insert(key.into(), json!({}));
    }
    reg.insert("format".into(), json!("pmth.registry/v1"));

    let mut sources = SourceMap::new();
    let toml = "[package]\nname = \"synthetic\"\nversion = \"0.1.0\"\n\n[governance]\npolicies = [\"policies\"]\n\n[governance.data]\nallowed_providers = [\"openai\", \"anthropic\"]\n";
    let manifest_file = sources.add("pmth.toml".into(), FileKind::Manifest, toml.into(), false);
    let mut policy_files = Vec::new();
    for (path, body) in stdlib::POLICIES {
        policy_files.push(sources.add((*path).into(), FileKind::Policy, (*body).into(), true));
    }
    policy_files.push(sources.add(
        "policies/acme.rego".into(),
        FileKind::Policy,
        ACME.into(),
        false,
    ));
    let file = sources.add("agents.pmth".into(), FileKind::Pmth, text, false);
    let units: Vec<Unit> = decls
        .into_iter()
        .map(|(kind, id, start, end)| {
            let span = Span::new(file, start, end);
            let decl = Decl {
                kind,
                name: Ident {
                    name: id.as_str().into(),
                    span,
                },
                version: None,
                doc: None,
                header: span,
                span,
                body: DeclBody::Attrs(Block {
                    items: Vec::new(),
                    span,
                }),
            };
            Unit { decl, origin: None }
        })
        .collect();
    let index: HashMap<(Kind, String), usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| ((u.decl.kind, u.decl.name.name.to_string()), i))
        .collect();
    let gov_start = toml.find("[governance]").unwrap_or(0);
    let governance = GovernanceConfig {
        policies: vec!["policies".into()],
        data: json!({"allowed_providers": ["openai", "anthropic"]}),
        span: Some(Span::new(
            manifest_file,
            gov_start,
            gov_start + "[governance]".len(),
        )),
        ..GovernanceConfig::default()
    };
    let workspace = Workspace {
        root: std::path::PathBuf::from("."),
        sources,
        manifest: Some(Manifest {
            name: "synthetic".into(),
            version: semver::Version::new(0, 1, 0),
            organization: None,
            homepage: None,
            governance,
        }),
        manifest_file,
        pmth_files: vec![file],
        policy_files,
    };
    let checked = Checked {
        registry: crate::check::Registry::from_json(&serde_json::Value::Object(reg)),
        units,
        index,
        ..Checked::default()
    };
    Synthetic { workspace, checked }
}

/// Times `govern` and regorus alone on the same input, best of `runs`.
pub fn compare(s: &Synthetic, runs: usize) -> Comparison {
    let config = s
        .workspace
        .manifest
        .as_ref()
        .map(|m| m.governance.data.clone());
    let registry = crate::emit::registry::registry_doc(&s.checked.registry)
        .to_canonical()
        .unwrap_or_default();
    let config = config.map_or_else(|| "{}".to_owned(), |c| c.to_string());
    let data_json = format!(r#"{{"pmth":{{"registry":{registry},"config":{config}}}}}"#);
    let policies: Vec<(String, String)> = s
        .workspace
        .policy_files
        .iter()
        .filter_map(|&id| s.workspace.sources.get(id))
        .map(|f| (f.path.clone(), f.text.clone()))
        .collect();
    let rules: Vec<String> = policies
        .iter()
        .filter_map(|(_, t)| stdlib::package_of(t))
        .flat_map(|pkg| ["deny", "warn"].map(|r| format!("data.{pkg}.{r}")))
        .collect();

    let mut best_govern = Duration::MAX;
    let mut best_regorus = Duration::MAX;
    let mut diagnostics = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let (_, d) = govern(&s.workspace, &s.checked);
        best_govern = best_govern.min(t.elapsed());
        diagnostics = d.len();

        let t = Instant::now();
        let mut engine = Engine::new();
        for (path, text) in &policies {
            let _ = engine.add_policy(path.clone(), text.clone());
        }
        if let Ok(v) = Value::from_json_str(&data_json) {
            let _ = engine.add_data(v);
        }
        let _ = engine.set_input_json(r#"{"phase":"build"}"#);
        for rule in &rules {
            // Not every package has both rules; a missing one is a quick error.
            let _ = engine.eval_rule(rule.clone());
        }
        best_regorus = best_regorus.min(t.elapsed());
    }
    Comparison {
        govern: best_govern,
        regorus: best_regorus,
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_registries_govern() {
        let s = synthetic(40);
        let c = compare(&s, 1);
        // Every other agent lacks an owner, a budget …: plenty of findings.
        assert!(c.diagnostics > 40, "{}", c.diagnostics);
    }

    /// Figures for the report; run in release:
    /// `cargo test --release -p pmth-compiler governance_speed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn governance_speed() {
        for n in [1_000, 10_000] {
            let s = synthetic(n);
            let c = compare(&s, 5);
            println!(
                "{n} agents: govern {:?}, regorus alone {:?}, ratio {:.2}, {} diagnostics",
                c.govern,
                c.regorus,
                c.ratio(),
                c.diagnostics
            );
        }
    }
}
