package pmth.qa

import rego.v1

deny contains {"msg": sprintf("tool %s risk %s is banned", [id, t.risk]), "ref": sprintf("tool.%s", [id]), "attr": "risk_level"} if {
	some id, t in data.pmth.registry.tools
	t.risk in data.pmth.config.banned_risks
	input.phase == "build"
}
