//! Governance through the whole pipeline (`crate::compile` on a workspace written
//! to a temporary folder): the stdlib's policies against the registry the checker
//! really builds, so their assumptions about its shape are tested too.

use crate::{compile, CompileOptions};
use std::path::PathBuf;

const TOML: &str = r#"[package]
name = "e2e"
version = "0.1.0"

[governance]
policies = ["policies"]

[governance.data]
allowed_providers = ["openai"]
"#;

const OWNERS: &str = r#"package pmth.owners

import rego.v1

warn contains {"msg": sprintf("agent %s has no owner", [id]), "ref": sprintf("agent.%s", [id]), "attr": "labels.owner"} if {
	some id, agent in data.pmth.registry.agents
	not agent.labels.owner
}
"#;

const MAIN: &str = r#"capability support { description = "Support" }

model gpt {
  description = "GPT"
  provider = "openai"
  provides = [capability.support]  cost { input = 1.0  output = 2.0 }
}

model local {
  description = "Local"
  provider = "acme"
}

tool shell {
  description = "Shell"
  risk = high
}

tool refund {
  description = "Refunds"
  risk = critical
}

service legacy {
  description = "Old"
  kind = rest
  endpoint = "http://legacy.local"
  insecure = true
}

agent chat {
  description = "Talks"
  kind = conversational
  model = model.gpt
  tools = [tool.shell, tool.refund]
  capabilities = [capability.support]
  governance { audit = true  content_filter = off }
  labels { owner = "team" }
}

agent old_bot {
  description = "Old"
  kind = analytical
  model = model.gpt
  capabilities = [capability.support]
  status = deprecated
  limits { budget_usd = 1.0 }
  labels { owner = "team" }
}

agent helper {
  description = "Helps"
  kind = analytical
  model = model.gpt
  capabilities = [capability.support]
  limits { budget_usd = 1.0 }
  labels { team = "x" }
}

workflow flow {
  description = "Flow"
  step s { select = capability.support }
}

tool files {
  description = "Files"
  risk = low
  permissions = ["fs.read", "fs.*"]
}
"#;

/// A folder removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn stdlib_policies_hold_against_the_real_registry() {
    let dir = TempDir(std::env::temp_dir().join(format!("pmth-govern-e2e-{}", std::process::id())));
    std::fs::create_dir_all(dir.0.join("policies")).expect("temp folder");
    std::fs::write(dir.0.join("pmth.toml"), TOML).expect("write");
    std::fs::write(dir.0.join("main.pmth"), MAIN).expect("write");
    std::fs::write(dir.0.join("policies/owners.rego"), OWNERS).expect("write");

    let c = compile(&dir.0, &CompileOptions::default()).expect("a workspace");
    let got: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| {
            let at = c.sources().start(d.primary.span);
            let policy = d.message.rsplit('`').nth(1).unwrap_or("");
            format!(
                "{} {} {}:{} {policy}",
                d.severity.as_str(),
                d.code,
                c.sources().path(d.primary.span.file),
                at.line
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "error PM0701 main.pmth:11 pmth.std.providers",
            "warning PM0702 main.pmth:28 pmth.std.endpoints",
            "error PM0701 main.pmth:31 pmth.std.approval",
            "warning PM0702 main.pmth:31 pmth.std.budget",
            "warning PM0702 main.pmth:37 pmth.std.content_filter",
            "warning PM0702 main.pmth:51 pmth.owners",
            "warning PM0702 main.pmth:62 pmth.std.lifecycle",
            "error PM0701 main.pmth:68 pmth.std.permissions",
        ]
    );
    let report = c.governance.expect("governance ran");
    assert_eq!(report.policies.len(), super::stdlib::POLICIES.len() + 1);
    assert_eq!(report.warnings.len(), 5);
}
