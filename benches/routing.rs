//! Routing benchmarks: one-to-all Dijkstra on a ~100k-node road-like grid (ours with a reused
//! workspace vs petgraph), all-zones skims on the demo scenario, timetable routing on the
//! regional network (one RAPTOR search; a 2-hour window of departures every minute as range
//! RAPTOR vs one search per departure), one-to-all on a million-node synthetic grid (radix heap,
//! shuffled ids, petgraph), and contraction hierarchies beside fast_paths.
//!
//! Run with `cargo bench --bench routing`. Measurement times are short on purpose.

mod common;

use commute::routing::{
    ChWorkspace, ContractionHierarchy, Csr, Engine, NodeNames, PhastWorkspace, RadixWorkspace,
    RaptorWorkspace, RoadGraph, Timetable, Workspace, earliest_arrivals, earliest_arrivals_range,
    one_to_all, shortest_from, skim_all,
};
use criterion::{Criterion, criterion_group, criterion_main};
use petgraph::graph::NodeIndex;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// Grid side: 316 x 316 = 99,856 nodes, about 400k arcs.
const SIDE: usize = 316;
const ARTERIAL_EVERY: usize = 8;

fn one_to_all_grid(c: &mut Criterion) {
    let grid = common::road_grid(SIDE, ARTERIAL_EVERY, 42);
    let (csr, _) = Csr::build(grid.nodes, &grid.arcs);
    let pg = common::to_petgraph(&grid);
    let sources = common::sources(&grid, 16, 7);

    // Same answers before timing anything.
    let mut ws = Workspace::new(csr.node_count());
    for &s in &sources[..2] {
        one_to_all(&csr, s, &[], &mut ws);
        let theirs =
            petgraph::algo::dijkstra(&pg, NodeIndex::new(s as usize), None, |e| *e.weight());
        assert_eq!(theirs.len(), grid.nodes);
        for (v, d) in theirs {
            assert_eq!(ws.distance(v.index() as u32), Some(d));
        }
    }

    let mut group = c.benchmark_group(format!("one_to_all_grid_{}k", grid.nodes / 1000));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("commute_csr_reused_workspace", |b| {
        let mut ws = Workspace::new(csr.node_count());
        let mut i = 0;
        b.iter(|| {
            let s = sources[i % sources.len()];
            i += 1;
            one_to_all(&csr, black_box(s), &[], &mut ws);
            black_box(ws.distance(0))
        });
    });
    group.bench_function("petgraph_dijkstra", |b| {
        let mut i = 0;
        b.iter(|| {
            let s = sources[i % sources.len()];
            i += 1;
            let scores =
                petgraph::algo::dijkstra(&pg, NodeIndex::new(black_box(s) as usize), None, |e| {
                    *e.weight()
                });
            black_box(scores.len())
        });
    });
    group.finish();
}

fn skim_demo(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo-base.toml");
    let scenario = commute::scenario::load(&path).expect("demo scenario loads");
    let engine = Engine::new(&scenario.network, scenario.window);
    let mut group = c.benchmark_group("skim_all_demo");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("car_and_transit_all_zones", |b| {
        b.iter(|| black_box(skim_all(&engine)));
    });
    group.finish();
}

fn raptor_jjj(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/jjj-2024.toml");
    let scenario = commute::scenario::load(&path).expect("regional scenario loads");
    let net = &scenario.network;
    let timetable = Timetable::new(net);
    let origin = net.zone(net.zone_id("xiongan").expect("zone")).centroid;
    let departures: Vec<u32> = (0..120).map(|m| 7 * 3600 + m * 60).collect();
    let mut ws = RaptorWorkspace::default();
    let mut group = c.benchmark_group("raptor_jjj_from_xiongan");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("one_departure", |b| {
        b.iter(|| earliest_arrivals(net, &timetable, origin, black_box(8 * 3600), &mut ws));
    });
    group.bench_function("120_departures_one_search_each", |b| {
        b.iter(|| {
            for &d in &departures {
                earliest_arrivals(net, &timetable, origin, d, &mut ws);
            }
        });
    });
    group.bench_function("120_departures_range_raptor", |b| {
        b.iter(|| {
            earliest_arrivals_range(net, &timetable, origin, &departures, &mut ws, |_, _| {})
        });
    });
    group.finish();
}

/// Nodes of the large synthetic graph (`COMMUTE_BENCH_NODES` overrides: 1,000,000 by default).
fn large_nodes() -> usize {
    std::env::var("COMMUTE_BENCH_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// The synthetic grid with its node ids shuffled (a seeded permutation), renumbered on loading.
fn shuffled(graph: &RoadGraph, seed: u64) -> RoadGraph {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    let n = graph.node_count();
    let mut perm: Vec<u32> = (0..n as u32).collect();
    perm.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
    let arcs: Vec<(u32, u32, u32)> = graph
        .input_arcs()
        .map(|(u, v, w)| (perm[u as usize], perm[v as usize], w))
        .collect();
    RoadGraph::new(n, &arcs, NodeNames::Numbered { offset: 0 }, "ds", 10.0)
}

/// One-to-all on a million-node road-like grid: ours (radix heap, renumbered CSR), the same
/// graph given with shuffled ids, and petgraph's Dijkstra on the input numbering.
fn one_to_all_large(c: &mut Criterion) {
    let graph = RoadGraph::synthetic_grid(large_nodes(), 10, 1);
    let n = graph.node_count();
    let mixed = shuffled(&graph, 2);
    let mut pg = petgraph::graph::DiGraph::<(), u32>::with_capacity(n, graph.arc_count());
    for _ in 0..n {
        pg.add_node(());
    }
    pg.extend_with_edges(graph.input_arcs());
    let sources: Vec<usize> = (0..8).map(|i| (i * 7919 * 131) % n).collect();
    let mut group = c.benchmark_group(format!("one_to_all_synthetic_{}k", n / 1000));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (name, g) in [
        ("commute_radix", &graph),
        ("commute_radix_shuffled_ids", &mixed),
    ] {
        group.bench_function(name, |b| {
            let mut ws = RadixWorkspace::default();
            let mut i = 0;
            b.iter(|| {
                let s = sources[i % sources.len()];
                i += 1;
                shortest_from(&g.csr, g.internal[s], &mut ws);
                black_box(ws.reached())
            });
        });
    }
    group.bench_function("petgraph_dijkstra", |b| {
        let mut i = 0;
        b.iter(|| {
            let s = sources[i % sources.len()];
            i += 1;
            let scores = petgraph::algo::dijkstra(&pg, NodeIndex::new(s), None, |e| *e.weight());
            black_box(scores.len())
        });
    });
    group.finish();
}

/// Nodes of the contraction-hierarchy benchmark graph (`COMMUTE_BENCH_CH_NODES`, default
/// 100,000: preparing a million-node graph takes about a minute for each engine; `commute bench
/// --synthetic 1000000 --peers`, built with `--features peers`, measures that size).
fn ch_nodes() -> usize {
    std::env::var("COMMUTE_BENCH_CH_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Contraction hierarchies beside fast_paths on the same synthetic grid: point-to-point
/// queries, PHAST one-to-all against our Dijkstra, and a 100 x 100 matrix against 10,000
/// fast_paths queries. Preparation is timed once, outside criterion (it is printed).
fn ch_synthetic(c: &mut Criterion) {
    let graph = RoadGraph::synthetic_grid(ch_nodes(), 10, 3);
    let n = graph.node_count();
    let t = std::time::Instant::now();
    let ch = ContractionHierarchy::build(&graph.csr);
    let ours_s = t.elapsed().as_secs_f64();
    let mut input = fast_paths::InputGraph::new();
    for u in 0..n as u32 {
        for e in graph.csr.edges_of(u) {
            input.add_edge(
                u as usize,
                graph.csr.head(e) as usize,
                graph.csr.weight(e) as usize,
            );
        }
    }
    input.freeze();
    let t = std::time::Instant::now();
    let fast = fast_paths::prepare(&input);
    let theirs_s = t.elapsed().as_secs_f64();
    println!("preparation on {n} nodes: ours {ours_s:.2} s, fast_paths {theirs_s:.2} s");
    let pairs: Vec<(u32, u32)> = (0..1000u64)
        .map(|i| {
            (
                (i * 7919 % n as u64) as u32,
                (i * 104_729 % n as u64) as u32,
            )
        })
        .collect();
    let mut group = c.benchmark_group(format!("ch_synthetic_{}k", n / 1000));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("commute_ch_query", |b| {
        let mut ws = ChWorkspace::new(n);
        let mut i = 0;
        b.iter(|| {
            let (s, t) = pairs[i % pairs.len()];
            i += 1;
            black_box(ch.query(&mut ws, s, t))
        });
    });
    group.bench_function("fast_paths_query", |b| {
        let mut calc = fast_paths::create_calculator(&fast);
        let mut i = 0;
        b.iter(|| {
            let (s, t) = pairs[i % pairs.len()];
            i += 1;
            black_box(
                calc.calc_path(&fast, s as usize, t as usize)
                    .map(|p| p.get_weight()),
            )
        });
    });
    group.bench_function("commute_phast_one_to_all", |b| {
        let mut ws = PhastWorkspace::default();
        let mut i = 0;
        b.iter(|| {
            i += 1;
            black_box(ch.one_to_all(&mut ws, pairs[i % pairs.len()].0)[0])
        });
    });
    group.bench_function("commute_dijkstra_one_to_all", |b| {
        let mut ws = RadixWorkspace::default();
        let mut i = 0;
        b.iter(|| {
            i += 1;
            shortest_from(&graph.csr, pairs[i % pairs.len()].0, &mut ws);
            black_box(ws.reached())
        });
    });
    let sources: Vec<u32> = pairs.iter().take(100).map(|p| p.0).collect();
    let targets: Vec<u32> = pairs.iter().skip(100).take(100).map(|p| p.1).collect();
    group.bench_function("commute_matrix_100x100", |b| {
        b.iter(|| black_box(ch.matrix(&sources, &targets).len()));
    });
    group.bench_function("fast_paths_10000_queries", |b| {
        let mut calc = fast_paths::create_calculator(&fast);
        b.iter(|| {
            let mut total = 0usize;
            for &s in &sources {
                for &t in &targets {
                    total += calc
                        .calc_path(&fast, s as usize, t as usize)
                        .map_or(0, |p| p.get_weight());
                }
            }
            black_box(total)
        });
    });
    group.finish();
}

criterion_group!(
    benches,
    one_to_all_grid,
    skim_demo,
    raptor_jjj,
    one_to_all_large,
    ch_synthetic
);
criterion_main!(benches);
