//! Contraction hierarchies: a one-off preparation that makes point-to-point, one-to-all and
//! many-to-many road queries orders of magnitude faster than Dijkstra.
//!
//! Why: a plain Dijkstra on a million-node road graph settles most of the graph for every query.
//! Contraction hierarchies (Geisberger, Sanders, Schultes and Delling, "Contraction Hierarchies:
//! Faster and Simpler Hierarchical Routing in Road Networks", WEA 2008) contract the nodes one by
//! one in order of importance, adding a *shortcut* `u -> w` with the weight of `u -> v -> w`
//! whenever contracting `v` would otherwise lose the only shortest `u -> w` path. Every shortest
//! path then has an up-down form in the hierarchy, so a query searches upward from both ends and
//! settles a few hundred nodes instead of the whole graph.
//!
//! - **Ordering.** Nodes are contracted in rounds. Every node has a priority: four times the edge
//!   difference (shortcuts added minus arcs removed) plus contracted neighbours plus the
//!   hierarchy depth, which spreads contraction evenly over the graph. A round contracts every
//!   node whose `(priority, id)` is the smallest in its 2-hop neighbourhood: an independent set,
//!   so its witness searches run in parallel on the same graph, each avoiding every node of the
//!   round (a witness found then stays a witness once the round is done). The shortcuts are then
//!   inserted in node order and the priorities of the round's neighbours recomputed, in
//!   parallel again. Witness searches are Dijkstras bounded by distance, stopping once every
//!   target is settled, and by a settled-node limit (20 to estimate a priority, 500 to
//!   contract); a missed witness only costs an unneeded shortcut, never a wrong distance.
//!   Every step is a pure function of the graph and the previous rounds, so the same graph
//!   gives the same hierarchy, byte for byte, at any thread count. The remaining graph's links
//!   live in one arena per direction, laid out in node order, so searches read nearby memory.
//! - **Storage.** Ranks are the contraction order, a round's nodes (a level of the hierarchy)
//!   contiguous and by input id within it, so the nodes of a level keep the input's locality.
//!   The hierarchy is two CSR graphs in rank space: the upward arcs out of each node and the
//!   upward arcs into each node (downward arcs seen from below), each arc's head and weight side
//!   by side (one read per relaxation), its middle node for path unpacking apart.
//! - **Point-to-point** ([`ContractionHierarchy::query`]): bidirectional upward Dijkstra with
//!   stall-on-demand, stopping each direction once its queue minimum reaches the best meeting
//!   distance. Both directions' labels of a node share a cache line.
//! - **One-to-all** ([`ContractionHierarchy::one_to_all`]): PHAST (Delling, Goldberg, Nowatzyk
//!   and Werneck, "PHAST: Hardware-Accelerated Shortest Path Trees", IPDPS 2011): an upward search
//!   from the source, then one linear sweep over all nodes in decreasing rank relaxing the
//!   downward arcs (a level's nodes are contiguous), with no priority queue.
//! - **Many-to-many** ([`ContractionHierarchy::matrix`]): the bucket algorithm (Knopp, Sanders,
//!   Schultes, Schulz and Wagner, "Computing Many-to-Many Shortest Paths Using Highway
//!   Hierarchies", ALENEX 2007): backward upward searches from every target leave `(target,
//!   distance)` entries in buckets at the nodes they settle; a forward upward search from each
//!   source scans the buckets of the nodes it settles.
//!
//! Distances are exact `u32` sums with the same convention as [`super::one_to_all`]: a path whose
//! length reaches `u32::MAX` counts as no path, so arcs of weight `u32::MAX` and shortcuts that
//! would reach it are never stored, and labels add with saturation.

use super::csr::Csr;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, Read, Write};
use std::sync::Mutex;

/// Distance of an unreached node.
const INF: u32 = u32::MAX;
/// The middle node of an arc that is not a shortcut, and "no predecessor".
const NONE: u32 = u32::MAX;
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

/// The magic header of the serialised form.
const MAGIC: &[u8; 8] = b"COMMUTCH";
/// The version of the serialised form.
const VERSION: u32 = 1;

/// A heap key: the distance in the high half, the node in the low half (ties by node).
#[inline]
fn key(dist: u32, node: u32) -> u64 {
    (u64::from(dist) << 32) | u64::from(node)
}

/// A contraction hierarchy over a [`Csr`] graph, built once with
/// [`ContractionHierarchy::build`] and shared read-only across threads. Weights and distances
/// are in the graph's units (seconds for the car graph).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractionHierarchy {
    /// `order[rank]` is the original id of the node of that rank.
    order: Vec<u32>,
    /// `rank[node]` for an original node id.
    rank: Vec<u32>,
    /// Upward arcs out of each node (rank space): `r -> head`, `head > r`.
    up: Arcs,
    /// Upward arcs into each node (rank space): `head -> r`, `head > r`.
    down: Arcs,
}

/// One direction of the hierarchy in CSR form, in rank space.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Arcs {
    first: Vec<u32>,
    /// `(head, weight)` of each arc.
    arcs: Vec<(u32, u32)>,
    /// The contracted node a shortcut bypasses (rank space), [`NONE`] for an original arc.
    middle: Vec<u32>,
}

impl Default for Arcs {
    fn default() -> Self {
        Arcs {
            first: vec![0],
            arcs: Vec::new(),
            middle: Vec::new(),
        }
    }
}

impl Arcs {
    #[inline]
    fn range(&self, node: u32) -> std::ops::Range<usize> {
        self.first[node as usize] as usize..self.first[node as usize + 1] as usize
    }

    #[inline]
    fn of(&self, node: u32) -> &[(u32, u32)] {
        &self.arcs[self.range(node)]
    }

    #[inline]
    fn head(&self, e: usize) -> u32 {
        self.arcs[e].0
    }

    #[inline]
    fn weight(&self, e: usize) -> u32 {
        self.arcs[e].1
    }

    /// The arc of `node` whose head is `head` (unique: parallel arcs are merged).
    fn find(&self, node: u32, head: u32) -> Option<usize> {
        self.range(node).find(|&e| self.arcs[e].0 == head)
    }

    fn push(&mut self, head: u32, weight: u32, middle: u32) {
        self.arcs.push((head, weight));
        self.middle.push(middle);
    }

    /// Ends the arcs of the current node.
    fn close(&mut self) {
        let m = u32::try_from(self.arcs.len()).expect("fewer than 2^32 hierarchy arcs");
        self.first.push(m);
    }
}

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

// ---------------------------------------------------------------------------------------------
// Preparation

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
        let mut g = Remaining::new(graph);
        let mut ord = Ordering {
            contracted_neighbours: vec![0; n],
            depth: vec![0; n],
        };
        let pool = Witnesses::new(n);
        let mut remaining: Vec<u32> = (0..n as u32).collect();
        let mut prio = vec![0i64; n];
        ord.update(&g, &pool, &remaining, &mut prio);
        // The smallest `(priority, id)` in each remaining node's closed 1-hop neighbourhood.
        let mut local_min = vec![(0i64, 0u32); n];
        let mut in_round = vec![false; n];
        let mut order = Vec::with_capacity(n);
        // The hierarchy's arcs in contraction (= rank) order, with original ids for now.
        let mut up = Arcs::default();
        let mut down = Arcs::default();
        let mut touched = Vec::new();
        let mut around = Vec::new();
        let (mut outs, mut ins) = (Vec::new(), Vec::new());
        while !remaining.is_empty() {
            // This round: the nodes smallest in their 2-hop neighbourhood.
            let key = |v: u32| (prio[v as usize], v);
            let mins: Vec<(i64, u32)> = remaining
                .par_iter()
                .with_min_len(1024)
                .map(|&v| g.neighbours(v).map(key).fold(key(v), std::cmp::min))
                .collect();
            for (&v, m) in remaining.iter().zip(mins) {
                local_min[v as usize] = m;
            }
            let round: Vec<u32> = remaining
                .par_iter()
                .with_min_len(1024)
                .copied()
                .filter(|&v| {
                    let k = key(v);
                    local_min[v as usize] == k
                        && g.neighbours(v).all(|u| local_min[u as usize] == k)
                })
                .collect();
            debug_assert!(!round.is_empty(), "the smallest key is always chosen");
            for &v in &round {
                in_round[v as usize] = true;
            }
            // Witness searches in parallel on the graph as it is, avoiding the whole round.
            let found: Vec<Vec<(u32, u32, u32)>> = round
                .par_iter()
                .map(|&v| {
                    pool.with(|w| {
                        let mut found = Vec::new();
                        w.shortcuts(&g, v, &|x| in_round[x as usize], CONTRACT, |a, b, s| {
                            found.push((a, b, s))
                        });
                        found
                    })
                })
                .collect();
            // Contract, in node order.
            touched.clear();
            for (&v, shortcuts) in round.iter().zip(&found) {
                order.push(v);
                g.out.take(v as usize, &mut outs);
                g.inc.take(v as usize, &mut ins);
                around.clear();
                for l in &outs {
                    g.inc.retain(l.node as usize, |x| x.node != v);
                    around.push(l.node);
                    up.push(l.node, l.weight, l.middle);
                }
                for l in &ins {
                    g.out.retain(l.node as usize, |x| x.node != v);
                    around.push(l.node);
                    down.push(l.node, l.weight, l.middle);
                }
                up.close();
                down.close();
                for &(a, b, s) in shortcuts {
                    g.add(a, b, s, v);
                }
                around.sort_unstable();
                around.dedup();
                for &u in &around {
                    let u = u as usize;
                    ord.contracted_neighbours[u] += 1;
                    ord.depth[u] = ord.depth[u].max(ord.depth[v as usize] + 1);
                }
                touched.extend_from_slice(&around);
            }
            g.out.maybe_compact();
            g.inc.maybe_compact();
            remaining.retain(|&v| !in_round[v as usize]);
            for &v in &round {
                in_round[v as usize] = false;
            }
            touched.sort_unstable();
            touched.dedup();
            ord.update(&g, &pool, &touched, &mut prio);
        }
        let mut rank = vec![0u32; n];
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

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.order.len()
    }

    /// Number of arcs of the hierarchy (original arcs kept plus shortcuts).
    pub fn arc_count(&self) -> usize {
        self.up.arcs.len() + self.down.arcs.len()
    }

    // -----------------------------------------------------------------------------------------
    // Point-to-point

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

    // -----------------------------------------------------------------------------------------
    // One-to-all and many-to-many

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

    /// An upward search with stall-on-demand from `start` (rank space) in `own`, returning the
    /// settled, unstalled nodes with their distances.
    fn upward(
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

    /// Shortest distances from every source to every target (original ids), row-major:
    /// entry `i * targets.len() + j` is from `sources[i]` to `targets[j]`, `None` when
    /// unreachable or an id is out of range. Searches run in parallel on the current rayon pool;
    /// the result does not depend on the thread count.
    pub fn matrix(&self, sources: &[u32], targets: &[u32]) -> Vec<Option<u32>> {
        let n = self.node_count();
        let valid = |v: u32| (v as usize) < n;
        // Backward searches from every target.
        let spaces: Vec<Vec<(u32, u32)>> = targets
            .par_iter()
            .map_init(
                || (ChWorkspace::new(n), Vec::new()),
                |(ws, settled), &t| {
                    if !valid(t) {
                        return Vec::new();
                    }
                    let start = self.rank[t as usize];
                    self.upward(ws, &self.down, &self.up, start, settled);
                    settled.clone()
                },
            )
            .collect();
        // Buckets in CSR form, filled in target order.
        let mut first = vec![0usize; n + 1];
        for space in &spaces {
            for &(v, _) in space {
                first[v as usize + 1] += 1;
            }
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut next = first.clone();
        let mut bucket = vec![(0u32, 0u32); first[n]];
        for (j, space) in spaces.iter().enumerate() {
            for &(v, d) in space {
                bucket[next[v as usize]] = (j as u32, d);
                next[v as usize] += 1;
            }
        }
        drop(spaces);
        let cols = targets.len();
        sources
            .par_iter()
            .map_init(
                || (ChWorkspace::new(n), Vec::new()),
                |(ws, settled), &s| {
                    let mut row = vec![INF; cols];
                    if valid(s) {
                        let start = self.rank[s as usize];
                        self.upward(ws, &self.up, &self.down, start, settled);
                        for &(v, d) in settled.iter() {
                            for &(j, db) in &bucket[first[v as usize]..first[v as usize + 1]] {
                                let slot = &mut row[j as usize];
                                *slot = (*slot).min(d.saturating_add(db));
                            }
                        }
                    }
                    row.into_iter()
                        .map(|d| (d != INF).then_some(d))
                        .collect::<Vec<_>>()
                },
            )
            .flatten_iter()
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Serialisation

    /// Writes the hierarchy in a versioned little-endian binary format: the magic `COMMUTCH`,
    /// the version (`u32`), the node and arc counts (`u64`), the rank order, both arc sets
    /// (offsets as `u64`, heads, weights, middles as `u32`) and an FNV-1a 64 checksum of all
    /// bytes before it.
    pub fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        let mut w = Checked::new(w);
        w.put_bytes(MAGIC)?;
        w.put_bytes(&VERSION.to_le_bytes())?;
        w.put_u64(self.order.len() as u64)?;
        w.put_u64(self.up.arcs.len() as u64)?;
        w.put_u64(self.down.arcs.len() as u64)?;
        w.put_u32s(&self.order)?;
        for arcs in [&self.up, &self.down] {
            for &f in &arcs.first {
                w.put_u64(u64::from(f))?;
            }
            let heads: Vec<u32> = arcs.arcs.iter().map(|a| a.0).collect();
            w.put_u32s(&heads)?;
            let weights: Vec<u32> = arcs.arcs.iter().map(|a| a.1).collect();
            w.put_u32s(&weights)?;
            w.put_u32s(&arcs.middle)?;
        }
        let sum = w.sum;
        w.inner.write_all(&sum.to_le_bytes())
    }

    /// Reads a hierarchy written by [`ContractionHierarchy::write_to`]. A wrong magic or
    /// version, truncated input, a checksum mismatch or an inconsistent structure is an
    /// [`io::ErrorKind::InvalidData`] (or `UnexpectedEof`) error; bad input never panics. The
    /// counts in the header never size an allocation ahead of the data: arrays grow as their
    /// values are read (at most 2^16 values, or 2^20 offsets, ahead), so a forged count costs
    /// memory in proportion to the bytes actually there and fails at the end of the input.
    pub fn read_from(r: &mut impl Read) -> io::Result<Self> {
        let mut r = Checked::new(r);
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic)?;
        if &magic != MAGIC {
            return Err(invalid("not a commute contraction hierarchy (bad magic)"));
        }
        let version = r.u32()?;
        if version != VERSION {
            return Err(invalid(&format!(
                "unsupported contraction hierarchy version {version} (expected {VERSION})"
            )));
        }
        let n = r.u64()?;
        if n >= u64::from(u32::MAX) {
            return Err(invalid("node count out of range"));
        }
        let n = n as usize;
        let m_up = r.u64()? as usize;
        let m_down = r.u64()? as usize;
        if m_up >= u32::MAX as usize || m_down >= u32::MAX as usize {
            return Err(invalid("arc count out of range"));
        }
        let order = r.u32s(n)?;
        let mut read_arcs = |m: usize| -> io::Result<Arcs> {
            let mut first = Vec::with_capacity(n.min(1 << 20) + 1);
            for _ in 0..=n {
                let f = r.u64()?;
                if f > m as u64 {
                    return Err(invalid("arc offset out of range"));
                }
                first.push(f as u32);
            }
            let heads = r.u32s(m)?;
            let weights = r.u32s(m)?;
            Ok(Arcs {
                first,
                arcs: heads.into_iter().zip(weights).collect(),
                middle: r.u32s(m)?,
            })
        };
        let up = read_arcs(m_up)?;
        let down = read_arcs(m_down)?;
        let expected = r.sum;
        let mut sum = [0u8; 8];
        r.inner.read_exact(&mut sum)?;
        if u64::from_le_bytes(sum) != expected {
            return Err(invalid("checksum mismatch"));
        }
        let mut rank = vec![NONE; n];
        for (i, &v) in order.iter().enumerate() {
            if v as usize >= n || rank[v as usize] != NONE {
                return Err(invalid("rank order is not a permutation"));
            }
            rank[v as usize] = i as u32;
        }
        let ch = ContractionHierarchy {
            order,
            rank,
            up,
            down,
        };
        ch.validate().map_err(invalid)?;
        Ok(ch)
    }

    /// Checks the structural invariants that queries rely on.
    fn validate(&self) -> Result<(), &'static str> {
        let n = self.node_count();
        for arcs in [&self.up, &self.down] {
            if arcs.first.first() != Some(&0)
                || arcs.first.last().map(|&f| f as usize) != Some(arcs.arcs.len())
                || arcs.first.windows(2).any(|w| w[0] > w[1])
            {
                return Err("arc offsets are not monotone");
            }
            for r in 0..n {
                for e in arcs.range(r as u32) {
                    let h = arcs.head(e);
                    let m = arcs.middle[e];
                    if h as usize >= n || h as usize <= r {
                        return Err("arc does not lead upward");
                    }
                    if arcs.weight(e) == INF {
                        return Err("arc weight out of range");
                    }
                    if m != NONE && m as usize >= r {
                        return Err("shortcut middle is not below its ends");
                    }
                }
            }
        }
        // Every shortcut must unpack into two arcs of the middle node with the same total.
        for (arcs, outward) in [(&self.up, true), (&self.down, false)] {
            for r in 0..n as u32 {
                for e in arcs.range(r) {
                    let m = arcs.middle[e];
                    if m == NONE {
                        continue;
                    }
                    let (from, to) = if outward {
                        (r, arcs.head(e))
                    } else {
                        (arcs.head(e), r)
                    };
                    let first = self
                        .down
                        .find(m, from)
                        .ok_or("shortcut cannot be unpacked")?;
                    let second = self.up.find(m, to).ok_or("shortcut cannot be unpacked")?;
                    let total =
                        u64::from(self.down.weight(first)) + u64::from(self.up.weight(second));
                    if total != u64::from(arcs.weight(e)) {
                        return Err("shortcut weight does not match its parts");
                    }
                }
            }
        }
        Ok(())
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

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

/// A reader or writer that keeps an FNV-1a 64 checksum of the bytes passing through.
struct Checked<T> {
    inner: T,
    sum: u64,
}

impl<T> Checked<T> {
    fn new(inner: T) -> Self {
        Checked {
            inner,
            sum: 0xcbf2_9ce4_8422_2325,
        }
    }

    fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.sum = (self.sum ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

impl<W: Write> Checked<&mut W> {
    fn put_bytes(&mut self, b: &[u8]) -> io::Result<()> {
        self.add(b);
        self.inner.write_all(b)
    }

    fn put_u64(&mut self, v: u64) -> io::Result<()> {
        self.put_bytes(&v.to_le_bytes())
    }

    fn put_u32s(&mut self, vs: &[u32]) -> io::Result<()> {
        let mut buf = Vec::with_capacity(4 * vs.len().min(1 << 16));
        for chunk in vs.chunks(1 << 16) {
            buf.clear();
            for v in chunk {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            self.put_bytes(&buf)?;
        }
        Ok(())
    }
}

impl<R: Read> Checked<&mut R> {
    fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
        self.inner.read_exact(buf)?;
        self.add(buf);
        Ok(())
    }

    fn u32(&mut self) -> io::Result<u32> {
        let mut b = [0u8; 4];
        self.read_exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> io::Result<u64> {
        let mut b = [0u8; 8];
        self.read_exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Reads `count` values in chunks, so a corrupted count fails at the end of the input
    /// instead of allocating a huge buffer up front.
    fn u32s(&mut self, count: usize) -> io::Result<Vec<u32>> {
        let mut out = Vec::with_capacity(count.min(1 << 16));
        let mut buf = vec![0u8; 4 << 16];
        let mut left = count;
        while left > 0 {
            let k = left.min(1 << 16);
            self.read_exact(&mut buf[..4 * k])?;
            out.extend(
                buf[..4 * k]
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
            left -= k;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::{Workspace, one_to_all};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A random graph with parallel arcs, zero weights, self-loops, isolated parts and, now and
    /// then, weights near `u32::MAX` (so saturation is exercised).
    fn random_graph(seed: u64) -> Csr {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = rng.random_range(1..=40u32);
        let m = rng.random_range(0..=4 * n as usize);
        let huge = rng.random_bool(0.1);
        // Nodes of the second part only link among themselves.
        let split = rng.random_range(0..=n);
        let mut arcs = Vec::with_capacity(m);
        for _ in 0..m {
            let t = rng.random_range(0..n);
            let h = match rng.random_range(0..10) {
                0 => t,
                _ if t < split => rng.random_range(0..split),
                _ => rng.random_range(split..n),
            };
            let w = match rng.random_range(0..10) {
                0 => 0,
                1 if huge => rng.random_range(u32::MAX / 3..=u32::MAX),
                _ => rng.random_range(1..=100),
            };
            arcs.push((t, h, w));
            if rng.random_bool(0.1) {
                arcs.push((t, h, rng.random_range(0..=100)));
            }
        }
        Csr::build(n as usize, &arcs).0
    }

    fn dijkstra(g: &Csr, s: u32, ws: &mut Workspace) -> Vec<Option<u32>> {
        one_to_all(g, s, &[], ws);
        (0..g.node_count() as u32).map(|v| ws.distance(v)).collect()
    }

    /// The weight of the lightest arc `a -> b`, if any.
    fn arc(g: &Csr, a: u32, b: u32) -> Option<u32> {
        g.edges_of(a)
            .filter(|&e| g.head(e) == b)
            .map(|e| g.weight(e))
            .min()
    }

    #[test]
    fn agrees_with_dijkstra_on_random_graphs() {
        for seed in 0..300 {
            let g = random_graph(seed);
            let n = g.node_count() as u32;
            let ch = ContractionHierarchy::build(&g);
            assert_eq!(ch.node_count(), n as usize);
            let mut dws = Workspace::new(g.node_count());
            let mut ws = ChWorkspace::new(g.node_count());
            let mut pws = PhastWorkspace::new(g.node_count());
            let mut all = Vec::new();
            for s in 0..n {
                let expected = dijkstra(&g, s, &mut dws);
                let phast = ch.one_to_all(&mut pws, s);
                for t in 0..n {
                    let want = expected[t as usize];
                    assert_eq!(ch.query(&mut ws, s, t), want, "seed {seed} query {s}->{t}");
                    assert_eq!(
                        (phast[t as usize] != INF).then_some(phast[t as usize]),
                        want,
                        "seed {seed} phast {s}->{t}"
                    );
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
                all.extend(expected);
            }
            // The matrix over all nodes, with a repeated and an out-of-range id.
            let ids: Vec<u32> = (0..n).chain([0, n + 5]).collect();
            let matrix = ch.matrix(&ids, &ids);
            for (i, &s) in ids.iter().enumerate() {
                for (j, &t) in ids.iter().enumerate() {
                    let want = if s < n && t < n {
                        all[(s * n + t) as usize]
                    } else {
                        None
                    };
                    assert_eq!(
                        matrix[i * ids.len() + j],
                        want,
                        "seed {seed} matrix {s}->{t}"
                    );
                }
            }
            assert_eq!(ch.query(&mut ws, 0, n), None);
        }
    }

    fn bytes(ch: &ContractionHierarchy) -> Vec<u8> {
        let mut out = Vec::new();
        ch.write_to(&mut out).unwrap();
        out
    }

    /// A road-like grid, big enough for a non-trivial hierarchy.
    fn grid(side: u32, seed: u64) -> Csr {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut arcs = Vec::new();
        for r in 0..side {
            for c in 0..side {
                let v = r * side + c;
                for (dr, dc) in [(0, 1), (1, 0)] {
                    if r + dr < side && c + dc < side {
                        let u = (r + dr) * side + c + dc;
                        arcs.push((v, u, rng.random_range(1..=60)));
                        arcs.push((u, v, rng.random_range(1..=60)));
                    }
                }
            }
        }
        Csr::build((side * side) as usize, &arcs).0
    }

    #[test]
    fn round_trip_is_identical_and_deterministic() {
        let g = grid(20, 7);
        let ch = ContractionHierarchy::build(&g);
        let written = bytes(&ch);
        // Same graph, any thread count: same bytes.
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        assert_eq!(
            bytes(&one.install(|| ContractionHierarchy::build(&g))),
            written
        );
        let back = ContractionHierarchy::read_from(&mut written.as_slice()).unwrap();
        assert_eq!(back, ch);
        assert_eq!(bytes(&back), written);
        let ids: Vec<u32> = (0..400).step_by(7).collect();
        let m = back.matrix(&ids, &ids);
        assert_eq!(one.install(|| ch.matrix(&ids, &ids)), m);
        let mut ws = ChWorkspace::new(400);
        let mut dws = Workspace::new(400);
        for (i, &s) in ids.iter().enumerate() {
            let expected = dijkstra(&g, s, &mut dws);
            for (j, &t) in ids.iter().enumerate() {
                assert_eq!(m[i * ids.len() + j], expected[t as usize]);
                assert_eq!(back.query(&mut ws, s, t), expected[t as usize]);
            }
        }
    }

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

    #[test]
    fn corrupted_or_truncated_input_is_an_error() {
        let ch = ContractionHierarchy::build(&grid(6, 3));
        let good = bytes(&ch);
        for len in 0..good.len() {
            assert!(ContractionHierarchy::read_from(&mut &good[..len]).is_err());
        }
        for i in 0..good.len() {
            for flip in [1u8, 0x80] {
                let mut bad = good.clone();
                bad[i] ^= flip;
                assert!(
                    ContractionHierarchy::read_from(&mut bad.as_slice()).is_err(),
                    "byte {i}"
                );
            }
        }
        // A structurally wrong file with a valid checksum is rejected too.
        let mut wrong = ch.clone();
        wrong.up.arcs[0].0 = 0;
        assert!(ContractionHierarchy::read_from(&mut bytes(&wrong).as_slice()).is_err());
        let mut wrong = ch.clone();
        if let Some(e) = wrong.up.middle.iter().position(|&m| m != NONE) {
            wrong.up.arcs[e].1 += 1;
            assert!(ContractionHierarchy::read_from(&mut bytes(&wrong).as_slice()).is_err());
        }
    }

    #[test]
    fn forged_counts_fail_at_the_end_of_the_input() {
        for (n, m) in [
            (u64::from(u32::MAX) - 2, u64::from(u32::MAX) - 2),
            (1 << 28, 0),
        ] {
            let mut forged = MAGIC.to_vec();
            forged.extend_from_slice(&VERSION.to_le_bytes());
            for count in [n, m, m] {
                forged.extend_from_slice(&count.to_le_bytes());
            }
            forged.extend_from_slice(&[0; 64]);
            let err = ContractionHierarchy::read_from(&mut forged.as_slice()).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
        }
        let mut too_many = MAGIC.to_vec();
        too_many.extend_from_slice(&VERSION.to_le_bytes());
        too_many.extend_from_slice(&u64::MAX.to_le_bytes());
        let err = ContractionHierarchy::read_from(&mut too_many.as_slice()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
    }

    #[test]
    fn empty_graph() {
        let ch = ContractionHierarchy::build(&Csr::build(0, &[]).0);
        assert_eq!(ch.node_count(), 0);
        assert_eq!(ch.query(&mut ChWorkspace::new(0), 0, 0), None);
        assert!(ch.one_to_all(&mut PhastWorkspace::new(0), 0).is_empty());
        assert_eq!(ch.matrix(&[0], &[0]), vec![None]);
        let back = ContractionHierarchy::read_from(&mut bytes(&ch).as_slice()).unwrap();
        assert_eq!(back, ch);
    }
}
