//! `commute import`: turn outside data into a network folder (or part), written atomically; one
//! subcommand per importer of `commute::import`.

use anyhow::{Context, bail};
use commute::import::{self, beijing_subway, gtfs};
use commute::io::{read_gtfs, read_zone_points};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Import outside data as a network folder or part (the tables of docs/formats.md and a
/// README.md of what was derived).
///
/// With --gtfs: the trips of one or more GTFS feeds (zip or folder) that run on --date, as a
/// network folder `validate`, `run`, `route` and `compare` use like any other (docs/import.md).
/// The output is a function of the data alone: the same data gives the same bytes. An existing
/// output folder is replaced only with --force, and only when it is an earlier import.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(after_help = "Examples:
  commute import --gtfs ../shared/data/gtfs/gtfs_kit_cairns_gtfs.zip --date 2014-05-26 --out networks/cairns
  commute import --gtfs a.zip --gtfs b.zip --zones zones.csv --date 2024-05-06 --out networks/mine --force
  commute import beijing-subway --data ../shared/data/jjj/beijing-subway-tools --out networks/jjj/subway --force")]
pub struct Args {
    #[command(subcommand)]
    source: Option<Source>,
    /// A GTFS feed, a .zip or a folder; repeat for several (ids then prefixed by feed name).
    #[arg(long)]
    gtfs: Vec<PathBuf>,
    /// Zones as points: id,name,lon,lat,residents,jobs[,car_share,province,area_km2]
    /// (default: a grid of placeholder zones over the stops).
    #[arg(long)]
    zones: Option<PathBuf>,
    /// The service day to import, YYYY-MM-DD.
    #[arg(long)]
    date: Option<String>,
    /// The output network folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the output folder if it is an earlier import.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Source {
    BeijingSubway(BeijingSubwayArgs),
}

/// The Beijing subway from Beijing-Subway-Tools' data: stations, lines, stops with run times,
/// headways and transfers (what networks/jjj/subway is made from).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute import beijing-subway --data ../shared/data/jjj/beijing-subway-tools --out networks/jjj/subway --force")]
struct BeijingSubwayArgs {
    /// The Beijing-Subway-Tools data folder (line*.json5, metadata.json5, maps/ ...).
    #[arg(long)]
    data: PathBuf,
    /// The output folder.
    #[arg(long)]
    out: PathBuf,
    /// Replace the output folder if it is an earlier import.
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.source {
        None => run_gtfs(&args),
        Some(Source::BeijingSubway(args)) => {
            let dir = import::create_output(&args.out, &[&args.data], args.force)?;
            let imported = beijing_subway::import(&args.data, &beijing_subway::BEIJING)?;
            let written = imported.write(dir).context("finishing the output folder")?;
            eprintln!("{} -> {}", imported.report.summary(), written.display());
            Ok(())
        }
    }
}

/// `commute import --gtfs ...`: reads every feed, then writes the folder.
fn run_gtfs(args: &Args) -> anyhow::Result<()> {
    if args.gtfs.is_empty() {
        bail!("nothing to import: give --gtfs FEED (or a subcommand, e.g. beijing-subway)");
    }
    let Some(date) = &args.date else {
        bail!("--date YYYY-MM-DD is required: the service day whose trips are imported");
    };
    let date: jiff::civil::Date = date
        .parse()
        .with_context(|| format!("--date `{date}`: expected a date YYYY-MM-DD"))?;
    let Some(out) = &args.out else {
        bail!("--out DIR is required: the network folder to write");
    };
    let mut inputs: Vec<&Path> = args.gtfs.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.zones.as_deref());
    let dir = import::create_output(out, &inputs, args.force)?;
    let zones = args.zones.as_deref().map(read_zone_points).transpose()?;
    let mut feeds = Vec::new();
    for path in &args.gtfs {
        let start = Instant::now();
        let feed = read_gtfs(path)?;
        eprintln!(
            "read {}: {} stops, {} trips, {} stop times in {:.2} s",
            path.display(),
            feed.stops.len(),
            feed.trips.len(),
            feed.stop_times.len(),
            start.elapsed().as_secs_f64()
        );
        feeds.push(feed);
    }
    let name = out.file_name().map_or_else(
        || "imported".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut command = String::from("commute import");
    for _ in &args.gtfs {
        command.push_str(" --gtfs DATA");
    }
    if args.zones.is_some() {
        command.push_str(" --zones ZONES");
    }
    command.push_str(&format!(" --date {date} --out OUT"));
    let options = gtfs::GtfsOptions {
        name,
        date,
        zones: zones.as_ref(),
        command,
    };
    let imported = gtfs::import(&feeds, &options)?;
    let written = imported.write(dir).context("finishing the output folder")?;
    eprintln!("{} -> {}", imported.report.summary(), written.display());
    Ok(())
}
