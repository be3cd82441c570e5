# METADATA
# title: Runtime authorization
# description: >-
#   Whether one action of a running agent is allowed, with every reason and what
#   the runtime must enforce (BUNDLE.md §5). `input` is the request; the answer
#   is `data.pmth.runtime.decision`. Shipped in every OPA bundle; evaluated by
#   `pmth authorize`, the pmth-runtime crate and OPA alike.
package pmth.runtime

import rego.v1

registry := data.pmth.registry

# The fields each action needs besides `agent`.
actions := {
	"tool.call": ["tool", "params"],
	"model.invoke": ["model"],
	"service.call": ["service"],
	"agent.delegate": ["to"],
	"step.run": ["workflow", "step"],
}

# The id fields of a request, and the registry map each names.
id_fields := {
	"agent": "agents",
	"tool": "tools",
	"model": "models",
	"service": "services",
	"to": "agents",
	"workflow": "workflows",
}

# The words used in reasons for each map.
kind_word := {
	"agents": "agent",
	"tools": "tool",
	"models": "model",
	"services": "service",
	"workflows": "workflow",
}

req := input if {
	is_object(input)
} else := {}

action := req.action

approved if req.approved == true

# The answer.

decision := {
	"allow": count(deny) == 0,
	"reasons": sort(deny | notes),
	"obligations": obligations,
}

# A bare name means its highest non-retired version.

resolve(kind, ref) := ref if {
	is_string(ref)
	is_object(registry[kind][ref])
} else := id if {
	is_string(ref)
	not contains(ref, "@")
	versions := {i: d.version |
		some i, d in registry[kind]
		d.name == ref
		is_string(d.version)
		object.get(d, "status", "active") != "retired"
	}
	some id, v in versions
	every _, other in versions {
		semver.compare(other, v) <= 0
	}
}

# The resolved ids of the request's id fields.
ids[field] := id if {
	some field, kind in id_fields
	id := resolve(kind, req[field])
}

agent := registry.agents[ids.agent]

tool := registry.tools[ids.tool]

wf_step := registry.workflows[ids.workflow].steps[req.step]

# The request itself.

# (Through a helper, so that an absent input is denied too.)
deny contains "the request is not a JSON object" if not input_is_object

input_is_object if is_object(input)

deny contains "request field action is missing" if {
	is_object(input)
	not "action" in object.keys(req)
}

deny contains sprintf("unknown action %s", [action]) if {
	is_string(action)
	not actions[action]
}

deny contains "request field action must be a string" if {
	"action" in object.keys(req)
	not is_string(action)
}

needed contains "agent" if is_object(input)

needed contains field if some field in actions[action]

deny contains sprintf("request field %s is missing", [field]) if {
	some field in needed
	not field in object.keys(req)
}

deny contains sprintf("request field %s must be a string", [field]) if {
	some field in object.keys(id_fields) | {"step"}
	field in object.keys(req)
	not is_string(req[field])
}

deny contains "request field approved must be true or false" if {
	"approved" in object.keys(req)
	not is_boolean(req.approved)
}

# Unknown, retired and deprecated declarations.

deny contains sprintf("unknown %s %s", [kind_word[kind], req[field]]) if {
	some field, kind in id_fields
	is_string(req[field])
	not ids[field]
}

deny contains sprintf("workflow %s has no step %s", [ids.workflow, req.step]) if {
	is_string(req.step)
	registry.workflows[ids.workflow]
	not wf_step
}

deny contains sprintf("agent %s is retired", [ids.agent]) if agent.status == "retired"

notes contains sprintf("agent %s is deprecated", [ids.agent]) if agent.status == "deprecated"

notes contains sprintf("tool %s is deprecated", [ids.tool]) if {
	action == "tool.call"
	tool.status == "deprecated"
}

# tool.call

deny contains sprintf("agent %s may not call tool %s", [ids.agent, ids.tool]) if {
	action == "tool.call"
	agent
	tool
	not ids.tool in object.get(agent, "tools", [])
}

deny contains msg if {
	action == "tool.call"
	"params" in object.keys(req)
	some msg in data.pmth.runtime.schema.errors(object.get(tool, "input_schema", {}), req.params, "params")
}

deny contains sprintf("tool %s is critical: it needs approval", [ids.tool]) if {
	action == "tool.call"
	tool.risk == "critical"
	not approved
}

deny contains sprintf("step %s of workflow %s needs approval", [req.step, ids.workflow]) if {
	action in {"tool.call", "step.run"}
	wf_step.approval == true
	not approved
}

# model.invoke

agent_models contains m if {
	some m in array.concat([object.get(agent, "model", "")], object.get(agent, "fallback_models", []))
	m != ""
}

deny contains sprintf("agent %s may not invoke model %s", [ids.agent, ids.model]) if {
	action == "model.invoke"
	agent
	registry.models[ids.model]
	not ids.model in agent_models
}

# service.call

agent_services contains s if some s in object.get(agent, "services", [])

agent_services contains s if {
	some t in object.get(agent, "tools", [])
	s := registry.tools[t].service
}

agent_services contains s if {
	some m in agent_models
	s := registry.models[m].service
}

deny contains sprintf("agent %s may not call service %s", [ids.agent, ids.service]) if {
	action == "service.call"
	agent
	registry.services[ids.service]
	not ids.service in agent_services
}

# agent.delegate

deny contains sprintf("agent %s may not delegate to agent %s", [ids.agent, ids.to]) if {
	action == "agent.delegate"
	agent
	registry.agents[ids.to]
	not ids.to in object.get(agent, "delegates", [])
}

# step.run

deny contains sprintf("step %s of workflow %s runs agent %s, not %s", [req.step, ids.workflow, wf_step.agent, ids.agent]) if {
	action == "step.run"
	agent
	is_string(wf_step.agent)
	wf_step.agent != ids.agent
}

deny contains sprintf("agent %s is not a candidate for step %s of workflow %s (capability %s)", [ids.agent, req.step, ids.workflow, wf_step.select]) if {
	action == "step.run"
	agent
	is_string(wf_step.select)
	not ids.agent in object.get(registry, ["index", "capabilities", wf_step.select, "agents"], [])
}

deny contains sprintf("agent %s may not call tool %s of step %s of workflow %s", [ids.agent, wf_step.tool, req.step, ids.workflow]) if {
	action == "step.run"
	agent
	is_string(wf_step.tool)
	not wf_step.tool in object.get(agent, "tools", [])
}

# Workspace runtime rules: `deny` of every package `pmth.runtime.ext.NAME`.

deny contains msg if {
	some name
	some entry in data.pmth.runtime.ext[name].deny
	msg := ext_message(name, entry)
}

ext_message(name, entry) := entry if {
	is_string(entry)
} else := entry.msg if {
	is_string(entry.msg)
} else := sprintf("runtime rule pmth.runtime.ext.%s denied the request", [name])

# What the runtime must enforce, each when it applies, encoded as in the registry.

obligations["governance"] := agent.governance if is_object(agent.governance)

obligations["agent_limits"] := agent.limits if is_object(agent.limits)

obligations["tool_limits"] := object.get(tool, "limits", {}) if {
	action == "tool.call"
	is_object(tool)
}

obligations["service"] := object.union({"id": id}, object.filter(service, ["rate_limit", "timeout"])) if {
	id := obligated_service
	service := registry.services[id]
}

# The service an action uses: the one called, or that of the tool or model.
obligated_service := ids.service if action == "service.call"

obligated_service := tool.service if action == "tool.call"

obligated_service := registry.models[ids.model].service if action == "model.invoke"
