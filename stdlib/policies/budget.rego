# Budgets: every agent should cap its spend with `limits.budget_usd`.
package pmth.std.budget

import rego.v1

warn contains finding if {
	some id, agent in data.pmth.registry.agents
	not is_number(object.get(agent, ["limits", "budget_usd"], null))
	object.get(agent, "status", "active") != "retired"
	finding := {
		"msg": sprintf("agent %s has no budget (set limits.budget_usd)", [id]),
		"ref": sprintf("agent.%s", [id]),
		"attr": "limits.budget_usd",
	}
}

test_agent_without_budget_warns if {
	warn == {{
		"msg": "agent a has no budget (set limits.budget_usd)",
		"ref": "agent.a",
		"attr": "limits.budget_usd",
	}} with data.pmth.registry as {"agents": {"a": {"limits": {"max_steps": 5}}}}
}

test_agent_with_budget_passes if {
	count(warn) == 0 with data.pmth.registry as {"agents": {"a": {"limits": {"budget_usd": 2.5}}}}
}
