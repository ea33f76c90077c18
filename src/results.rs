//! The result tables and summaries a run writes, as bytes. Pure functions of the network and the
//! skims, so identical inputs give identical bytes whatever the thread count; `io::output` puts
//! them on disk atomically.

use crate::network::{AccessMode, Mode, Network, NodeKind};
use crate::routing::{OdResult, Skims, TravelMode};
use crate::scenario::Scenario;
use crate::sim::demand::Split;
use crate::sim::montecarlo::{Alternative, Simulation};
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
    /// The region's policy metrics (`[policy]` of the network).
    pub policy: PolicyMetrics,
    /// The demand, choice and variability settings, when draws were made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelInfo>,
    /// Road congestion: the choice-assignment rounds and the final assignment, when modelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub congestion: Option<CongestionInfo>,
    /// How the run went; the only part that differs between identical runs.
    pub run: RunInfo,
}

/// Road congestion of a run (summary.json `congestion`).
#[derive(Debug, Clone, Serialize)]
pub struct CongestionInfo {
    /// The settings as used: defaults filled in, `peak_hour_share` resolved.
    pub settings: crate::scenario::Congestion,
    /// Whether the car commuters settled within the tolerance.
    pub converged: bool,
    /// Every choice-assignment round.
    pub rounds: Vec<crate::sim::congestion::FeedbackIteration>,
    /// The assignment of the final run's cars (links.csv).
    pub final_assignment: FinalAssignment,
}

/// The final assignment in brief.
#[derive(Debug, Clone, Serialize)]
pub struct FinalAssignment {
    /// Relative gap reached.
    pub relative_gap: f64,
    /// Iterations.
    pub iterations: usize,
    /// Commuter cars in the peak hour.
    pub peak_hour_cars: f64,
    /// Vehicle-km of commuter cars in the peak hour.
    pub vehicle_km: f64,
    /// Vehicle-hours of commuter cars in the peak hour.
    pub vehicle_hours: f64,
    /// Directed road links loaded beyond capacity (volume plus background).
    pub links_over_capacity: usize,
}

impl CongestionInfo {
    /// The summary of `feedback` and the final assignment `a` of `model` under settings `c`.
    pub fn of(
        c: &crate::scenario::Congestion,
        model: &crate::sim::congestion::RoadModel,
        feedback: &crate::sim::congestion::Feedback,
        a: &crate::assign::Assignment,
        cars: f64,
    ) -> Self {
        let links = model.network().links();
        let roads = 0..model.roads.len();
        CongestionInfo {
            settings: crate::scenario::Congestion {
                peak_hour_share: Some(model.peak_share),
                ..c.clone()
            },
            converged: feedback.converged,
            rounds: feedback.iterations.clone(),
            final_assignment: FinalAssignment {
                relative_gap: a.last().relative_gap,
                iterations: a.last().iteration,
                peak_hour_cars: cars,
                vehicle_km: roads.clone().map(|l| a.flows[l] * links[l].length).sum(),
                vehicle_hours: roads
                    .clone()
                    .map(|l| a.flows[l] * a.times[l] / 3600.0)
                    .sum(),
                links_over_capacity: roads
                    .filter(|&l| a.flows[l] + model.background[l] > links[l].capacity)
                    .count(),
            },
        }
    }
}

/// `links.csv`: per road link and direction driven (drawn direction first), the peak hour's
/// commuter cars, background traffic, capacity, volume/capacity and times.
pub fn links_csv(
    net: &Network,
    model: &crate::sim::congestion::RoadModel,
    a: &crate::assign::Assignment,
) -> Vec<u8> {
    let links = model.network().links();
    let rows = model.roads.iter().enumerate().map(|(l, directed)| {
        let road = &net.roads()[directed.road as usize];
        let (from, to) = if directed.forward {
            (road.from, road.to)
        } else {
            (road.to, road.from)
        };
        let capacity = links[l].capacity;
        let seconds = a.times[l];
        vec![
            road.id.clone(),
            if directed.forward {
                "forward"
            } else {
                "backward"
            }
            .to_owned(),
            road.name.clone(),
            road.class.clone(),
            net.node(from).id.clone(),
            net.node(to).id.clone(),
            fixed(road.length_km, 3),
            fixed(a.flows[l], 1),
            fixed(model.background[l], 1),
            fixed(capacity, 0),
            fixed((a.flows[l] + model.background[l]) / capacity, 3),
            fixed(model.free_flow_s(l) / 60.0, 2),
            fixed(seconds / 60.0, 2),
            fixed(road.length_km / (seconds / 3600.0), 1),
        ]
    });
    csv_bytes(&crate::io::run_folder::LINK_COLUMNS, rows)
}

/// The model settings of a Monte-Carlo run: two runs can be compared pairwise only if their
/// demand definitions match.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    /// Gravity model parameters.
    pub demand: crate::scenario::Demand,
    /// The commuter table used instead of the gravity model, if any.
    pub demand_file: Option<String>,
    /// Departure profile periods `[start, end, weight]` (empty: uniform).
    pub departure_profile: Vec<(String, String, f64)>,
    /// Mode choice parameters.
    pub choice: crate::scenario::Choice,
    /// What varies between draws.
    pub variability: crate::scenario::Variability,
}

impl ModelInfo {
    /// The settings of `scenario`.
    pub fn of(scenario: &Scenario) -> Self {
        ModelInfo {
            demand: scenario.demand,
            demand_file: scenario
                .demand_file
                .as_ref()
                .map(|p| p.display().to_string()),
            departure_profile: scenario
                .departure_profile
                .iter()
                .map(|&(a, b, w)| (format_clock(a), format_clock(b), w))
                .collect(),
            choice: scenario.choice,
            variability: scenario.variability.clone(),
        }
    }
}

/// The region's policy metrics (zones from `[policy]` in `network.toml`; `None` where the
/// network names no zones for a metric). Times are the fastest mode's (public transport's for
/// the 2-hour circle) at the median of the samples (p50) or the 80th percentile (p80); in a
/// deterministic run both are the one time there is.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PolicyMetrics {
    /// Residents of the zones within 60 minutes of the nearest centre zone at p50 (the 1-hour
    /// commuting circle).
    pub one_hour_circle_residents_p50: Option<u64>,
    /// The same at p80 (four mornings out of five).
    pub one_hour_circle_residents_p80: Option<u64>,
    /// Share of ordered pairs of cities within 120 minutes by public transport at p50 (the
    /// 2-hour travel circle).
    pub two_hour_circle_share: Option<f64>,
    /// Jobs of the metropolis zones within 60 minutes of the satellite zone at p50.
    pub satellite_jobs_within_60min: Option<u64>,
    /// The same within 90 minutes.
    pub satellite_jobs_within_90min: Option<u64>,
    /// Share of commuters between zones arriving within 60 minutes (with draws).
    pub share_within_60: Option<f64>,
}

/// Which time a policy metric asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyTime {
    /// The fastest mode at the median.
    BestP50,
    /// The fastest mode at the 80th percentile.
    BestP80,
    /// Public transport at the median.
    TransitP50,
}

impl PolicyMetrics {
    /// The metrics of `net` given `time(o, d, which)` (seconds, `None` when unreachable).
    pub fn of(
        net: &Network,
        time: impl Fn(usize, usize, PolicyTime) -> Option<Seconds>,
        share_within_60: Option<f64>,
    ) -> Self {
        let policy = &net.settings().policy;
        let ids = |list: &[String]| -> Vec<usize> {
            list.iter()
                .filter_map(|id| net.zone_id(id).map(|z| z.index()))
                .collect()
        };
        let zones = net.zones();
        let (centres, cities, metropolis) = (
            ids(&policy.centre_zones),
            ids(&policy.city_zones),
            ids(&policy.metropolis_zones),
        );
        let within = |o: usize, d: usize, which, limit_min: u32| {
            o == d || time(o, d, which).is_some_and(|t| t <= limit_min * 60)
        };
        let circle = |which| {
            (!centres.is_empty()).then(|| {
                (0..zones.len())
                    .filter(|&o| centres.iter().any(|&c| within(o, c, which, 60)))
                    .map(|o| zones[o].residents)
                    .sum()
            })
        };
        let city_pairs: Vec<(usize, usize)> = cities
            .iter()
            .flat_map(|&o| {
                cities
                    .iter()
                    .filter(move |&&d| d != o)
                    .map(move |&d| (o, d))
            })
            .collect();
        let satellite = policy
            .satellite_zone
            .as_deref()
            .and_then(|id| net.zone_id(id))
            .map(|z| z.index());
        let jobs = |limit| {
            satellite.filter(|_| !metropolis.is_empty()).map(|s| {
                metropolis
                    .iter()
                    .filter(|&&d| within(s, d, PolicyTime::BestP50, limit))
                    .map(|&d| zones[d].jobs)
                    .sum()
            })
        };
        PolicyMetrics {
            one_hour_circle_residents_p50: circle(PolicyTime::BestP50),
            one_hour_circle_residents_p80: circle(PolicyTime::BestP80),
            two_hour_circle_share: (!city_pairs.is_empty()).then(|| {
                city_pairs
                    .iter()
                    .filter(|&&(o, d)| within(o, d, PolicyTime::TransitP50, 120))
                    .count() as f64
                    / city_pairs.len() as f64
            }),
            satellite_jobs_within_60min: jobs(60),
            satellite_jobs_within_90min: jobs(90),
            share_within_60,
        }
    }

    /// The metrics of a deterministic run.
    pub fn of_skims(net: &Network, skims: &Skims) -> Self {
        Self::of(
            net,
            |o, d, which| match which {
                PolicyTime::TransitP50 => skims.get(TravelMode::Transit, o, d).map(|r| r.time_s),
                _ => skims.best_time_s(o, d),
            },
            None,
        )
    }

    /// The metrics of a Monte-Carlo run.
    pub fn of_simulation(net: &Network, times: &[PairTimes], share_within_60: f64) -> Self {
        let n = net.zones().len();
        Self::of(
            net,
            |o, d, which| {
                let t = times[o * n + d][which as usize];
                (t != crate::sim::montecarlo::NO_ROUTE).then_some(t)
            },
            Some(share_within_60),
        )
    }
}

/// The times of a zone pair that accessibility and the policy metrics use, seconds
/// ([`crate::sim::montecarlo::NO_ROUTE`] when none): the fastest alternative at p50 and p80, and
/// public transport at p50 (weighted nearest-rank over the samples; 0 for a zone to itself).
pub type PairTimes = [Seconds; 3];

/// [`PairTimes`] of every pair `o * zones + d`, computed once for all outputs.
pub fn pair_times(sim: &Simulation) -> Vec<PairTimes> {
    let n = sim.zones;
    (0..n * n)
        .into_par_iter()
        .map(|k| {
            if k / n == k % n {
                return [0; 3];
            }
            let best = sim.samples(None, k);
            let transit = sim.public_transport_samples(k);
            [
                Distribution::quantile_s(sim, &best, 50.0),
                Distribution::quantile_s(sim, &best, 80.0),
                Distribution::quantile_s(sim, &transit, 50.0),
            ]
        })
        .collect()
}

/// `distribution.csv` of a Monte-Carlo run: commuters between zones per morning by the
/// door-to-door minutes of their chosen mode (`minute` m counts times in [m, m + 1); the last
/// row, `360+`, everything longer), in all (`all`) and by origin zone (a column per zone id).
pub fn distribution_csv(net: &Network, sim: &Simulation) -> Vec<u8> {
    let draws = f64::from(sim.draws.max(1));
    let bins = crate::sim::montecarlo::HISTOGRAM_BINS;
    let rows = (0..bins).map(|m| {
        let mut row = vec![if m + 1 == bins {
            format!("{m}+")
        } else {
            m.to_string()
        }];
        let all: f64 = sim.histograms.iter().map(|h| h[m]).sum();
        row.push(fixed(all / draws, 1));
        row.extend(sim.histograms.iter().map(|h| fixed(h[m] / draws, 1)));
        row
    });
    let mut header = vec!["minute", "all"];
    header.extend(net.zones().iter().map(|z| z.id.as_str()));
    csv_bytes(&header, rows)
}

/// `zones.geojson`: one point feature per zone at its centroid, with `properties` from `rows`
/// (the zone's row of `zones.csv`: header and values, numbers as numbers).
pub fn zones_geojson(net: &Network, zones_csv: &[u8]) -> Vec<u8> {
    let mut reader = csv::Reader::from_reader(zones_csv);
    let header = reader.headers().cloned().unwrap_or_default();
    let features: Vec<serde_json::Value> = reader
        .records()
        .flatten()
        .zip(net.zones())
        .map(|(row, zone)| {
            let centroid = net.node(zone.centroid);
            let properties: serde_json::Map<String, serde_json::Value> = header
                .iter()
                .zip(row.iter())
                .map(|(k, v)| (k.to_owned(), json_value(v)))
                .collect();
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [centroid.lon, centroid.lat]},
                "properties": properties,
            })
        })
        .collect();
    geojson_bytes(features)
}

/// `network.geojson`: one line feature per road link (`kind` `road`: id, name, class, km,
/// km/h, capacity, lanes, toll, checkpoint minutes) and per public-transport line through its
/// stops (`kind` `line`: id, name, mode, capacity, and with `loads` the per-morning boardings,
/// peak load and load factor of `lines.csv`).
pub fn network_geojson(net: &Network, loads: Option<&Simulation>) -> Vec<u8> {
    let point = |v: crate::network::NodeId| {
        let n = net.node(v);
        serde_json::json!([n.lon, n.lat])
    };
    let mut features: Vec<serde_json::Value> = net
        .roads()
        .iter()
        .map(|r| {
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [point(r.from), point(r.to)]},
                "properties": {
                    "kind": "road", "id": r.id, "name": r.name, "class": r.class,
                    "length_km": r.length_km, "speed_kmh": r.speed_kmh,
                    "capacity_vph": r.capacity_vph, "lanes": r.lanes, "toll_yuan": r.toll_yuan,
                    "oneway": r.oneway, "checkpoint_min": f64::from(r.checkpoint_s) / 60.0,
                },
            })
        })
        .collect();
    for (i, line) in net.lines().iter().enumerate() {
        let mut properties = serde_json::json!({
            "kind": "line", "id": line.id, "name": line.name, "mode": line.mode.as_str(),
            "vehicle_capacity": line.capacity,
        });
        if let Some(sim) = loads {
            let draws = f64::from(sim.draws.max(1));
            let load = sim.lines[i];
            properties["boardings"] = serde_json::json!(load.boardings / draws);
            properties["peak_load"] = serde_json::json!(load.peak_load / draws);
            properties["denied_boardings"] = serde_json::json!(load.denied / draws);
        }
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": line.stops.iter().map(|s| point(s.node)).collect::<Vec<_>>(),
            },
            "properties": properties,
        }));
    }
    geojson_bytes(features)
}

/// A CSV cell as JSON: a number when it parses as a finite one, `null` when empty, else text.
fn json_value(cell: &str) -> serde_json::Value {
    if cell.is_empty() {
        return serde_json::Value::Null;
    }
    if let Ok(n) = cell.parse::<i64>() {
        return serde_json::json!(n);
    }
    match cell.parse::<f64>() {
        Ok(x) if x.is_finite() => serde_json::json!(x),
        _ => serde_json::json!(cell),
    }
}

fn geojson_bytes(features: Vec<serde_json::Value>) -> Vec<u8> {
    let collection = serde_json::json!({"type": "FeatureCollection", "features": features});
    // Serialising a JSON value to memory cannot fail.
    let mut bytes = serde_json::to_vec(&collection).expect("in-memory JSON");
    bytes.push(b'\n');
    bytes
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
    /// Share going by rail, subway and bus.
    pub transit_share: f64,
    /// Share going by custom bus.
    pub custom_bus_share: f64,
    /// Share with no available mode.
    pub unserved_share: f64,
    /// Mean door-to-door minutes of the served commuters.
    pub mean_commute_min: f64,
    /// Share of served commuters within 60 minutes.
    pub share_within_60: f64,
}

impl DemandInfo {
    /// Totals of per-pair splits (shares and times are of the commuters between zones).
    pub fn of(splits: &[Split], intrazonal_commuters: f64) -> Self {
        let total: f64 = splits.iter().map(|s| s.commuters).sum();
        let by: [f64; 3] = std::array::from_fn(|a| splits.iter().map(|s| s.by[a]).sum::<f64>());
        let served: f64 = by.iter().sum();
        let weighted = |f: fn(&Split) -> f64| {
            splits
                .iter()
                .filter(|s| s.served() > 0.0)
                .map(|s| f(s) * s.served())
                .sum::<f64>()
                / served.max(f64::MIN_POSITIVE)
        };
        let share = |x: f64| if total > 0.0 { x / total } else { 0.0 };
        DemandInfo {
            commuters: total,
            intrazonal_commuters,
            car_share: share(by[0]),
            transit_share: share(by[1]),
            custom_bus_share: share(by[2]),
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

/// A CSV file in memory: `header`, then `rows`.
pub(crate) fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
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

/// Weighted distribution figures of door-to-door samples: the share with a route, the mean of
/// those, nearest-rank percentiles counting a missing route as infinitely long (`None` when a
/// percentile falls on one), and the shares over 60 and 120 minutes.
struct Distribution {
    samples: usize,
    reachable: f64,
    mean_min: Option<f64>,
    percentiles: [Option<f64>; 5],
    over: [f64; 2],
}

/// The percentiles of [`Distribution`].
const PERCENTILES: [f64; 5] = [5.0, 25.0, 50.0, 75.0, 95.0];

impl Distribution {
    fn of(sim: &Simulation, samples: &[Seconds]) -> Self {
        use crate::sim::montecarlo::NO_ROUTE;
        let mut weighted: Vec<(f64, f64)> = samples
            .iter()
            .enumerate()
            .map(|(i, &t)| {
                let minutes = if t == NO_ROUTE {
                    f64::INFINITY
                } else {
                    to_minutes(t)
                };
                (minutes, sim.sample_weight(i))
            })
            .filter(|&(_, w)| w > 0.0)
            .collect();
        weighted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = weighted.iter().map(|s| s.1).sum();
        let share = |keep: &dyn Fn(f64) -> bool| {
            let w: f64 = weighted.iter().filter(|s| keep(s.0)).map(|s| s.1).sum();
            if total > 0.0 { w / total } else { 0.0 }
        };
        let reached: f64 = weighted
            .iter()
            .filter(|s| s.0.is_finite())
            .map(|s| s.1)
            .sum();
        let sum: f64 = weighted
            .iter()
            .filter(|s| s.0.is_finite())
            .map(|s| s.0 * s.1)
            .sum();
        Distribution {
            samples: weighted.len(),
            reachable: share(&|m| m.is_finite()),
            mean_min: (reached > 0.0).then(|| sum / reached),
            percentiles: PERCENTILES.map(|p| {
                crate::sim::stats::weighted_percentile(&weighted, p).filter(|m| m.is_finite())
            }),
            over: [share(&|m| m > 60.0), share(&|m| m > 120.0)],
        }
    }

    /// The weighted nearest-rank `p`-th percentile of the samples, seconds ([`NO_ROUTE`] when it
    /// falls on a missing route).
    fn quantile_s(sim: &Simulation, samples: &[Seconds], p: f64) -> Seconds {
        let mut weighted: Vec<(Seconds, f64)> = samples
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, sim.sample_weight(i)))
            .collect();
        weighted.sort_unstable_by_key(|s| s.0);
        crate::sim::stats::weighted_percentile(&weighted, p)
            .unwrap_or(crate::sim::montecarlo::NO_ROUTE)
    }
}

/// `x` with `decimals` decimals, never a negative zero (`-0.0000` from rounding or an empty sum).
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => text,
    }
}

fn minutes_cell(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| fixed(v, 1))
}

/// `od.csv` of a Monte-Carlo run: per ordered zone pair and alternative (`car`, `transit`,
/// `custom_bus` where one served the pair, and `best`: the fastest in each sample), the
/// commuters taking it and their share, then the distribution of its door-to-door minutes
/// over the samples, weighted by the departure profile (see [`Distribution`]).
pub fn od_distribution_csv(net: &Network, sim: &Simulation, splits: &[Split]) -> Vec<u8> {
    let zones = net.zones();
    let n = zones.len();
    // Pairs in parallel (on the current rayon pool), collected in order.
    let rows: Vec<Vec<String>> = (0..n * n)
        .into_par_iter()
        .filter(|k| k / n != k % n)
        .flat_map_iter(|k| {
            let (o, d) = (k / n, k % n);
            let mut alternatives: Vec<Option<Alternative>> =
                vec![Some(Alternative::Car), Some(Alternative::Transit)];
            if !sim.custom_bus[k].is_empty() {
                alternatives.push(Some(Alternative::CustomBus));
            }
            alternatives.push(None);
            alternatives.into_iter().map(move |alternative| {
                let dist = Distribution::of(sim, &sim.samples(alternative, k));
                let split = splits[k];
                let commuters = alternative.map_or(split.served(), |a| split.of_alternative(a));
                let share = if split.commuters > 0.0 {
                    commuters / split.commuters
                } else {
                    0.0
                };
                let mut row = vec![
                    zones[o].id.clone(),
                    zones[d].id.clone(),
                    alternative.map_or("best", Alternative::as_str).to_owned(),
                    fixed(commuters, 1),
                    fixed(share, 4),
                    dist.samples.to_string(),
                    fixed(dist.reachable, 4),
                    minutes_cell(dist.mean_min),
                ];
                row.extend(dist.percentiles.map(minutes_cell));
                row.extend(dist.over.map(|x| fixed(x, 4)));
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
/// commute and shares by alternative, and the jobs reachable within each threshold of
/// [`ACCESS_THRESHOLDS_MIN`] at the median (p50) and at the 80th percentile (p80) of the
/// fastest alternative's time: reachable in half, or in four mornings out of five.
pub fn zones_distribution_csv(net: &Network, times: &[PairTimes], splits: &[Split]) -> Vec<u8> {
    let zones = net.zones();
    let n = zones.len();
    // Fastest-alternative p50 and p80 per pair.
    let quantiles = times;
    let mut header: Vec<String> = [
        "zone",
        "name",
        "residents",
        "jobs",
        "commuters",
        "mean_commute_min",
    ]
    .map(str::to_owned)
    .to_vec();
    header.extend(Alternative::ALL.map(|a| format!("{}_share", a.as_str())));
    header.push("unserved_share".into());
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
        let by: [f64; 3] = std::array::from_fn(|a| row_splits.iter().map(|s| s.by[a]).sum::<f64>());
        let served: f64 = by.iter().sum();
        let minutes: f64 = row_splits
            .iter()
            .filter(|s| s.served() > 0.0)
            .map(|s| s.mean_min * s.served())
            .sum();
        let share = |x: f64| {
            if commuters > 0.0 {
                fixed(x / commuters, 4)
            } else {
                String::new()
            }
        };
        let mut row = vec![
            zones[o].id.clone(),
            zones[o].name.clone(),
            zones[o].residents.to_string(),
            zones[o].jobs.to_string(),
            fixed(commuters, 1),
            if served > 0.0 {
                fixed(minutes / served, 1)
            } else {
                String::new()
            },
        ];
        row.extend(by.map(share));
        row.push(share((commuters - served).max(0.0)));
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

/// `lines.csv` of a Monte-Carlo run: per line, the modelled commuters' boardings and
/// passenger-km per morning, the highest load between two stops on any trip (mean over the
/// mornings and the highest of any), places per vehicle and the load factor (mean peak load over
/// places), and the commuters turned away for want of a seat (custom buses) per morning.
pub fn lines_csv(net: &Network, sim: &Simulation) -> Vec<u8> {
    let draws = f64::from(sim.draws.max(1));
    let rows = net.lines().iter().zip(&sim.lines).map(|(line, load)| {
        let peak = load.peak_load / draws;
        vec![
            line.id.clone(),
            line.name.clone(),
            line.mode.as_str().to_owned(),
            fixed(load.boardings / draws, 1),
            fixed(load.passenger_km / draws, 0),
            fixed(peak, 1),
            fixed(load.max_peak_load, 1),
            line.capacity.to_string(),
            if line.capacity > 0 {
                fixed(peak / f64::from(line.capacity), 3)
            } else {
                String::new()
            },
            fixed(load.denied / draws, 1),
        ]
    });
    csv_bytes(
        &[
            "line",
            "name",
            "mode",
            "boardings",
            "passenger_km",
            "peak_load",
            "max_peak_load",
            "vehicle_capacity",
            "load_factor",
            "denied_boardings",
        ],
        rows,
    )
}

/// `draws.csv` of a Monte-Carlo run: per zone pair (origin != destination) and draw, the
/// commuters by alternative, their mean door-to-door minutes, and each alternative's mean
/// minutes that morning (over the departure minutes with a route, weighted by the profile):
/// the per-draw results that paired comparisons between scenarios run with the same seed
/// difference.
pub fn draws_csv(net: &Network, sim: &Simulation) -> Vec<u8> {
    use crate::sim::montecarlo::NO_ROUTE;
    let zones = net.zones();
    let n = zones.len();
    let minutes = sim.minutes as usize;
    let rows: Vec<Vec<String>> = (0..n * n)
        .into_par_iter()
        .filter(|&k| k / n != k % n)
        .flat_map_iter(|k| {
            let alternatives = [
                Some(Alternative::Car),
                Some(Alternative::Transit),
                Some(Alternative::CustomBus),
                None,
            ];
            let samples = alternatives.map(|a| sim.samples(a, k));
            sim.pair_draws[k]
                .iter()
                .enumerate()
                .map(|(draw, d)| {
                    let served = d.served();
                    let mut row = vec![
                        zones[k / n].id.clone(),
                        zones[k % n].id.clone(),
                        draw.to_string(),
                    ];
                    row.extend(d.by.map(|x| fixed(x, 3)));
                    row.push(if served > 0.0 {
                        fixed(d.minutes / served, 3)
                    } else {
                        String::new()
                    });
                    for times in &samples {
                        let morning = &times[draw * minutes..(draw + 1) * minutes];
                        let (mut sum, mut weight) = (0.0, 0.0);
                        for (m, &t) in morning.iter().enumerate() {
                            if t != NO_ROUTE {
                                sum += sim.weights[m] * to_minutes(t);
                                weight += sim.weights[m];
                            }
                        }
                        row.push(if weight > 0.0 {
                            fixed(sum / weight, 3)
                        } else {
                            String::new()
                        });
                    }
                    row
                })
                .collect::<Vec<_>>()
        })
        .collect();
    csv_bytes(
        &[
            "origin",
            "destination",
            "draw",
            "car",
            "transit",
            "custom_bus",
            "mean_min",
            "car_min",
            "transit_min",
            "custom_bus_min",
            "best_min",
        ],
        rows.into_iter(),
    )
}
