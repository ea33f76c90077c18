//! Continuous accessibility before and after: per zone and for the region, the jobs weighted by
//! a decay of travel time (`zones.csv` `access_jobs`, summary.json `accessibility`), rebuilt per
//! draw from each run's draws.csv so that the change is paired draw by draw like the region's
//! other estimates. Unlike the counts within a threshold it moves with every minute gained or
//! lost, so a closure that lengthens a trip from 85 to 95 minutes shows as a small loss, not as
//! every job of the destination gone.

use super::RunData;
use crate::run::{region_access_per_draw, zone_access_per_draw};
use std::collections::HashMap;

/// One run's continuous accessibility per draw.
pub(super) struct SideAccess<'a> {
    /// Zone index by id.
    ids: HashMap<&'a str, usize>,
    /// Per zone (zones.csv order) and draw, [fastest, public transport], jobs-equivalent.
    zones: Vec<Vec<[f64; 2]>>,
    /// Per draw, the region's residents-weighted mean.
    region: Vec<[f64; 2]>,
}

/// Which accessibility: by the fastest alternative (0) or by public transport (1).
pub(super) type AccessMode = usize;

impl<'a> SideAccess<'a> {
    /// The accessibility of `run`; `None` for a run without it (written before it existed).
    pub(super) fn of(run: &RunData<'a>) -> Option<Self> {
        let decay = run.run.summary.accessibility?.decay();
        let tables = run.run.tables;
        let zones: Vec<(&str, u64)> = tables
            .zones
            .iter()
            .map(|z| (z.zone.as_str(), z.jobs))
            .collect();
        let residents: Vec<u64> = tables.zones.iter().map(|z| z.residents).collect();
        let per_zone = zone_access_per_draw(
            &zones,
            run.run.settings.draws as usize,
            &tables.draws,
            decay,
        );
        Some(SideAccess {
            ids: zones.iter().enumerate().map(|(i, z)| (z.0, i)).collect(),
            region: region_access_per_draw(&residents, &per_zone),
            zones: per_zone,
        })
    }

    /// The region's per-draw values of `mode`.
    pub(super) fn region(&self, mode: AccessMode) -> Vec<Option<f64>> {
        self.region.iter().map(|r| Some(r[mode])).collect()
    }

    /// Zone `id`'s per-draw values of `mode` (none for a zone the run does not have).
    pub(super) fn zone(&self, id: &str, mode: AccessMode) -> Vec<Option<f64>> {
        self.ids.get(id).map_or_else(Vec::new, |&z| {
            self.zones[z].iter().map(|a| Some(a[mode])).collect()
        })
    }
}
