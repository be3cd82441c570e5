# METADATA
# title: Conversational agents need a content filter
# description: A `conversational` agent must set `governance.content_filter` to `standard` or `strict`.
# custom:
#   severity: warn
#   rationale: >-
#     A conversational agent talks to people: unfiltered inputs carry prompt
#     injection and unfiltered outputs carry whatever the model produces.
#   fires: >-
#     a non-retired agent with `kind = conversational` whose
#     `governance.content_filter` is `off` or not set.
#   comply: set `governance { content_filter = standard }` (or `strict`) on the agent.
package pmth.std.content_filter

import rego.v1

warn contains finding if {
	some id, agent in data.pmth.registry.agents
	object.get(agent, "kind", "") == "conversational"
	object.get(agent, ["governance", "content_filter"], "off") == "off"
	object.get(agent, "status", "active") != "retired"
	finding := {
		"msg": sprintf(
			"set governance.content_filter = standard or strict on conversational agent %s: it has no content filter",
			[id],
		),
		"ref": sprintf("agent.%s", [id]),
		"attr": "governance.content_filter",
	}
}

test_conversational_agent_without_filter_warns if {
	r := {"agents": {"chat": {"kind": "conversational"}}}
	some f in warn with data.pmth.registry as r
	f.ref == "agent.chat"
	f.attr == "governance.content_filter"
}

test_filter_off_warns if {
	r := {"agents": {"chat": {"kind": "conversational", "governance": {"content_filter": "off"}}}}
	count(warn) == 1 with data.pmth.registry as r
}

test_standard_filter_passes if {
	r := {"agents": {"chat": {"kind": "conversational", "governance": {"content_filter": "standard"}}}}
	count(warn) == 0 with data.pmth.registry as r
}

test_other_kinds_need_no_filter if {
	r := {"agents": {"batch": {"kind": "analytical"}}}
	count(warn) == 0 with data.pmth.registry as r
}

test_retired_agents_are_ignored if {
	r := {"agents": {"chat": {"kind": "conversational", "status": "retired"}}}
	count(warn) == 0 with data.pmth.registry as r
}
