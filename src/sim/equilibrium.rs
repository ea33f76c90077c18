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
//! costs come from the averaged conditions (crowding and road times) and from how full the
//! round's vehicles were (each alternative weighed by its riders' chance of a place,
//! [`crate::sim::choice::Boarding::availability`]), so the destinations follow the averages
//! and are not averaged again (which would only slow the loop down).
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
use super::crowding::{CrowdingCosts, PatternLoads, SegmentLoads};
use super::demand::{DestinationChoice, Flows};
use super::montecarlo::{Setup, segment_layout, simulate};
use crate::network::{Network, NodeId};
use crate::routing::{Engine, Skims};
use crate::scenario::{Crowding, Equilibrium};
use std::collections::HashMap;

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
    /// of a loop started cold and without congestion).
    pub road_demand_gap: Option<f64>,
    /// Roads: the relative gap of the assignment the round's road times come from (`None` in
    /// the first round of a loop started cold, which drives at free flow, and without
    /// congestion).
    pub road_relative_gap: Option<f64>,
    /// Transit: the response's difference from the averaged segment loads (`None` in the first
    /// round of a loop started cold and without crowding).
    pub transit_load_gap: Option<f64>,
    /// Destinations: the response's difference from the commuters the round simulated, per
    /// zone pair and household group (`None` in the first round and with demand held or read
    /// from a table).
    pub destination_gap: Option<f64>,
    /// Commuters turned away from a full vehicle (mean over the round's draws).
    pub denied: f64,
    /// The averaging step taken after the round: 1 after the first of a loop started cold, 0
    /// after the last of a converged loop (its conditions are kept).
    pub step: f64,
}

/// The outcome of the loop.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The conditions to simulate with: road factors and crowding costs of the averages whose
    /// response was within the tolerance (or of the last averages, when the loop ran out of
    /// rounds).
    pub setup: Setup,
    /// The commuters to simulate: the destinations of the last round's costs, or those given.
    pub flows: Flows,
    /// Every round (none when there is nothing to balance).
    pub rounds: Vec<Round>,
    /// Whether every measure reached the tolerance (true when there was nothing to balance).
    pub converged: bool,
    /// Whether the loop resumed from another's [`WarmStart`].
    pub resumed: bool,
    /// Whether it took another run's steps ([`WarmStart::in_step`]).
    pub in_step: bool,
    /// Where the loop stood before its last round, for the loop of a changed network to resume
    /// from (`None` when there was nothing to balance or the destinations responded).
    pub warm_start: Option<WarmStart>,
}

/// Where a loop stood before a round, keyed by zone, line and stop ids so that the loop of
/// another scenario can resume from it (`commute compare` resumes the after scenario's loop
/// from where the before's stood before its last round).
///
/// Why: two loops started cold each end somewhere within the tolerance of their own fixed point,
/// and the difference between those two places is noise of the size of the tolerance, larger
/// than the effect of a change in one corridor (a new expressway). Resumed, a scenario identical to the
/// base repeats the base's last round exactly and stops there with the base's conditions, and a
/// change the base's conditions already answer within the tolerance keeps them, with the change
/// itself applied (a new road's share of the base's car demand). A larger change goes on from
/// there with fresh averaging steps: the base's, already small, would take long to carry the
/// conditions where a new line takes them.
///
/// Fresh steps are large, so the rounds they take move the whole region's conditions, not only
/// the changed corridor's: a closure's after side would find Beijing's roads a little freer
/// than the base's stopping point left them, for no reason of its own. So the base is resumed
/// too, [`in step`](Self::in_step): the same steps from the same place, its own commuters'
/// responses averaged in where the after side averages in its. What the loop's own motion does
/// to both then cancels in the comparison, and what is left is the change's.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmStart {
    averaged: KeyedSupply,
    previous: Option<KeyedSupply>,
    /// Steps to take in order whatever the differences, then stop (`None`: the loop's own).
    follow: Option<Vec<f64>>,
}

impl WarmStart {
    /// This start, to be resumed taking exactly `steps` (another resumed run's, from
    /// `crate::run::EquilibriumInfo::steps`) and then stopping with the conditions they leave.
    pub fn in_step(&self, steps: Vec<f64>) -> WarmStart {
        WarmStart {
            follow: Some(steps),
            ..self.clone()
        }
    }
}

/// Car demand per (origin id, destination id) and segment loads per (line id, stop ids).
#[derive(Debug, Clone, PartialEq)]
struct KeyedSupply {
    cars: HashMap<(String, String), f64>,
    loads: HashMap<(String, Vec<String>), PatternLoads>,
}

impl KeyedSupply {
    fn of(net: &Network, (cars, loads): &(Vec<f64>, SegmentLoads)) -> Self {
        let zones = net.zones();
        let n = zones.len();
        let cars = cars
            .iter()
            .enumerate()
            .map(|(k, &c)| ((zones[k / n].id.clone(), zones[k % n].id.clone()), c))
            .collect();
        let loads = loads
            .patterns
            .iter()
            .map(|p| (pattern_key(net, p), p.clone()))
            .collect();
        KeyedSupply { cars, loads }
    }

    /// The supply on `net`: car demand when `with_cars` (pairs not here carry none), loads on
    /// the patterns of `layout` (patterns not here, or changed, carry none).
    fn on(
        &self,
        net: &Network,
        with_cars: bool,
        layout: &SegmentLoads,
    ) -> (Vec<f64>, SegmentLoads) {
        let zones = net.zones();
        let n = zones.len();
        let cars = if with_cars {
            (0..n * n)
                .map(|k| {
                    let key = (zones[k / n].id.clone(), zones[k % n].id.clone());
                    self.cars.get(&key).copied().unwrap_or(0.0)
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut loads = layout.clone();
        for p in &mut loads.patterns {
            if let Some(known) = self.loads.get(&pattern_key(net, p))
                && known.passengers.len() == p.passengers.len()
            {
                p.passengers.clone_from(&known.passengers);
                p.vehicles.clone_from(&known.vehicles);
            }
        }
        (cars, loads)
    }
}

fn pattern_key(net: &Network, p: &PatternLoads) -> (String, Vec<String>) {
    let stops = p
        .stops
        .iter()
        .map(|&s| net.node(NodeId::new(s as usize)).id.clone())
        .collect();
    (net.line(p.line).id.clone(), stops)
}

/// The loop's state before a round: the averages its conditions come from (none before the
/// first round of a loop started cold), the previous round's response and the step schedule.
#[derive(Debug, Clone)]
struct State {
    averaged: Option<(Vec<f64>, SegmentLoads)>,
    previous: Option<(Vec<f64>, SegmentLoads)>,
    increment_sum: f64,
}

impl State {
    fn cold() -> Self {
        State {
            averaged: None,
            previous: None,
            increment_sum: 1.0,
        }
    }

    fn warm_start(&self, net: &Network) -> Option<WarmStart> {
        Some(WarmStart {
            averaged: KeyedSupply::of(net, self.averaged.as_ref()?),
            previous: self.previous.as_ref().map(|p| KeyedSupply::of(net, p)),
            follow: None,
        })
    }
}

/// Runs the loop for the commuters `flows` of `setup` (its draws capped at `settings.draws`)
/// with road model `roads` (congestion, if any) and `crowding`; with `destinations`, the
/// commuters' destinations respond too, starting from `flows`; otherwise the loop resumes from
/// `resume` when given. Without congestion and with crowding off there is nothing to balance:
/// no round.
#[allow(clippy::too_many_arguments)]
pub fn balance(
    engine: &Engine<'_>,
    skims: &Skims,
    flows: &Flows,
    destinations: Option<&DestinationChoice>,
    resume: Option<&WarmStart>,
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
            resumed: false,
            in_step: false,
            warm_start: None,
        };
    }
    let net = engine.network();
    // The conditions of the averages: road factors (with their assignment's relative gap) and
    // crowding costs.
    let condition = |averaged: &(Vec<f64>, SegmentLoads), setup: &mut Setup| -> Option<f64> {
        let (avg_cars, avg_loads) = averaged;
        if crowding.enabled {
            setup.crowding = CrowdingCosts::of(net, avg_loads, &crowding.curve);
        }
        roads.map(|model| {
            let a = model.assign(avg_cars);
            setup.congestion = model.factors(&a.times);
            a.last().relative_gap
        })
    };
    let mut state = State::cold();
    // The round whose response the averages start from (a warm start's first may converge).
    let mut first_averaged = 1;
    let mut conditions_gap = None;
    let resume = resume.filter(|_| destinations.is_none());
    let follow = resume.and_then(|start| start.follow.as_deref());
    if let Some(start) = resume {
        let layout = segment_layout(net);
        let averaged = start.averaged.on(net, roads.is_some(), &layout);
        conditions_gap = condition(&averaged, &mut round_setup);
        state = State {
            averaged: Some(averaged),
            previous: start
                .previous
                .as_ref()
                .map(|p| p.on(net, roads.is_some(), &layout)),
            increment_sum: 1.0,
        };
        first_averaged = 0;
    }
    // The commuters simulated, and the destinations of the previous round's costs.
    let mut current = flows.clone();
    let mut previous_destinations: Option<ByGroup> = None;
    let mut last_gap = f64::INFINITY;
    let mut converged = false;
    let mut before_last = state.clone();
    for round in 1..=settings.max_rounds {
        before_last = state.clone();
        let sim = simulate(engine, skims, &current, &round_setup, |_| {});
        let cars = roads.map_or_else(Vec::new, |m| m.car_vehicles(&sim));
        let draws = f64::from(sim.draws.max(1));
        let denied = sim.lines.iter().map(|l| l.denied).sum::<f64>() / draws;
        let car_commuters = roads.map_or(0.0, |m| {
            cars.iter().sum::<f64>() * m.occupancy / m.peak_share
        });
        // The differences from the averages this round's conditions came from: the step follows
        // this round's own, convergence the mean of two rounds' (one when there is no previous).
        let (road_demand_gap, transit_load_gap, raw) = match state.averaged.as_ref() {
            None => (None, None, None),
            Some((avg_cars, avg_loads)) => {
                let raw = relative_difference(avg_cars, &[&cars])
                    .max(avg_loads.relative_change(&[&sim.segment_loads]));
                let (cars_seen, loads_seen): (Vec<&Vec<f64>>, Vec<&SegmentLoads>) =
                    std::iter::once((&cars, &sim.segment_loads))
                        .chain(state.previous.as_ref().map(|(c, l)| (c, l)))
                        .unzip();
                let road = roads.map(|_| relative_difference(avg_cars, &cars_seen));
                let transit = crowding
                    .enabled
                    .then(|| avg_loads.relative_change(&loads_seen));
                (road, transit, Some(raw))
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
        let record = |step: f64| Round {
            round,
            car_commuters,
            road_demand_gap,
            road_relative_gap: conditions_gap,
            transit_load_gap,
            destination_gap,
            denied,
            step,
        };
        // Converged: the conditions of this round are kept.
        let within = |gap: Option<f64>| gap.is_none_or(|g| g <= settings.tolerance);
        let assignment_settled = roads
            .zip(conditions_gap)
            .is_none_or(|(m, gap)| gap <= m.assignment_gap());
        let settled = within(road_demand_gap)
            && within(transit_load_gap)
            && within(destination_gap)
            && assignment_settled;
        // In step with another run: its steps taken, the conditions they leave are kept.
        let followed = follow.map(|steps| steps.get(round as usize - 1).copied());
        if matches!(followed, Some(None))
            || (followed.is_none() && round > first_averaged && settled)
        {
            rounds.push(record(0.0));
            converged = settled;
            break;
        }
        // Otherwise the averages move towards the response.
        let step = match (state.averaged.as_mut(), raw) {
            (Some((avg_cars, avg_loads)), Some(raw)) => {
                state.increment_sum += if raw >= last_gap {
                    GROWN_INCREMENT
                } else {
                    FALLEN_INCREMENT
                };
                last_gap = raw;
                let step = followed.flatten().unwrap_or(1.0 / state.increment_sum);
                for (a, c) in avg_cars.iter_mut().zip(&cars) {
                    *a += step * (c - *a);
                }
                avg_loads.average_towards(&sim.segment_loads, step);
                step
            }
            _ => {
                state.averaged = Some((cars.clone(), sim.segment_loads.clone()));
                1.0
            }
        };
        rounds.push(record(step));
        state.previous = Some((cars, sim.segment_loads));
        let averaged = state.averaged.as_ref().expect("set above");
        conditions_gap = condition(averaged, &mut round_setup);
        // The first round moves the destinations from the skims' costs to the simulated ones:
        // its loads and cars belong to a demand that is gone, so the averages start again (from
        // the response to the conditions it leaves).
        if round == 1 && destinations.is_some() {
            (state, last_gap, first_averaged) = (State::cold(), f64::INFINITY, 2);
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
        resumed: first_averaged == 0,
        in_step: follow.is_some(),
        warm_start: destinations
            .is_none()
            .then(|| before_last.warm_start(net))
            .flatten(),
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
