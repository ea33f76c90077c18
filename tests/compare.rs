//! `commute compare`: zero deltas for a scenario against itself, paired improvements where a
//! scenario changes something and exact zeros where it does not, golden files on the demo
//! network, a well-formed report and GeoJSON with one feature per zone and link.

mod common;

use common::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `commute compare BEFORE AFTER --out <tmp>/NAME --draws DRAWS --quiet` and returns the
/// output folder and the printed summary.
fn compare(tmp: &Path, name: &str, before: &str, after: &str, draws: &str) -> (PathBuf, String) {
    let out = tmp.join(name);
    let printed = commute_ok(&[
        "compare",
        before,
        after,
        "--out",
        out.to_str().unwrap(),
        "--draws",
        draws,
        "--quiet",
    ]);
    (out, printed)
}

/// compare.csv rows by (origin, destination, mode), as column -> value maps.
fn rows(dir: &Path) -> HashMap<(String, String, String), HashMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("compare.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let map: HashMap<String, String> = header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect();
            ((r[0].to_owned(), r[1].to_owned(), r[2].to_owned()), map)
        })
        .collect()
}

fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column}: {:?}", row[column]))
}

const DELTAS: [&str; 6] = [
    "delta_mean_min",
    "delta_mean_ci_low_min",
    "delta_mean_ci_high_min",
    "delta_p50_min",
    "delta_p95_min",
    "after_commuters",
];

#[test]
fn a_scenario_compared_with_itself_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, printed) = compare(
        tmp.path(),
        "self",
        "scenarios/demo-base.toml",
        "scenarios/demo-base.toml",
        "5",
    );
    let all = rows(&out);
    assert!(all.len() > 500, "{}", all.len());
    for (key, row) in &all {
        for column in &DELTAS[..5] {
            let cell = &row[*column];
            assert!(
                cell.is_empty() || cell == "0.00" || cell == "0.0",
                "{key:?} {column} = {cell}"
            );
        }
        assert_eq!(row["before_commuters"], row["after_commuters"], "{key:?}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["paired"], true);
    let region = &json["region"];
    assert_eq!(region["mean_commute"]["delta"], 0.0);
    assert_eq!(region["mean_commute"]["ci_low"], 0.0);
    assert_eq!(region["hours_saved_per_morning"], 0.0);
    assert_eq!(region["winners"], 0.0);
    assert_eq!(json["top_improvements"], serde_json::json!([]));
    for p in json["policy"].as_array().unwrap() {
        assert_eq!(p["delta"], 0.0, "{p}");
    }
    assert!(
        printed.contains("(5 draws, seed 20240501, paired)"),
        "{printed}"
    );
    // The after loop resumed from the before's and stopped at once; both said so.
    assert_eq!(json["after"]["equilibrium"]["resumed"], true);
    assert_eq!(json["after"]["equilibrium"]["rounds"], 1);
    // The before's resumed in step with it: no step either.
    assert_eq!(json["before"]["equilibrium"]["in_step"], true);
    assert_eq!(json["before"]["equilibrium"]["rounds"], 1);
    assert!(
        printed.contains(
            "before resumed in step with the after's, converged in 1 round; after resumed from the before's, converged in 1 round"
        ),
        "{printed}"
    );
    // The demo's trains are full: the surplus counts them by the chance of a place.
    assert!(
        printed.contains("only as far as its riders find a place on it or the next one"),
        "{printed}"
    );
}

/// Checks a comparison with line 22 added: Yanjiao - Guomao faster with an interval below zero
/// (by more than 5 minutes by public transport; the chosen modes' mean less, as drivers are
/// unchanged and line 22's trains fill up), pairs far from it unchanged to the last digit.
fn line22_effects(out: &Path, far: &[(&str, &str)]) {
    let all = rows(out);
    let get = |o: &str, d: &str, mode: &str| {
        all.get(&(o.to_owned(), d.to_owned(), mode.to_owned()))
            .unwrap_or_else(|| panic!("no row {o} {d} {mode}"))
    };
    for (mode, at_least) in [("chosen", 2.0), ("best", 5.0), ("transit", 5.0)] {
        let row = get("yanjiao", "guomao", mode);
        assert!(num(row, "delta_mean_min") < -at_least, "{mode}: {row:?}");
        // The chosen modes' mean is over the commuters served, who change from morning to
        // morning as full trains turn riders away: its interval is wide with a few draws.
        if mode != "chosen" {
            assert!(
                num(row, "delta_mean_ci_high_min") < 0.0,
                "{mode}: CI excludes zero: {row:?}"
            );
        }
    }
    for &(o, d) in far {
        for mode in ["car", "transit", "best"] {
            let row = get(o, d, mode);
            for column in &DELTAS[..5] {
                let cell = &row[*column];
                assert!(
                    cell.is_empty() || cell == "0.00" || cell == "0.0",
                    "{o} -> {d} {mode} {column} = {cell}"
                );
            }
        }
    }
}

#[test]
fn line22_on_the_demo_network_helps_yanjiao_and_nothing_far_away() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = compare(
        tmp.path(),
        "l22",
        "scenarios/demo-base.toml",
        "scenarios/demo-line22.toml",
        "10",
    );
    line22_effects(
        &out,
        &[
            ("xiongan", "daxing"),
            ("zhuozhou", "finstreet"),
            ("tianjin", "langfang"),
        ],
    );
}

#[test]
fn line22_on_the_regional_network_helps_yanjiao_and_nothing_far_away() {
    // Free-flow roads and no crowding cost: with them every trip feels the others, and the exact
    // zeros far from line 22 are what common random numbers promise only without them
    // (tests/congestion.rs checks line 22 with congestion).
    let tmp = tempfile::tempdir().unwrap();
    let free_flow = |name: &str, file: &str| {
        let path = tmp.path().join(format!("{name}.toml"));
        let text = format!(
            "version = 1\nname = \"{name}\"\nextends = \"{}\"\n\n[congestion]\nenabled = false\n\n[crowding]\nenabled = false\n",
            root().join(file).display()
        );
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let (before, after) = (
        free_flow("jjj-2024-ff", "scenarios/jjj-2024.toml"),
        free_flow("line22-ff", "scenarios/line22.toml"),
    );
    let (out, printed) = compare(tmp.path(), "jjj", &before, &after, "4");
    line22_effects(
        &out,
        &[
            ("xiongan", "shijiazhuang"),
            ("handan", "xingtai"),
            ("tianjin", "binhai"),
        ],
    );
    assert!(printed.contains("jjj-2024-ff -> line22-ff"), "{printed}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    // Yanjiao's million residents join Beijing's 1-hour circle.
    let circle = json["policy"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["metric"] == "one_hour_circle_residents_p50")
        .unwrap();
    assert_eq!(circle["delta"], 1_000_000.0, "{circle}");
    // Line 22's trains carry Yanjiao's commuters: more of them ride public transport. (Not
    // fewer unserved: line 22 fills too, and feeds Beijing's full lines, where those turned
    // away queue for later trains; capacity is shared.)
    let zones = std::fs::read_to_string(out.join("zones.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(zones.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let yanjiao = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[0] == "yanjiao")
        .unwrap();
    let transit = |side: &str| -> f64 {
        yanjiao[column(&format!("{side}_transit_share"))]
            .parse()
            .unwrap()
    };
    assert!(
        transit("after") > transit("before") + 0.02,
        "Yanjiao transit {} -> {}",
        transit("before"),
        transit("after")
    );
    assert_eq!(json["top_improvements"][0]["origin"], "yanjiao");
}

/// Golden files: `UPDATE_GOLDEN=1 cargo test --test compare` rewrites them.
#[test]
fn demo_comparison_matches_the_golden_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = compare(
        tmp.path(),
        "golden",
        "scenarios/demo-base.toml",
        "scenarios/demo-line22.toml",
        "6",
    );
    let golden = root().join("tests/golden/demo-line22");
    for file in ["compare.csv", "compare.json"] {
        let got = std::fs::read_to_string(out.join(file)).unwrap();
        let path = golden.join(file);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(got.lines().count().min(want.lines().count()));
            panic!(
                "{file} differs from {} at line {} (UPDATE_GOLDEN=1 rewrites it):\n got: {}\nwant: {}",
                path.display(),
                line + 1,
                got.lines().nth(line).unwrap_or(""),
                want.lines().nth(line).unwrap_or("")
            );
        }
    }
}

/// Tags opened and closed in order (void and self-closed elements aside).
fn assert_well_formed(html: &str) {
    const VOID: [&str; 3] = ["meta", "br", "hr"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("unclosed tag") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if VOID.contains(&name.as_str()) {
            continue;
        }
        if tag.starts_with('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "</{name}> closes <{open}>");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn the_report_and_geojson_are_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = compare(
        tmp.path(),
        "report",
        "scenarios/demo-base.toml",
        "scenarios/demo-line22.toml",
        "3",
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_well_formed(&html);
    for section in [
        "What changed",
        "Headline",
        "Policy goals",
        "Door-to-door travel times",
        "Mode shares",
        "Map: who gains",
        "Detail: around the change",
        "Top 20 improvements",
        "Top 20 worsenings",
        "Line ridership",
        "Zones",
    ] {
        assert!(html.contains(&format!("<h2>{section}</h2>")), "{section}");
    }
    assert!(html.contains("add-line L22"), "the modification is listed");
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
    let geo = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join(name)).unwrap()).unwrap()
    };
    let zones = geo("zones.geojson");
    assert_eq!(zones["type"], "FeatureCollection");
    assert_eq!(zones["features"].as_array().unwrap().len(), 12);
    assert!(zones["features"][0]["properties"]["delta_mean_commute_min"].is_number());
    let network = geo("network.geojson");
    let features = network["features"].as_array().unwrap();
    let net = load(&root().join("scenarios/demo-line22.toml")).network;
    assert_eq!(features.len(), net.roads().len() + net.lines().len());
    let l22 = features
        .iter()
        .find(|f| f["properties"]["id"] == "L22")
        .unwrap();
    assert_eq!(l22["properties"]["change"], "added");
    assert_eq!(
        features
            .iter()
            .filter(|f| f["properties"]["change"] != "same")
            .count(),
        1,
        "only L22 changed"
    );

    // A single Monte-Carlo run writes its own report and layers.
    let run = tmp.path().join("run");
    commute_ok(&[
        "run",
        "scenarios/demo-base.toml",
        "--draws",
        "3",
        "--out",
        run.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert_well_formed(&html);
    for section in [
        "Headline",
        "Policy goals",
        "Door-to-door travel times",
        "Map",
        "Busiest lines",
    ] {
        assert!(html.contains(&format!("<h2>{section}</h2>")), "{section}");
    }
}

#[test]
fn run_folders_compare_when_paired_and_refuse_otherwise() {
    let tmp = tempfile::tempdir().unwrap();
    // The after runs hold the before scenario's commuters, as a comparison of the scenario files
    // does by default (fixed demand).
    let run = |name: &str, scenario: &str, seed: &str| {
        let out = tmp.path().join(name);
        commute_ok(&[
            "run",
            scenario,
            "--draws",
            "4",
            "--seed",
            seed,
            "--hold-demand",
            "scenarios/demo-base.toml",
            "--out",
            out.to_str().unwrap(),
        ]);
        out
    };
    let before = run("before", "scenarios/demo-base.toml", "7");
    let after = run("after", "scenarios/demo-line22.toml", "7");
    let other = run("other", "scenarios/demo-line22.toml", "8");
    // Folders give the same comparison as the scenarios run with the same seed and draws.
    let from_folders = tmp.path().join("folders");
    commute_ok(&[
        "compare",
        before.to_str().unwrap(),
        after.to_str().unwrap(),
        "--out",
        from_folders.to_str().unwrap(),
    ]);
    let from_scenarios = tmp.path().join("scenarios-seed7");
    commute_ok(&[
        "compare",
        "scenarios/demo-base.toml",
        "scenarios/demo-line22.toml",
        "--draws",
        "4",
        "--seed",
        "7",
        "--out",
        from_scenarios.to_str().unwrap(),
    ]);
    // The after sides are the same run (resumed from the base's loop). The before side of the
    // scenario files resumes in step with the after's loop, which folders cannot: it differs
    // only where those steps moved the base's conditions, and says so.
    let side = |dir: &Path, prefix: &str| -> Vec<Vec<(String, String)>> {
        csv_rows(&dir.join("compare.csv"))
            .into_iter()
            .map(|row| {
                let mut cells: Vec<(String, String)> = row
                    .into_iter()
                    .filter(|(h, _)| {
                        h.starts_with(prefix)
                            || ["origin", "destination", "mode"].contains(&h.as_str())
                    })
                    .collect();
                cells.sort();
                cells
            })
            .collect()
    };
    assert_eq!(
        side(&from_folders, "after_"),
        side(&from_scenarios, "after_")
    );
    let in_step = |dir: &Path| {
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("compare.json")).unwrap()).unwrap();
        json["before"]["equilibrium"]["in_step"].clone()
    };
    assert_eq!(in_step(&from_folders), false);
    assert_eq!(in_step(&from_scenarios), true);
    // Different seeds: refused with exit code 2 and the reason, unless asked.
    let refused = Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["compare", before.to_str().unwrap(), other.to_str().unwrap()])
        .args(["--out", tmp.path().join("no").to_str().unwrap()])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("not paired (seeds 7 and 8)"), "{err}");
    assert!(!tmp.path().join("no").exists(), "no partial output");
    let unpaired = tmp.path().join("unpaired");
    commute_ok(&[
        "compare",
        before.to_str().unwrap(),
        other.to_str().unwrap(),
        "--allow-unpaired",
        "--out",
        unpaired.to_str().unwrap(),
    ]);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(unpaired.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["paired"], false);
    // A damaged draws.csv is an input error, never a panic or a silently wrong comparison.
    let draws = std::fs::read_to_string(after.join("draws.csv")).unwrap();
    let fails = |name: &str, text: &str, expect: &str| {
        let broken = tmp.path().join(name);
        std::fs::create_dir_all(&broken).unwrap();
        for entry in std::fs::read_dir(&after).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), broken.join(entry.file_name())).unwrap();
        }
        std::fs::write(broken.join("draws.csv"), text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_commute"))
            .args([
                "compare",
                before.to_str().unwrap(),
                broken.to_str().unwrap(),
            ])
            .args([
                "--out",
                tmp.path().join(format!("{name}-out")).to_str().unwrap(),
            ])
            .current_dir(root())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(expect), "{name}: {err}");
    };
    let lines: Vec<&str> = draws.lines().collect();
    fails(
        "truncated",
        &(lines[..lines.len() - 5].join("\n") + "\n"),
        "draws.csv: incomplete:",
    );
    let mut bad_draw: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    bad_draw[1] = bad_draw[1].replacen(",0,", ",99,", 1);
    fails(
        "outside",
        &(bad_draw.join("\n") + "\n"),
        "draws.csv:2: field `draw`: draw 99 is not below the 4 draws",
    );
    // One draw gives no interval; another network is not a comparison.
    let refused = |args: &[&str], expect: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_commute"))
            .args(args)
            .current_dir(root())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(expect), "{err}");
    };
    refused(
        &[
            "compare",
            "scenarios/demo-base.toml",
            "scenarios/demo-line22.toml",
            "--draws",
            "1",
        ],
        "must be from 2 to 10000, got 1",
    );
    refused(
        &[
            "compare",
            "scenarios/demo-base.toml",
            "scenarios/line22.toml",
            "--draws",
            "2",
        ],
        "not the same region",
    );
    // A deterministic run cannot be compared.
    let plain = tmp.path().join("plain");
    commute_ok(&[
        "run",
        "scenarios/demo-base.toml",
        "--out",
        plain.to_str().unwrap(),
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["compare", plain.to_str().unwrap(), after.to_str().unwrap()])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("compare needs a Monte-Carlo run"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A run's `links.csv` from (link, direction, from, to, volume, congested minutes, speed):
/// background 500 pcu/h and capacity 4000 veh/h everywhere, free flow 0.8 x congested.
fn links_csv(rows: &[(&str, &str, &str, &str, f64, f64, f64)]) -> String {
    let mut text = commute::io::columns::<commute::run::LinkRow>().join(",") + "\n";
    for (link, direction, from, to, volume, minutes, speed) in rows {
        text.push_str(&format!(
            "{link},{direction},Road {link},expressway,{from},{to},{:.4},{volume:.1},500.0,4000.0,{:.3},{:.2},{minutes:.2},{speed:.1}\n",
            speed * minutes / 60.0,
            (volume + 500.0) / 4000.0,
            minutes * 0.8
        ));
    }
    text
}

fn copy_run(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn link_volumes_compare_when_both_runs_have_links_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |name: &str, scenario: &str| {
        let out = tmp.path().join(name);
        commute_ok(&[
            "run",
            scenario,
            "--draws",
            "3",
            "--seed",
            "7",
            "--out",
            out.to_str().unwrap(),
        ]);
        out
    };
    let before = run("before", "scenarios/demo-base.toml");
    let after = run("after", "scenarios/demo-line22.toml");
    let compare_folders = |b: &Path, a: &Path, name: &str| {
        let out = tmp.path().join(name);
        commute_ok(&[
            "compare",
            b.to_str().unwrap(),
            a.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        out
    };
    let plain = compare_folders(&before, &after, "plain");
    assert!(!plain.join("links.csv").exists());
    // Line 22 takes cars off the G1 from Yanjiao; a new road appears, an old one closes.
    let yt = ("rd_yanjiao_tongzhou", "r_yanjiao", "r_tongzhou");
    let st = ("rd_sihui_tongzhou", "r_sihui", "r_tongzhou");
    std::fs::write(
        before.join("links.csv"),
        links_csv(&[
            (yt.0, "forward", yt.1, yt.2, 2000.0, 30.0, 40.0),
            (yt.0, "backward", yt.2, yt.1, 300.0, 24.0, 50.0),
            (st.0, "forward", st.1, st.2, 1500.0, 12.0, 50.0),
            (st.0, "backward", st.2, st.1, 900.0, 10.0, 60.0),
            ("rd_old", "forward", "r_fin", "r_guomao", 100.0, 20.0, 30.0),
        ]),
    )
    .unwrap();
    std::fs::write(
        after.join("links.csv"),
        links_csv(&[
            (yt.0, "forward", yt.1, yt.2, 1600.0, 27.0, 44.4),
            (yt.0, "backward", yt.2, yt.1, 300.0, 24.0, 50.0),
            (st.0, "forward", st.1, st.2, 1450.0, 12.0, 50.0),
            (st.0, "backward", st.2, st.1, 900.0, 10.0, 60.0),
            (
                "rd_new",
                "forward",
                "r_yanjiao",
                "r_sihui",
                250.0,
                15.0,
                60.0,
            ),
        ]),
    )
    .unwrap();
    let out = compare_folders(&before, &after, "links");
    // Zone-pair figures do not depend on links.csv.
    assert_eq!(
        std::fs::read(out.join("compare.csv")).unwrap(),
        std::fs::read(plain.join("compare.csv")).unwrap()
    );
    let text = std::fs::read_to_string(out.join("links.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header = commute::compare::LINKS_CSV_COLUMNS.join(",");
    assert_eq!(
        lines,
        [
            header.as_str(),
            "rd_yanjiao_tongzhou,forward,Road rd_yanjiao_tongzhou,expressway,r_yanjiao,r_tongzhou,both,2000.0,1600.0,-400.0,0.625,0.525,-0.100,40.0,44.4,4.4,30.00,27.00,-3.00",
            "rd_yanjiao_tongzhou,backward,Road rd_yanjiao_tongzhou,expressway,r_tongzhou,r_yanjiao,both,300.0,300.0,0.0,0.200,0.200,0.000,50.0,50.0,0.0,24.00,24.00,0.00",
            "rd_sihui_tongzhou,forward,Road rd_sihui_tongzhou,expressway,r_sihui,r_tongzhou,both,1500.0,1450.0,-50.0,0.500,0.487,-0.013,50.0,50.0,0.0,12.00,12.00,0.00",
            "rd_sihui_tongzhou,backward,Road rd_sihui_tongzhou,expressway,r_tongzhou,r_sihui,both,900.0,900.0,0.0,0.350,0.350,0.000,60.0,60.0,0.0,10.00,10.00,0.00",
            "rd_new,forward,Road rd_new,expressway,r_yanjiao,r_sihui,added,,250.0,250.0,,0.188,,,60.0,,,15.00,",
            "rd_old,forward,Road rd_old,expressway,r_fin,r_guomao,removed,100.0,,-100.0,0.150,,,30.0,,,20.00,,",
        ]
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    let links = &json["links"];
    assert_eq!(links["links"], serde_json::json!([5, 5]));
    assert_eq!(
        (links["added"].as_u64(), links["removed"].as_u64()),
        (Some(1), Some(1))
    );
    // km = speed x congested minutes / 60.
    let km = |v: f64, min: f64, speed: f64| v * speed * min / 60.0;
    let vkm_before = km(2000.0, 30.0, 40.0)
        + km(300.0, 24.0, 50.0)
        + km(1500.0, 12.0, 50.0)
        + km(900.0, 10.0, 60.0)
        + km(100.0, 20.0, 30.0);
    let vkm_after = km(1600.0, 27.0, 44.4)
        + km(300.0, 24.0, 50.0)
        + km(1450.0, 12.0, 50.0)
        + km(900.0, 10.0, 60.0)
        + km(250.0, 15.0, 60.0);
    let close = |x: &serde_json::Value, y: f64| (x.as_f64().unwrap() - y).abs() < 1e-6;
    assert!(close(&links["vehicle_km"][0], vkm_before), "{links}");
    assert!(
        close(&links["delta_vehicle_km"], vkm_after - vkm_before),
        "{links}"
    );
    let top: Vec<(&str, f64)> = links["largest_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["link"].as_str().unwrap(),
                l["delta_volume_vph"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        top,
        [
            ("rd_yanjiao_tongzhou", -400.0),
            ("rd_new", 250.0),
            ("rd_old", -100.0),
            ("rd_sihui_tongzhou", -50.0)
        ]
    );
    assert!(
        links["note"]
            .as_str()
            .unwrap()
            .contains("no confidence intervals")
    );
    // Road features carry the change of both directions together.
    let network: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("network.geojson")).unwrap()).unwrap();
    let road = |id: &str| {
        network["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["id"] == id)
            .unwrap()["properties"]
            .clone()
    };
    assert_eq!(road(yt.0)["volume_change_vph"], -400.0);
    assert_eq!(road(yt.0)["before_volume_vph"], 2300.0);
    assert_eq!(road(yt.0)["after_volume_capacity"], 0.525);
    assert!(road("rd_fin_guomao").get("volume_change_vph").is_none());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_well_formed(&html);
    for section in [
        "Road traffic",
        "Map: road traffic",
        "Detail: road traffic around the largest changes",
        "Top 20 volume changes",
    ] {
        assert!(html.contains(&format!("<h2>{section}</h2>")), "{section}");
    }
    assert!(html.contains("G1") || html.contains("rd_yanjiao_tongzhou"));

    // Only one run has links.csv: no link comparison, a note in the report.
    let bare = tmp.path().join("bare");
    copy_run(&after, &bare);
    std::fs::remove_file(bare.join("links.csv")).unwrap();
    let one = compare_folders(&before, &bare, "one");
    assert!(!one.join("links.csv").exists());
    let html = std::fs::read_to_string(one.join("report.html")).unwrap();
    assert!(!html.contains("<h2>Road traffic</h2>"));
    assert!(html.contains("only the before run has links.csv"), "note");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("compare.json")).unwrap()).unwrap();
    assert!(json.get("links").is_none() && json["links_note"].is_string());

    // A damaged links.csv is an input error naming file, line and field; nothing is written.
    let broken = tmp.path().join("broken");
    copy_run(&after, &broken);
    let text = std::fs::read_to_string(after.join("links.csv")).unwrap();
    std::fs::write(
        broken.join("links.csv"),
        text.replacen(",300.0,500.0,", ",many,500.0,", 1),
    )
    .unwrap();
    let no = tmp.path().join("no");
    let out = Command::new(env!("CARGO_BIN_EXE_commute"))
        .args([
            "compare",
            before.to_str().unwrap(),
            broken.to_str().unwrap(),
        ])
        .args(["--out", no.to_str().unwrap()])
        .current_dir(root())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("links.csv:3: field `volume_vph`: expected a number, got `many`"),
        "{err}"
    );
    assert!(!no.exists(), "no partial output");
}

#[test]
fn the_horizon_is_chosen_in_the_scenario_file_or_on_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = |name: &str, horizon: &str| {
        let path = tmp.path().join(format!("{name}.toml"));
        let extends = root().join("scenarios/demo-line22.toml");
        std::fs::write(
            &path,
            format!(
                "version = 1\nname = \"{name}\"\nextends = {:?}\nhorizon = \"{horizon}\"\n",
                extends.to_str().unwrap()
            ),
        )
        .unwrap();
        path.to_str().unwrap().to_owned()
    };
    let (fixed, variable) = (scenario("fixed", "fixed"), scenario("variable", "variable"));
    let run = |name: &str, args: &[&str]| {
        let out = tmp.path().join(name);
        let mut all = vec!["run", "--draws", "3", "--quiet", "--out"];
        all.push(out.to_str().unwrap());
        all.extend(args);
        commute_ok(&all);
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        (out, summary["demand"].clone())
    };
    // `horizon = "fixed"` holds the commuters of the scenario the file extends, exactly as
    // --hold-demand naming that scenario does.
    let (from_file, demand) = run("from-file", &[&fixed]);
    assert_eq!(demand["horizon"], "fixed_demand");
    assert_eq!(demand["held_from"], "demo-line22");
    let parent = root().join("scenarios/demo-line22.toml");
    let (explicit, _) = run(
        "explicit",
        &[&fixed, "--hold-demand", parent.to_str().unwrap()],
    );
    assert_eq!(
        std::fs::read(from_file.join("od.csv")).unwrap(),
        std::fs::read(explicit.join("od.csv")).unwrap()
    );
    // The command line overrides the file.
    let (_, demand) = run("overridden", &[&fixed, "--horizon", "variable"]);
    assert_eq!(demand["horizon"], "variable_destination");
    assert!(demand["held_from"].is_null());
    let (_, demand) = run("fixed-asked", &[&variable, "--horizon", "fixed"]);
    assert_eq!(demand["horizon"], "fixed_demand");

    // compare: the after file's horizon unless --horizon says otherwise; fixed by default.
    let horizon_of = |name: &str, after: &str, args: &[&str]| {
        let out = tmp.path().join(name);
        let mut all = vec!["compare", "scenarios/demo-base.toml", after, "--draws", "2"];
        all.extend(["--quiet", "--out", out.to_str().unwrap()]);
        all.extend(args);
        commute_ok(&all);
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
        json["after"]["horizon"].as_str().unwrap().to_owned()
    };
    assert_eq!(horizon_of("c-file", &variable, &[]), "variable_destination");
    assert_eq!(
        horizon_of("c-flag", &variable, &["--horizon", "fixed"]),
        "fixed_demand"
    );
    assert_eq!(
        horizon_of("c-default", "scenarios/demo-line22.toml", &[]),
        "fixed_demand"
    );
}

/// A comparison, its after loop resumed from the before's, is byte-identical at 1 and 2 threads.
#[test]
fn a_comparison_is_the_same_at_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let out = |threads: &str| {
        let dir = tmp.path().join(format!("threads-{threads}"));
        commute_ok(&[
            "compare",
            "scenarios/demo-base.toml",
            "scenarios/demo-line22.toml",
            "--draws",
            "3",
            "--threads",
            threads,
            "--quiet",
            "--out",
            dir.to_str().unwrap(),
        ]);
        dir
    };
    let (one, two) = (out("1"), out("2"));
    for file in [
        "compare.csv",
        "compare.json",
        "zones.csv",
        "lines.csv",
        "report.html",
    ] {
        assert_eq!(
            std::fs::read(one.join(file)).unwrap(),
            std::fs::read(two.join(file)).unwrap(),
            "{file}"
        );
    }
}
