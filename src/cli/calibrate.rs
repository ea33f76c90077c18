//! `commute calibrate`: fits a scenario's free parameters to the published statistics of its
//! network's targets file and writes the fitted values as a scenario that extends it.

use anyhow::Context;
use commute::calibrate::{Calibration, calibrate};
use commute::io::output::{OutputDir, OutputKind};
use commute::io::read_targets_file;
use commute::run::{RunOptions, csv_bytes};
use commute::scenario::{self, Scenario, Targets, resolve_targets};
use commute::time::format_clock;
use std::fmt::Write;
use std::path::PathBuf;

/// Fit the scenario's free parameters to published statistics.
///
/// The statistics (`[[target]]`, those with `fit = true`) and the parameters with their
/// plausible ranges (`[[parameter]]`) come from the network's targets.toml, or --targets. Each
/// evaluation is a Monte-Carlo run with the same seed and draws; Nelder-Mead moves the
/// parameters within their ranges to bring the fitted statistics within their tolerances.
/// Writes calibration.csv (every statistic before and after, held-out ones marked),
/// evaluations.csv (every parameter set tried) and calibrated.toml, a scenario extending the
/// given one with the fitted values (`commute run OUT/calibrated.toml --draws N`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute calibrate scenarios/jjj-2024.toml --draws 10 --max-evaluations 40
  commute calibrate scenarios/demo-base.toml --targets my-targets.toml --out out/calib")]
pub struct Args {
    /// Scenario file (TOML), or a network folder (run as it is).
    scenario: PathBuf,
    /// Targets file [default: the network folder's targets.toml].
    #[arg(long)]
    targets: Option<PathBuf>,
    /// Monte-Carlo draws of each evaluation.
    #[arg(long, default_value_t = 10, value_parser = super::whole(1u32, 1000u32))]
    draws: u32,
    /// Seed of every evaluation (common random numbers).
    #[arg(long, default_value_t = super::run::DEFAULT_SEED, value_parser = super::seed)]
    seed: u64,
    /// Runs at most, the start included.
    #[arg(long, default_value_t = 40, value_parser = super::whole(1u32, 10_000u32))]
    max_evaluations: u32,
    /// Output folder [default: out/<scenario name>-calibrated].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: all cores]. Results are identical at any count.
    #[arg(long, value_parser = super::threads)]
    threads: Option<usize>,
    /// Replace the output folder if it is an earlier calibration.
    #[arg(long)]
    force: bool,
    /// No line per evaluation on the terminal.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let pool = super::thread_pool(args.threads)?;
    let scenario = scenario::load(&args.scenario)?;
    let targets = match &args.targets {
        Some(path) => resolve_targets(&read_targets_file(path)?, &scenario.network)?,
        None => scenario.targets.clone().with_context(|| {
            format!(
                "the network {} has no targets.toml; give one with --targets",
                scenario.network_dir.display()
            )
        })?,
    };
    anyhow::ensure!(
        !targets.parameters.is_empty(),
        "{} has no [[parameter]] to fit",
        targets.path.display()
    );
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(format!("{}-calibrated", scenario.name)));
    let mut inputs = vec![
        scenario.path.as_path(),
        scenario.network_dir.as_path(),
        targets.path.as_path(),
    ];
    inputs.extend(scenario.demand_file.as_deref());
    let dir = OutputDir::create(&out, OutputKind::Calibration, &inputs, args.force)?;
    let options = RunOptions {
        seed: args.seed,
        draws: args.draws,
    };
    let names: Vec<&str> = targets.parameters.iter().map(|p| p.name.as_str()).collect();
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let result = pool.install(|| {
        calibrate(&scenario, &targets, options, args.max_evaluations, |e| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if !args.quiet {
                let values: Vec<String> = names
                    .iter()
                    .zip(&e.values)
                    .map(|(n, v)| format!("{n} {v:.4}"))
                    .collect();
                eprintln!(
                    "evaluation {n:>3}: {}; objective {:.3}",
                    values.join(", "),
                    e.objective
                );
            }
        })
    });
    dir.write("calibration.csv", &calibration_csv(&result))?;
    dir.write("evaluations.csv", &evaluations_csv(&result, &names))?;
    dir.write(
        "calibrated.toml",
        calibrated_toml(&scenario, &targets, &result, options)?.as_bytes(),
    )?;
    let written = dir.commit().context("finishing the output folder")?;
    print_summary(&result, &names);
    eprintln!(
        "{}: {} evaluations of {} draws; wrote {}",
        scenario.name,
        result.evaluations.len(),
        args.draws,
        written.display()
    );
    Ok(())
}

/// Every statistic before and after, with its verdicts.
fn calibration_csv(c: &Calibration) -> Vec<u8> {
    let header = [
        "statistic",
        "published",
        "tolerance",
        "used_in_fit",
        "model_before",
        "model_after",
        "within_before",
        "within_after",
        "source",
    ];
    let cell = |x: Option<f64>| x.map_or(String::new(), |x| x.to_string());
    let rows = c.start.rows.iter().zip(&c.best.rows).map(|(a, b)| {
        vec![
            a.statistic.clone(),
            a.published.to_string(),
            a.tolerance.to_string(),
            a.used_in_fit.to_string(),
            cell(a.model),
            cell(b.model),
            a.within_tolerance.to_string(),
            b.within_tolerance.to_string(),
            a.source.clone(),
        ]
    });
    csv_bytes(&header, rows)
}

/// Every evaluation: its parameter values and objective.
fn evaluations_csv(c: &Calibration, names: &[&str]) -> Vec<u8> {
    let mut header = vec!["evaluation"];
    header.extend_from_slice(names);
    header.push("objective");
    let rows = c.evaluations.iter().enumerate().map(|(i, e)| {
        let mut row = vec![(i + 1).to_string()];
        row.extend(e.values.iter().map(|v| v.to_string()));
        row.push(e.objective.to_string());
        row
    });
    csv_bytes(&header, rows)
}

/// A scenario extending `scenario` with the fitted values. Its `[demand]` and `[choice]` are
/// complete (the nearest table of a chain is taken whole): the scenario's values with the fitted
/// ones in their place.
fn calibrated_toml(
    scenario: &Scenario,
    targets: &Targets,
    c: &Calibration,
    options: RunOptions,
) -> anyhow::Result<String> {
    let mut fitted = scenario.clone();
    for (p, &v) in c.parameters.iter().zip(&c.best.values) {
        p.name.set(&mut fitted, v);
    }
    let base = std::fs::canonicalize(&scenario.path)
        .with_context(|| format!("locating {}", scenario.path.display()))?;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# Written by commute calibrate: {} fitted to {} ({} evaluations of {} draws, seed {}).",
        scenario.name,
        targets.path.display(),
        c.evaluations.len(),
        options.draws,
        options.seed
    );
    let _ = writeln!(
        t,
        "# Objective (sum over fitted statistics of the squared error in tolerance units): {:.4} -> {:.4}.",
        c.start.objective, c.best.objective
    );
    for (p, (&from, &to)) in c
        .parameters
        .iter()
        .zip(c.start.values.iter().zip(&c.best.values))
    {
        let _ = writeln!(
            t,
            "# {}: {from} -> {to} (range {} to {}: {})",
            p.name.as_str(),
            p.min,
            p.max,
            p.source
        );
    }
    let _ = writeln!(t, "version = 1");
    let name = format!("{}-calibrated", scenario.name);
    let _ = writeln!(t, "name = {}", toml_string(&name));
    let _ = writeln!(t, "extends = {}", toml_string(&base.to_string_lossy()));
    let d = &fitted.demand;
    let _ = writeln!(t, "\n[demand]");
    let _ = writeln!(t, "commute_rate = {}", d.commute_rate);
    let _ = writeln!(t, "beta_per_min = {}", d.beta_per_min);
    let _ = writeln!(t, "intrazonal_min = {}", d.intrazonal_min);
    let _ = writeln!(t, "intrazonal_kmh = {}", d.intrazonal_kmh);
    let _ = writeln!(t, "border_min = {}", d.border_min);
    let _ = writeln!(t, "max_commute_min = {}", d.max_commute_min);
    if let Some(file) = &scenario.demand_file {
        let file =
            std::fs::canonicalize(file).with_context(|| format!("locating {}", file.display()))?;
        let _ = writeln!(t, "file = {}", toml_string(&file.to_string_lossy()));
    }
    if !fitted.departure_profile.is_empty() {
        let periods: Vec<String> = fitted
            .departure_profile
            .iter()
            .map(|&(start, end, weight)| {
                format!(
                    "{{ start = \"{}\", end = \"{}\", weight = {weight} }}",
                    format_clock(start),
                    format_clock(end)
                )
            })
            .collect();
        let _ = writeln!(t, "departure_profile = [{}]", periods.join(", "));
    }
    let ch = &fitted.choice;
    let _ = writeln!(t, "\n[choice]");
    if ch.modes.contains(&false) {
        let offered: Vec<String> = scenario::CHOICE_MODES
            .iter()
            .zip(ch.modes)
            .filter(|(_, offered)| *offered)
            .map(|(name, _)| format!("\"{name}\""))
            .collect();
        let _ = writeln!(t, "modes = [{}]", offered.join(", "));
    }
    for (key, value) in [
        ("scale_per_min", ch.scale_per_min),
        ("minutes_per_yuan", ch.minutes_per_yuan),
        ("car_constant_min", ch.car_constant_min),
        ("transit_constant_min", ch.transit_constant_min),
        ("car_cost_yuan_per_km", ch.car_cost_yuan_per_km),
        ("wait_walk_weight", ch.wait_walk_weight),
        ("transfer_penalty_min", ch.transfer_penalty_min),
        ("custom_bus_constant_min", ch.custom_bus_constant_min),
        ("walk_kmh", ch.walk_kmh),
        ("cycle_kmh", ch.cycle_kmh),
        ("max_walk_km", ch.max_walk_km),
        ("max_cycle_km", ch.max_cycle_km),
        ("walk_constant_min", ch.walk_constant_min),
        ("cycle_constant_min", ch.cycle_constant_min),
        ("taxi_constant_min", ch.taxi_constant_min),
        ("taxi_wait_min", ch.taxi_wait_min),
        ("taxi_flag_yuan", ch.taxi_flag_yuan),
        ("taxi_flag_km", ch.taxi_flag_km),
        ("taxi_yuan_per_km", ch.taxi_yuan_per_km),
        ("taxi_far_km", ch.taxi_far_km),
        ("taxi_far_yuan_per_km", ch.taxi_far_yuan_per_km),
    ] {
        let _ = writeln!(t, "{key} = {value}");
    }
    Ok(t)
}

/// A TOML basic string of `text`.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// The parameters before and after, and each statistic's verdict.
fn print_summary(c: &Calibration, names: &[&str]) {
    eprintln!(
        "objective (sum of squared errors in tolerance units, fitted statistics): {:.3} -> {:.3}",
        c.start.objective, c.best.objective
    );
    for (name, (from, to)) in names.iter().zip(c.start.values.iter().zip(&c.best.values)) {
        eprintln!("  {name}: {from:.4} -> {to:.4}");
    }
    let within = |rows: &[commute::run::ValidationRow], fit: bool| {
        rows.iter()
            .filter(|r| r.used_in_fit == fit && r.within_tolerance)
            .count()
    };
    let count = |fit: bool| c.start.rows.iter().filter(|r| r.used_in_fit == fit).count();
    eprintln!(
        "within tolerance: fitted {} -> {} of {}, held out {} -> {} of {} (calibration.csv)",
        within(&c.start.rows, true),
        within(&c.best.rows, true),
        count(true),
        within(&c.start.rows, false),
        within(&c.best.rows, false),
        count(false)
    );
    for (a, b) in c.start.rows.iter().zip(&c.best.rows) {
        let show = |x: Option<f64>| x.map_or("-".to_owned(), |x| format!("{x:.4}"));
        eprintln!(
            "  {:<44} published {:>12}  {:>12} -> {:>12}  {}",
            format!("{}{}", a.statistic, if a.used_in_fit { "" } else { " *" }),
            a.published,
            show(a.model),
            show(b.model),
            if b.within_tolerance { "ok" } else { "OUT" }
        );
    }
}
