//! `commute import` against the external data in ../shared/data (or `COMMUTE_SHARED_DATA`).
//!
//! GTFS: each feed in gtfs/ is imported for a date, and the imported network's counts and
//! timetable routes are checked against an independent reading of the raw files written here:
//! the services of the date from calendar.txt and calendar_dates.txt, the trips' stop times
//! (interpolated where untimed), the frequencies expanded, the walking rules of docs/import.md,
//! and a plain connection scan for earliest arrivals between random stop pairs and departure
//! times.
//!
//! OpenStreetMap: each extract in osm/ is imported, and road distances between random junctions
//! are checked against a plain Dijkstra over the raw ways, node to node.
//!
//! Built only with `--features external-data`; without the data every test fails loudly.

mod common;

use common::{commute, commute_ok, shared_data};
use commute::network::NodeId;
use commute::routing::{RaptorWorkspace, Timetable, earliest_arrivals};
use commute::scenario;
use gtfs_structures::{Exception, GtfsReader, LocationType, RawGtfs, TransferType};
use jiff::civil::{Date, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::path::Path;

/// The documented walking rule: 4.5 km/h over 1.3 times the straight line, whole seconds.
fn walk_s(km: f64) -> u32 {
    (km * 1.3 / 4.5 * 3600.0).round() as u32
}

fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la, lb) = (a.1.to_radians(), b.1.to_radians());
    let h = ((lb - la) / 2.0).sin().powi(2)
        + la.cos() * lb.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// A stop time: stop_sequence, stop, arrival, departure.
type StopTime = (u32, usize, Option<u32>, Option<u32>);

/// A feed read plainly: what runs on a date, as connections, and the walking graph.
struct Plain {
    stop_ids: Vec<String>,
    /// Stops served by a trip on the date.
    served: Vec<usize>,
    /// (departure, arrival, from stop, to stop, trip instance), by departure.
    connections: Vec<(u32, u32, usize, usize, usize)>,
    /// Walking edges from each stop: (to, seconds).
    walk: Vec<Vec<(usize, u32)>>,
    /// Time to change vehicles inside each stop, seconds.
    change: Vec<u32>,
    /// Parent stations: walks start or end there but never pass through.
    station: Vec<bool>,
    trips_on_date: usize,
}

fn plain(feed: &Path, date: Date) -> Plain {
    let raw: RawGtfs = GtfsReader::default()
        .read_shapes(false)
        .raw()
        .read_from_path(feed)
        .unwrap();
    let stops = raw.stops.unwrap();
    let index: HashMap<&str, usize> = stops
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let pos = |s: usize| {
        (
            stops[s].longitude.unwrap_or_default(),
            stops[s].latitude.unwrap_or_default(),
        )
    };
    // Services of the date.
    let weekday = date.weekday();
    let mut services: HashSet<String> = HashSet::new();
    for c in raw.calendar.into_iter().flatten().flatten() {
        let day = [
            (Weekday::Monday, c.monday),
            (Weekday::Tuesday, c.tuesday),
            (Weekday::Wednesday, c.wednesday),
            (Weekday::Thursday, c.thursday),
            (Weekday::Friday, c.friday),
            (Weekday::Saturday, c.saturday),
            (Weekday::Sunday, c.sunday),
        ]
        .iter()
        .any(|&(w, on)| w == weekday && on);
        if day && c.start_date <= date && date <= c.end_date {
            services.insert(c.id.clone());
        }
    }
    for d in raw.calendar_dates.into_iter().flatten().flatten() {
        if d.date == date {
            if d.exception_type == Exception::Added {
                services.insert(d.service_id.clone());
            } else {
                services.remove(&d.service_id);
            }
        }
    }
    let trips = raw.trips.unwrap();
    let running: HashMap<&str, bool> = trips
        .iter()
        .map(|t| (t.id.as_str(), services.contains(&t.service_id)))
        .collect();
    let mut times: BTreeMap<&str, Vec<StopTime>> = BTreeMap::new();
    let stop_times = raw.stop_times.unwrap();
    for st in &stop_times {
        if running[st.trip_id.as_str()] {
            times.entry(st.trip_id.as_str()).or_default().push((
                st.stop_sequence,
                index[st.stop_id.as_str()],
                st.arrival_time.or(st.departure_time),
                st.departure_time.or(st.arrival_time),
            ));
        }
    }
    let mut frequencies: HashMap<&str, Vec<(u32, u32, u32)>> = HashMap::new();
    let raw_frequencies = raw
        .frequencies
        .into_iter()
        .flatten()
        .flatten()
        .collect::<Vec<_>>();
    for f in &raw_frequencies {
        frequencies.entry(f.trip_id.as_str()).or_default().push((
            f.start_time,
            f.end_time,
            f.headway_secs,
        ));
    }
    let mut connections = Vec::new();
    let mut served = HashSet::new();
    let mut instance = 0;
    for (trip, mut rows) in times {
        rows.sort_by_key(|r| r.0);
        // Untimed stops: linear in straight-line distance between the timed ones.
        let n = rows.len();
        let mut last = 0;
        for k in 1..n {
            if rows[k].2.is_none() {
                continue;
            }
            if k > last + 1 {
                let mut along = vec![0.0];
                for j in last + 1..=k {
                    let d =
                        along[along.len() - 1] + haversine_km(pos(rows[j - 1].1), pos(rows[j].1));
                    along.push(d);
                }
                let total = along[k - last];
                let from = f64::from(rows[last].3.unwrap());
                let span = f64::from(rows[k].2.unwrap()) - from;
                for j in last + 1..k {
                    let share = if total > 0.0 {
                        along[j - last] / total
                    } else {
                        (j - last) as f64 / (k - last) as f64
                    };
                    let t = (from + span * share).round() as u32;
                    rows[j].2 = Some(t);
                    rows[j].3 = Some(t);
                }
            }
            last = k;
        }
        let first = rows[0].3.unwrap();
        let starts: Vec<u32> = match frequencies.get(trip) {
            None => vec![first],
            Some(periods) => periods
                .iter()
                .flat_map(|&(a, b, h)| (a..b).step_by(h as usize))
                .collect(),
        };
        for start in starts {
            let shift = |t: u32| t - first + start;
            for w in rows.windows(2) {
                if w[0].1 != w[1].1 {
                    connections.push((
                        shift(w[0].3.unwrap()),
                        shift(w[1].2.unwrap()),
                        w[0].1,
                        w[1].1,
                        instance,
                    ));
                }
                served.insert(w[0].1);
                served.insert(w[1].1);
            }
            instance += 1;
        }
    }
    let trips_on_date = trips
        .iter()
        .filter(|t| services.contains(&t.service_id))
        .count();
    connections.sort();
    // Walking: transfers.txt, platforms of a station (and the station), same names nearby.
    let children: HashMap<usize, Vec<usize>> = {
        let mut c: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, s) in stops.iter().enumerate() {
            if let Some(p) = s.parent_station.as_deref().filter(|p| !p.is_empty())
                && served.contains(&i)
            {
                c.entry(index[p]).or_default().push(i);
            }
        }
        c
    };
    let mut given: HashMap<(usize, usize), Option<u32>> = HashMap::new();
    let mut change = vec![0; stops.len()];
    let transfer_rows: Vec<_> = raw.transfers.into_iter().flatten().flatten().collect();
    let transfers_rows = transfer_rows.len();
    for t in transfer_rows {
        let expand = |s: usize| match children.get(&s) {
            Some(c) if stops[s].location_type == LocationType::StopArea => c.clone(),
            _ => vec![s],
        };
        let (a0, b0) = (index[t.from_stop_id.as_str()], index[t.to_stop_id.as_str()]);
        let seconds = match t.transfer_type {
            TransferType::Impossible => None,
            TransferType::Timed => Some(0),
            TransferType::MinTime => Some(
                t.min_transfer_time
                    .unwrap_or(walk_s(haversine_km(pos(a0), pos(b0)))),
            ),
            _ => Some(walk_s(haversine_km(pos(a0), pos(b0)))),
        };
        for a in expand(a0) {
            for b in expand(b0) {
                if a == b {
                    if t.transfer_type == TransferType::MinTime && served.contains(&a) {
                        change[a] = seconds.unwrap();
                    }
                } else if served.contains(&a) && served.contains(&b) {
                    given.insert((a, b), seconds);
                }
            }
        }
    }
    let mut walk = vec![Vec::new(); stops.len()];
    let add = |walk: &mut Vec<Vec<(usize, u32)>>, a: usize, b: usize| match given.get(&(a, b)) {
        Some(None) => {}
        Some(Some(s)) => walk[a].push((b, *s)),
        None => walk[a].push((b, walk_s(haversine_km(pos(a), pos(b))))),
    };
    for (&station, platforms) in &children {
        for &a in platforms {
            for &b in platforms {
                if a != b {
                    add(&mut walk, a, b);
                }
            }
            let s = walk_s(haversine_km(pos(station), pos(a)));
            walk[station].push((a, s));
            walk[a].push((station, s));
        }
    }
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in stops.iter().enumerate() {
        if transfers_rows == 0
            && s.parent_station.as_deref().is_none_or(str::is_empty)
            && s.location_type == LocationType::StopPoint
            && served.contains(&i)
            && let Some(name) = s.name.as_deref().filter(|n| !n.trim().is_empty())
        {
            by_name.entry(name).or_default().push(i);
        }
    }
    for group in by_name.values() {
        for &a in group {
            for &b in group {
                if a != b && haversine_km(pos(a), pos(b)) <= 0.3 {
                    add(&mut walk, a, b);
                }
            }
        }
    }
    // transfers.txt pairs that are neither platforms of one station nor same-name neighbours.
    for (&(a, b), s) in &given {
        if let Some(s) = s
            && !walk[a].iter().any(|&(x, _)| x == b)
        {
            walk[a].push((b, *s));
        }
    }
    let mut station = vec![false; stops.len()];
    for &s in children.keys() {
        station[s] = true;
    }
    let mut served: Vec<usize> = served.into_iter().collect();
    served.sort_unstable();
    Plain {
        station,
        stop_ids: stops.iter().map(|s| s.id.clone()).collect(),
        served,
        connections,
        walk,
        change,
        trips_on_date,
    }
}

impl Plain {
    /// Earliest arrival at `to` leaving `from` at `depart`: a connection scan, walking between
    /// rides by Dijkstra over the walking graph.
    fn earliest(&self, from: usize, to: usize, depart: u32) -> Option<u32> {
        let n = self.stop_ids.len();
        let (mut on_foot, mut off_vehicle) = (vec![u32::MAX; n], vec![u32::MAX; n]);
        let mut boarded = HashSet::new();
        on_foot[from] = depart;
        self.walk_from(from, depart, &mut on_foot);
        for &(dep, arr, u, v, trip) in &self.connections {
            if dep < depart {
                continue;
            }
            let catchable = boarded.contains(&trip)
                || on_foot[u] <= dep
                || off_vehicle[u].saturating_add(self.change[u]) <= dep;
            if !catchable {
                continue;
            }
            boarded.insert(trip);
            if arr < off_vehicle[v] {
                off_vehicle[v] = arr;
                self.walk_from(v, arr, &mut on_foot);
            }
        }
        let best = on_foot[to].min(off_vehicle[to]);
        (best != u32::MAX).then_some(best)
    }

    fn walk_from(&self, source: usize, at: u32, on_foot: &mut [u32]) {
        let mut heap = BinaryHeap::from([Reverse((at, source))]);
        let mut done = HashSet::new();
        while let Some(Reverse((t, v))) = heap.pop() {
            if !done.insert(v) {
                continue;
            }
            if v != source {
                on_foot[v] = on_foot[v].min(t);
                if self.station[v] {
                    continue;
                }
            }
            for &(w, s) in &self.walk[v] {
                heap.push(Reverse((t + s, w)));
            }
        }
    }
}

/// Imports `feed` for `date` with the binary into a temporary folder.
fn import(feed: &Path, date: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("net");
    commute_ok(&[
        "import".as_ref(),
        "--gtfs".as_ref(),
        feed.as_os_str(),
        "--date".as_ref(),
        date.as_ref(),
        "--out".as_ref(),
        net.as_os_str(),
    ]);
    tmp
}

/// The imported network of `feed` on `date` routes like the raw timetable: trips counted, then
/// 300 random stop pairs and departure times between 05:00 and 23:00.
fn check_feed(feed: &str, date: &str) {
    let path = shared_data().join("gtfs").join(feed);
    let day: Date = date.parse().unwrap();
    let plain = plain(&path, day);
    let tmp = import(&path, date);
    let scenario = scenario::load(&tmp.path().join("net")).unwrap();
    let net = &scenario.network;
    let readme = std::fs::read_to_string(tmp.path().join("net/README.md")).unwrap();
    assert!(
        readme.contains(&format!("{} trips,", plain.trips_on_date)),
        "{feed}: the README counts other trips than {}:\n{readme}",
        plain.trips_on_date
    );
    let lines_departures: usize = net
        .lines()
        .iter()
        .map(|l| {
            l.trips_with_phase(commute::network::Direction::Forward, 0.0)
                .len()
        })
        .sum();
    let instances = plain
        .connections
        .iter()
        .map(|c| c.4)
        .collect::<HashSet<_>>()
        .len();
    assert!(
        lines_departures <= instances && lines_departures * 100 >= instances * 99,
        "{feed}: {lines_departures} departures for {instances} trips"
    );
    for &s in &plain.served {
        assert!(
            net.node_id(&plain.stop_ids[s]).is_some(),
            "{feed}: stop {} not imported",
            plain.stop_ids[s]
        );
    }
    let timetable = Timetable::new(net);
    let mut ws = RaptorWorkspace::default();
    let mut rng = ChaCha8Rng::seed_from_u64(20240501);
    let (mut reached, mut compared) = (0, 0);
    for _ in 0..300 {
        let a = plain.served[rng.random_range(0..plain.served.len())];
        let b = plain.served[rng.random_range(0..plain.served.len())];
        if a == b {
            continue;
        }
        let depart = rng.random_range(5 * 3600..23 * 3600);
        let expected = plain.earliest(a, b, depart);
        let node = |s: usize| -> NodeId { net.node_id(&plain.stop_ids[s]).unwrap() };
        earliest_arrivals(net, &timetable, node(a), depart, &mut ws);
        let got = ws.arrival(node(b));
        assert_eq!(
            got, expected,
            "{feed}: {} -> {} at {depart} s: imported network {got:?}, raw timetable {expected:?}",
            plain.stop_ids[a], plain.stop_ids[b]
        );
        compared += 1;
        reached += usize::from(expected.is_some());
    }
    eprintln!("{feed}: {compared} queries agree, {reached} of them reachable");
    assert!(
        reached * 4 >= compared,
        "{feed}: only {reached} of {compared} pairs reachable"
    );
}

#[test]
fn cairns_routes_like_its_raw_timetable() {
    check_feed("gtfs_kit_cairns_gtfs.zip", "2014-05-26");
}

#[test]
fn nyc_subway_routes_like_its_raw_timetable() {
    check_feed("gtfs_kit_nyc_subway_gtfs.zip", "2024-12-16");
}

#[test]
fn coquimbo_routes_like_its_raw_timetable() {
    check_feed("aequilibrae_gtfs_coquimbo.zip", "2016-03-01");
}

#[test]
fn caltrain_routes_like_its_raw_timetable() {
    check_feed("caltrain-2017-07-24", "2017-07-24");
}

#[test]
fn the_sample_feed_routes_like_its_raw_timetable_with_frequencies() {
    check_feed("gtfs_kit_sample_gtfs.zip", "2008-06-02");
}

#[test]
fn the_crates_basic_fixture_is_refused_with_its_broken_references() {
    let tmp = tempfile::tempdir().unwrap();
    let (feed, net) = (
        shared_data().join("gtfs/gtfs-structure-basic"),
        tmp.path().join("net"),
    );
    let out = commute(&[
        "import".as_ref(),
        "--gtfs".as_ref(),
        feed.as_os_str(),
        "--date".as_ref(),
        "2017-01-01".as_ref(),
        "--out".as_ref(),
        net.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "gtfs-structure-basic/stops.txt:4: field `parent_station`: unknown stop `1`",
        "gtfs-structure-basic/trips.txt:2: field `route_id`: unknown route `route1`",
    ] {
        assert!(stderr.contains(expected), "{expected} not in\n{stderr}");
    }
    assert!(!tmp.path().join("net").exists());
}

/// Out-arcs of each node: (node, metres).
type Adjacency = Vec<Vec<(usize, f64)>>;

/// The raw road graph of an extract, node to node, by the drivable rules of docs/import.md:
/// (node id -> index, adjacency in metres), and how many ways are drivable.
fn raw_roads(path: &Path) -> (HashMap<i64, usize>, Adjacency, usize) {
    use osmpbf::{Element, ElementReader};
    const CLASSES: [&str; 15] = [
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "road",
    ];
    let mut positions: HashMap<i64, (f64, f64)> = HashMap::new();
    let mut ways: Vec<(Vec<i64>, HashMap<String, String>)> = Vec::new();
    ElementReader::from_path(path)
        .unwrap()
        .for_each(|e| match e {
            Element::Node(n) => {
                positions.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::DenseNode(n) => {
                positions.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::Way(w) => {
                let tags: HashMap<String, String> = w
                    .tags()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect();
                if tags
                    .get("highway")
                    .is_some_and(|h| CLASSES.contains(&h.as_str()))
                {
                    ways.push((w.refs().collect(), tags));
                }
            }
            Element::Relation(_) => {}
        })
        .unwrap();
    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut adjacency: Adjacency = Vec::new();
    let mut drivable = 0;
    for (nodes, tags) in &ways {
        let tag = |k: &str| tags.get(k).map(String::as_str);
        if ["access", "motor_vehicle", "motorcar"]
            .iter()
            .any(|k| matches!(tag(k), Some("no" | "private")))
            || nodes.len() < 2
        {
            continue;
        }
        drivable += 1;
        let (forward, backward) = match tag("oneway") {
            Some("yes" | "true" | "1") => (true, false),
            Some("-1" | "reverse") => (false, true),
            Some("no" | "false" | "0") => (true, true),
            _ if tag("junction") == Some("roundabout") || tag("highway") == Some("motorway") => {
                (true, false)
            }
            _ => (true, true),
        };
        for pair in nodes.windows(2) {
            let (Some(&a), Some(&b)) = (positions.get(&pair[0]), positions.get(&pair[1])) else {
                continue;
            };
            let mut at = |id: i64| {
                let n = index.len();
                let i = *index.entry(id).or_insert(n);
                if i == adjacency.len() {
                    adjacency.push(Vec::new());
                }
                i
            };
            let (u, v) = (at(pair[0]), at(pair[1]));
            let m = haversine_km(a, b) * 1000.0;
            if forward {
                adjacency[u].push((v, m));
            }
            if backward {
                adjacency[v].push((u, m));
            }
        }
    }
    (index, adjacency, drivable)
}

/// Plain Dijkstra, metres.
fn dijkstra(adjacency: &[Vec<(usize, f64)>], source: usize) -> Vec<f64> {
    let mut dist = vec![f64::INFINITY; adjacency.len()];
    dist[source] = 0.0;
    let mut heap = BinaryHeap::from([Reverse((0u64, source))]);
    while let Some(Reverse((d, v))) = heap.pop() {
        let d = f64::from_bits(d);
        if d > dist[v] {
            continue;
        }
        for &(w, m) in &adjacency[v] {
            if d + m < dist[w] {
                dist[w] = d + m;
                heap.push(Reverse(((d + m).to_bits(), w)));
            }
        }
    }
    dist
}

fn check_extract(file: &str) {
    let path = shared_data().join("osm").join(file);
    let tmp = tempfile::tempdir().unwrap();
    let net_dir = tmp.path().join("net");
    let out = commute(&[
        "import".as_ref(),
        "--osm".as_ref(),
        path.as_os_str(),
        "--out".as_ref(),
        net_dir.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let (index, adjacency, drivable) = raw_roads(&path);
    assert!(
        stderr.contains(&format!("({drivable} drivable)")),
        "{file}: {stderr}"
    );
    let net = scenario::load(&net_dir).unwrap().network;
    let graph = commute::io::network_road_lengths(&net);
    let junctions: Vec<&str> = net
        .nodes()
        .iter()
        .filter(|n| n.kind == commute::network::NodeKind::RoadJunction)
        .map(|n| n.id.as_str())
        .collect();
    assert!(
        junctions.len() > 100,
        "{file}: {} junctions",
        junctions.len()
    );
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut ws = commute::routing::RadixWorkspace::default();
    for _ in 0..30 {
        let source = junctions[rng.random_range(0..junctions.len())];
        let exact = dijkstra(&adjacency, index[&source.parse::<i64>().unwrap()]);
        let s = graph.internal[graph.position_of(source).unwrap()];
        commute::routing::shortest_from(&graph.csr, s, &mut ws);
        for _ in 0..20 {
            let target = junctions[rng.random_range(0..junctions.len())];
            let t = graph.internal[graph.position_of(target).unwrap()];
            // The largest strongly connected part: every junction reaches every other.
            let ours = f64::from(ws.distance(t).expect("every junction reachable")) / graph.scale;
            let raw = exact[index[&target.parse::<i64>().unwrap()]];
            assert!(
                (ours - raw).abs() <= 1.0 + 0.001 * raw,
                "{file}: {source} -> {target}: imported {ours} m, raw ways {raw} m"
            );
        }
    }
}

#[test]
fn helsinki_road_distances_are_those_of_the_raw_ways() {
    check_extract("Helsinki.osm.pbf");
}

#[test]
fn the_test_extract_road_distances_are_those_of_the_raw_ways() {
    check_extract("test.osm.pbf");
}
