//! Means over Monte-Carlo draws and their 95% confidence intervals: of one figure
//! ([`estimate`]), and of a change between two runs, paired draw by draw ([`paired`]) or, for
//! runs that do not share their draws, unpaired with Welch's interval ([`unpaired`]).
//!
//! Every interval is `mean ± t * standard error`, with `t` the 97.5% quantile of Student's t
//! ([`student_t_975`]) and the sample variance `s² = Σ (x - mean)² / (n - 1)`. Paired draws of
//! two scenarios share their random numbers wherever the scenarios agree, so the differences
//! `d_i = after_i - before_i` vary far less than either side: their interval is narrower than
//! the unpaired one, and exactly zero where nothing changed. One value says nothing about the
//! spread (an infinite half-width); values all equal have none (zero). Results are in the units of
//! the values given (minutes, commuter-hours).

use serde::Serialize;

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

/// The mean `m` of per-draw `values` with its interval `m ± t(n - 1) * sqrt(s² / n)` (`n`
/// values; half-width infinite for one value, zero when all are equal); `None` when empty.
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

/// The arithmetic mean `Σ x / n` (NaN when empty), summed in the slice's order.
pub fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// The sample variance `Σ (x - mean)² / (n - 1)` (NaN for fewer than two values), in the
/// square of the values' unit.
pub fn variance(xs: &[f64]) -> f64 {
    let m = mean(xs);
    xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() as f64 - 1.0)
}

/// The paired change from per-draw values, `before[i]` and `after[i]` of draw `i`: over the `n`
/// draws with a value on both sides, the differences `d_i = after_i - before_i`, their mean
/// `delta` and its interval `delta ± t(n - 1) * sqrt(s_d² / n)`; `before` and `after` are the
/// means of those draws' values. `None` when no draw has both.
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

/// The unpaired change from the values of each side's draws (`None` draws left out): `delta =
/// mean(after) - mean(before)` with Welch's interval `delta ± t(df) * sqrt(v_b + v_a)`, where
/// `v = s² / n` per side and `df = (v_b + v_a)² / (v_b² / (n_b - 1) + v_a² / (n_a - 1))` (at
/// least 1); `draws` is the smaller side's count. `None` when a side has no value.
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

#[cfg(test)]
mod tests {
    use super::*;

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
