//! Per zone pair and mode: the change of the mean door-to-door minutes from the per-draw rows
//! of draws.csv (paired draw by draw, or unpaired), the percentiles of od.csv before and after,
//! and the lists of the pairs that gain and lose most. Also the per-draw sums over pairs that
//! the zones and the region build on: commuter-minutes, and the same trips' minutes at fixed
//! weights.

use super::RunData;
use super::Sides;
use crate::run::schema::value;
use crate::run::{DrawRow, OdMode, OdRow};
use crate::stats::Delta;
use serde::Serialize;
use std::collections::HashMap;

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

/// Pairs with fewer commuters per morning than this are left out of the top lists.
pub const TOP_MIN_COMMUTERS: f64 = 100.0;

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
    /// Walking.
    Walk,
    /// Cycling.
    Cycle,
    /// Taxi or ride-hailing.
    Taxi,
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
            ChangeMode::Walk => OdMode::Walk.as_str(),
            ChangeMode::Cycle => OdMode::Cycle.as_str(),
            ChangeMode::Taxi => OdMode::Taxi.as_str(),
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
            OdMode::Walk => ChangeMode::Walk,
            OdMode::Cycle => ChangeMode::Cycle,
            OdMode::Taxi => ChangeMode::Taxi,
            OdMode::Best => ChangeMode::Best,
        }
    }
}

/// The rows of `od.csv` by origin, destination and mode.
fn od_by_key(rows: &[OdRow]) -> HashMap<(&str, &str, OdMode), &OdRow> {
    rows.iter()
        .map(|r| ((r.origin.as_str(), r.destination.as_str(), r.mode), r))
        .collect()
}

/// Every zone pair of either run once: the before run's in its order, then those only the after
/// run has.
pub(super) fn pairs_in_order<'a>(
    before: &'a [OdRow],
    after: &'a [OdRow],
) -> Vec<(&'a str, &'a str)> {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in before.iter().chain(after) {
        let key = (r.origin.as_str(), r.destination.as_str());
        if seen.insert(key) {
            pairs.push(key);
        }
    }
    pairs
}

/// Per pair (in [`Sides::pairs`]' order), a change per mode of od.csv that either run has, then
/// the commuters' own choice (`chosen`).
pub(super) fn od_changes(sides: &Sides<'_, '_>) -> Vec<OdChange> {
    let (od_b, od_a) = (
        od_by_key(&sides.before.run.tables.od),
        od_by_key(&sides.after.run.tables.od),
    );
    let empty: Vec<&DrawRow> = Vec::new();
    let mut od = Vec::new();
    for &(o, d) in &sides.pairs {
        let (rb, ra) = (
            sides.draws_b.get(&(o, d)).unwrap_or(&empty),
            sides.draws_a.get(&(o, d)).unwrap_or(&empty),
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
                mean: sides.change(&per_draw(rb), &per_draw(ra)),
                p50: [b, a].map(|r| r.and_then(|r| value(r.p50_min))),
                p95: [b, a].map(|r| r.and_then(|r| value(r.p95_min))),
            });
        }
        let chosen = |rows: &[&DrawRow]| rows.iter().map(|r| value(r.mean_min)).collect::<Vec<_>>();
        od.push(OdChange {
            origin: o.to_owned(),
            destination: d.to_owned(),
            mode: ChangeMode::Chosen,
            before_commuters: mean_served(rb),
            after_commuters: mean_served(ra),
            mean: sides.change(&chosen(rb), &chosen(ra)),
            p50: [None, None],
            p95: [None, None],
        });
    }
    od
}

/// A pair's commuters served per morning: the mean over its draw rows (0 without any).
fn mean_served(rows: &[&DrawRow]) -> f64 {
    rows.iter().map(|r| r.served()).sum::<f64>() / rows.len().max(1) as f64
}

/// The 20 `chosen` changes of pairs with at least [`TOP_MIN_COMMUTERS`] commuters on both sides
/// whose mean commute falls most (improvements) and rises most (worsenings), ties by pair.
pub(super) fn top_changes(od: &[OdChange]) -> (Vec<OdChange>, Vec<OdChange>) {
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
    (top_improvements, top_worsenings)
}

/// Per draw of `run`, the commuter-minutes and the commuters of the draw rows `pick` keeps (rows
/// without a time left out).
pub(super) type Totals = (Vec<f64>, Vec<f64>);

/// The [`Totals`] of the draw rows of `run` that `pick` keeps.
pub(super) fn totals(run: &RunData<'_>, pick: &dyn Fn(&DrawRow) -> bool) -> Totals {
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
}

/// Per draw, the mean commute of [`Totals`], minutes (`None` for a draw without commuters).
pub(super) fn mean_of((minutes, served): &Totals) -> Vec<Option<f64>> {
    minutes
        .iter()
        .zip(served)
        .map(|(m, s)| (*s > 0.0).then(|| m / s))
        .collect::<Vec<_>>()
}

/// The change of travel time for the same trips: per draw, the chosen-mode minutes of the pairs
/// whose origin `pick` keeps, weighted by their commuters averaged over both runs and all draws,
/// so a change of destinations does not count.
pub(super) fn same_trips_change(
    sides: &Sides<'_, '_>,
    pick: &dyn Fn(&str) -> bool,
) -> Option<Delta> {
    let draws_n = sides.draws();
    let (mut sum_b, mut sum_a, mut weight) =
        (vec![0.0; draws_n], vec![0.0; draws_n], vec![0.0; draws_n]);
    // In the pairs' fixed order: float sums must not depend on hash order.
    for pair in &sides.pairs {
        if !pick(pair.0) {
            continue;
        }
        let (Some(rb), Some(ra)) = (sides.draws_b.get(pair), sides.draws_a.get(pair)) else {
            continue;
        };
        let w = (mean_served(rb) + mean_served(ra)) / 2.0;
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
    sides.change(&per_draw(&sum_b), &per_draw(&sum_a))
}
