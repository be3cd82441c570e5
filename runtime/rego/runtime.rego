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

# The rules read `input` itself (a missing field and a request that is not an
# object both leave `input.f` undefined) and name each field and action
# rather than iterate over tables of them: in regorus a lookup in a table rule
# or an iteration costs several microseconds, a field read or a failing
# comparison well under one, and every decision pays for what it evaluates.
req := input if {
	is_object(input)
} else := {}

# The request's fields, computed once.
fields := object.keys(req)

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

# The resolved ids of the request's id fields (an id as given, without a
# call, in the usual case).

agent_id := id if {
	id := input.agent
	is_object(registry.agents[id])
} else := resolve("agents", input.agent)

tool_id := id if {
	id := input.tool
	is_object(registry.tools[id])
} else := resolve("tools", input.tool)

model_id := id if {
	id := input.model
	is_object(registry.models[id])
} else := resolve("models", input.model)

service_id := id if {
	id := input.service
	is_object(registry.services[id])
} else := resolve("services", input.service)

to_id := id if {
	id := input.to
	is_object(registry.agents[id])
} else := resolve("agents", input.to)

workflow_id := id if {
	id := input.workflow
	is_object(registry.workflows[id])
} else := resolve("workflows", input.workflow)

agent := registry.agents[agent_id]

tool := registry.tools[tool_id]

wf_step := registry.workflows[workflow_id].steps[input.step]

# The request itself.

# (Through a helper, so that an absent input is denied too.)
deny contains "the request is not a JSON object" if not input_is_object

input_is_object if is_object(input)

deny contains "request field action is missing" if {
	is_object(input)
	not "action" in fields
}

deny contains sprintf("unknown action %s", [input.action]) if {
	is_string(input.action)
	not input.action in {"tool.call", "model.invoke", "service.call", "agent.delegate", "step.run"}
}

deny contains "request field action must be a string" if {
	not is_string(input.action)
	"action" in fields
}

deny contains "request field agent is missing" if {
	is_object(input)
	not "agent" in fields
}

# The fields each action needs besides `agent`.

deny contains "request field tool is missing" if {
	input.action == "tool.call"
	not "tool" in fields
}

deny contains "request field params is missing" if {
	input.action == "tool.call"
	not "params" in fields
}

deny contains "request field model is missing" if {
	input.action == "model.invoke"
	not "model" in fields
}

deny contains "request field service is missing" if {
	input.action == "service.call"
	not "service" in fields
}

deny contains "request field to is missing" if {
	input.action == "agent.delegate"
	not "to" in fields
}

deny contains "request field workflow is missing" if {
	input.action == "step.run"
	not "workflow" in fields
}

deny contains "request field step is missing" if {
	input.action == "step.run"
	not "step" in fields
}

# (`v := input.f` holds for a field that is present, null included.)

deny contains "request field agent must be a string" if {
	v := input.agent
	not is_string(v)
}

deny contains "request field tool must be a string" if {
	v := input.tool
	not is_string(v)
}

deny contains "request field model must be a string" if {
	v := input.model
	not is_string(v)
}

deny contains "request field service must be a string" if {
	v := input.service
	not is_string(v)
}

deny contains "request field to must be a string" if {
	v := input.to
	not is_string(v)
}

deny contains "request field workflow must be a string" if {
	v := input.workflow
	not is_string(v)
}

deny contains "request field step must be a string" if {
	v := input.step
	not is_string(v)
}

deny contains "request field approved must be true or false" if {
	v := input.approved
	not is_boolean(v)
}

# Unknown, retired and deprecated declarations.

deny contains sprintf("unknown agent %s", [input.agent]) if {
	is_string(input.agent)
	not agent_id
}

deny contains sprintf("unknown tool %s", [input.tool]) if {
	is_string(input.tool)
	not tool_id
}

deny contains sprintf("unknown model %s", [input.model]) if {
	is_string(input.model)
	not model_id
}

deny contains sprintf("unknown service %s", [input.service]) if {
	is_string(input.service)
	not service_id
}

deny contains sprintf("unknown agent %s", [input.to]) if {
	is_string(input.to)
	not to_id
}

deny contains sprintf("unknown workflow %s", [input.workflow]) if {
	is_string(input.workflow)
	not workflow_id
}

deny contains sprintf("workflow %s has no step %s", [workflow_id, input.step]) if {
	is_string(input.step)
	wf := registry.workflows[workflow_id]
	not wf.steps[input.step]
}

deny contains sprintf("agent %s is retired", [agent_id]) if agent.status == "retired"

notes contains sprintf("agent %s is deprecated", [agent_id]) if agent.status == "deprecated"

notes contains sprintf("tool %s is deprecated", [tool_id]) if {
	input.action == "tool.call"
	tool.status == "deprecated"
}

# tool.call

deny contains sprintf("agent %s may not call tool %s", [agent_id, id]) if {
	input.action == "tool.call"
	id := tool_id
	a := agent
	tool
	not id in object.get(a, "tools", [])
}

deny contains msg if {
	input.action == "tool.call"
	"params" in fields
	some msg in data.pmth.runtime.schema.errors(object.get(tool, "input_schema", {}), input.params, "params")
}

deny contains sprintf("tool %s is critical: it needs approval", [tool_id]) if {
	input.action == "tool.call"
	tool.risk == "critical"
	not input.approved == true
}

deny contains sprintf("step %s of workflow %s needs approval", [input.step, workflow_id]) if {
	input.action in {"tool.call", "step.run"}
	wf_step.approval == true
	not input.approved == true
}

# model.invoke

agent_models contains m if {
	some m in array.concat([object.get(agent, "model", "")], object.get(agent, "fallback_models", []))
	m != ""
}

deny contains sprintf("agent %s may not invoke model %s", [agent_id, id]) if {
	input.action == "model.invoke"
	agent
	id := model_id
	registry.models[id]
	not id in agent_models
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

deny contains sprintf("agent %s may not call service %s", [agent_id, id]) if {
	input.action == "service.call"
	agent
	id := service_id
	registry.services[id]
	not id in agent_services
}

# agent.delegate

deny contains sprintf("agent %s may not delegate to agent %s", [agent_id, id]) if {
	input.action == "agent.delegate"
	a := agent
	id := to_id
	registry.agents[id]
	not id in object.get(a, "delegates", [])
}

# step.run

deny contains sprintf("step %s of workflow %s runs agent %s, not %s", [input.step, workflow_id, step.agent, id]) if {
	input.action == "step.run"
	agent
	step := wf_step
	id := agent_id
	is_string(step.agent)
	step.agent != id
}

deny contains sprintf("agent %s is not a candidate for step %s of workflow %s (capability %s)", [id, input.step, workflow_id, step.select]) if {
	input.action == "step.run"
	agent
	step := wf_step
	id := agent_id
	is_string(step.select)
	not id in object.get(registry, ["index", "capabilities", step.select, "agents"], [])
}

deny contains sprintf("agent %s may not call tool %s of step %s of workflow %s", [agent_id, step.tool, input.step, workflow_id]) if {
	input.action == "step.run"
	a := agent
	step := wf_step
	is_string(step.tool)
	not step.tool in object.get(a, "tools", [])
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

obligations["governance"] := g if {
	g := agent.governance
	is_object(g)
}

obligations["agent_limits"] := l if {
	l := agent.limits
	is_object(l)
}

obligations["tool_limits"] := object.get(t, "limits", {}) if {
	input.action == "tool.call"
	t := tool
	is_object(t)
}

obligations["service"] := object.union({"id": id}, object.filter(service, ["rate_limit", "timeout"])) if {
	id := obligated_service
	service := registry.services[id]
}

# The service an action uses: the one called, or that of the tool or model.
obligated_service := service_id if input.action == "service.call"

obligated_service := tool.service if input.action == "tool.call"

obligated_service := registry.models[model_id].service if input.action == "model.invoke"
