//! The Monte-Carlo commute simulation, in the manner of Conveyal R5 but seeded, with choice and
//! capacity.
//!
//! Each draw is one morning. It gives every headway-based line a random phase (where in its
//! headway cycle the first vehicle runs; explicit departures stay put) and a service delay
//! (exponential, mean by mode or line), scales bus run times and every road link by the draw's
//! road conditions (a day factor shared by all, a factor per link with a spread by road class,
//! and a factor on checkpoint queues), and re-routes cars on the day's roads. Every draw value
//! comes from a stream keyed by the seed, the draw and the line's or link's *id*, so a scenario
//! that adds or removes other lines leaves it unchanged: the same seed gives the same draws
//! wherever a modification did not reach (common random numbers).
//!
//! For every origin zone and every minute of the departure window, range RAPTOR finds two public
//! transport itineraries to every zone: *transit* (rail, subway, bus) and *custom bus* (custom
//! commuter buses with walking or feeder access and egress, as they are sold), each with its
//! rides. Commuters are spread over the minutes by the departure profile and choose between car
//! (households with one), transit, custom bus, walking, cycling and taxi by the choice model
//! ([`super::choice`]). These are *expected* flows: the exact average over departure times and choices, so
//! the only sampling noise left is the draws' (a paired comparison of two scenarios is not
//! blurred by commuters re-rolling their dice).
//!
//! Vehicles have a capacity. The commuters choosing a trip are loaded on it; where the peak load
//! on the trip would exceed its capacity, every booking on it is cut in the same proportion (the
//! result does not depend on processing order) and the commuters turned away take their
//! next-best alternative (the logit over what is left; `capacity`). Minutes aboard are weighed
//! with the crowding of the setup's loads ([`super::crowding`]). Every ride is then loaded on its
//! trip, giving boardings, passenger-km, peak loads and segment loads per line. All reductions
//! run in origin order, so the results are byte-identical at any thread count.
//!
//! The parts, in the order of a morning: `draws` (phases, delays, road factors, and the
//! timetables and car times they make), `search` (the itineraries per origin), `capacity` (the
//! choices as if vehicles had room, bookings, boarding shares), `loads` (final choices, pair
//! results, line loads); [`simulate`] runs them draw after draw. Mornings are searched
//! four at a time (`PARALLEL_DRAWS`), so a slow origin does not idle a core, and each batch is
//! searched while the one before is processed, so the processing's serial parts (rationing,
//! recording loads, all in draw order) leave no core idle.

mod capacity;
mod draws;
mod loads;
mod search;
#[cfg(test)]
mod tests;

/// Re-exported for the simulation's users: the alternatives [`PairDraw::by`] counts.
pub use super::choice::Alternative;
use super::choice::{ALTERNATIVES, ChoiceModel};
use super::crowding::{CrowdingCosts, SegmentLoads};
use crate::network::Network;
use crate::routing::{Engine, Skims, TravelMode};
use crate::scenario::{Choice, Scenario, Variability};
use crate::time::{Seconds, Window};
use rayon::prelude::*;

/// A sample with no route.
pub const NO_ROUTE: Seconds = Seconds::MAX;

/// The settings of a simulation.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Departure window; one departure per minute.
    pub window: Window,
    /// Share of commuters leaving in each minute of the window (sums to 1).
    pub weights: Vec<f64>,
    /// What varies between draws.
    pub variability: Variability,
    /// Mode choice parameters.
    pub choice: Choice,
    /// The longest commute anyone makes, minutes: longer alternatives are not available.
    pub max_commute_min: f64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Draws (mornings) simulated.
    pub draws: u32,
    /// Congestion on the roads: per road link, its travel-time factor in the drawn direction
    /// (`2 * link`) and the other (`2 * link + 1`), on top of the draw's; per line, the factor
    /// on bus run times. Empty: free flow.
    pub congestion: RoadFactors,
    /// The crowding costs of every line segment and hour. Empty: uncrowded.
    pub crowding: CrowdingCosts,
    /// Per zone pair (`o * zones + d`), the share of mornings its households' cars may be
    /// driven (`[car_restrictions]`). Empty: always.
    pub car_available: Vec<f64>,
}

/// Travel-time factors from road congestion (see [`Setup::congestion`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoadFactors {
    /// Per road link and direction: `2 * link` drawn, `2 * link + 1` reverse. Empty: all 1.
    pub roads: Vec<f64>,
    /// Per line (index as in the network): factor on run times. Empty: all 1.
    pub lines: Vec<f64>,
}

impl Setup {
    /// The settings of `scenario` for `draws` draws under `seed`.
    pub fn of(scenario: &Scenario, seed: u64, draws: u32) -> Self {
        Setup {
            window: scenario.window,
            weights: scenario.departure_weights(),
            variability: scenario.variability.clone(),
            choice: scenario.choice,
            max_commute_min: scenario.demand.max_commute_min,
            seed,
            draws,
            congestion: RoadFactors::default(),
            crowding: CrowdingCosts::default(),
            car_available: scenario.car_restrictions.per_pair(scenario.network.zones()),
        }
    }

    /// Uniform departures over `window`, no variability but line phases, default choice.
    pub fn phases_only(window: Window, seed: u64, draws: u32) -> Self {
        Setup {
            window,
            weights: crate::scenario::departure_weights(window, &[]),
            variability: Variability::none(),
            choice: Choice::default(),
            max_commute_min: crate::scenario::Demand::default().max_commute_min,
            seed,
            draws,
            congestion: RoadFactors::default(),
            crowding: CrowdingCosts::default(),
            car_available: Vec::new(),
        }
    }
}

/// The commuters of one zone pair in one draw (expected over departure minutes and choices).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairDraw {
    /// Commuters by [`Alternative`] (index as in [`Alternative::ALL`]).
    pub by: [f64; ALTERNATIVES],
    /// Sum over commuters of their door-to-door minutes.
    pub minutes: f64,
    /// Commuters arriving within 60 minutes.
    pub within_60: f64,
    /// Sum over commuters with a route of the composite cost of what they choose from,
    /// generalised minutes ([`crate::sim::choice::Probabilities::composite`]).
    pub composite_min: f64,
    /// Commuters with a route, available or beyond the longest commute (the weight of
    /// `composite_min`).
    pub choosing: f64,
    /// Per household group (with a car, without): the sum over departure minutes of the
    /// minute's share of departures times the composite cost of what the group can choose
    /// from, generalised minutes, over the minutes it has a choice in (whether or not anyone
    /// travels): what destination choice weighs ([`Simulation::group_composites`]).
    pub group_composite_min: [f64; 2],
    /// Per group, the summed shares of the minutes it has a choice in.
    pub group_weight: [f64; 2],
}

impl PairDraw {
    /// Commuters with an alternative.
    pub fn served(&self) -> f64 {
        self.by.iter().sum()
    }
}

/// The load of one line, summed over draws.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineLoad {
    /// Commuters boarding.
    pub boardings: f64,
    /// Commuter-km ridden.
    pub passenger_km: f64,
    /// Sum over draws of the draw's highest load on any trip between two stops.
    pub peak_load: f64,
    /// Highest load in any draw.
    pub max_peak_load: f64,
    /// Commuters turned away from a full vehicle.
    pub denied: f64,
}

/// The results of a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Number of zones.
    pub zones: usize,
    /// Draws made.
    pub draws: u32,
    /// Departure minutes per draw.
    pub minutes: u32,
    /// Share of commuters leaving in each minute.
    pub weights: Vec<f64>,
    /// Transit door-to-door seconds per (draw, minute) sample, draw-major, for pair
    /// `o * zones + d`; [`NO_ROUTE`] when there was none. Empty on the diagonal.
    pub transit: Vec<Vec<Seconds>>,
    /// Custom-bus door-to-door seconds per sample, as `transit`; empty for pairs no custom bus
    /// ever served.
    pub custom_bus: Vec<Vec<Seconds>>,
    /// Car door-to-door seconds per draw (the same all morning), [`NO_ROUTE`] when none.
    pub car: Vec<Vec<Seconds>>,
    /// Walking and cycling door-to-door seconds per pair (the same every sample; [`NO_ROUTE`]
    /// where not offered or too far).
    pub walk_cycle: Vec<[Seconds; 2]>,
    /// The wait for a taxi, seconds: a taxi takes the car's time and this.
    pub taxi_wait_s: Seconds,
    /// Commuters per pair and draw.
    pub pair_draws: Vec<Vec<PairDraw>>,
    /// Loads per line (index as in the network).
    pub lines: Vec<LineLoad>,
    /// Loads per line segment and hour, summed over the draws.
    pub segment_loads: SegmentLoads,
    /// Per origin zone, its commuters by door-to-door minutes of their chosen alternative,
    /// summed over the draws: bin `m` holds times in `[m, m + 1)` minutes, the last bin
    /// everything longer.
    pub histograms: Vec<Vec<f64>>,
}

/// Bins of [`Simulation::histograms`]: one per minute up to 6 hours, then one for the rest.
pub const HISTOGRAM_BINS: usize = 361;

impl Simulation {
    /// The samples of `alternative` for pair `pair` (`None`: the fastest of car, transit and
    /// custom bus in each sample), one per (draw, minute), draw-major.
    pub fn samples(&self, alternative: Option<Alternative>, pair: usize) -> Vec<Seconds> {
        let minutes = self.minutes as usize;
        let car = |s: usize| self.car[pair].get(s / minutes).copied().unwrap_or(NO_ROUTE);
        let custom = |s: usize| self.custom_bus[pair].get(s).copied().unwrap_or(NO_ROUTE);
        let transit = &self.transit[pair];
        let taxi = |s: usize| car(s).saturating_add(self.taxi_wait_s);
        let street = |i: usize| vec![self.walk_cycle[pair][i]; transit.len()];
        match alternative {
            Some(Alternative::Transit) => transit.clone(),
            Some(Alternative::CustomBus) => (0..transit.len()).map(custom).collect(),
            Some(Alternative::Car) => (0..transit.len()).map(car).collect(),
            Some(Alternative::Walk) => street(0),
            Some(Alternative::Cycle) => street(1),
            Some(Alternative::Taxi) => (0..transit.len()).map(taxi).collect(),
            None => (0..transit.len())
                .map(|s| transit[s].min(car(s)).min(custom(s)))
                .collect(),
        }
    }

    /// Public-transport samples of pair `pair`: the faster of transit and custom bus.
    pub fn public_transport_samples(&self, pair: usize) -> Vec<Seconds> {
        let custom = &self.custom_bus[pair];
        self.transit[pair]
            .iter()
            .enumerate()
            .map(|(s, &t)| t.min(custom.get(s).copied().unwrap_or(NO_ROUTE)))
            .collect()
    }

    /// The weight of sample `s` (its departure minute's share, over the draws).
    pub fn sample_weight(&self, s: usize) -> f64 {
        self.weights[s % self.weights.len()] / f64::from(self.draws.max(1))
    }

    /// Per household group (with a car, without), the composite cost of pair `pair` over the
    /// draws and departure minutes, generalised minutes (`None`: the group had no choice in
    /// any sample).
    pub fn group_composites(&self, pair: usize) -> [Option<f64>; 2] {
        let draws = &self.pair_draws[pair];
        [0, 1].map(|g| {
            let weight: f64 = draws.iter().map(|d| d.group_weight[g]).sum();
            let sum: f64 = draws.iter().map(|d| d.group_composite_min[g]).sum();
            (weight > 0.0).then(|| sum / weight)
        })
    }

    /// The commuters of pair `pair` averaged over the draws.
    pub fn mean_pair(&self, pair: usize) -> PairDraw {
        let draws = f64::from(self.draws.max(1));
        let mut mean = PairDraw::default();
        for d in &self.pair_draws[pair] {
            for a in Alternative::ALL {
                mean.by[a.index()] += d.by[a.index()] / draws;
            }
            mean.minutes += d.minutes / draws;
            mean.within_60 += d.within_60 / draws;
            mean.composite_min += d.composite_min / draws;
            mean.choosing += d.choosing / draws;
        }
        mean
    }
}

/// The commuters of a run, per zone pair (`o * zones + d`; the diagonal holds those who work
/// in their own zone).
#[derive(Debug, Clone, PartialEq)]
pub struct Flows {
    /// Commuters.
    pub commuters: Vec<f64>,
    /// The share of them from households with a car.
    pub car_share: Vec<f64>,
}

impl Flows {
    /// Nobody, between `zones` zones.
    pub fn none(zones: usize) -> Self {
        Flows {
            commuters: vec![0.0; zones * zones],
            car_share: vec![0.0; zones * zones],
        }
    }
}

/// The commuters of one simulation, spread over the departure minutes.
pub(super) struct Commuters<'a> {
    /// Commuters per pair, `o * zones + d`.
    flows: &'a [f64],
    /// Per pair, the share of its commuters who may drive: from households with a car, on the
    /// mornings their car is not restricted.
    car_share: &'a [f64],
    /// Share of commuters leaving in each minute.
    weights: &'a [f64],
    /// Number of zones.
    zones: usize,
    /// Departure minutes.
    minutes: usize,
}

impl Commuters<'_> {
    /// The destination of sample `i` of origin `o` (destination-major: `d * minutes + m`) and
    /// the commuters leaving for it in that minute.
    fn leaving(&self, o: usize, i: usize) -> (usize, f64) {
        let (d, m) = (i / self.minutes, i % self.minutes);
        (d, self.flows[o * self.zones + d] * self.weights[m])
    }

    /// The share of the commuters from `o` to `d` who may drive.
    fn car_share(&self, o: usize, d: usize) -> f64 {
        self.car_share[o * self.zones + d]
    }
}

/// What every zone pair (`o * zones + d`) offers the same all simulation: the fixed parts of
/// the alternatives' costs, and the street distance.
pub(super) struct PairCosts {
    /// The car's generalised minutes besides the time: constant, fuel and tolls of the
    /// free-flow route ([`ChoiceModel::car_fixed_min`]).
    pub(super) car_fixed_min: Vec<f64>,
    /// A taxi's, on the same route ([`ChoiceModel::taxi_fixed_min`]).
    pub(super) taxi_fixed_min: Vec<f64>,
    /// The street distance walked or cycled, km ([`ChoiceModel::street_km`]).
    pub(super) street_km: Vec<f64>,
    /// Walking and cycling door-to-door minutes (`None`: not offered, or too far).
    pub(super) walk_cycle_min: Vec<[Option<f64>; 2]>,
    /// The wait for a taxi, minutes.
    pub(super) taxi_wait_min: f64,
}

impl PairCosts {
    /// The pairs of `net` under `model`, with the car routes of `skims`.
    fn of(net: &Network, skims: &Skims, model: &ChoiceModel) -> Self {
        let zones = net.zones().len();
        let car = |k: usize| skims.get(TravelMode::Car, k / zones, k % zones);
        let street_km: Vec<f64> = (0..zones * zones)
            .map(|k| ChoiceModel::street_km(net.zone_straight_km(k / zones, k % zones)))
            .collect();
        PairCosts {
            car_fixed_min: (0..zones * zones)
                .map(|k| car(k).map_or(0.0, |r| model.car_fixed_min(r.cost_yuan, r.distance_km)))
                .collect(),
            taxi_fixed_min: (0..zones * zones)
                .map(|k| car(k).map_or(0.0, |r| model.taxi_fixed_min(r.distance_km)))
                .collect(),
            walk_cycle_min: street_km
                .iter()
                .map(|&km| model.walk_cycle_minutes(km))
                .collect(),
            street_km,
            taxi_wait_min: model.taxi(0.0, 0.0).minutes,
        }
    }
}

/// Mornings searched at once.
const PARALLEL_DRAWS: u32 = 4;

/// The end of the batch of mornings from `first` of `draws`: [`PARALLEL_DRAWS`] of them, and
/// at the end the rest but one, then that one: the last batch's processing has no search to
/// overlap with, so it is kept short.
fn batch_end(first: u32, draws: u32) -> u32 {
    let left = draws.saturating_sub(first);
    first
        + if left > PARALLEL_DRAWS {
            PARALLEL_DRAWS
        } else if left > 1 {
            left - 1
        } else {
            left
        }
}

/// One draw's conditions and itineraries.
struct Morning {
    draw: u32,
    conditions: draws::Conditions,
    /// Itineraries from every origin.
    searches: Vec<search::OriginSearch>,
}

/// Draws the conditions of morning `draw` and searches every origin's itineraries.
fn morning(engine: &Engine<'_>, setup: &Setup, draw: u32, departures: &[Seconds]) -> Morning {
    let conditions = draws::conditions(engine, setup, draw);
    let searches = search::search_all(engine.network(), &conditions, &setup.crowding, departures);
    Morning {
        draw,
        conditions,
        searches,
    }
}

/// Simulates `setup.draws` mornings of the commuters `flows` (the diagonal, commuters within
/// their zone, is not routed) on the network of `engine`, calling `done(draw)`
/// after each draw. Origins run in parallel on the current rayon pool; the result does not depend
/// on the number of threads.
pub fn simulate(
    engine: &Engine<'_>,
    skims: &Skims,
    flows: &Flows,
    setup: &Setup,
    done: impl Fn(u32),
) -> Simulation {
    let net = engine.network();
    let zones = net.zones().len();
    let window = setup.window;
    let departures: Vec<Seconds> = (window.start_s..window.end_s).step_by(60).collect();
    // Households with a car, on the mornings their car may be driven.
    let car_share: std::borrow::Cow<[f64]> = if setup.car_available.is_empty() {
        std::borrow::Cow::Borrowed(&flows.car_share)
    } else {
        flows
            .car_share
            .iter()
            .zip(&setup.car_available)
            .map(|(share, available)| share * available)
            .collect()
    };
    let commuters = Commuters {
        flows: &flows.commuters,
        car_share: &car_share,
        weights: &setup.weights,
        zones,
        minutes: departures.len(),
    };
    let model = ChoiceModel::new(setup.choice, setup.max_commute_min);
    let costs = PairCosts::of(net, skims, &model);
    let mut sim = Simulation::empty(engine, setup, &costs, departures.len());
    // Mornings are searched a few at a time in parallel (and origins within each), so that one
    // slow origin does not hold up the others; they are then processed in draw order, each batch
    // while the next is searched, so that a core free from the processing's serial parts
    // searches ahead (the order of every sum is the draws', whatever runs when).
    let search_batch = |first: u32| -> Vec<Morning> {
        (first..batch_end(first, setup.draws))
            .into_par_iter()
            .map(|draw| morning(engine, setup, draw, &departures))
            .collect()
    };
    let mut batch = search_batch(0);
    while let Some(last) = batch.last() {
        let next = last.draw + 1;
        let mut following = Vec::new();
        rayon::in_place_scope(|scope| {
            if next < setup.draws {
                scope.spawn(|_| following = search_batch(next));
            }
            for m in &batch {
                sim.add_morning(net, &model, &commuters, &costs, m);
                done(m.draw + 1);
            }
        });
        batch = following;
    }
    sim
}

impl Simulation {
    /// Adds morning `m`: the commuters' choices (with `model` and the pairs' fixed `costs`),
    /// rationed to the vehicles' capacity, their pair results and line loads, and the
    /// door-to-door samples.
    fn add_morning(
        &mut self,
        net: &Network,
        model: &ChoiceModel,
        commuters: &Commuters<'_>,
        costs: &PairCosts,
        m: &Morning,
    ) {
        let (morning, searches) = (&m.conditions, &m.searches);
        let probabilities =
            capacity::probabilities(model, commuters, &morning.car, costs, searches);
        let capacity =
            capacity::Capacity::ration(model, net, morning, searches, &probabilities, commuters);
        let outcomes: Vec<loads::OriginLoads> = searches
            .par_iter()
            .zip(&probabilities)
            .enumerate()
            .map(|(o, (s, p))| loads::settle(morning, commuters, costs, &capacity, o, s, p))
            .collect();
        loads::record(self, morning, outcomes);
        self.record_samples(m);
    }

    /// No draws yet on the network of `engine`, its pairs' fixed `costs`.
    fn empty(engine: &Engine<'_>, setup: &Setup, costs: &PairCosts, minutes: usize) -> Self {
        let net = engine.network();
        let (zones, lines) = (net.zones().len(), net.lines().len());
        Simulation {
            zones,
            draws: setup.draws,
            minutes: minutes as u32,
            weights: setup.weights.clone(),
            transit: vec![Vec::new(); zones * zones],
            custom_bus: vec![Vec::new(); zones * zones],
            car: vec![Vec::new(); zones * zones],
            walk_cycle: costs
                .walk_cycle_min
                .iter()
                .map(|m| {
                    m.map(|m| {
                        m.map_or(NO_ROUTE, |m| {
                            (m * 60.0).round().min(f64::from(NO_ROUTE - 1)) as Seconds
                        })
                    })
                })
                .collect(),
            taxi_wait_s: (setup.choice.taxi_wait_min * 60.0).round() as Seconds,
            pair_draws: vec![Vec::new(); zones * zones],
            lines: vec![LineLoad::default(); lines],
            segment_loads: segment_layout(net),
            histograms: vec![vec![0.0; HISTOGRAM_BINS]; zones],
        }
    }

    /// Appends the door-to-door samples of morning `m`, pairs in parallel.
    fn record_samples(&mut self, m: &Morning) {
        let (zones, minutes) = (self.zones, self.minutes as usize);
        (
            self.transit.par_iter_mut(),
            self.custom_bus.par_iter_mut(),
            self.car.par_iter_mut(),
        )
            .into_par_iter()
            .enumerate()
            .filter(|(k, _)| k / zones != k % zones)
            .for_each(|(k, (transit, custom, car_draws))| {
                let (s, d) = (&m.searches[k / zones], k % zones);
                let span = d * minutes..(d + 1) * minutes;
                let time =
                    |it: &Option<search::Itinerary>| it.map_or(NO_ROUTE, |it| it.journey.time_s);
                transit.extend(s.transit.found[span.clone()].iter().map(time));
                // Kept only for pairs a custom bus has served: earlier draws without one are
                // filled in when it first does.
                let custom_found = &s.custom_bus.found[span];
                if !custom.is_empty() || custom_found.iter().any(Option::is_some) {
                    custom.resize(m.draw as usize * minutes, NO_ROUTE);
                    custom.extend(custom_found.iter().map(time));
                }
                car_draws.push(m.conditions.car[k].unwrap_or(NO_ROUTE));
            });
    }
}

/// Public-transport door-to-door samples only (line phases and the setup's variability, no
/// demand): a simulation with no commuters.
pub fn transit_samples(engine: &Engine<'_>, skims: &Skims, setup: &Setup) -> Simulation {
    let zones = engine.network().zones().len();
    simulate(engine, skims, &Flows::none(zones), setup, |_| {})
}

/// No load on the line segments of `net`: the patterns of a morning's timetables, as every draw
/// lays them out (the layout of [`Simulation::segment_loads`]).
pub fn segment_layout(net: &Network) -> SegmentLoads {
    let [transit, custom_bus] = draws::timetables(net, |_| crate::routing::LineDraw::default());
    SegmentLoads::new(&[&transit, &custom_bus])
}
