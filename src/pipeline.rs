//! One run of a scenario, from the resolved scenario to the bytes of every output file: the
//! deterministic skims, or the Monte-Carlo simulation with demand and choice. Pure (no I/O, runs
//! on the current rayon pool), so `commute run` writes its files and `commute compare` runs two
//! scenarios and reads the same bytes a run folder would hold.

use crate::results::CongestionInfo;
use crate::results::{
    self, DemandInfo, ModelInfo, MonteCarloInfo, NetworkCounts, PolicyMetrics, ResultInfo, RunInfo,
    RunSummary, ScenarioInfo, Unreachable,
};
use crate::routing::{Engine, skim_all};
use crate::scenario::Scenario;
use crate::sim::congestion::{RoadModel, feedback};
use crate::sim::demand::{Split, commuter_flows};
use crate::sim::montecarlo::{Setup, simulate};

/// How to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Seed of every random stream.
    pub seed: u64,
    /// Monte-Carlo draws; 0 for the deterministic model.
    pub draws: u32,
}

/// The outputs of a run.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Output files by name, in writing order; `summary.json` is the caller's to write.
    pub files: Vec<(&'static str, Vec<u8>)>,
    /// The summary (also in `files`), with `run.wall_time_s` left at 0 for the caller.
    pub summary: RunSummary,
}

/// Runs `scenario`, calling `progress(draw)` after each Monte-Carlo draw.
pub fn run(scenario: &Scenario, options: RunOptions, progress: impl Fn(u32)) -> RunOutput {
    let net = &scenario.network;
    let engine = Engine::new(net, scenario.window);
    let skims = skim_all(&engine);
    let mut files: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let mut congestion = None;
    let (monte_carlo, demand, policy, model, sim) = if options.draws == 0 {
        files.push(("od.csv", results::od_csv(net, &skims)));
        files.push(("zones.csv", results::zones_csv(net, &skims)));
        let policy = PolicyMetrics::of_skims(net, &skims);
        (None, None, policy, None, None)
    } else {
        let flows = commuter_flows(
            net,
            &skims,
            scenario.demand,
            scenario.commuter_table.as_deref(),
            &scenario.demand_scales,
        );
        let mut setup = Setup::of(scenario, options.seed, options.draws);
        let roads = scenario.congestion.as_ref().map(|c| {
            let model = RoadModel::new(net, scenario.window, &setup.weights, c, &scenario.choice);
            let feedback = feedback(&engine, &skims, &flows, &setup, &model, c, |_| {});
            setup.congestion = feedback.factors.clone();
            (c, model, feedback)
        });
        let sim = simulate(&engine, &skims, &flows, &setup, progress);
        let congested = roads.map(|(c, model, feedback)| {
            let cars = model.car_vehicles(&sim);
            let a = model.assign(&cars);
            let info = CongestionInfo::of(c, &model, &feedback, &a, cars.iter().sum());
            (info, results::links_csv(net, &model, &a))
        });
        let n = skims.zones;
        // Commuters within their own zone are counted, not routed.
        let splits: Vec<Split> = (0..n * n)
            .map(|k| Split::of(&sim, k, if k / n == k % n { 0.0 } else { flows[k] }))
            .collect();
        let intrazonal: f64 = (0..n).map(|z| flows[z * n + z]).sum();
        files.push(("od.csv", results::od_distribution_csv(net, &sim, &splits)));
        let times = results::pair_times(&sim);
        files.push((
            "zones.csv",
            results::zones_distribution_csv(net, &times, &splits),
        ));
        files.push(("lines.csv", results::lines_csv(net, &sim)));
        files.push(("draws.csv", results::draws_csv(net, &sim)));
        files.push(("distribution.csv", results::distribution_csv(net, &sim)));
        if let Some((info, links)) = congested {
            files.push(("links.csv", links));
            congestion = Some(info);
        }
        let demand = DemandInfo::of(&splits, intrazonal);
        let policy = PolicyMetrics::of_simulation(net, &times, demand.share_within_60);
        let info = MonteCarloInfo {
            seed: options.seed,
            draws: options.draws,
            departure_minutes: sim.minutes,
            samples_per_pair: u64::from(sim.draws) * u64::from(sim.minutes),
        };
        (
            Some(info),
            Some(demand),
            policy,
            Some(ModelInfo::of(scenario)),
            Some(sim),
        )
    };
    let zones_csv = &files[1].1;
    let zones_geojson = results::zones_geojson(net, zones_csv);
    files.push(("zones.geojson", zones_geojson));
    files.push((
        "network.geojson",
        results::network_geojson(net, sim.as_ref()),
    ));
    let summary = RunSummary {
        version: env!("CARGO_PKG_VERSION"),
        scenario: ScenarioInfo::of(scenario),
        network: NetworkCounts::of(net),
        results: ResultInfo {
            zone_pairs: skims.zones * skims.zones.saturating_sub(1),
            unreachable_pairs: Unreachable::of(&skims),
        },
        monte_carlo,
        demand,
        policy,
        model,
        congestion,
        run: RunInfo {
            threads: rayon::current_num_threads(),
            wall_time_s: 0.0,
            samples_per_s: None,
        },
    };
    if summary.monte_carlo.is_some() {
        let report = report_of(&summary, &files, &scenario.path);
        files.push(("report.html", report.into_bytes()));
    }
    RunOutput { files, summary }
}

/// The bytes of `summary.json`.
pub fn summary_bytes(summary: &RunSummary) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(summary).expect("in-memory JSON");
    text.push('\n');
    text.into_bytes()
}

/// The run's files with its summary, as a comparison reads them.
pub fn run_data(
    summary: &RunSummary,
    files: &[(&'static str, Vec<u8>)],
    label: &std::path::Path,
) -> crate::Result<crate::compare::RunData> {
    let mut all = files.to_vec();
    all.push(("summary.json", summary_bytes(summary)));
    crate::io::run_folder::parse_run(label, &all)
}

/// The single-run `report.html` of a Monte-Carlo run.
fn report_of(
    summary: &RunSummary,
    files: &[(&'static str, Vec<u8>)],
    label: &std::path::Path,
) -> String {
    // The files were written just now by this crate: they parse.
    let run = run_data(summary, files, label).expect("a run's own outputs parse");
    crate::compare::report::run_html(&run)
}
