//! `commute import --osm` (issue 16) on a hand-made extract (tests/fixtures/osm/mini.osm.pbf,
//! written by scripts/osm-fixture.py), one way for each rule of docs/import.md; then the roads
//! with the mini GTFS feed in one folder, and `commute sp` on the folder by distance and time.

mod common;

use common::{commute, csv_rows, root};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn extract() -> PathBuf {
    root().join("tests/fixtures/osm/mini.osm.pbf")
}

fn import(args: &[&str], out: &Path) -> std::process::Output {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.extend(["--out", out.to_str().unwrap()]);
    commute(&all)
}

/// The mini feed and the mini extract imported together into `dir/both`.
fn import_feed_and_roads(dir: &Path) -> PathBuf {
    let net = dir.join("both");
    let feed = root().join("tests/fixtures/gtfs/mini");
    let out = import(
        &[
            "--gtfs",
            feed.to_str().unwrap(),
            "--osm",
            extract().to_str().unwrap(),
            "--date",
            "2024-05-06",
        ],
        &net,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    net
}

/// `sp DIR --source A --target B --metric METRIC --json`: the distance, or None.
fn sp(net: &Path, from: &str, to: &str, metric: &str) -> Option<f64> {
    let out = commute(&[
        "sp",
        net.to_str().unwrap(),
        "--source",
        from,
        "--target",
        to,
        "--metric",
        metric,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["distances"][to].as_f64()
}

#[test]
fn drivable_ways_become_links_between_junctions() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("roads");
    let out = import(&["--osm", extract().to_str().unwrap()], &net);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("8 ways (6 drivable)"), "{stderr}");
    let roads = csv_rows(&net.join("roads.csv"));
    let link = |id: &str| roads.iter().find(|r| r["id"] == id);
    let ids: Vec<&str> = roads.iter().map(|r| r["id"].as_str()).collect();
    // w1 cut at its junctions 2 and 3; w4 (a dead end) dropped; w5 (footway) and w6 (private)
    // not drivable; the roundabout w7 cut halfway; w8 kept up to the node the extract lacks.
    assert_eq!(
        ids,
        [
            "w1-1", "w1-2", "w1-3", "w2-1", "w2-2", "w3-1", "w7-1", "w7-2", "w8-1"
        ]
    );
    let w1 = link("w1-1").unwrap();
    assert_eq!(
        [
            &w1["oneway"],
            &w1["lanes"],
            &w1["capacity_vph"],
            &w1["speed_kmh"]
        ],
        ["false", "2", "1800", "60"]
    );
    // 30 mph, one-way in node order.
    let w2 = link("w2-1").unwrap();
    assert_eq!(
        [&w2["from"], &w2["to"], &w2["oneway"], &w2["speed_kmh"]],
        ["4", "5", "true", "48.28"]
    );
    // oneway=-1: drawn from its last node to its first.
    let w3 = link("w3-1").unwrap();
    assert_eq!([&w3["from"], &w3["to"], &w3["oneway"]], ["6", "1", "true"]);
    assert_eq!(
        link("w7-1").unwrap()["oneway"],
        "true",
        "a roundabout is one-way"
    );
    let nodes = csv_rows(&net.join("nodes.csv"));
    assert!(
        nodes.iter().all(|n| n["id"] != "7"),
        "the dead end's node is kept"
    );
    let readme = fs::read_to_string(net.join("README.md")).unwrap();
    assert!(readme.contains("Links outside the largest strongly connected part left out: 1"));
    assert!(readme.contains("© OpenStreetMap contributors, ODbL"));
    let out = commute(&["validate", net.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sp_measures_the_imported_roads_by_osm_node_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("roads");
    assert!(
        import(&["--osm", extract().to_str().unwrap()], &net)
            .status
            .success()
    );
    let roads = csv_rows(&net.join("roads.csv"));
    let km = |id: &str| -> f64 {
        roads.iter().find(|r| r["id"] == id).unwrap()["length_km"]
            .parse()
            .unwrap()
    };
    // West Road runs 6 -> 1 only: from 1 to 6 a car goes round by Chang'an Avenue and North
    // Street.
    let direct = sp(&net, "6", "1", "distance").unwrap();
    assert!((direct - km("w3-1") * 1000.0).abs() < 0.1, "{direct}");
    let round = sp(&net, "1", "6", "distance").unwrap();
    let expected = (km("w1-1") + km("w1-2") + km("w1-3") + km("w2-1") + km("w2-2")) * 1000.0;
    assert!((round - expected).abs() < 0.5, "{round} against {expected}");
    // By free-flow time: 667 m at 50 km/h is 48 s.
    assert_eq!(sp(&net, "6", "1", "time"), Some(48.0));
    // A node that is not a junction of the folder is refused.
    let out = commute(&[
        "sp",
        net.to_str().unwrap(),
        "--source",
        "7",
        "--metric",
        "distance",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn roads_and_a_feed_make_one_network_that_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let net = import_feed_and_roads(tmp.path());
    let access = csv_rows(&net.join("access.csv"));
    assert!(access.iter().any(|a| a["mode"] == "car"));
    assert!(access.iter().any(|a| a["mode"] == "walk"));
    // Every zone drives to a junction.
    let zones = csv_rows(&net.join("zones.csv"));
    for z in &zones {
        assert!(
            access
                .iter()
                .any(|a| a["zone"] == z["id"] && a["mode"] == "car"),
            "{}",
            z["id"]
        );
        assert_eq!(z["car_share"], "0.5");
    }
    let run = tmp.path().join("run");
    let out = commute(&[
        "run",
        net.to_str().unwrap(),
        "--draws",
        "2",
        "--out",
        run.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    assert!(
        summary["demand"]["car_share"].as_f64().unwrap() > 0.0,
        "nobody drives"
    );
}

#[test]
fn a_file_that_is_not_an_extract_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.osm.pbf");
    fs::write(&bad, "this is not a protocol buffer").unwrap();
    let net = tmp.path().join("net");
    let out = import(&["--osm", bad.to_str().unwrap()], &net);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.osm.pbf: cannot be read as an OpenStreetMap PBF extract"),
        "{stderr}"
    );
    assert!(!net.exists());
    let out = import(
        &[
            "--osm",
            tmp.path().join("missing.osm.pbf").to_str().unwrap(),
        ],
        &net,
    );
    assert_eq!(out.status.code(), Some(2));
}

/// Every kind of modification applies to an imported folder (feed and roads), and the
/// scenario runs.
#[test]
fn every_modification_works_on_an_imported_network() {
    let tmp = tempfile::tempdir().unwrap();
    import_feed_and_roads(tmp.path());
    let scenario = tmp.path().join("all.toml");
    fs::write(
        &scenario,
        r#"version = 1
name = "all-modifications"
network = "both"

[[modifications]]
type = "add-node"
id = "E"
name = "East Gate"
kind = "bus_stop"
lon = 116.431
lat = 39.900
access = [{ zone = "g2_0", mode = "walk", minutes = 3 }]
transfers = [{ to = "C", minutes = 2 }]

[[modifications]]
type = "add-line"
id = "X1"
name = "Express"
mode = "bus"
capacity = 80
seats = 30
fare = "flat:3"
oneway = true
stops = [{ node = "S1", run_min = 0, dwell_min = 0, distance_km = 0 }, { node = "E", run_min = 6, dwell_min = 0, distance_km = 2.6 }]
headways = [{ start = "06:00", end = "10:00", headway_min = 10 }]

[[modifications]]
type = "remove-line"
lines = ["R3"]

[[modifications]]
type = "adjust-frequency"
line = "R1-2"
headways = [{ start = "07:00", end = "09:00", headway_min = 15 }]

[[modifications]]
type = "adjust-speed"
line = "R2-1"
run_time_factor = 0.8

[[modifications]]
type = "adjust-speed"
road = "w1-1"
speed_kmh = 40

[[modifications]]
type = "add-road"
nodes = [{ id = "j_new", name = "New junction", kind = "road_junction", lon = 116.435, lat = 39.899 }]
links = [{ id = "rd_new", from = "4", to = "j_new", length_km = 0.43, speed_kmh = 50, capacity_vph = 900 }]

[[modifications]]
type = "close-link"
links = ["w1", "w8-1"]

[[modifications]]
type = "set-capacity"
line = "R1-1"
capacity = 100

[[modifications]]
type = "set-fare"
fare = "flat:1"
modes = ["subway"]

[[modifications]]
type = "add-zone"
id = "east"
name = "East"
lon = 116.436
lat = 39.900
residents = 3000
jobs = 500
car_share = 0.4
access = [{ node = "E", mode = "walk", minutes = 5 }, { node = "j_new", mode = "car", minutes = 2 }]

[[modifications]]
type = "scale-demand"
factor = 1.5
origins = ["east"]
"#,
    )
    .unwrap();
    let out = commute(&["validate", scenario.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = tmp.path().join("run");
    let out = commute(&[
        "run",
        scenario.to_str().unwrap(),
        "--draws",
        "2",
        "--out",
        run.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = csv_rows(&run.join("lines.csv"));
    assert!(lines.iter().any(|l| l["line"] == "X1"));
    assert!(lines.iter().all(|l| l["line"] != "R3"));
}

#[test]
fn a_box_cuts_the_ways_at_its_edge() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("boxed");
    // East of 116.425 is outside: Chang'an Avenue ends at node 3 and North Street is cut off,
    // so West Road (one-way out of node 6, which nothing reaches any more) is dropped; the
    // roundabout at node 2 stays.
    let out = import(
        &[
            "--osm",
            extract().to_str().unwrap(),
            "--bbox",
            "116.39,39.89,116.425,39.91",
        ],
        &net,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids: Vec<String> = csv_rows(&net.join("roads.csv"))
        .into_iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(ids, ["w1-1", "w1-2", "w7-1", "w7-2"]);
}
