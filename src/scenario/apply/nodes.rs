//! `add-node` and `add-zone`: new nodes and zones with the access links and transfers that
//! connect them, checked as `nodes.csv`, `zones.csv`, `access.csv` and `transfers.csv` rows
//! would be. `add-road` adds its new nodes through [`Check::new_node`] too.

use super::Edit;
use super::check::Check;
use crate::bounds;
use crate::io::{ModificationSpec, NodeSpec};
use crate::network::{
    AccessLink, AccessMode, Network, Node, NodeId, NodeKind, Transfer, Zone, ZoneId,
};

/// A node added by a scenario, with what connects it.
#[derive(Clone)]
pub(super) struct NewNode {
    pub(super) node: Node,
    access: Vec<AccessLink>,
    transfers: Vec<Transfer>,
}

impl NewNode {
    /// Appends the node, its access links and its transfers to `net` (which needs a reindex).
    pub(super) fn add_to(self, net: &mut Network) {
        net.nodes.push(self.node);
        net.access.extend(self.access);
        net.transfers.extend(self.transfers);
    }
}

/// `add-node`.
pub(super) fn add_node(c: &mut Check<'_>, net: &Network, spec: &NodeSpec) -> Option<Edit> {
    let node = c.new_node(net, spec)?;
    Some(Box::new(move |net| {
        let label = node.node.id.clone();
        node.add_to(net);
        label
    }))
}

/// `add-zone`: the zone, its centroid node `z_<id>` and its access links.
pub(super) fn add_zone(c: &mut Check<'_>, net: &Network, spec: &ModificationSpec) -> Option<Edit> {
    let ModificationSpec::AddZone {
        id,
        name,
        lon,
        lat,
        residents,
        jobs,
        car_share,
        province,
        area_km2,
        access,
    } = spec
    else {
        unreachable!("add_zone is called for add-zone modifications only")
    };
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
    if !province.is_empty() {
        c.text("province", province);
    }
    if let Some(area) = area_km2 {
        c.bounded("area_km2", &bounds::ZONE_AREA_KM2, *area);
    }
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
        province: province.clone(),
        area_km2: *area_km2,
    };
    Some(Box::new(move |net| {
        let label = zone.id.clone();
        net.nodes.push(node);
        net.zones.push(zone);
        net.access.extend(links);
        label
    }))
}

impl Check<'_> {
    /// A new node with its access links and transfers (which refer to it by its new id).
    pub(super) fn new_node(&mut self, net: &Network, spec: &NodeSpec) -> Option<NewNode> {
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

    /// The node itself: a new id, a kind other than a zone centroid, coordinates in range.
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
}
