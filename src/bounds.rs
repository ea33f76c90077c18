//! One documented range for every number a user gives. The network files, the scenario
//! modifications and the scenario's parameter tables all check a quantity against the same
//! [`Bound`], so a value the files reject cannot slip in through a modification (a road at
//! 10^12 km/h, a demand scaled by 10^300), nor the other way round. `docs/formats.md` ("Bounds")
//! lists them with the columns and fields they apply to; a test keeps the two in step.
//!
//! The ranges are generous: far beyond any real figure of the region, yet far inside what the
//! model's arithmetic carries (times are whole seconds up to 7 days, flows are `f64`).

use crate::time::{Seconds, minutes_to_seconds};

/// How a value outside its range is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A figure of the network or of a change to it (a speed, a capacity): "expected a positive
    /// number, got -3", "1e12 is implausibly large for a road speed (at most 200 km/h)".
    Figure,
    /// A model parameter, or a value bounded by definition (a share, a coordinate):
    /// "2 is out of range (0 to 1)".
    Range,
}

/// The range of one quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// What the quantity is, as named in messages and in the documentation's table.
    pub quantity: &'static str,
    /// Unit (empty when none).
    pub unit: &'static str,
    /// Smallest value allowed (see `min_excluded`).
    pub min: f64,
    /// Whether `min` itself is excluded (a road must be longer than 0 km).
    pub min_excluded: bool,
    /// Largest value allowed.
    pub max: f64,
    /// Whether only whole numbers are allowed.
    pub whole: bool,
    /// How violations are worded.
    pub style: Style,
}

const fn figure(quantity: &'static str, unit: &'static str, min: f64, max: f64) -> Bound {
    Bound {
        quantity,
        unit,
        min,
        min_excluded: false,
        max,
        whole: false,
        style: Style::Figure,
    }
}

const fn positive(quantity: &'static str, unit: &'static str, max: f64) -> Bound {
    Bound {
        min_excluded: true,
        ..figure(quantity, unit, 0.0, max)
    }
}

const fn whole(quantity: &'static str, unit: &'static str, min: f64, max: f64) -> Bound {
    Bound {
        whole: true,
        ..figure(quantity, unit, min, max)
    }
}

const fn range(quantity: &'static str, unit: &'static str, min: f64, max: f64) -> Bound {
    Bound {
        style: Style::Range,
        ..figure(quantity, unit, min, max)
    }
}

const fn whole_range(quantity: &'static str, unit: &'static str, min: f64, max: f64) -> Bound {
    Bound {
        whole: true,
        ..range(quantity, unit, min, max)
    }
}

// --- Figures of the network (files and modifications) ---

/// Longitude, degrees WGS84.
pub const LONGITUDE: Bound = range("longitude", "degrees", -180.0, 180.0);
/// Latitude, degrees WGS84.
pub const LATITUDE: Bound = range("latitude", "degrees", -90.0, 90.0);
/// Length of a road link, km.
pub const ROAD_LENGTH_KM: Bound = positive("road length", "km", 1_000.0);
/// Free-flow speed of a road link, km/h.
pub const ROAD_SPEED_KMH: Bound = figure("road speed", "km/h", 1.0, 200.0);
/// Capacity of a road link per direction, vehicles/h.
pub const ROAD_CAPACITY_VPH: Bound = figure("road capacity", "vehicles/h", 1.0, 100_000.0);
/// Lanes of a road link per direction.
pub const ROAD_LANES: Bound = whole("lane count", "lanes", 1.0, 20.0);
/// Toll of one traversal of a road link, yuan.
pub const TOLL_YUAN: Bound = figure("road toll", "yuan", 0.0, 1_000.0);
/// Checkpoint delay of a road link, minutes.
pub const CHECKPOINT_MIN: Bound = figure("checkpoint delay", "minutes", 0.0, 600.0);
/// Time of a walk link, minutes.
pub const WALK_MIN: Bound = figure("walk time", "minutes", 0.0, 300.0);
/// Time of a transfer between stations, or of a change of lines inside one, minutes.
pub const TRANSFER_MIN: Bound = figure("transfer time", "minutes", 0.0, 120.0);
/// Time of a zone's access link, minutes.
pub const ACCESS_MIN: Bound = figure("access time", "minutes", 0.0, 600.0);
/// Time before boarding at a station of a mode, minutes.
pub const PROCESSING_MIN: Bound = figure("station processing time", "minutes", 0.0, 120.0);
/// Longest expected wait for a scheduled departure, minutes.
pub const SCHEDULED_WAIT_MIN: Bound = figure("scheduled wait", "minutes", 0.0, 120.0);
/// Standees at crush load over a line's rated standees, by mode (network.toml `crush_standing`).
pub const CRUSH_STANDING: Bound = figure("crush standing factor", "", 1.0, 3.0);
/// Passengers per vehicle of a line.
pub const LINE_CAPACITY: Bound = whole("vehicle capacity", "passengers", 1.0, 10_000.0);
/// Seats per vehicle of a line (also at most the line's capacity, checked where both are known).
pub const LINE_SEATS: Bound = whole("vehicle seats", "seats", 1.0, 10_000.0);
/// A fare or a fare band's amount, yuan.
pub const FARE_YUAN: Bound = figure("fare", "yuan", 0.0, 1_000.0);
/// A fare per in-vehicle km, yuan/km.
pub const FARE_PER_KM_YUAN: Bound = figure("fare per km", "yuan/km", 0.0, 10.0);
/// The upper end of a fare band, km.
pub const FARE_BAND_KM: Bound = positive("fare band distance", "km", 5_000.0);
/// Run time from the previous stop, minutes.
pub const RUN_MIN: Bound = figure("run time", "minutes", 0.0, 1_440.0);
/// Dwell time at a stop, minutes.
pub const DWELL_MIN: Bound = figure("dwell time", "minutes", 0.0, 120.0);
/// Distance from the previous stop, km.
pub const STOP_DISTANCE_KM: Bound = figure("distance between stops", "km", 0.0, 2_000.0);
/// Headway of a service period, minutes.
pub const HEADWAY_MIN: Bound = figure("headway", "minutes", 0.5, 1_440.0);
/// Residents or jobs of a zone, and commuters of a zone pair, persons.
pub const PERSONS: Bound = figure("number of persons", "persons", 0.0, 1e9);
/// Built-up area of a zone, where its residents live and its jobs are, km².
pub const ZONE_AREA_KM2: Bound = positive("zone area", "km²", 100_000.0);
/// Share of a zone's households with a car.
pub const CAR_SHARE: Bound = range("car share", "", 0.0, 1.0);
/// Factor on a line's run times (`adjust-speed`).
pub const RUN_TIME_FACTOR: Bound = figure("run-time factor", "", 0.1, 10.0);
/// Factor on commuter demand (`scale-demand`), also of all factors on one zone pair together.
pub const DEMAND_FACTOR: Bound = figure("demand factor", "", 0.0, 100.0);

// --- Model parameters of the scenario file ---

/// `[demand] commute_rate`: commuters per resident.
pub const COMMUTE_RATE: Bound = range("commute rate", "per resident", 0.0, 1.0);
/// `[demand] beta_per_min`: gravity deterrence.
pub const BETA_PER_MIN: Bound = range("gravity deterrence", "per minute", 0.0, 1.0);
/// `[demand] intrazonal_min`: a commute within a zone.
pub const INTRAZONAL_MIN: Bound = range("intrazonal commute", "minutes", 0.0, 600.0);
/// `[demand] intrazonal_kmh`: door-to-door speed of a commute within a zone.
pub const INTRAZONAL_KMH: Bound = range("intrazonal door-to-door speed", "km/h", 2.0, 60.0);
/// `[demand] border_min`: destination choice's cost of a job in another province.
pub const BORDER_MIN: Bound = range("border cost", "generalised minutes", 0.0, 300.0);
/// `[car_restrictions]` `outside_car_share` and `local_car_share`.
pub const CAR_AVAILABLE_SHARE: Bound = range("share of mornings a car may be driven", "", 0.0, 1.0);
/// `[demand] max_commute_min`: the longest commute anyone makes.
pub const MAX_COMMUTE_MIN: Bound = range("longest commute", "minutes", 10.0, 600.0);
/// `[demand] departure_profile` weights.
pub const PROFILE_WEIGHT: Bound = range("departure weight", "", 0.0, 1e6);
/// `[choice] scale_per_min`: logit scale.
pub const LOGIT_SCALE: Bound = range("logit scale", "per minute", 0.0, 100.0);
/// `[choice] minutes_per_yuan`: value of time.
pub const MINUTES_PER_YUAN: Bound = range("value of time", "minutes/yuan", 0.0, 100.0);
/// `[choice]` alternative-specific constants.
pub const MODE_CONSTANT_MIN: Bound = range("mode constant", "minutes", -600.0, 600.0);
/// `[choice] car_cost_yuan_per_km`.
pub const CAR_COST_YUAN_PER_KM: Bound = range("car running cost", "yuan/km", 0.0, 100.0);
/// `[choice] wait_walk_weight`.
pub const WAIT_WALK_WEIGHT: Bound = range("wait and walk weight", "", 0.0, 10.0);
/// `[choice] transfer_penalty_min`.
pub const TRANSFER_PENALTY_MIN: Bound = range("transfer penalty", "minutes", 0.0, 120.0);
/// `[choice] walk_kmh`.
pub const WALK_KMH: Bound = range("walking speed", "km/h", 1.0, 10.0);
/// `[choice] cycle_kmh`.
pub const CYCLE_KMH: Bound = range("cycling speed", "km/h", 3.0, 40.0);
/// `[choice] max_walk_km` and `max_cycle_km`.
pub const STREET_KM: Bound = range("longest distance walked or cycled", "km", 0.0, 200.0);
/// `[choice] taxi_wait_min`.
pub const TAXI_WAIT_MIN: Bound = range("taxi wait", "minutes", 0.0, 120.0);
/// `[choice] taxi_flag_yuan`.
pub const TAXI_YUAN: Bound = range("taxi flag fall", "yuan", 0.0, 1_000.0);
/// `[choice] taxi_flag_km` and `taxi_far_km`.
pub const TAXI_KM: Bound = range("taxi fare distance", "km", 0.0, 1_000.0);
/// `[choice] taxi_yuan_per_km` and `taxi_far_yuan_per_km`.
pub const TAXI_YUAN_PER_KM: Bound = range("taxi fare per km", "yuan/km", 0.0, 100.0);
/// `[delays]` mean delays.
pub const DELAY_MIN: Bound = range("mean delay", "minutes", 0.0, 120.0);
/// `[delays]` `on_time` probabilities.
pub const ON_TIME: Bound = range("on-time probability", "", 0.0, 1.0);
/// `[roads]` standard deviations of log factors.
pub const LOG_SD: Bound = range("log-factor standard deviation", "", 0.0, 2.0);
/// `[congestion] peak_hour_share`.
pub const PEAK_HOUR_SHARE: Bound = range("peak-hour share", "", 0.01, 1.0);
/// `[congestion] occupancy`.
pub const OCCUPANCY: Bound = range("car occupancy", "commuters/car", 1.0, 10.0);
/// `[congestion] capacity_factor`.
pub const CAPACITY_FACTOR: Bound = range("capacity factor", "", 0.1, 20.0);
/// `[congestion] background_vc` and `background_vc_by_class`.
pub const BACKGROUND_VC: Bound = range("background traffic", "share of capacity", 0.0, 3.0);
/// `[congestion] bus_pcu`.
pub const BUS_PCU: Bound = range("bus passenger-car units", "pcu", 0.0, 10.0);
/// `[congestion] bpr_alpha` and `bpr_beta`.
pub const BPR_PARAMETER: Bound = range("BPR parameter", "", 0.0, 10.0);
/// `[congestion] conical_alpha`.
pub const CONICAL_ALPHA: Bound = range("conical steepness", "", 1.01, 50.0);
/// `[equilibrium] max_rounds`.
pub const MAX_ROUNDS: Bound = whole_range("supply-demand rounds", "", 1.0, 200.0);
/// `[equilibrium] tolerance`.
pub const TOLERANCE: Bound = range("convergence tolerance", "", 0.0, 1.0);
/// `[congestion] assignment_gap`.
pub const ASSIGNMENT_GAP: Bound = range("assignment gap", "", 1e-12, 0.1);
/// `[equilibrium] draws`.
pub const ROUND_DRAWS: Bound = whole_range("draws per round", "", 1.0, 1_000.0);
/// `[crowding] curve`, a point's load factor.
pub const CROWDING_LOAD_FACTOR: Bound = range("load factor", "passengers per seat", 0.0, 50.0);
/// `[crowding] curve`, a point's multiplier.
pub const CROWDING_MULTIPLIER: Bound = range("crowding multiplier", "", 1.0, 10.0);

/// Every bound, in the order of the documentation's table.
pub const ALL: &[&Bound] = &[
    &LONGITUDE,
    &LATITUDE,
    &ROAD_LENGTH_KM,
    &ROAD_SPEED_KMH,
    &ROAD_CAPACITY_VPH,
    &ROAD_LANES,
    &TOLL_YUAN,
    &CHECKPOINT_MIN,
    &WALK_MIN,
    &TRANSFER_MIN,
    &ACCESS_MIN,
    &PROCESSING_MIN,
    &SCHEDULED_WAIT_MIN,
    &CRUSH_STANDING,
    &LINE_CAPACITY,
    &LINE_SEATS,
    &FARE_YUAN,
    &FARE_PER_KM_YUAN,
    &FARE_BAND_KM,
    &RUN_MIN,
    &DWELL_MIN,
    &STOP_DISTANCE_KM,
    &HEADWAY_MIN,
    &PERSONS,
    &ZONE_AREA_KM2,
    &CAR_SHARE,
    &RUN_TIME_FACTOR,
    &DEMAND_FACTOR,
    &COMMUTE_RATE,
    &BETA_PER_MIN,
    &INTRAZONAL_MIN,
    &INTRAZONAL_KMH,
    &BORDER_MIN,
    &CAR_AVAILABLE_SHARE,
    &MAX_COMMUTE_MIN,
    &PROFILE_WEIGHT,
    &LOGIT_SCALE,
    &MINUTES_PER_YUAN,
    &MODE_CONSTANT_MIN,
    &CAR_COST_YUAN_PER_KM,
    &WAIT_WALK_WEIGHT,
    &TRANSFER_PENALTY_MIN,
    &WALK_KMH,
    &CYCLE_KMH,
    &STREET_KM,
    &TAXI_WAIT_MIN,
    &TAXI_YUAN,
    &TAXI_KM,
    &TAXI_YUAN_PER_KM,
    &DELAY_MIN,
    &ON_TIME,
    &LOG_SD,
    &PEAK_HOUR_SHARE,
    &OCCUPANCY,
    &CAPACITY_FACTOR,
    &BACKGROUND_VC,
    &BUS_PCU,
    &BPR_PARAMETER,
    &CONICAL_ALPHA,
    &ASSIGNMENT_GAP,
    &MAX_ROUNDS,
    &TOLERANCE,
    &ROUND_DRAWS,
    &CROWDING_LOAD_FACTOR,
    &CROWDING_MULTIPLIER,
];

impl Bound {
    /// Whether `value` is finite and in range.
    pub fn contains(&self, value: f64) -> bool {
        value.is_finite()
            && (value > self.min || value == self.min && !self.min_excluded)
            && value <= self.max
            && (!self.whole || value.fract() == 0.0)
    }

    /// `value` when it is in range, otherwise what is wrong (naming `value` as Rust prints it).
    pub fn check(&self, value: f64) -> Result<f64, String> {
        self.check_shown(value, &number(value))
    }

    /// `value` when it is in range, otherwise what is wrong, naming the value as `shown` (e.g.
    /// the text of a CSV cell, quoted).
    pub fn check_shown(&self, value: f64, shown: &str) -> Result<f64, String> {
        if self.contains(value) {
            return Ok(value);
        }
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        Err(match self.style {
            Style::Range => format!("{shown} is out of range ({})", self.range_text()),
            Style::Figure if !value.is_finite() => format!("expected a number, got {shown}"),
            Style::Figure if self.whole && value.fract() != 0.0 => {
                format!("expected a whole number, got {shown}")
            }
            Style::Figure if self.min == 0.0 && !self.min_excluded && value < 0.0 => {
                format!("expected a non-negative number, got {shown}")
            }
            Style::Figure if self.min >= 0.0 && value <= 0.0 => {
                format!("expected a positive number, got {shown}")
            }
            Style::Figure if value > self.max => format!(
                "{shown} is implausibly large for a {} (at most {}{unit})",
                self.quantity,
                number(self.max)
            ),
            Style::Figure => format!(
                "{shown} is implausibly small for a {} (at least {}{unit})",
                self.quantity,
                number(self.min)
            ),
        })
    }

    /// A whole number in range (a count read as an integer).
    pub fn check_count(&self, value: u64) -> Result<u64, String> {
        self.check(value as f64).map(|_| value)
    }

    /// A number of minutes in range, as whole seconds.
    pub fn check_minutes(&self, minutes: f64) -> Result<Seconds, String> {
        self.check(minutes)
            .and_then(|m| minutes_to_seconds(m).map_err(String::from))
    }

    /// The range as the documentation and the messages write it: `1 to 200`, `more than 0, at
    /// most 1000`.
    pub fn range_text(&self) -> String {
        if self.min_excluded {
            format!(
                "more than {}, at most {}",
                number(self.min),
                number(self.max)
            )
        } else {
            format!("{} to {}", number(self.min), number(self.max))
        }
    }
}

/// A number as messages show it: Rust's shortest form, tiny magnitudes in exponent form.
fn number(value: f64) -> String {
    if value != 0.0 && value.abs() < 1e-3 || value.abs() >= 1e7 {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_at_the_ends_are_in_range_and_beyond_are_not() {
        for b in ALL {
            assert!(b.min < b.max, "{}", b.quantity);
            assert!(b.check(b.max).is_ok(), "{}", b.quantity);
            assert_eq!(b.check(b.min).is_ok(), !b.min_excluded, "{}", b.quantity);
            let above = b.max + b.max.abs().max(1.0);
            assert!(b.check(above).is_err(), "{}", b.quantity);
            let below = b.min - b.min.abs().max(1.0);
            assert!(b.check(below).is_err(), "{}", b.quantity);
            for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300] {
                assert!(b.check(v).is_err(), "{} {v}", b.quantity);
            }
        }
    }

    #[test]
    fn messages_name_the_value_and_the_limit() {
        assert_eq!(
            ROAD_SPEED_KMH.check(1e12).unwrap_err(),
            "1e12 is implausibly large for a road speed (at most 200 km/h)"
        );
        assert_eq!(
            RUN_TIME_FACTOR.check(1e-12).unwrap_err(),
            "1e-12 is implausibly small for a run-time factor (at least 0.1)"
        );
        assert_eq!(
            ROAD_SPEED_KMH.check_shown(-30.0, "`-30`").unwrap_err(),
            "expected a positive number, got `-30`"
        );
        assert_eq!(
            DEMAND_FACTOR.check(-1.0).unwrap_err(),
            "expected a non-negative number, got -1"
        );
        assert_eq!(
            ROAD_LANES.check(2.5).unwrap_err(),
            "expected a whole number, got 2.5"
        );
        assert_eq!(
            CAR_SHARE.check(1.5).unwrap_err(),
            "1.5 is out of range (0 to 1)"
        );
        assert_eq!(
            ASSIGNMENT_GAP.check(0.0).unwrap_err(),
            "0 is out of range (1e-12 to 0.1)"
        );
        assert_eq!(HEADWAY_MIN.check_minutes(2.5), Ok(150));
        assert!(RUN_MIN.check_minutes(1441.0).is_err());
    }

    #[test]
    fn every_time_bound_fits_the_seven_day_limit() {
        for b in [
            CHECKPOINT_MIN,
            WALK_MIN,
            TRANSFER_MIN,
            ACCESS_MIN,
            PROCESSING_MIN,
            SCHEDULED_WAIT_MIN,
            RUN_MIN,
            DWELL_MIN,
            HEADWAY_MIN,
        ] {
            assert!(b.check_minutes(b.max).is_ok(), "{}", b.quantity);
        }
    }

    /// The table in `docs/formats.md` lists every bound with the range the code enforces.
    #[test]
    fn the_documented_table_matches_the_code() {
        let doc = include_str!("../docs/formats.md");
        let section: Vec<&str> = doc
            .lines()
            .skip_while(|l| !l.starts_with("## Bounds"))
            .skip(1)
            .take_while(|l| !l.starts_with("## "))
            .collect();
        for b in ALL {
            let whole = if b.whole { "whole, " } else { "" };
            let row = format!(
                "| {} | {whole}{} | {} |",
                b.quantity,
                b.range_text(),
                b.unit
            );
            assert!(
                section.iter().any(|l| l.starts_with(&row)),
                "the Bounds section of docs/formats.md lacks a row starting `{row}`"
            );
        }
        let rows = section
            .iter()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| quantity"))
            .count();
        assert_eq!(rows, ALL.len(), "one row per bound in docs/formats.md");
    }
}
