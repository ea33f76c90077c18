//! The network format: what the demo network's files turn into, optional columns and comments.

mod common;

use common::demo_network;
use commute::io::load_network;
use commute::network::{AccessMode, Direction, FareRule, LinkRef, Mode, NodeKind};
use std::path::Path;

fn copy_demo(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(demo_network()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn demo_network_values_are_read_as_written() {
    let net = load_network(&demo_network()).unwrap();
    assert_eq!(net.settings().name, "demo");
    assert_eq!(net.settings().default_transfer_s, 180);
    assert_eq!(net.settings().processing_s[Mode::Hsr.index()], 15 * 60);
    assert_eq!(net.settings().processing_s[Mode::Subway.index()], 0);

    let xa = net.node(net.node_id("z_xiongan").unwrap());
    assert_eq!(
        (xa.kind, xa.approximate, xa.name.as_str()),
        (NodeKind::ZoneCentroid, true, "Xiong'an")
    );

    let Some(LinkRef::Road(g1)) = net.link("rd_yanjiao_tongzhou") else {
        panic!("road expected")
    };
    let g1 = &net.roads()[g1];
    assert_eq!(g1.checkpoint_s, 600);
    assert_eq!(g1.free_flow_s(), 1080, "15 km at 50 km/h");
    assert!(!g1.oneway);
    assert!(matches!(
        net.link("wk_bjw_liuliqiao"),
        Some(LinkRef::Walk(_))
    ));

    let jx = net.line(net.line_id("JX").unwrap());
    assert_eq!(jx.mode, Mode::Hsr);
    assert_eq!(jx.fare, FareRule::PerKm(0.45));
    assert_eq!(jx.stops.len(), 4);
    assert_eq!(
        jx.stops.iter().map(|s| s.run_s + s.dwell_s).sum::<u32>(),
        60 * 60
    );
    assert_eq!(
        jx.departures
            .iter()
            .filter(|d| d.direction == Direction::Reverse)
            .count(),
        3
    );
    assert_eq!(
        jx.departures_in(Direction::Forward, 7 * 3600, 9 * 3600),
        3.0
    );
    let l1 = net.line(net.line_id("L1").unwrap());
    // 2.5-minute headway 07:00-09:30: 48 departures between 07:00 and 09:00.
    assert_eq!(
        l1.departures_in(Direction::Forward, 7 * 3600, 9 * 3600),
        48.0
    );
    assert!(net.line(net.line_id("CB1").unwrap()).oneway);

    let xidan = net.node_id("m_xidan").unwrap();
    assert!(
        net.transfers()
            .iter()
            .any(|t| t.from == xidan && t.to == xidan && t.time_s == 300)
    );
    let zone = net.zone(net.zone_id("langfang").unwrap());
    assert_eq!(
        (zone.residents, zone.jobs, zone.car_share),
        (800_000, 350_000, 0.5)
    );
    let modes: Vec<AccessMode> = net
        .access()
        .iter()
        .filter(|a| a.zone == net.zone_id("langfang").unwrap())
        .map(|a| a.mode)
        .collect();
    assert_eq!(
        modes,
        [AccessMode::Car, AccessMode::Feeder, AccessMode::Walk]
    );
}

#[test]
fn optional_files_columns_comments_and_source_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("net");
    copy_demo(&dir);
    // No explicit departures, no walk links: the network still loads (lines keep their headways).
    std::fs::remove_file(dir.join("walk.csv")).unwrap();
    let service = std::fs::read_to_string(dir.join("service.csv")).unwrap();
    std::fs::write(
        dir.join("service.csv"),
        format!("{service}JX,06:00,22:00,30\nCB1,06:30,08:00,30\n"),
    )
    .unwrap();
    std::fs::remove_file(dir.join("departures.csv")).unwrap();
    // Optional columns may be left out; `source` and `notes` columns and # comments are allowed.
    std::fs::write(
        dir.join("transfers.csv"),
        "from,to,minutes,source\n# a comment line\nm_xidan,m_xidan,5,station survey\n",
    )
    .unwrap();
    let nodes = std::fs::read_to_string(dir.join("nodes.csv")).unwrap();
    let without_approx: String = nodes
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_owned() + "\n")
        .collect();
    std::fs::write(dir.join("nodes.csv"), without_approx).unwrap();
    let net = load_network(&dir).unwrap();
    assert!(net.walks().is_empty());
    assert!(net.nodes().iter().all(|n| !n.approximate));
    assert_eq!(net.transfers().len(), 1);
    assert!(net.line(net.line_id("JX").unwrap()).departures.is_empty());
}

#[test]
fn every_problem_in_every_file_is_reported_together() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("net");
    copy_demo(&dir);
    let edit = |file: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(text.contains(from), "{file} lacks {from}");
        std::fs::write(dir.join(file), text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "roads.csv",
        "rd_fin_guomao,Chang'an Avenue,r_fin,r_guomao,10,30",
        "rd_fin_guomao,Chang'an Avenue,r_fin,r_guomao,10,-30",
    );
    edit(
        "roads.csv",
        "rd_zgc_fin,West 2nd-3rd Ring,r_zgc,r_fin,9,30,3600,3",
        "rd_zgc_fin,West 2nd-3rd Ring,r_zgc,r_fin,9,30,3600,zero",
    );
    edit(
        "zones.csv",
        "guomao,Guomao,z_guomao,150000,600000,0.45",
        "guomao,Guomao,z_guomao,150000,600000,1.45",
    );
    let err = load_network(&dir).unwrap_err().to_string();
    assert!(err.starts_with("3 problems in the input"), "{err}");
    assert!(
        err.contains("roads.csv:3: field `speed_kmh`: expected a positive number, got `-30`"),
        "{err}"
    );
    assert!(err.contains("roads.csv:4: field `lanes`"), "{err}");
    assert!(err.contains("zones.csv:2: field `car_share`"), "{err}");
}

#[test]
fn parts_add_tables_from_sub_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("net");
    copy_demo(&dir);
    let part = dir.join("subway9");
    std::fs::create_dir(&part).unwrap();
    // Move line 9 into the part: its line row, its stops and its service.
    let mut moved = 0;
    for (file, header) in [
        ("lines.csv", "id,name,mode,capacity,seats,fare,oneway"),
        ("stops.csv", "line,node,run_min,dwell_min,distance_km"),
        ("service.csv", "line,start,end,headway_min"),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let (take, keep): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| l.starts_with("L9,"));
        moved += take.len();
        std::fs::write(dir.join(file), keep.join("\n") + "\n").unwrap();
        std::fs::write(part.join(file), format!("{header}\n{}\n", take.join("\n"))).unwrap();
    }
    assert_eq!(moved, 4);
    let toml = std::fs::read_to_string(dir.join("network.toml")).unwrap();
    let toml = toml.replace(
        "format_version = 1",
        "format_version = 1\nparts = [\"subway9\"]",
    );
    std::fs::write(dir.join("network.toml"), &toml).unwrap();
    let whole = load_network(&demo_network()).unwrap();
    let split = load_network(&dir).unwrap();
    let l9 = |n: &commute::network::Network| n.line(n.line_id("L9").unwrap()).clone();
    assert_eq!(l9(&whole), l9(&split));
    assert_eq!(whole.lines().len(), split.lines().len());

    // A duplicate id across files names both files.
    std::fs::write(
        part.join("nodes.csv"),
        "id,name,kind,lon,lat\nm_bjw,Again,subway_station,116.3,39.9\n",
    )
    .unwrap();
    let err = load_network(&dir).unwrap_err().to_string();
    assert!(
        err.contains("subway9/nodes.csv:2: field `id`: duplicate id `m_bjw` (first used in "),
        "{err}"
    );
    // A part that does not exist is an error.
    std::fs::write(dir.join("network.toml"), toml.replace("subway9", "nowhere")).unwrap();
    let err = load_network(&dir).unwrap_err().to_string();
    assert!(err.contains("part folder `nowhere` not found"), "{err}");
}

#[test]
fn fare_systems_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("net");
    copy_demo(&dir);
    let toml = std::fs::read_to_string(dir.join("network.toml")).unwrap();
    std::fs::write(
        dir.join("network.toml"),
        toml.replace(
            "bands = [[6.1, 3], [12.1, 4]",
            "bands = [[12.1, 3], [6.1, 4]",
        ),
    )
    .unwrap();
    let lines = std::fs::read_to_string(dir.join("lines.csv")).unwrap();
    std::fs::write(
        dir.join("lines.csv"),
        lines.replacen("system:subway", "system:metro", 1),
    )
    .unwrap();
    let err = load_network(&dir).unwrap_err().to_string();
    let header = 1 + toml
        .lines()
        .position(|l| l == "[fare_systems.subway]")
        .unwrap();
    assert!(
        err.contains(&format!(
            "network.toml:{header}: field `fare_systems.subway`: expected bands"
        )),
        "{err}"
    );
    assert!(
        err.contains(
            "lines.csv:4: field `fare`: expected `none`, `flat:YUAN`, `per_km:YUAN` or `system:ID`"
        ),
        "{err}"
    );
}

/// A part's table may order its columns differently and leave out optional ones: its rows are
/// read by column name, and their problems name the part's file and line.
#[test]
fn parts_may_order_their_columns_differently() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("net");
    copy_demo(&dir);
    let part = dir.join("extra");
    std::fs::create_dir(&part).unwrap();
    let roads = std::fs::read_to_string(dir.join("roads.csv")).unwrap();
    let row = "rd_zgc_fin,West 2nd-3rd Ring,r_zgc,r_fin,9,30,3600,3,arterial,0,false,";
    assert!(roads.contains(row));
    std::fs::write(
        dir.join("roads.csv"),
        roads.replace(&format!("{row}\n"), ""),
    )
    .unwrap();
    let part_text = "oneway,to,from,id,toll_yuan,class,lanes,capacity_vph,speed_kmh,length_km\n\n# moved\nfalse,r_fin,r_zgc,rd_zgc_fin,0,arterial,3,3600,30,9\n";
    std::fs::write(part.join("roads.csv"), part_text).unwrap();
    let toml = std::fs::read_to_string(dir.join("network.toml")).unwrap();
    std::fs::write(
        dir.join("network.toml"),
        toml.replace(
            "format_version = 1",
            "format_version = 1\nparts = [\"extra\"]",
        ),
    )
    .unwrap();
    let whole = load_network(&demo_network()).unwrap();
    let split = load_network(&dir).unwrap();
    // Everything but the optional name, which the part leaves out.
    let road = |n: &commute::network::Network| {
        let r = n.roads().iter().find(|r| r.id == "rd_zgc_fin").unwrap();
        let node = |id: commute::network::NodeId| n.nodes()[id.index()].id.clone();
        let figures = (r.length_km, r.speed_kmh, r.capacity_vph, r.toll_yuan);
        (
            node(r.from),
            node(r.to),
            figures,
            r.lanes,
            r.oneway,
            r.checkpoint_s,
        )
    };
    assert_eq!(road(&whole), road(&split));
    std::fs::write(
        part.join("roads.csv"),
        part_text.replace(",30,9", ",fast,9"),
    )
    .unwrap();
    let err = load_network(&dir).unwrap_err().to_string();
    assert!(
        err.contains("extra/roads.csv:4: field `speed_kmh`"),
        "{err}"
    );
}

/// `seats` is optional: an empty cell, or no column at all, seats everyone (seats = capacity).
#[test]
fn line_seats_default_to_the_capacity() {
    let net = load_network(&demo_network()).unwrap();
    let size = |net: &commute::network::Network, id: &str| {
        let l = net.line(net.line_id(id).unwrap());
        (l.capacity, l.seats)
    };
    assert_eq!(size(&net, "JX"), (1200, 1000));
    assert_eq!(size(&net, "L1"), (1400, 240));
    assert_eq!(size(&net, "CB1"), (50, 50));

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("net");
    copy_demo(&dir);
    let text = std::fs::read_to_string(dir.join("lines.csv")).unwrap();
    // An empty cell on JX.
    std::fs::write(
        dir.join("lines.csv"),
        text.replace(",hsr,1200,1000,", ",hsr,1200,,"),
    )
    .unwrap();
    let net = load_network(&dir).unwrap();
    assert_eq!(size(&net, "JX"), (1200, 1200));
    assert_eq!(size(&net, "L1"), (1400, 240));
    // No column: drop the fifth field of every row.
    let without: Vec<String> = text
        .lines()
        .map(|l| {
            let mut fields: Vec<&str> = l.split(',').collect();
            fields.remove(4);
            fields.join(",")
        })
        .collect();
    assert_eq!(without[0], "id,name,mode,capacity,fare,oneway");
    std::fs::write(dir.join("lines.csv"), without.join("\n") + "\n").unwrap();
    let net = load_network(&dir).unwrap();
    for line in net.lines() {
        assert_eq!(line.seats, line.capacity, "{}", line.id);
    }
}
