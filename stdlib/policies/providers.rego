# METADATA
# title: Allowed model providers
# description: When `[governance.data] allowed_providers` is set, every model's `provider` must be in it.
# custom:
#   severity: deny
#   rationale: >-
#     Where prompts and data may be sent is a contract and compliance decision;
#     a model from an unreviewed provider sends them somewhere nobody agreed to.
#     Nothing is checked until the workspace lists its providers.
#   fires: >-
#     a non-retired model whose `provider` is not in `allowed_providers`, or an
#     `allowed_providers` that is not a list.
#   comply: >-
#     use a model from an allowed provider, or add the provider to
#     `[governance.data] allowed_providers` in pmth.toml once it is approved.
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
			"use a provider from allowed_providers (%s) for model %s, or approve %s: it is not in the list",
			[concat(", ", [sprintf("%v", [p]) | some p in allowed]), id, provider],
		),
		"ref": sprintf("model.%s", [id]),
		"attr": "provider",
	}
}

deny contains "make [governance.data] allowed_providers a list of provider names" if {
	allowed := data.pmth.config.allowed_providers
	not is_array(allowed)
}

test_unlisted_provider_is_denied if {
	r := {"models": {"m": {"provider": "acme"}, "ok": {"provider": "openai"}}}
	deny == {{
		"msg": "use a provider from allowed_providers (openai, anthropic) for model m, or approve acme: it is not in the list",
		"ref": "model.m",
		"attr": "provider",
	}} with data.pmth.registry as r
		with data.pmth.config as {"allowed_providers": ["openai", "anthropic"]}
}

test_no_list_allows_everything if {
	r := {"models": {"m": {"provider": "acme"}}}
	count(deny) == 0 with data.pmth.registry as r with data.pmth.config as {}
}

test_retired_models_are_ignored if {
	r := {"models": {"m": {"provider": "acme", "status": "retired"}}}
	count(deny) == 0 with data.pmth.registry as r with data.pmth.config as {"allowed_providers": []}
}

test_a_bad_list_is_reported if {
	some msg in deny with data.pmth.registry as {"models": {}}
		with data.pmth.config as {"allowed_providers": "openai"}
	contains(msg, "a list")
}
