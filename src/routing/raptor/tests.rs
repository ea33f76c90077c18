//! RAPTOR against a slow, independent oracle: a label-setting (Dijkstra) search over explicit
//! states (on foot at a node, just off a vehicle at a node, aboard a given trip at a given
//! stop), on random small networks with random timetables.

use super::*;
use crate::network::{
    AccessLink, AccessMode, Departure, Direction, FareRule, HeadwayPeriod, Line, Node, NodeKind,
    Settings, Stop, Transfer, WalkLink, Zone, ZoneId,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

/// A random network of 3 to 11 stations, 1 to 3 zones, walk links, transfers and 1 to 5 lines.
fn random_network(rng: &mut ChaCha8Rng) -> Network {
    let stations = rng.random_range(3..12);
    let zones = rng.random_range(1..4);
    let mut net = Network::empty(random_settings(rng));
    let node = |id: String, kind| Node {
        name: id.clone(),
        name_zh: String::new(),
        id,
        kind,
        lon: 0.0,
        lat: 0.0,
        approximate: false,
    };
    for i in 0..stations {
        net.nodes.push(node(format!("s{i}"), NodeKind::RailStation));
    }
    for z in 0..zones {
        let centroid = NodeId::new(net.nodes.len());
        net.nodes
            .push(node(format!("z{z}"), NodeKind::ZoneCentroid));
        net.zones.push(Zone {
            id: format!("z{z}"),
            name: format!("z{z}"),
            name_zh: String::new(),
            centroid,
            residents: 1,
            jobs: 1,
            car_share: 0.5,
            province: String::new(),
            area_km2: None,
        });
        for _ in 0..rng.random_range(1..4) {
            net.access.push(AccessLink {
                zone: ZoneId::new(z),
                node: NodeId::new(rng.random_range(0..stations)),
                mode: if rng.random_bool(0.5) {
                    AccessMode::Walk
                } else {
                    AccessMode::Feeder
                },
                time_s: rng.random_range(0..20) * 60,
            });
        }
    }
    let station = |rng: &mut ChaCha8Rng| NodeId::new(rng.random_range(0..stations));
    for i in 0..rng.random_range(0..stations) {
        let (from, to) = (station(rng), station(rng));
        net.walks.push(WalkLink {
            id: format!("w{i}"),
            from,
            to,
            time_s: rng.random_range(0..15) * 60,
            oneway: rng.random_bool(0.3),
        });
    }
    for _ in 0..rng.random_range(0..4) {
        let (from, to) = (station(rng), station(rng));
        net.transfers.push(Transfer {
            from,
            to,
            time_s: rng.random_range(0..10) * 60,
        });
    }
    for l in 0..rng.random_range(1..6) {
        if let Some(line) = random_line(rng, l, stations) {
            net.lines.push(line);
        }
    }
    net.reindex();
    net
}

/// Random settings: the HSR processing time and the default transfer time vary.
fn random_settings(rng: &mut ChaCha8Rng) -> Settings {
    let mut processing_s = [0; 5];
    processing_s[Mode::Hsr.index()] = rng.random_range(0..4) * 300;
    Settings {
        name: "random".into(),
        description: String::new(),
        sources: Vec::new(),
        default_transfer_s: rng.random_range(0..6) * 60,
        scheduled_wait_s: 300,
        processing_s,
        crush_standing: [1.0; 5],
        fare_systems: Vec::new(),
        policy: Default::default(),
    }
}

/// Random line `L{l}` over stations `0..stations`, run by headway or by departures; `None`
/// when fewer than two stops were drawn.
fn random_line(rng: &mut ChaCha8Rng, l: i32, stations: usize) -> Option<Line> {
    let mut stops: Vec<Stop> = Vec::new();
    for _ in 0..rng.random_range(2..6) {
        let node = NodeId::new(rng.random_range(0..stations));
        if stops.last().is_some_and(|s| s.node == node) {
            continue;
        }
        let first = stops.is_empty();
        stops.push(Stop {
            node,
            run_s: if first {
                0
            } else {
                rng.random_range(0..20) * 60 + rng.random_range(0..60)
            },
            dwell_s: rng.random_range(0..3) * 30,
            distance_km: if first { 0.0 } else { 1.0 },
        });
    }
    if stops.len() < 2 {
        return None;
    }
    let oneway = rng.random_bool(0.3);
    let mut headways = Vec::new();
    let mut departures = Vec::new();
    if rng.random_bool(0.5) {
        let start_s = rng.random_range(6 * 60..8 * 60) * 60;
        headways.push(HeadwayPeriod {
            start_s,
            end_s: start_s + 3 * 3600,
            headway_s: rng.random_range(2..30) * 60,
        });
    } else {
        for _ in 0..rng.random_range(1..8) {
            let direction = if oneway || rng.random_bool(0.5) {
                Direction::Forward
            } else {
                Direction::Reverse
            };
            departures.push(Departure {
                direction,
                time_s: rng.random_range(6 * 3600..10 * 3600),
            });
        }
        departures.sort();
    }
    Some(Line {
        id: format!("L{l}"),
        name: format!("L{l}"),
        mode: if rng.random_bool(0.5) {
            Mode::Hsr
        } else {
            Mode::Subway
        },
        capacity: 100,
        seats: 100,
        fare: FareRule::None,
        oneway,
        loops: true,
        stops,
        headways,
        departures,
        trip_ids: Vec::new(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum State {
    Street(u32),
    Alighted(u32),
    Aboard { pattern: u32, stop: u32, trip: u32 },
}

/// Earliest arrival at every node (on foot or off a vehicle) by a plain Dijkstra over states.
fn oracle(net: &Network, tt: &Timetable, source: NodeId, depart_s: Seconds) -> Vec<Seconds> {
    let mut best: HashMap<State, Seconds> = HashMap::new();
    let mut heap = BinaryHeap::new();
    let push =
        |best: &mut HashMap<State, Seconds>, heap: &mut BinaryHeap<_>, s: State, t: Seconds| {
            if best.get(&s).is_none_or(|&b| t < b) {
                best.insert(s, t);
                heap.push(Reverse((t, s)));
            }
        };
    let src = source.index() as u32;
    push(&mut best, &mut heap, State::Street(src), depart_s);
    if let Some(z) = net.zone_at(source) {
        for &(v, time_s, _) in tt.access_of(z) {
            push(&mut best, &mut heap, State::Street(v), depart_s + time_s);
        }
    }
    let mut arrival = vec![NEVER; net.nodes().len()];
    while let Some(Reverse((t, s))) = heap.pop() {
        if best[&s] < t {
            continue;
        }
        match s {
            State::Street(v) | State::Alighted(v) => {
                arrival[v as usize] = arrival[v as usize].min(t);
                if matches!(s, State::Street(_)) && v != src && tt.barrier[v as usize] {
                    continue;
                }
                for e in tt.walk.edges_of(v) {
                    push(
                        &mut best,
                        &mut heap,
                        State::Street(tt.walk.head(e)),
                        t + tt.walk.weight(e),
                    );
                }
                for &(p, i) in &tt.serving[v as usize] {
                    let pattern = &tt.patterns[p as usize];
                    if i as usize + 1 == pattern.nodes.len() {
                        continue;
                    }
                    let ready = match s {
                        State::Street(_) => t + pattern.processing_s,
                        _ => t + tt.internal_s[v as usize],
                    };
                    // Any trip at or after `ready` (not just the first): the oracle does not
                    // rely on trips keeping their order.
                    for (trip, &start) in pattern.trips.iter().enumerate() {
                        let departs = start + pattern.depart[i as usize];
                        if departs >= ready {
                            push(
                                &mut best,
                                &mut heap,
                                State::Aboard {
                                    pattern: p,
                                    stop: i,
                                    trip: trip as u32,
                                },
                                departs,
                            );
                        }
                    }
                }
            }
            State::Aboard {
                pattern,
                stop,
                trip,
            } => {
                let p = &tt.patterns[pattern as usize];
                let next = stop as usize + 1;
                if next < p.nodes.len() {
                    let arrive = p.trips[trip as usize] + p.arrive[next];
                    push(&mut best, &mut heap, State::Alighted(p.nodes[next]), arrive);
                    let departs = p.trips[trip as usize] + p.depart[next];
                    push(
                        &mut best,
                        &mut heap,
                        State::Aboard {
                            pattern,
                            stop: next as u32,
                            trip,
                        },
                        departs,
                    );
                }
            }
        }
    }
    arrival
}

#[test]
fn raptor_matches_a_dijkstra_over_explicit_states_on_random_timetables() {
    let mut checked = 0;
    let mut ws = RaptorWorkspace::default();
    for seed in 0..300 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let net = random_network(&mut rng);
        let tt = Timetable::new(&net);
        for _ in 0..4 {
            let source = NodeId::new(rng.random_range(0..net.nodes().len()));
            let depart_s = rng.random_range(6 * 3600..9 * 3600);
            earliest_arrivals(&net, &tt, source, depart_s, &mut ws);
            let expected = oracle(&net, &tt, source, depart_s);
            for (v, &want) in expected.iter().enumerate() {
                let target = NodeId::new(v);
                let got = ws.arrival(target).unwrap_or(NEVER);
                // Zone centroids other than the source are reached by access links only.
                if net.zone_at(target).is_some() && target != source {
                    continue;
                }
                assert_eq!(
                    got, want,
                    "seed {seed}: node {v} from {source:?} at {depart_s}"
                );
                if want != NEVER {
                    let trip = journey(&net, &tt, &ws, target).expect("a journey");
                    assert_eq!(trip.time_s, want - depart_s, "seed {seed}: journey time");
                    let sum: Seconds = trip.legs.iter().map(|l| l.time_s).sum();
                    assert_eq!(sum, trip.time_s, "seed {seed}: legs add up");
                    checked += usize::from(trip.boardings() > 0);
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} journeys used a vehicle");
}

#[test]
fn range_raptor_matches_one_search_per_departure() {
    let (mut range_ws, mut single_ws) = (RaptorWorkspace::default(), RaptorWorkspace::default());
    let mut compared = 0;
    for seed in 0..200 {
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + seed);
        let net = random_network(&mut rng);
        let tt = Timetable::new(&net);
        let source = NodeId::new(rng.random_range(0..net.nodes().len()));
        let first = rng.random_range(6 * 3600..8 * 3600);
        let departures: Vec<Seconds> = (0..30).map(|i| first + i * 120).collect();
        earliest_arrivals_range(
            &net,
            &tt,
            source,
            &departures,
            &mut range_ws,
            |depart_s, ws| {
                earliest_arrivals(&net, &tt, source, depart_s, &mut single_ws);
                for v in 0..net.nodes().len() {
                    let target = NodeId::new(v);
                    assert_eq!(
                        ws.arrival(target),
                        single_ws.arrival(target),
                        "seed {seed}: node {v} leaving at {depart_s}"
                    );
                    if let Some(trip) = journey(&net, &tt, ws, target) {
                        let sum: Seconds = trip.legs.iter().map(|l| l.time_s).sum();
                        assert_eq!(sum, trip.time_s, "seed {seed}: legs add up");
                        let single = journey(&net, &tt, &single_ws, target).unwrap();
                        assert_eq!(trip.time_s, single.time_s);
                        compared += 1;
                    }
                }
            },
        );
    }
    assert!(compared > 1000, "only {compared} journeys compared");
}
