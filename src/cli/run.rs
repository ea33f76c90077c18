//! `commute run`: all-zones travel times for one scenario, written atomically to a folder.

use anyhow::Context;
use commute::io::{load_scenario, output::OutputDir};
use commute::results::{
    self, DemandInfo, MonteCarloInfo, NetworkCounts, ResultInfo, RunInfo, RunSummary, ScenarioInfo,
    Unreachable,
};
use commute::routing::{Engine, skim_all};
use commute::sim::demand::{Split, commuter_flows};
use commute::sim::montecarlo::{Setup, simulate};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

/// Compute door-to-door travel times between all zones and write them to a folder.
///
/// Writes od.csv (per origin, destination and mode: minutes, km, transfers, yuan, lines used),
/// zones.csv (residents and jobs reachable within 30-120 minutes) and summary.json. With
/// --draws N, simulates N mornings instead (random line phases and delays, road conditions,
/// departures every minute of the window, mode choice, custom-bus seats): od.csv and zones.csv
/// hold distributions and mode shares, lines.csv line loads, draws.csv per-morning results.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute run scenarios/jjj-2024.toml
  commute run scenarios/line22.toml --out out/line22 --threads 2 --force
  commute run scenarios/jjj-2024.toml --draws 200 --seed 7 --out out/jjj-mc")]
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
    /// Monte-Carlo draws (simulated mornings); 0 keeps the deterministic half-headway model.
    #[arg(long, default_value_t = 0)]
    draws: u32,
    /// No progress display on the terminal.
    #[arg(long)]
    quiet: bool,
    /// Seed of every random stream; the same seed gives the same outputs.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
}

/// The most draws one run makes.
const MAX_DRAWS: u32 = 10_000;

/// The default seed, recorded in summary.json.
const DEFAULT_SEED: u64 = 20_240_501;

pub fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    // Samples are kept per pair (draws x departure minutes each): bound the memory.
    anyhow::ensure!(
        args.draws <= MAX_DRAWS,
        "--draws must be at most {MAX_DRAWS} (every sample is kept for paired comparisons), got {}",
        args.draws
    );
    let pool = super::thread_pool(args.threads)?;
    let scenario = load_scenario(&args.scenario)?;
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(&scenario.name));
    let dir = OutputDir::create(&out, args.force)?;
    let net = &scenario.network;
    let engine = Engine::new(net, scenario.window);
    let skims = pool.install(|| skim_all(&engine));
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    // Files only a Monte-Carlo run writes.
    let mut extra: Vec<(&str, Vec<u8>)> = Vec::new();
    let (od, zones, monte_carlo, demand) = if args.draws == 0 {
        let zones = results::zones_csv(net, &skims);
        (results::od_csv(net, &skims), zones, None, None)
    } else {
        let flows = commuter_flows(
            net,
            &skims,
            scenario.demand,
            scenario.commuter_table.as_deref(),
            &scenario.demand_scales,
        );
        let setup = Setup::of(&scenario, args.seed, args.draws);
        let sim = pool.install(|| {
            simulate(&engine, &skims, &flows, &setup, |draw| {
                if show_progress {
                    eprint!("\rdraw {draw}/{}", args.draws);
                    if draw == args.draws {
                        eprintln!();
                    }
                }
            })
        });
        let info = MonteCarloInfo {
            seed: args.seed,
            draws: args.draws,
            departure_minutes: sim.minutes,
            samples_per_pair: u64::from(sim.draws) * u64::from(sim.minutes),
        };
        let n = skims.zones;
        // Commuters within their own zone are counted, not routed.
        let splits: Vec<Split> = (0..n * n)
            .map(|k| Split::of(&sim, k, if k / n == k % n { 0.0 } else { flows[k] }))
            .collect();
        let intrazonal: f64 = (0..n).map(|z| flows[z * n + z]).sum();
        let (od, zones) = pool.install(|| {
            (
                results::od_distribution_csv(net, &sim, &splits),
                results::zones_distribution_csv(net, &sim, &splits),
            )
        });
        extra.push(("lines.csv", results::lines_csv(net, &sim)));
        extra.push(("draws.csv", results::draws_csv(net, &sim)));
        (
            od,
            zones,
            Some(info),
            Some(DemandInfo::of(&splits, intrazonal)),
        )
    };
    let unreachable = Unreachable::of(&skims);
    let mut summary = RunSummary {
        version: env!("CARGO_PKG_VERSION"),
        scenario: ScenarioInfo::of(&scenario),
        network: NetworkCounts::of(net),
        results: ResultInfo {
            zone_pairs: skims.zones * skims.zones.saturating_sub(1),
            unreachable_pairs: unreachable.clone(),
        },
        monte_carlo,
        demand,
        run: RunInfo {
            threads: pool.current_num_threads(),
            wall_time_s: started.elapsed().as_secs_f64(),
            samples_per_s: None,
        },
    };
    if let Some(mc) = &summary.monte_carlo {
        let pairs = (skims.zones * skims.zones.saturating_sub(1)) as f64;
        summary.run.samples_per_s =
            Some(pairs * mc.samples_per_pair as f64 / summary.run.wall_time_s.max(1e-9));
    }
    dir.write("od.csv", &od)?;
    dir.write("zones.csv", &zones)?;
    for (name, bytes) in &extra {
        dir.write(name, bytes)?;
    }
    dir.write(
        "summary.json",
        (serde_json::to_string_pretty(&summary)? + "\n").as_bytes(),
    )?;
    let written = dir.commit().context("finishing the output folder")?;
    if unreachable.car > 0 || unreachable.transit > 0 {
        eprintln!(
            "warning: {} zone pairs have no car route and {} no public-transport route",
            unreachable.car, unreachable.transit
        );
    }
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
