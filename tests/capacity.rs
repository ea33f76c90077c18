//! Transit capacity and the supply-demand loop, checked on the shipped scenarios as a planner
//! would: no vehicle ever carries more than its capacity (riders beyond are counted as denied
//! boardings instead), and the loop of congestion and crowding converges on the regional
//! network and on every scenario that extends it.

mod common;

use common::*;
use commute::run::{RunOptions, RunOutput, Tables, run};

/// Runs the scenario file `file` with `draws` draws (the supply-demand loop as the scenario
/// sets it: its rounds use at most `draws` draws).
fn run_short(file: &str, draws: u32) -> RunOutput {
    let scenario = load(&root().join(file));
    run(&scenario, RunOptions { seed: 11, draws }, |_| {})
}

#[test]
fn no_vehicle_carries_more_than_its_capacity() {
    let mut denied = 0.0;
    for file in ["scenarios/demo-base.toml", "scenarios/jjj-2024.toml"] {
        let out = run_short(file, 2);
        let Tables::MonteCarlo(tables) = &out.tables else {
            panic!("{file}: a Monte-Carlo run")
        };
        for l in &tables.lines {
            let capacity = f64::from(l.vehicle_capacity);
            assert!(
                l.max_peak_load.get() <= capacity + 0.05,
                "{file} {}: peak load {} over capacity {capacity}",
                l.line,
                l.max_peak_load
            );
            assert!(l.load_factor.get() <= 1.0, "{file} {}", l.line);
            assert!(l.seats <= l.vehicle_capacity, "{file} {}", l.line);
            denied += l.denied_boardings.get();
        }
    }
    // Not vacuous: capacity binds somewhere, and those turned away are counted.
    assert!(denied > 0.0, "somebody is turned away");
}

/// The jjj subway refuses riders at crush load (network.toml `crush_standing`: 9 standees per
/// m2 instead of the rated 6), not at its rated `capacity`: its vehicles' capacity in lines.csv
/// is the crush load, and the busiest carry more than their rated load.
#[test]
fn the_subway_refuses_riders_at_crush_load() {
    let scenario = load(&root().join("scenarios/jjj-2024.toml"));
    let out = run(&scenario, RunOptions { seed: 11, draws: 2 }, |_| {});
    let Tables::MonteCarlo(tables) = &out.tables else {
        panic!("a Monte-Carlo run")
    };
    let mut above_rated = 0;
    for l in tables.lines.iter().filter(|l| l.mode.as_str() == "subway") {
        let net = &scenario.network;
        let line = net.line(net.line_id(&l.line).unwrap());
        let crush = line.seats + (1.5 * f64::from(line.capacity - line.seats)).round() as u32;
        assert_eq!(l.vehicle_capacity, crush, "{}", l.line);
        if l.max_peak_load.get() > f64::from(line.capacity) + 1.0 {
            above_rated += 1;
        }
    }
    assert!(
        above_rated >= 5,
        "{above_rated} subway lines above their rated load"
    );
}

#[test]
fn the_supply_demand_loop_converges_on_the_regional_scenarios() {
    let mut files = vec!["scenarios/jjj-2024.toml".to_owned()];
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains("extends = \"jjj-2024.toml\"") {
            let name = path.file_name().unwrap().to_str().unwrap();
            files.push(format!("scenarios/{name}"));
        }
    }
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    // The default loop: rounds of 10 draws, within 0.5%.
    for file in &files {
        let out = run_short(file, 10);
        let e = out.summary.equilibrium.as_ref().expect("a Monte-Carlo run");
        let last = e.rounds.last().expect("rounds");
        assert!(
            e.converged,
            "{file}: not converged in {} rounds: {last:?}",
            e.rounds.len()
        );
        for gap in [last.road_demand_gap, last.transit_load_gap] {
            assert!(gap.is_some_and(|g| g <= e.tolerance), "{file}: {last:?}");
        }
    }
}

#[test]
fn nobody_commutes_longer_than_the_longest_commute() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("short.toml");
    std::fs::write(
        &path,
        format!(
            "version = 1\nname = \"short\"\nextends = \"{}\"\n\n[demand]\nmax_commute_min = 45\n",
            root().join("scenarios/demo-base.toml").display()
        ),
    )
    .unwrap();
    let out = run(&load(&path), RunOptions { seed: 3, draws: 3 }, |_| {});
    let Tables::MonteCarlo(tables) = &out.tables else {
        panic!("a Monte-Carlo run")
    };
    let mut served = 0;
    for row in &tables.draws {
        if let Some(mean) = commute::run::schema::value(row.mean_min) {
            assert!(mean <= 45.0, "{row:?}");
            served += 1;
        }
    }
    // Not vacuous: commuters are served, and some pairs lie beyond reach.
    assert!(served > 0);
    assert!(tables.draws.iter().any(|r| r.mean_min.is_none()));
}

#[test]
fn destinations_respond_to_crowding_in_the_long_run() {
    // Subway line 1 of the demo network with 10 seats a train (its capacity unchanged, so nobody
    // more is turned away): minutes aboard it weigh far more. The skims do not see seats, so
    // only the loop's response (`[equilibrium] destinations = true`) can move commuters to
    // other destinations.
    let tmp = tempfile::tempdir().unwrap();
    let scenario = |name: &str, modification: &str| {
        let body = format!("[equilibrium]\ndestinations = true\n{modification}");
        extending_scenario(tmp.path(), name, "scenarios/demo-base.toml", &body)
    };
    let responsive = scenario("responsive", "");
    let crowded = scenario(
        "crowded",
        "\n[[modifications]]\ntype = \"set-capacity\"\nline = \"L1\"\nseats = 10\n",
    );
    let base = load(&root().join("scenarios/demo-base.toml"));
    let skims = skims(&base);
    let n = skims.zones;
    let by_line_1: Vec<usize> = commute::run::skim_od_rows(&base.network, &skims)
        .iter()
        .filter(|r| r.mode == commute::run::OdMode::Transit && r.path.contains("L1"))
        .map(|r| {
            let zone = |id: &str| base.network.zone_id(id).unwrap().index();
            zone(&r.origin) * n + zone(&r.destination)
        })
        .collect();
    assert!(by_line_1.len() >= 4, "line 1 serves some pairs");
    let commuters = |file: &std::path::Path| {
        let out = run(&load(file), RunOptions { seed: 3, draws: 3 }, |_| {});
        let flows = out
            .commuters
            .expect("a Monte-Carlo run keeps its commuters");
        let on_line_1: f64 = by_line_1.iter().map(|&k| flows.commuters[k]).sum();
        (on_line_1, flows.commuters.iter().sum::<f64>())
    };
    let (before, total_before) = commuters(&responsive);
    let (after, total_after) = commuters(&crowded);
    // Not with destinations on the skims (the default): the same commuters.
    let (fixed_before, _) = commuters(&root().join("scenarios/demo-base.toml"));
    let mut on_skims = std::fs::read_to_string(&crowded).unwrap();
    on_skims = on_skims.replace("destinations = true", "destinations = false");
    std::fs::write(&crowded, on_skims).unwrap();
    assert_eq!(commuters(&crowded).0, fixed_before);
    // (Walking, cycling and the taxi take part of the response: 840,013 -> 820,644 on
    // 2026-12-07, 2.3% fewer.)
    assert!(
        after < 0.985 * before,
        "commuters on pairs line 1 serves: {before:.0} -> {after:.0}"
    );
    // Every origin still sends its commuters (doubly constrained): they go elsewhere.
    assert!((total_after - total_before).abs() < 1e-6 * total_before);
}
