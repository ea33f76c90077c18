//! The commuters of a run under either demand horizon ([`Horizon`]): the scenario's own
//! (variable destination), or a base scenario's held pair by pair (fixed demand).
//! `commute compare` holds the before scenario's demand unless told otherwise.

use crate::routing::Skims;
pub use crate::scenario::Horizon;
use crate::scenario::{DemandScale, Scenario};
use crate::sim::demand::{DestinationChoice, Flows, commuter_flows, scale};
use std::collections::HashMap;

/// The commuters of a base scenario, to hold in another (the fixed-demand horizon).
#[derive(Debug, Clone, PartialEq)]
pub struct HeldDemand {
    /// The base scenario's name.
    pub from: String,
    /// Commuters and their share from households with a car, per (origin zone id,
    /// destination zone id), the base's scalings applied.
    flows: HashMap<(String, String), (f64, f64)>,
    /// The base's demand scalings, in order.
    scales: Vec<DemandScale>,
}

/// The destination choice of `scenario` on `skims` (variable destination), or `None` when it
/// reads its commuters from a table.
pub(super) fn destination_choice<'a>(
    scenario: &'a Scenario,
    skims: &Skims,
) -> Option<DestinationChoice<'a>> {
    scenario.commuter_table.is_none().then(|| {
        DestinationChoice::new(
            &scenario.network,
            skims,
            scenario.demand,
            scenario.choice,
            &scenario.demand_scales,
        )
        .with_car_restrictions(&scenario.car_restrictions)
    })
}

/// The commuters `scenario` places itself on its network with skims `skims` before the
/// supply-demand loop: its demand model on the skims, or its table; its scalings applied.
pub(super) fn own_flows(scenario: &Scenario, skims: &Skims) -> Flows {
    match destination_choice(scenario, skims) {
        Some(choice) => choice.on_skims(),
        None => commuter_flows(
            &scenario.network,
            skims,
            scenario.demand,
            scenario.choice,
            scenario.commuter_table.as_deref(),
            &scenario.demand_scales,
        ),
    }
}

/// Whether `scenario` can hold the commuters of `base` (before they are simulated).
pub fn check_hold(base: &Scenario, scenario: &Scenario) -> Result<(), CannotHold> {
    own_scales(&base.name, &base.demand_scales, scenario).map(|_| ())
}

/// The demand scalings of `scenario` after those of the base `from` (`base_scales`), which it
/// must start from to hold the base's commuters.
fn own_scales<'a>(
    from: &str,
    base_scales: &[DemandScale],
    scenario: &'a Scenario,
) -> Result<&'a [DemandScale], CannotHold> {
    scenario
        .demand_scales
        .strip_prefix(base_scales)
        .ok_or_else(|| {
            CannotHold(format!(
                "{} does not scale demand as {from} does (it does not extend it); compare them with variable destinations",
                scenario.name
            ))
        })
}

/// Why a scenario cannot hold a base's demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannotHold(pub String);

impl HeldDemand {
    /// The commuters `flows` a run of `base` placed on its network ([`super::RunOutput`]'s
    /// `commuters`, or [`super::own_demand`]).
    pub fn of(base: &Scenario, flows: &Flows) -> Self {
        let zones = base.network.zones();
        let n = zones.len();
        let flows = (0..n * n)
            .map(|k| {
                let key = (zones[k / n].id.clone(), zones[k % n].id.clone());
                (key, (flows.commuters[k], flows.car_share[k]))
            })
            .collect();
        HeldDemand {
            from: base.name.clone(),
            flows,
            scales: base.demand_scales.clone(),
        }
    }

    /// The held commuters on the zones of `scenario` (`o * zones + d`): pairs by zone id, zones
    /// the base does not have without commuters, and the scenario's own demand scalings (those
    /// after the base's) applied. Refused when the scenario does not start from the base's
    /// scalings.
    pub fn on(&self, scenario: &Scenario) -> Result<Flows, CannotHold> {
        let own = own_scales(&self.from, &self.scales, scenario)?;
        let zones = scenario.network.zones();
        let n = zones.len();
        let (mut commuters, car_share): (Vec<f64>, Vec<f64>) = (0..n * n)
            .map(|k| {
                let key = (zones[k / n].id.clone(), zones[k % n].id.clone());
                let origin_share = zones[k / n].car_share;
                self.flows.get(&key).copied().unwrap_or((0.0, origin_share))
            })
            .unzip();
        scale(&mut commuters, n, own);
        Ok(Flows {
            commuters,
            car_share,
        })
    }

    /// Zones of `scenario` the base does not have (they get no commuters when held).
    pub fn new_zones(&self, scenario: &Scenario) -> Vec<String> {
        scenario
            .network
            .zones()
            .iter()
            .filter(|z| !self.flows.contains_key(&(z.id.clone(), z.id.clone())))
            .map(|z| z.id.clone())
            .collect()
    }
}
