# METADATA
# title: Unbounded spend
# description: An agent whose model has a price must bound its spend with `limits.budget_usd` or `limits.max_steps`.
# custom:
#   severity: warn
#   rationale: >-
#     An agent on a paid model with neither a budget nor a step limit can loop
#     and spend without end. Either limit bounds it; an agent on a model with no
#     declared `cost` is not flagged, since nothing says it costs anything.
#   fires: >-
#     a non-retired agent with neither `limits.budget_usd` nor
#     `limits.max_steps` whose `model` declares a `cost`.
#   comply: >-
#     set `limits { budget_usd = … }` or `limits { max_steps = … }` on the
#     agent.
package pmth.std.budget

import rego.v1

# The ids of the models that declare a price.
priced_models contains id if {
	some id, model in data.pmth.registry.models
	is_object(object.get(model, "cost", null))
}

warn contains finding if {
	count(priced_models) > 0
	some id, agent in data.pmth.registry.agents
	object.get(agent, "status", "active") != "retired"
	model := object.get(agent, "model", "")
	model in priced_models
	not is_number(object.get(agent, ["limits", "budget_usd"], null))
	not is_number(object.get(agent, ["limits", "max_steps"], null))
	finding := {
		"msg": sprintf(
			"set limits.budget_usd or limits.max_steps on agent %s: it runs on priced model %s and nothing bounds its spend",
			[id, model],
		),
		"ref": sprintf("agent.%s", [id]),
		"attr": "limits",
	}
}

priced := {"m": {"cost": {"input": 1, "output": 2}}, "free": {}}

test_unbounded_agent_on_a_priced_model_warns if {
	warn == {{
		"msg": "set limits.budget_usd or limits.max_steps on agent a: it runs on priced model m and nothing bounds its spend",
		"ref": "agent.a",
		"attr": "limits",
	}} with data.pmth.registry as {"agents": {"a": {"model": "m", "limits": {"timeout": 1000}}}, "models": priced}
}

test_a_budget_bounds_spend if {
	r := {"agents": {"a": {"model": "m", "limits": {"budget_usd": 2.5}}}, "models": priced}
	count(warn) == 0 with data.pmth.registry as r
}

test_a_step_limit_bounds_spend if {
	r := {"agents": {"a": {"model": "m", "limits": {"max_steps": 5}}}, "models": priced}
	count(warn) == 0 with data.pmth.registry as r
}

test_a_model_without_a_price_is_not_flagged if {
	r := {"agents": {"a": {"model": "free"}}, "models": priced}
	count(warn) == 0 with data.pmth.registry as r
}

test_agents_without_a_model_and_retired_agents_are_ignored if {
	r := {"agents": {"remote": {}, "old": {"model": "m", "status": "retired"}}, "models": priced}
	count(warn) == 0 with data.pmth.registry as r
}
