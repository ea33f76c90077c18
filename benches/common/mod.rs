//! Shared, seeded graph generators for the benchmarks.

use petgraph::graph::{DiGraph, NodeIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A directed graph as `(tail, head, weight)` arcs.
#[derive(Debug, Clone)]
pub struct ArcList {
    /// Number of nodes.
    pub nodes: usize,
    /// Arcs in generation order.
    pub arcs: Vec<(u32, u32, u32)>,
}

/// A road-like `side x side` grid: every pair of horizontal or vertical neighbours is joined in
/// both directions, each direction with its own random travel time. Local streets take 20..=60
/// (seconds); every `arterial_every`-th row and column is an arterial taking 5..=15 along it.
/// Node `r * side + c` is at row `r`, column `c`. The same `seed` gives the same grid.
pub fn road_grid(side: usize, arterial_every: usize, seed: u64) -> ArcList {
    assert!(side >= 1 && arterial_every >= 1);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let id = |r: usize, c: usize| (r * side + c) as u32;
    let mut arcs = Vec::with_capacity(4 * side * side);
    let mut link = |rng: &mut ChaCha8Rng, a: u32, b: u32, arterial: bool| {
        for (t, h) in [(a, b), (b, a)] {
            let w = if arterial {
                rng.random_range(5..=15)
            } else {
                rng.random_range(20..=60)
            };
            arcs.push((t, h, w));
        }
    };
    for r in 0..side {
        for c in 0..side {
            if c + 1 < side {
                link(&mut rng, id(r, c), id(r, c + 1), r % arterial_every == 0);
            }
            if r + 1 < side {
                link(&mut rng, id(r, c), id(r + 1, c), c % arterial_every == 0);
            }
        }
    }
    ArcList {
        nodes: side * side,
        arcs,
    }
}

/// The same graph as a petgraph `DiGraph` (node `i` is `NodeIndex::new(i)`).
pub fn to_petgraph(g: &ArcList) -> DiGraph<(), u32> {
    let mut pg = DiGraph::with_capacity(g.nodes, g.arcs.len());
    for _ in 0..g.nodes {
        pg.add_node(());
    }
    for &(t, h, w) in &g.arcs {
        pg.add_edge(NodeIndex::new(t as usize), NodeIndex::new(h as usize), w);
    }
    pg
}

/// `count` seeded random node ids of `g`, for search sources.
pub fn sources(g: &ArcList, count: usize, seed: u64) -> Vec<u32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| rng.random_range(0..g.nodes as u32))
        .collect()
}
