//! `add-road`, `close-link`, and the road forms of `adjust-speed` and `set-capacity`: road links
//! checked as `roads.csv` rows would be.

use super::Edit;
use super::check::Check;
use super::nodes::NewNode;
use crate::bounds;
use crate::io::{LinkSpec, NodeSpec};
use crate::network::{Network, RoadLink};
use std::collections::HashSet;

/// `add-road`: new links, with the new nodes they may join (added first).
pub(super) fn add_road(
    c: &mut Check<'_>,
    net: &Network,
    nodes: &[NodeSpec],
    links: &[LinkSpec],
) -> Option<Edit> {
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

/// `close-link`: removes road or walk links.
pub(super) fn close_link(c: &mut Check<'_>, net: &Network, links: &[String]) -> Option<Edit> {
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
        let (closed, open) = std::mem::take(&mut net.roads)
            .into_iter()
            .partition(|r| ids.contains(&r.id));
        net.roads = open;
        net.closed_roads.extend::<Vec<_>>(closed);
        net.walks.retain(|w| !ids.contains(&w.id));
        label
    }))
}

/// `adjust-speed` of a road: a new free-flow speed, km/h.
pub(super) fn set_speed(c: &mut Check<'_>, net: &Network, road: &str, speed: f64) -> Option<Edit> {
    let speed = c.bounded("speed_kmh", &bounds::ROAD_SPEED_KMH, speed);
    let index = c.road_index(net, "road", road)?;
    let label = road.to_owned();
    Some(Box::new(move |net| {
        net.roads[index].speed_kmh = speed;
        format!("{label} {speed} km/h")
    }))
}

/// `set-capacity` of a road: a new capacity, vehicles/h per direction.
pub(super) fn set_capacity(c: &mut Check<'_>, net: &Network, link: &str, vph: f64) -> Option<Edit> {
    let vph = c.bounded("capacity_vph", &bounds::ROAD_CAPACITY_VPH, vph);
    let index = c.road_index(net, "link", link)?;
    let label = link.to_owned();
    Some(Box::new(move |net| {
        net.roads[index].capacity_vph = vph;
        format!("{label} {vph} veh/h")
    }))
}

impl Check<'_> {
    /// A new road link: a new id, two different known nodes, values within their bounds.
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
}
