//! `commute import`: turn outside data into a network folder (or part), written atomically; one
//! subcommand per importer of `commute::import`.

use anyhow::Context;
use commute::import::{self, beijing_subway};
use std::path::PathBuf;

/// Import outside data as a network folder or part (the tables of docs/formats.md and a
/// README.md of what was derived).
///
/// The output is a function of the data alone: the same data gives the same bytes. An existing
/// output folder is replaced only with --force, and only when it is an earlier import.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute import beijing-subway --data ../shared/data/jjj/beijing-subway-tools --out networks/jjj/subway --force")]
pub struct Args {
    #[command(subcommand)]
    source: Source,
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
        Source::BeijingSubway(args) => {
            let dir = import::create_output(&args.out, &[&args.data], args.force)?;
            let imported = beijing_subway::import(&args.data, &beijing_subway::BEIJING)?;
            let written = imported.write(dir).context("finishing the output folder")?;
            eprintln!("{} -> {}", imported.report.summary(), written.display());
            Ok(())
        }
    }
}
