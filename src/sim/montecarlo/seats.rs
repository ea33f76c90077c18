//! Custom-bus seats: the choices as if seats were unlimited, the bookings they make on every
//! custom-bus trip, and the share of each trip's bookings that gets a seat.
//!
//! Where the peak load of a trip's bookings exceeds its seats, every booking on it is cut in the
//! same proportion, so the result does not depend on the order commuters are processed in. An
//! itinerary's commuters are seated in the share of its fullest trip; the others take their
//! next-best alternative ([`Probabilities::rationed`], in [`super::loads`]).

use super::Commuters;
use super::loads::TripLoads;
use super::search::OriginSearch;
use crate::network::Network;
use crate::routing::{Ride, Timetable};
use crate::sim::choice::{Alternative, ChoiceModel, Drive, Offer, Probabilities};
use crate::time::{Seconds, to_minutes};
use rayon::prelude::*;

/// The choice probabilities, before seats are counted, per origin and (destination, minute) as
/// in [`super::search::Itineraries::found`]: car times `car` and fixed minutes `car_fixed_min`
/// per pair (`o * zones + d`), the itineraries of `searches`. Origins in parallel.
pub(super) fn probabilities(
    model: &ChoiceModel,
    commuters: &Commuters<'_>,
    car: &[Option<Seconds>],
    car_fixed_min: &[f64],
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
                            fixed_min: car_fixed_min[k],
                        }),
                        transit: s.transit.found[i].map(|it| it.journey),
                        custom_bus: s.custom_bus.found[i].map(|it| it.journey),
                    })
                })
                .collect()
        })
        .collect()
}

/// Per custom-bus trip, the share of its bookings that gets a seat.
pub(super) struct Seats {
    /// Per pattern of the custom-bus timetable, per trip: 1 where everyone booked has a seat.
    seated: Vec<Vec<f64>>,
}

/// The trip of an itinerary with the smallest seated share.
pub(super) struct Tightest {
    /// The share of the itinerary's commuters that get a seat on every ride.
    pub seated: f64,
    /// A ride on that trip (`None`: everyone is seated).
    pub ride: Option<Ride>,
}

impl Seats {
    /// Books the commuters choosing each custom-bus itinerary of `searches` (with `probabilities`)
    /// on its trips of `custom_bus`, and compares each trip's peak with its seats.
    pub fn ration(
        net: &Network,
        custom_bus: &Timetable,
        searches: &[OriginSearch],
        probabilities: &[Vec<Probabilities>],
        commuters: &Commuters<'_>,
    ) -> Self {
        let mut bookings = TripLoads::new(custom_bus);
        for (o, s) in searches.iter().enumerate() {
            let car_share = net.zones()[o].car_share;
            for (i, it) in s.custom_bus.found.iter().enumerate() {
                let Some(it) = it else { continue };
                let share = probabilities[o][i].share(Alternative::CustomBus, car_share);
                let booked = commuters.leaving(o, i).1 * share;
                if booked > 0.0 {
                    for r in s.custom_bus.rides(it) {
                        bookings.add(r, booked);
                    }
                }
            }
        }
        let seated = (0..custom_bus.pattern_count())
            .map(|p| {
                let seats = f64::from(net.line(custom_bus.pattern_line(p)).capacity);
                bookings
                    .trip_peaks(p)
                    .map(|peak| if peak > seats { seats / peak } else { 1.0 })
                    .collect()
            })
            .collect();
        Seats { seated }
    }

    /// The tightest trip of an itinerary with rides `rides` (the first of equally tight ones).
    pub fn tightest(&self, rides: &[Ride]) -> Tightest {
        rides
            .iter()
            .map(|r| Tightest {
                seated: self.seated[r.pattern as usize][r.trip as usize],
                ride: Some(*r),
            })
            .fold(
                Tightest::NONE,
                |a, b| if b.seated < a.seated { b } else { a },
            )
    }
}

impl Tightest {
    /// Everyone seated.
    pub const NONE: Tightest = Tightest {
        seated: 1.0,
        ride: None,
    };
}
