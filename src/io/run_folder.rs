//! Reading the output folder of a Monte-Carlo `commute run` back, for `commute compare`: the same
//! parser reads a folder on disk and the bytes of a run made in memory, so comparing two
//! scenarios and comparing two folders are one code path.

use crate::compare::{DrawRow, LineRow, LinkRow, OdRow, RunData, ZoneRow};
use crate::error::{Error, Problem, Result};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The files a Monte-Carlo run folder holds that a comparison reads (`links.csv` only when the
/// scenario has road congestion; every other one always).
pub const RUN_FILES: [&str; 9] = [
    "summary.json",
    "od.csv",
    "draws.csv",
    "zones.csv",
    "lines.csv",
    "distribution.csv",
    "zones.geojson",
    "network.geojson",
    "links.csv",
];

/// The columns of a run's `links.csv`, in order.
pub const LINK_COLUMNS: [&str; 14] = [
    "link",
    "direction",
    "name",
    "class",
    "from",
    "to",
    "length_km",
    "volume_vph",
    "background_pcu",
    "capacity_vph",
    "volume_capacity",
    "free_flow_min",
    "congested_min",
    "speed_kmh",
];

/// The most draws a run has (the limit of `commute run --draws`).
const MAX_DRAWS: u64 = 10_000;

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
    // The comparison keeps arrays of this many draws: a forged count must not size them.
    let draws_n = &summary["monte_carlo"]["draws"];
    if draws_n.as_u64().is_none_or(|n| n > MAX_DRAWS) {
        // The line of `"draws"` inside `"monte_carlo"`, as summary.json is written (one key a line).
        let text = get("summary.json")?;
        let key_at =
            |from: usize, key: &[u8]| memchr::memmem::find(&text[from..], key).map(|at| from + at);
        let line = key_at(0, b"\"monte_carlo\"")
            .and_then(|at| key_at(at, b"\"draws\""))
            .map_or(1, |at| super::line_of_bytes(text, at));
        return Err(Error::Invalid(vec![Problem::at(
            &dir.join("summary.json"),
            line,
            Some("monte_carlo.draws"),
            format!(
                "expected a whole number of draws up to {MAX_DRAWS} (as `commute run --draws` \
                 makes), got {draws_n}"
            ),
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
    // Optional: only a run whose scenario has road congestion writes it.
    let links = files
        .iter()
        .find(|(n, _)| *n == "links.csv")
        .map(|(_, bytes)| parse_links(dir, bytes, &mut problems));
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
            links,
        }),
        _ => Err(Error::Invalid(problems)),
    }
}

/// The rows of a run's `links.csv` (problems collected: every column of [`LINK_COLUMNS`] present,
/// `direction` `forward` or `backward`, each (link, direction) once, numbers finite and not
/// negative).
fn parse_links(dir: &Path, bytes: &[u8], problems: &mut Vec<Problem>) -> Vec<LinkRow> {
    let Some(table) = Csv::parse(dir, "links.csv", bytes, problems) else {
        return Vec::new();
    };
    if !table.require(&LINK_COLUMNS, problems) {
        return Vec::new();
    }
    let before = problems.len();
    let rows = table.rows(problems, |r| {
        let direction = r.text("direction")?;
        if direction != "forward" && direction != "backward" {
            r.fail(
                "direction",
                &format!("expected `forward` or `backward`, got `{direction}`"),
            );
            return None;
        }
        let link = r.text("link")?;
        if link.trim().is_empty() {
            r.fail("link", "empty link id");
            return None;
        }
        Some(LinkRow {
            link,
            direction,
            name: r.text("name")?,
            class: r.text("class")?,
            from: r.text("from")?,
            to: r.text("to")?,
            length_km: r.non_negative("length_km")?,
            volume_vph: r.non_negative("volume_vph")?,
            background_pcu: r.non_negative("background_pcu")?,
            capacity_vph: r.non_negative("capacity_vph")?,
            volume_capacity: r.non_negative("volume_capacity")?,
            free_flow_min: r.non_negative("free_flow_min")?,
            congested_min: r.non_negative("congested_min")?,
            speed_kmh: r.non_negative("speed_kmh")?,
        })
    });
    // Duplicates only where every row was read, so row `i` is on line `i + 2`.
    if problems.len() == before {
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            if let Some(first) = seen.insert((&row.link, &row.direction), i) {
                problems.push(Problem::at(
                    &table.path,
                    i as u64 + 2,
                    Some("direction"),
                    format!(
                        "link {} {} again (first on line {})",
                        row.link,
                        row.direction,
                        first + 2
                    ),
                ));
            }
        }
    }
    rows
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

    /// Whether the header has every one of `columns` (each missing one is a problem on line 1).
    fn require(&self, columns: &[&str], problems: &mut Vec<Problem>) -> bool {
        let mut ok = true;
        for column in columns {
            if !self.columns.contains_key(*column) {
                problems.push(Problem::at(&self.path, 1, Some(column), "missing column"));
                ok = false;
            }
        }
        ok
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

    /// A number that is not negative.
    fn non_negative(&mut self, column: &str) -> Option<f64> {
        let x = self.number(column)?;
        if x < 0.0 {
            self.fail(column, &format!("expected a number >= 0, got {x}"));
            return None;
        }
        Some(x)
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
/// `i` is on line `i + 2`). `n` comes from summary.json and is not trusted: the draws seen are
/// kept as sets, never as `n` flags, so the memory is that of the rows.
fn check_draws(path: &Path, draws: &[DrawRow], od: &[OdRow], n: u64, problems: &mut Vec<Problem>) {
    let before = problems.len();
    let mut seen: HashMap<(&str, &str), HashSet<u32>> = HashMap::new();
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
        let marks = seen.entry((&row.origin, &row.destination)).or_default();
        if !marks.insert(row.draw) {
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
        // Every draw seen is below `n` and counted once: `n` of them are all of them.
        .filter(|pair| seen.get(pair).is_none_or(|m| (m.len() as u64) < n))
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "link,direction,name,class,from,to,length_km,volume_vph,background_pcu,capacity_vph,volume_capacity,free_flow_min,congested_min,speed_kmh\n";

    fn parse(text: &str) -> (Vec<LinkRow>, Vec<String>) {
        let mut problems = Vec::new();
        let rows = parse_links(Path::new("run"), text.as_bytes(), &mut problems);
        (rows, problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn links_csv_rows_are_read() {
        let (rows, problems) = parse(&format!(
            "{HEADER}r1,forward,G1,expressway,a,b,10.0,1200.5,300.0,4000.0,0.375,10.00,10.50,57.1\nr1,backward,G1,expressway,b,a,10.0,0.0,300.0,4000.0,0.075,10.00,10.00,60.0\n"
        ));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[1].direction.as_str(), rows[1].from.as_str()),
            ("backward", "b")
        );
        assert_eq!(rows[0].volume_vph, 1200.5);
        assert_eq!(rows[0].length_km, 10.0);
        // A header alone: no links, no problem.
        assert_eq!(parse(HEADER), (vec![], vec![]));
    }

    #[test]
    fn damaged_links_csv_names_file_line_and_field() {
        let row = "r1,forward,G1,expressway,a,b,10.0,1200.5,300.0,4000.0,0.375,10.00,10.50,57.1\n";
        let cases = [
            (
                format!("{HEADER}{}", row.replace("1200.5", "lots")),
                "links.csv:2: field `volume_vph`: expected a number, got `lots`",
            ),
            (
                format!("{HEADER}{row}{}", row.replace("forward", "sideways")),
                "links.csv:3: field `direction`: expected `forward` or `backward`, got `sideways`",
            ),
            (
                format!("{HEADER}{row}{row}"),
                "links.csv:3: field `direction`: link r1 forward again (first on line 2)",
            ),
            (
                format!("{HEADER}{}", row.replace("10.50", "-1")),
                "links.csv:2: field `congested_min`: expected a number >= 0, got -1",
            ),
            (
                format!("{HEADER}{}", row.replace(",57.1", ",")),
                "links.csv:2: field `speed_kmh`: expected a number, got an empty cell",
            ),
            (
                HEADER.replace(",speed_kmh", "") + &row.replace(",57.1", ""),
                "links.csv:1: field `speed_kmh`: missing column",
            ),
            (
                format!("{HEADER}r1,forward,G1\n"),
                "links.csv:2: CSV error: record 1 (line: 2, byte: 137): found record with 3 fields",
            ),
        ];
        for (text, expect) in cases {
            let (_, problems) = parse(&text);
            assert!(
                problems.iter().any(|p| p.contains(expect)),
                "{expect}: {problems:?}"
            );
        }
    }
}
