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
