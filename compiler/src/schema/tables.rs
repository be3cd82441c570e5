//! The data: one attribute table per kind (LANGUAGE.md §6), the workflow step
//! table (§8) and the nested blocks and variants they use. Row order is the
//! canonical formatting order.

use super::names::*;
use super::{AttrSpec, DefaultValue, Ty, Variant};
use crate::ast::Kind;

/// The table of a kind.
pub fn table(kind: Kind) -> &'static [AttrSpec] {
    match kind {
        Kind::Agent => AGENT_ATTRS,
        Kind::Tool => TOOL_ATTRS,
        Kind::Model => MODEL_ATTRS,
        Kind::Workflow => WORKFLOW_ATTRS,
        Kind::Capability => CAPABILITY_ATTRS,
        Kind::Persona => PERSONA_ATTRS,
        Kind::Service => SERVICE_ATTRS,
        Kind::Template => TEMPLATE_ATTRS,
    }
}

// ---- common rows --------------------------------------------------------------

const DESC_REQUIRED: AttrSpec = AttrSpec::new(
    DESCRIPTION,
    Ty::Str,
    "What it is for, in a sentence; shown in discovery and agent cards.",
)
.required();
const DESC_OPTIONAL: AttrSpec =
    AttrSpec::new(DESCRIPTION, Ty::Str, "What it is for, in a sentence.");
const TITLE_ROW: AttrSpec = AttrSpec::new(
    TITLE,
    Ty::Str,
    "A display name (\"FAQ Agent\", \"Read File\"); exported where a format has a title \
     or display name.",
);
const STATUS_ROW: AttrSpec = AttrSpec::new(
    STATUS,
    Ty::Enum(&[ACTIVE, DEPRECATED, RETIRED]),
    "Lifecycle: referencing a `deprecated` declaration warns (PM0106); a `retired` one \
     never satisfies a reference (PM0105). Never inherited.",
)
.default(DefaultValue::Word(ACTIVE));
const LABELS_ROW: AttrSpec = AttrSpec::new(
    LABELS,
    Ty::Map(&Ty::Str),
    "Free-form string labels (`owner`, `team`, …) for discovery and policies.",
);

const RATE: &str = "rate";
const TIMEOUT: &str = "timeout";

// ---- agent ----------------------------------------------------------------------

pub const GOVERNANCE: &[AttrSpec] = &[
    AttrSpec::new(
        "safety_level",
        Ty::Enum(&["low", "medium", "high"]),
        "How much scrutiny the agent's outputs get.",
    )
    .default(DefaultValue::Word("medium")),
    AttrSpec::new("audit", Ty::Bool, "Record every action for audit.")
        .default(DefaultValue::Bool(false)),
    AttrSpec::new(
        "content_filter",
        Ty::Enum(&["off", "standard", "strict"]),
        "Filtering applied to inputs and outputs; no default, so that a conversational \
         agent without one is flagged by the stdlib policy.",
    ),
    AttrSpec::new(
        "human_approval",
        Ty::Bool,
        "A human approves actions before they take effect.",
    )
    .default(DefaultValue::Bool(false)),
];

const AGENT_LIMITS: &[AttrSpec] = &[
    AttrSpec::new(
        "max_steps",
        Ty::Int {
            min: Some(1),
            max: None,
        },
        "Most reasoning/tool steps per task.",
    ),
    AttrSpec::new(TIMEOUT, Ty::Duration, "Wall-clock limit per task."),
    AttrSpec::new(
        "budget_usd",
        Ty::Float {
            min: Some(0.0),
            max: None,
        },
        "Most spend per task, in USD.",
    ),
];

const REMOTE_ATTRS: &[AttrSpec] = &[AttrSpec::new(
    CARD,
    Ty::Url,
    "The URL of its A2A agent card; `https://` (PM0303 for `http://` unless `insecure = true`).",
)
.required()];

const AGENT_ATTRS: &[AttrSpec] = &[
    DESC_REQUIRED,
    TITLE_ROW,
    STATUS_ROW,
    LABELS_ROW,
    AttrSpec::new(
        KIND,
        Ty::Enum(&["conversational", "analytical", "creative", "task_oriented"]),
        "How the agent works.",
    )
    .required(),
    AttrSpec::new(
        MODEL,
        Ty::Ref(Kind::Model),
        "The model it runs on; required unless the agent is `remote`.",
    )
    .required_unless(REMOTE),
    AttrSpec::new(
        FALLBACK_MODELS,
        Ty::List(&Ty::Ref(Kind::Model)),
        "Models to fall back to, in order (they do not count for capability claims).",
    ),
    AttrSpec::new(TOOLS, Ty::List(&Ty::Ref(Kind::Tool)), "Tools it may call."),
    AttrSpec::new(
        PERSONA,
        Ty::Ref(Kind::Persona),
        "How it speaks and behaves.",
    ),
    AttrSpec::new(
        SERVICES,
        Ty::List(&Ty::Ref(Kind::Service)),
        "Services it talks to directly.",
    ),
    AttrSpec::new(
        CAPABILITIES,
        Ty::List(&Ty::Ref(Kind::Capability)),
        "What it claims to do; each claim must be provided by its model or a tool, or \
         claimed by a delegate (PM0301). A remote agent's claims are taken as provided.",
    ),
    AttrSpec::new(
        INSTRUCTIONS,
        Ty::Str,
        "The agent's own task prompt; runtimes put the persona's `instructions` first, \
         then these.",
    ),
    AttrSpec::new(
        DELEGATES,
        Ty::List(&Ty::Ref(Kind::Agent)),
        "Agents it may hand work to or call as tools (handoffs, sub-agents); their claims \
         count for its own. Cycles are allowed; delegating to itself is PM0204.",
    ),
    AttrSpec::new(
        ENDPOINT,
        Ty::Url,
        "The URL it is served at (for its A2A card); `http://` needs `insecure = true` (PM0303).",
    ),
    AttrSpec::new(
        INSECURE,
        Ty::Bool,
        "Allow a plain `http://` `endpoint` or remote `card`.",
    ),
    AttrSpec::new(
        REMOTE,
        Ty::Block(REMOTE_ATTRS),
        "The agent runs elsewhere, described by an A2A agent card; it has no `model`, \
         `fallback_models`, `tools` or `endpoint` (PM0203).",
    )
    .excludes(&[MODEL, FALLBACK_MODELS, TOOLS, ENDPOINT]),
    AttrSpec::new(
        "governance",
        Ty::Block(GOVERNANCE),
        "Safety settings that policies check.",
    ),
    AttrSpec::new("limits", Ty::Block(AGENT_LIMITS), "Per-task limits."),
];

// ---- tool -----------------------------------------------------------------------

const TOOL_LIMITS: &[AttrSpec] = &[
    AttrSpec::new(TIMEOUT, Ty::Duration, "Longest a call may run."),
    AttrSpec::new("memory", Ty::Size, "Most memory a call may use."),
    AttrSpec::new(RATE, Ty::Rate, "Most calls per window."),
];

const HINTS_TABLE: &[AttrSpec] = &[
    AttrSpec::new(READ_ONLY, Ty::Bool, "It does not change its environment."),
    AttrSpec::new(
        DESTRUCTIVE,
        Ty::Bool,
        "It may delete or overwrite (not with `read_only = true`: PM0204).",
    ),
    AttrSpec::new(
        "idempotent",
        Ty::Bool,
        "Calling it again with the same arguments has no further effect.",
    ),
    AttrSpec::new(
        "open_world",
        Ty::Bool,
        "It reaches outside a closed domain (the web, other people).",
    ),
];

const TOOL_ATTRS: &[AttrSpec] = &[
    DESC_REQUIRED,
    TITLE_ROW,
    STATUS_ROW,
    LABELS_ROW,
    AttrSpec::new(
        KIND,
        Ty::Enum(&["computational", "data_processing", "communication", "integration"]),
        "What sort of work it does.",
    ),
    AttrSpec::new(
        "risk",
        Ty::Enum(&["low", "medium", "high", "critical"]),
        "How much harm a wrong call can do; governance policies key on it.",
    )
    .required(),
    AttrSpec::new(
        PARAMS,
        Ty::Fields,
        "Typed parameters (§7), compiled to a JSON Schema (`input_schema`, usable as MCP `inputSchema`).",
    )
    .key("input_schema"),
    AttrSpec::new(
        RETURNS,
        Ty::TypeExpr,
        "The result type, written `returns: TYPE`; compiled to `output_schema`.",
    )
    .key("output_schema"),
    AttrSpec::new(
        PROVIDES,
        Ty::List(&Ty::Ref(Kind::Capability)),
        "Capabilities it gives the agents that use it.",
    ),
    AttrSpec::new(
        "permissions",
        Ty::List(&Ty::Str),
        "Permissions it needs (`net.http`, `fs.read`, …).",
    ),
    AttrSpec::new("limits", Ty::Block(TOOL_LIMITS), "Resource limits per call."),
    AttrSpec::new(SERVICE, Ty::Ref(Kind::Service), "The service it calls."),
    AttrSpec::new(
        HINTS,
        Ty::Block(HINTS_TABLE),
        "What it does to the world, as MCP's tool annotations say it; an absent hint is unknown.",
    ),
];

// ---- model ----------------------------------------------------------------------

pub const COST: &[AttrSpec] = &[
    AttrSpec::new(
        INPUT,
        Ty::Float {
            min: Some(0.0),
            max: None,
        },
        "USD per million input tokens.",
    ),
    AttrSpec::new(
        OUTPUT,
        Ty::Float {
            min: Some(0.0),
            max: None,
        },
        "USD per million output tokens.",
    ),
];

const SAFETY: &[AttrSpec] = &[
    AttrSpec::new("content_filter", Ty::Bool, "The provider filters content.")
        .default(DefaultValue::Bool(false)),
    AttrSpec::new(
        "evaluated",
        Ty::Bool,
        "The model passed the organisation's safety evaluation.",
    )
    .default(DefaultValue::Bool(false)),
];

const MODEL_ATTRS: &[AttrSpec] = &[
    DESC_REQUIRED,
    TITLE_ROW,
    STATUS_ROW,
    LABELS_ROW,
    AttrSpec::new(
        "provider",
        Ty::Str,
        "Who serves it (`openai`, `anthropic`, …); policies may restrict it.",
    )
    .required(),
    AttrSpec::new("id", Ty::Str, "The provider's model id."),
    AttrSpec::new(
        "context_window",
        Ty::Int {
            min: Some(1),
            max: None,
        },
        "Tokens of context.",
    ),
    AttrSpec::new(
        "max_output",
        Ty::Int {
            min: Some(1),
            max: None,
        },
        "Most tokens per response.",
    ),
    AttrSpec::new(
        "modalities",
        Ty::List(&Ty::Enum(&["text", "image", "audio", "video"])),
        "Input modalities it accepts.",
    )
    .default(DefaultValue::Words(&["text"])),
    AttrSpec::new(
        PROVIDES,
        Ty::List(&Ty::Ref(Kind::Capability)),
        "Capabilities it gives the agents that run on it.",
    ),
    AttrSpec::new("cost", Ty::Block(COST), "Price, USD per million tokens."),
    AttrSpec::new("safety", Ty::Block(SAFETY), "Safety facts policies check."),
    AttrSpec::new(SERVICE, Ty::Ref(Kind::Service), "The endpoint serving it."),
];

// ---- workflow ---------------------------------------------------------------------

pub const RETRY: &[AttrSpec] = &[
    AttrSpec::new(
        "attempts",
        Ty::Int {
            min: Some(1),
            max: None,
        },
        "Total attempts, the first included.",
    )
    .required(),
    AttrSpec::new("backoff", Ty::Duration, "Wait before each retry."),
];

pub const STEP_ATTRS: &[AttrSpec] = &[
    AttrSpec::new(DESCRIPTION, Ty::Str, "What the step does."),
    AttrSpec::new(AGENT, Ty::Ref(Kind::Agent), "The agent that runs the step."),
    AttrSpec::new(
        SELECT,
        Ty::Ref(Kind::Capability),
        "Run on any agent that provides this capability (the candidates go into the bundle).",
    ),
    AttrSpec::new(
        AFTER,
        Ty::List(&Ty::StepRef),
        "Steps that must finish first.",
    ),
    AttrSpec::new(
        WITH,
        Ty::Map(&Ty::Expr),
        "The step's inputs: `input.FIELD`, `step.N.output` or `item`.",
    ),
    AttrSpec::new(WHEN, Ty::Expr, "Run only when this is true."),
    AttrSpec::new(
        FOR_EACH,
        Ty::Path,
        "Run once per element of this list input.",
    ),
    AttrSpec::new("retry", Ty::Block(RETRY), "Retry on failure."),
    AttrSpec::new(TIMEOUT, Ty::Duration, "Longest the step may run."),
    AttrSpec::new("approval", Ty::Bool, "A human approves before it runs.")
        .default(DefaultValue::Bool(false)),
    AttrSpec::new(
        ON_ERROR,
        Ty::Either(&[Ty::Enum(&["fail", "continue"]), Ty::StepRef]),
        "On failure: `fail` the workflow, `continue`, or run a compensation step.",
    )
    .default(DefaultValue::Word("fail")),
    AttrSpec::new(
        COMPENSATION,
        Ty::Bool,
        "A compensation step runs only as an `on_error` target.",
    )
    .default(DefaultValue::Bool(false)),
];

const WORKFLOW_ATTRS: &[AttrSpec] = &[
    DESC_REQUIRED,
    TITLE_ROW,
    STATUS_ROW,
    LABELS_ROW,
    AttrSpec::new(
        INPUT,
        Ty::Fields,
        "Typed inputs (§7), compiled to `input_schema`.",
    )
    .key("input_schema"),
    AttrSpec::new(
        OUTPUT,
        Ty::TypeExpr,
        "The result type, written `output: TYPE`; compiled to `output_schema`.",
    )
    .key("output_schema"),
    AttrSpec::new(
        STEP,
        Ty::Steps(STEP_ATTRS),
        "`step NAME { … }`: the steps, a DAG ordered by `after`.",
    )
    .key("steps"),
];

// ---- capability -------------------------------------------------------------------

const CAPABILITY_ATTRS: &[AttrSpec] = &[
    DESC_REQUIRED,
    TITLE_ROW,
    STATUS_ROW,
    LABELS_ROW,
    AttrSpec::new(
        REQUIRES,
        Ty::List(&Ty::Ref(Kind::Capability)),
        "Capabilities that claiming this one also needs provided (acyclic, PM0108).",
    ),
];

// ---- persona ----------------------------------------------------------------------

const TRAIT: Ty = Ty::Float {
    min: Some(0.0),
    max: Some(1.0),
};

const TRAITS_TABLE: &[AttrSpec] = &[
    AttrSpec::new("creativity", TRAIT, "0 = literal, 1 = inventive."),
    AttrSpec::new("risk_tolerance", TRAIT, "0 = cautious, 1 = bold."),
    AttrSpec::new("formality", TRAIT, "0 = casual, 1 = formal."),
    AttrSpec::new("verbosity", TRAIT, "0 = terse, 1 = expansive."),
    AttrSpec::new("empathy", TRAIT, "0 = matter-of-fact, 1 = warm."),
];

const PERSONA_ATTRS: &[AttrSpec] = &[
    DESC_OPTIONAL,
    TITLE_ROW,
    STATUS_ROW,
    LABELS_ROW,
    AttrSpec::new(
        EXTENDS,
        Ty::List(&Ty::Ref(Kind::Persona)),
        "Personas merged in order before this one's own attributes (blocks key by key; \
         scalars and lists replace; acyclic, PM0108).",
    ),
    AttrSpec::new("tone", Ty::Str, "How it sounds (`formal`, `friendly`, …)."),
    AttrSpec::new(
        TRAITS,
        Ty::Block(TRAITS_TABLE),
        "Behavioural dials, each in [0, 1].",
    ),
    AttrSpec::new("expertise", Ty::List(&Ty::Str), "Domains it knows."),
    AttrSpec::new("instructions", Ty::Str, "Instructions given to the model."),
    AttrSpec::new(
        INCOMPATIBLE_WITH,
        Ty::List(&Ty::Ref(Kind::Persona)),
        "Personas that should not share a workflow with it (PM0304).",
    ),
];

// ---- service ----------------------------------------------------------------------

const API_KEY: &[AttrSpec] = &[
    AttrSpec::new("header", Ty::Str, "The header carrying the key.").required(),
    AttrSpec::new("secret", Ty::Secret, "The key.").required(),
];
const BEARER: &[AttrSpec] = &[AttrSpec::new("secret", Ty::Secret, "The token.").required()];
const OAUTH2: &[AttrSpec] = &[
    AttrSpec::new("token_url", Ty::Url, "The token endpoint.").required(),
    AttrSpec::new("client_id", Ty::Str, "The client id.").required(),
    AttrSpec::new("client_secret", Ty::Secret, "The client secret.").required(),
    AttrSpec::new("scopes", Ty::List(&Ty::Str), "Scopes to request."),
];
const OIDC: &[AttrSpec] = &[
    AttrSpec::new(
        "issuer",
        Ty::Url,
        "The OpenID Connect issuer (its discovery document).",
    )
    .required(),
    AttrSpec::new("client_id", Ty::Str, "The client id.").required(),
    AttrSpec::new(
        "client_secret",
        Ty::Secret,
        "The client secret (none for a public client).",
    ),
    AttrSpec::new("scopes", Ty::List(&Ty::Str), "Scopes to request."),
];
const MTLS: &[AttrSpec] = &[
    AttrSpec::new("cert", Ty::Secret, "The client certificate.").required(),
    AttrSpec::new("key", Ty::Secret, "The client key.").required(),
];

const AUTH_VARIANTS: &[Variant] = &[
    Variant {
        name: "none",
        attrs: &[],
        doc: "No authentication.",
    },
    Variant {
        name: "api_key",
        attrs: API_KEY,
        doc: "A key sent in a header.",
    },
    Variant {
        name: "bearer",
        attrs: BEARER,
        doc: "An `Authorization: Bearer` token.",
    },
    Variant {
        name: "oauth2",
        attrs: OAUTH2,
        doc: "OAuth 2.0 client credentials.",
    },
    Variant {
        name: "oidc",
        attrs: OIDC,
        doc: "OpenID Connect, from the issuer's discovery document.",
    },
    Variant {
        name: "mtls",
        attrs: MTLS,
        doc: "Mutual TLS.",
    },
];

const MCP_PACKAGE: &[AttrSpec] = &[
    AttrSpec::new(
        "registry",
        Ty::Enum(&["npm", "pypi", "oci", "nuget", "mcpb"]),
        "The package registry it is published in.",
    )
    .required(),
    AttrSpec::new("name", Ty::Str, "The package name there.").required(),
    AttrSpec::new("version", Ty::Str, "The package version.").required(),
];

const SERVICE_ATTRS: &[AttrSpec] = &[
    DESC_REQUIRED,
    TITLE_ROW,
    STATUS_ROW,
    LABELS_ROW,
    AttrSpec::new(
        KIND,
        Ty::Enum(&["rest", "graphql", "grpc", "database", "queue", MCP]),
        "The protocol.",
    )
    .required(),
    AttrSpec::new(
        ENDPOINT,
        Ty::Url,
        "Where it lives; `http://` needs `insecure = true` (PM0303). Required on an `mcp` service \
         (PM0202) unless its `transport` is `stdio`, which has none (PM0203).",
    ),
    AttrSpec::new(INSECURE, Ty::Bool, "Allow a plain `http://` endpoint.")
        .default(DefaultValue::Bool(false)),
    AttrSpec::new(
        AUTH,
        Ty::Tagged(AUTH_VARIANTS),
        "How to authenticate; secrets only as `env(\"…\")` or `secret(\"…\")` (PM0302).",
    )
    .default(DefaultValue::Variant("none")),
    AttrSpec::new("rate_limit", Ty::Rate, "Most requests per window."),
    AttrSpec::new(TIMEOUT, Ty::Duration, "Longest a request may take."),
    AttrSpec::new("health", Ty::Str, "Health-check path or URL."),
    AttrSpec::new(
        TRANSPORT,
        Ty::Enum(&[STREAMABLE_HTTP, "sse", STDIO]),
        "How an MCP client reaches the server: over HTTP at `endpoint`, or `stdio` (a \
         subprocess started with `command`).",
    )
    .only_when(KIND, MCP)
    .default(DefaultValue::Word(STREAMABLE_HTTP)),
    AttrSpec::new(
        COMMAND,
        Ty::List(&Ty::Str),
        "A `stdio` server's program and arguments (required there, non-empty: PM0202, PM0204).",
    )
    .only_when(KIND, MCP),
    AttrSpec::new(
        ENV,
        Ty::Map(&Ty::Either(&[Ty::Secret, Ty::Str])),
        "A `stdio` server's environment: `NAME = env(\"…\")`, `secret(\"…\")` or a string; \
         a variable named like a secret (`…_TOKEN`, `…_KEY`, `…_SECRET`, `…PASSWORD`) takes \
         a secret reference (PM0302).",
    )
    .only_when(KIND, MCP),
    AttrSpec::new(
        PACKAGE,
        Ty::Block(MCP_PACKAGE),
        "The published MCP server it runs, as the MCP Registry names it.",
    )
    .only_when(KIND, MCP),
];

// ---- template ---------------------------------------------------------------------

/// A template declaration's own attributes; its body is checked against the
/// table of its `for` kind, and its `param` lines are compiled to `params`.
const TEMPLATE_ATTRS: &[AttrSpec] = &[DESC_OPTIONAL, TITLE_ROW, STATUS_ROW, LABELS_ROW];
