//! Reading the folder of a Monte-Carlo `commute run` back into a [`RunOutput`], for `commute
//! compare`. The folder's bytes come through `crate::io` (the only module that touches files);
//! the CSV files are read by their row types (`crate::io::Table`, so every problem names the
//! file, line and column), `summary.json` by [`RunSummary`] (a missing or mistyped field names
//! its path). Problems are collected, and the files are checked against each other: draws.csv
//! must hold every draw of every pair of od.csv, and no more than summary.json's draws.

use super::output::{MonteCarloTables, RunOutput, Tables};
use super::schema::{DISTRIBUTION_COLUMNS, Distribution, DistributionRow, DrawRow, Fixed, OdRow};
use super::summary::RunSummary;
use crate::error::{Error, Problem, Result};
use crate::io::{Others, Table, columns, line_of_bytes};
use serde::de::DeserializeOwned;
use std::collections::{HashMap, HashSet};
use std::path::Path;

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

/// The most draws a run has (the limit of `commute run --draws`).
const MAX_DRAWS: u32 = 10_000;

/// Reads the run folder `dir`.
pub fn read(dir: &Path) -> Result<RunOutput> {
    let Some(files) = crate::io::read_folder(dir, &RUN_FILES)? else {
        return Err(Error::Invalid(vec![Problem::file(
            dir,
            "run folder not found",
        )]));
    };
    if !files.iter().any(|(name, _)| *name == "summary.json") {
        return Err(Error::Invalid(vec![Problem::file(
            dir,
            "not a `commute run` output folder (no summary.json)",
        )]));
    }
    parse(dir, files)
}

/// Parses the files of a Monte-Carlo run ([`RUN_FILES`] by name) as if they were in folder
/// `dir`.
pub fn parse(dir: &Path, files: Vec<(&str, Vec<u8>)>) -> Result<RunOutput> {
    let mut files: HashMap<&str, Vec<u8>> = files.into_iter().collect();
    let mut take = |name: &str| {
        files.remove(name).ok_or_else(|| {
            Error::Invalid(vec![Problem::file(
                &dir.join(name),
                "missing: compare needs a Monte-Carlo run (`commute run --draws N`)",
            )])
        })
    };
    let summary = read_summary(&dir.join("summary.json"), &take("summary.json")?)?;
    let draws_n = summary.monte_carlo.as_ref().map_or(0, |mc| mc.draws);
    let mut problems = Vec::new();
    let od = rows::<OdRow>(dir, "od.csv", take("od.csv")?, &mut problems);
    let draws = rows::<DrawRow>(dir, "draws.csv", take("draws.csv")?, &mut problems);
    let zones = rows(dir, "zones.csv", take("zones.csv")?, &mut problems);
    let lines = rows(dir, "lines.csv", take("lines.csv")?, &mut problems);
    let distribution = read_distribution(dir, take("distribution.csv")?, &mut problems);
    if let (Some(draws), Some(od)) = (&draws, &od) {
        check_draws(&dir.join("draws.csv"), draws, od, draws_n, &mut problems);
    }
    // Optional: only a run whose scenario has road congestion writes it.
    let links = take("links.csv")
        .ok()
        .map(|bytes| read_links(dir, bytes, &mut problems));
    let zones_geojson = json(&dir.join("zones.geojson"), &take("zones.geojson")?)?;
    let network_geojson = json(&dir.join("network.geojson"), &take("network.geojson")?)?;
    match (od, draws, zones, lines, distribution) {
        (Some(od), Some(draws), Some(zones), Some(lines), Some(distribution))
            if problems.is_empty() =>
        {
            Ok(RunOutput {
                summary,
                tables: Tables::MonteCarlo(MonteCarloTables {
                    od: lineless(od),
                    zones: lineless(zones),
                    lines: lineless(lines),
                    draws: lineless(draws),
                    distribution,
                    links: links.map(lineless),
                }),
                zones_geojson,
                network_geojson,
                commuters: None,
                warm_start: None,
            })
        }
        _ => Err(Error::Invalid(problems)),
    }
}

/// `rows` without their lines.
fn lineless<T>(rows: Vec<(u64, T)>) -> Vec<T> {
    rows.into_iter().map(|(_, row)| row).collect()
}

/// The summary of a Monte-Carlo run: valid JSON with every field of [`RunSummary`], and the
/// Monte-Carlo sections with a draw count `commute run` can make.
fn read_summary(path: &Path, text: &[u8]) -> Result<RunSummary> {
    let invalid = |line, field: Option<&str>, message: String| {
        Err(Error::Invalid(vec![Problem::at(
            path, line, field, message,
        )]))
    };
    let mut json = serde_json::Deserializer::from_slice(text);
    let summary: RunSummary = match serde_path_to_error::deserialize(&mut json) {
        Ok(summary) => summary,
        Err(e) if e.inner().is_data() => {
            let message = e.inner().to_string();
            let field = crate::io::field_path(e.path().iter(), &message);
            return invalid(e.inner().line() as u64, field.as_deref(), message);
        }
        Err(e) => {
            let line = e.inner().line() as u64;
            return invalid(line, None, format!("not valid JSON: {}", e.inner()));
        }
    };
    if let Err(e) = json.end() {
        return invalid(e.line() as u64, None, format!("not valid JSON: {e}"));
    }
    let Some(monte_carlo) = &summary.monte_carlo else {
        return Err(Error::Invalid(vec![Problem::file(
            path,
            "a deterministic run: compare needs a Monte-Carlo run (`commute run --draws N`)",
        )]));
    };
    // The comparison keeps arrays of this many draws: a forged count must not size them.
    if monte_carlo.draws > MAX_DRAWS {
        // The line of `"draws"` inside `"monte_carlo"`, as summary.json is written (one key a line).
        let key_at =
            |from: usize, key: &[u8]| memchr::memmem::find(&text[from..], key).map(|at| from + at);
        let line = key_at(0, b"\"monte_carlo\"")
            .and_then(|at| key_at(at, b"\"draws\""))
            .map_or(1, |at| line_of_bytes(text, at));
        return invalid(
            line,
            Some("monte_carlo.draws"),
            format!(
                "expected a whole number of draws up to {MAX_DRAWS} (as `commute run --draws` \
                 makes), got {}",
                monte_carlo.draws
            ),
        );
    }
    // The sections every Monte-Carlo run writes beside `monte_carlo`, said where serde_json
    // says a field is missing: at the end of the object.
    let end = text.iter().rposition(|b| !b.is_ascii_whitespace());
    let last_line = line_of_bytes(text, end.unwrap_or(0));
    for (section, present) in [
        ("demand", summary.demand.is_some()),
        ("model", summary.model.is_some()),
    ] {
        if !present {
            return invalid(
                last_line,
                Some(section),
                format!("missing field `{section}` (a Monte-Carlo run has it)"),
            );
        }
    }
    Ok(summary)
}

/// A JSON file.
fn json(path: &Path, bytes: &[u8]) -> Result<serde_json::Value> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::Invalid(vec![Problem::at(
            path,
            e.line() as u64,
            None,
            format!("not valid JSON: {e}"),
        )])
    })
}

/// The rows of the table `name` with their lines: `None` when the file cannot be read as the
/// table at all; rows with a problem are left out (problems collected).
fn rows<T: DeserializeOwned>(
    dir: &Path,
    name: &str,
    bytes: Vec<u8>,
    problems: &mut Vec<Problem>,
) -> Option<Vec<(u64, T)>> {
    let table = Table::parse(
        &dir.join(name),
        bytes,
        columns::<T>(),
        Others::Only(&[]),
        problems,
    )?;
    Some(table.typed_rows(problems))
}

/// `distribution.csv`: `minute`, `all` and a column per zone.
fn read_distribution(
    dir: &Path,
    bytes: Vec<u8>,
    problems: &mut Vec<Problem>,
) -> Option<Distribution> {
    let path = dir.join("distribution.csv");
    let table = Table::parse(&path, bytes, &DISTRIBUTION_COLUMNS, Others::Any, problems)?;
    let zones: Vec<String> = table
        .columns()
        .iter()
        .filter(|c| !DISTRIBUTION_COLUMNS.contains(&c.as_str()))
        .cloned()
        .collect();
    let minutes = table.typed_column::<String>("minute", problems);
    let all = table.typed_column::<Fixed<1>>("all", problems);
    let by_zone: Vec<Option<Vec<Fixed<1>>>> = zones
        .iter()
        .map(|z| table.typed_column(z, problems))
        .collect();
    let (minutes, all) = (minutes?, all?);
    let by_zone: Vec<Vec<Fixed<1>>> = by_zone.into_iter().collect::<Option<_>>()?;
    let rows = minutes
        .into_iter()
        .zip(all)
        .enumerate()
        .map(|(i, (minute, all))| DistributionRow {
            minute,
            all,
            by_zone: by_zone.iter().map(|column| column[i]).collect(),
        })
        .collect();
    Some(Distribution { zones, rows })
}

/// The rows of a run's `links.csv` (problems collected: every column present, `direction`
/// `forward` or `backward`, each (link, direction) once, numbers finite and not negative).
fn read_links(
    dir: &Path,
    bytes: Vec<u8>,
    problems: &mut Vec<Problem>,
) -> Vec<(u64, super::LinkRow)> {
    let Some(rows) = rows::<super::LinkRow>(dir, "links.csv", bytes, problems) else {
        return Vec::new();
    };
    let path = dir.join("links.csv");
    let mut seen: HashMap<(&str, &str), u64> = HashMap::new();
    for (line, row) in &rows {
        let key = (row.link.as_str(), row.direction.as_str());
        if let Some(first) = seen.insert(key, *line) {
            problems.push(Problem::at(
                &path,
                *line,
                Some("direction"),
                format!(
                    "link {} {} again (first on line {first})",
                    row.link,
                    row.direction.as_str(),
                ),
            ));
        }
    }
    rows
}

/// Every pair of `od.csv` has draws `0..n` in `draws.csv`, each once. `n` comes from
/// summary.json and is not trusted: the draws seen are kept as sets, never as `n` flags, so the
/// memory is that of the rows.
fn check_draws(
    path: &Path,
    draws: &[(u64, DrawRow)],
    od: &[(u64, OdRow)],
    n: u32,
    problems: &mut Vec<Problem>,
) {
    let before = problems.len();
    let mut seen: HashMap<(&str, &str), HashSet<u32>> = HashMap::new();
    for (line, row) in draws {
        if problems.len() - before >= 20 {
            return;
        }
        if row.draw >= n {
            problems.push(Problem::at(
                path,
                *line,
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
                *line,
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
        .map(|(_, r)| (r.origin.as_str(), r.destination.as_str()))
        // Every draw seen is below `n` and counted once: `n` of them are all of them.
        .filter(|pair| {
            seen.get(pair)
                .is_none_or(|m| (m.len() as u64) < u64::from(n))
        })
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
    use crate::run::{LinkRow, RunOptions, SkimOdRow, SkimZoneRow, run};

    /// The demo network's morning run (07:00-07:30, seed 1) with `draws`, with road congestion
    /// when asked.
    fn demo_run(draws: u32, congestion: bool) -> RunOutput {
        let dir = tempfile::tempdir().unwrap();
        let network = Path::new(env!("CARGO_MANIFEST_DIR")).join("networks/demo");
        let mut text = format!(
            "version = 1\nname = \"t\"\nnetwork = {:?}\n[window]\nstart = \"07:00\"\nend = \"07:30\"\n",
            network.display().to_string()
        );
        if congestion {
            text.push_str(
                "[congestion]\nenabled = true\n[equilibrium]\nmax_rounds = 1\ndraws = 1\n",
            );
        }
        let path = dir.path().join("t.toml");
        std::fs::write(&path, text).unwrap();
        let scenario = crate::scenario::load(&path).unwrap();
        run(&scenario, RunOptions { seed: 1, draws }, |_| {})
    }

    /// `value` as it reads back from its JSON text.
    fn table<T: DeserializeOwned>(name: &str, bytes: &[u8]) -> Vec<T> {
        let mut problems = Vec::new();
        let rows = rows(Path::new("run"), name, bytes.to_vec(), &mut problems).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        lineless(rows)
    }

    #[test]
    fn a_monte_carlo_run_read_back_from_its_files_is_the_run() {
        let output = demo_run(2, true);
        let Tables::MonteCarlo(tables) = &output.tables else {
            panic!("a Monte-Carlo run");
        };
        assert!(tables.links.as_ref().is_some_and(|l| !l.is_empty()));
        assert!(!tables.draws.is_empty() && !tables.distribution.rows.is_empty());
        let mut files = output.files();
        files.push(("summary.json", output.summary_json()));
        let read = parse(Path::new("run"), files.clone()).unwrap();
        // Everything exactly (serde_json reads numbers back correctly rounded: `float_roundtrip`).
        assert_eq!(read.tables, output.tables);
        assert_eq!(read.summary, output.summary);
        assert_eq!(read.zones_geojson, output.zones_geojson);
        assert_eq!(read.network_geojson, output.network_geojson);
        // And written again, the same CSV bytes.
        let again = read.files();
        assert_eq!(again.len() + 1, files.len());
        for ((name, bytes), (written, first)) in again.iter().zip(&files) {
            assert_eq!(name, written);
            assert!(!name.ends_with(".csv") || bytes == first, "{name} differs");
        }
    }

    #[test]
    fn a_deterministic_run_reads_back_and_is_refused_by_compare() {
        let output = demo_run(0, false);
        let Tables::Skims(tables) = &output.tables else {
            panic!("a deterministic run");
        };
        let files = output.files();
        let file = |name: &str| &files.iter().find(|f| f.0 == name).unwrap().1;
        assert_eq!(table::<SkimOdRow>("od.csv", file("od.csv")), tables.od);
        assert_eq!(
            table::<SkimZoneRow>("zones.csv", file("zones.csv")),
            tables.zones
        );
        let mut all = files.clone();
        all.push(("summary.json", output.summary_json()));
        let err = parse(Path::new("run"), all).unwrap_err().to_string();
        assert!(err.contains("summary.json: a deterministic run"), "{err}");
    }

    #[test]
    fn summary_problems_name_the_field_and_line() {
        let output = demo_run(2, false);
        let text = String::from_utf8(output.summary_json()).unwrap();
        let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
        let read = |text: &str| {
            let mut files = output.files();
            files.push(("summary.json", text.as_bytes().to_vec()));
            parse(Path::new("run"), files).unwrap_err().to_string()
        };
        let seed = line_of("\"seed\"");
        let err = read(&text.replace("\"seed\": 1,", "\"seed\": \"one\","));
        assert!(
            err.contains(&format!(
                "summary.json:{seed}: field `monte_carlo.seed`: invalid type"
            )),
            "{err}"
        );
        let err = read(&text.replace("\"draws\": 2,", "\"draws\": 20000,"));
        let draws = line_of("\"draws\"");
        assert!(
            err.contains(&format!(
                "summary.json:{draws}: field `monte_carlo.draws`: expected a whole number of draws up to 10000"
            )),
            "{err}"
        );
        let threads = text.lines().find(|l| l.contains("\"threads\"")).unwrap();
        let err = read(&text.replace(&format!("{threads}\n"), ""));
        assert!(
            err.contains("field `run.threads`: missing field `threads`"),
            "{err}"
        );
        let err = read(&text.replacen("\"demand\": {", "\"demands\": {", 1));
        assert!(
            err.contains("field `demand`: missing field `demand`"),
            "{err}"
        );
        let err = read(&text[..text.len() / 2]);
        assert!(
            err.contains("summary.json:") && err.contains("not valid JSON"),
            "{err}"
        );
    }

    const HEADER: &str = "link,direction,name,class,from,to,length_km,volume_vph,background_pcu,capacity_vph,volume_capacity,free_flow_min,congested_min,speed_kmh\n";

    fn links(text: &str) -> (Vec<LinkRow>, Vec<String>) {
        let mut problems = Vec::new();
        let rows = read_links(Path::new("run"), text.as_bytes().to_vec(), &mut problems);
        (
            lineless(rows),
            problems.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn links_csv_rows_are_read() {
        assert_eq!(HEADER.trim_end(), columns::<LinkRow>().join(","));
        let (rows, problems) = links(&format!(
            "{HEADER}r1,forward,G1,expressway,a,b,10.0,1200.5,300.0,4000.0,0.375,10.00,10.50,57.1\nr1,backward,G1,expressway,b,a,10.0,0.0,300.0,4000.0,0.075,10.00,10.00,60.0\n"
        ));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[1].direction.as_str(), rows[1].from.as_str()),
            ("backward", "b")
        );
        assert_eq!(rows[0].volume_vph.get(), 1200.5);
        assert_eq!(rows[0].length_km.get(), 10.0);
        // A header alone: no links, no problem.
        assert_eq!(links(HEADER), (vec![], vec![]));
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
                format!("{HEADER}{}", row.replace("r1,", " ,")),
                "links.csv:2: field `link`: empty link id",
            ),
            (
                HEADER.replace(",speed_kmh", "") + &row.replace(",57.1", ""),
                "links.csv:1: field `speed_kmh`: required column is missing",
            ),
            (
                format!("{HEADER}r1,forward,G1\n"),
                "links.csv:2: expected 14 fields",
            ),
        ];
        for (text, expect) in cases {
            let (_, problems) = links(&text);
            assert!(
                problems.iter().any(|p| p.contains(expect)),
                "{expect}: {problems:?}"
            );
        }
    }
}
