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
mod tables;
mod trips;
mod zones;

use crate::error::{Error, Problem, Result};
use crate::import::osm::RoadLayer;
use crate::import::{Imported, decimal};
use crate::io::{GtfsFeed, ZonePoints};
use crate::network::great_circle_km;
use gtfs_structures::{LocationType, RouteType, TransferType};
use jiff::civil::Date;
use std::collections::{BTreeMap, HashMap};
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
