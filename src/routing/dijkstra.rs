//! One-to-all Dijkstra on a [`Csr`] graph with a reusable workspace.
//!
//! The workspace keeps dense distance and predecessor arrays across searches and resets only the
//! entries the last search touched, so a thread answering thousands of origins allocates once.
//! Ties are broken by node id through the heap key and by edge order on relaxation (strict
//! improvement only), so the tree is the same on every run and at any thread count.

use super::csr::Csr;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Distance of an unreached node.
pub const UNREACHED: u32 = u32::MAX;
const NO_EDGE: u32 = u32::MAX;

/// Per-thread search state. Create one per worker and reuse it.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    dist: Vec<u32>,
    pred: Vec<u32>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u32, u32)>>,
}

impl Workspace {
    /// A workspace for graphs of up to `nodes` nodes (it grows when needed).
    pub fn new(nodes: usize) -> Self {
        Workspace {
            dist: vec![UNREACHED; nodes],
            pred: vec![NO_EDGE; nodes],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Distance to `node` in the last search, `None` when unreached.
    #[inline]
    pub fn distance(&self, node: u32) -> Option<u32> {
        self.dist
            .get(node as usize)
            .copied()
            .filter(|&d| d != UNREACHED)
    }

    /// The edge by which the last search reached `node` (`None` for the source or unreached).
    #[inline]
    pub fn pred_edge(&self, node: u32) -> Option<usize> {
        self.pred
            .get(node as usize)
            .copied()
            .filter(|&e| e != NO_EDGE)
            .map(|e| e as usize)
    }

    fn reset(&mut self, nodes: usize) {
        for &v in &self.touched {
            self.dist[v as usize] = UNREACHED;
            self.pred[v as usize] = NO_EDGE;
        }
        self.touched.clear();
        self.heap.clear();
        if self.dist.len() < nodes {
            self.dist.resize(nodes, UNREACHED);
            self.pred.resize(nodes, NO_EDGE);
        }
    }
}

/// Computes shortest distances from `source` to every node of `graph` into `ws`.
///
/// Nodes with `barrier[v] == true` are reached but never expanded unless they are the source:
/// zone centroids are trip ends, never through nodes. Pass an empty slice for no barriers.
///
/// Complexity: O((V + E) log V).
pub fn one_to_all(graph: &Csr, source: u32, barrier: &[bool], ws: &mut Workspace) {
    ws.reset(graph.node_count());
    ws.dist[source as usize] = 0;
    ws.touched.push(source);
    ws.heap.push(Reverse((0, source)));
    while let Some(Reverse((d, u))) = ws.heap.pop() {
        if d > ws.dist[u as usize] {
            continue;
        }
        if u != source && barrier.get(u as usize).copied().unwrap_or(false) {
            continue;
        }
        for e in graph.edges_of(u) {
            let v = graph.head(e);
            let nd = d.saturating_add(graph.weight(e));
            let slot = &mut ws.dist[v as usize];
            if nd < *slot {
                if *slot == UNREACHED {
                    ws.touched.push(v);
                }
                *slot = nd;
                ws.pred[v as usize] = e as u32;
                ws.heap.push(Reverse((nd, v)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_graph_with_barrier() {
        // 0 -> 1 (barrier) -> 2 costs 2, 0 -> 2 directly costs 5.
        let (g, _) = Csr::build(3, &[(0, 1, 1), (1, 2, 1), (0, 2, 5)]);
        let mut ws = Workspace::new(3);
        one_to_all(&g, 0, &[], &mut ws);
        assert_eq!(ws.distance(2), Some(2));
        one_to_all(&g, 0, &[false, true, false], &mut ws);
        assert_eq!(ws.distance(1), Some(1));
        assert_eq!(ws.distance(2), Some(5));
        // A barrier source is still expanded.
        one_to_all(&g, 1, &[false, true, false], &mut ws);
        assert_eq!(ws.distance(2), Some(1));
        assert_eq!(ws.distance(0), None);
    }
}
