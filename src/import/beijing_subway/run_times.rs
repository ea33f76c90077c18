//! Run times between stops, from departure times alone.
//!
//! The timetables list departure times per station in whole minutes, with no train numbers.
//! Trains are matched between consecutive stations by order (no overtaking), after removing the
//! trains the routing plans say end at the first station or start at the second; where the
//! counts still differ (a few depot moves), by a monotone alignment that best keeps the travel
//! time constant. For each segment and direction the weekday 07:00-09:00 travel times are
//! summarised by their median, interpolated within the minute (the times are whole minutes: the
//! grouped-data median keeps the sub-minute part), and the segments of a direction are scaled
//! together to the median end-to-end time of the peak trains that run the whole line, so a
//! line's run times add up to the timetable's. A two-way line gets the mean of its two
//! directions. The timetables give departures only, so the whole inter-station time (running
//! plus the dwell at the next station) is the run time, and the dwell 0.

use super::json::Found;
use super::line_file::SubwayLine;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The analysis peak, minutes after midnight (weekday 07:00-09:00).
const PEAK: (i32, i32) = (7 * 60, 9 * 60);
/// Least number of whole-line peak trains needed to calibrate a direction's total.
const MIN_END_TO_END: usize = 5;
/// The longest plausible time between two stations, minutes.
const MAX_SEGMENT_MIN: i32 = 40;

/// A stop of a line, in the order of its forward direction.
pub(super) struct Stop {
    /// The station's Chinese name.
    pub station: String,
    /// Minutes from the previous stop (0 at the first).
    pub run_min: f64,
    /// Kilometres from the previous stop (0 at the first).
    pub distance_km: f64,
}

/// A line's stops with run times, and where its forward direction starts.
pub(super) struct RunTimes {
    pub stops: Vec<Stop>,
    /// The first stop of the forward direction: (station, direction).
    pub first_stop: (usize, usize),
}

/// One direction's path and, per segment, the summarised peak minutes.
struct PathTimes {
    path: Vec<(usize, usize)>,
    minutes: Vec<f64>,
}

/// The run times of a line, reporting per direction how they were summarised.
pub(super) fn run_times(line: &SubwayLine, report: &mut String) -> Found<RunTimes> {
    let circle = line.directions.iter().position(|d| d.end_circle.is_some());
    let forward = match circle {
        Some(d) => d,
        None => line
            .directions
            .iter()
            .position(|d| !d.reversed)
            .ok_or_else(|| line.problem("train_routes", "no direction runs in station order"))?,
    };
    let _ = writeln!(report, "  {} {} ({}):", line.id, line.name, line.cn_name);
    let fwd = path_times(line, forward, report)?;
    let rev = match circle {
        None => Some(path_times(line, 1 - forward, report)?),
        Some(_) => None,
    };
    let rev_minutes: HashMap<(usize, usize), f64> = rev
        .iter()
        .flat_map(|r| {
            r.path
                .windows(2)
                .zip(&r.minutes)
                .map(|(w, &m)| ((w[0].0, w[1].0), m))
        })
        .collect();
    let mut stops = Vec::new();
    let mut total = 0.0;
    for (i, &(station, _)) in fwd.path.iter().enumerate() {
        let name = line.stations[station].name.clone();
        if i == 0 {
            stops.push(Stop {
                station: name,
                run_min: 0.0,
                distance_km: 0.0,
            });
            continue;
        }
        let prev = fwd.path[i - 1];
        let there = fwd.minutes[i - 1];
        let minutes = match (&rev, rev_minutes.get(&(station, prev.0))) {
            (None, _) => there,
            (Some(_), Some(&back)) => (there + back) / 2.0,
            (Some(_), None) => {
                return Err(line.problem(
                    "timetable",
                    format!("no run time in the reverse direction from {name}"),
                ));
            }
        };
        let minutes = round(minutes, 2);
        total += minutes;
        stops.push(Stop {
            station: name,
            run_min: minutes,
            distance_km: line.distance_km(prev, fwd.path[i])?,
        });
    }
    let _ = writeln!(report, "    line run times add up to {total:.2} min");
    Ok(RunTimes {
        stops,
        first_stop: fwd.path[0],
    })
}

/// Matches trains along direction `d`'s path and summarises the peak segment times.
fn path_times(line: &SubwayLine, d: usize, report: &mut String) -> Found<PathTimes> {
    let path = line.path(d)?;
    let mut deps = Vec::new();
    for &(s, dd) in &path {
        deps.push(line.departures(s, dd)?);
    }
    let mut minutes = Vec::new();
    let mut links: Vec<HashMap<i32, i32>> = Vec::new();
    let mut realigned = Vec::new();
    for (i, w) in path.windows(2).enumerate() {
        let ((a, da), (b, db)) = (w[0], w[1]);
        let (sa, sb) = (&line.stations[a].name, &line.stations[b].name);
        let last_of_dir = line.order(da).last() == Some(&a);
        let plans_a = &line.directions[da].plans;
        let from: Vec<i32> = deps[i]
            .times
            .iter()
            .zip(&deps[i].plans)
            .filter(|&(_, &p)| {
                plans_a[p].ends_with.as_ref() != Some(sa) && !(plans_a[p].no_loop && last_of_dir)
            })
            .map(|(&t, _)| t)
            .collect();
        let plans_b = &line.directions[db].plans;
        let to: Vec<i32> = deps[i + 1]
            .times
            .iter()
            .zip(&deps[i + 1].plans)
            .filter(|&(_, &p)| plans_b[p].starts_with.as_ref() != Some(sb))
            .map(|(&t, _)| t)
            .collect();
        let (pairs, by_order) = match_trains(&from, &to);
        if !by_order {
            realigned.push(format!(
                "{sa}>{sb} {}/{} trains, {} matched",
                from.len(),
                to.len(),
                pairs.len()
            ));
        }
        let mut peak: Vec<i32> = pairs
            .iter()
            .filter(|(t, _)| (PEAK.0..PEAK.1).contains(t))
            .map(|(t, u)| u - t)
            .collect();
        if peak.is_empty() {
            peak = pairs.iter().map(|(t, u)| u - t).collect();
            let _ = writeln!(report, "    {sa}>{sb}: no peak train, whole day used");
        }
        if peak.is_empty() {
            return Err(line.problem(
                "timetable",
                format!("no train of {sa} could be matched to one of {sb}"),
            ));
        }
        minutes.push(grouped_median(&mut peak));
        links.push(pairs.into_iter().collect());
    }
    scale_to_whole_line(line, d, &deps[0].times, &links, &mut minutes, report);
    for r in realigned {
        let _ = writeln!(report, "      aligned by time, not by order: {r}");
    }
    Ok(PathTimes { path, minutes })
}

/// Scales a direction's segment minutes to the median end-to-end time of the peak trains that
/// run its whole path (`links`: per segment, departure to departure at the next stop), when
/// there are enough of them.
fn scale_to_whole_line(
    line: &SubwayLine,
    d: usize,
    first_departures: &[i32],
    links: &[HashMap<i32, i32>],
    minutes: &mut [f64],
    report: &mut String,
) {
    let mut whole = Vec::new();
    for &t0 in first_departures
        .iter()
        .filter(|t| (PEAK.0..PEAK.1).contains(*t))
    {
        let mut t = t0;
        if links.iter().all(|l| l.get(&t).map(|&u| t = u).is_some()) {
            whole.push(t - t0);
        }
    }
    let raw: f64 = minutes.iter().sum();
    let dir = &line.directions[d].key;
    if whole.len() >= MIN_END_TO_END {
        let n = whole.len();
        let target = grouped_median(&mut whole);
        let scale = target / raw;
        for m in minutes.iter_mut() {
            *m *= scale;
        }
        let _ = writeln!(
            report,
            "    {dir}: segment medians add up to {raw:.2} min, whole-line median {target:.2} min over {n} peak trains (scaled x{scale:.3})"
        );
    } else {
        let _ = writeln!(
            report,
            "    {dir}: segment medians add up to {raw:.2} min ({} whole-line peak trains: not scaled)",
            whole.len()
        );
    }
}

/// Pairs departures at one station with the same trains' departures at the next. By order when
/// the counts agree and every travel time is plausible; otherwise by a monotone alignment that
/// keeps the travel time closest to a constant (chosen to fit best), leaving extras unmatched.
/// The flag says whether the trains were matched by order.
fn match_trains(from: &[i32], to: &[i32]) -> (Vec<(i32, i32)>, bool) {
    let plausible = |d: i32| d > 0 && d <= MAX_SEGMENT_MIN;
    if from.len() == to.len() && from.iter().zip(to).all(|(a, b)| plausible(b - a)) {
        return (from.iter().copied().zip(to.iter().copied()).collect(), true);
    }
    let mut best: Option<(f64, Vec<(i32, i32)>)> = None;
    for m in 1..=30 {
        let (cost, pairs) = align(from, to, f64::from(m));
        if best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, pairs));
        }
    }
    let pairs = best.map(|(_, p)| p).unwrap_or_default();
    if pairs.is_empty() {
        return (pairs, false);
    }
    let mut d: Vec<i32> = pairs.iter().map(|(a, b)| b - a).collect();
    d.sort_unstable();
    let typical = f64::from(d[(d.len() - 1) / 2]);
    (align(from, to, typical).1, false)
}

/// Monotone alignment of two departure lists: cost (d - m)^2 per matched train, 4 per unmatched.
fn align(from: &[i32], to: &[i32], m: f64) -> (f64, Vec<(i32, i32)>) {
    const GAP: f64 = 4.0;
    let (n, k) = (from.len(), to.len());
    let w = k + 1;
    let mut cost = vec![f64::INFINITY; (n + 1) * w];
    let mut step = vec![0u8; (n + 1) * w];
    cost[0] = 0.0;
    for i in 0..=n {
        for j in 0..=k {
            let c = cost[i * w + j];
            if !c.is_finite() {
                continue;
            }
            let mut relax = |at: usize, value: f64, how: u8| {
                if value < cost[at] {
                    cost[at] = value;
                    step[at] = how;
                }
            };
            if i < n {
                relax((i + 1) * w + j, c + GAP, 1);
            }
            if j < k {
                relax(i * w + j + 1, c + GAP, 2);
            }
            if i < n && j < k {
                let d = to[j] - from[i];
                if d > 0 && d <= MAX_SEGMENT_MIN {
                    relax((i + 1) * w + j + 1, c + (f64::from(d) - m).powi(2), 3);
                }
            }
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (n, k);
    while i > 0 || j > 0 {
        match step[i * w + j] {
            3 => {
                pairs.push((from[i - 1], to[j - 1]));
                i -= 1;
                j -= 1;
            }
            1 => i -= 1,
            _ => j -= 1,
        }
    }
    pairs.reverse();
    (cost[n * w + k], pairs)
}

/// The median of whole-minute values, interpolated within the median minute (grouped data).
/// `xs` is not empty.
fn grouped_median(xs: &mut [i32]) -> f64 {
    xs.sort_unstable();
    let n = xs.len();
    let m = xs[(n - 1) / 2];
    let below = xs.iter().filter(|&&x| x < m).count();
    let at = xs.iter().filter(|&&x| x == m).count();
    f64::from(m) - 0.5 + (n as f64 / 2.0 - below as f64) / at as f64
}

/// `x` rounded to `decimals` decimals.
pub(super) fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_median_interpolates() {
        assert_eq!(grouped_median(&mut [2, 2, 2]), 2.0);
        assert_eq!(grouped_median(&mut [1, 1, 2, 2]), 1.5);
        assert!((grouped_median(&mut [1, 2, 2, 2]) - 1.5 - 1.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn trains_match_by_order_or_by_alignment() {
        assert_eq!(
            match_trains(&[600, 610], &[603, 613]),
            (vec![(600, 603), (610, 613)], true)
        );
        // A depot train appears at the second station only: left unmatched.
        let (pairs, by_order) = match_trains(&[600, 610, 620], &[603, 608, 613, 623]);
        assert!(!by_order);
        assert_eq!(pairs, [(600, 603), (610, 613), (620, 623)]);
    }
}
