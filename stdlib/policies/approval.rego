# METADATA
# title: Critical tools need human approval
# description: An agent that uses a tool with `risk = critical` must set `governance.human_approval = true`.
# custom:
#   severity: deny
#   rationale: >-
#     A critical tool (payments, deletions, production changes) does harm that
#     cannot be undone; an agent that can call one on its own judgement is the
#     incident a security review exists to prevent.
#   fires: >-
#     a non-retired agent whose `tools` include a tool with `risk = critical` and
#     whose `governance.human_approval` is not `true`.
#   comply: >-
#     set `governance { human_approval = true }` on the agent, or give the
#     critical work to an agent that has it.
package pmth.std.approval

import rego.v1

# The ids of the critical tools, computed once per evaluation (not per agent).
critical_tools contains tool_id if {
	some tool_id, tool in data.pmth.registry.tools
	object.get(tool, "risk", "") == "critical"
}

# The agents that use a critical tool: one pass over the agents' tool lists, so
# the sorted list below is built only for them.
uses_critical contains id if {
	count(critical_tools) > 0
	some id, agent in data.pmth.registry.agents
	some tool_id in object.get(agent, "tools", [])
	tool_id in critical_tools
}

deny contains finding if {
	some id in uses_critical
	agent := data.pmth.registry.agents[id]
	object.get(agent, ["governance", "human_approval"], false) != true
	object.get(agent, "status", "active") != "retired"
	critical := sort([tool_id |
		some tool_id in object.get(agent, "tools", [])
		tool_id in critical_tools
	])
	count(critical) > 0
	finding := {
		"msg": sprintf(
			"set governance.human_approval = true on agent %s: it uses critical tool %s",
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
		"msg": "set governance.human_approval = true on agent a: it uses critical tool pay",
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

test_retired_agents_are_ignored if {
	r := registry({"a": {"status": "retired", "tools": ["pay"]}}, {"pay": {"risk": "critical"}})
	count(deny) == 0 with data.pmth.registry as r
}

test_every_critical_tool_is_listed_sorted_and_unknown_tools_are_ignored if {
	r := registry(
		{"a": {"tools": ["wire", "ghost", "pay"]}, "b": {"tools": ["ghost"]}},
		{"pay": {"risk": "critical"}, "wire": {"risk": "critical"}},
	)
	some f in deny with data.pmth.registry as r
	f.ref == "agent.a"
	endswith(f.msg, "critical tool pay, wire")
	count(deny) == 1 with data.pmth.registry as r
}
