//! Bad input must be rejected cleanly: exit code 2, a message naming the file, the line and the
//! field, no panic, and no output folder (partial or temporary) left behind.
//!
//! Each test copies `networks/demo` into a fresh temporary folder, points a small scenario at the
//! copy, breaks one thing and runs the real binary. Expected line numbers are computed from the
//! fixture as written, never guessed.

use std::ffi::OsStr;
use std::fs;
use std::path::{MAIN_SEPARATOR, Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The scenario every case starts from: the demo network, unmodified.
const BASE_SCENARIO: &str = "version = 1\nname = \"bad-input\"\nnetwork = \"net\"\n";

/// Runs the `commute` binary with `args`.
fn run_cli<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(args)
        .output()
        .expect("the commute binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `file:LINE:` as printed in problem lists (`file` preceded by a path separator, so that
/// `zones.csv` does not match `xzones.csv`, and followed by `:` so that line 5 does not match 55).
fn at(file: &str, line: usize) -> String {
    format!("{MAIN_SEPARATOR}{file}:{line}:")
}

/// `file:LINE: field `FIELD`` as printed in problem lists.
fn at_field(file: &str, line: usize, field: &str) -> String {
    format!("{MAIN_SEPARATOR}{file}:{line}: field `{field}`")
}

/// Asserts that `text` (a command's output) contains every `expected` substring.
fn assert_contains_all(what: &str, text: &str, expected: &[&str], output: &Output) {
    for e in expected {
        assert!(
            text.contains(e),
            "{what} does not contain {e:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            stdout(output),
            stderr(output)
        );
    }
}

/// Asserts a clean rejection: exit code exactly 2, no panic, and every `expected` substring in
/// stderr.
fn assert_rejected(output: &Output, expected: &[&str]) {
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit code 2\n--- stdout ---\n{}\n--- stderr ---\n{}",
        stdout(output),
        stderr(output)
    );
    assert_no_panic(output);
    assert_contains_all("stderr", &stderr(output), expected, output);
}

fn assert_no_panic(output: &Output) {
    for (name, text) in [("stdout", stdout(output)), ("stderr", stderr(output))] {
        assert!(
            !text.contains("panicked"),
            "{name} shows a panic:\n{text}\n--- stderr ---\n{}",
            stderr(output)
        );
    }
}

/// One test's sandbox: a copy of the demo network in `<tmp>/net` and a scenario next to it.
struct Case {
    dir: TempDir,
}

impl Case {
    /// A fresh copy of `networks/demo` and the base scenario in `<tmp>/scenario.toml`.
    fn new() -> Case {
        let dir = tempfile::tempdir().expect("temporary folder");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("networks/demo");
        let net = dir.path().join("net");
        fs::create_dir(&net).unwrap();
        for entry in fs::read_dir(&src).unwrap() {
            let entry = entry.unwrap();
            assert!(entry.file_type().unwrap().is_file(), "flat network folder");
            fs::copy(entry.path(), net.join(entry.file_name())).unwrap();
        }
        let case = Case { dir };
        case.write_scenario("scenario.toml", BASE_SCENARIO);
        case
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A file of the network copy.
    fn net(&self, file: &str) -> PathBuf {
        self.root().join("net").join(file)
    }

    fn scenario(&self) -> PathBuf {
        self.root().join("scenario.toml")
    }

    fn out(&self) -> PathBuf {
        self.root().join("out")
    }

    /// Writes a scenario file next to the network and returns its path.
    fn write_scenario(&self, name: &str, text: &str) -> PathBuf {
        let path = self.root().join(name);
        fs::write(&path, text).unwrap();
        path
    }

    /// Replaces the one line of network file `file` equal to `old` by `new`; returns its 1-based
    /// line number.
    fn replace_row(&self, file: &str, old: &str, new: &str) -> usize {
        let path = self.net(file);
        let text = fs::read_to_string(&path).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let hits: Vec<usize> = (0..lines.len()).filter(|&i| lines[i] == old).collect();
        assert_eq!(hits.len(), 1, "{file}: expected exactly one line {old:?}");
        lines[hits[0]] = new;
        fs::write(&path, lines.join("\n") + "\n").unwrap();
        hits[0] + 1
    }

    /// Appends `row` to network file `file`; returns its 1-based line number.
    fn append_row(&self, file: &str, row: &str) -> usize {
        let path = self.net(file);
        let text = fs::read_to_string(&path).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.push(row);
        fs::write(&path, lines.join("\n") + "\n").unwrap();
        lines.len()
    }

    /// `commute run <scenario> --out <tmp>/out`.
    fn run(&self, scenario: &Path) -> Output {
        run_cli([
            "run".as_ref(),
            scenario.as_os_str(),
            "--out".as_ref(),
            self.out().as_os_str(),
        ])
    }

    /// Runs `scenario` and asserts a clean rejection that names `expected`, with no output left.
    fn assert_run_rejected(&self, scenario: &Path, expected: &[&str]) -> Output {
        let output = self.run(scenario);
        assert_rejected(&output, expected);
        self.assert_no_output(&output);
        output
    }

    /// Neither `<tmp>/out` nor a temporary `.out.*` sibling exists.
    fn assert_no_output(&self, output: &Output) {
        assert!(
            !self.out().exists(),
            "the output folder was created despite the error\n--- stderr ---\n{}",
            stderr(output)
        );
        self.assert_no_temp_folders();
    }

    /// No `.out.tmp-*` (or other `.out.*`) folder is left in `<tmp>`.
    fn assert_no_temp_folders(&self) {
        let leftovers: Vec<String> = fs::read_dir(self.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".out"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "temporary output left behind: {leftovers:?}"
        );
    }
}

/// The 1-based line of the only line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(hits.len(), 1, "expected exactly one line with {needle:?}");
    hits[0]
}

// 1. Malformed CSV rows.

#[test]
fn unterminated_quote_in_roads_csv() {
    let case = Case::new();
    let line = case.replace_row(
        "roads.csv",
        "rd_s5_daxing,G4 Jing-Gang-Ao (south),r_s5,r_daxing,8,70,6000,3,expressway,0,false,",
        "rd_s5_daxing,\"G4 Jing-Gang-Ao (south),r_s5,r_daxing,8,70,6000,3,expressway,0,false,",
    );
    case.assert_run_rejected(&case.scenario(), &[&at("roads.csv", line)]);
}

#[test]
fn bad_number_in_roads_csv() {
    let case = Case::new();
    let line = case.replace_row(
        "roads.csv",
        "rd_zgc_wangjing,North 4th Ring,r_zgc,r_wangjing,13,45,6000,3,ring_road,0,false,",
        "rd_zgc_wangjing,North 4th Ring,r_zgc,r_wangjing,13,fast,6000,3,ring_road,0,false,",
    );
    case.assert_run_rejected(
        &case.scenario(),
        &[&at_field("roads.csv", line, "speed_kmh"), "`fast`"],
    );
}

/// The first data row after a `#` comment line must be reported with its own line number, not
/// the comment's.
#[test]
fn row_after_comment_line_has_its_own_line_number() {
    let case = Case::new();
    // roads.csv: header, comment, then this row.
    let road = case.replace_row(
        "roads.csv",
        "rd_fin_guomao,Chang'an Avenue,r_fin,r_guomao,10,30,3600,3,arterial,0,false,",
        "rd_fin_guomao,Chang'an Avenue,r_fin,r_guomao,10,slow,3600,3,arterial,0,false,",
    );
    // departures.csv: a comment in the middle of the file, then this row.
    let departure = case.replace_row("departures.csv", "CB1,forward,06:40", "CB1,forward,6h40");
    case.assert_run_rejected(
        &case.scenario(),
        &[
            &at_field("roads.csv", road, "speed_kmh"),
            "`slow`",
            &at_field("departures.csv", departure, "time"),
            "`6h40`",
        ],
    );
}

// 2. Wrong column count.

#[test]
fn wrong_column_count_in_nodes_csv() {
    let case = Case::new();
    let line = case.replace_row(
        "nodes.csv",
        "z_tianjin,Tianjin,zone_centroid,117.200,39.130,false",
        "z_tianjin,Tianjin,zone_centroid,117.200,39.130",
    );
    case.assert_run_rejected(
        &case.scenario(),
        &[&at("nodes.csv", line), "expected 6 fields", "found 5"],
    );
}

/// A row that cannot be read makes its id unknown, but must not turn every valid reference in
/// other files into a problem: roads.csv only uses road junctions, all of them intact.
#[test]
fn wrong_column_count_does_not_cascade() {
    let case = Case::new();
    let line = case.replace_row(
        "nodes.csv",
        "z_tianjin,Tianjin,zone_centroid,117.200,39.130,false",
        "z_tianjin,Tianjin,zone_centroid,117.200,39.130",
    );
    let output = case.assert_run_rejected(&case.scenario(), &[&at("nodes.csv", line)]);
    let err = stderr(&output);
    for bad in ["roads.csv", "(not in )", "unknown  id"] {
        assert!(
            !err.contains(bad),
            "spurious or malformed problems ({bad:?}) after one bad row in nodes.csv:\n{err}"
        );
    }
}

// 3. Unknown node id.

#[test]
fn unknown_node_in_stops_csv() {
    let case = Case::new();
    let line = case.replace_row(
        "stops.csv",
        "L1,m_xidan,2,0.5,1.6",
        "L1,m_nowhere,2,0.5,1.6",
    );
    case.assert_run_rejected(
        &case.scenario(),
        &[&at_field("stops.csv", line, "node"), "m_nowhere"],
    );
}

// 4. Bad times.

#[test]
fn negative_run_time_in_stops_csv() {
    let case = Case::new();
    let line = case.replace_row("stops.csv", "JX,s_daxing,15,2,22", "JX,s_daxing,-5,2,22");
    case.assert_run_rejected(
        &case.scenario(),
        &[&at_field("stops.csv", line, "run_min"), "-5"],
    );
}

#[test]
fn nan_minutes_in_access_csv() {
    let case = Case::new();
    let line = case.replace_row(
        "access.csv",
        "guomao,m_guomao,walk,5",
        "guomao,m_guomao,walk,NaN",
    );
    case.assert_run_rejected(
        &case.scenario(),
        &[&at_field("access.csv", line, "minutes"), "NaN"],
    );
}

// 5. Duplicate ids.

#[test]
fn duplicate_node_id_in_nodes_csv() {
    let case = Case::new();
    let first = line_of(
        &fs::read_to_string(case.net("nodes.csv")).unwrap(),
        "z_guomao,",
    );
    let line = case.append_row(
        "nodes.csv",
        "z_guomao,Guomao again,zone_centroid,116.461,39.909,false",
    );
    case.assert_run_rejected(
        &case.scenario(),
        &[
            &at_field("nodes.csv", line, "id"),
            "duplicate id `z_guomao`",
            &format!("first used on line {first})"),
        ],
    );
}

#[test]
fn duplicate_line_id_in_lines_csv() {
    let case = Case::new();
    let first = line_of(&fs::read_to_string(case.net("lines.csv")).unwrap(), "JX,");
    let line = case.append_row("lines.csv", "JX,Second Jing-Xiong,hsr,1200,none,false");
    case.assert_run_rejected(
        &case.scenario(),
        &[
            &at_field("lines.csv", line, "id"),
            "duplicate id `JX`",
            &format!("first used on line {first})"),
        ],
    );
}

// 6. Missing file.

#[test]
fn missing_zones_csv() {
    let case = Case::new();
    fs::remove_file(case.net("zones.csv")).unwrap();
    case.assert_run_rejected(
        &case.scenario(),
        &[&format!("{MAIN_SEPARATOR}zones.csv: cannot read file")],
    );
}

// 7. Unknown field in the scenario file.

#[test]
fn unknown_field_in_scenario() {
    let case = Case::new();
    let text = format!("{BASE_SCENARIO}colour = \"red\"\n");
    let scenario = case.write_scenario("scenario.toml", &text);
    case.assert_run_rejected(
        &scenario,
        &[
            &at("scenario.toml", line_of(&text, "colour")),
            "unknown field `colour`",
        ],
    );
}

// 8. Unknown modification type.

#[test]
fn unknown_modification_type() {
    let case = Case::new();
    let text =
        format!("{BASE_SCENARIO}\n[[modifications]]\nlines = [\"JX\"]\ntype = \"teleport\"\n");
    let scenario = case.write_scenario("scenario.toml", &text);
    case.assert_run_rejected(
        &scenario,
        &[
            &at("scenario.toml", line_of(&text, "teleport")),
            "unknown variant `teleport`",
        ],
    );
}

// 9. Cyclic `extends`.

#[test]
fn cyclic_extends() {
    let case = Case::new();
    let a = format!("{BASE_SCENARIO}extends = \"b.toml\"\n");
    let b = "version = 1\nname = \"b\"\nextends = \"a.toml\"\n";
    let scenario = case.write_scenario("a.toml", &a);
    case.write_scenario("b.toml", b);
    case.assert_run_rejected(
        &scenario,
        &[
            &format!(
                "{}: cyclic `extends`",
                at_field("b.toml", line_of(b, "extends"), "extends")
            ),
            "a.toml",
        ],
    );
}

// 10. A modification naming a line that does not exist.

#[test]
fn remove_unknown_line() {
    let case = Case::new();
    let text =
        format!("{BASE_SCENARIO}\n[[modifications]]\ntype = \"remove-line\"\nlines = [\"NOPE\"]\n");
    let scenario = case.write_scenario("scenario.toml", &text);
    case.assert_run_rejected(
        &scenario,
        &[
            &at_field(
                "scenario.toml",
                line_of(&text, "[[modifications]]"),
                "lines",
            ),
            "remove-line",
            "unknown line id `NOPE`",
        ],
    );
}

// 11. Several problems at once, through `validate`.

#[test]
fn validate_reports_every_problem() {
    let case = Case::new();
    let road = case.replace_row(
        "roads.csv",
        "rd_guomao_sihui,Jianguo Road,r_guomao,r_sihui,3,40,3600,3,arterial,0,false,",
        "rd_guomao_sihui,Jianguo Road,r_guomao,r_sihui,3,40,3600,3,arterial,free,false,",
    );
    let service = case.replace_row("service.csv", "L1,07:00,09:30,2.5", "L1,07:00,09:30,soon");
    let output = run_cli(["validate".as_ref(), case.scenario().as_os_str()]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit code 2\n--- stdout ---\n{}\n--- stderr ---\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert_no_panic(&output);
    // `validate` prints its report on stdout and a summary on stderr: look at both.
    let all = stdout(&output) + &stderr(&output);
    assert_contains_all(
        "the output of validate",
        &all,
        &[
            &at_field("roads.csv", road, "toll_yuan"),
            "`free`",
            &at_field("service.csv", service, "headway_min"),
            "`soon`",
        ],
        &output,
    );
    case.assert_no_temp_folders();
}

// 12. Existing output folders.

#[test]
fn run_refuses_to_overwrite_without_force() {
    let case = Case::new();
    let out = case.out();
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "earlier results").unwrap();
    fs::write(out.join("summary.json"), "{}").unwrap();

    let output = case.run(&case.scenario());
    assert_rejected(&output, &["out", "already exists", "--force"]);
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["keep.txt", "summary.json"],
        "the existing folder was changed"
    );
    assert_eq!(
        fs::read_to_string(out.join("keep.txt")).unwrap(),
        "earlier results"
    );
    case.assert_no_temp_folders();

    let output = run_cli([
        "run".as_ref(),
        case.scenario().as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--force".as_ref(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "--force run failed:\n{}",
        stderr(&output)
    );
    assert_no_panic(&output);
    assert!(!out.join("keep.txt").exists(), "--force kept the old files");
    for file in ["od.csv", "zones.csv", "summary.json"] {
        assert!(out.join(file).is_file(), "--force run did not write {file}");
    }
    case.assert_no_temp_folders();
}

// Other commands and arguments.

#[test]
fn route_from_unknown_place() {
    let case = Case::new();
    let output = run_cli([
        "route".as_ref(),
        case.scenario().as_os_str(),
        "--from".as_ref(),
        "Atlantis".as_ref(),
        "--to".as_ref(),
        "Guomao".as_ref(),
    ]);
    assert_rejected(&output, &["--from `Atlantis`"]);
    assert!(
        stdout(&output).is_empty(),
        "route printed a result:\n{}",
        stdout(&output)
    );
}

#[test]
fn scenario_file_that_does_not_exist() {
    let case = Case::new();
    let missing = case.root().join("no-such-scenario.toml");
    case.assert_run_rejected(
        &missing,
        &[&format!("{MAIN_SEPARATOR}no-such-scenario.toml")],
    );
}

/// The reason a scenario file cannot be read is printed once, not repeated.
#[test]
fn missing_scenario_reason_printed_once() {
    let case = Case::new();
    let missing = case.root().join("no-such-scenario.toml");
    let reason = fs::read(&missing).unwrap_err().to_string();
    let output = case.assert_run_rejected(&missing, &[&reason]);
    assert_eq!(
        stderr(&output).matches(&reason).count(),
        1,
        "the reason is repeated:\n{}",
        stderr(&output)
    );
}

/// A control: the untouched fixture is accepted, so the failures above are due to the one
/// corruption each makes.
#[test]
fn untouched_fixture_runs() {
    let case = Case::new();
    let output = case.run(&case.scenario());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_panic(&output);
    assert!(case.out().join("od.csv").is_file());
    case.assert_no_temp_folders();
}

#[test]
fn force_never_replaces_what_is_not_an_earlier_run() {
    let case = Case::new();
    // A folder of other files, and a plain file.
    let docs = case.dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    fs::write(docs.join("thesis.txt"), "years of work").unwrap();
    let file = case.dir.path().join("notes.txt");
    fs::write(&file, "notes").unwrap();
    for target in [&docs, &file] {
        let output = run_cli([
            "run".as_ref(),
            case.scenario().as_os_str(),
            "--out".as_ref(),
            target.as_os_str(),
            "--force".as_ref(),
        ]);
        assert_rejected(&output, &["is not an earlier commute output"]);
    }
    assert_eq!(
        fs::read_to_string(docs.join("thesis.txt")).unwrap(),
        "years of work"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "notes");
    case.assert_no_temp_folders();
}

#[test]
fn a_scenario_name_cannot_escape_the_output_folder() {
    let case = Case::new();
    let path = case.dir.path().join("escape.toml");
    fs::write(
        &path,
        "version = 1\nname = \"../victim\"\nnetwork = \"net\"\n",
    )
    .unwrap();
    let output = case.run(&path);
    assert_rejected(&output, &["escape.toml:2: field `name`", "`../victim`"]);
}

#[test]
fn implausibly_large_figures_are_rejected_not_overflowed() {
    let case = Case::new();
    let line = case.replace_row(
        "zones.csv",
        "guomao,Guomao,z_guomao,150000,600000,0.45",
        "guomao,Guomao,z_guomao,18446744073709551615,600000,0.45",
    );
    let road = case.replace_row(
        "roads.csv",
        "rd_fin_guomao,Chang'an Avenue,r_fin,r_guomao,10,30,3600,3,arterial,0,false,",
        "rd_fin_guomao,Chang'an Avenue,r_fin,r_guomao,1e300,30,3600,3,arterial,0,false,",
    );
    case.assert_run_rejected(
        &case.scenario(),
        &[
            &at_field("zones.csv", line, "residents"),
            &at_field("roads.csv", road, "length_km"),
            "implausibly large",
        ],
    );
}

#[test]
fn threads_must_be_sensible() {
    let case = Case::new();
    for threads in ["0", "100000"] {
        let output = run_cli([
            "run".as_ref(),
            case.scenario().as_os_str(),
            "--out".as_ref(),
            case.out().as_os_str(),
            "--threads".as_ref(),
            threads.as_ref(),
        ]);
        assert_rejected(&output, &["--threads must be between 1 and 256"]);
    }
}

#[test]
fn a_wrong_network_path_is_reported_at_the_scenario_line() {
    let case = Case::new();
    let path = case.dir.path().join("wrong.toml");
    fs::write(
        &path,
        "version = 1\nname = \"wrong\"\n\nnetwork = \"nett\"\n",
    )
    .unwrap();
    case.assert_run_rejected(
        &path,
        &[
            "wrong.toml:4: field `network`",
            "`nett` is not a network folder",
        ],
    );
}

#[test]
fn draws_are_bounded() {
    let case = Case::new();
    let output = run_cli([
        "run".as_ref(),
        case.scenario().as_os_str(),
        "--out".as_ref(),
        case.out().as_os_str(),
        "--draws".as_ref(),
        "20000".as_ref(),
    ]);
    assert_rejected(&output, &["--draws must be at most 10000"]);
}

// --- issue 12: found by fuzzing ---

/// `bench --peers` on a graph whose largest node ids appear only on arcs fast_paths drops
/// (zero weights, self-loops): fast_paths numbers its nodes up to the largest id it kept and
/// panicked ("invalid end node") when a query named one beyond. Found by tests/fuzz.rs.
#[test]
fn bench_peers_with_nodes_fast_paths_does_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("isolated.gr");
    // Node 2 is reached only by a zero-weight arc, node 3 has only a self-loop.
    fs::write(&graph, "a 0 1 5\na 1 2 0\na 3 3 1\n").unwrap();
    let output = run_cli([
        "bench".as_ref(),
        graph.as_os_str(),
        "--queries".as_ref(),
        "50".as_ref(),
        "--matrix".as_ref(),
        "2".as_ref(),
        "--peers".as_ref(),
    ]);
    assert_no_panic(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "--- stderr ---\n{}",
        stderr(&output)
    );
    assert_contains_all(
        "stdout",
        &stdout(&output),
        &["fast_paths", "point-to-point", "4 nodes"],
        &output,
    );
}

/// A run folder whose summary.json claims 99,999,999,999 draws: `compare` allocated a flag per
/// claimed draw and pair (100 GB) and aborted. Now the draws seen are counted, the folder is
/// refused as incomplete, and nothing is allocated beyond the rows. Found by tests/fuzz.rs.
#[test]
fn compare_trusts_no_draw_count_of_a_run_folder() {
    let case = Case::new();
    let before = case.root().join("before");
    let output = run_cli([
        "run".as_ref(),
        case.scenario().as_os_str(),
        "--out".as_ref(),
        before.as_os_str(),
        "--draws".as_ref(),
        "2".as_ref(),
        "--quiet".as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary = before.join("summary.json");
    let text = fs::read_to_string(&summary).unwrap();
    assert_eq!(text.matches("\"draws\": 2,").count(), 1, "{text}");
    fs::write(
        &summary,
        text.replace("\"draws\": 2,", "\"draws\": 99999999999,"),
    )
    .unwrap();
    let output = run_cli([
        "compare".as_ref(),
        before.as_os_str(),
        before.as_os_str(),
        "--out".as_ref(),
        case.out().as_os_str(),
        "--quiet".as_ref(),
    ]);
    assert_rejected(
        &output,
        &[&format!(
            "{MAIN_SEPARATOR}draws.csv: incomplete: guomao -> finstreet"
        )],
    );
    assert_contains_all(
        "stderr",
        &stderr(&output),
        &["lack some of the 99999999999 draws"],
        &output,
    );
    case.assert_no_output(&output);
}
