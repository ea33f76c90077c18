//! Tests against the external reference data (../shared/data, or `COMMUTE_SHARED_DATA`): the
//! regional network's figures that carry over from it must still match it. Built only with
//! `--features external-data` (`.ci/run` does); without the data every test fails loudly.

mod common;

use common::root;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

/// The shared data folder; panics with instructions when it is missing.
fn data() -> PathBuf {
    let dir = std::env::var_os("COMMUTE_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/data"));
    assert!(
        dir.join("SOURCES.md").is_file(),
        "external data not found at {}: set COMMUTE_SHARED_DATA to the shared data folder",
        dir.display()
    );
    dir
}

#[test]
fn subway_layer_regenerates_byte_for_byte_from_the_timetables() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--example",
            "import_beijing_subway",
            "--",
            "--data",
        ])
        .arg(data().join("jjj/beijing-subway-tools"))
        .arg("--out")
        .arg(tmp.path())
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "nodes.csv",
        "lines.csv",
        "stops.csv",
        "service.csv",
        "transfers.csv",
    ] {
        let shipped = std::fs::read(root().join("networks/jjj/subway").join(file)).unwrap();
        let regenerated = std::fs::read(tmp.path().join(file)).unwrap();
        assert!(
            shipped == regenerated,
            "networks/jjj/subway/{file} differs from the importer's output"
        );
    }
}

#[test]
fn prefecture_residents_are_the_2010_census_urban_population() {
    let census = std::fs::read_to_string(data().join("jjj/jjj_prefectures_malin84.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(census.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (name, upop) = (col("cityname_eng"), col("upop2010"));
    let urban: HashMap<String, u64> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| {
            (
                r[name].to_lowercase(),
                (r[upop].parse::<f64>().unwrap() * 1e4).round() as u64,
            )
        })
        .collect();
    let zones = std::fs::read_to_string(root().join("networks/jjj/zones.csv")).unwrap();
    let mut checked = 0;
    for row in csv::Reader::from_reader(zones.as_bytes()).records() {
        let row = row.unwrap();
        if let Some(&expected) = urban.get(&row[0]) {
            if row[0] == *"beijing" || row[0] == *"tianjin" {
                continue;
            }
            assert_eq!(row[3].parse::<u64>().unwrap(), expected, "zone {}", &row[0]);
            checked += 1;
        }
    }
    assert_eq!(checked, 11, "the 11 Hebei prefecture cities");
}

#[test]
fn rail_stations_from_the_station_list_are_where_it_puts_them() {
    // Stations marked exact (approximate=false) must match a WGS84 position in the list.
    let list =
        std::fs::read_to_string(data().join("jjj/jjj_railway_stations_listenzcc.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(list.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let (lon, lat) = (
        headers.iter().position(|h| h == "WGS84_Lng").unwrap(),
        headers.iter().position(|h| h == "WGS84_Lat").unwrap(),
    );
    let positions: Vec<(f64, f64)> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[lon].parse().unwrap(), r[lat].parse().unwrap()))
        .collect();
    let nodes = std::fs::read_to_string(root().join("networks/jjj/rail/nodes.csv")).unwrap();
    let mut exact = 0;
    for row in csv::Reader::from_reader(nodes.as_bytes()).records() {
        let row = row.unwrap();
        if &row[5] == "false" {
            let (x, y): (f64, f64) = (row[3].parse().unwrap(), row[4].parse().unwrap());
            assert!(
                positions
                    .iter()
                    .any(|&(a, b)| (a - x).abs() < 1e-5 && (b - y).abs() < 1e-5),
                "{} at {x},{y} is not in the station list",
                &row[0]
            );
            exact += 1;
        }
    }
    assert!(exact >= 20, "only {exact} stations claim list positions");
}
