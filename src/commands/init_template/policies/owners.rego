# A workspace policy: every agent names the team that owns it.
package pmth.local.owners

import rego.v1

deny contains d if {
	some id, agent in data.pmth.registry.agents
	not agent.labels.owner
	d := {"msg": sprintf("agent %s has no `owner` label", [id]), "ref": sprintf("agent.%s", [id])}
}
