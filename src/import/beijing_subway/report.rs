//! The report of an import, kept as the folder's README.md: what was derived, counted; what each
//! table holds; the map fit's residuals; and per line and direction how the run times were
//! summarised. How it is all derived is in docs/import.md.

use super::BuiltLine;
use super::COMMAND;
use super::coordinates::{Anchor, Fit};
use super::line_file::SubwayLine;
use super::seats;
use super::stations::Stations;
use super::transfers::Transfer;
use crate::import::Report;
use std::fmt::Write as _;

/// Everything the report tells about.
pub(super) struct Derived<'a> {
    pub stations: &'a Stations,
    pub lines: &'a [SubwayLine],
    pub built: &'a [BuiltLine],
    pub transfers: &'a [Transfer],
    pub anchors: &'a [Anchor<'a>],
    pub fit: &'a Fit,
    /// Per line and direction, how the run times were summarised.
    pub run_time_notes: &'a str,
}

const SOURCE: &str = "All figures are derived from \
[Beijing-Subway-Tools](https://github.com/Mick235711/Beijing-Subway-Tools) by Mick235711, \
**MIT licence**, which records the official Beijing Subway station lists, inter-station \
distances, full timetables, transfer walking times, carriage capacities and fare rules. The \
data files themselves are not copied here: these tables hold only facts derived from them \
(station names, distances, run times, headways, transfer times, fares) plus positions fitted on \
the data's map to stations whose position is published (below).";

const TABLES: &str = "\
| file | derived from | how |
|---|---|---|
| `nodes.csv` | station lists, `maps/real_distance.json5` | one `subway_station` per station name, shared by all its lines; `notes` is the data's Chinese name, `name_zh` the same except for stations named after a rail station (`(地铁站)` added); positions fitted (below), all `approximate=true` |
| `lines.csv` | line files, `carriage_types.json5`, `fare_rules.json5` | capacity = carriages x passengers per carriage (seated and standing); seats = carriages x seats per carriage (table below); `fare` from the fare rule groups; a line whose trains run a loop in one direction (`end_circle`) is one-way |
| `stops.csv` | line files (distances, timetables) | `distance_km` from the data; `run_min` = weekday 07:00-09:00 travel time from the previous stop, `dwell_min` 0 |
| `service.csv` | weekday timetables | headway = period length / trains leaving the first stop (forward direction) in the period |
| `transfers.csv` | `metadata.json5` | mean transfer minutes per station; virtual transfers as `from != to` rows |";

impl Derived<'_> {
    /// The report.
    pub fn report(&self) -> Report {
        let within = self.transfers.iter().filter(|t| t.from == t.to).count();
        let counts = vec![
            (self.stations.list.len(), "stations".to_owned()),
            (self.lines.len(), "lines".to_owned()),
            (
                self.built.iter().map(|b| b.stops.len()).sum(),
                "stops".to_owned(),
            ),
            (
                self.built.iter().map(|b| b.periods.len()).sum(),
                "service periods".to_owned(),
            ),
            (
                self.transfers.len(),
                format!(
                    "transfers ({within} within a station, {} between stations)",
                    self.transfers.len() - within
                ),
            ),
        ];
        Report {
            title: "Beijing subway (imported from Beijing-Subway-Tools)".to_owned(),
            command: format!("{COMMAND} --data DATA --out OUT --force"),
            source: SOURCE.to_owned(),
            counts,
            sections: vec![
                (
                    "What each table holds".to_owned(),
                    format!("{TABLES}\n\nHow, and what is approximate: docs/import.md."),
                ),
                (
                    "Seats".to_owned(),
                    format!(
                        "The data has no seat counts, so seats per train are two cab cars and \
                         the middle cars of this table (at most the train's capacity):\n\n{}",
                        seats::table()
                    ),
                ),
                ("Map fit".to_owned(), self.map_fit()),
                (
                    "Run times (weekday 07:00-09:00)".to_owned(),
                    format!(
                        "Per line and direction, how the segment medians were scaled to the \
                         whole-line time, and where trains were matched by time rather than by \
                         order:\n\n```\n{}```",
                        self.run_time_notes
                    ),
                ),
            ],
        }
    }

    /// The residuals of the map fit at each anchor.
    fn map_fit(&self) -> String {
        let mut out = format!(
            "Positions come from an affine fit of the data's map (box centres, pixels) to {} \
             stations with published WGS84 positions. Residuals at the anchors:\n\n\
             | anchor | km | position from |\n|---|---|---|\n",
            self.anchors.len()
        );
        for (anchor, r) in self.anchors.iter().zip(&self.fit.residuals_km) {
            let english = self
                .stations
                .get(anchor.station)
                .map_or("?", |s| s.name.as_str());
            let _ = writeln!(
                out,
                "| {english} ({}) | {r:.3} | {} |",
                anchor.station, anchor.source
            );
        }
        let _ = write!(
            out,
            "\nRMS {:.3} km, largest {:.3} km.",
            self.fit.rms_km, self.fit.max_km
        );
        out
    }
}
