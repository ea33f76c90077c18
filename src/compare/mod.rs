//! Before/after comparisons of two Monte-Carlo runs with paired statistics.
//!
//! Two runs made with the same seed and draws share their random draws wherever the scenarios
//! do not differ (common random numbers), so the difference of a figure is best estimated draw
//! by draw: `d_i = after_i - before_i`, whose mean is the change and whose spread across the
//! draws gives a confidence interval far narrower than comparing two independent means (and
//! exactly zero where nothing changed). Runs that are not paired (other seeds or draws) can
//! still be compared on request, with Welch's unpaired interval. Everything here works on typed
//! run outputs ([`RunOutput`], made in memory by `run::run` or read from a folder by
//! `run::folder`), so a comparison of two folders and of two scenarios run in memory are the
//! same computation.

pub(crate) mod output;

pub use output::{
    LINKS_CSV_COLUMNS, compare_csv, compare_json, lines_csv, links_csv, network_geojson, zones_csv,
    zones_geojson,
};

use crate::run::schema::value;
use crate::run::{
    DrawRow, LineRow, LinkDirection, LinkRow, MonteCarloRun, OdMode, OdRow, RunOutput, ZoneRow,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One side of a comparison: a Monte-Carlo run's outputs and where they came from.
#[derive(Debug, Clone, Copy)]
pub struct RunData<'a> {
    /// The run folder, or the scenario file run in memory (compare.json's `source`).
    pub dir: &'a Path,
    /// The run.
    pub run: MonteCarloRun<'a>,
}

impl<'a> RunData<'a> {
    /// The Monte-Carlo run `output` from `dir`; refused for a deterministic run.
    pub fn new(dir: &'a Path, output: &'a RunOutput) -> Result<Self, Refusal> {
        let run = output.monte_carlo().ok_or_else(|| Refusal::NotMonteCarlo {
            dir: dir.display().to_string(),
        })?;
        Ok(RunData { dir, run })
    }

    fn draws_count(&self) -> u32 {
        self.run.settings.draws
    }

    fn seed(&self) -> u64 {
        self.run.settings.seed
    }

    /// Per pair, the draw rows in draw order.
    fn draws_by_pair(&self) -> HashMap<(&'a str, &'a str), Vec<&'a DrawRow>> {
        let mut map: HashMap<(&str, &str), Vec<&DrawRow>> = HashMap::new();
        for row in &self.run.tables.draws {
            map.entry((&row.origin, &row.destination))
                .or_default()
                .push(row);
        }
        for rows in map.values_mut() {
            rows.sort_by_key(|r| r.draw);
        }
        map
    }
}

/// Why two runs are not compared.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// A deterministic run: no draws to pair.
    #[error(
        "{dir}: a deterministic run: compare needs a Monte-Carlo run (`commute run --draws N`)"
    )]
    NotMonteCarlo {
        /// Where the run came from.
        dir: String,
    },
    /// A run with fewer than two draws: no interval.
    #[error("{dir}: {draws} draw(s); a comparison needs at least 2 for its confidence intervals")]
    TooFewDraws {
        /// Where the run came from.
        dir: String,
        /// Its draws.
        draws: u32,
    },
    /// Runs of different regions.
    #[error(
        "the runs share only {shared} of {total} zone pairs: not the same region (compare scenarios of one network)"
    )]
    OtherRegion {
        /// Zone pairs both runs have.
        shared: usize,
        /// Zone pairs either has.
        total: usize,
    },
    /// Runs whose draws are not paired, without [`CompareOptions::allow_unpaired`].
    #[error("the runs are not paired ({0})")]
    Unpaired(String),
}

/// How to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CompareOptions {
    /// Compare runs whose seed, draws or demand differ, with unpaired (wider) intervals.
    pub allow_unpaired: bool,
}

/// Compares `before` with `after` once they pass the checks: at least two draws each, mostly
/// the same zone pairs, and paired unless `options` allow otherwise.
pub fn compare_runs(
    before: &RunData<'_>,
    after: &RunData<'_>,
    options: CompareOptions,
) -> Result<Comparison, Refusal> {
    for run in [before, after] {
        if run.draws_count() < 2 {
            return Err(Refusal::TooFewDraws {
                dir: run.dir.display().to_string(),
                draws: run.draws_count(),
            });
        }
    }
    let (shared, total) = shared_pairs(before, after);
    if 2 * shared < total {
        return Err(Refusal::OtherRegion { shared, total });
    }
    if let Some(reason) = unpaired_reason(before, after)
        && !options.allow_unpaired
    {
        return Err(Refusal::Unpaired(reason));
    }
    Ok(compare(before, after))
}

/// A change with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Delta {
    /// The figure before (mean over the draws used).
    pub before: f64,
    /// The figure after.
    pub after: f64,
    /// `after - before`.
    pub delta: f64,
    /// Lower bound of the 95% confidence interval of `delta`.
    pub ci_low: f64,
    /// Upper bound.
    pub ci_high: f64,
    /// Draws used (paired: those with a value on both sides).
    pub draws: usize,
}

impl Delta {
    /// Whether the interval excludes zero.
    pub fn significant(&self) -> bool {
        self.ci_low > 0.0 || self.ci_high < 0.0
    }
}

/// The `p`-th percentile (0..=100) of commuters counted per minute bin (`counts[m]` commuters
/// took `[m, m + 1)` minutes): the bin `m` in which the cumulative count reaches `p` percent,
/// as whole minutes; `None` when nobody is counted.
pub fn histogram_percentile(counts: &[f64], p: f64) -> Option<f64> {
    let total: f64 = counts.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let target = p.clamp(0.0, 100.0) / 100.0 * total * (1.0 - 1e-9);
    let mut cumulative = 0.0;
    for (m, &n) in counts.iter().enumerate() {
        cumulative += n;
        if n > 0.0 && cumulative >= target {
            return Some(m as f64);
        }
    }
    Some((counts.len() - 1) as f64)
}

/// A mean over draws with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Mean over the draws.
    pub mean: f64,
    /// Lower bound of the 95% confidence interval.
    pub ci_low: f64,
    /// Upper bound.
    pub ci_high: f64,
    /// Draws.
    pub draws: usize,
}

/// The mean of per-draw `values` with its t interval; `None` when empty.
pub fn estimate(values: &[f64]) -> Option<Estimate> {
    if values.is_empty() {
        return None;
    }
    let m = mean(values);
    let half = if values.len() < 2 {
        f64::INFINITY
    } else if values.iter().all(|&v| v == values[0]) {
        0.0
    } else {
        student_t_975(values.len() as f64 - 1.0) * (variance(values) / values.len() as f64).sqrt()
    };
    Some(Estimate {
        mean: m,
        ci_low: m - half,
        ci_high: m + half,
        draws: values.len(),
    })
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (two-sided 95% intervals):
/// table values to 30 (interpolated in 1/df between them), then the Cornish-Fisher expansion
/// (error below 1e-3).
pub fn student_t_975(df: f64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df < 1.0 {
        return f64::INFINITY;
    }
    if df <= 30.0 {
        // Between table entries, linear in 1/df (exact at the entries).
        let lo = df.floor() as usize;
        if df.fract() == 0.0 || lo >= 30 {
            return TABLE[lo - 1];
        }
        let (a, b) = (TABLE[lo - 1], TABLE[lo]);
        let (x, x0, x1) = (1.0 / df, 1.0 / lo as f64, 1.0 / (lo + 1) as f64);
        return b + (a - b) * (x - x1) / (x0 - x1);
    }
    let z: f64 = 1.959_963_984_540_054;
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * df)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * df * df)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * df.powi(3))
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn variance(xs: &[f64]) -> f64 {
    let m = mean(xs);
    xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() as f64 - 1.0)
}

/// The paired change from per-draw values (draws with a value on both sides); `None` when no
/// draw has both.
pub fn paired(before: &[Option<f64>], after: &[Option<f64>]) -> Option<Delta> {
    let pairs: Vec<(f64, f64)> = before
        .iter()
        .zip(after)
        .filter_map(|(b, a)| b.zip(*a))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let b: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let a: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let d: Vec<f64> = pairs.iter().map(|p| p.1 - p.0).collect();
    let delta = mean(&d);
    // One draw says nothing about the spread; an identical difference in every draw (exactly
    // zero where the scenarios agree) has none.
    let half = if d.len() < 2 {
        f64::INFINITY
    } else if d.iter().all(|&x| x == d[0]) {
        0.0
    } else {
        student_t_975(d.len() as f64 - 1.0) * (variance(&d) / d.len() as f64).sqrt()
    };
    Some(Delta {
        before: mean(&b),
        after: mean(&a),
        delta,
        ci_low: delta - half,
        ci_high: delta + half,
        draws: d.len(),
    })
}

/// The unpaired change (Welch's interval) from the values of each side's draws.
pub fn unpaired(before: &[Option<f64>], after: &[Option<f64>]) -> Option<Delta> {
    let b: Vec<f64> = before.iter().flatten().copied().collect();
    let a: Vec<f64> = after.iter().flatten().copied().collect();
    if b.is_empty() || a.is_empty() {
        return None;
    }
    let delta = mean(&a) - mean(&b);
    let half = if b.len() > 1 && a.len() > 1 {
        let (vb, va) = (variance(&b) / b.len() as f64, variance(&a) / a.len() as f64);
        let df = (vb + va).powi(2)
            / (vb * vb / (b.len() as f64 - 1.0) + va * va / (a.len() as f64 - 1.0));
        if vb + va == 0.0 {
            0.0
        } else {
            student_t_975(df.max(1.0)) * (vb + va).sqrt()
        }
    } else {
        f64::INFINITY
    };
    Some(Delta {
        before: mean(&b),
        after: mean(&a),
        delta,
        ci_low: delta - half,
        ci_high: delta + half,
        draws: b.len().min(a.len()),
    })
}

/// What a comparison says about one run.
#[derive(Debug, Clone, Serialize)]
pub struct RunSide {
    /// Scenario name.
    pub scenario: String,
    /// Description.
    pub description: String,
    /// Modifications applied, with file and line.
    pub modifications: Vec<String>,
    /// The run folder, or the scenario file run in memory.
    pub source: String,
    /// Seed.
    pub seed: u64,
    /// Draws.
    pub draws: u32,
}

/// The change of one zone pair and mode.
#[derive(Debug, Clone, Serialize)]
pub struct OdChange {
    /// Origin zone id.
    pub origin: String,
    /// Destination zone id.
    pub destination: String,
    /// `car`, `transit`, `custom_bus`, `best` (the fastest) or `chosen` (the commuters' own).
    pub mode: ChangeMode,
    /// Commuters by the mode per morning, before.
    pub before_commuters: f64,
    /// After.
    pub after_commuters: f64,
    /// Mean door-to-door minutes: the change of the per-draw means.
    pub mean: Option<Delta>,
    /// Median minutes before and after.
    pub p50: [Option<f64>; 2],
    /// 95th percentile minutes before and after.
    pub p95: [Option<f64>; 2],
}

/// The change of one zone.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneChange {
    /// Zone id.
    pub zone: String,
    /// Name.
    pub name: String,
    /// Residents (after).
    pub residents: f64,
    /// Whether the zone is in the before and in the after run (a scenario may add one).
    pub present: [bool; 2],
    /// Commuters to other zones, before and after.
    pub commuters: [f64; 2],
    /// Mean commute of its commuters, minutes (their destinations may change).
    pub mean_commute: Option<Delta>,
    /// Change of travel time for the same trips: its pairs' chosen-mode mean minutes, weighted
    /// by their commuters averaged over both runs.
    pub time_change: Option<Delta>,
    /// Median commute before and after, whole minutes (see [`histogram_percentile`]).
    pub p50_min: [Option<f64>; 2],
    /// 95th percentile before and after, whole minutes.
    pub p95_min: [Option<f64>; 2],
    /// Car, transit, custom-bus and unserved shares, before and after.
    pub shares: [[f64; 4]; 2],
    /// Jobs within 60 minutes at the median, before and after.
    pub jobs_within_60min_p50: [f64; 2],
}

/// The change of one line.
#[derive(Debug, Clone, Serialize)]
pub struct LineChange {
    /// Line id.
    pub line: String,
    /// Name.
    pub name: String,
    /// Mode.
    pub mode: String,
    /// Boardings per morning before and after (`None`: the line is not in that run).
    pub boardings: [Option<f64>; 2],
    /// Peak load before and after.
    pub peak_load: [Option<f64>; 2],
    /// Load factor before and after.
    pub load_factor: [Option<f64>; 2],
    /// Denied boardings before and after.
    pub denied_boardings: [Option<f64>; 2],
}

/// Region-wide changes.
#[derive(Debug, Clone, Serialize)]
pub struct RegionChange {
    /// Commuters between zones per morning, before and after.
    pub commuters: [f64; 2],
    /// Mean commute of the commuters between zones, minutes (destinations may change: this
    /// mixes faster trips with commuters choosing nearer or farther jobs).
    pub mean_commute: Option<Delta>,
    /// Change of travel time for the same trips (see [`ZoneChange::time_change`]).
    pub time_change: Option<Delta>,
    /// Median commute before and after, whole minutes (see [`histogram_percentile`]).
    pub p50_min: [Option<f64>; 2],
    /// 95th percentile before and after, whole minutes.
    pub p95_min: [Option<f64>; 2],
    /// Commuter-hours spent per morning by all commuters between zones (this includes
    /// commuters choosing other destinations, so it is not a benefit measure).
    pub commuter_hours: Option<Delta>,
    /// Commuter-hours saved per morning by the rule of a half: per zone pair, the average of
    /// its commuters before and after times the fall of their mean commute, summed, per draw;
    /// the standard appraisal of time savings when demand responds.
    pub hours_saved: Option<Estimate>,
    /// The mean of `hours_saved` (0 without it).
    pub hours_saved_per_morning: f64,
    /// Its value at the after scenario's value of time, yuan per morning.
    pub value_of_time_saved_yuan: f64,
    /// The value of time used, yuan per hour.
    pub value_of_time_yuan_per_h: f64,
    /// Car, transit, custom-bus and unserved shares, before and after.
    pub shares: [[f64; 4]; 2],
    /// Share of commuters within 60 minutes, before and after.
    pub share_within_60: [f64; 2],
    /// Commuters (after) on pairs whose own mean commute fell by more than 5 minutes.
    pub winners: f64,
    /// Commuters (after) on pairs whose own mean commute rose by more than 5 minutes.
    pub losers: f64,
}

/// A policy metric before and after.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyChange {
    /// Key in `summary.json` `policy`.
    pub metric: String,
    /// Before.
    pub before: Option<f64>,
    /// After.
    pub after: Option<f64>,
    /// `after - before`.
    pub delta: Option<f64>,
}

/// The change of one directed road link's peak-hour traffic. Volumes come from one final traffic
/// assignment of each run's mean car flows, not from every draw, so they have no confidence
/// intervals.
#[derive(Debug, Clone, Serialize)]
pub struct LinkChange {
    /// Road link id.
    pub link: String,
    /// `forward` or `backward`.
    pub direction: LinkDirection,
    /// Road name.
    pub name: String,
    /// Road class.
    pub class: String,
    /// Node id the link leaves, as travelled.
    pub from: String,
    /// Node id it enters.
    pub to: String,
    /// `both`, `added` (only the after run has it: a new road) or `removed` (only the before
    /// run: a closed one).
    pub status: &'static str,
    /// Commuter cars per peak hour before and after (`None`: not in that run).
    pub volume_vph: [Option<f64>; 2],
    /// Volume (commuters and background) over capacity before and after.
    pub volume_capacity: [Option<f64>; 2],
    /// Congested speed before and after, km/h.
    pub speed_kmh: [Option<f64>; 2],
    /// Congested travel time before and after, minutes.
    pub congested_min: [Option<f64>; 2],
    /// After minus before volume, a link missing on one side counting as 0 there.
    pub delta_volume_vph: f64,
}

/// Road traffic before and after, when both runs have `links.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct LinkComparison {
    /// What these figures are.
    pub note: &'static str,
    /// Directed links before and after.
    pub links: [usize; 2],
    /// Links only the after run has.
    pub added: usize,
    /// Links only the before run has.
    pub removed: usize,
    /// Commuter vehicle-km in the peak hour before and after (links.csv `length_km`).
    pub vehicle_km: [f64; 2],
    /// After minus before.
    pub delta_vehicle_km: f64,
    /// Commuter vehicle-hours in the peak hour before and after, at congested times.
    pub vehicle_hours: [f64; 2],
    /// After minus before.
    pub delta_vehicle_hours: f64,
    /// Links with volume over capacity (all traffic) above 1, before and after.
    pub over_capacity: [usize; 2],
    /// The links whose volume changes most, by absolute change (at most [`TOP_LINKS`]).
    pub largest_changes: Vec<LinkChange>,
    /// Every link of either run: the after run's in its order, then those only before has.
    #[serde(skip)]
    pub all: Vec<LinkChange>,
}

/// Links in the report's and compare.json's list of largest volume changes.
pub const TOP_LINKS: usize = 20;

/// What a comparison's link volumes are (compare.json, the report).
pub const LINKS_NOTE: &str = "Peak-hour volumes from one final traffic assignment of each run's mean car flows (not per draw): no confidence intervals.";

/// Compares the road links of two runs: `None` unless both have `links.csv`.
pub fn compare_links(
    before: Option<&[LinkRow]>,
    after: Option<&[LinkRow]>,
) -> Option<LinkComparison> {
    let (b, a) = (before?, after?);
    let key = |r: &LinkRow| (r.link.clone(), r.direction);
    let by_key: HashMap<(String, LinkDirection), &LinkRow> =
        b.iter().map(|r| (key(r), r)).collect();
    let after_keys: std::collections::HashSet<(String, LinkDirection)> =
        a.iter().map(key).collect();
    let mut all: Vec<LinkChange> = a
        .iter()
        .map(|r| link_change(by_key.get(&key(r)).copied(), Some(r)))
        .collect();
    all.extend(
        b.iter()
            .filter(|r| !after_keys.contains(&key(r)))
            .map(|r| link_change(Some(r), None)),
    );
    let vehicle_km = [b, a].map(|rows| {
        rows.iter()
            .map(|r| r.volume_vph.get() * r.length_km.get())
            .sum()
    });
    let vehicle_hours = [b, a].map(|rows| {
        rows.iter()
            .map(|r| r.volume_vph.get() * r.congested_min.get() / 60.0)
            .sum()
    });
    let mut ranked: Vec<&LinkChange> = all.iter().filter(|c| c.delta_volume_vph != 0.0).collect();
    ranked.sort_by(|x, y| {
        y.delta_volume_vph
            .abs()
            .total_cmp(&x.delta_volume_vph.abs())
            .then_with(|| (&x.link, x.direction.as_str()).cmp(&(&y.link, y.direction.as_str())))
    });
    Some(LinkComparison {
        note: LINKS_NOTE,
        links: [b.len(), a.len()],
        added: all.iter().filter(|c| c.status == "added").count(),
        removed: all.iter().filter(|c| c.status == "removed").count(),
        vehicle_km,
        delta_vehicle_km: vehicle_km[1] - vehicle_km[0],
        vehicle_hours,
        delta_vehicle_hours: vehicle_hours[1] - vehicle_hours[0],
        over_capacity: [b, a].map(|rows| {
            rows.iter()
                .filter(|r| r.volume_capacity.get() > 1.0)
                .count()
        }),
        largest_changes: ranked.into_iter().take(TOP_LINKS).cloned().collect(),
        all,
    })
}

/// Why a comparison has no link section although one run has `links.csv`, if so.
pub fn links_note(before: Option<&[LinkRow]>, after: Option<&[LinkRow]>) -> Option<String> {
    match (before, after) {
        (Some(_), None) => Some(
            "Road traffic: only the before run has links.csv (the after scenario has no road congestion), so link volumes are not compared.".into(),
        ),
        (None, Some(_)) => Some(
            "Road traffic: only the after run has links.csv (the before scenario has no road congestion), so link volumes are not compared.".into(),
        ),
        _ => None,
    }
}

fn link_change(b: Option<&LinkRow>, a: Option<&LinkRow>) -> LinkChange {
    let any = a.or(b).expect("a link of one run");
    let pair = |f: fn(&LinkRow) -> f64| [b.map(f), a.map(f)];
    LinkChange {
        link: any.link.clone(),
        direction: any.direction,
        name: any.name.clone(),
        class: any.class.clone(),
        from: any.from.clone(),
        to: any.to.clone(),
        status: match (b, a) {
            (Some(_), Some(_)) => "both",
            (None, _) => "added",
            (_, None) => "removed",
        },
        volume_vph: pair(|r| r.volume_vph.get()),
        volume_capacity: pair(|r| r.volume_capacity.get()),
        speed_kmh: pair(|r| r.speed_kmh.get()),
        congested_min: pair(|r| r.congested_min.get()),
        delta_volume_vph: a.map_or(0.0, |r| r.volume_vph.get())
            - b.map_or(0.0, |r| r.volume_vph.get()),
    }
}

/// A whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Whether the statistics are paired (same seed, draws and demand definition).
    pub paired: bool,
    /// The before run.
    pub before: RunSide,
    /// The after run.
    pub after: RunSide,
    /// Region-wide changes.
    pub region: RegionChange,
    /// Policy metrics.
    pub policy: Vec<PolicyChange>,
    /// Per pair and mode.
    #[serde(skip)]
    pub od: Vec<OdChange>,
    /// Per zone.
    #[serde(skip)]
    pub zones: Vec<ZoneChange>,
    /// Per line.
    #[serde(skip)]
    pub lines: Vec<LineChange>,
    /// The 20 pairs (with at least [`TOP_MIN_COMMUTERS`] commuters) whose commuters gain most.
    pub top_improvements: Vec<OdChange>,
    /// The 20 that lose most.
    pub top_worsenings: Vec<OdChange>,
    /// Commuters per morning by minute, before and after (`distribution.csv`).
    #[serde(skip)]
    pub distribution: [Vec<f64>; 2],
    /// Road link volumes, when both runs have `links.csv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<LinkComparison>,
    /// Why link volumes are not compared when only one run has `links.csv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links_note: Option<String>,
}

/// Pairs with fewer commuters per morning than this are left out of the top lists.
pub const TOP_MIN_COMMUTERS: f64 = 100.0;

/// A change of this many minutes makes a commuter a winner or a loser.
pub const WINNER_MIN: f64 = 5.0;

/// What a row of compare.csv compares: a mode of od.csv, or the commuters' own choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeMode {
    /// Driving.
    Car,
    /// Rail, subway and bus.
    Transit,
    /// Custom bus.
    CustomBus,
    /// The fastest mode.
    Best,
    /// The mode each commuter chose.
    Chosen,
}

impl ChangeMode {
    /// The name in compare.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeMode::Chosen => "chosen",
            ChangeMode::Car => OdMode::Car.as_str(),
            ChangeMode::Transit => OdMode::Transit.as_str(),
            ChangeMode::CustomBus => OdMode::CustomBus.as_str(),
            ChangeMode::Best => OdMode::Best.as_str(),
        }
    }
}

impl From<OdMode> for ChangeMode {
    fn from(mode: OdMode) -> Self {
        match mode {
            OdMode::Car => ChangeMode::Car,
            OdMode::Transit => ChangeMode::Transit,
            OdMode::CustomBus => ChangeMode::CustomBus,
            OdMode::Best => ChangeMode::Best,
        }
    }
}

fn side(run: &RunData<'_>) -> RunSide {
    let s = &run.run.summary.scenario;
    RunSide {
        scenario: s.name.clone(),
        description: s.description.clone(),
        modifications: s.modifications.clone(),
        source: run.dir.display().to_string(),
        seed: run.seed(),
        draws: run.draws_count(),
    }
}

/// Why two runs are not paired, if they are not: seed, draws or demand definition differ.
pub fn unpaired_reason(before: &RunData<'_>, after: &RunData<'_>) -> Option<String> {
    let mut reasons = Vec::new();
    if before.seed() != after.seed() {
        reasons.push(format!("seeds {} and {}", before.seed(), after.seed()));
    }
    if before.draws_count() != after.draws_count() {
        reasons.push(format!(
            "draws {} and {}",
            before.draws_count(),
            after.draws_count()
        ));
    }
    let (b, a) = (before.run.model, after.run.model);
    differ(&mut reasons, "demand", &b.demand, &a.demand);
    differ(&mut reasons, "demand_file", &b.demand_file, &a.demand_file);
    differ(
        &mut reasons,
        "departure_profile",
        &b.departure_profile,
        &a.departure_profile,
    );
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// Adds `model.{key} {before} and {after}` (as summary.json shows them) when they differ.
fn differ<T: PartialEq + Serialize>(reasons: &mut Vec<String>, key: &str, before: &T, after: &T) {
    if before != after {
        let json = |x: &T| serde_json::to_string(x).unwrap_or_default();
        reasons.push(format!("model.{key} {} and {}", json(before), json(after)));
    }
}

/// Zone pairs both runs have, and the pairs either has.
pub fn shared_pairs(before: &RunData<'_>, after: &RunData<'_>) -> (usize, usize) {
    let pairs = |run: &RunData<'_>| -> std::collections::HashSet<(String, String)> {
        run.run
            .tables
            .od
            .iter()
            .map(|r| (r.origin.clone(), r.destination.clone()))
            .collect()
    };
    let (b, a) = (pairs(before), pairs(after));
    (b.intersection(&a).count(), b.union(&a).count())
}

/// The rows of `od.csv` by origin, destination and mode.
fn od_by_key(rows: &[OdRow]) -> HashMap<(&str, &str, OdMode), &OdRow> {
    rows.iter()
        .map(|r| ((r.origin.as_str(), r.destination.as_str(), r.mode), r))
        .collect()
}

/// Compares `before` with `after`: paired when [`unpaired_reason`] finds nothing, else unpaired.
pub fn compare(before: &RunData<'_>, after: &RunData<'_>) -> Comparison {
    let is_paired = unpaired_reason(before, after).is_none();
    let change = |b: &[Option<f64>], a: &[Option<f64>]| {
        if is_paired {
            paired(b, a)
        } else {
            unpaired(b, a)
        }
    };
    let (draws_b, draws_a) = (before.draws_by_pair(), after.draws_by_pair());
    let (tables_b, tables_a) = (before.run.tables, after.run.tables);
    let (od_b, od_a) = (od_by_key(&tables_b.od), od_by_key(&tables_a.od));
    // Pairs in the before run's order, then those only after has.
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in tables_b.od.iter().chain(&tables_a.od) {
        let key = (r.origin.as_str(), r.destination.as_str());
        if seen.insert(key) {
            pairs.push(key);
        }
    }
    let empty: Vec<&DrawRow> = Vec::new();
    let mut od = Vec::new();
    for &(o, d) in &pairs {
        let (rb, ra) = (
            draws_b.get(&(o, d)).unwrap_or(&empty),
            draws_a.get(&(o, d)).unwrap_or(&empty),
        );
        for mode in OdMode::ALL {
            let (b, a) = (od_b.get(&(o, d, mode)), od_a.get(&(o, d, mode)));
            if b.is_none() && a.is_none() {
                continue;
            }
            let per_draw =
                |rows: &[&DrawRow]| rows.iter().map(|r| r.mode_min(mode)).collect::<Vec<_>>();
            od.push(OdChange {
                origin: o.to_owned(),
                destination: d.to_owned(),
                mode: mode.into(),
                before_commuters: b.map_or(0.0, |r| r.commuters.get()),
                after_commuters: a.map_or(0.0, |r| r.commuters.get()),
                mean: change(&per_draw(rb), &per_draw(ra)),
                p50: [b, a].map(|r| r.and_then(|r| value(r.p50_min))),
                p95: [b, a].map(|r| r.and_then(|r| value(r.p95_min))),
            });
        }
        let served = |rows: &[&DrawRow]| {
            rows.iter().map(|r| r.served()).sum::<f64>() / rows.len().max(1) as f64
        };
        let chosen = |rows: &[&DrawRow]| rows.iter().map(|r| value(r.mean_min)).collect::<Vec<_>>();
        od.push(OdChange {
            origin: o.to_owned(),
            destination: d.to_owned(),
            mode: ChangeMode::Chosen,
            before_commuters: served(rb),
            after_commuters: served(ra),
            mean: change(&chosen(rb), &chosen(ra)),
            p50: [None, None],
            p95: [None, None],
        });
    }
    // Zones and the region from the per-draw rows: commuter-minutes and commuters per draw.
    let totals = |run: &RunData<'_>, pick: &dyn Fn(&DrawRow) -> bool| {
        let n = run.draws_count() as usize;
        let mut minutes = vec![0.0; n];
        let mut served = vec![0.0; n];
        for r in run.run.tables.draws.iter().filter(|r| pick(r)) {
            let i = r.draw as usize;
            if let Some(m) = value(r.mean_min)
                && i < n
            {
                let s = r.served();
                minutes[i] += m * s;
                served[i] += s;
            }
        }
        (minutes, served)
    };
    let mean_of = |(minutes, served): &(Vec<f64>, Vec<f64>)| {
        minutes
            .iter()
            .zip(served)
            .map(|(m, s)| (*s > 0.0).then(|| m / s))
            .collect::<Vec<_>>()
    };
    // The same trips before and after: per draw, chosen-mode minutes of the pairs picked,
    // weighted by their commuters averaged over both runs and all draws.
    let draws_n = before.draws_count().min(after.draws_count()) as usize;
    let fixed_weight = |pick: &dyn Fn(&str) -> bool| {
        let (mut sum_b, mut sum_a, mut weight) =
            (vec![0.0; draws_n], vec![0.0; draws_n], vec![0.0; draws_n]);
        // In the pairs' fixed order: float sums must not depend on hash order.
        for pair in &pairs {
            if !pick(pair.0) {
                continue;
            }
            let (Some(rb), Some(ra)) = (draws_b.get(pair), draws_a.get(pair)) else {
                continue;
            };
            let commuters = |rows: &[&DrawRow]| {
                rows.iter().map(|r| r.served()).sum::<f64>() / rows.len().max(1) as f64
            };
            let w = (commuters(rb) + commuters(ra)) / 2.0;
            if w <= 0.0 {
                continue;
            }
            for (b, a) in rb.iter().zip(ra.iter()).take(draws_n) {
                if let (Some(tb), Some(ta)) = (value(b.mean_min), value(a.mean_min)) {
                    let i = b.draw as usize;
                    sum_b[i] += w * tb;
                    sum_a[i] += w * ta;
                    weight[i] += w;
                }
            }
        }
        let per_draw = |sums: &[f64]| {
            sums.iter()
                .zip(&weight)
                .map(|(s, w)| (*w > 0.0).then(|| s / w))
                .collect::<Vec<_>>()
        };
        change(&per_draw(&sum_b), &per_draw(&sum_a))
    };
    let zones_b: HashMap<&str, &ZoneRow> = tables_b
        .zones
        .iter()
        .map(|z| (z.zone.as_str(), z))
        .collect();
    let mut zone_ids: Vec<&str> = tables_a.zones.iter().map(|z| z.zone.as_str()).collect();
    zone_ids.extend(
        tables_b
            .zones
            .iter()
            .map(|z| z.zone.as_str())
            .filter(|id| !tables_a.zones.iter().any(|z| z.zone == *id)),
    );
    let zones_a: HashMap<&str, &ZoneRow> = tables_a
        .zones
        .iter()
        .map(|z| (z.zone.as_str(), z))
        .collect();
    let zones: Vec<ZoneChange> = zone_ids
        .iter()
        .map(|&id| {
            let (b, a) = (zones_b.get(id), zones_a.get(id));
            let any = a.or(b).expect("a zone of one run");
            let from = |r: &DrawRow| r.origin == id;
            let (zone_b, zone_a) = (
                tables_b.distribution.of_zone(id),
                tables_a.distribution.of_zone(id),
            );
            ZoneChange {
                zone: id.to_owned(),
                name: any.name.clone(),
                residents: any.residents as f64,
                present: [b.is_some(), a.is_some()],
                commuters: [
                    b.map_or(0.0, |z| z.commuters.get()),
                    a.map_or(0.0, |z| z.commuters.get()),
                ],
                mean_commute: change(
                    &mean_of(&totals(before, &from)),
                    &mean_of(&totals(after, &from)),
                ),
                time_change: fixed_weight(&|o| o == id),
                p50_min: [&zone_b, &zone_a]
                    .map(|h| h.as_ref().and_then(|h| histogram_percentile(h, 50.0))),
                p95_min: [&zone_b, &zone_a]
                    .map(|h| h.as_ref().and_then(|h| histogram_percentile(h, 95.0))),
                shares: [
                    b.map_or([0.0; 4], |z| z.shares()),
                    a.map_or([0.0; 4], |z| z.shares()),
                ],
                jobs_within_60min_p50: [
                    b.map_or(0.0, |z| z.jobs_within_60min_p50 as f64),
                    a.map_or(0.0, |z| z.jobs_within_60min_p50 as f64),
                ],
            }
        })
        .collect();
    let all = |_: &DrawRow| true;
    let (region_b, region_a) = (totals(before, &all), totals(after, &all));
    let hours = |(minutes, _): &(Vec<f64>, Vec<f64>)| {
        minutes.iter().map(|m| Some(m / 60.0)).collect::<Vec<_>>()
    };
    let commuter_hours = change(&hours(&region_b), &hours(&region_a));
    let value_of_time = 60.0 / after.run.model.choice.minutes_per_yuan;
    // Rule of a half, per draw, over the pairs both runs have.
    let draws = before.draws_count().min(after.draws_count()) as usize;
    let mut saved = vec![0.0; draws];
    for pair in &pairs {
        let (Some(rb), Some(ra)) = (draws_b.get(pair), draws_a.get(pair)) else {
            continue;
        };
        for (b, a) in rb.iter().zip(ra.iter()).take(draws) {
            if let (Some(tb), Some(ta)) = (value(b.mean_min), value(a.mean_min)) {
                let commuters = (b.served() + a.served()) / 2.0;
                saved[b.draw as usize] += commuters * (tb - ta) / 60.0;
            }
        }
    }
    let hours_saved = estimate(&saved);
    let (demand_b, demand_a) = (before.run.demand, after.run.demand);
    let (distribution_b, distribution_a) =
        (tables_b.distribution.all(), tables_a.distribution.all());
    let (links_b, links_a) = (tables_b.links.as_deref(), tables_a.links.as_deref());
    let (mut winners, mut losers) = (0.0, 0.0);
    for c in od.iter().filter(|c| c.mode == ChangeMode::Chosen) {
        if let Some(d) = c.mean {
            if d.delta < -WINNER_MIN {
                winners += c.after_commuters;
            } else if d.delta > WINNER_MIN {
                losers += c.after_commuters;
            }
        }
    }
    let region = RegionChange {
        commuters: [demand_b.commuters, demand_a.commuters],
        mean_commute: change(&mean_of(&region_b), &mean_of(&region_a)),
        time_change: fixed_weight(&|_| true),
        p50_min: [&distribution_b, &distribution_a].map(|h| histogram_percentile(h, 50.0)),
        p95_min: [&distribution_b, &distribution_a].map(|h| histogram_percentile(h, 95.0)),
        commuter_hours,
        hours_saved,
        hours_saved_per_morning: hours_saved.map_or(0.0, |e| e.mean),
        value_of_time_saved_yuan: hours_saved.map_or(0.0, |e| e.mean) * value_of_time,
        value_of_time_yuan_per_h: value_of_time,
        shares: [demand_b.shares(), demand_a.shares()],
        share_within_60: [demand_b.share_within_60, demand_a.share_within_60],
        winners,
        losers,
    };
    let policy = before
        .run
        .summary
        .policy
        .metrics()
        .into_iter()
        .zip(after.run.summary.policy.metrics())
        .map(|((metric, b), (_, a))| PolicyChange {
            metric: metric.to_owned(),
            before: b,
            after: a,
            delta: b.zip(a).map(|(b, a)| a - b),
        })
        .collect();
    let lines_b: BTreeMap<&str, &LineRow> = tables_b
        .lines
        .iter()
        .map(|l| (l.line.as_str(), l))
        .collect();
    let mut lines: Vec<LineChange> = tables_a
        .lines
        .iter()
        .map(|l| (l, lines_b.get(l.line.as_str()).copied()))
        .map(|(a, b)| line_change(b, Some(a)))
        .collect();
    lines.extend(
        tables_b
            .lines
            .iter()
            .filter(|b| !tables_a.lines.iter().any(|a| a.line == b.line))
            .map(|b| line_change(Some(b), None)),
    );
    let mut ranked: Vec<&OdChange> = od
        .iter()
        .filter(|c| {
            c.mode == ChangeMode::Chosen
                && c.before_commuters.min(c.after_commuters) >= TOP_MIN_COMMUTERS
                && c.mean.is_some_and(|d| d.delta != 0.0)
        })
        .collect();
    ranked.sort_by(|x, y| {
        let (dx, dy) = (
            x.mean.map_or(0.0, |d| d.delta),
            y.mean.map_or(0.0, |d| d.delta),
        );
        dx.total_cmp(&dy)
            .then_with(|| (&x.origin, &x.destination).cmp(&(&y.origin, &y.destination)))
    });
    let top_improvements = ranked
        .iter()
        .take_while(|c| c.mean.is_some_and(|d| d.delta < 0.0))
        .take(20)
        .map(|c| (*c).clone())
        .collect();
    let top_worsenings = ranked
        .iter()
        .rev()
        .take_while(|c| c.mean.is_some_and(|d| d.delta > 0.0))
        .take(20)
        .map(|c| (*c).clone())
        .collect();
    Comparison {
        paired: is_paired,
        before: side(before),
        after: side(after),
        region,
        policy,
        od,
        zones,
        lines,
        top_improvements,
        top_worsenings,
        distribution: [distribution_b, distribution_a],
        links: compare_links(links_b, links_a),
        links_note: links_note(links_b, links_a),
    }
}

fn line_change(b: Option<&LineRow>, a: Option<&LineRow>) -> LineChange {
    let any = a.or(b).expect("a line of one run");
    let load_factor = |l: &LineRow| {
        let places = f64::from(l.vehicle_capacity);
        (places > 0.0).then(|| l.peak_load.get() / places)
    };
    let pair = |f: fn(&LineRow) -> f64| [b.map(f), a.map(f)];
    LineChange {
        line: any.line.clone(),
        name: any.name.clone(),
        mode: any.mode.as_str().to_owned(),
        boardings: pair(|l| l.boardings.get()),
        peak_load: pair(|l| l.peak_load.get()),
        load_factor: [b.and_then(load_factor), a.and_then(load_factor)],
        denied_boardings: pair(|l| l.denied_boardings.get()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{Fixed, MonteCarloInfo, MonteCarloTables, RunSummary, Tables};

    fn link(id: &str, forward: bool, volume: f64, vc: f64, speed: f64, minutes: f64) -> LinkRow {
        let (from, to, direction) = if forward {
            ("a", "b", LinkDirection::Forward)
        } else {
            ("b", "a", LinkDirection::Backward)
        };
        LinkRow {
            link: id.into(),
            direction,
            name: format!("road {id}"),
            class: "expressway".into(),
            from: from.into(),
            to: to.into(),
            length_km: Fixed::new(speed * minutes / 60.0),
            volume_vph: Fixed::new(volume),
            background_pcu: Fixed::new(100.0),
            capacity_vph: Fixed::new(2000.0),
            volume_capacity: Fixed::new(vc),
            free_flow_min: Fixed::new(minutes * 0.8),
            congested_min: Fixed::new(minutes),
            speed_kmh: Fixed::new(speed),
        }
    }

    /// A Monte-Carlo run of 2 draws, seed 1, with nothing but `links`.
    fn run_with(links: Option<Vec<LinkRow>>) -> RunOutput {
        RunOutput {
            summary: RunSummary {
                monte_carlo: Some(MonteCarloInfo {
                    seed: 1,
                    draws: 2,
                    ..Default::default()
                }),
                demand: Some(Default::default()),
                model: Some(Default::default()),
                ..Default::default()
            },
            tables: Tables::MonteCarlo(MonteCarloTables {
                od: vec![],
                zones: vec![],
                lines: vec![],
                draws: vec![],
                distribution: Default::default(),
                links,
            }),
            zones_geojson: serde_json::json!({}),
            network_geojson: serde_json::json!({}),
        }
    }

    fn data(run: &RunOutput) -> RunData<'_> {
        RunData::new(Path::new("run"), run).unwrap()
    }

    fn links(run: &RunOutput) -> Option<&[LinkRow]> {
        data(run).run.tables.links.as_deref()
    }

    #[test]
    fn link_volumes_compare_by_link_and_direction() {
        let before = run_with(Some(vec![
            link("r1", true, 1000.0, 0.55, 60.0, 10.0),
            link("r1", false, 400.0, 0.25, 80.0, 7.5),
            link("r2", true, 300.0, 1.2, 30.0, 4.0),
        ]));
        let after = run_with(Some(vec![
            link("r1", true, 700.0, 0.4, 70.0, 6.0),
            link("r1", false, 400.0, 0.25, 80.0, 7.5),
            link("r3", true, 500.0, 0.3, 90.0, 2.0),
        ]));
        let c = compare_links(links(&before), links(&after)).unwrap();
        let keys: Vec<(&str, &str, &str)> = c
            .all
            .iter()
            .map(|l| (l.link.as_str(), l.direction.as_str(), l.status))
            .collect();
        assert_eq!(
            keys,
            [
                ("r1", "forward", "both"),
                ("r1", "backward", "both"),
                ("r3", "forward", "added"),
                ("r2", "forward", "removed"),
            ]
        );
        let deltas: Vec<f64> = c.all.iter().map(|l| l.delta_volume_vph).collect();
        assert_eq!(deltas, [-300.0, 0.0, 500.0, -300.0]);
        assert_eq!(c.all[2].volume_vph, [None, Some(500.0)]);
        assert_eq!(c.all[3].speed_kmh, [Some(30.0), None]);
        assert_eq!((c.links, c.added, c.removed), ([3, 3], 1, 1));
        // The fixture's lengths are speed x congested time: r1 10 km, r1 back 10 km, r2 2 km,
        // r3 3 km, r1 after 7 km.
        assert!((c.vehicle_km[0] - (1000.0 * 10.0 + 400.0 * 10.0 + 300.0 * 2.0)).abs() < 1e-9);
        assert!((c.vehicle_km[1] - (700.0 * 7.0 + 400.0 * 10.0 + 500.0 * 3.0)).abs() < 1e-9);
        assert!(
            (c.delta_vehicle_hours
                - (700.0 * 6.0 + 500.0 * 2.0 - 1000.0 * 10.0 - 300.0 * 4.0) / 60.0)
                .abs()
                < 1e-9
        );
        assert_eq!(c.over_capacity, [1, 0]);
        // Largest absolute change first, ties by id and direction; unchanged links left out.
        let top: Vec<(&str, f64)> = c
            .largest_changes
            .iter()
            .map(|l| (l.link.as_str(), l.delta_volume_vph))
            .collect();
        assert_eq!(top, [("r3", 500.0), ("r1", -300.0), ("r2", -300.0)]);
        // The comparison folder's links.csv: one row per link of either run.
        let csv = String::from_utf8(links_csv(&c)).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], LINKS_CSV_COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "r1,forward,road r1,expressway,a,b,both,1000.0,700.0,-300.0,0.550,0.400,-0.150,60.0,70.0,10.0,10.00,6.00,-4.00"
        );
        assert_eq!(
            lines[4],
            "r2,forward,road r2,expressway,a,b,removed,300.0,,-300.0,1.200,,,30.0,,,4.00,,"
        );
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn links_are_compared_only_when_both_runs_have_them() {
        let (with, without) = (
            run_with(Some(vec![link("r1", true, 10.0, 0.1, 50.0, 1.0)])),
            run_with(None),
        );
        let (with, without) = (links(&with), links(&without));
        assert!(compare_links(with, without).is_none());
        assert!(compare_links(without, with).is_none());
        assert!(compare_links(without, without).is_none());
        assert!(links_note(without, without).is_none());
        assert!(links_note(with, with).is_none());
        assert!(
            links_note(with, without)
                .unwrap()
                .contains("only the before run")
        );
        assert!(
            links_note(without, with)
                .unwrap()
                .contains("only the after run")
        );
        // The same links: nothing changes.
        let same = compare_links(with, with).unwrap();
        assert_eq!(same.delta_vehicle_km, 0.0);
        assert!(same.largest_changes.is_empty());
        // Without links.csv, compare.json has no `links` key.
        let without = run_with(None);
        let c = compare(&data(&without), &data(&without));
        let json: serde_json::Value = serde_json::from_slice(&compare_json(&c)).unwrap();
        assert!(json.get("links").is_none() && json.get("links_note").is_none());
        let with = run_with(Some(vec![link("r1", true, 10.0, 0.1, 50.0, 1.0)]));
        let c = compare(&data(&with), &data(&with));
        let json: serde_json::Value = serde_json::from_slice(&compare_json(&c)).unwrap();
        assert_eq!(json["links"]["links"], serde_json::json!([1, 1]));
        assert!(json["links"].get("all").is_none());
    }

    #[test]
    fn histogram_percentiles_find_the_minute_bin() {
        // 10 commuters at 30 min, 10 at 40, 80 at 50.
        let mut h = vec![0.0; 61];
        h[30] = 10.0;
        h[40] = 10.0;
        h[50] = 80.0;
        assert_eq!(histogram_percentile(&h, 10.0), Some(30.0));
        assert_eq!(histogram_percentile(&h, 15.0), Some(40.0));
        assert_eq!(histogram_percentile(&h, 20.0), Some(40.0));
        assert_eq!(histogram_percentile(&h, 50.0), Some(50.0));
        assert_eq!(histogram_percentile(&h, 0.0), Some(30.0));
        assert_eq!(histogram_percentile(&[0.0; 5], 50.0), None);
    }

    #[test]
    fn t_quantiles_match_the_tables() {
        assert_eq!(student_t_975(1.0), 12.706);
        assert_eq!(student_t_975(30.0), 2.042);
        // Published values: df 40 2.021, 60 2.000, 120 1.980; the limit is the normal's.
        for (df, t) in [(40.0, 2.021), (60.0, 2.000), (120.0, 1.980), (1e9, 1.960)] {
            assert!((student_t_975(df) - t).abs() < 1e-3, "df {df}");
        }
    }

    #[test]
    fn paired_intervals_shrink_with_common_noise_and_vanish_without_change() {
        // After = before - 2 + small noise: the paired interval is tight around -2.
        let before: Vec<Option<f64>> = (0..50).map(|i| Some(60.0 + (i % 7) as f64 * 5.0)).collect();
        let after: Vec<Option<f64>> = before
            .iter()
            .enumerate()
            .map(|(i, b)| b.map(|b| b - 2.0 + if i % 2 == 0 { 0.1 } else { -0.1 }))
            .collect();
        let p = paired(&before, &after).unwrap();
        assert!(
            (p.delta + 2.0).abs() < 0.01 && p.ci_high < -1.9 && p.ci_low > -2.1,
            "{p:?}"
        );
        let u = unpaired(&before, &after).unwrap();
        assert!(
            u.ci_high - u.ci_low > 10.0 * (p.ci_high - p.ci_low),
            "{u:?}"
        );
        // The same values: exactly zero.
        let same = paired(&before, &before).unwrap();
        assert_eq!((same.delta, same.ci_low, same.ci_high), (0.0, 0.0, 0.0));
        // Draws missing on one side are left out.
        let mut gap = after.clone();
        gap[3] = None;
        assert_eq!(paired(&before, &gap).unwrap().draws, 49);
        assert!(paired(&[None], &[Some(1.0)]).is_none());
    }
}
