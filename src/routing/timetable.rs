//! The timetable for time-dependent public-transport routing: every vehicle trip of the day, laid
//! out flat per line direction (a *pattern*) so a RAPTOR scan walks contiguous arrays.
//!
//! All trips of a pattern share its run and dwell times, so a trip is stored as its departure
//! from the first stop and a stop time is `trip + offset`. Trips of one pattern never overtake,
//! which is what lets RAPTOR pick "the earliest trip I can still catch" with a binary search.

use super::csr::Csr;
use crate::network::{AccessMode, Direction, LineId, Network, ZoneId};
use crate::time::Seconds;

/// One line direction with all its trips of the day.
#[derive(Debug, Clone)]
pub(crate) struct TimedPattern {
    /// The line.
    pub line: LineId,
    /// The direction of the line it runs.
    pub direction: Direction,
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

    /// The first trip before trip `before` that leaves stop `i` at or after `ready_s`, if any:
    /// what [`TimedPattern::first_trip_from`] gives when it is earlier than `before`. A rider of
    /// trip `before` can seldom catch an earlier one, which one comparison tells, so the binary
    /// search runs only when it can.
    pub fn earlier_trip_from(&self, i: usize, ready_s: Seconds, before: usize) -> Option<usize> {
        let offset = self.depart[i];
        let earlier = &self.trips[..before];
        let catchable = earlier
            .last()
            .is_some_and(|&last| last.saturating_add(offset) >= ready_s);
        catchable.then(|| earlier.partition_point(|&start| start.saturating_add(offset) < ready_s))
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

/// How a line runs in one Monte-Carlo draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineDraw {
    /// Where in its headway the first headway-based trip runs, 0..1 (see
    /// [`crate::network::Line::trips_with_phase`]).
    pub phase: f64,
    /// Delay of every trip after its first stop, seconds.
    pub delay_s: Seconds,
    /// Factor on run times between stops (road conditions for buses), 1 as scheduled.
    pub run_factor: f64,
}

impl Default for LineDraw {
    /// As scheduled.
    fn default() -> Self {
        LineDraw {
            phase: 0.0,
            delay_s: 0,
            run_factor: 1.0,
        }
    }
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
        Self::for_draw(net, |_| true, |_| LineDraw::default())
    }

    /// The timetable of one Monte-Carlo draw: only the lines `include` accepts, each running as
    /// `draw(line)` says (phase of its headway-based trips, delay, run-time factor).
    pub fn for_draw(
        net: &Network,
        include: impl Fn(LineId) -> bool,
        draw: impl Fn(LineId) -> LineDraw,
    ) -> Self {
        let n = net.nodes().len();
        let mut patterns = Vec::new();
        for (li, line) in net.lines().iter().enumerate() {
            let id = LineId::new(li);
            if !include(id) {
                continue;
            }
            let how = draw(id);
            for &direction in line.directions() {
                let stops = line.stops_in(direction);
                let (mut arrive, mut depart) = (Vec::new(), Vec::new());
                let mut clock: Seconds = 0;
                for (i, s) in stops.iter().enumerate() {
                    if i > 0 {
                        let run = (f64::from(s.run_s) * how.run_factor).round();
                        clock = clock.saturating_add(run.min(f64::from(Seconds::MAX)) as Seconds);
                        if i == 1 {
                            clock = clock.saturating_add(how.delay_s);
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
                    direction,
                    nodes: stops.iter().map(|s| s.node.index() as u32).collect(),
                    arrive,
                    depart,
                    distance_km: stops.iter().map(|s| s.distance_km).collect(),
                    trips: line.trips_with_phase(direction, how.phase),
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
        let barrier = net.nodes().iter().map(|v| v.kind.is_trip_end()).collect();
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

    /// Number of patterns (line directions).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// The line of pattern `pattern`.
    pub fn pattern_line(&self, pattern: usize) -> LineId {
        self.patterns[pattern].line
    }

    /// Trips and stops of pattern `pattern`.
    pub fn pattern_size(&self, pattern: usize) -> (usize, usize) {
        let p = &self.patterns[pattern];
        (p.trips.len(), p.nodes.len())
    }

    /// The stop nodes of pattern `pattern`, in travel order (node indices).
    pub fn pattern_stops(&self, pattern: usize) -> &[u32] {
        &self.patterns[pattern].nodes
    }

    /// When trip `trip` of pattern `pattern` leaves its stop `stop`, seconds since midnight.
    pub fn leaves_stop(&self, pattern: usize, trip: usize, stop: usize) -> Seconds {
        let p = &self.patterns[pattern];
        p.trips[trip].saturating_add(p.depart[stop])
    }

    /// Running time of pattern `pattern` from leaving stop `stop` to reaching stop `stop + 1`,
    /// seconds (the dwell at either end apart).
    pub fn segment_s(&self, pattern: usize, stop: usize) -> Seconds {
        let p = &self.patterns[pattern];
        p.arrive[stop + 1].saturating_sub(p.depart[stop])
    }

    /// Distance of pattern `pattern` from stop `stop - 1` to stop `stop`, km.
    pub fn segment_km(&self, pattern: usize, stop: usize) -> f64 {
        self.patterns[pattern].distance_km[stop]
    }

    /// In-vehicle time of `ride`, seconds.
    pub fn ride_s(&self, ride: &super::Ride) -> Seconds {
        let p = &self.patterns[ride.pattern as usize];
        p.arrive[ride.alight as usize] - p.depart[ride.board as usize]
    }

    /// Distance of `ride`, km.
    pub fn ride_km(&self, ride: &super::Ride) -> f64 {
        let p = &self.patterns[ride.pattern as usize];
        p.distance_km[ride.board as usize + 1..=ride.alight as usize]
            .iter()
            .sum()
    }

    /// The walk and feeder access links of `zone`.
    pub(crate) fn access_of(&self, zone: ZoneId) -> &[(u32, Seconds, u32)] {
        &self.access[zone.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_earlier_trip_is_the_first_catchable_one_before_the_ridden_one() {
        let pattern = TimedPattern {
            line: LineId::new(0),
            direction: Direction::Forward,
            nodes: vec![0, 1, 2],
            arrive: vec![0, 300, 700],
            depart: vec![0, 330, 730],
            distance_km: vec![0.0, 1.0, 1.0],
            trips: vec![100, 200, 200, 400, Seconds::MAX - 100],
            processing_s: 0,
        };
        for i in 0..3 {
            for ready_s in (0..1500)
                .step_by(10)
                .chain([Seconds::MAX - 1, Seconds::MAX])
            {
                for before in 0..=pattern.trips.len() {
                    let first = pattern.first_trip_from(i, ready_s).filter(|&t| t < before);
                    assert_eq!(
                        pattern.earlier_trip_from(i, ready_s, before),
                        first,
                        "stop {i}, ready {ready_s}, before {before}"
                    );
                }
            }
        }
    }
}
