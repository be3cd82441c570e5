package pmth.qa

import rego.v1

warn contains {"msg": "index out of range", "ref": "agent.a", "attr": "tools[5]"}
warn contains {"msg": "label", "ref": "agent.a", "attr": "labels.owner"}
