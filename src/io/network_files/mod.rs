//! Reads a network folder (format version 1, documented in `docs/formats.md`): `network.toml`
//! plus CSV tables. Every row is checked and cross-referenced, and every problem in every file is
//! reported together.

//!
//! One file per group of tables, read in this order (a table may refer only to tables read
//! before it): `nodes.rs`; `links.rs` (roads, walks, transfers); `lines.rs` (lines, stops,
//! service, departures); `zones.rs` (zones, access). `ids.rs` resolves ids between tables.

mod ids;
mod lines;
mod links;
mod nodes;
mod zones;

use super::table::Table;
use super::{from_toml, line_of, read_text};
use crate::bounds::{self, Bound};
use crate::error::{Error, Problem, Result};
use crate::network::{FareSystem, Mode, Network, Settings};
use crate::time::Seconds;
use ids::Refs;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use toml::Spanned;

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
    /// By mode, the factor on rated standees at crush load (default 1).
    #[serde(default)]
    crush_standing: BTreeMap<String, Spanned<f64>>,
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
    for (m, field, value) in by_mode(
        "station_processing_min",
        &meta.station_processing_min,
        &mut bad,
    ) {
        processing_s[m.index()] =
            minutes(&field, Some(value), 0.0, &bounds::PROCESSING_MIN, &mut bad);
    }
    let mut crush_standing = [1.0; 5];
    for (m, field, value) in by_mode("crush_standing", &meta.crush_standing, &mut bad) {
        match bounds::CRUSH_STANDING.check(*value.get_ref()) {
            Ok(factor) => crush_standing[m.index()] = factor,
            Err(message) => bad(value.span(), &field, message),
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
        crush_standing,
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

/// The entries of the per-mode table `table` with their modes and field names; an unknown mode
/// is a problem.
fn by_mode<'a>(
    table: &str,
    entries: &'a BTreeMap<String, Spanned<f64>>,
    bad: &mut impl FnMut(std::ops::Range<usize>, &str, String),
) -> Vec<(Mode, String, &'a Spanned<f64>)> {
    let mut out = Vec::new();
    for (mode, value) in entries {
        let field = format!("{table}.{mode}");
        match Mode::parse(mode) {
            Some(m) => out.push((m, field, value)),
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
    out
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
}
