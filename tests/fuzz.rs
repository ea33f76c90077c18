//! Property-based robustness test (issue 12, "keep it that way"): every input format `commute`
//! reads is mutated at random and fed to the real binary, which must either succeed or reject
//! the input cleanly. A hand-written test checks the mistakes someone thought of; this one checks
//! the ones nobody did, and keeps checking as the loaders change.
//!
//! Formats: the network folder (`network.toml` and each CSV of `networks/demo`), the scenario
//! TOML (a fixture using every table and modification type), a scenario extending it, its
//! commuter table, DIMACS graphs with and without the `p sp` header, TNTP network, trip and
//! flow files (fixtures in `tests/fixtures/fuzz`), and the sources of `commute import`: each
//! file of the mini GTFS feed, a zone points file and the mini OpenStreetMap extract (binary:
//! its mutations are byte edits). Mutations: byte replacements, insertions and
//! deletions, line deletions and duplications, two fields of a line swapped (comma-separated in
//! CSV files, white-space-separated elsewhere) and numbers replaced by extremes (`0`, `-1`,
//! `1e300`, `NaN`, `inf`, `4294967296`, `99999999999`, `-0`, empty, ...); one to three per case.
//!
//! Every case must end with
//! - exit code 0, or exit code 2 with a message naming an input file of the case, each problem
//!   line with its line number (`file:N`) unless it is about something missing
//!   ([`WHOLE_FILE_COMPLAINTS`]); the file named may be another than the one mutated (a deleted
//!   node is reported where it is referred to);
//! - no panic, no other exit code, no death by a signal;
//! - on failure no output: the output's folder is exactly as before (no output, no temporary
//!   sibling of any name); on success exactly the output in it;
//! - within [`MEMORY_LIMIT`] of address space (set with `setrlimit(RLIMIT_AS)` in the child, so
//!   that an absurd allocation aborts the binary instead of taking the machine down) and
//!   [`timeout`] of wall time.
//!
//! Runs: `cargo test --test fuzz` runs [`SHORT_CASES`] cases per format, from fixed seeds (the
//! same cases every time). The long run is
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz`; `FUZZ_SEED=N` explores other
//! cases, and `FUZZ_COLLECT=1` goes on after a failure, reporting every distinct one at the end
//! instead of the first shrunk one. Failing inputs are kept under
//! `target/tmp/fuzz-failures/<format>/` with the command that fails on them. With
//! `--features peers` the `bench` commands add `--peers`.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Cases per format in a plain `cargo test` (`PROPTEST_CASES` overrides).
const SHORT_CASES: u32 = 24;

/// Address space the binary may use: 2 GiB. The fixtures need a few tens of MB (mostly thread
/// stacks and the binary itself); an input that makes `commute` reserve more is a defect
/// (issue 12, item 5), and shows as a failed allocation instead of a machine out of memory.
const MEMORY_LIMIT: u64 = 2 << 30;

/// Largest file the binary may write (RLIMIT_FSIZE): 256 MiB, far beyond any output of the
/// fixtures, so a runaway output cannot fill the disk.
const FILE_SIZE_LIMIT: u64 = 256 << 20;

/// Default seed of the case generator; `FUZZ_SEED` (or `PROPTEST_RNG_SEED`) overrides.
const DEFAULT_SEED: u64 = 12;

/// Wall time one case may take before it counts as a hang: `FUZZ_TIMEOUT_S`, default 60 s (a
/// debug build on two busy cores takes about 0.5 s for the slowest command).
fn timeout() -> Duration {
    let s = env_u64("FUZZ_TIMEOUT_S").unwrap_or(60);
    Duration::from_secs(s)
}

/// Problem lines that rightly have no line number: each is about something missing from a file
/// (a row, a column, a block, a node asked for on the command line) or about the file as a whole,
/// which has no line to point at.
const WHOLE_FILE_COMPLAINTS: &[&str] = &[
    // a binary file has no lines
    "cannot be read as an OpenStreetMap PBF extract",
    // a zone points file with its header only
    "has no zones",
    "has no access link",
    "needs at least two stops",
    "has no service in",
    "links of the network have no flow",
    "missing from the metadata",
    "is not a node of",
    "no `network` given",
    // draws.csv without the rows of some pairs of od.csv
    "lack some of the",
    // summary.json without `monte_carlo`
    "a deterministic run: compare needs a Monte-Carlo run",
    // a road graph whose shortest distances saturate: a property of its paths, not of one arc
    "the weights are too large",
];

/// Refusals about the command's inputs taken together rather than about one file: they need
/// not name a file (each says what differs).
const NOT_ABOUT_ONE_FILE: &[&str] = &["the runs are not paired ("];

// ---------------------------------------------------------------------------------------------
// Formats and their fixtures

/// Where a case's fixtures come from.
#[derive(Debug, Clone, Copy)]
enum Fixtures {
    /// `networks/demo` in `net/` plus the scenario fixtures next to it.
    Network,
    /// The DIMACS graphs.
    Dimacs,
    /// The TNTP network, trips and flows.
    Tntp,
    /// The import sources: the mini GTFS feed in `feed/`, the mini OpenStreetMap extract
    /// `mini.osm.pbf` and a zone points file `points.csv`.
    Import,
    /// The network fixtures plus two Monte-Carlo run folders, `before/` (scenario.toml) and
    /// `after/` (commuters.toml), made by the binary once per test process.
    Runs,
}

/// One input format under test: which file of the case is mutated and the commands run on it.
struct Format {
    /// The mutated file, relative to the case folder.
    file: &'static str,
    fixtures: Fixtures,
    /// Field separator for field swaps: `,` (CSV) or ` ` (white space).
    separator: u8,
    /// Command lines, relative to the case folder; `OUT` is the output (in `outdir/`). A command
    /// is drawn per case; repeated entries are drawn more often.
    commands: &'static [&'static [&'static str]],
}

/// The output of a command, relative to the case folder.
const OUT: &str = "outdir/out";

const RUN: &[&str] = &[
    "run",
    "scenario.toml",
    "--out",
    OUT,
    "--quiet",
    "--threads",
    "1",
];
const RUN_DRAWS: &[&str] = &[
    "run",
    "scenario.toml",
    "--out",
    OUT,
    "--quiet",
    "--threads",
    "1",
    "--draws",
    "1",
];
const VALIDATE: &[&str] = &["validate", "scenario.toml"];
/// Network files: mostly the deterministic run (fast); a Monte-Carlo run with congestion reaches
/// the simulation and the assignment.
const NETWORK_COMMANDS: &[&[&str]] = &[RUN, RUN, RUN, VALIDATE, RUN_DRAWS];
const COMMUTERS_COMMANDS: &[&[&str]] = &[
    &[
        "run",
        "commuters.toml",
        "--out",
        OUT,
        "--quiet",
        "--threads",
        "1",
        "--draws",
        "1",
    ],
    &[
        "run",
        "commuters.toml",
        "--out",
        OUT,
        "--quiet",
        "--threads",
        "1",
    ],
    &["validate", "commuters.toml"],
];
// `bench` cross-checks the peers (petgraph, fast_paths) too when the binary has them: the tests
// were built with `--features peers`.
#[cfg(feature = "peers")]
const BENCH_DIMACS: &[&str] = &[
    "bench",
    "graph.gr",
    "--queries",
    "20",
    "--matrix",
    "4",
    "--peers",
];
#[cfg(not(feature = "peers"))]
const BENCH_DIMACS: &[&str] = &["bench", "graph.gr", "--queries", "20", "--matrix", "4"];
#[cfg(feature = "peers")]
const BENCH_HEADERLESS: &[&str] = &[
    "bench",
    "headerless.gr",
    "--queries",
    "20",
    "--matrix",
    "4",
    "--peers",
];
#[cfg(not(feature = "peers"))]
const BENCH_HEADERLESS: &[&str] = &["bench", "headerless.gr", "--queries", "20", "--matrix", "4"];
const DIMACS_COMMANDS: &[&[&str]] = &[
    &["sp", "graph.gr", "--source", "1"],
    &["sp", "graph.gr", "--source", "1", "--engine", "ch"],
    &[
        "sp", "graph.gr", "--source", "2", "--target", "8", "--engine", "ch",
    ],
    BENCH_DIMACS,
];
const HEADERLESS_COMMANDS: &[&[&str]] = &[
    &["sp", "headerless.gr", "--source", "0"],
    &["sp", "headerless.gr", "--source", "0", "--engine", "ch"],
    &[
        "sp",
        "headerless.gr",
        "--source",
        "1",
        "--target",
        "7",
        "--engine",
        "ch",
    ],
    BENCH_HEADERLESS,
];
const ASSIGN: &[&str] = &[
    "assign",
    "tiny_net.tntp",
    "tiny_trips.tntp",
    "--out",
    OUT,
    "--check",
    "tiny_flow.tntp",
    "--max-iter",
    "20",
];
const TNTP_COMMANDS: &[&[&str]] = &[
    ASSIGN,
    &[
        "assign",
        "tiny_net.tntp",
        "tiny_trips.tntp",
        "--out",
        OUT,
        "--max-iter",
        "20",
        "--algorithm",
        "bfw",
    ],
    &[
        "assign",
        "tiny_net.tntp",
        "tiny_trips.tntp",
        "--max-iter",
        "20",
        "--algorithm",
        "fw",
        "--json",
        "--toll-factor",
        "0.5",
        "--distance-factor",
        "0.1",
    ],
];
/// Run folders: compared with each other (the demand differs: unpaired), with themselves, and
/// (less often: a Monte-Carlo run) with a scenario run at the folder's seed and draws.
const COMPARE_COMMANDS: &[&[&str]] = &[
    COMPARE_BEFORE_AFTER,
    COMPARE_AFTER_BEFORE,
    COMPARE_BEFORE_BEFORE,
    COMPARE_BEFORE_AFTER,
    COMPARE_AFTER_BEFORE,
    COMPARE_BEFORE_BEFORE,
    COMPARE_SCENARIO_BEFORE,
];
const COMPARE_BEFORE_AFTER: &[&str] = &[
    "compare",
    "before",
    "after",
    "--out",
    OUT,
    "--quiet",
    "--threads",
    "1",
    "--allow-unpaired",
];
const COMPARE_AFTER_BEFORE: &[&str] = &[
    "compare",
    "after",
    "before",
    "--out",
    OUT,
    "--quiet",
    "--threads",
    "1",
    "--allow-unpaired",
];
const COMPARE_BEFORE_BEFORE: &[&str] = &[
    "compare",
    "before",
    "before",
    "--out",
    OUT,
    "--quiet",
    "--threads",
    "1",
];
const COMPARE_SCENARIO_BEFORE: &[&str] = &[
    "compare",
    "scenario.toml",
    "before",
    "--out",
    OUT,
    "--quiet",
    "--threads",
    "1",
];
const TNTP_NET_COMMANDS: &[&[&str]] = &[
    ASSIGN,
    ASSIGN,
    &["sp", "tiny_net.tntp", "--source", "1"],
    &["sp", "tiny_net.tntp", "--source", "1", "--engine", "ch"],
];

const IMPORT_GTFS: &[&str] = &[
    "import",
    "--gtfs",
    "feed",
    "--date",
    "2024-05-06",
    "--out",
    OUT,
];
const IMPORT_ALL: &[&str] = &[
    "import",
    "--gtfs",
    "feed",
    "--osm",
    "mini.osm.pbf",
    "--zones",
    "points.csv",
    "--date",
    "2024-05-06",
    "--out",
    OUT,
];
const IMPORT_COMMANDS: &[&[&str]] = &[IMPORT_GTFS, IMPORT_ALL];

/// A source of `commute import`.
fn import_source(file: &'static str, separator: u8) -> Format {
    Format {
        file,
        fixtures: Fixtures::Import,
        separator,
        commands: IMPORT_COMMANDS,
    }
}

/// A file of a run folder, read by `commute compare`.
fn run_file(file: &'static str) -> Format {
    Format {
        file,
        fixtures: Fixtures::Runs,
        separator: if file.ends_with(".csv") { b',' } else { b' ' },
        commands: COMPARE_COMMANDS,
    }
}

const fn network(file: &'static str, separator: u8) -> Format {
    Format {
        file,
        fixtures: Fixtures::Network,
        separator,
        commands: NETWORK_COMMANDS,
    }
}

/// Every format, by the name of its test.
fn format(name: &str) -> Format {
    match name {
        "network_toml" => network("net/network.toml", b' '),
        "nodes_csv" => network("net/nodes.csv", b','),
        "roads_csv" => network("net/roads.csv", b','),
        "walk_csv" => network("net/walk.csv", b','),
        "transfers_csv" => network("net/transfers.csv", b','),
        "lines_csv" => network("net/lines.csv", b','),
        "stops_csv" => network("net/stops.csv", b','),
        "service_csv" => network("net/service.csv", b','),
        "departures_csv" => network("net/departures.csv", b','),
        "zones_csv" => network("net/zones.csv", b','),
        "access_csv" => network("net/access.csv", b','),
        "targets_toml" => network("net/targets.toml", b' '),
        "scenario_toml" => network("scenario.toml", b' '),
        "extending_scenario_toml" => Format {
            file: "commuters.toml",
            commands: COMMUTERS_COMMANDS,
            ..network("", b' ')
        },
        "commuters_csv" => Format {
            file: "commuters.csv",
            commands: COMMUTERS_COMMANDS,
            ..network("", b',')
        },
        "dimacs" => Format {
            file: "graph.gr",
            fixtures: Fixtures::Dimacs,
            separator: b' ',
            commands: DIMACS_COMMANDS,
        },
        "dimacs_headerless" => Format {
            file: "headerless.gr",
            fixtures: Fixtures::Dimacs,
            separator: b' ',
            commands: HEADERLESS_COMMANDS,
        },
        "tntp_net" => Format {
            file: "tiny_net.tntp",
            fixtures: Fixtures::Tntp,
            separator: b' ',
            commands: TNTP_NET_COMMANDS,
        },
        "tntp_trips" => Format {
            file: "tiny_trips.tntp",
            fixtures: Fixtures::Tntp,
            separator: b' ',
            commands: TNTP_COMMANDS,
        },
        "tntp_flow" => Format {
            file: "tiny_flow.tntp",
            fixtures: Fixtures::Tntp,
            separator: b' ',
            commands: &[ASSIGN],
        },
        "gtfs_stops_txt" => import_source("feed/stops.txt", b','),
        "gtfs_routes_txt" => import_source("feed/routes.txt", b','),
        "gtfs_trips_txt" => import_source("feed/trips.txt", b','),
        "gtfs_stop_times_txt" => import_source("feed/stop_times.txt", b','),
        "gtfs_calendar_txt" => import_source("feed/calendar.txt", b','),
        "gtfs_calendar_dates_txt" => import_source("feed/calendar_dates.txt", b','),
        "gtfs_frequencies_txt" => import_source("feed/frequencies.txt", b','),
        "gtfs_transfers_txt" => import_source("feed/transfers.txt", b','),
        "gtfs_fares_txt" => import_source("feed/fare_attributes.txt", b','),
        "zone_points_csv" => import_source("points.csv", b','),
        "osm_pbf" => import_source("mini.osm.pbf", b' '),
        "run_summary_json" => run_file("before/summary.json"),
        "run_od_csv" => run_file("before/od.csv"),
        "run_draws_csv" => run_file("before/draws.csv"),
        "run_zones_csv" => run_file("before/zones.csv"),
        "run_lines_csv" => run_file("before/lines.csv"),
        "run_links_csv" => run_file("before/links.csv"),
        "run_distribution_csv" => run_file("after/distribution.csv"),
        "run_zones_geojson" => run_file("after/zones.geojson"),
        "run_network_geojson" => run_file("after/network.geojson"),
        other => panic!("no format {other}"),
    }
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the fixtures of `kind` into the empty folder `dir`, with an empty `outdir/`.
fn lay_out(kind: Fixtures, dir: &Path) {
    let fixtures = repo().join("tests/fixtures/fuzz");
    let copy = |from: &Path, name: &str| {
        fs::copy(from.join(name), dir.join(name)).expect("fixture copied");
    };
    match kind {
        Fixtures::Network => lay_out_network(dir),
        Fixtures::Dimacs => {
            for f in ["graph.gr", "headerless.gr"] {
                copy(&fixtures, f);
            }
        }
        Fixtures::Tntp => {
            for f in ["tiny_net.tntp", "tiny_trips.tntp", "tiny_flow.tntp"] {
                copy(&fixtures, f);
            }
        }
        Fixtures::Import => {
            let feed = dir.join("feed");
            fs::create_dir(&feed).unwrap();
            for entry in fs::read_dir(repo().join("tests/fixtures/gtfs/mini")).unwrap() {
                let entry = entry.unwrap();
                fs::copy(entry.path(), feed.join(entry.file_name())).unwrap();
            }
            fs::copy(
                repo().join("tests/fixtures/osm/mini.osm.pbf"),
                dir.join("mini.osm.pbf"),
            )
            .unwrap();
            fs::write(
                dir.join("points.csv"),
                "id,name,lon,lat,residents,jobs,car_share\nwest,West,116.401,39.900,5000,800,0.3\n\
                 east,East,116.429,39.900,2000,6000,0.5\n",
            )
            .unwrap();
        }
        Fixtures::Runs => {
            lay_out_network(dir);
            let runs = run_folders();
            for run in ["before", "after"] {
                fs::create_dir(dir.join(run)).unwrap();
                for entry in fs::read_dir(runs.join(run)).unwrap() {
                    let entry = entry.unwrap();
                    fs::copy(entry.path(), dir.join(run).join(entry.file_name())).unwrap();
                }
            }
        }
    }
    fs::create_dir(dir.join("outdir")).unwrap();
}

/// `networks/demo` in `dir/net` and the scenario fixtures in `dir`.
fn lay_out_network(dir: &Path) {
    let fixtures = repo().join("tests/fixtures/fuzz");
    let net = dir.join("net");
    fs::create_dir(&net).unwrap();
    for entry in fs::read_dir(repo().join("networks/demo")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), net.join(entry.file_name())).unwrap();
    }
    for f in ["scenario.toml", "commuters.toml", "commuters.csv"] {
        fs::copy(fixtures.join(f), dir.join(f)).expect("fixture copied");
    }
    fs::copy(fixtures.join("targets.toml"), net.join("targets.toml")).expect("fixture copied");
}

/// The run folders of [`Fixtures::Runs`]: made once per test process, in
/// `target/tmp/fuzz-runs/<pid>` (folders of processes gone for an hour are removed).
fn run_folders() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-runs");
        for old in fs::read_dir(&root).into_iter().flatten().flatten() {
            let stale = old
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > Duration::from_secs(3600)));
            if stale {
                let _ = fs::remove_dir_all(old.path());
            }
        }
        let dir = root.join(std::process::id().to_string());
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        lay_out_network(&dir);
        for (scenario, out) in [("scenario.toml", "before"), ("commuters.toml", "after")] {
            let args = [
                "run",
                scenario,
                "--out",
                out,
                "--quiet",
                "--threads",
                "1",
                "--draws",
                "2",
            ];
            let f = run_binary(&dir, &args);
            assert_eq!(
                f.status.and_then(|s| s.code()),
                Some(0),
                "making the run folder {out}: {}",
                f.stderr
            );
        }
        dir
    })
}

/// The input files of a case (relative paths as the binary prints them).
fn inputs(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut subs = vec![String::new()];
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().is_ok_and(|t| t.is_dir()) && name != "outdir" {
            subs.push(name);
        }
    }
    for sub in &subs {
        let Ok(entries) = fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_file()) {
                let name = e.file_name().to_string_lossy().into_owned();
                if !name.starts_with("std") {
                    files.push(if sub.is_empty() {
                        name
                    } else {
                        format!("{sub}/{name}")
                    });
                }
            }
        }
    }
    // Longest first: `net/zones.csv` before `zones.csv`.
    files.sort_by_key(|f| std::cmp::Reverse(f.len()));
    files
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// Numbers put in place of a number of the file.
const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1e300",
    "-1e300",
    "1e-300",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "4294967296",
    "4294967295",
    "4000000000",
    "2147483648",
    "99999999999",
    "18446744073709551616",
    "-0",
    "",
    "0.5",
    "1.5e10",
];

/// Bytes more likely than others to break a parser.
const INTERESTING_BYTES: &[u8] = b",;:#~\"'\n\r\t []{}=<>.-+0123456789eE\0\x7f\xc3\xff";

/// One edit of a file.
#[derive(Debug, Clone)]
enum Mutation {
    ReplaceByte(Index, u8),
    InsertByte(Index, u8),
    DeleteByte(Index),
    DeleteLine(Index),
    DuplicateLine(Index),
    /// Swaps two fields of a line.
    SwapFields(Index, Index, Index),
    /// Replaces a number of the file by an extreme.
    Extreme(Index, &'static str),
}

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![any::<u8>(), prop::sample::select(INTERESTING_BYTES)]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<Index>(), byte()).prop_map(|(i, b)| Mutation::ReplaceByte(i, b)),
        1 => (any::<Index>(), byte()).prop_map(|(i, b)| Mutation::InsertByte(i, b)),
        1 => any::<Index>().prop_map(Mutation::DeleteByte),
        2 => any::<Index>().prop_map(Mutation::DeleteLine),
        2 => any::<Index>().prop_map(Mutation::DuplicateLine),
        2 => (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(l, a, b)| Mutation::SwapFields(l, a, b)),
        4 => (any::<Index>(), prop::sample::select(EXTREMES))
            .prop_map(|(i, v)| Mutation::Extreme(i, v)),
    ]
}

/// A case: the command drawn and one to three mutations.
fn case() -> impl Strategy<Value = (Index, Vec<Mutation>)> {
    (any::<Index>(), prop::collection::vec(mutation(), 1..=3))
}

/// Lines of `bytes` as byte ranges, each with its line ending.
fn line_ranges(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        ranges.push(start..bytes.len());
    }
    ranges
}

/// Fields of a line (without its ending) as byte ranges: split at `,`, or white-space runs.
fn field_ranges(line: &[u8], separator: u8) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    if separator == b',' {
        let mut start = 0;
        for (i, &b) in line.iter().enumerate() {
            if b == b',' {
                ranges.push(start..i);
                start = i + 1;
            }
        }
        ranges.push(start..line.len());
    } else {
        let mut start = None;
        for (i, &b) in line.iter().enumerate() {
            match (b.is_ascii_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    ranges.push(s..i);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            ranges.push(s..line.len());
        }
    }
    ranges
}

/// Numbers of `bytes`: runs of `[0-9.eE+-]` with a digit, not part of a word (`r_s5`, `L22`).
fn number_ranges(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let numeric = |b: u8| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-');
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = (bytes[i].is_ascii_digit()
            || (matches!(bytes[i], b'-' | b'+' | b'.')
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
            && (i == 0 || !word(bytes[i - 1]));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len() && numeric(bytes[j]) {
            j += 1;
        }
        if j == bytes.len() || !word(bytes[j]) {
            ranges.push(i..j);
        }
        i = j;
    }
    ranges
}

/// Printable excerpt of bytes.
fn show(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_end_matches(['\n', '\r']);
    let mut s: String = text.chars().take(100).collect();
    if text.chars().count() > 100 {
        s.push_str("...");
    }
    format!("{s:?}")
}

/// 1-based line of byte `at`.
fn line_no(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Applies `m` to `bytes`; returns what it did, in words (`None`: nothing to do, e.g. a swap on
/// a line of one field).
fn apply(m: &Mutation, bytes: &mut Vec<u8>, separator: u8) -> Option<String> {
    let len = bytes.len();
    match *m {
        Mutation::ReplaceByte(i, b) => {
            if len == 0 {
                return None;
            }
            let at = i.index(len);
            let old = bytes[at];
            bytes[at] = b;
            Some(format!(
                "line {}: byte {at} {old:#04x} replaced by {b:#04x}",
                line_no(bytes, at)
            ))
        }
        Mutation::InsertByte(i, b) => {
            let at = i.index(len + 1);
            bytes.insert(at, b);
            Some(format!(
                "line {}: byte {b:#04x} inserted at {at}",
                line_no(bytes, at)
            ))
        }
        Mutation::DeleteByte(i) => {
            if len == 0 {
                return None;
            }
            let at = i.index(len);
            let old = bytes.remove(at);
            Some(format!(
                "line {}: byte {at} {old:#04x} deleted",
                line_no(bytes, at)
            ))
        }
        Mutation::DeleteLine(i) => {
            let lines = line_ranges(bytes);
            if lines.is_empty() {
                return None;
            }
            let n = i.index(lines.len());
            let r = lines[n].clone();
            let text = show(&bytes[r.clone()]);
            bytes.drain(r);
            Some(format!("line {} deleted: {text}", n + 1))
        }
        Mutation::DuplicateLine(i) => {
            let lines = line_ranges(bytes);
            if lines.is_empty() {
                return None;
            }
            let n = i.index(lines.len());
            let mut line = bytes[lines[n].clone()].to_vec();
            if line.last() != Some(&b'\n') {
                line.insert(0, b'\n');
            }
            let text = show(&line);
            let end = lines[n].end;
            bytes.splice(end..end, line);
            Some(format!("line {} duplicated: {text}", n + 1))
        }
        Mutation::SwapFields(l, a, b) => {
            let lines = line_ranges(bytes);
            if lines.is_empty() {
                return None;
            }
            let n = l.index(lines.len());
            let r = lines[n].clone();
            let mut content = &bytes[r.clone()];
            while let Some((&last, rest)) = content.split_last() {
                if last == b'\n' || last == b'\r' {
                    content = rest;
                } else {
                    break;
                }
            }
            let fields = field_ranges(content, separator);
            if fields.len() < 2 {
                return None;
            }
            let (x, y) = (a.index(fields.len()), b.index(fields.len()));
            if x == y {
                return None;
            }
            let (x, y) = (x.min(y), x.max(y));
            let (fx, fy) = (fields[x].clone(), fields[y].clone());
            let mut swapped = Vec::with_capacity(content.len());
            swapped.extend_from_slice(&content[..fx.start]);
            swapped.extend_from_slice(&content[fy.clone()]);
            swapped.extend_from_slice(&content[fx.end..fy.start]);
            swapped.extend_from_slice(&content[fx.clone()]);
            swapped.extend_from_slice(&content[fy.end..]);
            let text = format!(
                "line {}: fields {} and {} swapped: {}",
                n + 1,
                x + 1,
                y + 1,
                show(&swapped)
            );
            bytes.splice(r.start..r.start + content.len(), swapped);
            Some(text)
        }
        Mutation::Extreme(i, value) => {
            let numbers = number_ranges(bytes);
            if numbers.is_empty() {
                return None;
            }
            let r = numbers[i.index(numbers.len())].clone();
            let text = format!(
                "line {}: number `{}` replaced by `{value}`",
                line_no(bytes, r.start),
                String::from_utf8_lossy(&bytes[r.clone()])
            );
            bytes.splice(r, value.bytes());
            Some(text)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running a case

/// What went wrong in a case.
#[derive(Debug, Clone)]
enum Failure {
    /// Still running after the timeout (killed).
    Hang,
    /// A panic message, or exit code 101.
    Panic(String),
    /// Ended by a signal (an abort on a failed allocation beyond [`MEMORY_LIMIT`] included).
    Signal(i32, String),
    /// An exit code other than 0 or 2.
    ExitCode(i32, String),
    /// Exit 2 without naming any input file.
    NoFile(String),
    /// Exit 2 with a problem line that names a file but no line number.
    NoLine(String),
    /// Output left behind: the output folder's entries after the command.
    Leftover { code: i32, entries: Vec<String> },
}

impl Failure {
    /// The failure without the case's particulars (numbers, quoted values): failures with the
    /// same signature are one defect.
    fn signature(&self) -> String {
        let normalise = |s: &str| {
            let mut out = String::new();
            // Inside backquotes: `Some(true)` keeps the text (a field name), `Some(false)` drops
            // it (a value).
            let mut quote: Option<bool> = None;
            for c in s.chars() {
                match (c, quote) {
                    ('`', None) => {
                        quote = Some(out.ends_with("field "));
                        out.push('`');
                    }
                    ('`', Some(_)) => {
                        quote = None;
                        out.push('`');
                    }
                    (_, Some(false)) => {}
                    (c, _) if c.is_ascii_digit() => {
                        if !out.ends_with('#') {
                            out.push('#');
                        }
                    }
                    (c, _) => out.push(c),
                }
            }
            out.chars().take(160).collect::<String>()
        };
        match self {
            Failure::Hang => "hang".into(),
            Failure::Panic(m) => format!("panic: {}", normalise(m)),
            Failure::Signal(s, m) => format!("signal {s}: {}", normalise(m)),
            Failure::ExitCode(c, m) => format!("exit {c}: {}", normalise(m)),
            Failure::NoFile(m) => format!("no file named: {}", normalise(m)),
            Failure::NoLine(m) => format!("no line number: {}", normalise(m)),
            Failure::Leftover { code, entries } => {
                format!(
                    "output left after exit {code}: {}",
                    normalise(&entries.join(" "))
                )
            }
        }
    }
}

/// One command's end.
struct Finished {
    status: Option<std::process::ExitStatus>,
    stdout: String,
    stderr: String,
    seconds: f64,
}

/// At most this much of stdout and stderr is read back.
const OUTPUT_READ: u64 = 1 << 20;

fn read_capped(path: &Path) -> String {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    if let Ok(f) = fs::File::open(path) {
        let _ = f.take(OUTPUT_READ).read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Runs the binary with `args` in `dir`, under the memory and file-size limits and the timeout.
fn run_binary(dir: &Path, args: &[&str]) -> Finished {
    let stdout = fs::File::create(dir.join("stdout.txt")).unwrap();
    let stderr = fs::File::create(dir.join("stderr.txt")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_commute"));
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        // Few threads and malloc arenas: the address-space limit must not depend on the
        // machine's core count.
        .env("RAYON_NUM_THREADS", "2")
        .env("MALLOC_ARENA_MAX", "2")
        .env_remove("RUST_BACKTRACE");
    // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
    unsafe {
        command.pre_exec(|| {
            for (resource, limit) in [
                (libc::RLIMIT_AS, MEMORY_LIMIT),
                (libc::RLIMIT_FSIZE, FILE_SIZE_LIMIT),
                (libc::RLIMIT_CORE, 0),
            ] {
                let l = libc::rlimit {
                    rlim_cur: limit as libc::rlim_t,
                    rlim_max: limit as libc::rlim_t,
                };
                if libc::setrlimit(resource, &l) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("the commute binary starts");
    let deadline = started + timeout();
    let mut pause = Duration::from_micros(200);
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for commute") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(10));
    };
    Finished {
        status,
        stdout: read_capped(&dir.join("stdout.txt")),
        stderr: read_capped(&dir.join("stderr.txt")),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Names of the entries of `dir`.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Checks a finished command against the contract; `None` when it kept it.
fn check(dir: &Path, args: &[&str], f: &Finished) -> Option<Failure> {
    let all = format!("{}\n{}", f.stdout, f.stderr);
    let Some(status) = f.status else {
        return Some(Failure::Hang);
    };
    if let Some(at) = all.find("panicked") {
        return Some(Failure::Panic(
            all[at..].lines().take(2).collect::<Vec<_>>().join(" "),
        ));
    }
    let tail = || {
        f.stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_owned()
    };
    let code = match (status.code(), status.signal()) {
        (Some(101), _) => return Some(Failure::Panic(tail())),
        (Some(c @ (0 | 2)), _) => c,
        (Some(c), _) => return Some(Failure::ExitCode(c, tail())),
        (None, Some(s)) => {
            // The first line says why (`memory allocation of N bytes failed`).
            let first = f.stderr.lines().find(|l| !l.trim().is_empty());
            return Some(Failure::Signal(s, first.unwrap_or("").to_owned()));
        }
        (None, None) => unreachable!("a status has a code or a signal"),
    };
    let expected = match (code, args.contains(&OUT)) {
        (0, true) => vec!["out".to_owned()],
        _ => Vec::new(),
    };
    let left = entries(&dir.join("outdir"));
    if left != expected {
        return Some(Failure::Leftover {
            code,
            entries: left,
        });
    }
    if code == 0 {
        return None;
    }
    // Exit 2: a file named, each problem line located.
    let files = inputs(dir);
    let mut named = false;
    for line in all.lines() {
        let line = line.trim();
        if line.starts_with("warning:") || line.starts_with("ok:") {
            continue;
        }
        if files.iter().any(|f| line.contains(f.as_str())) {
            named = true;
        }
        // A problem line starts with its file (after `error: ` or `cannot read `); a file named
        // inside a sentence is not a problem line.
        let rest = line.strip_prefix("error: ").unwrap_or(line);
        let rest = rest.strip_prefix("cannot read ").unwrap_or(rest);
        let Some(file) = files.iter().find(|f| rest.starts_with(f.as_str())) else {
            continue;
        };
        let after = &rest[file.len()..];
        let located = after
            .strip_prefix(':')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
        let heading =
            after.contains("problem in the input") || after.contains("problems in the input");
        if !located && !heading && !WHOLE_FILE_COMPLAINTS.iter().any(|w| line.contains(w)) {
            return Some(Failure::NoLine(line.to_owned()));
        }
    }
    if !named && !NOT_ABOUT_ONE_FILE.iter().any(|w| f.stderr.contains(w)) {
        return Some(Failure::NoFile(tail()));
    }
    None
}

// ---------------------------------------------------------------------------------------------
// The property

/// Environment variable as a number.
fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// splitmix64: a seed per format from the run's seed and the format's name.
fn seed_bytes(seed: u64, name: &str) -> [u8; 32] {
    let mut state = name.bytes().fold(seed ^ 0x9e37_79b9_7f4a_7c15, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

/// A failure with everything needed to reproduce it.
#[derive(Debug, Clone)]
struct Finding {
    failure: Failure,
    command: String,
    edits: Vec<String>,
    saved: PathBuf,
}

/// Runs one case: the seconds it took in the binary, or the finding when the contract is broken.
fn run_case(
    name: &str,
    format: &Format,
    command: Index,
    mutations: &[Mutation],
) -> Result<f64, Finding> {
    let dir = tempfile::tempdir().expect("temporary folder");
    lay_out(format.fixtures, dir.path());
    let target = dir.path().join(format.file);
    let mut bytes = fs::read(&target).expect("fixture read");
    let edits: Vec<String> = mutations
        .iter()
        .filter_map(|m| apply(m, &mut bytes, format.separator))
        .collect();
    fs::write(&target, &bytes).unwrap();
    let args = format.commands[command.index(format.commands.len())];
    let finished = run_binary(dir.path(), args);
    let Some(failure) = check(dir.path(), args, &finished) else {
        return Ok(finished.seconds);
    };
    // Keep the input for reproduction.
    let saved = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("fuzz-failures")
        .join(name)
        .join(format!("{:016x}", fnv(failure.signature().as_bytes())));
    let _ = fs::remove_dir_all(&saved);
    let _ = fs::create_dir_all(&saved);
    let _ = fs::write(
        saved.join(Path::new(format.file).file_name().unwrap()),
        &bytes,
    );
    let command = format!("commute {}", args.join(" "));
    let _ = fs::write(
        saved.join("README.txt"),
        format!(
            "format: {name} ({})\ncommand (in a copy of the case folder): {command}\nedits:\n  {}\nfailure: {failure:?}\n--- stdout ---\n{}\n--- stderr ---\n{}\n",
            format.file,
            edits.join("\n  "),
            finished.stdout,
            finished.stderr
        ),
    );
    Err(Finding {
        failure,
        command,
        edits,
        saved,
    })
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Runs the property on format `name`.
fn fuzz(name: &str) {
    let format = format(name);
    let cases = env_u64("PROPTEST_CASES").map_or(SHORT_CASES, |c| c as u32);
    let seed = env_u64("FUZZ_SEED")
        .or_else(|| env_u64("PROPTEST_RNG_SEED"))
        .unwrap_or(DEFAULT_SEED);
    let collect = std::env::var_os("FUZZ_COLLECT").is_some();
    let config = Config {
        cases,
        max_shrink_iters: 128,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes(seed, name)),
    );
    let findings: Mutex<BTreeMap<String, (u64, Finding)>> = Mutex::new(BTreeMap::new());
    // Cases run and seconds in the binary.
    let seconds: Mutex<(u64, f64)> = Mutex::new((0, 0.0));
    let started = Instant::now();
    let result = runner.run(&case(), |(command, mutations)| {
        match run_case(name, &format, command, &mutations) {
            Ok(s) => {
                let mut t = seconds.lock().unwrap();
                t.0 += 1;
                t.1 += s;
                Ok(())
            }
            Err(finding) if collect => {
                let mut all = findings.lock().unwrap();
                all.entry(finding.failure.signature())
                    .and_modify(|e| {
                        e.0 += 1;
                        // Keep the smallest reproducer.
                        if finding.edits.len() < e.1.edits.len() {
                            e.1 = finding.clone();
                        }
                    })
                    .or_insert((1, finding));
                Ok(())
            }
            Err(finding) => Err(TestCaseError::fail(format!(
                "{}\n  command: {}\n  edits of {}:\n    {}\n  input and output kept in {}",
                finding.failure.signature(),
                finding.command,
                format.file,
                finding.edits.join("\n    "),
                finding.saved.display()
            ))),
        }
    });
    let (ran, busy) = seconds.into_inner().unwrap();
    eprintln!(
        "fuzz {name}: {ran} of {cases} cases (seed {seed}) in {:.1} s, {:.1} ms per case in the binary",
        started.elapsed().as_secs_f64(),
        1000.0 * busy / ran.max(1) as f64,
    );
    let findings = findings.into_inner().unwrap();
    if !findings.is_empty() {
        let mut report = format!(
            "{} distinct failures of {} in {cases} cases:\n",
            findings.len(),
            format.file
        );
        for (signature, (count, f)) in &findings {
            report.push_str(&format!(
                "- {signature} ({count} cases)\n  command: {}\n  edits:\n    {}\n  kept in {}\n",
                f.command,
                f.edits.join("\n    "),
                f.saved.display()
            ));
        }
        panic!("{report}");
    }
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, (command, mutations))) => panic!(
            "fuzz {name} failed (seed {seed}; minimal case: command #{}, {mutations:?}):\n{reason}",
            command.index(format.commands.len())
        ),
        Err(e) => panic!("fuzz {name}: {e}"),
    }
}

macro_rules! fuzz_tests {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            fuzz(stringify!($name));
        }
    )*};
}

fuzz_tests!(
    network_toml,
    nodes_csv,
    roads_csv,
    walk_csv,
    transfers_csv,
    lines_csv,
    stops_csv,
    service_csv,
    departures_csv,
    zones_csv,
    access_csv,
    targets_toml,
    scenario_toml,
    extending_scenario_toml,
    commuters_csv,
    dimacs,
    dimacs_headerless,
    tntp_net,
    tntp_trips,
    tntp_flow,
    gtfs_stops_txt,
    gtfs_routes_txt,
    gtfs_trips_txt,
    gtfs_stop_times_txt,
    gtfs_calendar_txt,
    gtfs_calendar_dates_txt,
    gtfs_frequencies_txt,
    gtfs_transfers_txt,
    gtfs_fares_txt,
    zone_points_csv,
    osm_pbf,
    run_summary_json,
    run_od_csv,
    run_draws_csv,
    run_zones_csv,
    run_lines_csv,
    run_links_csv,
    run_distribution_csv,
    run_zones_geojson,
    run_network_geojson,
);

// ---------------------------------------------------------------------------------------------
// The harness itself

/// The untouched fixtures pass every command: a failure of the fuzz tests is the mutation's.
#[test]
fn fixtures_pass_every_command() {
    let names = [
        "gtfs_stops_txt",
        "network_toml",
        "extending_scenario_toml",
        "dimacs",
        "dimacs_headerless",
        "tntp_net",
        "tntp_trips",
        "run_od_csv",
    ];
    for name in names {
        let format = format(name);
        for (i, args) in format.commands.iter().enumerate() {
            let dir = tempfile::tempdir().unwrap();
            lay_out(format.fixtures, dir.path());
            let f = run_binary(dir.path(), args);
            assert_eq!(
                f.status.and_then(|s| s.code()),
                Some(0),
                "{name} command {i} `{}` fails on the fixture:\n{}\n{}",
                args.join(" "),
                f.stdout,
                f.stderr
            );
            assert!(check(dir.path(), args, &f).is_none(), "{name} command {i}");
        }
    }
}

/// The checks catch what they are meant to: a leftover temporary folder, a problem without a
/// line, an allocation beyond the memory limit.
#[test]
fn the_checks_catch_violations() {
    let dir = tempfile::tempdir().unwrap();
    lay_out(Fixtures::Dimacs, dir.path());
    // Exit 2 with a located problem: fine. Then a planted leftover is caught.
    fs::write(dir.path().join("graph.gr"), "p sp 2 1\na 1 9 3\n").unwrap();
    let args = ["sp", "graph.gr", "--source", "1"];
    let f = run_binary(dir.path(), &args);
    assert_eq!(f.status.and_then(|s| s.code()), Some(2), "{}", f.stderr);
    assert!(check(dir.path(), &args, &f).is_none(), "{}", f.stderr);
    fs::create_dir(dir.path().join("outdir/.out.tmp-1")).unwrap();
    assert!(matches!(
        check(dir.path(), &args, &f),
        Some(Failure::Leftover { code: 2, .. })
    ));
    fs::remove_dir(dir.path().join("outdir/.out.tmp-1")).unwrap();
    // A problem line without a line number.
    let unlocated = Finished {
        stderr: "error: 1 problem in the input:\n  graph.gr: field `p`: bad\n".into(),
        ..f
    };
    assert!(matches!(
        check(dir.path(), &args, &unlocated),
        Some(Failure::NoLine(_))
    ));
    // The memory limit holds: a 50-million-node synthetic grid (several GB) cannot be had.
    let f = run_binary(
        dir.path(),
        &["bench", "--synthetic", "50000000", "--queries", "1"],
    );
    assert!(
        matches!(check(dir.path(), &["bench"], &f), Some(Failure::Signal(..))),
        "{:?} {}",
        f.status,
        f.stderr
    );
}

/// Mutations do what they say.
#[test]
fn mutations_edit_as_described() {
    let mut b = b"id,a,b\nx,1,2\n".to_vec();
    apply(
        &Mutation::SwapFields(idx(1, 2), idx(0, 3), idx(2, 3)),
        &mut b,
        b',',
    )
    .unwrap();
    assert_eq!(b, b"id,a,b\n2,1,x\n");
    let mut b = b"a 1 2 3\r\n".to_vec();
    let what = apply(&Mutation::Extreme(idx(2, 3), "NaN"), &mut b, b' ').unwrap();
    assert_eq!(b, b"a 1 2 NaN\r\n", "{what}");
    assert_eq!(
        number_ranges(b"r_s5,L22,07:00,-1.5e3"),
        vec![9..11, 12..14, 15..21]
    );
    let mut b = b"one\ntwo".to_vec();
    apply(&Mutation::DuplicateLine(idx(1, 2)), &mut b, b' ').unwrap();
    assert_eq!(b, b"one\ntwo\ntwo");
    apply(&Mutation::DeleteLine(idx(0, 3)), &mut b, b' ').unwrap();
    assert_eq!(b, b"two\ntwo");
}

/// An [`Index`] that picks `i` of `n` (it has no public constructor: draw until one does).
fn idx(i: usize, n: usize) -> Index {
    let mut runner = TestRunner::deterministic();
    loop {
        let candidate = any::<Index>().new_tree(&mut runner).unwrap().current();
        if candidate.index(n) == i {
            return candidate;
        }
    }
}
