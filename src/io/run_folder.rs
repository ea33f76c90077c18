//! Reading the output folder of a Monte-Carlo `commute run` back, for `commute compare`: the same
//! parser reads a folder on disk and the bytes of a run made in memory, so comparing two
//! scenarios and comparing two folders are one code path.

use crate::compare::{DrawRow, LineRow, OdRow, RunData, ZoneRow};
use crate::error::{Error, Problem, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The files a Monte-Carlo run folder holds that a comparison reads.
pub const RUN_FILES: [&str; 8] = [
    "summary.json",
    "od.csv",
    "draws.csv",
    "zones.csv",
    "lines.csv",
    "distribution.csv",
    "zones.geojson",
    "network.geojson",
];

/// Reads the run folder `dir`.
pub fn read_run(dir: &Path) -> Result<RunData> {
    if !dir.is_dir() {
        return Err(Error::Invalid(vec![Problem::file(
            dir,
            "run folder not found",
        )]));
    }
    let summary = dir.join("summary.json");
    if !summary.is_file() {
        return Err(Error::Invalid(vec![Problem::file(
            dir,
            "not a `commute run` output folder (no summary.json)",
        )]));
    }
    let mut files = Vec::new();
    for name in RUN_FILES {
        let path = dir.join(name);
        // A missing file is reported by `parse_run`, after what summary.json says.
        if !path.exists() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|error| Error::Read {
            path: path.clone(),
            error,
        })?;
        files.push((name, bytes));
    }
    parse_run(dir, &files)
}

/// Parses the files of a run (`RUN_FILES` by name) as if they were in folder `dir`.
pub fn parse_run(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<RunData> {
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.as_slice())
            .ok_or_else(|| {
                Error::Invalid(vec![Problem::file(
                    &dir.join(name),
                    "missing: compare needs a Monte-Carlo run (`commute run --draws N`)",
                )])
            })
    };
    let json = |name: &str| -> Result<serde_json::Value> {
        let path = dir.join(name);
        serde_json::from_slice(get(name)?).map_err(|e| {
            Error::Invalid(vec![Problem::at(
                &path,
                e.line() as u64,
                None,
                format!("not valid JSON: {e}"),
            )])
        })
    };
    let summary = json("summary.json")?;
    if summary.get("monte_carlo").is_none() {
        return Err(Error::Invalid(vec![Problem::file(
            &dir.join("summary.json"),
            "a deterministic run: compare needs a Monte-Carlo run (`commute run --draws N`)",
        )]));
    }
    let mut problems = Vec::new();
    let od = Csv::parse(dir, "od.csv", get("od.csv")?, &mut problems).map(|t| {
        t.rows(&mut problems, |r| {
            Some(OdRow {
                origin: r.text("origin")?,
                destination: r.text("destination")?,
                mode: r.text("mode")?,
                commuters: r.number("commuters")?,
                mean_min: r.optional("mean_min")?,
                p50_min: r.optional("p50_min")?,
                p95_min: r.optional("p95_min")?,
            })
        })
    });
    let draws = Csv::parse(dir, "draws.csv", get("draws.csv")?, &mut problems).map(|t| {
        t.rows(&mut problems, |r| {
            Some(DrawRow {
                origin: r.text("origin")?,
                destination: r.text("destination")?,
                draw: r.number("draw")? as u32,
                by: [
                    r.number("car")?,
                    r.number("transit")?,
                    r.number("custom_bus")?,
                ],
                mean_min: r.optional("mean_min")?,
                mode_min: [
                    r.optional("car_min")?,
                    r.optional("transit_min")?,
                    r.optional("custom_bus_min")?,
                    r.optional("best_min")?,
                ],
            })
        })
    });
    let zones = Csv::parse(dir, "zones.csv", get("zones.csv")?, &mut problems).map(|t| {
        t.rows(&mut problems, |r| {
            Some(ZoneRow {
                zone: r.text("zone")?,
                name: r.text("name")?,
                residents: r.number("residents")?,
                jobs: r.number("jobs")?,
                commuters: r.number("commuters")?,
                mean_commute_min: r.optional("mean_commute_min")?,
                shares: [
                    r.optional("car_share")?.unwrap_or(0.0),
                    r.optional("transit_share")?.unwrap_or(0.0),
                    r.optional("custom_bus_share")?.unwrap_or(0.0),
                    r.optional("unserved_share")?.unwrap_or(0.0),
                ],
                jobs_within_60min_p50: r.number("jobs_within_60min_p50")?,
            })
        })
    });
    let lines = Csv::parse(dir, "lines.csv", get("lines.csv")?, &mut problems).map(|t| {
        t.rows(&mut problems, |r| {
            Some(LineRow {
                line: r.text("line")?,
                name: r.text("name")?,
                mode: r.text("mode")?,
                boardings: r.number("boardings")?,
                peak_load: r.number("peak_load")?,
                vehicle_capacity: r.number("vehicle_capacity")?,
                denied_boardings: r.number("denied_boardings")?,
            })
        })
    });
    let distribution = Csv::parse(
        dir,
        "distribution.csv",
        get("distribution.csv")?,
        &mut problems,
    )
    .map(|t| {
        let all = t.rows(&mut problems, |r| r.number("all"));
        let mut zones = std::collections::BTreeMap::new();
        for column in t.columns.keys().filter(|c| *c != "minute" && *c != "all") {
            let counts = t.rows(&mut problems, |r| r.number(column));
            zones.insert(column.clone(), counts);
        }
        (all, zones)
    });
    if let (Some(draws), Some(od)) = (&draws, &od) {
        let n = summary["monte_carlo"]["draws"].as_u64().unwrap_or(0);
        check_draws(&dir.join("draws.csv"), draws, od, n, &mut problems);
    }
    let zones_geojson = json("zones.geojson")?;
    let network_geojson = json("network.geojson")?;
    match (od, draws, zones, lines, distribution) {
        (
            Some(od),
            Some(draws),
            Some(zones),
            Some(lines),
            Some((distribution, zone_distributions)),
        ) if problems.is_empty() => Ok(RunData {
            dir: dir.to_path_buf(),
            summary,
            od,
            draws,
            zones,
            lines,
            distribution,
            zone_distributions,
            zones_geojson,
            network_geojson,
        }),
        _ => Err(Error::Invalid(problems)),
    }
}

/// A CSV table with its header, for reading rows by column name.
struct Csv {
    path: PathBuf,
    columns: HashMap<String, usize>,
    records: Vec<csv::StringRecord>,
}

impl Csv {
    fn parse(dir: &Path, name: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> Option<Csv> {
        let path = dir.join(name);
        let mut reader = csv::Reader::from_reader(bytes);
        let header = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                problems.push(Problem::at(&path, 1, None, e.to_string()));
                return None;
            }
        };
        let mut records = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => records.push(r),
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    problems.push(Problem::at(&path, line, None, e.to_string()));
                    return None;
                }
            }
        }
        Some(Csv {
            path,
            columns: header
                .iter()
                .enumerate()
                .map(|(i, h)| (h.to_owned(), i))
                .collect(),
            records,
        })
    }

    /// Each row through `read`, problems collected (a row with one is skipped).
    fn rows<T>(
        &self,
        problems: &mut Vec<Problem>,
        read: impl Fn(&mut Row<'_>) -> Option<T>,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for (i, record) in self.records.iter().enumerate() {
            let mut row = Row {
                table: self,
                record,
                line: i as u64 + 2,
                problem: None,
            };
            match read(&mut row) {
                Some(value) => out.push(value),
                None => problems.extend(row.problem),
            }
        }
        out
    }
}

/// One row of a [`Csv`], remembering its first problem.
struct Row<'a> {
    table: &'a Csv,
    record: &'a csv::StringRecord,
    line: u64,
    problem: Option<Problem>,
}

impl Row<'_> {
    fn cell(&mut self, column: &str) -> Option<&str> {
        let found = self
            .table
            .columns
            .get(column)
            .and_then(|&i| self.record.get(i));
        if found.is_none() {
            self.fail(column, "missing column");
        }
        found
    }

    fn fail(&mut self, column: &str, message: &str) {
        self.problem
            .get_or_insert_with(|| Problem::at(&self.table.path, self.line, Some(column), message));
    }

    fn text(&mut self, column: &str) -> Option<String> {
        self.cell(column).map(str::to_owned)
    }

    fn number(&mut self, column: &str) -> Option<f64> {
        self.optional(column)?.or_else(|| {
            self.fail(column, "expected a number, got an empty cell");
            None
        })
    }

    /// `Some(None)` for an empty cell, `None` (with a problem) for a bad one.
    fn optional(&mut self, column: &str) -> Option<Option<f64>> {
        let cell = self.cell(column)?.trim().to_owned();
        if cell.is_empty() {
            return Some(None);
        }
        match cell.parse::<f64>() {
            Ok(x) if x.is_finite() => Some(Some(x)),
            _ => {
                self.fail(column, &format!("expected a number, got `{cell}`"));
                None
            }
        }
    }
}

/// Every pair of `od.csv` has draws `0..n` in `draws.csv`, each once (rows in file order: row
/// `i` is on line `i + 2`).
fn check_draws(path: &Path, draws: &[DrawRow], od: &[OdRow], n: u64, problems: &mut Vec<Problem>) {
    let before = problems.len();
    let mut seen: HashMap<(&str, &str), Vec<bool>> = HashMap::new();
    for (i, row) in draws.iter().enumerate() {
        if problems.len() - before >= 20 {
            return;
        }
        let line = i as u64 + 2;
        if u64::from(row.draw) >= n {
            problems.push(Problem::at(
                path,
                line,
                Some("draw"),
                format!(
                    "draw {} is not below the {n} draws of summary.json",
                    row.draw
                ),
            ));
            continue;
        }
        let marks = seen
            .entry((&row.origin, &row.destination))
            .or_insert_with(|| vec![false; n as usize]);
        if std::mem::replace(&mut marks[row.draw as usize], true) {
            problems.push(Problem::at(
                path,
                line,
                Some("draw"),
                format!(
                    "{} -> {} draw {} again",
                    row.origin, row.destination, row.draw
                ),
            ));
        }
    }
    let mut missing: Vec<(&str, &str)> = od
        .iter()
        .map(|r| (r.origin.as_str(), r.destination.as_str()))
        .filter(|pair| seen.get(pair).is_none_or(|m| m.iter().any(|x| !x)))
        .collect();
    missing.dedup();
    if let Some((o, d)) = missing.first() {
        problems.push(Problem::file(
            path,
            format!(
                "incomplete: {o} -> {d} and {} more pairs of od.csv lack some of the {n} draws",
                missing.len() - 1
            ),
        ));
    }
}
