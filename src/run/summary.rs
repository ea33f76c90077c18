//! `summary.json`: what was run, on what network, with which settings, and the region's figures.
//! `RunSummary` and its parts derive `Serialize` (the writer) and `Deserialize` (the run-folder
//! reader), so comparisons and reports read typed fields. The model's settings are copied into
//! types of their own here (`DemandParameters`, ...): the file's layout is a format that changes
//! only on purpose, not with the scenario's in-memory types; each copy names every field of its
//! source, so a parameter added there fails to compile until the file says what it holds.

use super::congestion::CongestionInfo;
use super::demand::Horizon;
use super::equilibrium::EquilibriumInfo;
use super::schema::DrawRow;
use super::tables::{AccessDecay, PairTimes, region_access_per_draw, zone_access_per_draw};
use crate::network::{AccessMode, Mode, Network, NodeKind};
use crate::routing::{OdResult, Skims, TravelMode};
use crate::scenario::Scenario;
use crate::sim::choice::ALTERNATIVES;
use crate::sim::demand::Split;
use crate::sim::intrazonal::OwnZone;
use crate::stats::percentile;
use crate::time::{Seconds, format_clock};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `summary.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RunSummary {
    /// `commute` version that wrote it.
    pub version: String,
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
    /// The 95% confidence intervals of the region's headlines over the draws (Monte-Carlo
    /// runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervals: Option<Headlines>,
    /// The region's continuous accessibility (Monte-Carlo runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility: Option<Accessibility>,
    /// The region's policy metrics (`[policy]` of the network): counts within thresholds.
    pub policy: PolicyMetrics,
    /// Their sampling spread over the draws (Monte-Carlo runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_spread: Option<PolicySpread>,
    /// The demand, choice and variability settings, when draws were made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelInfo>,
    /// Road congestion: the settings and the final assignment, when modelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub congestion: Option<CongestionInfo>,
    /// The supply-demand loop of congestion and crowding (Monte-Carlo runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equilibrium: Option<EquilibriumInfo>,
    /// The network's published statistics beside the model's values (Monte-Carlo runs of a
    /// network with a `targets.toml`); also written as `validation.csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Vec<super::validation::ValidationRow>>,
    /// How the run went; the only part that differs between identical runs.
    pub run: RunInfo,
}

/// Counts describing a network.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NetworkCounts {
    /// Nodes, total.
    pub nodes: usize,
    /// Nodes by kind.
    pub nodes_by_kind: BTreeMap<String, usize>,
    /// Links by mode: `road`, `walk`, `transfer` and zone access (`access_car`, ...).
    pub links_by_mode: BTreeMap<String, usize>,
    /// Lines, total.
    pub lines: usize,
    /// Lines by mode.
    pub lines_by_mode: BTreeMap<String, usize>,
    /// Zones.
    pub zones: usize,
}

impl NetworkCounts {
    /// Counts the elements of `net`.
    pub fn of(net: &Network) -> Self {
        // Whole stations only where a network has them (imported from GTFS).
        let nodes_by_kind = NodeKind::ALL
            .iter()
            .map(|&k| (k, net.nodes().iter().filter(|n| n.kind == k).count()))
            .filter(|&(k, count)| count > 0 || k != NodeKind::Station)
            .map(|(k, count)| (k.as_str().to_owned(), count))
            .collect();
        let mut links_by_mode: BTreeMap<String, usize> = [
            ("road", net.roads().len()),
            ("walk", net.walks().len()),
            ("transfer", net.transfers().len()),
        ]
        .map(|(k, n)| (k.to_owned(), n))
        .into();
        for (mode, key) in [
            (AccessMode::Car, "access_car"),
            (AccessMode::Walk, "access_walk"),
            (AccessMode::Feeder, "access_feeder"),
        ] {
            let count = net.access().iter().filter(|a| a.mode == mode).count();
            links_by_mode.insert(key.to_owned(), count);
        }
        let lines_by_mode = Mode::ALL
            .iter()
            .map(|&m| {
                let count = net.lines().iter().filter(|l| l.mode == m).count();
                (m.as_str().to_owned(), count)
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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
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

/// What was run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
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

/// Result totals.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ResultInfo {
    /// Ordered zone pairs with origin != destination.
    pub zone_pairs: usize,
    /// Pairs without a route.
    pub unreachable_pairs: Unreachable,
}

/// Run conditions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
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

/// Monte-Carlo settings of a run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MonteCarloInfo {
    /// Seed of every random stream.
    pub seed: u64,
    /// Draws (simulated mornings).
    pub draws: u32,
    /// Departure minutes per draw (every minute of the window).
    pub departure_minutes: u32,
    /// Samples per zone pair and mode: draws x departure minutes.
    pub samples_per_pair: u64,
}

/// Region-wide figures of the commuter demand in a Monte-Carlo run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DemandInfo {
    /// Whose commuters: the scenario's own (variable destination) or a base's held.
    #[serde(default)]
    pub horizon: Horizon,
    /// The base scenario whose commuters were held (fixed demand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_from: Option<String>,
    /// Commuters between zones (routed).
    pub commuters: f64,
    /// Commuters working in their own zone (counted, not routed).
    pub intrazonal_commuters: f64,
    /// Their mean door-to-door minutes (from each zone's area, or `[demand] intrazonal_min`).
    #[serde(default)]
    pub intrazonal_mean_min: f64,
    /// Their mean route km (of the zones with an area; absent when none has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intrazonal_mean_km: Option<f64>,
    /// Their shares walking and cycling (of the zones with an area; absent when none has one);
    /// the others go by a motorised mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intrazonal_walk_cycle_shares: Option<[f64; 2]>,
    /// Share going by car.
    pub car_share: f64,
    /// Share going by rail, subway and bus.
    pub transit_share: f64,
    /// Share going by custom bus.
    pub custom_bus_share: f64,
    /// Share walking.
    #[serde(default)]
    pub walk_share: f64,
    /// Share cycling.
    #[serde(default)]
    pub cycle_share: f64,
    /// Share by taxi or ride-hailing.
    #[serde(default)]
    pub taxi_share: f64,
    /// Share with no available mode.
    pub unserved_share: f64,
    /// Mean door-to-door minutes of the served commuters.
    pub mean_commute_min: f64,
    /// Their mean route km (car skim for car, transit skim for transit and custom bus).
    #[serde(default)]
    pub mean_commute_km: f64,
    /// Share of served commuters within 60 minutes.
    pub share_within_60: f64,
}

/// The commuters working in their own zone, region-wide.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct OwnZoneTotals {
    /// Commuters.
    pub commuters: f64,
    /// Their mean door-to-door minutes (0 when none).
    pub mean_min: f64,
    /// Their mean route km, over those in zones with an area (`None`: none is).
    pub mean_km: Option<f64>,
    /// Their shares walking and cycling, likewise.
    pub walk_cycle_shares: Option<[f64; 2]>,
}

impl OwnZoneTotals {
    /// The totals of `commuters_per_zone` working in their own zone, each zone's commute as
    /// `own` says.
    pub fn of(commuters_per_zone: &[f64], own: &[OwnZone]) -> Self {
        let total: f64 = commuters_per_zone.iter().sum();
        let minutes: f64 = commuters_per_zone
            .iter()
            .zip(own)
            .map(|(c, o)| c * o.mean_min)
            .sum();
        // Over the zones with an area: the sum of `f` of each zone's commute, and commuters.
        let over_areas = |f: &dyn Fn(&OwnZone) -> Option<f64>| {
            commuters_per_zone
                .iter()
                .zip(own)
                .filter_map(|(c, o)| f(o).map(|x| (c * x, *c)))
                .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y))
        };
        let (km, with_area) = over_areas(&|o| o.mean_km);
        let (walk, _) = over_areas(&|o| o.shares.map(|s| s[0]));
        let (cycle, _) = over_areas(&|o| o.shares.map(|s| s[1]));
        OwnZoneTotals {
            commuters: total,
            mean_min: if total > 0.0 { minutes / total } else { 0.0 },
            mean_km: (with_area > 0.0).then(|| km / with_area),
            walk_cycle_shares: (with_area > 0.0).then(|| [walk / with_area, cycle / with_area]),
        }
    }
}

impl DemandInfo {
    /// Totals of per-pair splits (shares, times and the route km of all pairs together,
    /// `total_km`, are of the commuters between zones) and of those within their own zone
    /// `own`, under `horizon`, held from the base `held_from` when fixed.
    pub fn of(
        splits: &[Split],
        total_km: f64,
        own: OwnZoneTotals,
        horizon: Horizon,
        held_from: Option<String>,
    ) -> Self {
        let total: f64 = splits.iter().map(|s| s.commuters).sum();
        let by: [f64; ALTERNATIVES] =
            std::array::from_fn(|a| splits.iter().map(|s| s.by[a]).sum::<f64>());
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
        let [
            car_share,
            transit_share,
            custom_bus_share,
            walk_share,
            cycle_share,
            taxi_share,
        ] = by.map(share);
        DemandInfo {
            horizon,
            held_from,
            commuters: total,
            intrazonal_commuters: own.commuters,
            intrazonal_mean_min: own.mean_min,
            intrazonal_mean_km: own.mean_km,
            intrazonal_walk_cycle_shares: own.walk_cycle_shares,
            car_share,
            transit_share,
            custom_bus_share,
            walk_share,
            cycle_share,
            taxi_share,
            unserved_share: share(total - served).max(0.0),
            mean_commute_min: weighted(|s| s.mean_min),
            mean_commute_km: total_km / served.max(f64::MIN_POSITIVE),
            share_within_60: weighted(|s| s.within_60),
        }
    }

    /// The shares in the order of [`super::Share::ALL`].
    pub fn shares(&self) -> [f64; super::schema::SHARES] {
        [
            self.car_share,
            self.transit_share,
            self.custom_bus_share,
            self.walk_share,
            self.cycle_share,
            self.taxi_share,
            self.unserved_share,
        ]
    }
}

/// The region's policy metrics (zones from `[policy]` in `network.toml`; `None` where the
/// network names no zones for a metric). Times are the fastest mode's (public transport's for
/// the 2-hour circle) at the median of the samples (p50) or the 80th percentile (p80); in a
/// deterministic run both are the one time there is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

/// A region-wide figure of a Monte-Carlo run: the mean of its per-draw values and the 95%
/// confidence interval of that mean (Student's t, [`crate::stats::estimate`]), in the figure's
/// unit.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Interval {
    /// Mean over the draws.
    pub mean: f64,
    /// Lower bound of the 95% confidence interval.
    pub ci_low: f64,
    /// Upper bound.
    pub ci_high: f64,
}

impl Interval {
    /// The interval of per-draw `values`; `None` for fewer than two (no spread to tell).
    pub fn of(values: &[f64]) -> Option<Self> {
        let e = crate::stats::estimate(values).filter(|e| e.draws >= 2)?;
        Some(Interval {
            mean: e.mean,
            ci_low: e.ci_low,
            ci_high: e.ci_high,
        })
    }

    /// The interval of a ratio of per-draw totals, `R = Σ numerators / Σ denominators` (a mean
    /// commute: commuter-minutes over commuters), by the delta method (the ratio estimator of
    /// survey sampling, Cochran 1977, 6.3): `R ± t(n - 1) × sqrt(Σ (num_i - R den_i)² / (n - 1)
    /// / n) / mean(den)`, so it is centred on the run's figure rather than on the mean of the
    /// per-draw ratios. `None` for fewer than two draws or no denominator.
    pub fn of_ratio(numerators: &[f64], denominators: &[f64]) -> Option<Self> {
        let n = numerators.len().min(denominators.len());
        let total: f64 = denominators[..n].iter().sum();
        if n < 2 || total <= 0.0 {
            return None;
        }
        let ratio = numerators[..n].iter().sum::<f64>() / total;
        let residuals: Vec<f64> = (0..n)
            .map(|i| numerators[i] - ratio * denominators[i])
            .collect();
        let sum_squares: f64 = residuals.iter().map(|e| e * e).sum();
        let n_f = n as f64;
        let half = crate::stats::student_t_975(n_f - 1.0)
            * (sum_squares / (n_f - 1.0) / n_f).sqrt()
            / (total / n_f);
        Some(Interval {
            mean: ratio,
            ci_low: ratio - half,
            ci_high: ratio + half,
        })
    }

    /// Half the interval's width.
    pub fn half_width(&self) -> f64 {
        (self.ci_high - self.ci_low) / 2.0
    }
}

/// The region's headlines per draw, as intervals: the sampling precision of a run, so that a
/// run with another seed should land within the two runs' half-widths.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Headlines {
    /// Mean door-to-door minutes of the served commuters between zones: commuter-minutes over
    /// commuters, summed over the draws ([`Interval::of_ratio`]).
    pub mean_commute_min: Interval,
    /// Share of them arriving within 60 minutes.
    pub share_within_60: Interval,
}

/// The region's continuous accessibility: per zone, the jobs of every zone weighted by
/// `exp(-decay_per_min x minutes)` (`zones.csv` `access_jobs`), then the residents-weighted
/// mean over zones, jobs-equivalent, with its interval over the draws.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Accessibility {
    /// Decay per door-to-door minute: the scenario's destination-choice deterrence, `[demand]
    /// beta_per_min`, so the measure weighs distance as the commuters' choice of job does.
    pub decay_per_min: f64,
    /// Minutes to a zone's own jobs (`[demand] intrazonal_min`).
    pub intrazonal_min: f64,
    /// By the fastest alternative in each sample.
    pub jobs: Interval,
    /// By public transport (the faster of transit and custom bus).
    pub jobs_pt: Interval,
}

impl Accessibility {
    /// The continuous accessibility of `net`'s zones from a run's `draws.csv` rows (`draws`
    /// mornings) under `decay`: the region's (`None` with fewer than two draws), and per zone
    /// and draw [fastest, public transport] ([`zone_access_per_draw`]).
    pub fn of_run(
        net: &Network,
        rows: &[DrawRow],
        draws: u32,
        decay: AccessDecay,
    ) -> (Option<Self>, Vec<Vec<[f64; 2]>>) {
        let zones: Vec<(&str, u64)> = net
            .zones()
            .iter()
            .map(|z| (z.id.as_str(), z.jobs))
            .collect();
        let residents: Vec<u64> = net.zones().iter().map(|z| z.residents).collect();
        let per_zone = zone_access_per_draw(&zones, draws as usize, rows, decay);
        let region = region_access_per_draw(&residents, &per_zone);
        let of = |m: usize| Interval::of(&region.iter().map(|r| r[m]).collect::<Vec<_>>());
        let accessibility = of(0).zip(of(1)).map(|(jobs, jobs_pt)| Accessibility {
            decay_per_min: decay.per_min,
            intrazonal_min: decay.own_zone_min,
            jobs,
            jobs_pt,
        });
        (accessibility, per_zone)
    }

    /// The decay it was computed with.
    pub fn decay(&self) -> AccessDecay {
        AccessDecay {
            per_min: self.decay_per_min,
            own_zone_min: self.intrazonal_min,
        }
    }
}

/// A 95% interval of a policy metric: the 2.5th and 97.5th percentiles of its bootstrap
/// replicates, in the metric's unit.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Range {
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
}

/// The sampling spread of [`PolicyMetrics`] in a Monte-Carlo run: each metric recomputed on
/// `replicates` bootstrap resamples of whole draws (the draws drawn with replacement from
/// the run's, by a random stream of the seed and the replicate), and the 95% range of the
/// replicates (docs/model.md, "Sampling spread"). Fields as [`PolicyMetrics`]'; `None` where
/// the metric is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicySpread {
    /// Bootstrap replicates.
    pub replicates: u32,
    /// See [`PolicyMetrics::one_hour_circle_residents_p50`].
    pub one_hour_circle_residents_p50: Option<Range>,
    /// See [`PolicyMetrics::one_hour_circle_residents_p80`].
    pub one_hour_circle_residents_p80: Option<Range>,
    /// See [`PolicyMetrics::two_hour_circle_share`].
    pub two_hour_circle_share: Option<Range>,
    /// See [`PolicyMetrics::satellite_jobs_within_60min`].
    pub satellite_jobs_within_60min: Option<Range>,
    /// See [`PolicyMetrics::satellite_jobs_within_90min`].
    pub satellite_jobs_within_90min: Option<Range>,
    /// See [`PolicyMetrics::share_within_60`].
    pub share_within_60: Option<Range>,
}

impl PolicySpread {
    /// The ranges of `replicates`' metrics (each a [`PolicyMetrics::metrics`] list).
    pub fn of(replicates: &[Vec<(&'static str, Option<f64>)>]) -> Self {
        let range = |i: usize| {
            let mut values: Vec<f64> = replicates.iter().filter_map(|r| r[i].1).collect();
            values.sort_by(f64::total_cmp);
            Some(Range {
                low: percentile(&values, 2.5)?,
                high: percentile(&values, 97.5)?,
            })
        };
        PolicySpread {
            replicates: replicates.len() as u32,
            one_hour_circle_residents_p50: range(0),
            one_hour_circle_residents_p80: range(1),
            two_hour_circle_share: range(2),
            satellite_jobs_within_60min: range(3),
            satellite_jobs_within_90min: range(4),
            share_within_60: range(5),
        }
    }

    /// Each metric's range by its name in `summary.json`, in [`PolicyMetrics::metrics`]' order.
    pub fn ranges(&self) -> Vec<(&'static str, Option<Range>)> {
        let ranges = [
            self.one_hour_circle_residents_p50,
            self.one_hour_circle_residents_p80,
            self.two_hour_circle_share,
            self.satellite_jobs_within_60min,
            self.satellite_jobs_within_90min,
            self.share_within_60,
        ];
        crate::io::columns::<PolicyMetrics>()
            .iter()
            .copied()
            .zip(ranges)
            .collect()
    }
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
    /// Each metric by its name in `summary.json` (the field's), in the file's order.
    pub fn metrics(&self) -> Vec<(&'static str, Option<f64>)> {
        let whole = |x: Option<u64>| x.map(|x| x as f64);
        let values = [
            whole(self.one_hour_circle_residents_p50),
            whole(self.one_hour_circle_residents_p80),
            self.two_hour_circle_share,
            whole(self.satellite_jobs_within_60min),
            whole(self.satellite_jobs_within_90min),
            self.share_within_60,
        ];
        crate::io::columns::<Self>()
            .iter()
            .copied()
            .zip(values)
            .collect()
    }

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

/// The model settings of a Monte-Carlo run: two runs can be compared pairwise only if their
/// demand definitions match.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Gravity model parameters.
    pub demand: DemandParameters,
    /// The commuter table used instead of the gravity model, if any.
    pub demand_file: Option<String>,
    /// Departure profile periods `[start, end, weight]` (empty: uniform).
    pub departure_profile: Vec<(String, String, f64)>,
    /// Mode choice parameters.
    pub choice: ChoiceParameters,
    /// What varies between draws.
    pub variability: VariabilityParameters,
    /// Restrictions on driving to jobs in a province (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub car_restrictions: Option<CarRestrictionsInfo>,
}

/// [`crate::scenario::CarRestrictions`] as `summary.json` holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarRestrictionsInfo {
    /// The province whose restrictions these are.
    pub province: String,
    /// Share of mornings a car registered outside it may be driven to a job in it.
    pub outside_car_share: f64,
    /// Share of mornings a car registered in it may be driven to a job in it.
    pub local_car_share: f64,
}

impl ModelInfo {
    /// The settings of `scenario`.
    pub fn of(scenario: &Scenario) -> Self {
        ModelInfo {
            demand: scenario.demand.into(),
            demand_file: scenario
                .demand_file
                .as_ref()
                .map(|p| p.display().to_string()),
            departure_profile: scenario
                .departure_profile
                .iter()
                .map(|&(a, b, w)| (format_clock(a), format_clock(b), w))
                .collect(),
            choice: scenario.choice.into(),
            variability: (&scenario.variability).into(),
            car_restrictions: {
                let r = &scenario.car_restrictions;
                (!r.province.is_empty()).then(|| CarRestrictionsInfo {
                    province: r.province.clone(),
                    outside_car_share: r.outside_car_share,
                    local_car_share: r.local_car_share,
                })
            },
        }
    }
}

/// [`crate::scenario::Demand`] as `summary.json` holds it.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct DemandParameters {
    /// Commuters per resident of the origin zone.
    pub commute_rate: f64,
    /// Deterrence per generalised minute of the composite cost.
    pub beta_per_min: f64,
    /// Typical commute within a zone without an area, minutes.
    pub intrazonal_min: f64,
    /// Door-to-door speed of a commute within a zone with an area, km/h.
    #[serde(default)]
    pub intrazonal_kmh: f64,
    /// Generalised minutes destination choice adds to a job in another province.
    #[serde(default)]
    pub border_min: f64,
    /// The longest one-way commute anyone makes, minutes.
    pub max_commute_min: f64,
}

impl From<crate::scenario::Demand> for DemandParameters {
    fn from(demand: crate::scenario::Demand) -> Self {
        let crate::scenario::Demand {
            commute_rate,
            beta_per_min,
            intrazonal_min,
            intrazonal_kmh,
            border_min,
            max_commute_min,
        } = demand;
        DemandParameters {
            commute_rate,
            beta_per_min,
            intrazonal_min,
            intrazonal_kmh,
            border_min,
            max_commute_min,
        }
    }
}

/// [`crate::scenario::Choice`] as `summary.json` holds it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChoiceParameters {
    /// The alternatives offered.
    #[serde(default)]
    pub modes: Vec<String>,
    /// Logit scale per generalised minute.
    pub scale_per_min: f64,
    /// Minutes a yuan is worth.
    pub minutes_per_yuan: f64,
    /// Car penalty, minutes.
    pub car_constant_min: f64,
    /// Public-transport penalty, minutes.
    pub transit_constant_min: f64,
    /// Car running cost, yuan per km.
    pub car_cost_yuan_per_km: f64,
    /// Weight of a minute of waiting, walking, access and egress.
    pub wait_walk_weight: f64,
    /// Penalty per transfer, minutes.
    pub transfer_penalty_min: f64,
    /// Custom-bus penalty, minutes.
    pub custom_bus_constant_min: f64,
    /// Walking speed, km/h.
    pub walk_kmh: f64,
    /// Cycling speed, km/h.
    pub cycle_kmh: f64,
    /// The longest distance walked, km.
    pub max_walk_km: f64,
    /// The longest distance cycled, km.
    pub max_cycle_km: f64,
    /// Walking penalty, minutes.
    pub walk_constant_min: f64,
    /// Cycling penalty, minutes.
    pub cycle_constant_min: f64,
    /// Taxi penalty, minutes.
    pub taxi_constant_min: f64,
    /// Wait for a taxi, minutes.
    pub taxi_wait_min: f64,
    /// Taxi flag fall, yuan.
    pub taxi_flag_yuan: f64,
    /// Km the flag fall covers.
    pub taxi_flag_km: f64,
    /// Taxi fare per km, yuan.
    pub taxi_yuan_per_km: f64,
    /// Km beyond which the far fare applies.
    pub taxi_far_km: f64,
    /// Taxi fare per km beyond `taxi_far_km`, yuan.
    pub taxi_far_yuan_per_km: f64,
}

impl From<crate::scenario::Choice> for ChoiceParameters {
    fn from(choice: crate::scenario::Choice) -> Self {
        let crate::scenario::Choice {
            modes,
            scale_per_min,
            minutes_per_yuan,
            car_constant_min,
            transit_constant_min,
            car_cost_yuan_per_km,
            wait_walk_weight,
            transfer_penalty_min,
            custom_bus_constant_min,
            walk_kmh,
            cycle_kmh,
            max_walk_km,
            max_cycle_km,
            walk_constant_min,
            cycle_constant_min,
            taxi_constant_min,
            taxi_wait_min,
            taxi_flag_yuan,
            taxi_flag_km,
            taxi_yuan_per_km,
            taxi_far_km,
            taxi_far_yuan_per_km,
        } = choice;
        ChoiceParameters {
            modes: crate::scenario::CHOICE_MODES
                .iter()
                .zip(modes)
                .filter(|(_, offered)| *offered)
                .map(|(name, _)| name.to_string())
                .collect(),
            scale_per_min,
            minutes_per_yuan,
            car_constant_min,
            transit_constant_min,
            car_cost_yuan_per_km,
            wait_walk_weight,
            transfer_penalty_min,
            custom_bus_constant_min,
            walk_kmh,
            cycle_kmh,
            max_walk_km,
            max_cycle_km,
            walk_constant_min,
            cycle_constant_min,
            taxi_constant_min,
            taxi_wait_min,
            taxi_flag_yuan,
            taxi_flag_km,
            taxi_yuan_per_km,
            taxi_far_km,
            taxi_far_yuan_per_km,
        }
    }
}

/// [`crate::scenario::Variability`] as `summary.json` holds it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct VariabilityParameters {
    /// Service delays by mode (hsr, rail, subway, bus, custom bus).
    pub delays: [DelayParameters; 5],
    /// Service delays of single lines, by line id.
    pub line_delays: BTreeMap<String, DelayParameters>,
    /// Standard deviation of the log of a day factor on car and bus times.
    pub road_day_sd: f64,
    /// Standard deviation of the log of a day factor on checkpoint delays.
    pub checkpoint_sd: f64,
    /// Standard deviation of the log of each road link's own factor.
    pub link_sd: f64,
    /// `link_sd` by road class, where it differs.
    pub class_sd: BTreeMap<String, f64>,
}

impl From<&crate::scenario::Variability> for VariabilityParameters {
    fn from(variability: &crate::scenario::Variability) -> Self {
        let crate::scenario::Variability {
            delays,
            line_delays,
            road_day_sd,
            checkpoint_sd,
            link_sd,
            class_sd,
        } = variability;
        VariabilityParameters {
            delays: delays.map(DelayParameters::from),
            line_delays: line_delays
                .iter()
                .map(|(id, &d)| (id.clone(), d.into()))
                .collect(),
            road_day_sd: *road_day_sd,
            checkpoint_sd: *checkpoint_sd,
            link_sd: *link_sd,
            class_sd: class_sd.clone(),
        }
    }
}

/// [`crate::scenario::Delay`] as `summary.json` holds it.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct DelayParameters {
    /// Probability of running on time.
    pub on_time: f64,
    /// Mean delay when late, minutes.
    pub late_mean_min: f64,
}

impl From<crate::scenario::Delay> for DelayParameters {
    fn from(delay: crate::scenario::Delay) -> Self {
        let crate::scenario::Delay {
            on_time,
            late_mean_min,
        } = delay;
        DelayParameters {
            on_time,
            late_mean_min,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ratio_interval_is_the_t_interval_when_every_denominator_is_one() {
        let ones = [1.0; 3];
        assert_eq!(
            Interval::of_ratio(&[3.0, 5.0, 4.0], &ones),
            Interval::of(&[3.0, 5.0, 4.0])
        );
        // Numerators proportional to the denominators: the ratio, with no spread.
        let exact = Interval::of_ratio(&[10.0, 30.0], &[1.0, 3.0]).unwrap();
        assert_eq!((exact.mean, exact.half_width()), (10.0, 0.0));
        assert_eq!(Interval::of_ratio(&[1.0], &[1.0]), None);
    }

    #[test]
    fn policy_metrics_are_named_as_summary_json_names_them() {
        let policy = PolicyMetrics {
            one_hour_circle_residents_p50: Some(1),
            one_hour_circle_residents_p80: Some(2),
            two_hour_circle_share: Some(0.5),
            satellite_jobs_within_60min: None,
            satellite_jobs_within_90min: Some(4),
            share_within_60: Some(0.25),
        };
        let json = serde_json::to_value(&policy).unwrap();
        let fields = json.as_object().unwrap();
        let metrics = policy.metrics();
        assert_eq!(metrics.len(), fields.len());
        for ((name, value), (key, json)) in metrics.iter().zip(fields) {
            assert_eq!((*name, *value), (key.as_str(), json.as_f64()));
        }
    }
}
