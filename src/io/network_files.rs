//! Reads a network folder (format version 1, documented in `docs/formats.md`): `network.toml`
//! plus CSV tables. Every row is checked and cross-referenced, and every problem in every file is
//! reported together.

use super::table::{Row, Table};
use super::{from_toml, line_of, read_text};
use crate::bounds::{self, Bound};
use crate::error::{Error, Problem, Result};
use crate::network::{
    AccessLink, AccessMode, Departure, Direction, FareRule, FareSystem, HeadwayPeriod, Line, Mode,
    Network, Node, NodeId, NodeKind, RoadLink, Settings, Stop, Transfer, WalkLink, Zone, ZoneId,
    stop_list_problems,
};
use crate::time::Seconds;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Hash sets of ids from the files: foldhash, several times faster than the standard SipHash on
/// short keys, still randomly seeded per process.
type FastSet<T> = foldhash::HashSet<T>;

/// Finds ids by their text: a hash table of indexes (8 bytes a slot), the text kept by the
/// caller. A million roads or half a million nodes take a few MB of table instead of tens of MB
/// of keyed slots: looking ids up in those took a third of the time to load a million roads.
#[derive(Default)]
struct IdIndex {
    slots: hashbrown::HashTable<usize>,
    hasher: foldhash::fast::RandomState,
}

impl IdIndex {
    fn with_capacity(capacity: usize) -> Self {
        IdIndex {
            slots: hashbrown::HashTable::with_capacity(capacity),
            hasher: Default::default(),
        }
    }

    /// The index of `id`, where `text(i)` is the id of index `i`.
    fn find<'a>(&self, id: &str, text: impl Fn(usize) -> &'a str) -> Option<usize> {
        let hash = self.hasher.hash_one(id);
        self.slots.find(hash, |&i| text(i) == id).copied()
    }

    /// Makes room for `additional` more ids.
    fn reserve<'a>(&mut self, additional: usize, text: impl Fn(usize) -> &'a str) {
        let hasher = &self.hasher;
        self.slots
            .reserve(additional, |&j| hasher.hash_one(text(j)));
    }

    /// Adds index `i` of `id`, which must not be there yet.
    fn insert<'a>(&mut self, id: &str, i: usize, text: impl Fn(usize) -> &'a str) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(id);
        self.slots
            .insert_unique(hash, i, |&j| hasher.hash_one(text(j)));
    }
}

/// The network format version this build reads.
pub const NETWORK_FORMAT_VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkToml {
    format_version: Spanned<u32>,
    name: String,
    #[serde(default)]
    description: String,
    coordinate_system: Spanned<String>,
    #[serde(default)]
    sources: Vec<String>,
    /// Default 3 minutes.
    default_transfer_min: Option<Spanned<f64>>,
    /// Default 5 minutes.
    scheduled_wait_min: Option<Spanned<f64>>,
    #[serde(default)]
    station_processing_min: BTreeMap<String, Spanned<f64>>,
    /// Sub-folders holding more of the same tables (e.g. a generated subway layer).
    #[serde(default)]
    parts: Vec<Spanned<String>>,
    /// Distance-based fare systems, by id.
    #[serde(default)]
    fare_systems: BTreeMap<String, Spanned<FareSystemToml>>,
    /// Zones of the policy metrics.
    #[serde(default)]
    policy: PolicyToml,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PolicyToml {
    #[serde(default)]
    centre_zones: Vec<Spanned<String>>,
    #[serde(default)]
    city_zones: Vec<Spanned<String>>,
    satellite_zone: Option<Spanned<String>>,
    #[serde(default)]
    metropolis_zones: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FareSystemToml {
    bands: Vec<(f64, f64)>,
    above_yuan: f64,
}

const DEFAULT_SCHEDULED_WAIT_MIN: f64 = 5.0;
const DEFAULT_TRANSFER_MIN: f64 = 3.0;

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
    let meta: NetworkToml = from_toml(&meta_path, &text).map_err(|p| Error::Invalid(vec![p]))?;
    let at = |span: std::ops::Range<usize>, field: &str, message: String| {
        Problem::at(&meta_path, line_of(&text, span.start), Some(field), message)
    };
    let settings = settings(&meta, &at, &mut problems);
    let mut parts = Vec::new();
    for part in &meta.parts {
        let path = dir.join(part.get_ref());
        if path.is_dir() {
            parts.push(path);
        } else {
            problems.push(at(
                part.span(),
                "parts",
                format!("part folder `{}` not found", part.get_ref()),
            ));
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
    let policy = &meta.policy;
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
        for id in ids.iter().filter(|id| !known(id.get_ref())) {
            problems.push(at(
                id.span(),
                field,
                format!("unknown zone id `{}`", id.get_ref()),
            ));
        }
    }
    if problems.is_empty() {
        Ok(net)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// `(span, field, message)` to a problem at the span's line of network.toml.
type At<'a> = dyn Fn(std::ops::Range<usize>, &str, String) -> Problem + 'a;

fn settings(meta: &NetworkToml, at: &At<'_>, problems: &mut Vec<Problem>) -> Settings {
    let mut bad = |span, field: &str, message: String| problems.push(at(span, field, message));
    if *meta.format_version.get_ref() != NETWORK_FORMAT_VERSION {
        bad(
            meta.format_version.span(),
            "format_version",
            format!(
                "this build reads network format version {NETWORK_FORMAT_VERSION}, the file says {}",
                meta.format_version.get_ref()
            ),
        );
    }
    if meta.coordinate_system.get_ref() != "WGS84" {
        bad(
            meta.coordinate_system.span(),
            "coordinate_system",
            format!(
                "expected `WGS84`, got `{}`",
                meta.coordinate_system.get_ref()
            ),
        );
    }
    let default_transfer_s = minutes(
        "default_transfer_min",
        meta.default_transfer_min.as_ref(),
        DEFAULT_TRANSFER_MIN,
        &bounds::TRANSFER_MIN,
        &mut bad,
    );
    let scheduled_wait_s = minutes(
        "scheduled_wait_min",
        meta.scheduled_wait_min.as_ref(),
        DEFAULT_SCHEDULED_WAIT_MIN,
        &bounds::SCHEDULED_WAIT_MIN,
        &mut bad,
    );
    let mut processing_s = [0; 5];
    for (mode, value) in &meta.station_processing_min {
        let field = format!("station_processing_min.{mode}");
        match Mode::parse(mode) {
            Some(m) => {
                processing_s[m.index()] =
                    minutes(&field, Some(value), 0.0, &bounds::PROCESSING_MIN, &mut bad)
            }
            None => bad(
                value.span(),
                &field,
                format!(
                    "unknown mode `{mode}`; expected one of {}",
                    Mode::ALL.map(Mode::as_str).join(", ")
                ),
            ),
        }
    }
    let fare_systems = fare_systems(meta, &mut bad);
    let names = |ids: &[Spanned<String>]| ids.iter().map(|id| id.get_ref().clone()).collect();
    Settings {
        name: meta.name.clone(),
        description: meta.description.clone(),
        sources: meta.sources.clone(),
        default_transfer_s,
        scheduled_wait_s,
        processing_s,
        fare_systems,
        policy: crate::network::Policy {
            centre_zones: names(&meta.policy.centre_zones),
            city_zones: names(&meta.policy.city_zones),
            satellite_zone: meta
                .policy
                .satellite_zone
                .as_ref()
                .map(|z| z.get_ref().clone()),
            metropolis_zones: names(&meta.policy.metropolis_zones),
        },
    }
}

/// A setting in minutes within `bound` (`default` when absent), as seconds.
fn minutes(
    field: &str,
    value: Option<&Spanned<f64>>,
    default: f64,
    bound: &Bound,
    bad: &mut impl FnMut(std::ops::Range<usize>, &str, String),
) -> Seconds {
    match value {
        None => bound.check_minutes(default).unwrap_or(0),
        Some(value) => bound.check_minutes(*value.get_ref()).unwrap_or_else(|m| {
            bad(value.span(), field, m);
            0
        }),
    }
}

fn fare_systems(
    meta: &NetworkToml,
    bad: &mut impl FnMut(std::ops::Range<usize>, &str, String),
) -> Vec<FareSystem> {
    let mut out = Vec::new();
    for (id, spanned) in &meta.fare_systems {
        let system = spanned.get_ref();
        let field = format!("fare_systems.{id}");
        let mut fail = |message: String| bad(spanned.span(), &field, message);
        let ascending = system.bands.windows(2).all(|w| w[0].0 < w[1].0);
        if !ascending {
            fail("expected bands = [[up to km, yuan], ...] in ascending order of km".to_owned());
        }
        for &(km, yuan) in &system.bands {
            let checks = [
                bounds::FARE_BAND_KM.check(km),
                bounds::FARE_YUAN.check(yuan),
            ];
            for message in checks.into_iter().filter_map(|c| c.err()) {
                fail(format!("band [{km}, {yuan}]: {message}"));
            }
        }
        if let Err(message) = bounds::FARE_YUAN.check(system.above_yuan) {
            fail(format!("above_yuan: {message}"));
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
    /// The ids back to back, id `i` ending at `ends[i]`.
    ids: String,
    ends: Vec<usize>,
    index: IdIndex,
    mentioned: FastSet<String>,
}

impl Refs {
    fn new<'s>(
        what: &'static str,
        file: &'static str,
        ids: impl Iterator<Item = &'s str>,
        mentioned: FastSet<String>,
    ) -> Self {
        let mut refs = Refs {
            usable: true,
            what,
            file,
            mentioned,
            ..Refs::default()
        };
        for id in ids {
            refs.ids.push_str(id);
            refs.ends.push(refs.ids.len());
        }
        refs.index = IdIndex::with_capacity(refs.ends.len());
        let Refs {
            ids, ends, index, ..
        } = &mut refs;
        let text = |i: usize| &ids[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        for i in 0..ends.len() {
            index.insert(text(i), i, text);
        }
        refs
    }

    /// Id `i`.
    fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.ids[start..self.ends[i]]
    }

    fn get(&self, row: &mut Row<'_, '_>, column: &str) -> Option<usize> {
        let id = row.text(column)?;
        let found = self.index.find(id, |i| self.id(i));
        if found.is_none() && self.usable && !self.mentioned.contains(id) {
            row.problem(
                Some(column),
                format!("unknown {} id `{id}` (not in {})", self.what, self.file),
            );
        }
        found
    }
}

fn node_ref(nodes: &Refs, row: &mut Row<'_, '_>, column: &str) -> Option<NodeId> {
    nodes.get(row, column).map(NodeId::new)
}

/// Ids seen so far in one table, to report duplicates with the line of the first use, and ids
/// of rows that were not kept (they had problems), which other tables may name without a second
/// "unknown id" problem. Borrows the ids from the tables read: a million rows cost no string
/// copies (allocating and freeing them took a third of the loading time).
#[derive(Default)]
struct SeenIds<'t> {
    /// Ids of kept rows with the file (index into `paths`) and line of their row.
    kept: Vec<(&'t str, usize, u64)>,
    /// Finds the ids of `kept`.
    index: IdIndex,
    /// The files of `first`, each once.
    paths: Vec<PathBuf>,
    /// Ids of rows that were not kept.
    unusable: FastSet<&'t str>,
    /// The id of the row being read, until it is kept.
    pending: Option<&'t str>,
}

impl<'t> SeenIds<'t> {
    /// Starts with the ids of the table's rows that could not be read at all.
    fn with_broken_rows_of(table: &'t Table) -> Self {
        let mut seen = SeenIds::default();
        seen.reserve(table);
        for id in table.broken_values("id") {
            seen.mention(Some(id));
        }
        seen
    }

    /// Makes room for the ids of `table`'s rows.
    fn reserve(&mut self, table: &Table) {
        let kept = &self.kept;
        self.index.reserve(table.len(), |i| kept[i].0);
        self.kept.reserve(table.len());
    }

    /// The index in `kept` of `id`.
    fn find(&self, id: &str) -> Option<usize> {
        self.index.find(id, |i| self.kept[i].0)
    }

    /// Notes the id of the row about to be read, whether or not the row turns out valid; it
    /// counts as unusable unless [`SeenIds::check`] keeps it.
    fn mention(&mut self, id: Option<&'t str>) {
        self.settle();
        self.pending = id;
    }

    /// Files the pending id as unusable (its row was not kept).
    fn settle(&mut self) {
        if let Some(id) = self.pending.take()
            && self.find(id).is_none()
        {
            self.unusable.insert(id);
        }
    }

    /// Ids of rows not kept, for [`Refs::new`].
    fn unusable(mut self) -> FastSet<String> {
        self.settle();
        self.unusable.into_iter().map(str::to_owned).collect()
    }

    /// Keeps `id` of `row` unless it was used before (then reports the duplicate and returns
    /// false).
    fn check(&mut self, row: &mut Row<'_, '_>, column: &str, id: &'t str) -> bool {
        if let Some(first) = self.find(id) {
            let (_, path, line) = self.kept[first];
            let path = &self.paths[path];
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
            // Compared as bytes: `Path`'s own comparison parses the components, every row.
            if self.paths.last().map(|p| p.as_os_str()) != Some(row.path.as_os_str()) {
                self.paths.push(row.path.to_path_buf());
            }
            let kept = &self.kept;
            self.index.insert(id, kept.len(), |i| kept[i].0);
            self.kept.push((id, self.paths.len() - 1, row.line));
            if self.pending == Some(id) {
                self.pending = None; // kept, not unusable
            }
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
            let kind = row.choice("kind", &NodeKind::ALL, NodeKind::as_str);
            let lon = row.bounded("lon", &bounds::LONGITUDE);
            let lat = row.bounded("lat", &bounds::LATITUDE);
            let approximate = row.boolean_or("approximate", false);
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
        self.nodes = Refs::new("node", "nodes.csv", ids, seen.unusable());
    }

    fn links(&mut self) {
        // Road and walk ids share one name space, and `seen` borrows them from both tables
        // (walk.csv is read after the roads are, so problems keep the files' order).
        let roads = self.optional_table(
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
        );
        let mut seen = SeenIds::default();
        if let Some(t) = &roads {
            seen.reserve(t);
            for i in 0..t.len() {
                let mut row = t.row(i, &mut self.problems);
                let id = row.text("id");
                seen.mention(id);
                let from = node_ref(&self.nodes, &mut row, "from");
                let to = node_ref(&self.nodes, &mut row, "to");
                let length_km = row.bounded("length_km", &bounds::ROAD_LENGTH_KM);
                let speed_kmh = row.bounded("speed_kmh", &bounds::ROAD_SPEED_KMH);
                let capacity_vph = row.bounded("capacity_vph", &bounds::ROAD_CAPACITY_VPH);
                let lanes = row.bounded_whole("lanes", &bounds::ROAD_LANES);
                let class = row.text("class");
                let toll_yuan = row.bounded("toll_yuan", &bounds::TOLL_YUAN);
                let oneway = row.boolean_or("oneway", false);
                let checkpoint_s =
                    row.bounded_minutes_or_zero("checkpoint_min", &bounds::CHECKPOINT_MIN);
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
                        lanes: lanes as u32,
                        class: class.to_owned(),
                        toll_yuan,
                        oneway,
                        checkpoint_s,
                    });
                }
            }
        }
        let walks = self.optional_table("walk.csv", &["id", "from", "to", "minutes"], &["oneway"]);
        if let Some(t) = &walks {
            for i in 0..t.len() {
                let mut row = t.row(i, &mut self.problems);
                let id = row.text("id");
                seen.mention(id);
                let from = node_ref(&self.nodes, &mut row, "from");
                let to = node_ref(&self.nodes, &mut row, "to");
                let time_s = row.bounded_minutes("minutes", &bounds::WALK_MIN);
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
                let time_s = row.bounded_minutes("minutes", &bounds::TRANSFER_MIN);
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
            let mode = row.choice("mode", &Mode::ALL, Mode::as_str);
            let capacity = row.bounded_whole("capacity", &bounds::LINE_CAPACITY);
            let fare_text = row.text("fare");
            let fare = fare_text.and_then(|f| {
                FareRule::parse(f, &self.net.settings.fare_systems)
                    .map_err(|m| row.problem(Some("fare"), m))
                    .ok()
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
                    capacity: capacity as u32,
                    fare,
                    oneway,
                    stops: Vec::new(),
                    headways: Vec::new(),
                    departures: Vec::new(),
                });
            }
        }
        let ids = self.net.lines.iter().map(|l| l.id.as_str());
        let lines = Refs::new("line", "lines.csv", ids, seen.unusable());
        let line_ref = |row: &mut Row<'_, '_>| lines.get(row, "line");
        // Lines with a stop row that could not be read, or whose nodes could not be read at all.
        let mut incomplete: HashSet<usize> = HashSet::new();
        if !self.nodes.usable {
            incomplete.extend(0..self.net.lines.len());
        }
        // Where each line's stops were read, to place the problems of its stop list.
        let mut stop_rows: Vec<Vec<(PathBuf, u64)>> = vec![Vec::new(); self.net.lines.len()];
        if let Some(t) = self.optional_table(
            "stops.csv",
            &["line", "node", "run_min", "dwell_min"],
            &["distance_km"],
        ) {
            for i in 0..t.len() {
                let mut row = t.row(i, &mut self.problems);
                let line = line_ref(&mut row);
                let node = node_ref(&self.nodes, &mut row, "node");
                let run_s = row.bounded_minutes("run_min", &bounds::RUN_MIN);
                let dwell_s = row.bounded_minutes("dwell_min", &bounds::DWELL_MIN);
                let distance_km = row.bounded_or("distance_km", &bounds::STOP_DISTANCE_KM, 0.0);
                let (Some(line), Some(node), Some(run_s), Some(dwell_s), Some(distance_km)) =
                    (line, node, run_s, dwell_s, distance_km)
                else {
                    // The line's stop list is incomplete: its sequence cannot be checked.
                    if let Some(l) = line {
                        incomplete.insert(l);
                    }
                    continue;
                };
                stop_rows[line].push((row.path.to_path_buf(), row.line));
                self.net.lines[line].stops.push(Stop {
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
                let headway_s = row.bounded_minutes("headway_min", &bounds::HEADWAY_MIN);
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
            let complete = !incomplete.contains(&index);
            for problem in stop_list_problems(&self.net.nodes, &line.stops, complete) {
                match problem.stop {
                    Some(stop) => {
                        let (stop_path, stop_line) = &stop_rows[index][stop];
                        self.problems.push(Problem::at(
                            stop_path,
                            *stop_line,
                            Some(problem.field),
                            problem.message,
                        ));
                    }
                    None => self.problems.push(Problem::at(
                        path,
                        *line_no,
                        Some("id"),
                        format!("line `{id}`: {} in stops.csv", problem.message),
                    )),
                }
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
            let residents = row.bounded_whole("residents", &bounds::PERSONS);
            let jobs = row.bounded_whole("jobs", &bounds::PERSONS);
            let car_share = row.bounded("car_share", &bounds::CAR_SHARE);
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
        let unusable = seen.unusable();
        self.zone_ids = Some(
            unusable
                .iter()
                .cloned()
                .chain(ids.clone().map(str::to_owned))
                .collect(),
        );
        let zones = Refs::new("zone", "zones.csv", ids, unusable);
        let Some(t) = self.table("access.csv", &["zone", "node", "mode", "minutes"], &[]) else {
            return;
        };
        let mut has_access = HashSet::new();
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let zone = zones.get(&mut row, "zone").map(ZoneId::new);
            let node = node_ref(&self.nodes, &mut row, "node");
            let mode = row.choice("mode", &AccessMode::ALL, AccessMode::as_str);
            let time_s: Option<Seconds> = row.bounded_minutes("minutes", &bounds::ACCESS_MIN);
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
