//! Loading a bundle folder: verification, the data document, the policies,
//! one prepared engine; then decisions and index queries.

use crate::request::{Decision, Request};
use pmth_compiler::emit::{opa, sign::VerifyKey, verify, Failure, REGISTRY};
use pmth_compiler::runtime_policy;
use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value};
use serde_json::{json, Value as Json};
use std::fmt;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// How a bundle is trusted before it is used.
#[derive(Clone, Copy, Debug)]
pub enum Trust<'a> {
    /// Require a seal signature that verifies with this public key (SPKI PEM
    /// file, as `pmth keygen` writes `OUT.pub`).
    Key(&'a Path),
    /// A key already read.
    VerifyKey(&'a VerifyKey),
    /// Check every digest but no signature (`--allow-unsigned`).
    IntegrityOnly,
}

/// Why a bundle was not loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The folder, a file in it or the key cannot be read.
    Io { path: PathBuf, message: String },
    /// The bundle failed verification: it is not used.
    Verification(Vec<Failure>),
    /// It verified, but its policies do not load into the engine.
    Policy(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            LoadError::Verification(failures) => {
                write!(f, "the bundle failed verification:")?;
                for x in failures {
                    write!(f, "\n  {}: {}", x.file, x.message)?;
                }
                Ok(())
            }
            LoadError::Policy(m) => write!(f, "the bundle's policies do not load: {m}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// Wall-clock budget of one decision.
pub const DECISION_TIME_LIMIT: Duration = Duration::from_secs(10);

/// A verified bundle, ready to decide.
pub struct Bundle {
    /// The prepared engine: policies, data, analysis done.
    engine: Engine,
    /// Clones of it, each used by one decision at a time: a decision takes one
    /// (or clones `engine` when all are busy), sets the input, evaluates and
    /// gives it back (regorus clears its evaluation state on every call).
    idle: Mutex<Vec<Engine>>,
    registry: Json,
}

impl Clone for Bundle {
    fn clone(&self) -> Bundle {
        Bundle {
            engine: self.engine.clone(),
            idle: Mutex::new(Vec::new()),
            registry: self.registry.clone(),
        }
    }
}

impl Bundle {
    /// Verifies the bundle in `dist` and prepares its engine. A bundle that
    /// fails verification is refused ([`LoadError::Verification`]).
    pub fn load(dist: &Path, trust: Trust<'_>) -> Result<Bundle, LoadError> {
        let io = |path: &Path, e: &dyn fmt::Display| LoadError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let read_key;
        let key = match trust {
            Trust::Key(p) => {
                let pem = std::fs::read_to_string(p).map_err(|e| io(p, &e))?;
                read_key = VerifyKey::from_pem(&pem).map_err(|e| io(p, &e.0))?;
                Some(&read_key)
            }
            Trust::VerifyKey(k) => Some(k),
            Trust::IntegrityOnly => None,
        };
        let report = verify::verify_with(dist, key, key.is_none()).map_err(|e| io(dist, &e))?;
        if !report.ok() {
            return Err(LoadError::Verification(report.failures));
        }
        let reg_path = dist.join(REGISTRY);
        let reg_bytes = std::fs::read(&reg_path).map_err(|e| io(&reg_path, &e))?;
        let mut registry: Json =
            serde_json::from_slice(&reg_bytes).map_err(|e| io(&reg_path, &e))?;
        if let Json::Object(m) = &mut registry {
            m.remove("governance");
        }
        let gz_path = dist.join(opa::BUNDLE);
        let entries = match std::fs::read(&gz_path) {
            Ok(gz) => opa::read(&gz).map_err(|e| io(&gz_path, &e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io(&gz_path, &e)),
        };
        Bundle::from_parts(registry, &entries)
    }

    /// The engine over `registry` (without `governance`) and the OPA bundle's
    /// files (`entries`, empty when there is none): the bundle's `data.json`
    /// and every policy it holds, or the registry and the embedded
    /// `pmth.runtime` when there is no OPA bundle.
    fn from_parts(registry: Json, entries: &[opa_entry::Entry]) -> Result<Bundle, LoadError> {
        let mut engine = Engine::new();
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit: DECISION_TIME_LIMIT,
            check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
        });
        let data_entry = entries.iter().find(|e| e.name == opa::DATA);
        let data = match data_entry {
            Some(e) => serde_json::from_slice::<Json>(&e.data)
                .map_err(|err| LoadError::Policy(format!("data.json: {err}")))?,
            None => json!({"pmth": {"registry": registry, "config": {}}}),
        };
        engine
            .add_data(pmth_compiler::govern::to_rego_value(&data))
            .map_err(|e| LoadError::Policy(e.to_string()))?;
        let mut policies: Vec<(String, String)> = entries
            .iter()
            .filter(|e| e.name.ends_with(".rego"))
            .map(|e| {
                (
                    e.name.clone(),
                    String::from_utf8_lossy(&e.data).into_owned(),
                )
            })
            .collect();
        if !policies.iter().any(|(n, _)| n.starts_with("pmth/runtime/")) {
            policies.extend(
                runtime_policy::FILES
                    .iter()
                    .map(|(n, t)| ((*n).to_owned(), (*t).to_owned())),
            );
        }
        for (name, text) in policies {
            engine
                .add_policy(name.clone(), text)
                .map_err(|e| LoadError::Policy(format!("{name}: {e}")))?;
        }
        // Prepare once: the first evaluation analyses every module.
        engine.set_input(Value::new_object());
        engine
            .eval_rule(runtime_policy::DECISION.to_owned())
            .map_err(|e| LoadError::Policy(e.to_string()))?;
        let registry = data
            .pointer("/pmth/registry")
            .cloned()
            .unwrap_or(Json::Null);
        Ok(Bundle {
            engine,
            idle: Mutex::new(Vec::new()),
            registry,
        })
    }

    /// The decision for `req`.
    pub fn decide(&self, req: &Request) -> Decision {
        match serde_json::to_value(req) {
            Ok(v) => self.decide_value(&v),
            Err(e) => Decision::refused(format!("the request cannot be encoded: {e}")),
        }
    }

    /// The decision for a request given as JSON text. Text that is not JSON
    /// gets a decision saying so.
    pub fn decide_json(&self, text: &str) -> Decision {
        match serde_json::from_str::<Json>(text) {
            Ok(v) => self.decide_value(&v),
            Err(e) => Decision::refused(format!("the request is not valid JSON: {e}")),
        }
    }

    /// The decision for a request given as a JSON value (any value: what is
    /// not a request object is denied with a reason).
    pub fn decide_value(&self, req: &Json) -> Decision {
        let taken = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut engine = taken.unwrap_or_else(|| self.engine.clone());
        engine.set_input(pmth_compiler::govern::to_rego_value(req));
        let result = engine.eval_rule(runtime_policy::DECISION.to_owned());
        let value = match result {
            Ok(v) => {
                if let Ok(mut idle) = self.idle.lock() {
                    idle.push(engine);
                }
                v
            }
            // An engine that failed is dropped, not reused.
            Err(e) => return Decision::refused(format!("the policy engine failed: {e}")),
        };
        // Straight to serde values: no JSON text in between.
        serde_json::to_value(&value)
            .ok()
            .and_then(|v| serde_json::from_value::<Decision>(v).ok())
            .unwrap_or_else(|| Decision::refused("the policy gave no decision"))
    }

    /// The non-retired agents that claim `capability` or one below it (the
    /// `select` candidates in `index`), sorted.
    pub fn agents_for(&self, capability: &str) -> Vec<String> {
        self.index_list(capability, "agents")
    }

    /// The tools that provide `capability` or one below it, sorted.
    pub fn tools_for(&self, capability: &str) -> Vec<String> {
        self.index_list(capability, "tools")
    }

    /// The tools an agent (id, or bare name for its highest non-retired
    /// version) may call, as its declaration lists them.
    pub fn tools_of(&self, agent: &str) -> Vec<String> {
        self.agent(agent)
            .and_then(|a| a.get("tools")?.as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect()
    }

    /// The registry (`registry.json` without `governance`).
    pub fn registry(&self) -> &Json {
        &self.registry
    }

    fn index_list(&self, capability: &str, which: &str) -> Vec<String> {
        self.registry
            .get("index")
            .and_then(|i| {
                i.get("capabilities")?
                    .get(capability)?
                    .get(which)?
                    .as_array()
            })
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn agent(&self, id: &str) -> Option<&Json> {
        let agents = self.registry.get("agents")?.as_object()?;
        if let Some(a) = agents.get(id) {
            return Some(a);
        }
        // A bare name: the decision's own resolution, asked of the policy.
        let mut engine = self.engine.clone();
        engine.set_input(Value::new_object());
        let q = format!(
            "data.pmth.runtime.resolve(\"agents\", {})",
            serde_json::to_string(id).ok()?
        );
        let results = engine.eval_query(q, false).ok()?;
        let value = &results.result.first()?.expressions.first()?.value;
        match value {
            Value::String(s) => agents.get(s.as_ref()),
            _ => None,
        }
    }
}

/// Entries of the OPA bundle, as the compiler reads them.
mod opa_entry {
    pub use pmth_compiler::emit::tar::Entry;
}
