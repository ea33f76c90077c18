//! Monte-Carlo runs: byte-identical at any thread count, and common random numbers across
//! scenarios.

mod common;

use common::*;
use commute::sim::montecarlo::transit_samples;

#[test]
fn draws_are_identical_at_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let args = ["--draws", "20", "--seed", "5"];
    let (a, b) = run_at_one_and_two_threads(tmp.path(), "scenarios/demo-line22.toml", &args);
    let od = |d: &std::path::Path| std::fs::read(d.join("od.csv")).unwrap();
    assert_eq!(od(&a), od(&b));
    let text = String::from_utf8(od(&a)).unwrap();
    assert!(text.starts_with(
        "origin,destination,mode,commuters,mode_share,samples,reachable_share,mean_min,p5_min,"
    ));
    // 20 draws x 120 departure minutes per pair.
    assert!(
        text.lines().nth(1).unwrap().split(',').nth(5) == Some("2400"),
        "{text:.300}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["monte_carlo"]["seed"], 5);
    assert_eq!(summary["monte_carlo"]["draws"], 20);
    // Commuters between zones split between car and public transport; car + transit = all.
    let demand = &summary["demand"];
    let (car, pt) = (
        demand["car_share"].as_f64().unwrap(),
        demand["transit_share"].as_f64().unwrap(),
    );
    let unserved = demand["unserved_share"].as_f64().unwrap();
    assert!(
        car > 0.0 && pt > 0.0 && (car + pt + unserved - 1.0).abs() < 1e-9,
        "{demand}"
    );
    assert!(demand["intrazonal_commuters"].as_f64().unwrap() > 0.0);
}

#[test]
fn pairs_a_modification_does_not_reach_see_the_same_draws() {
    let base = load(&root().join("scenarios/demo-base.toml"));
    let l22 = load(&root().join("scenarios/demo-line22.toml"));
    let before = transit_samples(&base.network, base.window, 9, 10);
    let after = transit_samples(&l22.network, l22.window, 9, 10);
    let z = |s: &commute::scenario::Scenario, id: &str| s.network.zone_id(id).unwrap().index();
    // Far from line 22: identical samples, draw by draw and minute by minute.
    for (o, d) in [
        ("xiongan", "daxing"),
        ("zhuozhou", "finstreet"),
        ("tianjin", "langfang"),
    ] {
        assert_eq!(
            before.pair(z(&base, o), z(&base, d)),
            after.pair(z(&l22, o), z(&l22, d)),
            "{o} -> {d}"
        );
    }
    // Yanjiao - Guomao gains from it in every sample.
    let (b, a) = (
        before.pair(z(&base, "yanjiao"), z(&base, "guomao")),
        after.pair(z(&l22, "yanjiao"), z(&l22, "guomao")),
    );
    assert!(b.iter().zip(a).all(|(b, a)| a <= b) && a.iter().sum::<u32>() < b.iter().sum::<u32>());
    // A different seed gives different draws.
    let other = transit_samples(&base.network, base.window, 10, 10);
    assert_ne!(
        before.pair(z(&base, "yanjiao"), z(&base, "guomao")),
        other.pair(z(&base, "yanjiao"), z(&base, "guomao"))
    );
}
