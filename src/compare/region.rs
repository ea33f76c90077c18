//! Region-wide figures: commuters, mean commute and the same trips' time with their intervals,
//! percentiles of the region's minute histogram, commuter-hours, the rule-of-a-half time savings
//! and their value, mode shares, winners and losers, continuous accessibility; and the policy
//! metrics of summary.json (threshold counts), before and after, with their bootstrap ranges.

use super::od::{ChangeMode, OdChange, Totals, mean_of, same_trips_change, totals};
use super::{RunData, Sides};
use crate::run::schema::{SHARES, value};
use crate::run::{DrawRow, Range};
use crate::stats::{Delta, Estimate, estimate, histogram_percentile};
use serde::Serialize;

/// Region-wide changes.
#[derive(Debug, Clone, Serialize)]
pub struct RegionChange {
    /// Commuters between zones per morning, before and after.
    pub commuters: [f64; 2],
    /// Mean commute of the commuters between zones, minutes (destinations may change: this
    /// mixes faster trips with commuters choosing nearer or farther jobs).
    pub mean_commute: Option<Delta>,
    /// Change of travel time for the same trips (see
    /// [`ZoneChange::time_change`](super::ZoneChange::time_change)).
    pub time_change: Option<Delta>,
    /// Median commute before and after, whole minutes (see [`histogram_percentile`]).
    pub p50_min: [Option<f64>; 2],
    /// 95th percentile before and after, whole minutes.
    pub p95_min: [Option<f64>; 2],
    /// Commuter-hours spent per morning by all commuters between zones (this includes
    /// commuters choosing other destinations, so it is not a benefit measure).
    pub commuter_hours: Option<Delta>,
    /// The headline benefit: the change in consumer surplus, generalised hours per morning.
    /// Per zone pair and draw, the fall of the commuters' composite cost (the logsum of their
    /// mode choice in generalised minutes) times their number (the average before and after
    /// when demand changes: the rule of a half on composite costs), summed; exact for logit
    /// mode choice under fixed demand (Small and Rosen 1981; de Jong et al. 2007). Positive:
    /// commuters gain. Commuters with no alternative in either run do not enter it.
    pub consumer_surplus_hours: Option<Estimate>,
    /// Its value, yuan per morning (generalised minutes at the after scenario's
    /// `minutes_per_yuan`).
    pub consumer_surplus_yuan: Option<Estimate>,
    /// Commuter-hours saved per morning by the rule of a half: per zone pair, the average of
    /// its commuters before and after times the fall of their mean commute, summed, per draw;
    /// a cross-check of the consumer surplus on time alone (it ignores fares, transfers,
    /// crowding and commuters newly served).
    pub hours_saved: Option<Estimate>,
    /// The mean of `hours_saved` (0 without it).
    pub hours_saved_per_morning: f64,
    /// Its value at the after scenario's value of time, yuan per morning.
    pub value_of_time_saved_yuan: f64,
    /// The value of time used, yuan per hour.
    pub value_of_time_yuan_per_h: f64,
    /// Car, transit, custom-bus and unserved shares, before and after.
    pub shares: [[f64; SHARES]; 2],
    /// Share of commuters within 60 minutes, before and after.
    pub share_within_60: [f64; 2],
    /// Continuous accessibility, jobs-equivalent: the residents-weighted mean over zones of the
    /// jobs weighted by `exp(-decay x minutes)` of the fastest alternative (summary.json
    /// `accessibility`), before, after and the change with its interval over the draws. `None`
    /// when a run has none.
    pub access_jobs: Option<Delta>,
    /// The same by public transport.
    pub access_jobs_pt: Option<Delta>,
    /// The decay per door-to-door minute and the minutes to a zone's own jobs of the after
    /// run's accessibility (summary.json `accessibility`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_decay: Option<AccessDecayInfo>,
    /// Commuters (after) on pairs whose own mean commute fell by more than 5 minutes.
    pub winners: f64,
    /// Commuters (after) on pairs whose own mean commute rose by more than 5 minutes.
    pub losers: f64,
}

/// How continuous accessibility discounts time (see [`crate::run::Accessibility`]).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AccessDecayInfo {
    /// Decay per door-to-door minute.
    pub decay_per_min: f64,
    /// Minutes to a zone's own jobs.
    pub intrazonal_min: f64,
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
    /// The 95% bootstrap range of the metric before (summary.json `policy_spread`), when the
    /// run has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_range: Option<Range>,
    /// After.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_range: Option<Range>,
}

/// A change of this many minutes makes a commuter a winner or a loser.
pub const WINNER_MIN: f64 = 5.0;

/// The region's figures, `od` being the comparison's per-pair changes (for winners and losers).
pub(super) fn region_change(sides: &Sides<'_, '_>, od: &[OdChange]) -> RegionChange {
    let (before, after) = (sides.before, sides.after);
    let all = |_: &DrawRow| true;
    let (region_b, region_a) = (totals(before, &all), totals(after, &all));
    let hours = |(minutes, _): &Totals| minutes.iter().map(|m| Some(m / 60.0)).collect::<Vec<_>>();
    let commuter_hours = sides.change(&hours(&region_b), &hours(&region_a));
    let value_of_time = 60.0 / after.run.model.choice.minutes_per_yuan;
    let hours_saved = estimate(&hours_saved_per_draw(sides));
    let surplus = surplus_per_draw(sides);
    let consumer_surplus_hours = estimate(&surplus);
    let yuan: Vec<f64> = surplus
        .iter()
        .map(|h| h * 60.0 / after.run.model.choice.minutes_per_yuan)
        .collect();
    let (demand_b, demand_a) = (before.run.demand, after.run.demand);
    let (distribution_b, distribution_a) = (
        before.run.tables.distribution.all(),
        after.run.tables.distribution.all(),
    );
    let (winners, losers) = winners_and_losers(od);
    RegionChange {
        commuters: [demand_b.commuters, demand_a.commuters],
        mean_commute: sides.change(&mean_of(&region_b), &mean_of(&region_a)),
        time_change: same_trips_change(sides, &|_| true),
        p50_min: [&distribution_b, &distribution_a].map(|h| histogram_percentile(h, 50.0)),
        p95_min: [&distribution_b, &distribution_a].map(|h| histogram_percentile(h, 95.0)),
        commuter_hours,
        consumer_surplus_hours,
        consumer_surplus_yuan: estimate(&yuan),
        hours_saved,
        hours_saved_per_morning: hours_saved.map_or(0.0, |e| e.mean),
        value_of_time_saved_yuan: hours_saved.map_or(0.0, |e| e.mean) * value_of_time,
        value_of_time_yuan_per_h: value_of_time,
        shares: [demand_b.shares(), demand_a.shares()],
        share_within_60: [demand_b.share_within_60, demand_a.share_within_60],
        access_jobs: sides.access_change(|s| s.region(0)),
        access_jobs_pt: sides.access_change(|s| s.region(1)),
        access_decay: after.run.summary.accessibility.map(|a| AccessDecayInfo {
            decay_per_min: a.decay_per_min,
            intrazonal_min: a.intrazonal_min,
        }),
        winners,
        losers,
    }
}

/// The consumer surplus gained per draw, generalised hours: per pair and draw with a choice in
/// both runs, the average of its commuters with a choice before and after times the fall of
/// their composite cost.
fn surplus_per_draw(sides: &Sides<'_, '_>) -> Vec<f64> {
    let draws = sides.draws();
    let mut gained = vec![0.0; draws];
    for pair in &sides.pairs {
        let (Some(rb), Some(ra)) = (sides.draws_b.get(pair), sides.draws_a.get(pair)) else {
            continue;
        };
        for (b, a) in rb.iter().zip(ra.iter()).take(draws) {
            if let (Some(gb), Some(ga)) = (value(b.composite_min), value(a.composite_min)) {
                let commuters = (b.choosing.get() + a.choosing.get()) / 2.0;
                gained[b.draw as usize] += commuters * (gb - ga) / 60.0;
            }
        }
    }
    gained
}

/// Commuter-hours saved per draw by the rule of a half, over the pairs both runs have: per pair
/// and draw, the mean of its commuters before and after times the fall of its mean commute.
fn hours_saved_per_draw(sides: &Sides<'_, '_>) -> Vec<f64> {
    let draws = sides.draws();
    let mut saved = vec![0.0; draws];
    for pair in &sides.pairs {
        let (Some(rb), Some(ra)) = (sides.draws_b.get(pair), sides.draws_a.get(pair)) else {
            continue;
        };
        for (b, a) in rb.iter().zip(ra.iter()).take(draws) {
            if let (Some(tb), Some(ta)) = (value(b.mean_min), value(a.mean_min)) {
                let commuters = (b.served() + a.served()) / 2.0;
                saved[b.draw as usize] += commuters * (tb - ta) / 60.0;
            }
        }
    }
    saved
}

/// Commuters (after) on pairs whose own mean commute fell, and rose, by more than
/// [`WINNER_MIN`] minutes.
fn winners_and_losers(od: &[OdChange]) -> (f64, f64) {
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
    (winners, losers)
}

/// The policy metrics of both runs' summary.json, in its order.
pub(super) fn policy_changes(before: &RunData<'_>, after: &RunData<'_>) -> Vec<PolicyChange> {
    let ranges = |run: &RunData<'_>, i: usize| {
        run.run
            .summary
            .policy_spread
            .as_ref()
            .and_then(|s| s.ranges()[i].1)
    };
    before
        .run
        .summary
        .policy
        .metrics()
        .into_iter()
        .zip(after.run.summary.policy.metrics())
        .enumerate()
        .map(|(i, ((metric, b), (_, a)))| PolicyChange {
            metric: metric.to_owned(),
            before: b,
            after: a,
            delta: b.zip(a).map(|(b, a)| a - b),
            before_range: ranges(before, i),
            after_range: ranges(after, i),
        })
        .collect()
}
