//! A run's road-congestion outputs: `summary.json`'s `congestion` section (the settings as used,
//! the final assignment in brief) and the rows of `links.csv`. The rounds of the supply-demand
//! loop are in its `equilibrium` section (`super::equilibrium`).

use super::schema::{Fixed, LinkDirection, LinkRow};
use crate::assign::Assignment;
use crate::network::Network;
use crate::sim::congestion::RoadModel;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Road congestion of a run (summary.json `congestion`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CongestionInfo {
    /// The settings as used: defaults filled in, `peak_hour_share` resolved.
    pub settings: CongestionParameters,
    /// The assignment of the final run's cars (links.csv).
    pub final_assignment: FinalAssignment,
}

/// The final assignment in brief.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FinalAssignment {
    /// Relative gap reached.
    pub relative_gap: f64,
    /// Iterations.
    pub iterations: usize,
    /// Commuter cars in the peak hour.
    pub peak_hour_cars: f64,
    /// Vehicle-km of commuter cars in the peak hour.
    pub vehicle_km: f64,
    /// Vehicle-hours of commuter cars in the peak hour.
    pub vehicle_hours: f64,
    /// Directed road links loaded beyond capacity (volume plus background).
    pub links_over_capacity: usize,
}

impl CongestionInfo {
    /// The summary of the final assignment `a` of `cars` (peak-hour vehicles) on `model` under
    /// settings `c`.
    pub fn of(
        c: &crate::scenario::Congestion,
        model: &RoadModel,
        a: &Assignment,
        cars: f64,
    ) -> Self {
        let links = model.network().links();
        let roads = 0..model.roads.len();
        let settings = crate::scenario::Congestion {
            peak_hour_share: Some(model.peak_share),
            ..c.clone()
        };
        CongestionInfo {
            settings: settings.into(),
            final_assignment: FinalAssignment {
                relative_gap: a.last().relative_gap,
                iterations: a.last().iteration,
                peak_hour_cars: cars,
                vehicle_km: roads.clone().map(|l| a.flows[l] * links[l].length).sum(),
                vehicle_hours: roads
                    .clone()
                    .map(|l| a.flows[l] * a.times[l] / 3600.0)
                    .sum(),
                links_over_capacity: roads
                    .filter(|&l| a.flows[l] + model.background[l] > links[l].capacity)
                    .count(),
            },
        }
    }
}

/// [`crate::scenario::Congestion`] as `summary.json` holds it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CongestionParameters {
    /// Share of the window's car commuters on the road in the peak hour.
    pub peak_hour_share: Option<f64>,
    /// Commuters per car.
    pub occupancy: f64,
    /// Multiplier on road capacities.
    pub capacity_factor: f64,
    /// Other traffic as a share of capacity, all classes.
    pub background_vc: f64,
    /// The same by road class.
    pub background_vc_by_class: BTreeMap<String, f64>,
    /// Passenger-car units per bus.
    pub bus_pcu: f64,
    /// BPR `alpha`.
    pub bpr_alpha: f64,
    /// BPR `beta`.
    pub bpr_beta: f64,
    /// Steepness of Spiess' conical function, used instead of BPR when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conical_alpha: Option<f64>,
    /// Relative gap of each assignment.
    pub assignment_gap: f64,
}

impl From<crate::scenario::Congestion> for CongestionParameters {
    fn from(congestion: crate::scenario::Congestion) -> Self {
        let crate::scenario::Congestion {
            peak_hour_share,
            occupancy,
            capacity_factor,
            background_vc,
            background_vc_by_class,
            bus_pcu,
            bpr_alpha,
            bpr_beta,
            conical_alpha,
            assignment_gap,
        } = congestion;
        CongestionParameters {
            peak_hour_share,
            occupancy,
            capacity_factor,
            background_vc,
            background_vc_by_class,
            bus_pcu,
            bpr_alpha,
            bpr_beta,
            conical_alpha,
            assignment_gap,
        }
    }
}

/// The rows of `links.csv`: per road link and direction driven (drawn direction first), the
/// peak hour's commuter cars of assignment `a`, background traffic, capacity, volume/capacity
/// and times.
pub fn link_rows(net: &Network, model: &RoadModel, a: &Assignment) -> Vec<LinkRow> {
    let links = model.network().links();
    let rows = model.roads.iter().enumerate().map(|(l, directed)| {
        let road = &net.roads()[directed.link as usize];
        let (from, to, direction) = if directed.forward {
            (road.from, road.to, LinkDirection::Forward)
        } else {
            (road.to, road.from, LinkDirection::Backward)
        };
        let capacity = links[l].capacity;
        let seconds = a.times[l];
        LinkRow {
            link: road.id.clone(),
            direction,
            name: road.name.clone(),
            class: road.class.clone(),
            from: net.node(from).id.clone(),
            to: net.node(to).id.clone(),
            length_km: Fixed::new(road.length_km),
            volume_vph: Fixed::new(a.flows[l]),
            background_pcu: Fixed::new(model.background[l]),
            capacity_vph: Fixed::new(capacity),
            volume_capacity: Fixed::new((a.flows[l] + model.background[l]) / capacity),
            free_flow_min: Fixed::new(model.free_flow_s(l) / 60.0),
            congested_min: Fixed::new(seconds / 60.0),
            speed_kmh: Fixed::new(road.length_km / (seconds / 3600.0)),
        }
    });
    rows.collect()
}
