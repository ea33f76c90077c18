//! The result tables and summaries a run writes, as bytes. Pure functions of the network and the
//! skims, so identical inputs give identical bytes whatever the thread count; `io::output` puts
//! them on disk atomically.

use crate::network::{AccessMode, Mode, Network, NodeKind};
use crate::routing::{OdResult, Skims, TravelMode};
use crate::scenario::Scenario;
use crate::time::{Seconds, format_clock, to_minutes};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Accessibility thresholds for `zones.csv`, minutes.
pub const ACCESS_THRESHOLDS_MIN: [u32; 5] = [30, 45, 60, 90, 120];

/// Counts describing a network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkCounts {
    /// Nodes, total.
    pub nodes: usize,
    /// Nodes by kind.
    pub nodes_by_kind: BTreeMap<&'static str, usize>,
    /// Links by mode: `road`, `walk`, `transfer` and zone access (`access_car`, ...).
    pub links_by_mode: BTreeMap<&'static str, usize>,
    /// Lines, total.
    pub lines: usize,
    /// Lines by mode.
    pub lines_by_mode: BTreeMap<&'static str, usize>,
    /// Zones.
    pub zones: usize,
}

impl NetworkCounts {
    /// Counts the elements of `net`.
    pub fn of(net: &Network) -> Self {
        let nodes_by_kind = NodeKind::ALL
            .iter()
            .map(|&k| {
                (
                    k.as_str(),
                    net.nodes().iter().filter(|n| n.kind == k).count(),
                )
            })
            .collect();
        let mut links_by_mode = BTreeMap::from([
            ("road", net.roads().len()),
            ("walk", net.walks().len()),
            ("transfer", net.transfers().len()),
        ]);
        for (mode, key) in [
            (AccessMode::Car, "access_car"),
            (AccessMode::Walk, "access_walk"),
            (AccessMode::Feeder, "access_feeder"),
        ] {
            links_by_mode.insert(key, net.access().iter().filter(|a| a.mode == mode).count());
        }
        let lines_by_mode = Mode::ALL
            .iter()
            .map(|&m| {
                (
                    m.as_str(),
                    net.lines().iter().filter(|l| l.mode == m).count(),
                )
            })
            .collect();
        NetworkCounts {
            nodes: net.nodes().len(),
            nodes_by_kind,
            links_by_mode,
            lines: net.lines().len(),
            lines_by_mode,
            zones: net.zones().len(),
        }
    }
}

/// Unreachable ordered zone pairs (origin != destination), by mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unreachable {
    /// No car route.
    pub car: usize,
    /// No public-transport route.
    pub transit: usize,
    /// No route by any mode.
    pub best: usize,
}

impl Unreachable {
    /// Counts the unreachable pairs of `skims`.
    pub fn of(skims: &Skims) -> Self {
        let count = |table: &[Option<OdResult>]| {
            let n = skims.zones;
            (0..n * n)
                .filter(|&i| i / n != i % n && table[i].is_none())
                .count()
        };
        Unreachable {
            car: count(&skims.car),
            transit: count(&skims.transit),
            best: skims.unreachable_pairs(),
        }
    }
}

/// `summary.json` of a deterministic run.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// `commute` version that wrote it.
    pub version: &'static str,
    /// The scenario.
    pub scenario: ScenarioInfo,
    /// Network counts after the modifications.
    pub network: NetworkCounts,
    /// Zone pairs and how many are unreachable.
    pub results: ResultInfo,
    /// The Monte-Carlo settings, when draws were made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<MonteCarloInfo>,
    /// Commuters and mode shares, when draws were made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demand: Option<DemandInfo>,
    /// How the run went; the only part that differs between identical runs.
    pub run: RunInfo,
}

/// Monte-Carlo settings of a run.
#[derive(Debug, Clone, Serialize)]
pub struct MonteCarloInfo {
    /// Seed of every random stream.
    pub seed: u64,
    /// Draws (random phases of headway-based lines).
    pub draws: u32,
    /// Departure minutes per draw (every minute of the window).
    pub departure_minutes: u32,
    /// Samples per zone pair and mode: draws x departure minutes.
    pub samples_per_pair: u64,
}

/// Region-wide figures of the commuter demand in a Monte-Carlo run.
#[derive(Debug, Clone, Serialize)]
pub struct DemandInfo {
    /// Commuters between zones (routed).
    pub commuters: f64,
    /// Commuters working in their own zone (counted, not routed).
    pub intrazonal_commuters: f64,
    /// Share going by car.
    pub car_share: f64,
    /// Share going by public transport.
    pub transit_share: f64,
    /// Share with no available mode.
    pub unserved_share: f64,
    /// Mean door-to-door minutes of the served commuters.
    pub mean_commute_min: f64,
    /// Share of served commuters within 60 minutes.
    pub share_within_60: f64,
}

impl DemandInfo {
    /// Totals of per-pair splits (shares and times are of the commuters between zones).
    pub fn of(splits: &[crate::sim::demand::Split], intrazonal_commuters: f64) -> Self {
        let total: f64 = splits.iter().map(|s| s.commuters).sum();
        let car: f64 = splits.iter().map(|s| s.car).sum();
        let pt: f64 = splits.iter().map(|s| s.transit).sum();
        let served = car + pt;
        let weighted = |f: fn(&crate::sim::demand::Split) -> f64| {
            splits
                .iter()
                .filter(|s| s.car + s.transit > 0.0)
                .map(|s| f(s) * (s.car + s.transit))
                .sum::<f64>()
                / served.max(f64::MIN_POSITIVE)
        };
        let share = |x: f64| if total > 0.0 { x / total } else { 0.0 };
        DemandInfo {
            commuters: total,
            intrazonal_commuters,
            car_share: share(car),
            transit_share: share(pt),
            unserved_share: share(total - served).max(0.0),
            mean_commute_min: weighted(|s| s.mean_min),
            share_within_60: weighted(|s| s.within_60),
        }
    }
}

/// What was run.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Scenario file.
    pub file: String,
    /// Network folder.
    pub network: String,
    /// Departure window, `HH:MM-HH:MM`.
    pub window: String,
    /// Modifications applied, in order.
    pub modifications: Vec<String>,
}

/// Result totals.
#[derive(Debug, Clone, Serialize)]
pub struct ResultInfo {
    /// Ordered zone pairs with origin != destination.
    pub zone_pairs: usize,
    /// Pairs without a route.
    pub unreachable_pairs: Unreachable,
}

/// Run conditions.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// Worker threads.
    pub threads: usize,
    /// Wall-clock time of the run, seconds.
    pub wall_time_s: f64,
    /// With draws: zone-pair samples (a pair, a draw, a departure minute) simulated per second
    /// of wall time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples_per_s: Option<f64>,
}

impl ScenarioInfo {
    /// Describes `scenario`.
    pub fn of(scenario: &Scenario) -> Self {
        ScenarioInfo {
            name: scenario.name.clone(),
            description: scenario.description.clone(),
            file: scenario.path.display().to_string(),
            network: scenario.network_dir.display().to_string(),
            window: format!(
                "{}-{}",
                format_clock(scenario.window.start_s),
                format_clock(scenario.window.end_s)
            ),
            modifications: scenario.applied.clone(),
        }
    }
}

fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    w.write_record(header).expect("in-memory write");
    for row in rows {
        w.write_record(&row).expect("in-memory write");
    }
    w.into_inner().expect("in-memory write")
}

fn od_fields(result: Option<&OdResult>) -> [String; 5] {
    match result {
        Some(r) => [
            format!("{:.1}", to_minutes(r.time_s)),
            format!("{:.2}", r.distance_km),
            r.transfers.to_string(),
            format!("{:.2}", r.cost_yuan),
            r.path.clone(),
        ],
        None => [
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "unreachable".into(),
        ],
    }
}

/// `od.csv`: one row per ordered zone pair (origin != destination) and mode (`car`, `transit`,
/// `best`). Unreachable pairs have empty figures and path `unreachable`.
pub fn od_csv(net: &Network, skims: &Skims) -> Vec<u8> {
    let zones = net.zones();
    let rows = (0..zones.len()).flat_map(move |o| {
        (0..zones.len())
            .filter(move |&d| d != o)
            .flat_map(move |d| {
                let row = |mode: &str, chosen: Option<TravelMode>, r: Option<&OdResult>| {
                    let mut row = vec![
                        zones[o].id.clone(),
                        zones[d].id.clone(),
                        mode.to_owned(),
                        chosen.map_or("", TravelMode::as_str).to_owned(),
                    ];
                    row.extend(od_fields(r));
                    row
                };
                let car = skims.get(TravelMode::Car, o, d);
                let transit = skims.get(TravelMode::Transit, o, d);
                let best = skims.best(o, d);
                [
                    row("car", car.map(|_| TravelMode::Car), car),
                    row("transit", transit.map(|_| TravelMode::Transit), transit),
                    row("best", best.map(|b| b.0), best.map(|b| b.1)),
                ]
            })
    });
    csv_bytes(
        &[
            "origin",
            "destination",
            "mode",
            "chosen_mode",
            "minutes",
            "distance_km",
            "transfers",
            "cost_yuan",
            "path",
        ],
        rows,
    )
}

/// `zones.csv`: per zone, residents and jobs of all zones (itself included) reachable within
/// each threshold of [`ACCESS_THRESHOLDS_MIN`] by the best mode.
pub fn zones_csv(net: &Network, skims: &Skims) -> Vec<u8> {
    let zones = net.zones();
    let mut header = vec![
        "zone".to_owned(),
        "name".into(),
        "residents".into(),
        "jobs".into(),
    ];
    for what in ["jobs", "residents"] {
        header.extend(
            ACCESS_THRESHOLDS_MIN
                .iter()
                .map(|t| format!("{what}_within_{t}min")),
        );
    }
    let rows = (0..zones.len()).map(|o| {
        let mut row = vec![
            zones[o].id.clone(),
            zones[o].name.clone(),
            zones[o].residents.to_string(),
            zones[o].jobs.to_string(),
        ];
        for pick in [
            |z: &crate::network::Zone| z.jobs,
            |z: &crate::network::Zone| z.residents,
        ] {
            for t in ACCESS_THRESHOLDS_MIN {
                let total: u64 = (0..zones.len())
                    .filter(|&d| skims.best_time_s(o, d).is_some_and(|s| s <= t * 60))
                    .map(|d| pick(&zones[d]))
                    .fold(0, u64::saturating_add);
                row.push(total.to_string());
            }
        }
        row
    });
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_bytes(&header, rows)
}

/// `od.csv` of a Monte-Carlo run: per ordered zone pair and mode (`car`, `transit`, `best`: the
/// better of the two in each sample), the share of samples with a route, the mean of those, and
/// nearest-rank percentiles over all samples counting a missing route as infinitely long (an
/// empty cell when the percentile falls on one), and the shares over 60 and 120 minutes.
pub fn od_distribution_csv(
    net: &Network,
    transit: &crate::sim::montecarlo::TransitSamples,
    skims: &Skims,
    splits: &[crate::sim::demand::Split],
) -> Vec<u8> {
    use crate::sim::montecarlo::{NO_ROUTE, mode_samples};
    use crate::sim::stats::percentile;
    let zones = net.zones();
    let modes = [
        ("car", Some(TravelMode::Car)),
        ("transit", Some(TravelMode::Transit)),
        ("best", None),
    ];
    // Pairs in parallel (on the current rayon pool), collected in order.
    let n = zones.len();
    let rows: Vec<Vec<String>> = (0..n * n)
        .into_par_iter()
        .filter(|k| k / n != k % n)
        .flat_map_iter(|k| {
            let (o, d) = (k / n, k % n);
            modes.into_iter().map(move |(name, mode)| {
                let mut samples = mode_samples(transit, skims, mode, o, d);
                samples.sort_unstable();
                let minutes: Vec<f64> = samples
                    .iter()
                    .map(|&s| {
                        if s == NO_ROUTE {
                            f64::INFINITY
                        } else {
                            to_minutes(s)
                        }
                    })
                    .collect();
                let reached: Vec<f64> = minutes.iter().copied().filter(|m| m.is_finite()).collect();
                let n = minutes.len().max(1) as f64;
                let cell = |v: Option<f64>| match v {
                    Some(v) if v.is_finite() => format!("{v:.1}"),
                    _ => String::new(),
                };
                let split = splits[o * zones.len() + d];
                let commuters = match mode {
                    Some(TravelMode::Car) => split.car,
                    Some(TravelMode::Transit) => split.transit,
                    None => split.car + split.transit,
                };
                let share = if split.commuters > 0.0 {
                    commuters / split.commuters
                } else {
                    0.0
                };
                let mut row = vec![zones[o].id.clone(), zones[d].id.clone(), name.to_owned()];
                row.push(format!("{commuters:.1}"));
                row.push(format!("{share:.4}"));
                row.push(minutes.len().to_string());
                row.push(format!("{:.4}", reached.len() as f64 / n));
                row.push(cell(
                    (!reached.is_empty())
                        .then(|| reached.iter().sum::<f64>() / reached.len() as f64),
                ));
                for p in [5.0, 25.0, 50.0, 75.0, 95.0] {
                    row.push(cell(percentile(&minutes, p)));
                }
                for limit in [60.0, 120.0] {
                    row.push(format!(
                        "{:.4}",
                        minutes.iter().filter(|&&m| m > limit).count() as f64 / n
                    ));
                }
                row
            })
        })
        .collect();
    csv_bytes(
        &[
            "origin",
            "destination",
            "mode",
            "commuters",
            "mode_share",
            "samples",
            "reachable_share",
            "mean_min",
            "p5_min",
            "p25_min",
            "p50_min",
            "p75_min",
            "p95_min",
            "share_over_60",
            "share_over_120",
        ],
        rows.into_iter(),
    )
}

/// `zones.csv` of a Monte-Carlo run: per origin zone, its commuters to other zones, their mean
/// commute and mode shares, and the jobs reachable within each threshold of
/// [`ACCESS_THRESHOLDS_MIN`] at the median (p50) and at the 80th percentile (p80) of the
/// best-mode time: reachable in half, or in four days out of five.
pub fn zones_distribution_csv(
    net: &Network,
    transit: &crate::sim::montecarlo::TransitSamples,
    skims: &Skims,
    splits: &[crate::sim::demand::Split],
) -> Vec<u8> {
    use crate::sim::montecarlo::{NO_ROUTE, mode_samples};
    let zones = net.zones();
    let n = zones.len();
    // Best-mode p50 and p80 per pair, seconds (own zone: 0).
    let quantiles: Vec<[Seconds; 2]> = (0..n * n)
        .into_par_iter()
        .map(|k| {
            let (o, d) = (k / n, k % n);
            if o == d {
                return [0, 0];
            }
            let mut s = mode_samples(transit, skims, None, o, d);
            s.sort_unstable();
            let at = |p: f64| crate::sim::stats::percentile(&s, p).unwrap_or(NO_ROUTE);
            [at(50.0), at(80.0)]
        })
        .collect();
    let mut header: Vec<String> = [
        "zone",
        "name",
        "residents",
        "jobs",
        "commuters",
        "mean_commute_min",
        "car_share",
        "transit_share",
        "unserved_share",
    ]
    .map(str::to_owned)
    .to_vec();
    for q in ["p50", "p80"] {
        header.extend(
            ACCESS_THRESHOLDS_MIN
                .iter()
                .map(|t| format!("jobs_within_{t}min_{q}")),
        );
    }
    let rows = (0..n).map(|o| {
        let row_splits = &splits[o * n..(o + 1) * n];
        let commuters: f64 = row_splits.iter().map(|s| s.commuters).sum();
        let car: f64 = row_splits.iter().map(|s| s.car).sum();
        let pt: f64 = row_splits.iter().map(|s| s.transit).sum();
        let served = car + pt;
        let mean: f64 = row_splits
            .iter()
            .filter(|s| s.car + s.transit > 0.0)
            .map(|s| s.mean_min * (s.car + s.transit))
            .sum::<f64>();
        let share = |x: f64| {
            if commuters > 0.0 {
                format!("{:.4}", x / commuters)
            } else {
                String::new()
            }
        };
        let mut row = vec![
            zones[o].id.clone(),
            zones[o].name.clone(),
            zones[o].residents.to_string(),
            zones[o].jobs.to_string(),
            format!("{commuters:.1}"),
            if served > 0.0 {
                format!("{:.1}", mean / served)
            } else {
                String::new()
            },
            share(car),
            share(pt),
            share((commuters - served).max(0.0)),
        ];
        for q in [0, 1] {
            for t in ACCESS_THRESHOLDS_MIN {
                let jobs = (0..n)
                    .filter(|&d| quantiles[o * n + d][q] <= t * 60)
                    .map(|d| zones[d].jobs)
                    .fold(0, u64::saturating_add);
                row.push(jobs.to_string());
            }
        }
        row
    });
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_bytes(&header, rows)
}
