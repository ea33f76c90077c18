//! Commuter flows and their mode split.
//!
//! Flows come from a table of commuters when the scenario names one (`[demand] file`), or else
//! from a doubly constrained gravity model ([`super::gravity`]): each zone sends
//! `residents x commute_rate` commuters, distributed over the zones' jobs with a negative
//! exponential deterrence on the deterministic best-mode door-to-door time, and on
//! `intrazonal_min` for commuters who work in their own zone (most, in a large zone: they are
//! counted but not routed), then `scale-demand` modifications multiply the flows they select.
//!
//! In each Monte-Carlo sample, households with a car (the origin's `car_share`) choose between
//! car (its time that draw, see `TransitSamples::car_time`) and public transport by a binary
//! logit on generalised minutes; the others take public
//! transport. Commuters with no available mode are counted as unserved.

use super::choice::logit;
use super::gravity::doubly_constrained;
use super::montecarlo::{NO_ROUTE, TransitSamples};
use crate::network::Network;
use crate::routing::{Skims, TravelMode};
use crate::scenario::{Choice, Demand, DemandScale};
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
    for scale in scales {
        for (k, flow) in flows.iter_mut().enumerate() {
            let (o, d) = (k / n, k % n);
            let picks = |set: &[crate::network::ZoneId], z: usize| {
                set.is_empty() || set.iter().any(|id| id.index() == z)
            };
            if picks(&scale.origins, o) && picks(&scale.destinations, d) {
                *flow *= scale.factor;
            }
        }
    }
    flows
}

/// The expected mode split of one zone pair over the samples.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Split {
    /// Commuters.
    pub commuters: f64,
    /// Expected car commuters.
    pub car: f64,
    /// Expected public-transport commuters.
    pub transit: f64,
    /// Mean door-to-door minutes of the chosen modes (NaN when nobody is served).
    pub mean_min: f64,
    /// Share of the served commuters' trips within 60 minutes.
    pub within_60: f64,
}

/// The mode split from `o` to `d` for `commuters` commuters.
pub fn split(
    net: &Network,
    skims: &Skims,
    transit: &TransitSamples,
    choice: Choice,
    commuters: f64,
    o: usize,
    d: usize,
) -> Split {
    let car_share = net.zones()[o].car_share;
    let car = skims.get(TravelMode::Car, o, d);
    let fare = skims
        .get(TravelMode::Transit, o, d)
        .map_or(0.0, |r| r.cost_yuan);
    // Generalised car minutes less the (sample-dependent) travel time.
    let car_extra = car.map(|r| {
        let cost = r.cost_yuan + r.distance_km * choice.car_cost_yuan_per_km;
        choice.car_constant_min + cost * choice.minutes_per_yuan
    });
    let samples = transit.pair(o, d);
    let (mut p_car, mut p_pt, mut minutes, mut within) = (0.0, 0.0, 0.0, 0.0);
    for (s, &t) in samples.iter().enumerate() {
        let car_min = car.map(|r| to_minutes(transit.car_time(r, s)));
        let car_general = car_min.zip(car_extra).map(|(m, extra)| m + extra);
        let pt_min = (t != NO_ROUTE).then(|| to_minutes(t));
        let pt_general =
            pt_min.map(|m| m + choice.transit_constant_min + fare * choice.minutes_per_yuan);
        let owners = logit(&[
            car_general.map(|g| -choice.scale_per_min * g),
            pt_general.map(|g| -choice.scale_per_min * g),
        ]);
        let by_car = car_share * owners[0];
        let by_pt = car_share * owners[1]
            + if pt_min.is_some() {
                1.0 - car_share
            } else {
                0.0
            };
        p_car += by_car;
        p_pt += by_pt;
        if let Some(m) = car_min {
            minutes += by_car * m;
            within += by_car * f64::from(u8::from(m <= 60.0));
        }
        if let Some(m) = pt_min {
            minutes += by_pt * m;
            within += by_pt * f64::from(u8::from(m <= 60.0));
        }
    }
    let n = samples.len().max(1) as f64;
    let served = p_car + p_pt;
    Split {
        commuters,
        car: commuters * p_car / n,
        transit: commuters * p_pt / n,
        mean_min: if served > 0.0 {
            minutes / served
        } else {
            f64::NAN
        },
        within_60: if served > 0.0 {
            (within / served).min(1.0)
        } else {
            f64::NAN
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::{Engine, skim_all};
    use crate::scenario::DemandScale;
    use crate::sim::montecarlo::transit_samples;
    use std::path::Path;

    fn demo() -> crate::scenario::Scenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo-base.toml");
        crate::io::load_scenario(&path).unwrap()
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

    #[test]
    fn the_split_follows_the_logit_for_car_owners() {
        let s = demo();
        let net = &s.network;
        let skims = skim_all(&Engine::new(net, s.window));
        let samples = transit_samples(net, s.window, 1, 2);
        let (o, d) = (
            net.zone_id("tongzhou").unwrap().index(),
            net.zone_id("guomao").unwrap().index(),
        );
        let split = split(net, &skims, &samples, s.choice, 1000.0, o, d);
        assert!(
            (split.car + split.transit - 1000.0).abs() < 1e-9,
            "everyone is served"
        );
        // By hand: the mean over samples of car_share x P(car | owner).
        let c = s.choice;
        let car = skims.get(TravelMode::Car, o, d).unwrap();
        let fare = skims.get(TravelMode::Transit, o, d).unwrap().cost_yuan;
        let g_car = to_minutes(car.time_s)
            + c.car_constant_min
            + (car.cost_yuan + car.distance_km * c.car_cost_yuan_per_km) * c.minutes_per_yuan;
        let pair = samples.pair(o, d);
        let expected: f64 = pair
            .iter()
            .map(|&t| {
                let g_pt = to_minutes(t) + c.transit_constant_min + fare * c.minutes_per_yuan;
                net.zone(net.zone_id("tongzhou").unwrap()).car_share
                    / (1.0 + (c.scale_per_min * (g_car - g_pt)).exp())
            })
            .sum::<f64>()
            / pair.len() as f64;
        assert!((split.car / 1000.0 - expected).abs() < 1e-12);
        assert!(split.mean_min.is_finite() && (0.0..=1.0).contains(&split.within_60));
    }
}
