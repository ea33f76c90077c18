//! GTFS feeds in, a network folder out (`commute import --gtfs FEED --date YYYY-MM-DD`).
//!
//! The feed's trips that run on the date become the folder's lines, exactly: trips of one route
//! that stop at the same stops with the same run and dwell times form one line (a *pattern*),
//! whose `departures.csv` rows are the trips' departures from the first stop, so every trip
//! keeps its own times to the second. frequencies.txt periods become explicit departures
//! (`exact_times = 1`) or `service.csv` headway periods (`exact_times = 0`, the vehicles every
//! `headway_secs` from `start_time`). Lines are one-way and never loop: a trip ends at its last
//! stop even when that is its first.
//!
//! Stops keep their `stop_id` as node id (prefixed by the feed's name when several feeds are
//! imported together); a parent station becomes a node too, linked on foot to its platforms.
//! Walking links (`walk.csv`, one-way rows) come from transfers.txt and, where it is silent,
//! join the platforms of one station and, in a feed without transfers.txt, stops without a
//! station that share a name within [`SAME_NAME_KM`]: at [`WALK_KMH`] over the straight line times [`WALK_DETOUR`]. Changing
//! vehicles at one stop takes no time (`default_transfer_min = 0`) unless transfers.txt gives a
//! minimum for the stop, and no station has a processing time: GTFS has neither.
//!
//! What the model cannot carry is counted in the folder's README, not silently dropped:
//! pickup and drop-off restrictions, forbidden transfers at one stop, zone-based fares.

mod calendar;
mod trips;

use crate::error::{Error, Problem, Result};
use crate::import::osm::RoadLayer;
use crate::import::{Imported, ImportedFile, Report, decimal, generated_by, table};
use crate::io::{GtfsFeed, ZonePoint, ZonePoints};
use crate::network::great_circle_km;
use crate::time::format_clock;
use gtfs_structures::{LocationType, RouteType, TransferType};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use trips::{Period, TimedTrip};

/// Walking speed of the links the import derives, km/h.
pub const WALK_KMH: f64 = 4.5;
/// Walking distance over straight-line distance.
pub const WALK_DETOUR: f64 = 1.3;
/// Stops without a station sharing a name are linked on foot within this distance, km.
pub const SAME_NAME_KM: f64 = 0.3;
/// A zone reaches the stops within this straight-line distance on foot, km (the nearest stop
/// when none is that close).
pub const ZONE_WALK_KM: f64 = 0.8;
/// A zone farther than this from every stop is refused, km.
pub const ZONE_MAX_WALK_KM: f64 = 5.0;
/// A zone reaches at most this many stops.
pub const ZONE_MAX_STOPS: usize = 8;
/// Without `--zones`, a grid of square zones with at most about this many cells holding stops
/// is laid over the stops (cells at least 1 km wide, in steps of 0.5 km).
pub const GRID_ZONES: f64 = 100.0;
/// Residents and jobs of each grid zone: a placeholder, the same everywhere (give `--zones` for
/// real ones).
pub const GRID_PERSONS: u64 = 1_000;

/// A zone's car reaches its nearest road junction at this speed, km/h, over
/// [`WALK_DETOUR`] times the straight line (local streets the extract's classes leave out).
pub const ZONE_CAR_KMH: f64 = 20.0;

/// Seconds by car to a junction `km` away in a straight line ([`ZONE_CAR_KMH`]).
pub fn car_access_seconds(km: f64) -> u32 {
    (km * WALK_DETOUR / ZONE_CAR_KMH * 3600.0).round() as u32
}

/// Walking seconds over `km` of straight line.
pub fn walk_seconds(km: f64) -> u32 {
    (km * WALK_DETOUR / WALK_KMH * 3600.0).round() as u32
}

/// What the import is asked to make.
#[derive(Debug, Clone)]
pub struct GtfsOptions<'a> {
    /// The network's name (`network.toml`).
    pub name: String,
    /// The service day: trips running on it are imported.
    pub date: Date,
    /// The zones; `None`: a grid ([`GRID_ZONES`]).
    pub zones: Option<&'a ZonePoints>,
    /// Only what lies in this box, `(west, south, east, north)` in degrees: stops outside it
    /// are left out and trips cut there.
    pub bbox: Option<(f64, f64, f64, f64)>,
    /// The roads, with the name of the OpenStreetMap extract they come from, if any.
    pub roads: Option<(&'a RoadLayer, String)>,
    /// The command that makes the folder, for the README and the tables' generated-by line.
    pub command: String,
}

/// The network folder of `feeds` on `options.date`; all problems of all feeds at once.
pub fn import(feeds: &[GtfsFeed], options: &GtfsOptions<'_>) -> Result<Imported> {
    let prefixes = prefixes(feeds);
    let mut problems = Vec::new();
    let mut built = Built::default();
    for (feed, prefix) in feeds.iter().zip(&prefixes) {
        let checked = trips::check(feed, &mut problems);
        if problems.is_empty() {
            built.add_feed(feed, prefix, &checked, options, &mut problems);
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    if !feeds.is_empty() && built.lines.is_empty() {
        let covered: Vec<String> = feeds
            .iter()
            .filter_map(|f| {
                calendar::covered(f).map(|(a, b)| format!("{}: {a} to {b}", f.path.display()))
            })
            .collect();
        return Err(Error::Invalid(vec![Problem::file(
            &feeds[0].path,
            format!(
                "no trip runs on {} (the calendars cover {})",
                options.date,
                if covered.is_empty() {
                    "no date".to_owned()
                } else {
                    covered.join("; ")
                }
            ),
        )]));
    }
    if let Some((roads, extract)) = &options.roads {
        built.add_roads(roads, extract, &mut problems);
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
    }
    let zones = match options.zones {
        Some(points) => points.zones.clone(),
        None => built.grid_zones(options.roads.is_some()),
    };
    let far = built.connect_zones(&zones);
    if let (Some(points), false) = (options.zones, far.is_empty()) {
        return Err(Error::Invalid(
            far.iter()
                .map(|z| {
                    Problem::at(
                        &points.path,
                        z.line,
                        Some("lon"),
                        format!(
                            "zone `{}` is more than {ZONE_MAX_WALK_KM} km from every stop and \
                             road junction",
                            z.id
                        ),
                    )
                })
                .collect(),
        ));
    }
    Ok(built.write(feeds, options, &zones))
}

/// The id prefix of each feed: none for a single feed, else the feed's file or folder name
/// (without `.zip`) and a colon, numbered when two feeds share a name.
fn prefixes(feeds: &[GtfsFeed]) -> Vec<String> {
    if feeds.len() < 2 {
        return vec![String::new(); feeds.len()];
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    feeds
        .iter()
        .map(|f| {
            let stem = f
                .path
                .file_name()
                .map(|n| n.to_string_lossy().trim_end_matches(".zip").to_owned())
                .unwrap_or_else(|| "feed".into());
            let count = seen.entry(stem.clone()).or_default();
            *count += 1;
            if *count == 1 {
                format!("{stem}:")
            } else {
                format!("{stem}{count}:")
            }
        })
        .collect()
}

/// The model's mode of a GTFS route type, with the capacity and seats of its vehicles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Vehicle {
    mode: &'static str,
    kind: &'static str,
    capacity: u32,
    seats: u32,
}

/// The vehicle of `route_type` (documented in docs/import.md): rail-like types by their
/// vehicles, everything on roads or water as a bus.
fn vehicle(route_type: RouteType) -> Vehicle {
    const SUBWAY: Vehicle = Vehicle {
        mode: "subway",
        kind: "subway_station",
        capacity: 1440,
        seats: 240,
    };
    const TRAM: Vehicle = Vehicle {
        mode: "subway",
        kind: "subway_station",
        capacity: 300,
        seats: 70,
    };
    const RAIL: Vehicle = Vehicle {
        mode: "rail",
        kind: "rail_station",
        capacity: 1200,
        seats: 500,
    };
    const HSR: Vehicle = Vehicle {
        mode: "hsr",
        kind: "rail_station",
        capacity: 691,
        seats: 576,
    };
    const BUS: Vehicle = Vehicle {
        mode: "bus",
        kind: "bus_stop",
        capacity: 80,
        seats: 30,
    };
    const COACH: Vehicle = Vehicle {
        mode: "bus",
        kind: "bus_stop",
        capacity: 50,
        seats: 50,
    };
    let code = match route_type {
        RouteType::Tramway => 0,
        RouteType::Subway => 1,
        RouteType::Rail => 2,
        RouteType::Bus => 3,
        RouteType::Ferry => 4,
        RouteType::CableCar => 5,
        RouteType::Gondola => 6,
        RouteType::Funicular => 7,
        RouteType::Extended(e) => e as i16,
        RouteType::Other(n) => n,
    };
    match code {
        101 => HSR,
        1 | 12 | 400..=405 => SUBWAY,
        0 | 5 | 7 | 900..=906 | 1400 => TRAM,
        2 | 100..=117 => RAIL,
        200..=209 => COACH,
        _ => BUS,
    }
}

/// A line: one route's trips with the same stops and times.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct PatternKey {
    route: usize,
    stops: Vec<usize>,
    /// Arrival and departure at each stop, after the departure from the first.
    profile: Vec<(u32, u32)>,
}

#[derive(Debug, Default)]
struct Pattern {
    /// Departures from the first stop (explicit trips and exact frequencies), with the trip's
    /// id.
    departures: Vec<(u32, String)>,
    /// Headway periods (inexact frequencies).
    periods: Vec<Period>,
    /// The trips, by id.
    trips: Vec<String>,
}

/// A node of the folder.
#[derive(Debug, Clone)]
struct NodeOut {
    id: String,
    name: String,
    kind: &'static str,
    lon: f64,
    lat: f64,
}

#[derive(Debug, Clone)]
struct LineOut {
    id: String,
    name: String,
    vehicle: Vehicle,
    fare: String,
    route_id: String,
    /// (node index, run s, dwell s, km from the previous stop).
    stops: Vec<(usize, u32, u32, f64)>,
    departures: Vec<(u32, String)>,
    periods: Vec<Period>,
    trips: usize,
}

/// A one-way walking link between nodes, seconds.
type Walk = (usize, usize, u32);

#[derive(Debug, Default)]
struct Built {
    nodes: Vec<NodeOut>,
    node_index: HashMap<String, usize>,
    /// Nodes vehicles stop at (not parent stations).
    served: Vec<usize>,
    lines: Vec<LineOut>,
    walks: Vec<Walk>,
    /// Change times inside a stop, seconds.
    stop_transfers: BTreeMap<usize, u32>,
    /// (zone, node, seconds, by car).
    access: Vec<(String, usize, u32, bool)>,
    /// Road junction nodes.
    junctions: Vec<usize>,
    /// Road links: (link, from node, to node).
    roads: Vec<(crate::import::osm::Link, usize, usize)>,
    counts: Counts,
}

/// What was imported and what could not be, for the README.
#[derive(Debug, Default)]
struct Counts {
    trips_on_date: usize,
    trips_in_feeds: usize,
    stop_times_on_date: usize,
    frequency_periods: usize,
    transfers_used: usize,
    forbidden_at_stop: usize,
    transfers_unused: usize,
    pickup_restricted: usize,
    zone_fare_rules: usize,
    fares_used: usize,
    stations: usize,
}

impl Built {
    fn node(&mut self, node: NodeOut) -> usize {
        if let Some(&i) = self.node_index.get(&node.id) {
            return i;
        }
        let i = self.nodes.len();
        self.node_index.insert(node.id.clone(), i);
        self.nodes.push(node);
        i
    }

    fn add_feed(
        &mut self,
        feed: &GtfsFeed,
        prefix: &str,
        checked: &trips::Checked,
        options: &GtfsOptions<'_>,
        problems: &mut Vec<Problem>,
    ) {
        let running = calendar::services_on(feed, options.date);
        self.counts.trips_in_feeds += feed.trips.len();
        self.counts.pickup_restricted += feed
            .stop_times
            .iter()
            .filter(|st| {
                !matches!(st.pickup_type, gtfs_structures::PickupDropOffType::Regular)
                    || !matches!(
                        st.drop_off_type,
                        gtfs_structures::PickupDropOffType::Regular
                    )
            })
            .count();
        let mut patterns: BTreeMap<PatternKey, Pattern> = BTreeMap::new();
        let inside = |s: usize| {
            options.bbox.is_none_or(|(w, south, e, n)| {
                let (lon, lat) = position(feed, s);
                (w..=e).contains(&lon) && (south..=n).contains(&lat)
            })
        };
        for whole in &checked.trips {
            let trip = &feed.trips[whole.trip];
            if !running.contains(&trip.service_id) {
                continue;
            }
            self.counts.trips_on_date += 1;
            for t in &within(whole, &inside) {
                self.counts.stop_times_on_date += t.stops.len();
                self.counts.stop_times_on_date += t.stops.len();
                let key = PatternKey {
                    route: t.route,
                    stops: t.stops.clone(),
                    profile: t
                        .arrive
                        .iter()
                        .zip(&t.depart)
                        .map(|(&a, &d)| (a.saturating_sub(t.depart[0]), d - t.depart[0]))
                        .collect(),
                };
                let pattern = patterns.entry(key).or_default();
                pattern.trips.push(trip.id.clone());
                push_starts(t, &trip.id, pattern, &mut self.counts);
            }
        }
        // Lines: one per pattern, named after the route (numbered when it has several).
        let mut per_route: HashMap<usize, usize> = HashMap::new();
        for key in patterns.keys() {
            *per_route.entry(key.route).or_default() += 1;
        }
        let fares = fares(feed, &mut self.counts);
        let mut numbered: HashMap<usize, usize> = HashMap::new();
        for (key, pattern) in patterns {
            let route = &feed.routes[key.route];
            let vehicle = vehicle(route.route_type);
            let id = if per_route[&key.route] == 1 {
                format!("{prefix}{}", route.id)
            } else {
                let n = numbered.entry(key.route).or_default();
                *n += 1;
                format!("{prefix}{}-{n}", route.id)
            };
            let last = &feed.stops[key.stops[key.stops.len() - 1]];
            let route_name = [route.short_name.as_deref(), route.long_name.as_deref()]
                .into_iter()
                .flatten()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let route_name = if route_name.is_empty() {
                route.id.clone()
            } else {
                route_name
            };
            let name = format!(
                "{route_name} to {}",
                last.name.as_deref().unwrap_or(&last.id)
            );
            let mut stops = Vec::with_capacity(key.stops.len());
            for (k, &s) in key.stops.iter().enumerate() {
                let node = self.stop_node(feed, prefix, s, vehicle.kind);
                self.served.push(node);
                let (run, dwell, km) = if k == 0 {
                    (0, 0, 0.0)
                } else {
                    let (arrive, depart) = key.profile[k];
                    let last_stop = k + 1 == key.stops.len();
                    (
                        arrive - key.profile[k - 1].1,
                        if last_stop { 0 } else { depart - arrive },
                        great_circle_km(position(feed, key.stops[k - 1]), position(feed, s)),
                    )
                };
                stops.push((node, run, dwell, km));
            }
            let mut departures = pattern.departures;
            departures.sort();
            self.lines.push(LineOut {
                id,
                name,
                vehicle,
                fare: fares
                    .get(&key.route)
                    .cloned()
                    .unwrap_or_else(|| "none".into()),
                route_id: route.id.clone(),
                stops,
                departures,
                periods: pattern.periods,
                trips: pattern.trips.len(),
            });
        }
        self.served.sort_unstable();
        self.served.dedup();
        self.feed_walks(feed, prefix, checked, problems);
    }

    /// The node of stop `s` (and its parent station's, linked on foot), made on first use.
    fn stop_node(&mut self, feed: &GtfsFeed, prefix: &str, s: usize, kind: &'static str) -> usize {
        let stop = &feed.stops[s];
        let id = format!("{prefix}{}", stop.id);
        if let Some(&i) = self.node_index.get(&id) {
            // A stop served by rail is a rail station, by a subway a subway station.
            let rank = |k: &str| {
                ["bus_stop", "subway_station", "rail_station"]
                    .iter()
                    .position(|x| *x == k)
            };
            if rank(kind) > rank(self.nodes[i].kind) {
                self.nodes[i].kind = kind;
            }
            return i;
        }
        let (lon, lat) = position(feed, s);
        self.node(NodeOut {
            id,
            name: stop.name.clone().unwrap_or_else(|| stop.id.clone()),
            kind,
            lon,
            lat,
        })
    }

    /// Walking links of one feed: transfers.txt, the platforms of each station, parent
    /// stations to their platforms, and stops sharing a name nearby.
    fn feed_walks(
        &mut self,
        feed: &GtfsFeed,
        prefix: &str,
        checked: &trips::Checked,
        problems: &mut Vec<Problem>,
    ) {
        let node_of = |built: &Built, s: usize| {
            built
                .node_index
                .get(&format!("{prefix}{}", feed.stops[s].id))
                .copied()
        };
        // Platforms served, by parent station.
        let mut children: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (s, stop) in feed.stops.iter().enumerate() {
            if let Some(parent) = stop.parent_station.as_deref().filter(|p| !p.is_empty())
                && node_of(self, s).is_some()
            {
                children
                    .entry(checked.stop_index[parent])
                    .or_default()
                    .push(s);
            }
        }
        // transfers.txt: a station stands for its platforms.
        let expand = |s: usize| -> Vec<usize> {
            match children.get(&s) {
                Some(platforms)
                    if matches!(feed.stops[s].location_type, LocationType::StopArea) =>
                {
                    platforms.clone()
                }
                _ => vec![s],
            }
        };
        let mut given: BTreeMap<(usize, usize), Option<u32>> = BTreeMap::new();
        for (i, t) in feed.transfers.iter().enumerate() {
            let file = feed.file("transfers.txt");
            let (Some(&from), Some(&to)) = (
                checked.stop_index.get(&t.from_stop_id),
                checked.stop_index.get(&t.to_stop_id),
            ) else {
                for (field, id) in [
                    ("from_stop_id", &t.from_stop_id),
                    ("to_stop_id", &t.to_stop_id),
                ] {
                    if !checked.stop_index.contains_key(id) {
                        problems.push(Problem::at(
                            &file,
                            crate::io::gtfs_line(i),
                            Some(field),
                            format!("unknown stop `{id}`"),
                        ));
                    }
                }
                continue;
            };
            let seconds = match t.transfer_type {
                TransferType::Impossible => None,
                TransferType::Timed => Some(0),
                TransferType::MinTime => Some(t.min_transfer_time.unwrap_or_else(|| {
                    walk_seconds(great_circle_km(position(feed, from), position(feed, to)))
                })),
                _ => Some(walk_seconds(great_circle_km(
                    position(feed, from),
                    position(feed, to),
                ))),
            };
            let mut used = false;
            for a in expand(from) {
                for b in expand(to) {
                    if a == b {
                        match seconds {
                            None => self.counts.forbidden_at_stop += 1,
                            Some(s) if matches!(t.transfer_type, TransferType::MinTime) => {
                                if let Some(n) = node_of(self, a) {
                                    self.stop_transfers.insert(n, s);
                                    used = true;
                                }
                            }
                            Some(_) => {}
                        }
                    } else if node_of(self, a).is_some() && node_of(self, b).is_some() {
                        given.insert((a, b), seconds);
                        used = true;
                    }
                }
            }
            if used {
                self.counts.transfers_used += 1;
            } else {
                self.counts.transfers_unused += 1;
            }
        }
        let mut walks: BTreeMap<(usize, usize), u32> = BTreeMap::new();
        for (&(a, b), &seconds) in &given {
            if let Some(s) = seconds {
                walks.insert((a, b), s);
            }
        }
        let derived = |a: usize, b: usize, walks: &mut BTreeMap<(usize, usize), u32>| {
            if !given.contains_key(&(a, b)) {
                walks.entry((a, b)).or_insert_with(|| {
                    walk_seconds(great_circle_km(position(feed, a), position(feed, b)))
                });
            }
        };
        for platforms in children.values() {
            for &a in platforms {
                for &b in platforms {
                    if a != b {
                        derived(a, b, &mut walks);
                    }
                }
            }
        }
        // Stops sharing a name are linked only when the feed lists no transfers: a feed that
        // does is taken at its word.
        let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (s, stop) in feed.stops.iter().enumerate() {
            if feed.transfers.is_empty()
                && stop.parent_station.as_deref().is_none_or(str::is_empty)
                && matches!(stop.location_type, LocationType::StopPoint)
                && node_of(self, s).is_some()
                && let Some(name) = stop.name.as_deref().filter(|n| !n.trim().is_empty())
            {
                by_name.entry(name).or_default().push(s);
            }
        }
        for stops in by_name.values() {
            for &a in stops {
                for &b in stops {
                    if a != b
                        && great_circle_km(position(feed, a), position(feed, b)) <= SAME_NAME_KM
                    {
                        derived(a, b, &mut walks);
                    }
                }
            }
        }
        for ((a, b), seconds) in walks {
            let (Some(na), Some(nb)) = (node_of(self, a), node_of(self, b)) else {
                continue;
            };
            self.walks.push((na, nb, seconds));
        }
        // Parent stations: a node each, walked to and from its platforms.
        for (&station, platforms) in &children {
            let stop = &feed.stops[station];
            let kind = "station";
            let (lon, lat) = match (stop.longitude, stop.latitude) {
                (Some(lon), Some(lat)) => (lon, lat),
                _ => position(feed, platforms[0]),
            };
            let n = self.node(NodeOut {
                id: format!("{prefix}{}", stop.id),
                name: stop.name.clone().unwrap_or_else(|| stop.id.clone()),
                kind,
                lon,
                lat,
            });
            self.counts.stations += 1;
            for &p in platforms {
                let np = node_of(self, p).expect("served");
                let s = walk_seconds(great_circle_km((lon, lat), position(feed, p)));
                self.walks.push((n, np, s));
                self.walks.push((np, n, s));
            }
        }
    }

    /// Square zones over the served stops and road junctions ([`GRID_ZONES`]); with roads,
    /// half the households have a car (a placeholder like the residents and jobs).
    fn grid_zones(&self, roads: bool) -> Vec<ZonePoint> {
        let points: Vec<(f64, f64)> = self
            .served
            .iter()
            .chain(&self.junctions)
            .map(|&n| (self.nodes[n].lon, self.nodes[n].lat))
            .collect();
        let (min_lon, max_lon) = points
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let (min_lat, max_lat) = points
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let mid_lat = (min_lat + max_lat) / 2.0;
        let width_km = great_circle_km((min_lon, mid_lat), (max_lon, mid_lat));
        let height_km = great_circle_km((min_lon, min_lat), (min_lon, max_lat));
        let side_km = ((width_km * height_km / GRID_ZONES).sqrt() * 2.0)
            .ceil()
            .max(2.0)
            / 2.0;
        let dlat = side_km / great_circle_km((0.0, 0.0), (0.0, 1.0));
        let dlon = side_km / great_circle_km((0.0, mid_lat), (1.0, mid_lat)).max(1e-9);
        let cells: BTreeSet<(i64, i64)> = points
            .iter()
            .map(|&(lon, lat)| {
                (
                    ((lon - min_lon) / dlon).floor() as i64,
                    ((lat - min_lat) / dlat).floor() as i64,
                )
            })
            .collect();
        cells
            .into_iter()
            .map(|(col, row)| ZonePoint {
                line: 0,
                id: format!("g{col}_{row}"),
                name: format!("Grid {col},{row}"),
                lon: min_lon + (col as f64 + 0.5) * dlon,
                lat: min_lat + (row as f64 + 0.5) * dlat,
                residents: GRID_PERSONS,
                jobs: GRID_PERSONS,
                car_share: if roads { 0.5 } else { 0.0 },
                province: String::new(),
                area_km2: Some(side_km * side_km),
            })
            .collect()
    }

    /// Each zone's walking access to the served stops near it ([`ZONE_WALK_KM`]) and car
    /// access to the nearest road junction; the zones farther than [`ZONE_MAX_WALK_KM`] from
    /// every stop and junction are returned.
    fn connect_zones<'z>(&mut self, zones: &'z [ZonePoint]) -> Vec<&'z ZonePoint> {
        let mut far = Vec::new();
        for z in zones {
            let by_distance = |nodes: &[usize]| {
                let mut near: Vec<(f64, usize)> = nodes
                    .iter()
                    .map(|&n| {
                        let node = &self.nodes[n];
                        (great_circle_km((z.lon, z.lat), (node.lon, node.lat)), n)
                    })
                    .collect();
                near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                near
            };
            let stops = by_distance(&self.served);
            let within = stops
                .iter()
                .take_while(|(km, _)| *km <= ZONE_WALK_KM)
                .count()
                .clamp(1, ZONE_MAX_STOPS);
            let mut nearest = f64::INFINITY;
            let mut access = Vec::new();
            for &(km, n) in &stops[..within.min(stops.len())] {
                access.push((z.id.clone(), n, walk_seconds(km), false));
                nearest = nearest.min(km);
            }
            if let Some(&(km, n)) = by_distance(&self.junctions).first() {
                access.push((z.id.clone(), n, car_access_seconds(km), true));
                nearest = nearest.min(km);
            }
            self.access.extend(access);
            if nearest > ZONE_MAX_WALK_KM {
                far.push(z);
            }
        }
        far
    }

    /// The roads as road junction nodes (their OSM ids) and links.
    fn add_roads(&mut self, roads: &RoadLayer, extract: &str, problems: &mut Vec<Problem>) {
        let mut index = Vec::with_capacity(roads.junctions.len());
        for j in &roads.junctions {
            let id = j.osm_id.to_string();
            if self.node_index.contains_key(&id) {
                problems.push(Problem::file(
                    std::path::Path::new(extract),
                    format!(
                        "OSM node {id} has the id of a GTFS stop: import the feed and the \
                         extract into two folders"
                    ),
                ));
                continue;
            }
            let n = self.node(NodeOut {
                id,
                name: j.name.clone(),
                kind: "road_junction",
                lon: j.position.0,
                lat: j.position.1,
            });
            self.junctions.push(n);
            index.push(n);
        }
        if problems.is_empty() {
            for l in &roads.links {
                self.roads.push((l.clone(), index[l.from], index[l.to]));
            }
        }
    }

    fn write(
        &self,
        feeds: &[GtfsFeed],
        options: &GtfsOptions<'_>,
        zones: &[ZonePoint],
    ) -> Imported {
        let feed_names: Vec<String> = feeds
            .iter()
            .map(|f| {
                f.path.file_name().map_or_else(
                    || f.path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            })
            .collect();
        let mut sources = Vec::new();
        if !feeds.is_empty() {
            sources.push(format!(
                "the GTFS feed{} {}",
                if feeds.len() > 1 { "s" } else { "" },
                feed_names.join(", ")
            ));
        }
        if let Some((_, extract)) = &options.roads {
            sources.push(format!(
                "the OpenStreetMap extract {extract} (© OpenStreetMap contributors, ODbL)"
            ));
        }
        let source = sources.join(" and ");
        let by = generated_by(&options.command, &source);
        let minutes = |s: u32| decimal(f64::from(s) / 60.0, 4);
        let zone_node = |z: &ZonePoint| format!("zone:{}", z.id);
        let mut files = Vec::new();
        let mut file = |name: &str, bytes: Vec<u8>| {
            files.push(ImportedFile {
                name: name.into(),
                bytes,
            })
        };

        let mut toml = String::new();
        let agencies: BTreeSet<&str> = feeds
            .iter()
            .flat_map(|f| f.agencies.iter().map(|a| a.name.as_str()))
            .collect();
        let _ = writeln!(toml, "# {by}");
        let _ = writeln!(
            toml,
            "format_version = 1\nname = {}",
            toml_string(&options.name)
        );
        let _ = writeln!(
            toml,
            "description = {}",
            toml_string(&if feeds.is_empty() {
                format!("Imported from {source}")
            } else {
                format!("Imported from {source}; the trips of {}", options.date)
            })
        );
        let _ = writeln!(toml, "coordinate_system = \"WGS84\"");
        let sources: Vec<String> = feed_names
            .iter()
            .map(|n| toml_string(&format!("GTFS feed {n}")))
            .chain(
                agencies
                    .iter()
                    .map(|a| toml_string(&format!("agency: {a}"))),
            )
            .chain(options.roads.iter().map(|(_, extract)| {
                toml_string(&format!(
                    "OpenStreetMap extract {extract} (© OpenStreetMap contributors, ODbL)"
                ))
            }))
            .collect();
        let _ = writeln!(toml, "sources = [{}]", sources.join(", "));
        let _ = writeln!(
            toml,
            "# GTFS has no change time inside a stop unless transfers.txt gives one, and no station processing."
        );
        let _ = writeln!(toml, "default_transfer_min = 0");
        file("network.toml", toml.into_bytes());

        let mut t = table(&["id", "name", "kind", "lon", "lat"], &by);
        for n in &self.nodes {
            t.row([
                n.id.as_str(),
                &n.name,
                n.kind,
                &decimal(n.lon, 6),
                &decimal(n.lat, 6),
            ]);
        }
        for z in zones {
            t.row([
                zone_node(z).as_str(),
                &z.name,
                "zone_centroid",
                &decimal(z.lon, 6),
                &decimal(z.lat, 6),
            ]);
        }
        file("nodes.csv", t.into_bytes());

        let mut t = table(
            &[
                "id",
                "name",
                "centroid",
                "residents",
                "jobs",
                "car_share",
                "province",
                "area_km2",
            ],
            &by,
        );
        for z in zones {
            t.row([
                z.id.as_str(),
                &z.name,
                &zone_node(z),
                &z.residents.to_string(),
                &z.jobs.to_string(),
                &decimal(z.car_share, 4),
                &z.province,
                &z.area_km2.map(|a| decimal(a, 4)).unwrap_or_default(),
            ]);
        }
        file("zones.csv", t.into_bytes());

        let mut t = table(&["zone", "node", "mode", "minutes"], &by);
        for (zone, node, seconds, car) in &self.access {
            let mode = if *car { "car" } else { "walk" };
            t.row([
                zone.as_str(),
                &self.nodes[*node].id,
                mode,
                &minutes(*seconds),
            ]);
        }
        file("access.csv", t.into_bytes());

        let mut t = table(
            &[
                "id", "name", "mode", "capacity", "seats", "fare", "oneway", "loop", "notes",
            ],
            &by,
        );
        for l in &self.lines {
            t.row([
                l.id.as_str(),
                &l.name,
                l.vehicle.mode,
                &l.vehicle.capacity.to_string(),
                &l.vehicle.seats.to_string(),
                &l.fare,
                "true",
                "false",
                &format!("GTFS route {}, {} trips", l.route_id, l.trips),
            ]);
        }
        file("lines.csv", t.into_bytes());

        let mut t = table(
            &["line", "node", "run_min", "dwell_min", "distance_km"],
            &by,
        );
        for l in &self.lines {
            for &(node, run, dwell, km) in &l.stops {
                t.row([
                    l.id.as_str(),
                    &self.nodes[node].id,
                    &minutes(run),
                    &minutes(dwell),
                    &decimal(km, 3),
                ]);
            }
        }
        file("stops.csv", t.into_bytes());

        let mut t = table(&["line", "time", "trip"], &by);
        for l in &self.lines {
            for (d, trip) in &l.departures {
                t.row([l.id.as_str(), &format_clock(*d), trip]);
            }
        }
        file("departures.csv", t.into_bytes());

        let mut t = table(&["line", "start", "end", "headway_min"], &by);
        for l in &self.lines {
            for p in &l.periods {
                t.row([
                    l.id.as_str(),
                    &format_clock(p.start_s),
                    &format_clock(p.end_s),
                    &minutes(p.headway_s),
                ]);
            }
        }
        file("service.csv", t.into_bytes());

        let mut t = table(&["id", "from", "to", "minutes", "oneway"], &by);
        for (i, &(a, b, s)) in self.walks.iter().enumerate() {
            t.row([
                format!("w{}", i + 1).as_str(),
                &self.nodes[a].id,
                &self.nodes[b].id,
                &minutes(s),
                "true",
            ]);
        }
        file("walk.csv", t.into_bytes());

        let mut t = table(&["from", "to", "minutes"], &by);
        for (&n, &s) in &self.stop_transfers {
            t.row([self.nodes[n].id.as_str(), &self.nodes[n].id, &minutes(s)]);
        }
        file("transfers.csv", t.into_bytes());

        if !self.roads.is_empty() {
            let mut t = table(
                &[
                    "id",
                    "name",
                    "from",
                    "to",
                    "length_km",
                    "speed_kmh",
                    "capacity_vph",
                    "lanes",
                    "class",
                    "toll_yuan",
                    "oneway",
                ],
                &by,
            );
            for (l, a, b) in &self.roads {
                t.row([
                    l.id.as_str(),
                    &l.name,
                    &self.nodes[*a].id,
                    &self.nodes[*b].id,
                    &decimal(l.length_km, 4),
                    &decimal(l.speed_kmh, 2),
                    &decimal(l.capacity_vph, 0),
                    &l.lanes.to_string(),
                    l.class,
                    "0",
                    if l.oneway { "true" } else { "false" },
                ]);
            }
            file("roads.csv", t.into_bytes());
        }

        Imported {
            files,
            report: self.report(&source, feeds, options, zones),
        }
    }

    fn report(
        &self,
        source: &str,
        feeds: &[GtfsFeed],
        options: &GtfsOptions<'_>,
        zones: &[ZonePoint],
    ) -> Report {
        let c = &self.counts;
        let departures: usize = self.lines.iter().map(|l| l.departures.len()).sum();
        let periods: usize = self.lines.iter().map(|l| l.periods.len()).sum();
        let mut sections = vec![(
            "How the feeds were read".to_owned(),
            format!(
                "- Service day {date}: trips running on it, {trips} of {all} ({stop_times} stop \
                 times). A line is one route's trips with the same stops, run and dwell times, so \
                 every trip keeps its times to the second: lines {lines}; departures {departures}; \
                 headway periods (frequencies.txt, inexact) {periods}.\n\
                 - Changing vehicles at a stop takes no time unless transfers.txt gives one; no \
                 station processing time. Walking links ({walks}, one-way, at {kmh} km/h over \
                 {detour} x the straight line): transfers.txt (rows used: {used}), the platforms \
                 of each station with each other and with the station (stations: {stations}), \
                 and stops sharing a name within {same} m.\n\
                 - Zones: {zones_note}; each walks to the stops within {zone_m} m (at most {max}; \
                 the nearest when none is that close).\n\
                 - Capacities by route type (docs/import.md): estimates, not the feed's.",
                date = options.date,
                trips = c.trips_on_date,
                all = c.trips_in_feeds,
                stop_times = c.stop_times_on_date,
                lines = self.lines.len(),
                used = c.transfers_used,
                stations = c.stations,
                same = SAME_NAME_KM * 1000.0,
                walks = self.walks.len(),
                kmh = WALK_KMH,
                detour = WALK_DETOUR,
                zones_note = if options.zones.is_some() {
                    format!("from the points file ({})", zones.len())
                } else {
                    format!(
                        "square grid cells holding stops ({}), each with {GRID_PERSONS} residents and jobs (placeholders: give --zones)",
                        zones.len()
                    )
                },
                zone_m = ZONE_WALK_KM * 1000.0,
                max = ZONE_MAX_STOPS,
            ),
        )];
        sections.push((
            "Not modelled".to_owned(),
            format!(
                "- Pickup and drop-off restrictions (stop times with one: {}): boarding and alighting are allowed everywhere.\n\
                 - Forbidden transfers at one stop: {}. transfers.txt rows between stops no imported trip serves: {}.\n\
                 - Fare rules by zone: {}. Lines charge a flat fare where fare_rules.txt gives their route one, else none (routes priced: {}; prices in the feed's currency).",
                c.pickup_restricted, c.forbidden_at_stop, c.transfers_unused, c.zone_fare_rules, c.fares_used
            ),
        ));
        if feeds.is_empty() {
            sections.clear();
        }
        if let Some((roads, _)) = &options.roads {
            sections.push((
                "How the roads were read".to_owned(),
                format!(
                    "- Drivable ways ({}): highway classes with the defaults below, unless access, \
                     motor_vehicle or motorcar is no or private. Direction from oneway (-1 \
                     reversed), roundabouts and motorways one-way. Speed from maxspeed (mph \
                     converted; zone values: urban 50, rural 80, trunk 100, motorway 120 km/h), else \
                     the class default; capacity = lanes per direction (lanes, halved on two-way \
                     roads) x the class's vehicles per hour per lane.\n\
                     - Ways cut at every junction into links; way nodes missing from the extract: {} \
                     (the ways are cut there). Links outside the largest strongly connected part \
                     left out: {} (with {} junctions).\n\
                     - Zones reach their nearest junction by car at {ZONE_CAR_KMH} km/h over {WALK_DETOUR} x \
                     the straight line.\n\n\
                     | class | speed km/h | lanes per direction | vehicles/h per lane |\n|---|---|---|---|\n{}",
                    roads.ways,
                    roads.missing_nodes,
                    roads.dropped_links,
                    roads.dropped_junctions,
                    crate::import::osm::CLASSES
                        .iter()
                        .map(|k| format!(
                            "| {} | {} | {} | {} |",
                            k.highway, k.speed_kmh, k.lanes, k.lane_vph
                        ))
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            ));
        }
        let mut kinds = Vec::new();
        if !feeds.is_empty() {
            kinds.push("GTFS");
        }
        if options.roads.is_some() {
            kinds.push("OpenStreetMap");
        }
        Report {
            title: format!("{}: imported from {}", options.name, kinds.join(" and ")),
            command: options.command.clone(),
            source: {
                let mut text = format!("{source}: their licences apply to the derived tables.");
                text[..1].make_ascii_uppercase();
                text
            },
            counts: [
                (self.served.len(), "stop"),
                (c.stations, "station"),
                (self.lines.len(), "line"),
                (c.trips_on_date, "trip"),
                (self.walks.len(), "walking link"),
                (self.junctions.len(), "road junction"),
                (self.roads.len(), "road link"),
                (zones.len(), "zone"),
            ]
            .into_iter()
            .map(|(n, what)| (n, plural(n, what)))
            .collect(),
            sections,
        }
    }
}

/// The parts of `trip` at stops `inside` the import's box (runs of at least two stops), each
/// with its frequencies shifted to the part's first stop.
fn within(trip: &TimedTrip, inside: &dyn Fn(usize) -> bool) -> Vec<TimedTrip> {
    let mut parts = Vec::new();
    let mut k = 0;
    while k < trip.stops.len() {
        let start = k;
        while k < trip.stops.len() && inside(trip.stops[k]) {
            k += 1;
        }
        if k - start >= 2 {
            let shift = trip.depart[start] - trip.depart[0];
            parts.push(TimedTrip {
                trip: trip.trip,
                route: trip.route,
                stops: trip.stops[start..k].to_vec(),
                arrive: trip.arrive[start..k].to_vec(),
                depart: trip.depart[start..k].to_vec(),
                frequencies: trip
                    .frequencies
                    .iter()
                    .map(|p| Period {
                        start_s: p.start_s + shift,
                        end_s: p.end_s + shift,
                        ..*p
                    })
                    .collect(),
            });
        }
        k = k.max(start + 1);
    }
    parts
}

/// A trip's departures into its pattern: its own time, or its frequencies.
fn push_starts(t: &TimedTrip, id: &str, pattern: &mut Pattern, counts: &mut Counts) {
    if t.frequencies.is_empty() {
        pattern.departures.push((t.depart[0], id.to_owned()));
        return;
    }
    for p in &t.frequencies {
        counts.frequency_periods += 1;
        if p.exact {
            pattern.departures.extend(
                (p.start_s..p.end_s)
                    .step_by(p.headway_s as usize)
                    .map(|d| (d, id.to_owned())),
            );
        } else {
            pattern.periods.push(*p);
        }
    }
}

/// The flat fare of each route that fare_rules.txt prices by route alone (or of every route
/// when the feed has one fare and no rules), as a `lines.csv` fare.
fn fares(feed: &GtfsFeed, counts: &mut Counts) -> HashMap<usize, String> {
    let price: HashMap<&str, f64> = feed
        .fare_attributes
        .iter()
        .filter_map(|f| {
            f.price
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|p| p.is_finite() && *p >= 0.0)
                .map(|p| (f.id.as_str(), p))
        })
        .collect();
    let mut out: HashMap<usize, f64> = HashMap::new();
    if feed.fare_rules.is_empty() && price.len() == 1 {
        let p = *price.values().next().expect("one");
        out.extend((0..feed.routes.len()).map(|r| (r, p)));
    }
    let route_index: HashMap<&str, usize> = feed
        .routes
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    for rule in &feed.fare_rules {
        let by_zone = [&rule.origin_id, &rule.destination_id, &rule.contains_id]
            .iter()
            .any(|z| z.as_deref().is_some_and(|z| !z.is_empty()));
        if by_zone {
            counts.zone_fare_rules += 1;
            continue;
        }
        if let (Some(route), Some(&p)) = (
            rule.route_id.as_deref().and_then(|r| route_index.get(r)),
            price.get(rule.fare_id.as_str()),
        ) {
            // Several fares for one route: the lowest.
            let f = out.entry(*route).or_insert(p);
            *f = f.min(p);
        }
    }
    counts.fares_used += out.len();
    out.into_iter()
        .map(|(r, p)| (r, format!("flat:{}", decimal(p, 2))))
        .collect()
}

/// The position of stop `s` of `feed`, `(lon, lat)` (checked present for stops that trips use;
/// a station without one takes 0).
fn position(feed: &GtfsFeed, s: usize) -> (f64, f64) {
    let stop = &feed.stops[s];
    (
        stop.longitude.unwrap_or_default(),
        stop.latitude.unwrap_or_default(),
    )
}

/// `what`, with an `s` unless there is one.
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        what.to_owned()
    } else {
        format!("{what}s")
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}
