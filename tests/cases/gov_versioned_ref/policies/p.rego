package pmth.qa

import rego.v1

deny contains {"msg": sprintf("agent %s", [id]), "ref": sprintf("agent.%s", [id])} if {
	some id, _ in data.pmth.registry.agents
}
