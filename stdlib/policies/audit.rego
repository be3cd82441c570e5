# High-risk tools need an audited agent: an agent that uses a tool with
# `risk = high` or `risk = critical` must set `governance.audit = true`.
package pmth.std.audit

import rego.v1

high_risk := {"high", "critical"}

# The ids of the high-risk tools, computed once per evaluation (not per agent).
risky_tools contains tool_id if {
	some tool_id, tool in data.pmth.registry.tools
	object.get(tool, "risk", "") in high_risk
}

# True when the agent uses at least one tool of the set.
uses_any(agent, tools) if {
	some tool_id in object.get(agent, "tools", [])
	tool_id in tools
}

deny contains finding if {
	count(risky_tools) > 0
	some id, agent in data.pmth.registry.agents
	object.get(agent, ["governance", "audit"], false) != true
	object.get(agent, "status", "active") != "retired"
	uses_any(agent, risky_tools)
	risky := sort([tool_id |
		some tool_id in object.get(agent, "tools", [])
		tool_id in risky_tools
	])
	count(risky) > 0
	finding := {
		"msg": sprintf(
			"agent %s uses high-risk tool %s but is not audited (governance.audit = true is required)",
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
		"msg": "agent a uses high-risk tool sh but is not audited (governance.audit = true is required)",
		"ref": "agent.a",
		"attr": "governance.audit",
	}} with data.pmth.registry as r
}

test_critical_tools_count_and_are_listed_sorted if {
	r := registry({"a": {"tools": ["z", "b"], "governance": {"audit": false}}}, {"z": {"risk": "critical"}, "b": {"risk": "high"}})
	some f in deny with data.pmth.registry as r
	contains(f.msg, "tool b, z but")
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
