//! Commuter flows and their mode split.
//!
//! Flows come from a table of commuters when the scenario names one (`[demand] file`), or else
//! from destination choice: each zone sends `residents x commute_rate` commuters, split into
//! households with a car (the zone's `car_share`) and without, and each group chooses among the
//! zones' jobs on the *composite cost* of the modes it can use, the logsum of the mode choice in
//! generalised minutes: `G = -ln(sum_a exp(-scale x g_a)) / scale` over the available
//! alternatives `a` (the car only for households with one; none longer than
//! `max_commute_min`), `g_a` their generalised minutes on the deterministic skims. The groups'
//! flows are balanced together by a doubly constrained gravity model ([`super::gravity`]:
//! every group of every origin sends its commuters, every destination receives its share of
//! them) with a negative exponential deterrence `exp(-beta x G)`; a zone's own jobs cost what
//! its area makes a commute within it ([`super::intrazonal`]; commuters working in their own
//! zone are counted, not routed), and a job in another province `border_min` more. So households
//! without a car do not choose jobs only a car reaches, and a pair no mode serves within the longest commute gets
//! nobody. `scale-demand` modifications then multiply the flows they select.
//!
//! The choice between car, transit and custom bus is made in the simulation
//! ([`super::montecarlo`]), per pair with its own share of households with a car; [`Split`]
//! sums it up per zone pair.

use super::choice::{ALTERNATIVES, Alternative, ChoiceModel};
use super::gravity::doubly_constrained;
use super::intrazonal::OwnZone;
pub use super::montecarlo::Flows;
use super::montecarlo::Simulation;
use crate::network::{Network, Zone, ZoneId};
use crate::routing::{Skims, TravelMode};
use crate::scenario::{CarRestrictions, Choice, Demand, DemandScale};

/// The commuters of `net`: from `table` (origin, destination, commuters) when given, each pair
/// with its origin's share of households with a car, else by destination choice on `skims`
/// under `demand` and `choice`; then `scales` applied.
pub fn commuter_flows(
    net: &Network,
    skims: &Skims,
    demand: Demand,
    choice: Choice,
    table: Option<&[(ZoneId, ZoneId, f64)]>,
    scales: &[DemandScale],
) -> Flows {
    let Some(rows) = table else {
        return DestinationChoice::new(net, skims, demand, choice, scales).on_skims();
    };
    let zones = net.zones();
    let n = zones.len();
    let mut commuters = vec![0.0; n * n];
    for &(o, d, count) in rows {
        commuters[o.index() * n + d.index()] = count;
    }
    scale(&mut commuters, n, scales);
    let car_share = (0..n * n).map(|k| zones[k / n].car_share).collect();
    Flows {
        commuters,
        car_share,
    }
}

/// Destination choice of households with a car (origin rows `0..n` of its cost matrices) and
/// without (`n..2n`), balanced together, on the composite costs of the deterministic skims or
/// of a simulation (the long run's response to congestion and crowding).
pub struct DestinationChoice<'a> {
    net: &'a Network,
    demand: Demand,
    scales: &'a [DemandScale],
    /// Per group row and destination: the composite cost on the skims, generalised minutes.
    skim_costs: Vec<Option<f64>>,
    /// Per zone, the commute within it.
    own: Vec<OwnZone>,
    /// Per zone pair (`o * zones + d`), the share of mornings a household's car may be driven
    /// there ([`DestinationChoice::with_car_restrictions`]; empty: always).
    car_available: Vec<f64>,
}

impl<'a> DestinationChoice<'a> {
    /// The destination choice of `net` under `demand`, weighing the composite costs of `choice`
    /// on `skims`, its flows scaled by `scales`.
    pub fn new(
        net: &'a Network,
        skims: &Skims,
        demand: Demand,
        choice: Choice,
        scales: &'a [DemandScale],
    ) -> Self {
        let n = net.zones().len();
        let model = ChoiceModel::new(choice, demand.max_commute_min);
        let skim_costs = (0..2 * n * n)
            .map(|k| {
                let (row, d) = (k / n, k % n);
                let (with_car, o) = (row < n, row % n);
                let car = skims
                    .get(TravelMode::Car, o, d)
                    .filter(|_| with_car)
                    .and_then(|r| model.skim_car_min(r));
                let transit = skims
                    .get(TravelMode::Transit, o, d)
                    .and_then(|r| model.skim_transit_min(r));
                let taxi = skims
                    .get(TravelMode::Car, o, d)
                    .and_then(|r| model.skim_taxi_min(r));
                let [walk, cycle] = model.skim_street_min(net.zone_straight_km(o, d));
                model.composite_min(&[car, transit, walk, cycle, taxi])
            })
            .collect();
        DestinationChoice {
            net,
            demand,
            scales,
            skim_costs,
            own: OwnZone::of_all(net.zones(), &demand, &choice),
            car_available: Vec::new(),
        }
    }

    /// The same, households with a car able to drive it to each job only on the mornings
    /// `restrictions` allow: on the others they weigh the job as households without one do. A
    /// job's weight for them is the mix of the two, `a exp(-beta G_car) + (1 - a) exp(-beta
    /// G_carless)`, `a` the share of mornings the car may be driven there.
    pub fn with_car_restrictions(mut self, restrictions: &CarRestrictions) -> Self {
        self.car_available = restrictions.per_pair(self.net.zones());
        self
    }

    /// The flows on the deterministic skims.
    pub fn on_skims(&self) -> Flows {
        self.flows(|k| self.skim_costs[k])
    }

    /// The flows on the composite costs `sim` found ([`Simulation::group_composites`]): what
    /// each group could choose from in the simulated mornings, with their congestion and
    /// crowding.
    pub fn on_simulation(&self, sim: &Simulation) -> Flows {
        let n = self.net.zones().len();
        let simulated: Vec<[Option<f64>; 2]> =
            (0..n * n).map(|k| sim.group_composites(k)).collect();
        self.flows(|k| {
            let (row, d) = (k / n, k % n);
            simulated[(row % n) * n + d][usize::from(row >= n)]
        })
    }

    /// The flows, scaled, when the pair of group row `k / n` and destination `k % n` costs
    /// `cost(k)` generalised minutes (`None`: nothing to choose), plus `border_min` to a job in
    /// another province; a zone's own jobs cost what [`OwnZone`] says.
    fn flows(&self, cost: impl Fn(usize) -> Option<f64>) -> Flows {
        let zones = self.net.zones();
        let n = zones.len();
        let demand = self.demand;
        let origins: Vec<f64> = [true, false]
            .iter()
            .flat_map(|&with_car| {
                zones.iter().map(move |z| {
                    let share = if with_car {
                        z.car_share
                    } else {
                        1.0 - z.car_share
                    };
                    z.residents as f64 * demand.commute_rate * share
                })
            })
            .collect();
        let jobs: Vec<f64> = zones.iter().map(|z| z.jobs as f64).collect();
        let own = &self.own;
        // Households with a car (rows 0..n) weigh a restricted job by the mix of their cost and
        // the carless households' (rows n..2n).
        let beta = demand.beta_per_min;
        let restricted = |k: usize| -> Option<f64> {
            let available = self.car_available.get(k).copied().unwrap_or(1.0);
            if k >= n * n || available >= 1.0 {
                return cost(k);
            }
            let (with_car, without) = (cost(k), cost(k + n * n));
            if beta <= 0.0 {
                return if available > 0.0 { with_car } else { without };
            }
            let weight = |c: Option<f64>| c.map_or(0.0, |c| (-beta * c).exp());
            let mixed = available * weight(with_car) + (1.0 - available) * weight(without);
            (mixed > 0.0).then(|| -mixed.ln() / beta)
        };
        let cost: Vec<Option<f64>> = (0..2 * n * n)
            .map(|k| {
                let (o, d) = ((k / n) % n, k % n);
                if o == d {
                    Some(own[d].cost_min)
                } else if crosses_border(&zones[o], &zones[d]) {
                    restricted(k).map(|c| c + demand.border_min)
                } else {
                    restricted(k)
                }
            })
            .collect();
        let f = doubly_constrained(&origins, &jobs, &cost, demand.beta_per_min, 1e-9, 500).flows;
        let (mut commuters, car_share): (Vec<f64>, Vec<f64>) = (0..n * n)
            .map(|k| {
                let (o, d) = (k / n, k % n);
                let (with_car, without) = (f[o * n + d], f[(n + o) * n + d]);
                let total = with_car + without;
                let share = if total > 0.0 {
                    with_car / total
                } else {
                    zones[o].car_share
                };
                (total, share)
            })
            .unzip();
        scale(&mut commuters, n, self.scales);
        Flows {
            commuters,
            car_share,
        }
    }
}

/// Whether a commute from zone `o` to zone `d` crosses a provincial border: both have a
/// province, and they differ.
fn crosses_border(o: &Zone, d: &Zone) -> bool {
    !o.province.is_empty() && !d.province.is_empty() && o.province != d.province
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
    pub by: [f64; ALTERNATIVES],
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

    /// The route km of its served commuters together, this split being of origin zone `o` to
    /// destination zone `d` of `net`: by car and taxi the car skim's distance, by transit and
    /// custom bus the transit skim's (a pair a mode has no skim for adds nothing), walking and
    /// cycling the street distance ([`ChoiceModel::street_km`]).
    pub fn total_km(&self, net: &Network, skims: &Skims, o: usize, d: usize) -> f64 {
        let km = |mode| skims.get(mode, o, d).map_or(0.0, |r| r.distance_km);
        let by = |alternatives: &[Alternative]| {
            alternatives
                .iter()
                .map(|&a| self.of_alternative(a))
                .sum::<f64>()
        };
        let street = ChoiceModel::street_km(net.zone_straight_km(o, d));
        by(&[Alternative::Car, Alternative::Taxi]) * km(TravelMode::Car)
            + by(&[Alternative::Transit, Alternative::CustomBus]) * km(TravelMode::Transit)
            + by(&[Alternative::Walk, Alternative::Cycle]) * street
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
        let flows = commuter_flows(&s.network, &skims, s.demand, s.choice, None, &[]);
        for (o, zone) in s.network.zones().iter().enumerate() {
            let sent: f64 = flows.commuters[o * n..(o + 1) * n].iter().sum();
            let expected = zone.residents as f64 * s.demand.commute_rate;
            assert!(
                (sent - expected).abs() < 1e-3 * expected,
                "{}: {sent} vs {expected}",
                zone.id
            );
            assert!(flows.commuters[o * n + o] > 0.0, "intrazonal commuters");
            // Each group sends its own commuters: the car share over all destinations is the
            // zone's.
            let with_car: f64 = (0..n)
                .map(|d| flows.commuters[o * n + d] * flows.car_share[o * n + d])
                .sum();
            assert!(
                (with_car - expected * zone.car_share).abs() < 1e-3 * expected,
                "{}",
                zone.id
            );
        }
        let yanjiao = s.network.zone_id("yanjiao").unwrap();
        let scale = DemandScale {
            factor: 2.0,
            origins: vec![yanjiao],
            destinations: Vec::new(),
        };
        let scaled = commuter_flows(&s.network, &skims, s.demand, s.choice, None, &[scale]);
        for k in 0..n * n {
            let factor = if k / n == yanjiao.index() { 2.0 } else { 1.0 };
            assert!((scaled.commuters[k] - factor * flows.commuters[k]).abs() < 1e-9);
            assert_eq!(scaled.car_share[k], flows.car_share[k]);
        }
    }

    #[test]
    fn a_border_cost_keeps_commuters_in_their_province_and_an_area_sets_the_own_zone_cost() {
        let mut s = demo();
        let skims = skim_all(&Engine::new(&s.network, s.window));
        let n = skims.zones;
        for zone in &mut s.network.zones {
            zone.province = match zone.id.as_str() {
                "yanjiao" | "langfang" | "xiongan" | "guan" | "zhuozhou" => "Hebei",
                "tianjin" => "Tianjin",
                _ => "Beijing",
            }
            .to_owned();
        }
        // Commuters crossing a provincial border, and those working in their own zone.
        let flows = |s: &crate::scenario::Scenario, demand: Demand| {
            let f = commuter_flows(&s.network, &skims, demand, s.choice, None, &[]);
            let zones = s.network.zones();
            let crossing: f64 = (0..n * n)
                .filter(|k| zones[k / n].province != zones[k % n].province)
                .map(|k| f.commuters[k])
                .sum();
            let own: Vec<f64> = (0..n).map(|z| f.commuters[z * n + z]).collect();
            (crossing, own)
        };
        let (open, own_open) = flows(&s, s.demand);
        let bordered = Demand {
            border_min: 30.0,
            ..s.demand
        };
        let (closed, _) = flows(&s, bordered);
        let wider = Demand {
            border_min: 60.0,
            ..s.demand
        };
        let (closed_more, _) = flows(&s, wider);
        // Doubly constrained: Beijing's jobs still need filling, so the border moves some.
        assert!(closed < 0.95 * open, "{open} -> {closed}");
        assert!(closed_more < closed, "{closed} -> {closed_more}");
        // A zone as large as a city keeps fewer of its commuters than a flat 20 minutes would.
        let yanjiao = s.network.zone_id("yanjiao").unwrap().index();
        s.network.zones[yanjiao].area_km2 = Some(2_000.0);
        let (_, own_large) = flows(&s, s.demand);
        assert!(
            own_large[yanjiao] < own_open[yanjiao],
            "{} -> {}",
            own_open[yanjiao],
            own_large[yanjiao]
        );
    }

    #[test]
    fn households_whose_car_is_restricted_weigh_those_jobs_as_the_carless_do() {
        let mut s = demo();
        let skims = skim_all(&Engine::new(&s.network, s.window));
        let n = skims.zones;
        for zone in &mut s.network.zones {
            zone.province =
                if ["yanjiao", "langfang", "guan", "zhuozhou"].contains(&zone.id.as_str()) {
                    "Hebei"
                } else {
                    "Beijing"
                }
                .to_owned();
        }
        let choice = |restrictions: &CarRestrictions| {
            DestinationChoice::new(&s.network, &skims, s.demand, s.choice, &[])
                .with_car_restrictions(restrictions)
                .on_skims()
        };
        let free = choice(&CarRestrictions::default());
        let closed = choice(&CarRestrictions {
            province: "Beijing".into(),
            outside_car_share: 0.0,
            local_car_share: 1.0,
        });
        // Of Hebei's commuters to Beijing, fewer come from households with a car (353,602 ->
        // 343,561 on 2026-12-07: the car is a small part of their composite, beside transit
        // and the taxi).
        let zones = s.network.zones();
        let pairs = |from: &str, to: &str| {
            (0..n * n)
                .filter(|&k| k / n != k % n)
                .filter(|&k| zones[k / n].province == from && zones[k % n].province == to)
                .collect::<Vec<_>>()
        };
        let with_car = |f: &Flows, pairs: &[usize]| -> f64 {
            pairs.iter().map(|&k| f.commuters[k] * f.car_share[k]).sum()
        };
        let into_beijing = pairs("Hebei", "Beijing");
        assert!(
            with_car(&closed, &into_beijing) < 0.99 * with_car(&free, &into_beijing),
            "{} -> {}",
            with_car(&free, &into_beijing),
            with_car(&closed, &into_beijing)
        );
        // Every origin still sends its commuters.
        let total = |f: &Flows| f.commuters.iter().sum::<f64>();
        assert!((total(&closed) - total(&free)).abs() < 1e-6 * total(&free));
        // No restriction: the same flows as before restrictions existed.
        assert_eq!(
            free,
            commuter_flows(&s.network, &skims, s.demand, s.choice, None, &[])
        );
    }

    #[test]
    fn nobody_commutes_beyond_the_longest_commute_and_the_carless_where_only_cars_go() {
        let s = demo();
        let skims = skim_all(&Engine::new(&s.network, s.window));
        let n = skims.zones;
        let demand = Demand {
            max_commute_min: 45.0,
            ..s.demand
        };
        // Car and public transport only: a taxi goes where the car goes.
        let car_and_transit = Choice {
            modes: [true, true, true, false, false, false],
            ..s.choice
        };
        let flows = commuter_flows(&s.network, &skims, demand, car_and_transit, None, &[]);
        let minutes = |mode, k: usize| skims.get(mode, k / n, k % n).map(|r| r.time_s / 60);
        let mut checked = 0;
        for k in (0..n * n).filter(|k| k / n != k % n) {
            let car = minutes(TravelMode::Car, k).filter(|&m| m <= 45);
            let transit = minutes(TravelMode::Transit, k).filter(|&m| m <= 45);
            if car.is_none() && transit.is_none() {
                assert_eq!(flows.commuters[k], 0.0, "pair {k}: beyond reach");
                checked += 1;
            } else if transit.is_none() && flows.commuters[k] > 0.0 {
                // Only a car reaches it in time: only households with one go.
                assert!((flows.car_share[k] - 1.0).abs() < 1e-12, "pair {k}");
                checked += 1;
            }
            assert!((0.0..=1.0).contains(&flows.car_share[k]));
        }
        assert!(checked > 0, "the demo has pairs beyond 45 minutes");
        // With a taxi, households without a car go where only the roads reach in time too.
        let all = commuter_flows(&s.network, &skims, demand, s.choice, None, &[]);
        let by_taxi = (0..n * n).filter(|&k| {
            let car = minutes(TravelMode::Car, k).filter(|&m| m <= 40);
            let transit = minutes(TravelMode::Transit, k).filter(|&m| m <= 45);
            k / n != k % n && car.is_some() && transit.is_none() && all.commuters[k] > 0.0
        });
        let mut taxi_pairs = 0;
        for k in by_taxi {
            assert!(all.car_share[k] < 1.0 - 1e-9, "pair {k}");
            taxi_pairs += 1;
        }
        assert!(taxi_pairs > 0);
    }
}
