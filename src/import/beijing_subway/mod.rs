//! The Beijing subway from the open data of Beijing-Subway-Tools
//! (github.com/Mick235711/Beijing-Subway-Tools, MIT licence, by Mick235711): station lists,
//! distances, full timetables, transfer times, carriage capacities and fare rules in JSON5
//! files, one per line plus `metadata.json5`, `carriage_types.json5`, `fare_rules.json5` and the
//! map `maps/real_distance.json5`. This is how `networks/jjj/subway` is made
//! (`commute import beijing-subway`).
//!
//! What is derived, and how, one file per concept:
//! - `stations.rs`: one `subway_station` node per station name, its id and names;
//! - `coordinates.rs`: positions fitted on the data's map to-scale ([`BEIJING_ANCHORS`]);
//! - `line_file.rs` and `timetable.rs`: a line file, and its departures on an ordinary Wednesday;
//! - `run_times.rs`: run times between stops, matched train by train from departure times;
//! - `service.rs`: weekday headways per period;
//! - `transfers.rs`: change times within stations and walks between them;
//! - `fares.rs`: each line's fare ([`BEIJING_FARE_SYSTEMS`]);
//! - `seats.rs`: seats per train, from sourced or estimated seats a car by carriage type (the
//!   data has no seat counts);
//! - `tables.rs` and `report.rs`: the tables of docs/formats.md and the README.
//!
//! The data knows nothing of our ids or of the world's coordinates: that outside knowledge is a
//! [`Catalogue`] ([`BEIJING`] for the real data; a test brings its own for a small fixture).
//! Lines: ids from [`BEIJING_LINES`], English names from each line's aliases, capacity =
//! carriages x carriage capacity, seats = carriages x seats a car (`seats.rs`). Loop lines repeat their first station at the end. The Capital
//! Airport Express, whose outbound trains run Beixinqiao - Sanyuanqiao - T3 - T2 - Sanyuanqiao -
//! Beixinqiao (`end_circle` in the data), is a one-way line over that loop.
//! docs/import.md describes the result for a planner, and what it leaves out.

mod coordinates;
mod fares;
mod json;
mod line_file;
mod report;
mod run_times;
mod seats;
mod service;
mod stations;
mod tables;
mod timetable;
mod transfers;

pub use coordinates::{Anchor, BEIJING_ANCHORS};
pub use fares::BEIJING_FARE_SYSTEMS;

use crate::error::{Error, Problem, Result};
use crate::import::{Imported, ImportedFile, generated_by};
use line_file::SubwayLine;
use run_times::Stop;
use service::Period;
use stations::Stations;
use std::path::Path;

/// The command that runs this importer (named in the tables' generated-by line).
pub const COMMAND: &str = "commute import beijing-subway";

/// The source, as the generated-by line names it.
const SOURCE: &str = "Beijing-Subway-Tools (Mick235711, MIT licence)";

/// A line file of the data and our id for its line.
#[derive(Debug, Clone, Copy)]
pub struct LineFile<'a> {
    /// The file name in the data folder (`line1.json5`).
    pub file: &'a str,
    /// Our line id (`L1`).
    pub id: &'a str,
}

/// What the importer needs besides the data: which line files to read (in output order, with
/// our ids), stations with published positions to fit the map, and the fare systems of the
/// data's distance-based fare rule groups.
#[derive(Debug, Clone, Copy)]
pub struct Catalogue<'a> {
    /// The line files, in the order of the output.
    pub lines: &'a [LineFile<'a>],
    /// At least three stations, not in a line, with published positions.
    pub anchors: &'a [Anchor<'a>],
    /// (fare rule group name, our fare system id) for the distance-based groups.
    pub fare_systems: &'a [(&'a str, &'a str)],
}

const fn line(file: &'static str, id: &'static str) -> LineFile<'static> {
    LineFile { file, id }
}

/// The 28 lines of the Beijing data, in output order, with our line ids.
pub const BEIJING_LINES: [LineFile<'static>; 28] = [
    line("line1.json5", "L1"),
    line("line2.json5", "L2"),
    line("line3.json5", "L3"),
    line("line4.json5", "L4"),
    line("line5.json5", "L5"),
    line("line6.json5", "L6"),
    line("line7.json5", "L7"),
    line("line8.json5", "L8"),
    line("line9.json5", "L9"),
    line("line10.json5", "L10"),
    line("line11.json5", "L11"),
    line("line12.json5", "L12"),
    line("line13.json5", "L13"),
    line("line14.json5", "L14"),
    line("line15.json5", "L15"),
    line("line16.json5", "L16"),
    line("line17.json5", "L17"),
    line("line18.json5", "L18"),
    line("line19.json5", "L19"),
    line("line-s1.json5", "S1"),
    line("changping-line.json5", "CP"),
    line("fangshan-line.json5", "FS"),
    line("yizhuang-line.json5", "YZ"),
    line("yanfang-line.json5", "YF"),
    line("xijiao-line.json5", "XJ"),
    line("yizhuang-t1-line.json5", "T1"),
    line("capital-airport-express.json5", "CAE"),
    line("daxing-airport-express.json5", "DAE"),
];

/// The catalogue of the Beijing data, which `commute import beijing-subway` uses.
pub const BEIJING: Catalogue<'static> = Catalogue {
    lines: &BEIJING_LINES,
    anchors: &BEIJING_ANCHORS,
    fare_systems: &BEIJING_FARE_SYSTEMS,
};

/// A line with its stops, run times and service periods.
struct BuiltLine {
    id: String,
    stops: Vec<Stop>,
    periods: Vec<Period>,
}

/// Imports the data folder `data` (`line*.json5`, `metadata.json5`, `carriage_types.json5`,
/// `fare_rules.json5`, `maps/real_distance.json5`) into the tables of a network part: `nodes.csv`,
/// `lines.csv`, `stops.csv`, `service.csv`, `transfers.csv`, and the report. Problems name the
/// data file, and its line for a JSON5 syntax error or the field otherwise; the line files' and
/// the lines' problems are collected, all of them.
pub fn import(data: &Path, catalogue: &Catalogue) -> Result<Imported> {
    let one = |problem: Problem| Error::Invalid(vec![problem]);
    let carriages = json::read(&data.join("carriage_types.json5"))?;
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for file in catalogue.lines {
        let document = json::read(&data.join(file.file))?;
        match SubwayLine::parse(file.id, document, &carriages) {
            Ok(line) => lines.push(line),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let stations = Stations::collect(&lines).map_err(one)?;
    let map = json::read(&data.join("maps/real_distance.json5"))?;
    let fit = coordinates::fit_map(&map, &stations, catalogue.anchors).map_err(one)?;
    let metadata = json::read(&data.join("metadata.json5"))?;
    let fare_rules = json::read(&data.join("fare_rules.json5"))?;
    let fares = fares::Fares::read(&fare_rules, catalogue.fare_systems).map_err(one)?;

    let mut run_time_notes = String::new();
    let mut built = Vec::new();
    for line in &lines {
        match build_line(line, &mut run_time_notes) {
            Ok(b) => built.push(b),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let transfers = transfers::transfers(&metadata, &stations).map_err(one)?;

    let generated = generated_by(COMMAND, SOURCE);
    let files = vec![
        file(
            "nodes.csv",
            tables::nodes(&stations, &map, &fit, &generated).map_err(one)?,
        ),
        file("lines.csv", tables::lines(&lines, &fares, &generated)),
        file("stops.csv", tables::stops(&built, &stations, &generated)),
        file("service.csv", tables::service(&built, &generated)),
        file(
            "transfers.csv",
            tables::transfers(&transfers, &stations, &generated),
        ),
    ];
    let report = report::Derived {
        stations: &stations,
        lines: &lines,
        built: &built,
        transfers: &transfers,
        anchors: catalogue.anchors,
        fit: &fit,
        run_time_notes: &run_time_notes,
    }
    .report();
    Ok(Imported { files, report })
}

fn file(name: &str, bytes: Vec<u8>) -> ImportedFile {
    ImportedFile {
        name: name.to_owned(),
        bytes,
    }
}

/// A line's run times and service periods, noting in `report` how the run times were found.
fn build_line(line: &SubwayLine, report: &mut String) -> json::Found<BuiltLine> {
    let run_times = run_times::run_times(line, report)?;
    let periods = service::periods(line, run_times.first_stop)?;
    Ok(BuiltLine {
        id: line.id.clone(),
        stops: run_times.stops,
        periods,
    })
}
