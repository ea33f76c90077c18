//! Earliest-arrival public-transport routing on the timetable with RAPTOR (Delling, Pajor and
//! Werneck, "Round-Based Public Transit Routing", 2012).
//!
//! Round `k` finds the best arrivals using `k` vehicles: it scans each line direction serving a
//! stop improved in round `k - 1`, hopping on the earliest catchable trip, then relaxes the
//! walking layer from the stops it improved with a small Dijkstra (walking in this network is not
//! transitively closed, so a single footpath hop would not do). Labels are kept per round, so the
//! itinerary can be rebuilt and uses as few vehicles as the earliest arrival allows.
//!
//! The transfer rules are those of the deterministic graph (`graph` module): a station is
//! reached on foot (the *street* label) or off a vehicle (the *alighted* label). Boarding from
//! the street pays the mode's station processing time; boarding after alighting at the same
//! station pays the station's transfer time instead. Walk links and transfers may start from
//! either label. Zone centroids are never walked through.

use super::timetable::{Timetable, WalkEdge};
use super::trip::{Leg, LegMode, Trip};
use crate::network::{AccessMode, Mode, Network, NodeId};
use crate::time::{Seconds, format_clock};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The most vehicles one itinerary may use.
pub const MAX_VEHICLES: usize = 8;

const NEVER: Seconds = Seconds::MAX;

/// How a street label was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreetFrom {
    None,
    /// As in the previous round.
    Carried,
    /// The origin itself.
    Source,
    /// A zone access link (index into the network's access list) from the origin zone.
    Access(u32),
    /// A walking-layer edge from node `from`, leaving its alighted label when `alighted`.
    Walk {
        from: u32,
        edge: u32,
        alighted: bool,
    },
}

/// How an alighted label was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AlightFrom {
    None,
    /// As in the previous round.
    Carried,
    /// Riding `trip` of `pattern` from stop index `board` to stop index `stop`; boarded from the
    /// alighted label when `from_alight`.
    Ride {
        pattern: u32,
        trip: u32,
        board: u32,
        stop: u32,
        from_alight: bool,
    },
}

/// Per-thread RAPTOR state, reused across searches.
#[derive(Debug, Clone, Default)]
pub struct RaptorWorkspace {
    street: Vec<Vec<Seconds>>,
    alight: Vec<Vec<Seconds>>,
    street_from: Vec<Vec<StreetFrom>>,
    alight_from: Vec<Vec<AlightFrom>>,
    rounds: usize,
    depart_s: Seconds,
    source: u32,
    marked: Vec<bool>,
    pattern_start: Vec<u32>,
    heap: BinaryHeap<Reverse<(Seconds, u32)>>,
}

impl RaptorWorkspace {
    fn reset(&mut self, nodes: usize, patterns: usize) {
        let rounds = MAX_VEHICLES + 1;
        self.street.resize(rounds, Vec::new());
        self.alight.resize(rounds, Vec::new());
        self.street_from.resize(rounds, Vec::new());
        self.alight_from.resize(rounds, Vec::new());
        for k in 0..rounds {
            self.street[k].clear();
            self.street[k].resize(nodes, NEVER);
            self.alight[k].clear();
            self.alight[k].resize(nodes, NEVER);
            self.street_from[k].clear();
            self.street_from[k].resize(nodes, StreetFrom::None);
            self.alight_from[k].clear();
            self.alight_from[k].resize(nodes, AlightFrom::None);
        }
        self.marked.clear();
        self.marked.resize(nodes, false);
        self.pattern_start.clear();
        self.pattern_start.resize(patterns, u32::MAX);
        self.heap.clear();
    }

    /// Earliest arrival at `node` (on foot or off a vehicle) in the last search, clock seconds.
    pub fn arrival(&self, node: NodeId) -> Option<Seconds> {
        let k = self.rounds;
        let v = node.index();
        let t = self.street[k][v].min(self.alight[k][v]);
        (t != NEVER).then_some(t)
    }
}

/// Earliest arrival at the centre of `zone` in the last search (through its walk and feeder
/// access links), clock seconds.
pub fn zone_arrival(
    tt: &Timetable,
    ws: &RaptorWorkspace,
    zone: crate::network::ZoneId,
) -> Option<Seconds> {
    tt.access_of(zone)
        .iter()
        .filter_map(|&(v, time_s, _)| {
            ws.arrival(NodeId::new(v as usize))
                .map(|t| t.saturating_add(time_s))
        })
        .min()
}

/// Relaxes the walking layer from the street labels on the heap, within round `k`.
fn walk(tt: &Timetable, ws: &mut RaptorWorkspace, k: usize) {
    while let Some(Reverse((d, u))) = ws.heap.pop() {
        if d > ws.street[k][u as usize] {
            continue;
        }
        if u != ws.source && tt.barrier[u as usize] {
            continue;
        }
        for e in tt.walk.edges_of(u) {
            let w = tt.walk.head(e);
            let t = d.saturating_add(tt.walk.weight(e));
            if t < ws.street[k][w as usize] {
                ws.street[k][w as usize] = t;
                ws.street_from[k][w as usize] = StreetFrom::Walk {
                    from: u,
                    edge: e as u32,
                    alighted: false,
                };
                ws.marked[w as usize] = true;
                ws.heap.push(Reverse((t, w)));
            }
        }
    }
}

/// Runs RAPTOR from `source` leaving at `depart_s` (clock seconds). A zone centroid source
/// starts along its walk and feeder access links.
pub fn earliest_arrivals(
    net: &Network,
    tt: &Timetable,
    source: NodeId,
    depart_s: Seconds,
    ws: &mut RaptorWorkspace,
) {
    ws.reset(net.nodes().len(), tt.patterns.len());
    ws.rounds = 0;
    search(net, tt, source, depart_s, ws);
}

/// Range RAPTOR: earliest arrivals from `source` for each of `departures` (clock seconds, any
/// order), calling `visit` with each departure time and the workspace holding its labels, latest
/// departure first. Labels carry over from one departure to the next earlier one (arriving as
/// early as a later departure is always possible by waiting), so each search only propagates
/// what the earlier start improves: the work shared across the window is done once.
pub fn earliest_arrivals_range(
    net: &Network,
    tt: &Timetable,
    source: NodeId,
    departures: &[Seconds],
    ws: &mut RaptorWorkspace,
    mut visit: impl FnMut(Seconds, &RaptorWorkspace),
) {
    let mut order = departures.to_vec();
    order.sort_unstable_by(|a, b| b.cmp(a));
    order.dedup();
    ws.reset(net.nodes().len(), tt.patterns.len());
    ws.rounds = 0;
    for depart_s in order {
        search(net, tt, source, depart_s, ws);
        visit(depart_s, ws);
    }
}

/// Carries round `k - 1`'s labels into round `k` where they are better.
fn carry(ws: &mut RaptorWorkspace, k: usize) {
    for v in 0..ws.street[k].len() {
        if ws.street[k - 1][v] < ws.street[k][v] {
            ws.street[k][v] = ws.street[k - 1][v];
            ws.street_from[k][v] = StreetFrom::Carried;
        }
        if ws.alight[k - 1][v] < ws.alight[k][v] {
            ws.alight[k][v] = ws.alight[k - 1][v];
            ws.alight_from[k][v] = AlightFrom::Carried;
        }
    }
}

/// One RAPTOR search on top of the labels already in `ws` (none after a reset).
fn search(
    net: &Network,
    tt: &Timetable,
    source: NodeId,
    depart_s: Seconds,
    ws: &mut RaptorWorkspace,
) {
    let n = net.nodes().len();
    ws.depart_s = depart_s;
    ws.source = source.index() as u32;
    let s = source.index();
    if depart_s < ws.street[0][s] {
        ws.street[0][s] = depart_s;
        ws.street_from[0][s] = StreetFrom::Source;
        ws.marked[s] = true;
        ws.heap.push(Reverse((depart_s, s as u32)));
    }
    if let Some(zone) = net.zone_at(source) {
        for &(v, time_s, i) in tt.access_of(zone) {
            let t = depart_s.saturating_add(time_s);
            if t < ws.street[0][v as usize] {
                ws.street[0][v as usize] = t;
                ws.street_from[0][v as usize] = StreetFrom::Access(i);
                ws.marked[v as usize] = true;
                ws.heap.push(Reverse((t, v)));
            }
        }
    }
    walk(tt, ws, 0);
    for k in 1..=MAX_VEHICLES {
        carry(ws, k);
        // Line directions serving a stop improved in the last round, from the earliest such stop.
        let mut any = false;
        for v in 0..n {
            if std::mem::take(&mut ws.marked[v]) {
                for &(p, i) in &tt.serving[v] {
                    let start = &mut ws.pattern_start[p as usize];
                    *start = (*start).min(i);
                    any = true;
                }
            }
        }
        if !any {
            // Nothing more to scan; rounds kept from a later departure still get the news.
            for later in k + 1..=ws.rounds {
                carry(ws, later);
            }
            break;
        }
        ws.rounds = ws.rounds.max(k);
        for (p, pattern) in tt.patterns.iter().enumerate() {
            let start = std::mem::replace(&mut ws.pattern_start[p], u32::MAX);
            if start == u32::MAX {
                continue;
            }
            // The trip ridden: (trip, boarding stop, boarded after alighting).
            let mut riding: Option<(usize, usize, bool)> = None;
            for i in start as usize..pattern.nodes.len() {
                let v = pattern.nodes[i] as usize;
                if let Some((trip, board, from_alight)) = riding {
                    let t = pattern.trips[trip].saturating_add(pattern.arrive[i]);
                    if t < ws.alight[k][v] {
                        ws.alight[k][v] = t;
                        ws.alight_from[k][v] = AlightFrom::Ride {
                            pattern: p as u32,
                            trip: trip as u32,
                            board: board as u32,
                            stop: i as u32,
                            from_alight,
                        };
                        ws.marked[v] = true;
                    }
                }
                if i + 1 == pattern.nodes.len() {
                    continue;
                }
                let on_foot = ws.street[k - 1][v].saturating_add(pattern.processing_s);
                let changing = ws.alight[k - 1][v].saturating_add(tt.internal_s[v]);
                let (ready, from_alight) = if changing < on_foot {
                    (changing, true)
                } else {
                    (on_foot, false)
                };
                if ready == NEVER {
                    continue;
                }
                if let Some(trip) = pattern.first_trip_from(i, ready)
                    && riding.is_none_or(|(current, _, _)| trip < current)
                {
                    riding = Some((trip, i, from_alight));
                }
            }
        }
        // Walk on from the stops reached by vehicle.
        for v in 0..n {
            let a = ws.alight[k][v];
            if a == NEVER || !matches!(ws.alight_from[k][v], AlightFrom::Ride { .. }) {
                continue;
            }
            for e in tt.walk.edges_of(v as u32) {
                let w = tt.walk.head(e) as usize;
                let t = a.saturating_add(tt.walk.weight(e));
                if t < ws.street[k][w] {
                    ws.street[k][w] = t;
                    ws.street_from[k][w] = StreetFrom::Walk {
                        from: v as u32,
                        edge: e as u32,
                        alighted: true,
                    };
                    ws.marked[w] = true;
                    ws.heap.push(Reverse((t, w as u32)));
                }
            }
        }
        walk(tt, ws, k);
    }
}

/// Which label of a node an itinerary passes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Street,
    Alight,
}

/// The best last step of an itinerary to `target`: (arrival, round, node, label, egress access
/// link and its time); among equally early arrivals the one with fewest vehicles.
type Last = (Seconds, usize, usize, Label, Option<(u32, Seconds)>);

fn last_step(net: &Network, tt: &Timetable, ws: &RaptorWorkspace, target: NodeId) -> Option<Last> {
    let mut best: Option<Last> = None;
    let mut consider = |t: Seconds, k: usize, v: usize, label: Label, egress| {
        if t != NEVER && best.is_none_or(|(b, bk, ..)| (t, k) < (b, bk)) {
            best = Some((t, k, v, label, egress));
        }
    };
    for k in 0..=ws.rounds {
        if target.index() as u32 == ws.source {
            consider(ws.depart_s, 0, target.index(), Label::Street, None);
        } else if let Some(zone) = net.zone_at(target) {
            for &(v, time_s, i) in tt.access_of(zone) {
                let v = v as usize;
                consider(
                    ws.street[k][v].saturating_add(time_s),
                    k,
                    v,
                    Label::Street,
                    Some((i, time_s)),
                );
                consider(
                    ws.alight[k][v].saturating_add(time_s),
                    k,
                    v,
                    Label::Alight,
                    Some((i, time_s)),
                );
            }
        } else {
            let v = target.index();
            consider(ws.street[k][v], k, v, Label::Street, None);
            consider(ws.alight[k][v], k, v, Label::Alight, None);
        }
    }
    best
}

/// One step of an itinerary, as [`walk_back`] meets them from its end.
enum Step {
    /// The first leg: access link `link` from the source to `node`, reached in round `round`.
    Access {
        link: u32,
        node: usize,
        round: usize,
    },
    /// A walk or transfer edge `edge` from `from` to `to`, reached in round `round`.
    Walk {
        from: u32,
        to: usize,
        edge: u32,
        round: usize,
    },
    /// A ride on trip `trip` of pattern `pattern` from stop `board` to `stop`, boarded after
    /// alighting from another vehicle (`from_alight`) or from the street, in round `round`.
    Ride {
        pattern: u32,
        trip: u32,
        board: u32,
        stop: u32,
        from_alight: bool,
        round: usize,
    },
}

/// Follows the labels of the last search in `ws` back from node `v`'s `label` in round `k` to the
/// source, calling `visit` for each step (last step first): the one walk shared by
/// [`journey`] (legs with clock times) and [`zone_rides`] (rides only).
fn walk_back(
    tt: &Timetable,
    ws: &RaptorWorkspace,
    mut k: usize,
    mut v: usize,
    mut label: Label,
    mut visit: impl FnMut(Step),
) {
    loop {
        match label {
            Label::Street => match ws.street_from[k][v] {
                StreetFrom::Carried => k -= 1,
                StreetFrom::Source | StreetFrom::None => break,
                StreetFrom::Access(link) => {
                    visit(Step::Access {
                        link,
                        node: v,
                        round: k,
                    });
                    break;
                }
                StreetFrom::Walk {
                    from,
                    edge,
                    alighted,
                } => {
                    visit(Step::Walk {
                        from,
                        to: v,
                        edge,
                        round: k,
                    });
                    v = from as usize;
                    label = if alighted {
                        Label::Alight
                    } else {
                        Label::Street
                    };
                }
            },
            Label::Alight => match ws.alight_from[k][v] {
                AlightFrom::Carried => k -= 1,
                AlightFrom::None => break,
                AlightFrom::Ride {
                    pattern,
                    trip,
                    board,
                    stop,
                    from_alight,
                } => {
                    k -= 1;
                    visit(Step::Ride {
                        pattern,
                        trip,
                        board,
                        stop,
                        from_alight,
                        round: k,
                    });
                    v = tt.patterns[pattern as usize].nodes[board as usize] as usize;
                    label = if from_alight {
                        Label::Alight
                    } else {
                        Label::Street
                    };
                }
            },
        }
    }
}

/// One vehicle ride of an itinerary: trip `trip` of timetable pattern `pattern`, boarded at its
/// stop index `board` and left at `alight`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ride {
    /// Pattern (line direction) index in the timetable.
    pub pattern: u32,
    /// Trip index within the pattern.
    pub trip: u32,
    /// Boarding stop index.
    pub board: u32,
    /// Alighting stop index.
    pub alight: u32,
    /// Whether the rider walked (a walk link, not a station transfer) since the previous ride:
    /// that ends a fare-system ride.
    pub walked_before: bool,
}

/// The rides of the itinerary to the centre of `zone` from the last search in `ws`, in travel
/// order, into `rides` (cleared first); returns the arrival (clock seconds), or `None` when the
/// zone is unreachable. The same itinerary as [`journey`], without building its legs.
pub fn zone_rides(
    net: &Network,
    tt: &Timetable,
    ws: &RaptorWorkspace,
    zone: crate::network::ZoneId,
    rides: &mut Vec<Ride>,
) -> Option<Seconds> {
    rides.clear();
    let (arrival, k, v, label, _) = last_step(net, tt, ws, net.zone(zone).centroid)?;
    walk_back(tt, ws, k, v, label, |step| match step {
        Step::Access { .. } => {}
        Step::Walk { edge, .. } => {
            if tt.walk_kinds[edge as usize] == WalkEdge::Walk
                && let Some(later) = rides.last_mut()
            {
                later.walked_before = true;
            }
        }
        Step::Ride {
            pattern,
            trip,
            board,
            stop,
            ..
        } => rides.push(Ride {
            pattern,
            trip,
            board,
            alight: stop,
            walked_before: false,
        }),
    });
    rides.reverse();
    Some(arrival)
}

/// The itinerary to `target` from the last [`earliest_arrivals`] in `ws`, with clock times;
/// `None` when unreachable. A zone centroid target is reached by its walk or feeder access
/// links; among equally early itineraries the one with fewest vehicles is returned.
pub fn journey(
    net: &Network,
    tt: &Timetable,
    ws: &RaptorWorkspace,
    target: NodeId,
) -> Option<Trip> {
    let (arrival, k, v, label, egress) = last_step(net, tt, ws, target)?;
    let node = |v: u32| NodeId::new(v as usize);
    let leg = |mode, line: Option<String>, from: u32, to: u32, start_s: Seconds, time_s| Leg {
        mode,
        line,
        from: node(from),
        to: node(to),
        time_s,
        distance_km: 0.0,
        cost_yuan: 0.0,
        detail: None,
        start_s: Some(start_s),
    };
    let access_leg = |i: u32, from: u32, to: u32, start_s: Seconds, time_s: Seconds| {
        let line =
            (net.access()[i as usize].mode == AccessMode::Feeder).then(|| "feeder".to_owned());
        let mode = if line.is_some() {
            LegMode::Ride(Mode::Bus)
        } else {
            LegMode::Walk
        };
        leg(mode, line, from, to, start_s, time_s)
    };
    let mut legs = Vec::new();
    if let Some((i, time_s)) = egress {
        legs.push(access_leg(
            i,
            v as u32,
            target.index() as u32,
            arrival - time_s,
            time_s,
        ));
    }
    walk_back(tt, ws, k, v, label, |step| match step {
        Step::Access { link, node, round } => {
            let time_s = ws.street[round][node] - ws.depart_s;
            legs.push(access_leg(
                link,
                ws.source,
                node as u32,
                ws.depart_s,
                time_s,
            ));
        }
        Step::Walk {
            from,
            to,
            edge,
            round,
        } => {
            let time_s = tt.walk.weight(edge as usize);
            let mode = match tt.walk_kinds[edge as usize] {
                WalkEdge::Walk => LegMode::Walk,
                WalkEdge::Transfer => LegMode::Transfer,
            };
            legs.push(leg(
                mode,
                None,
                from,
                to as u32,
                ws.street[round][to] - time_s,
                time_s,
            ));
        }
        Step::Ride {
            pattern,
            trip,
            board,
            stop,
            from_alight,
            round: k,
        } => {
            let p = &tt.patterns[pattern as usize];
            let line = net.line(p.line);
            let start = p.trips[trip as usize];
            let (board, stop) = (board as usize, stop as usize);
            let departs = start + p.depart[board];
            let distance_km: f64 = p.distance_km[board + 1..=stop].iter().sum();
            let (u, w) = (p.nodes[board], p.nodes[stop]);
            legs.push(Leg {
                distance_km,
                detail: Some(format!(
                    "departs {}, arrives {}",
                    format_clock(departs),
                    format_clock(start + p.arrive[stop])
                )),
                ..leg(
                    LegMode::Ride(line.mode),
                    Some(line.id.clone()),
                    u,
                    w,
                    departs,
                    p.arrive[stop] - p.depart[board],
                )
            });
            let v = u as usize;
            let (ready, before) = if from_alight {
                let change = tt.internal_s[v];
                (
                    ws.alight[k][v] + change,
                    Some((
                        LegMode::Transfer,
                        change,
                        "change of vehicle inside the station",
                    )),
                )
            } else {
                let check = p.processing_s;
                (
                    ws.street[k][v] + check,
                    (check > 0).then_some((
                        LegMode::Wait,
                        check,
                        "station processing (ticket and security check)",
                    )),
                )
            };
            if departs > ready {
                let mut wait = leg(
                    LegMode::Wait,
                    Some(line.id.clone()),
                    u,
                    u,
                    ready,
                    departs - ready,
                );
                wait.detail = Some(format!("until the {} departure", format_clock(departs)));
                legs.push(wait);
            }
            if let Some((mode, time_s, detail)) = before {
                let line = (mode == LegMode::Wait).then(|| line.id.clone());
                legs.push(Leg {
                    detail: Some(detail.to_owned()),
                    ..leg(mode, line, u, u, ready - time_s, time_s)
                });
            }
        }
    });
    legs.reverse();
    super::trip::price(net, &mut legs);
    Some(Trip {
        time_s: arrival - ws.depart_s,
        legs,
        checkpoint_s: 0,
    })
}

#[cfg(test)]
mod tests {
    //! RAPTOR against a slow, independent oracle: a label-setting (Dijkstra) search over explicit
    //! states (on foot at a node, just off a vehicle at a node, aboard a given trip at a given
    //! stop), on random small networks with random timetables.

    use super::*;
    use crate::network::{
        AccessLink, AccessMode, Departure, Direction, FareRule, HeadwayPeriod, Line, Node,
        NodeKind, Settings, Stop, Transfer, WalkLink, Zone, ZoneId,
    };
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::collections::HashMap;

    fn random_network(rng: &mut ChaCha8Rng) -> Network {
        let stations = rng.random_range(3..12);
        let zones = rng.random_range(1..4);
        let mut processing_s = [0; 5];
        processing_s[Mode::Hsr.index()] = rng.random_range(0..4) * 300;
        let settings = Settings {
            name: "random".into(),
            description: String::new(),
            sources: Vec::new(),
            default_transfer_s: rng.random_range(0..6) * 60,
            scheduled_wait_s: 300,
            processing_s,
            fare_systems: Vec::new(),
            policy: Default::default(),
        };
        let mut net = Network::empty(settings);
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
            let mut stops: Vec<Stop> = Vec::new();
            for _ in 0..rng.random_range(2..6) {
                let node = station(rng);
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
                continue;
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
            net.lines.push(Line {
                id: format!("L{l}"),
                name: format!("L{l}"),
                mode: if rng.random_bool(0.5) {
                    Mode::Hsr
                } else {
                    Mode::Subway
                },
                capacity: 100,
                fare: FareRule::None,
                oneway,
                stops,
                headways,
                departures,
            });
        }
        net.reindex();
        net
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
        let (mut range_ws, mut single_ws) =
            (RaptorWorkspace::default(), RaptorWorkspace::default());
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
}
