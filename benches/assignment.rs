//! Traffic assignment benchmarks: time to reach a relative gap of 1e-4 and 1e-6 on the TNTP
//! ChicagoSketch and Barcelona networks, with path-based gradient projection (`paths`) and
//! bi-conjugate Frank-Wolfe (`bfw`, what AequilibraE runs by default). Loading the files is not
//! timed; one timed iteration is one whole assignment from free flow to the gap target.
//!
//! The networks come from the shared data folder (`COMMUTE_SHARED_DATA`, default
//! `../shared/data` beside the crate root, as for `tests/external.rs`); without it the bench
//! panics with instructions (it never skips). `cargo bench --no-run` needs no data.
//!
//! Every case is run once untimed first and must converge, and every timed run must converge
//! too, so no figure is ever the time of a run that stopped at the iteration limit.
//!
//! Run with `cargo bench --bench assignment` (a few minutes on 2 cores: 10 samples of one run
//! each per case, the criterion minimum); one network: `cargo bench --bench assignment --
//! Barcelona`.

use commute::assign::{Algorithm, Demand, RoadNetwork, Settings, assign};
use commute::io::{load_tntp_network, load_tntp_trips};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The TNTP folder of the shared data; panics with instructions when it is missing.
fn tntp_dir() -> PathBuf {
    let data = std::env::var_os("COMMUTE_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let dir = data.join("tntp");
    assert!(
        dir.is_dir(),
        "assignment bench: TNTP data not found at {}: set COMMUTE_SHARED_DATA to the shared data \
         folder (the one holding tntp/ChicagoSketch_net.tntp)",
        dir.display()
    );
    dir
}

/// One benchmark network and the generalised-cost weights its TNTP README gives.
struct Case {
    name: &'static str,
    toll_factor: f64,
    distance_factor: f64,
}

const CASES: [Case; 2] = [
    // TNTP ChicagoSketch: 0.02 minutes per cent of toll, 0.04 minutes per mile.
    Case {
        name: "ChicagoSketch",
        toll_factor: 0.02,
        distance_factor: 0.04,
    },
    Case {
        name: "Barcelona",
        toll_factor: 0.0,
        distance_factor: 0.0,
    },
];

const GAPS: [(&str, f64); 2] = [("1e-4", 1e-4), ("1e-6", 1e-6)];

const ALGORITHMS: [Algorithm; 2] = [
    Algorithm::GradientProjection,
    Algorithm::BiconjugateFrankWolfe,
];

fn load(case: &Case) -> (RoadNetwork, Demand) {
    let dir = tntp_dir();
    let net_path = dir.join(format!("{}_net.tntp", case.name));
    let trips_path = dir.join(format!("{}_trips.tntp", case.name));
    let net = load_tntp_network(&net_path).unwrap_or_else(|e| {
        panic!(
            "assignment bench: cannot load {}: {e:#}",
            net_path.display()
        )
    });
    let demand = load_tntp_trips(&trips_path, &net).unwrap_or_else(|e| {
        panic!(
            "assignment bench: cannot load {}: {e:#}",
            trips_path.display()
        )
    });
    (net, demand)
}

/// One untimed run of `run`; panics unless it reached the gap target.
fn check(
    case: &Case,
    settings: &Settings,
    gap_name: &str,
    run: impl Fn() -> commute::assign::Assignment,
) {
    let start = Instant::now();
    let result = run();
    let last = result.last();
    assert!(
        result.converged,
        "assignment bench: {} {} did not reach gap {gap_name} in {} iterations (gap {:.3e}); \
         not timing a failed run",
        case.name,
        settings.algorithm.name(),
        last.iteration,
        last.relative_gap
    );
    eprintln!(
        "{} {} gap {gap_name}: converged in {} iterations, gap {:.3e}, {:.3} s (untimed check)",
        case.name,
        settings.algorithm.name(),
        last.iteration,
        last.relative_gap,
        start.elapsed().as_secs_f64()
    );
}

fn assignment(c: &mut Criterion) {
    for case in &CASES {
        let (net, demand) = load(case);
        let mut group = c.benchmark_group(format!("assign_{}", case.name));
        // One run is 0.1 s to tens of seconds: one run per sample, the minimum of 10 samples.
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(1))
            .measurement_time(Duration::from_secs(1));
        for algorithm in ALGORITHMS {
            for (gap_name, gap) in GAPS {
                let settings = Settings {
                    algorithm,
                    relative_gap: gap,
                    // Far above what any case needs (ChicagoSketch bfw to 1e-6 takes a few
                    // hundred); the convergence check below fails loudly if it is ever reached.
                    max_iterations: 20_000,
                    toll_factor: case.toll_factor,
                    distance_factor: case.distance_factor,
                };
                let run = || assign(&net, &demand, &[], &settings, &mut |_| {});
                let mut checked = false;
                group.bench_function(format!("{}_gap_{gap_name}", algorithm.name()), |b| {
                    // Setup, once per case and only if the filter selects it: one untimed run
                    // that must converge before criterion times anything.
                    if !checked {
                        check(case, &settings, gap_name, run);
                        checked = true;
                    }
                    b.iter(|| {
                        let a = run();
                        assert!(a.converged, "a timed run did not converge");
                        black_box(a.last().beckmann_objective)
                    })
                });
            }
        }
        group.finish();
    }
}

criterion_group!(benches, assignment);
criterion_main!(benches);
