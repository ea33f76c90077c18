//! Summaries of travel-time samples. Percentiles are *nearest-rank*: the p-th percentile of `n`
//! sorted values is the value at rank `ceil(p / 100 * n)` (1-based; rank 1 for p = 0), always one
//! of the observed values, as in Conveyal R5.

/// The nearest-rank `p`-th percentile (0..=100) of `sorted` (ascending); `None` when empty.
pub fn percentile<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as f64;
    let rank = (p.clamp(0.0, 100.0) / 100.0 * n).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// Mean, nearest-rank percentiles and threshold shares of a sample of minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Sample size.
    pub count: usize,
    /// Mean, minutes.
    pub mean: f64,
    /// 5th, 25th, 50th, 75th and 95th percentiles, minutes.
    pub p5: f64,
    /// 25th percentile, minutes.
    pub p25: f64,
    /// Median, minutes.
    pub p50: f64,
    /// 75th percentile, minutes.
    pub p75: f64,
    /// 95th percentile, minutes.
    pub p95: f64,
    /// Share of the sample over 60 minutes.
    pub share_over_60: f64,
    /// Share of the sample over 120 minutes.
    pub share_over_120: f64,
}

impl Summary {
    /// Summarises `minutes` (any order); `None` when empty.
    pub fn of(minutes: &[f64]) -> Option<Summary> {
        let mut sorted = minutes.to_vec();
        sorted.sort_by(f64::total_cmp);
        let count = sorted.len();
        let p = |q| percentile(&sorted, q);
        let share =
            |limit: f64| sorted.iter().filter(|&&m| m > limit).count() as f64 / count as f64;
        Some(Summary {
            count,
            mean: sorted.iter().sum::<f64>() / count as f64,
            p5: p(5.0)?,
            p25: p(25.0)?,
            p50: p(50.0)?,
            p75: p(75.0)?,
            p95: p(95.0)?,
            share_over_60: share(60.0),
            share_over_120: share(120.0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_on_known_samples() {
        // The classic example: 15, 20, 35, 40, 50.
        let s = [15.0, 20.0, 35.0, 40.0, 50.0];
        assert_eq!(percentile(&s, 5.0), Some(15.0));
        assert_eq!(percentile(&s, 30.0), Some(20.0));
        assert_eq!(percentile(&s, 40.0), Some(20.0));
        assert_eq!(percentile(&s, 50.0), Some(35.0));
        assert_eq!(percentile(&s, 100.0), Some(50.0));
        assert_eq!(percentile(&s, 0.0), Some(15.0));
        assert_eq!(percentile::<f64>(&[], 50.0), None);
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&hundred, 95.0), Some(95.0));
        assert_eq!(percentile(&hundred, 95.5), Some(96.0));
    }

    #[test]
    fn summary_of_a_sample() {
        let minutes: Vec<f64> = (1..=20).rev().map(|m| f64::from(m) * 10.0).collect();
        let s = Summary::of(&minutes).unwrap();
        assert_eq!((s.count, s.mean), (20, 105.0));
        assert_eq!(
            (s.p5, s.p25, s.p50, s.p75, s.p95),
            (10.0, 50.0, 100.0, 150.0, 190.0)
        );
        assert_eq!((s.share_over_60, s.share_over_120), (0.7, 0.4));
        assert_eq!(Summary::of(&[]), None);
    }
}
