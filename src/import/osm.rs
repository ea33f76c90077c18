//! The drivable roads of an OpenStreetMap extract as a road layer: junction-to-junction links
//! with their length, free-flow speed and capacity, on the largest strongly connected part.
//!
//! - **Drivable** are the ways whose `highway` is one of [`CLASSES`] (motorways to service
//!   roads, with their links), unless `access` or `motor_vehicle` is `no` or `private`.
//! - **Direction:** `oneway=yes/true/1` runs in the way's order, `-1`/`reverse` against it;
//!   `junction=roundabout` and motorways are one-way unless `oneway=no`.
//! - **Speed:** `maxspeed` in km/h, `mph` converted; zone values such as `DE:rural` (in
//!   `maxspeed`, or `maxspeed:type`, `source:maxspeed`, `zone:maxspeed` when `maxspeed` is
//!   absent) by the country's limit ([`zone_speed`]); otherwise, `none` included, the class's
//!   default speed ([`CLASSES`]).
//! - **Capacity:** lanes per direction (`lanes`, halved on a two-way road, at least 1; absent,
//!   the class's default) times the class's vehicles per hour per lane.
//! - **Junctions:** a way is cut at every node another way (or the same way again) uses and at
//!   its ends; a closed way is also cut halfway, since a link needs two ends. A node the extract
//!   does not hold (a way cut by its boundary) cuts the way: the parts on either side stay.
//! - **Connected:** links outside the largest strongly connected set of junctions are dropped
//!   and counted: a car could enter them and never leave, or never reach them.
//!
//! Junctions keep their OSM node id as node id, so `commute sp DIR --source 25291452` works.

use crate::io::OsmExtract;
use crate::network::great_circle_km;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A road class: its `highway` value, free-flow speed (km/h), lanes per direction and vehicles
/// per hour per lane (estimates in the range of the Highway Capacity Manual's base capacities,
/// lowered for roads with junctions and parking).
pub struct Class {
    /// The `highway` tag value.
    pub highway: &'static str,
    /// Default free-flow speed, km/h.
    pub speed_kmh: f64,
    /// Default lanes per direction.
    pub lanes: u32,
    /// Vehicles per hour per lane.
    pub lane_vph: f64,
}

/// The drivable classes, with their defaults.
pub const CLASSES: [Class; 15] = [
    Class {
        highway: "motorway",
        speed_kmh: 100.0,
        lanes: 2,
        lane_vph: 2000.0,
    },
    Class {
        highway: "motorway_link",
        speed_kmh: 60.0,
        lanes: 1,
        lane_vph: 1500.0,
    },
    Class {
        highway: "trunk",
        speed_kmh: 80.0,
        lanes: 2,
        lane_vph: 1800.0,
    },
    Class {
        highway: "trunk_link",
        speed_kmh: 50.0,
        lanes: 1,
        lane_vph: 1500.0,
    },
    Class {
        highway: "primary",
        speed_kmh: 60.0,
        lanes: 2,
        lane_vph: 900.0,
    },
    Class {
        highway: "primary_link",
        speed_kmh: 40.0,
        lanes: 1,
        lane_vph: 900.0,
    },
    Class {
        highway: "secondary",
        speed_kmh: 50.0,
        lanes: 1,
        lane_vph: 800.0,
    },
    Class {
        highway: "secondary_link",
        speed_kmh: 40.0,
        lanes: 1,
        lane_vph: 800.0,
    },
    Class {
        highway: "tertiary",
        speed_kmh: 40.0,
        lanes: 1,
        lane_vph: 700.0,
    },
    Class {
        highway: "tertiary_link",
        speed_kmh: 30.0,
        lanes: 1,
        lane_vph: 700.0,
    },
    Class {
        highway: "unclassified",
        speed_kmh: 40.0,
        lanes: 1,
        lane_vph: 600.0,
    },
    Class {
        highway: "residential",
        speed_kmh: 30.0,
        lanes: 1,
        lane_vph: 500.0,
    },
    Class {
        highway: "living_street",
        speed_kmh: 10.0,
        lanes: 1,
        lane_vph: 300.0,
    },
    Class {
        highway: "service",
        speed_kmh: 20.0,
        lanes: 1,
        lane_vph: 300.0,
    },
    Class {
        highway: "road",
        speed_kmh: 40.0,
        lanes: 1,
        lane_vph: 600.0,
    },
];

/// Legal speed limits by country where they differ from [`zone_speed`]'s defaults, km/h:
/// (country code, zone, limit), from the countries' road traffic acts as summarised by the
/// OpenStreetMap wiki's "Default speed limits" page (GB's in mph converted).
pub const COUNTRY_ZONES: [(&str, &str, f64); 17] = [
    ("CN", "urban", 50.0),
    ("CN", "rural", 70.0),
    ("CN", "motorway", 120.0),
    ("DE", "rural", 100.0),
    ("DE", "motorway", 130.0),
    ("FI", "motorway", 120.0),
    ("FR", "motorway", 130.0),
    ("GB", "nsl_single", 96.56),
    ("GB", "nsl_dual", 112.65),
    ("GB", "motorway", 112.65),
    ("GB", "urban", 48.28),
    ("NL", "rural", 80.0),
    ("NL", "motorway", 100.0),
    ("RU", "urban", 60.0),
    ("RU", "rural", 90.0),
    ("RU", "motorway", 110.0),
    ("US", "urban", 40.23),
];

/// The speed of a zone value of `maxspeed` (`FI:urban`, `DE:rural`, `GB:nsl_single`, ...),
/// km/h: the country's limit where [`COUNTRY_ZONES`] has it, else urban 50, rural 80, trunk
/// 100, motorway 120, living street 10, zone 30; `None` when the value is not a zone.
pub fn zone_speed(value: &str) -> Option<f64> {
    let (country, kind) = value.split_once(':')?;
    if let Some(&(_, _, limit)) = COUNTRY_ZONES
        .iter()
        .find(|(c, k, _)| c.eq_ignore_ascii_case(country) && *k == kind)
    {
        return Some(limit);
    }
    match kind {
        "urban" => Some(50.0),
        "rural" => Some(80.0),
        "trunk" => Some(100.0),
        "motorway" => Some(120.0),
        "living_street" => Some(10.0),
        "zone30" | "zone:30" => Some(30.0),
        _ => None,
    }
}

/// The `maxspeed` of a way in km/h, if it says one the model can read.
fn maxspeed(value: &str) -> Option<f64> {
    let v = value.trim();
    if let Some(z) = zone_speed(v) {
        return Some(z);
    }
    let (number, factor) = match v.strip_suffix("mph") {
        Some(n) => (n.trim(), 1.609_344),
        None => (v.trim_end_matches("km/h").trim(), 1.0),
    };
    number
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 300.0)
        .map(|s| s * factor)
}

/// A junction of the layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Junction {
    /// The OSM node id.
    pub osm_id: i64,
    /// The names of the streets that meet there (at most two, `/`-joined), or `junction ID`.
    pub name: String,
    /// `(lon, lat)`, degrees.
    pub position: (f64, f64),
}

/// A road link: one piece of a way between two junctions.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// `w<way id>-<piece>`.
    pub id: String,
    /// The way's `name`, or its `ref`.
    pub name: String,
    /// Indices into [`RoadLayer::junctions`].
    pub from: usize,
    /// The other end.
    pub to: usize,
    /// Length along the way's nodes, km.
    pub length_km: f64,
    /// Free-flow speed, km/h.
    pub speed_kmh: f64,
    /// Vehicles per hour per direction.
    pub capacity_vph: f64,
    /// Lanes per direction.
    pub lanes: u32,
    /// The `highway` value.
    pub class: &'static str,
    /// Usable only `from` -> `to`.
    pub oneway: bool,
}

/// The roads of an extract.
#[derive(Debug, Clone, Default)]
pub struct RoadLayer {
    /// The junctions links use, in OSM id order.
    pub junctions: Vec<Junction>,
    /// The links, in way order.
    pub links: Vec<Link>,
    /// Drivable ways read.
    pub ways: usize,
    /// Links dropped outside the largest strongly connected part.
    pub dropped_links: usize,
    /// Junctions dropped with them.
    pub dropped_junctions: usize,
    /// Way nodes the extract does not hold.
    pub missing_nodes: usize,
}

/// One drivable way, read.
struct Drivable<'a> {
    id: i64,
    nodes: &'a [i64],
    name: String,
    class: &'static Class,
    /// `Some(true)`: one-way in node order; `Some(false)`: against it; `None`: both ways.
    oneway: Option<bool>,
    speed_kmh: f64,
    lanes: u32,
}

/// The road layer of `extract`.
pub fn roads(extract: &OsmExtract) -> RoadLayer {
    let drivable: Vec<Drivable> = extract.ways.iter().filter_map(drivable).collect();
    // Each way as runs of the nodes the extract holds: a missing node cuts it.
    let missing: BTreeSet<i64> = drivable
        .iter()
        .flat_map(|w| w.nodes.iter().copied())
        .filter(|n| !extract.nodes.contains_key(n))
        .collect();
    let runs: Vec<(usize, &[i64])> = drivable
        .iter()
        .enumerate()
        .flat_map(|(wi, w)| {
            w.nodes
                .split(|n| missing.contains(n))
                .filter(|run| run.len() >= 2)
                .map(move |run| (wi, run))
        })
        .collect();
    // How many times each node is used; run ends count twice, so they are junctions.
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for (_, run) in &runs {
        for &n in *run {
            *uses.entry(n).or_default() += 1;
        }
        for end in [run[0], run[run.len() - 1]] {
            *uses.entry(end).or_default() += 1;
        }
    }
    // A closed piece (both ends one node) is also cut halfway.
    let mut halfway: BTreeSet<i64> = BTreeSet::new();
    for (_, run) in &runs {
        let mut start = 0;
        for k in 1..run.len() {
            if uses[&run[k]] > 1 {
                if run[k] == run[start] && k > start + 1 {
                    halfway.insert(run[(start + k) / 2]);
                }
                start = k;
            }
        }
    }
    let is_junction = |n: i64| uses[&n] > 1 || halfway.contains(&n);
    // Pieces between junctions.
    struct Piece {
        way: usize,
        from: i64,
        to: i64,
        km: f64,
    }
    let mut pieces = Vec::new();
    for &(wi, run) in &runs {
        let (mut start, mut km) = (0, 0.0);
        for k in 1..run.len() {
            km += great_circle_km(extract.nodes[&run[k - 1]], extract.nodes[&run[k]]);
            if is_junction(run[k]) {
                let (from, to) = (run[start], run[k]);
                if km > 0.0 && from != to {
                    pieces.push(Piece {
                        way: wi,
                        from,
                        to,
                        km,
                    });
                }
                start = k;
                km = 0.0;
            }
        }
    }
    // The largest strongly connected set of junctions.
    let ids: BTreeSet<i64> = pieces.iter().flat_map(|p| [p.from, p.to]).collect();
    let ids: Vec<i64> = ids.into_iter().collect();
    let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let mut arcs = Vec::new();
    for p in &pieces {
        let (a, b) = (index[&p.from], index[&p.to]);
        match drivable[p.way].oneway {
            Some(true) => arcs.push((a, b)),
            Some(false) => arcs.push((b, a)),
            None => arcs.extend([(a, b), (b, a)]),
        }
    }
    let component = largest_scc(ids.len(), &arcs);
    // Street names at each junction.
    let mut names: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
    for p in &pieces {
        let name = drivable[p.way].name.as_str();
        if !name.is_empty() {
            names.entry(p.from).or_default().insert(name);
            names.entry(p.to).or_default().insert(name);
        }
    }
    let mut layer = RoadLayer {
        ways: drivable.len(),
        missing_nodes: missing.len(),
        ..RoadLayer::default()
    };
    let mut junction_of: HashMap<i64, usize> = HashMap::new();
    for (i, &id) in ids.iter().enumerate() {
        if !component[i] {
            layer.dropped_junctions += 1;
            continue;
        }
        junction_of.insert(id, layer.junctions.len());
        let streets: Vec<&str> = names
            .get(&id)
            .map(|s| s.iter().take(2).copied().collect())
            .unwrap_or_default();
        layer.junctions.push(Junction {
            osm_id: id,
            name: if streets.is_empty() {
                format!("junction {id}")
            } else {
                streets.join(" / ")
            },
            position: extract.nodes[&id],
        });
    }
    let mut piece_of_way: HashMap<usize, usize> = HashMap::new();
    for p in &pieces {
        let w = &drivable[p.way];
        let n = piece_of_way.entry(p.way).or_default();
        *n += 1;
        let (Some(&a), Some(&b)) = (junction_of.get(&p.from), junction_of.get(&p.to)) else {
            layer.dropped_links += 1;
            continue;
        };
        let (from, to) = if w.oneway == Some(false) {
            (b, a)
        } else {
            (a, b)
        };
        let two_way = w.oneway.is_none();
        layer.links.push(Link {
            id: format!("w{}-{n}", w.id),
            name: w.name.clone(),
            from,
            to,
            length_km: p.km,
            speed_kmh: w.speed_kmh,
            capacity_vph: f64::from(w.lanes) * w.class.lane_vph,
            lanes: w.lanes,
            class: w.class.highway,
            oneway: !two_way,
        });
    }
    layer
}

/// The way as a drivable road, or `None`.
fn drivable(way: &crate::io::OsmWay) -> Option<Drivable<'_>> {
    let tag = |k: &str| way.tags.get(k).map(String::as_str);
    let class = CLASSES.iter().find(|c| Some(c.highway) == tag("highway"))?;
    if ["access", "motor_vehicle", "motorcar"]
        .iter()
        .any(|k| matches!(tag(k), Some("no" | "private")))
        || way.nodes.len() < 2
    {
        return None;
    }
    let oneway = match tag("oneway") {
        Some("yes" | "true" | "1") => Some(true),
        Some("-1" | "reverse") => Some(false),
        Some("no" | "false" | "0") => None,
        _ if tag("junction") == Some("roundabout") || class.highway == "motorway" => Some(true),
        _ => None,
    };
    let lanes_total = tag("lanes")
        .and_then(|l| l.trim().parse::<u32>().ok())
        .filter(|&l| (1..=20).contains(&l));
    let lanes = match (lanes_total, oneway) {
        (Some(l), Some(_)) => l,
        (Some(l), None) => (l / 2).max(1),
        (None, _) => class.lanes,
    };
    Some(Drivable {
        id: way.id,
        nodes: &way.nodes,
        name: tag("name").or(tag("ref")).unwrap_or_default().to_owned(),
        class,
        oneway,
        // A way without a readable maxspeed may still say its zone (`maxspeed:type`,
        // `source:maxspeed`: `DE:urban`).
        speed_kmh: tag("maxspeed")
            .and_then(maxspeed)
            .or_else(|| {
                ["maxspeed:type", "source:maxspeed", "zone:maxspeed"]
                    .iter()
                    .find_map(|k| tag(k).and_then(zone_speed))
            })
            .unwrap_or(class.speed_kmh),
        lanes,
    })
}

/// Which of `n` nodes are in the largest strongly connected component of the directed `arcs`
/// (Kosaraju's two passes, iterative; ties go to the component found first).
fn largest_scc(n: usize, arcs: &[(usize, usize)]) -> Vec<bool> {
    let mut out_adj = vec![Vec::new(); n];
    let mut in_adj = vec![Vec::new(); n];
    for &(a, b) in arcs {
        out_adj[a].push(b);
        in_adj[b].push(a);
    }
    // First pass: finishing order on the graph.
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for s in 0..n {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        let mut stack = vec![(s, 0usize)];
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = out_adj[v].get(*next) {
                *next += 1;
                if !seen[w] {
                    seen[w] = true;
                    stack.push((w, 0));
                }
            } else {
                order.push(v);
                stack.pop();
            }
        }
    }
    // Second pass: components on the reversed graph, in reverse finishing order.
    let mut component = vec![usize::MAX; n];
    let mut sizes = Vec::new();
    for &s in order.iter().rev() {
        if component[s] != usize::MAX {
            continue;
        }
        let c = sizes.len();
        let mut size = 0;
        component[s] = c;
        let mut stack = vec![s];
        while let Some(v) = stack.pop() {
            size += 1;
            for &w in &in_adj[v] {
                if component[w] == usize::MAX {
                    component[w] = c;
                    stack.push(w);
                }
            }
        }
        sizes.push(size);
    }
    let largest = (0..sizes.len()).max_by_key(|&c| (sizes[c], std::cmp::Reverse(c)));
    component.iter().map(|&c| Some(c) == largest).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxspeed_values_in_their_units() {
        assert_eq!(maxspeed("50"), Some(50.0));
        assert_eq!(maxspeed("50 km/h"), Some(50.0));
        assert!((maxspeed("30 mph").unwrap() - 48.28).abs() < 0.01);
        assert_eq!(maxspeed("FI:urban"), Some(50.0));
        assert_eq!(maxspeed("DE:rural"), Some(100.0));
        assert_eq!(maxspeed("FR:rural"), Some(80.0));
        assert!((maxspeed("GB:nsl_single").unwrap() - 96.56).abs() < 0.01);
        assert_eq!(maxspeed("none"), None);
        assert_eq!(maxspeed("signals"), None);
    }

    #[test]
    fn the_largest_strongly_connected_part() {
        // 0 <-> 1 <-> 2 is a cycle; 3 is reached but cannot leave; 4, 5 form a pair.
        let arcs = [(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (4, 5), (5, 4)];
        assert_eq!(
            largest_scc(6, &arcs),
            [true, true, true, false, false, false]
        );
    }
}
