package pmth.qa

import rego.v1

registry := data.pmth.registry

deny contains msg if {
	some id, agent in data.pmth.registry.agents
	agent.governance.audti == false # expect: warning PM0704
	msg := id
}

deny contains msg if {
	t := data.pmth.registry.tools[id]
	t.params # expect: warning PM0704
	msg := id
}

warn contains id if {
	some id, w in registry.workflows
	some step in w.steps
	step.aproval # expect: warning PM0704
}

warn contains "no agents" if count(data.pmth.registry.agent) == 0 # expect: warning PM0704

unaudited := [id |
	some id, a in data.pmth.registry.agents
	a.limits.budget == 0 # expect: warning PM0704
]

provider_of(agent) := agent.model.provider # expect: warning PM0704

warn contains p if {
	some agent in data.pmth.registry.agents
	p := provider_of(agent)
}

warn contains "every model is dear" if {
	every m in data.pmth.registry.models {
		m.cost.inptu > 1 # expect: warning PM0704
	}
}
