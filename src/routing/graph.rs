//! The routing graphs derived from a network for one analysis window.
//!
//! Car: the network's nodes with road links and car access links. Checkpoint delays are added to
//! the `from -> to` direction of their link (draw entry checkpoints towards the city).
//!
//! Public transport is a frequency-based, line-expanded graph (the deterministic mode):
//! - the *street layer* is the network's nodes with walk links, transfers and walk/feeder access;
//! - each network node `v` has an *alighted* twin `X(v)`: reached by leaving a vehicle at `v`;
//!   at a station whose lines have a processing time (HSR security), boarding straight from `X(v)`
//!   costs the transfer time and the wait but no second check;
//!   from it you may walk on or leave the station directly, or pay the station's internal transfer
//!   time to get back to `v` and board again. So a same-station change costs the transfer time and
//!   the wait, while the first boarding and the final egress do not pay a transfer;
//! - each line direction (a *pattern*) with stops `0..k` has a departure node `D(i)` and an
//!   arrival node `A(i)` per stop. Boarding `v -> D(i)` costs half the mean headway in the window,
//!   at most the network's `scheduled_wait` (for sparse service riders time their arrival to a
//!   departure; one rule for every line, so more service never means a longer wait), plus the
//!   mode's station processing time; riding `D(i) -> A(i+1)` costs the run time; staying
//!   on `A(i) -> D(i)` costs the dwell time; alighting `A(i) -> X(v)` is free.
//!
//! Zone centroids are barriers: reachable, never passed through.

use super::csr::Csr;
use crate::network::{AccessMode, LineId, Network, RoadArc, Stop};
use crate::time::Seconds;
use crate::time::Window;

/// What a routing-graph edge stands for, to rebuild itineraries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EdgeKind {
    /// A road link in one direction.
    Road(RoadArc),
    /// Zone access link `access` (car, walk or feeder), either way.
    Access { access: u32 },
    /// Walk link `link`.
    Walk { link: u32 },
    /// A transfer between stations, or a station-internal change of line.
    Transfer,
    /// Boarding pattern `pattern` at its stop `stop`; `in_station` when changing from another
    /// vehicle inside a station with processing (no second ticket and security check).
    Board {
        pattern: u32,
        stop: u32,
        in_station: bool,
    },
    /// Riding pattern `pattern` from stop `stop - 1` to stop `stop`.
    Ride { pattern: u32, stop: u32 },
    /// Staying on board during the dwell at `stop`.
    Dwell,
    /// Leaving the vehicle.
    Alight,
}

/// One direction of a line, with its stops in travel order and its service in the window.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub line: LineId,
    /// Stops in travel order, with run time and distance from the previous stop in this order.
    pub stops: Vec<Stop>,
    /// Mean headway at each stop over the window, seconds (`None`: no departure there in the
    /// window).
    pub headway_s: Vec<Option<Seconds>>,
    /// Expected wait when boarding at each stop, seconds: half the mean headway, at most the
    /// planned early arrival for sparse service.
    pub wait_s: Vec<Seconds>,
    /// Station processing time before boarding, seconds.
    pub processing_s: Seconds,
}

/// A routing graph with its edge meanings.
#[derive(Debug, Clone)]
pub struct RoutingGraph {
    pub(crate) csr: Csr,
    pub(crate) kinds: Vec<EdgeKind>,
    /// The network node each graph node stands at.
    pub(crate) node_of: Vec<u32>,
    /// Zone centroids: never expanded except as the source.
    pub(crate) barrier: Vec<bool>,
}

impl RoutingGraph {
    fn new(
        nodes: usize,
        node_of: Vec<u32>,
        barrier: Vec<bool>,
        edges: Vec<(u32, u32, u32, EdgeKind)>,
    ) -> Self {
        let plain: Vec<(u32, u32, u32)> = edges.iter().map(|&(t, h, w, _)| (t, h, w)).collect();
        let (csr, order) = Csr::build(nodes, &plain);
        let kinds = order.iter().map(|&i| edges[i as usize].3).collect();
        RoutingGraph {
            csr,
            kinds,
            node_of,
            barrier,
        }
    }

    /// Number of graph nodes.
    pub fn node_count(&self) -> usize {
        self.csr.node_count()
    }

    /// Number of graph edges.
    pub fn edge_count(&self) -> usize {
        self.csr.edge_count()
    }

    /// The CSR adjacency.
    pub fn csr(&self) -> &Csr {
        &self.csr
    }
}

fn barriers(net: &Network, nodes: usize) -> Vec<bool> {
    let mut barrier = vec![false; nodes];
    for (i, n) in net.nodes().iter().enumerate() {
        barrier[i] = n.kind.is_trip_end();
    }
    barrier
}

/// The car graph: road links plus car access links, free-flow times.
pub(crate) fn car_graph(net: &Network) -> RoutingGraph {
    let n = net.nodes().len();
    let mut edges = Vec::new();
    for (arc, r) in net.road_arcs() {
        let (a, b) = arc.ends(r);
        let t = r.free_flow_s().saturating_add(arc.checkpoint_s(r));
        edges.push((a.index() as u32, b.index() as u32, t, EdgeKind::Road(arc)));
    }
    for (i, a) in net.access().iter().enumerate() {
        if a.mode == AccessMode::Car {
            let z = net.zone(a.zone).centroid.index() as u32;
            let v = a.node.index() as u32;
            let kind = EdgeKind::Access { access: i as u32 };
            edges.push((z, v, a.time_s, kind));
            edges.push((v, z, a.time_s, kind));
        }
    }
    RoutingGraph::new(n, (0..n as u32).collect(), barriers(net, n), edges)
}

/// The line directions of `net` with their service in `window`.
pub(crate) fn patterns(net: &Network, window: Window) -> Vec<Pattern> {
    let mut out = Vec::new();
    for (li, line) in net.lines().iter().enumerate() {
        for &direction in line.directions() {
            let stops = line.stops_in(direction);
            // Service at each stop: the departures that leave *that stop* within the window, i.e.
            // first-stop departures shifted by the time the vehicle takes to get there.
            let mut offset_s: Seconds = 0;
            let mut headway_s = Vec::with_capacity(stops.len());
            let mut wait_s = Vec::with_capacity(stops.len());
            for (i, stop) in stops.iter().enumerate() {
                if i > 0 {
                    offset_s = offset_s
                        .saturating_add(stop.run_s)
                        .saturating_add(stop.dwell_s);
                }
                let departures = line.departures_in(
                    direction,
                    window.start_s.saturating_sub(offset_s),
                    window.end_s.saturating_sub(offset_s),
                );
                let headway = (departures > 0.0)
                    .then(|| (f64::from(window.len_s()) / departures).round() as Seconds);
                let half = headway.map_or(0, |h| h / 2);
                headway_s.push(headway);
                wait_s.push(half.min(net.settings().scheduled_wait_s));
            }
            out.push(Pattern {
                line: LineId::new(li),
                stops,
                headway_s,
                wait_s,
                processing_s: net.settings().processing_s[line.mode.index()],
            });
        }
    }
    out
}

/// The public-transport graph (see the module docs) for `window`.
pub(crate) fn transit_graph(net: &Network, patterns: &[Pattern]) -> RoutingGraph {
    let n = net.nodes().len();
    let alighted = |v: usize| (n + v) as u32;
    let mut node_of: Vec<u32> = (0..n as u32).chain(0..n as u32).collect();
    let mut edges = Vec::new();
    for (i, w) in net.walks().iter().enumerate() {
        let kind = EdgeKind::Walk { link: i as u32 };
        let (a, b) = (w.from.index(), w.to.index());
        edges.push((a as u32, b as u32, w.time_s, kind));
        edges.push((alighted(a), b as u32, w.time_s, kind));
        if !w.oneway {
            edges.push((b as u32, a as u32, w.time_s, kind));
            edges.push((alighted(b), a as u32, w.time_s, kind));
        }
    }
    let mut internal = vec![net.settings().default_transfer_s; n];
    for t in net.transfers() {
        let (a, b) = (t.from.index(), t.to.index());
        if a == b {
            internal[a] = t.time_s;
        } else {
            for (x, y) in [(a, b), (b, a)] {
                edges.push((x as u32, y as u32, t.time_s, EdgeKind::Transfer));
                edges.push((alighted(x), y as u32, t.time_s, EdgeKind::Transfer));
            }
        }
    }
    for (v, &t) in internal.iter().enumerate() {
        if net.nodes()[v].kind.is_station() {
            edges.push((alighted(v), v as u32, t, EdgeKind::Transfer));
        }
    }
    for (i, a) in net.access().iter().enumerate() {
        if a.mode != AccessMode::Car {
            let z = net.zone(a.zone).centroid.index();
            let v = a.node.index();
            let kind = EdgeKind::Access { access: i as u32 };
            edges.push((z as u32, v as u32, a.time_s, kind));
            edges.push((v as u32, z as u32, a.time_s, kind));
            edges.push((alighted(v), z as u32, a.time_s, kind));
        }
    }
    for (pi, p) in patterns.iter().enumerate() {
        let pattern = pi as u32;
        let base = node_of.len() as u32;
        let k = p.stops.len() as u32;
        let dep = |i: u32| base + 2 * i;
        let arr = |i: u32| base + 2 * i + 1;
        for s in &p.stops {
            node_of.push(s.node.index() as u32);
            node_of.push(s.node.index() as u32);
        }
        for i in 0..k {
            let stop = &p.stops[i as usize];
            let v = stop.node.index() as u32;
            if i + 1 < k && p.headway_s[i as usize].is_some() {
                edges.push((
                    v,
                    dep(i),
                    p.wait_s[i as usize] + p.processing_s,
                    EdgeKind::Board {
                        pattern,
                        stop: i,
                        in_station: false,
                    },
                ));
                if p.processing_s > 0 {
                    // Changing trains inside the station: the transfer time, not the check again.
                    edges.push((
                        alighted(v as usize),
                        dep(i),
                        internal[v as usize] + p.wait_s[i as usize],
                        EdgeKind::Board {
                            pattern,
                            stop: i,
                            in_station: true,
                        },
                    ));
                }
            }
            if i > 0 {
                edges.push((
                    dep(i - 1),
                    arr(i),
                    stop.run_s,
                    EdgeKind::Ride { pattern, stop: i },
                ));
                edges.push((arr(i), alighted(v as usize), 0, EdgeKind::Alight));
                if i + 1 < k {
                    edges.push((arr(i), dep(i), stop.dwell_s, EdgeKind::Dwell));
                }
            }
        }
    }
    let nodes = node_of.len();
    RoutingGraph::new(nodes, node_of, barriers(net, nodes), edges)
}
