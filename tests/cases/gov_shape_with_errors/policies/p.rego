# The shape check needs no registry: it runs even when governance is skipped.
package pmth.qa

import rego.v1

deny contains id if {
	some id, tool in data.pmth.registry.tools
	tool.rsk == "high" # expect: warning PM0704
}
