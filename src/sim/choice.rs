//! What a commuter chooses between and how: multinomial logit, P(i) = exp(V_i) / sum_j exp(V_j)
//! over the available alternatives.

/// What a commuter chooses between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Alternative {
    /// Driving (households with a car).
    Car,
    /// Rail, subway and bus.
    Transit,
    /// A custom commuter bus.
    CustomBus,
}

impl Alternative {
    /// All alternatives, in output order (also the index into per-alternative arrays).
    pub const ALL: [Alternative; 3] = [
        Alternative::Car,
        Alternative::Transit,
        Alternative::CustomBus,
    ];

    /// Its index in per-alternative arrays (the order of [`Alternative::ALL`]).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Alternative::Car => "car",
            Alternative::Transit => "transit",
            Alternative::CustomBus => "custom_bus",
        }
    }
}

/// Choice probabilities for utilities `v` (`None` = alternative not available). Computed with
/// the maximum subtracted, so large utilities do not overflow. All `None` gives all zeros.
pub fn logit(v: &[Option<f64>]) -> Vec<f64> {
    let max = v
        .iter()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return vec![0.0; v.len()];
    }
    let weights: Vec<f64> = v
        .iter()
        .map(|u| u.map_or(0.0, |u| (u - max).exp()))
        .collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| w / total).collect()
}

/// The alternative picked by a uniform number `u` in `[0, 1)` under probabilities `p`
/// (inverse CDF); `None` when nothing has positive probability.
pub fn pick(p: &[f64], u: f64) -> Option<usize> {
    let mut cumulative = 0.0;
    let mut last = None;
    for (i, &pi) in p.iter().enumerate() {
        if pi > 0.0 {
            cumulative += pi;
            last = Some(i);
            if u < cumulative {
                return Some(i);
            }
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::{Purpose, stream};
    use rand::Rng;

    #[test]
    fn two_alternatives_follow_the_closed_form() {
        // P(car) = 1 / (1 + exp(V_pt - V_car)).
        let (car, pt) = (-1.2, -0.7);
        let p = logit(&[Some(car), Some(pt)]);
        let expected = 1.0 / (1.0 + f64::exp(pt - car));
        assert!((p[0] - expected).abs() < 1e-12);
        assert!((p[0] + p[1] - 1.0).abs() < 1e-12);
        // Unavailable alternatives get nothing; huge utilities do not overflow.
        assert_eq!(logit(&[None, Some(3.0)]), vec![0.0, 1.0]);
        let big = logit(&[Some(1000.0), Some(1000.0)]);
        assert_eq!(big, vec![0.5, 0.5]);
        assert_eq!(logit(&[None, None]), vec![0.0, 0.0]);
    }

    #[test]
    fn sampled_shares_converge_to_the_probabilities() {
        let p = logit(&[Some(0.0), Some(-0.5), Some(0.3)]);
        let mut counts = [0usize; 3];
        let n = 50_000;
        for i in 0..n {
            let u: f64 = stream(3, Purpose::Choice, &[i]).random();
            counts[pick(&p, u).unwrap()] += 1;
        }
        for (c, pi) in counts.iter().zip(&p) {
            let share = *c as f64 / n as f64;
            // Four standard errors.
            assert!(
                (share - pi).abs() < 4.0 * (pi * (1.0 - pi) / n as f64).sqrt(),
                "{share} vs {pi}"
            );
        }
        assert_eq!(pick(&[0.0, 0.0], 0.5), None);
        assert_eq!(pick(&[0.3, 0.7], 0.999_999_999_999), Some(1));
    }
}
