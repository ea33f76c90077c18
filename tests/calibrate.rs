//! `commute calibrate` (issue 15): on a copy of the demo network whose one fitted statistic was
//! produced by the model itself at a known parameter value, the fit finds that value again from
//! elsewhere in the range; the fitted scenario it writes runs and reproduces the best
//! evaluation; held-out statistics do not steer the fit.

mod common;

use common::{commute_ok, csv_rows, root};
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A copy of the demo network in `dir/net` with `targets`, and a scenario on it with
/// `beta_per_min`.
fn network_with(dir: &Path, targets: &str, beta_per_min: f64) -> PathBuf {
    let net = dir.join("net");
    fs::create_dir_all(&net).unwrap();
    for entry in fs::read_dir(root().join("networks/demo")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), net.join(entry.file_name())).unwrap();
    }
    fs::write(net.join("targets.toml"), targets).unwrap();
    let scenario = dir.join(format!("s{beta_per_min}.toml"));
    fs::write(
        &scenario,
        format!(
            "version = 1\nname = \"s\"\nnetwork = \"net\"\n\n[demand]\nbeta_per_min = {beta_per_min}\n"
        ),
    )
    .unwrap();
    scenario
}

const MEAN_TARGET: &str = r#"version = 1

[[target]]
id = "mean"
description = "mean commute of everyone"
measure = "mean_commute_min"
published = PUBLISHED
tolerance = 0.002
source = "the model at beta 0.11"
fit = true

[[target]]
id = "held_out"
description = "a held-out statistic far from the model"
measure = "commuters"
published = 1.0
tolerance = 0.1
source = "test"

[[parameter]]
name = "demand.beta_per_min"
min = 0.04
max = 0.2
source = "test"
"#;

#[test]
fn calibration_recovers_the_parameter_that_made_its_target() {
    let tmp = tempfile::tempdir().unwrap();
    // The statistic the model gives at beta 0.11 (2 draws, the default seed).
    let truth = network_with(tmp.path(), &MEAN_TARGET.replace("PUBLISHED", "40.0"), 0.11);
    let first = tmp.path().join("first");
    commute_ok(&[
        "run",
        truth.to_str().unwrap(),
        "--draws",
        "2",
        "--out",
        first.to_str().unwrap(),
        "--quiet",
    ]);
    let model = csv_rows(&first.join("validation.csv"))[0]["model"].clone();
    // Published = that value; the fit starts from beta 0.07.
    let start = network_with(tmp.path(), &MEAN_TARGET.replace("PUBLISHED", &model), 0.07);
    // The fit to `out`, with `threads` worker threads (all cores when `None`).
    let calibrate = |out: &Path, threads: Option<&str>| {
        let mut args = vec![
            "calibrate",
            start.to_str().unwrap(),
            "--draws",
            "2",
            "--max-evaluations",
            "25",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ];
        args.extend(threads.map(|t| ["--threads", t]).into_iter().flatten());
        commute_ok(&args);
    };
    let out = tmp.path().join("calibrated");
    calibrate(&out, None);
    let evaluations = csv_rows(&out.join("evaluations.csv"));
    assert!(evaluations.len() <= 25, "{} runs", evaluations.len());
    let objective = |r: &HashMap<String, String>| r["objective"].parse::<f64>().unwrap();
    let best = evaluations
        .iter()
        .min_by(|a, b| objective(a).total_cmp(&objective(b)))
        .unwrap();
    let beta: f64 = best["demand.beta_per_min"].parse().unwrap();
    assert!((beta - 0.11).abs() < 0.01, "fitted beta {beta}");
    assert!(objective(best) < objective(&evaluations[0]));
    assert!(
        objective(best) <= 1.0,
        "within tolerance: {}",
        objective(best)
    );
    // The held-out statistic (1 commuter published) is far off and does not count.
    let table = csv_rows(&out.join("calibration.csv"));
    let held = table.iter().find(|r| r["statistic"] == "held_out").unwrap();
    assert_eq!(held["used_in_fit"], "false");
    assert_eq!(held["within_after"], "false");
    let mean = table.iter().find(|r| r["statistic"] == "mean").unwrap();
    assert_eq!(mean["within_before"], "false");
    assert_eq!(mean["within_after"], "true");
    // The fitted scenario runs and reproduces the best evaluation (same seed and draws).
    let again = tmp.path().join("again");
    commute_ok(&[
        "run",
        out.join("calibrated.toml").to_str().unwrap(),
        "--draws",
        "2",
        "--out",
        again.to_str().unwrap(),
        "--quiet",
    ]);
    let rerun = csv_rows(&again.join("validation.csv"));
    assert_eq!(rerun[0]["model"], mean["model_after"]);
    let fitted = fs::read_to_string(out.join("calibrated.toml")).unwrap();
    assert!(fitted.contains("extends = "), "{fitted}");
    // The same fit on one thread: the same bytes.
    let one_thread = tmp.path().join("one-thread");
    calibrate(&one_thread, Some("1"));
    for file in ["calibration.csv", "evaluations.csv", "calibrated.toml"] {
        assert_eq!(
            fs::read(out.join(file)).unwrap(),
            fs::read(one_thread.join(file)).unwrap(),
            "{file} differs between 1 thread and all cores"
        );
    }
}

#[test]
fn calibrate_refuses_bad_parameters_and_a_network_without_targets() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = MEAN_TARGET
        .replace("PUBLISHED", "40.0")
        .replace("demand.beta_per_min", "demand.happiness")
        .replace("max = 0.2", "max = 0.01")
        + "\n[[parameter]]\nname = \"demand.intrazonal_min\"\nmin = -5.0\nmax = 30.0\nsource = \"x\"\n";
    let scenario = network_with(tmp.path(), &bad, 0.08);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["calibrate", scenario.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = bad.lines().position(|l| l == "[[parameter]]").unwrap() + 1;
    assert!(
        err.contains(&format!(
            "targets.toml:{line}: field `name`: unknown parameter `demand.happiness`"
        )),
        "{err}"
    );
    assert!(err.contains("field `max`: the range [0.04, 0.01]"), "{err}");
    assert!(err.contains("field `min`: demand.intrazonal_min"), "{err}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["calibrate", "scenarios/demo-base.toml", "--quiet"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("has no targets.toml"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
