//! The benchmark peers, compiled only with the `peers` feature: petgraph's Dijkstra (one-to-all,
//! on the input's own numbering, as a user of petgraph would have it) and fast_paths'
//! contraction hierarchies (preparation and point-to-point queries), each checked against our
//! answers before its figures count.

use super::{Ours, Queries, Report, TOO_FAR, summarise};
use commute::routing::{Csr, MAX_DISTANCE, RadixWorkspace, RoadGraph, shortest_from};
use std::time::Instant;

/// Runs both peers on `graph` with our query set, adding their figures and ratios to `report`;
/// `quiet` leaves out the notes (for `--json`).
pub(super) fn run(
    graph: &RoadGraph,
    queries: &Queries,
    ours: &Ours,
    quiet: bool,
    report: &mut Report,
) -> anyhow::Result<()> {
    petgraph_dijkstra(graph, queries, ours, report)?;
    fast_paths_queries(graph, queries, ours, quiet, report)
}

/// petgraph's Dijkstra from every source.
fn petgraph_dijkstra(
    graph: &RoadGraph,
    queries: &Queries,
    ours: &Ours,
    report: &mut Report,
) -> anyhow::Result<()> {
    let n = graph.node_count();
    let t = Instant::now();
    let mut pg = petgraph::graph::DiGraph::<(), u32>::with_capacity(n, graph.arc_count());
    for _ in 0..n {
        pg.add_node(());
    }
    pg.extend_with_edges(graph.input_arcs());
    let build_s = t.elapsed().as_secs_f64();
    let mut times = Vec::new();
    for (i, &s) in queries.sources.iter().enumerate() {
        let t = Instant::now();
        // Summed in u64: u32 sums of weights near 2^32 overflow.
        let scores =
            petgraph::algo::dijkstra(&pg, (s as u32).into(), None, |e| u64::from(*e.weight()));
        times.push(t.elapsed().as_secs_f64());
        if let Some(want) = ours.reference.get(i) {
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
    report.ratios.push((
        "dijkstra one-to-all: petgraph / ours (median)".to_owned(),
        theirs.p50_ms / ours.dijkstra.p50_ms,
    ));
    report.engines.push(theirs);
    Ok(())
}

/// fast_paths: preparation and point-to-point queries, and the matrix estimated from them.
fn fast_paths_queries(
    graph: &RoadGraph,
    queries: &Queries,
    ours: &Ours,
    quiet: bool,
    report: &mut Report,
) -> anyhow::Result<()> {
    let n = graph.node_count();
    let t = Instant::now();
    let mut input = fast_paths::InputGraph::new();
    for (a, b, w) in graph.input_arcs().filter(|a| a.0 != a.1) {
        input.add_edge(a as usize, b as usize, w as usize);
    }
    input.freeze();
    let fast = fast_paths::prepare(&input);
    let prep_s = t.elapsed().as_secs_f64();
    let mut calc = fast_paths::create_calculator(&fast);
    let mut times = Vec::with_capacity(queries.pairs.len());
    let mut ws = RadixWorkspace::default();
    // fast_paths drops zero-weight arcs: check it against our search on the graph it has.
    let zero_arcs = (0..graph.arc_count())
        .filter(|&e| graph.csr.weight(e) == 0)
        .count();
    let checked = if zero_arcs > 0 {
        if !quiet {
            outln!(
                "note: fast_paths ignores the {zero_arcs} zero-weight arcs; its answers are checked against ours without them"
            );
        }
        let kept: Vec<(u32, u32, u32)> = (0..n as u32)
            .flat_map(|u| graph.csr.edges_of(u).map(move |e| (u, e)))
            .filter(|&(_, e)| graph.csr.weight(e) > 0)
            .map(|(u, e)| (u, graph.csr.head(e), graph.csr.weight(e)))
            .collect();
        Csr::build(n, &kept).0
    } else {
        graph.csr.clone()
    };
    // fast_paths numbers its nodes up to the largest id of an arc it kept (it drops
    // self-loops and zero weights) and panics on any other: a node beyond is isolated for it.
    let fast_nodes = fast.get_num_nodes();
    for (i, &(s, d)) in queries.pairs.iter().enumerate() {
        let t = Instant::now();
        let got = if s < fast_nodes && d < fast_nodes {
            calc.calc_path(&fast, s, d).map(|p| p.get_weight())
        } else {
            (s == d).then_some(0)
        };
        times.push(t.elapsed().as_secs_f64());
        if i < 20 {
            shortest_from(&checked, graph.internal[s], &mut ws);
            // Without the zero-weight arcs a path may be longer than any our searches met.
            anyhow::ensure!(
                ws.distance(graph.internal[d]) != Some(MAX_DISTANCE),
                "{}: {TOO_FAR}",
                report.graph
            );
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
    report.ratios.push((
        "preparation: ours / fast_paths".to_owned(),
        ours.ch_prep_s / theirs.preparation_s,
    ));
    report.ratios.push((
        "point-to-point query: ours / fast_paths (median)".to_owned(),
        ours.ch_query.p50_ms / theirs.p50_ms,
    ));
    // size^2 fast_paths queries, timed as the queries above (their mean) times the count.
    let size = ours.matrix_size;
    let mean_s = 1.0 / theirs.throughput_per_s;
    report.ratios.push((
        format!(
            "{size}x{size} matrix: {} fast_paths queries (estimated from their mean) / ours",
            size * size
        ),
        mean_s * (size * size) as f64 / ours.matrix_s,
    ));
    report.engines.push(theirs);
    Ok(())
}
