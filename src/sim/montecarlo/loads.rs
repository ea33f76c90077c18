//! Where the commuters of one morning end up: per origin in parallel, each pair's commuters on
//! their final alternatives (capacity rationed), their door-to-door minutes, and the rides they
//! load; then, in origin order, boardings, passenger-km, peak loads and the loads of every
//! segment per line added to the simulation. Every sum runs in the same order at any thread
//! count.

use super::capacity::Capacity;
use super::draws::Conditions;
use super::search::{Itineraries, Itinerary, OriginSearch};
use super::{Commuters, HISTOGRAM_BINS, LineLoad, PairCosts, PairDraw, Simulation};
use crate::routing::{Ride, Timetable};
use crate::sim::choice::{ALTERNATIVES, Alternative, Probabilities};
use crate::time::to_minutes;

/// Per-trip loads on every pattern of a timetable, between consecutive stops.
pub(super) struct TripLoads {
    /// Per pattern: trips x stops, the load change at each stop (prefix sums give the loads).
    change: Vec<Vec<f64>>,
    /// Per pattern: its stops.
    stops: Vec<usize>,
}

impl TripLoads {
    /// No load on any trip of `tt`.
    pub fn new(tt: &Timetable) -> Self {
        let (mut change, mut stops) = (Vec::new(), Vec::new());
        for p in 0..tt.pattern_count() {
            let (trips, n) = tt.pattern_size(p);
            change.push(vec![0.0; trips * n]);
            stops.push(n);
        }
        TripLoads { change, stops }
    }

    /// Adds `flow` commuters making `ride`.
    pub fn add(&mut self, ride: &Ride, flow: f64) {
        let p = ride.pattern as usize;
        let base = ride.trip as usize * self.stops[p];
        self.change[p][base + ride.board as usize] += flow;
        self.change[p][base + ride.alight as usize] -= flow;
    }

    /// The highest load of each trip of pattern `p`.
    pub fn trip_peaks(&self, p: usize) -> impl Iterator<Item = f64> + '_ {
        let trips = self.change[p].len() / self.stops[p].max(1);
        (0..trips).map(move |trip| self.trip_segments(p, trip).fold(0.0, f64::max))
    }

    /// The load of trip `trip` of pattern `p` on each segment (from each stop but the last to
    /// the next).
    pub fn trip_segments(&self, p: usize, trip: usize) -> impl Iterator<Item = f64> + '_ {
        let n = self.stops[p];
        let changes = &self.change[p][trip * n..(trip * n + n).saturating_sub(1).max(trip * n)];
        changes.iter().scan(0.0, |load, c| {
            *load += c;
            Some(*load)
        })
    }
}

/// Commuters making one ride.
struct Boarding {
    ride: Ride,
    commuters: f64,
}

/// Commuters turned away from a full vehicle.
struct Denied {
    /// The line (index as in the network).
    line: usize,
    commuters: f64,
}

/// Where one origin's commuters end up in one morning.
pub(super) struct OriginLoads {
    /// Per destination zone.
    pairs: Vec<PairDraw>,
    /// Rides on the transit timetable, in the order they were chosen.
    transit: Vec<Boarding>,
    /// Rides on the custom-bus timetable, likewise.
    custom_bus: Vec<Boarding>,
    denied: Vec<Denied>,
    /// Commuters by door-to-door minutes (see [`Simulation::histograms`]).
    histogram: Vec<f64>,
}

/// Appends the rides of the itinerary of sample `i` of `itineraries` (if any), with `commuters`
/// each, to `boardings`.
fn board(boardings: &mut Vec<Boarding>, itineraries: &Itineraries, i: usize, commuters: f64) {
    let Some(it) = &itineraries.found[i] else {
        return;
    };
    if commuters <= 0.0 {
        return;
    }
    boardings.extend(
        itineraries
            .rides(it)
            .iter()
            .map(|&ride| Boarding { ride, commuters }),
    );
}

/// The final choices of the commuters from origin `o` (searches `s`, uncapacitated
/// `probabilities` per (destination, minute), the pairs' fixed `costs`), those turned away by
/// `capacity` on a later vehicle or their next-best alternative.
pub(super) fn settle(
    morning: &Conditions,
    commuters: &Commuters<'_>,
    costs: &PairCosts,
    capacity: &Capacity,
    o: usize,
    s: &OriginSearch,
    probabilities: &[Probabilities],
) -> OriginLoads {
    let zones = commuters.zones;
    let mut out = OriginLoads {
        pairs: vec![PairDraw::default(); zones],
        transit: Vec::new(),
        custom_bus: Vec::new(),
        denied: Vec::new(),
        histogram: vec![0.0; HISTOGRAM_BINS],
    };
    for (i, p) in probabilities.iter().enumerate() {
        let (d, flow) = commuters.leaving(o, i);
        if d == o {
            continue;
        }
        let minute_share = commuters.weights[i % commuters.minutes];
        let boarding = capacity.boarding(s, i);
        // What the commuters can get of the offer: full vehicles count as far as there is room.
        let offered = p.with_availability(&boarding.boarding.availability());
        let pair = &mut out.pairs[d];
        for (g, composite) in offered.group_composites().into_iter().enumerate() {
            if let Some(c) = composite
                && minute_share > 0.0
            {
                pair.group_composite_min[g] += minute_share * c;
                pair.group_weight[g] += minute_share;
            }
        }
        if flow <= 0.0 {
            continue;
        }
        let k = o * zones + d;
        let rationed = p.rationed(commuters.car_share(o, d), boarding.boarding);
        for (tt, a) in [
            (&morning.transit, Alternative::Transit),
            (&morning.custom_bus, Alternative::CustomBus),
        ] {
            let a = a.index();
            for (ride, share) in [
                (boarding.first_ride[a], rationed.turned_away[a]),
                (boarding.movers_ride[a], rationed.turned_away_again[a]),
                (boarding.next_ride[a], rationed.turned_away_waiting[a]),
            ] {
                if let Some(r) = ride
                    && share > 0.0
                {
                    let line = tt.pattern_line(r.pattern as usize).index();
                    out.denied.push(Denied {
                        line,
                        commuters: flow * share,
                    });
                }
            }
        }
        let minutes = |it: Option<Itinerary>| it.map(|it| to_minutes(it.journey.time_s));
        // Those on a later vehicle arrive by its itinerary, counted from their departure.
        let next = |a: Alternative, its: &Itineraries| {
            let j = boarding.next_sample[a.index()]?;
            Some((j, minutes(its.found[j])? + (j - i) as f64))
        };
        let mut next_vehicle = [None; ALTERNATIVES];
        next_vehicle[Alternative::Transit.index()] = next(Alternative::Transit, &s.transit);
        next_vehicle[Alternative::CustomBus.index()] = next(Alternative::CustomBus, &s.custom_bus);
        let car = morning.car[k].map(to_minutes);
        let [walk, cycle] = costs.walk_cycle_min[k];
        let times = [
            car,
            minutes(s.transit.found[i]),
            minutes(s.custom_bus.found[i]),
            walk,
            cycle,
            car.map(|t| t + costs.taxi_wait_min),
        ];
        let pair = &mut out.pairs[d];
        let (composite, choosing) = offered.composite(commuters.car_share(o, d));
        pair.composite_min += flow * composite;
        pair.choosing += flow * choosing;
        for a in Alternative::ALL {
            let a = a.index();
            let on_next = rationed.by_next[a];
            for (time, n) in [
                (times[a], flow * (rationed.by[a] - on_next)),
                (next_vehicle[a].map(|(_, t)| t), flow * on_next),
            ] {
                if let Some(t) = time
                    && n > 0.0
                {
                    pair.by[a] += n;
                    pair.minutes += n * t;
                    out.histogram[(t as usize).min(HISTOGRAM_BINS - 1)] += n;
                    if t <= 60.0 {
                        pair.within_60 += n;
                    }
                }
            }
        }
        for (boardings, its, a) in [
            (&mut out.transit, &s.transit, Alternative::Transit),
            (&mut out.custom_bus, &s.custom_bus, Alternative::CustomBus),
        ] {
            let (by, on_next) = (rationed.by[a.index()], rationed.by_next[a.index()]);
            board(boardings, its, i, flow * (by - on_next));
            if let Some((j, _)) = next_vehicle[a.index()] {
                board(boardings, its, j, flow * on_next);
            }
        }
    }
    out
}

/// Adds one morning's `outcomes` (per origin, in origin order) to `sim`: the pairs' commuters,
/// the histograms, and per line its boardings, passenger-km, peak load and commuters denied.
pub(super) fn record(sim: &mut Simulation, morning: &Conditions, outcomes: Vec<OriginLoads>) {
    let zones = sim.zones;
    let mut transit_loads = TripLoads::new(&morning.transit);
    let mut custom_loads = TripLoads::new(&morning.custom_bus);
    let mut draw_lines = vec![LineLoad::default(); sim.lines.len()];
    for (o, outcome) in outcomes.into_iter().enumerate() {
        for (total, n) in sim.histograms[o].iter_mut().zip(outcome.histogram) {
            *total += n;
        }
        for (d, pair) in outcome.pairs.into_iter().enumerate() {
            if d != o {
                sim.pair_draws[o * zones + d].push(pair);
            }
        }
        // Transit and custom-bus lines are apart, so each line's sums run in choice order.
        for (tt, loads, boardings) in [
            (&morning.transit, &mut transit_loads, outcome.transit),
            (&morning.custom_bus, &mut custom_loads, outcome.custom_bus),
        ] {
            for Boarding { ride, commuters: n } in boardings {
                loads.add(&ride, n);
                let line = &mut draw_lines[tt.pattern_line(ride.pattern as usize).index()];
                line.boardings += n;
                line.passenger_km += n * tt.ride_km(&ride);
            }
        }
        for Denied { line, commuters } in outcome.denied {
            draw_lines[line].denied += commuters;
        }
    }
    let mut offset = 0;
    let mut segments = Vec::new();
    for (tt, loads) in [
        (&morning.transit, &transit_loads),
        (&morning.custom_bus, &custom_loads),
    ] {
        for p in 0..tt.pattern_count() {
            let line = &mut draw_lines[tt.pattern_line(p).index()];
            line.peak_load = loads.trip_peaks(p).fold(line.peak_load, f64::max);
            for trip in 0..tt.pattern_size(p).0 {
                segments.clear();
                segments.extend(loads.trip_segments(p, trip));
                sim.segment_loads.add_trip(offset, tt, p, trip, &segments);
            }
        }
        offset += tt.pattern_count();
    }
    for (total, line) in sim.lines.iter_mut().zip(draw_lines) {
        total.boardings += line.boardings;
        total.passenger_km += line.passenger_km;
        total.peak_load += line.peak_load;
        total.max_peak_load = total.max_peak_load.max(line.peak_load);
        total.denied += line.denied;
    }
}
