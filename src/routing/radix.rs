//! One-to-all Dijkstra with a radix heap, for large road graphs.
//!
//! Dijkstra pops keys in non-decreasing order, which a radix heap (Ahuja, Mehlhorn, Orlin and
//! Tarjan, 1990) exploits: an entry sits in the bucket of the highest bit in which its key differs
//! from the last key popped, so a push is O(1) and each entry moves down at most 32 times. On road
//! graphs it beats a binary heap by keeping the frontier in a few small vectors. Distances live
//! in a dense array reset by a touched list, so a workspace serves any number of searches.

use super::csr::Csr;

/// Distance of an unreached node.
const UNREACHED: u32 = u32::MAX;

/// A monotone priority queue of `(key, value)` with `u32` keys.
#[derive(Debug, Clone, Default)]
pub struct RadixHeap {
    buckets: Vec<Vec<(u32, u32)>>,
    last: u32,
    len: usize,
}

impl RadixHeap {
    fn bucket(&self, key: u32) -> usize {
        let x = key ^ self.last;
        if x == 0 {
            0
        } else {
            32 - x.leading_zeros() as usize
        }
    }

    /// Empties the heap and makes 0 the smallest key allowed.
    pub fn clear(&mut self) {
        if self.buckets.len() != 33 {
            self.buckets = vec![Vec::new(); 33];
        }
        for b in &mut self.buckets {
            b.clear();
        }
        self.last = 0;
        self.len = 0;
    }

    /// Adds `value` with `key`, which must not be below the last key popped.
    pub fn push(&mut self, key: u32, value: u32) {
        debug_assert!(key >= self.last, "radix heap keys must not decrease");
        let b = self.bucket(key);
        self.buckets[b].push((key, value));
        self.len += 1;
    }

    /// Removes an entry with the smallest key.
    pub fn pop(&mut self) -> Option<(u32, u32)> {
        if self.len == 0 {
            return None;
        }
        if self.buckets[0].is_empty() {
            let i = (1..33).find(|&i| !self.buckets[i].is_empty())?;
            let items = std::mem::take(&mut self.buckets[i]);
            self.last = items.iter().map(|e| e.0).min()?;
            for (key, value) in &items {
                let b = self.bucket(*key);
                self.buckets[b].push((*key, *value));
            }
            // Keep the allocation of the emptied bucket.
            let mut items = items;
            items.clear();
            self.buckets[i] = items;
        }
        self.len -= 1;
        self.buckets[0].pop()
    }
}

/// Per-thread state of [`shortest_from`]; reuse it across searches.
#[derive(Debug, Clone, Default)]
pub struct RadixWorkspace {
    dist: Vec<u32>,
    touched: Vec<u32>,
    heap: RadixHeap,
}

impl RadixWorkspace {
    /// Distance to `node` (internal number) in the last search, `None` when unreached.
    #[inline]
    pub fn distance(&self, node: u32) -> Option<u32> {
        self.dist
            .get(node as usize)
            .copied()
            .filter(|&d| d != UNREACHED)
    }

    /// Nodes reached by the last search.
    pub fn reached(&self) -> usize {
        self.touched.len()
    }
}

/// Shortest distances from `source` to every node of `graph` into `ws` (sums saturate at
/// `u32::MAX - 1`, far above any road distance).
pub fn shortest_from(graph: &Csr, source: u32, ws: &mut RadixWorkspace) {
    let n = graph.node_count();
    if ws.dist.len() < n {
        ws.dist.resize(n, UNREACHED);
    }
    for &v in &ws.touched {
        ws.dist[v as usize] = UNREACHED;
    }
    ws.touched.clear();
    ws.heap.clear();
    if source as usize >= n {
        return;
    }
    ws.dist[source as usize] = 0;
    ws.touched.push(source);
    ws.heap.push(0, source);
    while let Some((d, u)) = ws.heap.pop() {
        if d > ws.dist[u as usize] {
            continue;
        }
        for &(v, w) in graph.arcs_of(u) {
            let nd = d.saturating_add(w).min(UNREACHED - 1);
            let dv = &mut ws.dist[v as usize];
            if nd < *dv {
                if *dv == UNREACHED {
                    ws.touched.push(v);
                }
                *dv = nd;
                ws.heap.push(nd, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::{Workspace, one_to_all};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn the_heap_pops_in_key_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut heap = RadixHeap::default();
        heap.clear();
        let mut popped = Vec::new();
        let mut last = 0;
        for round in 0..2000 {
            if round % 3 != 2 {
                heap.push(last + rng.random_range(0..1000), round);
            } else if let Some((k, _)) = heap.pop() {
                assert!(k >= last);
                last = k;
                popped.push(k);
            }
        }
        while let Some((k, _)) = heap.pop() {
            assert!(k >= last);
            last = k;
        }
        assert!(popped.len() > 500);
    }

    #[test]
    fn distances_match_the_binary_heap_dijkstra_on_random_graphs() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut ws = RadixWorkspace::default();
        for _ in 0..300 {
            let n = rng.random_range(1..60usize);
            let m = rng.random_range(0..4 * n);
            let arcs: Vec<(u32, u32, u32)> = (0..m)
                .map(|_| {
                    let w = if rng.random_bool(0.2) {
                        0
                    } else {
                        rng.random_range(0..100_000)
                    };
                    (
                        rng.random_range(0..n) as u32,
                        rng.random_range(0..n) as u32,
                        w,
                    )
                })
                .collect();
            let (g, _) = Csr::build(n, &arcs);
            let mut plain = Workspace::new(n);
            for s in 0..n as u32 {
                shortest_from(&g, s, &mut ws);
                one_to_all(&g, s, &vec![false; n], &mut plain);
                for v in 0..n as u32 {
                    assert_eq!(ws.distance(v), plain.distance(v), "from {s} to {v}");
                }
            }
        }
    }
}
