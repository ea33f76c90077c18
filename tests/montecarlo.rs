//! Monte-Carlo runs: byte-identical at any thread count, and common random numbers across
//! scenarios.

mod common;

use common::*;
use commute::io::columns;
use commute::routing::{Engine, TravelMode, skim_all};
use commute::run::{DrawRow, LineRow, OdRow, Share, ZoneRow};
use commute::scenario::Scenario;
use commute::sim::montecarlo::{Alternative, Setup, Simulation, transit_samples};

/// Samples of `s` with its variability (service delays, road conditions), no commuters.
fn samples(s: &Scenario, seed: u64, draws: u32) -> Simulation {
    let engine = Engine::new(&s.network, s.window);
    let skims = skim_all(&engine);
    transit_samples(&engine, &skims, &Setup::of(s, seed, draws))
}

/// Runs the demo base scenario with 10 draws into a folder under `tmp`, returned.
fn demo_draws(tmp: &std::path::Path) -> std::path::PathBuf {
    let out = tmp.join("mc");
    commute_ok(&[
        "run",
        "scenarios/demo-base.toml",
        "--draws",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    out
}

/// The transit samples from zone `o` to zone `d` (ids).
fn pair<'a>(sim: &'a Simulation, s: &Scenario, o: &str, d: &str) -> &'a [u32] {
    let z = |id: &str| s.network.zone_id(id).unwrap().index();
    &sim.transit[z(o) * sim.zones + z(d)]
}

#[test]
fn draws_are_identical_at_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let args = ["--draws", "20", "--seed", "5"];
    let (a, b) = run_at_one_and_two_threads(tmp.path(), "scenarios/demo-line22.toml", &args);
    for file in ["od.csv", "zones.csv", "lines.csv", "draws.csv"] {
        let read = |d: &std::path::Path| std::fs::read(d.join(file)).unwrap();
        assert!(read(&a) == read(&b), "{file} differs");
    }
    let od = |d: &std::path::Path| std::fs::read(d.join("od.csv")).unwrap();
    let text = String::from_utf8(od(&a)).unwrap();
    assert_eq!(
        text.lines().next(),
        Some(columns::<OdRow>().join(",").as_str())
    );
    // 20 draws x 120 departure minutes per pair.
    assert!(
        text.lines().nth(1).unwrap().split(',').nth(5) == Some("2400"),
        "{text:.300}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["monte_carlo"]["seed"], 5);
    assert_eq!(summary["monte_carlo"]["draws"], 20);
    // Commuters between zones split between car, transit, custom bus, walking, cycling and
    // taxi, or are unserved.
    let demand = &summary["demand"];
    let share = |key: &str| demand[key].as_f64().unwrap();
    let modes = [
        "car",
        "transit",
        "custom_bus",
        "walk",
        "cycle",
        "taxi",
        "unserved",
    ];
    let shares: Vec<f64> = modes.iter().map(|m| share(&format!("{m}_share"))).collect();
    assert!(shares[..3].iter().all(|&s| s > 0.0), "{demand}");
    assert!(shares[4] > 0.0 && shares[5] > 0.0, "{demand}");
    assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    assert!(demand["intrazonal_commuters"].as_f64().unwrap() > 0.0);
}

#[test]
fn pairs_a_modification_does_not_reach_see_the_same_draws() {
    let base = load(&root().join("scenarios/demo-base.toml"));
    let l22 = load(&root().join("scenarios/demo-line22.toml"));
    let before = samples(&base, 9, 10);
    let after = samples(&l22, 9, 10);
    // Far from line 22: identical samples, draw by draw and minute by minute.
    for (o, d) in [
        ("xiongan", "daxing"),
        ("zhuozhou", "finstreet"),
        ("tianjin", "langfang"),
    ] {
        assert_eq!(
            pair(&before, &base, o, d),
            pair(&after, &l22, o, d),
            "{o} -> {d}"
        );
        // Car times too: the same road draws.
        let k = |s: &Scenario| {
            let z = |id: &str| s.network.zone_id(id).unwrap().index();
            z(o) * s.network.zones().len() + z(d)
        };
        assert_eq!(
            before.samples(Some(Alternative::Car), k(&base)),
            after.samples(Some(Alternative::Car), k(&l22)),
            "{o} -> {d} by car"
        );
    }
    // Yanjiao - Guomao gains from it in every sample.
    let (b, a) = (
        pair(&before, &base, "yanjiao", "guomao"),
        pair(&after, &l22, "yanjiao", "guomao"),
    );
    assert!(b.iter().zip(a).all(|(b, a)| a <= b) && a.iter().sum::<u32>() < b.iter().sum::<u32>());
    // A different seed gives different draws.
    let other = samples(&base, 10, 10);
    assert_ne!(
        pair(&before, &base, "yanjiao", "guomao"),
        pair(&other, &base, "yanjiao", "guomao")
    );
}

#[test]
fn zones_report_commuters_and_accessibility_at_p50_and_p80() {
    let tmp = tempfile::tempdir().unwrap();
    let out = demo_draws(tmp.path());
    let text = std::fs::read_to_string(out.join("zones.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header, columns::<ZoneRow>());
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 12);
    for row in &rows {
        let num = |name: &str| row[col(name)].parse::<f64>().unwrap();
        let shares = Share::ALL
            .iter()
            .map(|s| num(&format!("{}_share", s.as_str())))
            .sum::<f64>();
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
    let err = commute::scenario::load(&scenario).unwrap_err().to_string();
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
    let base = load(&root().join("scenarios/demo-base.toml"));
    let skims = skim_all(&Engine::new(&base.network, base.window));
    let z = |id: &str| base.network.zone_id(id).unwrap().index();
    let k = z("yanjiao") * skims.zones + z("tongzhou"); // over the 10-minute Baimiao checkpoint
    let s = samples(&base, 4, 150);
    let car = s.samples(Some(Alternative::Car), k);
    let skim = f64::from(
        skims
            .get(TravelMode::Car, z("yanjiao"), z("tongzhou"))
            .unwrap()
            .time_s,
    );
    // Constant within a draw, varying between draws, mean-preserving on average (one route).
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
    let engine = Engine::new(&base.network, base.window);
    let fixed = transit_samples(&engine, &skims, &Setup::phases_only(base.window, 4, 3));
    assert!(
        fixed
            .samples(Some(Alternative::Car), k)
            .iter()
            .all(|&t| f64::from(t) == skim)
    );
}

#[test]
fn lines_report_loads_and_no_vehicle_exceeds_its_capacity() {
    let tmp = tempfile::tempdir().unwrap();
    let out = demo_draws(tmp.path());
    let text = std::fs::read_to_string(out.join("lines.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), columns::<LineRow>());
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 10, "one row per line");
    let num = |row: &csv::StringRecord, name: &str| {
        row[header.iter().position(|h| h == name).unwrap()]
            .parse::<f64>()
            .unwrap()
    };
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let demand = &summary["demand"];
    let riders = demand["commuters"].as_f64().unwrap()
        * (demand["transit_share"].as_f64().unwrap()
            + demand["custom_bus_share"].as_f64().unwrap());
    let boardings: f64 = rows.iter().map(|r| num(r, "boardings")).sum();
    // Every rider boards at least one vehicle (feeder access is not a line) and at most eight.
    assert!(
        boardings >= 0.99 * riders && boardings <= 8.0 * riders,
        "{boardings} vs {riders}"
    );
    assert!(rows.iter().any(|r| &r[2] == "custom_bus"));
    // No vehicle carries more than its capacity (tests/capacity.rs checks the regional runs).
    for row in &rows {
        assert!(
            num(row, "max_peak_load") <= num(row, "vehicle_capacity") + 0.05,
            "{row:?}"
        );
        assert!(num(row, "load_factor") <= 1.0);
    }
    // Every custom-bus commuter boards one custom bus (the demo's itineraries have one ride).
    let custom_boardings: f64 = rows
        .iter()
        .filter(|r| &r[2] == "custom_bus")
        .map(|r| num(r, "boardings"))
        .sum();
    let od = std::fs::read_to_string(out.join("od.csv")).unwrap();
    let custom_commuters: f64 = od
        .lines()
        .filter(|l| l.split(',').nth(2) == Some("custom_bus"))
        .map(|l| l.split(',').nth(3).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(
        custom_commuters > 0.0 && (custom_commuters - custom_boardings).abs() < 0.5,
        "{custom_commuters} vs {custom_boardings}"
    );
    // Per-draw results for paired comparisons: one row per pair with commuters and draw.
    let draws = std::fs::read_to_string(out.join("draws.csv")).unwrap();
    assert_eq!(
        draws.lines().next(),
        Some(columns::<DrawRow>().join(",").as_str())
    );
    assert_eq!(draws.lines().count(), 1 + 132 * 10);
}

#[test]
fn a_single_draw_keeps_its_custom_bus_samples() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("one");
    commute_ok(&[
        "run",
        "scenarios/demo-base.toml",
        "--draws",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    let od = std::fs::read_to_string(out.join("od.csv")).unwrap();
    let row = od
        .lines()
        .find(|l| l.starts_with("langfang,guomao,custom_bus,"))
        .expect("a custom-bus row from the first draw");
    let reachable: f64 = row.split(',').nth(6).unwrap().parse().unwrap();
    assert!(reachable > 0.0, "{row}");
}

/// `[car_restrictions]`: with Beijing's entry permit at 0, nobody from Hebei or Tianjin drives to
/// a job in Beijing, and the tail-number restriction leaves Beijing's own car commuters at about
/// the restricted share; commuters elsewhere drive as before. Destinations do not change.
#[test]
fn car_restrictions_take_the_car_away_on_restricted_mornings() {
    let tmp = tempfile::tempdir().unwrap();
    let free = extending_scenario(
        tmp.path(),
        "free",
        "scenarios/jjj-2024.toml",
        "[congestion]\nenabled = false\n\n[crowding]\nenabled = false\n",
    );
    let restricted = extending_scenario(
        tmp.path(),
        "restricted",
        free.to_str().unwrap(),
        "[car_restrictions]\nprovince = \"Beijing\"\noutside_car_share = 0\nlocal_car_share = 0.8\n",
    );
    let options = commute::run::RunOptions { seed: 3, draws: 2 };
    let run = |path: &std::path::Path| {
        let scenario = load(path);
        let output = commute::run::run(&scenario, options, |_| {});
        let commute::run::Tables::MonteCarlo(tables) = output.tables else {
            panic!("a Monte-Carlo run")
        };
        (scenario, tables.od)
    };
    let (scenario, free_od) = run(&free);
    let (_, restricted_od) = run(&restricted);
    let province: std::collections::HashMap<&str, &str> = scenario
        .network
        .zones()
        .iter()
        .map(|z| (z.id.as_str(), z.province.as_str()))
        .collect();
    // Car commuters from province `home` to province `work`, and all served commuters.
    let cars = |od: &[OdRow], home: &dyn Fn(&str) -> bool, work: &str| {
        let sum = |mode: commute::run::OdMode| -> f64 {
            od.iter()
                .filter(|r| r.mode == mode && home(province[r.origin.as_str()]))
                .filter(|r| province[r.destination.as_str()] == work)
                .map(|r| r.commuters.get())
                .sum()
        };
        (
            sum(commute::run::OdMode::Car),
            sum(commute::run::OdMode::Best),
        )
    };
    let outside = |p: &str| p != "Beijing";
    let (free_in, served_in) = cars(&free_od, &outside, "Beijing");
    let (restricted_in, _) = cars(&restricted_od, &outside, "Beijing");
    assert!(
        free_in > 10_000.0,
        "{free_in} drive in without restrictions"
    );
    assert_eq!(restricted_in, 0.0, "of {served_in} served");
    let beijing = |p: &str| p == "Beijing";
    let (free_local, _) = cars(&free_od, &beijing, "Beijing");
    let (restricted_local, _) = cars(&restricted_od, &beijing, "Beijing");
    let ratio = restricted_local / free_local;
    assert!(
        (0.6..0.85).contains(&ratio),
        "Beijing's own car commuters x{ratio}"
    );
    let hebei = |p: &str| p == "Hebei";
    let (free_hebei, _) = cars(&free_od, &hebei, "Hebei");
    let (restricted_hebei, _) = cars(&restricted_od, &hebei, "Hebei");
    assert!(
        (restricted_hebei / free_hebei - 1.0).abs() < 0.02,
        "{free_hebei} -> {restricted_hebei}"
    );
}
