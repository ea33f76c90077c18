//! Scenario resolution: every modification type takes effect, problems are all collected with
//! file and line, `extends` chains compose.

mod common;

use commute::scenario::{self, Delay};

use common::*;
use commute::network::{LinkRef, Mode};
use commute::routing::{Engine, TravelMode};

#[test]
fn every_modification_type_takes_effect() {
    let base = load(&root().join("scenarios/demo-base.toml"));
    let up = load(&root().join("scenarios/demo-upgrades.toml"));
    let (b, u) = (&base.network, &up.network);
    let line = |n: &commute::network::Network, id: &str| n.line(n.line_id(id).unwrap()).clone();
    // adjust-frequency replaces the whole service.
    let jx = line(u, "JX");
    assert!(jx.departures.is_empty());
    assert_eq!(jx.headways.len(), 1);
    assert_eq!(jx.headways[0].headway_s, 900);
    // adjust-speed on a line scales run times.
    let (b818, b818_up) = (line(b, "B818"), line(u, "B818"));
    assert_eq!(b818_up.stops[1].run_s, b818.stops[1].run_s * 8 / 10);
    // adjust-speed on a road sets its speed; set-capacity on a road and on a line.
    let Some(LinkRef::Road(g1)) = u.link("rd_yanjiao_tongzhou") else {
        panic!()
    };
    assert_eq!(
        (u.roads()[g1].speed_kmh, u.roads()[g1].capacity_vph),
        (70.0, 6000.0)
    );
    // A larger coach: capacity and seats both set.
    assert_eq!((line(u, "CB1").capacity, line(u, "CB1").seats), (55, 55));
    // add-road with a new node.
    assert!(u.node_id("r_dxa").is_some());
    assert!(u.link("rd_s5_dxa").is_some() && u.link("rd_dxa_guan").is_some());
    // scale-demand is validated and recorded.
    assert_eq!(up.demand_scales.len(), 1);
    assert_eq!(up.demand_scales[0].factor, 1.1);
    // add-zone: a centroid, the zone and its access links (one to a node added by add-road).
    let z = u.zone_id("airport_zone").unwrap();
    assert_eq!(u.zone(z).centroid, u.node_id("z_airport_zone").unwrap());
    assert_eq!(u.access().iter().filter(|a| a.zone == z).count(), 2);
    let skims = skims(&up);
    assert!((0..skims.zones).all(|d| d == z.index() || skims.best(z.index(), d).is_some()));
    assert_eq!(up.applied.len(), 8);
    assert!(
        up.applied[0].starts_with("adjust-frequency JX ("),
        "{:?}",
        up.applied
    );

    let before = load(&root().join("scenarios/demo-2014.toml"));
    assert!(before.network.line_id("JX").is_none() && before.network.line_id("CB1").is_none());
    assert!(before.network.link("rd_xiongan_s5").is_none());
    assert!(before.network.link("wk_guomao_bus").is_none());

    let l22 = load(&root().join("scenarios/demo-line22.toml"));
    let n = &l22.network;
    let line22 = n.line(n.line_id("L22").unwrap());
    assert_eq!(line22.mode, Mode::Subway);
    let yj = n.node_id("m_yanjiao").unwrap();
    assert!(
        n.access()
            .iter()
            .any(|a| a.node == yj && a.zone == n.zone_id("yanjiao").unwrap())
    );
}

#[test]
fn the_new_expressway_shortens_the_drive_it_serves() {
    let base = load(&root().join("scenarios/demo-base.toml"));
    let up = load(&root().join("scenarios/demo-upgrades.toml"));
    let time = |s: &commute::scenario::Scenario, from: &str, to: &str| {
        let n = &s.network;
        let c = |z: &str| n.zone(n.zone_id(z).unwrap()).centroid;
        Engine::new(n, s.window)
            .route(TravelMode::Car, c(from), c(to))
            .unwrap()
            .time_s
    };
    assert!(time(&up, "guomao", "guan") < time(&base, "guomao", "guan"));
    assert!(time(&up, "yanjiao", "tongzhou") < time(&base, "yanjiao", "tongzhou"));
}

#[test]
fn all_problems_are_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_scenario(
        dir.path(),
        "bad",
        r#"[[modifications]]
type = "remove-line"
lines = ["NOPE"]

[[modifications]]
type = "adjust-speed"
line = "L1"
run_time_factor = -2

[[modifications]]
type = "add-line"
id = "X1"
name = "Broken line"
mode = "tram"
capacity = 100
stops = [{ node = "m_guomao" }, { node = "nowhere", run_min = 5 }]
headways = [{ start = "09:00", end = "08:00", headway_min = 0 }]

[[modifications]]
type = "close-link"
links = ["rd_fin_guomao"]
"#,
    );
    let err = scenario::load(&path).unwrap_err().to_string();
    let file = path.display().to_string();
    for expected in [
        format!("{file}:5: field `lines`: remove-line: unknown line id `NOPE`"),
        format!(
            "{file}:9: field `run_time_factor`: adjust-speed: expected a positive number, got -2"
        ),
        format!("{file}:14: field `mode`: add-line"),
        format!("{file}:14: field `stops.node`: add-line: unknown node id `nowhere`"),
        format!(
            "{file}:14: field `headways.headway_min`: add-line: expected a positive number, got 0"
        ),
        format!("{file}:14: field `headways.end`: add-line"),
    ] {
        assert!(err.contains(&expected), "missing `{expected}` in:\n{err}");
    }
    assert!(err.starts_with("6 problems"), "{err}");
}

#[test]
fn later_modifications_see_earlier_ones() {
    let dir = tempfile::tempdir().unwrap();
    // A node added by one modification can be used by the next; a line removed cannot.
    let path = demo_scenario(
        dir.path(),
        "order",
        r#"[[modifications]]
type = "add-node"
id = "r_new"
name = "New junction"
kind = "road_junction"
lon = 116.5
lat = 39.8

[[modifications]]
type = "add-road"
links = [{ id = "rd_new", from = "r_s5", to = "r_new", length_km = 5, speed_kmh = 80, capacity_vph = 2000 }]

[[modifications]]
type = "remove-line"
lines = ["B_GA"]

[[modifications]]
type = "adjust-frequency"
line = "B_GA"
headways = [{ start = "07:00", end = "09:00", headway_min = 5 }]
"#,
    );
    let err = scenario::load(&path).unwrap_err().to_string();
    assert!(err.starts_with("1 problem in"), "{err}");
    assert!(
        err.contains(":21: field `line`: adjust-frequency: unknown line id `B_GA`"),
        "{err}"
    );
}

#[test]
fn extends_chains_inherit_network_and_window() {
    let dir = tempfile::tempdir().unwrap();
    demo_scenario(
        dir.path(),
        "parent",
        "[window]\nstart = \"06:30\"\nend = \"08:00\"\n",
    );
    let child = dir.path().join("child.toml");
    std::fs::write(
        &child,
        "version = 1\nname = \"child\"\nextends = \"parent.toml\"\n\n[[modifications]]\n\
         type = \"remove-line\"\nlines = [\"JX\"]\n",
    )
    .unwrap();
    let s = load(&child);
    assert_eq!(
        (s.window.start_s, s.window.end_s),
        (6 * 3600 + 1800, 8 * 3600)
    );
    assert_eq!(s.name, "child");
    assert!(s.network.line_id("JX").is_none());
}

#[test]
fn malformed_modifications_are_all_reported_at_their_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_scenario(
        dir.path(),
        "malformed",
        r#"[window]
start = "07:00"
end = "7h"

[[modifications]]
type = "set-capacity"
line = "L1"
capacity = "big"

[[modifications]]
type = "close-link"
link = "rd_fin_guomao"

[[modifications]]
type = "remove-line"
lines = ["NOPE"]
"#,
    );
    let err = scenario::load(&path).unwrap_err().to_string();
    let file = path.display().to_string();
    for expected in [
        format!("{file}:7: field `window.end`"),
        format!("{file}:12: field `capacity`: invalid type: string \"big\""),
        format!("{file}:16: field `link`: unknown field `link`"),
        format!("{file}:18: field `lines`: remove-line: unknown line id `NOPE`"),
    ] {
        assert!(err.contains(&expected), "missing `{expected}` in:\n{err}");
    }
}

#[test]
fn demand_and_choice_parameters_are_inherited_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    demo_scenario(
        dir.path(),
        "parent",
        "[demand]\nbeta_per_min = 0.05\n\n[choice]\nminutes_per_yuan = 2\n",
    );
    let child = dir.path().join("child.toml");
    std::fs::write(
        &child,
        "version = 1\nname = \"child\"\nextends = \"parent.toml\"\n",
    )
    .unwrap();
    let s = load(&child);
    assert_eq!((s.demand.beta_per_min, s.demand.commute_rate), (0.05, 0.5));
    assert_eq!(s.choice.minutes_per_yuan, 2.0);
    let bad = demo_scenario(
        dir.path(),
        "bad",
        "[demand]\nbeta_per_min = -1\n\n[choice]\nscale_per_min = nan\n",
    );
    let err = scenario::load(&bad).unwrap_err().to_string();
    assert!(
        err.contains(":5: field `demand.beta_per_min`: -1 is out of range"),
        "{err}"
    );
    assert!(
        err.contains(":8: field `choice.scale_per_min`: NaN is out of range"),
        "{err}"
    );
}

#[test]
fn delays_and_road_variability_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let ok = demo_scenario(
        dir.path(),
        "ok",
        "[delays]\nhsr = 2\n\n[roads]\nday_sd = 0.3\n",
    );
    let s = load(&ok);
    assert_eq!(
        s.variability.delays[commute::network::Mode::Hsr.index()],
        Delay::exponential(2.0)
    );
    assert!(s.variability.line_delays.is_empty());
    // A line id sets that line's delay; classes their own link spread.
    let lines = demo_scenario(
        dir.path(),
        "lines",
        "[delays]\nJX = 4\nhsr = { on_time = 0.9, late_mean_min = 8 }\n\n[roads]\nlink_sd = 0.2\n[roads.class_sd]\nexpressway = 0.05\n",
    );
    let t = load(&lines);
    let jx = t.network.line(t.network.line_id("JX").unwrap());
    assert_eq!(t.variability.delay_of(jx), Delay::exponential(4.0));
    let jj = t.network.line(t.network.line_id("JJ").unwrap());
    let punctual = t.variability.delay_of(jj);
    assert_eq!((punctual.on_time, punctual.late_mean_min), (0.9, 8.0));
    assert!((punctual.mean_min() - 0.8).abs() < 1e-12);
    let l1 = t.network.line(t.network.line_id("L1").unwrap());
    assert_eq!(t.variability.delay_of(l1), Delay::exponential(0.5));
    assert_eq!(t.variability.link_sd_of("expressway"), 0.05);
    assert_eq!(t.variability.link_sd_of("arterial"), 0.2);
    assert_eq!(
        s.variability.delays[commute::network::Mode::Subway.index()],
        Delay::exponential(0.5),
        "default kept"
    );
    assert_eq!(
        (s.variability.road_day_sd, s.variability.checkpoint_sd),
        (0.3, 0.5)
    );
    let wrong = demo_scenario(
        dir.path(),
        "wrong",
        "[delays]\nrail = { on_time = 2, late_mean_min = 3 }\n",
    );
    let err = scenario::load(&wrong).unwrap_err().to_string();
    assert!(
        err.contains("field `delays.rail.on_time`: 2 is out of range (0 to 1)"),
        "{err}"
    );
    let bad = demo_scenario(
        dir.path(),
        "bad",
        "[delays]\ntram = 1\nbus = -3\n\n[roads]\ncheckpoint_sd = 9\n",
    );
    let err = scenario::load(&bad).unwrap_err().to_string();
    assert!(err.starts_with("3 problems"), "{err}");
    assert!(
        err.contains(
            ":5: field `delays`: `tram` is neither a mode (hsr, rail, subway, bus, custom_bus) nor a line id"
        ),
        "{err}"
    );
    assert!(
        err.contains(":5: field `delays.bus`: -3 is out of range (0 to 120)"),
        "{err}"
    );
    assert!(
        err.contains(":9: field `roads.checkpoint_sd`: 9 is out of range (0 to 2)"),
        "{err}"
    );
}

#[test]
fn a_departure_profile_weights_the_window_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    // Window 07:00-09:00 (default); three times the rate from 07:30 to 08:00, none after 08:30.
    let ok = demo_scenario(
        dir.path(),
        "profile",
        "[demand]\ndeparture_profile = [\n  { start = \"07:00\", end = \"07:30\", weight = 1 },\n  { start = \"07:30\", end = \"08:00\", weight = 3 },\n  { start = \"08:00\", end = \"08:30\", weight = 1 },\n]\n",
    );
    let w = load(&ok).departure_weights();
    assert_eq!(w.len(), 120);
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!((w[40] / w[10] - 3.0).abs() < 1e-12 && w[70] == w[10] && w[100] == 0.0);
    // Uniform without a profile.
    let plain = load(&demo_scenario(dir.path(), "plain", "")).departure_weights();
    assert!(plain.iter().all(|&x| (x - 1.0 / 120.0).abs() < 1e-15));

    let bad = demo_scenario(
        dir.path(),
        "bad",
        "[demand]\ndeparture_profile = [\n  { start = \"06:30\", end = \"07:30\", weight = 1 },\n  { start = \"07:30\", end = \"08:00\", weight = -2 },\n  { start = \"7h\", end = \"08:00\", weight = 1 },\n]\n",
    );
    let err = scenario::load(&bad).unwrap_err().to_string();
    assert!(err.starts_with("3 problems"), "{err}");
    assert!(
        err.contains(":7: field `demand.departure_profile`: period 06:30-07:30 must lie inside the window 07:00-09:00"),
        "{err}"
    );
    assert!(
        err.contains(
            ":8: field `demand.departure_profile`: weight -2 is out of range (0 to 1000000)"
        ),
        "{err}"
    );
    assert!(
        err.contains(":9: field `demand.departure_profile`: expected a clock time"),
        "{err}"
    );
    let zero = demo_scenario(
        dir.path(),
        "zero",
        "[demand]\ndeparture_profile = [{ start = \"07:00\", end = \"08:00\", weight = 0 }]\n",
    );
    let err = scenario::load(&zero).unwrap_err().to_string();
    assert!(
        err.contains("no departure minute of the window falls in a period of positive weight"),
        "{err}"
    );
}

/// `set-capacity` on a line: a capacity below the seats cuts them to it, seats alone keep the
/// capacity, both set both; `add-line` seats default to its capacity.
#[test]
fn set_fare_sets_the_rule_of_named_lines_and_of_every_line_of_a_mode() {
    use commute::network::FareRule;
    let dir = tempfile::tempdir().unwrap();
    let path = demo_scenario(
        dir.path(),
        "fares",
        r#"[[modifications]]
type = "set-fare"
modes = ["bus"]
fare = "flat:1"

[[modifications]]
type = "set-fare"
lines = ["JX", "B838"]
fare = "none"
"#,
    );
    let net = load(&path).network;
    let fare = |id: &str| net.line(net.line_id(id).unwrap()).fare;
    // Every bus line at 1 yuan, then B838 (a bus) and the Jing-Xiong intercity free; the other
    // intercity and the subway keep theirs.
    assert_eq!(fare("B818"), FareRule::Flat(1.0));
    assert_eq!(fare("B_GA"), FareRule::Flat(1.0));
    assert_eq!(fare("B838"), FareRule::None);
    assert_eq!(fare("JX"), FareRule::None);
    assert_eq!(fare("JJ"), FareRule::PerKm(0.45));
    assert!(matches!(fare("L1"), FareRule::System(_)));
    assert_eq!(fare("CB1"), FareRule::Flat(25.0));
}

#[test]
fn set_capacity_sets_seats_and_capacity_of_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_scenario(
        dir.path(),
        "seats",
        r#"[[modifications]]
type = "set-capacity"
line = "L1"
capacity = 200

[[modifications]]
type = "set-capacity"
line = "L4"
seats = 300

[[modifications]]
type = "set-capacity"
line = "L9"
capacity = 1600
seats = 400

[[modifications]]
type = "add-line"
id = "X1"
name = "Coach"
mode = "bus"
capacity = 45
stops = [{ node = "b_guomao" }, { node = "b_tongzhou", run_min = 30 }]
headways = [{ start = "07:00", end = "09:00", headway_min = 10 }]
"#,
    );
    let net = load(&path).network;
    let size = |id: &str| {
        let l = net.line(net.line_id(id).unwrap());
        (l.capacity, l.seats)
    };
    assert_eq!(size("L1"), (200, 200));
    assert_eq!(size("L4"), (1400, 300));
    assert_eq!(size("L9"), (1600, 400));
    assert_eq!(size("X1"), (45, 45));
    assert_eq!(size("JX"), (1200, 1000));
}
