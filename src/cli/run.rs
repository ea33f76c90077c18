//! `commute run`: all-zones travel times for one scenario, written atomically to a folder.

use anyhow::Context;
use commute::io::output::{OutputDir, OutputKind};
use commute::report;
use commute::run::{self, HeldDemand, Horizon, RunDemand, RunOptions};
use commute::scenario::{self, Scenario};
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
  commute run scenarios/jjj-2024.toml --draws 200 --seed 7 --out out/jjj-mc
  commute run scenarios/jing-xiong-closure.toml --draws 50 --hold-demand scenarios/jjj-2024.toml")]
pub struct Args {
    /// Scenario file (TOML), or a network folder (run as it is).
    scenario: PathBuf,
    /// Output folder [default: out/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: all cores]. Results are identical at any count.
    #[arg(long, value_parser = super::threads)]
    threads: Option<usize>,
    /// Replace the output folder if it exists.
    #[arg(long)]
    force: bool,
    /// Monte-Carlo draws (simulated mornings); 0 keeps the deterministic half-headway model.
    #[arg(long, default_value_t = 0, value_parser = super::whole(0, MAX_DRAWS))]
    draws: u32,
    /// No progress display on the terminal.
    #[arg(long)]
    quiet: bool,
    /// Seed of every random stream; the same seed gives the same outputs.
    #[arg(long, default_value_t = DEFAULT_SEED, value_parser = super::seed)]
    seed: u64,
    /// Fixed demand (the short run): hold the commuters per zone pair of this base scenario
    /// file instead of choosing destinations on this scenario's network (with --draws).
    #[arg(long, value_name = "BASE_SCENARIO")]
    hold_demand: Option<PathBuf>,
    /// Demand horizon (with --draws): `fixed` holds the commuters of the scenario this one
    /// extends (or of --hold-demand), `variable` chooses destinations on this scenario's
    /// network [default: the scenario file's `horizon`, else variable].
    #[arg(long, value_enum, conflicts_with = "hold_demand")]
    horizon: Option<super::HorizonArg>,
}

/// The most draws one run makes: samples are kept per pair (draws x departure minutes each)
/// for paired comparisons, so this bounds the memory.
const MAX_DRAWS: u32 = 10_000;

/// The default seed, recorded in summary.json.
pub(super) const DEFAULT_SEED: u64 = 20_240_501;

/// The scenario whose commuters the run holds (fixed demand), if any: `--hold-demand`, or the
/// scenario this one extends when `--horizon fixed` or the file's `horizon = "fixed"` asks for
/// it. A deterministic run places no commuters: fixed demand there is an error when asked for on
/// the command line, and noted when the file asks for it.
fn held_base(args: &Args, scenario: &Scenario) -> anyhow::Result<Option<PathBuf>> {
    let on_command_line = args.hold_demand.is_some() || args.horizon.is_some();
    let horizon = match (&args.hold_demand, args.horizon) {
        (Some(_), _) => Horizon::FixedDemand,
        (None, Some(arg)) => arg.into(),
        (None, None) => scenario.horizon.unwrap_or_default(),
    };
    if horizon == Horizon::VariableDestination {
        return Ok(None);
    }
    if args.draws == 0 {
        anyhow::ensure!(
            !on_command_line,
            "fixed demand needs --draws: the deterministic run places no commuters"
        );
        eprintln!(
            "note: {} asks for fixed demand, which applies to Monte-Carlo runs (--draws)",
            scenario.path.display()
        );
        return Ok(None);
    }
    let base = args
        .hold_demand
        .clone()
        .or_else(|| scenario.extends.clone());
    let base = base.ok_or_else(|| {
        anyhow::anyhow!(
            "--horizon fixed holds the commuters of the scenario {} extends, and it extends none: pass --hold-demand BASE",
            scenario.path.display()
        )
    })?;
    Ok(Some(base))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let pool = super::thread_pool(args.threads)?;
    let scenario = scenario::load(&args.scenario)?;
    let base = held_base(&args, &scenario)?;
    let options = RunOptions {
        seed: args.seed,
        draws: args.draws,
    };
    let (demand, resume) = match &base {
        Some(base) => {
            let base = scenario::load(base)?;
            // The base's commuters as its own run with these draws and seed places them.
            let flows = pool.install(|| run::own_demand(&base, options));
            let held = HeldDemand::of(&base, &flows);
            let demand = super::hold(
                held.clone(),
                &scenario,
                "run with --horizon variable instead",
            )?;
            // The loop resumes from the base's, as the after side of `commute compare` does,
            // so that this folder compares with the base's as the scenario files do.
            let resume = match held.on(&base) {
                Ok(own) => pool.install(|| run::held_warm_start(&base, options, own)),
                Err(_) => None,
            };
            (demand, resume)
        }
        None => (RunDemand::Own, None),
    };
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(&scenario.name));
    let mut inputs = vec![scenario.path.as_path(), scenario.network_dir.as_path()];
    inputs.extend(scenario.demand_file.as_deref());
    inputs.extend(base.as_deref());
    let dir = OutputDir::create(&out, OutputKind::Run, &inputs, args.force)?;
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let mut output = pool.install(|| {
        run::run_with(&scenario, options, demand, resume.as_ref(), |draw| {
            if show_progress {
                eprint!("\rdraw {draw}/{}", args.draws);
                if draw == args.draws {
                    eprintln!();
                }
            }
        })
    });
    let summary = &mut output.summary;
    summary.run.wall_time_s = started.elapsed().as_secs_f64();
    if let Some(mc) = &summary.monte_carlo {
        summary.run.samples_per_s = Some(
            summary.results.zone_pairs as f64 * mc.samples_per_pair as f64
                / summary.run.wall_time_s.max(1e-9),
        );
    }
    for (name, bytes) in &output.files() {
        dir.write(name, bytes)?;
    }
    if let Some(run) = output.monte_carlo() {
        dir.write("report.html", report::run_html(run).as_bytes())?;
    }
    // summary.json last: a folder with it is a finished run (`--force` may replace it).
    dir.write("summary.json", &output.summary_json())?;
    let summary = &output.summary;
    let written = dir.commit().context("finishing the output folder")?;
    let unreachable = &summary.results.unreachable_pairs;
    if unreachable.car > 0 || unreachable.transit > 0 {
        eprintln!(
            "warning: {} zone pairs have no car route and {} no public-transport route",
            unreachable.car, unreachable.transit
        );
    }
    if let Some(e) = &summary.equilibrium {
        print_rounds(e);
    }
    if let Some(a) = &summary.accessibility {
        eprintln!(
            "accessibility: {:.0} jobs-equivalent [{:.0}, {:.0}], by public transport {:.0} [{:.0}, {:.0}] (decay {}/min, residents-weighted mean, 95% CI over the draws)",
            a.jobs.mean,
            a.jobs.ci_low,
            a.jobs.ci_high,
            a.jobs_pt.mean,
            a.jobs_pt.ci_low,
            a.jobs_pt.ci_high,
            a.decay_per_min
        );
    }
    if let Some(c) = &summary.congestion {
        eprintln!(
            "road congestion: {:.0} commuter cars in the peak hour, {} directed links over capacity",
            c.final_assignment.peak_hour_cars, c.final_assignment.links_over_capacity
        );
    } else if scenario.congestion.is_some() {
        eprintln!(
            "note: the scenario's [congestion] applies to Monte-Carlo runs (--draws N); this run used free-flow roads"
        );
    }
    if let Some(rows) = &summary.validation {
        print_validation(rows);
    }
    eprintln!(
        "{}: {} zones, {} zone pairs, {} unreachable; wrote {} in {:.2} s",
        scenario.name,
        summary.network.zones,
        summary.results.zone_pairs,
        unreachable.best,
        written.display(),
        summary.run.wall_time_s
    );
    Ok(())
}

/// Prints the validation table: each published statistic beside the model's value.
fn print_validation(rows: &[commute::run::ValidationRow]) {
    let within = rows.iter().filter(|r| r.within_tolerance).count();
    eprintln!(
        "validation: {within} of {} published statistics within tolerance (validation.csv; * = held out of calibration)",
        rows.len()
    );
    for r in rows {
        eprintln!(
            "  {:<44} published {:>12}  model {:>12}  ratio {:>6}  {}",
            format!("{}{}", r.statistic, if r.used_in_fit { "" } else { " *" }),
            trimmed(r.published),
            r.model.map_or("-".to_owned(), trimmed),
            r.ratio.map_or("-".to_owned(), |x| format!("{x:.2}")),
            if r.within_tolerance { "ok" } else { "OUT" }
        );
    }
}

/// A number with up to 3 significant decimals and no trailing zeros.
fn trimmed(x: f64) -> String {
    let text = if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// Prints every round of the supply-demand loop and its verdict, loudly when not converged.
fn print_rounds(e: &commute::run::EquilibriumInfo) {
    let gap = |g: Option<f64>| g.map_or("-".to_owned(), |g| format!("{:.2}%", 100.0 * g));
    for r in &e.rounds {
        eprintln!(
            "supply-demand round {:>2}: car commuters {:.0}, road demand gap {}, road relative gap {}, transit load gap {}, destination gap {}, denied boardings {:.0}",
            r.round,
            r.car_commuters,
            gap(r.road_demand_gap),
            r.road_relative_gap
                .map_or("-".to_owned(), |g| format!("{g:.1e}")),
            gap(r.transit_load_gap),
            gap(r.destination_gap),
            r.denied
        );
    }
    if e.converged {
        if !e.rounds.is_empty() {
            eprintln!(
                "supply-demand loop converged in {} rounds (every measure within {:.2}%)",
                e.rounds.len(),
                100.0 * e.tolerance
            );
        }
    } else {
        eprintln!(
            "WARNING: the supply-demand loop did NOT converge in {} rounds (tolerance {:.2}%): congestion and crowding are not in balance with demand; raise [equilibrium] max_rounds or draws",
            e.rounds.len(),
            100.0 * e.tolerance
        );
    }
}
