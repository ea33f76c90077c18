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

/// Buckets of a radix heap: 0 holds the keys equal to the last popped, `b` those whose highest
/// bit differing from it is bit `b - 1`.
const BUCKETS: usize = 33;

/// A monotone priority queue of `(key, value)` with `u32` keys.
///
/// Entries are packed as `key << 32 | value` in one `u64`, and a bit mask records which buckets
/// hold entries, so finding the next bucket and clearing the heap touch only non-empty ones.
#[derive(Debug, Clone)]
pub struct RadixHeap {
    buckets: [Vec<u64>; BUCKETS],
    /// Bit `b` is set when bucket `b` is not empty.
    occupied: u64,
    last: u32,
}

impl Default for RadixHeap {
    fn default() -> Self {
        RadixHeap {
            buckets: std::array::from_fn(|_| Vec::new()),
            occupied: 0,
            last: 0,
        }
    }
}

impl RadixHeap {
    #[inline]
    fn bucket(&self, key: u32) -> usize {
        (32 - (key ^ self.last).leading_zeros()) as usize
    }

    /// Empties the heap and makes 0 the smallest key allowed.
    pub fn clear(&mut self) {
        while self.occupied != 0 {
            self.buckets[self.occupied.trailing_zeros() as usize].clear();
            self.occupied &= self.occupied - 1;
        }
        self.last = 0;
    }

    /// Adds `value` with `key`, which must not be below the last key popped.
    #[inline]
    pub fn push(&mut self, key: u32, value: u32) {
        debug_assert!(key >= self.last, "radix heap keys must not decrease");
        let b = self.bucket(key);
        self.buckets[b].push((u64::from(key) << 32) | u64::from(value));
        self.occupied |= 1 << b;
    }

    /// Removes an entry with the smallest key.
    #[inline]
    pub fn pop(&mut self) -> Option<(u32, u32)> {
        if self.occupied & 1 == 0 {
            if self.occupied == 0 {
                return None;
            }
            // Move the lowest non-empty bucket down: its smallest key becomes `last`.
            let i = self.occupied.trailing_zeros() as usize;
            let mut items = std::mem::take(&mut self.buckets[i]);
            self.occupied &= !(1 << i);
            self.last = (items.iter().copied().min()? >> 32) as u32;
            for &x in &items {
                let b = self.bucket((x >> 32) as u32);
                self.buckets[b].push(x);
                self.occupied |= 1 << b;
            }
            // Keep the allocation of the emptied bucket.
            items.clear();
            self.buckets[i] = items;
        }
        let zero = &mut self.buckets[0];
        let x = zero.pop()?;
        if zero.is_empty() {
            self.occupied &= !1;
        }
        Some(((x >> 32) as u32, x as u32))
    }
}

/// Asks the processor to start loading the cache line at `p` (a hint: results never depend on it).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and writes nothing, whatever the address, and SSE is part
    // of every x86_64 processor.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
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

/// The largest distance a search can give: sums saturate here (far above any road distance), so
/// a distance equal to it may be larger in truth. Callers refuse graphs whose distances reach it.
pub const MAX_DISTANCE: u32 = u32::MAX - 1;

/// Shortest distances from `source` to every node of `graph` into `ws` (sums saturate at
/// [`MAX_DISTANCE`]).
///
/// On graphs larger than the caches the time goes into loading each settled node's arcs; they
/// are prefetched when the node is first reached, long before it is settled.
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
    // A local heap: its state stays in registers while the loop pushes to `touched`.
    let mut heap = std::mem::take(&mut ws.heap);
    ws.dist[source as usize] = 0;
    ws.touched.push(source);
    heap.push(0, source);
    while let Some((d, u)) = heap.pop() {
        if d > ws.dist[u as usize] {
            continue;
        }
        for &(v, w) in graph.arcs_of(u) {
            let nd = d.saturating_add(w).min(MAX_DISTANCE);
            let dv = &mut ws.dist[v as usize];
            if nd < *dv {
                if *dv == UNREACHED {
                    ws.touched.push(v);
                    prefetch(graph.arcs_of(v).as_ptr());
                }
                *dv = nd;
                heap.push(nd, v);
            }
        }
    }
    ws.heap = heap;
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
    fn the_heap_matches_a_binary_heap_over_the_whole_key_range() {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut heap = RadixHeap::default();
        for _ in 0..50 {
            heap.clear();
            let mut reference = BinaryHeap::new();
            let mut last = 0u32;
            for round in 0..500u32 {
                if rng.random_bool(0.6) {
                    // Keys from just above the last popped to the top of the range.
                    let key = if rng.random_bool(0.5) {
                        last.saturating_add(rng.random_range(0..4))
                    } else {
                        rng.random_range(last..=u32::MAX)
                    };
                    heap.push(key, round);
                    reference.push(Reverse(key));
                } else {
                    let got = heap.pop().map(|(k, _)| k);
                    assert_eq!(got, reference.pop().map(|Reverse(k)| k));
                    if let Some(k) = got {
                        last = k;
                    }
                }
            }
            while let Some(Reverse(k)) = reference.pop() {
                assert_eq!(heap.pop().map(|(k, _)| k), Some(k));
            }
            assert_eq!(heap.pop(), None);
        }
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
