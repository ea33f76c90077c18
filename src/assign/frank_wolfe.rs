//! Frank-Wolfe and its conjugate variants. Each iteration loads all trips on the cheapest routes
//! at the current costs (all-or-nothing, `y`), picks a target point `s` and moves the flows `x`
//! towards it by the step that minimises the Beckmann objective on the segment.
//!
//! - FW: `s = y`.
//! - CFW: `s` is the mix of `y` and the previous target whose direction `s - x` is conjugate to
//!   the previous direction with respect to the Hessian of the objective at `x` (the diagonal of
//!   link cost derivatives).
//! - BFW: `s` mixes `y` and the two previous targets so that `s - x` is conjugate to both
//!   previous directions. Mitradjieva and Lindberg derive the weights one at a time; we solve the
//!   equivalent 2 x 2 system for both at once and fall back to CFW, then FW, when the weights it
//!   gives are not a convex combination (so `s` stays a feasible flow).

use super::{Algorithm, Demand, Iteration, LinkState, RoadNetwork, Settings, all_or_nothing};

/// Weights on previous targets above this are capped: a target almost equal to the previous
/// one stalls (AequilibraE caps the CFW weight at 0.99999 for the same reason).
const MAX_CONJUGATE_WEIGHT: f64 = 99_999.0;

pub(super) fn run(
    net: &RoadNetwork,
    demand: &Demand,
    state: &mut LinkState,
    settings: &Settings,
    algorithm: Algorithm,
    progress: &mut dyn FnMut(&Iteration),
) -> (bool, Vec<Iteration>) {
    let trips = demand.total();
    state.flow = all_or_nothing(net, demand, &state.cost).0;
    state.update_costs();
    let mut iterations = Vec::new();
    let mut previous: Option<Vec<f64>> = None;
    let mut before_previous: Option<Vec<f64>> = None;
    for k in 1.. {
        let (aon, cheapest) = all_or_nothing(net, demand, &state.cost);
        let it = state.record(k, cheapest, trips);
        progress(&it);
        iterations.push(it);
        if it.relative_gap <= settings.relative_gap {
            return (true, iterations);
        }
        if k >= settings.max_iterations {
            break;
        }
        // Previous targets, newest first, as many as the algorithm conjugates against.
        let memory = match algorithm {
            Algorithm::ConjugateFrankWolfe => 1,
            Algorithm::BiconjugateFrankWolfe => 2,
            Algorithm::FrankWolfe | Algorithm::GradientProjection => 0,
        };
        let earlier: Vec<&[f64]> = [previous.as_deref(), before_previous.as_deref()]
            .into_iter()
            .take(memory)
            .map_while(|p| p)
            .collect();
        let target = conjugate_target(state, aon, &earlier);
        let direction: Vec<f64> = target.iter().zip(&state.flow).map(|(s, x)| s - x).collect();
        let step = line_search(state, &direction);
        for (x, d) in state.flow.iter_mut().zip(&direction) {
            *x += step * d;
        }
        state.update_costs();
        before_previous = previous;
        previous = Some(target);
    }
    (false, iterations)
}

/// `sum_e a_e h_e b_e` with `h` the cost derivatives: the Hessian inner product.
fn hessian_dot(h: &[f64], a: &[f64], b: &[f64]) -> f64 {
    h.iter().zip(a).zip(b).map(|((h, a), b)| h * a * b).sum()
}

fn derivatives(state: &LinkState) -> Vec<f64> {
    (0..state.flow.len()).map(|e| state.derivative(e)).collect()
}

fn minus(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(a, b)| a - b).collect()
}

/// The target `(y + sum_i w_i s_i) / (1 + sum_i w_i)` whose direction from `x` is conjugate,
/// with respect to the diagonal Hessian of link-cost derivatives, to every `s_i - x` of the
/// `earlier` targets (newest first), all `w_i >= 0` so the target stays a feasible flow. When
/// no such weights exist the oldest target is dropped: BFW falls back to CFW, CFW to FW (`y`).
fn conjugate_target(state: &LinkState, aon: Vec<f64>, earlier: &[&[f64]]) -> Vec<f64> {
    if earlier.is_empty() {
        return aon;
    }
    let h = derivatives(state);
    let a = minus(&aon, &state.flow);
    let d: Vec<Vec<f64>> = earlier.iter().map(|s| minus(s, &state.flow)).collect();
    for k in (1..=earlier.len()).rev() {
        if let Some(w) = conjugate_weights(&h, &a, &d[..k]) {
            let others: Vec<(&[f64], f64)> = earlier.iter().copied().zip(w).collect();
            return mix(&aon, &others);
        }
    }
    aon
}

/// Weights making `a + sum_i w_i d_i` H-conjugate to every `d_i` (one or two of them): CFW's
/// single weight is clamped into `[0, MAX]`; BFW's pair solves the 2 x 2 system and must be
/// non-negative.
fn conjugate_weights(h: &[f64], a: &[f64], d: &[Vec<f64>]) -> Option<Vec<f64>> {
    match d {
        [b] => {
            let bb = hessian_dot(h, b, b);
            (bb > 0.0).then(|| vec![(-hessian_dot(h, a, b) / bb).clamp(0.0, MAX_CONJUGATE_WEIGHT)])
        }
        [b, c] => {
            let (bb, bc, cc) = (
                hessian_dot(h, b, b),
                hessian_dot(h, b, c),
                hessian_dot(h, c, c),
            );
            let (ab, ac) = (hessian_dot(h, a, b), hessian_dot(h, a, c));
            let det = bb * cc - bc * bc;
            if !(det > 1e-12 * bb * cc && bb > 0.0 && cc > 0.0) {
                return None;
            }
            let w1 = (-ab * cc + ac * bc) / det;
            let w2 = (-ac * bb + ab * bc) / det;
            (w1 >= 0.0 && w2 >= 0.0 && w1 + w2 <= MAX_CONJUGATE_WEIGHT).then(|| vec![w1, w2])
        }
        _ => None,
    }
}

fn mix(aon: &[f64], others: &[(&[f64], f64)]) -> Vec<f64> {
    let total = 1.0 + others.iter().map(|o| o.1).sum::<f64>();
    (0..aon.len())
        .map(|e| (aon[e] + others.iter().map(|(s, w)| w * s[e]).sum::<f64>()) / total)
        .collect()
}

/// The step in `[0, 1]` along `direction` that minimises the Beckmann objective: the root of
/// its derivative `sum_e d_e c_e(x_e + step d_e)`, by bisection to machine precision.
fn line_search(state: &LinkState, direction: &[f64]) -> f64 {
    let moving: Vec<usize> = (0..direction.len())
        .filter(|&e| direction[e] != 0.0)
        .collect();
    let slope = |step: f64| -> f64 {
        moving
            .iter()
            .map(|&e| {
                let d = direction[e];
                d * (state.fixed[e] + state.time_at(e, state.flow[e] + step * d))
            })
            .sum()
    };
    if slope(1.0) <= 0.0 {
        return 1.0;
    }
    if slope(0.0) >= 0.0 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..64 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if slope(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}
