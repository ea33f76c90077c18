//! Monte-Carlo benchmark: the commute simulation on the regional network (every origin, range
//! RAPTOR over the 120 departure minutes of the window for transit and custom buses, re-routed
//! cars, choice, seats and line loads), on the default rayon pool; and the same under jjj-2024's
//! road congestion and transit crowding on 1 and 2 threads, for the speed-up (the whole
//! 200-draw run: `commute bench --scenario scenarios/jjj-2024.toml`).
//!
//! Run with `cargo bench --bench monte_carlo`.

use commute::routing::{Engine, skim_all};
use commute::scenario::{Equilibrium, Scenario};
use commute::sim::congestion::RoadModel;
use commute::sim::demand::commuter_flows;
use commute::sim::equilibrium::balance;
use commute::sim::montecarlo::{Flows, Setup, simulate};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// The regional scenario and its commuters.
fn jjj() -> (Scenario, Flows) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/jjj-2024.toml");
    let scenario = commute::scenario::load(&path).expect("regional scenario loads");
    let skims = skim_all(&Engine::new(&scenario.network, scenario.window));
    let flows = commuter_flows(
        &scenario.network,
        &skims,
        scenario.demand,
        scenario.choice,
        None,
        &[],
    );
    (scenario, flows)
}

fn draws_jjj(c: &mut Criterion) {
    let (scenario, flows) = jjj();
    let mut group = c.benchmark_group("monte_carlo_jjj");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let engine = Engine::new(&scenario.network, scenario.window);
    let skims = skim_all(&engine);
    let setup = Setup::of(&scenario, 1, 5);
    group.bench_function("5_draws_all_origins", |b| {
        b.iter(|| black_box(simulate(&engine, &skims, &flows, &setup, |_| {})));
    });
    group.finish();
}

/// 5 draws with congested roads and crowded vehicles (the conditions of a short supply-demand
/// loop, 3 rounds of 4 draws) on 1 and then 2 threads.
fn draws_jjj_congested(c: &mut Criterion) {
    let (scenario, flows) = jjj();
    let engine = Engine::new(&scenario.network, scenario.window);
    let skims = skim_all(&engine);
    let setup = Setup::of(&scenario, 1, 5);
    let congestion = scenario
        .congestion
        .as_ref()
        .expect("jjj-2024 has [congestion]");
    let roads = RoadModel::new(
        &scenario.network,
        scenario.window,
        &setup.weights,
        congestion,
        &scenario.choice,
    );
    let short_loop = Equilibrium {
        max_rounds: 3,
        tolerance: 0.0,
        draws: 4,
        destinations: false,
    };
    let conditions = balance(
        &engine,
        &skims,
        &flows,
        None,
        None,
        &setup,
        Some(&roads),
        &scenario.crowding,
        &short_loop,
    )
    .setup;
    let mut group = c.benchmark_group("monte_carlo_jjj_congested_crowded");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        group.bench_function(format!("5_draws_{threads}_threads"), |b| {
            b.iter(|| {
                pool.install(|| black_box(simulate(&engine, &skims, &flows, &conditions, |_| {})))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, draws_jjj, draws_jjj_congested);
criterion_main!(benches);
