//! Calibration: the scenario parameters that bring a run closest to the published statistics
//! of its targets file, each parameter kept within its plausible range.
//!
//! Why this way: a regional model is trusted once it reproduces what was measured, and a
//! planner must see which parameters moved, how far, and how the statistics *not* used in the
//! fit (held out) fare. The objective is the sum over the fitted targets of the squared error in
//! units of its tolerance (relative error, or absolute for shares, over the tolerance), so a
//! target met within its tolerance costs at most 1. Every evaluation is a whole Monte-Carlo run
//! with the same seed and draws (common random numbers: two parameter sets are compared on the
//! same mornings, so the objective is a smooth function of the parameters, not of the noise).
//! The optimiser is Nelder-Mead (the `argmin` crate), on the parameters scaled to `[0, 1]` over
//! their ranges; a point outside the range is evaluated at the range's edge with a penalty, so
//! the fit never leaves the plausible range.

use crate::run::{RunOptions, ValidationRow, run};
use crate::scenario::{FreeParameter, Scenario, Targets};
use argmin::core::{CostFunction, Error as ArgminError, Executor};
use argmin::solver::neldermead::NelderMead;
use std::cell::RefCell;

/// The cost of a fitted target the model cannot compute (nobody to compute it over), in the
/// objective's units.
const MISSING_COST: f64 = 100.0;

/// One run of the scenario with a parameter set.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The parameter values, in the order of the targets file's parameters.
    pub values: Vec<f64>,
    /// The objective: sum of squared errors in tolerance units over the fitted targets.
    pub objective: f64,
    /// The validation table of the run.
    pub rows: Vec<ValidationRow>,
}

/// The outcome of a calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The free parameters.
    pub parameters: Vec<FreeParameter>,
    /// The scenario's own values (clamped into the ranges), evaluated first.
    pub start: Evaluation,
    /// The best parameter set found.
    pub best: Evaluation,
    /// Every evaluation, in order.
    pub evaluations: Vec<Evaluation>,
}

/// The objective of a validation table: the sum over fitted targets of the squared error in
/// units of the tolerance.
pub fn objective(rows: &[ValidationRow], targets: &Targets) -> f64 {
    rows.iter()
        .zip(&targets.targets)
        .filter(|(r, _)| r.used_in_fit)
        .map(|(r, t)| match r.model {
            None => MISSING_COST,
            Some(m) => {
                let error = if t.measure.is_share() {
                    m - t.published
                } else if t.published > 0.0 {
                    m / t.published - 1.0
                } else {
                    m
                };
                (error / t.tolerance).powi(2)
            }
        })
        .sum()
}

/// Fits the free parameters of `targets` for `scenario` with at most `max_evaluations` runs of
/// `options` (seed and draws), calling `progress(evaluation)` after each. With no parameter or
/// no fitted target, only the start is evaluated.
pub fn calibrate(
    scenario: &Scenario,
    targets: &Targets,
    options: RunOptions,
    max_evaluations: u32,
    progress: impl Fn(&Evaluation),
) -> Calibration {
    let problem = Problem {
        scenario,
        targets,
        options,
        evaluations: RefCell::new(Vec::new()),
        progress: &progress,
    };
    let params = &targets.parameters;
    let start_u: Vec<f64> = params
        .iter()
        .map(|p| ((p.name.get(scenario) - p.min) / (p.max - p.min)).clamp(0.0, 1.0))
        .collect();
    let start = problem.evaluate(&start_u);
    let fits = targets.targets.iter().any(|t| t.fit);
    if !params.is_empty() && fits && max_evaluations > 1 {
        // The first simplex: the start and a step of a fifth of each range from it, inwards.
        let mut simplex = vec![start_u.clone()];
        for i in 0..params.len() {
            let mut vertex = start_u.clone();
            vertex[i] += if vertex[i] <= 0.8 { 0.2 } else { -0.2 };
            simplex.push(vertex);
        }
        if let Ok(solver) = NelderMead::new(simplex).with_sd_tolerance(1e-4) {
            let bounded = Bounded {
                problem: &problem,
                max_runs: max_evaluations as usize,
            };
            // Each iteration takes one to n + 2 evaluations; the cap stops it on time either way.
            let _ = Executor::new(bounded, solver)
                .configure(|s| s.max_iters(u64::from(max_evaluations)))
                .run();
        }
    }
    let evaluations = problem.evaluations.into_inner();
    let best = evaluations
        .iter()
        .min_by(|a, b| a.objective.total_cmp(&b.objective))
        .cloned()
        .unwrap_or_else(|| start.clone());
    Calibration {
        parameters: params.clone(),
        start,
        best,
        evaluations,
    }
}

/// The calibration problem: runs of `scenario` with parameters set from a point of `[0, 1]^n`.
struct Problem<'a, F: Fn(&Evaluation)> {
    scenario: &'a Scenario,
    targets: &'a Targets,
    options: RunOptions,
    evaluations: RefCell<Vec<Evaluation>>,
    progress: &'a F,
}

impl<F: Fn(&Evaluation)> Problem<'_, F> {
    /// The parameter values of the point `u` (clamped into `[0, 1]^n`).
    fn values(&self, u: &[f64]) -> Vec<f64> {
        self.targets
            .parameters
            .iter()
            .zip(u)
            .map(|(p, &x)| p.min + x.clamp(0.0, 1.0) * (p.max - p.min))
            .collect()
    }

    /// Runs the scenario at the point `u` (clamped into `[0, 1]^n`) and records it; a point
    /// run before is not run again.
    fn evaluate(&self, u: &[f64]) -> Evaluation {
        let mut scenario = self.scenario.clone();
        scenario.targets = Some(self.targets.clone());
        let values = self.values(u);
        // The optimiser may ask for a point again (the start is a vertex of its first simplex).
        if let Some(seen) = self
            .evaluations
            .borrow()
            .iter()
            .find(|e| e.values == values)
        {
            return seen.clone();
        }
        for (p, &v) in self.targets.parameters.iter().zip(&values) {
            p.name.set(&mut scenario, v);
        }
        let rows = run(&scenario, self.options, |_| {})
            .summary
            .validation
            .unwrap_or_default();
        let evaluation = Evaluation {
            objective: objective(&rows, self.targets),
            values,
            rows,
        };
        (self.progress)(&evaluation);
        self.evaluations.borrow_mut().push(evaluation.clone());
        evaluation
    }
}

/// The problem for the optimiser: points outside `[0, 1]^n` cost their edge's objective plus a
/// penalty growing with the distance; a new point once `max_runs` runs are made ends the search.
struct Bounded<'a, 'b, F: Fn(&Evaluation)> {
    problem: &'a Problem<'b, F>,
    max_runs: usize,
}

impl<F: Fn(&Evaluation)> CostFunction for Bounded<'_, '_, F> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Vec<f64>) -> Result<f64, ArgminError> {
        let values = self.problem.values(u);
        let known = self
            .problem
            .evaluations
            .borrow()
            .iter()
            .any(|e| e.values == values);
        if !known && self.problem.evaluations.borrow().len() >= self.max_runs {
            return Err(ArgminError::msg("evaluation budget spent"));
        }
        let outside: f64 = u
            .iter()
            .map(|&x| (x - x.clamp(0.0, 1.0)).powi(2))
            .sum::<f64>();
        Ok(self.problem.evaluate(u).objective + 1e3 * outside)
    }
}
