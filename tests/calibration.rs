//! The regional network against the published travel times it must reproduce
//! (../shared/facts/jjj-seed-facts.md, copied into networks/jjj/README.md), measured as a user
//! would: `commute route --json`, in the scenario where the infrastructure exists.

mod common;

use common::root;
use serde_json::Value;
use std::process::Command;

fn route(scenario: &str, from: &str, to: &str, mode: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_commute"))
        .args([
            "route", scenario, "--from", from, "--to", to, "--mode", mode, "--json",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Minutes spent in legs whose mode is one of `modes` (and, when given, on line `line`).
fn in_vehicle(v: &Value, modes: &[&str], line: Option<&str>) -> f64 {
    v["legs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| modes.contains(&l["mode"].as_str().unwrap()) && l["line"] != "feeder")
        .filter(|l| line.is_none_or(|id| l["line"] == id))
        .map(|l| l["minutes"].as_f64().unwrap())
        .sum()
}

fn assert_within(what: &str, value: f64, low: f64, high: f64) {
    assert!(
        (low..=high).contains(&value),
        "{what}: {value:.1} min, expected {low}-{high}"
    );
}

const RAIL: &[&str] = &["hsr", "rail"];

#[test]
fn jing_xiong_intercity() {
    let s = "scenarios/jjj-2024.toml";
    let bjw = route(s, "Beijing West", "Xiong'an", "transit");
    assert_within(
        "T1 Beijing West -> Xiong'an rail",
        in_vehicle(&bjw, RAIL, None),
        54.0,
        66.0,
    );
    let dxa = route(s, "Daxing Airport", "Xiong'an", "transit");
    assert_within(
        "T2 Daxing Airport -> Xiong'an rail",
        in_vehicle(&dxa, RAIL, None),
        17.1,
        20.9,
    );
}

#[test]
fn beijing_to_xiongan_by_car() {
    // The published hour runs from the Jing-Xiong expressway's start at the south-west 5th Ring;
    // Fengtai is the zone there. From Guomao, 25 km further in, it is longer (README).
    let v = route("scenarios/jjj-2024.toml", "Fengtai", "Xiong'an", "car");
    assert_within(
        "T3 Beijing (Fengtai) -> Xiong'an car",
        v["minutes"].as_f64().unwrap(),
        55.0,
        80.0,
    );
    let path: Vec<&str> = v["legs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["line"].as_str())
        .collect();
    assert!(path.contains(&"Jing-Xiong Expressway"), "{path:?}");
}

#[test]
fn shijiazhuang_to_beijing_west() {
    let v = route(
        "scenarios/jjj-2024.toml",
        "Shijiazhuang",
        "Beijing West",
        "transit",
    );
    assert_within(
        "T4 Shijiazhuang -> Beijing West rail",
        in_vehicle(&v, RAIL, None),
        60.0,
        80.0,
    );
}

#[test]
fn line_22_from_yanjiao() {
    let s = "scenarios/line22.toml";
    let sub = route(s, "Yanjiao", "City Sub-center", "transit");
    assert_within(
        "T5 Yanjiao -> City Sub-center L22",
        in_vehicle(&sub, &["subway"], Some("L22")),
        3.0,
        5.0,
    );
    let gm = route(s, "Yanjiao", "Guomao", "transit");
    assert_within(
        "T6 Yanjiao -> Guomao L22",
        in_vehicle(&gm, &["subway"], Some("L22")),
        28.8,
        35.2,
    );
}

#[test]
fn langfang_custom_bus_commute_under_an_hour() {
    let v = route("scenarios/jjj-2024.toml", "Langfang", "Guomao", "transit");
    assert!(
        in_vehicle(&v, &["custom_bus"], Some("CB_LF_GM")) > 0.0,
        "{v}"
    );
    assert_within(
        "T7 Langfang -> Guomao door to door",
        v["minutes"].as_f64().unwrap(),
        0.0,
        59.9,
    );
}

#[test]
fn jing_tang_with_the_sub_center_station() {
    let s = "scenarios/jing-tang-subcenter.toml";
    // "Beijing" here is the City Sub-center station, where the through trains end (README).
    let cfd = route(s, "Caofeidian", "Beijing City Sub-center", "transit");
    assert_within(
        "T8 Caofeidian -> Beijing rail",
        in_vehicle(&cfd, RAIL, None),
        72.0,
        88.0,
    );
    let ts = route(s, "Beijing City Sub-center", "Tangshan", "transit");
    assert_within(
        "T9 City Sub-center -> Tangshan rail",
        in_vehicle(&ts, RAIL, None),
        35.1,
        42.9,
    );
}

#[test]
fn xiongan_beijing_before_and_after_and_every_pair_reachable() {
    let before = route(
        "scenarios/jjj-2014.toml",
        "Xiong'an",
        "Financial Street",
        "transit",
    );
    let after = route(
        "scenarios/jjj-2024.toml",
        "Xiong'an",
        "Financial Street",
        "transit",
    );
    let (b, a) = (
        before["minutes"].as_f64().unwrap(),
        after["minutes"].as_f64().unwrap(),
    );
    assert!(a < b - 30.0, "2014 {b:.1} min, 2024 {a:.1} min");

    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["run", "scenarios/jjj-2024.toml", "--out"])
        .arg(tmp.path().join("jjj"))
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("jjj/summary.json")).unwrap())
            .unwrap();
    let unreachable = &summary["results"]["unreachable_pairs"];
    assert_eq!(
        (unreachable["car"].as_u64(), unreachable["transit"].as_u64()),
        (Some(0), Some(0))
    );
}
