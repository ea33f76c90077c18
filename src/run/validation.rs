//! The validation table: each published statistic of the network's `targets.toml` beside the
//! model's value of it, computed from the run the way the target says
//! ([`crate::scenario::Measure`]), so that every run shows how far the model is from what was
//! measured in the region.

use super::schema::fixed;
use crate::network::Network;
use crate::routing::Skims;
use crate::scenario::{Measure, Target, TargetMode, Targets, ZoneSelection};
use crate::sim::demand::{Flows, Split};
use crate::sim::intrazonal::OwnZone;
use crate::sim::montecarlo::{Alternative, Simulation};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A row of `validation.csv` (and of summary.json `validation`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationRow {
    /// The target's id.
    pub statistic: String,
    /// What it is, in words.
    pub description: String,
    /// The published value.
    pub published: f64,
    /// The model's value, to 4 decimals (empty when the model has nobody to compute it over).
    pub model: Option<f64>,
    /// Model over published, to 4 decimals (empty when either is missing or the published
    /// value is 0).
    pub ratio: Option<f64>,
    /// The tolerance: relative, or for shares absolute (share points).
    pub tolerance: f64,
    /// Whether the model is within it.
    pub within_tolerance: bool,
    /// Where the published value comes from.
    pub source: String,
    /// Whether calibration fits to it (false: held out for validation).
    pub used_in_fit: bool,
}

/// What a run offers to compute statistics from.
pub(super) struct RunFigures<'a> {
    /// The network run.
    pub net: &'a Network,
    /// The commuters per zone pair (the diagonal: those working in their own zone).
    pub flows: &'a Flows,
    /// Per zone pair, the simulated split of its commuters (the diagonal: none).
    pub splits: &'a [Split],
    /// The deterministic skims (distances).
    pub skims: &'a Skims,
    /// The simulation (line boardings).
    pub sim: &'a Simulation,
    /// Per zone, the commute within it.
    pub own: &'a [OwnZone],
}

/// The validation table of `targets` for the run `figures`.
pub(super) fn validation_rows(targets: &Targets, figures: &RunFigures<'_>) -> Vec<ValidationRow> {
    targets
        .targets
        .iter()
        .map(|t| {
            let model = figures.value(t);
            let ratio = model
                .filter(|_| t.published > 0.0)
                .map(|m| four_decimals(m / t.published));
            let within_tolerance = model.is_some_and(|m| {
                if t.measure.is_share() {
                    (m - t.published).abs() <= t.tolerance
                } else if t.published > 0.0 {
                    (m / t.published - 1.0).abs() <= t.tolerance
                } else {
                    m.abs() <= t.tolerance
                }
            });
            ValidationRow {
                statistic: t.id.clone(),
                description: t.description.clone(),
                published: t.published,
                model: model.map(four_decimals),
                ratio,
                tolerance: t.tolerance,
                within_tolerance,
                source: t.source.clone(),
                used_in_fit: t.fit,
            }
        })
        .collect()
}

impl RunFigures<'_> {
    /// Whether each zone of the run's network is in `selection` (ids the scenario's network
    /// lacks are left out).
    fn zone_set(&self, selection: &ZoneSelection) -> Vec<bool> {
        self.net
            .zones()
            .iter()
            .map(|z| selection.contains(&z.id, &z.province))
            .collect()
    }

    /// The model's value of target `t` (`None`: nobody to compute it over).
    fn value(&self, t: &Target) -> Option<f64> {
        let (from, to) = (self.zone_set(&t.from), self.zone_set(&t.to));
        let n = from.len();
        let pairs: Vec<usize> = (0..n * n).filter(|&k| from[k / n] && to[k % n]).collect();
        let between: Vec<usize> = pairs.iter().copied().filter(|&k| k / n != k % n).collect();
        let pairs = || pairs.iter().copied();
        let between = || between.iter().copied();
        // Sums over the commuters within their own zone of `f(commuters, their commute)`.
        let own_sum = |f: &dyn Fn(f64, &OwnZone) -> f64| -> f64 {
            pairs()
                .filter(|&k| k / n == k % n)
                .map(|k| f(self.flows.commuters[k], &self.own[k % n]))
                .sum()
        };
        let own_zone = own_sum(&|count, _| count);
        let own_minutes = own_sum(&|count, own| count * own.mean_min);
        let own_over = own_sum(&|count, own| count * own.share_over_60);
        // Distances: only zones with an area have one.
        let own_km = own_sum(&|count, own| own.mean_km.map_or(0.0, |km| count * km));
        let own_with_km = own_sum(&|count, own| own.mean_km.map_or(0.0, |_| count));
        let served = |k: usize| self.splits[k].by.iter().sum::<f64>();
        let ratio = |num: f64, den: f64| (den > 0.0).then(|| num / den);
        match &t.measure {
            Measure::MeanCommuteMin => {
                let minutes: f64 = between()
                    .filter(|&k| served(k) > 0.0)
                    .map(|k| served(k) * self.splits[k].mean_min)
                    .sum();
                let people: f64 = between().map(served).sum::<f64>() + own_zone;
                ratio(minutes + own_minutes, people)
            }
            Measure::ShareOver60Min => {
                let over: f64 = between()
                    .filter(|&k| served(k) > 0.0)
                    .map(|k| served(k) * (1.0 - self.splits[k].within_60))
                    .sum();
                let people: f64 = between().map(served).sum::<f64>() + own_zone;
                ratio(over + own_over, people)
            }
            Measure::Commuters => Some(pairs().map(|k| self.flows.commuters[k]).sum()),
            Measure::ModeShare(modes) => {
                let on: f64 = between()
                    .map(|k| {
                        modes
                            .iter()
                            .map(|m| self.splits[k].by[alternative(*m).index()])
                            .sum::<f64>()
                    })
                    .sum();
                ratio(on, between().map(|k| self.splits[k].commuters).sum())
            }
            Measure::WalkCycleShare => {
                let active = [Alternative::Walk, Alternative::Cycle].map(Alternative::index);
                let on: f64 = between()
                    .map(|k| active.iter().map(|&a| self.splits[k].by[a]).sum::<f64>())
                    .sum();
                let own_active =
                    own_sum(&|count, own| own.shares.map_or(0.0, |s| count * (s[0] + s[1])));
                let own_with_shares = own_sum(&|count, own| own.shares.map_or(0.0, |_| count));
                ratio(
                    on + own_active,
                    between().map(|k| self.splits[k].commuters).sum::<f64>() + own_with_shares,
                )
            }
            Measure::MeanCommuteKm => {
                let total: f64 = between()
                    .map(|k| self.splits[k].total_km(self.net, self.skims, k / n, k % n))
                    .sum();
                ratio(
                    total + own_km,
                    between().map(served).sum::<f64>() + own_with_km,
                )
            }
            Measure::LineBoardings(lines) => {
                let wanted: HashSet<&str> = lines.iter().map(String::as_str).collect();
                let draws = f64::from(self.sim.draws.max(1));
                Some(
                    self.net
                        .lines()
                        .iter()
                        .zip(&self.sim.lines)
                        .filter(|(l, _)| wanted.contains(l.id.as_str()))
                        .map(|(_, load)| load.boardings / draws)
                        .sum(),
                )
            }
        }
    }
}

/// `x` rounded to 4 decimals, as written.
fn four_decimals(x: f64) -> f64 {
    fixed(x, 4).parse().unwrap_or(x)
}

/// The simulation's alternative counted by a mode-share target.
fn alternative(mode: TargetMode) -> Alternative {
    match mode {
        TargetMode::Car => Alternative::Car,
        TargetMode::Transit => Alternative::Transit,
        TargetMode::CustomBus => Alternative::CustomBus,
        TargetMode::Walk => Alternative::Walk,
        TargetMode::Cycle => Alternative::Cycle,
        TargetMode::Taxi => Alternative::Taxi,
    }
}
