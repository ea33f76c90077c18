//! Itineraries on the demo network, checked against times worked out by hand from its files.

mod common;

use common::*;
use commute::network::Mode;
use commute::routing::{Engine, LegMode, TravelMode, Trip};

fn route(scenario: &str, mode: TravelMode, from: &str, to: &str) -> Trip {
    let s = load(&root().join(scenario));
    let n = &s.network;
    let place = |q: &str| match n.find_place(q) {
        Ok(p) => p.node(n),
        Err(e) => panic!("{q}: {e:?}"),
    };
    Engine::new(n, s.window)
        .route(mode, place(from), place(to))
        .expect("a route")
}

fn legs(t: &Trip) -> Vec<(&'static str, Option<&str>, u32)> {
    t.legs
        .iter()
        .map(|l| (l.mode.as_str(), l.line.as_deref(), l.time_s))
        .collect()
}

#[test]
fn a_change_of_line_pays_the_station_transfer_time_and_half_headways() {
    let t = route(
        "scenarios/demo-base.toml",
        TravelMode::Transit,
        "zgc",
        "guomao",
    );
    assert_eq!(
        legs(&t),
        [
            ("walk", None, 300),
            ("wait", Some("L4"), 90),        // half of a 3-minute headway
            ("subway", Some("L4"), 16 * 60), // Zhongguancun - Xidan
            ("transfer", None, 300),         // Xidan's own transfer time (transfers.csv)
            // Half the mean headway of trains leaving Xidan 07:00-09:00: they left Military Museum
            // 9.5 min earlier, partly in the 5-minute period before 07:00 (46.1 trains, 156 s).
            ("wait", Some("L1"), 78),
            ("subway", Some("L1"), 14 * 60), // Xidan - Guomao
            ("walk", None, 300),
        ]
    );
    assert_eq!(t.time_s, t.legs.iter().map(|l| l.time_s).sum::<u32>());
    assert_eq!(t.transfers(), 1);
    assert_eq!(t.path_summary(), "L4 > L1");
    // One subway fare for the whole subway trip: 10 + 9.4 km is in the 12.1-22.1 km band.
    assert_eq!(t.cost_yuan(), 5.0);
    assert_eq!(t.legs[2].cost_yuan, 5.0, "charged on the first ride");
}

#[test]
fn hsr_boarding_pays_processing_and_rides_include_intermediate_dwells() {
    let t = route(
        "scenarios/demo-base.toml",
        TravelMode::Transit,
        "Beijing West",
        "Xiong'an station",
    );
    assert_eq!(
        legs(&t),
        [
            ("wait", Some("JX"), 5 * 60), // timetabled: planned 5-min early arrival (< 40/2)
            ("wait", Some("JX"), 15 * 60), // hsr station processing (network.toml)
            ("hsr", Some("JX"), 60 * 60), // 15 + 2 + 21 + 3 + 19: dwell only at Daxing, Daxing Airport
        ]
    );
    assert!((t.cost_yuan() - 0.45 * 106.0).abs() < 1e-9, "per-km fare");
    assert!((t.distance_km() - 106.0).abs() < 1e-9);
    // The reverse direction runs the same stops backwards with the same run times.
    let back = route(
        "scenarios/demo-base.toml",
        TravelMode::Transit,
        "Xiong'an station",
        "Beijing West",
    );
    let ride: Vec<_> = back
        .legs
        .iter()
        .filter(|l| l.mode == LegMode::Ride(Mode::Hsr))
        .collect();
    assert_eq!(ride.len(), 1);
    assert_eq!(ride[0].time_s, 60 * 60);
}

#[test]
fn checkpoint_delays_apply_in_the_drawn_direction_only() {
    let into = route(
        "scenarios/demo-base.toml",
        TravelMode::Car,
        "yanjiao",
        "tongzhou",
    );
    let out = route(
        "scenarios/demo-base.toml",
        TravelMode::Car,
        "tongzhou",
        "yanjiao",
    );
    assert_eq!(
        into.time_s,
        out.time_s + 600,
        "10-minute Baimiao checkpoint towards Beijing"
    );
    assert_eq!(into.path_summary(), "G1 Jing-Ha (Baimiao checkpoint)");
    assert_eq!(into.transfers(), 0);
}

#[test]
fn car_trips_report_distance_and_tolls() {
    let t = route(
        "scenarios/demo-base.toml",
        TravelMode::Car,
        "xiongan",
        "guomao",
    );
    assert_eq!(
        t.path_summary(),
        "Jing-Xiong Expressway > South-East 3rd Ring"
    );
    assert_eq!(t.distance_km(), 115.0);
    assert_eq!(t.cost_yuan(), 45.0);
    // 6 min access + 100 km at 110 km/h + 5 min checkpoint + 15 km at 40 km/h + 8 min egress.
    let expected = 360 + (100.0_f64 / 110.0 * 3600.0).round() as u32 + 300 + 1350 + 480;
    assert_eq!(t.time_s, expected);
}

#[test]
fn feeder_access_shows_as_a_bus_leg_and_is_not_a_boarding() {
    let t = route(
        "scenarios/demo-base.toml",
        TravelMode::Transit,
        "xiongan",
        "Beijing West",
    );
    assert_eq!(t.legs[0].mode, LegMode::Ride(Mode::Bus));
    assert_eq!(t.legs[0].line.as_deref(), Some("feeder"));
    assert_eq!(t.transfers(), 0);
    assert_eq!(t.path_summary(), "feeder > JX");
}

#[test]
fn sparse_service_waits_the_planned_arrival_however_it_is_described() {
    // CB1 runs by explicit departures only (07:00, 07:20 in the window: mean headway 60 min).
    let t = route(
        "scenarios/demo-base.toml",
        TravelMode::Transit,
        "Derong Dijing",
        "Dawanglu bus stop",
    );
    assert_eq!(
        legs(&t),
        [
            ("wait", Some("CB1"), 300),
            ("custom_bus", Some("CB1"), 55 * 60)
        ]
    );
    // Described by a 60-minute headway instead, it waits the same: one rule for every line.
    let dir = tempfile::tempdir().unwrap();
    let path = demo_scenario(
        dir.path(),
        "cb1-headway",
        "[[modifications]]\ntype = \"adjust-frequency\"\nline = \"CB1\"\n\
         headways = [{ start = \"07:00\", end = \"09:00\", headway_min = 60 }]\n",
    );
    let s = load(&path);
    let n = &s.network;
    let (a, b) = (
        n.node_id("b_langfang").unwrap(),
        n.node_id("b_guomao").unwrap(),
    );
    let t = Engine::new(n, s.window)
        .route(TravelMode::Transit, a, b)
        .unwrap();
    assert_eq!(legs(&t)[0], ("wait", Some("CB1"), 5 * 60));
}

#[test]
fn service_at_a_stop_counts_vehicles_leaving_that_stop_in_the_window() {
    // JX towards Beijing leaves Xiong'an at 06:50, 07:35 and 08:20: two departures from Xiong'an
    // in 07:00-09:00 (mean headway 60 min), but three from Daxing Airport 22 minutes later
    // (07:12, 07:57, 08:42: 40 min).
    let detail = |from: &str| {
        let t = route(
            "scenarios/demo-base.toml",
            TravelMode::Transit,
            from,
            "Beijing West",
        );
        let wait = t.legs.iter().find(|l| l.mode == LegMode::Wait).unwrap();
        wait.detail.clone().unwrap()
    };
    assert!(
        detail("Xiong'an station").contains("mean headway 60.0 min"),
        "{}",
        detail("Xiong'an station")
    );
    assert!(detail("Daxing Airport station").contains("mean headway 40.0 min"));
}

#[test]
fn changing_trains_inside_a_station_skips_the_second_security_check() {
    // A new HSR line onwards from Xiong'an station: Beijing West -> JX -> change at Xiong'an.
    let dir = tempfile::tempdir().unwrap();
    let path = demo_scenario(
        dir.path(),
        "onwards",
        r#"[[modifications]]
type = "add-node"
id = "s_baoding"
name = "Baoding East"
kind = "rail_station"
lon = 115.5
lat = 38.86

[[modifications]]
type = "add-line"
id = "XB"
name = "Xiong'an - Baoding"
mode = "hsr"
capacity = 500
stops = [{ node = "s_xiongan" }, { node = "s_baoding", run_min = 20 }]
headways = [{ start = "06:00", end = "22:00", headway_min = 8 }]
"#,
    );
    let s = load(&path);
    let n = &s.network;
    let (a, b) = (n.node_id("s_bjw").unwrap(), n.node_id("s_baoding").unwrap());
    let t = Engine::new(n, s.window)
        .route(TravelMode::Transit, a, b)
        .unwrap();
    let kinds: Vec<_> = t
        .legs
        .iter()
        .map(|l| (l.mode.as_str(), l.line.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("wait", Some("JX")),
            ("wait", Some("JX")), // processing at Beijing West
            ("hsr", Some("JX")),
            ("transfer", None), // Xiong'an's transfer time, no second check
            ("wait", Some("XB")),
            ("hsr", Some("XB")),
        ]
    );
    assert_eq!(t.legs[3].time_s, 180, "the demo's default transfer time");
    assert_eq!(t.legs[4].time_s, 4 * 60, "half of 8 minutes");
    assert_eq!(t.time_s, t.legs.iter().map(|l| l.time_s).sum::<u32>());
}

#[test]
fn loop_lines_run_through_their_first_stop() {
    // Line 2 of the Beijing subway is a loop listed from Xizhimen back to Xizhimen: Jishuitan
    // (before the seam) to Chegongzhuang (after it) is one ride.
    let t = route(
        "scenarios/jjj-2024.toml",
        TravelMode::Transit,
        "bj_jishuitan",
        "bj_chegongzhuang",
    );
    assert_eq!(t.transfers(), 0, "{:?}", t.legs);
    assert_eq!(t.path_summary(), "L2");
}
