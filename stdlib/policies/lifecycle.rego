# Deprecated things in use. Direct references to a deprecated declaration are
# already PM0106; this policy covers what no reference names: a workflow step
# whose `select` may pick a deprecated agent. The candidates of a `select` are
# listed once per capability in the registry's index.
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
	some wf_id, wf in registry.workflows
	object.get(wf, "status", "active") != "retired"
	some step_name, step in object.get(wf, "steps", {})
	old := deprecated_candidates[step.select]
	name := object.get(step, "name", step_name)
	finding := {
		"msg": sprintf(
			"step %v of workflow %s may select deprecated agent %s",
			[name, wf_id, concat(", ", old)],
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
		"msg": "step s of workflow w may select deprecated agent old",
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
