//! Checking and applying each modification type against the network as it stands.

use super::DemandScale;
use crate::bounds::{self, Bound};
use crate::error::Problem;
use crate::io::{HeadwaySpec, LinkSpec, ModificationSpec, NodeSpec, StopSpec};
use crate::network::{
    AccessLink, AccessMode, Departure, Direction, FareRule, HeadwayPeriod, Line, LinkRef, Mode,
    Network, Node, NodeId, NodeKind, RoadLink, Stop, Transfer, Zone, ZoneId, stop_list_problems,
};
use crate::time::{Seconds, parse_clock};
use std::collections::HashSet;
use std::path::Path;

/// Collects the problems of one modification, all tagged with its file and line.
struct Check<'a> {
    path: &'a Path,
    line: u64,
    kind: &'static str,
    problems: Vec<Problem>,
}

impl Check<'_> {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(Problem::at(
            self.path,
            self.line,
            Some(field),
            format!("{}: {}", self.kind, message.into()),
        ));
    }

    /// Minutes within `bound`, as seconds (0 after a problem).
    fn minutes(&mut self, field: &str, bound: &Bound, minutes: f64) -> Seconds {
        bound.check_minutes(minutes).unwrap_or_else(|m| {
            self.fail(field, m);
            0
        })
    }

    /// A number within `bound`.
    fn bounded(&mut self, field: &str, bound: &Bound, value: f64) -> f64 {
        bound.check(value).unwrap_or_else(|m| {
            self.fail(field, m);
            value
        })
    }

    /// A count within `bound`.
    fn count<T: Copy + Into<u64>>(&mut self, field: &str, bound: &Bound, value: T) -> T {
        if let Err(m) = bound.check_count(value.into()) {
            self.fail(field, m);
        }
        value
    }

    /// A text field the files would require: not empty, no surrounding spaces (a CSV cell
    /// is trimmed, so a file could not hold it).
    fn text(&mut self, field: &str, value: &str) {
        if value.is_empty() {
            self.fail(field, "expected a value, found an empty text");
        } else if value.trim() != value {
            self.fail(field, format!("`{value}` starts or ends with a space"));
        }
    }

    fn clock(&mut self, field: &str, text: &str) -> Seconds {
        parse_clock(text).unwrap_or_else(|m| {
            self.fail(field, m);
            0
        })
    }

    fn node(&mut self, net: &Network, field: &str, id: &str) -> Option<NodeId> {
        let found = net.node_id(id);
        if found.is_none() {
            self.fail(field, format!("unknown node id `{id}`"));
        }
        found
    }

    fn zone(&mut self, net: &Network, field: &str, id: &str) -> Option<ZoneId> {
        let found = net.zone_id(id);
        if found.is_none() {
            self.fail(field, format!("unknown zone id `{id}`"));
        }
        found
    }

    fn line_index(&mut self, net: &Network, field: &str, id: &str) -> Option<usize> {
        let found = net.line_id(id).map(|l| l.index());
        if found.is_none() {
            self.fail(field, format!("unknown line id `{id}`"));
        }
        found
    }

    fn headways(&mut self, specs: &[HeadwaySpec]) -> Vec<HeadwayPeriod> {
        specs
            .iter()
            .map(|h| {
                let start_s = self.clock("headways.start", &h.start);
                let end_s = self.clock("headways.end", &h.end);
                let headway_s =
                    self.minutes("headways.headway_min", &bounds::HEADWAY_MIN, h.headway_min);
                if start_s >= end_s {
                    self.fail(
                        "headways.end",
                        format!("period {}-{} ends before it starts", h.start, h.end),
                    );
                }
                HeadwayPeriod {
                    start_s,
                    end_s,
                    headway_s,
                }
            })
            .collect()
    }

    fn departures(&mut self, times: &[String], oneway: bool) -> Vec<Departure> {
        let directions: &[Direction] = if oneway {
            &[Direction::Forward]
        } else {
            &[Direction::Forward, Direction::Reverse]
        };
        let mut out: Vec<Departure> = times
            .iter()
            .map(|t| self.clock("departures", t))
            .flat_map(|time_s| {
                directions
                    .iter()
                    .map(move |&direction| Departure { direction, time_s })
            })
            .collect();
        out.sort();
        out
    }

    /// A new node with its access links and transfers (which refer to it by its new id).
    fn new_node(&mut self, net: &Network, spec: &NodeSpec) -> Option<NewNode> {
        let node = self.node_only(net, spec);
        let id = NodeId::new(net.nodes().len());
        let mut access = Vec::new();
        for a in &spec.access {
            let zone = self.zone(net, "access.zone", &a.zone);
            let mode = self.access_mode(node.as_ref().map(|n| n.kind), &a.mode);
            let time_s = self.minutes("access.minutes", &bounds::ACCESS_MIN, a.minutes);
            if let (Some(zone), Some(mode)) = (zone, mode) {
                access.push(AccessLink {
                    zone,
                    node: id,
                    mode,
                    time_s,
                });
            }
        }
        let mut transfers: Vec<Transfer> = Vec::new();
        for t in &spec.transfers {
            let to = self.node(net, "transfers.to", &t.to);
            let time_s = self.minutes("transfers.minutes", &bounds::TRANSFER_MIN, t.minutes);
            if to.is_some() && transfers.iter().any(|earlier| Some(earlier.to) == to) {
                self.fail(
                    "transfers.to",
                    format!("a second transfer to `{}` (one per pair of stations)", t.to),
                );
            }
            let station = node.as_ref().is_none_or(|n| n.kind.is_station());
            if !station || to.is_some_and(|to| !net.node(to).kind.is_station()) {
                self.fail("transfers.to", "transfers join stations or stops");
            }
            if let Some(to) = to {
                transfers.push(Transfer {
                    from: id,
                    to,
                    time_s,
                });
            }
        }
        Some(NewNode {
            node: node?,
            access,
            transfers,
        })
    }

    /// An access mode that fits the kind of node it leads to (when known).
    fn access_mode(&mut self, kind: Option<NodeKind>, mode: &str) -> Option<AccessMode> {
        let Some(mode) = AccessMode::parse(mode) else {
            self.fail(
                "access.mode",
                format!("expected car, walk or feeder, got `{mode}`"),
            );
            return None;
        };
        let fits = match (mode, kind) {
            (_, None) => true,
            (AccessMode::Car, Some(k)) => k == NodeKind::RoadJunction,
            (_, Some(k)) => k.is_station(),
        };
        if !fits {
            self.fail(
                "access.mode",
                "car access leads to road junctions, walk and feeder access to stations and stops",
            );
        }
        Some(mode)
    }

    fn coordinates(&mut self, lon: f64, lat: f64) {
        self.bounded("lon", &bounds::LONGITUDE, lon);
        self.bounded("lat", &bounds::LATITUDE, lat);
    }

    fn node_only(&mut self, net: &Network, spec: &NodeSpec) -> Option<Node> {
        self.text("id", &spec.id);
        self.text("name", &spec.name);
        if net.node_id(&spec.id).is_some() {
            self.fail("id", format!("node id `{}` already exists", spec.id));
        }
        let kind = NodeKind::parse(&spec.kind);
        match kind {
            None => self.fail(
                "kind",
                format!(
                    "expected rail_station, subway_station, bus_stop or road_junction, got `{}`",
                    spec.kind
                ),
            ),
            Some(NodeKind::ZoneCentroid) => {
                self.fail("kind", "zone centroids come with zones: use add-zone")
            }
            Some(_) => {}
        }
        self.coordinates(spec.lon, spec.lat);
        Some(Node {
            id: spec.id.clone(),
            name: spec.name.clone(),
            name_zh: String::new(),
            kind: kind?,
            lon: spec.lon,
            lat: spec.lat,
            approximate: spec.approximate,
        })
    }

    fn new_road(&mut self, net: &Network, spec: &LinkSpec) -> Option<RoadLink> {
        self.text("links.id", &spec.id);
        self.text("links.class", &spec.class);
        if net.link(&spec.id).is_some() {
            self.fail("links.id", format!("link id `{}` already exists", spec.id));
        }
        let from = self.node(net, "links.from", &spec.from);
        let to = self.node(net, "links.to", &spec.to);
        if from.is_some() && from == to {
            self.fail("links.to", "a road link must join two different nodes");
        }
        let length_km = self.bounded("links.length_km", &bounds::ROAD_LENGTH_KM, spec.length_km);
        let speed_kmh = self.bounded("links.speed_kmh", &bounds::ROAD_SPEED_KMH, spec.speed_kmh);
        let capacity_vph = self.bounded(
            "links.capacity_vph",
            &bounds::ROAD_CAPACITY_VPH,
            spec.capacity_vph,
        );
        let toll_yuan = self.bounded("links.toll_yuan", &bounds::TOLL_YUAN, spec.toll_yuan);
        let checkpoint_s = self.minutes(
            "links.checkpoint_min",
            &bounds::CHECKPOINT_MIN,
            spec.checkpoint_min,
        );
        self.count("links.lanes", &bounds::ROAD_LANES, spec.lanes);
        Some(RoadLink {
            id: spec.id.clone(),
            name: spec.name.clone(),
            from: from?,
            to: to?,
            length_km,
            speed_kmh,
            capacity_vph,
            lanes: spec.lanes,
            class: spec.class.clone(),
            toll_yuan,
            oneway: spec.oneway,
            checkpoint_s,
        })
    }

    /// The stops of a new line: each value within its bound, the list following the rules of
    /// `stops.csv` ([`stop_list_problems`]).
    fn stops(&mut self, net: &Network, specs: &[StopSpec]) -> Vec<Stop> {
        let mut stops = Vec::new();
        // The position in `specs` of each stop read.
        let mut given = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            let node = self.node(net, "stops.node", &s.node);
            let run_s = self.minutes("stops.run_min", &bounds::RUN_MIN, s.run_min);
            let dwell_s = self.minutes("stops.dwell_min", &bounds::DWELL_MIN, s.dwell_min);
            let distance_km = self.bounded(
                "stops.distance_km",
                &bounds::STOP_DISTANCE_KM,
                s.distance_km,
            );
            if let Some(node) = node {
                stops.push(Stop {
                    node,
                    run_s,
                    dwell_s,
                    distance_km,
                });
                given.push(i);
            }
        }
        let complete = stops.len() == specs.len();
        for problem in stop_list_problems(net.nodes(), &stops, complete) {
            match problem.stop {
                Some(i) => self.fail(
                    &format!("stops.{}", problem.field),
                    format!(
                        "stop {} (`{}`): {}",
                        given[i] + 1,
                        specs[given[i]].node,
                        problem.message
                    ),
                ),
                None => self.fail("stops", problem.message),
            }
        }
        stops
    }
}

/// A checked modification, ready to apply; returns a label for the log of applied modifications.
type Edit = Box<dyn FnOnce(&mut Network) -> String>;

/// A node added by a scenario, with what connects it.
#[derive(Clone)]
struct NewNode {
    node: Node,
    access: Vec<AccessLink>,
    transfers: Vec<Transfer>,
}

impl NewNode {
    fn add_to(self, net: &mut Network) {
        net.nodes.push(self.node);
        net.access.extend(self.access);
        net.transfers.extend(self.transfers);
    }
}

/// Applies modifications one by one to a copy of the base network.
pub(super) struct Applier {
    net: Network,
    applied: Vec<String>,
    demand_scales: Vec<DemandScale>,
}

impl Applier {
    pub(super) fn new(base: &Network) -> Self {
        Applier {
            net: base.clone(),
            applied: Vec::new(),
            demand_scales: Vec::new(),
        }
    }

    pub(super) fn finish(self) -> (Network, Vec<String>, Vec<DemandScale>) {
        (self.net, self.applied, self.demand_scales)
    }

    /// Checks `spec` against the current network and applies it when it has no problem.
    pub(super) fn apply(
        &mut self,
        spec: &ModificationSpec,
        path: &Path,
        line: u64,
        problems: &mut Vec<Problem>,
    ) {
        let mut check = Check {
            path,
            line,
            kind: spec.type_name(),
            problems: Vec::new(),
        };
        let edit = self.check(spec, &mut check);
        if check.problems.is_empty()
            && let Some(edit) = edit
        {
            let label = edit(&mut self.net);
            self.net.reindex();
            self.applied.push(format!(
                "{} {label} ({}:{line})",
                spec.type_name(),
                path.display()
            ));
        } else {
            problems.append(&mut check.problems);
        }
    }

    /// Validates a modification; returns the edit to perform (which returns a label).
    fn check(&mut self, spec: &ModificationSpec, c: &mut Check<'_>) -> Option<Edit> {
        let net = &self.net;
        match spec {
            ModificationSpec::AddLine {
                id,
                name,
                mode,
                capacity,
                fare,
                oneway,
                stops,
                headways,
                departures,
            } => {
                c.text("id", id);
                c.text("name", name);
                if net.line_id(id).is_some() {
                    c.fail("id", format!("line id `{id}` already exists"));
                }
                let mode = Mode::parse(mode);
                if mode.is_none() {
                    c.fail("mode", "expected one of hsr, rail, subway, bus, custom_bus");
                }
                let fare_rule = FareRule::parse(fare, &net.settings().fare_systems)
                    .map_err(|m| c.fail("fare", m))
                    .ok();
                c.count("capacity", &bounds::LINE_CAPACITY, *capacity);
                let stops = c.stops(net, stops);
                let headways = c.headways(headways);
                let departures = c.departures(departures, *oneway);
                if headways.is_empty() && departures.is_empty() {
                    c.fail("headways", "a line needs `headways` or `departures`");
                }
                let line = Line {
                    id: id.clone(),
                    name: name.clone(),
                    mode: mode?,
                    capacity: *capacity,
                    fare: fare_rule?,
                    oneway: *oneway,
                    stops,
                    headways,
                    departures,
                };
                Some(Box::new(move |net| {
                    let label = line.id.clone();
                    net.lines.push(line);
                    label
                }))
            }
            ModificationSpec::RemoveLine { lines } => {
                if lines.is_empty() {
                    c.fail("lines", "name at least one line");
                }
                for id in lines {
                    c.line_index(net, "lines", id);
                }
                let label = lines.join(",");
                let ids: HashSet<String> = lines.iter().cloned().collect();
                Some(Box::new(move |net| {
                    // A set: a long list against a large network must not be quadratic.
                    net.lines.retain(|l| !ids.contains(&l.id));
                    label
                }))
            }
            ModificationSpec::AdjustFrequency {
                line,
                headways,
                departures,
            } => {
                let index = c.line_index(net, "line", line);
                if headways.is_none() && departures.is_none() {
                    c.fail("headways", "give new `headways`, `departures`, or both");
                }
                let headways = c.headways(headways.as_deref().unwrap_or_default());
                let oneway = index.is_some_and(|i| net.lines[i].oneway);
                let departures = c.departures(departures.as_deref().unwrap_or_default(), oneway);
                if headways.is_empty() && departures.is_empty() {
                    c.fail(
                        "headways",
                        "the new service has no headway period and no departure",
                    );
                }
                let index = index?;
                let label = line.clone();
                Some(Box::new(move |net| {
                    let l = &mut net.lines[index];
                    l.headways = headways;
                    l.departures = departures;
                    label
                }))
            }
            ModificationSpec::AdjustSpeed {
                line,
                run_time_factor,
                road,
                speed_kmh,
            } => match (line, run_time_factor, road, speed_kmh) {
                (Some(line), Some(factor), None, None) => {
                    let index = c.line_index(net, "line", line);
                    let factor = c.bounded("run_time_factor", &bounds::RUN_TIME_FACTOR, *factor);
                    let label = line.clone();
                    let index = index?;
                    // The scaled run times must stay run times the files would accept (earlier
                    // factors on the same line compound).
                    let longest = net.lines[index].stops.iter().map(|s| s.run_s).max();
                    let scaled_min = f64::from(longest.unwrap_or(0)) * factor / 60.0;
                    if bounds::RUN_TIME_FACTOR.contains(factor)
                        && let Err(m) = bounds::RUN_MIN.check(scaled_min)
                    {
                        c.fail(
                            "run_time_factor",
                            format!("the longest run time of `{line}` would become: {m}"),
                        );
                    }
                    Some(Box::new(move |net| {
                        for stop in &mut net.lines[index].stops {
                            stop.run_s = (f64::from(stop.run_s) * factor).round() as Seconds;
                        }
                        format!("{label} x{factor}")
                    }))
                }
                (None, None, Some(road), Some(speed)) => {
                    let speed = c.bounded("speed_kmh", &bounds::ROAD_SPEED_KMH, *speed);
                    let index = match net.link(road) {
                        Some(LinkRef::Road(i)) => Some(i),
                        Some(LinkRef::Walk(_)) => {
                            c.fail("road", format!("`{road}` is a walk link, not a road"));
                            None
                        }
                        None => {
                            c.fail("road", format!("unknown road link id `{road}`"));
                            None
                        }
                    }?;
                    let label = road.clone();
                    Some(Box::new(move |net| {
                        net.roads[index].speed_kmh = speed;
                        format!("{label} {speed} km/h")
                    }))
                }
                _ => {
                    c.fail(
                        "line",
                        "give either `line` with `run_time_factor`, or `road` with `speed_kmh`",
                    );
                    None
                }
            },
            ModificationSpec::AddRoad { nodes, links } => {
                if links.is_empty() {
                    c.fail("links", "add at least one link");
                }
                // Links may use the nodes added here: check them against a network that has them.
                let mut with_nodes = net.clone();
                let mut new_nodes: Vec<NewNode> = Vec::new();
                for n in nodes {
                    if let Some(new) = c.new_node(&with_nodes, n) {
                        new.clone().add_to(&mut with_nodes);
                        with_nodes.reindex();
                        new_nodes.push(new);
                    }
                }
                let mut new_links: Vec<RoadLink> = Vec::new();
                // Ids of `new_links`, as a set: a long list must not be quadratic.
                let mut given = HashSet::new();
                for l in links {
                    if given.contains(l.id.as_str()) {
                        c.fail("links.id", format!("link id `{}` given twice", l.id));
                    }
                    let made = c.new_road(&with_nodes, l);
                    if made.is_some() {
                        given.insert(l.id.as_str());
                    }
                    new_links.extend(made);
                }
                Some(Box::new(move |net| {
                    let label = new_links
                        .iter()
                        .map(|l| l.id.as_str())
                        .collect::<Vec<_>>()
                        .join(",");
                    for n in new_nodes {
                        n.add_to(net);
                    }
                    net.roads.extend(new_links);
                    label
                }))
            }
            ModificationSpec::AddNode(spec) => {
                let node = c.new_node(net, spec)?;
                Some(Box::new(move |net| {
                    let label = node.node.id.clone();
                    node.add_to(net);
                    label
                }))
            }
            ModificationSpec::CloseLink { links } => {
                if links.is_empty() {
                    c.fail("links", "name at least one link");
                }
                for id in links {
                    if net.link(id).is_none() {
                        c.fail("links", format!("unknown road or walk link id `{id}`"));
                    }
                }
                let label = links.join(",");
                let ids: HashSet<String> = links.iter().cloned().collect();
                Some(Box::new(move |net| {
                    net.roads.retain(|r| !ids.contains(&r.id));
                    net.walks.retain(|w| !ids.contains(&w.id));
                    label
                }))
            }
            ModificationSpec::SetCapacity {
                link,
                capacity_vph,
                line,
                capacity,
            } => match (link, capacity_vph, line, capacity) {
                (Some(link), Some(vph), None, None) => {
                    let vph = c.bounded("capacity_vph", &bounds::ROAD_CAPACITY_VPH, *vph);
                    let index = match net.link(link) {
                        Some(LinkRef::Road(i)) => Some(i),
                        Some(LinkRef::Walk(_)) => {
                            c.fail("link", format!("`{link}` is a walk link, not a road"));
                            None
                        }
                        None => {
                            c.fail("link", format!("unknown road link id `{link}`"));
                            None
                        }
                    }?;
                    let label = link.clone();
                    Some(Box::new(move |net| {
                        net.roads[index].capacity_vph = vph;
                        format!("{label} {vph} veh/h")
                    }))
                }
                (None, None, Some(line), Some(capacity)) => {
                    let index = c.line_index(net, "line", line);
                    c.count("capacity", &bounds::LINE_CAPACITY, *capacity);
                    let (index, capacity, label) = (index?, *capacity, line.clone());
                    Some(Box::new(move |net| {
                        net.lines[index].capacity = capacity;
                        format!("{label} {capacity} passengers")
                    }))
                }
                _ => {
                    c.fail(
                        "link",
                        "give either `link` with `capacity_vph`, or `line` with `capacity`",
                    );
                    None
                }
            },
            ModificationSpec::AddZone {
                id,
                name,
                lon,
                lat,
                residents,
                jobs,
                car_share,
                access,
            } => {
                let centroid_id = format!("z_{id}");
                c.text("id", id);
                c.text("name", name);
                if net.zone_id(id).is_some() {
                    c.fail("id", format!("zone id `{id}` already exists"));
                }
                if net.node_id(&centroid_id).is_some() {
                    c.fail(
                        "id",
                        format!("its centroid node id `{centroid_id}` already exists"),
                    );
                }
                c.coordinates(*lon, *lat);
                c.bounded("car_share", &bounds::CAR_SHARE, *car_share);
                if access.is_empty() {
                    c.fail("access", "a zone needs at least one access link");
                }
                c.count("residents", &bounds::PERSONS, *residents);
                c.count("jobs", &bounds::PERSONS, *jobs);
                let zone = ZoneId::new(net.zones().len());
                let centroid = NodeId::new(net.nodes().len());
                let mut links = Vec::new();
                for a in access {
                    let node = c.node(net, "access.node", &a.node);
                    let mode = c.access_mode(node.map(|n| net.node(n).kind), &a.mode);
                    let time_s = c.minutes("access.minutes", &bounds::ACCESS_MIN, a.minutes);
                    if let (Some(node), Some(mode)) = (node, mode) {
                        links.push(AccessLink {
                            zone,
                            node,
                            mode,
                            time_s,
                        });
                    }
                }
                let node = Node {
                    id: centroid_id,
                    name: name.clone(),
                    name_zh: String::new(),
                    kind: NodeKind::ZoneCentroid,
                    lon: *lon,
                    lat: *lat,
                    approximate: false,
                };
                let zone = Zone {
                    id: id.clone(),
                    name: name.clone(),
                    name_zh: String::new(),
                    centroid,
                    residents: *residents,
                    jobs: *jobs,
                    car_share: *car_share,
                };
                Some(Box::new(move |net| {
                    let label = zone.id.clone();
                    net.nodes.push(node);
                    net.zones.push(zone);
                    net.access.extend(links);
                    label
                }))
            }
            ModificationSpec::ScaleDemand {
                factor,
                origins,
                destinations,
            } => {
                let factor = c.bounded("factor", &bounds::DEMAND_FACTOR, *factor);
                let origins: Vec<ZoneId> = origins
                    .iter()
                    .filter_map(|z| c.zone(net, "origins", z))
                    .collect();
                let destinations: Vec<ZoneId> = destinations
                    .iter()
                    .filter_map(|z| c.zone(net, "destinations", z))
                    .collect();
                let scale = DemandScale {
                    factor,
                    origins,
                    destinations,
                };
                let mut all = self.demand_scales.clone();
                all.push(scale.clone());
                let combined = largest_combined_factor(&all);
                if bounds::DEMAND_FACTOR.contains(factor)
                    && let Err(m) = bounds::DEMAND_FACTOR.check(combined)
                {
                    c.fail(
                        "factor",
                        format!(
                            "with the earlier scale-demand modifications, some zone pairs \
                             would be scaled by {combined}: {m}"
                        ),
                    );
                }
                self.demand_scales.push(scale);
                Some(Box::new(move |_| format!("x{factor}")))
            }
        }
    }
}

/// The largest factor that `scales` together put on any zone pair: each scale applies to the
/// pairs from its origins (all when empty) to its destinations (all when empty). Zones named by
/// no scale fare alike, so they are tried as one.
fn largest_combined_factor(scales: &[DemandScale]) -> f64 {
    let mut origins: Vec<Option<ZoneId>> = vec![None];
    let mut destinations: Vec<Option<ZoneId>> = vec![None];
    for s in scales {
        origins.extend(s.origins.iter().copied().map(Some));
        destinations.extend(s.destinations.iter().copied().map(Some));
    }
    origins.sort();
    origins.dedup();
    destinations.sort();
    destinations.dedup();
    let applies = |zones: &[ZoneId], zone: Option<ZoneId>| {
        zones.is_empty() || zone.is_some_and(|z| zones.contains(&z))
    };
    let mut largest: f64 = 0.0;
    for &o in &origins {
        for &d in &destinations {
            let factor: f64 = scales
                .iter()
                .filter(|s| applies(&s.origins, o) && applies(&s.destinations, d))
                .map(|s| s.factor)
                .product();
            largest = largest.max(factor);
        }
    }
    largest
}
