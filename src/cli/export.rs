//! `commute export`: a scenario's network in someone else's format; one subcommand per format.

use anyhow::Context;
use commute::export::gtfs::{GtfsExportOptions, export};
use commute::io::output::write_gtfs_zip;
use commute::scenario;
use std::path::PathBuf;

/// Export a scenario's network (its modifications applied) in another tool's format.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute export gtfs scenarios/jjj-2024.toml --date 2024-05-06 --out jjj-2024.zip
  commute export gtfs scenarios/line22.toml --date 2024-05-06 --out line22.zip --force")]
pub struct Args {
    #[command(subcommand)]
    format: Format,
}

#[derive(Debug, clap::Subcommand)]
enum Format {
    Gtfs(GtfsArgs),
}

/// The scenario's transit as a GTFS feed (zip) running on one date: every departure a trip,
/// every headway period a frequencies.txt row, changes as transfers.txt minimum times, flat
/// fares. Prints what GTFS cannot carry (station processing, distance fares, zones, roads).
#[derive(Debug, clap::Args)]
struct GtfsArgs {
    /// Scenario file (TOML), or a network folder (as it is).
    scenario: PathBuf,
    /// The feed's service day, YYYY-MM-DD.
    #[arg(long)]
    date: String,
    /// The feed file to write (.zip).
    #[arg(long)]
    out: PathBuf,
    /// The agency's time zone (IANA name).
    #[arg(long, default_value = "Asia/Shanghai")]
    timezone: String,
    /// Replace the feed file if it is an earlier export.
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.format {
        Format::Gtfs(args) => {
            let date: jiff::civil::Date = args
                .date
                .parse()
                .with_context(|| format!("--date `{}`: expected a date YYYY-MM-DD", args.date))?;
            let scenario = scenario::load(&args.scenario)?;
            let options = GtfsExportOptions {
                date: date.strftime("%Y%m%d").to_string(),
                timezone: args.timezone.clone(),
            };
            let feed = export(&scenario.network, &options);
            let files: Vec<(&str, Vec<u8>)> =
                feed.files.iter().map(|(n, b)| (*n, b.clone())).collect();
            write_gtfs_zip(&args.out, &files, &[&args.scenario], args.force)?;
            eprintln!(
                "{} stops, {} trips -> {}",
                feed.stops,
                feed.trips,
                args.out.display()
            );
            for item in &feed.left_out {
                eprintln!("  not in the feed: {item}");
            }
            Ok(())
        }
    }
}
