//! `commute bench --scenario`: a whole Monte-Carlo run of a scenario (demand, the supply-demand
//! loop of congestion and crowding, the draws, the tables) timed on 1 and 2 threads, the thread
//! counts alternating so a change in the machine's load falls on both, with the outputs compared
//! byte for byte between the counts. One command re-measures the parallel speed-up of the run
//! the README quotes.

use commute::run::{self, RunOptions, RunOutput};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

/// The thread counts compared.
const THREADS: [usize; 2] = [1, 2];

/// What `bench --scenario` prints.
#[derive(Debug, Serialize)]
struct Report {
    scenario: String,
    draws: u32,
    seed: u64,
    /// Per thread count (as [`THREADS`]), the wall seconds of each run, in the order run.
    seconds: [Vec<f64>; 2],
    /// Per thread count, the median.
    median_s: [f64; 2],
    /// Median on 1 thread over median on 2.
    speed_up: f64,
    /// The 1-minute load average before and after (Linux; `None` elsewhere).
    load_before: Option<f64>,
    load_after: Option<f64>,
}

/// The 1-minute load average (Linux; `None` elsewhere).
fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Every output file of `out`, summary.json without its `run` section (threads and wall time).
fn outputs(out: &mut RunOutput) -> Vec<(&'static str, Vec<u8>)> {
    out.summary.run.threads = 0;
    out.summary.run.wall_time_s = 0.0;
    out.summary.run.samples_per_s = None;
    let mut files = out.files();
    files.push(("summary.json", out.summary_json()));
    if let Some(mc) = out.monte_carlo() {
        files.push((
            "report.html",
            commute::report::run_html(mc).as_bytes().to_vec(),
        ));
    }
    files
}

/// Runs `path` with `draws` draws and `seed` `repeat` times on each of [`THREADS`], alternating,
/// and prints the medians and the speed-up (as JSON with `json`).
pub(super) fn run(
    path: &Path,
    draws: u32,
    seed: u64,
    repeat: usize,
    json: bool,
) -> anyhow::Result<()> {
    let scenario = commute::scenario::load(path)?;
    let pools = [
        rayon::ThreadPoolBuilder::new()
            .num_threads(THREADS[0])
            .build()?,
        rayon::ThreadPoolBuilder::new()
            .num_threads(THREADS[1])
            .build()?,
    ];
    let mut report = Report {
        scenario: path.display().to_string(),
        draws,
        seed,
        seconds: [Vec::new(), Vec::new()],
        median_s: [0.0; 2],
        speed_up: 0.0,
        load_before: load_average(),
        load_after: None,
    };
    let mut first: Option<Vec<(&'static str, Vec<u8>)>> = None;
    for _ in 0..repeat {
        for (slot, pool) in pools.iter().enumerate() {
            let started = Instant::now();
            let mut out = pool.install(|| run::run(&scenario, RunOptions { seed, draws }, |_| {}));
            report.seconds[slot].push(started.elapsed().as_secs_f64());
            let files = outputs(&mut out);
            match &first {
                None => first = Some(files),
                Some(expected) => {
                    for ((name, want), (_, got)) in expected.iter().zip(&files) {
                        anyhow::ensure!(
                            want == got,
                            "{name} differs between runs (on {} threads): results must not \
                             depend on the thread count",
                            THREADS[slot]
                        );
                    }
                }
            }
        }
    }
    report.load_after = load_average();
    report.median_s = report.seconds.clone().map(|mut s| {
        s.sort_by(f64::total_cmp);
        commute::stats::percentile(&s, 50.0).unwrap_or(f64::NAN)
    });
    report.speed_up = report.median_s[0] / report.median_s[1];
    print(&report, json)
}

/// Prints `report` as JSON or as lines of text.
fn print(report: &Report, json: bool) -> anyhow::Result<()> {
    if json {
        return super::print_json(report);
    }
    let load = |l: Option<f64>| l.map_or("-".to_owned(), |l| format!("{l:.2}"));
    outln!(
        "{}: {} draws, seed {}, outputs identical on {} and {} threads; load average {} before, {} after",
        report.scenario,
        report.draws,
        report.seed,
        THREADS[0],
        THREADS[1],
        load(report.load_before),
        load(report.load_after)
    );
    for (slot, threads) in THREADS.iter().enumerate() {
        let runs: Vec<String> = report.seconds[slot]
            .iter()
            .map(|s| format!("{s:.2}"))
            .collect();
        outln!(
            "{threads} thread(s): median {:.2} s (runs: {} s)",
            report.median_s[slot],
            runs.join(", ")
        );
    }
    outln!(
        "speed-up {} -> {} threads: {:.2}x",
        THREADS[0],
        THREADS[1],
        report.speed_up
    );
    Ok(())
}
