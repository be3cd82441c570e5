package pmth.boom

import rego.v1

deny contains msg if {
	n := to_number("not a number")
	msg := sprintf("%v", [n])
}
# expect-anyline: error PM0703
