# METADATA
# title: Insecure endpoints
# description: A service declared with `insecure = true` is flagged on every build.
# custom:
#   severity: warn
#   rationale: >-
#     `insecure = true` allows plain HTTP (PM0303 otherwise): credentials and
#     data cross the network in the clear. Allowed for a local or legacy
#     service, but it should stay visible in every build and in the bundle.
#   fires: a non-retired service with `insecure = true`.
#   comply: >-
#     serve the service over `https://` and remove `insecure = true`.
package pmth.std.endpoints

import rego.v1

warn contains finding if {
	some id, service in data.pmth.registry.services
	object.get(service, "status", "active") != "retired"
	object.get(service, "insecure", false) == true
	finding := {
		"msg": sprintf("serve service %s over https and drop insecure = true: it uses an insecure endpoint%s", [id, endpoint_text(service)]),
		"ref": sprintf("service.%s", [id]),
		"attr": "insecure",
	}
}

endpoint_text(service) := sprintf(" (%s)", [service.endpoint]) if is_string(object.get(service, "endpoint", null))

else := ""

test_insecure_service_warns if {
	r := {"services": {"legacy": {"insecure": true, "endpoint": "http://legacy.local"}}}
	warn == {{
		"msg": "serve service legacy over https and drop insecure = true: it uses an insecure endpoint (http://legacy.local)",
		"ref": "service.legacy",
		"attr": "insecure",
	}} with data.pmth.registry as r
}

test_an_insecure_service_without_endpoint_still_warns if {
	r := {"services": {"q": {"insecure": true}}}
	some f in warn with data.pmth.registry as r
	endswith(f.msg, "insecure endpoint")
}

test_secure_service_passes if {
	r := {"services": {"api": {"insecure": false, "endpoint": "https://api.example.com"}}}
	count(warn) == 0 with data.pmth.registry as r
}
