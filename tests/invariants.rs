//! Invariants every scenario result must satisfy, checked on the demo network: an empty scenario
//! reproduces the base exactly; closing links never speeds anything up; adding service never
//! slows anything down.

mod common;

use common::*;
use commute::io::load_network;
use commute::routing::{Engine, Skims, TravelMode, skim_all};
use commute::run::{skim_od_rows, skim_zone_rows};
use commute::time::Window;

/// Asserts every OD of `after` is no slower (`faster == true`) or no faster than in `before`,
/// counting "unreachable" as infinitely slow. Returns how many ODs changed.
fn assert_monotone(before: &Skims, after: &Skims, faster: bool, what: &str) -> usize {
    let mut changed = 0;
    for mode in [TravelMode::Car, TravelMode::Transit] {
        for o in 0..before.zones {
            for d in 0..before.zones {
                let b = before.get(mode, o, d).map_or(u32::MAX, |r| r.time_s);
                let a = after.get(mode, o, d).map_or(u32::MAX, |r| r.time_s);
                let ok = if faster { a <= b } else { a >= b };
                assert!(ok, "{what}: {mode:?} {o}->{d} went from {b} s to {a} s");
                changed += usize::from(a != b);
            }
        }
    }
    changed
}

#[test]
fn empty_scenario_reproduces_the_base_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = load(&demo_scenario(dir.path(), "empty", ""));
    let base = load_network(&demo_network()).unwrap();
    let base_skims = skim_all(&Engine::new(&base, Window::MORNING_PEAK));
    let scenario_skims = skims(&scenario);
    assert_eq!(
        skim_od_rows(&base, &base_skims),
        skim_od_rows(&scenario.network, &scenario_skims)
    );
    assert_eq!(
        skim_zone_rows(&base, &base_skims),
        skim_zone_rows(&scenario.network, &scenario_skims)
    );
    // An `extends` chain with no modifications gives the same as its parent.
    let child = dir.path().join("child.toml");
    std::fs::write(
        &child,
        "version = 1\nname = \"child\"\nextends = \"empty.toml\"\n",
    )
    .unwrap();
    let child = load(&child);
    assert_eq!(
        skim_od_rows(&base, &base_skims),
        skim_od_rows(&child.network, &skims(&child))
    );
}

#[test]
fn closing_any_link_never_makes_a_trip_faster() {
    let dir = tempfile::tempdir().unwrap();
    let base = load(&demo_scenario(dir.path(), "base", ""));
    let before = skims(&base);
    let ids: Vec<String> = base
        .network
        .roads()
        .iter()
        .map(|r| r.id.clone())
        .chain(base.network.walks().iter().map(|w| w.id.clone()))
        .collect();
    let mut changed = 0;
    for id in &ids {
        let path = demo_scenario(
            dir.path(),
            "closed",
            &format!("[[modifications]]\ntype = \"close-link\"\nlinks = [\"{id}\"]\n"),
        );
        changed += assert_monotone(&before, &skims(&load(&path)), false, id);
    }
    assert!(
        changed > 0,
        "closing links changed nothing: the test would prove nothing"
    );
}

#[test]
fn adding_a_line_or_shortening_headways_never_makes_a_trip_slower() {
    let dir = tempfile::tempdir().unwrap();
    let base = load(&demo_scenario(dir.path(), "base", ""));
    let before = skims(&base);
    let line22 = load(&root().join("scenarios/demo-line22.toml"));
    let changed = assert_monotone(&before, &skims(&line22), true, "add-line L22");
    assert!(changed > 0, "line 22 changed nothing");
    for line in base.network.lines() {
        let path = demo_scenario(
            dir.path(),
            "denser",
            &format!(
                "[[modifications]]\ntype = \"adjust-frequency\"\nline = \"{}\"\n\
                 headways = [{{ start = \"05:00\", end = \"23:00\", headway_min = 1 }}]\n",
                line.id
            ),
        );
        let changed = assert_monotone(&before, &skims(&load(&path)), true, &line.id);
        assert!(
            changed > 0,
            "a 1-minute headway on {} changed nothing",
            line.id
        );
    }
    // A timetabled line given a headway no longer than its shortest gap between departures.
    let path = demo_scenario(
        dir.path(),
        "cb1-regular",
        "[[modifications]]\ntype = \"adjust-frequency\"\nline = \"CB1\"\n\
         headways = [{ start = \"06:40\", end = \"09:00\", headway_min = 20 }]\n",
    );
    assert_monotone(&before, &skims(&load(&path)), true, "CB1 every 20 min");
}

#[test]
fn scenarios_do_not_touch_the_base_network() {
    let base = load_network(&demo_network()).unwrap();
    let before = format!("{:?}", base.roads());
    let lines_before = format!("{:?}", base.lines());
    let chain = commute::io::load_scenario_chain(&root().join("scenarios/demo-2014.toml")).unwrap();
    let s = commute::scenario::resolve(&chain, &base, demo_network(), None).unwrap();
    assert!(s.network.lines().len() < base.lines().len());
    assert_eq!(before, format!("{:?}", base.roads()));
    assert_eq!(lines_before, format!("{:?}", base.lines()));
}
