//! `scale-demand`: a factor on the commuter flows between some zones, checked alone and together
//! with the earlier scalings (the demand model applies them all).

use super::Edit;
use super::check::Check;
use crate::bounds;
use crate::network::{Network, ZoneId};
use crate::scenario::DemandScale;

/// `scale-demand`. The scaling joins `scales` (the earlier ones), which the demand model will
/// apply in order.
pub(super) fn scale_demand(
    c: &mut Check<'_>,
    net: &Network,
    scales: &mut Vec<DemandScale>,
    factor: f64,
    origins: &[String],
    destinations: &[String],
) -> Option<Edit> {
    let factor = c.bounded("factor", &bounds::DEMAND_FACTOR, factor);
    let origins: Vec<ZoneId> = origins
        .iter()
        .filter_map(|z| c.zone(net, "origins", z))
        .collect();
    let destinations: Vec<ZoneId> = destinations
        .iter()
        .filter_map(|z| c.zone(net, "destinations", z))
        .collect();
    let scale = DemandScale {
        factor,
        origins,
        destinations,
    };
    let mut all = scales.clone();
    all.push(scale.clone());
    let combined = largest_combined_factor(&all);
    if bounds::DEMAND_FACTOR.contains(factor)
        && let Err(m) = bounds::DEMAND_FACTOR.check(combined)
    {
        c.fail(
            "factor",
            format!(
                "with the earlier scale-demand modifications, some zone pairs \
                 would be scaled by {combined}: {m}"
            ),
        );
    }
    scales.push(scale);
    Some(Box::new(move |_| format!("x{factor}")))
}

/// The largest factor that `scales` together put on any zone pair: each scale applies to the
/// pairs from its origins (all when empty) to its destinations (all when empty). Zones named by
/// no scale fare alike, so they are tried as one.
fn largest_combined_factor(scales: &[DemandScale]) -> f64 {
    let mut origins: Vec<Option<ZoneId>> = vec![None];
    let mut destinations: Vec<Option<ZoneId>> = vec![None];
    for s in scales {
        origins.extend(s.origins.iter().copied().map(Some));
        destinations.extend(s.destinations.iter().copied().map(Some));
    }
    origins.sort();
    origins.dedup();
    destinations.sort();
    destinations.dedup();
    let applies = |zones: &[ZoneId], zone: Option<ZoneId>| {
        zones.is_empty() || zone.is_some_and(|z| zones.contains(&z))
    };
    let mut largest: f64 = 0.0;
    for &o in &origins {
        for &d in &destinations {
            let factor: f64 = scales
                .iter()
                .filter(|s| applies(&s.origins, o) && applies(&s.destinations, d))
                .map(|s| s.factor)
                .product();
            largest = largest.max(factor);
        }
    }
    largest
}
