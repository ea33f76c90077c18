//! Preparation: nodes contracted in rounds of independent sets, witness searches in parallel,
//! the same hierarchy at any thread count (see the module docs of `ch` for the ordering).

use super::{Arcs, ContractionHierarchy, INF, NONE, key};
use crate::routing::csr::Csr;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;

/// Limits of a witness search.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// At most this many settled nodes.
    settled: usize,
    /// Paths of at most this many arcs.
    hops: u8,
}

/// Witness searches that estimate a node's priority: cheap, an overestimate at worst.
const SIMULATE: Limits = Limits {
    settled: 20,
    hops: u8::MAX,
};
/// Witness searches when a node is contracted: a missed witness is a superfluous shortcut.
const CONTRACT: Limits = Limits {
    settled: 500,
    hops: u8::MAX,
};

/// An arc of the graph being contracted (original ids).
#[derive(Debug, Clone, Copy)]
struct Link {
    node: u32,
    weight: u32,
    middle: u32,
}

/// Where a node's links lie in an [`Adjacency`] arena.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    start: u32,
    len: u32,
    cap: u32,
}

/// The links of every node in one arena, each node's in one slot with some room to grow (a
/// full slot moves to the end with twice the room). Compacted in node order when half the
/// arena is garbage, so nodes numbered close together stay close in memory: a witness search
/// reads one arena, not one allocation per node.
struct Adjacency {
    slots: Vec<Slot>,
    links: Vec<Link>,
    /// Sum of the slots' capacities (the rest of `links` is garbage).
    used: usize,
}

impl std::ops::Index<usize> for Adjacency {
    type Output = [Link];
    #[inline]
    fn index(&self, v: usize) -> &[Link] {
        let s = self.slots[v];
        &self.links[s.start as usize..(s.start + s.len) as usize]
    }
}

impl Adjacency {
    /// Room for this many more links when a slot is laid out.
    fn room(len: u32) -> u32 {
        (len / 2).max(2)
    }

    /// From `(node, link)` pairs sorted by node.
    fn new(nodes: usize, links: impl Iterator<Item = (u32, Link)>) -> Self {
        let mut adj = Adjacency {
            slots: vec![Slot::default(); nodes],
            links: Vec::new(),
            used: 0,
        };
        let mut lists = vec![Vec::new(); nodes];
        for (v, l) in links {
            lists[v as usize].push(l);
        }
        for (v, list) in lists.into_iter().enumerate() {
            adj.lay_out(v, &list);
        }
        adj
    }

    /// Puts `list` in a fresh slot of `v` at the end of the arena.
    fn lay_out(&mut self, v: usize, list: &[Link]) {
        let len = list.len() as u32;
        let cap = len + Self::room(len);
        let start = u32::try_from(self.links.len()).expect("fewer than 2^32 links");
        self.links.extend_from_slice(list);
        self.links.resize(
            self.links.len() + (cap - len) as usize,
            Link {
                node: NONE,
                weight: INF,
                middle: NONE,
            },
        );
        self.used += cap as usize;
        self.slots[v] = Slot { start, len, cap };
    }

    fn get_mut(&mut self, v: usize) -> &mut [Link] {
        let s = self.slots[v];
        &mut self.links[s.start as usize..(s.start + s.len) as usize]
    }

    fn push(&mut self, v: usize, link: Link) {
        let s = self.slots[v];
        if s.len == s.cap {
            let list = self[v].to_vec();
            self.used -= s.cap as usize;
            // Grows by at least half the list.
            self.lay_out(v, &list);
        }
        let s = &mut self.slots[v];
        self.links[(s.start + s.len) as usize] = link;
        s.len += 1;
    }

    /// Keeps the links of `v` that `keep` holds for, in order.
    fn retain(&mut self, v: usize, keep: impl Fn(&Link) -> bool) {
        let s = self.slots[v];
        let list = &mut self.links[s.start as usize..(s.start + s.len) as usize];
        let mut kept = 0;
        for i in 0..list.len() {
            if keep(&list[i]) {
                list[kept] = list[i];
                kept += 1;
            }
        }
        self.slots[v].len = kept as u32;
    }

    /// Copies the links of `v` into `into` and frees its slot.
    fn take(&mut self, v: usize, into: &mut Vec<Link>) {
        into.clear();
        into.extend_from_slice(&self[v]);
        self.used -= self.slots[v].cap as usize;
        self.slots[v] = Slot::default();
    }

    /// Lays the arena out again in node order once half of it is garbage.
    fn maybe_compact(&mut self) {
        if self.links.len() <= 2 * self.used + 1024 {
            return;
        }
        let old = std::mem::take(&mut self.links);
        self.used = 0;
        for v in 0..self.slots.len() {
            let s = self.slots[v];
            if s.cap > 0 {
                self.lay_out(v, &old[s.start as usize..(s.start + s.len) as usize]);
            }
        }
    }
}

/// The remaining (uncontracted) graph, with adjacency in both directions.
struct Remaining {
    out: Adjacency,
    inc: Adjacency,
}

impl Remaining {
    fn new(graph: &Csr) -> Self {
        let n = graph.node_count();
        let mut arcs: Vec<(u32, u32, u32)> = (0..graph.edge_count())
            .filter(|&e| graph.tail(e) != graph.head(e) && graph.weight(e) != INF)
            .map(|e| (graph.tail(e), graph.head(e), graph.weight(e)))
            .collect();
        arcs.sort_unstable();
        arcs.dedup_by_key(|a| (a.0, a.1)); // keeps the lightest of parallel arcs
        let link = |node, weight| Link {
            node,
            weight,
            middle: NONE,
        };
        let out = Adjacency::new(n, arcs.iter().map(|&(t, h, w)| (t, link(h, w))));
        let inc = Adjacency::new(n, arcs.iter().map(|&(t, h, w)| (h, link(t, w))));
        Remaining { out, inc }
    }

    /// The neighbours of `v` both ways (a node linked both ways appears twice).
    fn neighbours(&self, v: u32) -> impl Iterator<Item = u32> + '_ {
        let v = v as usize;
        self.out[v].iter().chain(&self.inc[v]).map(|l| l.node)
    }

    /// Adds `tail -> head` or lowers the weight of the arc already there.
    fn add(&mut self, tail: u32, head: u32, weight: u32, middle: u32) {
        let out = self.out.get_mut(tail as usize);
        match out.iter_mut().find(|l| l.node == head) {
            Some(l) if l.weight <= weight => {}
            Some(l) => {
                l.weight = weight;
                l.middle = middle;
                let back = self
                    .inc
                    .get_mut(head as usize)
                    .iter_mut()
                    .find(|l| l.node == tail)
                    .expect("both directions hold every arc");
                back.weight = weight;
                back.middle = middle;
            }
            None => {
                self.out.push(
                    tail as usize,
                    Link {
                        node: head,
                        weight,
                        middle,
                    },
                );
                self.inc.push(
                    head as usize,
                    Link {
                        node: tail,
                        weight,
                        middle,
                    },
                );
            }
        }
    }
}

/// A bounded forward Dijkstra on the remaining graph, looking for witnesses.
struct Witness {
    dist: Vec<u32>,
    hops: Vec<u8>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<u64>>,
    /// `mark[v] == stamp` while `v` is a target of the current search.
    mark: Vec<u32>,
    stamp: u32,
}

impl Witness {
    fn new(nodes: usize) -> Self {
        Witness {
            dist: vec![INF; nodes],
            hops: vec![0; nodes],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            mark: vec![0; nodes],
            stamp: 0,
        }
    }

    /// Distances from `source` avoiding the nodes `avoid` holds for, exact up to `max_dist`
    /// for the first `max_settled` settled nodes and upper bounds (lengths of real paths)
    /// beyond. Stops early once all `targets` marked with the current stamp are settled.
    fn run(
        &mut self,
        g: &Remaining,
        source: u32,
        avoid: &impl Fn(u32) -> bool,
        max_dist: u32,
        limits: Limits,
        mut targets: usize,
    ) {
        for &v in &self.touched {
            self.dist[v as usize] = INF;
        }
        self.touched.clear();
        self.heap.clear();
        self.dist[source as usize] = 0;
        self.hops[source as usize] = 0;
        self.touched.push(source);
        self.heap.push(Reverse(key(0, source)));
        let mut settled = 0;
        while let Some(Reverse(k)) = self.heap.pop() {
            let (d, u) = ((k >> 32) as u32, k as u32);
            if d > self.dist[u as usize] {
                continue;
            }
            if d > max_dist || settled >= limits.settled {
                break;
            }
            settled += 1;
            if self.mark[u as usize] == self.stamp {
                targets -= 1;
                if targets == 0 {
                    break;
                }
            }
            let hops = self.hops[u as usize];
            if hops >= limits.hops {
                continue;
            }
            for l in &g.out[u as usize] {
                if avoid(l.node) {
                    continue;
                }
                let nd = d.saturating_add(l.weight);
                let slot = &mut self.dist[l.node as usize];
                if nd < *slot {
                    if *slot == INF {
                        self.touched.push(l.node);
                    }
                    *slot = nd;
                    self.hops[l.node as usize] = hops + 1;
                    self.heap.push(Reverse(key(nd, l.node)));
                }
            }
        }
    }

    /// Calls `shortcut(u, w, weight)` for every pair `u -> v -> w` of the remaining graph whose
    /// shortest path needs `v`, as far as bounded witness searches avoiding `v` and the nodes
    /// `avoid` holds for can tell (`avoid` must hold for no neighbour of `v`).
    fn shortcuts(
        &mut self,
        g: &Remaining,
        v: u32,
        avoid: &impl Fn(u32) -> bool,
        limits: Limits,
        mut shortcut: impl FnMut(u32, u32, u32),
    ) {
        let outs = &g.out[v as usize];
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.mark.fill(0);
            self.stamp = 1;
        }
        for b in outs {
            self.mark[b.node as usize] = self.stamp;
        }
        let avoid = |x: u32| x == v || avoid(x);
        for a in &g.inc[v as usize] {
            let max = outs
                .iter()
                .filter(|b| b.node != a.node)
                .map(|b| a.weight.saturating_add(b.weight))
                .filter(|&s| s != INF)
                .max();
            let Some(max) = max else { continue };
            // The source itself may be a target (a two-way arc with v): it is settled first.
            let targets = outs.len();
            self.run(g, a.node, &avoid, max, limits, targets);
            for b in outs {
                let s = a.weight.saturating_add(b.weight);
                if b.node != a.node && s != INF && self.dist[b.node as usize] > s {
                    shortcut(a.node, b.node, s);
                }
            }
        }
    }
}

/// One witness workspace per thread of the current rayon pool.
struct Witnesses {
    slots: Vec<Mutex<Witness>>,
}

impl Witnesses {
    fn new(nodes: usize) -> Self {
        let threads = rayon::current_num_threads().max(1);
        Witnesses {
            slots: (0..threads)
                .map(|_| Mutex::new(Witness::new(nodes)))
                .collect(),
        }
    }

    /// Runs `f` with the calling thread's workspace (uncontended: one slot per thread).
    fn with<R>(&self, f: impl FnOnce(&mut Witness) -> R) -> R {
        let i = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
        let mut w = self.slots[i].lock().unwrap_or_else(|e| e.into_inner());
        f(&mut w)
    }
}

/// Per-node ordering state.
struct Ordering {
    contracted_neighbours: Vec<u32>,
    depth: Vec<u32>,
}

impl Ordering {
    fn priority(&self, g: &Remaining, w: &mut Witness, v: u32) -> i64 {
        let mut added = 0i64;
        w.shortcuts(g, v, &|_| false, SIMULATE, |_, _, _| added += 1);
        let removed = (g.out[v as usize].len() + g.inc[v as usize].len()) as i64;
        4 * (added - removed)
            + i64::from(self.contracted_neighbours[v as usize])
            + i64::from(self.depth[v as usize])
    }

    /// The priorities of `nodes`, computed in parallel, written into `prio`.
    fn update(&self, g: &Remaining, pool: &Witnesses, nodes: &[u32], prio: &mut [i64]) {
        let new: Vec<i64> = nodes
            .par_iter()
            .with_min_len(64)
            .map(|&v| pool.with(|w| self.priority(g, w, v)))
            .collect();
        for (&v, p) in nodes.iter().zip(new) {
            prio[v as usize] = p;
        }
    }
}

impl ContractionHierarchy {
    /// Prepares the hierarchy of `graph`. Self-loops, arcs of weight `u32::MAX` and all but the
    /// lightest of parallel arcs are dropped (they are on no shortest path). Deterministic: the
    /// same graph gives the same hierarchy at any thread count. Witness searches run in
    /// parallel on the current rayon pool.
    ///
    /// Cost: on the 1M-node synthetic grid `commute bench` peaks at about 450 MB with the
    /// hierarchy built (270 MB before); the hierarchy keeps about 2 arcs per input arc.
    pub fn build(graph: &Csr) -> Self {
        let n = graph.node_count();
        assert!(n < NONE as usize, "fewer than 2^32 - 1 nodes");
        let mut prep = Preparation::new(graph);
        while !prep.remaining.is_empty() {
            let round = prep.next_round();
            let shortcuts = prep.witness_searches(&round);
            prep.contract(&round, &shortcuts);
        }
        prep.finish()
    }
}

/// A preparation between rounds: the remaining graph, the priorities, and the hierarchy's arcs
/// so far in contraction (= rank) order, with original ids until [`Preparation::finish`].
struct Preparation {
    g: Remaining,
    ord: Ordering,
    pool: Witnesses,
    /// The uncontracted nodes, ascending.
    remaining: Vec<u32>,
    prio: Vec<i64>,
    /// The smallest `(priority, id)` in each remaining node's closed 1-hop neighbourhood.
    local_min: Vec<(i64, u32)>,
    /// Whether a node is in the round being contracted.
    in_round: Vec<bool>,
    /// The contracted nodes in contraction order.
    order: Vec<u32>,
    up: Arcs,
    down: Arcs,
    /// Scratch: the neighbours of this round's nodes, then of one node, and its links.
    touched: Vec<u32>,
    around: Vec<u32>,
    outs: Vec<Link>,
    ins: Vec<Link>,
}

impl Preparation {
    fn new(graph: &Csr) -> Self {
        let n = graph.node_count();
        let mut prep = Preparation {
            g: Remaining::new(graph),
            ord: Ordering {
                contracted_neighbours: vec![0; n],
                depth: vec![0; n],
            },
            pool: Witnesses::new(n),
            remaining: (0..n as u32).collect(),
            prio: vec![0i64; n],
            local_min: vec![(0i64, 0u32); n],
            in_round: vec![false; n],
            order: Vec::with_capacity(n),
            up: Arcs::default(),
            down: Arcs::default(),
            touched: Vec::new(),
            around: Vec::new(),
            outs: Vec::new(),
            ins: Vec::new(),
        };
        prep.ord
            .update(&prep.g, &prep.pool, &prep.remaining, &mut prep.prio);
        prep
    }

    /// The next round: the remaining nodes smallest in their 2-hop neighbourhood, marked in
    /// `in_round`.
    fn next_round(&mut self) -> Vec<u32> {
        let (g, prio, local_min) = (&self.g, &self.prio, &mut self.local_min);
        let key = |v: u32| (prio[v as usize], v);
        let mins: Vec<(i64, u32)> = self
            .remaining
            .par_iter()
            .with_min_len(1024)
            .map(|&v| g.neighbours(v).map(key).fold(key(v), std::cmp::min))
            .collect();
        for (&v, m) in self.remaining.iter().zip(mins) {
            local_min[v as usize] = m;
        }
        let local_min = &*local_min;
        let round: Vec<u32> = self
            .remaining
            .par_iter()
            .with_min_len(1024)
            .copied()
            .filter(|&v| {
                let k = key(v);
                local_min[v as usize] == k && g.neighbours(v).all(|u| local_min[u as usize] == k)
            })
            .collect();
        debug_assert!(!round.is_empty(), "the smallest key is always chosen");
        for &v in &round {
            self.in_round[v as usize] = true;
        }
        round
    }

    /// The shortcuts `(tail, head, weight)` contracting each node of `round` needs: witness
    /// searches in parallel on the graph as it is, avoiding the whole round.
    fn witness_searches(&self, round: &[u32]) -> Vec<Vec<(u32, u32, u32)>> {
        let in_round = &self.in_round;
        round
            .par_iter()
            .map(|&v| {
                self.pool.with(|w| {
                    let mut found = Vec::new();
                    w.shortcuts(
                        &self.g,
                        v,
                        &|x| in_round[x as usize],
                        CONTRACT,
                        |a, b, s| found.push((a, b, s)),
                    );
                    found
                })
            })
            .collect()
    }

    /// Contracts the nodes of `round` in node order, adding their `shortcuts`, then updates the
    /// priorities of their neighbours.
    fn contract(&mut self, round: &[u32], shortcuts: &[Vec<(u32, u32, u32)>]) {
        let (g, ord) = (&mut self.g, &mut self.ord);
        self.touched.clear();
        for (&v, shortcuts) in round.iter().zip(shortcuts) {
            self.order.push(v);
            g.out.take(v as usize, &mut self.outs);
            g.inc.take(v as usize, &mut self.ins);
            self.around.clear();
            for l in &self.outs {
                g.inc.retain(l.node as usize, |x| x.node != v);
                self.around.push(l.node);
                self.up.push(l.node, l.weight, l.middle);
            }
            for l in &self.ins {
                g.out.retain(l.node as usize, |x| x.node != v);
                self.around.push(l.node);
                self.down.push(l.node, l.weight, l.middle);
            }
            self.up.close();
            self.down.close();
            for &(a, b, s) in shortcuts {
                g.add(a, b, s, v);
            }
            self.around.sort_unstable();
            self.around.dedup();
            for &u in &self.around {
                let u = u as usize;
                ord.contracted_neighbours[u] += 1;
                ord.depth[u] = ord.depth[u].max(ord.depth[v as usize] + 1);
            }
            self.touched.extend_from_slice(&self.around);
        }
        g.out.maybe_compact();
        g.inc.maybe_compact();
        let in_round = &mut self.in_round;
        self.remaining.retain(|&v| !in_round[v as usize]);
        for &v in round {
            in_round[v as usize] = false;
        }
        self.touched.sort_unstable();
        self.touched.dedup();
        ord.update(g, &self.pool, &self.touched, &mut self.prio);
    }

    /// The hierarchy, its arcs moved from original ids to ranks.
    fn finish(self) -> ContractionHierarchy {
        let Preparation {
            order,
            mut up,
            mut down,
            ..
        } = self;
        let mut rank = vec![0u32; order.len()];
        for (r, &v) in order.iter().enumerate() {
            rank[v as usize] = r as u32;
        }
        for arcs in [&mut up, &mut down] {
            for a in &mut arcs.arcs {
                a.0 = rank[a.0 as usize];
            }
            for m in &mut arcs.middle {
                if *m != NONE {
                    *m = rank[*m as usize];
                }
            }
        }
        ContractionHierarchy {
            order,
            rank,
            up,
            down,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::ch::test_graphs::{bytes, grid, random_graph};

    /// Rounds of parallel contraction give the same hierarchy, byte for byte, on 1 and 2
    /// threads (and so at any `RAYON_NUM_THREADS`), on grids and on random graphs with zero
    /// weights and parallel arcs.
    #[test]
    fn same_hierarchy_on_one_and_two_threads() {
        let pool = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
        };
        let (one, two) = (pool(1), pool(2));
        let mut graphs: Vec<Csr> = (0..40).map(random_graph).collect();
        graphs.push(grid(60, 11));
        graphs.push(grid(45, 12));
        for (i, g) in graphs.iter().enumerate() {
            let a = one.install(|| ContractionHierarchy::build(g));
            let b = two.install(|| ContractionHierarchy::build(g));
            assert_eq!(bytes(&a), bytes(&b), "graph {i}");
        }
    }
}
