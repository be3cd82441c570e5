# Critical tools need human approval: an agent that uses a tool with
# `risk = critical` must set `governance.human_approval = true`.
package pmth.std.approval

import rego.v1

# The ids of the critical tools, computed once per evaluation (not per agent).
critical_tools contains tool_id if {
	some tool_id, tool in data.pmth.registry.tools
	object.get(tool, "risk", "") == "critical"
}

# True when the agent uses at least one tool of the set.
uses_any(agent, tools) if {
	some tool_id in object.get(agent, "tools", [])
	tool_id in tools
}

deny contains finding if {
	count(critical_tools) > 0
	some id, agent in data.pmth.registry.agents
	object.get(agent, ["governance", "human_approval"], false) != true
	object.get(agent, "status", "active") != "retired"
	uses_any(agent, critical_tools)
	critical := sort([tool_id |
		some tool_id in object.get(agent, "tools", [])
		tool_id in critical_tools
	])
	count(critical) > 0
	finding := {
		"msg": sprintf(
			"agent %s uses critical tool %s without human approval (governance.human_approval = true is required)",
			[id, concat(", ", critical)],
		),
		"ref": sprintf("agent.%s", [id]),
		"attr": "governance.human_approval",
	}
}

registry(agents, tools) := {"agents": agents, "tools": tools}

test_critical_tool_without_approval_is_denied if {
	r := registry({"a": {"tools": ["pay", "kb"]}}, {"pay": {"risk": "critical"}, "kb": {"risk": "low"}})
	deny == {{
		"msg": "agent a uses critical tool pay without human approval (governance.human_approval = true is required)",
		"ref": "agent.a",
		"attr": "governance.human_approval",
	}} with data.pmth.registry as r
}

test_approved_agent_passes if {
	r := registry({"a": {"tools": ["pay"], "governance": {"human_approval": true}}}, {"pay": {"risk": "critical"}})
	count(deny) == 0 with data.pmth.registry as r
}

test_high_risk_is_not_critical if {
	r := registry({"a": {"tools": ["sh"]}}, {"sh": {"risk": "high"}})
	count(deny) == 0 with data.pmth.registry as r
}

test_every_critical_tool_is_listed_sorted_and_unknown_tools_are_ignored if {
	r := registry(
		{"a": {"tools": ["wire", "ghost", "pay"]}, "b": {"tools": ["ghost"]}},
		{"pay": {"risk": "critical"}, "wire": {"risk": "critical"}},
	)
	some f in deny with data.pmth.registry as r
	f.ref == "agent.a"
	contains(f.msg, "tool pay, wire without")
	count(deny) == 1 with data.pmth.registry as r
}
