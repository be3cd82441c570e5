package pmth.qa

import rego.v1

p := data.pmth.registry.personas.child
a := data.pmth.registry.agents.inst

deny contains "persona missing" if not p
deny contains sprintf("traits not merged key by key: %v", [p.traits]) if p.traits != {"creativity": 0.4, "formality": 0.8, "empathy": 0.9}
deny contains "tone not replaced" if p.tone != "warm"
deny contains "list not replaced" if p.expertise != ["care"]
deny contains sprintf("status inherited: %v", [p.status]) if p.status != "active"
deny contains "doc inherited" if p.doc
deny contains "agent missing" if not a
deny contains sprintf("interpolation: %v", [a.description]) if a.description != "t=billing s=3 f=true r=0.5 lit=${topic}"
deny contains sprintf("block not merged: %v", [a.limits]) if a.limits != {"max_steps": 3, "budget_usd": 1.0, "timeout": 300000}
deny contains sprintf("labels not merged: %v", [a.labels]) if a.labels != {"a": "1", "b": "2"}
deny contains sprintf("origin: %v", [a.origin]) if a.origin.template != "desk"
deny contains sprintf("origin args: %v", [a.origin]) if a.origin.arguments.topic != "billing"
