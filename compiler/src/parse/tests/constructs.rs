//! One test per grammar construct: the AST the parser builds for valid input.

use super::{attr, body, one, parse_str, value_of};
use crate::ast::*;

fn str_of(v: &ValueKind) -> String {
    match v {
        ValueKind::Str(s) => s.as_plain().unwrap_or_else(|| "<interp>".into()),
        other => panic!("not a string: {other:?}"),
    }
}

#[test]
fn declaration_forms_and_headers() {
    let d = one("/// Doc one.\n///  two\n/// \ntool web_search@1.2.0 { risk = low }");
    assert_eq!(d.kind, Kind::Tool);
    assert_eq!(d.name.name, "web_search");
    assert_eq!(d.doc.as_deref(), Some("Doc one.\n two\n"));
    assert_eq!(
        d.version.as_ref().and_then(|v| v.value.clone()),
        semver::Version::parse("1.2.0").ok()
    );
    let (_, _, map) = parse_str("tool web_search@1.2.0 { risk = low }");
    let (d2, _, _) = parse_str("tool web_search@1.2.0 { risk = low }");
    assert_eq!(map.slice(d2[0].header), "tool web_search@1.2.0");
    assert_eq!(
        map.slice(d2[0].span),
        "tool web_search@1.2.0 { risk = low }"
    );
    assert_eq!(d.id(), "web_search@1.2.0");

    let c = one("capability web.search { description = \"x\" }");
    assert_eq!(
        (c.kind, c.name.name.as_str()),
        (Kind::Capability, "web.search")
    );
    for kw in ["agent", "model", "workflow", "persona", "service"] {
        let d = one(&format!("{kw} x {{}}"));
        assert_eq!(d.kind.keyword(), kw);
    }
}

#[test]
fn four_slashes_and_stray_docs_are_plain_comments() {
    assert_eq!(one("//// not doc\ntool a {}").doc, None);
    assert_eq!(one("/// stray\n// plain\ntool a {}").doc, None);
    let (d, e, _) = parse_str("/// dangling at the end\n");
    assert!(d.is_empty() && e.is_empty());
    // Doc lines are consecutive and right before the declaration.
    assert_eq!(one("/// section\n\ntool a {}").doc, None);
    assert_eq!(
        one("/// old\n\n/// new\n  tool a {}").doc.as_deref(),
        Some("new")
    );
    assert_eq!(
        one("/// a\r\n/// b\r\ntool a {}").doc.as_deref(),
        Some("a\nb")
    );
}

/// Found by fuzzing (`fmt`): a doc line's trailing blanks, which the formatter
/// drops, are no part of the doc, of a declaration or of a field.
#[test]
fn a_doc_lines_trailing_blanks_are_not_part_of_it() {
    assert_eq!(
        one("/// a \t\n///  b  \r\ntool a {}").doc.as_deref(),
        Some("a\n b")
    );
    let d = one("tool a { params {\n  /// one \n  /// two\t\n  q: string\n} }");
    let DeclBody::Attrs(b) = &d.body else {
        panic!("not attributes: {:?}", d.body)
    };
    let Some(Item::Attr(params)) = b.items.first() else {
        panic!("no params")
    };
    let ValueKind::Block(p) = &params.value.kind else {
        panic!("params is not a block")
    };
    let Some(Item::Field(q)) = p.items.first() else {
        panic!("no field")
    };
    assert_eq!(q.doc.as_deref(), Some("one\ntwo"));
}

#[test]
fn kind_words_are_keys_inside_blocks() {
    let d = one("agent a { model = model.gpt4o  tool = 1  template = x }");
    let v = value_of(&d, "model");
    match v {
        ValueKind::Ref(r) => {
            assert_eq!(
                (r.kind, r.name.as_str(), r.written.as_str()),
                (Kind::Model, "gpt4o", "model.gpt4o")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(value_of(&d, "tool"), &ValueKind::Int(1));
}

#[test]
fn strings_escapes_dedent_interpolation() {
    let src = "tool t {\n  a = \"x\\ty\\\"\\\\\\$\\u{e9}\"\n  b = \"\"\"\n      line one\n        two\n      \"\"\"\n  c = \"Hi ${who}!\"\n  d = \"\"\n}";
    let d = one(src);
    assert_eq!(str_of(value_of(&d, "a")), "x\ty\"\\$é");
    assert_eq!(str_of(value_of(&d, "b")), "line one\n  two");
    assert_eq!(str_of(value_of(&d, "d")), "");
    let (_, _, map) = parse_str(src);
    match value_of(&d, "c") {
        ValueKind::Str(s) => {
            assert_eq!(s.parts.len(), 3);
            match &s.parts[1] {
                StrPart::Interp(i) => {
                    assert_eq!(i.name, "who");
                    assert_eq!(map.slice(i.span), "${who}");
                }
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn numbers_units_bools_words() {
    let d = one("tool t { a = 128000 b = -3 c = 0.25 d = -0.1 e = 30s f = 256MB g = 60/m h = 1KiB i = true j = false k = analytical }");
    assert_eq!(value_of(&d, "a"), &ValueKind::Int(128_000));
    assert_eq!(value_of(&d, "b"), &ValueKind::Int(-3));
    assert_eq!(value_of(&d, "c"), &ValueKind::Float(0.25));
    assert_eq!(value_of(&d, "d"), &ValueKind::Float(-0.1));
    assert_eq!(value_of(&d, "e"), &ValueKind::Duration(30_000));
    assert_eq!(value_of(&d, "f"), &ValueKind::Size(256_000_000));
    assert_eq!(
        value_of(&d, "g"),
        &ValueKind::Rate {
            count: 60,
            window_ms: 60_000
        }
    );
    assert_eq!(value_of(&d, "h"), &ValueKind::Size(1024));
    assert_eq!(value_of(&d, "i"), &ValueKind::Bool(true));
    assert_eq!(value_of(&d, "j"), &ValueKind::Bool(false));
    assert_eq!(value_of(&d, "k"), &ValueKind::Word("analytical".into()));
}

#[test]
fn invalid_literals_keep_the_declaration() {
    let (d, e, _) = parse_str("tool t { a = 30parsecs  b = 1.5s  c = \"\\d\" }");
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(e.iter().all(|x| x.code == "PM0002"));
    assert_eq!(d.len(), 1);
    assert!(!d[0].is_broken());
    assert_eq!(value_of(&d[0], "a"), &ValueKind::Invalid);
    assert_eq!(value_of(&d[0], "c"), &ValueKind::Invalid);
}

#[test]
fn bad_versions_are_pm0002_and_keep_the_declaration() {
    for v in ["1.2", "1.2.0+build", "x"] {
        let (d, e, map) = parse_str(&format!("tool t@{v} {{ risk = low }}"));
        assert_eq!(e.len(), 1, "{v}");
        assert_eq!(e[0].code, "PM0002");
        assert_eq!(map.slice(e[0].primary.span), v);
        assert_eq!(d.len(), 1);
        assert!(d[0].version.as_ref().is_some_and(|x| x.value.is_none()));
        assert!(!d[0].is_broken());
    }
}

#[test]
fn references_and_requirements() {
    let d = one(
        "agent a { l = [tool.x@^1.2, tool.y@1.2.3, tool.z@1, model.m@2024.8.6, tool.q@\">=1.2, <2\", \
         capability.web.search, template.desk@~1.0.1, tool.w@>=1.4, tool.v@<3, tool.u@=2.0.0] }",
    );
    let ValueKind::List(items) = value_of(&d, "l") else {
        panic!("not a list")
    };
    let reqs: Vec<(Kind, String, Option<String>)> = items
        .iter()
        .map(|v| match &v.kind {
            ValueKind::Ref(r) => (
                r.kind,
                r.name.clone(),
                r.req.as_ref().map(|q| q.req.to_string()),
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    let want = [
        (Kind::Tool, "x", Some("^1.2")),
        (Kind::Tool, "y", Some("=1.2.3")),
        (Kind::Tool, "z", Some("^1")),
        (Kind::Model, "m", Some("=2024.8.6")),
        (Kind::Tool, "q", Some(">=1.2, <2")),
        (Kind::Capability, "web.search", None),
        (Kind::Template, "desk", Some("~1.0.1")),
        (Kind::Tool, "w", Some(">=1.4")),
        (Kind::Tool, "v", Some("<3")),
        (Kind::Tool, "u", Some("=2.0.0")),
    ];
    for (got, want) in reqs.iter().zip(want) {
        assert_eq!((got.0, got.1.as_str(), got.2.as_deref()), want);
    }
    if let ValueKind::Ref(r) = &items[0].kind {
        assert_eq!(r.written, "tool.x@^1.2");
        assert_eq!(r.req.as_ref().map(|q| q.text.as_str()), Some("^1.2"));
    }
    if let ValueKind::Ref(r) = &items[4].kind {
        assert_eq!(r.req.as_ref().map(|q| q.text.as_str()), Some(">=1.2, <2"));
    }
}

#[test]
fn bad_requirements_are_pm0002() {
    let (d, e, map) = parse_str("agent a { tools = [tool.x@1.2.3.4, tool.y@\"<<2\"] }");
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e.iter().all(|x| x.code == "PM0002"));
    assert_eq!(map.slice(e[0].primary.span), "1.2.3.4");
    assert_eq!(d.len(), 1);
}

#[test]
fn paths_params_env_secret_tagged() {
    let d = one(
        "service s { a = step.fetch.output  b = input.items  c = param.brain  d = env(\"K\") \
         e = secret(\"vault://p/q\")  auth = api_key { header = \"X\"  secret = env(\"ACME\") }  f = none }",
    );
    let names = |v: &ValueKind| match v {
        ValueKind::Path(p) => p
            .iter()
            .map(|i| i.name.clone())
            .collect::<Vec<_>>()
            .join("."),
        other => panic!("{other:?}"),
    };
    assert_eq!(names(value_of(&d, "a")), "step.fetch.output");
    assert_eq!(names(value_of(&d, "b")), "input.items");
    assert!(matches!(value_of(&d, "c"), ValueKind::Param(i) if i.name == "brain"));
    assert_eq!(value_of(&d, "d"), &ValueKind::Env("K".into()));
    assert_eq!(value_of(&d, "e"), &ValueKind::Secret("vault://p/q".into()));
    match value_of(&d, "auth") {
        ValueKind::Tagged(w, b) => {
            assert_eq!(w.name, "api_key");
            assert_eq!(b.items.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(value_of(&d, "f"), &ValueKind::Word("none".into()));
}

#[test]
fn lists_and_blocks() {
    let d = one("tool t { a = [1, 2, 3,]  b = []  c = [[x], [y, z]]  limits { timeout = 30s, memory = 1MB }  e = { k = 1 } }");
    assert!(matches!(value_of(&d, "a"), ValueKind::List(v) if v.len() == 3));
    assert!(matches!(value_of(&d, "b"), ValueKind::List(v) if v.is_empty()));
    assert!(matches!(value_of(&d, "c"), ValueKind::List(v) if v.len() == 2));
    assert!(matches!(value_of(&d, "limits"), ValueKind::Block(b) if b.items.len() == 2));
    assert!(matches!(value_of(&d, "e"), ValueKind::Block(b) if b.items.len() == 1));
}

#[test]
fn fields_types_constraints_defaults() {
    let d = one(
        "tool t { params {\n  query: string { min_len = 1  max_len = 200 }\n  max_results: int { min = 1  max = 20 } = 5\n  \
         region: \"us\" | \"eu\" = \"us\"\n  site?: string { format = \"hostname\" }\n  tags: list<string> { unique = true } = []\n  \
         filter?: object { field: string  op: \"eq\" | \"lt\"  value: float }\n  m: map<list<int>>\n  requires { site = [region] }\n}\n  \
         returns: list<object { title: string }> }",
    );
    let DeclBody::Attrs(b) = &d.body else {
        panic!()
    };
    let ValueKind::Block(params) = &attr(b, "params").value.kind else {
        panic!()
    };
    let fields: Vec<&Field> = params.fields().collect();
    assert_eq!(fields.len(), 7);
    assert!(fields[0].constraints.is_some() && fields[0].default.is_none());
    assert_eq!(
        fields[1].default.as_ref().map(|v| &v.kind),
        Some(&ValueKind::Int(5))
    );
    match &fields[2].ty.kind {
        TypeKind::Union(l) => assert_eq!(
            l.iter().map(|s| s.value.as_str()).collect::<Vec<_>>(),
            ["us", "eu"]
        ),
        other => panic!("{other:?}"),
    }
    assert!(fields[3].optional && !fields[2].optional);
    assert!(
        matches!(&fields[4].ty.kind, TypeKind::List(t) if matches!(&t.kind, TypeKind::Named(n) if n.name == "string"))
    );
    assert!(matches!(&fields[5].ty.kind, TypeKind::Object(o) if o.fields().count() == 3));
    assert!(matches!(&fields[6].ty.kind, TypeKind::Map(t) if matches!(t.kind, TypeKind::List(_))));
    assert!(matches!(
        &params.attr("requires").map(|a| &a.value.kind),
        Some(ValueKind::Block(_))
    ));
    let returns = b.fields().find(|f| f.name.name == "returns");
    assert!(matches!(
        returns.map(|f| &f.ty.kind),
        Some(TypeKind::List(_))
    ));
}

#[test]
fn workflows_steps_and_expressions() {
    let d = one(
        "workflow w { input { depth: \"brief\" | \"deep\" = \"brief\" }  output: string\n  step gather { select = capability.acme.search }\n  \
         step write { agent = agent.scribe  after = [step.gather]  when = !input.quick || input.depth == \"deep\" && step.gather.status != \"failed\"  with { x = step.gather.output } }\n}",
    );
    let DeclBody::Attrs(b) = &d.body else {
        panic!()
    };
    let steps: Vec<&Step> = b.steps().collect();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0].name.name, "gather");
    let when = &steps[1].body.attr("when").map(|a| &a.value.kind);
    let Some(ValueKind::Expr(e)) = when else {
        panic!("{when:?}")
    };
    // !a || (b == c && d != e)
    let ExprKind::Binary(BinOp::Or, l, r) = &e.kind else {
        panic!("{e:?}")
    };
    assert!(matches!(l.kind, ExprKind::Not(_)));
    let ExprKind::Binary(BinOp::And, rl, rr) = &r.kind else {
        panic!("{r:?}")
    };
    assert!(matches!(rl.kind, ExprKind::Binary(BinOp::Eq, _, _)));
    assert!(matches!(rr.kind, ExprKind::Binary(BinOp::Ne, _, _)));
    // A value without operators stays plain.
    assert!(matches!(
        steps[1].body.attr("after").map(|a| &a.value.kind),
        Some(ValueKind::List(_))
    ));
}

#[test]
fn expression_parentheses_and_comparisons() {
    let d = one("workflow w { step s { when = (a || b) && !(c < 3)  p = (x)  q = 1 <= 2 } }");
    let DeclBody::Attrs(b) = &d.body else {
        panic!()
    };
    let s = b.steps().next().expect("step");
    let Some(ValueKind::Expr(e)) = s.body.attr("when").map(|a| &a.value.kind) else {
        panic!()
    };
    let ExprKind::Binary(BinOp::And, l, r) = &e.kind else {
        panic!("{e:?}")
    };
    assert!(matches!(l.kind, ExprKind::Binary(BinOp::Or, _, _)));
    assert!(
        matches!(&r.kind, ExprKind::Not(x) if matches!(x.kind, ExprKind::Binary(BinOp::Lt, _, _)))
    );
    assert_eq!(
        s.body.attr("p").map(|a| &a.value.kind),
        Some(&ValueKind::Word("x".into()))
    );
    assert!(matches!(
        s.body.attr("q").map(|a| &a.value.kind),
        Some(ValueKind::Expr(_))
    ));
}

#[test]
fn templates_params_and_instances() {
    let src = "template support_agent@1.0.0 for agent extends template.base@^1 {\n  param domain: string { pattern = \"^[a-z_]+$\" }\n  \
               param tier: \"basic\" | \"premium\" = \"basic\"\n  param brain?: model = model.gpt4o\n  param tools: list<tool> = []\n  \
               description = \"Support for ${domain}\"\n  model = param.brain\n}\n\
               agent billing = template.support_agent(domain = \"billing\", tier = \"premium\",) {\n  tools = [tool.kb]\n}\n\
               agent plain = template.support_agent()\n";
    let (d, e, map) = parse_str(src);
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(d.len(), 3);
    let DeclBody::Template(t) = &d[0].body else {
        panic!()
    };
    assert_eq!(d[0].kind, Kind::Template);
    assert_eq!(t.for_kind, Kind::Agent);
    assert_eq!(
        t.extends.as_ref().map(|r| r.written.as_str()),
        Some("template.base@^1")
    );
    let params: Vec<&Field> = t.params().collect();
    assert_eq!(params.len(), 4);
    assert!(params[2].optional);
    assert!(matches!(&params[2].ty.kind, TypeKind::Named(n) if n.name == "model"));
    let DeclBody::Instance(i) = &d[1].body else {
        panic!()
    };
    assert_eq!(i.template.name, "support_agent");
    assert_eq!(i.args.len(), 2);
    assert_eq!(i.args[0].name.name, "domain");
    assert!(i.overrides.is_some());
    assert_eq!(
        map.slice(i.call_span),
        "template.support_agent(domain = \"billing\", tier = \"premium\",)"
    );
    let DeclBody::Instance(i) = &d[2].body else {
        panic!()
    };
    assert!(i.args.is_empty() && i.overrides.is_none());
}

#[test]
fn commas_comments_and_crlf_are_separators() {
    let d = one(
        "tool t {\r\n  a = 1, b = 2 /* c = 3 */\r\n  // d = 4\r\n  e = [1, /* x */ 2]\r\n}\r\n",
    );
    let DeclBody::Attrs(b) = &d.body else {
        panic!()
    };
    assert_eq!(b.items.len(), 3);
    assert_eq!(
        body(&d).attr("b").map(|a| &a.value.kind),
        Some(&ValueKind::Int(2))
    );
}

#[test]
fn spans_end_at_the_last_token() {
    let src = "tool t {\n  a = x   // c\n  b = tool.y@^1  \n  f: \"u\" | \"v\"  \n  g?: int = 3 /* c */\n  h = a == b   \n}";
    let (d, e, map) = parse_str(src);
    assert!(e.is_empty(), "{e:?}");
    let b = super::body(&d[0]);
    let spans: Vec<&str> = b.items.iter().map(|i| map.slice(i.span())).collect();
    assert_eq!(
        spans,
        [
            "a = x",
            "b = tool.y@^1",
            "f: \"u\" | \"v\"",
            "g?: int = 3",
            "h = a == b"
        ]
    );
    assert_eq!(map.slice(attr(b, "a").value.span), "x");
    assert_eq!(map.slice(attr(b, "b").value.span), "tool.y@^1");
    assert_eq!(map.slice(attr(b, "h").value.span), "a == b");
    let f = b.fields().next().map(|f| map.slice(f.ty.span));
    assert_eq!(f, Some("\"u\" | \"v\""));
    let (d, _, map) = parse_str("agent x = template.t(a = 1 , b = c  )  \n");
    assert_eq!(
        map.slice(d[0].span),
        "agent x = template.t(a = 1 , b = c  )"
    );
    let DeclBody::Instance(i) = &d[0].body else {
        panic!()
    };
    assert_eq!(map.slice(i.args[0].span), "a = 1");
    assert_eq!(map.slice(i.args[1].span), "b = c");
}

#[test]
fn comments_anywhere_whitespace_is() {
    let d = one(
        "tool /* a */ t /* b */ { // { \"\n  risk /* é { */ = /* x */ low // trailing ü\n  /// not a doc here\n  l = [1, /* ] */ 2]\n}",
    );
    assert_eq!(value_of(&d, "risk"), &ValueKind::Word("low".into()));
    assert!(matches!(value_of(&d, "l"), ValueKind::List(v) if v.len() == 2));
    let (_, e, map) = parse_str("persona p {\n  tone // comment \"x\"\n  \"warm\"\n}\n");
    assert_eq!(e.len(), 1);
    assert_eq!(
        e[0].message,
        "expected `=`, `{` or `:` after `tone`, found a string"
    );
    assert_eq!(map.start(e[0].primary.span).line, 3);
}

#[test]
fn env_secret_and_bools_are_words_with_meaning() {
    let d = one("service s { a = env(\"A\")  b = secret ( \"vault://x\" )  c = true  d = secret  e = envy }");
    assert_eq!(value_of(&d, "a"), &ValueKind::Env("A".into()));
    assert_eq!(value_of(&d, "b"), &ValueKind::Secret("vault://x".into()));
    assert_eq!(value_of(&d, "c"), &ValueKind::Bool(true));
    assert_eq!(value_of(&d, "d"), &ValueKind::Word("secret".into()));
    assert_eq!(value_of(&d, "e"), &ValueKind::Word("envy".into()));
    for bad in [
        "env()",
        "env(\"a\", \"b\")",
        "env(X)",
        "getenv(\"A\")",
        "tool.x { }",
        "tool.x @^1",
        "tool.x@1 { }",
        "x@1",
    ] {
        let (d, e, _) = parse_str(&format!("service s {{ a = {bad} }}"));
        assert_eq!(e.len(), 1, "{bad}: {e:?}");
        assert_eq!(e[0].code, "PM0001", "{bad}");
        assert!(d[0].is_broken(), "{bad}");
    }
}
