//! Monte-Carlo benchmark: travel-time draws on the regional network (every origin, range RAPTOR
//! over the 120 departure minutes of the window, random line phases), on the default rayon pool.
//!
//! Run with `cargo bench --bench monte_carlo`.

use commute::io::load_scenario;
use commute::sim::montecarlo::transit_samples;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn draws_jjj(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/jjj-2024.toml");
    let scenario = load_scenario(&path).expect("regional scenario loads");
    let mut group = c.benchmark_group("monte_carlo_jjj");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("5_draws_all_origins", |b| {
        b.iter(|| black_box(transit_samples(&scenario.network, scenario.window, 1, 5)));
    });
    group.finish();
}

criterion_group!(benches, draws_jjj);
criterion_main!(benches);
