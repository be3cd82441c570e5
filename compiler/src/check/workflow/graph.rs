//! The step graph of one workflow: `after` edges, cycles (PM0401), unknown steps
//! (PM0402), unreachable steps and `on_error` targets (PM0405), ancestors and a
//! topological order.

use super::attr;
use crate::ast::{Ident, Step, Value, ValueKind};
use crate::diag::{suggest, Diagnostic, Diagnostics};
use std::collections::{HashMap, VecDeque};

/// The dependency graph of a workflow's steps (indices are source order).
pub(super) struct Graph<'a> {
    steps: Vec<&'a Step>,
    index: HashMap<&'a str, usize>,
    /// `deps[i]`: the steps `i` runs after.
    deps: Vec<Vec<usize>>,
    compensation: Vec<bool>,
    /// On a cycle, behind a cycle, or with an unknown `after`: already reported,
    /// so reachability and ordering say nothing more about it.
    tainted: Vec<bool>,
    /// `ancestors[i][j]`: `j` runs before `i` (transitively).
    ancestors: Vec<Vec<bool>>,
}

/// `step.NAME` as written in a value: the name, if the value has that shape.
pub(super) fn step_name(v: &Value) -> Option<&Ident> {
    match &v.kind {
        ValueKind::Path(segs) => match segs.as_slice() {
            [head, name, ..] if head.name == "step" => Some(name),
            _ => None,
        },
        _ => None,
    }
}

fn is_true(v: &Value) -> bool {
    matches!(v.kind, ValueKind::Bool(true))
}

impl<'a> Graph<'a> {
    pub(super) fn build(steps: &[&'a Step], diags: &mut Diagnostics) -> Graph<'a> {
        let n = steps.len();
        let mut index = HashMap::with_capacity(n);
        for (i, s) in steps.iter().enumerate() {
            // A second step of the same name is PM0205 from the attribute checker.
            index.entry(s.name.name.as_str()).or_insert(i);
        }
        let compensation: Vec<bool> = steps
            .iter()
            .map(|s| {
                s.body
                    .attr(attr::COMPENSATION)
                    .is_some_and(|a| is_true(&a.value))
            })
            .collect();
        let mut deps = vec![Vec::new(); n];
        let mut unknown_after = vec![false; n];
        for (i, s) in steps.iter().enumerate() {
            let Some(after) = s.body.attr(attr::AFTER) else {
                continue;
            };
            let ValueKind::List(items) = &after.value.kind else {
                continue;
            };
            for item in items {
                let Some(name) = step_name(item) else {
                    continue;
                };
                match index.get(name.name.as_str()) {
                    Some(&j) => {
                        if let Some(d) = deps.get_mut(i) {
                            if !d.contains(&j) {
                                d.push(j);
                            }
                        }
                    }
                    None => {
                        if let Some(u) = unknown_after.get_mut(i) {
                            *u = true;
                        }
                        diags.push(unknown_step(name, item.span, index.keys().copied()));
                    }
                }
            }
        }
        let mut g = Graph {
            steps: steps.to_vec(),
            index,
            deps,
            compensation,
            tainted: unknown_after,
            ancestors: Vec::new(),
        };
        g.ancestors = (0..n).map(|i| g.ancestors_of(i)).collect();
        let cyclic = g.report_cycles(diags);
        for i in 0..n {
            let behind_cycle = g.ancestors_row(i).iter().enumerate().any(|(j, &a)| {
                a && (cyclic.get(j).copied().unwrap_or(false)
                    || g.tainted.get(j).copied().unwrap_or(false))
            });
            if cyclic.get(i).copied().unwrap_or(false) || behind_cycle {
                if let Some(t) = g.tainted.get_mut(i) {
                    *t = true;
                }
            }
        }
        g.report_unreachable(diags);
        g
    }

    fn ancestors_row(&self, i: usize) -> &[bool] {
        self.ancestors.get(i).map_or(&[], Vec::as_slice)
    }

    /// Whether step `j` runs before step `i`.
    pub(super) fn is_ancestor(&self, j: usize, i: usize) -> bool {
        self.ancestors_row(i).get(j).copied().unwrap_or(false)
    }

    pub(super) fn lookup(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub(super) fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.index.keys().copied()
    }

    fn ancestors_of(&self, i: usize) -> Vec<bool> {
        let mut seen = vec![false; self.steps.len()];
        let mut stack: Vec<usize> = self.deps.get(i).cloned().unwrap_or_default();
        while let Some(j) = stack.pop() {
            if let Some(s) = seen.get_mut(j) {
                if !*s {
                    *s = true;
                    stack.extend(self.deps.get(j).into_iter().flatten().copied());
                }
            }
        }
        seen
    }

    /// One PM0401 per strongly connected component with a cycle, on its earliest
    /// member. Returns which steps lie on a cycle.
    fn report_cycles(&self, diags: &mut Diagnostics) -> Vec<bool> {
        let n = self.steps.len();
        let mut on_cycle = vec![false; n];
        let mut done = vec![false; n];
        for i in 0..n {
            if done.get(i).copied().unwrap_or(true) || !self.is_ancestor(i, i) {
                continue;
            }
            // The component of i: the steps that are both ancestors and descendants of i.
            let members: Vec<usize> = (0..n)
                .filter(|&j| j == i || (self.is_ancestor(j, i) && self.is_ancestor(i, j)))
                .collect();
            for &m in &members {
                if let Some(d) = done.get_mut(m) {
                    *d = true;
                }
                if let Some(c) = on_cycle.get_mut(m) {
                    *c = true;
                }
            }
            // Members are in source order, so the first is the earliest.
            let Some(&start) = members.first() else {
                continue;
            };
            let path = self.cycle_path(start, &members);
            let names: Vec<String> = path
                .iter()
                .filter_map(|&k| self.steps.get(k).map(|s| format!("`{}`", s.name.name)))
                .collect();
            let Some(first) = self.steps.get(start) else {
                continue;
            };
            let mut d = Diagnostic::new(
                "PM0401",
                first.header,
                format!(
                    "steps wait for each other in a cycle: {}",
                    names.join(" → ")
                ),
            )
            .label("this step is on the cycle")
            .help(
                "remove one of the `after` edges on the cycle so the steps can run in some order",
            );
            for &k in path.iter().skip(1).take(path.len().saturating_sub(2)) {
                if let Some(s) = self.steps.get(k) {
                    d = d.related(s.header, format!("`{}` is on the cycle", s.name.name));
                }
            }
            diags.push(d);
        }
        on_cycle
    }

    /// The shortest path start → … → start following `after` edges inside `members`.
    fn cycle_path(&self, start: usize, members: &[usize]) -> Vec<usize> {
        let mut prev: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(k) = queue.pop_front() {
            for &d in self.deps.get(k).into_iter().flatten() {
                if !members.contains(&d) {
                    continue;
                }
                if d == start {
                    let mut fwd = vec![start];
                    let mut chain = Vec::new();
                    let mut c = k;
                    while c != start {
                        chain.push(c);
                        c = prev.get(&c).copied().unwrap_or(start);
                    }
                    chain.reverse();
                    fwd.extend(chain);
                    fwd.push(start);
                    return fwd;
                }
                if d != start && !prev.contains_key(&d) {
                    prev.insert(d, k);
                    queue.push_back(d);
                }
            }
        }
        vec![start, start]
    }

    fn is_root(&self, i: usize) -> bool {
        let declares_after = self
            .steps
            .get(i)
            .is_some_and(|s| s.body.attr(attr::AFTER).is_some());
        !self.compensation.get(i).copied().unwrap_or(false)
            && self.deps.get(i).is_some_and(Vec::is_empty)
            && !declares_after
    }

    /// PM0405 for non-compensation steps that no root reaches without passing
    /// through a compensation step.
    fn report_unreachable(&self, diags: &mut Diagnostics) {
        let n = self.steps.len();
        let mut dependents = vec![Vec::new(); n];
        for (i, ds) in self.deps.iter().enumerate() {
            for &d in ds {
                if let Some(v) = dependents.get_mut(d) {
                    v.push(i);
                }
            }
        }
        let mut reached = vec![false; n];
        let mut queue: VecDeque<usize> = (0..n).filter(|&i| self.is_root(i)).collect();
        for &r in &queue {
            if let Some(x) = reached.get_mut(r) {
                *x = true;
            }
        }
        while let Some(k) = queue.pop_front() {
            for &d in dependents.get(k).into_iter().flatten() {
                if self.compensation.get(d).copied().unwrap_or(true) {
                    continue;
                }
                if let Some(x) = reached.get_mut(d) {
                    if !*x {
                        *x = true;
                        queue.push_back(d);
                    }
                }
            }
        }
        for (i, step) in self.steps.iter().enumerate() {
            let skip = reached.get(i).copied().unwrap_or(true)
                || self.compensation.get(i).copied().unwrap_or(true)
                || self.tainted.get(i).copied().unwrap_or(true);
            if skip {
                continue;
            }
            let via: Vec<String> = self
                .ancestors_row(i)
                .iter()
                .enumerate()
                .filter(|&(j, &a)| a && self.compensation.get(j).copied().unwrap_or(false))
                .filter_map(|(j, _)| self.steps.get(j).map(|s| format!("`{}`", s.name.name)))
                .collect();
            let mut d = Diagnostic::new(
                "PM0405",
                step.header,
                format!("step `{}` can never run", step.name.name),
            )
            .label("unreachable from any root step");
            d = if via.is_empty() {
                d.help("make it depend on steps that run, or remove it")
            } else {
                d.help(format!(
                    "it only runs after compensation step(s) {}, which run only as `on_error` targets; depend on a regular step instead",
                    via.join(", ")
                ))
            };
            diags.push(d);
        }
    }

    /// `on_error = fail | continue | step.N` with N a compensation step.
    pub(super) fn check_on_error(&self, _i: usize, step: &Step, diags: &mut Diagnostics) {
        let Some(a) = step.body.attr(attr::ON_ERROR) else {
            return;
        };
        // Its shape (`fail | continue | step.N`) is checked by the attribute checker.
        let Some(name) = step_name(&a.value) else {
            return;
        };
        match self.lookup(&name.name) {
            None => diags.push(unknown_step(name, a.value.span, self.names())),
            Some(j) if !self.compensation.get(j).copied().unwrap_or(false) => {
                let mut d = Diagnostic::new(
                    "PM0405",
                    a.span,
                    format!(
                        "`on_error` target `{}` is not a compensation step",
                        name.name
                    ),
                )
                .label("must name a step with `compensation = true`")
                .help(format!(
                    "add `compensation = true` to step `{}`, or use `on_error = fail`",
                    name.name
                ));
                if let Some(t) = self.steps.get(j) {
                    d = d.related(t.header, "declared here");
                }
                diags.push(d);
            }
            Some(_) => {}
        }
    }

    /// Step names in topological order, ties by source order; tainted steps left out.
    pub(super) fn order(&self) -> Vec<String> {
        let n = self.steps.len();
        let keep: Vec<bool> = (0..n)
            .map(|i| !self.tainted.get(i).copied().unwrap_or(true))
            .collect();
        let mut indeg = vec![0usize; n];
        let mut dependents = vec![Vec::new(); n];
        for (i, ds) in self.deps.iter().enumerate() {
            for &d in ds {
                if keep.get(i).copied().unwrap_or(false) && keep.get(d).copied().unwrap_or(false) {
                    if let Some(x) = indeg.get_mut(i) {
                        *x += 1;
                    }
                    if let Some(v) = dependents.get_mut(d) {
                        v.push(i);
                    }
                }
            }
        }
        let mut ready: std::collections::BTreeSet<usize> = (0..n)
            .filter(|&i| keep.get(i).copied().unwrap_or(false) && indeg.get(i) == Some(&0))
            .collect();
        let mut out = Vec::with_capacity(n);
        while let Some(i) = ready.pop_first() {
            if let Some(s) = self.steps.get(i) {
                out.push(s.name.name.to_string());
            }
            for &d in dependents.get(i).into_iter().flatten() {
                if let Some(x) = indeg.get_mut(d) {
                    *x -= 1;
                    if *x == 0 {
                        ready.insert(d);
                    }
                }
            }
        }
        out
    }
}

/// PM0402 on `step.NAME`, with a suggestion.
pub(super) fn unknown_step<'n>(
    name: &Ident,
    span: crate::source::Span,
    names: impl Iterator<Item = &'n str>,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        "PM0402",
        span,
        format!("no step named `{}` in this workflow", name.name),
    )
    .label("unknown step");
    let names: Vec<&str> = names.collect();
    if let Some(s) = suggest(&name.name, names.iter().copied()) {
        d = d.help(format!("did you mean `step.{s}`?"));
    } else if !names.is_empty() {
        let mut sorted = names.clone();
        sorted.sort_unstable();
        d = d.help(format!(
            "the steps of this workflow are {}",
            sorted
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    d
}
