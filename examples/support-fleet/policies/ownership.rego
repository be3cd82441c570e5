# Every agent names the team that answers for it.
package pmth.support.ownership

import rego.v1

deny contains d if {
	some id, agent in data.pmth.registry.agents
	not agent.labels.team
	d := {
		"msg": sprintf("agent %s has no `team` label", [id]),
		"ref": sprintf("agent.%s", [id]),
		"attr": "labels",
	}
}
