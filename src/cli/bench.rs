//! `commute bench`: routing engines timed on one graph with one seeded query set, optionally
//! beside the Rust peers (petgraph's Dijkstra, fast_paths' contraction hierarchies) in the same
//! process, with their answers checked against each other before any figure is printed. The
//! peers are compiled only with the `peers` cargo feature (`peers.rs`): a library user does not
//! build benchmark competitors. With `--scenario`, a whole Monte-Carlo run on 1 and 2 threads
//! instead (`scenario.rs`).

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

/// Time routing engines on a road graph (or a synthetic one) with a fixed, seeded query set, or
/// a scenario's Monte-Carlo run on 1 and 2 threads.
///
/// Engines: `dijkstra` (one-to-all, radix heap, renumbered graph) and its batch speed-up from 1
/// to 2 threads; with --peers (a binary built with `--features peers`) also petgraph's Dijkstra
/// (one-to-all) and fast_paths (preparation and point-to-point queries), checked to give the
/// same distances. Reports preparation time, query latency p50/p95/p99, throughput and the
/// process's peak memory after each engine.
///
/// With --scenario: `commute run SCENARIO --draws N` in memory (everything but writing the
/// files), --repeat times on 1 thread and on 2, alternating; prints the median wall times and
/// their ratio, after checking that every output is byte-identical at both counts.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute bench ../shared/data/roads/bremen_time.gr --peers
  commute bench --synthetic 1000000 --queries 1000 --peers --json
  commute bench --scenario scenarios/jjj-2024.toml --draws 200 --repeat 3")]
pub struct Args {
    /// Road graph (DIMACS .gr, TNTP _net.tntp or a network folder).
    #[arg(required_unless_present_any = ["synthetic", "scenario"])]
    graph: Option<PathBuf>,
    /// Time a Monte-Carlo run of this scenario file on 1 and 2 threads instead.
    #[arg(long, conflicts_with_all = ["graph", "synthetic", "peers"])]
    scenario: Option<PathBuf>,
    /// With --scenario: draws (simulated mornings) of the run.
    #[arg(long, default_value_t = 200, requires = "scenario", value_parser = super::whole(1, MAX_BENCH_DRAWS))]
    draws: u32,
    /// With --scenario: runs on each thread count (the median is reported).
    #[arg(long, default_value_t = 3, requires = "scenario", value_parser = super::whole(1, MAX_REPEAT))]
    repeat: usize,
    /// Use a seeded synthetic grid with about N nodes instead.
    #[arg(long, conflicts_with = "graph", value_parser = super::whole(4, MAX_SYNTHETIC))]
    synthetic: Option<usize>,
    /// Point-to-point queries (one-to-all searches: a tenth of them, at most 50).
    #[arg(long, default_value_t = 1000, value_parser = super::whole(1, MAX_QUERIES))]
    queries: usize,
    /// Seed of the query set and the synthetic graph [default: 1]; with --scenario, of the run
    /// [default: `commute run`'s].
    #[arg(long, value_parser = super::seed)]
    seed: Option<u64>,
    /// Also run petgraph and fast_paths on the same graph and print the ratios (needs a binary
    /// built with `--features peers`).
    #[arg(long)]
    peers: bool,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
    /// Sources and targets of the many-to-many matrix (at most the graph's nodes).
    #[arg(long, default_value_t = 1000, value_parser = super::whole(1, MAX_MATRIX))]
    matrix: usize,
}

#[cfg(feature = "peers")]
mod peers;
mod scenario;

/// Stands in for the peers in a binary built without them; never reached, as [`run`] refuses
/// `--peers` before any work.
#[cfg(not(feature = "peers"))]
mod peers {
    pub(super) fn run(
        _: &commute::routing::RoadGraph,
        _: &super::Queries,
        _: &super::Ours,
        _: bool,
        _: &mut super::Report,
    ) -> anyhow::Result<()> {
        anyhow::bail!(super::PEERS_NOT_BUILT)
    }
}

/// Why `--peers` fails in a binary built without the `peers` feature.
const PEERS_NOT_BUILT: &str = "--peers needs petgraph and fast_paths, which this binary was built \
without: build it with `cargo build --release --features peers` (or run `cargo run --release \
--features peers -- bench ...`)";

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

/// Everything `bench` prints.
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

/// The most draws of a `--scenario` run (as `commute run --draws`).
const MAX_BENCH_DRAWS: u32 = 10_000;

/// The most runs per thread count of `--scenario`.
const MAX_REPEAT: usize = 100;

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
    let at = |p: f64| commute::stats::percentile(&times, p).unwrap_or(f64::NAN) * 1000.0;
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

/// The seeded query set, as positions in the input's numbering.
struct Queries {
    /// Point-to-point queries.
    pairs: Vec<(usize, usize)>,
    /// Sources of the one-to-all searches: the first tenth of the pairs', 1 to 50.
    sources: Vec<usize>,
}

/// Our engines' figures and answers, which the peers are compared with and checked against
/// (read by nothing else, so unread in a binary built without them).
#[cfg_attr(not(feature = "peers"), allow(dead_code))]
struct Ours {
    dijkstra: EngineResult,
    /// Dijkstra's distances from the first (up to 3) sources, by input position.
    reference: Vec<Vec<Option<u32>>>,
    ch_query: EngineResult,
    ch_prep_s: f64,
    /// Sources (and targets) of the matrix, and the seconds it took.
    matrix_size: usize,
    matrix_s: f64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(!args.peers || cfg!(feature = "peers"), PEERS_NOT_BUILT);
    if let Some(path) = &args.scenario {
        let seed = args.seed.unwrap_or(super::run::DEFAULT_SEED);
        return scenario::run(path, args.draws, seed, args.repeat, args.json);
    }
    let seed = args.seed.unwrap_or(1);
    let started = Instant::now();
    let (graph, name) = match (&args.graph, args.synthetic) {
        (_, Some(n)) => (
            RoadGraph::synthetic_grid(n, 10, seed),
            format!("synthetic grid ~{n} nodes (seed {seed})"),
        ),
        (Some(path), None) => (load_road_graph(path)?, path.display().to_string()),
        (None, None) => anyhow::bail!("give a GRAPH or --synthetic N"),
    };
    let load_s = started.elapsed().as_secs_f64();
    let n = graph.node_count();
    anyhow::ensure!(n >= 2, "the graph has fewer than two nodes");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let pairs: Vec<(usize, usize)> = (0..args.queries)
        .map(|_| (rng.random_range(0..n), rng.random_range(0..n)))
        .collect();
    let sources: Vec<usize> = pairs
        .iter()
        .map(|p| p.0)
        .take((args.queries / 10).clamp(1, 50))
        .collect();
    let queries = Queries { pairs, sources };
    let mut report = Report {
        graph: name,
        nodes: n,
        arcs: graph.arc_count(),
        seed,
        engines: Vec::new(),
        ratios: Vec::new(),
    };
    let (dijkstra, reference) = dijkstra(&graph, &queries, load_s, &mut report)?;
    let ours = hierarchy(&graph, &queries, &args, dijkstra, reference, &mut report)?;
    if args.peers {
        peers::run(&graph, &queries, &ours, args.json, &mut report)?;
    }
    print(&report, args.json)
}

/// Our Dijkstra, one-to-all from every source, and its batch speed-up from 1 to 2 threads;
/// returns its figures and its distances from the first sources.
fn dijkstra(
    graph: &RoadGraph,
    queries: &Queries,
    load_s: f64,
    report: &mut Report,
) -> anyhow::Result<(EngineResult, Vec<Vec<Option<u32>>>)> {
    let (n, name) = (graph.node_count(), report.graph.clone());
    let mut ws = RadixWorkspace::default();
    let mut times = Vec::new();
    let mut reference: Vec<Vec<Option<u32>>> = Vec::new();
    for &s in &queries.sources {
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
            queries
                .sources
                .par_iter()
                .for_each_init(RadixWorkspace::default, |ws, &s| {
                    shortest_from(&graph.csr, graph.internal[s], ws);
                })
        });
        Ok(t.elapsed().as_secs_f64())
    };
    let (one, two) = (batch(1)?, batch(2)?);
    report.ratios.push((
        "dijkstra batch speed-up 1 -> 2 threads".to_owned(),
        one / two,
    ));
    report.engines.push(ours.clone());
    Ok((ours, reference))
}

/// The contraction hierarchy: preparation, point-to-point queries, PHAST one-to-all and the
/// matrix, each checked against Dijkstra.
fn hierarchy(
    graph: &RoadGraph,
    queries: &Queries,
    args: &Args,
    dijkstra: EngineResult,
    reference: Vec<Vec<Option<u32>>>,
    report: &mut Report,
) -> anyhow::Result<Ours> {
    let (n, name) = (graph.node_count(), report.graph.clone());
    let t = Instant::now();
    let ch = ContractionHierarchy::build(&graph.csr);
    let ch_prep_s = t.elapsed().as_secs_f64();
    let mut cws = ChWorkspace::new(n);
    let mut times = Vec::with_capacity(queries.pairs.len());
    let mut ws = RadixWorkspace::default();
    for (i, &(s, d)) in queries.pairs.iter().enumerate() {
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
    for (i, &s) in queries.sources.iter().enumerate() {
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
    report.ratios.push((
        "one-to-all: our Dijkstra / PHAST (median)".to_owned(),
        dijkstra.p50_ms / phast.p50_ms,
    ));
    let size = args.matrix.clamp(1, n);
    let mut rng = ChaCha8Rng::seed_from_u64(report.seed ^ 0x3a7);
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
    report.engines.extend([ch_query.clone(), phast, matrix]);
    Ok(Ours {
        dijkstra,
        reference,
        ch_query,
        ch_prep_s,
        matrix_size: size,
        matrix_s,
    })
}

/// Prints `report` as pretty JSON (`--json`).
fn print_json(report: &impl serde::Serialize) -> anyhow::Result<()> {
    outln!(
        "{}",
        serde_json::to_string_pretty(report).context("serialising the report")?
    );
    Ok(())
}

/// Prints `report` as JSON or as a table with the ratios below.
fn print(report: &Report, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(report);
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
