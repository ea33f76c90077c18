//! Path-based gradient projection (Jayakrishnan, Tsai, Prashker and Rajadhyaksha 1994): each
//! origin-destination pair keeps the routes it uses with their flows. An iteration finds every
//! origin's cheapest routes at the current costs (in parallel), adds any new one to its pair's
//! set, and then, pair by pair, moves flow from each dearer route to the cheapest by the Newton
//! step `(c_r - c_min) / sum of cost derivatives on the links the two routes do not share`,
//! updating link costs at once (Gauss-Seidel). A few more passes over all pairs without new
//! routes follow, because equalising costs is cheap next to finding routes. Link flows are summed
//! again from the route flows each iteration so rounding cannot drift.
//!
//! Everything after the parallel route search runs in origin order, so the result does not depend
//! on the thread count.

use super::{Demand, Iteration, LinkState, RoadNetwork, Settings};
use crate::routing::{CostTreeWorkspace, NO_EDGE, cost_tree};
use rayon::prelude::*;

/// Equalising passes over all pairs after each route search.
const EXTRA_PASSES: usize = 3;

struct Route {
    edges: Vec<u32>,
    flow: f64,
}

struct Pair {
    destination: u32,
    trips: f64,
    routes: Vec<Route>,
}

struct Origin {
    zone: u32,
    pairs: Vec<Pair>,
}

/// Stamps marking the edges of one route, reset by bumping the stamp.
struct Marks {
    stamp: Vec<u32>,
    current: u32,
}

impl Marks {
    fn mark(&mut self, edges: &[u32]) {
        self.current = self.current.wrapping_add(1);
        if self.current == 0 {
            self.stamp.fill(0);
            self.current = 1;
        }
        for &e in edges {
            self.stamp[e as usize] = self.current;
        }
    }

    fn is_marked(&self, e: u32) -> bool {
        self.stamp[e as usize] == self.current
    }
}

pub(super) fn run(
    net: &RoadNetwork,
    demand: &Demand,
    state: &mut LinkState,
    settings: &Settings,
    progress: &mut dyn FnMut(&Iteration),
) -> (bool, Vec<Iteration>) {
    let trips = demand.total();
    let mut origins: Vec<Origin> = demand
        .origins
        .iter()
        .map(|o| Origin {
            zone: o.zone,
            pairs: o
                .destinations
                .iter()
                .filter(|&&(d, t)| d != o.zone && t > 0.0)
                .map(|&(destination, trips)| Pair {
                    destination,
                    trips,
                    routes: Vec::new(),
                })
                .collect(),
        })
        .filter(|o| !o.pairs.is_empty())
        .collect();
    let mut marks = Marks {
        stamp: vec![0; state.flow.len()],
        current: 0,
    };
    let mut iterations = Vec::new();
    for k in 0.. {
        let cheapest = cheapest_routes(net, &origins, &state.cost);
        if k > 0 {
            let total: f64 = origins
                .iter()
                .zip(&cheapest)
                .flat_map(|(o, c)| o.pairs.iter().zip(&c.routes))
                .filter(|(_, (cost, _))| cost.is_finite())
                .map(|(pair, (cost, _))| pair.trips * cost)
                .sum();
            let it = state.record(k, total, trips);
            progress(&it);
            iterations.push(it);
            if it.relative_gap <= settings.relative_gap {
                return (true, iterations);
            }
            if k >= settings.max_iterations {
                return (false, iterations);
            }
        }
        for (origin, cheapest) in origins.iter_mut().zip(cheapest) {
            for (p, pair) in origin.pairs.iter_mut().enumerate() {
                let (cost, edges) = cheapest.route(p);
                if cost.is_infinite() {
                    continue; // unreachable: nothing to load
                }
                if pair.routes.is_empty() {
                    for &e in edges {
                        state.flow[e as usize] += pair.trips;
                        state.update_cost(e as usize);
                    }
                    pair.routes.push(Route {
                        edges: edges.to_vec(),
                        flow: pair.trips,
                    });
                } else if !edges.is_empty() && !pair.routes.iter().any(|r| r.edges == edges) {
                    pair.routes.push(Route {
                        edges: edges.to_vec(),
                        flow: 0.0,
                    });
                }
                equalise(pair, state, &mut marks);
            }
        }
        for _ in 0..EXTRA_PASSES {
            for pair in origins.iter_mut().flat_map(|o| o.pairs.iter_mut()) {
                equalise(pair, state, &mut marks);
            }
        }
        state.flow.fill(0.0);
        for route in origins
            .iter()
            .flat_map(|o| &o.pairs)
            .flat_map(|p| &p.routes)
        {
            for &e in &route.edges {
                state.flow[e as usize] += route.flow;
            }
        }
        state.update_costs();
    }
    unreachable!("the loop returns")
}

/// One origin's cheapest routes: per pair its cost and the range of its edges in `edges`
/// (empty when one of the pair's routes already costs as little: nothing new to add).
struct Cheapest {
    routes: Vec<(f64, std::ops::Range<usize>)>,
    edges: Vec<u32>,
}

impl Cheapest {
    fn route(&self, pair: usize) -> (f64, &[u32]) {
        let (cost, range) = &self.routes[pair];
        (*cost, &self.edges[range.clone()])
    }
}

/// Per origin (in order): the cheapest route of each pair at `cost`, walked back from the tree
/// only when no route of the pair is as cheap already (most pairs, once routes settle).
fn cheapest_routes(net: &RoadNetwork, origins: &[Origin], cost: &[f64]) -> Vec<Cheapest> {
    origins
        .par_iter()
        .map_init(CostTreeWorkspace::default, |ws, origin| {
            cost_tree(&net.graph, cost, origin.zone, |v| net.through(v), ws);
            let mut edges = Vec::new();
            let routes = origin
                .pairs
                .iter()
                .map(|pair| {
                    let start = edges.len();
                    let cheapest = ws.cost(pair.destination);
                    let known = pair.routes.iter().any(|r| {
                        r.edges.iter().map(|&e| cost[e as usize]).sum::<f64>() <= cheapest
                    });
                    if known {
                        return (cheapest, start..start);
                    }
                    let mut node = pair.destination;
                    loop {
                        let e = ws.pred_edge(node);
                        if e == NO_EDGE {
                            break;
                        }
                        edges.push(e);
                        node = net.graph.tail(e as usize);
                    }
                    edges[start..].reverse();
                    (cheapest, start..edges.len())
                })
                .collect();
            Cheapest { routes, edges }
        })
        .collect()
}

fn route_cost(state: &LinkState, edges: &[u32]) -> f64 {
    edges.iter().map(|&e| state.cost[e as usize]).sum()
}

/// Moves flow from every dearer route of `pair` to its cheapest, by Newton steps, and drops the
/// routes left without flow.
fn equalise(pair: &mut Pair, state: &mut LinkState, marks: &mut Marks) {
    if pair.routes.len() < 2 {
        return;
    }
    let (mut best, mut best_cost) = (0, f64::INFINITY);
    for (r, route) in pair.routes.iter().enumerate() {
        let cost = route_cost(state, &route.edges);
        if cost < best_cost {
            (best, best_cost) = (r, cost);
        }
    }
    let best_edges = std::mem::take(&mut pair.routes[best].edges);
    for r in 0..pair.routes.len() {
        if r == best || pair.routes[r].flow <= 0.0 {
            continue;
        }
        let cost = route_cost(state, &pair.routes[r].edges);
        let excess = cost - best_cost;
        if excess <= 0.0 {
            continue;
        }
        marks.mark(&best_edges);
        let mut slope: f64 = best_edges
            .iter()
            .map(|&e| state.derivative(e as usize))
            .sum();
        for &e in &pair.routes[r].edges {
            let h = state.derivative(e as usize);
            slope += if marks.is_marked(e) { -h } else { h };
        }
        let route = &mut pair.routes[r];
        let shift = if slope > 0.0 {
            (excess / slope).min(route.flow)
        } else {
            route.flow
        };
        route.flow -= shift;
        if route.flow < 1e-12 * pair.trips {
            route.flow = 0.0;
        }
        for &e in &route.edges {
            state.flow[e as usize] -= shift;
            state.update_cost(e as usize);
        }
        for &e in &best_edges {
            state.flow[e as usize] += shift;
            state.update_cost(e as usize);
        }
        best_cost = route_cost(state, &best_edges);
    }
    pair.routes[best].edges = best_edges;
    let total: f64 = pair
        .routes
        .iter()
        .enumerate()
        .filter(|&(r, _)| r != best)
        .map(|(_, route)| route.flow)
        .sum();
    pair.routes[best].flow = pair.trips - total;
    let mut index = 0;
    pair.routes.retain(|route| {
        let keep = index == best || route.flow > 0.0;
        index += 1;
        keep
    });
}
