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
    carry_labels(&mut ws.street, &mut ws.street_from, k, StreetFrom::Carried);
    carry_labels(&mut ws.alight, &mut ws.alight_from, k, AlightFrom::Carried);
}

/// One label kind of [`carry`]: round `k` takes round `k - 1`'s time, marked `carried`, where
/// it is earlier. On slices split by round, so the hot loop has no bounds checks.
fn carry_labels<F: Copy>(times: &mut [Vec<Seconds>], from: &mut [Vec<F>], k: usize, carried: F) {
    let (before, after) = times.split_at_mut(k);
    let (previous, current) = (&before[k - 1], &mut after[0]);
    for ((t, f), &p) in current.iter_mut().zip(from[k].iter_mut()).zip(previous) {
        if p < *t {
            *t = p;
            *f = carried;
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
                let earlier = match riding {
                    None => pattern.first_trip_from(i, ready),
                    Some((current, _, _)) => pattern.earlier_trip_from(i, ready, current),
                };
                if let Some(trip) = earlier {
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
    let v = target.index();
    if v as u32 == ws.source {
        return (ws.depart_s != NEVER).then_some((ws.depart_s, 0, v, Label::Street, None));
    }
    match net.zone_at(target) {
        Some(zone) => last_step_via(
            ws,
            tt.access_of(zone)
                .iter()
                .map(|&(v, time_s, i)| (v as usize, time_s, Some((i, time_s)))),
        ),
        None => last_step_via(ws, std::iter::once((v, 0, None))),
    }
}

/// [`last_step`] through `ends`: (node, seconds from it to the target, egress link and its
/// time), the target's egress links or the target itself.
///
/// The earliest arrival with the fewest vehicles (ties to the first end, street before
/// alighted), found in one pass instead of one per round: a round starts from the last one's
/// labels (`carry`), so no label is later than the round before's, and the earliest arrival is
/// the last round's. Only the ends that reach it then look back for the first round that did.
fn last_step_via(
    ws: &RaptorWorkspace,
    ends: impl Iterator<Item = (usize, Seconds, Option<(u32, Seconds)>)> + Clone,
) -> Option<Last> {
    let last = ws.rounds;
    let at = |k: usize, v: usize, label: Label, time_s: Seconds| {
        match label {
            Label::Street => ws.street[k][v],
            Label::Alight => ws.alight[k][v],
        }
        .saturating_add(time_s)
    };
    let earliest = ends
        .clone()
        .flat_map(|(v, time_s, _)| [Label::Street, Label::Alight].map(|l| at(last, v, l, time_s)))
        .min()
        .filter(|&t| t != NEVER)?;
    let mut best: Option<Last> = None;
    for (v, time_s, egress) in ends {
        for label in [Label::Street, Label::Alight] {
            if at(last, v, label, time_s) != earliest {
                continue;
            }
            let mut k = last;
            while k > 0 && at(k - 1, v, label, time_s) == earliest {
                k -= 1;
            }
            if best.is_none_or(|(_, bk, ..)| k < bk) {
                best = Some((earliest, k, v, label, egress));
            }
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
    let mut legs = Vec::new();
    if let Some((i, time_s)) = egress {
        legs.push(access_leg(
            net,
            i,
            v as u32,
            target.index() as u32,
            arrival - time_s,
            time_s,
        ));
    }
    walk_back(tt, ws, k, v, label, |step| {
        push_step_legs(net, tt, ws, step, &mut legs)
    });
    legs.reverse();
    super::trip::price(net, &mut legs);
    Some(Trip {
        time_s: arrival - ws.depart_s,
        legs,
        checkpoint_s: 0,
    })
}

/// A leg of `mode` (on `line`, if any) from node `from` to node `to`, starting at `start_s`
/// (clock seconds) and taking `time_s` seconds; no distance, cost or detail yet.
fn leg(
    mode: LegMode,
    line: Option<String>,
    from: u32,
    to: u32,
    start_s: Seconds,
    time_s: Seconds,
) -> Leg {
    Leg {
        mode,
        line,
        from: NodeId::new(from as usize),
        to: NodeId::new(to as usize),
        time_s,
        distance_km: 0.0,
        cost_yuan: 0.0,
        detail: None,
        start_s: Some(start_s),
        trip: None,
    }
}

/// The leg over access link `i` (a walk, or a feeder bus ride) from `from` to `to`.
fn access_leg(net: &Network, i: u32, from: u32, to: u32, start_s: Seconds, time_s: Seconds) -> Leg {
    let line = (net.access()[i as usize].mode == AccessMode::Feeder).then(|| "feeder".to_owned());
    let mode = if line.is_some() {
        LegMode::Ride(Mode::Bus)
    } else {
        LegMode::Walk
    };
    leg(mode, line, from, to, start_s, time_s)
}

/// Pushes the legs of one itinerary step onto `legs`, last first (as [`walk_back`] meets them):
/// a ride comes with the wait before it and the station processing or change of vehicle that
/// made it catchable.
fn push_step_legs(
    net: &Network,
    tt: &Timetable,
    ws: &RaptorWorkspace,
    step: Step,
    legs: &mut Vec<Leg>,
) {
    match step {
        Step::Access { link, node, round } => {
            let time_s = ws.street[round][node] - ws.depart_s;
            legs.push(access_leg(
                net,
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
            let trip_id = line.trip_id(p.direction, start);
            legs.push(Leg {
                distance_km,
                detail: Some(format!(
                    "{}departs {}, arrives {}",
                    trip_id.map(|t| format!("trip {t}: ")).unwrap_or_default(),
                    format_clock(departs),
                    format_clock(start + p.arrive[stop])
                )),
                trip: trip_id.map(str::to_owned),
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
    }
}

#[cfg(test)]
mod tests;
