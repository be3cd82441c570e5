//! The rows of the code table (data only): what each code means, why it matters,
//! an example that triggers it and how to fix it. Read through [`super::CODES`];
//! `pmth explain`, `docs/diagnostics.md` and the tests all come from here.

use super::CodeInfo;
use crate::diag::Severity;

/// Every code, in order.
pub(super) const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "PM0001",
        severity: Severity::Error,
        title: "syntax error",
        explanation: r##"
The source does not follow the grammar of `.pmth`: a missing `=` or `}`, two
values where one is expected, a dotted name on a kind other than `capability`,
a brace, string or comment that never closes, or brackets nested deeper than 64
levels.

A declaration with a syntax error is dropped, and parsing resumes at the next
top-level declaration, so one typo costs one diagnostic rather than a cascade. If
the declaration's header (`tool broken {`) parsed, its kind and name stay known,
so references to it are not also reported as unknown.
"##,
        example: r##"
tool broken {
  description = "Missing a value"
  risk = = low          // two `=`: PM0001 on the second one
}
"##,
        fix: r##"
Read the line the diagnostic points at: the label says what the parser expected
there. For an unclosed delimiter the diagnostic points at the opening `{`, `"`
or `/*`; add the matching close. Dotted names are only for capabilities
(`capability web.search`); use `_` elsewhere (`tool web_search`).
"##,
    },
    CodeInfo {
        code: "PM0002",
        severity: Severity::Error,
        title: "invalid literal (duration, size, rate, version, requirement, escape, regex)",
        explanation: r##"
A literal has the right shape but an invalid value: a unit suffix that does not
exist (`30sec`, `5mb`), a fractional duration (`1.5s`), a version that is not full
semver (`1.2`) or carries build metadata, a malformed version requirement
(`@^x`), an unknown string escape (`"\d"`), an integer beyond ±(2^53−1), or a
`pattern` that is not a valid regular expression.

The value is marked invalid but its declaration is kept, and checks that need the
value are skipped, so you get this one diagnostic and nothing downstream of it.
Units are case-sensitive because `m` (minutes) and `M` would otherwise be easy to
confuse with sizes.
"##,
        example: r##"
tool fetch {
  description = "Fetch a page"
  risk = low
  limits { timeout = 30sec }   // PM0002: durations are ms, s, m, h, d
}
"##,
        fix: r##"
Use the literal forms of LANGUAGE.md §2: durations `ms s m h d` as integers
(`1500ms`, not `1.5s`); sizes `B KB MB GB TB KiB MiB GiB TiB`; rates `N/s N/m
N/h N/d`; versions `X.Y.Z[-pre]`; requirements like `^1.2`, `~1.2.3`, `>=1.4`, or
quoted compound ones (`@">=1.2, <2"`). In strings only `\n \t \r \" \\ \$
\u{HEX}` are escapes, so a regular expression writes `"\\d+"`.
"##,
    },
    CodeInfo {
        code: "PM0003",
        severity: Severity::Error,
        title: "unreadable file or not UTF-8; bad `pmth.toml`",
        explanation: r##"
A file of the workspace could not be used: a `.pmth` source or policy that cannot
be read or is not UTF-8 (reported at line 1 of that file), a `pmth.toml` that is
not valid TOML, has an unknown key, a wrong type, an invalid package name or
version, or misses a required key (reported on its table's header line), or a
`[governance] policies` entry that does not exist.

Every manifest problem is reported at once, and the sources are still checked
with what could be read, so fixing `pmth.toml` does not reveal a second wave of
errors. Unknown keys are errors rather than being ignored because a misspelt key
(`deny_warning`) would otherwise silently change nothing.
"##,
        example: r##"
# pmth.toml
[package]
name = "acme-agents"
version = "0.1.0"
colour = "blue"          # PM0003: unknown key `colour` in [package]
"##,
        fix: r##"
Keep `pmth.toml` to the documented keys: `[package]` with `name` (`[a-z0-9_-]+`)
and `version` (semver, e.g. `"1.2.0"`), and `[governance]` with `policies`,
`stdlib`, `disable`, `deny_warnings` and the free-form `[governance.data]` table.
Make policy paths relative to the folder holding `pmth.toml`. Save sources as
UTF-8 text.
"##,
    },
    CodeInfo {
        code: "PM0101",
        severity: Severity::Error,
        title: "unknown reference",
        explanation: r##"
A reference `KIND.NAME` names nothing of that kind, in the workspace or the
stdlib. Usually this is a typo or a declaration that was renamed or deleted;
the diagnostic suggests the closest existing name when there is one.

References are how a fleet is wired together (an agent's model and tools, a
tool's service, a workflow step's agent), so a dangling one would ship an agent
that cannot run. A declaration dropped for a syntax error keeps its name known,
so it does not cause this error as well.
"##,
        example: r##"
agent researcher {
  description = "Finds sources"
  kind = analytical
  model = model.gpt4o
  tools = [tool.web_serch]     // PM0101: no tool is named `web_serch`
}
"##,
        fix: r##"
Correct the name (see the "did you mean" help), or declare the missing
declaration. Names are case-sensitive, and a capability's full dotted name is
needed (`capability.web.search`).
"##,
    },
    CodeInfo {
        code: "PM0102",
        severity: Severity::Error,
        title: "reference to the wrong kind",
        explanation: r##"
The name exists, but as another kind: `tool.gpt4o` when `gpt4o` is a model. Each
kind has its own namespace, so the reference cannot be resolved, and the
diagnostic says which kind the name does belong to.

This is reported separately from PM0101 because the fix is different: the name
is right, the kind word in front of it is not.
"##,
        example: r##"
model gpt4o { description = "Chat model"  provider = "openai" }

agent helper {
  description = "Helps"
  kind = conversational
  model = model.gpt4o
  tools = [tool.gpt4o]          // PM0102: `gpt4o` is a model, not a tool
}
"##,
        fix: r##"
Use the kind the attribute expects with a name of that kind (`tools` takes
`tool.…` references). If you meant the other declaration, write its kind
(`model.gpt4o`) in an attribute that accepts it.
"##,
    },
    CodeInfo {
        code: "PM0103",
        severity: Severity::Error,
        title: "duplicate declaration id",
        explanation: r##"
Two declarations of one kind have the same id (`name` or `name@version`), or one
name is declared both with and without a version (`tool x` and `tool x@1.0.0`),
or a workspace declaration reuses an id of the stdlib. The diagnostic is on the
later declaration (by file path, then position) and points at the first.

Ids are what references resolve to and what the bundle and lock record, so they
must be unique; mixing versioned and unversioned forms of a name would make
`tool.x` ambiguous.
"##,
        example: r##"
tool lookup { description = "Look up"  risk = low }
tool lookup { description = "Look up again"  risk = low }   // PM0103
"##,
        fix: r##"
Rename one of the declarations, or give both a version (`tool lookup@1.0.0`,
`tool lookup@2.0.0`) if they are releases of the same thing. To change a stdlib
declaration, declare your own under another name.
"##,
    },
    CodeInfo {
        code: "PM0104",
        severity: Severity::Error,
        title: "no version satisfies the requirement",
        explanation: r##"
The reference's version requirement (`@^2`, `@=1.4.0`, `@">=1.2, <2"`) matches
none of the declared versions of that name. Requirements use cargo's rules: a
partial version `1.2` means `^1.2`, and pre-release versions only match a
requirement that names a pre-release.

Pinning is how a fleet stays stable while declarations evolve, so a requirement
that matches nothing is an error rather than a silent fallback to another version.
The diagnostic lists the versions that exist.
"##,
        example: r##"
tool search@1.4.0 { description = "Search"  risk = low }

agent finder {
  description = "Finds"
  kind = analytical
  model = model.swift
  tools = [tool.search@^2]      // PM0104: only 1.4.0 exists
}
"##,
        fix: r##"
Loosen or correct the requirement (`@^1.4`), or declare the version you meant.
Leave out the requirement to take the highest non-retired version.
"##,
    },
    CodeInfo {
        code: "PM0105",
        severity: Severity::Error,
        title: "only retired versions satisfy the reference",
        explanation: r##"
Every version that matches the reference has `status = retired`. Retired
declarations stay in the source (so history and pins remain readable) but can no
longer be used.

Retirement is the end of a deprecation: a retired model or tool must not be
wired into a fleet that is about to ship.
"##,
        example: r##"
model old_llm@1.0.0 {
  description = "Old model"
  provider = "openai"
  status = retired
}

agent helper {
  description = "Helps"
  kind = conversational
  model = model.old_llm        // PM0105: old_llm@1.0.0 is retired
}
"##,
        fix: r##"
Point the reference at an active version (declare one, or relax the requirement
so that it matches one), or, if the retirement was premature, set the
declaration's `status` back to `deprecated` or `active`.
"##,
    },
    CodeInfo {
        code: "PM0106",
        severity: Severity::Warning,
        title: "reference to a deprecated declaration",
        explanation: r##"
The reference resolves to a declaration with `status = deprecated`. It still
works, but its owner has announced that it will be retired, after which the
reference becomes PM0105.

This is a warning so the fleet keeps building while you migrate; promote it with
`--deny-warnings` in CI to stop new uses.
"##,
        example: r##"
tool legacy_search { description = "Old search"  risk = low  status = deprecated }

agent finder {
  description = "Finds"
  kind = analytical
  model = model.swift
  tools = [tool.legacy_search]  // PM0106 (warning)
}
"##,
        fix: r##"
Move to the declaration that replaces it (its `description` or labels usually
say which), or pin a version that is not deprecated.
"##,
    },
    CodeInfo {
        code: "PM0107",
        severity: Severity::Error,
        title: "capability without its parent",
        explanation: r##"
A dotted capability (`web.search`) needs its parent (`web`) declared, in the
workspace or the stdlib. Capabilities form a taxonomy: providing `web.search`
implies providing `web`, and a claim of `web` is satisfied by a provider of any
`web.*`.

A missing parent would leave a hole in that tree, so the ancestor rules could not
be applied. The diagnostic is on the child's header.
"##,
        example: r##"
capability acme { description = "Acme" }
capability acme.docs.search { description = "Search docs" }   // PM0107: no `acme.docs`
"##,
        fix: r##"
Declare the missing parent (`capability acme.docs { description = "…" }`), or
attach the capability to an existing parent.
"##,
    },
    CodeInfo {
        code: "PM0108",
        severity: Severity::Error,
        title: "cycle (capability requires, persona extends, template extends)",
        explanation: r##"
A chain of `requires` (capabilities), `extends` (personas) or template
`extends` leads back to where it started. Such a chain has no meaning: merging
or requiring would never end.

Each cycle is reported once, on its earliest member (by file path, then position),
and the message names every member in order.
"##,
        example: r##"
persona a { extends = [persona.b] }
persona b { extends = [persona.a] }     // PM0108: a → b → a
"##,
        fix: r##"
Break the cycle: remove one of the edges, or move what the members share into a
new declaration that they all extend or require.
"##,
    },
    CodeInfo {
        code: "PM0201",
        severity: Severity::Error,
        title: "unknown attribute, trait or field",
        explanation: r##"
An attribute that the kind does not have (every kind's attributes are a fixed
table), a persona trait other than creativity, risk_tolerance, formality,
verbosity and empathy, a key inside a known block that the block does not have,
or a field named in `requires { … }` that the field block does not declare.

Unknown attributes are errors so that a typo (`descripton`) cannot silently drop
a setting; the diagnostic suggests the closest known name.
"##,
        example: r##"
tool lookup {
  description = "Look up"
  risk = low
  timeout_s = 30          // PM0201: tools have no `timeout_s` (see limits { timeout })
}
"##,
        fix: r##"
Use a documented attribute (see the "did you mean" help and LANGUAGE.md §6), or
move the setting into `labels { … }` if it is free-form metadata.
"##,
    },
    CodeInfo {
        code: "PM0202",
        severity: Severity::Error,
        title: "missing required attribute",
        explanation: r##"
A declaration lacks an attribute its kind requires: `description` for agents,
tools, models, workflows, capabilities and services; `provider` for models;
`risk` for tools; `kind` for services and agents; `model` for agents. The
diagnostic is on the declaration's header and names what is missing.

Required attributes are what runtimes and governance rely on (a tool's `risk`
decides which policies apply). For template instances the check runs on the
instance, which may supply the attribute as an override.
"##,
        example: r##"
tool lookup {                  // PM0202: tool `lookup` has no `risk`
  description = "Look up"
}
"##,
        fix: r##"
Add the attribute named in the message (`risk = low`).
"##,
    },
    CodeInfo {
        code: "PM0203",
        severity: Severity::Error,
        title: "type mismatch",
        explanation: r##"
A value has the wrong type for its attribute or field: a string where a number is
expected, a single value where a list is, a duration where a size is, a reference
to a kind the attribute does not take, or a default that is not of its field's
type.

Types are checked at compile time so that the bundle a runtime loads is
well-formed; nothing is coerced.
"##,
        example: r##"
model swift {
  description = "Fast"
  provider = "openai"
  context_window = "128k"      // PM0203: expected an int, found a string
}
"##,
        fix: r##"
Write a value of the expected type (the message names it): `context_window =
128000`, `tools = [tool.a]` (a list), `timeout = 30s` (a duration).
"##,
    },
    CodeInfo {
        code: "PM0204",
        severity: Severity::Error,
        title: "value out of range or constraint inconsistent",
        explanation: r##"
A value is outside the range its attribute allows (a persona trait outside
[0, 1], `context_window = 0`, a negative cost, `retry { attempts = 0 }`), or a
field's constraints contradict each other (`min` greater than `max`, `min_len`
greater than `max_len`).

Out-of-range values are errors rather than being clamped, because a clamped budget
or trait would not be what the author wrote.
"##,
        example: r##"
persona bold {
  traits { creativity = 1.5 }   // PM0204: traits are in [0, 1]
}
"##,
        fix: r##"
Bring the value into range, or fix the constraint so that `min <= max` and
`min_len <= max_len`.
"##,
    },
    CodeInfo {
        code: "PM0205",
        severity: Severity::Error,
        title: "attribute assigned twice",
        explanation: r##"
The same key is given twice in one block. Only one of the two values could win,
and silently picking one would hide a mistake, so the second assignment is
reported and points at the first.

Overriding a key through merging (persona `extends`, template `extends`, instance
overrides) is not a duplicate: that is how those features work.
"##,
        example: r##"
tool lookup {
  description = "Look up"
  risk = low
  risk = high            // PM0205: `risk` is already set above
}
"##,
        fix: r##"
Delete one of the assignments, keeping the value you mean.
"##,
    },
    CodeInfo {
        code: "PM0206",
        severity: Severity::Error,
        title: "value not in the enum",
        explanation: r##"
An enum attribute has a word that is not one of its values: a tool's `risk` must
be `low`, `medium`, `high` or `critical`; an agent's `kind` one of
`conversational`, `analytical`, `creative`, `task_oriented`; and so on (LANGUAGE.md
§6). The diagnostic lists the allowed values and suggests the closest.

Enums are closed so that policies and runtimes can rely on every value they see.
"##,
        example: r##"
tool lookup {
  description = "Look up"
  risk = severe          // PM0206: expected low, medium, high or critical
}
"##,
        fix: r##"
Use one of the listed values (`risk = high`).
"##,
    },
    CodeInfo {
        code: "PM0301",
        severity: Severity::Error,
        title: "agent claims a capability its model and tools do not provide",
        explanation: r##"
An agent lists a capability in `capabilities` that neither its `model` nor any of
its `tools` provides (fallback models do not count). A claim of X is satisfied by
a provider of X or of a descendant of X, and claiming X also requires everything
X `requires`, transitively; a note then says which requirement is missing.

A claim may also be met by one of the agent's `delegates` claiming it (what a
delegate claims counts, not what its tools provide), and a `remote` agent's
claims are taken as provided. Through delegation the check is a least fixpoint:
a claim that only a delegation cycle supports (two agents that delegate to each
other and both claim X, with nothing below them providing X) is still PM0301,
and the note says what each delegate claims.

Capability claims drive discovery: workflow steps `select` agents by capability,
and registries answer "which agent can do web.search?". An unbacked claim would
route work to an agent that cannot do it.
"##,
        example: r##"
agent researcher {
  description = "Researches"
  kind = analytical
  model = model.gpt4o                       // provides nlp.chat
  tools = [tool.web_search]                 // provides web.search
  capabilities = [capability.web.browse]    // PM0301: nothing provides web.browse
}
"##,
        fix: r##"
Give the agent a tool (or model) that provides the capability, add the capability
to the `provides` of a tool it already uses if that tool really does it, delegate
to an agent whose model or tools provide it, or remove the claim.
"##,
    },
    CodeInfo {
        code: "PM0302",
        severity: Severity::Error,
        title: "literal where a secret reference is required",
        explanation: r##"
A field that holds a secret (`auth`'s `secret`, `client_secret`, `cert`, `key`)
was given a string literal, or an `mcp` service's `env` variable named like a
secret (`GITHUB_TOKEN`, `API_KEY`, `DB_PASSWORD`: a word of the name is `token`,
`secret`, `password`, `key`, …) was. Secrets are written as references,
`env("NAME")` or `secret("vault://path")`, which the compiler records but never
resolves.

A literal would put the credential into the source, the bundle and every log that
prints them. This is an error, not a warning, because once committed a secret
must be rotated.
"##,
        example: r##"
service crm {
  description = "CRM API"
  kind = rest
  endpoint = "https://crm.example.com"
  auth = bearer { secret = "sk-live-1234" }    // PM0302
}
"##,
        fix: r##"
Reference the secret instead: `secret = env("CRM_TOKEN")` or
`secret = secret("vault://crm/token")`. If a real credential was committed,
rotate it.
"##,
    },
    CodeInfo {
        code: "PM0303",
        severity: Severity::Error,
        title: "insecure endpoint without `insecure = true`",
        explanation: r##"
A service's `endpoint` uses `http://`. Agents send prompts, tool arguments and
credentials to their services, and plain HTTP exposes them on the network.

Sometimes plain HTTP is right (a sidecar on localhost, a test double); then say so
explicitly with `insecure = true`, which the stdlib governance policies can still
flag.
"##,
        example: r##"
service local_kb {
  description = "Knowledge base"
  kind = rest
  endpoint = "http://kb.internal/api"     // PM0303
}
"##,
        fix: r##"
Use `https://`, or add `insecure = true` to the service when plain HTTP is
intended.
"##,
    },
    CodeInfo {
        code: "PM0304",
        severity: Severity::Warning,
        title: "incompatible personas in one workflow",
        explanation: r##"
Two steps of one workflow use agents whose personas are declared incompatible
(`incompatible_with`), for example a strictly formal persona and a playful one
answering the same customer. The warning is on the `agent` attribute of the later
of the two steps.

It is a warning because the workflow still runs; it is worth a look because users
would see the tone change from step to step.
"##,
        example: r##"
persona formal { incompatible_with = [persona.playful] }
persona playful { tone = "jokey" }

workflow reply {
  description = "Reply to a customer"
  step draft { agent = agent.formal_writer }
  step polish {
    agent = agent.playful_writer        // PM0304 (warning)
    after = [step.draft]
  }
}
"##,
        fix: r##"
Use agents with compatible personas in the workflow, or remove the
`incompatible_with` entry if the combination is in fact fine.
"##,
    },
    CodeInfo {
        code: "PM0401",
        severity: Severity::Error,
        title: "workflow step cycle",
        explanation: r##"
The `after` dependencies of a workflow's steps form a cycle, so no step of the
cycle could ever start. A workflow must be a directed acyclic graph: steps with no
path between them may run in parallel, and the bundle records a topological
order.

Each cycle is one diagnostic, on its earliest member, naming the steps in order.
"##,
        example: r##"
workflow loop {
  description = "Never starts"
  step a { agent = agent.worker  after = [step.b] }
  step b { agent = agent.worker  after = [step.a] }    // PM0401: a → b → a
}
"##,
        fix: r##"
Remove one of the `after` edges. If a step should repeat, express it with
`for_each` over a list or with `retry`, not with a back edge.
"##,
    },
    CodeInfo {
        code: "PM0402",
        severity: Severity::Error,
        title: "unknown step",
        explanation: r##"
`step.N` in `after`, `with`, `when` or `on_error` names no step of this
workflow. Step names are local to their workflow; the diagnostic suggests the
closest existing step.
"##,
        example: r##"
workflow report {
  description = "Write a report"
  step gather { agent = agent.researcher }
  step write {
    agent = agent.writer
    after = [step.gahter]                // PM0402: did you mean `step.gather`?
  }
}
"##,
        fix: r##"
Correct the step name, or add the missing step to the workflow.
"##,
    },
    CodeInfo {
        code: "PM0403",
        severity: Severity::Error,
        title: "no agent provides the step's selected capability",
        explanation: r##"
A step written `select = capability.X` is run by any agent whose claims cover X
(or a descendant of X); the candidates are recorded in the bundle. Here no
non-retired agent qualifies, so the step could never run.
"##,
        example: r##"
workflow triage {
  description = "Triage tickets"
  step classify {
    select = capability.nlp.classify     // PM0403: no agent claims nlp.classify
  }
}
"##,
        fix: r##"
Add the capability to the `capabilities` of an agent that can do it (its model or
tools must provide it, see PM0301), or name the agent directly with
`agent = agent.N`.
"##,
    },
    CodeInfo {
        code: "PM0404",
        severity: Severity::Error,
        title: "expression error",
        explanation: r##"
A `when`, `for_each` or `with` expression does not type-check: it uses an
`input.FIELD` the workflow's `input` does not declare, compares values of
different types, compares an enum field with a literal outside the enum, uses
`step.N` of a step that is not an ancestor (so its output may not exist yet),
uses `item` outside `for_each`, or gives `for_each` something that is not a list.

Workflows run unattended; catching these at compile time is what keeps a run from
failing halfway through.
"##,
        example: r##"
workflow report {
  description = "Write a report"
  input { depth: "brief" | "deep" = "brief" }
  step write {
    agent = agent.writer
    when = input.depth == "long"     // PM0404: "long" is not one of "brief", "deep"
  }
}
"##,
        fix: r##"
Declare the input field, compare with a value of the field's type (or one of its
enum values), add the step you read from to `after`, and give `for_each` a list
input (`for_each = input.sources`).
"##,
    },
    CodeInfo {
        code: "PM0405",
        severity: Severity::Error,
        title: "unreachable step, agent/select misuse, or bad `on_error` target",
        explanation: r##"
A workflow step is malformed: it has both `agent` and `select`, or neither (a step
needs exactly one way to find its agent); its `on_error = step.N` names a step
that is not a `compensation = true` step; or it cannot be reached from a root
without passing through a compensation step (compensation steps run only as
`on_error` targets), so it would never run.
"##,
        example: r##"
workflow report {
  description = "Write a report"
  step write {                          // PM0405: neither `agent` nor `select`
    timeout = 5m
  }
}
"##,
        fix: r##"
Give the step exactly one of `agent = agent.N` or `select = capability.X`; mark
`on_error` targets `compensation = true`; and make sure every ordinary step
depends (through `after`) only on ordinary steps.
"##,
    },
    CodeInfo {
        code: "PM0501",
        severity: Severity::Error,
        title: "default value does not satisfy its type's schema",
        explanation: r##"
A field's `= DEFAULT` does not validate against the JSON Schema its own type and
constraints compile to (checked with the `jsonschema` crate, formats asserted):
a default shorter than `min_len`, above `max`, not matching `pattern`, or not a
valid `format`.

Runtimes fill in defaults without validating them again, so an invalid default
would reach a tool as if the caller had sent it.
"##,
        example: r##"
tool search {
  description = "Search"
  risk = low
  params {
    max_results: int { min = 1  max = 20 } = 50     // PM0501: 50 > max 20
  }
}
"##,
        fix: r##"
Change the default to a value the constraints allow, or relax the constraints.
"##,
    },
    CodeInfo {
        code: "PM0601",
        severity: Severity::Error,
        title: "bad template instantiation",
        explanation: r##"
A template instance's arguments do not fit the template's params: a required
param is missing (reported on the instantiation), an argument names no param, has
the wrong type or breaks the param's constraints (reported on the argument), or
the template is `for` another kind than the declaration (`agent x =
template.t(…)` where `t` is `for tool`).

Arguments are checked before substitution so that a bad value is reported where
you wrote it, not somewhere inside the template body.
"##,
        example: r##"
template desk for agent {
  param topic: string { pattern = "^[a-z]+$" }
  description = "Answers ${topic} questions"
  kind = conversational
  model = model.swift
}

agent billing = template.desk(topic = "Billing!")   // PM0601: does not match the pattern
"##,
        fix: r##"
Pass every required param with a value of its type and constraints, drop
arguments the template does not declare, and instantiate the template as the kind
it is `for`.
"##,
    },
    CodeInfo {
        code: "PM0602",
        severity: Severity::Error,
        title: "unknown template parameter",
        explanation: r##"
`param.NAME` or `${NAME}` names a param the template (and the templates it
extends) does not declare, or `${…}` is used outside any template. It is reported
where it is used, even when the template is never instantiated.

To write a literal `${` in a string, escape the dollar: `"\${NAME}"`.
"##,
        example: r##"
template desk for agent {
  param topic: string
  description = "Answers ${topc} questions"    // PM0602: no param `topc`
  kind = conversational
  model = model.swift
}
"##,
        fix: r##"
Correct the name, declare the param (`param topc: string`), or escape the dollar
if the text is meant literally.
"##,
    },
    CodeInfo {
        code: "PM0701",
        severity: Severity::Error,
        title: "governance deny",
        explanation: r##"
A Rego policy's `deny` rule produced a message: the compiled fleet breaks an
organisational rule (the stdlib's defaults, or your own policies under
`[governance] policies`). Policies read the compiled registry as
`data.pmth.registry` and `[governance.data]` as `data.pmth.config`.

The diagnostic is placed on the declaration the policy names (`ref`), on its
attribute when the policy gives `attr`, and otherwise on the `[governance]` line
of `pmth.toml`. Governance runs only when the rest of the compilation is clean.
"##,
        example: r##"
# policies/owners.rego
package pmth.owners

import rego.v1

deny contains d if {
	some id, agent in data.pmth.registry.agents
	not agent.labels.owner
	d := {"msg": sprintf("agent %s has no owner", [id]), "ref": sprintf("agent.%s", [id])}
}
"##,
        fix: r##"
Change the declaration so that the policy holds (the message says what it wants).
If the policy is wrong, change the policy; a stdlib package can be switched off
with `[governance] disable = ["pmth.std.…"]`.
"##,
    },
    CodeInfo {
        code: "PM0702",
        severity: Severity::Warning,
        title: "governance warn",
        explanation: r##"
A Rego policy's `warn` rule produced a message: something a policy wants reviewed
but does not forbid. It is placed like PM0701 and recorded in the bundle's
governance section, so reviewers can see the warnings a release shipped with.

`[governance] deny_warnings = true` in `pmth.toml` (or `--deny-warnings`) makes
these errors.
"##,
        example: r##"
# policies/risk.rego
package pmth.risk

import rego.v1

warn contains d if {
	some id, tool in data.pmth.registry.tools
	tool.risk == "medium"
	d := {"msg": sprintf("tool %s is medium risk", [id]), "ref": sprintf("tool.%s", [id]), "attr": "risk"}
}
"##,
        fix: r##"
Address what the message asks for, or accept the warning knowingly; it stays
visible in the bundle.
"##,
    },
    CodeInfo {
        code: "PM0703",
        severity: Severity::Error,
        title: "policy does not compile or fails to evaluate",
        explanation: r##"
A policy file could not be used: a Rego syntax or type error, a package outside
`pmth.` (or `pmth.registry` / `pmth.config`, which are reserved for the data), a
`deny`/`warn` rule that is not a set of strings or `{msg, ref, attr}` objects, or
an error while evaluating it. It is reported at the line the Rego parser gives;
the other policies still run.

A policy that cannot run enforces nothing, so this is an error rather than a
skipped check.
"##,
        example: r##"
# policies/bad.rego
package pmth.bad

import rego.v1

deny contains msg if {
	some id, agent in data.pmth.registry.agents
	msg := sprintf("agent %s", [id]          # PM0703: missing `)`
}
"##,
        fix: r##"
Fix the Rego at the reported line (`opa check` and `pmth policy test` help), keep
the package under `pmth.`, and make `deny`/`warn` partial sets
(`deny contains d if { … }`).
"##,
    },
    CodeInfo {
        code: "PM0801",
        severity: Severity::Error,
        title: "`pmth.lock` out of date",
        explanation: r##"
`pmth build --locked` found that the build would change `pmth.lock`: a reference
resolves to a different version, a policy or the stdlib changed, or a versioned
declaration changed. The diagnostic is on line 1 of `pmth.lock` and comes with a
diff. A plain `pmth build` also reports a versioned declaration changed without a
version bump, because a published version is meant to be immutable.

CI builds with `--locked` so that what was reviewed is what ships.
"##,
        example: r##"
$ pmth build --locked
error[PM0801]: pmth.lock is out of date
 -resolve agent.researcher@1.0.0 tools tool.web_search@^1.2 = web_search@1.2.3
 +resolve agent.researcher@1.0.0 tools tool.web_search@^1.2 = web_search@1.3.0
"##,
        fix: r##"
Run `pmth build` (without `--locked`), review the lock diff and commit it. If a
versioned declaration changed, bump its version instead of editing it in place.
"##,
    },
    CodeInfo {
        code: "PM0901",
        severity: Severity::Error,
        title: "seal or signature verification failed",
        explanation: r##"
`pmth verify` found that a bundle does not match its seal: a file's digest
differs, a file is missing or extra, no signature verifies with the given key, or
the OPA bundle's `.signatures.json` does not match. The message names what
failed.

The seal is what lets a runtime trust that the registry it loads is the one that
was built and reviewed; any mismatch means the bundle was changed or corrupted
after the build.
"##,
        example: r##"
$ pmth verify dist --key release.pub
error[PM0901]: digest of registry.json does not match the seal
"##,
        fix: r##"
Rebuild the bundle from the reviewed sources (`pmth build --sign KEY`) and
publish it again, and make sure you verify with the public key that matches the
signing key. Never edit files inside `dist/` by hand.
"##,
    },
];
