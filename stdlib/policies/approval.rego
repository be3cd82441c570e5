# Critical tools need human approval: an agent that uses a tool with
# `risk = critical` must set `governance.human_approval = true`.
package pmth.std.approval

import rego.v1

deny contains finding if {
	some id, agent in data.pmth.registry.agents
	object.get(agent, "status", "active") != "retired"
	critical := sort([tool_id |
		some tool_id in object.get(agent, "tools", [])
		object.get(data.pmth.registry.tools, [tool_id, "risk"], "") == "critical"
	])
	count(critical) > 0
	object.get(agent, ["governance", "human_approval"], false) != true
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
