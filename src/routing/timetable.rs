//! The timetable for time-dependent public-transport routing: every vehicle trip of the day, laid
//! out flat per line direction (a *pattern*) so a RAPTOR scan walks contiguous arrays.
//!
//! All trips of a pattern share its run and dwell times, so a trip is stored as its departure
//! from the first stop and a stop time is `trip + offset`. Trips of one pattern never overtake,
//! which is what lets RAPTOR pick "the earliest trip I can still catch" with a binary search.

use super::csr::Csr;
use crate::network::{AccessMode, LineId, Network, ZoneId};
use crate::time::Seconds;

/// One line direction with all its trips of the day.
#[derive(Debug, Clone)]
pub(crate) struct TimedPattern {
    /// The line.
    pub line: LineId,
    /// Stop nodes in travel order.
    pub nodes: Vec<u32>,
    /// Arrival at each stop after departing the first stop, seconds.
    pub arrive: Vec<Seconds>,
    /// Departure from each stop after departing the first stop, seconds.
    pub depart: Vec<Seconds>,
    /// Distance from the previous stop, km.
    pub distance_km: Vec<f64>,
    /// Departures from the first stop, seconds since midnight, ascending.
    pub trips: Vec<Seconds>,
    /// Station processing before boarding from outside the station, seconds.
    pub processing_s: Seconds,
}

impl TimedPattern {
    /// The first trip that leaves stop `i` at or after `ready_s`, if any.
    pub fn first_trip_from(&self, i: usize, ready_s: Seconds) -> Option<usize> {
        let offset = self.depart[i];
        let t = self
            .trips
            .partition_point(|&start| start.saturating_add(offset) < ready_s);
        (t < self.trips.len()).then_some(t)
    }
}

/// What a walking-layer edge is, to rebuild legs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WalkEdge {
    /// A walk link.
    Walk,
    /// A transfer between two stations.
    Transfer,
}

/// The timetable and the walking layer around it.
#[derive(Debug, Clone)]
pub struct Timetable {
    pub(crate) patterns: Vec<TimedPattern>,
    /// For each network node, the (pattern, stop index) pairs that serve it.
    pub(crate) serving: Vec<Vec<(u32, u32)>>,
    /// Walk links and station transfers over the network's nodes.
    pub(crate) walk: Csr,
    pub(crate) walk_kinds: Vec<WalkEdge>,
    /// Time to change vehicles inside each station, seconds.
    pub(crate) internal_s: Vec<Seconds>,
    /// Zone centroids: trip ends, never walked through.
    pub(crate) barrier: Vec<bool>,
    /// Walk and feeder access links by zone: (station node, seconds, index into the access list).
    pub(crate) access: Vec<Vec<(u32, Seconds, u32)>>,
}

impl Timetable {
    /// Lays out every trip of the day of `net`.
    pub fn new(net: &Network) -> Self {
        Self::with_phases(net, |_| 0.0)
    }

    /// Like [`Timetable::new`], with each line's headway-based trips shifted by `phase(line)`
    /// (0..1 of the headway; see [`crate::network::Line::trips_with_phase`]).
    pub fn with_phases(net: &Network, phase: impl Fn(LineId) -> f64) -> Self {
        Self::with_phases_and_delays(net, phase, |_| 0)
    }

    /// Like [`Timetable::with_phases`], with every trip of a line running `delay(line)` seconds
    /// late after its first stop (a Monte-Carlo draw's service delay).
    pub fn with_phases_and_delays(
        net: &Network,
        phase: impl Fn(LineId) -> f64,
        delay: impl Fn(LineId) -> Seconds,
    ) -> Self {
        let n = net.nodes().len();
        let mut patterns = Vec::new();
        for (li, line) in net.lines().iter().enumerate() {
            for &direction in line.directions() {
                let stops = line.stops_in(direction);
                let (mut arrive, mut depart) = (Vec::new(), Vec::new());
                let mut clock: Seconds = 0;
                let late = delay(LineId::new(li));
                for (i, s) in stops.iter().enumerate() {
                    if i > 0 {
                        clock = clock.saturating_add(s.run_s);
                        if i == 1 {
                            clock = clock.saturating_add(late);
                        }
                    }
                    arrive.push(clock);
                    if i > 0 {
                        clock = clock.saturating_add(s.dwell_s);
                    }
                    depart.push(clock);
                }
                patterns.push(TimedPattern {
                    line: LineId::new(li),
                    nodes: stops.iter().map(|s| s.node.index() as u32).collect(),
                    arrive,
                    depart,
                    distance_km: stops.iter().map(|s| s.distance_km).collect(),
                    trips: line.trips_with_phase(direction, phase(LineId::new(li))),
                    processing_s: net.settings().processing_s[line.mode.index()],
                });
            }
        }
        let mut serving = vec![Vec::new(); n];
        for (p, pattern) in patterns.iter().enumerate() {
            for (i, &v) in pattern.nodes.iter().enumerate() {
                serving[v as usize].push((p as u32, i as u32));
            }
        }
        let mut edges = Vec::new();
        let mut kinds = Vec::new();
        for w in net.walks() {
            let (a, b) = (w.from.index() as u32, w.to.index() as u32);
            edges.push((a, b, w.time_s));
            kinds.push(WalkEdge::Walk);
            if !w.oneway {
                edges.push((b, a, w.time_s));
                kinds.push(WalkEdge::Walk);
            }
        }
        let mut internal_s = vec![net.settings().default_transfer_s; n];
        for t in net.transfers() {
            let (a, b) = (t.from.index(), t.to.index());
            if a == b {
                internal_s[a] = t.time_s;
            } else {
                edges.push((a as u32, b as u32, t.time_s));
                edges.push((b as u32, a as u32, t.time_s));
                kinds.extend([WalkEdge::Transfer, WalkEdge::Transfer]);
            }
        }
        let (walk, order) = Csr::build(n, &edges);
        let walk_kinds = order.iter().map(|&i| kinds[i as usize]).collect();
        let barrier = net
            .nodes()
            .iter()
            .map(|v| v.kind == crate::network::NodeKind::ZoneCentroid)
            .collect();
        let mut access = vec![Vec::new(); net.zones().len()];
        for (i, a) in net.access().iter().enumerate() {
            if a.mode != AccessMode::Car {
                access[a.zone.index()].push((a.node.index() as u32, a.time_s, i as u32));
            }
        }
        Timetable {
            patterns,
            serving,
            walk,
            walk_kinds,
            internal_s,
            barrier,
            access,
        }
    }

    /// The walk and feeder access links of `zone`.
    pub(crate) fn access_of(&self, zone: ZoneId) -> &[(u32, Seconds, u32)] {
        &self.access[zone.index()]
    }
}
