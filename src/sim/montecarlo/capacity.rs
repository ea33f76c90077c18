//! Vehicle capacity: the choices as if every vehicle had room, the bookings they make on every
//! trip, and the share of each trip's bookings that gets on board.
//!
//! Every line's vehicles carry at most their crush capacity ([`Network::crush_capacity`]: the
//! seats and rated standees of `lines.csv` `capacity`, standees scaled by the network's
//! `crush_standing` for the mode). Rationing runs in two stages, each cutting every booking on a trip in the same
//! proportion, so the result does not depend on the order commuters are processed in:
//!
//! 1. The commuters' first choices are booked; where a trip's peak load would exceed its
//!    capacity, each booking on it is cut to `capacity / peak`. An itinerary's commuters board
//!    in the share of its tightest trip; the others are turned away and take their next-best
//!    option ([`Probabilities::rationed`]): the next vehicle (the itinerary of the first later
//!    departure minute that does not board the full trip, its extra wait weighed as waiting) or
//!    another alternative.
//! 2. Those waiting for the next vehicle and those moving to the other public-transport
//!    alternative are booked on what room the first stage left on each segment, and cut in the
//!    same way; those turned away again drive if their household has a car, or are not served.
//!
//! So no trip carries more than its capacity, and the commuters turned away are counted (denied
//! boardings, on the line of the trip that turned them away) instead.

use super::draws::Conditions;
use super::loads::TripLoads;
use super::search::{Itineraries, Itinerary, OriginSearch};
use super::{Commuters, PairCosts};
use crate::network::Network;
use crate::routing::{Ride, Timetable};
use crate::sim::choice::{
    ALTERNATIVES, Alternative, Boarding, ChoiceModel, Drive, NextVehicle, Offer, Probabilities,
};
use crate::time::{Seconds, to_minutes};
use rayon::prelude::*;

/// The choice probabilities, before capacity is counted, per origin and (destination, minute) as
/// in [`super::search::Itineraries::found`]: car times `car` per pair (`o * zones + d`), the
/// pairs' fixed `costs`, the itineraries of `searches`. Origins in parallel.
pub(super) fn probabilities(
    model: &ChoiceModel,
    commuters: &Commuters<'_>,
    car: &[Option<Seconds>],
    costs: &PairCosts,
    searches: &[OriginSearch],
) -> Vec<Vec<Probabilities>> {
    let (zones, minutes) = (commuters.zones, commuters.minutes);
    searches
        .par_iter()
        .enumerate()
        .map(|(o, s)| {
            (0..zones * minutes)
                .map(|i| {
                    let d = i / minutes;
                    if d == o {
                        return Probabilities::default();
                    }
                    let k = o * zones + d;
                    model.probabilities(&Offer {
                        car: car[k].map(|t| Drive {
                            minutes: to_minutes(t),
                            fixed_min: costs.car_fixed_min[k],
                        }),
                        transit: s.transit.found[i].map(|it| it.journey),
                        custom_bus: s.custom_bus.found[i].map(|it| it.journey),
                        street_km: Some(costs.street_km[k]),
                        taxi: car[k].map(|t| model.taxi(to_minutes(t), costs.taxi_fixed_min[k])),
                    })
                })
                .collect()
        })
        .collect()
}

/// The public-transport alternatives, with the index of their timetable in a morning's
/// `[transit, custom_bus]`.
const PUBLIC: [(usize, Alternative); 2] = [(0, Alternative::Transit), (1, Alternative::CustomBus)];

/// The itineraries of `s` on the timetable with index `t` (as in [`PUBLIC`]).
fn itineraries(s: &OriginSearch, t: usize) -> &Itineraries {
    if t == 0 { &s.transit } else { &s.custom_bus }
}

/// Per trip, the share of its bookings that gets on board, at both stages.
pub(super) struct Capacity {
    /// Per timetable (transit, custom bus), pattern and trip: of the first choices.
    first: [Vec<Vec<f64>>; 2],
    /// Likewise, of those moving to it, turned away from the other alternative or from an
    /// earlier vehicle.
    movers: [Vec<Vec<f64>>; 2],
    /// The choice model, which weighs the next vehicle.
    model: ChoiceModel,
    /// Departure minutes per destination (samples are `destination * minutes + minute`).
    minutes: usize,
}

/// How one sample's commuters board: the shares, and per public-transport alternative (index as
/// in [`Alternative::index`]) the ride on the trip that turned them away at each stage.
pub(super) struct SampleBoarding {
    /// The shares of the choice model's rationing.
    pub boarding: Boarding,
    /// The tightest ride of the first stage, per alternative (`None`: nobody turned away).
    pub first_ride: [Option<Ride>; ALTERNATIVES],
    /// Likewise at the second stage.
    pub movers_ride: [Option<Ride>; ALTERNATIVES],
    /// The sample whose itinerary is the next vehicle for those the first stage turned away.
    pub next_sample: [Option<usize>; ALTERNATIVES],
    /// The tightest ride of the next vehicle's itinerary at the second stage.
    pub next_ride: [Option<Ride>; ALTERNATIVES],
}

impl Capacity {
    /// Books the commuters of `searches` (choosing with `probabilities` of `model`) on the trips
    /// of `morning`, and rations every trip to its vehicle's capacity.
    pub fn ration(
        model: &ChoiceModel,
        net: &Network,
        morning: &Conditions,
        searches: &[OriginSearch],
        probabilities: &[Vec<Probabilities>],
        commuters: &Commuters<'_>,
    ) -> Self {
        let timetables = [&morning.transit, &morning.custom_bus];
        let mut first_bookings = timetables.map(TripLoads::new);
        for_each_sample(
            searches,
            probabilities,
            commuters,
            |s, i, p, car_share, flow| {
                for (t, alternative) in PUBLIC {
                    let its = itineraries(s, t);
                    if let Some(it) = &its.found[i] {
                        let booked = flow * p.share(alternative, car_share);
                        for r in its.rides(it) {
                            first_bookings[t].add(r, booked);
                        }
                    }
                }
            },
        );
        let first = [0, 1].map(|t| first_shares(net, timetables[t], &first_bookings[t]));
        let mut capacity = Capacity {
            first,
            movers: [Vec::new(), Vec::new()],
            model: *model,
            minutes: commuters.minutes,
        };
        let mut boarded = timetables.map(TripLoads::new);
        let mut moving = timetables.map(TripLoads::new);
        for_each_sample(
            searches,
            probabilities,
            commuters,
            |s, i, p, car_share, flow| {
                let b = capacity.boarding(s, i);
                let rationed = p.rationed(car_share, b.boarding);
                for (t, alternative) in PUBLIC {
                    let its = itineraries(s, t);
                    if let Some(it) = &its.found[i] {
                        let a = alternative.index();
                        let on = flow * p.share(alternative, car_share) * b.boarding.first[a];
                        let movers = flow * rationed.movers[a];
                        for r in its.rides(it) {
                            boarded[t].add(r, on);
                            moving[t].add(r, movers);
                        }
                        let waiting = flow * rationed.waiting[a];
                        if let Some(next) = b.next_sample[a].and_then(|j| its.found[j])
                            && waiting > 0.0
                        {
                            for r in its.rides(&next) {
                                moving[t].add(r, waiting);
                            }
                        }
                    }
                }
            },
        );
        capacity.movers = [0, 1].map(|t| mover_shares(net, timetables[t], &boarded[t], &moving[t]));
        capacity
    }

    /// How the commuters of sample `i` of origin search `s` board.
    pub fn boarding(&self, s: &OriginSearch, i: usize) -> SampleBoarding {
        let mut out = SampleBoarding {
            boarding: Boarding::ALL,
            first_ride: [None; ALTERNATIVES],
            movers_ride: [None; ALTERNATIVES],
            next_sample: [None; ALTERNATIVES],
            next_ride: [None; ALTERNATIVES],
        };
        for (t, alternative) in PUBLIC {
            let its = itineraries(s, t);
            let Some(it) = &its.found[i] else { continue };
            let a = alternative.index();
            let rides = its.rides(it);
            (out.boarding.first[a], out.first_ride[a]) = tightest(&self.first[t], rides);
            // While the first stage is being loaded, movers have no shares yet: all board.
            let movers_share = |rides| {
                if self.movers[t].is_empty() {
                    (1.0, None)
                } else {
                    tightest(&self.movers[t], rides)
                }
            };
            (out.boarding.movers[a], out.movers_ride[a]) = movers_share(rides);
            let Some(full) = out.first_ride[a] else {
                continue;
            };
            if let Some((j, next)) = self.next_vehicle(its, i, &full) {
                let later = its.rides(&next);
                let (boarding, ride) = movers_share(later);
                let extra_wait_s = ((j - i) * 60) as Seconds;
                out.boarding.next[a] = NextVehicle {
                    weight: self.model.next_vehicle_weight(
                        &it.journey,
                        &next.journey,
                        extra_wait_s,
                    ),
                    boarding,
                };
                (out.next_sample[a], out.next_ride[a]) = (Some(j), ride);
            }
        }
        out
    }

    /// The next vehicle for commuters of sample `i` turned away from ride `full`: the first
    /// sample of a later departure minute to the same destination whose itinerary does not board
    /// the trip of `full`.
    fn next_vehicle(&self, its: &Itineraries, i: usize, full: &Ride) -> Option<(usize, Itinerary)> {
        let end = (i / self.minutes + 1) * self.minutes;
        let mut j = i + 1;
        while j < end {
            let Some(it) = its.found[j] else {
                j += 1;
                continue;
            };
            let avoids = its
                .rides(&it)
                .iter()
                .all(|r| (r.pattern, r.trip) != (full.pattern, full.trip));
            if avoids {
                return Some((j, it));
            }
            // The samples up to the end of j's run ride the same trips: the full one too.
            j = its.same_trips_until(j);
        }
        None
    }
}

/// The smallest share of `shares` (per pattern and trip) on `rides`, with its ride (the first of
/// equally tight ones; `None` when it is 1).
fn tightest(shares: &[Vec<f64>], rides: &[Ride]) -> (f64, Option<Ride>) {
    rides.iter().fold((1.0, None), |best, r| {
        let share = shares[r.pattern as usize][r.trip as usize];
        if share < best.0 {
            (share, Some(*r))
        } else {
            best
        }
    })
}

/// Calls `f(search, sample, probabilities, car_share, commuters)` for every sample with
/// commuters, origins in order.
fn for_each_sample(
    searches: &[OriginSearch],
    probabilities: &[Vec<Probabilities>],
    commuters: &Commuters<'_>,
    mut f: impl FnMut(&OriginSearch, usize, &Probabilities, f64, f64),
) {
    for (o, s) in searches.iter().enumerate() {
        for (i, p) in probabilities[o].iter().enumerate() {
            let (d, flow) = commuters.leaving(o, i);
            if d != o && flow > 0.0 {
                f(s, i, p, commuters.car_share(o, d), flow);
            }
        }
    }
}

/// The most passengers a vehicle of pattern `p` of `tt` takes.
fn vehicle_capacity(net: &Network, tt: &Timetable, p: usize) -> f64 {
    f64::from(net.crush_capacity(net.line(tt.pattern_line(p))))
}

/// Per pattern and trip of `tt`: 1 where the peak of `bookings` fits, else capacity over peak.
fn first_shares(net: &Network, tt: &Timetable, bookings: &TripLoads) -> Vec<Vec<f64>> {
    (0..tt.pattern_count())
        .map(|p| {
            let capacity = vehicle_capacity(net, tt, p);
            bookings
                .trip_peaks(p)
                .map(|peak| {
                    if peak > capacity {
                        capacity / peak
                    } else {
                        1.0
                    }
                })
                .collect()
        })
        .collect()
}

/// Per pattern and trip of `tt`: the share of the `moving` bookings that fits, on every segment,
/// in the room the `boarded` passengers left.
fn mover_shares(
    net: &Network,
    tt: &Timetable,
    boarded: &TripLoads,
    moving: &TripLoads,
) -> Vec<Vec<f64>> {
    (0..tt.pattern_count())
        .map(|p| {
            let capacity = vehicle_capacity(net, tt, p);
            let trips = tt.pattern_size(p).0;
            (0..trips)
                .map(|trip| {
                    boarded
                        .trip_segments(p, trip)
                        .zip(moving.trip_segments(p, trip))
                        .filter(|&(_, m)| m > 0.0)
                        .map(|(on, m)| ((capacity - on).max(0.0) / m).min(1.0))
                        .fold(1.0, f64::min)
                })
                .collect()
        })
        .collect()
}
