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
//!
//! One part per file, each with its change type: `od.rs` (per pair and mode, the per-draw sums
//! over pairs, the top lists), `zones.rs`, `region.rs` (region-wide figures, rule-of-a-half
//! savings, winners and losers, policy metrics), `access.rs` (continuous accessibility per
//! draw), `lines.rs`, `links.rs` (road volumes); this
//! file checks the runs and assembles the [`Comparison`]. The statistics themselves (means,
//! intervals, percentiles) are `crate::stats`; `output.rs` writes the files.

mod access;
mod lines;
mod links;
mod od;
pub(crate) mod output;
mod region;
mod zones;

pub use crate::stats::{Delta, Estimate};
pub use lines::LineChange;
pub use links::{LINKS_NOTE, LinkChange, LinkComparison, TOP_LINKS, compare_links, links_note};
pub use od::{ChangeMode, OdChange, TOP_MIN_COMMUTERS};
pub use region::{AccessDecayInfo, PolicyChange, RegionChange, WINNER_MIN};
pub use zones::ZoneChange;

pub use output::{
    LINKS_CSV_COLUMNS, compare_csv, compare_json, lines_csv, links_csv, network_geojson, zones_csv,
    zones_geojson,
};

use crate::run::{DrawRow, Horizon, MonteCarloRun, RunOutput};
use crate::stats::{paired, unpaired};
use serde::Serialize;
use std::collections::HashMap;
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
    /// Whose commuters the run placed: its own (variable destination) or a base's held (fixed
    /// demand).
    pub horizon: Horizon,
    /// The base scenario whose commuters were held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_from: Option<String>,
    /// The run's supply-demand loop (`None` for a run without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equilibrium: Option<LoopSide>,
}

/// How a run's supply-demand loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LoopSide {
    /// Whether every convergence measure reached the tolerance.
    pub converged: bool,
    /// Rounds run.
    pub rounds: usize,
    /// Whether it resumed from another run's loop.
    pub resumed: bool,
    /// Whether it resumed in step with the other side's loop.
    pub in_step: bool,
}

impl LoopSide {
    /// E.g. `converged in 21 rounds`, `resumed from the before's, converged in 1 round` (the
    /// after side), `resumed in step with the after's, converged in 1 round` (the before side
    /// of scenario files), `resumed from the base's, ...` (a before run folder made with
    /// `--hold-demand`), or `NOT converged in 60 rounds`.
    pub fn words(&self, before: bool) -> String {
        let resumed = match (self.resumed, self.in_step, before) {
            (false, ..) => "",
            (true, true, _) => "resumed in step with the after's, ",
            (true, false, true) => "resumed from the base's, ",
            (true, false, false) => "resumed from the before's, ",
        };
        let state = if self.converged {
            "converged"
        } else {
            "NOT converged"
        };
        let plural = if self.rounds == 1 { "" } else { "s" };
        format!("{resumed}{state} in {} round{plural}", self.rounds)
    }
}

impl RunSide {
    /// The run's demand horizon in words, e.g. `fixed demand (jjj-2024's commuters)`.
    pub fn demand_words(&self) -> String {
        match &self.held_from {
            Some(base) => format!("{} ({base}'s commuters)", self.horizon.as_str()),
            None => self.horizon.as_str().to_owned(),
        }
    }
}

impl Comparison {
    /// When full vehicles turned riders away in either run: how many boarding attempts, and
    /// how the consumer surplus counts them (its logsum weighs a full vehicle by its riders'
    /// chance of a place on it or the next: [`crate::sim::choice::Boarding::availability`]).
    pub fn capacity_note(&self) -> Option<String> {
        let denied = |side: usize| -> f64 {
            self.lines
                .iter()
                .filter_map(|l| l.denied_boardings[side])
                .sum()
        };
        let (before, after) = (denied(0), denied(1));
        (before > 0.0 || after > 0.0).then(|| {
            format!(
                "full vehicles refused {before:.0} boarding attempts a morning before and {after:.0} after; the surplus counts a full vehicle only as far as its riders find a place on it or the next one (implicit availability)"
            )
        })
    }

    /// How the two runs' supply-demand loops ended, e.g. `before converged in 21 rounds; after
    /// resumed from the before's, converged in 1 round` (`None` when neither has a loop).
    pub fn loop_words(&self) -> Option<String> {
        let side = |label: &str, s: &RunSide| {
            s.equilibrium
                .map(|e| format!("{label} {}", e.words(label == "before")))
        };
        let words: Vec<String> = [side("before", &self.before), side("after", &self.after)]
            .into_iter()
            .flatten()
            .collect();
        (!words.is_empty()).then(|| words.join("; "))
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

fn side(run: &RunData<'_>) -> RunSide {
    let s = &run.run.summary.scenario;
    RunSide {
        scenario: s.name.clone(),
        description: s.description.clone(),
        modifications: s.modifications.clone(),
        source: run.dir.display().to_string(),
        seed: run.seed(),
        draws: run.draws_count(),
        horizon: run.run.demand.horizon,
        held_from: run.run.demand.held_from.clone(),
        equilibrium: run
            .run
            .summary
            .equilibrium
            .as_ref()
            .filter(|e| !e.rounds.is_empty())
            .map(|e| LoopSide {
                converged: e.converged,
                rounds: e.rounds.len(),
                resumed: e.resumed,
                in_step: e.in_step,
            }),
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

/// What the parts of a comparison share: both runs, whether their draws are paired, each run's
/// draw rows per pair, and every pair once in a fixed order (float sums over pairs follow it, never
/// a hash order).
struct Sides<'r, 'a> {
    before: &'r RunData<'a>,
    after: &'r RunData<'a>,
    paired: bool,
    draws_b: HashMap<(&'a str, &'a str), Vec<&'a DrawRow>>,
    draws_a: HashMap<(&'a str, &'a str), Vec<&'a DrawRow>>,
    pairs: Vec<(&'a str, &'a str)>,
    /// Each run's continuous accessibility per draw, when it has one.
    access_b: Option<access::SideAccess<'a>>,
    access_a: Option<access::SideAccess<'a>>,
}

impl Sides<'_, '_> {
    /// The change of per-draw values: [`paired`] when the runs are, else [`unpaired`].
    fn change(&self, before: &[Option<f64>], after: &[Option<f64>]) -> Option<Delta> {
        if self.paired {
            paired(before, after)
        } else {
            unpaired(before, after)
        }
    }

    /// The change of continuous accessibility, per draw as `pick` takes it from each run;
    /// `None` when a run has none.
    fn access_change(
        &self,
        pick: impl Fn(&access::SideAccess<'_>) -> Vec<Option<f64>>,
    ) -> Option<Delta> {
        let (b, a) = (self.access_b.as_ref()?, self.access_a.as_ref()?);
        self.change(&pick(b), &pick(a))
    }

    /// Draws both runs have.
    fn draws(&self) -> usize {
        self.before.draws_count().min(self.after.draws_count()) as usize
    }
}

/// Compares `before` with `after`: paired when [`unpaired_reason`] finds nothing, else unpaired.
pub fn compare(before: &RunData<'_>, after: &RunData<'_>) -> Comparison {
    let (tables_b, tables_a) = (before.run.tables, after.run.tables);
    let sides = Sides {
        before,
        after,
        paired: unpaired_reason(before, after).is_none(),
        draws_b: before.draws_by_pair(),
        draws_a: after.draws_by_pair(),
        pairs: od::pairs_in_order(&tables_b.od, &tables_a.od),
        access_b: access::SideAccess::of(before),
        access_a: access::SideAccess::of(after),
    };
    let od = od::od_changes(&sides);
    let (top_improvements, top_worsenings) = od::top_changes(&od);
    let (links_b, links_a) = (tables_b.links.as_deref(), tables_a.links.as_deref());
    Comparison {
        paired: sides.paired,
        before: side(before),
        after: side(after),
        region: region::region_change(&sides, &od),
        policy: region::policy_changes(before, after),
        zones: zones::zone_changes(&sides),
        lines: lines::line_changes(tables_b, tables_a),
        od,
        top_improvements,
        top_worsenings,
        distribution: [tables_b.distribution.all(), tables_a.distribution.all()],
        links: compare_links(links_b, links_a),
        links_note: links_note(links_b, links_a),
    }
}
