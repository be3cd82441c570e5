# METADATA
# title: High-risk tools need an audited agent
# description: An agent that uses a tool with `risk = high` or `risk = critical` must set `governance.audit = true`.
# custom:
#   severity: deny
#   rationale: >-
#     When a high-risk call goes wrong, the audit trail is how anyone finds out
#     what the agent did and why; without it there is nothing to review.
#   fires: >-
#     a non-retired agent whose `tools` include a tool with `risk = high` or
#     `risk = critical` and whose `governance.audit` is not `true`.
#   comply: set `governance { audit = true }` on the agent.
package pmth.std.audit

import rego.v1

high_risk := {"high", "critical"}

# The ids of the high-risk tools, computed once per evaluation (not per agent).
risky_tools contains tool_id if {
	some tool_id, tool in data.pmth.registry.tools
	object.get(tool, "risk", "") in high_risk
}

deny contains finding if {
	count(risky_tools) > 0
	some id, agent in data.pmth.registry.agents
	object.get(agent, ["governance", "audit"], false) != true
	object.get(agent, "status", "active") != "retired"
	risky := sort([tool_id |
		some tool_id in object.get(agent, "tools", [])
		tool_id in risky_tools
	])
	count(risky) > 0
	finding := {
		"msg": sprintf(
			"set governance.audit = true on agent %s: it uses high-risk tool %s",
			[id, concat(", ", risky)],
		),
		"ref": sprintf("agent.%s", [id]),
		"attr": "governance.audit",
	}
}

registry(agents, tools) := {"agents": agents, "tools": tools}

test_unaudited_agent_with_high_risk_tool_is_denied if {
	r := registry({"a": {"tools": ["sh"]}}, {"sh": {"risk": "high"}})
	deny == {{
		"msg": "set governance.audit = true on agent a: it uses high-risk tool sh",
		"ref": "agent.a",
		"attr": "governance.audit",
	}} with data.pmth.registry as r
}

test_critical_tools_count_and_are_listed_sorted if {
	r := registry({"a": {"tools": ["z", "b"], "governance": {"audit": false}}}, {"z": {"risk": "critical"}, "b": {"risk": "high"}})
	some f in deny with data.pmth.registry as r
	endswith(f.msg, "tool b, z")
}

test_audited_agent_passes if {
	r := registry({"a": {"tools": ["sh"], "governance": {"audit": true}}}, {"sh": {"risk": "high"}})
	count(deny) == 0 with data.pmth.registry as r
}

test_low_risk_tools_need_no_audit if {
	r := registry({"a": {"tools": ["kb"]}}, {"kb": {"risk": "medium"}})
	count(deny) == 0 with data.pmth.registry as r
}

test_retired_agents_are_ignored if {
	r := registry({"a": {"status": "retired", "tools": ["sh"]}}, {"sh": {"risk": "high"}})
	count(deny) == 0 with data.pmth.registry as r
}
