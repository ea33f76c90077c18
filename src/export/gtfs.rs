//! A network's transit as a GTFS feed (`commute export gtfs`), for one service day.
//!
//! Every line direction's explicit departures become trips with their stop times (run and
//! dwell times as the model runs them); every headway period becomes one trip whose times are
//! repeated by a `frequencies.txt` row (`exact_times = 0`, as the model leaves the phase open).
//! Stops are the nodes lines stop at, with their ids. What changing vehicles costs goes to
//! `transfers.txt` (type 2, a minimum time): each walk link and transfer between two stops, and
//! each stop's time to change lines inside it. Flat fares become `fare_attributes.txt` and
//! `fare_rules.txt` by route. The feed runs on one date, through `calendar_dates.txt`.
//!
//! GTFS cannot say what the model adds on top of a timetable: station processing times (the
//! HSR's security check), distance and fare-system fares, walks through nodes that are not
//! stops (a zone centroid, a road junction), seats and capacities. [`Export::left_out`] counts
//! them, so the command can say what the feed does not carry.

use crate::network::{Direction, FareRule, Mode, Network, NodeId};
use crate::time::Seconds;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What the feed is for.
#[derive(Debug, Clone)]
pub struct GtfsExportOptions {
    /// The service day, `YYYYMMDD`.
    pub date: String,
    /// The agency's time zone (IANA name).
    pub timezone: String,
}

/// A feed: its files in writing order, and what it could not carry.
#[derive(Debug, Clone)]
pub struct Export {
    /// (file name, contents).
    pub files: Vec<(&'static str, Vec<u8>)>,
    /// Trips written (a headway period counts once).
    pub trips: usize,
    /// Stops written.
    pub stops: usize,
    /// What the feed leaves out, in words, one item each.
    pub left_out: Vec<String>,
}

/// The GTFS `route_type` of a mode: HSR as extended type 101 (high-speed rail), custom buses
/// as buses.
pub fn route_type(mode: Mode) -> u16 {
    match mode {
        Mode::Hsr => 101,
        Mode::Rail => 2,
        Mode::Subway => 1,
        Mode::Bus | Mode::CustomBus => 3,
    }
}

/// A CSV field, quoted when it needs to be.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `HH:MM:SS`, hours past 23 for trips after midnight.
fn clock(t: Seconds) -> String {
    format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
}

struct Csv(String);

impl Csv {
    fn new(header: &str) -> Self {
        Csv(format!("{header}\n"))
    }
    fn row(&mut self, cells: &[&str]) {
        let cells: Vec<String> = cells.iter().map(|c| field(c)).collect();
        let _ = writeln!(self.0, "{}", cells.join(","));
    }
    fn bytes(self) -> Vec<u8> {
        self.0.into_bytes()
    }
}

/// The feed of `net`'s lines.
pub fn export(net: &Network, options: &GtfsExportOptions) -> Export {
    let settings = net.settings();
    let mut served: BTreeMap<u32, ()> = BTreeMap::new();
    for line in net.lines() {
        for s in &line.stops {
            served.insert(s.node.index() as u32, ());
        }
    }
    let is_stop = |n: NodeId| served.contains_key(&(n.index() as u32));
    let mut left_out = Vec::new();

    let mut feed_info = Csv::new(
        "feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,feed_end_date,feed_version",
    );
    feed_info.row(&[
        "commute",
        "https://gtfs.org/",
        "en",
        &options.date,
        &options.date,
        &format!("{} {}", settings.name, options.date),
    ]);
    let mut agency = Csv::new("agency_id,agency_name,agency_url,agency_timezone");
    agency.row(&[
        "commute",
        &format!("{} (exported by commute)", settings.name),
        "https://gtfs.org/",
        &options.timezone,
    ]);
    let mut calendar_dates = Csv::new("service_id,date,exception_type");
    calendar_dates.row(&["day", &options.date, "1"]);

    let mut stops = Csv::new("stop_id,stop_name,stop_lat,stop_lon,location_type");
    for &v in served.keys() {
        let node = &net.nodes()[v as usize];
        stops.row(&[
            &node.id,
            &node.name,
            &format!("{:.6}", node.lat),
            &format!("{:.6}", node.lon),
            "0",
        ]);
    }

    let mut routes =
        Csv::new("route_id,agency_id,route_short_name,route_long_name,route_type,route_desc");
    let mut trips = Csv::new("route_id,service_id,trip_id,direction_id");
    let mut stop_times = Csv::new("trip_id,arrival_time,departure_time,stop_id,stop_sequence");
    let mut frequencies = Csv::new("trip_id,start_time,end_time,headway_secs,exact_times");
    let mut fare_attributes = Csv::new("fare_id,price,currency_type,payment_method,transfers");
    let mut fare_rules = Csv::new("fare_id,route_id");
    let mut trip_count = 0;
    let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
    let (mut unpriced, mut processing) = (0, 0);
    for line in net.lines() {
        routes.row(&[
            &line.id,
            "commute",
            &line.id,
            &line.name,
            &route_type(line.mode).to_string(),
            if line.mode == Mode::CustomBus {
                "custom commuter bus"
            } else {
                ""
            },
        ]);
        match line.fare {
            FareRule::None => {}
            FareRule::Flat(yuan) => {
                let id = format!("fare_{}", line.id);
                fare_attributes.row(&[&id, &format!("{yuan:.2}"), "CNY", "0", ""]);
                fare_rules.row(&[&id, &line.id]);
            }
            FareRule::PerKm(_) | FareRule::System(_) => unpriced += 1,
        }
        if settings.processing_s[line.mode.index()] > 0 {
            processing += 1;
        }
        for &direction in line.directions() {
            let stops_in = line.stops_in(direction);
            // Arrival and departure offsets from the first stop's departure, as the timetable
            // runs them (the first stop's dwell is before the departure).
            let (mut arrive, mut depart) = (Vec::new(), Vec::new());
            let mut clock_s: Seconds = 0;
            for (i, s) in stops_in.iter().enumerate() {
                if i > 0 {
                    clock_s += s.run_s;
                }
                arrive.push(clock_s);
                if i > 0 && i + 1 < stops_in.len() {
                    clock_s += s.dwell_s;
                }
                depart.push(clock_s);
            }
            let direction_id = match direction {
                Direction::Forward => "0",
                Direction::Reverse => "1",
            };
            let mut write_trip = |trip_id: &str, start: Seconds| {
                trips.row(&[&line.id, "day", trip_id, direction_id]);
                for (k, s) in stops_in.iter().enumerate() {
                    stop_times.row(&[
                        trip_id,
                        &clock(start + arrive[k]),
                        &clock(start + depart[k]),
                        &net.node(s.node).id,
                        &(k + 1).to_string(),
                    ]);
                }
            };
            let mut n = 0;
            for d in line.departures.iter().filter(|d| d.direction == direction) {
                n += 1;
                // The timetable's own trip id where it has one (an imported feed's), once.
                let id = match line.trip_id(direction, d.time_s) {
                    Some(id) if used.insert(id.to_owned()) => id.to_owned(),
                    _ => format!("{}_{}_{n}", line.id, direction.as_str()),
                };
                write_trip(&id, d.time_s);
            }
            for p in &line.headways {
                n += 1;
                let trip_id = format!("{}_{}_{n}", line.id, direction.as_str());
                write_trip(&trip_id, p.start_s);
                frequencies.row(&[
                    &trip_id,
                    &clock(p.start_s),
                    &clock(p.end_s),
                    &p.headway_s.to_string(),
                    "0",
                ]);
            }
            trip_count += n;
        }
    }

    // Changing vehicles: walks and transfers between stops, and inside each stop.
    let mut transfers = Csv::new("from_stop_id,to_stop_id,transfer_type,min_transfer_time");
    let mut pairs: BTreeMap<(u32, u32), Seconds> = BTreeMap::new();
    let mut internal: BTreeMap<u32, Seconds> = served
        .keys()
        .map(|&v| (v, settings.default_transfer_s))
        .collect();
    let mut off_network_walks = 0;
    let mut add = |a: NodeId, b: NodeId, s: Seconds| {
        let key = (a.index() as u32, b.index() as u32);
        let t = pairs.entry(key).or_insert(s);
        *t = (*t).min(s);
    };
    for w in net.walks() {
        if !(is_stop(w.from) && is_stop(w.to)) {
            off_network_walks += 1;
            continue;
        }
        add(w.from, w.to, w.time_s);
        if !w.oneway {
            add(w.to, w.from, w.time_s);
        }
    }
    for t in net.transfers() {
        if t.from == t.to {
            if let Some(s) = internal.get_mut(&(t.from.index() as u32)) {
                *s = t.time_s;
            }
        } else if is_stop(t.from) && is_stop(t.to) {
            add(t.from, t.to, t.time_s);
            add(t.to, t.from, t.time_s);
        }
    }
    for (&v, &s) in &internal {
        if s > 0 {
            pairs.insert((v, v), s);
        }
    }
    for (&(a, b), &s) in &pairs {
        transfers.row(&[
            &net.nodes()[a as usize].id,
            &net.nodes()[b as usize].id,
            "2",
            &s.to_string(),
        ]);
    }
    if processing > 0 {
        left_out.push(format!(
            "station processing times ({processing} lines of modes with one): GTFS has none"
        ));
    }
    if unpriced > 0 {
        left_out.push(format!(
            "distance and fare-system fares ({unpriced} lines): exported without a fare"
        ));
    }
    if off_network_walks > 0 {
        left_out.push(format!(
            "walk links to or from nodes no line stops at ({off_network_walks})"
        ));
    }
    left_out.push("zones, roads, capacities and seats (not in GTFS)".to_owned());
    let mut files = vec![
        ("feed_info.txt", feed_info.bytes()),
        ("agency.txt", agency.bytes()),
        ("calendar_dates.txt", calendar_dates.bytes()),
        ("stops.txt", stops.bytes()),
        ("routes.txt", routes.bytes()),
        ("trips.txt", trips.bytes()),
        ("stop_times.txt", stop_times.bytes()),
        ("transfers.txt", transfers.bytes()),
    ];
    if net.lines().iter().any(|l| !l.headways.is_empty()) {
        files.push(("frequencies.txt", frequencies.bytes()));
    }
    if net
        .lines()
        .iter()
        .any(|l| matches!(l.fare, FareRule::Flat(_)))
    {
        files.push(("fare_attributes.txt", fare_attributes.bytes()));
        files.push(("fare_rules.txt", fare_rules.bytes()));
    }
    Export {
        files,
        trips: trip_count,
        stops: served.len(),
        left_out,
    }
}
