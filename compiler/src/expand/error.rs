//! The problems `expand` finds, as facts; [`Problem::into_diagnostic`] is the one
//! place their text is written.

use crate::ast::Kind;
use crate::diag::Diagnostic;
use crate::source::Span;

/// One problem found while expanding templates.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// PM0102: `agent x = tool.y(…)` or `extends tool.y`.
    NotATemplate { span: Span, written: String },
    /// PM0101 (PM0102 when the name exists under other kinds).
    UnknownTemplate {
        span: Span,
        name: String,
        suggestion: Option<String>,
        other_kinds: Vec<Kind>,
    },
    /// PM0104: the name exists but no version satisfies the requirement.
    NoMatchingVersion {
        span: Span,
        written: String,
        available: Vec<String>,
    },
    /// PM0105: only retired versions satisfy the requirement.
    OnlyRetired {
        span: Span,
        written: String,
        retired: Vec<String>,
    },
    /// PM0106 (warning): the template resolved to a deprecated one.
    Deprecated {
        span: Span,
        id: String,
        header: Span,
    },
    /// PM0108: `extends` goes round; `members` in cycle order, the earliest first.
    ExtendsCycle { members: Vec<(String, Span)> },
    /// PM0601: a template extends a template `for` another kind.
    ExtendsOtherKind {
        span: Span,
        child_for: Kind,
        parent: String,
        parent_for: Kind,
        parent_for_span: Span,
    },
    /// PM0601: an instance of a template `for` another kind.
    InstanceOtherKind {
        call: Span,
        kind: Kind,
        template: String,
        template_for: Kind,
        for_span: Span,
    },
    /// PM0601: required params without an argument; `(name, param span)`.
    MissingArgs {
        call: Span,
        template: String,
        missing: Vec<(String, Span)>,
    },
    /// PM0601: an argument no param of the template (chain) declares.
    UnknownArg {
        span: Span,
        name: String,
        template: String,
        suggestion: Option<String>,
    },
    /// PM0601: the same argument twice.
    DuplicateArg {
        span: Span,
        name: String,
        first: Span,
    },
    /// PM0601: an argument of the wrong type or breaking a constraint.
    BadArg {
        span: Span,
        name: String,
        problem: String,
        param: Span,
    },
    /// PM0602: `param.x` / `${x}` naming no param of the template (chain).
    UnknownParam {
        span: Span,
        name: String,
        template: String,
        header: Span,
        suggestion: Option<String>,
    },
    /// PM0602: `param.x` / `${x}` in a param's own declaration.
    ParamInParam { span: Span, name: String },
    /// PM0602: `param.x` / `${x}` outside any template.
    OutsideTemplate { span: Span, name: String },
    /// PM0206: a union param in an enum slot (`kind = param.k`) with members that
    /// are not words of the enum; `param_span` is the param's type.
    UnionOutsideEnum {
        span: Span,
        attr: String,
        param: String,
        outside: Vec<String>,
        words: Vec<&'static str>,
        param_span: Span,
    },
}

impl Problem {
    /// The diagnostic for this problem.
    pub fn into_diagnostic(self) -> Diagnostic {
        match self {
            Problem::NotATemplate { span, written } => {
                Diagnostic::new("PM0102", span, format!("`{written}` is not a template"))
                    .label("expected `template.NAME`")
                    .help("only a template can be instantiated or extended: write `template.NAME`")
            }
            Problem::UnknownTemplate {
                span,
                name,
                suggestion,
                other_kinds,
            } => unknown_template(span, &name, suggestion, &other_kinds),
            Problem::NoMatchingVersion {
                span,
                written,
                available,
            } => Diagnostic::new(
                "PM0104",
                span,
                format!("no version of the template satisfies `{written}`"),
            )
            .label("no matching version")
            .note(format!("declared: {}", available.join(", "))),
            Problem::OnlyRetired {
                span,
                written,
                retired,
            } => Diagnostic::new(
                "PM0105",
                span,
                format!("only retired versions of the template satisfy `{written}`"),
            )
            .label("every matching version is retired")
            .note(format!("retired: {}", retired.join(", ")))
            .help("use a version that is not retired"),
            Problem::Deprecated { span, id, header } => Diagnostic::new(
                "PM0106",
                span,
                format!("template `{id}` is deprecated"),
            )
            .label("deprecated template")
            .related(header, "declared deprecated here"),
            Problem::ExtendsCycle { members } => extends_cycle(&members),
            Problem::ExtendsOtherKind {
                span,
                child_for,
                parent,
                parent_for,
                parent_for_span,
            } => Diagnostic::new(
                "PM0601",
                span,
                format!(
                    "a template for {child_for} cannot extend template `{parent}`, which is for {parent_for}"
                ),
            )
            .label(format!("template for {parent_for}"))
            .related(parent_for_span, format!("`{parent}` is for {parent_for}"))
            .help(format!("extend a template declared `for {child_for}`")),
            Problem::InstanceOtherKind {
                call,
                kind,
                template,
                template_for,
                for_span,
            } => Diagnostic::new(
                "PM0601",
                call,
                format!("template `{template}` is for {template_for}, not {kind}"),
            )
            .label(format!(
                "{} cannot be made from a template for {template_for}",
                kind.with_article()
            ))
            .related(for_span, format!("`{template}` is declared for {template_for}"))
            .help(format!("declare this as `{template_for} …`, or use a template for {kind}")),
            Problem::MissingArgs {
                call,
                template,
                missing,
            } => missing_args(call, &template, &missing),
            Problem::UnknownArg {
                span,
                name,
                template,
                suggestion,
            } => {
                let d = Diagnostic::new(
                    "PM0601",
                    span,
                    format!("template `{template}` has no param `{name}`"),
                )
                .label("unknown argument");
                match suggestion {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help("remove it, or declare it in the template with `param`"),
                }
            }
            Problem::DuplicateArg { span, name, first } => Diagnostic::new(
                "PM0601",
                span,
                format!("argument `{name}` is given twice"),
            )
            .label("given again here")
            .related(first, "first given here")
            .help("remove one of them"),
            Problem::BadArg {
                span,
                name,
                problem,
                param,
            } => Diagnostic::new(
                "PM0601",
                span,
                format!("argument `{name}` does not fit its param: {problem}"),
            )
            .label("does not fit the param")
            .related(param, format!("param `{name}` declared here")),
            Problem::UnknownParam {
                span,
                name,
                template,
                header,
                suggestion,
            } => {
                let d = Diagnostic::new(
                    "PM0602",
                    span,
                    format!("template `{template}` has no param `{name}`"),
                )
                .label("unknown param")
                .related(header, format!("in template `{template}`"));
                match suggestion {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("declare it: `param {name}: string`")),
                }
            }
            Problem::ParamInParam { span, name } => Diagnostic::new(
                "PM0602",
                span,
                format!("`{name}` cannot be used in a param's own declaration"),
            )
            .label("params are not substituted here")
            .help("a param's type, constraints and default must be written out"),
            Problem::OutsideTemplate { span, name } => Diagnostic::new(
                "PM0602",
                span,
                format!("template param `{name}` used outside a template"),
            )
            .label("not inside a template")
            .help("`param.NAME` and `${NAME}` only work in a template body; write `\\${` for a literal `${`"),
            Problem::UnionOutsideEnum {
                span,
                attr,
                param,
                outside,
                words,
                param_span,
            } => union_outside_enum(span, &attr, &param, &outside, &words, param_span),
        }
    }
}

fn unknown_template(
    span: Span,
    name: &str,
    suggestion: Option<String>,
    other_kinds: &[Kind],
) -> Diagnostic {
    if let Some(first) = other_kinds.first() {
        let kinds: Vec<&str> = other_kinds.iter().map(|k| k.keyword()).collect();
        return Diagnostic::new(
            "PM0102",
            span,
            format!(
                "`{name}` is not a template; it is declared as {}",
                kinds.join(", ")
            ),
        )
        .label("not a template")
        .help(format!(
            "did you mean `{first}.{name}`? Only a template can be instantiated or extended"
        ));
    }
    let d = Diagnostic::new("PM0101", span, format!("unknown template `{name}`"))
        .label("no template with this name");
    match suggestion {
        Some(s) => d.help(format!("did you mean `template.{s}`?")),
        None => d.help(format!("declare it: `template {name} for KIND {{ … }}`")),
    }
}

fn extends_cycle(members: &[(String, Span)]) -> Diagnostic {
    let mut names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    let first = names.first().copied().unwrap_or("");
    names.push(first);
    let path = names.join(" → ");
    let span = members.first().map(|(_, s)| *s).unwrap_or_default();
    let next = |k: usize| names.get(k + 1).copied().unwrap_or(first);
    let mut d = Diagnostic::new(
        "PM0108",
        span,
        format!("templates extend each other in a cycle: {path}"),
    )
    .label(format!("`{first}` extends `{}`", next(0)))
    .help("break the cycle by removing one of the `extends`");
    for (k, (name, span)) in members.iter().enumerate().skip(1) {
        d = d.related(*span, format!("`{name}` extends `{}`", next(k)));
    }
    d
}

fn missing_args(call: Span, template: &str, missing: &[(String, Span)]) -> Diagnostic {
    let names: Vec<String> = missing.iter().map(|(n, _)| format!("`{n}`")).collect();
    let (noun, example) = match missing {
        [(one, _)] => ("argument", format!("{one} = …")),
        _ => ("arguments", names.join(" = …, ").replace('`', "") + " = …"),
    };
    let mut d = Diagnostic::new(
        "PM0601",
        call,
        format!(
            "missing {noun} {} for template `{template}`",
            names.join(", ")
        ),
    )
    .label(format!("missing {}", names.join(", ")))
    .help(format!(
        "add `{example}` to the arguments, or give the param a default"
    ));
    for (name, span) in missing {
        d = d.related(*span, format!("param `{name}` has no default"));
    }
    d
}

fn union_outside_enum(
    span: Span,
    attr: &str,
    param: &str,
    outside: &[String],
    words: &[&str],
    param_span: Span,
) -> Diagnostic {
    let quoted: Vec<String> = outside.iter().map(|w| format!("`{w}`")).collect();
    let (them, verb) = match outside {
        [_] => ("it is not a valid value", "is"),
        _ => ("they are not valid values", "are"),
    };
    Diagnostic::new(
        "PM0206",
        span,
        format!(
            "param `{param}` can be {}, but {them} for `{attr}`",
            quoted.join(", ")
        ),
    )
    .label(format!("expected one of {}", words.join(", ")))
    .related(
        param_span,
        format!(
            "{} {verb} allowed by the type of `{param}`",
            quoted.join(", ")
        ),
    )
    .help(format!(
        "limit the param's type to values of `{attr}`: {}",
        words.join(", ")
    ))
}
