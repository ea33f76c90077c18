//! `commute assign`: user-equilibrium traffic assignment of a TNTP network and trip table.

use anyhow::Context as _;
use commute::assign::{self, Algorithm, Settings};
use commute::io::{load_tntp_flows, load_tntp_network, load_tntp_trips, output};
use std::path::PathBuf;
use std::time::Instant;

/// Static user-equilibrium traffic assignment (BPR links) of a TNTP network.
///
/// Prints, per iteration, the relative gap `(sum v c - sum d k) / sum v c`, the Beckmann
/// objective and the total system travel time; then the final state. Generalised cost = time +
/// toll factor x toll + distance factor x length (TNTP's convention). Zones below the file's
/// first through node are not passed through.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute assign ../shared/data/tntp/SiouxFalls_net.tntp ../shared/data/tntp/SiouxFalls_trips.tntp --gap 1e-10
  commute assign ChicagoSketch_net.tntp ChicagoSketch_trips.tntp --toll-factor 0.02 --distance-factor 0.04 \\
      --out flows.csv --check ChicagoSketch_flow.tntp --json")]
pub struct Args {
    /// Network file (`*_net.tntp`).
    net: PathBuf,
    /// Trip table (`*_trips.tntp`).
    trips: PathBuf,
    /// Stop at this relative gap.
    #[arg(long, default_value_t = 1e-6, value_parser = super::number(0.0, 1.0))]
    gap: f64,
    /// Stop after this many iterations at most.
    #[arg(long = "max-iter", default_value_t = 1000, value_parser = super::whole(1, MAX_ITERATIONS))]
    max_iter: usize,
    /// `paths` (path-based gradient projection, for tight gaps), `bfw` (bi-conjugate
    /// Frank-Wolfe), `cfw` (conjugate) or `fw` (Frank-Wolfe).
    #[arg(long, default_value = "paths", value_parser = parse_algorithm)]
    algorithm: Algorithm,
    /// Generalised cost per unit of toll (TNTP ChicagoSketch: 0.02 minutes per cent).
    #[arg(long = "toll-factor", default_value_t = 0.0, value_parser = super::number(0.0, 1e6))]
    toll_factor: f64,
    /// Generalised cost per unit of length (ChicagoSketch: 0.04 minutes per mile).
    #[arg(long = "distance-factor", default_value_t = 0.0, value_parser = super::number(0.0, 1e6))]
    distance_factor: f64,
    /// Write link flows and times to this CSV (`from,to,volume,time,cost,volume_capacity`).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the --out file if it is an earlier `commute assign` output.
    #[arg(long, requires = "out")]
    force: bool,
    /// Compare the final flows with a TNTP flow file (`*_flow.tntp`, e.g. best-known flows).
    #[arg(long)]
    check: Option<PathBuf>,
    /// Print the final state as JSON on stdout (iterations go to stderr).
    #[arg(long)]
    json: bool,
}

/// The most iterations `--max-iter` allows.
const MAX_ITERATIONS: usize = 1_000_000;

fn parse_algorithm(text: &str) -> Result<Algorithm, String> {
    Algorithm::ALL
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, a)| *a)
        .ok_or_else(|| format!("unknown algorithm `{text}`; expected paths, bfw, cfw or fw"))
}

#[derive(serde::Serialize)]
struct Report {
    algorithm: &'static str,
    iterations: usize,
    converged: bool,
    relative_gap: f64,
    average_excess_cost: f64,
    beckmann_objective: f64,
    tstt: f64,
    seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<Check>,
}

#[derive(serde::Serialize)]
struct Check {
    reference: String,
    reference_objective: f64,
    objective_rel_diff: f64,
    #[serde(flatten)]
    flows: assign::FlowCheck,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut inputs = vec![args.net.as_path(), args.trips.as_path()];
    inputs.extend(args.check.as_deref());
    if let Some(path) = &args.out {
        // Before the work: the output may not replace an input or anything but an earlier one.
        output::check_file_target(
            path,
            assign::FLOWS_CSV_HEADER.as_bytes(),
            &inputs,
            args.force,
        )?;
    }
    let net = load_tntp_network(&args.net)?;
    let demand = load_tntp_trips(&args.trips, &net)?;
    let reference = args
        .check
        .as_deref()
        .map(|p| load_tntp_flows(p, &net))
        .transpose()?;
    let settings = Settings {
        algorithm: args.algorithm,
        relative_gap: args.gap,
        max_iterations: args.max_iter,
        toll_factor: args.toll_factor,
        distance_factor: args.distance_factor,
    };
    let header = "iteration  relative_gap  beckmann_objective  tstt";
    if args.json {
        eprintln!("{header}");
    } else {
        outln!("{header}");
    }
    let mut lines = Vec::new();
    let start = Instant::now();
    let result = assign::assign(&net, &demand, &[], &settings, &mut |it| {
        let line = format!(
            "{:>9}  {:>12.3e}  {:>18.6}  {:.6}",
            it.iteration, it.relative_gap, it.beckmann_objective, it.tstt
        );
        if args.json {
            eprintln!("{line}");
        } else {
            lines.push(line);
        }
    });
    let seconds = start.elapsed().as_secs_f64();
    for line in lines {
        outln!("{line}");
    }
    if let Some(path) = &args.out {
        let flows = assign::links_csv(&net, &result, &settings, 1);
        output::write_file(path, &flows, &inputs, args.force)?;
    }
    let last = result.last();
    let check = reference.map(|reference| {
        let reference_objective = assign::objective(&net, &reference, &[], &settings);
        Check {
            reference: args.check.as_ref().expect("given").display().to_string(),
            reference_objective,
            objective_rel_diff: (last.beckmann_objective - reference_objective)
                / reference_objective.abs().max(f64::MIN_POSITIVE),
            flows: assign::check_flows(&net, &result.flows, &reference),
        }
    });
    let report = Report {
        algorithm: args.algorithm.name(),
        iterations: last.iteration,
        converged: result.converged,
        relative_gap: last.relative_gap,
        average_excess_cost: last.average_excess_cost,
        beckmann_objective: last.beckmann_objective,
        tstt: last.tstt,
        seconds,
        check,
    };
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the report")?
        );
        return Ok(());
    }
    outln!(
        "{} after {} iterations ({seconds:.3} s, {}): relative gap {:.3e}, Beckmann objective {:.6}, TSTT {:.6}",
        if report.converged {
            "converged"
        } else {
            "NOT converged"
        },
        report.iterations,
        report.algorithm,
        report.relative_gap,
        report.beckmann_objective,
        report.tstt
    );
    if let Some(c) = &report.check {
        let worst = &net.links()[c.flows.worst_link];
        outln!(
            "against {}: objective {:.6} ({:+.2e} relative); largest flow difference {:.4} on link {} -> {}, {:.2e} relative at most; {} links off by more than 0.5% and 1 vehicle; {} flat links (cost independent of volume) off, where equilibrium flows are not unique",
            c.reference,
            c.reference_objective,
            c.objective_rel_diff,
            c.flows.max_abs_diff,
            worst.from + 1,
            worst.to + 1,
            c.flows.max_rel_diff,
            c.flows.links_off,
            c.flows.flat_links_off
        );
    }
    if let Some(path) = &args.out {
        outln!("link flows written to {}", path.display());
    }
    Ok(())
}
