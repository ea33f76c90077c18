//! Volume-delay functions: link travel time as a function of volume, with the integral the
//! Beckmann objective needs and the derivative Newton steps and conjugate directions need.

/// A link's volume-delay function. Times are in the network's time unit (minutes in TNTP files,
/// seconds in the regional model); `x = volume / capacity`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VolumeDelay {
    /// Bureau of Public Roads: `t = t0 * (1 + alpha * x^beta)`. The classic values are
    /// `alpha = 0.15`, `beta = 4`.
    Bpr {
        /// Multiplier of the congestion term (non-negative).
        alpha: f64,
        /// Exponent of `x` (non-negative).
        beta: f64,
    },
    /// Spiess' conical function (1990): `t = t0 * (2 + sqrt(a^2 (1-x)^2 + b^2) - a (1-x) - b)` with
    /// `b = (2a - 1) / (2a - 2)`. Equals `t0` at zero volume and `2 t0` at capacity, is defined
    /// and finite beyond capacity (unlike steep BPR curves) and has a positive slope everywhere.
    Conical {
        /// Steepness `a`, greater than 1 (4 is common for urban roads, higher for motorways).
        alpha: f64,
    },
}

impl Default for VolumeDelay {
    /// BPR with `alpha = 0.15`, `beta = 4`.
    fn default() -> Self {
        VolumeDelay::Bpr {
            alpha: 0.15,
            beta: 4.0,
        }
    }
}

impl VolumeDelay {
    /// Travel time at `volume` on a link of free-flow time `t0` and `capacity` (positive unless
    /// the function is flat, BPR with `alpha == 0`).
    #[inline]
    pub fn time(&self, t0: f64, capacity: f64, volume: f64) -> f64 {
        match *self {
            VolumeDelay::Bpr { alpha, beta } => {
                if alpha == 0.0 {
                    return t0;
                }
                t0 * (1.0 + alpha * powf(volume / capacity, beta))
            }
            VolumeDelay::Conical { alpha } => {
                let b = conical_b(alpha);
                let u = alpha * (1.0 - volume / capacity);
                t0 * (2.0 + (u * u + b * b).sqrt() - u - b)
            }
        }
    }

    /// `d time / d volume` at `volume`.
    #[inline]
    pub fn derivative(&self, t0: f64, capacity: f64, volume: f64) -> f64 {
        match *self {
            VolumeDelay::Bpr { alpha, beta } => {
                if alpha == 0.0 || beta == 0.0 {
                    return 0.0;
                }
                let x = volume / capacity;
                t0 * alpha * beta * powf(x, beta - 1.0) / capacity
            }
            VolumeDelay::Conical { alpha } => {
                let b = conical_b(alpha);
                let u = alpha * (1.0 - volume / capacity);
                t0 * alpha / capacity * (1.0 - u / (u * u + b * b).sqrt())
            }
        }
    }

    /// `integral_0^volume time(v) dv`: the link's term of the Beckmann objective.
    pub fn integral(&self, t0: f64, capacity: f64, volume: f64) -> f64 {
        match *self {
            VolumeDelay::Bpr { alpha, beta } => {
                if alpha == 0.0 {
                    return t0 * volume;
                }
                let x = volume / capacity;
                t0 * (volume + alpha * capacity / (beta + 1.0) * powf(x, beta + 1.0))
            }
            VolumeDelay::Conical { alpha } => {
                // With u = a (1 - s): integral of sqrt(u^2 + b^2) ds = -(1/a) G(u), where
                // G(u) = u/2 sqrt(u^2 + b^2) + b^2/2 asinh(u / b).
                let b = conical_b(alpha);
                let g = |u: f64| 0.5 * u * (u * u + b * b).sqrt() + 0.5 * b * b * (u / b).asinh();
                let x = volume / capacity;
                let per_capacity = (2.0 - b) * x + (g(alpha) - g(alpha * (1.0 - x))) / alpha
                    - alpha * (x - 0.5 * x * x);
                t0 * capacity * per_capacity
            }
        }
    }

    /// Whether the parameters are usable: BPR `alpha, beta >= 0`, conical `alpha > 1`, finite.
    pub fn is_valid(&self) -> bool {
        match *self {
            VolumeDelay::Bpr { alpha, beta } => {
                alpha.is_finite() && beta.is_finite() && alpha >= 0.0 && beta >= 0.0
            }
            VolumeDelay::Conical { alpha } => alpha.is_finite() && alpha > 1.0,
        }
    }

    /// Whether travel time grows with volume (so capacity matters).
    pub fn needs_capacity(&self) -> bool {
        match *self {
            VolumeDelay::Bpr { alpha, .. } => alpha > 0.0,
            VolumeDelay::Conical { .. } => true,
        }
    }
}

#[inline]
fn conical_b(alpha: f64) -> f64 {
    (2.0 * alpha - 1.0) / (2.0 * alpha - 2.0)
}

/// `x^p` for `x >= 0` with the integer powers common in practice done by multiplication
/// (`powf` dominates assignment time otherwise), and `0^0 = 1`.
#[inline]
fn powf(x: f64, p: f64) -> f64 {
    let x = x.max(0.0);
    if p == 4.0 {
        let x2 = x * x;
        x2 * x2
    } else if p == 5.0 {
        let x2 = x * x;
        x2 * x2 * x
    } else if p == 3.0 {
        x * x * x
    } else if p == 1.0 {
        x
    } else if p == 0.0 {
        1.0
    } else {
        x.powf(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn functions() -> Vec<VolumeDelay> {
        vec![
            VolumeDelay::default(),
            VolumeDelay::Bpr {
                alpha: 1.0,
                beta: 2.5,
            },
            VolumeDelay::Bpr {
                alpha: 0.0,
                beta: 4.0,
            },
            VolumeDelay::Bpr {
                alpha: 0.15,
                beta: 0.0,
            },
            VolumeDelay::Conical { alpha: 4.0 },
            VolumeDelay::Conical { alpha: 1.5 },
        ]
    }

    #[test]
    fn conical_is_t0_at_zero_and_twice_t0_at_capacity() {
        let f = VolumeDelay::Conical { alpha: 4.0 };
        assert!((f.time(10.0, 100.0, 0.0) - 10.0).abs() < 1e-12);
        assert!((f.time(10.0, 100.0, 100.0) - 20.0).abs() < 1e-12);
        assert!(f.time(10.0, 100.0, 250.0).is_finite());
    }

    #[test]
    fn bpr_matches_the_formula() {
        let f = VolumeDelay::default();
        assert!((f.time(6.0, 100.0, 200.0) - 6.0 * (1.0 + 0.15 * 16.0)).abs() < 1e-12);
    }

    #[test]
    fn integral_and_derivative_agree_with_time() {
        for f in functions() {
            let (t0, cap) = (3.0, 120.0);
            assert!(f.integral(t0, cap, 0.0).abs() < 1e-9, "{f:?}");
            for v in [0.0, 10.0, 60.0, 120.0, 200.0, 400.0] {
                let h = 1e-3;
                let numeric_time = (f.integral(t0, cap, v + h)
                    - f.integral(t0, cap, (v - h).max(0.0)))
                    / (v + h - (v - h).max(0.0));
                assert!(
                    (numeric_time - f.time(t0, cap, v)).abs() < 1e-5 * f.time(t0, cap, v).max(1.0),
                    "{f:?} at {v}: {numeric_time} vs {}",
                    f.time(t0, cap, v)
                );
                if v > 0.0 {
                    let numeric_slope =
                        (f.time(t0, cap, v + h) - f.time(t0, cap, v - h)) / (2.0 * h);
                    assert!(
                        (numeric_slope - f.derivative(t0, cap, v)).abs() < 1e-6,
                        "{f:?} at {v}"
                    );
                }
            }
        }
    }
}
