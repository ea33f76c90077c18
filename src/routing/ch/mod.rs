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
//!
//! One concept per file, as petgraph keeps one algorithm per file: `prepare` (ordering and
//! contraction), `query` (bidirectional point-to-point search, path unpacking and the upward
//! search the other queries share), `phast` (one-to-all), `matrix` (bucket many-to-many) and
//! `format` (the binary file). This file holds what they all read: the hierarchy's two arc
//! sets in rank space and the conventions of distances and heap keys.

mod format;
mod matrix;
mod phast;
mod prepare;
mod query;

pub use phast::PhastWorkspace;
pub use query::ChWorkspace;

/// Distance of an unreached node.
const INF: u32 = u32::MAX;
/// The middle node of an arc that is not a shortcut, and "no predecessor".
const NONE: u32 = u32::MAX;

/// A heap key: the distance in the high half, the node in the low half (ties by node).
#[inline]
fn key(dist: u32, node: u32) -> u64 {
    (u64::from(dist) << 32) | u64::from(node)
}

/// A contraction hierarchy over a [`Csr`](crate::routing::Csr) graph, built once with
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

impl ContractionHierarchy {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.order.len()
    }

    /// Number of arcs of the hierarchy (original arcs kept plus shortcuts).
    pub fn arc_count(&self) -> usize {
        self.up.arcs.len() + self.down.arcs.len()
    }
}

/// Graphs and oracles shared by the tests of every part.
#[cfg(test)]
mod test_graphs {
    use super::ContractionHierarchy;
    use crate::routing::csr::Csr;
    use crate::routing::{Workspace, one_to_all};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A random graph with parallel arcs, zero weights, self-loops, isolated parts and, now and
    /// then, weights near `u32::MAX` (so saturation is exercised).
    pub(super) fn random_graph(seed: u64) -> Csr {
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

    /// A road-like grid, big enough for a non-trivial hierarchy.
    pub(super) fn grid(side: u32, seed: u64) -> Csr {
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

    pub(super) fn dijkstra(g: &Csr, s: u32, ws: &mut Workspace) -> Vec<Option<u32>> {
        one_to_all(g, s, &[], ws);
        (0..g.node_count() as u32).map(|v| ws.distance(v)).collect()
    }

    pub(super) fn bytes(ch: &ContractionHierarchy) -> Vec<u8> {
        let mut out = Vec::new();
        ch.write_to(&mut out).unwrap();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::query::ChWorkspace;
    use super::test_graphs::bytes;
    use super::*;
    use crate::routing::csr::Csr;

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
