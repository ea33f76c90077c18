//! `add-line`, `remove-line`, `adjust-frequency`, `set-fare`, and the line forms of
//! `adjust-speed` and `set-capacity`: lines, their stops and their service checked as `lines.csv`, `stops.csv`,
//! `headways.csv` and `departures.csv` rows would be.

use super::Edit;
use super::check::Check;
use crate::bounds;
use crate::io::{HeadwaySpec, ModificationSpec, StopSpec};
use crate::network::{
    Departure, Direction, FareRule, HeadwayPeriod, Line, Mode, Network, Stop, stop_list_problems,
};
use crate::time::Seconds;
use std::collections::HashSet;

/// `add-line`.
pub(super) fn add_line(c: &mut Check<'_>, net: &Network, spec: &ModificationSpec) -> Option<Edit> {
    let ModificationSpec::AddLine {
        id,
        name,
        mode,
        capacity,
        seats,
        fare,
        oneway,
        stops,
        headways,
        departures,
    } = spec
    else {
        unreachable!("add_line is called for add-line modifications only")
    };
    c.text("id", id);
    c.text("name", name);
    if net.line_id(id).is_some() {
        c.fail("id", format!("line id `{id}` already exists"));
    }
    let mode = Mode::parse(mode);
    if mode.is_none() {
        c.fail("mode", "expected one of hsr, rail, subway, bus, custom_bus");
    }
    let fare_rule = FareRule::parse(fare, &net.settings().fare_systems)
        .map_err(|m| c.fail("fare", m))
        .ok();
    c.count("capacity", &bounds::LINE_CAPACITY, *capacity);
    let seats = seats.unwrap_or(*capacity);
    c.seats(seats, *capacity);
    let stops = c.stops(net, stops);
    let headways = c.headways(headways);
    let departures = c.departures(departures, *oneway);
    if headways.is_empty() && departures.is_empty() {
        c.fail("headways", "a line needs `headways` or `departures`");
    }
    let line = Line {
        id: id.clone(),
        name: name.clone(),
        mode: mode?,
        capacity: *capacity,
        seats,
        fare: fare_rule?,
        oneway: *oneway,
        loops: true,
        stops,
        headways,
        departures,
        trip_ids: Vec::new(),
    };
    Some(Box::new(move |net| {
        let label = line.id.clone();
        net.lines.push(line);
        label
    }))
}

/// `set-fare`: the fare rule of the lines named and of every line of the modes named.
pub(super) fn set_fare(
    c: &mut Check<'_>,
    net: &Network,
    lines: &[String],
    modes: &[String],
    fare: &str,
) -> Option<Edit> {
    if lines.is_empty() && modes.is_empty() {
        c.fail("lines", "name at least one line or mode");
    }
    let mut picked = HashSet::new();
    for id in lines {
        picked.extend(c.line_index(net, "lines", id));
    }
    for name in modes {
        match Mode::parse(name) {
            Some(mode) => picked.extend(
                net.lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.mode == mode)
                    .map(|(i, _)| i),
            ),
            None => c.fail(
                "modes",
                format!("`{name}`: expected one of hsr, rail, subway, bus, custom_bus"),
            ),
        }
    }
    if picked.is_empty() && c.passed() && !(lines.is_empty() && modes.is_empty()) {
        c.fail("modes", "selects no line of the network");
    }
    let rule = FareRule::parse(fare, &net.settings().fare_systems)
        .map_err(|m| c.fail("fare", m))
        .ok()?;
    let label = lines
        .iter()
        .chain(modes)
        .cloned()
        .collect::<Vec<_>>()
        .join(",");
    Some(Box::new(move |net| {
        for i in picked {
            net.lines[i].fare = rule;
        }
        label
    }))
}

/// `remove-line`.
pub(super) fn remove_line(c: &mut Check<'_>, net: &Network, lines: &[String]) -> Option<Edit> {
    if lines.is_empty() {
        c.fail("lines", "name at least one line");
    }
    for id in lines {
        c.line_index(net, "lines", id);
    }
    let label = lines.join(",");
    let ids: HashSet<String> = lines.iter().cloned().collect();
    Some(Box::new(move |net| {
        // A set: a long list against a large network must not be quadratic.
        net.lines.retain(|l| !ids.contains(&l.id));
        label
    }))
}

/// `adjust-frequency`: new headway periods, new departures, or both, replacing the line's.
pub(super) fn adjust_frequency(
    c: &mut Check<'_>,
    net: &Network,
    line: &str,
    headways: Option<&[HeadwaySpec]>,
    departures: Option<&[String]>,
) -> Option<Edit> {
    let index = c.line_index(net, "line", line);
    if headways.is_none() && departures.is_none() {
        c.fail("headways", "give new `headways`, `departures`, or both");
    }
    let headways = c.headways(headways.unwrap_or_default());
    let oneway = index.is_some_and(|i| net.lines[i].oneway);
    let departures = c.departures(departures.unwrap_or_default(), oneway);
    if headways.is_empty() && departures.is_empty() {
        c.fail(
            "headways",
            "the new service has no headway period and no departure",
        );
    }
    let index = index?;
    let label = line.to_owned();
    Some(Box::new(move |net| {
        let l = &mut net.lines[index];
        l.headways = headways;
        l.departures = departures;
        label
    }))
}

/// `adjust-speed` of a line: run times scaled by `factor`.
pub(super) fn scale_run_times(
    c: &mut Check<'_>,
    net: &Network,
    line: &str,
    factor: f64,
) -> Option<Edit> {
    let index = c.line_index(net, "line", line);
    let factor = c.bounded("run_time_factor", &bounds::RUN_TIME_FACTOR, factor);
    let label = line.to_owned();
    let index = index?;
    // The scaled run times must stay run times the files would accept (earlier factors on the
    // same line compound).
    let longest = net.lines[index].stops.iter().map(|s| s.run_s).max();
    let scaled_min = f64::from(longest.unwrap_or(0)) * factor / 60.0;
    if bounds::RUN_TIME_FACTOR.contains(factor)
        && let Err(m) = bounds::RUN_MIN.check(scaled_min)
    {
        c.fail(
            "run_time_factor",
            format!("the longest run time of `{line}` would become: {m}"),
        );
    }
    Some(Box::new(move |net| {
        for stop in &mut net.lines[index].stops {
            stop.run_s = (f64::from(stop.run_s) * factor).round() as Seconds;
        }
        format!("{label} x{factor}")
    }))
}

/// `set-capacity` of a line: passengers per vehicle, seats per vehicle, or both. A new
/// capacity alone keeps the line's seats, cut to the capacity; seats alone keep the capacity.
pub(super) fn set_capacity(
    c: &mut Check<'_>,
    net: &Network,
    line: &str,
    capacity: Option<u32>,
    seats: Option<u32>,
) -> Option<Edit> {
    let index = c.line_index(net, "line", line);
    if let Some(capacity) = capacity {
        c.count("capacity", &bounds::LINE_CAPACITY, capacity);
    }
    let old = &net.lines[index?];
    let capacity = capacity.unwrap_or(old.capacity);
    // The log names the seats only when they were given.
    let label = match seats {
        Some(seats) => format!("{line} {capacity} passengers, {seats} seats"),
        None => format!("{line} {capacity} passengers"),
    };
    let seats = seats.unwrap_or(old.seats.min(capacity));
    c.seats(seats, capacity);
    let index = index?;
    Some(Box::new(move |net| {
        net.lines[index].capacity = capacity;
        net.lines[index].seats = seats;
        label
    }))
}

impl Check<'_> {
    /// `seats` within its bound and at most the line's `capacity`.
    fn seats(&mut self, seats: u32, capacity: u32) {
        if let Err(m) = bounds::LINE_SEATS.check_count(seats.into()) {
            self.fail("seats", m);
        } else if seats > capacity {
            self.fail(
                "seats",
                format!("{seats} seats is more than the capacity of {capacity} passengers"),
            );
        }
    }

    /// Headway periods: clock times, a period ending after it starts, a headway in range.
    fn headways(&mut self, specs: &[HeadwaySpec]) -> Vec<HeadwayPeriod> {
        specs
            .iter()
            .map(|h| {
                let start_s = self.clock("headways.start", &h.start);
                let end_s = self.clock("headways.end", &h.end);
                let headway_s =
                    self.minutes("headways.headway_min", &bounds::HEADWAY_MIN, h.headway_min);
                if start_s >= end_s {
                    self.fail(
                        "headways.end",
                        format!("period {}-{} ends before it starts", h.start, h.end),
                    );
                }
                HeadwayPeriod {
                    start_s,
                    end_s,
                    headway_s,
                }
            })
            .collect()
    }

    /// Departures from the first stop at clock `times`, in both directions unless `oneway`,
    /// sorted.
    fn departures(&mut self, times: &[String], oneway: bool) -> Vec<Departure> {
        let directions: &[Direction] = if oneway {
            &[Direction::Forward]
        } else {
            &[Direction::Forward, Direction::Reverse]
        };
        let mut out: Vec<Departure> = times
            .iter()
            .map(|t| self.clock("departures", t))
            .flat_map(|time_s| {
                directions
                    .iter()
                    .map(move |&direction| Departure { direction, time_s })
            })
            .collect();
        out.sort();
        out
    }

    /// The stops of a new line: each value within its bound, the list following the rules of
    /// `stops.csv` ([`stop_list_problems`]).
    fn stops(&mut self, net: &Network, specs: &[StopSpec]) -> Vec<Stop> {
        let mut stops = Vec::new();
        // The position in `specs` of each stop read.
        let mut given = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            let node = self.node(net, "stops.node", &s.node);
            let run_s = self.minutes("stops.run_min", &bounds::RUN_MIN, s.run_min);
            let dwell_s = self.minutes("stops.dwell_min", &bounds::DWELL_MIN, s.dwell_min);
            let distance_km = self.bounded(
                "stops.distance_km",
                &bounds::STOP_DISTANCE_KM,
                s.distance_km,
            );
            if let Some(node) = node {
                stops.push(Stop {
                    node,
                    run_s,
                    dwell_s,
                    distance_km,
                });
                given.push(i);
            }
        }
        let complete = stops.len() == specs.len();
        for problem in stop_list_problems(net.nodes(), &stops, complete) {
            match problem.stop {
                Some(i) => self.fail(
                    &format!("stops.{}", problem.field),
                    format!(
                        "stop {} (`{}`): {}",
                        given[i] + 1,
                        specs[given[i]].node,
                        problem.message
                    ),
                ),
                None => self.fail("stops", problem.message),
            }
        }
        stops
    }
}
