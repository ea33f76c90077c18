//! Checking and applying each modification type against the network as it stands.

use super::DemandScale;
use crate::error::Problem;
use crate::io::{HeadwaySpec, LinkSpec, ModificationSpec, NodeSpec, StopSpec};
use crate::network::{
    AccessLink, AccessMode, Departure, Direction, FareRule, HeadwayPeriod, Line, LinkRef, Mode,
    Network, Node, NodeId, NodeKind, RoadLink, Stop, Transfer, Zone, ZoneId,
};
use crate::time::{Seconds, minutes_to_seconds, parse_clock};
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

    fn minutes(&mut self, field: &str, minutes: f64) -> Seconds {
        minutes_to_seconds(minutes).unwrap_or_else(|m| {
            self.fail(field, m);
            0
        })
    }

    fn clock(&mut self, field: &str, text: &str) -> Seconds {
        parse_clock(text).unwrap_or_else(|m| {
            self.fail(field, m);
            0
        })
    }

    fn positive(&mut self, field: &str, value: f64) -> f64 {
        if !(value.is_finite() && value > 0.0) {
            self.fail(field, format!("expected a positive number, got {value}"));
        }
        value
    }

    fn non_negative(&mut self, field: &str, value: f64) -> f64 {
        if !(value.is_finite() && value >= 0.0) {
            self.fail(
                field,
                format!("expected a non-negative number, got {value}"),
            );
        }
        value
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
                let headway_s = self.minutes("headways.headway_min", h.headway_min);
                if headway_s == 0 {
                    self.fail("headways.headway_min", "expected a positive headway");
                }
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
            let time_s = self.minutes("access.minutes", a.minutes);
            if let (Some(zone), Some(mode)) = (zone, mode) {
                access.push(AccessLink {
                    zone,
                    node: id,
                    mode,
                    time_s,
                });
            }
        }
        let mut transfers = Vec::new();
        for t in &spec.transfers {
            let to = self.node(net, "transfers.to", &t.to);
            let time_s = self.minutes("transfers.minutes", t.minutes);
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
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            self.fail("lon", "expected a longitude between -180 and 180");
        }
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            self.fail("lat", "expected a latitude between -90 and 90");
        }
    }

    fn node_only(&mut self, net: &Network, spec: &NodeSpec) -> Option<Node> {
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
        if net.link(&spec.id).is_some() {
            self.fail("links.id", format!("link id `{}` already exists", spec.id));
        }
        let from = self.node(net, "links.from", &spec.from);
        let to = self.node(net, "links.to", &spec.to);
        if from.is_some() && from == to {
            self.fail("links.to", "a road link must join two different nodes");
        }
        let length_km = self.positive("links.length_km", spec.length_km);
        let speed_kmh = self.positive("links.speed_kmh", spec.speed_kmh);
        if length_km > 5_000.0 || speed_kmh > 1_000.0 {
            self.fail(
                "links.length_km",
                "implausibly long or fast (at most 5,000 km and 1,000 km/h)",
            );
        }
        let capacity_vph = self.non_negative("links.capacity_vph", spec.capacity_vph);
        let toll_yuan = self.non_negative("links.toll_yuan", spec.toll_yuan);
        let checkpoint_s = self.minutes("links.checkpoint_min", spec.checkpoint_min);
        if spec.lanes == 0 {
            self.fail("links.lanes", "expected at least one lane");
        }
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

    fn stops(&mut self, net: &Network, specs: &[StopSpec]) -> Vec<Stop> {
        if specs.len() < 2 {
            self.fail("stops", "a line needs at least two stops");
        }
        let mut stops = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            let node = self.node(net, "stops.node", &s.node);
            if let Some(n) = node
                && !net.node(n).kind.is_station()
            {
                self.fail(
                    "stops.node",
                    format!("`{}` is not a station or stop", s.node),
                );
            }
            let run_s = self.minutes("stops.run_min", s.run_min);
            let dwell_s = self.minutes("stops.dwell_min", s.dwell_min);
            let distance_km = self.non_negative("stops.distance_km", s.distance_km);
            if i == 0 && (run_s != 0 || distance_km != 0.0) {
                self.fail(
                    "stops.run_min",
                    "the first stop has no previous stop: run_min and distance_km must be 0",
                );
            }
            if let Some(node) = node {
                stops.push(Stop {
                    node,
                    run_s,
                    dwell_s,
                    distance_km,
                });
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
                if net.line_id(id).is_some() {
                    c.fail("id", format!("line id `{id}` already exists"));
                }
                let mode = Mode::parse(mode);
                if mode.is_none() {
                    c.fail("mode", "expected one of hsr, rail, subway, bus, custom_bus");
                }
                let fare_rule = FareRule::parse(fare, &net.settings().fare_systems);
                if fare_rule.is_none() {
                    c.fail(
                        "fare",
                        format!("expected `none`, `flat:YUAN` or `per_km:YUAN`, got `{fare}`"),
                    );
                }
                if *capacity == 0 {
                    c.fail("capacity", "expected a positive capacity");
                }
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
                let ids = lines.clone();
                Some(Box::new(move |net| {
                    net.lines.retain(|l| !ids.contains(&l.id));
                    ids.join(",")
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
                    let factor = c.positive("run_time_factor", *factor);
                    let label = line.clone();
                    let index = index?;
                    Some(Box::new(move |net| {
                        for stop in &mut net.lines[index].stops {
                            stop.run_s = (f64::from(stop.run_s) * factor).round() as Seconds;
                        }
                        format!("{label} x{factor}")
                    }))
                }
                (None, None, Some(road), Some(speed)) => {
                    let speed = c.positive("speed_kmh", *speed);
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
                for l in links {
                    if new_links.iter().any(|n| n.id == l.id) {
                        c.fail("links.id", format!("link id `{}` given twice", l.id));
                    }
                    new_links.extend(c.new_road(&with_nodes, l));
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
                let ids = links.clone();
                Some(Box::new(move |net| {
                    net.roads.retain(|r| !ids.contains(&r.id));
                    net.walks.retain(|w| !ids.contains(&w.id));
                    ids.join(",")
                }))
            }
            ModificationSpec::SetCapacity {
                link,
                capacity_vph,
                line,
                capacity,
            } => match (link, capacity_vph, line, capacity) {
                (Some(link), Some(vph), None, None) => {
                    let vph = c.non_negative("capacity_vph", *vph);
                    let index = match net.link(link) {
                        Some(LinkRef::Road(i)) => Some(i),
                        _ => {
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
                    if *capacity == 0 {
                        c.fail("capacity", "expected a positive capacity");
                    }
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
                if !(car_share.is_finite() && (0.0..=1.0).contains(car_share)) {
                    c.fail(
                        "car_share",
                        format!("expected a share between 0 and 1, got {car_share}"),
                    );
                }
                if access.is_empty() {
                    c.fail("access", "a zone needs at least one access link");
                }
                if *residents > 10_000_000_000 || *jobs > 10_000_000_000 {
                    c.fail("residents", "implausibly large (at most 10,000,000,000)");
                }
                let zone = ZoneId::new(net.zones().len());
                let centroid = NodeId::new(net.nodes().len());
                let mut links = Vec::new();
                for a in access {
                    let node = c.node(net, "access.node", &a.node);
                    let mode = c.access_mode(node.map(|n| net.node(n).kind), &a.mode);
                    let time_s = c.minutes("access.minutes", a.minutes);
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
                let factor = c.non_negative("factor", *factor);
                let origins: Vec<ZoneId> = origins
                    .iter()
                    .filter_map(|z| c.zone(net, "origins", z))
                    .collect();
                let destinations: Vec<ZoneId> = destinations
                    .iter()
                    .filter_map(|z| c.zone(net, "destinations", z))
                    .collect();
                self.demand_scales.push(DemandScale {
                    factor,
                    origins,
                    destinations,
                });
                Some(Box::new(move |_| format!("x{factor}")))
            }
        }
    }
}
