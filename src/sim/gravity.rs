//! A doubly constrained gravity model of commuter flows (Wilson 1970):
//! `T_ij = A_i O_i B_j D_j f(c_ij)` with the negative-exponential deterrence
//! `f(c) = exp(-beta * c)` on travel time `c` in minutes, balanced by Furness iteration so every
//! origin sends its commuters `O_i` (residents who commute) and every destination receives its
//! share `D_j` of them (jobs, scaled to the same total). Unreachable pairs get no flow.

/// The result of balancing.
#[derive(Debug, Clone, PartialEq)]
pub struct Flows {
    /// Origins.
    pub origins: usize,
    /// Destinations.
    pub destinations: usize,
    /// Commuters from origin `i` to destination `j` at `i * destinations + j`.
    pub flows: Vec<f64>,
    /// Balancing iterations done.
    pub iterations: usize,
    /// Largest relative error of a row or column total when stopping.
    pub max_relative_error: f64,
}

impl Flows {
    /// Commuters from `i` to `j`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.flows[i * self.destinations + j]
    }
}

/// Balances flows from `origins` (commuters per origin) to `destinations` (attractiveness,
/// rescaled to the origins' total) under `cost_min` (row-major, `None` = unreachable) and
/// deterrence `beta` (per minute), until every total is within `tolerance` (relative) or after
/// `max_iterations`. Rows or columns with no reachable partner stay empty and count as errors.
pub fn doubly_constrained(
    origins: &[f64],
    destinations: &[f64],
    cost_min: &[Option<f64>],
    beta: f64,
    tolerance: f64,
    max_iterations: usize,
) -> Flows {
    let (n, m) = (origins.len(), destinations.len());
    assert_eq!(
        cost_min.len(),
        n * m,
        "cost matrix is origins x destinations"
    );
    let total_o: f64 = origins.iter().sum();
    let total_d: f64 = destinations.iter().sum();
    let scale = if total_d > 0.0 {
        total_o / total_d
    } else {
        0.0
    };
    let target_d: Vec<f64> = destinations.iter().map(|d| d * scale).collect();
    let f: Vec<f64> = cost_min
        .iter()
        .map(|c| c.map_or(0.0, |c| (-beta * c).exp()))
        .collect();
    let (mut a, mut b) = (vec![1.0; n], vec![1.0; m]);
    let mut iterations = 0;
    let mut error = f64::INFINITY;
    while iterations < max_iterations {
        iterations += 1;
        for i in 0..n {
            let s: f64 = (0..m).map(|j| b[j] * target_d[j] * f[i * m + j]).sum();
            a[i] = if s > 0.0 { 1.0 / s } else { 0.0 };
        }
        for j in 0..m {
            let s: f64 = (0..n).map(|i| a[i] * origins[i] * f[i * m + j]).sum();
            b[j] = if s > 0.0 { 1.0 / s } else { 0.0 };
        }
        // Columns match exactly after the B step; check the rows.
        error = (0..n)
            .map(|i| {
                let row: f64 = (0..m)
                    .map(|j| a[i] * origins[i] * b[j] * target_d[j] * f[i * m + j])
                    .sum();
                relative_error(row, origins[i])
            })
            .fold(0.0, f64::max);
        if error <= tolerance {
            break;
        }
    }
    let flows: Vec<f64> = (0..n * m)
        .map(|k| {
            let (i, j) = (k / m, k % m);
            a[i] * origins[i] * b[j] * target_d[j] * f[k]
        })
        .collect();
    let column_error = (0..m)
        .map(|j| relative_error((0..n).map(|i| flows[i * m + j]).sum(), target_d[j]))
        .fold(0.0, f64::max);
    Flows {
        origins: n,
        destinations: m,
        flows,
        iterations,
        max_relative_error: error.max(column_error),
    }
}

fn relative_error(value: f64, target: f64) -> f64 {
    if target == 0.0 {
        value.abs()
    } else {
        (value - target).abs() / target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_matched() {
        let origins = [1000.0, 500.0, 2500.0];
        let jobs = [3000.0, 200.0, 800.0, 1000.0];
        let cost: Vec<Option<f64>> = [
            10.0, 40.0, 25.0, 60.0, 35.0, 5.0, 20.0, 45.0, 70.0, 50.0, 15.0, 10.0,
        ]
        .map(Some)
        .to_vec();
        let flows = doubly_constrained(&origins, &jobs, &cost, 0.05, 1e-10, 1000);
        assert!(
            flows.max_relative_error < 1e-10,
            "{}",
            flows.max_relative_error
        );
        for (i, o) in origins.iter().enumerate() {
            let row: f64 = (0..4).map(|j| flows.get(i, j)).sum();
            assert!((row - o).abs() < 1e-6);
        }
        let scale = 4000.0 / 5000.0;
        for (j, d) in jobs.iter().enumerate() {
            let column: f64 = (0..3).map(|i| flows.get(i, j)).sum();
            assert!((column - d * scale).abs() < 1e-6);
        }
    }

    #[test]
    fn without_deterrence_flows_are_proportional() {
        // beta = 0: T_ij = O_i D_j / total.
        let flows = doubly_constrained(
            &[30.0, 70.0],
            &[40.0, 60.0],
            &[Some(5.0); 4],
            0.0,
            1e-12,
            100,
        );
        let expected = [12.0, 18.0, 28.0, 42.0];
        for (k, e) in expected.iter().enumerate() {
            assert!((flows.flows[k] - e).abs() < 1e-9, "{:?}", flows.flows);
        }
    }

    #[test]
    fn deterrence_favours_near_destinations_and_unreachable_pairs_get_nothing() {
        // Symmetric 2x2: the cheaper diagonal gets more, in the closed-form ratio.
        let (beta, near, far) = (0.1, 10.0, 30.0);
        let cost = [Some(near), Some(far), Some(far), Some(near)];
        let flows = doubly_constrained(&[100.0, 100.0], &[100.0, 100.0], &cost, beta, 1e-12, 100);
        let ratio = flows.get(0, 0) / flows.get(0, 1);
        assert!((ratio - (beta * (far - near)).exp()).abs() < 1e-9);
        let cost = [Some(10.0), None, Some(10.0), Some(10.0)];
        let cut = doubly_constrained(&[50.0, 150.0], &[100.0, 100.0], &cost, beta, 1e-9, 1000);
        assert_eq!(cut.get(0, 1), 0.0);
        assert!(cut.max_relative_error < 1e-9, "{}", cut.max_relative_error);
        assert!((cut.get(0, 0) - 50.0).abs() < 1e-6 && (cut.get(1, 1) - 100.0).abs() < 1e-6);
    }
}
