//! `commute sp`: shortest distances on a road graph (DIMACS, TNTP or a network's roads).

use anyhow::bail;
use commute::io::{load_network, load_road_graph, network_road_lengths};
use commute::routing::{
    ChWorkspace, ContractionHierarchy, MAX_DISTANCE, PhastWorkspace, RadixWorkspace, RoadGraph,
    shortest_from,
};
use std::path::PathBuf;

/// Shortest distances from a source node on a road graph.
///
/// GRAPH is a DIMACS `.gr` file (`p sp n m` header, 1-based; or header-less `a u v w`,
/// 0-based), a TNTP `_net.tntp` network (free-flow times) or a network folder (its roads:
/// free-flow seconds, or metres with `--metric distance`; for an OpenStreetMap import the node
/// ids are the OSM node ids). Prints CSV `node,distance` for every node (one-to-all) or for
/// the target, node ids as in the input; an unreachable node has an empty distance. With
/// `--json`, one object: the source, the metric and its unit, and the distances by node id
/// (`null` when unreachable).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute sp ../shared/data/roads/rome99.gr --source 1 --target 1000
  commute sp networks/jjj --source j_g4_fengtai > distances.csv
  commute sp out/helsinki --source 25291452 --target 1372477605 --metric distance --json")]
pub struct Args {
    /// Road graph file or network folder.
    graph: PathBuf,
    /// Source node id, as in the input.
    #[arg(long)]
    source: String,
    /// Target node id: print only its distance.
    #[arg(long)]
    target: Option<String>,
    /// Routing engine: `dijkstra` (radix heap), or `ch` (contraction hierarchy: prepared first,
    /// then a bidirectional query, or PHAST for one-to-all). Both give the same distances.
    #[arg(long, value_enum, default_value_t = Engine::Dijkstra)]
    engine: Engine,
    /// On a network folder: free-flow `time` (seconds) or road `distance` (metres).
    #[arg(long, value_enum, default_value_t = Metric::Time)]
    metric: Metric,
    /// Print JSON instead of CSV.
    #[arg(long)]
    json: bool,
}

/// What `commute sp` sums on a network folder's roads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Metric {
    Time,
    Distance,
}

/// A routing engine of `commute sp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Engine {
    Dijkstra,
    Ch,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let graph = match args.metric {
        Metric::Time => load_road_graph(&args.graph)?,
        Metric::Distance if args.graph.is_dir() => {
            network_road_lengths(&load_network(&args.graph)?)
        }
        Metric::Distance => bail!(
            "--metric distance needs a network folder: a graph file's weights are what it says"
        ),
    };
    let node = |id: &str, what: &str| {
        graph.position_of(id).ok_or_else(|| {
            anyhow::anyhow!(
                "{what} `{id}` is not a node of {} ({} nodes)",
                args.graph.display(),
                graph.node_count()
            )
        })
    };
    let source = node(&args.source, "--source")?;
    let target = args
        .target
        .as_deref()
        .map(|t| node(t, "--target"))
        .transpose()?;
    // Distances by internal number.
    let s = graph.internal[source];
    // Distances are u32: sums saturate at u32::MAX - 1, which the hierarchy would count as no
    // path. A graph whose distances from this source reach it is refused for both engines.
    let mut ws = RadixWorkspace::default();
    shortest_from(&graph.csr, s, &mut ws);
    let dijkstra: Vec<u32> = (0..graph.node_count() as u32)
        .map(|v| ws.distance(v).unwrap_or(u32::MAX))
        .collect();
    anyhow::ensure!(
        !dijkstra.contains(&MAX_DISTANCE),
        "{}: {} (from `{}`)",
        args.graph.display(),
        super::bench::TOO_FAR,
        args.source,
    );
    let distances: Vec<u32> = match (args.engine, target) {
        (Engine::Dijkstra, _) => dijkstra,
        (Engine::Ch, Some(t)) => {
            let ch = ContractionHierarchy::build(&graph.csr);
            let mut ws = ChWorkspace::new(graph.node_count());
            let mut d = vec![u32::MAX; graph.node_count()];
            let t = graph.internal[t];
            d[t as usize] = ch.query(&mut ws, s, t).unwrap_or(u32::MAX);
            d
        }
        (Engine::Ch, None) => {
            let ch = ContractionHierarchy::build(&graph.csr);
            let mut ws = PhastWorkspace::default();
            ch.one_to_all(&mut ws, s).to_vec()
        }
    };
    let cell = |p: usize| match distances[graph.internal[p] as usize] {
        u32::MAX => String::new(),
        d => distance_text(&graph, d),
    };
    if args.json {
        let nodes: Vec<usize> = match target {
            Some(t) => vec![t],
            None => (0..graph.node_count()).collect(),
        };
        let mut map = serde_json::Map::new();
        for p in nodes {
            let value = match distances[graph.internal[p] as usize] {
                u32::MAX => serde_json::Value::Null,
                d => serde_json::json!(f64::from(d) / graph.scale),
            };
            map.insert(graph.id_of(p).to_string(), value);
        }
        let value = serde_json::json!({
            "source": args.source,
            "metric": if args.metric == Metric::Distance { "distance" } else { "time" },
            "unit": graph.unit,
            "distances": map,
        });
        outln!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    outln!("node,distance");
    match target {
        Some(t) => outln!("{},{}", graph.id_of(t), cell(t)),
        None => {
            // Buffered: a million lines.
            use std::io::Write as _;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for p in 0..graph.node_count() {
                if let Err(e) = writeln!(out, "{},{}", graph.id_of(p), cell(p)) {
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        std::process::exit(0);
                    }
                    return Err(e.into());
                }
            }
            if let Err(e) = out.flush()
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e.into());
            }
        }
    }
    Ok(())
}

/// A distance in the graph's output unit: whole weights when the scale is 1, else as many
/// decimals as the scale has zeros.
fn distance_text(graph: &RoadGraph, weight: u32) -> String {
    if graph.scale == 1.0 {
        weight.to_string()
    } else {
        let decimals = graph.scale.log10().round().max(0.0) as usize;
        format!("{:.decimals$}", f64::from(weight) / graph.scale)
    }
}
