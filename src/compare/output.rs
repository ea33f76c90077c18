//! The files `commute compare` writes, as bytes: compare.csv, zones.csv, lines.csv, links.csv
//! (when both runs have road link volumes), compare.json and the two GeoJSON layers with before,
//! after and change as properties.

use super::{Comparison, Delta, LinkComparison, RunData};
use crate::run::{Share, csv_bytes, fixed};
use serde_json::{Value, json};
use std::collections::HashMap;

/// `x` with `decimals` decimals (never `-0.0`), or empty.
fn cell(x: Option<f64>, decimals: usize) -> String {
    x.filter(|x| x.is_finite())
        .map_or(String::new(), |x| fixed(x, decimals))
}

fn delta_cells(d: Option<Delta>) -> [String; 5] {
    [
        cell(d.map(|d| d.before), 2),
        cell(d.map(|d| d.after), 2),
        cell(d.map(|d| d.delta), 2),
        cell(d.map(|d| d.ci_low), 2),
        cell(d.map(|d| d.ci_high), 2),
    ]
}

fn diff(pair: [Option<f64>; 2]) -> Option<f64> {
    pair[0].zip(pair[1]).map(|(b, a)| a - b)
}

/// `compare.csv`: per zone pair and mode (`car`, `transit`, `custom_bus`, `best`, and `chosen`:
/// the commuters' own mode), commuters before and after, the mean door-to-door minutes before
/// and after (means of the per-draw means over the draws both runs have), their change with a
/// 95% confidence interval, and the medians and 95th percentiles before, after and changed.
pub fn compare_csv(c: &Comparison) -> Vec<u8> {
    let rows = c.od.iter().map(|o| {
        let mut row = vec![
            o.origin.clone(),
            o.destination.clone(),
            o.mode.as_str().to_owned(),
            cell(Some(o.before_commuters), 1),
            cell(Some(o.after_commuters), 1),
        ];
        row.extend(delta_cells(o.mean));
        for q in [o.p50, o.p95] {
            row.extend([cell(q[0], 1), cell(q[1], 1), cell(diff(q), 1)]);
        }
        row
    });
    csv_bytes(
        &[
            "origin",
            "destination",
            "mode",
            "before_commuters",
            "after_commuters",
            "before_mean_min",
            "after_mean_min",
            "delta_mean_min",
            "delta_mean_ci_low_min",
            "delta_mean_ci_high_min",
            "before_p50_min",
            "after_p50_min",
            "delta_p50_min",
            "before_p95_min",
            "after_p95_min",
            "delta_p95_min",
        ],
        rows,
    )
}

/// `zones.csv` of a comparison: per zone, commuters, mean commute with its change and interval,
/// the median and 95th-percentile commute (whole minutes), mode shares, continuous
/// accessibility (jobs-equivalent, fastest alternative and public transport) with its change
/// and interval, and jobs within 60 minutes (median, a threshold count), before and after.
pub fn zones_csv(c: &Comparison) -> Vec<u8> {
    let mut header: Vec<String> = [
        "zone",
        "name",
        "residents",
        "before_commuters",
        "after_commuters",
        "before_mean_commute_min",
        "after_mean_commute_min",
        "delta_mean_commute_min",
        "delta_mean_ci_low_min",
        "delta_mean_ci_high_min",
        "before_same_trips_min",
        "after_same_trips_min",
        "delta_same_trips_min",
        "delta_same_trips_ci_low_min",
        "delta_same_trips_ci_high_min",
        "before_p50_min",
        "after_p50_min",
        "delta_p50_min",
        "before_p95_min",
        "after_p95_min",
        "delta_p95_min",
    ]
    .map(str::to_owned)
    .to_vec();
    for s in Share::ALL.map(Share::as_str) {
        header.extend([format!("before_{s}_share"), format!("after_{s}_share")]);
    }
    for what in ["access_jobs", "access_jobs_pt"] {
        header.extend(
            ["before", "after", "delta"]
                .map(|side| format!("{side}_{what}"))
                .into_iter()
                .chain(["low", "high"].map(|end| format!("delta_{what}_ci_{end}"))),
        );
    }
    header.extend(
        [
            "before_jobs_within_60min_p50",
            "after_jobs_within_60min_p50",
        ]
        .map(str::to_owned),
    );
    let rows = c.zones.iter().map(|z| {
        // Empty on the side of a run the zone is not in.
        let on = |side: usize, x: f64| z.present[side].then_some(x);
        let mut row = vec![
            z.zone.clone(),
            z.name.clone(),
            cell(Some(z.residents), 0),
            cell(on(0, z.commuters[0]), 1),
            cell(on(1, z.commuters[1]), 1),
        ];
        row.extend(delta_cells(z.mean_commute));
        row.extend(delta_cells(z.time_change));
        for q in [z.p50_min, z.p95_min] {
            row.extend([cell(q[0], 0), cell(q[1], 0), cell(diff(q), 0)]);
        }
        for i in 0..Share::ALL.len() {
            row.extend([
                cell(on(0, z.shares[0][i]), 4),
                cell(on(1, z.shares[1][i]), 4),
            ]);
        }
        row.extend(delta_cells(z.access_jobs));
        row.extend(delta_cells(z.access_jobs_pt));
        row.extend([
            cell(on(0, z.jobs_within_60min_p50[0]), 0),
            cell(on(1, z.jobs_within_60min_p50[1]), 0),
        ]);
        row
    });
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_bytes(&header, rows)
}

/// `lines.csv` of a comparison: per line, boardings, peak load, load factor and denied
/// boardings before, after and changed (empty for a line one run does not have).
pub fn lines_csv(c: &Comparison) -> Vec<u8> {
    let rows = c.lines.iter().map(|l| {
        let mut row = vec![l.line.clone(), l.name.clone(), l.mode.clone()];
        for (pair, decimals) in [
            (l.boardings, 1),
            (l.peak_load, 1),
            (l.load_factor, 3),
            (l.denied_boardings, 1),
        ] {
            let change = match pair {
                [Some(b), Some(a)] => Some(a - b),
                [None, Some(a)] => Some(a),
                [Some(b), None] => Some(-b),
                [None, None] => None,
            };
            row.extend([
                cell(pair[0], decimals),
                cell(pair[1], decimals),
                cell(change, decimals),
            ]);
        }
        row
    });
    csv_bytes(
        &[
            "line",
            "name",
            "mode",
            "before_boardings",
            "after_boardings",
            "delta_boardings",
            "before_peak_load",
            "after_peak_load",
            "delta_peak_load",
            "before_load_factor",
            "after_load_factor",
            "delta_load_factor",
            "before_denied_boardings",
            "after_denied_boardings",
            "delta_denied_boardings",
        ],
        rows,
    )
}

/// `links.csv` of a comparison (when both runs have `links.csv`): per directed road link of
/// either run (the after run's in road order, then those only the before run has), `status`
/// (`both`, `added`, `removed`), the peak-hour commuter volume before, after and changed (a link
/// missing on one side counts 0 there), and volume/capacity, congested speed and congested
/// minutes before, after and changed (empty on a side without the link). No confidence
/// intervals: the volumes come from one assignment of each run's mean car flows.
pub fn links_csv(links: &LinkComparison) -> Vec<u8> {
    let rows = links.all.iter().map(|l| {
        let mut row = vec![
            l.link.clone(),
            l.direction.as_str().to_owned(),
            l.name.clone(),
            l.class.clone(),
            l.from.clone(),
            l.to.clone(),
            l.status.to_owned(),
            cell(l.volume_vph[0], 1),
            cell(l.volume_vph[1], 1),
            cell(Some(l.delta_volume_vph), 1),
        ];
        for (pair, decimals) in [
            (l.volume_capacity, 3),
            (l.speed_kmh, 1),
            (l.congested_min, 2),
        ] {
            row.extend([
                cell(pair[0], decimals),
                cell(pair[1], decimals),
                cell(diff(pair), decimals),
            ]);
        }
        row
    });
    csv_bytes(&LINKS_CSV_COLUMNS, rows)
}

/// The columns of a comparison's `links.csv`.
pub const LINKS_CSV_COLUMNS: [&str; 19] = [
    "link",
    "direction",
    "name",
    "class",
    "from",
    "to",
    "status",
    "before_volume_vph",
    "after_volume_vph",
    "delta_volume_vph",
    "before_volume_capacity",
    "after_volume_capacity",
    "delta_volume_capacity",
    "before_speed_kmh",
    "after_speed_kmh",
    "delta_speed_kmh",
    "before_congested_min",
    "after_congested_min",
    "delta_congested_min",
];

/// Per road link id, both directions together: volume before and after (`None` when the run
/// lacks the link), the change, and the higher volume/capacity of its directions before and
/// after.
pub(crate) struct RoadVolumes {
    pub volume_vph: [Option<f64>; 2],
    pub delta_vph: f64,
    pub volume_capacity: [Option<f64>; 2],
}

/// [`RoadVolumes`] by road link id.
pub(crate) fn road_volumes(links: &LinkComparison) -> HashMap<&str, RoadVolumes> {
    let mut out: HashMap<&str, RoadVolumes> = HashMap::new();
    for l in &links.all {
        let r = out.entry(l.link.as_str()).or_insert(RoadVolumes {
            volume_vph: [None, None],
            delta_vph: 0.0,
            volume_capacity: [None, None],
        });
        for side in 0..2 {
            if let Some(v) = l.volume_vph[side] {
                r.volume_vph[side] = Some(r.volume_vph[side].unwrap_or(0.0) + v);
            }
            if let Some(x) = l.volume_capacity[side] {
                r.volume_capacity[side] = Some(r.volume_capacity[side].map_or(x, |y| y.max(x)));
            }
        }
        r.delta_vph += l.delta_volume_vph;
    }
    out
}

/// `compare.json`: the runs compared, whether the statistics are paired, the region's changes,
/// the policy metrics and the top improvements and worsenings. No timings: the same inputs give
/// the same bytes.
pub fn compare_json(c: &Comparison) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(c).expect("in-memory JSON");
    text.push('\n');
    text.into_bytes()
}

/// `zones.geojson` of a comparison: the zones' points with their before, after and change.
pub fn zones_geojson(c: &Comparison, before: &RunData<'_>, after: &RunData<'_>) -> Vec<u8> {
    let points = points_of(&[after, before]);
    let features: Vec<Value> = c
        .zones
        .iter()
        .filter_map(|z| {
            let point = points.get(z.zone.as_str())?;
            let d = z.mean_commute;
            Some(json!({
                "type": "Feature",
                "geometry": point,
                "properties": {
                    "zone": z.zone, "name": z.name, "residents": z.residents,
                    "before_commuters": z.commuters[0], "after_commuters": z.commuters[1],
                    "before_mean_commute_min": d.map(|d| d.before),
                    "after_mean_commute_min": d.map(|d| d.after),
                    "delta_mean_commute_min": d.map(|d| d.delta),
                    "delta_mean_ci_low_min": d.map(|d| d.ci_low),
                    "delta_mean_ci_high_min": d.map(|d| d.ci_high),
                    "delta_same_trips_min": z.time_change.map(|d| d.delta),
                    "before_car_share": z.shares[0][0], "after_car_share": z.shares[1][0],
                    "before_access_jobs": z.access_jobs.map(|d| d.before),
                    "after_access_jobs": z.access_jobs.map(|d| d.after),
                    "delta_access_jobs": z.access_jobs.map(|d| d.delta),
                    "delta_access_jobs_pt": z.access_jobs_pt.map(|d| d.delta),
                    "before_jobs_within_60min_p50": z.jobs_within_60min_p50[0],
                    "after_jobs_within_60min_p50": z.jobs_within_60min_p50[1],
                },
            }))
        })
        .collect();
    geojson(features)
}

/// Zone points by zone id, from the first run that has each.
fn points_of<'a>(runs: &[&RunData<'a>]) -> HashMap<&'a str, &'a Value> {
    let mut points = HashMap::new();
    for run in runs {
        for f in run.run.zones_geojson["features"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(id) = f["properties"]["zone"].as_str() {
                points.entry(id).or_insert(&f["geometry"]);
            }
        }
    }
    points
}

/// How a network feature differs between the runs.
pub fn feature_changes(before: &RunData<'_>, after: &RunData<'_>) -> Vec<(Value, &'static str)> {
    // Result properties differ whenever demand does; the feature itself is what changed.
    const RESULTS: [&str; 3] = ["boardings", "peak_load", "denied_boardings"];
    let key = |f: &Value| {
        (
            f["properties"]["kind"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            f["properties"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    let strip = |f: &Value| {
        let mut f = f.clone();
        if let Some(p) = f["properties"].as_object_mut() {
            for k in RESULTS {
                p.remove(k);
            }
        }
        f
    };
    let features = |run: &RunData<'_>| -> Vec<Value> {
        run.run.network_geojson["features"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let before_features = features(before);
    let by_key: HashMap<(String, String), &Value> =
        before_features.iter().map(|f| (key(f), f)).collect();
    let mut out = Vec::new();
    let after_features = features(after);
    for f in &after_features {
        let change = match by_key.get(&key(f)) {
            None => "added",
            Some(b) if strip(b) != strip(f) => "changed",
            Some(_) => "same",
        };
        out.push((f.clone(), change));
    }
    let after_keys: std::collections::HashSet<(String, String)> =
        after_features.iter().map(key).collect();
    for f in before_features {
        if !after_keys.contains(&key(&f)) {
            out.push((f, "removed"));
        }
    }
    out
}

/// `network.geojson` of a comparison: roads and lines of both runs, with `change` (`same`,
/// `added`, `removed`, `changed`), for lines boardings before, after and changed, and, when both
/// runs have `links.csv`, for roads `before_volume_vph`, `after_volume_vph` and
/// `volume_change_vph` (both directions together) and the higher volume/capacity of the two
/// directions, `before_volume_capacity` and `after_volume_capacity`.
pub fn network_geojson(c: &Comparison, before: &RunData<'_>, after: &RunData<'_>) -> Vec<u8> {
    let lines: HashMap<&str, &super::LineChange> =
        c.lines.iter().map(|l| (l.line.as_str(), l)).collect();
    let roads = c.links.as_ref().map(road_volumes).unwrap_or_default();
    let features = feature_changes(before, after)
        .into_iter()
        .map(|(mut f, change)| {
            let props = &mut f["properties"];
            props["change"] = json!(change);
            if props["kind"] == "line"
                && let Some(l) = props["id"].as_str().and_then(|id| lines.get(id))
            {
                props["before_boardings"] = json!(l.boardings[0]);
                props["after_boardings"] = json!(l.boardings[1]);
                props["delta_boardings"] = json!(diff(l.boardings));
            }
            if props["kind"] == "road"
                && let Some(r) = props["id"].as_str().and_then(|id| roads.get(id))
            {
                props["before_volume_vph"] = json!(r.volume_vph[0]);
                props["after_volume_vph"] = json!(r.volume_vph[1]);
                props["volume_change_vph"] = json!(r.delta_vph);
                props["before_volume_capacity"] = json!(r.volume_capacity[0]);
                props["after_volume_capacity"] = json!(r.volume_capacity[1]);
            }
            if let Some(p) = props.as_object_mut() {
                p.remove("boardings");
                p.remove("peak_load");
                p.remove("denied_boardings");
            }
            f
        })
        .collect();
    geojson(features)
}

fn geojson(features: Vec<Value>) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(&json!({"type": "FeatureCollection", "features": features}))
        .expect("in-memory JSON");
    bytes.push(b'\n');
    bytes
}
