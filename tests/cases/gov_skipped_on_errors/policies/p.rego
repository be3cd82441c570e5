package pmth.qa

import rego.v1

deny contains {"msg": "always", "ref": "tool.kb"}
warn contains {"msg": "always", "ref": "tool.kb"}
