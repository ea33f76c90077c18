//! The distribution figures of a zone pair's weighted door-to-door samples (od.csv's
//! `reachable_share`, `mean_min`, `p5_min`..`p95_min`, `share_over_60` and `share_over_120`),
//! kept apart from the run's tables so the rule is stated once: a sample without a route is
//! `f64::INFINITY`, longer than any other, so it counts in the shares and the ranks but never in
//! the mean, and a percentile that falls on one has no value.

use super::weighted_percentile;

/// Weighted samples sorted by value, `f64::INFINITY` standing for "no route".
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    /// `(value, weight)` of positive weight, ascending by value.
    sorted: Vec<(f64, f64)>,
    /// The sum of the weights.
    total: f64,
}

impl Spread {
    /// The spread of `(value, weight)` samples: those of weight 0 or less are left out, the rest
    /// sorted by value (`f64::total_cmp`, an unstable sort: equal values keep no promised order,
    /// the same input always giving the same result).
    pub fn new(samples: impl IntoIterator<Item = (f64, f64)>) -> Self {
        let mut sorted: Vec<(f64, f64)> = samples.into_iter().filter(|&(_, w)| w > 0.0).collect();
        sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let total = sorted.iter().map(|s| s.1).sum();
        Spread { sorted, total }
    }

    /// Samples of positive weight.
    pub fn samples(&self) -> usize {
        self.sorted.len()
    }

    /// The share of the weight on samples with a value: `Σ w (finite) / Σ w` (0 when empty).
    pub fn reachable_share(&self) -> f64 {
        self.share(|v| v.is_finite())
    }

    /// The weighted mean of the samples with a value, `Σ v w / Σ w` over finite `v`, in the
    /// values' unit; `None` when none has one.
    pub fn mean(&self) -> Option<f64> {
        let finite = || self.sorted.iter().filter(|s| s.0.is_finite());
        let reached: f64 = finite().map(|s| s.1).sum();
        let sum: f64 = finite().map(|s| s.0 * s.1).sum();
        (reached > 0.0).then(|| sum / reached)
    }

    /// The weighted nearest-rank `p`-th percentile (0..=100, see
    /// [`weighted_percentile`](super::weighted_percentile)); `None` when it falls on a sample
    /// without a value or there is none.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        weighted_percentile(&self.sorted, p).filter(|v| v.is_finite())
    }

    /// The share of the weight on samples above `limit` (those without a value included).
    pub fn share_over(&self, limit: f64) -> f64 {
        self.share(|v| v > limit)
    }

    fn share(&self, keep: impl Fn(f64) -> bool) -> f64 {
        let w: f64 = self.sorted.iter().filter(|s| keep(s.0)).map(|s| s.1).sum();
        if self.total > 0.0 {
            w / self.total
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_routes_count_in_shares_and_ranks_but_not_in_the_mean() {
        // Weights 1, 1, 2 at 30, 50 minutes and no route; one sample of weight 0 left out.
        let s = Spread::new([(50.0, 1.0), (f64::INFINITY, 2.0), (30.0, 1.0), (10.0, 0.0)]);
        assert_eq!(s.samples(), 3);
        assert_eq!(s.reachable_share(), 0.5);
        assert_eq!(s.mean(), Some(40.0));
        assert_eq!(s.percentile(25.0), Some(30.0));
        assert_eq!(s.percentile(50.0), Some(50.0));
        assert_eq!(s.percentile(75.0), None);
        assert_eq!(s.share_over(40.0), 0.75);
        assert_eq!(s.share_over(60.0), 0.5);
        let none = Spread::new([(f64::INFINITY, 1.0)]);
        assert_eq!((none.mean(), none.reachable_share()), (None, 0.0));
        let empty = Spread::new([]);
        assert_eq!(
            (
                empty.samples(),
                empty.share_over(0.0),
                empty.percentile(50.0)
            ),
            (0, 0.0, None)
        );
    }
}
