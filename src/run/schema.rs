//! The rows of a run's CSV files: one type per file and form, deriving `Serialize` (the writer)
//! and `Deserialize` (the run-folder reader), whose field names are the file's columns (see
//! [`crate::io::columns`]): a column is added in one place. Numbers are held as the file shows
//! them ([`Fixed`]: already rounded to the file's decimals), so a run made in memory and the
//! same run read back from its folder are equal, and comparisons and reports computed from
//! either give the same bytes.

use crate::network::Mode;
use crate::routing::TravelMode;
use crate::sim::choice::{ALTERNATIVES, Alternative};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Accessibility thresholds of `zones.csv`, minutes (its `*_within_{t}min*` columns).
pub const ACCESS_THRESHOLDS_MIN: [u32; 5] = [30, 45, 60, 90, 120];

/// `x` with `decimals` decimals, never a negative zero (`-0.0000` from rounding or an empty sum).
pub fn fixed(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => text,
    }
}

/// A number written with `N` decimals (by [`fixed`]). [`Fixed::new`] rounds to what the file
/// shows; a value read from a file is kept as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed<const N: usize>(f64);

impl<const N: usize> Fixed<N> {
    /// `x` rounded to `N` decimals, as the file shows it.
    pub fn new(x: f64) -> Self {
        Fixed(fixed(x, N).parse().unwrap_or(x))
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl<const N: usize> std::fmt::Display for Fixed<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&fixed(self.0, N))
    }
}

impl<const N: usize> Serialize for Fixed<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, const N: usize> Deserialize<'de> for Fixed<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        f64::deserialize(deserializer).map(Fixed)
    }
}

/// An optional [`Fixed`] as a plain number (empty cells stay `None`).
pub fn value<const N: usize>(x: Option<Fixed<N>>) -> Option<f64> {
    x.map(Fixed::get)
}

/// The mode of an `od.csv` row: an alternative, or `best`, the fastest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OdMode {
    /// Driving.
    Car,
    /// Rail, subway and bus.
    Transit,
    /// A custom commuter bus (Monte-Carlo runs, on pairs one serves).
    CustomBus,
    /// Walking (Monte-Carlo runs).
    Walk,
    /// Cycling (Monte-Carlo runs).
    Cycle,
    /// Taxi or ride-hailing (Monte-Carlo runs).
    Taxi,
    /// The fastest of car, transit and custom bus (in each sample, with draws).
    Best,
}

impl OdMode {
    /// All, in the order of `od.csv` and of [`DrawRow::mode_min`].
    pub const ALL: [OdMode; 7] = [
        OdMode::Car,
        OdMode::Transit,
        OdMode::CustomBus,
        OdMode::Walk,
        OdMode::Cycle,
        OdMode::Taxi,
        OdMode::Best,
    ];

    /// The alternative, or `Best` for none.
    pub fn of(alternative: Option<Alternative>) -> Self {
        match alternative {
            Some(Alternative::Car) => OdMode::Car,
            Some(Alternative::Transit) => OdMode::Transit,
            Some(Alternative::CustomBus) => OdMode::CustomBus,
            Some(Alternative::Walk) => OdMode::Walk,
            Some(Alternative::Cycle) => OdMode::Cycle,
            Some(Alternative::Taxi) => OdMode::Taxi,
            None => OdMode::Best,
        }
    }

    /// Its alternative (`None`: `Best`).
    pub fn alternative(self) -> Option<Alternative> {
        match self {
            OdMode::Car => Some(Alternative::Car),
            OdMode::Transit => Some(Alternative::Transit),
            OdMode::CustomBus => Some(Alternative::CustomBus),
            OdMode::Walk => Some(Alternative::Walk),
            OdMode::Cycle => Some(Alternative::Cycle),
            OdMode::Taxi => Some(Alternative::Taxi),
            OdMode::Best => None,
        }
    }

    /// A deterministic run's mode.
    pub fn of_travel(mode: TravelMode) -> Self {
        match mode {
            TravelMode::Car => OdMode::Car,
            TravelMode::Transit => OdMode::Transit,
        }
    }

    /// Its index in [`OdMode::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name in the files.
    pub fn as_str(self) -> &'static str {
        match self {
            OdMode::Car => "car",
            OdMode::Transit => "transit",
            OdMode::CustomBus => "custom_bus",
            OdMode::Walk => "walk",
            OdMode::Cycle => "cycle",
            OdMode::Taxi => "taxi",
            OdMode::Best => "best",
        }
    }
}

/// A share of commuters in `zones.csv` and `summary.json`: by an alternative, or unserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// By car.
    Car,
    /// By rail, subway and bus.
    Transit,
    /// By custom bus.
    CustomBus,
    /// Walking.
    Walk,
    /// Cycling.
    Cycle,
    /// By taxi or ride-hailing.
    Taxi,
    /// With no available mode.
    Unserved,
}

/// The number of [`Share`]s (the length of per-share arrays).
pub const SHARES: usize = 7;

impl Share {
    /// All, in the order of the files' columns and of per-share arrays.
    pub const ALL: [Share; SHARES] = [
        Share::Car,
        Share::Transit,
        Share::CustomBus,
        Share::Walk,
        Share::Cycle,
        Share::Taxi,
        Share::Unserved,
    ];

    /// The share of `alternative`.
    pub fn of(alternative: Alternative) -> Self {
        match alternative {
            Alternative::Car => Share::Car,
            Alternative::Transit => Share::Transit,
            Alternative::CustomBus => Share::CustomBus,
            Alternative::Walk => Share::Walk,
            Alternative::Cycle => Share::Cycle,
            Alternative::Taxi => Share::Taxi,
        }
    }

    /// The name in column names (`{name}_share`).
    pub fn as_str(self) -> &'static str {
        match self {
            Share::Car => "car",
            Share::Transit => "transit",
            Share::CustomBus => "custom_bus",
            Share::Walk => "walk",
            Share::Cycle => "cycle",
            Share::Taxi => "taxi",
            Share::Unserved => "unserved",
        }
    }
}

/// The direction a road link is driven in `links.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkDirection {
    /// As drawn, `from` to `to`.
    Forward,
    /// The reverse of a two-way road.
    Backward,
}

impl LinkDirection {
    /// The name in the files.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkDirection::Forward => "forward",
            LinkDirection::Backward => "backward",
        }
    }
}

/// A line's mode in `lines.csv`, by its network name.
mod line_mode {
    use crate::network::Mode;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(mode: &Mode, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(mode.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Mode, D::Error> {
        let name = String::deserialize(deserializer)?;
        Mode::parse(&name).ok_or_else(|| {
            let names: Vec<&str> = Mode::ALL.iter().map(|m| m.as_str()).collect();
            D::Error::custom(format!(
                "expected one of {}, got `{name}`",
                names.join(", ")
            ))
        })
    }
}

/// `od.csv` of a deterministic run: per ordered zone pair (origin != destination) and mode
/// (`car`, `transit`, `best`), the door-to-door trip; an unreachable pair has empty figures and
/// path `unreachable`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkimOdRow {
    /// Origin zone id.
    pub origin: String,
    /// Destination zone id.
    pub destination: String,
    /// `car`, `transit` or `best`.
    pub mode: OdMode,
    /// The mode of the trip (for `best`, the faster one); empty when unreachable.
    pub chosen_mode: Option<OdMode>,
    /// Door-to-door minutes.
    pub minutes: Option<Fixed<1>>,
    /// Distance, km.
    pub distance_km: Option<Fixed<2>>,
    /// Transfers between vehicles.
    pub transfers: Option<u32>,
    /// Money cost, yuan.
    pub cost_yuan: Option<Fixed<2>>,
    /// Lines (or named roads) used, joined with ` > `; `unreachable` when none.
    pub path: String,
}

/// `zones.csv` of a deterministic run: per zone, residents and jobs of all zones (itself
/// included) reachable within each threshold of [`ACCESS_THRESHOLDS_MIN`] by the best mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkimZoneRow {
    /// Zone id.
    pub zone: String,
    /// Zone name.
    pub name: String,
    /// Residents.
    pub residents: u64,
    /// Jobs.
    pub jobs: u64,
    /// Jobs within 30 minutes.
    pub jobs_within_30min: u64,
    /// Jobs within 45 minutes.
    pub jobs_within_45min: u64,
    /// Jobs within 60 minutes.
    pub jobs_within_60min: u64,
    /// Jobs within 90 minutes.
    pub jobs_within_90min: u64,
    /// Jobs within 120 minutes.
    pub jobs_within_120min: u64,
    /// Residents within 30 minutes.
    pub residents_within_30min: u64,
    /// Residents within 45 minutes.
    pub residents_within_45min: u64,
    /// Residents within 60 minutes.
    pub residents_within_60min: u64,
    /// Residents within 90 minutes.
    pub residents_within_90min: u64,
    /// Residents within 120 minutes.
    pub residents_within_120min: u64,
}

/// `od.csv` of a Monte-Carlo run: per ordered zone pair and alternative (`car`, `transit`,
/// `custom_bus` where one served the pair, and `best`: the fastest in each sample), the
/// commuters taking it and their share, then the distribution of its door-to-door minutes over
/// the samples, weighted by the departure profile. Percentiles count a missing route as
/// infinitely long (empty when one falls on it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OdRow {
    /// Origin zone id.
    pub origin: String,
    /// Destination zone id.
    pub destination: String,
    /// The alternative, or `best`.
    pub mode: OdMode,
    /// Commuters by it per morning (for `best`: all served).
    pub commuters: Fixed<1>,
    /// Their share of the pair's commuters.
    pub mode_share: Fixed<4>,
    /// Samples with weight (draws x departure minutes).
    pub samples: usize,
    /// Share of the samples with a route.
    pub reachable_share: Fixed<4>,
    /// Mean door-to-door minutes of the samples with a route.
    pub mean_min: Option<Fixed<1>>,
    /// 5th percentile minutes.
    pub p5_min: Option<Fixed<1>>,
    /// 25th percentile minutes.
    pub p25_min: Option<Fixed<1>>,
    /// Median minutes.
    pub p50_min: Option<Fixed<1>>,
    /// 75th percentile minutes.
    pub p75_min: Option<Fixed<1>>,
    /// 95th percentile minutes.
    pub p95_min: Option<Fixed<1>>,
    /// Share of the samples over 60 minutes (a missing route counts as over).
    pub share_over_60: Fixed<4>,
    /// Share over 120 minutes.
    pub share_over_120: Fixed<4>,
}

/// `zones.csv` of a Monte-Carlo run: per origin zone, its province, its commuters to other
/// zones, their mean commute (minutes and km) and shares by alternative (empty without
/// commuters), its commuters working in the zone and their commute, its continuous accessibility
/// (jobs weighted by a decay of travel time), and the jobs reachable within each threshold of
/// [`ACCESS_THRESHOLDS_MIN`] at the median (p50) and at the 80th percentile (p80) of the fastest
/// alternative's time: reachable in half, or in four mornings out of five.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneRow {
    /// Zone id.
    pub zone: String,
    /// Zone name.
    pub name: String,
    /// Province or province-level city (empty when the network does not say).
    pub province: String,
    /// Residents.
    pub residents: u64,
    /// Jobs.
    pub jobs: u64,
    /// Commuters to other zones per morning.
    pub commuters: Fixed<1>,
    /// Their mean commute, minutes (empty when none is served).
    pub mean_commute_min: Option<Fixed<1>>,
    /// Their mean route distance, km (empty when none is served).
    pub mean_commute_km: Option<Fixed<1>>,
    /// Share by car.
    pub car_share: Option<Fixed<4>>,
    /// Share by rail, subway and bus.
    pub transit_share: Option<Fixed<4>>,
    /// Share by custom bus.
    pub custom_bus_share: Option<Fixed<4>>,
    /// Share walking.
    pub walk_share: Option<Fixed<4>>,
    /// Share cycling.
    pub cycle_share: Option<Fixed<4>>,
    /// Share by taxi or ride-hailing.
    pub taxi_share: Option<Fixed<4>>,
    /// Share with no available mode.
    pub unserved_share: Option<Fixed<4>>,
    /// Commuters working in the zone, counted, not routed.
    pub own_zone_commuters: Fixed<1>,
    /// Their mean door-to-door minutes: from the zone's area, or `[demand] intrazonal_min`.
    pub own_zone_min: Fixed<1>,
    /// Their mean route distance, km (empty when the zone has no area).
    pub own_zone_km: Option<Fixed<1>>,
    /// Their share walking (empty when the zone has no area); the rest of those not walking or
    /// cycling go by a motorised mode.
    pub own_zone_walk_share: Option<Fixed<4>>,
    /// Their share cycling (empty when the zone has no area).
    pub own_zone_cycle_share: Option<Fixed<4>>,
    /// Continuous accessibility, jobs-equivalent: the jobs of every zone (itself included)
    /// weighted by `exp(-decay x minutes)` of the fastest alternative, averaged over the
    /// departures and the draws (`decay` and a zone's own minutes: summary.json
    /// `accessibility`; docs/model.md). Unlike the counts within a threshold it moves smoothly
    /// with every minute gained or lost.
    pub access_jobs: Fixed<1>,
    /// The same by public transport (the faster of transit and custom bus).
    pub access_jobs_pt: Fixed<1>,
    /// Jobs within 30 minutes at the median.
    pub jobs_within_30min_p50: u64,
    /// Jobs within 45 minutes at the median.
    pub jobs_within_45min_p50: u64,
    /// Jobs within 60 minutes at the median.
    pub jobs_within_60min_p50: u64,
    /// Jobs within 90 minutes at the median.
    pub jobs_within_90min_p50: u64,
    /// Jobs within 120 minutes at the median.
    pub jobs_within_120min_p50: u64,
    /// Jobs within 30 minutes at the 80th percentile.
    pub jobs_within_30min_p80: u64,
    /// Jobs within 45 minutes at the 80th percentile.
    pub jobs_within_45min_p80: u64,
    /// Jobs within 60 minutes at the 80th percentile.
    pub jobs_within_60min_p80: u64,
    /// Jobs within 90 minutes at the 80th percentile.
    pub jobs_within_90min_p80: u64,
    /// Jobs within 120 minutes at the 80th percentile.
    pub jobs_within_120min_p80: u64,
}

impl ZoneRow {
    /// The shares in the order of [`Share::ALL`], an empty one as 0.
    pub fn shares(&self) -> [f64; SHARES] {
        [
            self.car_share,
            self.transit_share,
            self.custom_bus_share,
            self.walk_share,
            self.cycle_share,
            self.taxi_share,
            self.unserved_share,
        ]
        .map(|s| value(s).unwrap_or(0.0))
    }
}

/// `lines.csv` of a Monte-Carlo run: per line, the modelled commuters' boardings and
/// passenger-km per morning, the highest load between two stops on any trip (mean over the
/// mornings and the highest of any), places per vehicle and the load factor (mean peak load
/// over places), and the commuters turned away for want of a seat (custom buses) per morning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineRow {
    /// Line id.
    pub line: String,
    /// Line name.
    pub name: String,
    /// Mode.
    #[serde(with = "line_mode")]
    pub mode: Mode,
    /// Boardings per morning.
    pub boardings: Fixed<1>,
    /// Passenger-km per morning.
    pub passenger_km: Fixed<0>,
    /// Seats per vehicle.
    pub seats: u32,
    /// Passengers per vehicle, seated and standing.
    pub vehicle_capacity: u32,
    /// Mean over the mornings of the highest load between two stops.
    pub peak_load: Fixed<1>,
    /// The highest load of any morning.
    pub max_peak_load: Fixed<1>,
    /// `peak_load / vehicle_capacity`: at most 1, riders beyond are turned away.
    pub load_factor: Fixed<3>,
    /// The busiest segment and hour (highest mean load per vehicle): its first stop's node id
    /// (empty when nobody rode the line).
    pub busiest_from: String,
    /// Its last stop's node id.
    pub busiest_to: String,
    /// The hour the vehicles leave `busiest_from`, `HH:MM`.
    pub busiest_hour: String,
    /// Vehicles on that segment in that hour (mean over the mornings).
    pub busiest_vehicles: Option<Fixed<1>>,
    /// Their capacity: vehicles times `vehicle_capacity`, passengers per hour.
    pub busiest_capacity: Option<Fixed<0>>,
    /// Mean load of a vehicle there.
    pub busiest_load: Option<Fixed<1>>,
    /// That load per seat (above 1: riders standing).
    pub busiest_load_factor: Option<Fixed<3>>,
    /// The crowding multiplier on minutes aboard there (empty with crowding off).
    pub crowding_multiplier: Option<Fixed<3>>,
    /// Commuters turned away from full vehicles per morning.
    pub denied_boardings: Fixed<1>,
}

/// `draws.csv` of a Monte-Carlo run: per zone pair (origin != destination) and draw, the
/// commuters by alternative, their mean door-to-door minutes, and each alternative's mean
/// minutes that morning (over the departure minutes with a route, weighted by the profile):
/// the per-draw results that paired comparisons between scenarios run with the same seed
/// difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawRow {
    /// Origin zone id.
    pub origin: String,
    /// Destination zone id.
    pub destination: String,
    /// Draw index.
    pub draw: u32,
    /// Commuters by car that morning.
    pub car: Fixed<3>,
    /// By rail, subway and bus.
    pub transit: Fixed<3>,
    /// By custom bus.
    pub custom_bus: Fixed<3>,
    /// Walking.
    pub walk: Fixed<3>,
    /// Cycling.
    pub cycle: Fixed<3>,
    /// By taxi or ride-hailing.
    pub taxi: Fixed<3>,
    /// Their mean door-to-door minutes (empty when none is served).
    pub mean_min: Option<Fixed<3>>,
    /// Mean minutes by car that morning (empty without a route).
    pub car_min: Option<Fixed<3>>,
    /// By rail, subway and bus.
    pub transit_min: Option<Fixed<3>>,
    /// By custom bus.
    pub custom_bus_min: Option<Fixed<3>>,
    /// Walking.
    pub walk_min: Option<Fixed<3>>,
    /// Cycling.
    pub cycle_min: Option<Fixed<3>>,
    /// By taxi or ride-hailing.
    pub taxi_min: Option<Fixed<3>>,
    /// By the fastest of car, transit and custom bus.
    pub best_min: Option<Fixed<3>>,
    /// Commuters with a route by some mode (within the longest commute or beyond it).
    pub choosing: Fixed<3>,
    /// Their mean composite cost, generalised minutes: the logsum of their mode choice in
    /// minutes, alternatives beyond the longest commute valued at their cost, whose fall
    /// between two scenarios is the consumer surplus gained (empty when nobody had a route).
    pub composite_min: Option<Fixed<3>>,
    /// The destination's jobs weighted by `exp(-decay x minutes)` of the fastest alternative,
    /// averaged over the morning's departures (a departure with no route weighs 0): this pair's
    /// part of the origin's continuous accessibility that morning, jobs-equivalent.
    pub access_jobs: Fixed<3>,
    /// The same by public transport (the faster of transit and custom bus).
    pub access_jobs_pt: Fixed<3>,
}

impl DrawRow {
    /// Commuters by alternative (in the order of [`Alternative::ALL`]).
    pub fn by(&self) -> [f64; ALTERNATIVES] {
        [
            self.car,
            self.transit,
            self.custom_bus,
            self.walk,
            self.cycle,
            self.taxi,
        ]
        .map(Fixed::get)
    }

    /// All commuters served that morning.
    pub fn served(&self) -> f64 {
        self.by().iter().sum()
    }

    /// The mean minutes of `mode` that morning.
    pub fn mode_min(&self, mode: OdMode) -> Option<f64> {
        value(match mode {
            OdMode::Car => self.car_min,
            OdMode::Transit => self.transit_min,
            OdMode::CustomBus => self.custom_bus_min,
            OdMode::Walk => self.walk_min,
            OdMode::Cycle => self.cycle_min,
            OdMode::Taxi => self.taxi_min,
            OdMode::Best => self.best_min,
        })
    }
}

/// `distribution.csv` of a Monte-Carlo run: commuters between zones per morning by the
/// door-to-door minutes of their chosen mode (`minute` m counts times in [m, m + 1); the last
/// row, `360+`, everything longer), in all (`all`) and by origin zone (a column per zone id).
/// Its columns depend on the zones, so it is written and read by hand rather than by a row
/// type's fields.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Distribution {
    /// The zone ids of the per-zone columns, in order.
    pub zones: Vec<String>,
    /// One row per minute.
    pub rows: Vec<DistributionRow>,
}

/// One minute of [`Distribution`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistributionRow {
    /// The minute, `360+` for the last.
    pub minute: String,
    /// Commuters of all zones.
    pub all: Fixed<1>,
    /// Commuters by origin zone, in the order of [`Distribution::zones`].
    pub by_zone: Vec<Fixed<1>>,
}

/// The columns of `distribution.csv` before the zones'.
pub const DISTRIBUTION_COLUMNS: [&str; 2] = ["minute", "all"];

impl Distribution {
    /// Commuters per minute, all zones.
    pub fn all(&self) -> Vec<f64> {
        self.rows.iter().map(|r| r.all.get()).collect()
    }

    /// Commuters per minute from zone `id`, if it has a column.
    pub fn of_zone(&self, id: &str) -> Option<Vec<f64>> {
        let z = self.zones.iter().position(|z| z == id)?;
        Some(
            self.rows
                .iter()
                .map(|r| r.by_zone.get(z).map_or(0.0, |x| x.get()))
                .collect(),
        )
    }
}

/// `links.csv` of a Monte-Carlo run with road congestion: per road link and direction driven
/// (drawn direction first), the peak hour's commuter cars of the final assignment of the mean
/// car flows, background traffic, capacity, volume/capacity and times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkRow {
    /// Road link id (`roads.csv` `id`).
    #[serde(deserialize_with = "link_id")]
    pub link: String,
    /// `forward`, or `backward` for the reverse of a two-way link.
    pub direction: LinkDirection,
    /// Road name.
    pub name: String,
    /// Road class.
    pub class: String,
    /// Node id the link leaves, as travelled.
    pub from: String,
    /// Node id it enters, as travelled.
    pub to: String,
    /// Length, km.
    #[serde(deserialize_with = "non_negative")]
    pub length_km: Fixed<3>,
    /// Commuter cars assigned in the peak hour, vehicles/h.
    #[serde(deserialize_with = "non_negative")]
    pub volume_vph: Fixed<1>,
    /// Other traffic and buses, pcu/h.
    #[serde(deserialize_with = "non_negative")]
    pub background_pcu: Fixed<1>,
    /// Capacity, vehicles/h.
    #[serde(deserialize_with = "non_negative")]
    pub capacity_vph: Fixed<0>,
    /// `(volume + background) / capacity`.
    #[serde(deserialize_with = "non_negative")]
    pub volume_capacity: Fixed<3>,
    /// Free-flow travel time, minutes.
    #[serde(deserialize_with = "non_negative")]
    pub free_flow_min: Fixed<2>,
    /// Congested travel time, minutes.
    #[serde(deserialize_with = "non_negative")]
    pub congested_min: Fixed<2>,
    /// Congested speed, km/h.
    #[serde(deserialize_with = "non_negative")]
    pub speed_kmh: Fixed<1>,
}

/// A figure of `links.csv`, which is never negative.
fn non_negative<'de, D: Deserializer<'de>, const N: usize>(
    deserializer: D,
) -> Result<Fixed<N>, D::Error> {
    let x = f64::deserialize(deserializer)?;
    if x < 0.0 {
        return Err(serde::de::Error::custom(format!(
            "expected a number >= 0, got {x}"
        )));
    }
    Ok(Fixed(x))
}

/// A road link id, which is not empty.
fn link_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let id = String::deserialize(deserializer)?;
    if id.trim().is_empty() {
        return Err(serde::de::Error::custom("empty link id"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::columns;

    #[test]
    fn fixed_rounds_as_written_and_never_shows_a_negative_zero() {
        assert_eq!(fixed(-0.00001, 3), "0.000");
        assert_eq!(fixed(-1.25, 1), "-1.2");
        assert_eq!(Fixed::<1>::new(2.26).get(), 2.3);
        assert_eq!(Fixed::<0>::new(-0.4).get(), 0.0);
    }

    #[test]
    fn the_threshold_columns_follow_the_thresholds() {
        let skim = columns::<SkimZoneRow>();
        let monte_carlo = columns::<ZoneRow>();
        for t in ACCESS_THRESHOLDS_MIN {
            for what in ["jobs", "residents"] {
                assert!(skim.contains(&format!("{what}_within_{t}min").as_str()));
            }
            for q in ["p50", "p80"] {
                assert!(monte_carlo.contains(&format!("jobs_within_{t}min_{q}").as_str()));
            }
        }
        assert_eq!(skim.len(), 4 + 2 * ACCESS_THRESHOLDS_MIN.len());
        assert_eq!(monte_carlo.len(), 22 + 2 * ACCESS_THRESHOLDS_MIN.len());
        // The share columns follow the shares.
        let shares: Vec<String> = Share::ALL
            .iter()
            .map(|s| format!("{}_share", s.as_str()))
            .collect();
        assert_eq!(monte_carlo[8..15], shares);
        // draws.csv's minutes columns follow the modes.
        let minutes: Vec<String> = OdMode::ALL
            .iter()
            .map(|m| format!("{}_min", m.as_str()))
            .collect();
        assert_eq!(columns::<DrawRow>()[10..17], minutes);
    }
}
