//! Shortest-path trees on real-valued link costs, for traffic assignment. Equilibrium costs are
//! continuous and the relative gaps we report go down to 1e-12, so the integer engines (whole
//! seconds) would round the very differences the assignment equalises; this engine runs on `f64`
//! costs over the same CSR topology, with a reusable workspace and the settle order kept, so a
//! caller can load demand onto the tree in one backward sweep.

use super::Csr;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// No predecessor: the source, or a node not reached.
pub const NO_EDGE: u32 = u32::MAX;

/// Per-thread state of [`cost_tree`]: distances, predecessor edges and the settle order.
#[derive(Debug, Default, Clone)]
pub struct CostTreeWorkspace {
    cost: Vec<f64>,
    pred: Vec<u32>,
    settled: Vec<u32>,
    heap: BinaryHeap<Entry>,
}

impl CostTreeWorkspace {
    /// Cost from the last source to `node`, or `f64::INFINITY` if not reached.
    #[inline]
    pub fn cost(&self, node: u32) -> f64 {
        self.cost[node as usize]
    }

    /// The CSR edge into `node` on the tree, or [`NO_EDGE`].
    #[inline]
    pub fn pred_edge(&self, node: u32) -> u32 {
        self.pred[node as usize]
    }

    /// The reached nodes in the order they were settled (non-decreasing cost), source first.
    pub fn settled(&self) -> &[u32] {
        &self.settled
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    cost: f64,
    node: u32,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on cost; ties by node id so the tree never depends on push order.
        other
            .cost
            .total_cmp(&self.cost)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Dijkstra from `source` over `graph`'s topology with edge `e` costing `costs[e]` (finite,
/// non-negative). Nodes for which `through(node)` is false are reached but not passed through
/// (assignment zones), except the source itself. Ties between equal-cost paths keep the first
/// found, which depends only on the graph, so trees are reproducible.
pub fn cost_tree(
    graph: &Csr,
    costs: &[f64],
    source: u32,
    through: impl Fn(u32) -> bool,
    ws: &mut CostTreeWorkspace,
) {
    let n = graph.node_count();
    ws.cost.clear();
    ws.cost.resize(n, f64::INFINITY);
    ws.pred.clear();
    ws.pred.resize(n, NO_EDGE);
    ws.settled.clear();
    ws.heap.clear();
    ws.cost[source as usize] = 0.0;
    ws.heap.push(Entry {
        cost: 0.0,
        node: source,
    });
    while let Some(Entry { cost, node }) = ws.heap.pop() {
        if cost > ws.cost[node as usize] {
            continue;
        }
        ws.settled.push(node);
        if node != source && !through(node) {
            continue;
        }
        for e in graph.edges_of(node) {
            let head = graph.head(e);
            let next = cost + costs[e];
            if next < ws.cost[head as usize] {
                ws.cost[head as usize] = next;
                ws.pred[head as usize] = e as u32;
                ws.heap.push(Entry {
                    cost: next,
                    node: head,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Bellman-Ford: the slow oracle.
    fn bellman_ford(n: usize, arcs: &[(u32, u32, f64)], source: u32, through: &[bool]) -> Vec<f64> {
        let mut d = vec![f64::INFINITY; n];
        d[source as usize] = 0.0;
        for _ in 0..n {
            for &(a, b, c) in arcs {
                if (a == source || through[a as usize]) && d[a as usize] + c < d[b as usize] {
                    d[b as usize] = d[a as usize] + c;
                }
            }
        }
        d
    }

    #[test]
    fn costs_match_bellman_ford_and_zones_are_not_passed_through() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut ws = CostTreeWorkspace::default();
        for _ in 0..200 {
            let n = rng.random_range(2..30usize);
            let m = rng.random_range(0..4 * n);
            let arcs: Vec<(u32, u32, f64)> = (0..m)
                .map(|_| {
                    let c = if rng.random_bool(0.1) {
                        0.0
                    } else {
                        rng.random_range(0.0..10.0)
                    };
                    (
                        rng.random_range(0..n as u32),
                        rng.random_range(0..n as u32),
                        c,
                    )
                })
                .collect();
            let through: Vec<bool> = (0..n).map(|_| rng.random_bool(0.8)).collect();
            let (csr, order) =
                Csr::build(n, &arcs.iter().map(|a| (a.0, a.1, 0)).collect::<Vec<_>>());
            let costs: Vec<f64> = order.iter().map(|&i| arcs[i as usize].2).collect();
            let source = rng.random_range(0..n as u32);
            cost_tree(&csr, &costs, source, |v| through[v as usize], &mut ws);
            let oracle = bellman_ford(n, &arcs, source, &through);
            for v in 0..n as u32 {
                let (got, want) = (ws.cost(v), oracle[v as usize]);
                assert!(
                    got == want || (got - want).abs() < 1e-9,
                    "node {v}: {got} vs {want}"
                );
                if v != source && got.is_finite() {
                    let e = ws.pred_edge(v) as usize;
                    let tail = csr.tail(e);
                    assert!((ws.cost(tail) + costs[e] - got).abs() < 1e-9);
                }
            }
            let order = ws.settled();
            assert!(order.windows(2).all(|w| ws.cost(w[0]) <= ws.cost(w[1])));
        }
    }
}
