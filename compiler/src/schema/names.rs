//! Attribute names that semantic rules (capability claims, persona merging,
//! service security, lifecycle) need to find. The tables use these same
//! constants, so each name is spelled exactly once.

pub const DESCRIPTION: &str = "description";
pub const STATUS: &str = "status";
pub const LABELS: &str = "labels";

pub const KIND: &str = "kind";
pub const MODEL: &str = "model";
pub const FALLBACK_MODELS: &str = "fallback_models";
pub const TOOLS: &str = "tools";
pub const PERSONA: &str = "persona";
pub const SERVICES: &str = "services";
pub const SERVICE: &str = "service";
pub const CAPABILITIES: &str = "capabilities";
pub const PROVIDES: &str = "provides";
pub const REQUIRES: &str = "requires";

pub const EXTENDS: &str = "extends";
pub const TRAITS: &str = "traits";
pub const INCOMPATIBLE_WITH: &str = "incompatible_with";

pub const ENDPOINT: &str = "endpoint";
pub const INSECURE: &str = "insecure";
pub const AUTH: &str = "auth";

pub const PARAMS: &str = "params";
pub const RETURNS: &str = "returns";
pub const INPUT: &str = "input";
pub const OUTPUT: &str = "output";
pub const STEP: &str = "step";

/// Step attributes (the workflow rules of `check/workflow.rs` read these).
pub const AGENT: &str = "agent";
pub const SELECT: &str = "select";
pub const AFTER: &str = "after";
pub const WITH: &str = "with";
pub const WHEN: &str = "when";
pub const FOR_EACH: &str = "for_each";
pub const ON_ERROR: &str = "on_error";
pub const COMPENSATION: &str = "compensation";

/// `status` values.
pub const ACTIVE: &str = "active";
pub const DEPRECATED: &str = "deprecated";
pub const RETIRED: &str = "retired";

/// Language 0.2 (agents, tools, services).
pub const TITLE: &str = "title";
pub const INSTRUCTIONS: &str = "instructions";
pub const DELEGATES: &str = "delegates";
pub const REMOTE: &str = "remote";
pub const CARD: &str = "card";
pub const HINTS: &str = "hints";
pub const READ_ONLY: &str = "read_only";
pub const DESTRUCTIVE: &str = "destructive";
pub const TRANSPORT: &str = "transport";
pub const COMMAND: &str = "command";
pub const ENV: &str = "env";
pub const PACKAGE: &str = "package";
/// Service `kind` and `transport` words the service rules test for.
pub const MCP: &str = "mcp";
pub const STDIO: &str = "stdio";
pub const STREAMABLE_HTTP: &str = "streamable_http";
