# A misspelt object.get path always yields the default: here the deny fires on
# every agent, however it is configured.
package pmth.qa

import rego.v1

deny contains {"msg": "needs approval", "ref": sprintf("agent.%s", [id])} if {
	some id, agent in data.pmth.registry.agents
	object.get(agent, ["governance", "human_aproval"], false) != true # expect: warning PM0704
}

warn contains id if {
	some id, agent in data.pmth.registry.agents
	object.get(agent, "limts", null) != null # expect: warning PM0704
}

warn contains id if {
	some id, tool in data.pmth.registry.tools
	object.get(tool, ["hints", "destructive"], false)
	object.get(tool, ["input_schema", "anything", "at", "all"], false)
}
