# METADATA
# title: Wildcard permissions
# description: A tool whose `permissions` contain `*` or a name ending in `.*` is denied.
# custom:
#   severity: deny
#   rationale: >-
#     A wildcard grants every permission under it, including the ones added
#     later; least privilege means a tool lists exactly what it needs, so a
#     review can see it.
#   fires: >-
#     a non-retired tool with a permission `*`, or one ending in `.*` (`fs.*`,
#     `net.*`).
#   comply: >-
#     list the exact permissions the tool needs (`fs.read` instead of `fs.*`).
package pmth.std.permissions

import rego.v1

wildcard(p) if p == "*"

wildcard(p) if endswith(p, ".*")

deny contains finding if {
	some id, tool in data.pmth.registry.tools
	object.get(tool, "status", "active") != "retired"
	some i, p in object.get(tool, "permissions", [])
	is_string(p)
	wildcard(p)
	finding := {
		"msg": sprintf(
			"list the exact permissions tool %s needs instead of %s: a wildcard grants everything under it",
			[id, p],
		),
		"ref": sprintf("tool.%s", [id]),
		"attr": sprintf("permissions[%d]", [i]),
	}
}

test_a_wildcard_is_denied_at_its_element if {
	r := {"tools": {"fs": {"permissions": ["fs.read", "net.*"]}}}
	deny == {{
		"msg": "list the exact permissions tool fs needs instead of net.*: a wildcard grants everything under it",
		"ref": "tool.fs",
		"attr": "permissions[1]",
	}} with data.pmth.registry as r
}

test_a_bare_star_is_denied if {
	r := {"tools": {"t": {"permissions": ["*"]}}}
	count(deny) == 1 with data.pmth.registry as r
}

test_exact_permissions_pass if {
	r := {"tools": {"t": {"permissions": ["fs.read", "kb.*.read", "star*"]}, "u": {}}}
	count(deny) == 0 with data.pmth.registry as r
}

test_retired_tools_are_ignored if {
	r := {"tools": {"t": {"status": "retired", "permissions": ["*"]}}}
	count(deny) == 0 with data.pmth.registry as r
}
