//! The transport network model: nodes, road links, walk links, transfers, transit lines and
//! zones, addressed by dense `u32` ids wrapped in newtypes.
//!
//! A [`Network`] is immutable to everyone outside this crate: its fields are `pub(crate)` and it
//! has no public setters. It is built by `io` (from files, starting from `Network::empty`) and by
//! `scenario` (a modified *copy* of a base network), both writing the fields directly and
//! finishing with `Network::reindex`, which rebuilds the id indexes (node, zone, line, link) from the
//! tables, so they cannot go stale. Ids are
//! stable strings in files and dense indices inside: a scenario only ever appends nodes, so node
//! ids of the base stay valid in every derived network.

mod ids;
mod place;
mod road_arc;

pub use ids::{LineId, NodeId, ZoneId};
pub use place::{MAX_SUGGESTIONS, Place, PlaceError};
pub use road_arc::RoadArc;

use crate::bounds;
use crate::time::Seconds;
use std::fmt;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    /// The centroid of a zone: where its trips start and end. Never a through node.
    ZoneCentroid,
    /// A railway station (HSR, intercity or conventional rail).
    RailStation,
    /// A subway station.
    SubwayStation,
    /// A bus stop (including custom-bus stops).
    BusStop,
    /// A road junction (including expressway interchanges and checkpoints).
    RoadJunction,
    /// A station as a whole (a GTFS parent station): itineraries start and end there and reach
    /// its platforms on foot, but no vehicle stops there and no walk passes through it (as a
    /// zone centroid), so it never shortens a change between platforms.
    Station,
}

impl NodeKind {
    /// All kinds, in output order.
    pub const ALL: [NodeKind; 6] = [
        NodeKind::ZoneCentroid,
        NodeKind::RailStation,
        NodeKind::SubwayStation,
        NodeKind::BusStop,
        NodeKind::RoadJunction,
        NodeKind::Station,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::ZoneCentroid => "zone_centroid",
            NodeKind::RailStation => "rail_station",
            NodeKind::SubwayStation => "subway_station",
            NodeKind::BusStop => "bus_stop",
            NodeKind::RoadJunction => "road_junction",
            NodeKind::Station => "station",
        }
    }

    /// Parses the name used in files.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether routes end at a node of this kind and never pass through it (zone centroids
    /// and whole stations).
    pub fn is_trip_end(self) -> bool {
        matches!(self, NodeKind::ZoneCentroid | NodeKind::Station)
    }

    /// Whether passengers can board transit at a node of this kind.
    pub fn is_station(self) -> bool {
        matches!(
            self,
            NodeKind::RailStation | NodeKind::SubwayStation | NodeKind::BusStop
        )
    }
}

/// A transit mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// High-speed and intercity rail.
    Hsr,
    /// Conventional rail.
    Rail,
    /// Subway and metro.
    Subway,
    /// Public bus.
    Bus,
    /// Custom commuter express bus (reserved seats, few peak departures).
    CustomBus,
}

impl Mode {
    /// All modes, in output order.
    pub const ALL: [Mode; 5] = [
        Mode::Hsr,
        Mode::Rail,
        Mode::Subway,
        Mode::Bus,
        Mode::CustomBus,
    ];

    /// The name used in files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Hsr => "hsr",
            Mode::Rail => "rail",
            Mode::Subway => "subway",
            Mode::Bus => "bus",
            Mode::CustomBus => "custom_bus",
        }
    }

    /// Parses the name used in files.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Dense index, for per-mode tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A node of the network.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Stable id, as in the files.
    pub id: String,
    /// Display name (English).
    pub name: String,
    /// Chinese name (Simplified), empty when not given. Accepted by place lookups, not written
    /// to outputs.
    pub name_zh: String,
    /// What the node is.
    pub kind: NodeKind,
    /// Longitude, degrees WGS84.
    pub lon: f64,
    /// Latitude, degrees WGS84.
    pub lat: f64,
    /// Whether the coordinate is an estimate rather than a surveyed position.
    pub approximate: bool,
}

impl Node {
    /// The great-circle distance to `other`, km ([`great_circle_km`]).
    pub fn straight_km(&self, other: &Node) -> f64 {
        great_circle_km((self.lon, self.lat), (other.lon, other.lat))
    }
}

/// The great-circle distance between two `(lon, lat)` points in degrees, km (haversine on a
/// sphere of 6,371 km).
pub fn great_circle_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat_a, lat_b) = (a.1.to_radians(), b.1.to_radians());
    let h = ((lat_b - lat_a) / 2.0).sin().powi(2)
        + lat_a.cos() * lat_b.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// A road link (one or both directions).
#[derive(Debug, Clone, PartialEq)]
pub struct RoadLink {
    /// Stable id, unique among road and walk links.
    pub id: String,
    /// Road name, e.g. `G4 Jing-Gang-Ao` (may be empty).
    pub name: String,
    /// Start node.
    pub from: NodeId,
    /// End node.
    pub to: NodeId,
    /// Length, km.
    pub length_km: f64,
    /// Free-flow speed, km/h (positive).
    pub speed_kmh: f64,
    /// Capacity, vehicles per hour per direction.
    pub capacity_vph: f64,
    /// Lanes per direction.
    pub lanes: u32,
    /// Road class, e.g. `expressway`, `arterial`.
    pub class: String,
    /// Toll per traversal, yuan.
    pub toll_yuan: f64,
    /// Whether the link is usable only from `from` to `to`.
    pub oneway: bool,
    /// Delay at a checkpoint on this link (e.g. Beijing entry checks), seconds.
    pub checkpoint_s: Seconds,
}

impl RoadLink {
    /// Free-flow traversal time (without checkpoint delay), whole seconds.
    pub fn free_flow_s(&self) -> Seconds {
        (self.length_km / self.speed_kmh * 3600.0).round() as Seconds
    }
}

/// A walk link between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkLink {
    /// Stable id, unique among road and walk links.
    pub id: String,
    /// Start node.
    pub from: NodeId,
    /// End node.
    pub to: NodeId,
    /// Walking time, seconds.
    pub time_s: Seconds,
    /// Whether the link is usable only from `from` to `to`.
    pub oneway: bool,
}

/// A transfer between two station nodes (walked both ways), or, when `from == to`, the time
/// needed to change lines inside one station.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    /// One station node.
    pub from: NodeId,
    /// The other station node (equal to `from` for a station-internal transfer time).
    pub to: NodeId,
    /// Transfer time, seconds.
    pub time_s: Seconds,
}

/// How a fare is charged for one boarding of a line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FareRule {
    /// No fare modelled.
    None,
    /// A flat fare per boarding, yuan.
    Flat(f64),
    /// A fare per in-vehicle km, yuan/km.
    PerKm(f64),
    /// The distance fare of a fare system (index into [`Settings::fare_systems`]).
    System(usize),
}

impl FareRule {
    /// Parses `none`, `flat:YUAN`, `per_km:YUAN` or `system:ID` (a fare system of `systems`),
    /// amounts within [`bounds::FARE_YUAN`] and [`bounds::FARE_PER_KM_YUAN`]; otherwise says what
    /// is wrong. The one rule of `lines.csv` and `add-line`.
    pub fn parse(text: &str, systems: &[FareSystem]) -> Result<Self, String> {
        let expected = || {
            format!(
                "expected `none`, `flat:YUAN`, `per_km:YUAN` or `system:ID` (a fare system of \
                 network.toml), got `{text}`"
            )
        };
        if text == "none" {
            return Ok(FareRule::None);
        }
        let (kind, value) = text.split_once(':').ok_or_else(expected)?;
        let (kind, value) = (kind.trim(), value.trim());
        if kind == "system" {
            return systems
                .iter()
                .position(|s| s.id == value)
                .map(FareRule::System)
                .ok_or_else(|| {
                    format!("{}; no fare system `{value}` in network.toml", expected())
                });
        }
        let (rule, bound): (fn(f64) -> Self, _) = match kind {
            "flat" => (FareRule::Flat, &bounds::FARE_YUAN),
            "per_km" => (FareRule::PerKm, &bounds::FARE_PER_KM_YUAN),
            _ => return Err(expected()),
        };
        let amount: f64 = value.parse().map_err(|_| expected())?;
        bound
            .check(amount)
            .map(rule)
            .map_err(|m| format!("`{text}`: {m}"))
    }
}

/// A distance-based fare charged once for consecutive rides on its lines (changing inside the
/// fare system is free), like the Beijing subway's network fare.
#[derive(Debug, Clone, PartialEq)]
pub struct FareSystem {
    /// Id, as in `system:ID` fare rules.
    pub id: String,
    /// Distance bands `(up to km, yuan)`, ascending.
    pub bands: Vec<(f64, f64)>,
    /// Fare beyond the last band, yuan.
    pub above_yuan: f64,
}

impl FareSystem {
    /// The fare for riding `distance_km` within the system, yuan.
    pub fn fare(&self, distance_km: f64) -> f64 {
        self.bands
            .iter()
            .find(|&&(up_to_km, _)| distance_km <= up_to_km)
            .map_or(self.above_yuan, |&(_, yuan)| yuan)
    }
}

/// One stop of a line, in travel order.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// The station or stop node.
    pub node: NodeId,
    /// Run time from the previous stop, seconds (0 for the first stop).
    pub run_s: Seconds,
    /// Dwell time at this stop, seconds.
    pub dwell_s: Seconds,
    /// Distance from the previous stop, km (0 for the first stop; 0 when unknown).
    pub distance_km: f64,
}

/// A broken rule of a line's stop list (see [`stop_list_problems`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StopProblem {
    /// The stop it concerns, as an index into the list; `None`: the list as a whole.
    pub stop: Option<usize>,
    /// The field of the stop it concerns (`node`, `run_min`); `stops` for the whole list.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// The rules of a line's stop list, one set for `stops.csv` and `add-line`: every stop is a
/// station or a bus stop, the first stop has no run time or distance from a previous one, no
/// stop repeats the one just before it (a loop returns to its first stop only after others),
/// and there are at least two stops. `nodes` are the network's nodes the stops refer to. When
/// some stops of the list could not be read (`complete` false; they are reported already), only
/// the rule on single stops applies: the others depend on the missing neighbours.
pub fn stop_list_problems(nodes: &[Node], stops: &[Stop], complete: bool) -> Vec<StopProblem> {
    let mut problems = Vec::new();
    let mut fail = |stop, field, message: &str| {
        problems.push(StopProblem {
            stop,
            field,
            message: message.to_owned(),
        })
    };
    for (i, stop) in stops.iter().enumerate() {
        if !nodes[stop.node.index()].kind.is_station() {
            fail(Some(i), "node", "lines stop at stations or bus stops only");
        }
        if !complete {
            continue;
        }
        if i == 0 && (stop.run_s != 0 || stop.distance_km != 0.0) {
            fail(
                Some(i),
                "run_min",
                "the first stop of a line has no previous stop: run_min and distance_km must be 0",
            );
        }
        if i > 0 && stops[i - 1].node == stop.node {
            fail(Some(i), "node", "the same stop twice in a row");
        }
    }
    if complete && stops.len() < 2 {
        fail(None, "stops", "a line needs at least two stops");
    }
    problems
}

/// A service period with a regular headway, applying to both directions of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadwayPeriod {
    /// Start, seconds since midnight.
    pub start_s: Seconds,
    /// End (exclusive), seconds since midnight.
    pub end_s: Seconds,
    /// Headway, seconds (positive).
    pub headway_s: Seconds,
}

/// Which way a vehicle runs along the stop list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// In stop-list order.
    Forward,
    /// Against stop-list order (two-way lines only).
    Reverse,
}

impl Direction {
    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Forward => "forward",
            Direction::Reverse => "reverse",
        }
    }
}

/// An explicit departure from the first stop of a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Departure {
    /// The direction the trip runs.
    pub direction: Direction,
    /// Departure from the first stop, seconds since midnight.
    pub time_s: Seconds,
}

/// A transit line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Mode.
    pub mode: Mode,
    /// Passengers per vehicle, seated and standing (the planning standard: see docs/formats.md).
    pub capacity: u32,
    /// Seats per vehicle (at most `capacity`).
    pub seats: u32,
    /// Fare rule.
    pub fare: FareRule,
    /// Whether vehicles run only in stop-list order.
    pub oneway: bool,
    /// When the last stop is the first: whether vehicles run on through it (a loop line, as
    /// Beijing's lines 2 and 10), or every trip ends there (an imported GTFS trip).
    pub loops: bool,
    /// Stops in travel order (at least two).
    pub stops: Vec<Stop>,
    /// Headway-based service periods.
    pub headways: Vec<HeadwayPeriod>,
    /// Explicit departures, sorted.
    pub departures: Vec<Departure>,
    /// The ids of explicit departures that have one (an imported GTFS trip), by direction and
    /// departure time, sorted.
    pub trip_ids: Vec<(Direction, Seconds, String)>,
}

impl Line {
    /// The directions this line runs in.
    pub fn directions(&self) -> &'static [Direction] {
        if self.oneway {
            &[Direction::Forward]
        } else {
            &[Direction::Forward, Direction::Reverse]
        }
    }

    /// The id of the explicit departure in `direction` at `time_s` from the first stop, if it
    /// has one.
    pub fn trip_id(&self, direction: Direction, time_s: Seconds) -> Option<&str> {
        let i = self
            .trip_ids
            .partition_point(|(d, t, _)| (*d, *t) < (direction, time_s));
        self.trip_ids
            .get(i)
            .filter(|(d, t, _)| (*d, *t) == (direction, time_s))
            .map(|(_, _, id)| id.as_str())
    }

    /// The stops in the order vehicles serve them in `direction`, each with the run time and
    /// distance from the previous stop in that order (a reverse run uses the forward values of
    /// the stop after).
    ///
    /// A loop line (its last stop is its first, as Beijing's lines 2 and 10) runs on through the
    /// seam: the stop list is followed by a second lap, so a ride across the first stop needs no
    /// change of train.
    pub fn stops_in(&self, direction: Direction) -> Vec<Stop> {
        let mut stops = self.stops_one_lap(direction);
        if self.is_loop() {
            let lap = stops[1..].to_vec();
            stops.extend(lap);
        }
        stops
    }

    /// Whether the line is a loop: vehicles run on through its last stop, which is its first
    /// (more than two stops).
    pub fn is_loop(&self) -> bool {
        self.loops
            && self.stops.len() > 2
            && self.stops.first().map(|s| s.node) == self.stops.last().map(|s| s.node)
    }

    fn stops_one_lap(&self, direction: Direction) -> Vec<Stop> {
        match direction {
            Direction::Forward => self.stops.clone(),
            Direction::Reverse => {
                let k = self.stops.len();
                (0..k)
                    .rev()
                    .map(|i| {
                        let next = self.stops.get(i + 1);
                        Stop {
                            node: self.stops[i].node,
                            run_s: next.map_or(0, |s| s.run_s),
                            dwell_s: self.stops[i].dwell_s,
                            distance_km: next.map_or(0.0, |s| s.distance_km),
                        }
                    })
                    .collect()
            }
        }
    }

    /// Every departure from the first stop in `direction` over the day, sorted, seconds since
    /// midnight: the explicit departures plus a vehicle every headway from each headway period's
    /// start (up to, not including, its end), shifted by `phase` (0..1) of the headway: where in
    /// the headway cycle the first vehicle runs, which a frequency-only description leaves open.
    /// Explicit departures do not move.
    pub fn trips_with_phase(&self, direction: Direction, phase: f64) -> Vec<Seconds> {
        let mut out: Vec<Seconds> = self
            .departures
            .iter()
            .filter(|d| d.direction == direction)
            .map(|d| d.time_s)
            .collect();
        for p in &self.headways {
            let shift = (phase.clamp(0.0, 1.0) * f64::from(p.headway_s)) as Seconds;
            let first = p
                .start_s
                .saturating_add(shift.min(p.headway_s.saturating_sub(1)));
            out.extend((first..p.end_s).step_by(p.headway_s as usize));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Number of departures in `[start_s, end_s)` in one direction: fractional for headway
    /// periods (overlap / headway), whole for explicit departures.
    pub fn departures_in(&self, direction: Direction, start_s: Seconds, end_s: Seconds) -> f64 {
        let from_periods: f64 = self
            .headways
            .iter()
            .map(|p| {
                let overlap = p.end_s.min(end_s).saturating_sub(p.start_s.max(start_s));
                f64::from(overlap) / f64::from(p.headway_s)
            })
            .sum();
        let explicit = self
            .departures
            .iter()
            .filter(|d| d.direction == direction && (start_s..end_s).contains(&d.time_s))
            .count();
        from_periods + explicit as f64
    }
}

/// A zone: where commuters live and work.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Stable id.
    pub id: String,
    /// Display name (English).
    pub name: String,
    /// Chinese name (Simplified), empty when not given. Accepted by place lookups, not written
    /// to outputs.
    pub name_zh: String,
    /// The centroid node (kind `zone_centroid`).
    pub centroid: NodeId,
    /// Residents, persons.
    pub residents: u64,
    /// Jobs located in the zone.
    pub jobs: u64,
    /// Share of households with a car, 0..=1.
    pub car_share: f64,
    /// Province or province-level city (e.g. `Beijing`, `Hebei`), empty when not given: how
    /// outputs group zones.
    pub province: String,
    /// Built-up area where the zone's residents live and its jobs are, km² (not the
    /// administrative area, which counts mountains and fields): sets how long a commute within
    /// the zone is when the scenario gives `[demand] intrazonal_kmh`. `None` when not given.
    pub area_km2: Option<f64>,
}

/// How a zone centroid reaches the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessMode {
    /// Driving to a road node.
    Car,
    /// Walking to a station or stop.
    Walk,
    /// A feeder ride (local bus, taxi, bike) to a station or stop.
    Feeder,
}

impl AccessMode {
    /// All access modes, in the order files list them.
    pub const ALL: [AccessMode; 3] = [AccessMode::Car, AccessMode::Walk, AccessMode::Feeder];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::Car => "car",
            AccessMode::Walk => "walk",
            AccessMode::Feeder => "feeder",
        }
    }

    /// Parses the name used in files.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// An access link between a zone centroid and a network node, used both ways (access and egress).
#[derive(Debug, Clone, PartialEq)]
pub struct AccessLink {
    /// The zone.
    pub zone: ZoneId,
    /// The road node, station or stop reached.
    pub node: NodeId,
    /// How it is travelled.
    pub mode: AccessMode,
    /// Travel time, seconds.
    pub time_s: Seconds,
}

/// Network-wide settings from `network.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Network name.
    pub name: String,
    /// Free-text description.
    pub description: String,
    /// Where the figures come from.
    pub sources: Vec<String>,
    /// Time to change lines within a station without its own transfer row, seconds.
    pub default_transfer_s: Seconds,
    /// The longest expected wait in the deterministic mode: when half a line's mean headway is
    /// longer, riders time their arrival to a departure and wait this long. Seconds.
    pub scheduled_wait_s: Seconds,
    /// Station processing time before boarding (ticket and security check), by mode, seconds.
    pub processing_s: [Seconds; 5],
    /// By mode, how many more standees a vehicle takes at crush load than its rated capacity
    /// counts (a factor on `capacity - seats`; 1 by default): riders are refused only beyond
    /// that ([`Network::crush_capacity`]).
    pub crush_standing: [f64; 5],
    /// Distance-based fare systems that `system:ID` fare rules refer to.
    pub fare_systems: Vec<FareSystem>,
    /// The zones the region's policy metrics refer to.
    pub policy: Policy,
}

/// The zones the region's policy goals refer to (`[policy]` in `network.toml`), by zone id.
/// Empty lists turn the metrics that need them off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// Central zones of the metropolis, for the 1-hour commuting circle.
    pub centre_zones: Vec<String>,
    /// The cities of the city cluster, for the 2-hour travel circle.
    pub city_zones: Vec<String>,
    /// A zone whose access to `metropolis_zones`' jobs is reported (Xiong'an).
    pub satellite_zone: Option<String>,
    /// The metropolis's zones (Beijing's), whose jobs count for the satellite's access.
    pub metropolis_zones: Vec<String>,
}

/// A reference to a road or walk link by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRef {
    /// Index into [`Network::roads`].
    Road(usize),
    /// Index into [`Network::walks`].
    Walk(usize),
}

/// The transport network. Immutable outside the crate.
#[derive(Debug, Clone)]
pub struct Network {
    pub(crate) settings: Settings,
    pub(crate) nodes: Vec<Node>,
    pub(crate) roads: Vec<RoadLink>,
    /// Roads a scenario closed, as they were: no graph routes over them.
    pub(crate) closed_roads: Vec<RoadLink>,
    pub(crate) walks: Vec<WalkLink>,
    pub(crate) transfers: Vec<Transfer>,
    pub(crate) lines: Vec<Line>,
    pub(crate) zones: Vec<Zone>,
    pub(crate) access: Vec<AccessLink>,
    // foldhash: the id maps of a million-row network are built at every load (a fifth of the
    // load time with the standard SipHash); seeded per process, like the standard maps.
    node_index: foldhash::HashMap<String, NodeId>,
    zone_index: foldhash::HashMap<String, ZoneId>,
    line_index: foldhash::HashMap<String, LineId>,
    link_index: foldhash::HashMap<String, LinkRef>,
}

impl Network {
    /// A network with the given settings and nothing in it.
    pub(crate) fn empty(settings: Settings) -> Self {
        Network {
            settings,
            nodes: Vec::new(),
            roads: Vec::new(),
            closed_roads: Vec::new(),
            walks: Vec::new(),
            transfers: Vec::new(),
            lines: Vec::new(),
            zones: Vec::new(),
            access: Vec::new(),
            node_index: Default::default(),
            zone_index: Default::default(),
            line_index: Default::default(),
            link_index: Default::default(),
        }
    }

    /// Rebuilds the id indexes after an edit. Callers guarantee ids are unique.
    pub(crate) fn reindex(&mut self) {
        self.node_index = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), NodeId::new(i)))
            .collect();
        self.zone_index = self
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| (z.id.clone(), ZoneId::new(i)))
            .collect();
        self.line_index = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.clone(), LineId::new(i)))
            .collect();
        self.link_index = self
            .roads
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), LinkRef::Road(i)))
            .chain(
                self.walks
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (w.id.clone(), LinkRef::Walk(i))),
            )
            .collect();
    }

    /// Settings from `network.toml`.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    /// All nodes, indexed by [`NodeId`].
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }
    /// All road links.
    pub fn roads(&self) -> &[RoadLink] {
        &self.roads
    }
    /// Road links a scenario closed (`close-link`), as they were before: nothing routes over
    /// them, but a bus line timetabled over one of them must now drive a detour, whose length
    /// is measured against the path it was timetabled for (see `sim::congestion`).
    pub fn closed_roads(&self) -> &[RoadLink] {
        &self.closed_roads
    }
    /// All walk links.
    pub fn walks(&self) -> &[WalkLink] {
        &self.walks
    }
    /// All transfers.
    pub fn transfers(&self) -> &[Transfer] {
        &self.transfers
    }
    /// All lines, indexed by [`LineId`].
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }
    /// All zones, indexed by [`ZoneId`].
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }
    /// All zone access links.
    pub fn access(&self) -> &[AccessLink] {
        &self.access
    }
    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }
    /// The zone with this id.
    pub fn zone(&self, id: ZoneId) -> &Zone {
        &self.zones[id.index()]
    }
    /// The great-circle distance between the centroids of the zones with indices `o` and `d`,
    /// km (haversine on a sphere of 6,371 km).
    pub fn zone_straight_km(&self, o: usize, d: usize) -> f64 {
        self.node(self.zones[o].centroid)
            .straight_km(self.node(self.zones[d].centroid))
    }
    /// The line with this id.
    pub fn line(&self, id: LineId) -> &Line {
        &self.lines[id.index()]
    }
    /// The most passengers a vehicle of `line` takes before riders are refused: its seats plus
    /// its rated standees (`capacity - seats`) times the network's crush factor for its mode,
    /// rounded.
    pub fn crush_capacity(&self, line: &Line) -> u32 {
        let standees = f64::from(line.capacity - line.seats.min(line.capacity));
        let factor = self.settings.crush_standing[line.mode.index()];
        line.seats.min(line.capacity) + (standees * factor).round() as u32
    }
    /// Looks up a node by its string id.
    pub fn node_id(&self, id: &str) -> Option<NodeId> {
        self.node_index.get(id).copied()
    }
    /// Looks up a zone by its string id.
    pub fn zone_id(&self, id: &str) -> Option<ZoneId> {
        self.zone_index.get(id).copied()
    }
    /// Looks up a line by its string id.
    pub fn line_id(&self, id: &str) -> Option<LineId> {
        self.line_index.get(id).copied()
    }
    /// Looks up a road or walk link by its string id.
    pub fn link(&self, id: &str) -> Option<LinkRef> {
        self.link_index.get(id).copied()
    }
    /// The zone whose centroid is `node`, if any.
    pub fn zone_at(&self, node: NodeId) -> Option<ZoneId> {
        self.zones
            .iter()
            .position(|z| z.centroid == node)
            .map(ZoneId::new)
    }
}
