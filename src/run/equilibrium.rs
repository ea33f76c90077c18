//! `summary.json`'s `equilibrium` section: the supply-demand loop's settings, every round with
//! its convergence measures, and whether it converged; and the crowding settings used.

use crate::sim::equilibrium::{Outcome, Round};
use serde::{Deserialize, Serialize};

/// The supply-demand loop of a run (summary.json `equilibrium`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EquilibriumInfo {
    /// Most rounds.
    pub max_rounds: u32,
    /// The tolerance every measure had to reach.
    pub tolerance: f64,
    /// Monte-Carlo draws per round.
    pub draws: u32,
    /// Whether every measure reached the tolerance (true when there was nothing to balance).
    pub converged: bool,
    /// Whether the loop resumed from where another run's stood before its last round (the after
    /// scenario's in `commute compare`), rather than from free flow and empty vehicles.
    #[serde(default)]
    pub resumed: bool,
    /// Whether it resumed in step with another run's loop, taking its steps (the before
    /// scenario's in `commute compare`, in step with the after's).
    #[serde(default)]
    pub in_step: bool,
    /// Every round.
    pub rounds: Vec<RoundInfo>,
    /// Crowding in the generalised cost.
    pub crowding: CrowdingInfo,
}

/// [`crate::scenario::Crowding`] as `summary.json` holds it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CrowdingInfo {
    /// Whether crowding entered the generalised cost.
    pub enabled: bool,
    /// Points `[load factor (passengers per seat), multiplier on minutes aboard]`.
    pub curve: Vec<[f64; 2]>,
}

/// One round of the loop ([`Round`]) as `summary.json` holds it.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RoundInfo {
    /// 1-based.
    pub round: u32,
    /// Car commuters of the round's simulation (mean over its draws; 0 without congestion).
    pub car_commuters: f64,
    /// Roads: `sum |cars - averaged cars| / sum averaged cars` over zone pairs.
    pub road_demand_gap: Option<f64>,
    /// Roads: relative gap of the assignment the round's road times come from.
    pub road_relative_gap: Option<f64>,
    /// Transit: `sum |loads - averaged loads| / sum averaged loads` over segments and hours.
    pub transit_load_gap: Option<f64>,
    /// Destinations: `sum |commuters - averaged commuters| / sum averaged commuters` over zone
    /// pairs and household groups (`None` when demand is held or read from a table).
    #[serde(default)]
    pub destination_gap: Option<f64>,
    /// Commuters turned away from full vehicles.
    pub denied: f64,
    /// The averaging step taken after the round (0 after the last of a converged loop, whose
    /// conditions are kept).
    pub step: f64,
}

impl From<Round> for RoundInfo {
    fn from(round: Round) -> Self {
        let Round {
            round,
            car_commuters,
            road_demand_gap,
            road_relative_gap,
            transit_load_gap,
            destination_gap,
            denied,
            step,
        } = round;
        RoundInfo {
            round,
            car_commuters,
            road_demand_gap,
            road_relative_gap,
            transit_load_gap,
            destination_gap,
            denied,
            step,
        }
    }
}

impl EquilibriumInfo {
    /// The averaging steps the loop took, in order (a run resumed [`in step`] with this one
    /// takes the same).
    ///
    /// [`in step`]: crate::sim::equilibrium::WarmStart::in_step
    pub fn steps(&self) -> Vec<f64> {
        self.rounds
            .iter()
            .map(|r| r.step)
            .filter(|&s| s > 0.0)
            .collect()
    }

    /// The loop `outcome` under `settings`, with `crowding`.
    pub fn of(
        outcome: &Outcome,
        settings: &crate::scenario::Equilibrium,
        crowding: &crate::scenario::Crowding,
    ) -> Self {
        EquilibriumInfo {
            max_rounds: settings.max_rounds,
            tolerance: settings.tolerance,
            draws: settings.draws,
            converged: outcome.converged,
            resumed: outcome.resumed,
            in_step: outcome.in_step,
            rounds: outcome.rounds.iter().map(|&r| r.into()).collect(),
            crowding: CrowdingInfo {
                enabled: crowding.enabled,
                curve: crowding.curve.iter().map(|&(x, y)| [x, y]).collect(),
            },
        }
    }
}
