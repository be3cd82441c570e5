//! The request a runtime asks about and the decision it gets (BUNDLE.md §5).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

/// One action of a running agent. Only `action` and `agent` are always
/// needed; each action needs its own fields (`tool` and `params` for
/// `tool.call`, …). Ids are registry ids; a bare name means its highest
/// non-retired version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// `tool.call`, `model.invoke`, `service.call`, `agent.delegate` or `step.run`.
    pub action: String,
    pub agent: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The agent delegated to (`agent.delegate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// A human approved this action.
    #[serde(default)]
    pub approved: bool,
}

impl Request {
    /// A `tool.call` request.
    pub fn tool_call(agent: &str, tool: &str, params: Json) -> Request {
        Request {
            action: "tool.call".into(),
            agent: agent.into(),
            tool: Some(tool.into()),
            params: Some(params),
            ..Request::default()
        }
    }
}

/// The answer: whether the action is allowed, every reason (sorted; a
/// deprecation note does not deny), and what the runtime must enforce.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub allow: bool,
    pub reasons: Vec<String>,
    /// `governance`, `agent_limits`, `tool_limits`, `service`, each when it
    /// applies, encoded as in the registry.
    pub obligations: Map<String, Json>,
}

impl Decision {
    /// A denial that did not reach the policy (the request could not be read,
    /// or the engine failed).
    pub fn refused(reason: impl Into<String>) -> Decision {
        Decision {
            allow: false,
            reasons: vec![reason.into()],
            obligations: Map::new(),
        }
    }

    /// The decision as one line of canonical JSON (sorted keys), as
    /// `pmth authorize` prints it.
    pub fn to_json_line(&self) -> String {
        let v = serde_json::json!({
            "allow": self.allow,
            "reasons": self.reasons,
            "obligations": self.obligations,
        });
        pmth_compiler::emit::jcs::to_string(&v).unwrap_or_else(|_| v.to_string())
    }
}
