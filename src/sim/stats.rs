//! Percentiles of travel-time samples. They are *nearest-rank*: the p-th percentile of `n`
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

/// The weighted nearest-rank `p`-th percentile (0..=100) of `sorted` (ascending by value): the
/// first value at which the cumulative weight reaches `p` percent of the total (the first of
/// positive weight for p = 0). Equal weights give [`percentile`]. `None` when the total weight
/// is not positive.
pub fn weighted_percentile<T: Copy>(sorted: &[(T, f64)], p: f64) -> Option<T> {
    let total: f64 = sorted.iter().map(|s| s.1).sum();
    if total <= 0.0 {
        return None;
    }
    // A relative tolerance above the rounding of a long cumulative sum (n eps, n up to 1e7), far
    // below any one sample's weight: equal weights reaching the target exactly count.
    let target = p.clamp(0.0, 100.0) / 100.0 * total * (1.0 - 1e-9);
    let mut cumulative = 0.0;
    let mut last = None;
    for &(value, weight) in sorted {
        if weight <= 0.0 {
            continue;
        }
        cumulative += weight;
        last = Some(value);
        if cumulative >= target {
            return last;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_percentiles_match_nearest_rank_for_equal_weights() {
        for n in 1..60usize {
            let values: Vec<u32> = (0..n as u32).map(|i| i * 7 % 13 + i).collect();
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let weighted: Vec<(u32, f64)> = sorted.iter().map(|&v| (v, 1.0 / n as f64)).collect();
            for p in [0.0, 5.0, 25.0, 50.0, 75.0, 80.0, 95.0, 100.0] {
                assert_eq!(
                    weighted_percentile(&weighted, p),
                    percentile(&sorted, p),
                    "n {n} p {p}"
                );
            }
        }
        // Long runs: 1,000 draws x 120 minutes of equal weight, as a run would weigh them.
        let n = 120_000usize;
        let long: Vec<(usize, f64)> = (0..n).map(|i| (i, (1.0 / 120.0) / 1000.0)).collect();
        let ranks: Vec<usize> = (0..n).collect();
        for p in [5.0, 25.0, 50.0, 75.0, 95.0] {
            assert_eq!(
                weighted_percentile(&long, p),
                percentile(&ranks, p),
                "p {p}"
            );
        }
        // Weight moves the median; zero weights are skipped.
        let s = [(1, 0.0), (2, 0.2), (3, 0.2), (9, 0.6)];
        assert_eq!(weighted_percentile(&s, 0.0), Some(2));
        assert_eq!(weighted_percentile(&s, 50.0), Some(9));
        assert_eq!(weighted_percentile(&s, 40.0), Some(3));
        assert_eq!(weighted_percentile::<u32>(&[(1, 0.0)], 50.0), None);
    }

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
}
