//! Where a finding goes: `ref` (`KIND.ID`) names a declaration, whose header gets
//! the diagnostic; `attr` (`governance.audit`, `tools[1]`, `steps.gather.agent`)
//! narrows it to an attribute, a list element or a step found in the syntax tree.

use crate::ast::{Block, DeclBody, Kind, Value, ValueKind};
use crate::check::Checked;
use crate::source::Span;

/// Where a finding with a known `ref` goes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Placement {
    /// The attribute's span when `attr` was found, else the declaration's header.
    pub primary: Span,
    /// `attr` was given but is not written in the declaration.
    pub attr_missing: bool,
    /// The deepest part of a missing `attr` that is written (e.g. the
    /// `governance { … }` block when `governance.audit` is not set in it).
    pub nearest: Option<(Span, String)>,
    /// For a template instance whose `attr` is written in the template rather
    /// than in the instance: the template's text there (the primary is then the
    /// instance) and the template's id.
    pub template: Option<(Span, String)>,
}

/// The declaration a `ref` names, or `None` when there is none.
pub(crate) fn place(checked: &Checked, reference: &str, attr: Option<&str>) -> Option<Placement> {
    let (kind, id) = split_ref(reference)?;
    let unit = checked
        .units
        .get(*checked.index.get(&(kind, id.to_owned()))?)?;
    let decl = &unit.decl;
    let mut placement = Placement {
        primary: decl.header,
        attr_missing: false,
        nearest: None,
        template: None,
    };
    let Some(attr) = attr else {
        return Some(placement);
    };
    let root = match &decl.body {
        DeclBody::Attrs(b) => Some(b),
        DeclBody::Instance(i) => i.overrides.as_ref(),
        DeclBody::Template(t) => Some(&t.body),
        DeclBody::Broken => None,
    };
    match (parse_path(attr), root) {
        (Some(path), Some(root)) => match find(root, &path) {
            Found::All(span) => placement.primary = span,
            Found::Partial(span, depth) => {
                placement.attr_missing = true;
                placement.nearest = Some((span, render(path.get(..depth).unwrap_or(&[]))));
            }
            Found::Nothing => placement.attr_missing = true,
        },
        _ => placement.attr_missing = true,
    }
    // Argument-dependent, like the other errors found in a template's body: the
    // instance is where the declaration is, the template's line is related.
    if let Some(origin) = &unit.origin {
        let own = decl.span;
        let p = placement.primary;
        let inside = p.file == own.file && p.start >= own.start && p.end <= own.end;
        if !inside {
            placement.template = Some((p, origin.template.clone()));
            placement.primary = origin.instance;
        }
    }
    Some(placement)
}

/// `agent.researcher@1.0.0` → (Agent, `researcher@1.0.0`); `capability.web.search`
/// → (Capability, `web.search`).
pub(crate) fn split_ref(reference: &str) -> Option<(Kind, &str)> {
    let (word, id) = reference.split_once('.')?;
    let kind = Kind::from_keyword(word)?;
    (!id.is_empty()).then_some((kind, id))
}

/// One step of an `attr` path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// Parses `a.b[1].c`; `None` when it is not such a path.
pub(crate) fn parse_path(path: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let key_end = part.find('[').unwrap_or(part.len());
        let key = part.get(..key_end)?;
        if key.is_empty() || key.contains(']') {
            return None;
        }
        out.push(Segment::Key(key.to_owned()));
        let mut rest = part.get(key_end..)?;
        while !rest.is_empty() {
            let (n, after) = rest.strip_prefix('[')?.split_once(']')?;
            out.push(Segment::Index(n.parse().ok()?));
            rest = after;
        }
    }
    Some(out)
}

fn render(path: &[Segment]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Segment::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Segment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

enum Found {
    All(Span),
    /// The span of the deepest segment found and how many segments matched.
    Partial(Span, usize),
    Nothing,
}

/// Where the walk stands: in a block, at a value, or in a workflow's steps.
#[derive(Clone, Copy)]
enum Node<'a> {
    Block(&'a Block),
    Value(&'a Value),
    Steps(&'a Block),
}

fn find(root: &Block, path: &[Segment]) -> Found {
    let mut node = Node::Block(root);
    let mut last: Option<Span> = None;
    for (depth, seg) in path.iter().enumerate() {
        let next = step(node, seg);
        match next {
            Some((span, n)) => {
                // `steps` is transparent: it has no span of its own.
                if let Some(span) = span {
                    last = Some(span);
                }
                node = n;
            }
            None => {
                return match last {
                    Some(span) => Found::Partial(span, depth),
                    None => Found::Nothing,
                }
            }
        }
    }
    match last {
        Some(span) => Found::All(span),
        None => Found::Nothing,
    }
}

/// One step of the walk: the span reached (if any) and the next node.
fn step<'a>(node: Node<'a>, seg: &Segment) -> Option<(Option<Span>, Node<'a>)> {
    match (node, seg) {
        (Node::Block(b), Segment::Key(k)) => {
            if let Some(a) = b.attr(k) {
                // `key = value` exactly (an attribute's own span may run on over
                // trailing blanks and comments).
                let span = a.key.span.to(a.value.span);
                return Some((Some(span), Node::Value(&a.value)));
            }
            if k == "steps" && b.steps().next().is_some() {
                return Some((None, Node::Steps(b)));
            }
            if let Some(f) = b.fields().find(|f| f.name.name == k) {
                let next = match &f.ty.kind {
                    crate::ast::TypeKind::Object(ob) => Node::Block(ob),
                    _ => Node::Block(f.constraints.as_ref()?),
                };
                return Some((Some(f.span), next));
            }
            let s = b.steps().find(|s| s.name.name == k)?;
            Some((Some(s.header), Node::Block(&s.body)))
        }
        (Node::Steps(b), Segment::Key(k)) => {
            let s = b.steps().find(|s| s.name.name == k)?;
            Some((Some(s.header), Node::Block(&s.body)))
        }
        (Node::Value(v), Segment::Key(_)) => match &v.kind {
            ValueKind::Block(b) | ValueKind::Tagged(_, b) => step(Node::Block(b), seg),
            _ => None,
        },
        (Node::Value(v), Segment::Index(i)) => match &v.kind {
            ValueKind::List(items) => {
                let item = items.get(*i)?;
                Some((Some(item.span), Node::Value(item)))
            }
            _ => None,
        },
        (Node::Block(_) | Node::Steps(_), Segment::Index(_)) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse() {
        use Segment::*;
        assert_eq!(
            parse_path("governance.audit"),
            Some(vec![Key("governance".into()), Key("audit".into())])
        );
        assert_eq!(
            parse_path("tools[1]"),
            Some(vec![Key("tools".into()), Index(1)])
        );
        assert_eq!(
            parse_path("a[0][2].b"),
            Some(vec![Key("a".into()), Index(0), Index(2), Key("b".into())])
        );
        assert_eq!(parse_path("a..b"), None);
        assert_eq!(parse_path("a[x]"), None);
        assert_eq!(parse_path("a[1"), None);
        assert_eq!(parse_path("[1]"), None);
        assert_eq!(render(&parse_path("a[0].b").unwrap_or_default()), "a[0].b");
    }

    #[test]
    fn refs_split_at_the_kind() {
        assert_eq!(
            split_ref("agent.researcher@1.0.0"),
            Some((Kind::Agent, "researcher@1.0.0"))
        );
        assert_eq!(
            split_ref("capability.web.search"),
            Some((Kind::Capability, "web.search"))
        );
        assert_eq!(split_ref("robot.x"), None);
        assert_eq!(split_ref("agent."), None);
        assert_eq!(split_ref("agent"), None);
    }
}
