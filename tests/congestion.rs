//! Road congestion in regional scenarios, checked as a planner would: a new road relieves the
//! roads parallel to it, a new subway line takes cars off the roads it parallels, a closed
//! expressway pushes traffic onto the others. Runs are short (few draws and rounds) but paired:
//! the same seed, so the differences come from the scenarios.

mod common;

use common::*;
use std::collections::HashMap;
use std::path::Path;

/// links.csv rows by (link, direction), as column -> value maps.
type Links = HashMap<(String, String), HashMap<String, String>>;

/// Runs `file` (a shipped scenario) with short congestion settings, holding jjj-2024's
/// commuters (fixed demand: the same trips, so the changes come from the network); returns
/// links.csv rows by (link, direction) and the summary.
fn run(tmp: &Path, file: &str) -> (Links, serde_json::Value) {
    let name = Path::new(file).file_stem().unwrap().to_str().unwrap();
    let scenario = tmp.join(format!("{name}.toml"));
    std::fs::write(
        &scenario,
        format!(
            "version = 1\nname = \"{name}\"\nextends = \"{}\"\n\n[congestion]\noccupancy = 1.2\nbackground_vc = 0.4\ncapacity_factor = 4\n\n[equilibrium]\nmax_rounds = 3\ndraws = 2\n",
            root().join(file).display()
        ),
    )
    .unwrap();
    let out = tmp.join(format!("out-{name}"));
    let base = root().join("scenarios/jjj-2024.toml");
    commute_ok(&[
        "run",
        scenario.to_str().unwrap(),
        "--draws",
        "2",
        "--quiet",
        "--hold-demand",
        base.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(out.join("links.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let row: HashMap<String, String> = header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect();
            ((r[0].to_owned(), r[1].to_owned()), row)
        })
        .collect();
    let summary =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    (rows, summary)
}

/// Total of `column` over the links whose id starts with one of `prefixes` (both directions).
fn total(links: &Links, prefixes: &[&str], column: &str) -> f64 {
    links
        .iter()
        .filter(|((id, _), _)| prefixes.iter().any(|p| id.starts_with(p)))
        .map(|(_, row)| row[column].parse::<f64>().unwrap())
        .sum()
}

#[test]
fn congestion_responds_to_new_roads_new_lines_and_closures() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, summary) = run(tmp.path(), "scenarios/jjj-2024.toml");
    // The summary reports the rounds and the final assignment.
    let congestion = &summary["congestion"];
    let rounds = &summary["equilibrium"]["rounds"];
    // Held against itself, the run resumes from jjj-2024's own loop and repeats its last round.
    assert_eq!(summary["equilibrium"]["resumed"], true);
    assert_eq!(rounds.as_array().unwrap().len(), 1, "{rounds}");
    assert_eq!(summary["equilibrium"]["converged"], true);
    assert!(
        congestion["final_assignment"]["relative_gap"]
            .as_f64()
            .unwrap()
            < 1e-4
    );
    for row in base.values() {
        let (free, congested) = (
            row["free_flow_min"].parse::<f64>().unwrap(),
            row["congested_min"].parse::<f64>().unwrap(),
        );
        assert!(
            congested >= free - 0.01,
            "congestion never speeds a link up: {row:?}"
        );
    }

    // Line 22 from Yanjiao: fewer cars on the roads between Yanjiao and Tongzhou.
    let (line22, _) = run(tmp.path(), "scenarios/line22.toml");
    let yanjiao = ["rd_tongyan", "rd_g102", "rd_xuyin"];
    let (before, after) = (
        total(&base, &yanjiao, "volume_vph"),
        total(&line22, &yanjiao, "volume_vph"),
    );
    assert!(
        after < before,
        "Yanjiao roads: {before} -> {after} cars per hour"
    );

    // The G109 new line: no more traffic on the old G109 into western Beijing (with today's
    // demand the commuters' cars keep off it: 0 -> 0), and the new road carries traffic.
    let (g109, _) = run(tmp.path(), "scenarios/g109-newline.toml");
    let old = ["rd_g109_1", "rd_g109_2"];
    let (before, after) = (
        total(&base, &old, "volume_vph"),
        total(&g109, &old, "volume_vph"),
    );
    assert!(
        after <= before,
        "old G109: {before} -> {after} cars per hour"
    );
    assert!(
        total(&g109, &["rd_g109n_"], "volume_vph") > 0.0,
        "the new line carries traffic"
    );

    // The Jing-Xiong expressway closed: more traffic and no shorter times on the sections of the G4
    // and G45 that run beside it, from Beijing's south-west 5th and 6th rings to Zhuozhou, and
    // from the south 6th ring via Yufa and Gu'an to Bazhou.
    let (closed, _) = run(tmp.path(), "scenarios/jing-xiong-closure.toml");
    let parallel = [
        "rd_g4_3", "rd_g4_4", "rd_g4_5", "rd_g45_5", "rd_g45_6", "rd_g45_7",
    ];
    let (before, after) = (
        total(&base, &parallel, "volume_vph"),
        total(&closed, &parallel, "volume_vph"),
    );
    assert!(after > before, "G4/G45: {before} -> {after} cars per hour");
    let (before, after) = (
        total(&base, &parallel, "congested_min"),
        total(&closed, &parallel, "congested_min"),
    );
    // No faster (the links stay below capacity, where BPR times barely move; 0.01 minute a
    // link is the rounding of links.csv).
    assert!(
        after >= before - 0.06,
        "G4/G45 times: {before} -> {after} minutes"
    );
    assert!(total(&closed, &["rd_jingxiong_"], "volume_vph") == 0.0);
}

#[test]
fn congested_runs_are_identical_at_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("demo-congested.toml");
    std::fs::write(
        &scenario,
        format!(
            "version = 1\nname = \"demo-congested\"\nextends = \"{}\"\n\n[congestion]\nbackground_vc = 0.8\n\n[equilibrium]\ndraws = 3\nmax_rounds = 4\ndestinations = true\n",
            root().join("scenarios/demo-line22.toml").display()
        ),
    )
    .unwrap();
    let (a, b) = run_at_one_and_two_threads(
        tmp.path(),
        scenario.to_str().unwrap(),
        &["--draws", "4", "--quiet"],
    );
    for file in ["od.csv", "zones.csv", "lines.csv", "draws.csv", "links.csv"] {
        let read = |d: &Path| std::fs::read(d.join(file)).unwrap();
        assert!(read(&a) == read(&b), "{file} differs");
    }
    let summary = |d: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(d.join("summary.json")).unwrap()).unwrap()
    };
    assert_eq!(summary(&a)["congestion"], summary(&b)["congestion"]);
    let links = std::fs::read_to_string(a.join("links.csv")).unwrap();
    assert!(links.lines().count() > 1, "{links}");
    let report = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert!(report.contains("<h2>Road traffic</h2>") && report.contains("Most loaded links"));
}

#[test]
fn congestion_settings_are_checked_and_the_conical_function_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, table: &str| {
        let body = format!("[congestion]\n{table}");
        extending_scenario(tmp.path(), name, "scenarios/demo-base.toml", &body)
    };
    let bad = write("bad", "conical_alpha = 0.5\noccupancy = -1\nlanes = 3");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["validate", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(err.contains("bad.toml"), "{err}");
    assert!(err.contains("lanes"), "unknown field named: {err}");
    let bad = write("bad2", "conical_alpha = 0.5\noccupancy = -1");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["validate", bad.to_str().unwrap()])
        .output()
        .unwrap();
    let err = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        err.contains("field `congestion.conical_alpha`: 0.5 is out of range"),
        "{err}"
    );
    assert!(err.contains("field `congestion.occupancy`"), "{err}");

    let conical = write(
        "conical",
        "conical_alpha = 4\nbackground_vc = 0.8\n[equilibrium]\ndraws = 2",
    );
    let out = tmp.path().join("out");
    commute_ok(&[
        "run",
        conical.to_str().unwrap(),
        "--draws",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["congestion"]["settings"]["conical_alpha"], 4.0);
}
