//! `commute compare`: two scenarios (run here with the same seed and draws) or two run folders,
//! compared with paired statistics; writes the comparison files and report atomically.

use anyhow::Context;
use commute::compare::{self, CompareOptions, Comparison, Refusal, RegionChange, RunData};
use commute::io::output::{OutputDir, OutputKind};
use commute::report;
use commute::run::{
    self, CannotHold, HeldDemand, Horizon, RunDemand, RunOptions, RunOutput, Share, WarmStart,
};
use commute::scenario::{self, Scenario};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Compare a before and an after scenario (or two `commute run --draws` folders).
///
/// Scenario files are both run with the same seed and draws, so the draws are shared wherever
/// the scenarios do not differ (common random numbers) and every change comes with a paired 95%
/// confidence interval. Writes compare.csv (per zone pair and mode), zones.csv, lines.csv,
/// links.csv (road link volumes, when both runs have them), compare.json (region, policy
/// metrics, top changes), report.html, zones.geojson and network.geojson, and prints the
/// headline changes.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute compare scenarios/jjj-2024.toml scenarios/line22.toml
  commute compare scenarios/jjj-2024.toml scenarios/g109-newline.toml --draws 100 --out out/g109
  commute compare out/before out/after --allow-unpaired")]
pub struct Args {
    /// Before: a scenario file, a network folder (run as it is) or a `commute run --draws N`
    /// output folder.
    before: PathBuf,
    /// After: a scenario file, a network folder or a run folder.
    after: PathBuf,
    /// Output folder [default: out/<before>-vs-<after>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Draws for scenario files [default: 50, or a folder's when comparing with one].
    #[arg(long, value_parser = super::whole(2, MAX_DRAWS))]
    draws: Option<u32>,
    /// Seed for scenario files [default: 20240501, or a folder's].
    #[arg(long, value_parser = super::seed)]
    seed: Option<u64>,
    /// Compare runs whose seed, draws or demand differ (unpaired, wider intervals).
    #[arg(long)]
    allow_unpaired: bool,
    /// Demand of the after scenario: `fixed` holds the before scenario's commuters per zone pair
    /// (the short run: modes, departure times and routes respond), `variable` lets the after
    /// scenario choose destinations on its own network (the long run). Run folders keep the
    /// demand they were run with [default: the after scenario file's `horizon`, else fixed].
    #[arg(long, value_enum)]
    horizon: Option<super::HorizonArg>,
    /// Worker threads [default: all cores]. Results are identical at any count.
    #[arg(long, value_parser = super::threads)]
    threads: Option<usize>,
    /// Replace the output folder if it exists.
    #[arg(long)]
    force: bool,
    /// No progress display.
    #[arg(long)]
    quiet: bool,
}

/// Default draws when both sides are scenario files.
const DEFAULT_DRAWS: u32 = 50;

/// The most draws a comparison runs per scenario.
const MAX_DRAWS: u32 = 10_000;

/// One side of a comparison before it is simulated: a run folder read back, or a scenario.
enum Side {
    Folder(Box<RunOutput>),
    Scenario(Box<Scenario>),
}

impl Side {
    fn load(path: &Path) -> anyhow::Result<Side> {
        // A folder is a run's output, unless it is a network folder (run as it is).
        Ok(if path.is_dir() && !path.join("network.toml").is_file() {
            Side::Folder(Box::new(run::folder::read(path)?))
        } else {
            Side::Scenario(Box::new(scenario::load(path)?))
        })
    }

    fn name(&self) -> String {
        match self {
            Side::Folder(run) => run.summary.scenario.name.clone(),
            Side::Scenario(scenario) => scenario.name.clone(),
        }
    }

    /// The files and folders this side reads, which the output must not overwrite.
    fn inputs<'a>(&'a self, path: &'a Path) -> Vec<&'a Path> {
        let mut inputs = vec![path];
        if let Side::Scenario(scenario) = self {
            inputs.push(&scenario.network_dir);
            inputs.extend(scenario.demand_file.as_deref());
        }
        inputs
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let pool = super::thread_pool(args.threads)?;
    let before = Side::load(&args.before)?;
    let after = Side::load(&args.after)?;
    // Folders first: their seed and draws are the defaults for a scenario on the other side.
    let from_folder = [&before, &after].into_iter().find_map(|side| match side {
        Side::Folder(run) => run.summary.monte_carlo.as_ref(),
        Side::Scenario(_) => None,
    });
    let seed = args
        .seed
        .unwrap_or_else(|| from_folder.map_or(super::run::DEFAULT_SEED, |mc| mc.seed));
    let draws = args
        .draws
        .unwrap_or_else(|| from_folder.map_or(DEFAULT_DRAWS, |mc| mc.draws));
    // One draw has no spread: an interval needs at least two.
    anyhow::ensure!(
        (2..=MAX_DRAWS).contains(&draws),
        "--draws must be between 2 and {MAX_DRAWS}, got {draws}"
    );
    // The output is checked before any simulation: it may not replace an input.
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("out").join(format!("{}-vs-{}", before.name(), after.name()))
    });
    let mut inputs = before.inputs(&args.before);
    inputs.extend(after.inputs(&args.after));
    let dir = OutputDir::create(&out, OutputKind::Comparison, &inputs, args.force)?;
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    // Fixed demand: the before scenario's commuters, held in the after scenario.
    let fixed = match (&before, &after) {
        (Side::Scenario(base), Side::Scenario(scenario)) => {
            let horizon = args
                .horizon
                .map(Horizon::from)
                .or(scenario.horizon)
                .unwrap_or(Horizon::FixedDemand);
            if horizon == Horizon::FixedDemand {
                // Refused before anything is simulated.
                run::check_hold(base, scenario).map_err(|CannotHold(why)| {
                    anyhow::anyhow!("fixed demand: {why} (pass --horizon variable)")
                })?;
            }
            horizon == Horizon::FixedDemand
        }
        _ => false,
    };
    let options = RunOptions { seed, draws };
    let simulate = |scenario: &Scenario,
                    label: &str,
                    demand: RunDemand,
                    resume: Option<&WarmStart>|
     -> RunOutput {
        pool.install(|| {
            run::run_with(scenario, options, demand, resume, |draw| {
                if show_progress {
                    eprint!("\r{label} {}: draw {draw}/{draws}", scenario.name);
                    if draw == draws {
                        eprintln!();
                    }
                }
            })
        })
    };
    // Fixed demand: both scenarios hold the commuters the before scenario's own run places
    // (its destinations after its supply-demand loop), so that a scenario compared with itself
    // changes nothing.
    let held = match (&before, fixed) {
        (Side::Scenario(base), true) => {
            let flows = pool.install(|| run::own_demand(base, options));
            Some(HeldDemand::of(base, &flows))
        }
        _ => None,
    };
    let demand = |scenario: &Scenario| -> anyhow::Result<RunDemand> {
        match &held {
            Some(held) => super::hold(held.clone(), scenario, "pass --horizon variable"),
            None => Ok(RunDemand::Own),
        }
    };
    let (mut before_run, before_scenario) = match before {
        Side::Folder(run) => (*run, None),
        Side::Scenario(scenario) => {
            let run = simulate(&scenario, "before", demand(&scenario)?, None);
            (run, Some(scenario))
        }
    };
    // The after scenario's supply-demand loop resumes from where the before's stood, so that
    // the difference is the change's, not where two loops happened to stop; then the before's
    // resumes too, taking the after's steps, so that what those steps do to the whole region
    // cancels (`WarmStart::in_step`).
    let after_run = match after {
        Side::Folder(run) => *run,
        Side::Scenario(scenario) => simulate(
            &scenario,
            "after",
            demand(&scenario)?,
            before_run.warm_start.as_ref(),
        ),
    };
    if let (Some(scenario), Some(start), Some(loop_info)) = (
        &before_scenario,
        before_run.warm_start.as_ref(),
        after_run.summary.equilibrium.as_ref(),
    ) && loop_info.resumed
    {
        let in_step = start.in_step(loop_info.steps());
        before_run = simulate(scenario, "before", demand(scenario)?, Some(&in_step));
    }
    let before = RunData::new(&args.before, &before_run)?;
    let after = RunData::new(&args.after, &after_run)?;
    let options = CompareOptions {
        allow_unpaired: args.allow_unpaired,
    };
    let comparison = match compare::compare_runs(&before, &after, options) {
        Ok(comparison) => comparison,
        Err(Refusal::Unpaired(reason)) => anyhow::bail!(
            "the runs are not paired ({reason}): run both with the same --seed and --draws and the \
             same demand, or pass --allow-unpaired for unpaired statistics"
        ),
        Err(refusal) => return Err(refusal.into()),
    };
    dir.write("compare.csv", &compare::compare_csv(&comparison))?;
    dir.write("zones.csv", &compare::zones_csv(&comparison))?;
    dir.write("lines.csv", &compare::lines_csv(&comparison))?;
    if let Some(links) = &comparison.links {
        dir.write("links.csv", &compare::links_csv(links))?;
    }
    dir.write(
        "zones.geojson",
        &compare::zones_geojson(&comparison, &before, &after),
    )?;
    dir.write(
        "network.geojson",
        &compare::network_geojson(&comparison, &before, &after),
    )?;
    dir.write(
        "report.html",
        report::compare_html(&comparison, &before, &after).as_bytes(),
    )?;
    // compare.json last: a folder with it is a finished comparison (`--force` may replace it).
    dir.write("compare.json", &compare::compare_json(&comparison))?;
    let written = dir.commit().context("finishing the output folder")?;
    summary_table(&comparison)?;
    eprintln!("wrote {}", written.display());
    Ok(())
}

/// The headline changes on the terminal.
fn summary_table(c: &Comparison) -> anyhow::Result<()> {
    if c.paired {
        outln!(
            "{} -> {} ({} draws, seed {}, paired)",
            c.before.scenario,
            c.after.scenario,
            c.after.draws,
            c.after.seed
        );
    } else {
        outln!(
            "{} -> {} (UNPAIRED: {} draws seed {} vs {} draws seed {})",
            c.before.scenario,
            c.after.scenario,
            c.before.draws,
            c.before.seed,
            c.after.draws,
            c.after.seed
        );
    }
    outln!(
        "demand: {} -> {}",
        c.before.demand_words(),
        c.after.demand_words()
    );
    if let Some(words) = c.loop_words() {
        outln!("supply-demand loop: {words}");
    }
    if let (Some(h), Some(y)) = (
        c.region.consumer_surplus_hours,
        c.region.consumer_surplus_yuan,
    ) {
        outln!(
            "benefit (consumer surplus, logsum): {:.0} generalised hours per morning [{:.0}, {:.0}], {:.0} yuan [{:.0}, {:.0}]",
            h.mean,
            h.ci_low,
            h.ci_high,
            y.mean,
            y.ci_low,
            y.ci_high
        );
        if let Some(note) = c.capacity_note() {
            outln!("  {note}");
        }
    }
    outln!(
        "{:<44} {:>12} {:>12} {:>26}",
        "",
        "before",
        "after",
        "change [95% CI]"
    );
    region_rows(&c.region)?;
    other_rows(c)
}

/// The table rows of the region-wide changes: travel times, shares, time saved and its worth.
fn region_rows(r: &RegionChange) -> anyhow::Result<()> {
    if let Some(d) = r.time_change {
        outln!(
            "{:<44} {:>12.2} {:>12.2} {:>26}",
            "travel time of the same trips, min",
            d.before,
            d.after,
            format!("{:+.2} [{:+.2}, {:+.2}]", d.delta, d.ci_low, d.ci_high)
        );
    }
    if let Some(d) = r.mean_commute {
        outln!(
            "{:<44} {:>12.2} {:>12.2} {:>26}",
            "mean commute (other jobs chosen), min",
            d.before,
            d.after,
            format!("{:+.2} [{:+.2}, {:+.2}]", d.delta, d.ci_low, d.ci_high)
        );
    }
    for (what, q) in [
        ("median commute, min", r.p50_min),
        ("95th percentile commute, min", r.p95_min),
    ] {
        if let [Some(b), Some(a)] = q {
            outln!(
                "{:<44} {:>12.0} {:>12.0} {:>26}",
                what,
                b,
                a,
                format!("{:+.0}", a - b)
            );
        }
    }
    if let Some(d) = r.commuter_hours {
        outln!(
            "{:<44} {:>12.0} {:>12.0} {:>26}",
            "commuter-hours per morning",
            d.before,
            d.after,
            format!("{:+.0} [{:+.0}, {:+.0}]", d.delta, d.ci_low, d.ci_high)
        );
    }
    for (i, share) in Share::ALL.iter().enumerate() {
        outln!(
            "{:<44} {:>11.2}% {:>11.2}% {:>25.2}pp",
            format!("{} share", share.as_str().replace('_', " ")),
            r.shares[0][i] * 100.0,
            r.shares[1][i] * 100.0,
            (r.shares[1][i] - r.shares[0][i]) * 100.0
        );
    }
    outln!(
        "{:<44} {:>11.2}% {:>11.2}% {:>25.2}pp",
        "share within 60 min",
        r.share_within_60[0] * 100.0,
        r.share_within_60[1] * 100.0,
        (r.share_within_60[1] - r.share_within_60[0]) * 100.0
    );
    if let Some(e) = r.hours_saved {
        outln!(
            "{:<44} {:>12} {:>12} {:>26}",
            "time saved, commuter-hours (1/2 rule, check)",
            "",
            "",
            format!("{:.0} [{:.0}, {:.0}]", e.mean, e.ci_low, e.ci_high)
        );
    }
    outln!(
        "time saved worth {:.0} yuan per morning at {:.0} yuan/h; commuters >5 min faster: {:.0}, slower: {:.0}",
        r.value_of_time_saved_yuan,
        r.value_of_time_yuan_per_h,
        r.winners,
        r.losers
    );
    Ok(())
}

/// The table rows after the region's: policy metrics, road traffic, and the zone pairs that
/// improved most.
fn other_rows(c: &Comparison) -> anyhow::Result<()> {
    for (what, d) in [
        ("accessibility, jobs-equivalent", c.region.access_jobs),
        ("accessibility by public transport", c.region.access_jobs_pt),
    ] {
        if let Some(d) = d {
            outln!(
                "{:<44} {:>12.0} {:>12.0} {:>26}",
                what,
                d.before,
                d.after,
                format!("{:+.0} [{:+.0}, {:+.0}]", d.delta, d.ci_low, d.ci_high)
            );
        }
    }
    outln!("threshold counts (95% bootstrap range of each run in brackets):");
    for p in &c.policy {
        if let (Some(b), Some(a)) = (p.before, p.after) {
            outln!(
                "{:<44} {:>12} {:>12} {:>26}",
                p.metric,
                fmt(b),
                fmt(a),
                fmt_signed(a - b)
            );
            if let (Some(rb), Some(ra)) = (p.before_range, p.after_range) {
                outln!(
                    "  95% range: before [{}, {}], after [{}, {}]",
                    fmt(rb.low),
                    fmt(rb.high),
                    fmt(ra.low),
                    fmt(ra.high)
                );
            }
        }
    }
    if let Some(l) = &c.links {
        // One assignment of the mean car flows per run: no interval.
        for (what, x, d) in [
            (
                "commuter vehicle-km, peak hour",
                l.vehicle_km,
                l.delta_vehicle_km,
            ),
            (
                "commuter vehicle-hours, peak hour",
                l.vehicle_hours,
                l.delta_vehicle_hours,
            ),
        ] {
            outln!(
                "{:<44} {:>12.0} {:>12.0} {:>26}",
                what,
                x[0],
                x[1],
                format!("{d:+.0} (no CI)")
            );
        }
    }
    if !c.top_improvements.is_empty() {
        outln!("largest improvements (zone pairs with >= 100 commuters, chosen mode):");
        for o in c.top_improvements.iter().take(5) {
            if let Some(d) = o.mean {
                outln!(
                    "  {} -> {}: {:.1} -> {:.1} min, {:+.2} [{:+.2}, {:+.2}]",
                    o.origin,
                    o.destination,
                    d.before,
                    d.after,
                    d.delta,
                    d.ci_low,
                    d.ci_high
                );
            }
        }
    }
    Ok(())
}

/// Counts as whole numbers, shares with four decimals.
fn fmt(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

fn fmt_signed(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:+.0}")
    } else {
        format!("{x:+.4}")
    }
}
