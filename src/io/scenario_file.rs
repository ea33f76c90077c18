//! Scenario files (TOML, format version 1, documented in `docs/formats.md`): the file structs
//! with strict serde (unknown fields are errors), and loading of an `extends` chain with cycle
//! detection. Values are checked against the network later, in `scenario`, which needs the line
//! of each modification: hence `Spanned`.

use super::{field_path, from_toml};
use crate::error::{Error, Problem, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// The scenario format version this build reads.
pub const SCENARIO_FORMAT_VERSION: u32 = 1;

/// A scenario file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Format version; must be [`SCENARIO_FORMAT_VERSION`].
    pub version: Spanned<u32>,
    /// Scenario name; names the default output folder.
    pub name: Spanned<String>,
    /// What the scenario models, and its sources.
    #[serde(default)]
    pub description: String,
    /// Network folder, relative to this file (inherited from `extends` when absent).
    pub network: Option<Spanned<String>>,
    /// Another scenario file this one builds on, relative to this file.
    pub extends: Option<Spanned<String>>,
    /// The demand horizon against the scenario this one extends: `variable` (destinations
    /// chosen on this scenario's network) or `fixed` (the extended scenario's commuters held).
    /// Not inherited: it says how this file relates to its parent.
    pub horizon: Option<Spanned<String>>,
    /// Departure window of the analysis (inherited when absent; default 07:00-09:00).
    pub window: Option<Spanned<WindowSpec>>,
    /// Commuter demand (inherited when absent; defaults documented in `docs/formats.md`).
    pub demand: Option<Spanned<DemandSpec>>,
    /// Mode choice parameters (inherited when absent; defaults documented).
    pub choice: Option<Spanned<ChoiceSpec>>,
    /// Restrictions on driving into or within a province.
    pub car_restrictions: Option<Spanned<CarRestrictionsSpec>>,
    /// Mean service delay by mode or line id in the Monte-Carlo draws, minutes (inherited).
    pub delays: Option<Spanned<std::collections::BTreeMap<String, DelaySpec>>>,
    /// Road travel-time variability in the Monte-Carlo draws (inherited).
    pub roads: Option<Spanned<RoadsSpec>>,
    /// Road congestion: assign the car commuters to the roads and feed congested times back
    /// (inherited; absent: free-flow roads).
    pub congestion: Option<Spanned<CongestionSpec>>,
    /// Transit crowding in the generalised cost (inherited; default on, the documented curve).
    pub crowding: Option<Spanned<CrowdingSpec>>,
    /// The supply-demand loop of congestion and crowding (inherited; defaults documented).
    pub equilibrium: Option<Spanned<EquilibriumSpec>>,
    /// Modifications, applied in order after those of `extends`. Kept as TOML values here and
    /// read one by one ([`LoadedScenario::modifications`]), so a mistake in one does not hide
    /// the others.
    #[serde(default)]
    pub modifications: Vec<Spanned<toml::Value>>,
}

/// The analysis window.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    /// Start, `HH:MM`.
    pub start: Spanned<String>,
    /// End, `HH:MM` (exclusive).
    pub end: Spanned<String>,
}

/// Commuter demand: a doubly constrained gravity model from zone residents and jobs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandSpec {
    /// Commuters per resident.
    pub commute_rate: Option<f64>,
    /// Deterrence per minute of door-to-door time.
    pub beta_per_min: Option<f64>,
    /// Typical commute within a zone without an area, minutes.
    pub intrazonal_min: Option<f64>,
    /// Door-to-door speed of a commute within a zone with an area, km/h of route distance.
    pub intrazonal_kmh: Option<f64>,
    /// Generalised minutes added to a job in another province, in destination choice.
    pub border_min: Option<f64>,
    /// The longest one-way commute anyone makes, minutes.
    pub max_commute_min: Option<f64>,
    /// A table of commuters (`origin,destination,commuters`), relative to the scenario file,
    /// used instead of the gravity model.
    pub file: Option<Spanned<String>>,
    /// Relative departure rates over the window (uniform when absent).
    pub departure_profile: Option<Vec<Spanned<ProfileSpec>>>,
}

/// A period of the departure profile: commuters leave at `weight` times the base rate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    /// Start, `HH:MM`.
    pub start: String,
    /// End, `HH:MM` (exclusive).
    pub end: String,
    /// Relative rate (non-negative).
    pub weight: f64,
}

/// A service delay in `[delays]`: a mean (minutes, exponential) or a distribution table.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DelaySpec {
    /// Late by an exponential amount with this mean, minutes.
    Mean(f64),
    /// On time with probability `on_time`, else late by an exponential amount.
    Table(DelayTable),
}

/// `{ on_time = 0.9, late_mean_min = 8 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DelayTable {
    /// Probability of running on time (default 0).
    pub on_time: Option<f64>,
    /// Mean delay when late, minutes.
    pub late_mean_min: f64,
}

/// Day-to-day road variability.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadsSpec {
    /// Standard deviation of the log day factor on car free-flow times.
    pub day_sd: Option<f64>,
    /// Standard deviation of the log day factor on checkpoint delays.
    pub checkpoint_sd: Option<f64>,
    /// Standard deviation of the log factor of each link in each draw (all classes).
    pub link_sd: Option<f64>,
    /// The same by road class, overriding `link_sd`.
    pub class_sd: Option<std::collections::BTreeMap<String, f64>>,
}

/// Road congestion: user-equilibrium assignment of the peak hour's cars, iterated with mode
/// choice. Every field defaults (see `docs/formats.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CongestionSpec {
    /// `false` switches off congestion inherited from an `extends` file.
    pub enabled: Option<bool>,
    /// Share of the window's car commuters on the road in the peak hour (default: the busiest
    /// 60 minutes of the departure profile).
    pub peak_hour_share: Option<f64>,
    /// Commuters per car.
    pub occupancy: Option<f64>,
    /// Multiplier on every road link's capacity: a link of an aggregated network stands for its
    /// corridor, parallel streets included.
    pub capacity_factor: Option<f64>,
    /// Other traffic (freight, business, school runs) as a share of each link's capacity.
    pub background_vc: Option<f64>,
    /// The same by road class, overriding `background_vc`.
    pub background_vc_by_class: Option<std::collections::BTreeMap<String, f64>>,
    /// Passenger-car units per bus of the bus and custom-bus lines.
    pub bus_pcu: Option<f64>,
    /// BPR `alpha` of every road link.
    pub bpr_alpha: Option<f64>,
    /// BPR `beta` of every road link.
    pub bpr_beta: Option<f64>,
    /// Use Spiess' conical volume-delay function with this steepness (> 1) instead of BPR.
    pub conical_alpha: Option<f64>,
    /// Relative gap of each assignment.
    pub assignment_gap: Option<f64>,
}

/// Transit crowding: a multiplier on minutes aboard by load factor (passengers per seat).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrowdingSpec {
    /// `false`: crowding does not enter the generalised cost (capacity still holds).
    pub enabled: Option<bool>,
    /// Points `[load factor, multiplier]`, load factors ascending.
    pub curve: Option<Vec<[f64; 2]>>,
}

/// The supply-demand loop (simulation, road assignment, transit loads).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquilibriumSpec {
    /// Most rounds.
    pub max_rounds: Option<u32>,
    /// Largest relative difference between a round's response and the averages, per measure.
    pub tolerance: Option<f64>,
    /// Monte-Carlo draws per round (the final run uses all draws).
    pub draws: Option<u32>,
    /// Whether destinations respond to the loop's costs (variable destinations only).
    pub destinations: Option<bool>,
}

/// Restrictions on driving to jobs in one province: the share of mornings a car may be used.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarRestrictionsSpec {
    /// The province (as zones.csv names it) whose restrictions these are.
    pub province: Option<String>,
    /// Share of mornings a car registered outside the province may be driven to a job in it.
    pub outside_car_share: Option<f64>,
    /// Share of mornings a car of the province may be driven to a job in it.
    pub local_car_share: Option<f64>,
}

/// Mode choice (multinomial logit on generalised minutes).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceSpec {
    /// The alternatives offered, by name (all when absent).
    pub modes: Option<Vec<String>>,
    /// Logit scale, per generalised minute.
    pub scale_per_min: Option<f64>,
    /// Value of time as minutes per yuan.
    pub minutes_per_yuan: Option<f64>,
    /// Car alternative-specific penalty (parking, search), minutes.
    pub car_constant_min: Option<f64>,
    /// Public-transport alternative-specific penalty, minutes.
    pub transit_constant_min: Option<f64>,
    /// Car running cost, yuan per km (tolls come on top).
    pub car_cost_yuan_per_km: Option<f64>,
    /// Weight of a minute of waiting, walking and access relative to one in a vehicle.
    pub wait_walk_weight: Option<f64>,
    /// Penalty per transfer between vehicles, minutes.
    pub transfer_penalty_min: Option<f64>,
    /// Custom-bus alternative-specific penalty, minutes.
    pub custom_bus_constant_min: Option<f64>,
    /// Walking speed door to door, km/h.
    pub walk_kmh: Option<f64>,
    /// Cycling speed door to door, km/h.
    pub cycle_kmh: Option<f64>,
    /// The longest street distance walked, km.
    pub max_walk_km: Option<f64>,
    /// The longest street distance cycled, km.
    pub max_cycle_km: Option<f64>,
    /// Walking alternative-specific penalty, minutes.
    pub walk_constant_min: Option<f64>,
    /// Cycling alternative-specific penalty, minutes.
    pub cycle_constant_min: Option<f64>,
    /// Taxi alternative-specific penalty, minutes.
    pub taxi_constant_min: Option<f64>,
    /// Wait for a taxi, minutes.
    pub taxi_wait_min: Option<f64>,
    /// Taxi flag fall, yuan.
    pub taxi_flag_yuan: Option<f64>,
    /// Km the taxi flag fall covers.
    pub taxi_flag_km: Option<f64>,
    /// Taxi fare per km, yuan.
    pub taxi_yuan_per_km: Option<f64>,
    /// Km beyond which the far fare applies.
    pub taxi_far_km: Option<f64>,
    /// Taxi fare per km beyond `taxi_far_km`, yuan.
    pub taxi_far_yuan_per_km: Option<f64>,
}

/// A stop of an added line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopSpec {
    /// Stop node id.
    pub node: String,
    /// Run time from the previous stop, minutes.
    #[serde(default)]
    pub run_min: f64,
    /// Dwell time, minutes.
    #[serde(default)]
    pub dwell_min: f64,
    /// Distance from the previous stop, km.
    #[serde(default)]
    pub distance_km: f64,
}

/// A headway period.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadwaySpec {
    /// Start, `HH:MM`.
    pub start: String,
    /// End, `HH:MM` (exclusive).
    pub end: String,
    /// Headway, minutes.
    pub headway_min: f64,
}

/// A new node.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Node kind (`rail_station`, `road_junction`, ...).
    pub kind: String,
    /// Longitude, degrees WGS84.
    pub lon: f64,
    /// Latitude, degrees WGS84.
    pub lat: f64,
    /// Whether the coordinate is approximate.
    #[serde(default)]
    pub approximate: bool,
    /// Zone access links to the new node (stations and stops: walk or feeder; junctions: car).
    #[serde(default)]
    pub access: Vec<AccessSpec>,
    /// Transfers from the new station to existing stations (walked both ways).
    #[serde(default)]
    pub transfers: Vec<TransferSpec>,
}

/// A zone access link to a new node.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessSpec {
    /// Zone id.
    pub zone: String,
    /// `car`, `walk` or `feeder`.
    pub mode: String,
    /// Travel time, minutes.
    pub minutes: f64,
}

/// An access link of a new zone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneAccessSpec {
    /// Node id (a road junction for `car`, a station or stop for `walk` and `feeder`).
    pub node: String,
    /// `car`, `walk` or `feeder`.
    pub mode: String,
    /// Travel time, minutes.
    pub minutes: f64,
}

/// A transfer from a new station.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferSpec {
    /// The other station's node id.
    pub to: String,
    /// Transfer time, minutes.
    pub minutes: f64,
}

/// A new road link.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// Stable id.
    pub id: String,
    /// Road name.
    #[serde(default)]
    pub name: String,
    /// Start node id.
    pub from: String,
    /// End node id.
    pub to: String,
    /// Length, km.
    pub length_km: f64,
    /// Free-flow speed, km/h.
    pub speed_kmh: f64,
    /// Capacity, vehicles/h per direction.
    pub capacity_vph: f64,
    /// Lanes per direction.
    #[serde(default = "one")]
    pub lanes: u32,
    /// Road class.
    #[serde(default = "expressway")]
    pub class: String,
    /// Toll, yuan.
    #[serde(default)]
    pub toll_yuan: f64,
    /// One-way link.
    #[serde(default)]
    pub oneway: bool,
    /// Checkpoint delay, minutes.
    #[serde(default)]
    pub checkpoint_min: f64,
}

fn one() -> u32 {
    1
}

fn expressway() -> String {
    "expressway".to_owned()
}

fn none_fare() -> String {
    "none".to_owned()
}

/// One modification, named by its kebab-case `type`. Read as `{ TYPE = { fields } }` (see
/// [`LoadedScenario::modifications`]) rather than as a serde-tagged enum, whose buffering would
/// lose the path and the line of a bad field.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum ModificationSpec {
    /// A new transit line.
    AddLine {
        /// Stable id.
        id: String,
        /// Display name.
        name: String,
        /// Mode (`hsr`, `rail`, `subway`, `bus`, `custom_bus`).
        mode: String,
        /// Passengers per vehicle, seated and standing.
        capacity: u32,
        /// Seats per vehicle (default `capacity`: everyone seated).
        #[serde(default)]
        seats: Option<u32>,
        /// Fare rule (`none`, `flat:YUAN`, `per_km:YUAN`).
        #[serde(default = "none_fare")]
        fare: String,
        /// Runs only in stop order.
        #[serde(default)]
        oneway: bool,
        /// Stops in order.
        stops: Vec<StopSpec>,
        /// Headway periods.
        #[serde(default)]
        headways: Vec<HeadwaySpec>,
        /// Explicit departures from the first stop (`HH:MM`), both directions.
        #[serde(default)]
        departures: Vec<String>,
    },
    /// Removes lines.
    RemoveLine {
        /// Line ids.
        lines: Vec<String>,
    },
    /// Replaces a line's service.
    AdjustFrequency {
        /// Line id.
        line: String,
        /// New headway periods (replace all).
        #[serde(default)]
        headways: Option<Vec<HeadwaySpec>>,
        /// New departures (replace all).
        #[serde(default)]
        departures: Option<Vec<String>>,
    },
    /// Scales a line's run times, or sets a road link's speed.
    AdjustSpeed {
        /// Line id (with `run_time_factor`).
        line: Option<String>,
        /// Factor on run and dwell times (0.8 = 20% faster).
        run_time_factor: Option<f64>,
        /// Road link id (with `speed_kmh`).
        road: Option<String>,
        /// New free-flow speed, km/h.
        speed_kmh: Option<f64>,
    },
    /// New road links, with new nodes if needed.
    AddRoad {
        /// New nodes, added before the links.
        #[serde(default)]
        nodes: Vec<NodeSpec>,
        /// The links (a chain is several links).
        links: Vec<LinkSpec>,
    },
    /// A new node.
    AddNode(NodeSpec),
    /// Closes road or walk links.
    CloseLink {
        /// Link ids.
        links: Vec<String>,
    },
    /// Sets a road link's capacity, or a line's vehicle capacity and seats.
    SetCapacity {
        /// Road link id (with `capacity_vph`).
        link: Option<String>,
        /// Vehicles/h.
        capacity_vph: Option<f64>,
        /// Line id (with `capacity`, `seats` or both).
        line: Option<String>,
        /// Passengers per vehicle, seated and standing.
        capacity: Option<u32>,
        /// Seats per vehicle (when only `capacity` is given: the line's seats, at most the new
        /// capacity).
        seats: Option<u32>,
    },
    /// Sets the fare rule of lines: those named, and every line of the modes named.
    SetFare {
        /// Line ids.
        #[serde(default)]
        lines: Vec<String>,
        /// Modes (`hsr`, `rail`, `subway`, `bus`, `custom_bus`): all their lines.
        #[serde(default)]
        modes: Vec<String>,
        /// The new rule: `none`, `flat:YUAN`, `per_km:YUAN` or `system:ID`, as in lines.csv.
        fare: String,
    },
    /// A new zone with its centroid node `z_<id>` and its access links.
    AddZone {
        /// Stable id.
        id: String,
        /// Display name (English).
        name: String,
        /// Centroid longitude, degrees WGS84.
        lon: f64,
        /// Centroid latitude, degrees WGS84.
        lat: f64,
        /// Residents, persons.
        residents: u64,
        /// Jobs.
        jobs: u64,
        /// Share of households with a car, 0..=1.
        car_share: f64,
        /// Province or province-level city (empty when not given).
        #[serde(default)]
        province: String,
        /// Built-up area, km² (see `Zone::area_km2`).
        #[serde(default)]
        area_km2: Option<f64>,
        /// Access links from the zone (at least one).
        access: Vec<ZoneAccessSpec>,
    },
    /// Scales commuter demand (validated now; used by the demand model).
    ScaleDemand {
        /// Factor, >= 0.
        factor: f64,
        /// Origin zones affected (all when empty).
        #[serde(default)]
        origins: Vec<String>,
        /// Destination zones affected (all when empty).
        #[serde(default)]
        destinations: Vec<String>,
    },
}

impl ModificationSpec {
    /// The kebab-case type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            ModificationSpec::AddLine { .. } => "add-line",
            ModificationSpec::RemoveLine { .. } => "remove-line",
            ModificationSpec::AdjustFrequency { .. } => "adjust-frequency",
            ModificationSpec::AdjustSpeed { .. } => "adjust-speed",
            ModificationSpec::AddRoad { .. } => "add-road",
            ModificationSpec::AddNode(_) => "add-node",
            ModificationSpec::CloseLink { .. } => "close-link",
            ModificationSpec::SetCapacity { .. } => "set-capacity",
            ModificationSpec::SetFare { .. } => "set-fare",
            ModificationSpec::AddZone { .. } => "add-zone",
            ModificationSpec::ScaleDemand { .. } => "scale-demand",
        }
    }
}

/// A scenario file with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// Path as given (joined to the parent's folder for `extends`).
    pub path: PathBuf,
    /// The text, for turning spans into lines.
    pub text: String,
    /// The parsed file.
    pub file: ScenarioFile,
    /// The byte offset where each line starts: lines are looked up for every modification and
    /// every problem, and counting from the start of the file each time was quadratic.
    line_starts: Vec<usize>,
}

impl LoadedScenario {
    fn new(path: PathBuf, text: String, file: ScenarioFile) -> Self {
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        LoadedScenario {
            path,
            text,
            file,
            line_starts,
        }
    }

    /// The 1-based line of a span start.
    pub fn line(&self, offset: usize) -> u64 {
        self.line_starts.partition_point(|&start| start <= offset) as u64
    }

    /// Each modification with the line of its table, read on its own: a modification that is
    /// not well formed gives a problem naming its field (`stops[1].run_min`) at the field's
    /// line, and the others are still read.
    pub fn modifications(&self) -> Vec<(u64, std::result::Result<ModificationSpec, Problem>)> {
        // The file parsed already; parse it again as spanned values, which keep each field's
        // place in the text.
        let document = DeTable::parse(&self.text);
        let tables = document.as_ref().ok().and_then(|d| {
            d.get_ref()
                .get("modifications")
                .and_then(|m| m.get_ref().as_array())
        });
        self.file
            .modifications
            .iter()
            .enumerate()
            .map(|(i, spanned)| {
                let line = self.line(spanned.span().start);
                let parsed = match tables.and_then(|t| t.get(i)) {
                    Some(table) => self.modification(table, line),
                    None => Err(Problem::at(
                        &self.path,
                        line,
                        None,
                        "unreadable modification",
                    )),
                };
                (line, parsed)
            })
            .collect()
    }

    /// Reads one `[[modifications]]` table starting on `line`.
    fn modification(
        &self,
        table: &Spanned<DeValue<'_>>,
        line: u64,
    ) -> std::result::Result<ModificationSpec, Problem> {
        let problem = |span: Option<std::ops::Range<usize>>, field: Option<&str>, message| {
            let line = span.map_or(line, |s| self.line(s.start));
            Problem::at(&self.path, line, field, message)
        };
        let Some(fields) = table.get_ref().as_table() else {
            return Err(problem(
                Some(table.span()),
                None,
                format!(
                    "expected a table of fields, got a value of type {}",
                    table.get_ref().type_str()
                ),
            ));
        };
        let Some(kind) = fields.get("type") else {
            return Err(problem(
                None,
                Some("type"),
                "missing field `type`".to_owned(),
            ));
        };
        let Some(name) = kind.get_ref().as_str() else {
            return Err(problem(
                Some(kind.span()),
                Some("type"),
                format!(
                    "expected a modification type name, got a value of type {}",
                    kind.get_ref().type_str()
                ),
            ));
        };
        let mut body = fields.clone();
        body.remove("type");
        let mut named = DeTable::new();
        named.insert(
            Spanned::new(kind.span(), name.to_owned().into()),
            Spanned::new(table.span(), DeValue::Table(body)),
        );
        let value = Spanned::new(table.span(), DeValue::Table(named));
        serde_path_to_error::deserialize(ValueDeserializer::from(value)).map_err(|e| {
            let message = e.inner().message().trim().to_owned();
            if message.starts_with("unknown variant") {
                return problem(Some(kind.span()), Some("type"), message);
            }
            // The first step of the path is the type.
            let mut field = field_path(e.path().iter().skip(1), &message);
            let message = match unexpected_keys(&message) {
                Some((key, expected)) => {
                    let path = field.map_or(String::new(), |f| format!("{f}."));
                    field = Some(format!("{path}{key}"));
                    format!("unknown field `{key}`, expected {expected}")
                }
                None => message,
            };
            problem(e.inner().span(), field.as_deref(), message)
        })
    }
}

/// The first unknown key and the list of fields expected, from the TOML reader's own check of
/// a modification's fields ("unexpected keys in table: link, available keys: links"), worded as
/// serde words it for the other tables.
fn unexpected_keys(message: &str) -> Option<(&str, String)> {
    let (keys, available) = message
        .strip_prefix("unexpected keys in table: ")?
        .split_once(", available keys: ")?;
    let key = keys.split(", ").next()?;
    let available: Vec<String> = available.split(", ").map(|k| format!("`{k}`")).collect();
    Some(match available.as_slice() {
        [one] => (key, one.clone()),
        many => (key, format!("one of {}", many.join(", "))),
    })
}

/// A scenario and its ancestors, root first.
#[derive(Debug, Clone)]
pub struct ScenarioChain {
    /// Root ancestor first, the named scenario last.
    pub files: Vec<LoadedScenario>,
}

impl ScenarioChain {
    /// The scenario named on the command line.
    pub fn leaf(&self) -> &LoadedScenario {
        self.files.last().expect("a chain has at least one file")
    }

    /// The scenario the named one extends, if any.
    pub fn parent(&self) -> Option<&LoadedScenario> {
        self.files.iter().rev().nth(1)
    }

    /// The nearest file of the chain (the scenario itself first) that has the section `pick`
    /// selects, with that section: sections are inherited whole.
    pub fn nearest<'a, T>(
        &'a self,
        pick: impl Fn(&'a ScenarioFile) -> Option<&'a Spanned<T>>,
    ) -> Option<(&'a LoadedScenario, &'a Spanned<T>)> {
        self.files
            .iter()
            .rev()
            .find_map(|s| pick(&s.file).map(|t| (s, t)))
    }

    /// The network folder: the nearest `network` in the chain, relative to its file.
    pub fn network_dir(&self) -> Result<PathBuf> {
        let Some((loaded, network)) = self.nearest(|f| f.network.as_ref()) else {
            return Err(Error::Invalid(vec![Problem::file(
                &self.leaf().path,
                "no `network` given (in this file or any file it extends)",
            )]));
        };
        let dir = loaded
            .path
            .parent()
            .unwrap_or(Path::new(""))
            .join(network.get_ref());
        if !dir.join("network.toml").is_file() {
            return Err(Error::Invalid(vec![Problem::at(
                &loaded.path,
                loaded.line(network.span().start),
                Some("network"),
                format!(
                    "`{}` is not a network folder (no {}; paths are relative to this file)",
                    network.get_ref(),
                    dir.join("network.toml").display()
                ),
            )]));
        }
        Ok(dir)
    }
}

/// Loads `path` and, recursively, the files it `extends`. Cycles are an error.
///
/// `path` may also be a network folder: it then stands for the scenario that runs the network
/// as it is (named after the folder, every setting at its default), so that `run`, `route` and
/// `validate` take an imported network without a scenario file.
pub fn load_scenario_chain(path: &Path) -> Result<ScenarioChain> {
    let mut files: Vec<LoadedScenario> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut next = Some((path.to_path_buf(), None::<(PathBuf, u64)>));
    let mut network_folder = path.is_dir().then(|| {
        let name = path
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "network".to_owned());
        let name = toml::Value::String(name).to_string();
        format!("version = {SCENARIO_FORMAT_VERSION}\nname = {name}\nnetwork = \".\"\n")
    });
    if network_folder.is_some() {
        // A scenario file in the folder, as if it were there: the network is the folder.
        next = Some((path.join("(the network as it is).toml"), None));
    }
    while let Some((path, referrer)) = next.take() {
        let read = match network_folder.take() {
            Some(text) => Ok(text),
            None => super::read_text(&path),
        };
        let text = match read {
            Ok(t) => t,
            Err(Error::Read { path, error }) => {
                return Err(match referrer {
                    Some((by, line)) => Error::Invalid(vec![Problem::at(
                        &by,
                        line,
                        Some("extends"),
                        format!("cannot read {}: {error}", path.display()),
                    )]),
                    None => Error::Read { path, error },
                });
            }
            Err(other) => return Err(other),
        };
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        if let Some((by, line)) = &referrer
            && seen.contains(&canonical)
        {
            return Err(Error::Invalid(vec![Problem::at(
                by,
                *line,
                Some("extends"),
                format!(
                    "cyclic `extends`: {} is already in the chain",
                    path.display()
                ),
            )]));
        }
        seen.push(canonical);
        let file: ScenarioFile = from_toml(&path, &text).map_err(|mut p| {
            if p.message.contains("untagged enum DelaySpec") {
                p.message = "expected a mean delay in minutes, or a table \
                             { on_time = PROBABILITY, late_mean_min = MINUTES }"
                    .to_owned();
            }
            Error::Invalid(vec![p])
        })?;
        let loaded = LoadedScenario::new(path, text, file);
        if *loaded.file.version.get_ref() != SCENARIO_FORMAT_VERSION {
            return Err(Error::Invalid(vec![Problem::at(
                &loaded.path,
                loaded.line(loaded.file.version.span().start),
                Some("version"),
                format!(
                    "this build reads scenario version {SCENARIO_FORMAT_VERSION}, the file says {}",
                    loaded.file.version.get_ref()
                ),
            )]));
        }
        if let Some(parent) = &loaded.file.extends {
            let dir = loaded.path.parent().unwrap_or(Path::new(""));
            next = Some((
                dir.join(parent.get_ref()),
                Some((loaded.path.clone(), loaded.line(parent.span().start))),
            ));
        }
        files.push(loaded);
    }
    files.reverse();
    Ok(ScenarioChain { files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets_are_those_of_the_text() {
        let text = "version = 1\r\nname = \"x\"\n\n\n# c\nnetwork = \"n\"";
        let file: ScenarioFile = toml::from_str(text).unwrap();
        let loaded = LoadedScenario::new(PathBuf::from("s.toml"), text.to_owned(), file);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                loaded.line(offset),
                super::super::line_of(text, offset),
                "{offset}"
            );
        }
        assert_eq!(loaded.line(text.find("network").unwrap()), 6);
    }
}
