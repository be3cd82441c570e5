# METADATA
# title: Deprecated agents behind a select
# description: A workflow step whose `select` may pick a deprecated agent is flagged.
# custom:
#   severity: warn
#   rationale: >-
#     A direct reference to a deprecated declaration is PM0106 already; a
#     `select` names no agent, so nothing else says that a deprecated one may run
#     the step.
#   fires: >-
#     a step of a non-retired workflow whose `select` candidates (the agents that
#     claim the capability) include a deprecated agent.
#   comply: >-
#     retire the deprecated agent once its replacement claims the capability, or
#     point the step at an active agent with `agent = agent.X`.
package pmth.std.lifecycle

import rego.v1

registry := data.pmth.registry

# The ids of the deprecated agents, computed once per evaluation.
deprecated_agents contains id if {
	some id, agent in object.get(registry, "agents", {})
	object.get(agent, "status", "active") == "deprecated"
}

# The agents a step may select: the capability index when the registry has one,
# else the step's own `candidates`.
candidates(step) := object.get(
	registry,
	["index", "capabilities", step.select, "agents"],
	object.get(step, "candidates", []),
) if is_string(object.get(step, "select", null))

else := []

warn contains finding if {
	count(deprecated_agents) > 0
	some wf_id, wf in object.get(registry, "workflows", {})
	object.get(wf, "status", "active") != "retired"
	some name, step in object.get(wf, "steps", {})
	old := sort([a | some a in candidates(step); a in deprecated_agents])
	count(old) > 0
	finding := {
		"msg": sprintf(
			"retire or replace deprecated agent %s: step %v of workflow %s may select it",
			[concat(", ", old), name, wf_id],
		),
		"ref": sprintf("workflow.%s", [wf_id]),
		"attr": sprintf("steps.%v.select", [name]),
	}
}

test_deprecated_select_candidate_warns if {
	r := {
		"agents": {"old": {"status": "deprecated"}, "new": {}},
		"workflows": {"w": {"steps": {"s": {"select": "x", "candidates": ["new", "old"]}}}},
	}
	warn == {{
		"msg": "retire or replace deprecated agent old: step s of workflow w may select it",
		"ref": "workflow.w",
		"attr": "steps.s.select",
	}} with data.pmth.registry as r
}

test_candidates_come_from_the_capability_index if {
	r := {
		"agents": {"old": {"status": "deprecated"}},
		"index": {"capabilities": {"x": {"agents": ["old"], "tools": [], "models": []}}},
		"workflows": {"w": {"steps": {"s": {"select": "x"}}}},
	}
	count(warn) == 1 with data.pmth.registry as r
}

test_active_candidates_pass if {
	r := {"agents": {"a": {"status": "active"}}, "workflows": {"w": {"steps": {"s": {"select": "x", "candidates": ["a"]}}}}}
	count(warn) == 0 with data.pmth.registry as r
}

test_agent_steps_and_retired_workflows_are_ignored if {
	r := {
		"agents": {"old": {"status": "deprecated"}},
		"workflows": {
			"w": {"steps": {"s": {"agent": "old"}}},
			"gone": {"status": "retired", "steps": {"s": {"select": "x", "candidates": ["old"]}}},
		},
	}
	count(warn) == 0 with data.pmth.registry as r
}
