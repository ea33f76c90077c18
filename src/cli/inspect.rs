//! `commute inspect`: what a network (or a scenario's modified network) contains.

use commute::io::load_network;
use commute::routing::{Engine, skim_all};
use commute::run::{NetworkCounts, Unreachable};
use commute::scenario;
use commute::time::Window;
use serde::Serialize;
use std::path::PathBuf;

/// Show counts of nodes by kind, links by mode, lines by mode, zones and unreachable zone pairs.
///
/// Takes a network folder (analysed in the default 07:00-09:00 window) or a scenario file.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute inspect networks/jjj
  commute inspect scenarios/line22.toml --json")]
pub struct Args {
    /// Network folder or scenario file.
    path: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Inspection {
    name: String,
    #[serde(flatten)]
    counts: NetworkCounts,
    unreachable_zone_pairs: Unreachable,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (name, net, window) = if args.path.is_dir() {
        let net = load_network(&args.path)?;
        (net.settings().name.clone(), net, Window::MORNING_PEAK)
    } else {
        let s = scenario::load(&args.path)?;
        (s.name, s.network, s.window)
    };
    let skims = skim_all(&Engine::new(&net, window));
    let report = Inspection {
        name,
        counts: NetworkCounts::of(&net),
        unreachable_zone_pairs: Unreachable::of(&skims),
    };
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let c = &report.counts;
    outln!("{}", report.name);
    outln!("  nodes: {}", c.nodes);
    for (k, n) in &c.nodes_by_kind {
        outln!("    {k:<16} {n}");
    }
    outln!("  links:");
    for (k, n) in &c.links_by_mode {
        outln!("    {k:<16} {n}");
    }
    outln!("  lines: {}", c.lines);
    for (k, n) in &c.lines_by_mode {
        outln!("    {k:<16} {n}");
    }
    outln!("  zones: {}", c.zones);
    let u = &report.unreachable_zone_pairs;
    outln!(
        "  unreachable zone pairs: car {}, transit {}, any mode {}",
        u.car,
        u.transit,
        u.best
    );
    Ok(())
}
