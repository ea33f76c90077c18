//! Static user-equilibrium traffic assignment: every driver takes a cheapest route given the
//! congestion all the others cause (Wardrop's first principle), found as the minimum of the
//! Beckmann objective. The algorithms and their trade-offs:
//!
//! - Frank-Wolfe and its conjugate (CFW) and bi-conjugate (BFW) variants (Mitradjieva and
//!   Lindberg 2013; what AequilibraE runs by default) move all link flows at once towards an
//!   all-or-nothing loading. Cheap iterations, slow tails: fine for gaps near 1e-4.
//! - Path-based gradient projection (Jayakrishnan et al. 1994) keeps the used routes of every
//!   origin-destination pair and moves flow from dearer to the cheapest route by Newton steps,
//!   one pair at a time with link costs updated at once. It reaches gaps of 1e-10 and below in
//!   tens of iterations, which is what reproducing published best-known flows needs.
//!
//! The relative gap, reported every iteration by all algorithms, is the literature's
//! (Boyce et al. 2004; AequilibraE's `rgap`; TNTP's "relative gap"):
//! `(sum_a v_a c_a - sum_od d_od k_od) / sum_a v_a c_a`, with `c_a` the generalised link cost
//! at the current flows and `k_od` the cheapest route cost at those costs. It is zero exactly at
//! equilibrium. The average excess cost (TNTP's "AEC") is the same numerator over total demand.
//!
//! Shortest-path trees are built per origin in parallel ([`crate::routing::cost_tree`]); every
//! sum over origins is taken in origin order, so results are byte-identical at any thread count.
//! Zones are never passed through (nodes below the first through node, as TNTP files say).

mod frank_wolfe;
mod paths;
mod vdf;

pub use vdf::VolumeDelay;

use crate::routing::{CostTreeWorkspace, Csr, NO_EDGE, cost_tree};
use rayon::prelude::*;

/// One directed road link of an assignment network.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Tail node index (0-based).
    pub from: u32,
    /// Head node index (0-based).
    pub to: u32,
    /// Capacity, vehicles (or passenger-car units) per time period of the demand.
    pub capacity: f64,
    /// Length, in the network's distance unit.
    pub length: f64,
    /// Free-flow travel time, in the network's time unit.
    pub free_flow_time: f64,
    /// A constant time added whatever the volume (a checkpoint, a toll booth), in the network's
    /// time unit; 0 in TNTP files.
    pub delay: f64,
    /// How travel time grows with volume.
    pub vdf: VolumeDelay,
    /// Toll, in the network's money unit.
    pub toll: f64,
}

/// A road network for assignment: nodes `0..nodes`, of which `0..zones` are zones (origins and
/// destinations), and the links. Zones below `first_through` are never passed through.
#[derive(Debug, Clone)]
pub struct RoadNetwork {
    nodes: usize,
    zones: usize,
    first_through: u32,
    links: Vec<Link>,
    graph: Csr,
    /// For each CSR edge, the index of its link in `links`.
    link_of_edge: Vec<u32>,
}

impl RoadNetwork {
    /// Builds the network. Zones `0..zones` with index below `first_through` are not passed
    /// through.
    ///
    /// # Panics
    /// If a link endpoint is `>= nodes` or `zones > nodes` (the loaders check both).
    pub fn new(nodes: usize, zones: usize, first_through: u32, links: Vec<Link>) -> Self {
        assert!(zones <= nodes, "more zones than nodes");
        let arcs: Vec<(u32, u32, u32)> = links.iter().map(|l| (l.from, l.to, 0)).collect();
        let (graph, link_of_edge) = Csr::build(nodes, &arcs);
        RoadNetwork {
            nodes,
            zones,
            first_through,
            links,
            graph,
            link_of_edge,
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes
    }

    /// Number of zones (nodes `0..zones`).
    pub fn zone_count(&self) -> usize {
        self.zones
    }

    /// The links, in input order.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    fn through(&self, node: u32) -> bool {
        node >= self.first_through || node as usize >= self.zones
    }

    /// The destinations with demand that cannot be reached from their origin at all, as
    /// `(origin, destination)` zone pairs: an assignment needs every one of them reachable.
    pub fn unreachable_pairs(&self, demand: &Demand) -> Vec<(u32, u32)> {
        let costs = vec![0.0; self.graph.edge_count()];
        let mut ws = CostTreeWorkspace::default();
        let mut out = Vec::new();
        for o in &demand.origins {
            cost_tree(&self.graph, &costs, o.zone, |v| self.through(v), &mut ws);
            out.extend(
                o.destinations
                    .iter()
                    .filter(|&&(d, trips)| trips > 0.0 && d != o.zone && ws.cost(d).is_infinite())
                    .map(|&(d, _)| (o.zone, d)),
            );
        }
        out
    }
}

/// The trips of one origin zone.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginDemand {
    /// The origin zone (node index).
    pub zone: u32,
    /// `(destination zone, trips)`, trips finite and non-negative.
    pub destinations: Vec<(u32, f64)>,
}

/// An origin-destination trip table, by origin.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Demand {
    /// Origins in a fixed order (results do not depend on it beyond rounding).
    pub origins: Vec<OriginDemand>,
}

impl Demand {
    /// Total trips between distinct zones.
    pub fn total(&self) -> f64 {
        self.origins
            .iter()
            .flat_map(|o| o.destinations.iter().filter(move |d| d.0 != o.zone))
            .map(|d| d.1)
            .sum()
    }
}

/// An assignment algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Frank-Wolfe with an exact line search.
    FrankWolfe,
    /// Conjugate Frank-Wolfe.
    ConjugateFrankWolfe,
    /// Bi-conjugate Frank-Wolfe.
    BiconjugateFrankWolfe,
    /// Path-based gradient projection with Newton steps (for tight gaps).
    GradientProjection,
}

impl Algorithm {
    /// Every algorithm with its command-line name.
    pub const ALL: [(&'static str, Algorithm); 4] = [
        ("fw", Algorithm::FrankWolfe),
        ("cfw", Algorithm::ConjugateFrankWolfe),
        ("bfw", Algorithm::BiconjugateFrankWolfe),
        ("paths", Algorithm::GradientProjection),
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("?", |(n, _)| n)
    }
}

/// How an assignment runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Stop when the relative gap is at or below this.
    pub relative_gap: f64,
    /// Stop after this many iterations at most.
    pub max_iterations: usize,
    /// Generalised cost per unit of toll, in time units (TNTP: minutes per cent).
    pub toll_factor: f64,
    /// Generalised cost per unit of length, in time units.
    pub distance_factor: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            algorithm: Algorithm::GradientProjection,
            relative_gap: 1e-6,
            max_iterations: 1000,
            toll_factor: 0.0,
            distance_factor: 0.0,
        }
    }
}

/// The state after one iteration.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Iteration {
    /// 1-based iteration number (1 is the all-or-nothing loading at free flow).
    pub iteration: usize,
    /// Relative gap (see the module docs).
    pub relative_gap: f64,
    /// Average excess cost: the gap's numerator over total demand, time units per trip.
    pub average_excess_cost: f64,
    /// Beckmann objective: sum over links of the integral of the generalised cost, time units x
    /// vehicles.
    pub beckmann_objective: f64,
    /// Total system travel time: sum over links of assigned volume x travel time (without the
    /// toll and distance terms), time units x vehicles.
    pub tstt: f64,
}

/// An equilibrium (or the best state reached).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Assigned volume per link, in input order (without background flow).
    pub flows: Vec<f64>,
    /// Congested travel time per link at `flows` plus background, in input order.
    pub times: Vec<f64>,
    /// Every iteration's state, the last one final.
    pub iterations: Vec<Iteration>,
    /// Whether the relative gap target was reached.
    pub converged: bool,
}

impl Assignment {
    /// The final state.
    pub fn last(&self) -> &Iteration {
        self.iterations.last().expect("at least one iteration")
    }
}

/// Assigns `demand` to `net` until the gap target or the iteration limit. `background` is a
/// fixed flow per link (input order; buses in passenger-car units) that congests links without
/// being routed; empty means none. `progress` sees every iteration as it ends.
///
/// Every origin-destination pair with trips must be connected (see
/// [`RoadNetwork::unreachable_pairs`]); trips of an unreachable pair are not loaded.
pub fn assign(
    net: &RoadNetwork,
    demand: &Demand,
    background: &[f64],
    settings: &Settings,
    progress: &mut dyn FnMut(&Iteration),
) -> Assignment {
    let mut state = LinkState::new(net, background, settings);
    let (converged, iterations) = match settings.algorithm {
        Algorithm::GradientProjection => paths::run(net, demand, &mut state, settings, progress),
        other => frank_wolfe::run(net, demand, &mut state, settings, other, progress),
    };
    let mut flows = vec![0.0; net.links.len()];
    let mut times = vec![0.0; net.links.len()];
    for (e, &l) in net.link_of_edge.iter().enumerate() {
        flows[l as usize] = state.flow[e];
        times[l as usize] = state.time(e);
    }
    Assignment {
        flows,
        times,
        iterations,
        converged,
    }
}

/// The Beckmann objective of link `flows` (input order) with `background` flow: what an
/// equilibrium minimises, for checking a solution from elsewhere (time units x vehicles).
pub fn objective(net: &RoadNetwork, flows: &[f64], background: &[f64], settings: &Settings) -> f64 {
    let state = LinkState::new(net, background, settings);
    let by_edge: Vec<f64> = net
        .link_of_edge
        .iter()
        .map(|&l| flows[l as usize])
        .collect();
    state.beckmann(&by_edge)
}

/// How far link flows are from reference flows (both in input order). Equilibrium link flows
/// are unique only on links whose cost grows with volume; on flat links (BPR `b = 0`, e.g. zone
/// connectors) flow can move between equally cheap parallel routes without changing any cost,
/// so those links are counted apart.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FlowCheck {
    /// Largest absolute difference on links whose cost grows with volume, vehicles.
    pub max_abs_diff: f64,
    /// Largest difference relative to the reference flow on those links, over links carrying at
    /// least one vehicle in the reference.
    pub max_rel_diff: f64,
    /// Links whose cost grows with volume that are off by more than 0.5% and one vehicle.
    pub links_off: usize,
    /// Flat links off by more than 0.5% and one vehicle.
    pub flat_links_off: usize,
    /// The link (input index) with the largest absolute difference among the growing ones.
    pub worst_link: usize,
}

/// Compares `flows` with `reference` on `net`, link by link.
pub fn check_flows(net: &RoadNetwork, flows: &[f64], reference: &[f64]) -> FlowCheck {
    let mut check = FlowCheck {
        max_abs_diff: 0.0,
        max_rel_diff: 0.0,
        links_off: 0,
        flat_links_off: 0,
        worst_link: 0,
    };
    for (i, (&f, &r)) in flows.iter().zip(reference).enumerate() {
        let diff = (f - r).abs();
        let off = diff > 1.0 && diff > 0.005 * r;
        if !net.links[i].vdf.needs_capacity() {
            check.flat_links_off += usize::from(off);
            continue;
        }
        if diff > check.max_abs_diff {
            check.max_abs_diff = diff;
            check.worst_link = i;
        }
        if r >= 1.0 {
            check.max_rel_diff = check.max_rel_diff.max(diff / r);
        }
        check.links_off += usize::from(off);
    }
    check
}

/// The header of [`links_csv`]: the table `commute assign --out` writes.
pub const FLOWS_CSV_HEADER: &str = "from,to,volume,time,cost,volume_capacity";

/// CSV of the links with their assigned volume, congested time, generalised cost and
/// volume/capacity ratio, in input order; nodes numbered from `first_id` (1 for TNTP files).
pub fn links_csv(net: &RoadNetwork, a: &Assignment, settings: &Settings, first_id: u32) -> Vec<u8> {
    let mut out = format!("{FLOWS_CSV_HEADER}\n");
    for (i, l) in net.links.iter().enumerate() {
        let cost = a.times[i] + settings.toll_factor * l.toll + settings.distance_factor * l.length;
        let ratio = if l.capacity > 0.0 {
            a.flows[i] / l.capacity
        } else {
            0.0
        };
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            l.from + first_id,
            l.to + first_id,
            a.flows[i],
            a.times[i],
            cost,
            ratio
        ));
    }
    out.into_bytes()
}

/// Per CSR edge: the link's parameters, its flow and its current generalised cost.
struct LinkState {
    t0: Vec<f64>,
    capacity: Vec<f64>,
    vdf: Vec<VolumeDelay>,
    /// Constant delay per edge (part of the time).
    delay: Vec<f64>,
    /// Toll and distance terms of the generalised cost.
    fixed: Vec<f64>,
    background: Vec<f64>,
    flow: Vec<f64>,
    cost: Vec<f64>,
}

impl LinkState {
    fn new(net: &RoadNetwork, background: &[f64], settings: &Settings) -> Self {
        let link = |e: usize| &net.links[net.link_of_edge[e] as usize];
        let edges = net.link_of_edge.len();
        let t0 = (0..edges).map(|e| link(e).free_flow_time).collect();
        let capacity = (0..edges).map(|e| link(e).capacity).collect();
        let vdf = (0..edges).map(|e| link(e).vdf).collect();
        let delay = (0..edges).map(|e| link(e).delay).collect();
        let fixed = (0..edges)
            .map(|e| {
                settings.toll_factor * link(e).toll + settings.distance_factor * link(e).length
            })
            .collect();
        let background = (0..edges)
            .map(|e| {
                background
                    .get(net.link_of_edge[e] as usize)
                    .copied()
                    .unwrap_or(0.0)
            })
            .collect();
        let mut state = LinkState {
            t0,
            capacity,
            vdf,
            delay,
            fixed,
            background,
            flow: vec![0.0; edges],
            cost: vec![0.0; edges],
        };
        state.update_costs();
        state
    }

    #[inline]
    fn time(&self, e: usize) -> f64 {
        self.time_at(e, self.flow[e])
    }

    #[inline]
    fn time_at(&self, e: usize, flow: f64) -> f64 {
        self.delay[e]
            + self.vdf[e].time(
                self.t0[e],
                self.capacity[e],
                flow.max(0.0) + self.background[e],
            )
    }

    #[inline]
    fn derivative(&self, e: usize) -> f64 {
        self.vdf[e].derivative(
            self.t0[e],
            self.capacity[e],
            self.flow[e].max(0.0) + self.background[e],
        )
    }

    #[inline]
    fn update_cost(&mut self, e: usize) {
        self.cost[e] = self.fixed[e] + self.time(e);
    }

    fn update_costs(&mut self) {
        for e in 0..self.flow.len() {
            self.update_cost(e);
        }
    }

    /// Beckmann objective at flows `flow`.
    fn beckmann(&self, flow: &[f64]) -> f64 {
        (0..flow.len())
            .map(|e| {
                let f = flow[e].max(0.0);
                let (t0, cap, bg) = (self.t0[e], self.capacity[e], self.background[e]);
                self.vdf[e].integral(t0, cap, f + bg) - self.vdf[e].integral(t0, cap, bg)
                    + (self.fixed[e] + self.delay[e]) * f
            })
            .sum()
    }

    /// The iteration record for the current flows, given the total cheapest-route cost at the
    /// current costs.
    fn record(&self, iteration: usize, cheapest_total: f64, trips: f64) -> Iteration {
        let total_cost: f64 = self.flow.iter().zip(&self.cost).map(|(v, c)| v * c).sum();
        let tstt: f64 = (0..self.flow.len())
            .map(|e| self.flow[e] * self.time(e))
            .sum();
        let excess = (total_cost - cheapest_total).max(0.0);
        Iteration {
            iteration,
            relative_gap: if total_cost > 0.0 {
                excess / total_cost
            } else {
                0.0
            },
            average_excess_cost: if trips > 0.0 { excess / trips } else { 0.0 },
            beckmann_objective: self.beckmann(&self.flow),
            tstt,
        }
    }
}

/// All-or-nothing loading at the current costs: the flow per edge and the total cheapest-route
/// cost. Origins are split into a fixed number of chunks whatever the thread count, and the
/// chunks' flows are added in order, so the result is the same bits on any machine.
fn all_or_nothing(net: &RoadNetwork, demand: &Demand, cost: &[f64]) -> (Vec<f64>, f64) {
    const CHUNKS: usize = 64;
    let chunk = demand.origins.len().div_ceil(CHUNKS).max(1);
    let parts: Vec<(Vec<f64>, f64)> = demand
        .origins
        .par_chunks(chunk)
        .map_init(
            || (CostTreeWorkspace::default(), Vec::new()),
            |(ws, node_flow), origins| {
                let mut flow = vec![0.0; cost.len()];
                let mut cheapest = 0.0;
                for o in origins {
                    cost_tree(&net.graph, cost, o.zone, |v| net.through(v), ws);
                    cheapest += load_tree(net, o, ws, node_flow, &mut flow);
                }
                (flow, cheapest)
            },
        )
        .collect();
    let mut flow = vec![0.0; cost.len()];
    let mut cheapest = 0.0;
    for (part, c) in parts {
        for (f, p) in flow.iter_mut().zip(part) {
            *f += p;
        }
        cheapest += c;
    }
    (flow, cheapest)
}

/// Loads one origin's trips onto its tree (in `ws`) in one sweep from the farthest node back,
/// adding to `flow`; returns the origin's total cheapest-route cost.
fn load_tree(
    net: &RoadNetwork,
    origin: &OriginDemand,
    ws: &CostTreeWorkspace,
    node_flow: &mut Vec<f64>,
    flow: &mut [f64],
) -> f64 {
    node_flow.clear();
    node_flow.resize(net.nodes, 0.0);
    let mut cheapest = 0.0;
    for &(d, trips) in &origin.destinations {
        if d != origin.zone && trips > 0.0 && ws.cost(d).is_finite() {
            node_flow[d as usize] += trips;
            cheapest += trips * ws.cost(d);
        }
    }
    for &v in ws.settled().iter().rev() {
        let f = node_flow[v as usize];
        let e = ws.pred_edge(v);
        if f > 0.0 && e != NO_EDGE {
            flow[e as usize] += f;
            node_flow[net.graph.tail(e as usize) as usize] += f;
        }
    }
    cheapest
}

#[cfg(test)]
mod tests;
