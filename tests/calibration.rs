//! The regional network against the published travel times it must reproduce
//! (../shared/facts/jjj-seed-facts.md, copied into networks/jjj/README.md), measured as a user
//! would: `commute route --json`, in the scenario where the infrastructure exists.

mod common;

use common::commute_ok;
use serde_json::Value;

fn route(scenario: &str, from: &str, to: &str, mode: &str) -> Value {
    let args = [
        "route", scenario, "--from", from, "--to", to, "--mode", mode, "--json",
    ];
    serde_json::from_str(&commute_ok(&args)).unwrap()
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

/// What a calibration row measures.
enum Measure {
    /// Minutes in `hsr` and `rail` legs.
    Rail,
    /// Minutes riding one line.
    Line(&'static str),
    /// Door-to-door minutes, requiring a leg on the given line when one is named.
    DoorToDoor(Option<&'static str>),
}

/// One published target: (id, scenario, from, to, mode, what is measured, accepted band).
type Target = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Measure,
    f64,
    f64,
);

/// The calibration table of networks/jjj/README.md. T3: the published hour runs from the
/// Jing-Xiong expressway's start at the south-west 5th Ring, the Fengtai zone. T8: "Beijing" is
/// the City Sub-center station, where the through trains from Caofeidian end.
const TARGETS: [Target; 9] = [
    (
        "T1",
        "jjj-2024",
        "Beijing West",
        "Xiong'an",
        "transit",
        Measure::Rail,
        54.0,
        66.0,
    ),
    (
        "T2",
        "jjj-2024",
        "Daxing Airport",
        "Xiong'an",
        "transit",
        Measure::Rail,
        17.1,
        20.9,
    ),
    (
        "T3",
        "jjj-2024",
        "Fengtai",
        "Xiong'an",
        "car",
        Measure::DoorToDoor(Some("Jing-Xiong Expressway")),
        55.0,
        80.0,
    ),
    (
        "T4",
        "jjj-2024",
        "Shijiazhuang",
        "Beijing West",
        "transit",
        Measure::Rail,
        60.0,
        80.0,
    ),
    (
        "T5",
        "line22",
        "Yanjiao",
        "City Sub-center",
        "transit",
        Measure::Line("L22"),
        3.0,
        5.0,
    ),
    (
        "T6",
        "line22",
        "Yanjiao",
        "Guomao",
        "transit",
        Measure::Line("L22"),
        28.8,
        35.2,
    ),
    (
        "T7",
        "jjj-2024",
        "Langfang",
        "Guomao",
        "transit",
        Measure::DoorToDoor(Some("CB_LF_GM")),
        0.0,
        59.9,
    ),
    (
        "T8",
        "jing-tang-subcenter",
        "Caofeidian",
        "Beijing City Sub-center",
        "transit",
        Measure::Rail,
        72.0,
        88.0,
    ),
    (
        "T9",
        "jing-tang-subcenter",
        "Beijing City Sub-center",
        "Tangshan",
        "transit",
        Measure::Rail,
        35.1,
        42.9,
    ),
];

#[test]
fn the_published_travel_times_are_reproduced() {
    let mut failures = Vec::new();
    for (id, scenario, from, to, mode, measure, low, high) in TARGETS {
        let v = route(&format!("scenarios/{scenario}.toml"), from, to, mode);
        let uses = |line: &str| {
            v["legs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["line"] == line)
        };
        let value = match measure {
            Measure::Rail => in_vehicle(&v, &["hsr", "rail"], None),
            Measure::Line(line) => in_vehicle(
                &v,
                &["subway", "bus", "custom_bus", "hsr", "rail"],
                Some(line),
            ),
            Measure::DoorToDoor(line) => {
                if line.is_some_and(|l| !uses(l)) {
                    failures.push(format!("{id} {from} -> {to}: does not use {line:?}: {v}"));
                }
                v["minutes"].as_f64().unwrap_or(f64::NAN)
            }
        };
        if !(low..=high).contains(&value) {
            failures.push(format!(
                "{id} {from} -> {to} ({scenario}): {value:.1} min, expected {low}-{high}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
    let out = tmp.path().join("jjj");
    commute_ok(&[
        "run",
        "scenarios/jjj-2024.toml",
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("jjj/summary.json")).unwrap())
            .unwrap();
    let unreachable = &summary["results"]["unreachable_pairs"];
    assert_eq!(
        (unreachable["car"].as_u64(), unreachable["transit"].as_u64()),
        (Some(0), Some(0))
    );
}

/// The generated subway access rows of networks/jjj/access.csv (scripts/subway-access.py) follow
/// their documented rule: every Beijing subway station inside a zone's built-up disc is reached
/// from the zone whose disc it is relatively nearest the centre of, by a feeder of 8 minutes
/// plus the street distance (1.3 x straight) at 15 km/h, and no feeder reaches a station from
/// any other zone.
#[test]
fn the_generated_subway_access_follows_its_rule() {
    use commute::network::{AccessMode, NodeKind};
    let s = common::load(&common::root().join("scenarios/jjj-2024.toml"));
    let net = &s.network;
    let mut checked = 0;
    for (i, station) in net.nodes().iter().enumerate() {
        if station.kind != NodeKind::SubwayStation || !station.id.starts_with("bj_") {
            continue;
        }
        // The zone whose disc holds the station, relatively nearest its centre.
        let home = net
            .zones()
            .iter()
            .enumerate()
            .filter_map(|(z, zone)| {
                let radius = (zone.area_km2? / std::f64::consts::PI).sqrt();
                let d = station.straight_km(net.node(zone.centroid));
                (d <= radius).then_some((d / radius, z, d))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        let links: Vec<_> = net
            .access()
            .iter()
            .filter(|a| a.node.index() == i)
            .collect();
        for feeder in links.iter().filter(|a| a.mode == AccessMode::Feeder) {
            let (_, z, d) = home.unwrap_or_else(|| panic!("{}: in no zone's disc", station.id));
            assert_eq!(
                feeder.zone.index(),
                z,
                "{}: fed from another zone",
                station.id
            );
            let minutes = (8.0 + 1.3 * d / 15.0 * 60.0).round();
            assert_eq!(f64::from(feeder.time_s), minutes * 60.0, "{}", station.id);
            checked += 1;
        }
        if let Some((_, z, _)) = home {
            assert!(
                links.iter().any(|a| a.zone.index() == z),
                "{}: no access from {}",
                station.id,
                net.zones()[z].id
            );
        }
    }
    assert!(checked >= 200, "{checked} generated rows checked");
}
