//! `one_to_all` on `Csr` graphs checked against slow, independent oracles on hundreds of seeded
//! random graphs (Floyd-Warshall on small graphs, petgraph's Dijkstra on larger ones), plus the
//! determinism and car-time correctness of `skim_all` on the demo scenario.

use commute::routing::{Csr, Engine, TravelMode, UNREACHED, Workspace, one_to_all, skim_all};
use petgraph::graph::{DiGraph, NodeIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::path::Path;

const INF: u64 = u64::MAX;

/// Seeds are derived from the loop index and a per-test salt, so every failure is reproducible
/// from the message alone.
fn rng_for(salt: u64, i: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(salt.wrapping_mul(1_000_003).wrapping_add(i))
}

/// A random directed graph as `(tail, head, weight)` arcs in input order.
#[derive(Debug, Clone)]
struct RandomGraph {
    n: usize,
    arcs: Vec<(u32, u32, u32)>,
}

/// Feature counts over all generated graphs, to check that the generator really produces the
/// awkward cases the oracles are meant to cover.
#[derive(Debug, Default)]
struct Coverage {
    self_loops: usize,
    parallel: usize,
    zero_weight: usize,
    unreachable_pairs: usize,
    reachable_pairs: usize,
    barriers_hit: usize,
}

impl Coverage {
    fn note_graph(&mut self, g: &RandomGraph) {
        let mut seen = HashMap::new();
        for &(t, h, w) in &g.arcs {
            self.self_loops += usize::from(t == h);
            self.zero_weight += usize::from(w == 0);
            *seen.entry((t, h)).or_insert(0usize) += 1;
        }
        self.parallel += seen.values().filter(|&&c| c > 1).count();
    }

    fn assert_covered(&self, barriers: bool) {
        assert!(self.self_loops > 0, "no self-loops generated: {self:?}");
        assert!(self.parallel > 0, "no parallel arcs generated: {self:?}");
        assert!(
            self.zero_weight > 0,
            "no zero-weight arcs generated: {self:?}"
        );
        assert!(
            self.unreachable_pairs > 0,
            "no unreachable pairs generated: {self:?}"
        );
        assert!(
            self.reachable_pairs > self.unreachable_pairs / 10,
            "too few reachable pairs: {self:?}"
        );
        if barriers {
            assert!(self.barriers_hit > 0, "no barrier ever mattered: {self:?}");
        }
    }
}

/// A random graph on `1..=n_max` nodes split into a few components (nodes are assigned to
/// components at random, so components interleave in id order), with a few one-way arcs between
/// components, parallel arcs, zero-weight arcs and self-loops. Weights come from one of several
/// regimes: tiny (many ties), moderate, or large but small enough that no simple path overflows
/// `u32` distances.
fn random_graph(rng: &mut ChaCha8Rng, n_max: usize) -> RandomGraph {
    random_graph_with(rng, n_max, false)
}

/// As [`random_graph`]; with `huge`, weights may be anything up to `u32::MAX`, so that path
/// lengths overflow `u32`.
fn random_graph_with(rng: &mut ChaCha8Rng, n_max: usize, huge: bool) -> RandomGraph {
    let n = rng.random_range(1..=n_max);
    let components = rng.random_range(1..=n.min(4));
    let comp: Vec<usize> = (0..n).map(|_| rng.random_range(0..components)).collect();
    let mut members = vec![Vec::new(); components];
    for (v, &c) in comp.iter().enumerate() {
        members[c].push(v as u32);
    }
    let max_w: u32 = match rng.random_range(0..4) {
        _ if huge => u32::MAX,
        0 => 3,
        1 => 20,
        2 => 1000,
        _ => (u32::MAX - 1) / n.max(2) as u32,
    };
    let p_zero = [0.0, 0.1, 0.3][rng.random_range(0..3)];
    let weight = |rng: &mut ChaCha8Rng| {
        if rng.random_bool(p_zero) {
            0
        } else {
            rng.random_range(0..=max_w)
        }
    };
    // Average out-degree between 0.3 (very sparse: many unreachable pairs) and 4.
    let degree: f64 = rng.random_range(0.3..4.0);
    let m = (n as f64 * degree).round() as usize;
    let mut arcs = Vec::with_capacity(m + m / 4);
    for _ in 0..m {
        let t = rng.random_range(0..n as u32);
        let roll: f64 = rng.random();
        let h = if roll < 0.05 {
            t
        } else if roll < 0.10 {
            rng.random_range(0..n as u32)
        } else {
            let same = &members[comp[t as usize]];
            same[rng.random_range(0..same.len())]
        };
        arcs.push((t, h, weight(rng)));
        if rng.random_bool(0.15) {
            // A parallel arc, placed somewhere later in the input order.
            arcs.push((t, h, weight(rng)));
        }
    }
    // Shuffle so that parallel arcs are not always adjacent in the input.
    for i in (1..arcs.len()).rev() {
        let j = rng.random_range(0..=i);
        arcs.swap(i, j);
    }
    RandomGraph { n, arcs }
}

fn random_barriers(rng: &mut ChaCha8Rng, n: usize) -> Vec<bool> {
    let p = [0.1, 0.3, 0.6][rng.random_range(0..3)];
    (0..n).map(|_| rng.random_bool(p)).collect()
}

/// All-pairs distances by Floyd-Warshall in `u64`. Barrier nodes are never used as intermediate
/// nodes (only as path ends), which is exactly "reached but never expanded unless the source".
fn floyd_warshall(g: &RandomGraph, barrier: &[bool]) -> Vec<Vec<u64>> {
    let n = g.n;
    let mut d = vec![vec![INF; n]; n];
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = 0;
    }
    for &(t, h, w) in &g.arcs {
        let slot = &mut d[t as usize][h as usize];
        *slot = (*slot).min(u64::from(w));
    }
    for k in 0..n {
        if barrier.get(k).copied().unwrap_or(false) {
            continue;
        }
        let row_k = d[k].clone();
        for row_i in &mut d {
            let dik = row_i[k];
            if dik == INF {
                continue;
            }
            for (dij, &dkj) in row_i.iter_mut().zip(&row_k) {
                if dkj != INF && dik + dkj < *dij {
                    *dij = dik + dkj;
                }
            }
        }
    }
    d
}

/// Distances from `source` by petgraph's Dijkstra. Out-arcs of barrier nodes other than the
/// source are left out of the petgraph graph, which is the barrier rule by construction.
fn petgraph_distances(g: &RandomGraph, source: u32, barrier: &[bool]) -> Vec<u64> {
    let mut pg: DiGraph<(), u64> = DiGraph::with_capacity(g.n, g.arcs.len());
    for _ in 0..g.n {
        pg.add_node(());
    }
    for &(t, h, w) in &g.arcs {
        if t != source && barrier.get(t as usize).copied().unwrap_or(false) {
            continue;
        }
        pg.add_edge(
            NodeIndex::new(t as usize),
            NodeIndex::new(h as usize),
            w.into(),
        );
    }
    let scores =
        petgraph::algo::dijkstra(&pg, NodeIndex::new(source as usize), None, |e| *e.weight());
    (0..g.n)
        .map(|v| scores.get(&NodeIndex::new(v)).copied().unwrap_or(INF))
        .collect()
}

/// Checks that the CSR keeps every input arc, grouped by tail in input order, with `order`
/// mapping each CSR edge back to its input arc.
fn check_csr(g: &RandomGraph, csr: &Csr, order: &[u32], ctx: &str) {
    assert_eq!(csr.node_count(), g.n, "{ctx}: node count");
    assert_eq!(csr.edge_count(), g.arcs.len(), "{ctx}: edge count");
    assert_eq!(order.len(), g.arcs.len(), "{ctx}: order length");
    let mut seen = vec![false; g.arcs.len()];
    let mut covered = 0;
    for u in 0..g.n as u32 {
        let range = csr.edges_of(u);
        covered += range.len();
        let mut last_input = None;
        for e in range {
            let i = order[e] as usize;
            assert!(!seen[i], "{ctx}: input arc {i} appears twice");
            seen[i] = true;
            assert_eq!(
                (csr.tail(e), csr.head(e), csr.weight(e)),
                g.arcs[i],
                "{ctx}: CSR edge {e} does not match input arc {i}"
            );
            assert_eq!(csr.tail(e), u, "{ctx}: edge {e} listed under node {u}");
            assert!(
                last_input.is_none_or(|l| l < i),
                "{ctx}: edges of {u} not in input order"
            );
            last_input = Some(i);
        }
    }
    assert_eq!(
        covered,
        g.arcs.len(),
        "{ctx}: edge ranges do not cover all edges"
    );
}

/// Compares the search in `ws` against `expected` distances and checks the predecessor tree:
/// every reached `v != source` has a tight edge into it from a node that may be expanded, and
/// following predecessors from any reached node ends at the source.
fn check_search(
    csr: &Csr,
    source: u32,
    barrier: &[bool],
    ws: &Workspace,
    expected: &[u64],
    ctx: &str,
    cov: &mut Coverage,
) {
    let n = csr.node_count();
    for v in 0..n as u32 {
        let want = expected[v as usize];
        let got = ws.distance(v);
        let want_opt = (want != INF).then_some(want);
        assert_eq!(
            got.map(u64::from),
            want_opt,
            "{ctx}: distance from {source} to {v}"
        );
        if got.is_some() {
            cov.reachable_pairs += 1;
        } else {
            cov.unreachable_pairs += 1;
        }
    }
    assert_eq!(
        ws.pred_edge(source),
        None,
        "{ctx}: the source has a predecessor"
    );
    for v in 0..n as u32 {
        if v == source {
            continue;
        }
        let Some(dv) = ws.distance(v) else {
            assert_eq!(
                ws.pred_edge(v),
                None,
                "{ctx}: unreached {v} has a predecessor"
            );
            continue;
        };
        let e = ws
            .pred_edge(v)
            .unwrap_or_else(|| panic!("{ctx}: reached node {v} has no predecessor"));
        assert!(
            e < csr.edge_count(),
            "{ctx}: pred edge {e} of {v} out of range"
        );
        assert_eq!(
            csr.head(e),
            v,
            "{ctx}: pred edge {e} of {v} does not end at {v}"
        );
        let t = csr.tail(e);
        let dt = ws
            .distance(t)
            .unwrap_or_else(|| panic!("{ctx}: pred edge {e} of {v} starts at unreached {t}"));
        assert_eq!(
            u64::from(dt) + u64::from(csr.weight(e)),
            u64::from(dv),
            "{ctx}: pred edge {e} ({t} -> {v}, w {}) is not tight",
            csr.weight(e)
        );
        assert!(
            t == source || !barrier.get(t as usize).copied().unwrap_or(false),
            "{ctx}: {v} reached through barrier {t}"
        );
        // The predecessors form a tree rooted at the source (no cycles of zero-weight arcs).
        let mut u = v;
        let mut steps = 0;
        while u != source {
            let e = ws.pred_edge(u).expect("checked above");
            u = csr.tail(e);
            steps += 1;
            assert!(steps <= n, "{ctx}: predecessor chain from {v} loops");
        }
    }
}

#[test]
fn small_graphs_match_floyd_warshall_from_every_source() {
    let mut cov = Coverage::default();
    for i in 0..500 {
        let mut rng = rng_for(1, i);
        let g = random_graph(&mut rng, 30);
        cov.note_graph(&g);
        let (csr, order) = Csr::build(g.n, &g.arcs);
        let ctx = format!("seed index {i} (n {}, arcs {:?})", g.n, g.arcs);
        check_csr(&g, &csr, &order, &ctx);
        let fw = floyd_warshall(&g, &[]);
        let mut ws = Workspace::new(g.n);
        for s in 0..g.n as u32 {
            one_to_all(&csr, s, &[], &mut ws);
            check_search(&csr, s, &[], &ws, &fw[s as usize], &ctx, &mut cov);
            // An all-false barrier slice means the same as an empty one.
            let none = vec![false; g.n];
            one_to_all(&csr, s, &none, &mut ws);
            check_search(&csr, s, &none, &ws, &fw[s as usize], &ctx, &mut cov);
        }
    }
    cov.assert_covered(false);
}

#[test]
fn larger_graphs_match_petgraph_dijkstra() {
    let mut cov = Coverage::default();
    let mut ws = Workspace::default();
    for i in 0..300 {
        let mut rng = rng_for(2, i);
        let g = random_graph(&mut rng, 500);
        cov.note_graph(&g);
        let (csr, order) = Csr::build(g.n, &g.arcs);
        let ctx = format!("seed index {i} (n {}, {} arcs)", g.n, g.arcs.len());
        check_csr(&g, &csr, &order, &ctx);
        let mut sources = vec![0, g.n as u32 - 1];
        sources.extend((0..4).map(|_| rng.random_range(0..g.n as u32)));
        for s in sources {
            let expected = petgraph_distances(&g, s, &[]);
            one_to_all(&csr, s, &[], &mut ws);
            check_search(&csr, s, &[], &ws, &expected, &ctx, &mut cov);
        }
    }
    cov.assert_covered(false);
}

#[test]
fn barriers_match_floyd_warshall_without_barrier_intermediates() {
    let mut cov = Coverage::default();
    for i in 0..400 {
        let mut rng = rng_for(3, i);
        let g = random_graph(&mut rng, 30);
        cov.note_graph(&g);
        let barrier = random_barriers(&mut rng, g.n);
        let (csr, _) = Csr::build(g.n, &g.arcs);
        let ctx = format!(
            "seed index {i} (n {}, arcs {:?}, barrier {:?})",
            g.n, g.arcs, barrier
        );
        let fw = floyd_warshall(&g, &barrier);
        let free = floyd_warshall(&g, &[]);
        let mut ws = Workspace::new(g.n);
        for s in 0..g.n as u32 {
            one_to_all(&csr, s, &barrier, &mut ws);
            check_search(&csr, s, &barrier, &ws, &fw[s as usize], &ctx, &mut cov);
            cov.barriers_hit += (0..g.n)
                .filter(|&v| fw[s as usize][v] != free[s as usize][v])
                .count();
            // Every barrier reachable from the source without passing another barrier is
            // reached itself (barriers are trip ends).
            for v in 0..g.n {
                if barrier[v] && fw[s as usize][v] != INF {
                    assert!(
                        ws.distance(v as u32).is_some(),
                        "{ctx}: barrier {v} unreached"
                    );
                }
            }
        }
    }
    cov.assert_covered(true);
}

#[test]
fn barriers_on_larger_graphs_match_petgraph() {
    let mut cov = Coverage::default();
    let mut ws = Workspace::default();
    for i in 0..200 {
        let mut rng = rng_for(4, i);
        let g = random_graph(&mut rng, 500);
        cov.note_graph(&g);
        let barrier = random_barriers(&mut rng, g.n);
        let (csr, _) = Csr::build(g.n, &g.arcs);
        let ctx = format!("seed index {i} (n {}, {} arcs)", g.n, g.arcs.len());
        // Barrier sources (expanded) and non-barrier sources.
        let mut sources: Vec<u32> = (0..g.n as u32)
            .filter(|&v| barrier[v as usize])
            .take(2)
            .collect();
        sources.extend((0..3).map(|_| rng.random_range(0..g.n as u32)));
        for s in sources {
            let expected = petgraph_distances(&g, s, &barrier);
            one_to_all(&csr, s, &barrier, &mut ws);
            check_search(&csr, s, &barrier, &ws, &expected, &ctx, &mut cov);
        }
    }
    cov.assert_covered(false);
}

#[test]
fn reused_workspace_matches_fresh_workspace() {
    // One workspace across graphs that grow and shrink, with and without barriers; every
    // search must equal a search in a fresh workspace, distances and predecessors alike, and
    // leave nothing behind beyond the current graph.
    let mut reused = Workspace::new(0);
    let mut largest = 0;
    for i in 0..300 {
        let mut rng = rng_for(5, i);
        let n_max = [2, 10, 40, 200, 500][rng.random_range(0..5)];
        let g = random_graph(&mut rng, n_max);
        let barrier = if rng.random_bool(0.5) {
            random_barriers(&mut rng, g.n)
        } else {
            Vec::new()
        };
        let (csr, _) = Csr::build(g.n, &g.arcs);
        largest = largest.max(g.n);
        for _ in 0..3 {
            let s = rng.random_range(0..g.n as u32);
            let ctx = format!("seed index {i} (n {}, source {s})", g.n);
            let mut fresh = Workspace::new(g.n);
            one_to_all(&csr, s, &barrier, &mut fresh);
            one_to_all(&csr, s, &barrier, &mut reused);
            for v in 0..g.n as u32 {
                assert_eq!(
                    reused.distance(v),
                    fresh.distance(v),
                    "{ctx}: distance of {v}"
                );
                assert_eq!(
                    reused.pred_edge(v),
                    fresh.pred_edge(v),
                    "{ctx}: pred of {v}"
                );
            }
            for v in g.n as u32..largest as u32 + 2 {
                assert_eq!(reused.distance(v), None, "{ctx}: stale distance at {v}");
                assert_eq!(reused.pred_edge(v), None, "{ctx}: stale pred at {v}");
            }
        }
    }
}

#[test]
fn distances_up_to_the_sentinel_are_exact() {
    // A chain whose total is the largest representable distance, `UNREACHED - 1`, with a
    // zero-weight self-loop and a heavier parallel arc on the way.
    let half = (UNREACHED - 1) / 2;
    let rest = UNREACHED - 1 - half;
    let arcs = [(0, 1, half), (1, 1, 0), (1, 2, rest), (1, 2, rest + 1)];
    let (csr, _) = Csr::build(3, &arcs);
    let mut ws = Workspace::new(3);
    one_to_all(&csr, 0, &[], &mut ws);
    assert_eq!(ws.distance(1), Some(half));
    assert_eq!(ws.distance(2), Some(UNREACHED - 1));
    assert_eq!(ws.pred_edge(2).map(|e| csr.weight(e)), Some(rest));
}

#[test]
fn overflowing_distances_are_unreached_never_wrong() {
    // Weights up to `u32::MAX`: a distance that fits below the sentinel must be exact; one that
    // does not fit is reported unreached (saturating), never as a wrapped-around small value.
    let mut cov = Coverage::default();
    let mut overflowed = 0;
    for i in 0..300 {
        let mut rng = rng_for(6, i);
        let g = random_graph_with(&mut rng, 12, true);
        cov.note_graph(&g);
        let (csr, _) = Csr::build(g.n, &g.arcs);
        let ctx = format!("seed index {i} (n {}, arcs {:?})", g.n, g.arcs);
        let fw = floyd_warshall(&g, &[]);
        let mut ws = Workspace::new(g.n);
        for s in 0..g.n as u32 {
            one_to_all(&csr, s, &[], &mut ws);
            let fits: Vec<u64> = fw[s as usize]
                .iter()
                .map(|&d| if d >= u64::from(UNREACHED) { INF } else { d })
                .collect();
            overflowed += fw[s as usize]
                .iter()
                .filter(|&&d| d != INF && d >= u64::from(UNREACHED))
                .count();
            check_search(&csr, s, &[], &ws, &fits, &ctx, &mut cov);
        }
    }
    assert!(overflowed > 0, "no distance overflowed u32");
}

#[test]
fn skims_are_identical_at_one_and_two_threads() {
    let scenario = demo();
    let engine = Engine::new(&scenario.network, scenario.window);
    let run = |k: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
            .install(|| skim_all(&engine))
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one.zones, scenario.network.zones().len());
    assert_eq!(one.car.len(), one.zones * one.zones);
    assert_eq!(one.transit.len(), one.zones * one.zones);
    assert!(one.car.iter().any(Option::is_some));
    assert!(one.transit.iter().any(Option::is_some));
    assert_eq!(one, two);
    assert_eq!(one, run(2), "two runs at two threads differ");
}

#[test]
fn car_skims_match_petgraph_on_the_road_network() {
    let scenario = demo();
    let net = &scenario.network;
    let engine = Engine::new(net, scenario.window);
    let skims = skim_all(&engine);
    let zones = net.zones();
    let n = net.nodes().len();
    let mut is_centroid = vec![false; n];
    for z in zones {
        is_centroid[z.centroid.index()] = true;
    }

    // The car network, straight from the network's links.
    let mut arcs: Vec<(usize, usize, u64)> = Vec::new();
    for r in net.roads() {
        let t = u64::from(r.free_flow_s());
        let (a, b) = (r.from.index(), r.to.index());
        arcs.push((a, b, t + u64::from(r.checkpoint_s)));
        if !r.oneway {
            arcs.push((b, a, t));
        }
    }
    for a in net.access() {
        if a.mode == commute::network::AccessMode::Car {
            let z = net.zone(a.zone).centroid.index();
            let v = a.node.index();
            arcs.push((z, v, u64::from(a.time_s)));
            arcs.push((v, z, u64::from(a.time_s)));
        }
    }
    assert!(
        net.roads().iter().any(|r| r.checkpoint_s > 0),
        "the demo has checkpoints"
    );

    let mut reached = 0;
    for (o, zo) in zones.iter().enumerate() {
        // Centroids other than the origin are trip ends only: drop their out-arcs.
        let origin = zo.centroid.index();
        let mut pg: DiGraph<(), u64> = DiGraph::new();
        for _ in 0..n {
            pg.add_node(());
        }
        for &(a, b, w) in &arcs {
            if a == origin || !is_centroid[a] {
                pg.add_edge(NodeIndex::new(a), NodeIndex::new(b), w);
            }
        }
        let scores = petgraph::algo::dijkstra(&pg, NodeIndex::new(origin), None, |e| *e.weight());
        for (d, zd) in zones.iter().enumerate() {
            let got = skims
                .get(TravelMode::Car, o, d)
                .map(|r| u64::from(r.time_s));
            let want = if o == d {
                None
            } else {
                scores.get(&NodeIndex::new(zd.centroid.index())).copied()
            };
            assert_eq!(got, want, "car time {} -> {}", zo.id, zd.id);
            reached += usize::from(got.is_some());
        }
    }
    assert!(reached > 0);
    // Sanity: the oracle graph and the engine's car graph have the same arcs.
    let csr = engine.graph(TravelMode::Car).csr();
    assert_eq!(csr.edge_count(), arcs.len());
}

fn demo() -> commute::scenario::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo-base.toml");
    commute::scenario::load(&path).expect("demo scenario loads")
}
