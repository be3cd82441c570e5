//! Names of the generated declarations, so that every reference is built from the
//! same function as the declaration it points to.
//!
//! Group `k` is one "team": two capabilities, half a service, a model, three tools,
//! a persona, ten agents and a workflow, all in domain `DOMAINS[k % 8]`.

/// The capability domains under the `acme` root.
pub const DOMAINS: [&str; 8] = [
    "research", "support", "billing", "legal", "sales", "ops", "security", "content",
];

/// Agent roles, one per slot `j` of a group.
pub const ROLES: [&str; 10] = [
    "lead",
    "analyst",
    "reviewer",
    "scout",
    "concierge",
    "helper",
    "writer",
    "auditor",
    "planner",
    "desk",
];

/// Tool verbs, one per tool slot.
pub const TOOL_VERBS: [&str; 3] = ["search", "notify", "score"];

/// Slots `j` of a group whose agent is a template instance.
pub const INSTANCE_SLOTS: [usize; 3] = [3, 6, 9];

/// The domain of group `k`.
pub fn dom(k: usize) -> &'static str {
    DOMAINS
        .get(k % DOMAINS.len())
        .copied()
        .unwrap_or("research")
}

/// The capability every workflow selects in the select-heavy shape.
pub const SHARED_CAP: &str = "acme.shared";

/// The agents (by slot in their team) that claim [`SHARED_CAP`]: two of ten,
/// none of them a template instance.
pub const SHARED_AGENT_SLOTS: [usize; 2] = [0, 5];

/// `acme.DOMAIN.gK`: the group's own capability.
pub fn cap(k: usize) -> String {
    format!("acme.{}.g{k}", dom(k))
}

/// `acme.DOMAIN.gK.lookup`: provided by the group's lookup tools.
pub fn cap_lookup(k: usize) -> String {
    format!("{}.lookup", cap(k))
}

/// The service used by group `k` (declared in the even group of the pair).
pub fn service(k: usize) -> String {
    let even = k - k % 2;
    format!("{}_api_{}", dom(even), even / 2)
}

pub fn service_version(k: usize) -> String {
    let even = k - k % 2;
    format!("2.{}.0", (even / 2) % 4)
}

pub fn model(k: usize) -> String {
    format!("llm_{k}")
}

/// Model versions look like dated snapshots.
pub fn model_version(k: usize) -> String {
    format!("2025.{}.{}", k % 12 + 1, k % 28 + 1)
}

pub fn tool(k: usize, slot: usize) -> String {
    let verb = TOOL_VERBS.get(slot).copied().unwrap_or("use");
    format!("{}_{verb}_{k}", dom(k))
}

/// Tool 1 is unversioned; the others carry a semver version.
pub fn tool_version(k: usize, slot: usize) -> Option<String> {
    (slot != 1).then(|| format!("1.{}.{}", k % 7, (k + slot) % 3))
}

pub fn persona(k: usize) -> String {
    format!("{}_voice_{k}", dom(k))
}

pub fn agent(k: usize, j: usize) -> String {
    let role = ROLES.get(j).copied().unwrap_or("agent");
    format!("{}_{role}_{k}_{j}", dom(k))
}

pub fn workflow(k: usize) -> String {
    format!("{}_flow_{k}", dom(k))
}

pub fn template(t: usize) -> String {
    format!("desk_{t}")
}
