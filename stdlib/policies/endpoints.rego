# Insecure endpoints: a service declared with `insecure = true` talks plain
# HTTP (or skips TLS checks); allowed, but flagged on every build.
package pmth.std.endpoints

import rego.v1

warn contains finding if {
	some id, service in data.pmth.registry.services
	object.get(service, "status", "active") != "retired"
	object.get(service, "insecure", false) == true
	finding := {
		"msg": sprintf("service %s uses an insecure endpoint%s", [id, endpoint_text(service)]),
		"ref": sprintf("service.%s", [id]),
		"attr": "insecure",
	}
}

endpoint_text(service) := sprintf(" (%s)", [service.endpoint]) if is_string(service.endpoint)

else := ""

test_insecure_service_warns if {
	r := {"services": {"legacy": {"insecure": true, "endpoint": "http://legacy.local"}}}
	warn == {{
		"msg": "service legacy uses an insecure endpoint (http://legacy.local)",
		"ref": "service.legacy",
		"attr": "insecure",
	}} with data.pmth.registry as r
}

test_secure_service_passes if {
	r := {"services": {"api": {"insecure": false, "endpoint": "https://api.example.com"}}}
	count(warn) == 0 with data.pmth.registry as r
}
