//! Monte-Carlo runs: byte-identical at any thread count, and common random numbers across
//! scenarios.

mod common;

use common::*;
use commute::scenario::Variability;
use commute::sim::montecarlo::transit_samples_with_progress;

/// Samples with the default variability (service delays, road day factors).
fn samples(
    s: &commute::scenario::Scenario,
    seed: u64,
    draws: u32,
) -> commute::sim::montecarlo::TransitSamples {
    transit_samples_with_progress(
        &s.network,
        s.window,
        seed,
        draws,
        Variability::default(),
        |_| {},
    )
}

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
    let before = samples(&base, 9, 10);
    let after = samples(&l22, 9, 10);
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
    let other = samples(&base, 10, 10);
    assert_ne!(
        before.pair(z(&base, "yanjiao"), z(&base, "guomao")),
        other.pair(z(&base, "yanjiao"), z(&base, "guomao"))
    );
}

#[test]
fn zones_report_commuters_and_accessibility_at_p50_and_p80() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mc");
    commute_ok(&[
        "run",
        "scenarios/demo-base.toml",
        "--draws",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(out.join("zones.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..9],
        [
            "zone",
            "name",
            "residents",
            "jobs",
            "commuters",
            "mean_commute_min",
            "car_share",
            "transit_share",
            "unserved_share"
        ]
    );
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 12);
    for row in &rows {
        let num = |name: &str| row[col(name)].parse::<f64>().unwrap();
        let shares = num("car_share") + num("transit_share") + num("unserved_share");
        assert!((shares - 1.0).abs() < 1e-3, "{row:?}");
        for t in [30, 45, 60, 90, 120] {
            // Reachable in four days out of five is never more than reachable in half.
            assert!(
                num(&format!("jobs_within_{t}min_p80")) <= num(&format!("jobs_within_{t}min_p50"))
            );
        }
        assert!(
            num("jobs_within_120min_p50") >= num("jobs"),
            "own zone counts"
        );
    }
}

#[test]
fn a_commuter_table_replaces_the_gravity_model() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("commuters.csv"),
        "origin,destination,commuters\nyanjiao,guomao,1000\nlangfang,guomao,500\nguomao,guomao,300\n",
    )
    .unwrap();
    let scenario = demo_scenario(tmp.path(), "table", "[demand]\nfile = \"commuters.csv\"\n");
    let out = tmp.path().join("out");
    commute_ok(&[
        "run",
        scenario.to_str().unwrap(),
        "--draws",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["demand"]["commuters"], 1500.0);
    assert_eq!(summary["demand"]["intrazonal_commuters"], 300.0);
    let od = std::fs::read_to_string(out.join("od.csv")).unwrap();
    let best = |pair: &str| {
        od.lines()
            .find(|l| l.starts_with(pair))
            .unwrap()
            .split(',')
            .nth(3)
            .unwrap()
            .to_owned()
    };
    assert_eq!(best("yanjiao,guomao,best"), "1000.0");
    assert_eq!(best("guomao,yanjiao,best"), "0.0");

    // Unknown zones and repeated pairs are reported with their lines.
    std::fs::write(
        tmp.path().join("commuters.csv"),
        "origin,destination,commuters\nyanjiao,nowhere,1000\nlangfang,guomao,500\nlangfang,guomao,5\n",
    )
    .unwrap();
    let err = commute::io::load_scenario(&scenario)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("commuters.csv:2: field `destination`: unknown zone id `nowhere`"),
        "{err}"
    );
    assert!(
        err.contains("commuters.csv:4: the same pair again (first on line 3)"),
        "{err}"
    );
}

#[test]
fn car_times_vary_by_day_around_the_free_flow_skim() {
    use commute::routing::{Engine, TravelMode, skim_all};
    use commute::sim::montecarlo::mode_samples;
    let base = load(&root().join("scenarios/demo-base.toml"));
    let skims = skim_all(&Engine::new(&base.network, base.window));
    let z = |id: &str| base.network.zone_id(id).unwrap().index();
    let (o, d) = (z("yanjiao"), z("tongzhou")); // over the 10-minute Baimiao checkpoint
    let s = samples(&base, 4, 150);
    let car = mode_samples(&s, &skims, Some(TravelMode::Car), o, d);
    let skim = f64::from(skims.get(TravelMode::Car, o, d).unwrap().time_s);
    // Constant within a draw, varying between draws, mean-preserving on average.
    assert!(
        car.chunks(s.minutes as usize)
            .all(|day| day.iter().all(|&t| t == day[0]))
    );
    assert!(car.iter().min() < car.iter().max());
    let mean = car.iter().map(|&t| f64::from(t)).sum::<f64>() / car.len() as f64;
    assert!(
        (mean / skim - 1.0).abs() < 0.05,
        "mean {mean} vs skim {skim}"
    );
    // Without variability the skim itself.
    let none = Variability {
        delays_min: [0.0; 5],
        road_day_sd: 0.0,
        checkpoint_sd: 0.0,
    };
    let fixed = transit_samples_with_progress(&base.network, base.window, 4, 3, none, |_| {});
    assert!(
        mode_samples(&fixed, &skims, Some(TravelMode::Car), o, d)
            .iter()
            .all(|&t| f64::from(t) == skim)
    );
}
