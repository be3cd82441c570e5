//! Cycles in a graph of declarations (capability `requires`, persona `extends`):
//! Tarjan's strongly connected components, iteratively (no recursion, so long
//! chains cannot overflow the stack), one cycle reported per component.

use std::collections::{BTreeMap, HashMap, VecDeque};

/// A cycle: its members in order, starting at the earliest one; each edge
/// (`from`, `to`) closes back to the first.
#[derive(Clone, Debug, PartialEq)]
pub struct Cycle<N> {
    pub path: Vec<N>,
}

/// Every cyclic component of the graph (`edges[n]` = successors of `n`), each
/// as one cycle through its smallest node by `order` (then by node).
pub fn find_cycles<N, K>(edges: &BTreeMap<N, Vec<N>>, order: impl Fn(&N) -> K) -> Vec<Cycle<N>>
where
    N: Copy + Ord + std::hash::Hash,
    K: Ord,
{
    let mut out = Vec::new();
    for comp in components(edges) {
        let self_loop = comp
            .first()
            .is_some_and(|n| comp.len() == 1 && edges.get(n).is_some_and(|s| s.contains(n)));
        if comp.len() < 2 && !self_loop {
            continue;
        }
        let Some(start) = comp
            .iter()
            .copied()
            .min_by(|a, b| order(a).cmp(&order(b)).then(a.cmp(b)))
        else {
            continue;
        };
        let members: std::collections::HashSet<N> = comp.iter().copied().collect();
        out.push(Cycle {
            path: shortest_cycle(edges, start, &members),
        });
    }
    out.sort_by(|a, b| match (a.path.first(), b.path.first()) {
        (Some(x), Some(y)) => order(x).cmp(&order(y)).then(x.cmp(y)),
        _ => std::cmp::Ordering::Equal,
    });
    out
}

/// Breadth-first from `start` back to itself inside the component.
fn shortest_cycle<N>(
    edges: &BTreeMap<N, Vec<N>>,
    start: N,
    members: &std::collections::HashSet<N>,
) -> Vec<N>
where
    N: Copy + Ord + std::hash::Hash,
{
    let mut prev: HashMap<N, N> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for &m in edges.get(&n).map_or(&[][..], Vec::as_slice) {
            if !members.contains(&m) {
                continue;
            }
            if m == start {
                let mut path = vec![n];
                let mut cur = n;
                while cur != start {
                    match prev.get(&cur) {
                        Some(&p) => {
                            path.push(p);
                            cur = p;
                        }
                        None => break,
                    }
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(m) {
                e.insert(n);
                queue.push_back(m);
            }
        }
    }
    vec![start]
}

/// Tarjan's algorithm with an explicit stack.
fn components<N>(edges: &BTreeMap<N, Vec<N>>) -> Vec<Vec<N>>
where
    N: Copy + Ord + std::hash::Hash,
{
    let mut index: HashMap<N, (usize, usize)> = HashMap::new(); // node → (index, lowlink)
    let mut on_stack: std::collections::HashSet<N> = std::collections::HashSet::new();
    let mut stack: Vec<N> = Vec::new();
    let mut comps = Vec::new();
    let mut next = 0usize;
    let empty: Vec<N> = Vec::new();
    for &root in edges.keys() {
        if index.contains_key(&root) {
            continue;
        }
        // (node, next successor position)
        let mut work: Vec<(N, usize)> = vec![(root, 0)];
        index.insert(root, (next, next));
        next += 1;
        stack.push(root);
        on_stack.insert(root);
        while let Some(&mut (n, ref mut pos)) = work.last_mut() {
            let succ = edges.get(&n).unwrap_or(&empty);
            if let Some(&m) = succ.get(*pos) {
                *pos += 1;
                if let Some(&(mi, _)) = index.get(&m) {
                    if on_stack.contains(&m) {
                        if let Some(e) = index.get_mut(&n) {
                            e.1 = e.1.min(mi);
                        }
                    }
                } else {
                    index.insert(m, (next, next));
                    next += 1;
                    stack.push(m);
                    on_stack.insert(m);
                    work.push((m, 0));
                }
                continue;
            }
            work.pop();
            let (ni, nl) = index.get(&n).copied().unwrap_or((0, 0));
            if let Some(&(p, _)) = work.last() {
                if let Some(e) = index.get_mut(&p) {
                    e.1 = e.1.min(nl);
                }
            }
            if nl == ni {
                let mut comp = Vec::new();
                while let Some(m) = stack.pop() {
                    on_stack.remove(&m);
                    comp.push(m);
                    if m == n {
                        break;
                    }
                }
                comps.push(comp);
            }
        }
    }
    comps
}

/// The one PM0108 diagnostic of a cycle of declarations (unit indices), on its
/// first member: `what` names the relation's attribute (`capability \`requires\``),
/// `verb` reads between two members (`requires`), `spans` gives the attribute
/// span of each edge for related labels.
pub(super) fn cycle_diagnostic(
    cx: &super::Cx,
    cycle: &Cycle<usize>,
    what: &str,
    verb: &str,
    help: &str,
    spans: &std::collections::HashMap<(usize, usize), crate::source::Span>,
) -> Option<(usize, crate::diag::Diagnostic)> {
    let &first = cycle.path.first()?;
    let name = |u: usize| cx.units.get(u).map_or("", |u| u.decl.name.name.as_str());
    let mut text: Vec<&str> = cycle.path.iter().map(|&u| name(u)).collect();
    text.push(name(first));
    let header = cx.units.get(first)?.decl.header;
    let kind = cx.units.get(first).map_or("", |u| u.decl.kind.keyword());
    let mut d = crate::diag::Diagnostic::new(
        "PM0108",
        header,
        format!("{what} cycle: `{}`", text.join(" → ")),
    )
    .label(format!("this {kind} {verb} itself through the cycle"))
    .help(help);
    for (k, &from) in cycle.path.iter().enumerate() {
        let to = cycle.path.get(k + 1).copied().unwrap_or(first);
        if let Some(span) = spans.get(&(from, to)) {
            d = d.related(*span, format!("`{}` {verb} `{}`", name(from), name(to)));
        }
    }
    Some((first, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_one_cycle_per_component() {
        let mut g: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        g.insert(1, vec![2]);
        g.insert(2, vec![3]);
        g.insert(3, vec![1, 4]);
        g.insert(4, vec![]);
        g.insert(5, vec![5]);
        g.insert(6, vec![7]);
        g.insert(7, vec![]);
        let cycles = find_cycles(&g, |n| *n);
        let paths: Vec<Vec<u32>> = cycles.into_iter().map(|c| c.path).collect();
        assert_eq!(paths, vec![vec![1, 2, 3], vec![5]]);
    }

    #[test]
    fn long_chains_do_not_overflow() {
        let mut g: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for i in 0..200_000 {
            g.insert(i, vec![i + 1]);
        }
        g.insert(200_000, vec![0]);
        let cycles = find_cycles(&g, |n| *n);
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles.first().map(|c| c.path.len()), Some(200_001));
    }
}
