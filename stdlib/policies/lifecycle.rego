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

# Per selected capability, its deprecated candidates (sorted), computed once
# however many steps select it.
deprecated_candidates[cap] := old if {
	count(deprecated_agents) > 0
	some cap, entry in object.get(object.get(registry, "index", {}), "capabilities", {})
	old := sort([a | some a in object.get(entry, "agents", []); a in deprecated_agents])
	count(old) > 0
}

warn contains finding if {
	count(deprecated_agents) > 0
	some wf_id, wf in object.get(registry, "workflows", {})
	object.get(wf, "status", "active") != "retired"
	some name, step in object.get(wf, "steps", {})
	old := deprecated_candidates[step.select]
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
		"workflows": {"w": {"steps": {"s": {"select": "x"}}}},
		"index": {"capabilities": {"x": {"agents": ["new", "old"], "tools": [], "models": []}}},
	}
	warn == {{
		"msg": "retire or replace deprecated agent old: step s of workflow w may select it",
		"ref": "workflow.w",
		"attr": "steps.s.select",
	}} with data.pmth.registry as r
}

test_every_deprecated_candidate_is_named_once_per_step if {
	r := {
		"agents": {"b": {"status": "deprecated"}, "a": {"status": "deprecated"}, "c": {}},
		"workflows": {"w": {"steps": {"s": {"select": "x.y"}, "t": {"select": "x.y"}, "u": {"agent": "a"}}}},
		"index": {"capabilities": {
			"x": {"agents": ["a", "b", "c"], "tools": [], "models": []},
			"x.y": {"agents": ["a", "b"], "tools": [], "models": []},
		}},
	}
	count(warn) == 2 with data.pmth.registry as r
	every f in warn {
		contains(f.msg, "deprecated agent a, b")
	} with data.pmth.registry as r
}

test_active_candidates_pass if {
	r := {
		"agents": {"a": {"status": "active"}},
		"workflows": {"w": {"steps": {"s": {"select": "x"}}}},
		"index": {"capabilities": {"x": {"agents": ["a"], "tools": [], "models": []}}},
	}
	count(warn) == 0 with data.pmth.registry as r
}

test_retired_workflows_and_missing_index_pass if {
	r := {
		"agents": {"old": {"status": "deprecated"}},
		"workflows": {
			"w": {"status": "retired", "steps": {"s": {"select": "x"}}},
			"v": {"steps": {"s": {"select": "y"}}},
		},
		"index": {"capabilities": {"x": {"agents": ["old"], "tools": [], "models": []}}},
	}
	count(warn) == 0 with data.pmth.registry as r
}
