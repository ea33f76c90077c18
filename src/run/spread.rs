//! The sampling spread of a Monte-Carlo run's region figures, so that a reader can tell a
//! change from the noise of a finite number of mornings, and a run with another seed can be
//! checked against it.
//!
//! The headlines (mean commute, share within 60 minutes, continuous accessibility) are means
//! over draws, or ratios of sums over draws: their precision is the t-interval of the per-draw
//! values ([`headlines`]). The
//! policy metrics are counts of zones whose *percentile over all samples* is within a
//! threshold: a step function of the samples with no per-draw value to average. Their spread
//! comes from the bootstrap (Efron and Tibshirani 1993) over whole draws ([`policy_spread`]):
//! each replicate draws the run's mornings with replacement, recomputes every percentile the
//! metrics ask for with each morning weighted by how often it was drawn, and the metrics from
//! those; the 2.5th and 97.5th percentiles of the replicates give the range. Whole mornings are
//! resampled because a morning's samples share its delays and road conditions. The resamples
//! come from `sim::rng` streams keyed by the seed and the replicate, replicates are independent
//! and collected in order, so the result is the same at any thread count.

use super::summary::{Headlines, Interval, PolicyMetrics, PolicySpread, PolicyTime};
use crate::network::Network;
use crate::sim::montecarlo::{NO_ROUTE, Simulation};
use crate::sim::rng::{Purpose, stream};
use crate::time::Seconds;
use rand::Rng;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

/// Bootstrap replicates of [`policy_spread`]: enough for stable 2.5th and 97.5th percentiles
/// (the 5th and 195th of 200 values), few enough to cost a fraction of a second.
pub const BOOTSTRAP_REPLICATES: u32 = 200;

/// Per draw, the served commuters between zones, their commuter-minutes and those arriving
/// within 60 minutes, summed over the pairs in order.
fn per_draw_totals(sim: &Simulation) -> Vec<[f64; 3]> {
    let mut totals = vec![[0.0; 3]; sim.draws as usize];
    for pair in &sim.pair_draws {
        for (total, d) in totals.iter_mut().zip(pair) {
            total[0] += d.served();
            total[1] += d.minutes;
            total[2] += d.within_60;
        }
    }
    totals
}

/// The intervals of the region's mean commute and share within 60 minutes over the draws of
/// `sim`, ratios of per-draw totals (`None` with fewer than two draws).
pub fn headlines(sim: &Simulation) -> Option<Headlines> {
    let totals = per_draw_totals(sim);
    let column = |i: usize| -> Vec<f64> { totals.iter().map(|t| t[i]).collect() };
    let served = column(0);
    Some(Headlines {
        mean_commute_min: Interval::of_ratio(&column(1), &served)?,
        share_within_60: Interval::of_ratio(&column(2), &served)?,
    })
}

/// The percentile each [`PolicyTime`] takes of its samples.
fn percent(which: PolicyTime) -> f64 {
    match which {
        PolicyTime::BestP80 => 80.0,
        PolicyTime::BestP50 | PolicyTime::TransitP50 => 50.0,
    }
}

/// The [`PolicyTime`] of its index (`which as usize`).
const POLICY_TIMES: [PolicyTime; 3] = [
    PolicyTime::BestP50,
    PolicyTime::BestP80,
    PolicyTime::TransitP50,
];

/// The weighted nearest-rank `p`-th percentile of a pair's samples `sorted` (time, sample index
/// `draw x minutes + minute`; one per draw and minute, ascending by time) when draw `i` counts
/// `count[i]` times: the first time at which the
/// cumulative weight (departure minute's share x count) reaches `p` percent of the total, as
/// [`crate::stats::weighted_percentile`] does; `None` without weight.
fn resampled_percentile(
    sorted: &[(Seconds, u32)],
    weights: &[f64],
    count: &[f64],
    p: f64,
) -> Option<Seconds> {
    let minutes = weights.len();
    let weight = |s: u32| weights[s as usize % minutes] * count[s as usize / minutes];
    // Every (draw, minute) has a sample: the total weight needs no pass over them.
    let total = weights.iter().sum::<f64>() * count.iter().sum::<f64>();
    let target = p / 100.0 * total * (1.0 - 1e-9);
    let mut cumulative = 0.0;
    let mut last = None;
    for &(t, s) in sorted {
        let w = weight(s);
        if w <= 0.0 {
            continue;
        }
        cumulative += w;
        last = Some(t);
        if cumulative >= target {
            break;
        }
    }
    last
}

/// The 95% ranges of the policy metrics of `net` in `sim` over [`BOOTSTRAP_REPLICATES`]
/// bootstrap resamples of its draws under `seed`.
pub fn policy_spread(net: &Network, sim: &Simulation, seed: u64) -> PolicySpread {
    let n = sim.zones;
    let draws = sim.draws as usize;
    // The pair times the metrics ask for: all of them when every pair is out of reach.
    let asked = RefCell::new(BTreeSet::new());
    PolicyMetrics::of(
        net,
        |o, d, which| {
            asked.borrow_mut().insert((o * n + d, which as usize));
            None
        },
        None,
    );
    let keys: Vec<(usize, usize)> = asked.into_inner().into_iter().collect();
    let samples: Vec<Vec<(Seconds, u32)>> = keys
        .par_iter()
        .map(|&(k, which)| {
            let times = match POLICY_TIMES[which] {
                PolicyTime::TransitP50 => sim.public_transport_samples(k),
                _ => sim.samples(None, k),
            };
            let mut sorted: Vec<(Seconds, u32)> = times
                .into_iter()
                .enumerate()
                .map(|(s, t)| (t, s as u32))
                .collect();
            sorted.sort_unstable();
            sorted
        })
        .collect();
    let index: HashMap<(usize, usize), usize> =
        keys.iter().enumerate().map(|(i, &key)| (key, i)).collect();
    let totals = per_draw_totals(sim);
    let replicates: Vec<Vec<(&'static str, Option<f64>)>> = (0..BOOTSTRAP_REPLICATES)
        .into_par_iter()
        .map(|r| {
            let mut rng = stream(seed, Purpose::Bootstrap, &[u64::from(r)]);
            let mut count = vec![0.0; draws];
            for _ in 0..draws {
                count[rng.random_range(0..draws)] += 1.0;
            }
            let time = |o: usize, d: usize, which: PolicyTime| {
                let i = index.get(&(o * n + d, which as usize))?;
                resampled_percentile(&samples[*i], &sim.weights, &count, percent(which))
                    .filter(|&t| t != NO_ROUTE)
            };
            let (mut served, mut within) = (0.0, 0.0);
            for (t, c) in totals.iter().zip(&count) {
                served += c * t[0];
                within += c * t[2];
            }
            let share = (served > 0.0).then(|| within / served);
            PolicyMetrics::of(net, time, share).metrics()
        })
        .collect();
    PolicySpread::of(&replicates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::weighted_percentile;

    #[test]
    fn resampled_percentiles_are_the_runs_when_each_draw_counts_once() {
        // Three draws of two departure minutes, weighted 1/4 and 3/4.
        let weights = [0.25, 0.75];
        let times: [Seconds; 6] = [600, 1200, 300, 3000, 900, NO_ROUTE];
        let mut sorted: Vec<(Seconds, u32)> = (0..6).map(|s| (times[s], s as u32)).collect();
        sorted.sort_unstable();
        let weighted: Vec<(Seconds, f64)> = sorted
            .iter()
            .map(|&(t, s)| (t, weights[s as usize % 2]))
            .collect();
        for p in [0.0, 10.0, 50.0, 80.0, 95.0, 100.0] {
            assert_eq!(
                resampled_percentile(&sorted, &weights, &[1.0; 3], p),
                weighted_percentile(&weighted, p),
                "p{p}"
            );
        }
        // Draw 1 drawn twice, draw 0 never: 300 s (weight 0.5), 900 (0.25), 3000 (1.5) and no
        // route (0.75); half of the weight 3 is reached at 3000 s.
        let count = [0.0, 2.0, 1.0];
        assert_eq!(
            resampled_percentile(&sorted, &weights, &count, 50.0),
            Some(3000)
        );
        assert_eq!(
            resampled_percentile(&sorted, &weights, &count, 80.0),
            Some(NO_ROUTE)
        );
    }
}
