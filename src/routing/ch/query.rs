//! Point-to-point queries: a bidirectional upward Dijkstra with stall-on-demand, stopping each
//! direction once its queue minimum reaches the best meeting distance, and the unpacking of the
//! shortcuts on the path found. The one-directional upward search the many-to-many matrix runs
//! from every source and target lives here too: it is the same search with one queue.

use super::{Arcs, ContractionHierarchy, INF, NONE, key};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Reusable state of point-to-point queries. Create one per thread with
/// [`ChWorkspace::new`]; each query resets only what the last one touched.
#[derive(Debug, Clone, Default)]
pub struct ChWorkspace {
    /// Forward and backward distance of each node (rank space), side by side.
    dist: Vec<[u32; 2]>,
    /// Forward and backward predecessor arcs, written only by searches that unpack a path
    /// (every node they reach gets one, so they need no reset).
    pred: Vec<[u32; 2]>,
    touched: Vec<u32>,
    heap: [BinaryHeap<Reverse<u64>>; 2],
}

impl ChWorkspace {
    /// A workspace for hierarchies of up to `nodes` nodes (it grows when needed).
    pub fn new(nodes: usize) -> Self {
        ChWorkspace {
            dist: vec![[INF; 2]; nodes],
            pred: Vec::new(),
            touched: Vec::new(),
            heap: [BinaryHeap::new(), BinaryHeap::new()],
        }
    }

    fn reset(&mut self, nodes: usize, path: bool) {
        for &v in &self.touched {
            self.dist[v as usize] = [INF; 2];
        }
        self.touched.clear();
        self.heap[0].clear();
        self.heap[1].clear();
        if self.dist.len() < nodes {
            self.dist.resize(nodes, [INF; 2]);
        }
        if path && self.pred.len() < nodes {
            self.pred.resize(nodes, [NONE; 2]);
        }
    }

    #[inline]
    fn reach<const PATH: bool>(&mut self, dir: usize, node: u32, dist: u32, pred: u32) {
        let slot = &mut self.dist[node as usize];
        if *slot == [INF; 2] {
            self.touched.push(node);
        }
        slot[dir] = dist;
        if PATH {
            self.pred[node as usize][dir] = pred;
        }
        self.heap[dir].push(Reverse(key(dist, node)));
    }
}

impl ContractionHierarchy {
    /// The bidirectional search; returns the meeting node (rank space) and the distance.
    /// `PATH` records predecessor arcs for [`ContractionHierarchy::path`].
    fn search<const PATH: bool>(
        &self,
        ws: &mut ChWorkspace,
        source: u32,
        target: u32,
    ) -> Option<(u32, u32)> {
        let n = self.node_count();
        if source as usize >= n || target as usize >= n {
            return None;
        }
        ws.reset(n, PATH);
        let (s, t) = (self.rank[source as usize], self.rank[target as usize]);
        ws.reach::<PATH>(0, s, 0, NONE);
        ws.reach::<PATH>(1, t, 0, NONE);
        let mut best = INF;
        let mut meet = NONE;
        loop {
            let a = ws.heap[0].peek().map_or(u64::MAX, |r| r.0);
            let b = ws.heap[1].peek().map_or(u64::MAX, |r| r.0);
            let (dir, k) = if b < a { (1, b) } else { (0, a) };
            // Both queues empty or both minima past the best meeting distance.
            if k >> 32 >= u64::from(best) {
                break;
            }
            ws.heap[dir].pop();
            let (d, u) = ((k >> 32) as u32, k as u32);
            let labels = ws.dist[u as usize];
            if d > labels[dir] {
                continue;
            }
            let other = labels[1 - dir];
            if other != INF {
                let total = d.saturating_add(other);
                if total < best {
                    best = total;
                    meet = u;
                }
            }
            let (own, opposite) = if dir == 0 {
                (&self.up, &self.down)
            } else {
                (&self.down, &self.up)
            };
            if stalled(opposite, &ws.dist, dir, u, d) {
                continue;
            }
            let lo = own.first[u as usize] as usize;
            for (i, &(v, w)) in own.of(u).iter().enumerate() {
                let nd = d.saturating_add(w);
                if nd < ws.dist[v as usize][dir] {
                    ws.reach::<PATH>(dir, v, nd, (lo + i) as u32);
                }
            }
        }
        (best != INF).then_some((meet, best))
    }

    /// The shortest distance from `source` to `target` (original ids, graph units), `None`
    /// when unreachable or an id is out of range.
    pub fn query(&self, ws: &mut ChWorkspace, source: u32, target: u32) -> Option<u32> {
        self.search::<false>(ws, source, target).map(|(_, d)| d)
    }

    /// A shortest path from `source` to `target` as original node ids, both ends included
    /// (`[source]` when they are equal); `None` when unreachable.
    pub fn path(&self, ws: &mut ChWorkspace, source: u32, target: u32) -> Option<Vec<u32>> {
        let (meet, _) = self.search::<true>(ws, source, target)?;
        // Hierarchy arcs from the source up to the meeting node, then down to the target.
        let mut arcs: Vec<(u32, u32, u32)> = Vec::new(); // (from, to, middle), rank space
        let mut u = meet;
        while ws.pred[u as usize][0] != NONE {
            let e = ws.pred[u as usize][0] as usize;
            let from = self.up_tail(e);
            arcs.push((from, u, self.up.middle[e]));
            u = from;
        }
        arcs.reverse();
        let mut u = meet;
        while ws.pred[u as usize][1] != NONE {
            let e = ws.pred[u as usize][1] as usize;
            let to = self.down_tail(e);
            arcs.push((u, to, self.down.middle[e]));
            u = to;
        }
        let mut path = vec![source];
        let mut stack = Vec::new();
        for &(a, b, m) in &arcs {
            stack.push((a, b, m));
            while let Some((a, b, m)) = stack.pop() {
                if m == NONE {
                    path.push(self.order[b as usize]);
                    continue;
                }
                // a -> m is an upward arc into m; m -> b an upward arc out of m.
                let first = self.down.find(m, a).expect("validated shortcut");
                let second = self.up.find(m, b).expect("validated shortcut");
                stack.push((m, b, self.up.middle[second]));
                stack.push((a, m, self.down.middle[first]));
            }
        }
        Some(path)
    }

    /// The node an upward arc `e` leaves (binary search in the CSR offsets).
    fn up_tail(&self, e: usize) -> u32 {
        (self.up.first.partition_point(|&f| f as usize <= e) - 1) as u32
    }

    /// The node a downward-stored arc `e` enters.
    fn down_tail(&self, e: usize) -> u32 {
        (self.down.first.partition_point(|&f| f as usize <= e) - 1) as u32
    }

    /// An upward search with stall-on-demand from `start` (rank space) in `own`, returning the
    /// settled, unstalled nodes with their distances.
    pub(super) fn upward(
        &self,
        ws: &mut ChWorkspace,
        own: &Arcs,
        opposite: &Arcs,
        start: u32,
        settled: &mut Vec<(u32, u32)>,
    ) {
        ws.reset(self.node_count(), false);
        settled.clear();
        ws.reach::<false>(0, start, 0, NONE);
        while let Some(Reverse(k)) = ws.heap[0].pop() {
            let (d, u) = ((k >> 32) as u32, k as u32);
            if d > ws.dist[u as usize][0] {
                continue;
            }
            if stalled(opposite, &ws.dist, 0, u, d) {
                continue;
            }
            settled.push((u, d));
            for &(v, w) in own.of(u) {
                let nd = d.saturating_add(w);
                if nd < ws.dist[v as usize][0] {
                    ws.reach::<false>(0, v, nd, NONE);
                }
            }
        }
    }
}

/// Stall-on-demand: `u`, at `d` in direction `dir`, is reached more cheaply down from a higher
/// node.
#[inline]
fn stalled(opposite: &Arcs, dist: &[[u32; 2]], dir: usize, u: u32, d: u32) -> bool {
    opposite
        .of(u)
        .iter()
        .any(|&(h, w)| dist[h as usize][dir].saturating_add(w) < d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::Workspace;
    use crate::routing::ch::test_graphs::{dijkstra, random_graph};
    use crate::routing::csr::Csr;

    /// The weight of the lightest arc `a -> b`, if any.
    fn arc(g: &Csr, a: u32, b: u32) -> Option<u32> {
        g.edges_of(a)
            .filter(|&e| g.head(e) == b)
            .map(|e| g.weight(e))
            .min()
    }

    #[test]
    fn queries_and_paths_agree_with_dijkstra_on_random_graphs() {
        for seed in 0..300 {
            let g = random_graph(seed);
            let n = g.node_count() as u32;
            let ch = ContractionHierarchy::build(&g);
            assert_eq!(ch.node_count(), n as usize);
            let mut dws = Workspace::new(g.node_count());
            let mut ws = ChWorkspace::new(g.node_count());
            for s in 0..n {
                let expected = dijkstra(&g, s, &mut dws);
                for t in 0..n {
                    let want = expected[t as usize];
                    assert_eq!(ch.query(&mut ws, s, t), want, "seed {seed} query {s}->{t}");
                    let path = ch.path(&mut ws, s, t);
                    assert_eq!(path.is_some(), want.is_some(), "seed {seed} path {s}->{t}");
                    if let Some(path) = path {
                        assert_eq!((path[0], *path.last().unwrap()), (s, t));
                        let mut len = 0u64;
                        for p in path.windows(2) {
                            let w = arc(&g, p[0], p[1]);
                            assert!(w.is_some(), "seed {seed}: no arc {} -> {}", p[0], p[1]);
                            len += u64::from(w.unwrap());
                        }
                        assert_eq!(Some(len), want.map(u64::from), "seed {seed} path {s}->{t}");
                    }
                }
            }
            assert_eq!(ch.query(&mut ws, 0, n), None);
        }
    }
}
