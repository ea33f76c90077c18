//! Routing engines over a network for one analysis window: free-flow car and frequency-based
//! public transport (see the `graph` module for the graph model), with reusable per-thread workspaces and
//! parallel all-zones skims.

mod ch;
mod cost_tree;
mod csr;
mod dijkstra;
mod graph;
mod radix;
mod raptor;
mod road_graph;
mod skim;
mod timetable;
mod trip;

pub use ch::{ChWorkspace, ContractionHierarchy, PhastWorkspace};
pub use cost_tree::{CostTreeWorkspace, NO_EDGE, cost_tree};
pub use csr::Csr;
pub use dijkstra::{UNREACHED, Workspace, one_to_all};
pub use graph::RoutingGraph;
pub use radix::{MAX_DISTANCE, RadixHeap, RadixWorkspace, shortest_from};
pub use raptor::{
    MAX_VEHICLES, RaptorWorkspace, Ride, earliest_arrivals, earliest_arrivals_range, journey,
    zone_arrival, zone_rides,
};
pub use road_graph::{NodeNames, RoadGraph};
pub use skim::{OdResult, Skims, skim_all};
pub use timetable::{LineDraw, Timetable};
pub(crate) use trip::FareMeter;
pub use trip::{Leg, LegMode, Trip};

use crate::network::{Network, NodeId};
use crate::time::{Seconds, Window};

/// A way to travel between zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TravelMode {
    /// Driving on the road network.
    Car,
    /// Public transport with walking and feeder access.
    Transit,
}

impl TravelMode {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            TravelMode::Car => "car",
            TravelMode::Transit => "transit",
        }
    }
}

/// The routing graphs of one network and window. Build once, share across threads.
#[derive(Debug)]
pub struct Engine<'n> {
    net: &'n Network,
    car: RoutingGraph,
    transit: RoutingGraph,
    patterns: Vec<graph::Pattern>,
}

impl<'n> Engine<'n> {
    /// Builds the car and public-transport graphs of `net` for departures in `window`.
    pub fn new(net: &'n Network, window: Window) -> Self {
        let patterns = graph::patterns(net, window);
        let transit = graph::transit_graph(net, &patterns);
        Engine {
            net,
            car: graph::car_graph(net),
            transit,
            patterns,
        }
    }

    /// The network routed on.
    pub fn network(&self) -> &'n Network {
        self.net
    }

    /// The routing graph of `mode`.
    pub fn graph(&self, mode: TravelMode) -> &RoutingGraph {
        match mode {
            TravelMode::Car => &self.car,
            TravelMode::Transit => &self.transit,
        }
    }

    /// A workspace big enough for both graphs.
    pub fn workspace(&self) -> Workspace {
        Workspace::new(self.car.node_count().max(self.transit.node_count()))
    }

    /// Runs a one-to-all search by `mode` from `source` into `ws`.
    pub fn search(&self, mode: TravelMode, source: NodeId, ws: &mut Workspace) {
        let g = self.graph(mode);
        one_to_all(&g.csr, source.index() as u32, &g.barrier, ws);
    }

    /// The itinerary to `target` from the last [`Engine::search`] by `mode` in `ws`; `None`
    /// when `target` is unreachable.
    /// A station is reached either on foot or straight off a vehicle (its alighted twin, see
    /// the `graph` module); the earlier of the two counts.
    pub fn trip(&self, mode: TravelMode, ws: &Workspace, target: NodeId) -> Option<Trip> {
        let mut node = target.index() as u32;
        if mode == TravelMode::Transit {
            let alighted = (self.net.nodes().len() + target.index()) as u32;
            if ws
                .distance(alighted)
                .is_some_and(|a| ws.distance(node).is_none_or(|v| a < v))
            {
                node = alighted;
            }
        }
        trip::rebuild(self.net, self.graph(mode), &self.patterns, ws, node)
    }

    /// Zone-to-zone car times, seconds, with each road link's free-flow time scaled by
    /// `link_factor[arc.slot()]` in each direction (`2 * link` drawn, `2 * link + 1` back, see
    /// [`crate::network::RoadArc`]), and checkpoint delays by `checkpoint_factor` (all 1: the free-flow skim times),
    /// routes re-optimised; `o * zones + d`, `None` when unreachable or `o == d`.
    /// Origins run in parallel on the current rayon pool.
    pub fn car_times_scaled(
        &self,
        link_factor: &[f64],
        checkpoint_factor: f64,
    ) -> Vec<Option<crate::time::Seconds>> {
        use rayon::prelude::*;
        let roads = self.net.roads();
        let scale = |s: crate::time::Seconds, f: f64| (f64::from(s) * f).round() as u32;
        let g = &self.car;
        let csr = g.csr.reweighted(|e| match g.kinds[e] {
            graph::EdgeKind::Road(arc) => {
                let r = &roads[arc.link as usize];
                let factor = link_factor[arc.slot()];
                scale(r.free_flow_s(), factor)
                    .saturating_add(scale(arc.checkpoint_s(r), checkpoint_factor))
            }
            _ => g.csr.weight(e),
        });
        let zones = self.net.zones();
        (0..zones.len())
            .into_par_iter()
            .map_init(
                || Workspace::new(csr.node_count()),
                |ws, o| {
                    one_to_all(&csr, zones[o].centroid.index() as u32, &g.barrier, ws);
                    (0..zones.len())
                        .map(|d| {
                            (d != o)
                                .then(|| ws.distance(zones[d].centroid.index() as u32))
                                .flatten()
                        })
                        .collect::<Vec<_>>()
                },
            )
            .flatten_iter()
            .collect()
    }

    /// The best itinerary from `from` to `to` by `mode`.
    pub fn route(&self, mode: TravelMode, from: NodeId, to: NodeId) -> Option<Trip> {
        let mut ws = self.workspace();
        self.search(mode, from, &mut ws);
        self.trip(mode, &ws, to)
    }

    /// The fastest itinerary from `from` to `to` among `modes`, with the mode that gives it;
    /// `None` when no mode reaches `to`. Without `depart` (seconds since midnight) public
    /// transport is frequency-based (half the mean headway per boarding over the engine's
    /// window); with it, public transport runs on the timetable (every trip of the day, RAPTOR)
    /// leaving at `depart`, and the itinerary carries clock times. Ties go to the earlier mode
    /// in `modes`.
    pub fn fastest(
        &self,
        modes: &[TravelMode],
        from: NodeId,
        to: NodeId,
        depart: Option<Seconds>,
    ) -> Option<(TravelMode, Trip)> {
        let route = |mode: TravelMode| match (mode, depart) {
            (TravelMode::Transit, Some(depart_s)) => {
                let timetable = Timetable::new(self.net);
                let mut ws = RaptorWorkspace::default();
                earliest_arrivals(self.net, &timetable, from, depart_s, &mut ws);
                journey(self.net, &timetable, &ws, to)
            }
            _ => self.route(mode, from, to),
        };
        modes
            .iter()
            .filter_map(|&mode| route(mode).map(|trip| (mode, trip)))
            .min_by_key(|(_, trip)| trip.time_s)
    }
}
