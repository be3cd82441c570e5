# The test suite of pmth.runtime (`pmth policy test` runs it): every deny
# rule, the notes and the allow path, over a small registry.
package pmth.runtime_test

import rego.v1

schema := {
	"type": "object",
	"properties": {
		"order": {"type": "string", "pattern": "^A-[0-9]+$"},
		"amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
		"note": {"type": "string", "minLength": 2, "maxLength": 5},
		"tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2, "uniqueItems": true},
		"when": {"type": "string", "format": "date"},
		"kind": {"type": "string", "enum": ["a", "b"]},
		"extra": {"anyOf": [{"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": false}, {"type": "null"}]},
		"email": {"type": "string", "format": "email"},
	},
	"required": ["order", "amount"],
	"additionalProperties": false,
	"dependentRequired": {"note": ["kind"]},
}

fixture := {
	"agents": {
		"refunds@1.0.0": {"name": "refunds", "version": "1.0.0", "status": "retired", "tools": []},
		"refunds@1.1.0": {
			"name": "refunds", "version": "1.1.0", "status": "active",
			"tools": ["refund@1.0.0", "wipe"], "model": "llm@1.0.0", "fallback_models": ["small"],
			"services": ["crm"], "delegates": ["helper"],
			"governance": {"audit": true, "human_approval": true},
			"limits": {"max_steps": 8, "timeout": 60000},
		},
		"refunds@2.0.0": {"name": "refunds", "version": "2.0.0", "status": "retired", "tools": []},
		"helper": {"name": "helper", "status": "deprecated", "tools": []},
	},
	"tools": {
		"refund@1.0.0": {"name": "refund", "version": "1.0.0", "status": "active", "risk": "critical", "service": "payments@1.3.0", "input_schema": schema, "limits": {"timeout": 30000}},
		"wipe": {"name": "wipe", "status": "deprecated", "risk": "low", "input_schema": {"type": "object", "properties": {}, "additionalProperties": false}, "limits": {}},
		"other": {"name": "other", "status": "active", "risk": "low", "input_schema": {"type": "object"}},
	},
	"models": {
		"llm@1.0.0": {"name": "llm", "version": "1.0.0", "service": "llm_api"},
		"small": {"name": "small"},
		"big": {"name": "big"},
	},
	"services": {
		"payments@1.3.0": {"name": "payments", "version": "1.3.0", "rate_limit": {"count": 100, "window_ms": 1000}, "timeout": 5000},
		"crm": {"name": "crm"},
		"llm_api": {"name": "llm_api", "timeout": 1000},
		"mail": {"name": "mail"},
	},
	"workflows": {"w@1.0.0": {"name": "w", "version": "1.0.0", "steps": {
		"pay": {"tool": "refund@1.0.0", "approval": true},
		"think": {"agent": "refunds@1.1.0", "approval": false},
		"other": {"agent": "helper", "approval": false},
		"pick": {"select": "support", "approval": false},
		"tool": {"tool": "other", "approval": false},
	}}},
	"index": {"capabilities": {"support": {"agents": ["helper"], "tools": [], "models": []}}},
}

good := {"order": "A-1", "amount": 20}

call(params) := {"action": "tool.call", "agent": "refunds", "tool": "refund", "params": params, "approved": true}

decide(req) := d if {
	d := data.pmth.runtime.decision with data.pmth.registry as fixture with input as req
}

reasons(req) := decide(req).reasons

test_an_approved_valid_call_is_allowed_with_its_obligations if {
	d := decide(call(good))
	d.allow == true
	d.reasons == []
	d.obligations == {
		"governance": {"audit": true, "human_approval": true},
		"agent_limits": {"max_steps": 8, "timeout": 60000},
		"tool_limits": {"timeout": 30000},
		"service": {"id": "payments@1.3.0", "rate_limit": {"count": 100, "window_ms": 1000}, "timeout": 5000},
	}
}

test_a_bare_name_is_the_highest_non_retired_version if {
	d := decide({"action": "model.invoke", "agent": "refunds", "model": "llm"})
	d.allow
	d.obligations.service == {"id": "llm_api", "timeout": 1000}
}

test_a_request_that_is_not_an_object_is_denied if {
	reasons(["x"]) == ["the request is not a JSON object"]
}

test_a_missing_or_unknown_action_is_denied if {
	reasons({"agent": "refunds"}) == ["request field action is missing"]
	reasons({"agent": "refunds", "action": "fly"}) == ["unknown action fly"]
	reasons({"agent": "refunds", "action": 3}) == ["request field action must be a string"]
}

test_missing_and_mistyped_fields_are_denied if {
	reasons({"action": "tool.call"}) == ["request field agent is missing", "request field params is missing", "request field tool is missing"]
	reasons({"action": "step.run", "agent": "refunds", "workflow": "w", "step": 1}) == ["request field step must be a string"]
	"request field approved must be true or false" in reasons(object.union(call(good), {"approved": "yes"}))
}

test_unknown_declarations_are_denied if {
	reasons({"action": "tool.call", "agent": "nobody", "tool": "nothing", "params": {}}) == ["unknown agent nobody", "unknown tool nothing"]
	reasons({"action": "model.invoke", "agent": "refunds", "model": "gpt"}) == ["unknown model gpt"]
	reasons({"action": "service.call", "agent": "refunds", "service": "x"}) == ["unknown service x"]
	reasons({"action": "step.run", "agent": "refunds", "workflow": "v", "step": "s"}) == ["unknown workflow v"]
	reasons({"action": "step.run", "agent": "refunds", "workflow": "w", "step": "s"}) == ["workflow w@1.0.0 has no step s"]
}

test_a_retired_agent_is_denied if {
	reasons({"action": "model.invoke", "agent": "refunds@1.0.0", "model": "llm"}) == ["agent refunds@1.0.0 is retired", "agent refunds@1.0.0 may not invoke model llm@1.0.0"]
}

test_deprecated_agents_and_tools_are_allowed_with_a_reason if {
	d := decide({"action": "tool.call", "agent": "refunds", "tool": "wipe", "params": {}})
	d.allow
	d.reasons == ["tool wipe is deprecated"]
	e := decide({"action": "step.run", "agent": "helper", "workflow": "w", "step": "other"})
	e.allow
	e.reasons == ["agent helper is deprecated"]
}

test_a_tool_the_agent_does_not_have_is_denied if {
	reasons({"action": "tool.call", "agent": "refunds", "tool": "other", "params": {}}) == ["agent refunds@1.1.0 may not call tool other"]
}

test_a_critical_tool_needs_approval if {
	reasons(object.remove(call(good), ["approved"])) == ["tool refund@1.0.0 is critical: it needs approval"]
}

test_a_step_with_approval_needs_it if {
	req := {"action": "tool.call", "agent": "refunds", "tool": "wipe", "params": {}, "workflow": "w", "step": "pay"}
	reasons(req) == ["step pay of workflow w@1.0.0 needs approval", "tool wipe is deprecated"]
	decide(object.union(req, {"approved": true})).allow
}

test_params_are_validated_with_each_failing_path_named if {
	bad := {"order": "B", "amount": 0, "note": "x", "tags": ["a", "a", 3], "when": "2023-02-30", "zz": 1, "extra": {"n": 1.5}, "email": "nope"}
	reasons(call(bad)) == [
		"params.amount: must be greater than 0",
		"params.email: is not a valid email",
		"params.extra: matches none of the allowed types",
		"params.note: must be at least 2 characters long",
		"params.order: does not match the pattern ^A-[0-9]+$",
		"params.tags: items must be unique",
		"params.tags: must have at most 2 items",
		"params.tags[2]: expected string, got integer",
		"params.when: is not a valid date",
		"params: property note requires property kind",
		"params: unexpected property zz",
	]
	reasons(call({"amount": 101, "kind": "c"})) == [
		"params.amount: must be at most 100",
		"params.kind: must be one of a, b",
		"params: missing required property order",
	]
	reasons(call("x")) == ["params: expected object, got string"]
}

test_valid_params_of_every_kind_pass if {
	p := {"order": "A-9", "amount": 100, "note": "hey", "kind": "a", "tags": ["x"], "when": "2024-02-29", "extra": null, "email": "a@b.io"}
	decide(call(p)).allow
	decide(call(object.union(good, {"extra": {"n": 2}}))).allow
}

test_deep_params_are_refused_not_validated if {
	s := {"type": "array", "items": {"type": "array", "items": {"type": "array", "items": {"type": "array", "items": {"type": "array", "items": {"type": "array", "items": {"type": "array", "items": {"type": "array", "items": {"type": "array", "items": {"type": "array"}}}}}}}}}}
	errs := data.pmth.runtime.schema.errors(s, [[[[[[[[[[]]]]]]]]]], "params")
	errs == {"params[0][0][0][0][0][0][0][0]: nested too deeply to validate"}
}

test_a_model_not_the_agents_is_denied if {
	decide({"action": "model.invoke", "agent": "refunds", "model": "small"}).allow
	reasons({"action": "model.invoke", "agent": "refunds", "model": "big"}) == ["agent refunds@1.1.0 may not invoke model big"]
}

test_a_service_the_agent_does_not_use_is_denied if {
	decide({"action": "service.call", "agent": "refunds", "service": "crm"}).allow
	decide({"action": "service.call", "agent": "refunds", "service": "payments"}).allow
	decide({"action": "service.call", "agent": "refunds", "service": "llm_api"}).allow
	reasons({"action": "service.call", "agent": "refunds", "service": "mail"}) == ["agent refunds@1.1.0 may not call service mail"]
}

test_delegation_outside_delegates_is_denied if {
	decide({"action": "agent.delegate", "agent": "refunds", "to": "helper"}).allow
	reasons({"action": "agent.delegate", "agent": "helper", "to": "refunds"}) == ["agent helper is deprecated", "agent helper may not delegate to agent refunds@1.1.0"]
}

test_a_step_run_by_another_agent_is_denied if {
	decide({"action": "step.run", "agent": "refunds", "workflow": "w", "step": "think"}).allow
	reasons({"action": "step.run", "agent": "refunds", "workflow": "w", "step": "other"}) == ["step other of workflow w@1.0.0 runs agent helper, not refunds@1.1.0"]
}

test_a_select_step_needs_a_candidate if {
	decide({"action": "step.run", "agent": "helper", "workflow": "w", "step": "pick"}).allow
	reasons({"action": "step.run", "agent": "refunds", "workflow": "w", "step": "pick"}) == ["agent refunds@1.1.0 is not a candidate for step pick of workflow w@1.0.0 (capability support)"]
}

test_a_tool_step_needs_the_tool if {
	reasons({"action": "step.run", "agent": "refunds", "workflow": "w", "step": "tool"}) == ["agent refunds@1.1.0 may not call tool other of step tool of workflow w@1.0.0"]
}

test_workspace_runtime_rules_are_collected if {
	d := data.pmth.runtime.decision with data.pmth.registry as fixture
		with input as call(good)
		with data.pmth.runtime.ext.acme.deny as {"no refunds on fridays", {"msg": "as an object"}, 7}
	d.allow == false
	d.reasons == ["as an object", "no refunds on fridays", "runtime rule pmth.runtime.ext.acme denied the request"]
}
