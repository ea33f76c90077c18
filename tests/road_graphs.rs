//! Road graphs from files and `commute sp` / `commute bench` end to end, on small hand-made
//! graphs (the real ones are in the external-data suite).

mod common;

use common::*;
use std::process::Command;

#[test]
fn sp_prints_every_node_with_input_ids_and_empty_unreachable_distances() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("g.gr");
    // 1 -> 2 -> 3 (with a cheaper parallel arc), a zero-weight loop, node 4 unreachable.
    std::fs::write(
        &path,
        "c tiny\np sp 4 5\na 1 2 7\na 2 3 5\na 2 3 4\na 3 3 0\na 4 1 1\n",
    )
    .unwrap();
    let out = commute_ok(&["sp", path.to_str().unwrap(), "--source", "1"]);
    assert_eq!(out, "node,distance\n1,0\n2,7\n3,11\n4,\n");
    let one = commute_ok(&[
        "sp",
        path.to_str().unwrap(),
        "--source",
        "1",
        "--target",
        "3",
    ]);
    assert_eq!(one, "node,distance\n3,11\n");
    // The hierarchy gives the same answers.
    let path_text = path.to_str().unwrap();
    let ch = commute_ok(&["sp", path_text, "--source", "1", "--engine", "ch"]);
    assert_eq!(ch, out);
    let ch_one = commute_ok(&[
        "sp", path_text, "--source", "1", "--target", "3", "--engine", "ch",
    ]);
    assert_eq!(ch_one, one);
    // Unknown node and malformed file: exit 2 with the place named.
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_commute"))
            .args(args)
            .current_dir(root())
            .output()
            .unwrap()
    };
    let out = run(&["sp", path.to_str().unwrap(), "--source", "9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--source `9` is not a node"));
    std::fs::write(&path, "p sp 2 1\na 1 2 -4\n").unwrap();
    let out = run(&["sp", path.to_str().unwrap(), "--source", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("g.gr:2: field `weight`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "no partial output");
}

#[test]
fn sp_reads_a_network_folder_in_seconds() {
    // Junction to junction on the demo roads: the car engine's route between the same nodes.
    let scenario = load(&root().join("scenarios/demo-base.toml"));
    let net = &scenario.network;
    let engine = commute::routing::Engine::new(net, scenario.window);
    for (from, to) in [
        ("r_yanjiao", "r_guomao"),
        ("r_guomao", "r_xiongan"),
        ("r_fin", "r_zgc"),
    ] {
        let out = commute_ok(&["sp", "networks/demo", "--source", from, "--target", to]);
        let seconds: u32 = out
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let trip = engine
            .route(
                commute::routing::TravelMode::Car,
                net.node_id(from).unwrap(),
                net.node_id(to).unwrap(),
            )
            .unwrap();
        assert_eq!(seconds, trip.time_s, "{from} -> {to}");
    }
}

#[cfg(feature = "peers")]
#[test]
fn bench_cross_checks_the_peers_and_reports_json() {
    let out = commute_ok(&[
        "bench",
        "--synthetic",
        "2500",
        "--queries",
        "40",
        "--peers",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["nodes"], 2500);
    let engines: Vec<&str> = report["engines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["engine"].as_str().unwrap())
        .collect();
    assert_eq!(
        engines,
        [
            "dijkstra",
            "ch",
            "ch-phast",
            "ch-matrix",
            "petgraph",
            "fast_paths"
        ]
    );
    let ratios = report["ratios"].as_array().unwrap();
    assert_eq!(ratios.len(), 6, "{ratios:?}");
    for e in report["engines"].as_array().unwrap() {
        assert!(e["p50_ms"].as_f64().unwrap() > 0.0, "{e}");
    }
}

/// A binary built without the `peers` feature refuses `--peers` before any work, saying how to
/// build one that has them.
#[cfg(not(feature = "peers"))]
#[test]
fn bench_peers_needs_the_peers_feature() {
    let out = Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["bench", "--synthetic", "100", "--peers"])
        .current_dir(root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "no partial output");
    assert!(
        stderr.contains("--peers needs petgraph and fast_paths")
            && stderr.contains("cargo build --release --features peers"),
        "{stderr}"
    );
}

#[test]
fn bench_rejects_impossible_requests() {
    for args in [
        vec!["bench", "--synthetic", "3"],
        vec!["bench", "--synthetic", "100", "--queries", "0"],
        vec!["bench", "no-such-graph.gr"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_commute"))
            .args(&args)
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: no partial output");
        assert!(!out.stderr.is_empty());
    }
}
