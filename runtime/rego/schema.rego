# JSON Schema validation in Rego, over the subset pmth emits for tool params
# (BUNDLE.md §1, §5): type (one or a list), enum, minimum/maximum and their
# exclusive forms, minLength/maxLength, pattern, format, items, minItems/
# maxItems, uniqueItems, properties, required, additionalProperties (false or a
# schema), minProperties/maxProperties, dependentRequired and anyOf. Written
# here rather than taken from a built-in validator so that OPA and regorus give
# the same reasons, word for word.
#
# `errors(schema, value, path)` is the set of reasons, each starting with the
# failing path (`params.items[2].sku: expected string, got number`). Rego has no
# recursion, so nesting is unrolled: `v0` validates a value and hands its
# children (and anyOf branches) to `v1`, and so on down to `v8`, which reports a
# value nested deeper still instead of validating it.
package pmth.runtime.schema

import rego.v1

errors(s, x, p) := v0(s, x, p)

# Checks of one value against one schema, its children aside.

node(s, x, p) := ((((type_errors(s, x, p) | enum_errors(s, x, p)) | number_errors(s, x, p)) | string_errors(s, x, p)) | array_errors(s, x, p)) | object_errors(s, x, p)

types(s) := [s.type] if {
	is_string(s.type)
} else := s.type if {
	is_array(s.type)
}

has_type(t, x) if {
	t == "string"
	is_string(x)
}

has_type(t, x) if {
	t == "number"
	is_number(x)
}

has_type(t, x) if {
	t == "integer"
	is_number(x)
	floor(x) == x
}

has_type(t, x) if {
	t == "boolean"
	is_boolean(x)
}

has_type(t, x) if {
	t == "null"
	is_null(x)
}

has_type(t, x) if {
	t == "array"
	is_array(x)
}

has_type(t, x) if {
	t == "object"
	is_object(x)
}

type_errors(s, x, p) := {msg |
	ts := types(s)
	count([t | some t in ts; has_type(t, x)]) == 0
	msg := sprintf("%s: expected %s, got %s", [p, concat(" or ", ts), json_type(x)])
}

json_type(x) := "integer" if {
	is_number(x)
	floor(x) == x
} else := type_name(x)

enum_errors(s, x, p) := {msg |
	is_array(s.enum)
	not x in s.enum
	msg := sprintf("%s: must be one of %s", [p, concat(", ", [show(v) | some v in s.enum])])
}

show(v) := v if {
	is_string(v)
} else := sprintf("%v", [v])

number_errors(s, x, p) := {msg |
	is_number(x)
	some kw, bound in s
	is_number(bound)
	msg := number_violation(kw, bound, x, p)
}

number_violation(kw, b, x, p) := sprintf("%s: must be at least %v", [p, b]) if {
	kw == "minimum"
	x < b
}

number_violation(kw, b, x, p) := sprintf("%s: must be at most %v", [p, b]) if {
	kw == "maximum"
	x > b
}

number_violation(kw, b, x, p) := sprintf("%s: must be greater than %v", [p, b]) if {
	kw == "exclusiveMinimum"
	x <= b
}

number_violation(kw, b, x, p) := sprintf("%s: must be less than %v", [p, b]) if {
	kw == "exclusiveMaximum"
	x >= b
}

string_errors(s, x, p) := {msg |
	is_string(x)
	some kw, arg in s
	msg := string_violation(kw, arg, x, p)
}

string_violation(kw, n, x, p) := sprintf("%s: must be at least %d characters long", [p, n]) if {
	kw == "minLength"
	count(x) < n
}

string_violation(kw, n, x, p) := sprintf("%s: must be at most %d characters long", [p, n]) if {
	kw == "maxLength"
	count(x) > n
}

string_violation(kw, re, x, p) := sprintf("%s: does not match the pattern %s", [p, re]) if {
	kw == "pattern"
	is_string(re)
	not regex.match(re, x)
}

string_violation(kw, f, x, p) := sprintf("%s: is not a valid %s", [p, f]) if {
	kw == "format"
	is_string(f)
	not format_ok(f, x)
}

array_errors(s, x, p) := {msg |
	is_array(x)
	some kw, arg in s
	msg := array_violation(kw, arg, x, p)
}

array_violation(kw, n, x, p) := sprintf("%s: must have at least %d items", [p, n]) if {
	kw == "minItems"
	count(x) < n
}

array_violation(kw, n, x, p) := sprintf("%s: must have at most %d items", [p, n]) if {
	kw == "maxItems"
	count(x) > n
}

array_violation(kw, u, x, p) := sprintf("%s: items must be unique", [p]) if {
	kw == "uniqueItems"
	u == true
	count({v | some v in x}) < count(x)
}

object_errors(s, x, p) := {msg |
	is_object(x)
	some msg in object_violations(s, x, p)
}

object_violations(s, x, p) := ((missing | unexpected) | sizes) | dependent if {
	missing := {sprintf("%s: missing required property %s", [p, k]) |
		some k in object.get(s, "required", [])
		not k in object.keys(x)
	}
	unexpected := {sprintf("%s: unexpected property %s", [p, k]) |
		object.get(s, "additionalProperties", true) == false
		some k, _ in x
		not k in object.keys(object.get(s, "properties", {}))
	}
	sizes := {msg |
		some kw, n in s
		msg := size_violation(kw, n, x, p)
	}
	dependent := {sprintf("%s: property %s requires property %s", [p, k, d]) |
		some k, deps in object.get(s, "dependentRequired", {})
		k in object.keys(x)
		some d in deps
		not d in object.keys(x)
	}
}

size_violation(kw, n, x, p) := sprintf("%s: must have at least %d properties", [p, n]) if {
	kw == "minProperties"
	count(x) < n
}

size_violation(kw, n, x, p) := sprintf("%s: must have at most %d properties", [p, n]) if {
	kw == "maxProperties"
	count(x) > n
}

# Formats, asserted (the compiler's validator asserts them too). Regular
# expressions only: they mean the same in Go's RE2 and Rust's regex.

format_ok(f, x) if {
	not f in known_formats
}

format_ok(f, x) if {
	f == "email"
	regex.match(`^[^@\s]+@[^@\s]+\.[^@\s]+$`, x)
}

format_ok(f, x) if {
	f == "uri"
	regex.match(`^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$`, x)
}

format_ok(f, x) if {
	f == "uri-reference"
	regex.match(`^[^\s]*$`, x)
}

format_ok(f, x) if {
	f == "hostname"
	count(x) <= 253
	regex.match(`^[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*$`, x)
}

format_ok(f, x) if {
	f == "ipv4"
	regex.match(`^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$`, x)
}

format_ok(f, x) if {
	f == "ipv6"
	regex.match(`^[0-9A-Fa-f:.]+$`, x)
	regex.match(ipv6_re, x)
}

format_ok(f, x) if {
	f == "date"
	valid_date(x)
}

format_ok(f, x) if {
	f == "time"
	regex.match(time_re, x)
}

format_ok(f, x) if {
	f == "date-time"
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt]`, x)
	valid_date(substring(x, 0, 10))
	regex.match(time_re, substring(x, 11, -1))
}

format_ok(f, x) if {
	f == "duration"
	regex.match(`^P([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+S)?)?$`, x)
	x != "P"
	not endswith(x, "T")
}

format_ok(f, x) if {
	f == "uuid"
	regex.match(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`, x)
}

known_formats := {"email", "uri", "uri-reference", "hostname", "ipv4", "ipv6", "date", "time", "date-time", "duration", "uuid"}

time_re := `^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+\-]([01][0-9]|2[0-3]):[0-5][0-9])$`

ipv6_re := concat("", [
	`^(`,
	`([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|`,
	`([0-9A-Fa-f]{1,4}:){1,7}:|`,
	`([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|`,
	`([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|`,
	`([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|`,
	`([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|`,
	`([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|`,
	`[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|`,
	`:((:[0-9A-Fa-f]{1,4}){1,7}|:)`,
	`)$`,
])

# A calendar date: YYYY-MM-DD with a day that exists in that month.
valid_date(x) if {
	regex.match(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`, x)
	year := digits(substring(x, 0, 4))
	month := digits(substring(x, 5, 2))
	day := digits(substring(x, 8, 2))
	day <= month_days(year, month)
}

# A run of decimal digits as a number (leading zeros included, which not every
# engine's to_number takes).
digits(s) := to_number(concat("", ["1", s])) - pow10(count(s))

pow10(n) := 100 if n == 2 else := 10000

month_days(y, m) := 29 if {
	m == 2
	leap(y)
} else := 28 if {
	m == 2
} else := 30 if {
	m in {4, 6, 9, 11}
} else := 31

leap(y) if {
	y % 4 == 0
	y % 100 != 0
}

leap(y) if y % 400 == 0

# Children: the schema of key or index `k` of `x`, and the path it is at.

child(s, x, k) := s.properties[k] if {
	is_object(x)
	is_object(s.properties[k])
} else := s.additionalProperties if {
	is_object(x)
	is_object(s.additionalProperties)
} else := s.items if {
	is_array(x)
	is_object(s.items)
}

at(p, x, k) := sprintf("%s[%d]", [p, k]) if {
	is_array(x)
} else := sprintf("%s.%s", [p, k])

branch_error(p) := sprintf("%s: matches none of the allowed types", [p])

deep_error(p) := sprintf("%s: nested too deeply to validate", [p])

# The unrolled levels: each validates a value, its children and its anyOf
# branches with the next level.

v0(s, x, p) := (node(s, x, p) | k0(s, x, p)) | a0(s, x, p)

k0(s, x, p) := {e | some k, c in nested(x); some e in v1(child(s, x, k), c, at(p, x, k))}

a0(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v1(b, x, p)) == 0]) == 0}

v1(s, x, p) := (node(s, x, p) | k1(s, x, p)) | a1(s, x, p)

k1(s, x, p) := {e | some k, c in nested(x); some e in v2(child(s, x, k), c, at(p, x, k))}

a1(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v2(b, x, p)) == 0]) == 0}

v2(s, x, p) := (node(s, x, p) | k2(s, x, p)) | a2(s, x, p)

k2(s, x, p) := {e | some k, c in nested(x); some e in v3(child(s, x, k), c, at(p, x, k))}

a2(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v3(b, x, p)) == 0]) == 0}

v3(s, x, p) := (node(s, x, p) | k3(s, x, p)) | a3(s, x, p)

k3(s, x, p) := {e | some k, c in nested(x); some e in v4(child(s, x, k), c, at(p, x, k))}

a3(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v4(b, x, p)) == 0]) == 0}

v4(s, x, p) := (node(s, x, p) | k4(s, x, p)) | a4(s, x, p)

k4(s, x, p) := {e | some k, c in nested(x); some e in v5(child(s, x, k), c, at(p, x, k))}

a4(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v5(b, x, p)) == 0]) == 0}

v5(s, x, p) := (node(s, x, p) | k5(s, x, p)) | a5(s, x, p)

k5(s, x, p) := {e | some k, c in nested(x); some e in v6(child(s, x, k), c, at(p, x, k))}

a5(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v6(b, x, p)) == 0]) == 0}

v6(s, x, p) := (node(s, x, p) | k6(s, x, p)) | a6(s, x, p)

k6(s, x, p) := {e | some k, c in nested(x); some e in v7(child(s, x, k), c, at(p, x, k))}

a6(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v7(b, x, p)) == 0]) == 0}

v7(s, x, p) := (node(s, x, p) | k7(s, x, p)) | a7(s, x, p)

k7(s, x, p) := {e | some k, c in nested(x); some e in v8(child(s, x, k), c, at(p, x, k))}

a7(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v8(b, x, p)) == 0]) == 0}

# The last level validates the value itself; what lies deeper is refused.
v8(s, x, p) := node(s, x, p) | {deep_error(p) | too_deep(s, x)}

too_deep(s, x) if is_array(s.anyOf)

too_deep(s, x) if {
	some k, _ in nested(x)
	child(s, x, k)
}

# The children of an object or array (nothing for other values).
nested(x) := x if {
	is_object(x)
} else := x if {
	is_array(x)
} else := []
