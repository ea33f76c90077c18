//! Transit crowding: how full the vehicles are, and what that costs their riders.
//!
//! Loads are kept per line segment (between two consecutive stops of a line direction) and hour
//! of the day in which the vehicle leaves the segment's first stop: passengers and vehicles,
//! summed over the trips and draws of a simulation, so that their ratio is the mean load of a
//! vehicle there ([`SegmentLoads`]). An hour is coarse enough to be stable between mornings
//! (trips move with their drawn phase) and fine enough to tell the peak from its shoulders.
//!
//! The mean load over the vehicle's seats, the *load factor*, sets a multiplier on the minutes
//! aboard through a published curve (the scenario's `[crowding]` curve, by default the UK DfT
//! seated and standing values averaged over all riders: docs/model.md). A ride's crowding cost
//! ([`CrowdingCosts::ride_min`]) is the running minutes of every segment it rides times that
//! segment's multiplier less one, in the hour its vehicle passes there; the choice model adds it
//! to the minutes aboard ([`super::choice::Journey::crowding_min`]).

use crate::network::{LineId, Network};
use crate::routing::{Ride, Timetable};
use crate::time::Seconds;

/// Hour bins of [`SegmentLoads`]: 00:00 to 30:00 (trips running past midnight in the last).
pub const HOURS: usize = 30;

/// The hour bin of clock time `t` (seconds since midnight).
fn hour_of(t: Seconds) -> usize {
    ((t / 3600) as usize).min(HOURS - 1)
}

/// The multiplier on minutes aboard at `load_factor` (passengers per seat): piecewise linear
/// through the points `curve` (load factor, multiplier; ascending load factors), flat before the
/// first and after the last; 1 without points.
pub fn multiplier(curve: &[(f64, f64)], load_factor: f64) -> f64 {
    let Some(&(x0, y0)) = curve.first() else {
        return 1.0;
    };
    if load_factor <= x0 {
        return y0;
    }
    for pair in curve.windows(2) {
        let ((xa, ya), (xb, yb)) = (pair[0], pair[1]);
        if load_factor <= xb {
            return if xb > xa {
                ya + (yb - ya) * (load_factor - xa) / (xb - xa)
            } else {
                yb
            };
        }
    }
    curve.last().map_or(1.0, |&(_, y)| y)
}

/// The loads of one line direction (a timetable pattern) by segment and hour.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternLoads {
    /// The line.
    pub line: LineId,
    /// Its stop nodes in travel order (node indices): segment `s` runs from stop `s` to `s + 1`.
    pub stops: Vec<u32>,
    /// Passengers aboard on segment `s` in hour `h`, summed over vehicles (and draws), at
    /// `s * HOURS + h`.
    pub passengers: Vec<f64>,
    /// Vehicles running segment `s` in hour `h` (summed over draws), likewise.
    pub vehicles: Vec<f64>,
}

impl PatternLoads {
    /// Segments of the pattern.
    pub fn segments(&self) -> usize {
        self.stops.len().saturating_sub(1)
    }
}

/// Loads on every line segment by hour, for the patterns of the transit timetable followed by
/// those of the custom-bus timetable (the order of a morning's timetables, the same every draw).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentLoads {
    /// Per pattern.
    pub patterns: Vec<PatternLoads>,
}

impl SegmentLoads {
    /// No load on the patterns of `timetables`, in that order.
    pub fn new(timetables: &[&Timetable]) -> Self {
        let patterns = timetables
            .iter()
            .flat_map(|tt| {
                (0..tt.pattern_count()).map(|p| {
                    let stops = tt.pattern_stops(p).to_vec();
                    let bins = stops.len().saturating_sub(1) * HOURS;
                    PatternLoads {
                        line: tt.pattern_line(p),
                        stops,
                        passengers: vec![0.0; bins],
                        vehicles: vec![0.0; bins],
                    }
                })
            })
            .collect();
        SegmentLoads { patterns }
    }

    /// Adds trip `trip` of pattern `p` of `tt` (pattern `offset + p` here) carrying
    /// `loads[s]` passengers on its segment `s`.
    pub fn add_trip(
        &mut self,
        offset: usize,
        tt: &Timetable,
        p: usize,
        trip: usize,
        loads: &[f64],
    ) {
        let pattern = &mut self.patterns[offset + p];
        for (s, &load) in loads.iter().enumerate() {
            let bin = s * HOURS + hour_of(tt.leaves_stop(p, trip, s));
            pattern.passengers[bin] += load;
            pattern.vehicles[bin] += 1.0;
        }
    }

    /// Moves the passengers and vehicles a `step` (0 to 1) of the way towards `other`'s (the
    /// averaging of the supply-demand loop; vehicles move between hours when congestion slows
    /// the buses).
    pub fn average_towards(&mut self, other: &SegmentLoads, step: f64) {
        for (mine, theirs) in self.patterns.iter_mut().zip(&other.patterns) {
            let pairs = [
                (&mut mine.passengers, &theirs.passengers),
                (&mut mine.vehicles, &theirs.vehicles),
            ];
            for (values, towards) in pairs {
                for (a, b) in values.iter_mut().zip(towards) {
                    *a += step * (b - *a);
                }
            }
        }
    }

    /// Passengers over every segment and hour: `sum |mean of others - self|` over `sum self`
    /// (0 when both are empty).
    pub fn relative_change(&self, others: &[&SegmentLoads]) -> f64 {
        let (mut change, mut total) = (0.0, 0.0);
        let n = others.len().max(1) as f64;
        for (p, mine) in self.patterns.iter().enumerate() {
            for (bin, a) in mine.passengers.iter().enumerate() {
                let mean = others
                    .iter()
                    .map(|o| o.patterns[p].passengers[bin])
                    .sum::<f64>()
                    / n;
                change += (mean - a).abs();
                total += a;
            }
        }
        if total > 0.0 { change / total } else { 0.0 }
    }
}

/// The crowding of every segment and hour as a cost: the multiplier less one, from mean loads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CrowdingCosts {
    /// Per pattern (as in [`SegmentLoads`]), per `s * HOURS + h`: multiplier - 1. Empty: none.
    extra: Vec<Vec<f64>>,
}

impl CrowdingCosts {
    /// The costs of `loads` on the vehicles of `net` under `curve` ([`multiplier`]).
    pub fn of(net: &Network, loads: &SegmentLoads, curve: &[(f64, f64)]) -> Self {
        let extra = loads
            .patterns
            .iter()
            .map(|p| {
                let seats = f64::from(seats(net, p.line));
                p.passengers
                    .iter()
                    .zip(&p.vehicles)
                    .map(|(&n, &v)| {
                        if v > 0.0 {
                            multiplier(curve, n / v / seats) - 1.0
                        } else {
                            0.0
                        }
                    })
                    .collect()
            })
            .collect();
        CrowdingCosts { extra }
    }

    /// The minutes crowding adds to `ride` on pattern `ride.pattern` of `tt`, pattern
    /// `offset + ride.pattern` here: per segment ridden, its running minutes times the
    /// multiplier less one in the hour the vehicle leaves its first stop.
    pub fn ride_min(&self, offset: usize, tt: &Timetable, ride: &Ride) -> f64 {
        let Some(extra) = self.extra.get(offset + ride.pattern as usize) else {
            return 0.0;
        };
        let (p, trip) = (ride.pattern as usize, ride.trip as usize);
        (ride.board as usize..ride.alight as usize)
            .map(|s| {
                let bin = s * HOURS + hour_of(tt.leaves_stop(p, trip, s));
                f64::from(tt.segment_s(p, s)) / 60.0 * extra[bin]
            })
            .sum()
    }
}

/// Seats per vehicle of line `line` (at least 1).
fn seats(net: &Network, line: LineId) -> u32 {
    net.line(line).seats.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_is_interpolated_and_flat_outside() {
        let curve = [(0.8, 1.0), (1.0, 1.08), (2.0, 2.1)];
        assert_eq!(multiplier(&curve, 0.0), 1.0);
        assert_eq!(multiplier(&curve, 0.8), 1.0);
        assert!((multiplier(&curve, 0.9) - 1.04).abs() < 1e-12);
        assert!((multiplier(&curve, 1.5) - 1.59).abs() < 1e-12);
        assert_eq!(multiplier(&curve, 9.0), 2.1);
        assert_eq!(multiplier(&[], 3.0), 1.0);
    }

    #[test]
    fn hours_bin_clock_times() {
        assert_eq!(hour_of(7 * 3600 + 3599), 7);
        assert_eq!(hour_of(8 * 3600), 8);
        assert_eq!(hour_of(40 * 3600), HOURS - 1);
    }
}
