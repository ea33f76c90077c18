//! The feed's references and times checked, every problem with its file, line and field; then
//! each trip as its stops and times (intermediate stops without times interpolated by distance).

use super::calendar::known_services;
use crate::error::Problem;
use crate::io::{GtfsFeed, gtfs_line};
use crate::network::great_circle_km;
use gtfs_structures::{ExactTimes, LocationType};
use std::collections::HashMap;

/// A trip with its stops (indices into the feed's stops) and times, seconds after midnight of
/// the service day (past 24:00 for trips running after midnight).
#[derive(Debug, Clone)]
pub(super) struct TimedTrip {
    /// Index into the feed's trips.
    pub trip: usize,
    /// Index into the feed's routes.
    pub route: usize,
    /// Indices into the feed's stops, in stop_sequence order.
    pub stops: Vec<usize>,
    /// Arrival at each stop.
    pub arrive: Vec<u32>,
    /// Departure from each stop.
    pub depart: Vec<u32>,
    /// frequencies.txt periods of the trip (empty: it runs once, at its own times).
    pub frequencies: Vec<Period>,
}

/// A frequencies.txt period: the trip's profile repeated every `headway_s` from `start_s` to
/// `end_s` (exclusive); `exact` when the departures are exactly those (`exact_times = 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Period {
    pub start_s: u32,
    pub end_s: u32,
    pub headway_s: u32,
    pub exact: bool,
}

/// The checked feed: ids resolved, every trip timed.
pub(super) struct Checked {
    /// Stop index by stop_id.
    pub stop_index: HashMap<String, usize>,
    /// Every trip with at least two stop times, in trips.txt order.
    pub trips: Vec<TimedTrip>,
}

/// The shortest headway the model takes (`bounds::HEADWAY_MIN`), seconds.
const MIN_HEADWAY_S: u32 = 30;

/// The latest time the model takes, seconds: 167:59:59, a week of service days.
const MAX_TIME_S: u32 = 168 * 3600 - 1;

/// Checks `feed` and times its trips; all problems are pushed to `problems`.
pub(super) fn check(feed: &GtfsFeed, problems: &mut Vec<Problem>) -> Checked {
    let file = |name: &str| feed.file(name);
    let mut stop_index = HashMap::new();
    for (i, s) in feed.stops.iter().enumerate() {
        if let Some(first) = stop_index.insert(s.id.clone(), i) {
            problems.push(Problem::at(
                &file("stops.txt"),
                gtfs_line(i),
                Some("stop_id"),
                format!(
                    "`{}` is already the stop on line {}",
                    s.id,
                    gtfs_line(first)
                ),
            ));
        }
    }
    for (i, s) in feed.stops.iter().enumerate() {
        if let Some(parent) = &s.parent_station
            && !parent.is_empty()
            && !stop_index.contains_key(parent)
        {
            problems.push(Problem::at(
                &file("stops.txt"),
                gtfs_line(i),
                Some("parent_station"),
                format!("unknown stop `{parent}`"),
            ));
        }
    }
    let mut route_index = HashMap::new();
    for (i, r) in feed.routes.iter().enumerate() {
        if route_index.insert(r.id.as_str(), i).is_some() {
            problems.push(Problem::at(
                &file("routes.txt"),
                gtfs_line(i),
                Some("route_id"),
                format!("`{}` is given twice", r.id),
            ));
        }
    }
    let services = known_services(feed);
    let mut trip_index = HashMap::new();
    let mut trip_route = vec![None; feed.trips.len()];
    for (i, t) in feed.trips.iter().enumerate() {
        let at = |field: &str, message: String| {
            Problem::at(&file("trips.txt"), gtfs_line(i), Some(field), message)
        };
        if trip_index.insert(t.id.as_str(), i).is_some() {
            problems.push(at("trip_id", format!("`{}` is given twice", t.id)));
        }
        match route_index.get(t.route_id.as_str()) {
            Some(&r) => trip_route[i] = Some(r),
            None => problems.push(at("route_id", format!("unknown route `{}`", t.route_id))),
        }
        if !services.contains(t.service_id.as_str()) {
            problems.push(at(
                "service_id",
                format!(
                    "unknown service `{}` (in neither calendar.txt nor calendar_dates.txt)",
                    t.service_id
                ),
            ));
        }
    }
    // The stop_times records of each trip.
    let mut records: Vec<Vec<usize>> = vec![Vec::new(); feed.trips.len()];
    for (i, st) in feed.stop_times.iter().enumerate() {
        let at = |field: &str, message: String| {
            Problem::at(&file("stop_times.txt"), gtfs_line(i), Some(field), message)
        };
        let trip = trip_index.get(st.trip_id.as_str());
        if trip.is_none() {
            problems.push(at("trip_id", format!("unknown trip `{}`", st.trip_id)));
        }
        match stop_index.get(&st.stop_id) {
            None => problems.push(at("stop_id", format!("unknown stop `{}`", st.stop_id))),
            Some(&s) if !matches!(feed.stops[s].location_type, LocationType::StopPoint) => {
                problems.push(at(
                    "stop_id",
                    format!(
                        "`{}` is not a stop or platform (location_type 0): vehicles stop at \
                         platforms, not at stations or entrances",
                        st.stop_id
                    ),
                ));
            }
            Some(&s) if feed.stops[s].longitude.is_none() || feed.stops[s].latitude.is_none() => {
                problems.push(at(
                    "stop_id",
                    format!(
                        "stop `{}` has no stop_lat/stop_lon in stops.txt",
                        st.stop_id
                    ),
                ));
            }
            Some(_) => {
                if let Some(&t) = trip {
                    records[t].push(i);
                }
            }
        }
    }
    let mut frequencies: Vec<Vec<Period>> = vec![Vec::new(); feed.trips.len()];
    for (i, f) in feed.frequencies.iter().enumerate() {
        let at = |field: &str, message: String| {
            Problem::at(&file("frequencies.txt"), gtfs_line(i), Some(field), message)
        };
        let Some(&t) = trip_index.get(f.trip_id.as_str()) else {
            problems.push(at("trip_id", format!("unknown trip `{}`", f.trip_id)));
            continue;
        };
        if f.start_time > MAX_TIME_S || f.end_time > MAX_TIME_S {
            problems.push(at(
                "end_time",
                "is past 167:59:59, the latest time the model takes".into(),
            ));
            continue;
        }
        if f.end_time <= f.start_time {
            problems.push(at(
                "end_time",
                "is not after start_time: a period needs a length".into(),
            ));
            continue;
        }
        if f.headway_secs < MIN_HEADWAY_S {
            problems.push(at(
                "headway_secs",
                format!(
                    "{} is below the {MIN_HEADWAY_S} seconds the model takes",
                    f.headway_secs
                ),
            ));
            continue;
        }
        frequencies[t].push(Period {
            start_s: f.start_time,
            end_s: f.end_time,
            headway_s: f.headway_secs,
            exact: matches!(f.exact_times, Some(ExactTimes::ScheduleBased)),
        });
    }
    let position = |s: usize| {
        let stop = &feed.stops[s];
        (
            stop.longitude.unwrap_or_default(),
            stop.latitude.unwrap_or_default(),
        )
    };
    let mut trips = Vec::new();
    for (t, mut recs) in records.into_iter().enumerate() {
        recs.sort_by_key(|&i| feed.stop_times[i].stop_sequence);
        let at = |i: usize, field: &str, message: String| {
            Problem::at(&file("stop_times.txt"), gtfs_line(i), Some(field), message)
        };
        let before = problems.len();
        for w in recs.windows(2) {
            if feed.stop_times[w[0]].stop_sequence == feed.stop_times[w[1]].stop_sequence {
                problems.push(at(
                    w[1],
                    "stop_sequence",
                    format!(
                        "{} is already used by this trip on line {}",
                        feed.stop_times[w[1]].stop_sequence,
                        gtfs_line(w[0])
                    ),
                ));
            }
        }
        if recs.len() < 2 {
            if trip_route[t].is_some() {
                problems.push(Problem::at(
                    &file("trips.txt"),
                    gtfs_line(t),
                    Some("trip_id"),
                    format!(
                        "trip `{}` has {} stop times in stop_times.txt; a trip needs at least two",
                        feed.trips[t].id,
                        recs.len()
                    ),
                ));
            }
            continue;
        }
        let stops: Vec<usize> = recs
            .iter()
            .map(|&i| stop_index[&feed.stop_times[i].stop_id])
            .collect();
        let given: Vec<(Option<u32>, Option<u32>)> = recs
            .iter()
            .map(|&i| {
                let st = &feed.stop_times[i];
                (
                    st.arrival_time.or(st.departure_time),
                    st.departure_time.or(st.arrival_time),
                )
            })
            .collect();
        for (&i, &(a, d)) in recs.iter().zip(&given) {
            for (field, t) in [("arrival_time", a), ("departure_time", d)] {
                if t.is_some_and(|t| t > MAX_TIME_S) {
                    problems.push(at(
                        i,
                        field,
                        "is past 167:59:59, the latest time the model takes".into(),
                    ));
                }
            }
        }
        for end in [0, recs.len() - 1] {
            if given[end].0.is_none() {
                problems.push(at(
                    recs[end],
                    "arrival_time",
                    "the first and last stops of a trip need times".into(),
                ));
            }
        }
        if problems.len() > before {
            continue;
        }
        let (arrive, depart) = interpolate(&given, &stops, &position);
        for k in 0..recs.len() {
            if depart[k] < arrive[k] {
                problems.push(at(
                    recs[k],
                    "departure_time",
                    "is before the arrival_time".into(),
                ));
            }
            if k > 0 && arrive[k] < depart[k - 1] {
                problems.push(at(
                    recs[k],
                    "arrival_time",
                    format!(
                        "is before the departure from the previous stop (line {}): times must \
                         not decrease along a trip",
                        gtfs_line(recs[k - 1])
                    ),
                ));
            }
        }
        if problems.len() > before {
            continue;
        }
        let (stops, arrive, depart) = merge_repeated_stops(stops, arrive, depart);
        if let Some(route) = trip_route[t]
            && stops.len() >= 2
        {
            trips.push(TimedTrip {
                trip: t,
                route,
                stops,
                arrive,
                depart,
                frequencies: std::mem::take(&mut frequencies[t]),
            });
        }
    }
    Checked { stop_index, trips }
}

/// The trip with each run of one stop repeated in a row made one stop: arrival at the first
/// of them, departure from the last (the vehicle waits there).
fn merge_repeated_stops(
    stops: Vec<usize>,
    arrive: Vec<u32>,
    depart: Vec<u32>,
) -> (Vec<usize>, Vec<u32>, Vec<u32>) {
    let (mut s, mut a, mut d) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..stops.len() {
        if s.last() == Some(&stops[k]) {
            *d.last_mut().expect("a stop") = depart[k];
        } else {
            s.push(stops[k]);
            a.push(arrive[k]);
            d.push(depart[k]);
        }
    }
    (s, a, d)
}

/// Arrival and departure at each stop: the given times, and between two timed stops times
/// interpolated by straight-line distance along the stops (evenly when they are in one place),
/// rounded to the second.
fn interpolate(
    given: &[(Option<u32>, Option<u32>)],
    stops: &[usize],
    position: &dyn Fn(usize) -> (f64, f64),
) -> (Vec<u32>, Vec<u32>) {
    let n = given.len();
    let (mut arrive, mut depart) = (vec![0; n], vec![0; n]);
    let mut last = 0;
    for k in 0..n {
        let (Some(a), Some(d)) = given[k] else {
            continue;
        };
        arrive[k] = a;
        depart[k] = d;
        if k > last + 1 {
            // Stops last+1 .. k-1 have no times.
            let along: Vec<f64> = (last + 1..=k)
                .scan(0.0, |acc, j| {
                    *acc += great_circle_km(position(stops[j - 1]), position(stops[j]));
                    Some(*acc)
                })
                .collect();
            let total = along[along.len() - 1];
            let (from, span) = (
                f64::from(depart[last]),
                f64::from(a) - f64::from(depart[last]),
            );
            for (j, km) in (last + 1..k).zip(&along) {
                let share = if total > 0.0 {
                    km / total
                } else {
                    (j - last) as f64 / (k - last) as f64
                };
                let t = (from + span * share).round().max(0.0) as u32;
                arrive[j] = t;
                depart[j] = t;
            }
        }
        last = k;
    }
    (arrive, depart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untimed_stops_take_times_in_proportion_to_distance() {
        // Four stops on a meridian, 1, 1 and 2 units apart; the middle two untimed.
        let lat = [0.0, 0.01, 0.02, 0.04];
        let position = |s: usize| (0.0, lat[s]);
        let given = [
            (Some(100), Some(100)),
            (None, None),
            (None, None),
            (Some(500), Some(520)),
        ];
        let (arrive, depart) = interpolate(&given, &[0, 1, 2, 3], &position);
        assert_eq!(arrive, [100, 200, 300, 500]);
        assert_eq!(depart, [100, 200, 300, 520]);
    }

    #[test]
    fn a_stop_repeated_in_a_row_is_one_stop_with_the_wait() {
        let (s, a, d) = merge_repeated_stops(
            vec![4, 7, 7, 9],
            vec![0, 60, 90, 200],
            vec![0, 70, 120, 200],
        );
        assert_eq!(
            (s, a, d),
            (vec![4, 7, 9], vec![0, 60, 200], vec![0, 120, 200])
        );
    }
}
