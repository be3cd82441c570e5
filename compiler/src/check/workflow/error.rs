//! The problems the workflow checker finds in a step's kind and data flow, as
//! facts; [`Problem::into_diagnostic`] is the one place their text is written.

use crate::diag::Diagnostic;
use crate::source::Span;

/// One problem in a workflow.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// PM0405: none or several of `agent`, `select`, `tool` (`given`: those set,
    /// with their spans).
    StepKind {
        header: Span,
        step: String,
        given: Vec<(&'static str, Span)>,
    },
    /// PM0403: no agent claims the selected capability.
    NoCandidate {
        span: Span,
        capability: String,
        step: String,
    },
    /// PM0304 (warning): incompatible personas meet in the workflow.
    IncompatiblePersonas {
        span: Span,
        persona: String,
        step: String,
        other: String,
        other_step: String,
        other_span: Span,
    },
    /// PM0203: a step's own `output` is not the type its tool or agent returns.
    OutputDisagrees {
        span: Span,
        step: String,
        /// `tool \`search\`` or `agent \`writer\``, and what it declares.
        target: String,
        declared: String,
        returns: String,
    },
    /// PM0404: `when` is not a bool.
    WhenNotBool { span: Span, found: String },
    /// PM0404: `for_each` does not name an input field.
    ForEachNotInput { span: Span, found: String },
    /// PM0404: `for_each` is not a list.
    ForEachNotList { span: Span, found: String },
    /// PM0404: `item` outside `for_each`.
    ItemOutsideForEach { span: Span, in_result: bool },
    /// PM0404: a value kind that is not an expression (a reference, a block, …).
    NotAnExpression { span: Span, found: String },
    /// PM0404: `input` without a field.
    InputWithoutField { span: Span },
    /// PM0404: `input.FIELD` naming no field.
    UnknownInput {
        span: Span,
        field: String,
        suggestion: Option<String>,
    },
    /// PM0404: `step` without a name.
    StepWithoutName { span: Span },
    /// PM0404: `step.N` that does not run before the using step.
    NotAncestor { span: Span, step: String },
    /// PM0404: `step.N.x` where x is neither `output` nor `status`.
    StepMember { span: Span, step: String },
    /// PM0404: an unknown first name in an expression.
    UnknownName { span: Span, name: String },
    /// PM0404: `.FIELD` on a type without it; `of`: what was selected from,
    /// `fields`: the known fields (empty for a non-object).
    UnknownField {
        span: Span,
        field: String,
        of: String,
        is_object: bool,
        suggestion: Option<String>,
    },
    /// PM0404: an operand of `!`, `&&`, `||` that is not a bool.
    NotBool {
        span: Span,
        op: String,
        found: String,
    },
    /// PM0404: an enum (or status) compared with a literal outside it.
    OutsideEnum {
        span: Span,
        literal: String,
        allowed: Vec<String>,
        op: String,
        suggestion: Option<String>,
    },
    /// PM0404: `==`/`!=` between types that never compare equal.
    CannotCompare {
        span: Span,
        left: String,
        right: String,
    },
    /// PM0404: `<` and friends on values that are not ordered alike.
    CannotOrder {
        span: Span,
        op: String,
        left: String,
        right: String,
    },
    /// PM0404: a `with` binding naming no param of the tool.
    UnknownParam {
        span: Span,
        param: String,
        tool: String,
        suggestion: Option<String>,
        params: Vec<String>,
    },
    /// PM0404: required params of the tool without a binding; `span` is the
    /// `with` attribute, or the step's header when there is no `with`.
    MissingParams {
        span: Span,
        tool: String,
        missing: Vec<String>,
        has_with: bool,
    },
    /// PM0404: a binding whose type does not fit the param's.
    ParamMismatch {
        span: Span,
        param: String,
        tool: String,
        expected: String,
        found: String,
    },
    /// PM0404: a literal binding the param's schema rejects.
    ParamLiteral {
        span: Span,
        param: String,
        tool: String,
        message: String,
    },
    /// PM0404: `result` does not fit the workflow's `output`.
    ResultMismatch {
        span: Span,
        expected: String,
        found: String,
    },
}

const EXPR_NAMES: &str =
    "use `input.FIELD`, `step.NAME.output`, `step.NAME.status`, `item` or a literal";

impl Problem {
    /// The diagnostic for this problem.
    pub fn into_diagnostic(self) -> Diagnostic {
        match self {
            Problem::StepKind {
                header,
                step,
                given,
            } => step_kind(header, &step, &given),
            Problem::NoCandidate {
                span,
                capability,
                step,
            } => Diagnostic::new(
                "PM0403",
                span,
                format!("no agent provides `{capability}` for step `{step}`"),
            )
            .label("nothing can be selected")
            .help(format!(
                "declare an agent that claims `capability.{capability}` (or a more specific capability below it), or name an agent with `agent = agent.X`"
            )),
            Problem::IncompatiblePersonas {
                span,
                persona,
                step,
                other,
                other_step,
                other_span,
            } => Diagnostic::new(
                "PM0304",
                span,
                format!("personas `{persona}` and `{other}` are incompatible but meet in this workflow"),
            )
            .label(format!("step `{step}` runs with persona `{persona}`"))
            .related(other_span, format!("step `{other_step}` runs with persona `{other}`"))
            .help("use agents with compatible personas, or split the workflow"),
            Problem::OutputDisagrees {
                span,
                step,
                target,
                declared,
                returns,
            } => Diagnostic::new(
                "PM0203",
                span,
                format!("step `{step}` declares its output as `{declared}`, but {target} returns `{returns}`"),
            )
            .label("not the type the step produces")
            .help(format!("remove the step's `output` (it is {target}'s), or make the two types the same")),
            Problem::WhenNotBool { span, found } => Diagnostic::new(
                "PM0404",
                span,
                format!("`when` needs a bool, found {found}"),
            )
            .label("not a condition")
            .help("compare it with something, e.g. `when = input.depth == \"deep\"`"),
            Problem::ForEachNotInput { span, found } => {
                Diagnostic::new("PM0404", span, "`for_each` must name a list field of `input`")
                    .label(format!("found {found}"))
                    .help("write `for_each = input.FIELD` where FIELD is a `list<…>` field of the workflow's input")
            }
            Problem::ForEachNotList { span, found } => Diagnostic::new(
                "PM0404",
                span,
                format!("`for_each` needs a list, but this is {found}"),
            )
            .label("not a list")
            .help("declare the input field as `list<…>`, or iterate over another field"),
            Problem::ItemOutsideForEach { span, in_result } => {
                let d = Diagnostic::new("PM0404", span, "`item` is only defined inside `for_each`");
                if in_result {
                    d.label("a workflow's `result` has no `item`")
                        .help("return a step's output: `result = step.NAME.output`")
                } else {
                    d.label("no `for_each` on this step")
                        .help("add `for_each = input.LIST` to the step, or use `input.FIELD`")
                }
            }
            Problem::NotAnExpression { span, found } => Diagnostic::new(
                "PM0404",
                span,
                format!("{found} cannot be used in a workflow expression"),
            )
            .label("not allowed here")
            .help(EXPR_NAMES),
            Problem::InputWithoutField { span } => {
                Diagnostic::new("PM0404", span, "`input` needs a field: `input.FIELD`")
                    .label("no field named")
                    .help("name one of the fields of the workflow's `input { … }` block")
            }
            Problem::UnknownInput {
                span,
                field,
                suggestion,
            } => {
                let d = Diagnostic::new(
                    "PM0404",
                    span,
                    format!("the workflow's input has no field `{field}`"),
                )
                .label("unknown input field");
                match suggestion {
                    Some(s) => d.help(format!("did you mean `input.{s}`?")),
                    None => d.help("declare it in the workflow's `input { … }` block"),
                }
            }
            Problem::StepWithoutName { span } => {
                Diagnostic::new("PM0404", span, "`step` needs a name: `step.NAME.output`")
                    .label("no step named")
                    .help("write `step.NAME.output` or `step.NAME.status`")
            }
            Problem::NotAncestor { span, step } => Diagnostic::new(
                "PM0404",
                span,
                format!("step `{step}` does not run before this step"),
            )
            .label("not an ancestor")
            .help(format!(
                "add `step.{step}` to this step's `after` (directly or through another step)"
            )),
            Problem::StepMember { span, step } => Diagnostic::new(
                "PM0404",
                span,
                format!("use `step.{step}.output` or `step.{step}.status`"),
            )
            .label("a step exposes only `output` and `status`"),
            Problem::UnknownName { span, name } => Diagnostic::new(
                "PM0404",
                span,
                format!("unknown name `{name}` in a workflow expression"),
            )
            .label("not defined here")
            .help("use `input.FIELD`, `step.NAME.output`, `step.NAME.status` or `item`"),
            Problem::UnknownField {
                span,
                field,
                of,
                is_object,
                suggestion,
            } => {
                if is_object {
                    let d = Diagnostic::new("PM0404", span, format!("{of} has no field `{field}`"))
                        .label("unknown field");
                    match suggestion {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("select one of the fields its type declares"),
                    }
                } else {
                    Diagnostic::new("PM0404", span, format!("{of} has no field `{field}`"))
                        .label("not an object")
                        .help("only an object (or a map) has fields; use the value itself")
                }
            }
            Problem::NotBool { span, op, found } => Diagnostic::new(
                "PM0404",
                span,
                format!("{op} needs a bool, found {found}"),
            )
            .label("not a bool")
            .help("compare it with something to get a bool, e.g. `input.n > 0`"),
            Problem::OutsideEnum {
                span,
                literal,
                allowed,
                op,
                suggestion,
            } => {
                let list = quoted(&allowed);
                let d = Diagnostic::new(
                    "PM0404",
                    span,
                    format!("\"{literal}\" is not a possible value: this is {list}"),
                )
                .label(format!("`{op}` can never be true"));
                match suggestion {
                    Some(s) => d.help(format!("did you mean \"{s}\"?")),
                    None => d.help(format!("compare with one of {list}")),
                }
            }
            Problem::CannotCompare { span, left, right } => Diagnostic::new(
                "PM0404",
                span,
                format!("cannot compare {left} with {right}"),
            )
            .label("types do not match")
            .help("compare values of the same type (ints and floats compare with each other)"),
            Problem::CannotOrder {
                span,
                op,
                left,
                right,
            } => Diagnostic::new(
                "PM0404",
                span,
                format!("`{op}` needs two numbers (or durations, or sizes), found {left} and {right}"),
            )
            .label("cannot be ordered")
            .help("order numbers with numbers, durations with durations and sizes with sizes"),
            Problem::UnknownParam {
                span,
                param,
                tool,
                suggestion,
                params,
            } => {
                let d = Diagnostic::new(
                    "PM0404",
                    span,
                    format!("tool `{tool}` has no param `{param}`"),
                )
                .label("unknown param");
                match (suggestion, params.is_empty()) {
                    (Some(s), _) => d.help(format!("did you mean `{s}`?")),
                    (None, true) => d.help(format!("tool `{tool}` takes no params: remove the binding")),
                    (None, false) => d.help(format!("its params are {}", backticked(&params))),
                }
            }
            Problem::MissingParams {
                span,
                tool,
                missing,
                has_with,
            } => {
                let (noun, first) = match missing.as_slice() {
                    [one] => ("param", one.as_str()),
                    [first, ..] => ("params", first.as_str()),
                    [] => ("params", ""),
                };
                let d = Diagnostic::new(
                    "PM0404",
                    span,
                    format!("tool `{tool}` needs required {noun} {}", backticked(&missing)),
                );
                if has_with {
                    d.label("not bound here")
                        .help(format!("bind each of them, e.g. `{first} = input.{first}`"))
                } else {
                    d.label("this tool step has no `with`").help(format!(
                        "add `with {{ {first} = input.{first} }}` (one binding per required param)"
                    ))
                }
            }
            Problem::ParamMismatch {
                span,
                param,
                tool,
                expected,
                found,
            } => Diagnostic::new(
                "PM0404",
                span,
                format!("param `{param}` of tool `{tool}` takes `{expected}`, but this is `{found}`"),
            )
            .label("does not fit the param's type")
            .help(format!("bind `{param}` to a value of type `{expected}`")),
            Problem::ParamLiteral {
                span,
                param,
                tool,
                message,
            } => Diagnostic::new(
                "PM0404",
                span,
                format!("this value does not fit param `{param}` of tool `{tool}`: {message}"),
            )
            .label("rejected by the param's schema")
            .help(format!("give `{param}` a value its type accepts")),
            Problem::ResultMismatch {
                span,
                expected,
                found,
            } => Diagnostic::new(
                "PM0404",
                span,
                format!("the workflow's `output` is `{expected}`, but `result` is `{found}`"),
            )
            .label("does not fit `output`")
            .help("return a value of the `output` type, or change `output` to what `result` gives"),
        }
    }
}

fn step_kind(header: Span, step: &str, given: &[(&'static str, Span)]) -> Diagnostic {
    let help = "give exactly one: `agent = agent.X` for a fixed agent, `select = capability.X` \
                to let any capable agent run it, or `tool = tool.X` to call a tool directly";
    match given {
        [] => Diagnostic::new(
            "PM0405",
            header,
            format!("step `{step}` has none of `agent`, `select` and `tool`"),
        )
        .label("this step runs nothing")
        .help(help),
        [.., _] => {
            let names: Vec<String> = given.iter().map(|(n, _)| format!("`{n}`")).collect();
            let mut d = Diagnostic::new(
                "PM0405",
                header,
                format!("step `{step}` has {}", and_list(&names)),
            )
            .label("this step says more than one way to run")
            .help(help);
            for (name, span) in given {
                d = d.related(*span, format!("`{name}` given here"));
            }
            d
        }
    }
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("both {a} and {b}"),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn backticked(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
