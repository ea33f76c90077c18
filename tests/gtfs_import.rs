//! `commute import --gtfs` (issue 16) on a hand-made feed (tests/fixtures/gtfs/mini) that holds
//! one of each thing the importer must get right: a parent station with two platforms, an
//! untimed stop, a dwell, two time profiles of one route, a loop trip, a trip past midnight,
//! frequencies of both kinds, services added and removed by calendar_dates, transfers with a
//! minimum time, a change time at a stop and a forbidden transfer, stops sharing a name, and a
//! flat fare. Every expected time below is worked out by hand from the feed's files.

mod common;

use common::{commute, commute_ok, csv_rows, root};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

fn mini() -> PathBuf {
    root().join("tests/fixtures/gtfs/mini")
}

/// Imports the feeds at `feeds` for 2024-05-06 (a Monday) into `out`.
fn import(feeds: &[&Path], out: &Path) -> Output {
    let mut args = vec!["import".to_owned()];
    for f in feeds {
        args.extend(["--gtfs".to_owned(), f.to_str().unwrap().to_owned()]);
    }
    args.extend(
        ["--date", "2024-05-06", "--out", out.to_str().unwrap()]
            .iter()
            .map(|s| s.to_string()),
    );
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    commute(&refs)
}

fn imported() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("mini");
    let out = import(&[&mini()], &net);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (tmp, net)
}

/// `route --depart --json` on the imported folder: (minutes, arrival), or None without a route.
fn route(net: &Path, from: &str, to: &str, depart: &str) -> Option<(f64, String)> {
    let out = commute(&[
        "route",
        net.to_str().unwrap(),
        "--from",
        from,
        "--to",
        to,
        "--mode",
        "transit",
        "--depart",
        depart,
        "--json",
    ]);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    if json["reachable"] == false {
        assert_eq!(out.status.code(), Some(1));
        return None;
    }
    assert!(out.status.success());
    Some((
        json["minutes"].as_f64().unwrap(),
        json["arrival"].as_str().unwrap().to_owned(),
    ))
}

#[test]
fn the_trips_of_the_date_become_lines_with_their_own_times() {
    let (_tmp, net) = imported();
    let lines = csv_rows(&net.join("lines.csv"));
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str()).collect();
    // R1: T1, T2 and T8 (added by calendar_dates) share a profile; T3 is slower; T10 loops.
    // T7 runs on Saturdays and T9's service is removed on the date.
    assert_eq!(ids, ["R1-1", "R1-2", "R1-3", "R2-1", "R2-2", "R3"]);
    assert!(
        lines
            .iter()
            .all(|l| l["oneway"] == "true" && l["loop"] == "false")
    );
    let modes: Vec<&str> = lines.iter().map(|l| l["mode"].as_str()).collect();
    assert_eq!(modes, ["bus", "bus", "bus", "subway", "subway", "rail"]);
    let fares: Vec<&str> = lines.iter().map(|l| l["fare"].as_str()).collect();
    assert_eq!(
        fares,
        ["flat:2", "flat:2", "flat:2", "none", "none", "none"]
    );
    let departures: Vec<(String, String)> = csv_rows(&net.join("departures.csv"))
        .into_iter()
        .map(|r| (r["line"].clone(), r["time"].clone()))
        .collect();
    let of = |line: &str| -> Vec<&str> {
        departures
            .iter()
            .filter(|(l, _)| l == line)
            .map(|(_, t)| t.as_str())
            .collect()
    };
    assert_eq!(of("R1-1"), ["07:00", "07:30", "09:00"]);
    // exact_times = 1: every 15 minutes from 06:00 to 07:00 (exclusive).
    assert_eq!(of("R2-2"), ["06:00", "06:15", "06:30", "06:45"]);
    assert_eq!(of("R3"), ["24:10"]);
    // exact_times = 0: a headway period.
    let service = csv_rows(&net.join("service.csv"));
    assert_eq!(service.len(), 1);
    assert_eq!(
        [
            &service[0]["line"],
            &service[0]["start"],
            &service[0]["end"],
            &service[0]["headway_min"]
        ],
        ["R2-1", "06:00", "09:00", "10"]
    );
    // The untimed stop A lies halfway between S1 (07:00) and B (07:10): 5 minutes each way;
    // B's dwell is 30 s.
    let stops = csv_rows(&net.join("stops.csv"));
    let r1: Vec<(&str, &str, &str)> = stops
        .iter()
        .filter(|s| s["line"] == "R1-1")
        .map(|s| {
            (
                s["node"].as_str(),
                s["run_min"].as_str(),
                s["dwell_min"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        r1,
        [
            ("S1", "0", "0"),
            ("A", "5", "0"),
            ("B", "5", "0.5"),
            ("C", "4.5", "0")
        ]
    );
    let readme = fs::read_to_string(net.join("README.md")).unwrap();
    assert!(
        readme.contains("7 stops, 1 station, 6 lines, 8 trips"),
        "{readme}"
    );
    let nodes = csv_rows(&net.join("nodes.csv"));
    assert!(
        nodes.iter().all(|n| n["id"] != "X"),
        "the unused stop is imported"
    );
    assert_eq!(
        nodes.iter().find(|n| n["id"] == "S").unwrap()["kind"],
        "station"
    );
}

#[test]
fn routes_on_the_imported_folder_keep_the_feeds_times() {
    let (_tmp, net) = imported();
    // T1 leaves S1 at 07:00 and reaches C at 07:15; the leg names the trip.
    assert_eq!(
        route(&net, "S1", "C", "06:55"),
        Some((20.0, "07:15:00".into()))
    );
    let out = commute(&[
        "route",
        net.to_str().unwrap(),
        "--from",
        "S1",
        "--to",
        "C",
        "--mode",
        "transit",
        "--depart",
        "06:55",
        "--json",
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let trips: Vec<&Value> = json["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["trip"])
        .collect();
    assert_eq!(trips, [&Value::Null, &Value::from("T1")]);
    // A 10-minute metro from 06:00 (exact_times = 0): S1 to S2 takes the 2 minutes
    // transfers.txt gives, the 06:10 train reaches D at 06:14.
    assert_eq!(
        route(&net, "S1", "D", "06:01"),
        Some((13.0, "06:14:00".into()))
    );
    // The whole station walks to its platforms (S2 is 25 m from it: 27 s).
    assert_eq!(
        route(&net, "S", "D", "06:01"),
        Some((13.0, "06:14:00".into()))
    );
    // Past midnight: the night train leaves C2 at 24:10 and reaches S1 at 24:40.
    assert_eq!(
        route(&net, "C2", "S1", "23:50"),
        Some((50.0, "24:40:00".into()))
    );
    // The night train cannot be reached from C: the feed lists its transfers and none joins C
    // to C2 (it forbids C -> C2), and no other trip leaves C after 23:50.
    assert_eq!(route(&net, "C", "S1", "23:50"), None);
    // The loop trip (B 05:00, C 05:05, A 05:10, B 05:15) ends at B: from A at 05:08 nobody
    // rides on into a second lap to C at 05:20; T1 passes A at 07:05 and reaches C at 07:15.
    assert_eq!(
        route(&net, "A", "C", "05:08"),
        Some((127.0, "07:15:00".into()))
    );
    assert_eq!(
        route(&net, "C", "B", "05:00"),
        Some((15.0, "05:15:00".into()))
    );
}

#[test]
fn stops_sharing_a_name_are_walked_between_only_in_a_feed_without_transfers() {
    let tmp = tempfile::tempdir().unwrap();
    let walks = |net: &Path| -> Vec<(String, String)> {
        csv_rows(&net.join("walk.csv"))
            .into_iter()
            .map(|w| (w["from"].clone(), w["to"].clone()))
            .collect()
    };
    let (_keep, net) = imported();
    assert!(!walks(&net).iter().any(|(a, _)| a == "C" || a == "C2"));
    let feed = broken(tmp.path(), "transfers.txt", None);
    let net = tmp.path().join("net");
    assert!(import(&[&feed], &net).status.success());
    let w = walks(&net);
    assert!(w.contains(&("C".into(), "C2".into())) && w.contains(&("C2".into(), "C".into())));
    // 17 m at 4.5 km/h over 1.3 times the straight line: 18 s.
    assert_eq!(
        route(&net, "C", "S1", "23:50"),
        Some((50.0, "24:40:00".into()))
    );
}

#[test]
fn the_imported_folder_runs_like_any_network() {
    let (tmp, net) = imported();
    let out = commute(&["validate", net.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = tmp.path().join("run");
    commute_ok(&[
        "run",
        net.to_str().unwrap(),
        "--draws",
        "2",
        "--out",
        run.to_str().unwrap(),
        "--quiet",
    ]);
    let zones = csv_rows(&run.join("zones.csv"));
    assert_eq!(zones.len(), 4, "the grid over the stops");
    let lines = csv_rows(&run.join("lines.csv"));
    assert_eq!(lines.len(), 6);
}

#[test]
fn an_import_is_a_function_of_the_feed_and_two_feeds_keep_their_ids_apart() {
    let (tmp, net) = imported();
    let again = tmp.path().join("again/mini");
    assert!(import(&[&mini()], &again).status.success());
    for entry in fs::read_dir(&net).unwrap() {
        let name = entry.unwrap().file_name();
        assert_eq!(
            fs::read(net.join(&name)).unwrap(),
            fs::read(again.join(&name)).unwrap(),
            "{name:?} differs"
        );
    }
    let both = tmp.path().join("both");
    let out = import(&[&mini(), &mini()], &both);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nodes = csv_rows(&both.join("nodes.csv"));
    for id in ["mini:S1", "mini2:S1", "mini:S", "mini2:S"] {
        assert!(nodes.iter().any(|n| n["id"] == id), "no node {id}");
    }
    assert_eq!(
        route(&both, "mini2:S1", "mini2:C", "06:55"),
        Some((20.0, "07:15:00".into()))
    );
}

/// A copy of the mini feed with `file` replaced by `text`.
fn broken(dir: &Path, file: &str, text: Option<&str>) -> PathBuf {
    let feed = dir.join("feed");
    fs::create_dir_all(&feed).unwrap();
    for entry in fs::read_dir(mini()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), feed.join(entry.file_name())).unwrap();
    }
    match text {
        Some(t) => fs::write(feed.join(file), t).unwrap(),
        None => fs::remove_file(feed.join(file)).unwrap(),
    }
    feed
}

/// Importing the feed fails with exit code 2, messages containing each of `expected`, and no
/// output folder.
fn assert_refused(feed: &Path, expected: &[&str]) {
    let out_dir = feed.parent().unwrap().join("out");
    let out = import(&[feed], &out_dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "`{e}` not in\n{stderr}");
    }
    assert!(!out_dir.exists(), "partial output");
}

#[test]
fn bad_feeds_are_refused_with_the_file_line_and_field() {
    let stop_times = fs::read_to_string(mini().join("stop_times.txt")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // An unknown stop and an unknown trip in stop_times.txt.
    let text = stop_times
        .replace("T3,08:07:00,08:07:00,A,2", "T3,08:07:00,08:07:00,Q,2")
        .replace("T4,06:04:00,06:04:00,D,2", "T44,06:04:00,06:04:00,D,2");
    let line = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let feed = broken(&tmp.path().join("refs"), "stop_times.txt", Some(&text));
    assert_refused(
        &feed,
        &[
            &format!(
                "stop_times.txt:{}: field `stop_id`: unknown stop `Q`",
                line(",Q,")
            ),
            &format!(
                "stop_times.txt:{}: field `trip_id`: unknown trip `T44`",
                line("T44")
            ),
        ],
    );
    // Times going backwards.
    let text = stop_times.replace("T3,08:14:00,08:14:00,B,3", "T3,08:04:00,08:04:00,B,3");
    let feed = broken(&tmp.path().join("times"), "stop_times.txt", Some(&text));
    let at = text
        .lines()
        .position(|l| l.starts_with("T3,08:04"))
        .unwrap()
        + 1;
    assert_refused(
        &feed,
        &[&format!(
            "stop_times.txt:{at}: field `arrival_time`: is before the departure from the previous stop"
        )],
    );
    // Not a time at all: the CSV reader's problem, with its line and field.
    let text = stop_times.replace("T2,07:30:00,07:30:00", "T2,7h30,07:30:00");
    let feed = broken(&tmp.path().join("clock"), "stop_times.txt", Some(&text));
    let at = text.lines().position(|l| l.contains("7h30")).unwrap() + 1;
    assert_refused(
        &feed,
        &[&format!("stop_times.txt:{at}: field `arrival_time`")],
    );
    // A time of millions of hours (it overflows inside the GTFS reader).
    let text = stop_times.replace("T2,07:30:00,07:30:00", "T2,4000000000:30:00,07:30:00");
    let feed = broken(&tmp.path().join("hours"), "stop_times.txt", Some(&text));
    let at = text.lines().position(|l| l.contains("4000000000")).unwrap() + 1;
    assert_refused(
        &feed,
        &[&format!("stop_times.txt:{at}: field `arrival_time`")],
    );
    // A missing required file; a frequency for an unknown trip; a bad date.
    let feed = broken(&tmp.path().join("nostops"), "stops.txt", None);
    assert_refused(&feed, &["stops.txt: missing"]);
    let feed = broken(
        &tmp.path().join("freq"),
        "frequencies.txt",
        Some("trip_id,start_time,end_time,headway_secs\nT99,06:00:00,07:00:00,600\n"),
    );
    assert_refused(
        &feed,
        &["frequencies.txt:2: field `trip_id`: unknown trip `T99`"],
    );
    let feed = broken(
        &tmp.path().join("date"),
        "calendar_dates.txt",
        Some("service_id,date,exception_type\nHOL,2024-05-06,1\n"),
    );
    assert_refused(&feed, &["calendar_dates.txt:2: field `date`"]);
}

#[test]
fn a_date_without_service_and_bad_arguments_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let feed = mini();
    // The mini feed imported for `date` into `out_dir`.
    let import_on = |date: &str| {
        commute(&[
            "import",
            "--gtfs",
            feed.to_str().unwrap(),
            "--date",
            date,
            "--out",
            out_dir.to_str().unwrap(),
        ])
    };
    let out = import_on("2030-01-01");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no trip runs on 2030-01-01 (the calendars cover"),
        "{stderr}"
    );
    assert!(!out_dir.exists());
    let out = import_on("06/05/2024");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--date `06/05/2024`"));
    let out = commute(&[
        "import",
        "--date",
        "2024-05-06",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --gtfs FEED"));
}

#[test]
fn zones_from_a_points_file_walk_to_the_stops_near_them() {
    let tmp = tempfile::tempdir().unwrap();
    let zones = tmp.path().join("zones.csv");
    // Imports the mini feed with `points` as the zones file into `out`.
    let import_zones = |points: &str, out: &str| {
        fs::write(&zones, format!("id,name,lon,lat,residents,jobs\n{points}")).unwrap();
        let net = tmp.path().join(out);
        let out = commute(&[
            "import",
            "--gtfs",
            mini().to_str().unwrap(),
            "--zones",
            zones.to_str().unwrap(),
            "--date",
            "2024-05-06",
            "--out",
            net.to_str().unwrap(),
        ]);
        (
            net,
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (net, code, stderr) = import_zones(
        "west,West,116.4001,39.9001,5000,100\neast,East,116.43015,39.9001,200,8000\n",
        "net",
    );
    assert_eq!(code, Some(0), "{stderr}");
    let access = csv_rows(&net.join("access.csv"));
    let of = |zone: &str| -> Vec<String> {
        access
            .iter()
            .filter(|a| a["zone"] == zone)
            .map(|a| a["node"].clone())
            .collect()
    };
    // Within 800 m: the two platforms by the west point (the station is no stop); C and C2 east.
    assert_eq!(of("west"), ["S1", "S2"]);
    assert_eq!(of("east"), ["C2", "C"]);
    let zone_rows = csv_rows(&net.join("zones.csv"));
    assert_eq!(zone_rows[1]["jobs"], "8000");
    // A bad points file names its line and field.
    let (_, code, stderr) = import_zones("west,West,216.4,39.9,5000,100\n", "net2");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("zones.csv:2: field `lon`"), "{stderr}");
    // A zone far from every stop is refused, not linked by a day's walk.
    let (net, code, stderr) = import_zones(
        "west,West,116.4,39.9,5000,100\nfar,Far,117.4,39.9,10,10\n",
        "net3",
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("zones.csv:3: field `lon`: zone `far` is more than 5 km from every stop"),
        "{stderr}"
    );
    assert!(!net.exists());
}

#[test]
fn a_box_leaves_out_the_stops_outside_it_and_cuts_the_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let net = tmp.path().join("boxed");
    // Delta (39.91 N) lies outside: the metro lines S2 - D lose a stop and so every ride.
    let out = commute(&[
        "import",
        "--gtfs",
        mini().to_str().unwrap(),
        "--date",
        "2024-05-06",
        "--bbox",
        "116.39,39.895,116.44,39.905",
        "--out",
        net.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids: Vec<String> = csv_rows(&net.join("lines.csv"))
        .into_iter()
        .map(|l| l["id"].clone())
        .collect();
    assert_eq!(ids, ["R1-1", "R1-2", "R1-3", "R3"]);
    assert!(
        csv_rows(&net.join("nodes.csv"))
            .iter()
            .all(|n| n["id"] != "D")
    );
    for bad in [
        "116.44,39.895,116.39,39.905",
        "116.39,39.895,116.44",
        "a,b,c,d",
    ] {
        let out = commute(&[
            "import",
            "--gtfs",
            mini().to_str().unwrap(),
            "--date",
            "2024-05-06",
            "--bbox",
            bad,
            "--out",
            tmp.path().join("x").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("W,S,E,N"),
            "{bad}"
        );
    }
}
