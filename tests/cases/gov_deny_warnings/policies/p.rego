package pmth.qa

import rego.v1

warn contains {"msg": "promoted", "ref": "tool.kb"}
