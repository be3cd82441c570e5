//! Recovery: each syntax-error class, snapshotted as a user would see it (the
//! diagnostics rendered as text, then the declarations that survived).

use super::{parse_str, render};

/// Diagnostics then `kind name [broken]` per declaration.
fn case(src: &str) -> String {
    let (decls, diags, map) = parse_str(src);
    let mut out = render(&map, &diags);
    out.push_str("--\n");
    for d in &decls {
        let state = if d.is_broken() { " (broken)" } else { "" };
        out.push_str(&format!("{} {}{state}\n", d.kind, d.id()));
    }
    out
}

macro_rules! snap {
    ($name:ident, $src:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(case($src));
        }
    };
}

snap!(
    missing_value,
    "tool broken {\n  risk = = low\n}\nagent after { kind = analytical }\n"
);

snap!(
    stray_token,
    "persona loud {\n  tone = \"shouty\" \"extra\"\n}\npersona calm { tone = \"soft\" }\n"
);

snap!(key_without_equals, "persona p {\n  tone \"warm\"\n}\n");

snap!(
    unclosed_brace,
    "tool a {\n  risk = low\n  limits { timeout = 3s\n}\n\nagent b { kind = analytical }\n"
);

snap!(
    unclosed_string,
    "tool a {\n  description = \"never closed\n  risk = low\n}\ntool b { risk = low }\n"
);

snap!(
    unclosed_triple_string,
    "persona p {\n  instructions = \"\"\"\n    Be brief.\n}\n\npersona q { tone = \"x\" }\n"
);

// A missing `"""` in one persona: the string runs into the next persona, whose
// opening `"""` closes it. Reported at the string that is really unclosed, and
// the next persona still parses (it is not "unknown" later).
snap!(
    triple_string_swallows_a_declaration,
    "persona analyst {\n  instructions = \"\"\"\n    Be careful.\n\npersona writer {\n  instructions = \"\"\"\n    Write well.\n  \"\"\"\n}\n\nagent a { persona = persona.writer }\n"
);

// Prose in a closed string that merely starts with a kind word is text.
snap!(
    triple_string_with_prose_at_column_one,
    "persona p {\n  instructions = \"\"\"\nagent smith says hello\ntool use is fine\n\"\"\"\n}\npersona q { tone = \"x\" }\n"
);

snap!(
    unclosed_block_comment,
    "tool a { risk = low }\n/* a comment that\n   never ends\ntool b { risk = low }\ntool c { risk = high }\n"
);

snap!(
    too_deep_nesting,
    &format!(
        "tool deep {{ x = {}{} }}\ntool fine {{ risk = low }}\n",
        "[".repeat(70),
        "]".repeat(70)
    )
);

// `list<…>` counts as a level, as brackets and braces do.
snap!(
    too_deep_type_nesting,
    &format!(
        "tool deep {{ params {{ x: {}object {{ a: int }}{} }} }}\ntool fine {{ risk = low }}\n",
        "list<".repeat(70),
        ">".repeat(70)
    )
);

snap!(
    junk_at_top_level,
    "tool a { risk = low }\n}\nagnet b { kind = analytical }\n= 5\nagent c { kind = analytical }\n"
);

snap!(
    dotted_non_capability_name,
    "tool web.search { risk = low }\ncapability web.search { description = \"ok\" }\n"
);

snap!(missing_list_comma, "agent a { tools = [tool.x tool.y] }\n");

snap!(
    chained_comparison,
    "workflow w { step s { when = a == b == c } }\n"
);

snap!(
    instance_without_parens,
    "agent a = template.desk { tools = [] }\nagent b = template.desk()\n"
);

snap!(
    header_cut_by_next_declaration,
    "tool half\ntool whole { risk = low }\n"
);

snap!(
    unexpected_end_of_file,
    "tool a {\n  risk = low\n  params {\n"
);

snap!(
    bad_escape_is_a_literal_error,
    "tool a { pattern = \"\\d+\" }\n"
);

snap!(template_for_unknown_kind, "template t for widget { }\n");

/// A gallery of everyday mistakes, one file each, to keep the messages human.
#[test]
fn common_mistakes() {
    let cases = [
        "tool t { risk = }",
        "agent a { model: model.y }",
        "tool t { limits { timeout = 30 s } }",
        "agent x template.t()",
        "template t agent { }",
        "tool t { params { q: } }",
        "workflow w { step s { when = a == } }",
        "tool t { version = 1.2.3 }",
        "tool { risk = low }",
        "tool t { tags = [\"a\" \"b\"] }",
        "agent a = template.t(x = 1 y = 2)",
        "tool t { risk = low; }",
        "model m@1.2 { provider = \"x\" }",
        "tool t { a = tool.x@^x.y }",
        "tool t { a = input.x@1 }",
        "tool t { a = param.x.y }",
        "tool t { a = model.a.b }",
        "tool t { a = \"${}\" }",
        "tool t { a = 9007199254740992 }",
        "tool t { a = 5/fortnight  b = 12XB  c = 1e5 }",
    ];
    let mut out = String::new();
    for src in cases {
        out.push_str(&format!("## {src}\n{}\n", case(src)));
    }
    insta::assert_snapshot!(out);
}
