# Every read below is a path the registry has: no PM0704, and no finding.
package pmth.qa

import rego.v1

import data.pmth.registry

deny contains msg if {
	some id, agent in registry.agents
	agent.governance.audit != true
	m := registry.models[agent.model]
	m.cost.input > 0
	msg := sprintf("agent %s", [id])
}

deny contains msg if {
	some id, t in data.pmth.registry.tools
	t.input_schema.properties.q.type != "string"
	msg := id
}

deny contains msg if {
	some wid, w in data.pmth.registry.workflows
	some name, step in w.steps
	object.get(step, ["retry", "attempts"], 1) > 5
	count(w.order) == 0
	object.get(data.pmth.registry, ["index", "capabilities"], {})
	msg := sprintf("%s %s", [wid, name])
}

deny contains msg if {
	some a in data.pmth.registry.agents
	owner := object.get(a, ["labels", "owner"], "")
	owner == ""
	msg := a.name
}
