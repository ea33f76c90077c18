//! `commute import`: turn outside data into a network folder (or part), written atomically; one
//! subcommand per importer of `commute::import`.

use anyhow::{Context, bail};
use commute::import::{self, beijing_subway, gtfs, osm};
use commute::io::{read_gtfs, read_osm, read_zone_points};
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
    /// An OpenStreetMap extract (.osm.pbf): its drivable roads.
    #[arg(long)]
    osm: Option<PathBuf>,
    /// Zones as points: id,name,lon,lat,residents,jobs[,car_share,province,area_km2]
    /// (default: a grid of placeholder zones over the stops).
    #[arg(long)]
    zones: Option<PathBuf>,
    /// Only what lies in this box, W,S,E,N in degrees (WGS84): stops and road nodes outside
    /// it are left out, trips and ways cut at its edge.
    #[arg(long, value_parser = bbox)]
    bbox: Option<(f64, f64, f64, f64)>,
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
    if args.gtfs.is_empty() && args.osm.is_none() {
        bail!(
            "nothing to import: give --gtfs FEED and/or --osm EXTRACT (or a subcommand, e.g. \
             beijing-subway)"
        );
    }
    let date: jiff::civil::Date = match &args.date {
        Some(date) => date
            .parse()
            .with_context(|| format!("--date `{date}`: expected a date YYYY-MM-DD"))?,
        None if args.gtfs.is_empty() => jiff::civil::Date::constant(2000, 1, 1),
        None => bail!("--date YYYY-MM-DD is required: the service day whose trips are imported"),
    };
    let Some(out) = &args.out else {
        bail!("--out DIR is required: the network folder to write");
    };
    let mut inputs: Vec<&Path> = args.gtfs.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.zones.as_deref());
    inputs.extend(args.osm.as_deref());
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
    let roads = match &args.osm {
        Some(path) => {
            let start = Instant::now();
            let mut extract = read_osm(path)?;
            if let Some((w, s, e, n)) = args.bbox {
                extract
                    .nodes
                    .retain(|_, &mut (lon, lat)| (w..=e).contains(&lon) && (s..=n).contains(&lat));
            }
            let layer = osm::roads(&extract);
            let secs = start.elapsed().as_secs_f64();
            eprintln!(
                "read {}: {} ways ({} drivable) in {secs:.2} s, {:.0} ways/s; {} road links between \
                 {} junctions ({} links outside the largest strongly connected part left out)",
                path.display(),
                extract.all_ways,
                layer.ways,
                extract.all_ways as f64 / secs.max(1e-9),
                layer.links.len(),
                layer.junctions.len(),
                layer.dropped_links
            );
            Some(layer)
        }
        None => None,
    };
    let name = out.file_name().map_or_else(
        || "imported".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut command = String::from("commute import");
    for _ in &args.gtfs {
        command.push_str(" --gtfs DATA");
    }
    if args.osm.is_some() {
        command.push_str(" --osm EXTRACT");
    }
    if args.zones.is_some() {
        command.push_str(" --zones ZONES");
    }
    if let Some((w, s, e, n)) = args.bbox {
        command.push_str(&format!(" --bbox {w},{s},{e},{n}"));
    }
    if !args.gtfs.is_empty() {
        command.push_str(&format!(" --date {date}"));
    }
    command.push_str(" --out OUT");
    let options = gtfs::GtfsOptions {
        name,
        date,
        zones: zones.as_ref(),
        bbox: args.bbox,
        roads: roads.as_ref().zip(args.osm.as_ref()).map(|(layer, path)| {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            (layer, name)
        }),
        command,
    };
    let imported = gtfs::import(&feeds, &options)?;
    let written = imported.write(dir).context("finishing the output folder")?;
    eprintln!("{} -> {}", imported.report.summary(), written.display());
    Ok(())
}

/// A `--bbox` value: `W,S,E,N` in degrees, west below east and south below north.
fn bbox(text: &str) -> Result<(f64, f64, f64, f64), String> {
    let v: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("expected W,S,E,N in degrees, got `{text}`"))?;
    match v[..] {
        [w, s, e, n]
            if (-180.0..=180.0).contains(&w)
                && (-180.0..=180.0).contains(&e)
                && (-90.0..=90.0).contains(&s)
                && (-90.0..=90.0).contains(&n)
                && w < e
                && s < n =>
        {
            Ok((w, s, e, n))
        }
        _ => Err(format!(
            "expected W,S,E,N in degrees with W < E and S < N, got `{text}`"
        )),
    }
}
