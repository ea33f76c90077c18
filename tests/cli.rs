//! The `commute` binary as a user runs it: outputs, determinism across thread counts, route
//! output, help texts.

mod common;

use common::{commute_ok, root, run_at_one_and_two_threads};
use std::path::Path;
use std::process::Command;

fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn one_and_two_threads_write_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = run_at_one_and_two_threads(tmp.path(), "scenarios/demo-line22.toml", &[]);
    assert_eq!(read(&a, "od.csv"), read(&b, "od.csv"));
    assert_eq!(read(&a, "zones.csv"), read(&b, "zones.csv"));
    // summary.json differs only in its `run` section (threads and wall time).
    let strip = |dir: &Path| {
        let mut v: serde_json::Value = serde_json::from_slice(&read(dir, "summary.json")).unwrap();
        assert!(v["run"]["wall_time_s"].as_f64().unwrap() >= 0.0);
        v.as_object_mut().unwrap().remove("run");
        v
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn run_writes_every_zone_pair_and_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("base");
    commute_ok(&[
        "run",
        "scenarios/demo-base.toml",
        "--out",
        out.to_str().unwrap(),
    ]);
    let od = String::from_utf8(read(&out, "od.csv")).unwrap();
    let mut lines = od.lines();
    assert_eq!(
        lines.next().unwrap(),
        commute::io::columns::<commute::run::SkimOdRow>().join(",")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        12 * 11 * 3,
        "12 zones: 132 ordered pairs x 3 modes"
    );
    for mode in ["car", "transit", "best"] {
        assert_eq!(
            rows.iter()
                .filter(|r| r.split(',').nth(2) == Some(mode))
                .count(),
            132
        );
    }
    let summary: serde_json::Value = serde_json::from_slice(&read(&out, "summary.json")).unwrap();
    assert_eq!(summary["scenario"]["name"], "demo-base");
    assert_eq!(summary["network"]["zones"], 12);
    assert_eq!(summary["results"]["zone_pairs"], 132);
    assert_eq!(summary["results"]["unreachable_pairs"]["best"], 0);
    assert_eq!(summary["version"], env!("CARGO_PKG_VERSION"));
    let zones = String::from_utf8(read(&out, "zones.csv")).unwrap();
    assert_eq!(zones.lines().count(), 13);
    assert!(zones.starts_with("zone,name,residents,jobs,jobs_within_30min,"));
}

#[test]
fn default_output_folder_is_named_after_the_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/demo-base.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["run", scenario.to_str().unwrap()])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(tmp.path().join("out/demo-base/od.csv").is_file());
}

#[test]
fn route_json_has_the_documented_shape() {
    let text = commute_ok(&[
        "route",
        "scenarios/demo-base.toml",
        "--from",
        "Beijing West",
        "--to",
        "Xiong'an station",
        "--mode",
        "transit",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["from"], "Beijing West");
    assert_eq!(v["to"], "Xiong'an station");
    assert_eq!(v["reachable"], true);
    assert_eq!(v["mode"], "transit");
    let legs = v["legs"].as_array().unwrap();
    let rail: Vec<_> = legs.iter().filter(|l| l["mode"] == "hsr").collect();
    assert_eq!(rail.len(), 1);
    assert_eq!(rail[0]["line"], "JX");
    assert_eq!(
        rail[0]["minutes"], 60.0,
        "Beijing West - Xiong'an in-vehicle time"
    );
    let total: f64 = legs.iter().map(|l| l["minutes"].as_f64().unwrap()).sum();
    assert!((total - v["minutes"].as_f64().unwrap()).abs() < 1e-9);
    for leg in legs {
        let mode = leg["mode"].as_str().unwrap();
        assert!(
            [
                "walk",
                "car",
                "wait",
                "transfer",
                "hsr",
                "rail",
                "subway",
                "bus",
                "custom_bus"
            ]
            .contains(&mode),
            "{mode}"
        );
        for key in ["line", "from", "to", "minutes"] {
            assert!(leg.get(key).is_some(), "leg without {key}");
        }
    }
}

#[test]
fn route_text_shows_a_leg_table_and_names_resolve_case_insensitively() {
    let text = commute_ok(&[
        "route",
        "scenarios/demo-line22.toml",
        "--from",
        "YANJIAO",
        "--to",
        "guomao",
    ]);
    assert!(text.starts_with("Yanjiao -> Guomao by transit:"), "{text}");
    assert!(text.contains("L22"), "{text}");
    let car = commute_ok(&[
        "route",
        "scenarios/demo-base.toml",
        "--from",
        "xiongan",
        "--to",
        "Guomao",
        "--mode",
        "car",
    ]);
    assert!(car.contains("Jing-Xiong Expressway"), "{car}");
}

/// Runs `commute route ARGS...` in the repository root: (exit code, stdout, stderr).
fn route(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_commute"))
        .arg("route")
        .args(args)
        .current_dir(root())
        .output()
        .expect("run commute");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn no_route_exits_1_with_one_line_or_reachable_false() {
    // A station has no car access: no car route. Exit 1, not 0 (found) nor 2 (error).
    let args = [
        "scenarios/demo-base.toml",
        "--from",
        "s_bjw",
        "--to",
        "guomao",
        "--mode",
        "car",
    ];
    let (code, text, err) = route(&args);
    assert_eq!(code, Some(1), "{text}{err}");
    assert_eq!(text, "No car route from Beijing West to Guomao.\n");
    assert_eq!(err, "");
    let (code, text, err) = route(&[&args[..], &["--json"]].concat());
    assert_eq!(code, Some(1), "{text}{err}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["reachable"], false);
    assert!(v["minutes"].is_null());
    assert_eq!(v["legs"].as_array().unwrap().len(), 0);
    // The same places by transit: found, exit 0, `reachable: true`.
    let (code, text, err) = route(&[&args[..5], &["--mode", "transit", "--json"]].concat());
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["reachable"], true);
    assert!(v["minutes"].as_f64().unwrap() > 0.0);
}

#[test]
fn route_help_documents_the_exit_codes() {
    let help = commute_ok(&["route", "--help"]);
    for code in ["0 a route was found", "1 no route", "2 bad input"] {
        assert!(help.contains(code), "route --help lacks {code:?}:\n{help}");
    }
}

#[test]
fn depart_routes_on_the_timetable_and_shows_the_trips_taken() {
    // Custom bus CB1 leaves Derong Dijing at 06:40, 07:00 and 07:20 and takes 55 minutes.
    let at = |depart: &str| -> serde_json::Value {
        let text = commute_ok(&[
            "route",
            "scenarios/demo-base.toml",
            "--from",
            "Derong Dijing",
            "--to",
            "Dawanglu bus stop",
            "--mode",
            "transit",
            "--depart",
            depart,
            "--json",
        ]);
        serde_json::from_str(&text).unwrap()
    };
    let early = at("06:55");
    assert_eq!(early["minutes"], 60.0, "5 min wait + 55 min ride: {early}");
    let ride = &early["legs"][1];
    assert_eq!(
        (ride["mode"].as_str(), ride["start"].as_str()),
        (Some("custom_bus"), Some("07:00"))
    );
    assert_eq!(ride["detail"], "departs 07:00, arrives 07:55");
    let late = at("07:01");
    assert_eq!(late["minutes"], 74.0, "19 min wait for the 07:20: {late}");
    assert_eq!(late["legs"][0]["start"], "07:01");
}

#[test]
fn inspect_counts_and_json() {
    let text = commute_ok(&["inspect", "networks/demo", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["zones"], 12);
    assert_eq!(v["lines_by_mode"]["hsr"], 2);
    assert_eq!(v["nodes_by_kind"]["zone_centroid"], 12);
    assert_eq!(v["unreachable_zone_pairs"]["best"], 0);
    let text = commute_ok(&["inspect", "scenarios/demo-line22.toml"]);
    assert!(
        text.contains("subway") && text.contains("unreachable zone pairs"),
        "{text}"
    );
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    let mut args = vec!["validate".to_owned()];
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        args.push(entry.unwrap().path().display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = commute_ok(&args);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("ok: ")).count(),
        args.len() - 1,
        "{text}"
    );
}

#[test]
fn help_has_examples_for_every_subcommand() {
    assert!(commute_ok(&["--help"]).contains("Examples:"));
    for sub in ["run", "route", "validate", "inspect"] {
        let text = commute_ok(&[sub, "--help"]);
        assert!(text.contains("Examples:"), "{sub} --help has no examples");
    }
}

#[test]
fn a_closed_output_pipe_is_not_a_panic() {
    // `commute route ... | head -1`: the reader goes away before the output is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_commute"))
        .args([
            "route",
            "scenarios/demo-base.toml",
            "--from",
            "zgc",
            "--to",
            "guomao",
        ])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// Splits an example command line, honouring double quotes.
fn split_args(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        args.push(current);
    }
    args
}

#[test]
fn help_examples_that_only_read_run_as_written() {
    let mut ran = 0;
    for sub in ["route", "validate", "inspect"] {
        let help = commute_ok(&[sub, "--help"]);
        for line in help
            .lines()
            .filter_map(|l| l.trim().strip_prefix("commute "))
        {
            let mut args = split_args(line);
            if args.last().is_some_and(|a| a.contains('*')) {
                // The shell would expand the glob.
                args.pop();
                for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
                    args.push(format!(
                        "scenarios/{}",
                        entry.unwrap().file_name().to_string_lossy()
                    ));
                }
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            commute_ok(&args);
            ran += 1;
        }
    }
    assert!(ran >= 6, "only {ran} examples found");
}

#[test]
fn assign_solves_a_small_network_and_refuses_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    // Two roads from zone 1 to zone 2: t = 10 + 0.1 v and t = 20 + 0.1 v; 300 trips split
    // 200 / 100 at cost 30.
    let net = tmp.path().join("two_net.tntp");
    std::fs::write(
        &net,
        "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 2\n<FIRST THRU NODE> 3\n<NUMBER OF LINKS> 2\n<END OF METADATA>\n~ init_node term_node capacity length free_flow_time b power speed toll link_type ;\n1 2 100 1 10 1 1 0 0 1 ;\n1 2 200 1 20 1 1 0 0 1 ;\n",
    )
    .unwrap();
    let trips = tmp.path().join("two_trips.tntp");
    std::fs::write(
        &trips,
        "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 300\n<END OF METADATA>\nOrigin 1\n2 : 300;\n",
    )
    .unwrap();
    let flows = tmp.path().join("flows.csv");
    let run = |trips: &Path| {
        Command::new(env!("CARGO_BIN_EXE_commute"))
            .arg("assign")
            .arg(&net)
            .arg(trips)
            .args(["--gap", "1e-9", "--json", "--out"])
            .arg(&flows)
            .output()
            .unwrap()
    };
    let out = run(&trips);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(&flows).unwrap();
    let volumes: Vec<f64> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    assert!(
        (volumes[0] - 200.0).abs() < 1e-3 && (volumes[1] - 100.0).abs() < 1e-3,
        "{csv}"
    );
    std::fs::remove_file(&flows).unwrap();
    let bad = tmp.path().join("bad_trips.tntp");
    std::fs::write(
        &bad,
        "<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n2 : -5;\n",
    )
    .unwrap();
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad_trips.tntp:4: field `trips`"), "{err}");
    assert!(!flows.exists(), "no output after an input error");
}

#[test]
fn chinese_names_find_the_same_places_as_english_ones() {
    for (zh, en) in [
        ("燕郊", "Yanjiao"),
        ("国贸", "Guomao"),
        ("雄安", "Xiong'an"),
        ("雄安站", "rs_xiongan"),
        ("北京西站", "Beijing West"),
        ("北京西站（地铁站）", "bj_beijingxizhan"),
        ("大兴机场站", "rs_daxing_airport"),
    ] {
        let by = |from: &str| {
            commute_ok(&[
                "route",
                "scenarios/jjj-2024.toml",
                "--from",
                from,
                "--to",
                "Guomao",
                "--json",
            ])
        };
        assert_eq!(by(zh), by(en), "--from {zh} and --from {en}");
    }
}

#[test]
fn every_place_of_the_regional_network_has_a_chinese_name_that_finds_it() {
    use commute::network::Place;
    let s = common::load(&root().join("scenarios/jjj-2024.toml"));
    let net = &s.network;
    for z in net.zones() {
        assert!(!z.name_zh.is_empty(), "zone {} has no name_zh", z.id);
        let found = net.find_place(&z.name_zh);
        assert_eq!(found.map(|p| p.id(net).to_owned()), Ok(z.id.clone()));
    }
    let mut blank = Vec::new();
    for n in net.nodes() {
        if n.name_zh.is_empty() {
            blank.push(n.id.as_str());
            continue;
        }
        // The node itself (or its zone, for a centroid), or a zone of the same Chinese name,
        // which wins over nodes (国贸 is the zone, not the subway station).
        match net.find_place(&n.name_zh) {
            Ok(Place::Zone(z)) if net.zone(z).name_zh == n.name_zh => {}
            Ok(p) => assert_eq!(p.node(net), net.node_id(&n.id).unwrap(), "{}", n.name_zh),
            Err(e) => panic!("{} ({}): {e:?}", n.name_zh, n.id),
        }
    }
    // Derong Dijing: the characters of the residential compound's name are not confirmed.
    assert_eq!(blank, ["b_derong"]);
}
