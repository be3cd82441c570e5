//! A small layered layout (the Sugiyama scheme, simplified), for `pmth graph
//! --format svg` without Graphviz:
//!
//! 1. **Acyclic**: a depth-first search in node order; an edge back to a node
//!    still on the search path is laid out reversed (delegation can cycle).
//! 2. **Layers**: the longest path from a source, so every edge goes from a
//!    lower layer to a higher one (left to right in the drawing).
//! 3. **Order**: within a layer, nodes start in node order, then four sweeps
//!    (down, up, down, up) sort each layer by the mean position of its
//!    neighbours in the previous layer (the barycentre heuristic), ties kept
//!    in their current order. This removes most crossings of tree-like
//!    graphs; it does not minimise crossings (an NP-hard problem).
//!
//! Linear in the nodes and edges per sweep (plus the sorts), deterministic,
//! iterative (no recursion, whatever the depth).

/// Where each node goes: its layer (column) and its rank (row) in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub layer: Vec<usize>,
    pub rank: Vec<usize>,
    /// The nodes of each layer, top to bottom.
    pub layers: Vec<Vec<usize>>,
}

/// Lays out `n` nodes joined by `edges` (indices below `n`; others ignored).
pub fn layered(n: usize, edges: &[(usize, usize)]) -> Layout {
    let edges: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(a, b)| a < n && b < n && a != b)
        .collect();
    let forward = acyclic(n, &edges);
    let layer = longest_path(n, &forward);
    let depth = layer.iter().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (v, &l) in layer.iter().enumerate() {
        if let Some(col) = layers.get_mut(l) {
            col.push(v);
        }
    }
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &forward {
        if let (Some(p), Some(s)) = (preds.get_mut(b), succs.get_mut(a)) {
            p.push(a);
            s.push(b);
        }
    }
    let mut rank = vec![0usize; n];
    renumber(&layers, &mut rank);
    for sweep in 0..4 {
        let down = sweep % 2 == 0;
        let order: Vec<usize> = if down {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for l in order {
            let neighbours = if down { &preds } else { &succs };
            if let Some(col) = layers.get_mut(l) {
                let mut keyed: Vec<(f64, usize, usize)> = col
                    .iter()
                    .map(|&v| {
                        let ns = neighbours.get(v).map_or(&[][..], Vec::as_slice);
                        let own = rank.get(v).copied().unwrap_or(0);
                        let key = if ns.is_empty() {
                            own as f64
                        } else {
                            ns.iter()
                                .map(|&u| rank.get(u).copied().unwrap_or(0) as f64)
                                .sum::<f64>()
                                / ns.len() as f64
                        };
                        (key, own, v)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                *col = keyed.into_iter().map(|(_, _, v)| v).collect();
                renumber(std::slice::from_ref(col), &mut rank);
            }
        }
    }
    Layout {
        layer,
        rank,
        layers,
    }
}

fn renumber(layers: &[Vec<usize>], rank: &mut [usize]) {
    for col in layers {
        for (i, &v) in col.iter().enumerate() {
            if let Some(r) = rank.get_mut(v) {
                *r = i;
            }
        }
    }
}

/// The edges with every back edge of a depth-first search reversed.
fn acyclic(n: usize, edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if let Some(o) = out_edges.get_mut(a) {
            o.push(b);
        }
    }
    // 0 unvisited, 1 on the path, 2 done.
    let mut state = vec![0u8; n];
    let mut back = std::collections::HashSet::new();
    for root in 0..n {
        if state.get(root) != Some(&0) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        if let Some(s) = state.get_mut(root) {
            *s = 1;
        }
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            let outs = out_edges.get(v).map_or(&[][..], Vec::as_slice);
            if let Some(&w) = outs.get(*next) {
                *next += 1;
                match state.get(w) {
                    Some(0) => {
                        if let Some(s) = state.get_mut(w) {
                            *s = 1;
                        }
                        stack.push((w, 0));
                    }
                    Some(1) => {
                        back.insert((v, w));
                    }
                    _ => {}
                }
            } else {
                if let Some(s) = state.get_mut(v) {
                    *s = 2;
                }
                stack.pop();
            }
        }
    }
    let mut out: Vec<(usize, usize)> = edges
        .iter()
        .map(|&(a, b)| {
            if back.contains(&(a, b)) {
                (b, a)
            } else {
                (a, b)
            }
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Each node's layer: the length of the longest path reaching it.
fn longest_path(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if let (Some(d), Some(o)) = (indegree.get_mut(b), out_edges.get_mut(a)) {
            *d += 1;
            o.push(b);
        }
    }
    let mut layer = vec![0usize; n];
    let mut ready: std::collections::VecDeque<usize> =
        (0..n).filter(|&v| indegree.get(v) == Some(&0)).collect();
    while let Some(v) = ready.pop_front() {
        let lv = layer.get(v).copied().unwrap_or(0);
        for &w in out_edges.get(v).map_or(&[][..], Vec::as_slice) {
            if let Some(l) = layer.get_mut(w) {
                *l = (*l).max(lv + 1);
            }
            if let Some(d) = indegree.get_mut(w) {
                *d -= 1;
                if *d == 0 {
                    ready.push_back(w);
                }
            }
        }
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_go_left_to_right_and_cycles_are_broken() {
        // 0 → 1 → 2 → 0 (a cycle), 0 → 3.
        let l = layered(4, &[(0, 1), (1, 2), (2, 0), (0, 3)]);
        assert_eq!(l.layer, vec![0, 1, 2, 1]);
        assert_eq!(l.layers.iter().map(Vec::len).sum::<usize>(), 4);
    }

    #[test]
    fn barycentres_uncross_a_simple_crossing() {
        // Layer 0: a=0, b=1; layer 1: c=2 (child of b), d=3 (child of a).
        let l = layered(4, &[(1, 2), (0, 3)]);
        assert_eq!(l.layers, vec![vec![0, 1], vec![3, 2]]);
        assert!(l.rank[3] < l.rank[2]);
    }

    #[test]
    fn deep_chains_do_not_recurse() {
        let n = 20_000;
        let edges: Vec<(usize, usize)> = (1..n).map(|i| (i - 1, i)).collect();
        let l = layered(n, &edges);
        assert_eq!(l.layer[n - 1], n - 1);
    }

    #[test]
    fn out_of_range_and_self_edges_are_ignored() {
        let l = layered(2, &[(0, 0), (0, 7), (0, 1)]);
        assert_eq!(l.layer, vec![0, 1]);
    }
}
