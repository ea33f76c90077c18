//! Reads a network folder (format version 1, documented in `docs/formats.md`): `network.toml`
//! plus CSV tables. Every row is checked and cross-referenced, and every problem in every file is
//! reported together.

use super::table::{Row, Table};
use super::{read_text, toml_problem};
use crate::error::{Error, Problem, Result};
use crate::network::{
    AccessLink, AccessMode, Departure, Direction, FareRule, FareSystem, HeadwayPeriod, Line, Mode,
    Network, Node, NodeId, NodeKind, RoadLink, Settings, Stop, Transfer, WalkLink, Zone, ZoneId,
};
use crate::time::{Seconds, minutes_to_seconds};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The network format version this build reads.
pub const NETWORK_FORMAT_VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkToml {
    format_version: u32,
    name: String,
    #[serde(default)]
    description: String,
    coordinate_system: String,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default = "default_transfer_min")]
    default_transfer_min: f64,
    #[serde(default = "default_scheduled_wait_min")]
    scheduled_wait_min: f64,
    #[serde(default)]
    station_processing_min: BTreeMap<String, f64>,
    /// Sub-folders holding more of the same tables (e.g. a generated subway layer).
    #[serde(default)]
    parts: Vec<String>,
    /// Distance-based fare systems, by id.
    #[serde(default)]
    fare_systems: BTreeMap<String, FareSystemToml>,
    /// Zones of the policy metrics.
    #[serde(default)]
    policy: PolicyToml,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PolicyToml {
    #[serde(default)]
    centre_zones: Vec<String>,
    #[serde(default)]
    city_zones: Vec<String>,
    satellite_zone: Option<String>,
    #[serde(default)]
    metropolis_zones: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FareSystemToml {
    bands: Vec<(f64, f64)>,
    above_yuan: f64,
}

fn default_scheduled_wait_min() -> f64 {
    5.0
}

fn default_transfer_min() -> f64 {
    3.0
}

/// Sanity limits on input figures (far above any real value, far below overflow).
const MAX_LINK_KM: f64 = 5_000.0;
const MAX_SPEED_KMH: f64 = 1_000.0;
const MAX_PERSONS: u64 = 10_000_000_000;

const MODE_NAMES: [&str; 5] = ["hsr", "rail", "subway", "bus", "custom_bus"];
const KIND_NAMES: [&str; 5] = [
    "zone_centroid",
    "rail_station",
    "subway_station",
    "bus_stop",
    "road_junction",
];

/// Loads and validates the network in folder `dir`.
pub fn load_network(dir: &Path) -> Result<Network> {
    let meta_path = dir.join("network.toml");
    if !dir.is_dir() {
        return Err(Error::Invalid(vec![Problem::file(
            dir,
            "network folder not found",
        )]));
    }
    let text = read_text(&meta_path)?;
    let mut problems = Vec::new();
    let meta: NetworkToml = toml::from_str(&text)
        .map_err(|e| Error::Invalid(vec![toml_problem(&meta_path, &text, &e)]))?;
    let settings = settings(&meta, &meta_path, &mut problems);
    let mut parts = Vec::new();
    for part in &meta.parts {
        let path = dir.join(part);
        if path.is_dir() {
            parts.push(path);
        } else {
            problems.push(Problem {
                field: Some("parts".to_owned()),
                ..Problem::file(&meta_path, format!("part folder `{part}` not found"))
            });
        }
    }
    let mut loader = Loader {
        dir,
        parts,
        net: Network::empty(settings),
        problems,
        nodes: Refs::default(),
        zone_ids: None,
    };
    loader.nodes();
    loader.links();
    loader.lines();
    loader.zones();
    let Loader {
        mut net,
        mut problems,
        zone_ids,
        ..
    } = loader;
    net.reindex();
    let policy = &net.settings.policy;
    // Ids of zones whose rows had problems are not reported again.
    let known = |id: &str| zone_ids.as_ref().is_none_or(|ids| ids.contains(id));
    let named = [
        ("policy.centre_zones", &policy.centre_zones),
        ("policy.city_zones", &policy.city_zones),
        ("policy.metropolis_zones", &policy.metropolis_zones),
    ];
    let satellite = policy.satellite_zone.iter().cloned().collect::<Vec<_>>();
    for (field, ids) in named
        .into_iter()
        .chain([("policy.satellite_zone", &satellite)])
    {
        for id in ids.iter().filter(|id| !known(id)) {
            problems.push(Problem {
                field: Some(field.to_owned()),
                ..Problem::file(&meta_path, format!("unknown zone id `{id}`"))
            });
        }
    }
    if problems.is_empty() {
        Ok(net)
    } else {
        Err(Error::Invalid(problems))
    }
}

fn settings(meta: &NetworkToml, path: &Path, problems: &mut Vec<Problem>) -> Settings {
    let mut bad = |field: &str, message: String| {
        problems.push(Problem {
            field: Some(field.to_owned()),
            ..Problem::file(path, message)
        })
    };
    if meta.format_version != NETWORK_FORMAT_VERSION {
        bad(
            "format_version",
            format!(
                "this build reads network format version {NETWORK_FORMAT_VERSION}, the file says {}",
                meta.format_version
            ),
        );
    }
    if meta.coordinate_system != "WGS84" {
        bad(
            "coordinate_system",
            format!("expected `WGS84`, got `{}`", meta.coordinate_system),
        );
    }
    let default_transfer_s = minutes_to_seconds(meta.default_transfer_min).unwrap_or_else(|m| {
        bad("default_transfer_min", m);
        0
    });
    let scheduled_wait_s = minutes_to_seconds(meta.scheduled_wait_min).unwrap_or_else(|m| {
        bad("scheduled_wait_min", m);
        0
    });
    let mut processing_s = [0; 5];
    for (mode, &minutes) in &meta.station_processing_min {
        match (Mode::parse(mode), minutes_to_seconds(minutes)) {
            (Some(m), Ok(s)) => processing_s[m.index()] = s,
            (None, _) => bad(
                "station_processing_min",
                format!(
                    "unknown mode `{mode}`; expected one of {}",
                    MODE_NAMES.join(", ")
                ),
            ),
            (_, Err(m)) => bad("station_processing_min", format!("{mode}: {m}")),
        }
    }
    Settings {
        name: meta.name.clone(),
        description: meta.description.clone(),
        sources: meta.sources.clone(),
        default_transfer_s,
        scheduled_wait_s,
        processing_s,
        fare_systems: fare_systems(meta, &mut bad),
        policy: crate::network::Policy {
            centre_zones: meta.policy.centre_zones.clone(),
            city_zones: meta.policy.city_zones.clone(),
            satellite_zone: meta.policy.satellite_zone.clone(),
            metropolis_zones: meta.policy.metropolis_zones.clone(),
        },
    }
}

fn fare_systems(meta: &NetworkToml, bad: &mut impl FnMut(&str, String)) -> Vec<FareSystem> {
    let mut out = Vec::new();
    for (id, system) in &meta.fare_systems {
        let field = format!("fare_systems.{id}");
        let amounts_ok = system
            .bands
            .iter()
            .all(|&(km, yuan)| km.is_finite() && km > 0.0 && yuan.is_finite() && yuan >= 0.0)
            && system.above_yuan.is_finite()
            && system.above_yuan >= 0.0;
        let ascending = system.bands.windows(2).all(|w| w[0].0 < w[1].0);
        if !amounts_ok || !ascending {
            bad(
                &field,
                "expected bands = [[up to km, yuan], ...] with ascending positive km and \
                 non-negative fares, and above_yuan >= 0"
                    .to_owned(),
            );
        }
        out.push(FareSystem {
            id: id.clone(),
            bands: system.bands.clone(),
            above_yuan: system.above_yuan,
        });
    }
    out
}

struct Loader<'a> {
    dir: &'a Path,
    /// Part folders (from `parts` in network.toml), read after the network folder.
    parts: Vec<PathBuf>,
    net: Network,
    problems: Vec<Problem>,
    nodes: Refs,
    /// Zone ids named in zones.csv, good rows or not (`None`: the table could not be read).
    zone_ids: Option<HashSet<String>>,
}

/// The ids of one table, for resolving references from other tables. An id whose own row had
/// problems is known but unusable: rows referring to it are skipped without a second, misleading
/// "unknown id" problem.
#[derive(Default)]
struct Refs {
    /// False when the table could not be read at all: then nothing is reported about it again.
    usable: bool,
    what: &'static str,
    file: &'static str,
    index: HashMap<String, usize>,
    mentioned: HashSet<String>,
}

impl Refs {
    fn new<'s>(
        what: &'static str,
        file: &'static str,
        ids: impl Iterator<Item = &'s str>,
        mentioned: HashSet<String>,
    ) -> Self {
        let index = ids.enumerate().map(|(i, id)| (id.to_owned(), i)).collect();
        Refs {
            usable: true,
            what,
            file,
            index,
            mentioned,
        }
    }

    fn get(&self, row: &mut Row<'_>, column: &str) -> Option<usize> {
        let id = row.text(column)?;
        let found = self.index.get(id).copied();
        if found.is_none() && self.usable && !self.mentioned.contains(id) {
            row.problem(
                Some(column),
                format!("unknown {} id `{id}` (not in {})", self.what, self.file),
            );
        }
        found
    }
}

fn node_ref(nodes: &Refs, row: &mut Row<'_>, column: &str) -> Option<NodeId> {
    nodes.get(row, column).map(NodeId::new)
}

/// Ids seen so far in one table, to report duplicates with the line of the first use.
#[derive(Default)]
struct SeenIds(HashMap<String, (PathBuf, u64)>, HashSet<String>);

impl SeenIds {
    /// Starts with the ids of the table's rows that could not be read at all.
    fn with_broken_rows_of(table: &Table) -> Self {
        let mut seen = SeenIds::default();
        for id in table.broken_values("id") {
            seen.mention(Some(id));
        }
        seen
    }

    /// Notes an id read from a row, whether or not the row is valid.
    fn mention(&mut self, id: Option<&str>) {
        if let Some(id) = id {
            self.1.insert(id.to_owned());
        }
    }
}

impl SeenIds {
    fn check(&mut self, row: &mut Row<'_>, column: &str, id: &str) -> bool {
        self.1.insert(id.to_owned());
        if let Some((path, line)) = self.0.get(id) {
            let place = if path == row.path {
                format!("on line {line}")
            } else {
                format!("in {} line {line}", path.display())
            };
            row.problem(
                Some(column),
                format!("duplicate id `{id}` (first used {place})"),
            );
            false
        } else {
            self.0
                .insert(id.to_owned(), (row.path.to_path_buf(), row.line));
            true
        }
    }
}

impl Loader<'_> {
    /// A table the network must have: `file` in the network folder, followed by the same file
    /// in each part folder that has it.
    fn table(&mut self, file: &str, required: &[&str], optional: &[&str]) -> Option<Table> {
        let root = Table::read(&self.dir.join(file), required, optional, &mut self.problems)?;
        let parts = self.part_tables(file, required, optional);
        Table::concat(std::iter::once(root).chain(parts).collect())
    }

    /// An optional table: `file` in the network folder and its parts, wherever it exists.
    fn optional_table(
        &mut self,
        file: &str,
        required: &[&str],
        optional: &[&str],
    ) -> Option<Table> {
        let root = self.dir.join(file);
        let root = root
            .exists()
            .then(|| Table::read(&root, required, optional, &mut self.problems))
            .flatten();
        let parts = self.part_tables(file, required, optional);
        Table::concat(root.into_iter().chain(parts).collect())
    }

    fn part_tables(&mut self, file: &str, required: &[&str], optional: &[&str]) -> Vec<Table> {
        let paths: Vec<PathBuf> = self
            .parts
            .iter()
            .map(|p| p.join(file))
            .filter(|p| p.exists())
            .collect();
        paths
            .iter()
            .filter_map(|p| Table::read(p, required, optional, &mut self.problems))
            .collect()
    }

    fn nodes(&mut self) {
        let Some(t) = self.table(
            "nodes.csv",
            &["id", "name", "kind", "lon", "lat"],
            &["approximate", "name_zh"],
        ) else {
            return;
        };
        let mut seen = SeenIds::with_broken_rows_of(&t);
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let id = row.text("id");
            seen.mention(id);
            let name = row.text("name");
            let name_zh = row.text_or_empty("name_zh");
            let kind = row.choice("kind", &KIND_NAMES, NodeKind::parse);
            let lon = row.number("lon");
            let lat = row.number("lat");
            let approximate = row.boolean_or("approximate", false);
            if lon.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
                row.problem(Some("lon"), "expected a longitude between -180 and 180");
            }
            if lat.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
                row.problem(Some("lat"), "expected a latitude between -90 and 90");
            }
            if let (Some(id), Some(name), Some(kind), Some(lon), Some(lat), Some(approximate)) =
                (id, name, kind, lon, lat, approximate)
                && seen.check(&mut row, "id", id)
            {
                self.net.nodes.push(Node {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    name_zh: name_zh.to_owned(),
                    kind,
                    lon,
                    lat,
                    approximate,
                });
            }
        }
        let ids = self.net.nodes.iter().map(|n| n.id.as_str());
        self.nodes = Refs::new("node", "nodes.csv", ids, seen.1);
    }

    fn links(&mut self) {
        let mut seen = SeenIds::default();
        if let Some(t) = self.optional_table(
            "roads.csv",
            &[
                "id",
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
            &["checkpoint_min", "name"],
        ) {
            for i in 0..t.len() {
                let mut row = t.row(i, &mut self.problems);
                let id = row.text("id");
                seen.mention(id);
                seen.mention(id);
                let from = node_ref(&self.nodes, &mut row, "from");
                let to = node_ref(&self.nodes, &mut row, "to");
                let length_km = row.positive("length_km");
                let speed_kmh = row.positive("speed_kmh");
                let length_km = row.at_most("length_km", length_km, MAX_LINK_KM);
                let speed_kmh = row.at_most("speed_kmh", speed_kmh, MAX_SPEED_KMH);
                let capacity_vph = row.non_negative("capacity_vph");
                let lanes = row.whole("lanes", 1);
                let class = row.text("class");
                let toll_yuan = row.non_negative("toll_yuan");
                let oneway = row.boolean_or("oneway", false);
                let checkpoint_s = row.minutes_or_zero("checkpoint_min");
                let name = row.text_or_empty("name");
                if from.is_some() && from == to {
                    row.problem(Some("to"), "a road link must join two different nodes");
                    continue;
                }
                if let (
                    Some(id),
                    Some(from),
                    Some(to),
                    Some(length_km),
                    Some(speed_kmh),
                    Some(capacity_vph),
                    Some(lanes),
                    Some(class),
                    Some(toll_yuan),
                    Some(oneway),
                    Some(checkpoint_s),
                ) = (
                    id,
                    from,
                    to,
                    length_km,
                    speed_kmh,
                    capacity_vph,
                    lanes,
                    class,
                    toll_yuan,
                    oneway,
                    checkpoint_s,
                ) && seen.check(&mut row, "id", id)
                {
                    self.net.roads.push(RoadLink {
                        id: id.to_owned(),
                        name: name.to_owned(),
                        from,
                        to,
                        length_km,
                        speed_kmh,
                        capacity_vph,
                        lanes: lanes.min(u64::from(u32::MAX)) as u32,
                        class: class.to_owned(),
                        toll_yuan,
                        oneway,
                        checkpoint_s,
                    });
                }
            }
        }
        if let Some(t) =
            self.optional_table("walk.csv", &["id", "from", "to", "minutes"], &["oneway"])
        {
            for i in 0..t.len() {
                let mut row = t.row(i, &mut self.problems);
                let id = row.text("id");
                seen.mention(id);
                seen.mention(id);
                let from = node_ref(&self.nodes, &mut row, "from");
                let to = node_ref(&self.nodes, &mut row, "to");
                let time_s = row.minutes("minutes");
                let oneway = row.boolean_or("oneway", false);
                if let (Some(id), Some(from), Some(to), Some(time_s), Some(oneway)) =
                    (id, from, to, time_s, oneway)
                    && seen.check(&mut row, "id", id)
                {
                    self.net.walks.push(WalkLink {
                        id: id.to_owned(),
                        from,
                        to,
                        time_s,
                        oneway,
                    });
                }
            }
        }
        if let Some(t) = self.optional_table("transfers.csv", &["from", "to", "minutes"], &[]) {
            let mut pairs = HashMap::new();
            for i in 0..t.len() {
                let mut row = t.row(i, &mut self.problems);
                let from = node_ref(&self.nodes, &mut row, "from");
                let to = node_ref(&self.nodes, &mut row, "to");
                let time_s = row.minutes("minutes");
                let (Some(from), Some(to), Some(time_s)) = (from, to, time_s) else {
                    continue;
                };
                for (column, node) in [("from", from), ("to", to)] {
                    if !self.net.nodes[node.index()].kind.is_station() {
                        row.problem(Some(column), "transfers join stations or stops");
                    }
                }
                let key = (from.min(to), from.max(to));
                if let Some(first) = pairs.insert(key, row.line) {
                    row.problem(
                        None,
                        format!("duplicate transfer (first given on line {first})"),
                    );
                    continue;
                }
                self.net.transfers.push(Transfer { from, to, time_s });
            }
        }
    }

    fn lines(&mut self) {
        let Some(t) = self.optional_table(
            "lines.csv",
            &["id", "name", "mode", "capacity", "fare"],
            &["oneway"],
        ) else {
            return;
        };
        let mut seen = SeenIds::with_broken_rows_of(&t);
        let mut line_rows: Vec<(PathBuf, u64)> = Vec::new();
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let id = row.text("id");
            seen.mention(id);
            let name = row.text("name");
            let mode = row.choice("mode", &MODE_NAMES, Mode::parse);
            let capacity = row.whole("capacity", 1);
            let fare_text = row.text("fare");
            let fare = fare_text.and_then(|f| {
                let parsed = FareRule::parse(f, &self.net.settings.fare_systems);
                if parsed.is_none() {
                    row.problem(
                        Some("fare"),
                        format!(
                            "expected `none`, `flat:YUAN`, `per_km:YUAN` or `system:ID` (a fare system of network.toml), got `{f}`"
                        ),
                    );
                }
                parsed
            });
            let oneway = row.boolean_or("oneway", false);
            if let (Some(id), Some(name), Some(mode), Some(capacity), Some(fare), Some(oneway)) =
                (id, name, mode, capacity, fare, oneway)
                && seen.check(&mut row, "id", id)
            {
                line_rows.push((row.path.to_path_buf(), row.line));
                self.net.lines.push(Line {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    mode,
                    capacity: capacity.min(u64::from(u32::MAX)) as u32,
                    fare,
                    oneway,
                    stops: Vec::new(),
                    headways: Vec::new(),
                    departures: Vec::new(),
                });
            }
        }
        let ids = self.net.lines.iter().map(|l| l.id.as_str());
        let lines = Refs::new("line", "lines.csv", ids, seen.1);
        let line_ref = |row: &mut Row<'_>| lines.get(row, "line");
        // Lines with a stop row that could not be read, or whose nodes could not be read at all.
        let mut incomplete: HashSet<usize> = HashSet::new();
        if !self.nodes.usable {
            incomplete.extend(0..self.net.lines.len());
        }
        if let Some(t) = self.optional_table(
            "stops.csv",
            &["line", "node", "run_min", "dwell_min"],
            &["distance_km"],
        ) {
            for i in 0..t.len() {
                let mut row = t.row(i, &mut self.problems);
                let line = line_ref(&mut row);
                let node = node_ref(&self.nodes, &mut row, "node");
                let run_s = row.minutes("run_min");
                let dwell_s = row.minutes("dwell_min");
                let distance_km = row.non_negative_or("distance_km", 0.0);
                let not_station =
                    node.is_some_and(|n| !self.net.nodes[n.index()].kind.is_station());
                if not_station {
                    row.problem(Some("node"), "lines stop at stations or bus stops only");
                }
                let (Some(line), Some(node), Some(run_s), Some(dwell_s), Some(distance_km), false) =
                    (line, node, run_s, dwell_s, distance_km, not_station)
                else {
                    // A line with a bad stop row is already reported: no "too few stops" too.
                    if let Some(l) = line {
                        incomplete.insert(l);
                    }
                    continue;
                };
                let stops = &mut self.net.lines[line].stops;
                if stops.is_empty() && (run_s != 0 || distance_km != 0.0) {
                    row.problem(
                        Some("run_min"),
                        "the first stop of a line has no previous stop: run_min and distance_km must be 0",
                    );
                }
                if stops.last().is_some_and(|s| s.node == node) {
                    row.problem(Some("node"), "the same stop twice in a row");
                }
                stops.push(Stop {
                    node,
                    run_s,
                    dwell_s,
                    distance_km,
                });
            }
        }
        if let Some(t) =
            self.optional_table("service.csv", &["line", "start", "end", "headway_min"], &[])
        {
            for i in 0..t.len() {
                let mut row = t.row(i, &mut self.problems);
                let line = line_ref(&mut row);
                let start_s = row.clock("start");
                let end_s = row.clock("end");
                let headway_s = row.minutes("headway_min");
                if headway_s == Some(0) {
                    row.problem(Some("headway_min"), "expected a positive headway");
                    continue;
                }
                if let (Some(s), Some(e)) = (start_s, end_s)
                    && s >= e
                {
                    row.problem(Some("end"), "the period must end after it starts");
                    continue;
                }
                if let (Some(line), Some(start_s), Some(end_s), Some(headway_s)) =
                    (line, start_s, end_s, headway_s)
                {
                    self.net.lines[line].headways.push(HeadwayPeriod {
                        start_s,
                        end_s,
                        headway_s,
                    });
                }
            }
        }
        if let Some(t) = self.optional_table("departures.csv", &["line", "time"], &["direction"]) {
            for i in 0..t.len() {
                let mut row = t.row(i, &mut self.problems);
                let line = line_ref(&mut row);
                let time_s = row.clock("time");
                let direction = match row.text_or_empty("direction") {
                    "" | "forward" => Some(Direction::Forward),
                    "reverse" => Some(Direction::Reverse),
                    other => {
                        row.problem(
                            Some("direction"),
                            format!("expected forward or reverse, got `{other}`"),
                        );
                        None
                    }
                };
                let (Some(line), Some(time_s), Some(direction)) = (line, time_s, direction) else {
                    continue;
                };
                if direction == Direction::Reverse && self.net.lines[line].oneway {
                    row.problem(
                        Some("direction"),
                        "a one-way line has no reverse departures",
                    );
                    continue;
                }
                self.net.lines[line]
                    .departures
                    .push(Departure { direction, time_s });
            }
        }
        for (index, (line, (path, line_no))) in
            self.net.lines.iter_mut().zip(&line_rows).enumerate()
        {
            let id = &line.id;
            line.departures.sort();
            if line.stops.len() < 2 && !incomplete.contains(&index) {
                self.problems.push(Problem::at(
                    path,
                    *line_no,
                    Some("id"),
                    format!("line `{id}` needs at least two stops in stops.csv"),
                ));
            }
            if line.headways.is_empty() && line.departures.is_empty() {
                self.problems.push(Problem::at(
                    path,
                    *line_no,
                    Some("id"),
                    format!("line `{id}` has no service in service.csv or departures.csv"),
                ));
            }
        }
    }

    fn zones(&mut self) {
        let Some(t) = self.table(
            "zones.csv",
            &["id", "name", "centroid", "residents", "jobs", "car_share"],
            &["name_zh"],
        ) else {
            return;
        };
        let mut seen = SeenIds::with_broken_rows_of(&t);
        let mut centroids = HashMap::new();
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let id = row.text("id");
            seen.mention(id);
            let name = row.text("name");
            let name_zh = row.text_or_empty("name_zh");
            let centroid = node_ref(&self.nodes, &mut row, "centroid");
            let residents = row.whole("residents", 0);
            let jobs = row.whole("jobs", 0);
            let residents = row.at_most("residents", residents, MAX_PERSONS);
            let jobs = row.at_most("jobs", jobs, MAX_PERSONS);
            let car_share = row.non_negative("car_share");
            if car_share.is_some_and(|c| c > 1.0) {
                row.problem(Some("car_share"), "expected a share between 0 and 1");
                continue;
            }
            if let Some(c) = centroid {
                if self.net.nodes[c.index()].kind != NodeKind::ZoneCentroid {
                    row.problem(
                        Some("centroid"),
                        "the centroid must be a node of kind zone_centroid",
                    );
                    continue;
                }
                if let Some(first) = centroids.insert(c, row.line) {
                    row.problem(
                        Some("centroid"),
                        format!("centroid already used by the zone on line {first}"),
                    );
                    continue;
                }
            }
            if let (
                Some(id),
                Some(name),
                Some(centroid),
                Some(residents),
                Some(jobs),
                Some(car_share),
            ) = (id, name, centroid, residents, jobs, car_share)
                && seen.check(&mut row, "id", id)
            {
                self.net.zones.push(Zone {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    name_zh: name_zh.to_owned(),
                    centroid,
                    residents,
                    jobs,
                    car_share,
                });
            }
        }
        let ids = self.net.zones.iter().map(|z| z.id.as_str());
        self.zone_ids = Some(
            seen.1
                .iter()
                .cloned()
                .chain(ids.clone().map(str::to_owned))
                .collect(),
        );
        let zones = Refs::new("zone", "zones.csv", ids, seen.1);
        let Some(t) = self.table("access.csv", &["zone", "node", "mode", "minutes"], &[]) else {
            return;
        };
        let mut has_access = HashSet::new();
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let zone = zones.get(&mut row, "zone").map(ZoneId::new);
            let node = node_ref(&self.nodes, &mut row, "node");
            let mode = row.choice("mode", &["car", "walk", "feeder"], AccessMode::parse);
            let time_s: Option<Seconds> = row.minutes("minutes");
            let (Some(zone), Some(node), Some(mode), Some(time_s)) = (zone, node, mode, time_s)
            else {
                continue;
            };
            let kind = self.net.nodes[node.index()].kind;
            let fits = match mode {
                AccessMode::Car => kind == NodeKind::RoadJunction,
                AccessMode::Walk | AccessMode::Feeder => kind.is_station(),
            };
            if !fits {
                row.problem(
                    Some("node"),
                    format!(
                        "{} access leads to {}, but `{}` is a {}",
                        mode.as_str(),
                        if mode == AccessMode::Car {
                            "a road_junction"
                        } else {
                            "a station or stop"
                        },
                        self.net.nodes[node.index()].id,
                        kind.as_str()
                    ),
                );
                continue;
            }
            has_access.insert(zone);
            self.net.access.push(AccessLink {
                zone,
                node,
                mode,
                time_s,
            });
        }
        for (i, zone) in self.net.zones.iter().enumerate() {
            if !has_access.contains(&ZoneId::new(i)) {
                self.problems.push(Problem::file(
                    t.path(),
                    format!(
                        "zone `{}` has no access link: it cannot reach the network",
                        zone.id
                    ),
                ));
            }
        }
    }
}
