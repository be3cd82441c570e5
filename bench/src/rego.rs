//! Regorus alone: the same policies evaluated on the same registry JSON as the
//! compiler's `govern` stage, without the compiler, so that the governance stage
//! can be compared with the cost of the policy engine itself.
//!
//! One run: a fresh `regorus::Engine`, every policy added, the data document
//! `{"pmth": {"registry": …, "config": …}}` parsed from JSON and added, input
//! `{"phase": "build"}`, then `deny` and `warn` of every package evaluated.

use pmth_compiler::source::FileKind;
use regorus::{Engine, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A policy file.
#[derive(Clone, Debug)]
pub struct Policy {
    pub path: String,
    pub text: String,
}

/// What regorus gets: the registry (JSON, without its `governance` section), the
/// workspace's `[governance.data]` (JSON) and the policies.
#[derive(Clone, Debug)]
pub struct Inputs {
    pub registry_json: String,
    pub config_json: String,
    pub policies: Vec<Policy>,
    /// Declarations in the registry (all eight maps).
    pub decls: usize,
}

/// The time of one run, split, and what the policies said.
#[derive(Clone, Debug, Default)]
pub struct Timing {
    /// Parsing the policies and the data document into the engine.
    pub load: Duration,
    /// Evaluating every package's `deny` and `warn`.
    pub eval: Duration,
    pub denies: usize,
    pub warns: usize,
    /// Policies that failed to compile or evaluate.
    pub errors: Vec<String>,
}

impl Timing {
    pub fn total(&self) -> Duration {
        self.load + self.eval
    }
}

/// The stdlib policies' folder in this repository (used when the loader does not
/// provide them).
pub fn repo_policies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("stdlib")
        .join("policies")
}

/// Reads every `.rego` file of a file or folder (recursively, sorted by path).
pub fn read_policies(path: &Path) -> std::io::Result<Vec<Policy>> {
    let mut files = Vec::new();
    collect(path, &mut files)?;
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)?;
            Ok(Policy {
                path: p.display().to_string(),
                text,
            })
        })
        .collect()
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        for e in std::fs::read_dir(path)? {
            collect(&e?.path(), out)?;
        }
    } else if path.extension().is_some_and(|e| e == "rego") {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Compiles the workspace with `pmth_compiler` and takes the registry and the
/// policies it would govern with. Falls back to `fallback_policies` when the
/// loader gave none.
pub fn inputs_from_workspace(dir: &Path, fallback_policies: &Path) -> Result<Inputs, String> {
    let opts = pmth_compiler::CompileOptions::default();
    let comp = pmth_compiler::compile(dir, &opts).map_err(|e| e.to_string())?;
    if comp.diagnostics.has_errors() {
        return Err(format!(
            "{} has {} errors; governance would not run",
            dir.display(),
            comp.diagnostics.error_count()
        ));
    }
    let Some(checked) = comp.checked.as_ref() else {
        return Err("the compiler produced no registry".into());
    };
    // The registry less `governance`, as `registry.json` writes it (canonical).
    let registry_json = pmth_compiler::emit::registry::registry_doc(&checked.registry)
        .to_canonical()
        .map_err(|e| e.to_string())?;
    let decls = checked.registry.len();
    let config = comp
        .workspace
        .manifest
        .as_ref()
        .map(|m| m.governance.data.clone())
        .unwrap_or_else(|| serde_json::json!({}));
    let mut policies: Vec<Policy> = comp
        .workspace
        .policy_files
        .iter()
        .filter_map(|id| comp.sources().get(*id))
        .filter(|f| f.kind == FileKind::Policy)
        .map(|f| Policy {
            path: f.path.clone(),
            text: f.text.clone(),
        })
        .collect();
    if policies.is_empty() {
        policies = read_policies(fallback_policies).unwrap_or_default();
    }
    Ok(Inputs {
        registry_json,
        config_json: config.to_string(),
        policies,
        decls,
    })
}

/// Declarations in a registry: the sum of the sizes of its maps.
pub fn count_decls(registry: &serde_json::Value) -> usize {
    [
        "agents",
        "tools",
        "models",
        "workflows",
        "capabilities",
        "personas",
        "services",
        "templates",
    ]
    .iter()
    .filter_map(|k| registry.get(k).and_then(|m| m.as_object()).map(|m| m.len()))
    .sum()
}

/// Evaluates every policy once, timed.
pub fn run_once(inputs: &Inputs) -> Timing {
    let mut t = Timing::default();
    let start = Instant::now();
    let mut engine = Engine::new();
    let mut packages = Vec::new();
    for p in &inputs.policies {
        match engine.add_policy(p.path.clone(), p.text.clone()) {
            Ok(pkg) => packages.push(pkg),
            Err(e) => t.errors.push(format!("{}: {e}", p.path)),
        }
    }
    let data = format!(
        "{{\"pmth\":{{\"registry\":{},\"config\":{}}}}}",
        inputs.registry_json, inputs.config_json
    );
    match Value::from_json_str(&data).and_then(|v| engine.add_data(v)) {
        Ok(()) => {}
        Err(e) => t.errors.push(format!("data: {e}")),
    }
    let mut input = Value::new_object();
    if let Ok(map) = input.as_object_mut() {
        map.insert(Value::from("phase"), Value::from("build"));
    }
    engine.set_input(input);
    t.load = start.elapsed();
    let start = Instant::now();
    packages.sort();
    packages.dedup();
    for pkg in &packages {
        let pkg = if pkg.starts_with("data.") {
            pkg.clone()
        } else {
            format!("data.{pkg}")
        };
        for (rule, count) in [("deny", &mut t.denies), ("warn", &mut t.warns)] {
            match engine.eval_rule(format!("{pkg}.{rule}")) {
                Ok(v) => *count += result_len(&v),
                Err(e) => {
                    let msg = e.to_string();
                    // A package without this rule is not an error.
                    if !msg.contains("not a valid rule path") && !msg.contains("undefined") {
                        t.errors.push(format!("{pkg}.{rule}: {msg}"));
                    }
                }
            }
        }
    }
    t.eval = start.elapsed();
    t
}

fn result_len(v: &Value) -> usize {
    if let Ok(s) = v.as_set() {
        s.len()
    } else if let Ok(a) = v.as_array() {
        a.len()
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"package pmth.test.agents

warn contains msg if {
    some id, agent in data.pmth.registry.agents
    agent.governance.content_filter == "off"
    msg := {"msg": sprintf("agent %s has no content filter", [id]), "ref": sprintf("agent.%s", [id])}
}

deny contains msg if {
    some id, tool in data.pmth.registry.tools
    tool.risk == "forbidden"
    msg := sprintf("tool %s", [id])
}
"#;

    fn inputs(agents: usize) -> Inputs {
        let mut map = serde_json::Map::new();
        for i in 0..agents {
            let filter = if i % 20 == 14 { "off" } else { "strict" };
            map.insert(
                format!("a{i}"),
                serde_json::json!({"name": format!("a{i}"), "governance": {"content_filter": filter}}),
            );
        }
        let registry = serde_json::json!({"agents": map, "tools": {"t": {"risk": "low"}}});
        Inputs {
            decls: count_decls(&registry),
            registry_json: registry.to_string(),
            config_json: "{}".into(),
            policies: vec![Policy {
                path: "test.rego".into(),
                text: POLICY.into(),
            }],
        }
    }

    #[test]
    fn counts_warnings_and_denies() {
        let t = run_once(&inputs(100));
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        assert_eq!(t.warns, 5);
        assert_eq!(t.denies, 0);
        assert_eq!(inputs(3).decls, 4);
    }

    #[test]
    fn a_broken_policy_is_reported_not_fatal() {
        let mut i = inputs(10);
        i.policies.push(Policy {
            path: "bad.rego".into(),
            text: "package pmth.bad\nwarn contains x if {".into(),
        });
        let t = run_once(&i);
        assert_eq!(t.errors.len(), 1);
        assert_eq!(t.warns, 0);
    }
}
