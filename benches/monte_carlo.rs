//! Monte-Carlo benchmark: the commute simulation on the regional network (every origin, range
//! RAPTOR over the 120 departure minutes of the window for transit and custom buses, re-routed
//! cars, choice, seats and line loads), on the default rayon pool.
//!
//! Run with `cargo bench --bench monte_carlo`.

use commute::routing::{Engine, skim_all};
use commute::sim::demand::commuter_flows;
use commute::sim::montecarlo::{Setup, simulate};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn draws_jjj(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/jjj-2024.toml");
    let scenario = commute::scenario::load(&path).expect("regional scenario loads");
    let mut group = c.benchmark_group("monte_carlo_jjj");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let engine = Engine::new(&scenario.network, scenario.window);
    let skims = skim_all(&engine);
    let flows = commuter_flows(
        &scenario.network,
        &skims,
        scenario.demand,
        scenario.choice,
        None,
        &[],
    );
    let setup = Setup::of(&scenario, 1, 5);
    group.bench_function("5_draws_all_origins", |b| {
        b.iter(|| black_box(simulate(&engine, &skims, &flows, &setup, |_| {})));
    });
    group.finish();
}

criterion_group!(benches, draws_jjj);
criterion_main!(benches);
