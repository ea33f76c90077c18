//! The supply-demand loop: road congestion and transit crowding found together with the choices
//! they shape.
//!
//! Each round simulates the mornings (a few draws, the same every round) under the current
//! conditions: congested road times from the assignment of the *averaged* car demand, crowding
//! costs from the *averaged* segment loads. What the commuters do in response (their cars per
//! zone pair, their loads per line segment and hour) is compared with those averages, and the
//! averages then move towards the response by a step (self-regulated averaging, Liu, He and He
//! 2009: the step shrinks slowly while the difference falls and fast when it grows; the method
//! of successive averages is the special case of a constant increment of one).
//!
//! In the long run (variable destinations from the demand model) the destinations respond too:
//! each round's commuters per zone pair are those the demand model sends on the composite costs
//! the previous round's mornings offered (its [`DestinationChoice::on_simulation`]). Those
//! costs come from the averaged conditions (crowding and road times; denial is not in them), so
//! the destinations are a smooth function of the averages and are not averaged again (which
//! would only slow the loop down).
//!
//! The differences are the loop's convergence measures, one per kind of supply: for roads
//! `sum |cars - averaged cars| / sum averaged cars` over zone pairs (with the assignment's own
//! relative gap, which must reach its target too), for transit the same over segment loads, for
//! destinations the same over the commuters per zone pair and household group against those
//! the round simulated, the response being the mean of the last two rounds'. They are fixed-point residuals: zero
//! when the conditions reproduce the demand that made them. The response is a step function
//! of the conditions in places (the fastest itinerary switches from one line to another at a
//! threshold), so near the equilibrium it can alternate between two states around the
//! averages; the mean of two rounds counts that as settled, while a response that drifts away
//! from the averages round after round (a climbing car demand) keeps the measure up. The loop
//! is converged when every measure in play is at most the tolerance; a loop that runs out of
//! rounds says so, and the run reports it.

use super::congestion::RoadModel;
use super::crowding::{CrowdingCosts, SegmentLoads};
use super::demand::{DestinationChoice, Flows};
use super::montecarlo::{Setup, simulate};
use crate::routing::{Engine, Skims};
use crate::scenario::{Crowding, Equilibrium};

/// The step increment after a round whose difference grew (self-regulated averaging's `Gamma`).
const GROWN_INCREMENT: f64 = 1.5;
/// The step increment after a round whose difference fell (its `gamma`).
const FALLEN_INCREMENT: f64 = 0.3;

/// One round of the loop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Round {
    /// 1-based.
    pub round: u32,
    /// Car commuters of the round's simulation (mean over its draws).
    pub car_commuters: f64,
    /// Roads: the response's difference from the averaged car demand (`None` in the first round
    /// and without congestion).
    pub road_demand_gap: Option<f64>,
    /// Roads: the relative gap of the averaged demand's assignment (`None` without congestion).
    pub road_relative_gap: Option<f64>,
    /// Transit: the response's difference from the averaged segment loads (`None` in the first
    /// round and without crowding).
    pub transit_load_gap: Option<f64>,
    /// Destinations: the response's difference from the commuters the round simulated, per
    /// zone pair and household group (`None` in the first round and with demand held or read
    /// from a table).
    pub destination_gap: Option<f64>,
    /// Commuters turned away from a full vehicle (mean over the round's draws).
    pub denied: f64,
    /// The averaging step taken after the round (1 in the first).
    pub step: f64,
}

/// The outcome of the loop.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The conditions to simulate with: road factors and crowding costs of the final averages.
    pub setup: Setup,
    /// The commuters to simulate: the destinations of the last round's costs, or those given.
    pub flows: Flows,
    /// Every round (none when there is nothing to balance).
    pub rounds: Vec<Round>,
    /// Whether every measure reached the tolerance (true when there was nothing to balance).
    pub converged: bool,
}

/// Runs the loop for the commuters `flows` of `setup` (its draws capped at `settings.draws`)
/// with road model `roads` (congestion, if any) and `crowding`; with `destinations`, the
/// commuters' destinations respond too, starting from `flows`. Without congestion and with
/// crowding off there is nothing to balance: no round.
#[allow(clippy::too_many_arguments)]
pub fn balance(
    engine: &Engine<'_>,
    skims: &Skims,
    flows: &Flows,
    destinations: Option<&DestinationChoice>,
    setup: &Setup,
    roads: Option<&RoadModel>,
    crowding: &Crowding,
    settings: &Equilibrium,
) -> Outcome {
    let mut round_setup = Setup {
        draws: settings.draws.min(setup.draws).max(1),
        ..setup.clone()
    };
    let mut rounds = Vec::new();
    if roads.is_none() && !crowding.enabled {
        return Outcome {
            setup: setup.clone(),
            flows: flows.clone(),
            rounds,
            converged: true,
        };
    }
    // The commuters simulated, and the destinations of the previous round's costs.
    let mut current = flows.clone();
    let mut previous_destinations: Option<ByGroup> = None;
    let net = engine.network();
    let mut averaged: Option<(Vec<f64>, SegmentLoads)> = None;
    // The previous round's response.
    let mut previous: Option<(Vec<f64>, SegmentLoads)> = None;
    let (mut increment_sum, mut last_gap) = (1.0, f64::INFINITY);
    let mut converged = false;
    // The round whose response the averages start from.
    let mut first_averaged = 1;
    for round in 1..=settings.max_rounds {
        let sim = simulate(engine, skims, &current, &round_setup, |_| {});
        let cars = roads.map_or_else(Vec::new, |m| m.car_vehicles(&sim));
        let draws = f64::from(sim.draws.max(1));
        let denied = sim.lines.iter().map(|l| l.denied).sum::<f64>() / draws;
        let car_commuters = roads.map_or(0.0, |m| {
            cars.iter().sum::<f64>() * m.occupancy / m.peak_share
        });
        let (road_demand_gap, transit_load_gap, step) = match averaged.as_mut() {
            None => {
                averaged = Some((cars.clone(), sim.segment_loads.clone()));
                (None, None, 1.0)
            }
            Some((avg_cars, avg_loads)) => {
                // The step follows this round's own difference; convergence, the mean of two.
                let raw = relative_difference(avg_cars, &[&cars])
                    .max(avg_loads.relative_change(&[&sim.segment_loads]));
                let (cars_before, loads_before) = previous.as_ref().expect("after the first");
                let road = roads.map(|_| relative_difference(avg_cars, &[&cars, cars_before]));
                let transit = crowding
                    .enabled
                    .then(|| avg_loads.relative_change(&[&sim.segment_loads, loads_before]));
                increment_sum += if raw >= last_gap {
                    GROWN_INCREMENT
                } else {
                    FALLEN_INCREMENT
                };
                last_gap = raw;
                let step = 1.0 / increment_sum;
                for (a, c) in avg_cars.iter_mut().zip(&cars) {
                    *a += step * (c - *a);
                }
                avg_loads.average_towards(&sim.segment_loads, step);
                (road, transit, step)
            }
        };
        // Destinations: the commuters the round's costs send, against those it simulated.
        let mut destination_gap = None;
        if let Some(choice) = destinations {
            let sent = choice.on_simulation(&sim);
            let response = ByGroup::of(&sent);
            if let Some(before) = previous_destinations.as_ref() {
                destination_gap = Some(relative_difference(
                    &ByGroup::of(&current).commuters,
                    &[&response.commuters, &before.commuters],
                ));
            }
            current = sent;
            previous_destinations = Some(response);
        }
        previous = Some((cars, sim.segment_loads));
        let Some((avg_cars, avg_loads)) = averaged.as_ref() else {
            unreachable!("set in the first round")
        };
        let mut road_relative_gap = None;
        if let Some(model) = roads {
            let a = model.assign(avg_cars);
            road_relative_gap = Some(a.last().relative_gap);
            round_setup.congestion = model.factors(&a.times);
        }
        if crowding.enabled {
            round_setup.crowding = CrowdingCosts::of(net, avg_loads, &crowding.curve);
        }
        rounds.push(Round {
            round,
            car_commuters,
            road_demand_gap,
            road_relative_gap,
            transit_load_gap,
            destination_gap,
            denied,
            step,
        });
        // The first round moves the destinations from the skims' costs to the simulated ones:
        // its loads and cars belong to a demand that is gone, so the averages start again.
        if round == 1 && destinations.is_some() {
            (averaged, previous, first_averaged) = (None, None, 2);
            continue;
        }
        let within = |gap: Option<f64>| gap.is_none_or(|g| g <= settings.tolerance);
        let assignment_settled = roads
            .zip(road_relative_gap)
            .is_none_or(|(m, gap)| gap <= m.assignment_gap());
        if round > first_averaged
            && within(road_demand_gap)
            && within(transit_load_gap)
            && within(destination_gap)
            && assignment_settled
        {
            converged = true;
            break;
        }
    }
    Outcome {
        setup: Setup {
            congestion: round_setup.congestion,
            crowding: round_setup.crowding,
            ..setup.clone()
        },
        flows: current,
        rounds,
        converged,
    }
}

/// Commuters per zone pair and household group: with a car (`o * zones + d`), then without
/// (`zones * zones` further on), the form destination choice balances.
struct ByGroup {
    commuters: Vec<f64>,
}

impl ByGroup {
    fn of(flows: &Flows) -> Self {
        let part = |with_car: bool| {
            flows
                .commuters
                .iter()
                .zip(&flows.car_share)
                .map(move |(c, s)| if with_car { c * s } else { c * (1.0 - s) })
        };
        ByGroup {
            commuters: part(true).chain(part(false)).collect(),
        }
    }
}

/// `sum |mean of responses - averaged| / sum averaged` (0 when all are zero).
fn relative_difference(averaged: &[f64], responses: &[&Vec<f64>]) -> f64 {
    let n = responses.len().max(1) as f64;
    let change: f64 = averaged
        .iter()
        .enumerate()
        .map(|(k, a)| (responses.iter().map(|r| r[k]).sum::<f64>() / n - a).abs())
        .sum();
    let total: f64 = averaged.iter().sum();
    if total > 0.0 {
        change / total
    } else if change > 0.0 {
        1.0
    } else {
        0.0
    }
}
