//! `commute run`: all-zones travel times for one scenario, written atomically to a folder.

use anyhow::Context;
use commute::io::{load_scenario, output::OutputDir};
use commute::results::{
    self, NetworkCounts, ResultInfo, RunInfo, RunSummary, ScenarioInfo, Unreachable,
};
use commute::routing::{Engine, skim_all};
use std::path::PathBuf;
use std::time::Instant;

/// Compute door-to-door travel times between all zones and write them to a folder.
///
/// Writes od.csv (per origin, destination and mode: minutes, km, transfers, yuan, lines used),
/// zones.csv (residents and jobs reachable within 30-120 minutes) and summary.json.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute run scenarios/jjj-2024.toml
  commute run scenarios/line22.toml --out out/line22 --threads 2 --force")]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Output folder [default: out/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: all cores]. Results are identical at any count.
    #[arg(long)]
    threads: Option<usize>,
    /// Replace the output folder if it exists.
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let pool = super::thread_pool(args.threads)?;
    let scenario = load_scenario(&args.scenario)?;
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(&scenario.name));
    let dir = OutputDir::create(&out, args.force)?;
    let net = &scenario.network;
    let engine = Engine::new(net, scenario.window);
    let skims = pool.install(|| skim_all(&engine));
    let od = results::od_csv(net, &skims);
    let zones = results::zones_csv(net, &skims);
    let unreachable = Unreachable::of(&skims);
    let summary = RunSummary {
        version: env!("CARGO_PKG_VERSION"),
        scenario: ScenarioInfo::of(&scenario),
        network: NetworkCounts::of(net),
        results: ResultInfo {
            zone_pairs: skims.zones * skims.zones.saturating_sub(1),
            unreachable_pairs: unreachable.clone(),
        },
        run: RunInfo {
            threads: pool.current_num_threads(),
            wall_time_s: started.elapsed().as_secs_f64(),
        },
    };
    dir.write("od.csv", &od)?;
    dir.write("zones.csv", &zones)?;
    dir.write(
        "summary.json",
        (serde_json::to_string_pretty(&summary)? + "\n").as_bytes(),
    )?;
    let written = dir.commit().context("finishing the output folder")?;
    eprintln!(
        "{}: {} zones, {} zone pairs, {} unreachable; wrote {} in {:.2} s",
        scenario.name,
        skims.zones,
        summary.results.zone_pairs,
        unreachable.best,
        written.display(),
        summary.run.wall_time_s
    );
    Ok(())
}
