//! `commute export gtfs` (issue 16): the regional network as a GTFS feed, read back by
//! `commute import --gtfs`, routes as the network itself does. The round trip runs on a copy of
//! networks/jjj without station processing times (GTFS has none; the export says so), and
//! compares earliest arrivals (RAPTOR on each network) between random stops and times.

mod common;

use common::{commute, root};
use commute::routing::{RaptorWorkspace, Timetable, earliest_arrivals};
use commute::scenario;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fs;
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn the_regional_network_round_trips_through_gtfs() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("jjj");
    copy_dir(&root().join("networks/jjj"), &net);
    let toml = fs::read_to_string(net.join("network.toml")).unwrap();
    assert!(toml.contains("hsr = 15") && toml.contains("rail = 15"));
    fs::write(
        net.join("network.toml"),
        toml.replace("hsr = 15", "hsr = 0")
            .replace("rail = 15", "rail = 0"),
    )
    .unwrap();
    let feed = tmp.path().join("jjj.zip");
    let out = commute(&[
        "export",
        "gtfs",
        net.to_str().unwrap(),
        "--date",
        "2024-05-06",
        "--out",
        feed.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("not in the feed: distance and fare-system fares"),
        "{stderr}"
    );
    assert!(!stderr.contains("walk links to or from nodes"), "{stderr}");
    let back = tmp.path().join("back");
    let out = commute(&[
        "import",
        "--gtfs",
        feed.to_str().unwrap(),
        "--date",
        "2024-05-06",
        "--out",
        back.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let original = scenario::load(&net).unwrap().network;
    let imported = scenario::load(&back).unwrap().network;
    let mut stops: Vec<&str> = original
        .lines()
        .iter()
        .flat_map(|l| l.stops.iter().map(|s| original.node(s.node).id.as_str()))
        .collect();
    stops.sort_unstable();
    stops.dedup();
    for id in &stops {
        assert!(imported.node_id(id).is_some(), "stop {id} lost");
    }
    let (tt_a, tt_b) = (Timetable::new(&original), Timetable::new(&imported));
    let (mut ws_a, mut ws_b) = (RaptorWorkspace::default(), RaptorWorkspace::default());
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let mut reached = 0;
    for _ in 0..300 {
        let from = stops[rng.random_range(0..stops.len())];
        let to = stops[rng.random_range(0..stops.len())];
        let depart = rng.random_range(5 * 3600..22 * 3600);
        earliest_arrivals(
            &original,
            &tt_a,
            original.node_id(from).unwrap(),
            depart,
            &mut ws_a,
        );
        earliest_arrivals(
            &imported,
            &tt_b,
            imported.node_id(from).unwrap(),
            depart,
            &mut ws_b,
        );
        let (a, b) = (
            ws_a.arrival(original.node_id(to).unwrap()),
            ws_b.arrival(imported.node_id(to).unwrap()),
        );
        assert_eq!(
            a, b,
            "{from} -> {to} leaving at {depart} s: network {a:?}, its feed {b:?}"
        );
        reached += usize::from(a.is_some());
    }
    assert!(reached > 250, "only {reached} of 300 reachable");
}

#[test]
fn an_export_is_deterministic_and_never_replaces_what_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let feed = tmp.path().join("demo.zip");
    let export = |force: bool| {
        let mut args = vec![
            "export",
            "gtfs",
            "scenarios/demo-base.toml",
            "--date",
            "2024-05-06",
            "--out",
            feed.to_str().unwrap(),
        ];
        if force {
            args.push("--force");
        }
        commute(&args)
    };
    assert!(export(false).status.success());
    let first = fs::read(&feed).unwrap();
    assert_eq!(
        export(false).status.code(),
        Some(2),
        "replaced without --force"
    );
    assert!(export(true).status.success());
    assert_eq!(fs::read(&feed).unwrap(), first, "not the same bytes");
    fs::write(&feed, "someone's notes").unwrap();
    let out = export(true);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not an earlier `commute export gtfs` feed")
    );
    assert_eq!(fs::read(&feed).unwrap(), b"someone's notes");
    let out = commute(&[
        "export",
        "gtfs",
        "scenarios/demo-base.toml",
        "--date",
        "May 6",
        "--out",
        tmp.path().join("x.zip").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!tmp.path().join("x.zip").exists());
}
