package pmth.registry   # expect: error PM0703

import rego.v1

deny contains "x" if { false }
