//! One run of a scenario and its outputs: the deterministic skims, or the Monte-Carlo simulation
//! with demand and choice, turned into one typed value, [`RunOutput`]. Its schema (`schema.rs`:
//! a row type per CSV file; `summary.rs`: `summary.json`) is the one definition the writer
//! ([`RunOutput::files`]), the run-folder reader ([`folder`]), comparisons and reports share.
//! [`run`] is pure (no I/O, on the current rayon pool): `commute run` writes what it returns,
//! and `commute compare` uses it in memory, with no parsing back.

mod congestion;
mod demand;
mod equilibrium;
pub mod folder;
mod output;
pub mod schema;
mod spread;
mod summary;
mod tables;
mod validation;

pub use congestion::{CongestionInfo, CongestionParameters, FinalAssignment};
pub use demand::{CannotHold, HeldDemand, Horizon, check_hold};
pub use equilibrium::{CrowdingInfo, EquilibriumInfo, RoundInfo};
pub use output::{MonteCarloRun, MonteCarloTables, RunOutput, SkimTables, Tables, csv_bytes};
pub use schema::{
    ACCESS_THRESHOLDS_MIN, Distribution, DistributionRow, DrawRow, Fixed, LineRow, LinkDirection,
    LinkRow, OdMode, OdRow, Share, SkimOdRow, SkimZoneRow, ZoneRow, fixed,
};
pub use spread::{BOOTSTRAP_REPLICATES, headlines, policy_spread};
pub use summary::{
    Accessibility, ChoiceParameters, DelayParameters, DemandInfo, DemandParameters, Headlines,
    Interval, ModelInfo, MonteCarloInfo, NetworkCounts, OwnZoneTotals, PolicyMetrics, PolicySpread,
    PolicyTime, Range, ResultInfo, RunInfo, RunSummary, ScenarioInfo, Unreachable,
    VariabilityParameters,
};
pub use tables::{
    AccessDecay, OwnZones, PairTimes, distribution, draw_rows, line_rows, od_rows, pair_times,
    region_access_per_draw, skim_od_rows, skim_zone_rows, zone_access_per_draw, zone_rows,
};
pub use validation::ValidationRow;

use crate::routing::{Engine, Skims, skim_all};
use crate::scenario::{Congestion, Scenario};
use crate::sim::congestion::RoadModel;
use crate::sim::demand::{Flows, Split};
pub use crate::sim::equilibrium::WarmStart;
use crate::sim::equilibrium::{Outcome, balance};
use crate::sim::intrazonal::OwnZone;
use crate::sim::montecarlo::{Setup, simulate};
use output::{network_geojson, zones_geojson};

/// How to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Seed of every random stream.
    pub seed: u64,
    /// Monte-Carlo draws; 0 for the deterministic model.
    pub draws: u32,
}

/// The commuters a Monte-Carlo run places (see [`Horizon`]).
#[derive(Debug, Clone, PartialEq)]
pub enum RunDemand {
    /// The scenario's own demand model (variable destination).
    Own,
    /// A base scenario's commuters held (fixed demand): `flows` from [`HeldDemand::on`].
    Held {
        /// The base scenario's name.
        from: String,
        /// Commuters per zone pair of the scenario.
        flows: Flows,
    },
}

/// Runs `scenario` with its own demand, calling `progress(draw)` after each Monte-Carlo draw.
/// The summary's `run.wall_time_s` (and `samples_per_s`) are left for the caller, who knows the
/// time taken.
pub fn run(scenario: &Scenario, options: RunOptions, progress: impl Fn(u32)) -> RunOutput {
    run_with(scenario, options, RunDemand::Own, None, progress)
}

/// Runs `scenario` placing the commuters `demand`, as [`run`] does; its supply-demand loop
/// resumes from `resume` (another run's [`RunOutput::warm_start`]) when given, unless its
/// destinations respond in the loop.
pub fn run_with(
    scenario: &Scenario,
    options: RunOptions,
    demand: RunDemand,
    resume: Option<&WarmStart>,
    progress: impl Fn(u32),
) -> RunOutput {
    let net = &scenario.network;
    let engine = Engine::new(net, scenario.window);
    let skims = skim_all(&engine);
    let mut summary = RunSummary {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: ScenarioInfo::of(scenario),
        network: NetworkCounts::of(net),
        results: ResultInfo {
            zone_pairs: skims.zones * skims.zones.saturating_sub(1),
            unreachable_pairs: Unreachable::of(&skims),
        },
        monte_carlo: None,
        demand: None,
        intervals: None,
        accessibility: None,
        policy: PolicyMetrics::default(),
        policy_spread: None,
        model: None,
        congestion: None,
        equilibrium: None,
        validation: None,
        run: RunInfo {
            threads: rayon::current_num_threads(),
            wall_time_s: 0.0,
            samples_per_s: None,
        },
    };
    if options.draws == 0 {
        summary.policy = PolicyMetrics::of_skims(net, &skims);
        let od = skim_od_rows(net, &skims);
        let zones = skim_zone_rows(net, &skims);
        return RunOutput {
            summary,
            zones_geojson: zones_geojson(net, &zones),
            network_geojson: network_geojson(net, None),
            tables: Tables::Skims(SkimTables { od, zones }),
            commuters: None,
            warm_start: None,
        };
    }
    let (flows, horizon, held_from) = match demand {
        RunDemand::Own => (None, Horizon::VariableDestination, None),
        RunDemand::Held { from, flows } => (Some(flows), Horizon::FixedDemand, Some(from)),
    };
    let Balanced { roads, outcome } = balanced(scenario, options, &engine, &skims, flows, resume);
    summary.equilibrium = Some(EquilibriumInfo::of(
        &outcome,
        &scenario.equilibrium,
        &scenario.crowding,
    ));
    let flows = &outcome.flows;
    let sim = simulate(&engine, &skims, flows, &outcome.setup, progress);
    let links = roads.map(|(c, model)| {
        let cars = model.car_vehicles(&sim);
        let a = model.assign(&cars);
        summary.congestion = Some(CongestionInfo::of(c, &model, &a, cars.iter().sum()));
        congestion::link_rows(net, &model, &a)
    });
    let n = skims.zones;
    // Commuters within their own zone are counted, not routed.
    let splits: Vec<Split> = (0..n * n)
        .map(|k| {
            Split::of(
                &sim,
                k,
                if k / n == k % n {
                    0.0
                } else {
                    flows.commuters[k]
                },
            )
        })
        .collect();
    let own = OwnZone::of_all(net.zones(), &scenario.demand, &scenario.choice);
    let own_commuters: Vec<f64> = (0..n).map(|z| flows.commuters[z * n + z]).collect();
    summary.validation = scenario.targets.as_ref().map(|targets| {
        let figures = validation::RunFigures {
            net,
            flows,
            splits: &splits,
            skims: &skims,
            sim: &sim,
            own: &own,
        };
        validation::validation_rows(targets, &figures)
    });
    let times = pair_times(&sim);
    let pair_km: Vec<f64> = (0..n * n)
        .map(|k| splits[k].total_km(net, &skims, k / n, k % n))
        .collect();
    let demand = DemandInfo::of(
        &splits,
        pair_km.iter().sum(),
        OwnZoneTotals::of(&own_commuters, &own),
        horizon,
        held_from,
    );
    summary.policy = PolicyMetrics::of_simulation(net, &times, demand.share_within_60);
    summary.policy_spread = Some(policy_spread(net, &sim, options.seed));
    summary.intervals = headlines(&sim);
    let decay = AccessDecay {
        per_min: scenario.demand.beta_per_min,
        own_zone_min: scenario.demand.intrazonal_min,
    };
    let draws = draw_rows(net, &sim, decay);
    let (accessibility, access) = Accessibility::of_run(net, &draws, sim.draws, decay);
    summary.accessibility = accessibility;
    summary.monte_carlo = Some(MonteCarloInfo {
        seed: options.seed,
        draws: options.draws,
        departure_minutes: sim.minutes,
        samples_per_pair: u64::from(sim.draws) * u64::from(sim.minutes),
    });
    summary.demand = Some(demand);
    summary.model = Some(ModelInfo::of(scenario));
    let tables = MonteCarloTables {
        od: od_rows(net, &sim, &splits),
        zones: zone_rows(
            net,
            &times,
            &splits,
            &pair_km,
            OwnZones {
                commuters: &own_commuters,
                commutes: &own,
            },
            &access,
        ),
        lines: line_rows(net, &sim, &scenario.crowding),
        draws,
        distribution: distribution(net, &sim),
        links,
    };
    RunOutput {
        summary,
        zones_geojson: zones_geojson(net, &tables.zones),
        network_geojson: network_geojson(net, Some(&sim)),
        tables: Tables::MonteCarlo(tables),
        commuters: Some(outcome.flows),
        warm_start: outcome.warm_start,
    }
}

/// The commuters a Monte-Carlo run of `scenario` with its own demand places (under `options`):
/// its destination choice after the supply-demand loop, or its table. What
/// [`RunOutput::commuters`] of that run holds, without the run's final draws.
pub fn own_demand(scenario: &Scenario, options: RunOptions) -> Flows {
    let engine = Engine::new(&scenario.network, scenario.window);
    let skims = skim_all(&engine);
    // Destinations that do not respond to the loop are those of the skims (or the table).
    if !scenario.equilibrium.destinations || scenario.commuter_table.is_some() {
        return demand::own_flows(scenario, &skims);
    }
    balanced(scenario, options, &engine, &skims, None, None)
        .outcome
        .flows
}

/// Where the supply-demand loop of `base` placing `flows` (its own commuters held, as
/// `commute compare`'s before side runs it) stood before its last round: what [`run_with`] of
/// another scenario resumes from to be that comparison's after side. `None` without a loop.
pub fn held_warm_start(base: &Scenario, options: RunOptions, flows: Flows) -> Option<WarmStart> {
    if options.draws == 0 {
        return None;
    }
    let engine = Engine::new(&base.network, base.window);
    let skims = skim_all(&engine);
    balanced(base, options, &engine, &skims, Some(flows), None)
        .outcome
        .warm_start
}

/// A scenario's supply and demand in balance: the road model (with the congestion settings)
/// and the loop's outcome.
struct Balanced<'a> {
    roads: Option<(&'a Congestion, RoadModel)>,
    outcome: Outcome,
}

/// Runs the supply-demand loop of `scenario` under `options` for the commuters `held` (fixed
/// demand), or, when `None`, its own, whose destinations respond in the loop (variable
/// destination; a commuter table stays as it is).
fn balanced<'a>(
    scenario: &'a Scenario,
    options: RunOptions,
    engine: &Engine<'_>,
    skims: &Skims,
    held: Option<Flows>,
    resume: Option<&WarmStart>,
) -> Balanced<'a> {
    let net = &scenario.network;
    let held_is_none = held.is_none();
    let flows = held.unwrap_or_else(|| demand::own_flows(scenario, skims));
    // The long run's feedback: destinations respond in the loop, when the scenario asks.
    let choice = (held_is_none && scenario.equilibrium.destinations)
        .then(|| demand::destination_choice(scenario, skims))
        .flatten();
    let setup = Setup::of(scenario, options.seed, options.draws);
    let roads = scenario.congestion.as_ref().map(|c| {
        let model = RoadModel::new(net, scenario.window, &setup.weights, c, &scenario.choice);
        (c, model)
    });
    let outcome = balance(
        engine,
        skims,
        &flows,
        choice.as_ref(),
        resume,
        &setup,
        roads.as_ref().map(|(_, model)| model),
        &scenario.crowding,
        &scenario.equilibrium,
    );
    Balanced { roads, outcome }
}
