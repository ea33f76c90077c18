//! The itineraries of one morning: for every origin zone, range RAPTOR over the minutes of the
//! departure window on the transit and the custom-bus timetables, each itinerary summed up as
//! the choice model weighs it ([`Journey`]) and with its rides, for the seats and the loads.

use super::draws::Conditions;
use crate::network::{Mode, Network, ZoneId};
use crate::routing::{
    FareMeter, RaptorWorkspace, Ride, Timetable, earliest_arrivals, earliest_arrivals_range,
    zone_arrival, zone_rides,
};
use crate::sim::choice::Journey;
use crate::sim::crowding::CrowdingCosts;
use crate::time::Seconds;
use rayon::prelude::*;

/// A public-transport itinerary in one sample, in brief.
#[derive(Debug, Clone, Copy)]
pub(super) struct Itinerary {
    /// What the commuter weighs.
    pub journey: Journey,
    /// Its rides: a range of [`Itineraries::rides`].
    rides: (u32, u32),
}

/// One origin's itineraries on one timetable.
pub(super) struct Itineraries {
    /// Per (destination, minute), destination-major; `None` where there is none.
    pub found: Vec<Option<Itinerary>>,
    /// The rides of every itinerary found, one after the other.
    rides: Vec<Ride>,
    /// Per sample of `found` with an itinerary, the first later sample that does not ride the
    /// same trips (`found.len()` at most): a departure a minute earlier usually waits for the
    /// same vehicles, and the next vehicle is sought past such runs.
    same_trips_until: Vec<u32>,
}

impl Itineraries {
    /// No itinerary to any of `zones` zones at any of `minutes` minutes.
    fn none(zones: usize, minutes: usize) -> Self {
        Itineraries {
            found: vec![None; zones * minutes],
            rides: Vec::new(),
            same_trips_until: Vec::new(),
        }
    }

    /// The rides of `it`, one of these itineraries.
    pub fn rides(&self, it: &Itinerary) -> &[Ride] {
        &self.rides[it.rides.0 as usize..it.rides.1 as usize]
    }

    /// The first sample after `i` (which has an itinerary) whose itinerary does not ride the
    /// same trips as `i`'s, or has none.
    pub fn same_trips_until(&self, i: usize) -> usize {
        self.same_trips_until[i] as usize
    }

    /// Fills `same_trips_until`, for samples of `minutes` departure minutes per destination.
    fn index_runs(&mut self, minutes: usize) {
        let same_trips = |a: &Itinerary, b: &Itinerary| {
            let (a, b) = (self.rides(a), self.rides(b));
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| (x.pattern, x.trip) == (y.pattern, y.trip))
        };
        let mut until = vec![0; self.found.len()];
        for i in (0..self.found.len()).rev() {
            let later = (i + 1) % minutes.max(1) != 0;
            until[i] = match (&self.found[i], later.then(|| self.found[i + 1]).flatten()) {
                (Some(it), Some(next)) if same_trips(it, &next) => until[i + 1],
                _ => i as u32 + 1,
            };
        }
        self.same_trips_until = until;
    }
}

/// One origin's itineraries in one morning.
pub(super) struct OriginSearch {
    /// On the transit timetable.
    pub transit: Itineraries,
    /// On the custom-bus timetable (rides required).
    pub custom_bus: Itineraries,
}

/// The fare of `rides`, yuan: per boarding for flat and per-km lines, once per run of
/// consecutive rides in the same fare system on their total distance, a walk out between two
/// rides ending the run (as `routing::trip::price` prices legs).
fn fare(net: &Network, tt: &Timetable, rides: &[Ride]) -> f64 {
    let mut meter = FareMeter::new(net);
    let mut total = 0.0;
    for r in rides {
        if r.walked_before {
            total += meter.close().map_or(0.0, |(_, yuan)| yuan);
        }
        let rule = net.line(tt.pattern_line(r.pattern as usize)).fare;
        let (now, ended) = meter.ride(rule, tt.ride_km(r), ());
        total += now + ended.map_or(0.0, |(_, yuan)| yuan);
    }
    total + meter.close().map_or(0.0, |(_, yuan)| yuan)
}

/// The timetable searched and how its rides are weighed: its patterns are those from `offset`
/// on in `crowding`.
struct Weighed<'a> {
    tt: &'a Timetable,
    crowding: &'a CrowdingCosts,
    offset: usize,
}

/// Range RAPTOR from the centre of zone `o` on `w.tt`, summarising the itinerary to every other
/// zone at every departure; with `need_ride`, itineraries without a ride are left out.
fn search_from(
    net: &Network,
    w: &Weighed<'_>,
    o: usize,
    departures: &[Seconds],
    ws: &mut RaptorWorkspace,
    need_ride: bool,
) -> Itineraries {
    let tt = w.tt;
    let zones = net.zones().len();
    let minutes = departures.len();
    let mut found = Itineraries::none(zones, minutes);
    // Leaving first reaches everything a later start does: if that reaches no zone (custom
    // buses far from this origin), no departure will.
    let Some(&first) = departures.first() else {
        return found;
    };
    let origin = net.zones()[o].centroid;
    earliest_arrivals(net, tt, origin, first, ws);
    let reaches_any = (0..zones)
        .filter(|&d| d != o)
        .any(|d| zone_arrival(tt, ws, ZoneId::new(d)).is_some());
    if !reaches_any {
        return found;
    }
    let mut scratch = Vec::new();
    earliest_arrivals_range(net, tt, origin, departures, ws, |depart_s, ws| {
        let m = ((depart_s - first) / 60) as usize;
        for d in (0..zones).filter(|&d| d != o) {
            // On the custom-bus timetable an itinerary without a ride (walking, feeder) is
            // transit's, not a custom-bus alternative (it hides a slower bus: documented).
            if let Some(arrival) = zone_rides(net, tt, ws, ZoneId::new(d), &mut scratch)
                && !(need_ride && scratch.is_empty())
            {
                let start = found.rides.len() as u32;
                found.rides.extend_from_slice(&scratch);
                found.found[d * minutes + m] = Some(Itinerary {
                    journey: Journey {
                        time_s: arrival - depart_s,
                        ride_s: scratch.iter().map(|r| tt.ride_s(r)).sum(),
                        vehicles: scratch.len() as u32,
                        fare_yuan: fare(net, tt, &scratch),
                        crowding_min: scratch
                            .iter()
                            .map(|r| w.crowding.ride_min(w.offset, tt, r))
                            .sum(),
                    },
                    rides: (start, found.rides.len() as u32),
                });
            }
        }
    });
    found.index_runs(minutes);
    found
}

/// The itineraries from every origin (in parallel, in origin order) at every departure time of
/// `departures` on the timetables of `morning`, rides weighed with `crowding`.
pub(super) fn search_all(
    net: &Network,
    morning: &Conditions,
    crowding: &CrowdingCosts,
    departures: &[Seconds],
) -> Vec<OriginSearch> {
    let zones = net.zones().len();
    let has_custom = net.lines().iter().any(|l| l.mode == Mode::CustomBus);
    let transit = Weighed {
        tt: &morning.transit,
        crowding,
        offset: 0,
    };
    let custom_bus = Weighed {
        tt: &morning.custom_bus,
        crowding,
        offset: morning.transit.pattern_count(),
    };
    (0..zones)
        .into_par_iter()
        .map_init(RaptorWorkspace::default, |ws, o| OriginSearch {
            transit: search_from(net, &transit, o, departures, ws, false),
            custom_bus: if has_custom {
                search_from(net, &custom_bus, o, departures, ws, true)
            } else {
                Itineraries::none(zones, departures.len())
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::journey;

    #[test]
    fn runs_of_the_same_trips_end_where_the_trips_change() {
        // One destination, six minutes: trips (pattern, trip) per itinerary, `None` for none.
        let minutes: [Option<&[(u32, u32)]>; 6] = [
            Some(&[(0, 1)]),
            Some(&[(0, 1)]),
            None,
            Some(&[(0, 2)]),
            Some(&[(0, 2), (1, 3)]),
            Some(&[(0, 2), (1, 3)]),
        ];
        let mut its = Itineraries::none(1, minutes.len());
        for (m, trips) in minutes.iter().enumerate() {
            let Some(trips) = trips else { continue };
            let start = its.rides.len() as u32;
            its.rides.extend(trips.iter().map(|&(pattern, trip)| Ride {
                pattern,
                trip,
                board: 0,
                alight: 1,
                walked_before: false,
            }));
            its.found[m] = Some(Itinerary {
                journey: Journey {
                    time_s: 600,
                    ride_s: 300,
                    vehicles: trips.len() as u32,
                    fare_yuan: 0.0,
                    crowding_min: 0.0,
                },
                rides: (start, its.rides.len() as u32),
            });
        }
        its.index_runs(minutes.len());
        // Minutes 0-1 ride trip 1, then none; 3 rides trip 2 alone, 4-5 add a second trip.
        let until: Vec<usize> = [0, 1, 3, 4, 5]
            .iter()
            .map(|&i| its.same_trips_until(i))
            .collect();
        assert_eq!(until, [2, 2, 4, 6, 6]);
    }

    #[test]
    fn itinerary_fares_match_the_priced_journeys() {
        // Both regional-style networks: fare systems, flat and per-km fares, walks between.
        for file in ["scenarios/demo-base.toml", "scenarios/jjj-2024.toml"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            let s = crate::scenario::load(&path).unwrap();
            let net = &s.network;
            let tt = Timetable::new(net);
            let mut ws = RaptorWorkspace::default();
            let mut rides = Vec::new();
            let mut compared = 0;
            for o in 0..net.zones().len() {
                let origin = net.zones()[o].centroid;
                earliest_arrivals(net, &tt, origin, 7 * 3600 + 1800, &mut ws);
                for d in (0..net.zones().len()).filter(|&d| d != o) {
                    let zone = ZoneId::new(d);
                    let Some(trip) = journey(net, &tt, &ws, net.zone(zone).centroid) else {
                        continue;
                    };
                    zone_rides(net, &tt, &ws, zone, &mut rides).unwrap();
                    let (a, b) = (fare(net, &tt, &rides), trip.cost_yuan());
                    assert!((a - b).abs() < 1e-9, "{file} {o}->{d}: {a} vs {b}");
                    compared += 1;
                }
            }
            assert!(compared > 100, "{file}: {compared}");
        }
    }
}
