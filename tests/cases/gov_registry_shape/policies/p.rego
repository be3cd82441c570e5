package pmth.qa

import rego.v1

# each check fails loudly (deny without ref -> pmth.toml [governance] line)
deny contains "model reference not resolved to its id" if data.pmth.registry.agents.a.model != "swift@1.0.0"
deny contains "tool reference not resolved to its id" if data.pmth.registry.agents.a.tools != ["t@2.3.4"]
deny contains "duration not in ms" if data.pmth.registry.tools["t@2.3.4"].limits.timeout != 2000
deny contains "size not in bytes" if data.pmth.registry.tools["t@2.3.4"].limits.memory != 1024
deny contains "rate shape" if data.pmth.registry.tools["t@2.3.4"].limits.rate != {"count": 5, "window_ms": 60000}
deny contains "status default" if data.pmth.registry.agents.a.status != "active"
deny contains "no governance section expected" if data.pmth.registry.governance
deny contains "input.phase" if input.phase != "build"
deny contains "all eight maps" if count({k | some k in ["agents", "tools", "models", "workflows", "capabilities", "personas", "services", "templates"]; is_object(data.pmth.registry[k])}) != 8
deny contains "agent a missing" if not data.pmth.registry.agents.a
deny contains "tool t@2.3.4 missing" if not data.pmth.registry.tools["t@2.3.4"].limits.rate
deny contains "model id key" if not data.pmth.registry.models["swift@1.0.0"]
deny contains "capability keys" if not data.pmth.registry.capabilities["acme.search"]
deny contains "config is an object" if not is_object(object.get(data.pmth, "config", null))
