package pmth.good

import rego.v1

warn contains {"msg": "still runs", "ref": "tool.kb"}
