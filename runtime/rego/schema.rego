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

# Checks of one value against one schema, its children aside. Each check is
# a comprehension over the keyword it reads, inline where it can be (function
# calls cost more than comprehensions in both engines: a few microseconds each
# in regorus, and a params object costs several per property), and only the
# checks of the value's own type run.

node(s, x, p) := (type_errors | enum_errors) | typed(s, x, p) if {
	t := json_type(x)
	type_errors := {msg |
		ts := types(s)
		not t in ts
		count({1 | t == "integer"; "number" in ts}) == 0
		msg := sprintf("%s: expected %s, got %s", [p, concat(" or ", ts), t])
	}
	enum_errors := {msg |
		is_array(s.enum)
		not x in s.enum
		msg := sprintf("%s: must be one of %s", [p, concat(", ", [show(v) | some v in s.enum])])
	}
}

types(s) := [s.type] if {
	is_string(s.type)
} else := s.type if {
	is_array(s.type)
}

json_type(x) := "integer" if {
	is_number(x)
	floor(x) == x
} else := type_name(x)

show(v) := v if {
	is_string(v)
} else := sprintf("%v", [v])

typed(s, x, p) := number_errors(s, x, p) if {
	is_number(x)
} else := string_errors(s, x, p) if {
	is_string(x)
} else := array_errors(s, x, p) if {
	is_array(x)
} else := object_errors(s, x, p) if {
	is_object(x)
} else := set()

number_errors(s, x, p) := ((low | high) | xlow) | xhigh if {
	low := {sprintf("%s: must be at least %v", [p, b]) | b := s.minimum; is_number(b); x < b}
	high := {sprintf("%s: must be at most %v", [p, b]) | b := s.maximum; is_number(b); x > b}
	xlow := {sprintf("%s: must be greater than %v", [p, b]) | b := s.exclusiveMinimum; is_number(b); x <= b}
	xhigh := {sprintf("%s: must be less than %v", [p, b]) | b := s.exclusiveMaximum; is_number(b); x >= b}
}

string_errors(s, x, p) := ((short | long) | pattern) | format if {
	short := {sprintf("%s: must be at least %d characters long", [p, n]) | n := s.minLength; count(x) < n}
	long := {sprintf("%s: must be at most %d characters long", [p, n]) | n := s.maxLength; count(x) > n}
	pattern := {sprintf("%s: does not match the pattern %s", [p, re]) |
		re := s.pattern
		is_string(re)
		not regex.match(re, x)
	}
	format := {sprintf("%s: is not a valid %s", [p, f]) |
		f := s.format
		is_string(f)
		not format_ok(f, x)
	}
}

array_errors(s, x, p) := (few | many) | unique if {
	few := {sprintf("%s: must have at least %d items", [p, n]) | n := s.minItems; count(x) < n}
	many := {sprintf("%s: must have at most %d items", [p, n]) | n := s.maxItems; count(x) > n}
	unique := {sprintf("%s: items must be unique", [p]) |
		s.uniqueItems == true
		count({v | some v in x}) < count(x)
	}
}

object_errors(s, x, p) := ((((missing | unexpected) | few) | many) | dependent) if {
	keys := object.keys(x)
	missing := {sprintf("%s: missing required property %s", [p, k]) |
		some k in object.get(s, "required", [])
		not k in keys
	}
	unexpected := {sprintf("%s: unexpected property %s", [p, k]) |
		s.additionalProperties == false
		declared := object.keys(object.get(s, "properties", {}))
		some k, _ in x
		not k in declared
	}
	few := {sprintf("%s: must have at least %d properties", [p, n]) | n := s.minProperties; count(x) < n}
	many := {sprintf("%s: must have at most %d properties", [p, n]) | n := s.maxProperties; count(x) > n}
	dependent := {sprintf("%s: property %s requires property %s", [p, k, d]) |
		some k, deps in object.get(s, "dependentRequired", {})
		k in keys
		some d in deps
		not d in keys
	}
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

# Children: the schema of key or index `k` of `x` (for the depth check; the
# levels below pick their children's schemas inline).

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

branch_error(p) := sprintf("%s: matches none of the allowed types", [p])

deep_error(p) := sprintf("%s: nested too deeply to validate", [p])

# The unrolled levels: each validates a value, its children and its anyOf
# branches with the next level. A scalar without anyOf (most params) is
# checked by `node` alone, without the calls that would find it has neither.

v0(s, x, p) := (node(s, x, p) | k0(s, x, p)) | a0(s, x, p)

k0(s, x, p) := ((declared | extra) | items) if {
	declared := {e |
		is_object(x)
		some k, c in x
		cs := s.properties[k]
		is_object(cs)
		some e in v1(cs, c, sprintf("%s.%s", [p, k]))
	}
	extra := {e |
		is_object(x)
		cs := s.additionalProperties
		is_object(cs)
		some k, c in x
		not is_object(s.properties[k])
		some e in v1(cs, c, sprintf("%s.%s", [p, k]))
	}
	items := {e |
		is_array(x)
		cs := s.items
		is_object(cs)
		some k, c in x
		some e in v1(cs, c, sprintf("%s[%d]", [p, k]))
	}
}

a0(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v1(b, x, p)) == 0]) == 0}

v1(s, x, p) := node(s, x, p) if {
	not is_object(x)
	not is_array(x)
	not is_array(s.anyOf)
} else := (node(s, x, p) | k1(s, x, p)) | a1(s, x, p)

k1(s, x, p) := ((declared | extra) | items) if {
	declared := {e |
		is_object(x)
		some k, c in x
		cs := s.properties[k]
		is_object(cs)
		some e in v2(cs, c, sprintf("%s.%s", [p, k]))
	}
	extra := {e |
		is_object(x)
		cs := s.additionalProperties
		is_object(cs)
		some k, c in x
		not is_object(s.properties[k])
		some e in v2(cs, c, sprintf("%s.%s", [p, k]))
	}
	items := {e |
		is_array(x)
		cs := s.items
		is_object(cs)
		some k, c in x
		some e in v2(cs, c, sprintf("%s[%d]", [p, k]))
	}
}

a1(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v2(b, x, p)) == 0]) == 0}

v2(s, x, p) := node(s, x, p) if {
	not is_object(x)
	not is_array(x)
	not is_array(s.anyOf)
} else := (node(s, x, p) | k2(s, x, p)) | a2(s, x, p)

k2(s, x, p) := ((declared | extra) | items) if {
	declared := {e |
		is_object(x)
		some k, c in x
		cs := s.properties[k]
		is_object(cs)
		some e in v3(cs, c, sprintf("%s.%s", [p, k]))
	}
	extra := {e |
		is_object(x)
		cs := s.additionalProperties
		is_object(cs)
		some k, c in x
		not is_object(s.properties[k])
		some e in v3(cs, c, sprintf("%s.%s", [p, k]))
	}
	items := {e |
		is_array(x)
		cs := s.items
		is_object(cs)
		some k, c in x
		some e in v3(cs, c, sprintf("%s[%d]", [p, k]))
	}
}

a2(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v3(b, x, p)) == 0]) == 0}

v3(s, x, p) := node(s, x, p) if {
	not is_object(x)
	not is_array(x)
	not is_array(s.anyOf)
} else := (node(s, x, p) | k3(s, x, p)) | a3(s, x, p)

k3(s, x, p) := ((declared | extra) | items) if {
	declared := {e |
		is_object(x)
		some k, c in x
		cs := s.properties[k]
		is_object(cs)
		some e in v4(cs, c, sprintf("%s.%s", [p, k]))
	}
	extra := {e |
		is_object(x)
		cs := s.additionalProperties
		is_object(cs)
		some k, c in x
		not is_object(s.properties[k])
		some e in v4(cs, c, sprintf("%s.%s", [p, k]))
	}
	items := {e |
		is_array(x)
		cs := s.items
		is_object(cs)
		some k, c in x
		some e in v4(cs, c, sprintf("%s[%d]", [p, k]))
	}
}

a3(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v4(b, x, p)) == 0]) == 0}

v4(s, x, p) := node(s, x, p) if {
	not is_object(x)
	not is_array(x)
	not is_array(s.anyOf)
} else := (node(s, x, p) | k4(s, x, p)) | a4(s, x, p)

k4(s, x, p) := ((declared | extra) | items) if {
	declared := {e |
		is_object(x)
		some k, c in x
		cs := s.properties[k]
		is_object(cs)
		some e in v5(cs, c, sprintf("%s.%s", [p, k]))
	}
	extra := {e |
		is_object(x)
		cs := s.additionalProperties
		is_object(cs)
		some k, c in x
		not is_object(s.properties[k])
		some e in v5(cs, c, sprintf("%s.%s", [p, k]))
	}
	items := {e |
		is_array(x)
		cs := s.items
		is_object(cs)
		some k, c in x
		some e in v5(cs, c, sprintf("%s[%d]", [p, k]))
	}
}

a4(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v5(b, x, p)) == 0]) == 0}

v5(s, x, p) := node(s, x, p) if {
	not is_object(x)
	not is_array(x)
	not is_array(s.anyOf)
} else := (node(s, x, p) | k5(s, x, p)) | a5(s, x, p)

k5(s, x, p) := ((declared | extra) | items) if {
	declared := {e |
		is_object(x)
		some k, c in x
		cs := s.properties[k]
		is_object(cs)
		some e in v6(cs, c, sprintf("%s.%s", [p, k]))
	}
	extra := {e |
		is_object(x)
		cs := s.additionalProperties
		is_object(cs)
		some k, c in x
		not is_object(s.properties[k])
		some e in v6(cs, c, sprintf("%s.%s", [p, k]))
	}
	items := {e |
		is_array(x)
		cs := s.items
		is_object(cs)
		some k, c in x
		some e in v6(cs, c, sprintf("%s[%d]", [p, k]))
	}
}

a5(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v6(b, x, p)) == 0]) == 0}

v6(s, x, p) := node(s, x, p) if {
	not is_object(x)
	not is_array(x)
	not is_array(s.anyOf)
} else := (node(s, x, p) | k6(s, x, p)) | a6(s, x, p)

k6(s, x, p) := ((declared | extra) | items) if {
	declared := {e |
		is_object(x)
		some k, c in x
		cs := s.properties[k]
		is_object(cs)
		some e in v7(cs, c, sprintf("%s.%s", [p, k]))
	}
	extra := {e |
		is_object(x)
		cs := s.additionalProperties
		is_object(cs)
		some k, c in x
		not is_object(s.properties[k])
		some e in v7(cs, c, sprintf("%s.%s", [p, k]))
	}
	items := {e |
		is_array(x)
		cs := s.items
		is_object(cs)
		some k, c in x
		some e in v7(cs, c, sprintf("%s[%d]", [p, k]))
	}
}

a6(s, x, p) := {branch_error(p) | is_array(s.anyOf); count([b | some b in s.anyOf; count(v7(b, x, p)) == 0]) == 0}

v7(s, x, p) := node(s, x, p) if {
	not is_object(x)
	not is_array(x)
	not is_array(s.anyOf)
} else := (node(s, x, p) | k7(s, x, p)) | a7(s, x, p)

k7(s, x, p) := ((declared | extra) | items) if {
	declared := {e |
		is_object(x)
		some k, c in x
		cs := s.properties[k]
		is_object(cs)
		some e in v8(cs, c, sprintf("%s.%s", [p, k]))
	}
	extra := {e |
		is_object(x)
		cs := s.additionalProperties
		is_object(cs)
		some k, c in x
		not is_object(s.properties[k])
		some e in v8(cs, c, sprintf("%s.%s", [p, k]))
	}
	items := {e |
		is_array(x)
		cs := s.items
		is_object(cs)
		some k, c in x
		some e in v8(cs, c, sprintf("%s[%d]", [p, k]))
	}
}

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
