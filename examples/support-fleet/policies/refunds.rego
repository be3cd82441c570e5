# Agents that can move money need a human in the loop, and refunds stay within
# the limit set in pmth.toml ([governance.data] max_refund_usd).
package pmth.support.refunds

import rego.v1

refund_tools contains id if {
	some id, tool in data.pmth.registry.tools
	"billing.refund" in tool.permissions
}

deny contains d if {
	some id, agent in data.pmth.registry.agents
	some tool_id in agent.tools
	tool_id in refund_tools
	not agent.governance.human_approval
	d := {
		"msg": sprintf("agent %s can issue refunds but does not require human approval", [id]),
		"ref": sprintf("agent.%s", [id]),
		"attr": "governance.human_approval",
	}
}

deny contains d if {
	some id in refund_tools
	limit := data.pmth.config.max_refund_usd
	allowed := data.pmth.registry.tools[id].input_schema.properties.amount_usd.maximum
	allowed > limit
	d := {
		"msg": sprintf("tool %s allows refunds up to %v USD; the limit is %v", [id, allowed, limit]),
		"ref": sprintf("tool.%s", [id]),
		"attr": "params",
	}
}
