//! Commuter flows and their mode split.
//!
//! Flows come from a table of commuters when the scenario names one (`[demand] file`), or else
//! from a doubly constrained gravity model ([`super::gravity`]): each zone sends
//! `residents x commute_rate` commuters, distributed over the zones' jobs with a negative
//! exponential deterrence on the deterministic best-mode door-to-door time, and on
//! `intrazonal_min` for commuters who work in their own zone (most, in a large zone: they are
//! counted but not routed), then `scale-demand` modifications multiply the flows they select.
//!
//! The choice between car, transit and custom bus is made in the simulation
//! ([`super::montecarlo`]); [`Split`] sums it up per zone pair.

use super::choice::Alternative;
use super::gravity::doubly_constrained;
use super::montecarlo::Simulation;
use crate::network::Network;
use crate::routing::Skims;
use crate::scenario::{Demand, DemandScale};
use crate::time::to_minutes;

/// Commuters from zone `o` to zone `d` at `o * zones + d`; the diagonal holds those who work in
/// their own zone.
pub fn commuter_flows(
    net: &Network,
    skims: &Skims,
    demand: Demand,
    table: Option<&[(crate::network::ZoneId, crate::network::ZoneId, f64)]>,
    scales: &[DemandScale],
) -> Vec<f64> {
    let zones = net.zones();
    let n = zones.len();
    let origins: Vec<f64> = zones
        .iter()
        .map(|z| z.residents as f64 * demand.commute_rate)
        .collect();
    let jobs: Vec<f64> = zones.iter().map(|z| z.jobs as f64).collect();
    let cost: Vec<Option<f64>> = (0..n * n)
        .map(|k| {
            let (o, d) = (k / n, k % n);
            if o == d {
                Some(demand.intrazonal_min)
            } else {
                skims.best(o, d).map(|(_, r)| to_minutes(r.time_s))
            }
        })
        .collect();
    let mut flows = match table {
        Some(rows) => {
            let mut flows = vec![0.0; n * n];
            for &(o, d, commuters) in rows {
                flows[o.index() * n + d.index()] = commuters;
            }
            flows
        }
        None => doubly_constrained(&origins, &jobs, &cost, demand.beta_per_min, 1e-9, 500).flows,
    };
    scale(&mut flows, n, scales);
    flows
}

/// Multiplies the commuters `flows` (`o * zones + d`, `zones` zones) that each of `scales`
/// selects by its factor, in order.
pub fn scale(flows: &mut [f64], zones: usize, scales: &[DemandScale]) {
    for scale in scales {
        for (k, flow) in flows.iter_mut().enumerate() {
            let (o, d) = (k / zones, k % zones);
            let picks = |set: &[crate::network::ZoneId], z: usize| {
                set.is_empty() || set.iter().any(|id| id.index() == z)
            };
            if picks(&scale.origins, o) && picks(&scale.destinations, d) {
                *flow *= scale.factor;
            }
        }
    }
}

/// The mode split of one zone pair, averaged over the draws.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Split {
    /// Commuters.
    pub commuters: f64,
    /// Commuters by alternative (index as in [`Alternative::ALL`]).
    pub by: [f64; 3],
    /// Mean door-to-door minutes of the chosen alternatives (NaN when nobody is served).
    pub mean_min: f64,
    /// Share of the served commuters arriving within 60 minutes (NaN when nobody is served).
    pub within_60: f64,
}

impl Split {
    /// The split of pair `pair` in `sim`, for `commuters` commuters (those the simulation
    /// routed, or more for a pair it did not route, such as a zone's own).
    pub fn of(sim: &Simulation, pair: usize, commuters: f64) -> Self {
        let mean = sim.mean_pair(pair);
        let served = mean.served();
        let per_served = |x: f64| if served > 0.0 { x / served } else { f64::NAN };
        Split {
            commuters,
            by: mean.by,
            mean_min: per_served(mean.minutes),
            within_60: per_served(mean.within_60).min(1.0),
        }
    }

    /// Commuters with an alternative.
    pub fn served(&self) -> f64 {
        self.by.iter().sum()
    }

    /// Commuters taking `alternative`.
    pub fn of_alternative(&self, alternative: Alternative) -> f64 {
        self.by[alternative.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::{Engine, skim_all};
    use crate::scenario::DemandScale;
    use std::path::Path;

    fn demo() -> crate::scenario::Scenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo-base.toml");
        crate::scenario::load(&path).unwrap()
    }

    #[test]
    fn every_origin_sends_its_commuters_and_scalings_apply() {
        let s = demo();
        let skims = skim_all(&Engine::new(&s.network, s.window));
        let n = skims.zones;
        let flows = commuter_flows(&s.network, &skims, s.demand, None, &[]);
        for (o, zone) in s.network.zones().iter().enumerate() {
            let sent: f64 = flows[o * n..(o + 1) * n].iter().sum();
            let expected = zone.residents as f64 * s.demand.commute_rate;
            assert!(
                (sent - expected).abs() < 1e-3 * expected,
                "{}: {sent} vs {expected}",
                zone.id
            );
            assert!(flows[o * n + o] > 0.0, "intrazonal commuters");
        }
        let yanjiao = s.network.zone_id("yanjiao").unwrap();
        let scale = DemandScale {
            factor: 2.0,
            origins: vec![yanjiao],
            destinations: Vec::new(),
        };
        let scaled = commuter_flows(&s.network, &skims, s.demand, None, &[scale]);
        for k in 0..n * n {
            let factor = if k / n == yanjiao.index() { 2.0 } else { 1.0 };
            assert!((scaled[k] - factor * flows[k]).abs() < 1e-9);
        }
    }
}
