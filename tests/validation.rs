//! The validation table (issue 15): a network's `targets.toml` makes every Monte-Carlo run write
//! `validation.csv`, each statistic computed the way its target says. Checked against the run's
//! own tables (zones.csv, lines.csv, summary.json), which compute the same figures by another
//! path, on a copy of the demo network with a hand-made targets file; and on the shipped
//! regional network, whose targets file must cover the published statistics of issue 15.

mod common;

use common::{commute_ok, csv_rows, root};
use serde_json::Value;
use std::collections::HashMap;
use std::fs;

fn number(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("{cell:?} is not a number"))
}

/// The row of `rows` whose `key` column is `value`.
fn row<'a>(
    rows: &'a [HashMap<String, String>],
    key: &str,
    value: &str,
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row with {key} = {value}"))
}

const TARGETS: &str = r#"version = 1

[[target]]
id = "yanjiao_commuters"
description = "Yanjiao residents working in another zone"
measure = "commuters"
from = ["yanjiao"]
to = ["guomao", "finstreet", "zgc", "wangjing", "tongzhou", "daxing", "langfang", "xiongan", "tianjin", "guan", "zhuozhou"]
published = 1.0
tolerance = 1e12
source = "test"
fit = true

[[target]]
id = "yanjiao_mean_commute"
description = "their mean commute"
measure = "mean_commute_min"
from = ["yanjiao"]
to = ["guomao", "finstreet", "zgc", "wangjing", "tongzhou", "daxing", "langfang", "xiongan", "tianjin", "guan", "zhuozhou"]
published = 45.0
tolerance = 0.1
source = "test"

[[target]]
id = "yanjiao_car_share"
description = "their car share"
measure = "mode_share"
modes = ["car"]
from = ["yanjiao"]
published = 0.0
tolerance = 0.03
source = "test"

[[target]]
id = "cb1_boardings"
description = "custom bus boardings"
measure = "line_boardings"
lines = ["CB1"]
published = 100.0
tolerance = 0.2
source = "test"

[[target]]
id = "hebei_to_beijing_by_province"
description = "commuters from the Hebei zones to the Beijing zones, named by province"
measure = "commuters"
from_provinces = ["Hebei"]
to_provinces = ["Beijing"]
published = 1.0
tolerance = 1.0
source = "test"

[[target]]
id = "hebei_to_beijing_by_zone"
description = "the same, each zone named"
measure = "commuters"
from = ["yanjiao", "langfang", "xiongan", "guan", "zhuozhou"]
to = ["guomao", "finstreet", "zgc", "wangjing", "tongzhou", "daxing"]
published = 1.0
tolerance = 1.0
source = "test"

[[target]]
id = "all_commuters"
description = "every commuter, own zone included"
measure = "commuters"
published = 0.0
tolerance = 1.0
source = "test"
"#;

#[test]
fn the_validation_table_agrees_with_the_runs_own_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("net");
    fs::create_dir(&net).unwrap();
    for entry in fs::read_dir(root().join("networks/demo")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), net.join(entry.file_name())).unwrap();
    }
    // Give the zones their provinces (the demo network has none).
    let zones_csv = fs::read_to_string(net.join("zones.csv")).unwrap();
    let with_provinces: String = zones_csv
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let province = match line.split(',').next().unwrap() {
                _ if i == 0 => "province",
                "yanjiao" | "langfang" | "xiongan" | "guan" | "zhuozhou" => "Hebei",
                "tianjin" => "Tianjin",
                _ => "Beijing",
            };
            format!("{line},{province}\n")
        })
        .collect();
    fs::write(net.join("zones.csv"), with_provinces).unwrap();
    fs::write(net.join("targets.toml"), TARGETS).unwrap();
    let scenario = tmp.path().join("s.toml");
    fs::write(&scenario, "version = 1\nname = \"s\"\nnetwork = \"net\"\n").unwrap();
    let out = tmp.path().join("out");
    commute_ok(&[
        "run",
        scenario.to_str().unwrap(),
        "--draws",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let validation = csv_rows(&out.join("validation.csv"));
    let ids: Vec<&str> = validation.iter().map(|r| r["statistic"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "yanjiao_commuters",
            "yanjiao_mean_commute",
            "yanjiao_car_share",
            "cb1_boardings",
            "hebei_to_beijing_by_province",
            "hebei_to_beijing_by_zone",
            "all_commuters"
        ]
    );
    let model = |id: &str| number(&row(&validation, "statistic", id)["model"]);
    let zones = csv_rows(&out.join("zones.csv"));
    let yanjiao = row(&zones, "zone", "yanjiao");
    assert!((model("yanjiao_commuters") - number(&yanjiao["commuters"])).abs() <= 0.05 + 1e-9);
    assert!(
        (model("yanjiao_mean_commute") - number(&yanjiao["mean_commute_min"])).abs() <= 0.05 + 1e-9
    );
    // Every zone's mode shares are over its commuters to other zones, like the target's.
    assert!((model("yanjiao_car_share") - number(&yanjiao["car_share"])).abs() <= 5e-5 + 1e-9);
    // A province stands for every zone in it.
    let by_province = model("hebei_to_beijing_by_province");
    assert!(by_province > 0.0);
    assert_eq!(by_province, model("hebei_to_beijing_by_zone"));
    let lines = csv_rows(&out.join("lines.csv"));
    let cb1 = number(&row(&lines, "line", "CB1")["boardings"]);
    assert!(cb1 > 0.0, "the custom bus carries nobody");
    assert!((model("cb1_boardings") - cb1).abs() <= 0.05 + 1e-9);
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let demand = &summary["demand"];
    let everyone =
        demand["commuters"].as_f64().unwrap() + demand["intrazonal_commuters"].as_f64().unwrap();
    assert!((model("all_commuters") - everyone).abs() <= 1e-4 * everyone);
    // The verdicts follow the tolerances: relative, absolute for shares, and with a published 0.
    let within = |id: &str| row(&validation, "statistic", id)["within_tolerance"] == "true";
    assert!(within("yanjiao_commuters"));
    let car_share = model("yanjiao_car_share");
    assert!(car_share > 0.03, "demo Yanjiao drives: {car_share}");
    assert!(!within("yanjiao_car_share"));
    let mean = model("yanjiao_mean_commute");
    assert_eq!(
        within("yanjiao_mean_commute"),
        (mean / 45.0 - 1.0).abs() <= 0.1
    );
    assert_eq!(within("cb1_boardings"), (cb1 / 100.0 - 1.0).abs() <= 0.2);
    assert!(
        !within("all_commuters"),
        "{everyone} commuters within 1 of 0"
    );
    assert_eq!(
        row(&validation, "statistic", "yanjiao_commuters")["used_in_fit"],
        "true"
    );
    assert_eq!(
        row(&validation, "statistic", "cb1_boardings")["used_in_fit"],
        "false"
    );
    // summary.json holds the same table.
    let table = summary["validation"].as_array().unwrap();
    assert_eq!(table.len(), validation.len());
    for (json, csv) in table.iter().zip(&validation) {
        assert_eq!(json["statistic"].as_str().unwrap(), csv["statistic"]);
        assert_eq!(json["model"].as_f64().unwrap(), number(&csv["model"]));
    }
}

#[test]
fn a_network_without_targets_writes_no_validation_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    commute_ok(&[
        "run",
        "scenarios/demo-base.toml",
        "--draws",
        "2",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(!out.join("validation.csv").exists());
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!report.contains("<h2>Validation</h2>"));
    assert!(
        !report.contains("Detail: the largest employment cluster"),
        "a small network"
    );
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert!(summary.get("validation").is_none());
}

/// The regional network's targets cover issue 15's published statistics, each with a source,
/// and the shipped scenario computes every one of them.
#[test]
fn the_regional_run_reports_every_published_statistic() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    commute_ok(&[
        "run",
        "scenarios/jjj-2024.toml",
        "--draws",
        "2",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let validation = csv_rows(&out.join("validation.csv"));
    for id in [
        "beijing_mean_commute_min",
        "beijing_share_over_60_min",
        "hebei_to_beijing_commuters",
        "sanhe_dachang_xianghe_to_beijing_commuters",
        "cross_border_mean_commute_min",
        "cross_border_mean_commute_km",
        "custom_bus_morning_boardings",
    ] {
        let r = row(&validation, "statistic", id);
        assert!(!r["source"].is_empty(), "{id} has no source");
        let model = number(&r["model"]);
        assert!(model > 0.0, "{id}: model {model}");
        let ratio = number(&r["ratio"]);
        assert!(
            (ratio - model / number(&r["published"])).abs() < 1e-3,
            "{id}"
        );
    }
    // Held-out statistics exist beside fitted ones.
    assert!(validation.iter().any(|r| r["used_in_fit"] == "false"));
    assert!(validation.iter().any(|r| r["used_in_fit"] == "true"));
    // The report shows the table, and a detail map of Beijing, where the region's map piles up
    // its zones.
    let report = fs::read_to_string(out.join("report.html")).unwrap();
    let within = validation
        .iter()
        .filter(|r| r["within_tolerance"] == "true")
        .count();
    assert!(report.contains(&format!(
        "The model meets {within} of {} published statistics",
        validation.len()
    )));
    assert!(report.contains("Detail: the largest employment cluster"));
    assert!(report.contains("<h2>Accessibility, same detail</h2>"));
    for zone in [
        "Guomao",
        "Financial Street",
        "Beijing Centre",
        "Wangjing",
        "Fengtai",
    ] {
        assert!(
            report.contains(&format!(">{zone}</text>")),
            "no label {zone}"
        );
    }
}
