# METADATA
# title: Critical or destructive steps need approval
# description: >-
#   A workflow step that calls a critical or destructive tool, directly or through
#   its agent, must set `approval = true`.
# custom:
#   severity: deny
#   rationale: >-
#     A workflow runs unattended: a step that can delete, pay or overwrite does
#     so with nobody watching unless a human approves it first. Destructive comes
#     from the tool's `hints { destructive = true }`, critical from
#     `risk = critical`.
#   fires: >-
#     a step of a non-retired workflow without `approval = true` that calls a
#     critical or destructive tool (`tool = tool.X`), or whose agent (`agent =`,
#     or any `select` candidate) can call a destructive one and has no
#     `governance.human_approval = true`. An agent's critical tools are
#     `pmth.std.approval`'s already.
#   comply: >-
#     set `approval = true` on the step, or, for an agent step,
#     `governance { human_approval = true }` on the agent.
package pmth.std.step_approval

import rego.v1

registry := data.pmth.registry

# Tools no step may call unapproved: critical, or destructive by their hints.
dangerous_tools contains id if {
	some id, tool in object.get(registry, "tools", {})
	object.get(tool, "risk", "") == "critical"
}

dangerous_tools contains id if {
	some id, tool in object.get(registry, "tools", {})
	object.get(tool, ["hints", "destructive"], false) == true
}

# Tools an unapproved agent step may not reach: destructive ones (critical ones
# already need the agent's human approval, pmth.std.approval).
destructive_tools contains id if {
	some id, tool in object.get(registry, "tools", {})
	object.get(tool, ["hints", "destructive"], false) == true
	object.get(tool, "risk", "") != "critical"
}

# Agents without human approval, and the destructive tools each can call: one
# pass over the agents' tool lists, then grouped for the few that have any.
risky_pairs contains [agent, t] if {
	count(destructive_tools) > 0
	some agent, a in object.get(registry, "agents", {})
	some t in object.get(a, "tools", [])
	t in destructive_tools
	object.get(a, ["governance", "human_approval"], false) != true
}

risky_agents[agent] := tools if {
	some first in risky_pairs
	agent := first[0]
	tools := sort([t | some other in risky_pairs; other[0] == agent; t := other[1]])
}

agent_reason(agent) := sprintf(
	"runs agent %s, which can call destructive tool %s",
	[agent, concat(", ", risky_agents[agent])],
)

# The capabilities some step selects from, and for each the reasons its risky
# candidates give: once per capability, however many steps select it.
selected contains cap if {
	some wf in object.get(registry, "workflows", {})
	some step in object.get(wf, "steps", {})
	cap := object.get(step, "select", null)
	is_string(cap)
}

select_reasons[cap] := {agent_reason(agent) |
	some agent in object.get(registry, ["index", "capabilities", cap, "agents"], [])
	risky_agents[agent]
} if {
	some cap in selected
}

tool_kind(id) := "critical" if {
	object.get(registry.tools[id], "risk", "") == "critical"
} else := "destructive"

deny contains finding if {
	count(dangerous_tools) > 0
	some wf_id, wf in object.get(registry, "workflows", {})
	object.get(wf, "status", "active") != "retired"
	some name, step in object.get(wf, "steps", {})
	object.get(step, "approval", false) != true
	# What makes the step dangerous: its tool, its agent, or a risky candidate
	# of its `select` (each a lookup, nothing scanned per step).
	by_tool := [sprintf("calls %s tool %s", [tool_kind(tool), tool]) |
		tool := step.tool
		tool in dangerous_tools
	]
	by_agent := [agent_reason(agent) | agent := step.agent; risky_agents[agent]]
	by_select := [r | some r in select_reasons[step.select]]
	texts := sort(array.concat(by_tool, array.concat(by_agent, by_select)))
	count(texts) > 0
	finding := {
		"msg": sprintf(
			"set approval = true on step %v of workflow %s: it %s",
			[name, wf_id, concat("; ", texts)],
		),
		"ref": sprintf("workflow.%s", [wf_id]),
		"attr": sprintf("steps.%v", [name]),
	}
}

fixture_tools := {
	"pay": {"risk": "critical"},
	"wipe": {"risk": "medium", "hints": {"destructive": true}},
	"read": {"risk": "low", "hints": {"destructive": false, "read_only": true}},
}

one_step(step) := {"w": {"steps": {"s": step}}}

test_a_critical_tool_step_without_approval_is_denied if {
	r := {"tools": fixture_tools, "workflows": one_step({"tool": "pay"})}
	deny == {{
		"msg": "set approval = true on step s of workflow w: it calls critical tool pay",
		"ref": "workflow.w",
		"attr": "steps.s",
	}} with data.pmth.registry as r
}

test_a_destructive_tool_step_is_denied if {
	r := {"tools": fixture_tools, "workflows": one_step({"tool": "wipe"})}
	some f in deny with data.pmth.registry as r
	endswith(f.msg, "calls destructive tool wipe")
}

test_an_approved_step_passes if {
	r := {"tools": fixture_tools, "workflows": one_step({"tool": "pay", "approval": true})}
	count(deny) == 0 with data.pmth.registry as r
}

test_an_agent_step_with_a_destructive_tool_is_denied if {
	r := {"tools": fixture_tools, "agents": {"janitor": {"tools": ["read", "wipe"]}}, "workflows": one_step({"agent": "janitor"})}
	some f in deny with data.pmth.registry as r
	endswith(f.msg, "runs agent janitor, which can call destructive tool wipe")
}

test_an_agent_with_human_approval_passes if {
	a := {"janitor": {"tools": ["wipe"], "governance": {"human_approval": true}}}
	r := {"tools": fixture_tools, "agents": a, "workflows": one_step({"agent": "janitor"})}
	count(deny) == 0 with data.pmth.registry as r
}

test_an_agents_critical_tools_are_left_to_the_approval_policy if {
	r := {"tools": fixture_tools, "agents": {"payer": {"tools": ["pay"]}}, "workflows": one_step({"agent": "payer"})}
	count(deny) == 0 with data.pmth.registry as r
}

test_select_candidates_count if {
	r := {
		"tools": fixture_tools,
		"agents": {"janitor": {"tools": ["wipe"]}},
		"index": {"capabilities": {"clean": {"agents": ["janitor"], "tools": [], "models": []}}},
		"workflows": one_step({"select": "clean"}),
	}
	count(deny) == 1 with data.pmth.registry as r
}

test_safe_steps_and_retired_workflows_pass if {
	r := {
		"tools": fixture_tools,
		"agents": {"reader": {"tools": ["read"]}},
		"workflows": {
			"w": {"steps": {"s": {"agent": "reader"}, "t": {"tool": "read"}}},
			"old": {"status": "retired", "steps": {"s": {"tool": "pay"}}},
		},
	}
	count(deny) == 0 with data.pmth.registry as r
}

test_a_select_with_two_risky_candidates_is_one_finding_naming_both if {
	r := {
		"tools": fixture_tools,
		"agents": {"janitor": {"tools": ["wipe"]}, "sweeper": {"tools": ["wipe", "read"]}},
		"index": {"capabilities": {"clean": {"agents": ["sweeper", "janitor"], "tools": [], "models": []}}},
		"workflows": one_step({"select": "clean"}),
	}
	deny == {{
		"msg": "set approval = true on step s of workflow w: it runs agent janitor, which can call destructive tool wipe; runs agent sweeper, which can call destructive tool wipe",
		"ref": "workflow.w",
		"attr": "steps.s",
	}} with data.pmth.registry as r
}
