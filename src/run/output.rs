//! A run's outputs as one typed value, [`RunOutput`], and the files it becomes. The same value
//! comes from a run made in memory and from a run folder read back (`run::folder`), so the
//! writer, the reader, comparisons and reports share one schema.

use super::schema::{
    DISTRIBUTION_COLUMNS, Distribution, DrawRow, LineRow, LinkRow, OdRow, SkimOdRow, SkimZoneRow,
    ZoneRow,
};
use super::summary::{DemandInfo, ModelInfo, MonteCarloInfo, RunSummary};
use crate::network::Network;
use crate::sim::demand::Flows;
use crate::sim::equilibrium::WarmStart;
use crate::sim::montecarlo::Simulation;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Everything a run writes (but the report, which is drawn from it).
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutput {
    /// `summary.json`; `run.wall_time_s` is the caller's to fill in.
    pub summary: RunSummary,
    /// The CSV tables.
    pub tables: Tables,
    /// `zones.geojson`: a point per zone with its row of `zones.csv`.
    pub zones_geojson: Value,
    /// `network.geojson`: roads and lines (with their loads after draws).
    pub network_geojson: Value,
    /// The commuters per zone pair a Monte-Carlo run placed, to hold in another run (fixed
    /// demand): in memory only, `None` for a deterministic run or one read from its folder.
    pub commuters: Option<Flows>,
    /// Where the run's supply-demand loop stood before its last round, for the loop of another
    /// scenario to resume from (`commute compare` does): in memory only, `None` without a loop.
    pub warm_start: Option<WarmStart>,
}

/// The CSV tables of a run, in the form of its model.
#[derive(Debug, Clone, PartialEq)]
pub enum Tables {
    /// A deterministic run's.
    Skims(SkimTables),
    /// A Monte-Carlo run's.
    MonteCarlo(MonteCarloTables),
}

/// The tables of a deterministic run.
#[derive(Debug, Clone, PartialEq)]
pub struct SkimTables {
    /// `od.csv`.
    pub od: Vec<SkimOdRow>,
    /// `zones.csv`.
    pub zones: Vec<SkimZoneRow>,
}

/// The tables of a Monte-Carlo run.
#[derive(Debug, Clone, PartialEq)]
pub struct MonteCarloTables {
    /// `od.csv`.
    pub od: Vec<OdRow>,
    /// `zones.csv`.
    pub zones: Vec<ZoneRow>,
    /// `lines.csv`.
    pub lines: Vec<LineRow>,
    /// `draws.csv`.
    pub draws: Vec<DrawRow>,
    /// `distribution.csv`.
    pub distribution: Distribution,
    /// `links.csv`, when the scenario has road congestion.
    pub links: Option<Vec<LinkRow>>,
}

/// A Monte-Carlo run's outputs with the parts every such run has (see
/// [`RunOutput::monte_carlo`]).
#[derive(Debug, Clone, Copy)]
pub struct MonteCarloRun<'a> {
    /// The whole summary.
    pub summary: &'a RunSummary,
    /// Its Monte-Carlo settings.
    pub settings: &'a MonteCarloInfo,
    /// Its demand figures.
    pub demand: &'a DemandInfo,
    /// Its model settings.
    pub model: &'a ModelInfo,
    /// The tables.
    pub tables: &'a MonteCarloTables,
    /// `zones.geojson`.
    pub zones_geojson: &'a Value,
    /// `network.geojson`.
    pub network_geojson: &'a Value,
}

impl RunOutput {
    /// The Monte-Carlo parts, `None` for a deterministic run.
    pub fn monte_carlo(&self) -> Option<MonteCarloRun<'_>> {
        let Tables::MonteCarlo(tables) = &self.tables else {
            return None;
        };
        let s = &self.summary;
        Some(MonteCarloRun {
            summary: s,
            settings: s.monte_carlo.as_ref()?,
            demand: s.demand.as_ref()?,
            model: s.model.as_ref()?,
            tables,
            zones_geojson: &self.zones_geojson,
            network_geojson: &self.network_geojson,
        })
    }

    /// The files of the run folder by name, in writing order, but `summary.json` (see
    /// [`RunOutput::summary_json`]), which is written last: it marks a finished folder.
    pub fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let mut files = Vec::new();
        match &self.tables {
            Tables::Skims(t) => {
                files.push(("od.csv", csv_of(&t.od)));
                files.push(("zones.csv", csv_of(&t.zones)));
            }
            Tables::MonteCarlo(t) => {
                files.push(("od.csv", csv_of(&t.od)));
                files.push(("zones.csv", csv_of(&t.zones)));
                files.push(("lines.csv", csv_of(&t.lines)));
                files.push(("draws.csv", csv_of(&t.draws)));
                files.push(("distribution.csv", distribution_csv(&t.distribution)));
                if let Some(links) = &t.links {
                    files.push(("links.csv", csv_of(links)));
                }
                if let Some(rows) = &self.summary.validation {
                    files.push(("validation.csv", csv_of(rows)));
                }
            }
        }
        files.push(("zones.geojson", json_line(&self.zones_geojson)));
        files.push(("network.geojson", json_line(&self.network_geojson)));
        files
    }

    /// The bytes of `summary.json`.
    pub fn summary_json(&self) -> Vec<u8> {
        let mut text = serde_json::to_string_pretty(&self.summary).expect("in-memory JSON");
        text.push('\n');
        text.into_bytes()
    }
}

/// A CSV file in memory: `header`, then `rows`.
pub fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    w.write_record(header).expect("in-memory write");
    for row in rows {
        w.write_record(&row).expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}

/// The CSV file of `rows`: the header from the row type's fields, then a line per row.
fn csv_of<T: Serialize + DeserializeOwned>(rows: &[T]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    // Writing to memory cannot fail, and the row types hold plain fields.
    w.write_record(crate::io::columns::<T>())
        .expect("in-memory write");
    for row in rows {
        w.serialize(row).expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}

fn distribution_csv(d: &Distribution) -> Vec<u8> {
    let mut header = DISTRIBUTION_COLUMNS.to_vec();
    header.extend(d.zones.iter().map(String::as_str));
    let rows = d.rows.iter().map(|r| {
        let mut row = vec![r.minute.clone(), r.all.to_string()];
        row.extend(r.by_zone.iter().map(ToString::to_string));
        row
    });
    csv_bytes(&header, rows)
}

/// A JSON value on one line, with a line break.
fn json_line(value: &Value) -> Vec<u8> {
    // Serialising a JSON value to memory cannot fail.
    let mut bytes = serde_json::to_vec(value).expect("in-memory JSON");
    bytes.push(b'\n');
    bytes
}

/// `zones.geojson`: one point feature per zone at its centroid, with `properties` from the
/// zone's row of `zones.csv` (its columns and cells, numbers as numbers).
pub(super) fn zones_geojson<T: Serialize>(net: &Network, rows: &[T]) -> Value {
    let features: Vec<Value> = rows
        .iter()
        .zip(net.zones())
        .map(|(row, zone)| {
            let centroid = net.node(zone.centroid);
            let properties: serde_json::Map<String, Value> = match serde_json::to_value(row) {
                Ok(Value::Object(cells)) => cells
                    .into_iter()
                    .map(|(column, cell)| (column, json_value(&cell_text(cell))))
                    .collect(),
                _ => serde_json::Map::new(),
            };
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [centroid.lon, centroid.lat]},
                "properties": properties,
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// A row's field as its CSV cell shows it.
fn cell_text(cell: Value) -> String {
    match cell {
        Value::Null => String::new(),
        Value::String(text) => text,
        other => other.to_string(),
    }
}

/// A CSV cell as JSON: a number when it parses as a finite one, `null` when empty, else text.
fn json_value(cell: &str) -> Value {
    if cell.is_empty() {
        return Value::Null;
    }
    if let Ok(n) = cell.parse::<i64>() {
        return json!(n);
    }
    match cell.parse::<f64>() {
        Ok(x) if x.is_finite() => json!(x),
        _ => json!(cell),
    }
}

/// `network.geojson`: one line feature per road link (`kind` `road`: id, name, class, km,
/// km/h, capacity, lanes, toll, checkpoint minutes) and per public-transport line through its
/// stops (`kind` `line`: id, name, mode, capacity, and with `loads` the per-morning boardings,
/// peak load and denied boardings of `lines.csv`).
pub(super) fn network_geojson(net: &Network, loads: Option<&Simulation>) -> Value {
    let point = |v: crate::network::NodeId| {
        let n = net.node(v);
        json!([n.lon, n.lat])
    };
    let mut features: Vec<Value> = net
        .roads()
        .iter()
        .map(|r| {
            json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [point(r.from), point(r.to)]},
                "properties": {
                    "kind": "road", "id": r.id, "name": r.name, "class": r.class,
                    "length_km": r.length_km, "speed_kmh": r.speed_kmh,
                    "capacity_vph": r.capacity_vph, "lanes": r.lanes, "toll_yuan": r.toll_yuan,
                    "oneway": r.oneway, "checkpoint_min": f64::from(r.checkpoint_s) / 60.0,
                },
            })
        })
        .collect();
    for (i, line) in net.lines().iter().enumerate() {
        let mut properties = json!({
            "kind": "line", "id": line.id, "name": line.name, "mode": line.mode.as_str(),
            "vehicle_capacity": net.crush_capacity(line),
        });
        if let Some(sim) = loads {
            let draws = f64::from(sim.draws.max(1));
            let load = sim.lines[i];
            properties["boardings"] = json!(load.boardings / draws);
            properties["peak_load"] = json!(load.peak_load / draws);
            properties["denied_boardings"] = json!(load.denied / draws);
        }
        features.push(json!({
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": line.stops.iter().map(|s| point(s.node)).collect::<Vec<_>>(),
            },
            "properties": properties,
        }));
    }
    json!({"type": "FeatureCollection", "features": features})
}
