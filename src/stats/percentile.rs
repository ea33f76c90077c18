//! Percentiles. Of samples they are *nearest-rank*: the p-th percentile of `n` sorted values is
//! the value at rank `ceil(p / 100 * n)` (1-based; rank 1 for p = 0), always one of the observed
//! values, as in Conveyal R5; weighted samples count their weights instead of ranks. Of a
//! histogram of whole minutes (a comparison's `distribution.csv`) the percentile is a bin, in
//! whole minutes. Units are those of the values given.

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

/// The `p`-th percentile (0..=100) of commuters counted per minute bin (`counts[m]` commuters
/// took `[m, m + 1)` minutes): the first bin `m` of positive count at which the cumulative count
/// reaches `p / 100 * total` (less a relative 1e-9, as in [`weighted_percentile`]), as whole
/// minutes; the last bin if rounding leaves the target unreached; `None` when nobody is counted.
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

#[cfg(test)]
mod tests {
    use super::*;

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
