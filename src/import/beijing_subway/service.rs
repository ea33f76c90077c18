//! Service: weekday headways in the periods first train - 07:00, 07:00-09:00, 09:00-17:00,
//! 17:00-19:00, 19:00 - last train (first and last rounded out to 5 minutes), each the period's
//! length divided by the trains leaving the line's first stop in the forward direction within
//! it. Short-turn and depot trains that start further along are not counted, so the central
//! sections of some lines see more trains than their headway says (see docs/import.md).

use super::json::Found;
use super::line_file::SubwayLine;
use super::run_times::round;

/// Inner bounds of the service periods, minutes after midnight (first and last train close the
/// day).
const PERIOD_BOUNDS: [i32; 4] = [7 * 60, 9 * 60, 17 * 60, 19 * 60];

/// A service period of a line.
pub(super) struct Period {
    /// Start and end, minutes of the service day.
    pub start: i32,
    pub end: i32,
    /// Minutes between trains.
    pub headway_min: f64,
}

/// The service periods of a line whose forward direction starts at `first_stop`
/// (station, direction).
pub(super) fn periods(line: &SubwayLine, first_stop: (usize, usize)) -> Found<Vec<Period>> {
    let (first, d) = first_stop;
    let deps = line.departures(first, d)?.times;
    let (Some(&t0), Some(&t1)) = (deps.first(), deps.last()) else {
        return Err(line.problem(
            "timetable",
            format!("no departures at {}", line.stations[first].name),
        ));
    };
    let mut bounds = vec![t0 - t0 % 5];
    bounds.extend(
        PERIOD_BOUNDS
            .iter()
            .copied()
            .filter(|&b| b > t0 - t0 % 5 && b <= t1),
    );
    bounds.push(t1 - t1 % 5 + 5);
    let mut periods = Vec::new();
    for w in bounds.windows(2) {
        let count = deps.iter().filter(|&&t| t >= w[0] && t < w[1]).count();
        if count > 0 {
            periods.push(Period {
                start: w[0],
                end: w[1],
                headway_min: round(f64::from(w[1] - w[0]) / count as f64, 2),
            });
        }
    }
    Ok(periods)
}
