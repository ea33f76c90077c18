//! Per zone: its commuters, the change of their mean commute and of the same trips' time (from
//! the per-draw rows), the median and 95th percentile of its minute histogram, mode shares,
//! continuous accessibility (paired over the draws) and jobs within 60 minutes, before and after. A zone only one run has (a scenario may add one)
//! is listed with what that run says.

use super::Sides;
use super::od::{mean_of, same_trips_change, totals};
use crate::run::schema::SHARES;
use crate::run::{DrawRow, ZoneRow};
use crate::stats::{Delta, histogram_percentile};
use serde::Serialize;
use std::collections::HashMap;

/// The change of one zone.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneChange {
    /// Zone id.
    pub zone: String,
    /// Name.
    pub name: String,
    /// Residents (after).
    pub residents: f64,
    /// Whether the zone is in the before and in the after run (a scenario may add one).
    pub present: [bool; 2],
    /// Commuters to other zones, before and after.
    pub commuters: [f64; 2],
    /// Mean commute of its commuters, minutes (their destinations may change).
    pub mean_commute: Option<Delta>,
    /// Change of travel time for the same trips: its pairs' chosen-mode mean minutes, weighted
    /// by their commuters averaged over both runs.
    pub time_change: Option<Delta>,
    /// Median commute before and after, whole minutes (see [`histogram_percentile`]).
    pub p50_min: [Option<f64>; 2],
    /// 95th percentile before and after, whole minutes.
    pub p95_min: [Option<f64>; 2],
    /// Car, transit, custom-bus and unserved shares, before and after.
    pub shares: [[f64; SHARES]; 2],
    /// Continuous accessibility (`zones.csv` `access_jobs`), jobs-equivalent: the change with
    /// its interval over the draws; `None` when a run has none or lacks the zone.
    pub access_jobs: Option<Delta>,
    /// The same by public transport.
    pub access_jobs_pt: Option<Delta>,
    /// Jobs within 60 minutes at the median, before and after (a threshold count).
    pub jobs_within_60min_p50: [f64; 2],
}

/// The zones of the after run in its order, then those only the before run has.
pub(super) fn zone_changes(sides: &Sides<'_, '_>) -> Vec<ZoneChange> {
    let (tables_b, tables_a) = (sides.before.run.tables, sides.after.run.tables);
    let zones_b: HashMap<&str, &ZoneRow> = tables_b
        .zones
        .iter()
        .map(|z| (z.zone.as_str(), z))
        .collect();
    let mut zone_ids: Vec<&str> = tables_a.zones.iter().map(|z| z.zone.as_str()).collect();
    zone_ids.extend(
        tables_b
            .zones
            .iter()
            .map(|z| z.zone.as_str())
            .filter(|id| !tables_a.zones.iter().any(|z| z.zone == *id)),
    );
    let zones_a: HashMap<&str, &ZoneRow> = tables_a
        .zones
        .iter()
        .map(|z| (z.zone.as_str(), z))
        .collect();
    zone_ids
        .iter()
        .map(|&id| {
            let (b, a) = (zones_b.get(id), zones_a.get(id));
            let any = a.or(b).expect("a zone of one run");
            let from = |r: &DrawRow| r.origin == id;
            let (zone_b, zone_a) = (
                tables_b.distribution.of_zone(id),
                tables_a.distribution.of_zone(id),
            );
            ZoneChange {
                zone: id.to_owned(),
                name: any.name.clone(),
                residents: any.residents as f64,
                present: [b.is_some(), a.is_some()],
                commuters: [
                    b.map_or(0.0, |z| z.commuters.get()),
                    a.map_or(0.0, |z| z.commuters.get()),
                ],
                mean_commute: sides.change(
                    &mean_of(&totals(sides.before, &from)),
                    &mean_of(&totals(sides.after, &from)),
                ),
                time_change: same_trips_change(sides, &|o| o == id),
                p50_min: [&zone_b, &zone_a]
                    .map(|h| h.as_ref().and_then(|h| histogram_percentile(h, 50.0))),
                p95_min: [&zone_b, &zone_a]
                    .map(|h| h.as_ref().and_then(|h| histogram_percentile(h, 95.0))),
                shares: [
                    b.map_or([0.0; SHARES], |z| z.shares()),
                    a.map_or([0.0; SHARES], |z| z.shares()),
                ],
                access_jobs: sides.access_change(|s| s.zone(id, 0)),
                access_jobs_pt: sides.access_change(|s| s.zone(id, 1)),
                jobs_within_60min_p50: [
                    b.map_or(0.0, |z| z.jobs_within_60min_p50 as f64),
                    a.map_or(0.0, |z| z.jobs_within_60min_p50 as f64),
                ],
            }
        })
        .collect()
}
