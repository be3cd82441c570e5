package pmth.qa

import rego.v1

# attr absent -> on the header
deny contains {"msg": "not audited", "ref": "agent.a", "attr": "governance.audit"}

# list index
warn contains {"msg": "second tool", "ref": "agent.a", "attr": "tools[1]"}

# nested attribute present
warn contains {"msg": "steps", "ref": "agent.a", "attr": "limits.max_steps"}
