//! `commute bench`: routing engines timed on one graph with one seeded query set, optionally
//! beside the Rust peers (petgraph's Dijkstra, fast_paths' contraction hierarchies) in the same
//! process, with their answers checked against each other before any figure is printed.

use anyhow::Context;
use commute::io::load_road_graph;
use commute::routing::{
    ChWorkspace, ContractionHierarchy, MAX_DISTANCE, PhastWorkspace, RadixWorkspace, RoadGraph,
    shortest_from,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// Time routing engines on a road graph (or a synthetic one) with a fixed, seeded query set.
///
/// Engines: `dijkstra` (one-to-all, radix heap, renumbered graph) and its batch speed-up from 1
/// to 2 threads; with --peers also petgraph's Dijkstra (one-to-all) and fast_paths (preparation
/// and point-to-point queries), checked to give the same distances. Reports preparation time,
/// query latency p50/p95/p99, throughput and the process's peak memory after each engine.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute bench ../shared/data/roads/bremen_time.gr --peers
  commute bench --synthetic 1000000 --queries 1000 --peers --json")]
pub struct Args {
    /// Road graph (DIMACS .gr, TNTP _net.tntp or a network folder).
    #[arg(required_unless_present = "synthetic")]
    graph: Option<PathBuf>,
    /// Use a seeded synthetic grid with about N nodes instead.
    #[arg(long, conflicts_with = "graph", value_parser = super::whole(4, MAX_SYNTHETIC))]
    synthetic: Option<usize>,
    /// Point-to-point queries (one-to-all searches: a tenth of them, at most 50).
    #[arg(long, default_value_t = 1000, value_parser = super::whole(1, MAX_QUERIES))]
    queries: usize,
    /// Seed of the query set and the synthetic graph.
    #[arg(long, default_value_t = 1, value_parser = super::seed)]
    seed: u64,
    /// Also run petgraph and fast_paths on the same graph and print the ratios.
    #[arg(long)]
    peers: bool,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
    /// Sources and targets of the many-to-many matrix (at most the graph's nodes).
    #[arg(long, default_value_t = 1000, value_parser = super::whole(1, MAX_MATRIX))]
    matrix: usize,
}

/// One engine's figures.
#[derive(Debug, Clone, Serialize)]
struct EngineResult {
    engine: String,
    operation: String,
    preparation_s: f64,
    queries: usize,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    throughput_per_s: f64,
    peak_memory_mb: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Report {
    graph: String,
    nodes: usize,
    arcs: usize,
    seed: u64,
    engines: Vec<EngineResult>,
    ratios: Vec<(String, f64)>,
}

/// Why a graph whose distances reach [`MAX_DISTANCE`] is refused (by `sp` too).
pub(super) const TOO_FAR: &str = "distances reach 4294967294, the largest a distance can be (a sum of whole-number weights below 2^32): the weights are too large";

/// The largest synthetic graph (nodes).
const MAX_SYNTHETIC: usize = 50_000_000;

/// The most queries a benchmark runs: their timings are kept.
const MAX_QUERIES: usize = 10_000_000;

/// The most sources (and targets) of the matrix: its table has the square of this many cells.
const MAX_MATRIX: usize = 10_000;

/// The process's peak resident memory so far, MB (Linux; `None` elsewhere).
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Latencies (seconds) summarised.
fn summarise(
    engine: &str,
    operation: &str,
    preparation_s: f64,
    mut times: Vec<f64>,
) -> EngineResult {
    times.sort_by(f64::total_cmp);
    let at = |p: f64| commute::sim::stats::percentile(&times, p).unwrap_or(f64::NAN) * 1000.0;
    let total: f64 = times.iter().sum();
    EngineResult {
        engine: engine.to_owned(),
        operation: operation.to_owned(),
        preparation_s,
        queries: times.len(),
        p50_ms: at(50.0),
        p95_ms: at(95.0),
        p99_ms: at(99.0),
        throughput_per_s: times.len() as f64 / total.max(1e-12),
        peak_memory_mb: peak_memory_mb(),
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let (graph, name) = match (&args.graph, args.synthetic) {
        (_, Some(n)) => (
            RoadGraph::synthetic_grid(n, 10, args.seed),
            format!("synthetic grid ~{n} nodes (seed {})", args.seed),
        ),
        (Some(path), None) => (load_road_graph(path)?, path.display().to_string()),
        (None, None) => anyhow::bail!("give a GRAPH or --synthetic N"),
    };
    let load_s = started.elapsed().as_secs_f64();
    let n = graph.node_count();
    anyhow::ensure!(n >= 2, "the graph has fewer than two nodes");
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed ^ 0x5eed);
    let pairs: Vec<(usize, usize)> = (0..args.queries)
        .map(|_| (rng.random_range(0..n), rng.random_range(0..n)))
        .collect();
    let sources: Vec<usize> = pairs
        .iter()
        .map(|p| p.0)
        .take((args.queries / 10).clamp(1, 50))
        .collect();
    let mut engines = Vec::new();
    let mut ratios = Vec::new();

    // Our Dijkstra, one-to-all.
    let mut ws = RadixWorkspace::default();
    let mut times = Vec::new();
    let mut reference: Vec<Vec<Option<u32>>> = Vec::new();
    for &s in &sources {
        let t = Instant::now();
        shortest_from(&graph.csr, graph.internal[s], &mut ws);
        times.push(t.elapsed().as_secs_f64());
        if reference.len() < 3 {
            let distances: Vec<Option<u32>> =
                (0..n).map(|p| ws.distance(graph.internal[p])).collect();
            anyhow::ensure!(
                !distances.contains(&Some(MAX_DISTANCE)),
                "{name}: {TOO_FAR}"
            );
            reference.push(distances);
        }
    }
    let ours = summarise("dijkstra", "one-to-all", load_s, times);
    // The same batch of one-to-all searches on 1 and 2 threads.
    let batch = |threads: usize| -> anyhow::Result<f64> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let t = Instant::now();
        pool.install(|| {
            sources
                .par_iter()
                .for_each_init(RadixWorkspace::default, |ws, &s| {
                    shortest_from(&graph.csr, graph.internal[s], ws);
                })
        });
        Ok(t.elapsed().as_secs_f64())
    };
    let (one, two) = (batch(1)?, batch(2)?);
    ratios.push((
        "dijkstra batch speed-up 1 -> 2 threads".to_owned(),
        one / two,
    ));
    engines.push(ours.clone());

    // Contraction hierarchy: preparation, point-to-point, PHAST one-to-all, matrix.
    let t = Instant::now();
    let ch = ContractionHierarchy::build(&graph.csr);
    let ch_prep_s = t.elapsed().as_secs_f64();
    let mut cws = ChWorkspace::new(n);
    let mut times = Vec::with_capacity(pairs.len());
    let mut ws = RadixWorkspace::default();
    for (i, &(s, d)) in pairs.iter().enumerate() {
        let (s, d) = (graph.internal[s], graph.internal[d]);
        let t = Instant::now();
        let got = ch.query(&mut cws, s, d);
        times.push(t.elapsed().as_secs_f64());
        if i < 20 {
            shortest_from(&graph.csr, s, &mut ws);
            anyhow::ensure!(ws.distance(d) != Some(MAX_DISTANCE), "{name}: {TOO_FAR}");
            anyhow::ensure!(
                got == ws.distance(d),
                "the hierarchy disagrees with Dijkstra from {} to {}",
                graph.id_of(graph.position[s as usize] as usize),
                graph.id_of(graph.position[d as usize] as usize)
            );
        }
    }
    let ch_query = summarise("ch", "point-to-point", ch_prep_s, times);
    let mut pws = PhastWorkspace::default();
    let mut times = Vec::new();
    for (i, &s) in sources.iter().enumerate() {
        let t = Instant::now();
        let dist = ch.one_to_all(&mut pws, graph.internal[s]);
        times.push(t.elapsed().as_secs_f64());
        if let Some(want) = reference.get(i) {
            for (p, &expected) in want.iter().enumerate() {
                let got = Some(dist[graph.internal[p] as usize]).filter(|&d| d != u32::MAX);
                anyhow::ensure!(got == expected, "PHAST disagrees with Dijkstra");
            }
        }
    }
    let phast = summarise("ch-phast", "one-to-all", ch_prep_s, times);
    ratios.push((
        "one-to-all: our Dijkstra / PHAST (median)".to_owned(),
        ours.p50_ms / phast.p50_ms,
    ));
    let size = args.matrix.clamp(1, n);
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed ^ 0x3a7);
    let ends: Vec<u32> = (0..2 * size)
        .map(|_| graph.internal[rng.random_range(0..n)])
        .collect();
    let t = Instant::now();
    let table = ch.matrix(&ends[..size], &ends[size..]);
    let matrix_s = t.elapsed().as_secs_f64();
    shortest_from(&graph.csr, ends[0], &mut ws);
    for (j, &d) in ends[size..].iter().enumerate() {
        anyhow::ensure!(ws.distance(d) != Some(MAX_DISTANCE), "{name}: {TOO_FAR}");
        anyhow::ensure!(
            table[j] == ws.distance(d),
            "the matrix disagrees with Dijkstra"
        );
    }
    let matrix = summarise(
        "ch-matrix",
        &format!("{size}x{size} matrix"),
        ch_prep_s,
        vec![matrix_s],
    );
    engines.extend([ch_query.clone(), phast, matrix]);

    if args.peers {
        // petgraph on the input's own numbering, as a user of petgraph would have it.
        let t = Instant::now();
        let mut pg = petgraph::graph::DiGraph::<(), u32>::with_capacity(n, graph.arc_count());
        for _ in 0..n {
            pg.add_node(());
        }
        pg.extend_with_edges(graph.input_arcs());
        let build_s = t.elapsed().as_secs_f64();
        let mut times = Vec::new();
        for (i, &s) in sources.iter().enumerate() {
            let t = Instant::now();
            // Summed in u64: u32 sums of weights near 2^32 overflow.
            let scores =
                petgraph::algo::dijkstra(&pg, (s as u32).into(), None, |e| u64::from(*e.weight()));
            times.push(t.elapsed().as_secs_f64());
            if let Some(want) = reference.get(i) {
                for (p, &expected) in want.iter().enumerate() {
                    let theirs = scores.get(&petgraph::graph::NodeIndex::new(p)).copied();
                    anyhow::ensure!(
                        theirs == expected.map(u64::from),
                        "petgraph disagrees from {} to {}: {theirs:?} vs {expected:?}",
                        graph.id_of(s),
                        graph.id_of(p)
                    );
                }
            }
        }
        let theirs = summarise("petgraph", "one-to-all", build_s, times);
        ratios.push((
            "dijkstra one-to-all: petgraph / ours (median)".to_owned(),
            theirs.p50_ms / ours.p50_ms,
        ));
        engines.push(theirs);

        // fast_paths: preparation and point-to-point queries.
        let t = Instant::now();
        let mut input = fast_paths::InputGraph::new();
        for (a, b, w) in graph.input_arcs().filter(|a| a.0 != a.1) {
            input.add_edge(a as usize, b as usize, w as usize);
        }
        input.freeze();
        let fast = fast_paths::prepare(&input);
        let prep_s = t.elapsed().as_secs_f64();
        let mut calc = fast_paths::create_calculator(&fast);
        let mut times = Vec::with_capacity(pairs.len());
        let mut ws = RadixWorkspace::default();
        // fast_paths drops zero-weight arcs: check it against our search on the graph it has.
        let zero_arcs = (0..graph.arc_count())
            .filter(|&e| graph.csr.weight(e) == 0)
            .count();
        let checked = if zero_arcs > 0 {
            if !args.json {
                outln!(
                    "note: fast_paths ignores the {zero_arcs} zero-weight arcs; its answers are checked against ours without them"
                );
            }
            let kept: Vec<(u32, u32, u32)> = (0..n as u32)
                .flat_map(|u| graph.csr.edges_of(u).map(move |e| (u, e)))
                .filter(|&(_, e)| graph.csr.weight(e) > 0)
                .map(|(u, e)| (u, graph.csr.head(e), graph.csr.weight(e)))
                .collect();
            commute::routing::Csr::build(n, &kept).0
        } else {
            graph.csr.clone()
        };
        // fast_paths numbers its nodes up to the largest id of an arc it kept (it drops
        // self-loops and zero weights) and panics on any other: a node beyond is isolated for it.
        let fast_nodes = fast.get_num_nodes();
        for (i, &(s, d)) in pairs.iter().enumerate() {
            let t = Instant::now();
            let got = if s < fast_nodes && d < fast_nodes {
                calc.calc_path(&fast, s, d).map(|p| p.get_weight())
            } else {
                (s == d).then_some(0)
            };
            times.push(t.elapsed().as_secs_f64());
            if i < 20 {
                shortest_from(&checked, graph.internal[s], &mut ws);
                let want = ws.distance(graph.internal[d]).map(|w| w as usize);
                anyhow::ensure!(
                    got == want,
                    "fast_paths disagrees from {} to {}: {got:?} vs {want:?}",
                    graph.id_of(s),
                    graph.id_of(d)
                );
            }
        }
        let theirs = summarise("fast_paths", "point-to-point", prep_s, times);
        ratios.push((
            "preparation: ours / fast_paths".to_owned(),
            ch_prep_s / theirs.preparation_s,
        ));
        ratios.push((
            "point-to-point query: ours / fast_paths (median)".to_owned(),
            ch_query.p50_ms / theirs.p50_ms,
        ));
        // size^2 fast_paths queries, timed as the queries above (their mean) times the count.
        let mean_s = 1.0 / theirs.throughput_per_s;
        ratios.push((
            format!(
                "{size}x{size} matrix: {} fast_paths queries (estimated from their mean) / ours",
                size * size
            ),
            mean_s * (size * size) as f64 / matrix_s,
        ));
        engines.push(theirs);
    }
    let report = Report {
        graph: name,
        nodes: n,
        arcs: graph.arc_count(),
        seed: args.seed,
        engines,
        ratios,
    };
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the report")?
        );
        return Ok(());
    }
    outln!(
        "{}: {} nodes, {} arcs, seed {}",
        report.graph,
        report.nodes,
        report.arcs,
        report.seed
    );
    outln!(
        "{:<12} {:<15} {:>10} {:>8} {:>10} {:>10} {:>10} {:>12} {:>9}",
        "engine",
        "operation",
        "prepare s",
        "queries",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "per s",
        "peak MB"
    );
    for e in &report.engines {
        outln!(
            "{:<12} {:<15} {:>10.3} {:>8} {:>10.4} {:>10.4} {:>10.4} {:>12.1} {:>9}",
            e.engine,
            e.operation,
            e.preparation_s,
            e.queries,
            e.p50_ms,
            e.p95_ms,
            e.p99_ms,
            e.throughput_per_s,
            e.peak_memory_mb.map_or("-".into(), |m| format!("{m:.0}"))
        );
    }
    for (what, ratio) in &report.ratios {
        outln!("{what}: {ratio:.2}x");
    }
    Ok(())
}
