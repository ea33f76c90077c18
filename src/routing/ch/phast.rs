//! One-to-all distances by PHAST (Delling, Goldberg, Nowatzyk and Werneck, IPDPS 2011): an
//! upward search from the source, then one linear sweep over all nodes in decreasing rank
//! relaxing the downward arcs. A level's nodes are contiguous in rank order, so the sweep reads
//! memory in order and needs no priority queue.

use super::{ContractionHierarchy, INF, key};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Reusable state of PHAST one-to-all searches ([`ContractionHierarchy::one_to_all`]).
#[derive(Debug, Clone, Default)]
pub struct PhastWorkspace {
    /// Distances in rank space.
    dist: Vec<u32>,
    /// Distances by original node id, the result.
    out: Vec<u32>,
    heap: BinaryHeap<Reverse<u64>>,
}

impl PhastWorkspace {
    /// A workspace for hierarchies of `nodes` nodes (it grows when needed).
    pub fn new(nodes: usize) -> Self {
        PhastWorkspace {
            dist: vec![INF; nodes],
            out: vec![INF; nodes],
            heap: BinaryHeap::new(),
        }
    }
}

impl ContractionHierarchy {
    /// Shortest distances from `source` to every node (PHAST), indexed by original node id,
    /// `u32::MAX` when unreachable. An out-of-range `source` reaches nothing.
    ///
    /// Complexity: an upward search plus one linear pass over all nodes and arcs.
    pub fn one_to_all<'w>(&self, ws: &'w mut PhastWorkspace, source: u32) -> &'w [u32] {
        let n = self.node_count();
        ws.dist.clear();
        ws.dist.resize(n, INF);
        if source as usize >= n {
            ws.out.clear();
            ws.out.resize(n, INF);
            return &ws.out;
        }
        // Every entry of `out` is written by the permutation below: no need to clear it.
        ws.out.resize(n, INF);
        ws.heap.clear();
        let s = self.rank[source as usize];
        ws.dist[s as usize] = 0;
        ws.heap.push(Reverse(key(0, s)));
        while let Some(Reverse(k)) = ws.heap.pop() {
            let (d, u) = ((k >> 32) as u32, k as u32);
            if d > ws.dist[u as usize] {
                continue;
            }
            for &(v, w) in self.up.of(u) {
                let nd = d.saturating_add(w);
                if nd < ws.dist[v as usize] {
                    ws.dist[v as usize] = nd;
                    ws.heap.push(Reverse(key(nd, v)));
                }
            }
        }
        let dist = &mut ws.dist;
        let (first, arcs) = (&self.down.first, &self.down.arcs);
        for r in (0..n).rev() {
            let (lo, hi) = (first[r] as usize, first[r + 1] as usize);
            let mut best = dist[r];
            for &(h, w) in &arcs[lo..hi] {
                best = best.min(dist[h as usize].saturating_add(w));
            }
            dist[r] = best;
        }
        // Gathered by node (sequential writes, reads by rank): faster than scattering by rank.
        for (out, &r) in ws.out.iter_mut().zip(&self.rank) {
            *out = dist[r as usize];
        }
        &ws.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::Workspace;
    use crate::routing::ch::test_graphs::{dijkstra, random_graph};

    #[test]
    fn agrees_with_dijkstra_on_random_graphs() {
        for seed in 0..300 {
            let g = random_graph(seed);
            let n = g.node_count() as u32;
            let ch = ContractionHierarchy::build(&g);
            let mut dws = Workspace::new(g.node_count());
            let mut pws = PhastWorkspace::new(g.node_count());
            for s in 0..n {
                let expected = dijkstra(&g, s, &mut dws);
                let phast = ch.one_to_all(&mut pws, s);
                for t in 0..n {
                    assert_eq!(
                        (phast[t as usize] != INF).then_some(phast[t as usize]),
                        expected[t as usize],
                        "seed {seed} phast {s}->{t}"
                    );
                }
            }
        }
    }
}
