package pmth.qa

import rego.v1

deny contains "a plain string finding"

warn contains {"msg": "object without ref"}

deny contains {"msg": "ref to nothing", "ref": "agent.ghost"}
