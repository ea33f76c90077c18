//! The folder's tables, `network.toml` and the README of what was derived.

use super::{
    Built, GRID_PERSONS, GtfsOptions, SAME_NAME_KM, WALK_DETOUR, WALK_KMH, ZONE_CAR_KMH,
    ZONE_MAX_STOPS, ZONE_WALK_KM,
};
use crate::import::{Imported, ImportedFile, Report, decimal, generated_by, table};
use crate::io::{GtfsFeed, ZonePoint};
use crate::time::format_clock;
use std::collections::BTreeSet;
use std::fmt::Write as _;

impl Built {
    pub(super) fn write(
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
                     converted; zone values such as DE:rural by the country's limit, else urban 50, rural \
                     80, trunk 100, motorway 120 km/h), else \
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
