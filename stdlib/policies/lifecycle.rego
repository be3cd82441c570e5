# Deprecated things in use. Direct references to a deprecated declaration are
# already PM0106; this policy covers what no reference names: a workflow step
# whose `select` may pick a deprecated agent.
package pmth.std.lifecycle

import rego.v1

registry := data.pmth.registry

# The ids of the deprecated agents, computed once per evaluation.
deprecated_agents contains id if {
	some id, agent in object.get(registry, "agents", {})
	object.get(agent, "status", "active") == "deprecated"
}

warn contains finding if {
	count(deprecated_agents) > 0
	some wf_id, wf in registry.workflows
	object.get(wf, "status", "active") != "retired"
	some step_name, step in object.get(wf, "steps", {})
	old := sort([a | some a in object.get(step, "candidates", []); a in deprecated_agents])
	count(old) > 0
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
		"workflows": {"w": {"steps": {"s": {"select": "x", "candidates": ["new", "old"]}}}},
	}
	warn == {{
		"msg": "step s of workflow w may select deprecated agent old",
		"ref": "workflow.w",
		"attr": "steps.s.select",
	}} with data.pmth.registry as r
}

test_active_candidates_pass if {
	r := {"agents": {"a": {"status": "active"}}, "workflows": {"w": {"steps": {"s": {"candidates": ["a"]}}}}}
	count(warn) == 0 with data.pmth.registry as r
}
