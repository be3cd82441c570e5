//! Renders the attribute tables as `docs/reference.md` (a test fails when the
//! committed file is stale; `UPDATE_DOCS=1 cargo test` rewrites it).

use super::{attrs, AttrSpec, DefaultValue, Ty};
use crate::ast::Kind;
use std::collections::VecDeque;
use std::fmt::Write;

/// The whole reference page, generated from the tables.
pub fn reference_markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "<!-- Generated from compiler/src/schema/tables.rs by `UPDATE_DOCS=1 cargo test`; do not edit. -->\n\n\
         # Attribute reference\n\n\
         Every attribute of every kind, as the compiler checks it. One table in the\n\
         compiler (`compiler/src/schema/tables.rs`) drives checking, this page, editor\n\
         completion and hover, formatting order and the registry's JSON Schema.\n\n\
         Types: `[T]` is a list, `a | b` an enum word or tagged variant, `int ≥ 1` and\n\
         `float in [0, 1]` are bounds (PM0204). A missing required attribute is PM0202, an\n\
         unknown one PM0201, a wrong type PM0203, a word outside the enum PM0206, a key given\n\
         twice PM0205. Defaults are written into the registry when the attribute is absent.\n\n",
    );
    for kind in Kind::ALL {
        let _ = writeln!(out, "## {kind}\n");
        let _ = writeln!(out, "{}\n", kind_intro(kind));
        let mut nested = Nested::new();
        table(&mut out, kind.keyword(), attrs(kind), &mut nested);
        while let Some((title, rows)) = nested.pop_front() {
            let _ = writeln!(out, "### {title}\n");
            table(&mut out, &title, rows, &mut nested);
        }
    }
    types_section(&mut out);
    out
}

/// §7: the field types, their JSON Schema and their constraints.
fn types_section(out: &mut String) {
    out.push_str(
        "## Field types\n\n\
         Field blocks (`params`, `input`, `object { … }`, template `param`s) hold\n\
         `NAME[?]: TYPE [{ CONSTRAINTS }] [= DEFAULT]`; `returns` and `output` take a TYPE.\n\
         Each compiles to JSON Schema 2020-12 (objects with `additionalProperties: false`,\n\
         `requires { a = [b] }` → `dependentRequired`), and every default is validated\n\
         against its own schema (PM0501). A `///` doc comment on the line(s) before a field\n\
         or a template `param` is written into its schema as `description`.\n\n\
         | type | JSON Schema |\n|---|---|\n\
         | `string` | `{\"type\": \"string\"}` |\n\
         | `int` | `{\"type\": \"integer\"}` |\n\
         | `float` | `{\"type\": \"number\"}` |\n\
         | `bool` | `{\"type\": \"boolean\"}` |\n\
         | `duration` | integer milliseconds, `minimum: 0` |\n\
         | `size` | integer bytes, `minimum: 0` |\n\
         | `list<T>` | `{\"type\": \"array\", \"items\": T}` |\n\
         | `map<T>` | `{\"type\": \"object\", \"additionalProperties\": T}` |\n\
         | `object { FIELDS }` | an object schema of the fields |\n\
         | `any` | `{}` (any JSON value; `map<any>` is a free-form object) |\n\
         | `\"a\" \\| \"b\"` | `{\"type\": \"string\", \"enum\": [\"a\", \"b\"]}` |\n\
         | `T1 \\| T2`, `T \\| null` | `{\"type\": [\"string\", \"null\"]}` when every member is a plain type, else `{\"anyOf\": [T1, T2]}`; string literals among the members form one `enum` member; constraints follow the member they apply to (`string { max_len = 5 } \\| null`) |\n\
         | `agent`, `tool`, `model`, `persona`, `service`, `capability` (template params only) | a reference of that kind |\n\n\
         | constraint | meaning |\n|---|---|\n",
    );
    for (name, doc) in crate::types::constraint_docs() {
        let _ = writeln!(out, "| `{name}` | {doc} |");
    }
    out.push_str("\n| type | takes |\n|---|---|\n");
    for (ty, names) in crate::types::constraints_by_type() {
        let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let _ = writeln!(out, "| `{ty}` | {} |", list.join(", "));
    }
    let formats: Vec<String> = crate::types::FORMATS
        .iter()
        .map(|f| format!("`{f}`"))
        .collect();
    let _ = writeln!(
        out,
        "\n`format` is one of {} and is asserted; `pattern` must compile with the regex engine the\n\
         `jsonschema` crate validates with (PM0002 otherwise); `min > max` or `min_len > max_len` is PM0204,\n\
         and so are exclusive bounds that leave no value (`exclusive_min = 5  max = 5`).\n\
         `null` is a type only as a union member; a field whose type includes `null` has no `null`\n\
         default (leave it optional). An unknown type name is PM0203 with the likely spelling\n\
         (`integer` → `int`, `number` → `float`, `str` → `string`, `boolean` → `bool`).",
        formats.join(", ")
    );
}

fn kind_intro(kind: Kind) -> &'static str {
    match kind {
        Kind::Agent => "An AI agent: a model, the tools it may call, a persona, and the capabilities it claims.",
        Kind::Tool => "Something an agent can call, with typed parameters and a risk level.",
        Kind::Model => "A language model from a provider, with the capabilities it brings.",
        Kind::Workflow => "A DAG of steps, each run by an agent, by any agent with a capability, or as a direct tool call. Steps are written `step NAME { … }`; see `docs/workflows.md` for output types and how values fit.",
        Kind::Capability => "A node of the capability taxonomy; dotted names (`web.search`) need their parent declared (PM0107).",
        Kind::Persona => "How an agent speaks and behaves; `extends` merges other personas first.",
        Kind::Service => "An external endpoint that tools and models talk to.",
        Kind::Template => "`template NAME for KIND { param … }` declares a parameterised declaration of KIND; its body is checked against KIND's table, and its `param` lines become a JSON Schema (`params`). A template declaration itself accepts:",
    }
}

type Nested = VecDeque<(String, &'static [AttrSpec])>;

fn table(out: &mut String, path: &str, rows: &'static [AttrSpec], nested: &mut Nested) {
    out.push_str("| attribute | type | required | default | description |\n");
    out.push_str("|---|---|---|---|---|\n");
    for row in rows {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {}{} |",
            row.name,
            cell(&row.ty.describe()),
            match row.unless {
                Some(u) if row.required => format!("yes, unless `{u}`"),
                _ if row.required => "yes".to_owned(),
                _ => String::new(),
            },
            row.default
                .map(|d| format!("`{}`", default_text(d)))
                .unwrap_or_default(),
            row.doc.replace('|', "\\|"),
            row.condition()
                .map(|c| format!(" Allowed {c}."))
                .unwrap_or_default(),
        );
        collect_nested(path, row.name, &row.ty, nested);
    }
    out.push('\n');
}

fn collect_nested(path: &str, name: &str, ty: &Ty, nested: &mut Nested) {
    match ty {
        Ty::Block(rows) => nested.push_back((format!("{path} `{name}` block"), rows)),
        Ty::Steps(rows) => nested.push_back((format!("{path} `{name}` attributes"), rows)),
        Ty::Tagged(variants) => {
            for v in variants.iter().filter(|v| !v.attrs.is_empty()) {
                nested.push_back((format!("{path} `{name} = {} {{ … }}`", v.name), v.attrs));
            }
        }
        Ty::List(inner) | Ty::Map(inner) => collect_nested(path, name, inner, nested),
        _ => {}
    }
}

fn cell(text: &str) -> String {
    format!("`{}`", text.replace('|', "\\|").replace('`', ""))
}

/// An attribute's default as written in source (`off`, `true`, `3`,
/// `[a, b]`): the reference's table cell and the LSP's hover.
pub fn default_text(d: DefaultValue) -> String {
    match d {
        DefaultValue::Word(w) | DefaultValue::Variant(w) => w.to_owned(),
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Words(ws) => format!("[{}]", ws.join(", ")),
    }
}
