# Model providers: when `[governance.data] allowed_providers` is set, every
# model's `provider` must be in it.
package pmth.std.providers

import rego.v1

deny contains finding if {
	allowed := data.pmth.config.allowed_providers
	is_array(allowed)
	some id, model in data.pmth.registry.models
	object.get(model, "status", "active") != "retired"
	provider := object.get(model, "provider", "")
	not provider in allowed
	finding := {
		"msg": sprintf(
			"model %s uses provider %s, which is not in allowed_providers (%s)",
			[id, provider, concat(", ", [sprintf("%v", [p]) | some p in allowed])],
		),
		"ref": sprintf("model.%s", [id]),
		"attr": "provider",
	}
}

deny contains "[governance.data] allowed_providers must be a list of provider names" if {
	allowed := data.pmth.config.allowed_providers
	not is_array(allowed)
}

test_unlisted_provider_is_denied if {
	r := {"models": {"m": {"provider": "acme"}, "ok": {"provider": "openai"}}}
	deny == {{
		"msg": "model m uses provider acme, which is not in allowed_providers (openai, anthropic)",
		"ref": "model.m",
		"attr": "provider",
	}} with data.pmth.registry as r
		with data.pmth.config as {"allowed_providers": ["openai", "anthropic"]}
}

test_no_list_allows_everything if {
	r := {"models": {"m": {"provider": "acme"}}}
	count(deny) == 0 with data.pmth.registry as r with data.pmth.config as {}
}

test_a_bad_list_is_reported if {
	some msg in deny with data.pmth.registry as {"models": {}}
		with data.pmth.config as {"allowed_providers": "openai"}
	contains(msg, "must be a list")
}
