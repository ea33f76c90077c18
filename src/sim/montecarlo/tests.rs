//! The simulation end to end on hand-made networks.

use super::*;
use crate::network::Network;
use crate::network::{
    AccessLink, AccessMode, FareRule, HeadwayPeriod, Line, Mode, Node, NodeId, NodeKind, Settings,
    Stop, Zone, ZoneId,
};
use crate::routing::skim_all;
use crate::time::to_minutes;

/// Two zones at the two stops of one line of `mode` with headway `headway_s`, `capacity`
/// places per vehicle and a 10-minute run; no roads.
fn one_line(headway_s: Seconds, mode: Mode, capacity: u32) -> Network {
    let settings = Settings {
        name: "one line".into(),
        description: String::new(),
        sources: Vec::new(),
        default_transfer_s: 0,
        scheduled_wait_s: 0,
        processing_s: [0; 5],
        crush_standing: [1.0; 5],
        fare_systems: Vec::new(),
        policy: Default::default(),
    };
    let mut net = Network::empty(settings);
    let node = |id: &str, kind| Node {
        id: id.into(),
        name: id.into(),
        name_zh: String::new(),
        kind,
        lon: 0.0,
        lat: 0.0,
        approximate: false,
    };
    net.nodes = vec![
        node("a", NodeKind::SubwayStation),
        node("b", NodeKind::SubwayStation),
        node("za", NodeKind::ZoneCentroid),
        node("zb", NodeKind::ZoneCentroid),
    ];
    for (z, centroid, station) in [(0, 2, 0), (1, 3, 1)] {
        net.zones.push(Zone {
            id: format!("z{z}"),
            name: format!("z{z}"),
            name_zh: String::new(),
            centroid: NodeId::new(centroid),
            residents: 1,
            jobs: 1,
            car_share: 0.0,
            province: String::new(),
            area_km2: None,
        });
        net.access.push(AccessLink {
            zone: ZoneId::new(z),
            node: NodeId::new(station),
            mode: AccessMode::Walk,
            time_s: 0,
        });
    }
    net.lines.push(Line {
        id: "L".into(),
        name: "L".into(),
        mode,
        capacity,
        seats: capacity,
        fare: FareRule::None,
        oneway: true,
        loops: true,
        stops: vec![
            Stop {
                node: NodeId::new(0),
                run_s: 0,
                dwell_s: 0,
                distance_km: 0.0,
            },
            Stop {
                node: NodeId::new(1),
                run_s: 600,
                dwell_s: 0,
                distance_km: 5.0,
            },
        ],
        headways: vec![HeadwayPeriod {
            start_s: 6 * 3600,
            end_s: 10 * 3600,
            headway_s,
        }],
        departures: Vec::new(),
        trip_ids: Vec::new(),
    });
    net.reindex();
    net
}

const HOUR: Window = Window {
    start_s: 7 * 3600,
    end_s: 8 * 3600,
};

/// Simulates the commuters `flows` (`o * zones + d`), each pair with its origin's car share,
/// choosing between car, transit and custom bus only (the hand-made networks' zones have no
/// distance between them to walk or cycle).
fn run(net: &Network, setup: &Setup, flows: &[f64]) -> Simulation {
    let mut setup = setup.clone();
    setup.choice.modes = [true, true, true, false, false, false];
    run_offering_all(net, &setup, flows)
}

/// As [`run`], offering every alternative the setup offers.
fn run_offering_all(net: &Network, setup: &Setup, flows: &[f64]) -> Simulation {
    let engine = Engine::new(net, setup.window);
    let skims = skim_all(&engine);
    let n = net.zones().len();
    let flows = super::Flows {
        commuters: flows.to_vec(),
        car_share: (0..flows.len())
            .map(|k| net.zones()[k / n].car_share)
            .collect(),
    };
    simulate(&engine, &skims, &flows, setup, |_| {})
}

#[test]
fn mean_wait_converges_to_half_the_headway() {
    // Uniform departures against a randomly phased 12-minute headway: the mean wait is 6 min.
    let net = one_line(720, Mode::Subway, 100);
    let samples = run(&net, &Setup::phases_only(HOUR, 42, 200), &[0.0; 4]);
    let times = &samples.transit[1];
    assert_eq!(times.len(), 200 * 60);
    let mean_wait = times.iter().map(|&t| f64::from(t - 600)).sum::<f64>() / times.len() as f64;
    assert!((mean_wait - 360.0).abs() < 6.0, "mean wait {mean_wait} s");
    // Waits are spread over the whole headway.
    assert_eq!(times.iter().min(), Some(&600));
    assert!(*times.iter().max().unwrap() >= 600 + 700);
    assert!(
        samples.transit[2].iter().all(|&t| t == NO_ROUTE),
        "one-way line"
    );
}

#[test]
fn service_delays_add_their_mean_to_the_ride() {
    let net = one_line(720, Mode::Subway, 100);
    let mean = |line_delay: Option<f64>| {
        let mut setup = Setup::phases_only(HOUR, 3, 400);
        if let Some(minutes) = line_delay {
            setup
                .variability
                .line_delays
                .insert("L".into(), crate::scenario::Delay::exponential(minutes));
        }
        let s = run(&net, &setup, &[0.0; 4]);
        s.transit[1].iter().map(|&t| f64::from(t)).sum::<f64>() / s.transit[1].len() as f64
    };
    let extra = mean(Some(2.0)) - mean(None);
    // Exponential with a 2-minute mean over 400 draws: standard error 6 s.
    assert!((extra - 120.0).abs() < 24.0, "extra {extra} s");
}

#[test]
fn custom_bus_seats_are_never_exceeded_and_the_rest_ride_nothing() {
    // 1,000 commuters an hour, custom buses of 40 seats every 20 minutes and no other way.
    let net = one_line(1200, Mode::CustomBus, 40);
    let setup = Setup::phases_only(HOUR, 5, 20);
    let flows = [0.0, 1000.0, 0.0, 0.0];
    let s = run(&net, &setup, &flows);
    let line = s.lines[0];
    let draws = f64::from(setup.draws);
    // Three or four buses leave in the hour (phase), each full.
    let seats_per_draw = line.boardings / draws;
    assert!(
        (120.0 - 1e-6..=160.0 + 1e-6).contains(&seats_per_draw),
        "{seats_per_draw}"
    );
    assert!(line.max_peak_load <= 40.0 + 1e-9, "{}", line.max_peak_load);
    assert!((line.peak_load / draws - 40.0).abs() < 1e-9);
    // Everyone else was turned away (those who waited for the next bus, full as well, twice)
    // and, with no other alternative, is not served.
    let unserved = 1000.0 * draws - line.boardings;
    assert!(line.denied >= unserved - 1e-6);
    assert!(line.denied <= 2.0 * unserved + 1e-6);
    let served: f64 = s.pair_draws[1].iter().map(PairDraw::served).sum();
    assert!((served - line.boardings).abs() < 1e-6);
    assert!(s.custom_bus[1].iter().any(|&t| t != NO_ROUTE));
    assert!(s.transit[1].iter().all(|&t| t == NO_ROUTE));
}

#[test]
fn commuters_turned_away_wait_for_the_next_train_with_room() {
    // 1,000 commuters all leave at 07:00 for a line of 100 places every 5 minutes, nothing else:
    // the first train takes 100. Of the 900 turned away, those choosing the next train (weight
    // w = exp(-0.1 x 1.5 x 5 minutes) against 1 for a train after the window) fill it, 100
    // more; the rest of them are turned away again.
    let net = one_line(300, Mode::Subway, 100);
    let mut setup = Setup::phases_only(HOUR, 9, 10);
    setup.weights = (0..60).map(|m| if m == 0 { 1.0 } else { 0.0 }).collect();
    let s = run(&net, &setup, &[0.0, 1000.0, 0.0, 0.0]);
    let line = s.lines[0];
    let draws = f64::from(setup.draws);
    assert!((line.boardings / draws - 200.0).abs() < 1e-6, "{line:?}");
    let w = (-0.1f64 * 1.5 * 5.0).exp();
    let waiting = 900.0 * w / (1.0 + w);
    assert!(
        (line.denied / draws - (900.0 + waiting - 100.0)).abs() < 1e-6,
        "{line:?}"
    );
    assert!(line.max_peak_load <= 100.0 + 1e-9);
    // Those on the second train arrive one headway later than those on the first.
    for (draw, pair) in s.pair_draws[1].iter().enumerate() {
        let first = to_minutes(s.transit[1][draw * 60]);
        let expected = 100.0 * first + 100.0 * (first + 5.0);
        assert!((pair.served() - 200.0).abs() < 1e-6);
        assert!((pair.minutes - expected).abs() < 1e-6, "{draw}: {pair:?}");
    }
}

#[test]
fn loads_follow_the_chosen_itineraries() {
    // Without capacity limits every commuter boards once and rides 5 km.
    let net = one_line(300, Mode::Subway, 1000);
    let s = run(
        &net,
        &Setup::phases_only(HOUR, 8, 10),
        &[0.0, 600.0, 0.0, 0.0],
    );
    let line = s.lines[0];
    assert!((line.boardings - 6000.0).abs() < 1e-6);
    assert!((line.passenger_km - 30_000.0).abs() < 1e-6);
    assert_eq!(line.denied, 0.0);
    // 600 an hour on a 5-minute headway: about 50 a train.
    assert!((45.0..=60.0).contains(&(line.peak_load / 10.0)));
    assert!(s.custom_bus[1].is_empty());
}

#[test]
fn car_owners_choose_by_the_logit_on_generalised_minutes() {
    // Add a 20 km road between the two stations, driven at 80 km/h (15 min), and give half
    // the households a car.
    let mut net = one_line(720, Mode::Subway, 1000);
    net.roads.push(crate::network::RoadLink {
        id: "r".into(),
        name: String::new(),
        from: NodeId::new(0),
        to: NodeId::new(1),
        length_km: 20.0,
        speed_kmh: 80.0,
        capacity_vph: 2000.0,
        lanes: 2,
        class: "expressway".into(),
        toll_yuan: 5.0,
        oneway: false,
        checkpoint_s: 0,
    });
    for z in 0..2 {
        net.access.push(AccessLink {
            zone: ZoneId::new(z),
            node: NodeId::new(z),
            mode: AccessMode::Car,
            time_s: 0,
        });
        net.zones[z].car_share = 0.5;
    }
    net.reindex();
    let setup = Setup::phases_only(HOUR, 11, 1);
    let s = run(&net, &setup, &[0.0, 600.0, 0.0, 0.0]);
    // By hand: car 15 min + 10 constant + (5 yuan toll + 20 km x 0.6) x 1.5 min/yuan; transit
    // 10 min aboard + 1.5 x the wait, no fare, one vehicle.
    let c = Choice::default();
    let car =
        15.0 + c.car_constant_min + (5.0 + 20.0 * c.car_cost_yuan_per_km) * c.minutes_per_yuan;
    let expected: f64 = s.transit[1]
        .iter()
        .map(|&t| {
            let pt = 10.0 + c.wait_walk_weight * (to_minutes(t) - 10.0);
            10.0 * 0.5 / (1.0 + (c.scale_per_min * (car - pt)).exp())
        })
        .sum();
    let got = s.pair_draws[1][0];
    let driving = got.by[Alternative::Car.index()];
    assert!((driving - expected).abs() < 1e-9, "{driving} vs {expected}");
    assert!((got.served() - 600.0).abs() < 1e-9);
    assert_eq!(s.car[1], vec![900]);
}

#[test]
fn the_departure_profile_weights_the_minutes() {
    let net = one_line(300, Mode::Subway, 1000);
    let mut setup = Setup::phases_only(HOUR, 8, 4);
    // Everyone leaves in the first 10 minutes.
    setup.weights = (0..60).map(|m| if m < 10 { 0.1 } else { 0.0 }).collect();
    let s = run(&net, &setup, &[0.0, 100.0, 0.0, 0.0]);
    let total: f64 = (0..s.transit[1].len()).map(|i| s.sample_weight(i)).sum();
    assert!((total - 1.0).abs() < 1e-12);
    assert!((s.mean_pair(1).served() - 100.0).abs() < 1e-9);
}

#[test]
fn commuters_turned_away_walk_or_cycle_by_the_logit() {
    // As above, but the zones are 2 km apart (0.018 degrees of latitude) and walking, cycling
    // and a taxi are offered (no roads: no car and no taxi route). Those turned away from the
    // first train wait for the next or walk or cycle, by the logit over what is left; the line
    // still carries at most its capacity, and those turned away twice are not served.
    let mut net = one_line(300, Mode::Subway, 100);
    net.nodes[3].lat = 0.018;
    let mut setup = Setup::phases_only(HOUR, 9, 10);
    setup.weights = (0..60).map(|m| if m == 0 { 1.0 } else { 0.0 }).collect();
    let s = run_offering_all(&net, &setup, &[0.0, 1000.0, 0.0, 0.0]);
    let line = s.lines[0];
    assert!(line.max_peak_load <= 100.0 + 1e-9, "{line:?}");
    let (walk, cycle) = (Alternative::Walk.index(), Alternative::Cycle.index());
    let draws = f64::from(setup.draws);
    let lost = 1000.0 * draws - s.pair_draws[1].iter().map(PairDraw::served).sum::<f64>();
    assert!(lost > 0.0 && lost <= line.denied + 1e-6, "{lost} {line:?}");
    for pair in &s.pair_draws[1] {
        assert!(pair.served() < 1000.0, "{pair:?}");
        assert!(pair.by[walk] > 0.0 && pair.by[cycle] > 0.0, "{pair:?}");
        assert_eq!(pair.by[Alternative::Taxi.index()], 0.0);
        assert!(pair.by[Alternative::Transit.index()] <= 200.0 + 1e-6);
    }
    // Walking 2 km x the detour at 4.5 km/h: the same every sample.
    let street_km = 2.0015 * crate::sim::intrazonal::DETOUR;
    let walk_s = s.samples(Some(Alternative::Walk), 1);
    assert!(walk_s.iter().all(|&t| t == walk_s[0]));
    assert!((f64::from(walk_s[0]) - street_km / 4.5 * 3600.0).abs() < 1.0);
    assert!(
        s.samples(Some(Alternative::Taxi), 1)
            .iter()
            .all(|&t| t == NO_ROUTE)
    );
}
