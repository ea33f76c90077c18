//! Road congestion in commute scenarios. The Monte-Carlo step decides who drives; their cars in
//! the peak hour, with background traffic and the buses of the bus lines in passenger-car units,
//! are assigned to the roads at user equilibrium ([`crate::assign`]); the congested link times
//! then slow the cars and buses of the next simulation ([`super::equilibrium`] runs the loop).
//!
//! The assignment network mirrors the car graph of [`crate::routing`]: every road link in each
//! direction it can be driven, plus the car access links from zone centroids (flat, fixed
//! time). Zone centroids are never passed through. Times are in seconds, generalised cost adds
//! tolls and running cost at the scenario's value of time, so drivers weigh tolls as the mode
//! choice does. Buses follow the free-flow road path between their stops, each stop snapped to
//! its nearest road junction.

use crate::assign::{self, Assignment, Link, OriginDemand, RoadNetwork, VolumeDelay};
use crate::network::{Mode, Network, NodeKind, RoadArc};
use crate::routing::{CostTreeWorkspace, Csr, NO_EDGE, cost_tree};
use crate::scenario::{Choice, Congestion};
use crate::sim::choice::Alternative;
use crate::sim::montecarlo::{RoadFactors, Simulation};
use crate::time::Window;

/// The roads of a scenario as an assignment network, with background traffic and bus paths.
#[derive(Debug, Clone)]
pub struct RoadModel {
    network: RoadNetwork,
    /// The directed roads, which are the first links of `network`, in this order.
    pub roads: Vec<RoadArc>,
    /// Fixed flow per assignment link: background traffic and buses, pcu per hour.
    pub background: Vec<f64>,
    /// Per line: the assignment links its buses drive, with buses per hour on each (empty for
    /// rail and subway lines).
    line_paths: Vec<Vec<(u32, f64)>>,
    /// Per line: the free-flow time of the path its buses drive over that of the path they were
    /// timetabled for, with every road open (1 unless a closed road forces a detour).
    line_detours: Vec<f64>,
    settings: assign::Settings,
    zones: usize,
    /// Share of the window's car commuters in the peak hour.
    pub peak_share: f64,
    /// Commuters per car.
    pub occupancy: f64,
}

impl RoadModel {
    /// Builds the model of `net` for `window`, with departure `weights` (per minute).
    pub fn new(
        net: &Network,
        window: Window,
        weights: &[f64],
        congestion: &Congestion,
        choice: &Choice,
    ) -> Self {
        let zones = net.zones().len();
        // Zone centroids first (zone order), then every other node.
        let mut node_of = vec![u32::MAX; net.nodes().len()];
        for (z, zone) in net.zones().iter().enumerate() {
            node_of[zone.centroid.index()] = z as u32;
        }
        let others = node_of.iter_mut().filter(|s| **s == u32::MAX);
        for (number, slot) in (zones as u32..).zip(others) {
            *slot = number;
        }
        let vdf = congestion.volume_delay();
        let mut links = Vec::new();
        let mut roads = Vec::new();
        let mut background = Vec::new();
        for (arc, r) in net.road_arcs() {
            let (a, b) = arc.ends(r);
            let capacity = r.capacity_vph * congestion.capacity_factor;
            links.push(Link {
                from: node_of[a.index()],
                to: node_of[b.index()],
                capacity,
                length: r.length_km,
                free_flow_time: r.length_km / r.speed_kmh * 3600.0,
                delay: f64::from(arc.checkpoint_s(r)),
                vdf,
                toll: r.toll_yuan,
            });
            roads.push(arc);
            background.push(congestion.background_of(&r.class) * capacity);
        }
        for a in net.access() {
            if a.mode == crate::network::AccessMode::Car {
                let (z, v) = (
                    node_of[net.zone(a.zone).centroid.index()],
                    node_of[a.node.index()],
                );
                for (from, to) in [(z, v), (v, z)] {
                    links.push(Link {
                        from,
                        to,
                        capacity: 0.0,
                        length: 0.0,
                        free_flow_time: f64::from(a.time_s),
                        delay: 0.0,
                        vdf: VolumeDelay::Bpr {
                            alpha: 0.0,
                            beta: 0.0,
                        },
                        toll: 0.0,
                    });
                    background.push(0.0);
                }
            }
        }
        let seconds_per_yuan = choice.minutes_per_yuan * 60.0;
        let settings = assign::Settings {
            algorithm: assign::Algorithm::GradientProjection,
            relative_gap: congestion.assignment_gap,
            max_iterations: 200,
            toll_factor: seconds_per_yuan,
            distance_factor: choice.car_cost_yuan_per_km * seconds_per_yuan,
        };
        let (line_paths, line_detours) = bus_paths(net, window, &links[..roads.len()], &node_of);
        for path in &line_paths {
            for &(link, buses) in path {
                background[link as usize] += buses * congestion.bus_pcu;
            }
        }
        RoadModel {
            network: RoadNetwork::new(net.nodes().len(), zones, zones as u32, links),
            roads,
            background,
            line_paths,
            line_detours,
            settings,
            zones,
            peak_share: congestion.peak_share(weights),
            occupancy: congestion.occupancy,
        }
    }

    /// The relative gap each assignment aims for.
    pub fn assignment_gap(&self) -> f64 {
        self.settings.relative_gap
    }

    /// The assignment network.
    pub fn network(&self) -> &RoadNetwork {
        &self.network
    }

    /// Cars per peak hour per zone pair (`o * zones + d`) of a simulation: its mean car
    /// commuters over the draws over the occupancy, plus one taxi per taxi commuter (a taxi's
    /// empty runs are not counted), times the peak-hour share.
    pub fn car_vehicles(&self, sim: &Simulation) -> Vec<f64> {
        let (car, taxi) = (Alternative::Car.index(), Alternative::Taxi.index());
        sim.pair_draws
            .iter()
            .map(|draws| {
                let total: f64 = draws
                    .iter()
                    .map(|d| d.by[car] / self.occupancy + d.by[taxi])
                    .sum();
                total / draws.len().max(1) as f64 * self.peak_share
            })
            .collect()
    }

    /// User equilibrium of `vehicles` (per zone pair, as [`RoadModel::car_vehicles`]).
    pub fn assign(&self, vehicles: &[f64]) -> Assignment {
        let z = self.zones;
        let origins = (0..z)
            .map(|o| OriginDemand {
                zone: o as u32,
                destinations: (0..z)
                    .filter(|&d| d != o && vehicles[o * z + d] > 0.0)
                    .map(|d| (d as u32, vehicles[o * z + d]))
                    .collect(),
            })
            .filter(|o| !o.destinations.is_empty())
            .collect();
        assign::assign(
            &self.network,
            &assign::Demand { origins },
            &self.background,
            &self.settings,
            &mut |_| {},
        )
    }

    /// Free-flow time of assignment link `link` including its constant delay, seconds.
    pub fn free_flow_s(&self, link: usize) -> f64 {
        let l = &self.network.links()[link];
        l.free_flow_time + l.delay
    }

    /// The factors the simulation applies for link times `times` (seconds per assignment link):
    /// per directed road its congested over free-flow time (the checkpoint delay apart), per
    /// bus line the same over its buses' road path, times its detour.
    pub fn factors(&self, times: &[f64]) -> RoadFactors {
        let links = self.network.links();
        let mut roads =
            vec![1.0; 2 * self.roads.iter().map(|r| r.link + 1).max().unwrap_or(0) as usize];
        for (l, arc) in self.roads.iter().enumerate() {
            let t0 = links[l].free_flow_time;
            if t0 > 0.0 {
                roads[arc.slot()] = (times[l] - links[l].delay) / t0;
            }
        }
        let lines = self
            .line_paths
            .iter()
            .zip(&self.line_detours)
            .map(|(path, detour)| {
                let free: f64 = path
                    .iter()
                    .map(|&(l, w)| w * self.free_flow_s(l as usize))
                    .sum();
                let congested: f64 = path.iter().map(|&(l, w)| w * times[l as usize]).sum();
                detour * if free > 0.0 { congested / free } else { 1.0 }
            })
            .collect();
        RoadFactors { roads, lines }
    }
}

/// Per line, the road links its buses drive in the window and buses per hour on each: stops
/// snapped to their nearest road junction, free-flow paths between consecutive ones; and its
/// detour: the free-flow time of those paths over that of the paths with the scenario's closed
/// roads open again, which the timetable was set for (1 with no road closed).
fn bus_paths(
    net: &Network,
    window: Window,
    roads: &[Link],
    node_of: &[u32],
) -> (Vec<Vec<(u32, f64)>>, Vec<f64>) {
    let junctions: Vec<usize> = (0..net.nodes().len())
        .filter(|&v| net.nodes()[v].kind == NodeKind::RoadJunction)
        .collect();
    let nodes = net.nodes().len();
    let arcs: Vec<(u32, u32, u32)> = roads.iter().map(|l| (l.from, l.to, 0)).collect();
    let (graph, order) = Csr::build(nodes, &arcs);
    let costs: Vec<f64> = order
        .iter()
        .map(|&i| roads[i as usize].free_flow_time + roads[i as usize].delay)
        .collect();
    let snap = |v: usize| -> Option<u32> {
        let n = &net.nodes()[v];
        let scale = n.lat.to_radians().cos();
        junctions
            .iter()
            .map(|&j| {
                let m = &net.nodes()[j];
                let (dx, dy) = ((m.lon - n.lon) * scale, m.lat - n.lat);
                (dx * dx + dy * dy, j)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(_, j)| node_of[j])
    };
    // The road graph with the closed roads open again (free-flow time and checkpoint delay).
    let reference = (!net.closed_roads().is_empty()).then(|| {
        let mut arcs: Vec<(u32, u32, u32)> = arcs.clone();
        let mut all_costs: Vec<f64> = roads.iter().map(|l| l.free_flow_time + l.delay).collect();
        for road in net.closed_roads() {
            let (from, to) = (node_of[road.from.index()], node_of[road.to.index()]);
            let free_flow = road.length_km / road.speed_kmh * 3600.0;
            arcs.push((from, to, 0));
            all_costs.push(free_flow + f64::from(road.checkpoint_s));
            if !road.oneway {
                arcs.push((to, from, 0));
                all_costs.push(free_flow);
            }
        }
        let (graph, order) = Csr::build(nodes, &arcs);
        let costs: Vec<f64> = order.iter().map(|&i| all_costs[i as usize]).collect();
        (graph, costs)
    });
    let hours = f64::from(window.end_s - window.start_s) / 3600.0;
    let mut ws = CostTreeWorkspace::default();
    let mut reference_ws = CostTreeWorkspace::default();
    net.lines()
        .iter()
        .map(|line| {
            if !matches!(line.mode, Mode::Bus | Mode::CustomBus) || hours <= 0.0 {
                return (Vec::new(), 1.0);
            }
            let mut path: Vec<(u32, f64)> = Vec::new();
            // Buses per hour times the free-flow seconds of the paths driven and timetabled.
            let (mut driven_s, mut timetabled_s) = (0.0, 0.0);
            for &direction in line.directions() {
                let per_hour = line.departures_in(direction, window.start_s, window.end_s) / hours;
                if per_hour <= 0.0 {
                    continue;
                }
                let stops: Vec<Option<u32>> = line
                    .stops_in(direction)
                    .iter()
                    .map(|s| snap(s.node.index()))
                    .collect();
                for pair in stops.windows(2) {
                    let (Some(a), Some(b)) = (pair[0], pair[1]) else {
                        continue;
                    };
                    cost_tree(&graph, &costs, a, |_| true, &mut ws);
                    if let Some((reference_graph, reference_costs)) = &reference {
                        cost_tree(
                            reference_graph,
                            reference_costs,
                            a,
                            |_| true,
                            &mut reference_ws,
                        );
                        if ws.cost(b).is_finite() && reference_ws.cost(b).is_finite() {
                            driven_s += per_hour * ws.cost(b);
                            timetabled_s += per_hour * reference_ws.cost(b);
                        }
                    }
                    let mut node = b;
                    while ws.pred_edge(node) != NO_EDGE {
                        let e = ws.pred_edge(node) as usize;
                        path.push((order[e], per_hour));
                        node = graph.tail(e);
                    }
                }
            }
            let detour = if timetabled_s > 0.0 {
                driven_s / timetabled_s
            } else {
                1.0
            };
            (path, detour)
        })
        .unzip()
}
