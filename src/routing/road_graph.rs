//! Road graphs for point-to-point and one-to-all routing at scale: real graphs read from DIMACS
//! and TNTP files or from a network's road layer, and seeded synthetic ones past a million nodes.
//!
//! Nodes are renumbered internally in breadth-first order from the first node (neighbours get
//! nearby numbers, so a search touches nearby memory): a graph given with shuffled ids is routed
//! as fast as the same graph in a good order. Ids in and out are always the input's.

use super::csr::Csr;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// How a graph's nodes are named in its input.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeNames {
    /// Numbers: input id = position + offset (DIMACS and TNTP count from 1).
    Numbered {
        /// The id of the first node.
        offset: u32,
    },
    /// Ids by position (a network's node ids).
    Named(Vec<String>),
}

/// A directed graph with `u32` arc weights, renumbered for locality.
#[derive(Debug, Clone)]
pub struct RoadGraph {
    /// The adjacency in internal numbering.
    pub csr: Csr,
    /// Internal number of each input position.
    pub internal: Vec<u32>,
    /// Input position of each internal number.
    pub position: Vec<u32>,
    /// How input positions are named.
    pub names: NodeNames,
    /// What a weight unit is, e.g. `s` or `m` (for outputs).
    pub unit: String,
    /// Weight units per output unit: an output distance is `weight / scale`.
    pub scale: f64,
}

impl RoadGraph {
    /// Builds the graph on `nodes` input positions from `(from, to, weight)` arcs (positions,
    /// 0-based). Parallel arcs, zero weights and self-loops are kept (searches handle them).
    ///
    /// # Panics
    /// If an arc names a position `>= nodes` (loaders check this first).
    pub fn new(
        nodes: usize,
        arcs: &[(u32, u32, u32)],
        names: NodeNames,
        unit: &str,
        scale: f64,
    ) -> Self {
        let position = bfs_order(nodes, arcs);
        let mut internal = vec![0u32; nodes];
        for (i, &p) in position.iter().enumerate() {
            internal[p as usize] = i as u32;
        }
        let renumbered: Vec<(u32, u32, u32)> = arcs
            .iter()
            .map(|&(u, v, w)| (internal[u as usize], internal[v as usize], w))
            .collect();
        let (csr, _) = Csr::build(nodes, &renumbered);
        RoadGraph {
            csr,
            internal,
            position,
            names,
            unit: unit.to_owned(),
            scale,
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.internal.len()
    }

    /// Number of arcs.
    pub fn arc_count(&self) -> usize {
        self.csr.edge_count()
    }

    /// The arcs as `(from, to, weight)` in input positions (as the input numbered them), for
    /// handing the same graph to another library.
    pub fn input_arcs(&self) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        (0..self.node_count() as u32).flat_map(move |u| {
            self.csr
                .arcs_of(u)
                .iter()
                .map(move |&(v, w)| (self.position[u as usize], self.position[v as usize], w))
        })
    }

    /// The input id of input position `p`.
    pub fn id_of(&self, p: usize) -> String {
        match &self.names {
            NodeNames::Numbered { offset } => (p as u64 + u64::from(*offset)).to_string(),
            NodeNames::Named(ids) => ids[p].clone(),
        }
    }

    /// The input position of input id `id`, if there is such a node.
    pub fn position_of(&self, id: &str) -> Option<usize> {
        match &self.names {
            NodeNames::Numbered { offset } => id
                .parse::<u64>()
                .ok()
                .and_then(|n| n.checked_sub(u64::from(*offset)))
                .filter(|&p| p < self.node_count() as u64)
                .map(|p| p as usize),
            NodeNames::Named(ids) => ids.iter().position(|x| x == id),
        }
    }

    /// A seeded road-like synthetic graph with about `nodes` nodes: a square grid of local
    /// streets (50-150 m at 30 km/h, both ways) with an arterial every `arterial_every`-th row
    /// and column at 60 km/h, weights in tenths of a second. The same seed gives the same graph.
    pub fn synthetic_grid(nodes: usize, arterial_every: usize, seed: u64) -> Self {
        let side = (nodes as f64).sqrt().ceil().max(1.0) as usize;
        let n = side * side;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut arcs = Vec::with_capacity(4 * n);
        let every = arterial_every.max(1);
        let mut link = |a: usize, b: usize, fast: bool, rng: &mut ChaCha8Rng| {
            let metres: f64 = rng.random_range(50.0..150.0);
            let kmh = if fast { 60.0 } else { 30.0 };
            let tenths = (metres / (kmh / 3.6) * 10.0).round() as u32;
            arcs.push((a as u32, b as u32, tenths));
            arcs.push((b as u32, a as u32, tenths));
        };
        for r in 0..side {
            for c in 0..side {
                let v = r * side + c;
                if c + 1 < side {
                    link(v, v + 1, r % every == 0, &mut rng);
                }
                if r + 1 < side {
                    link(v, v + side, c % every == 0, &mut rng);
                }
            }
        }
        RoadGraph::new(n, &arcs, NodeNames::Numbered { offset: 0 }, "ds", 10.0)
    }
}

/// Input positions in breadth-first order over the arcs taken both ways, each connected part
/// from a pseudo-peripheral node (the last reached by a first search from its lowest position):
/// an edge of the graph, so the search fronts, and the distance between neighbours' numbers,
/// stay narrow whatever order the input came in.
fn bfs_order(nodes: usize, arcs: &[(u32, u32, u32)]) -> Vec<u32> {
    let mut undirected: Vec<(u32, u32, u32)> = Vec::with_capacity(2 * arcs.len());
    for &(u, v, _) in arcs {
        undirected.push((u, v, 0));
        undirected.push((v, u, 0));
    }
    let (adj, _) = Csr::build(nodes, &undirected);
    // Breadth-first from `start` over unmarked nodes, marking them `mark`; appends to `order`.
    let search = |start: u32, mark: u8, marks: &mut [u8], order: &mut Vec<u32>| {
        let mut queue = VecDeque::new();
        marks[start as usize] = mark;
        queue.push_back(start);
        while let Some(u) = queue.pop_front() {
            order.push(u);
            for e in adj.edges_of(u) {
                let v = adj.head(e);
                if marks[v as usize] < mark {
                    marks[v as usize] = mark;
                    queue.push_back(v);
                }
            }
        }
    };
    let mut marks = vec![0u8; nodes];
    let mut order = Vec::with_capacity(nodes);
    let mut probe = Vec::new();
    for start in 0..nodes as u32 {
        if marks[start as usize] != 0 {
            continue;
        }
        probe.clear();
        search(start, 1, &mut marks, &mut probe);
        let far = *probe.last().unwrap_or(&start);
        search(far, 2, &mut marks, &mut order);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbering_is_a_permutation_and_keeps_ids() {
        let arcs = [(3, 1, 5), (1, 0, 2), (2, 2, 0), (0, 3, 7)];
        let g = RoadGraph::new(5, &arcs, NodeNames::Numbered { offset: 1 }, "m", 1.0);
        let mut sorted = g.position.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2, 3, 4]);
        for p in 0..5 {
            assert_eq!(g.position[g.internal[p] as usize], p as u32);
        }
        assert_eq!(g.id_of(0), "1");
        assert_eq!(g.position_of("5"), Some(4));
        assert_eq!(g.position_of("0"), None);
        assert_eq!(g.position_of("6"), None);
        assert_eq!(g.arc_count(), 4);
    }

    #[test]
    fn synthetic_grids_are_seeded_and_connected_both_ways() {
        let a = RoadGraph::synthetic_grid(10_000, 10, 7);
        let b = RoadGraph::synthetic_grid(10_000, 10, 7);
        assert_eq!(a.node_count(), 10_000);
        assert_eq!(a.arc_count(), 4 * 100 * 99);
        let weights = |g: &RoadGraph| {
            (0..g.arc_count())
                .map(|e| g.csr.weight(e))
                .collect::<Vec<_>>()
        };
        assert_eq!(weights(&a), weights(&b));
        assert_ne!(
            weights(&a),
            weights(&RoadGraph::synthetic_grid(10_000, 10, 8))
        );
    }
}
