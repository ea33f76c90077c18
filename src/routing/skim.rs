//! Zone-to-zone skims: every origin zone searched in parallel, one workspace per worker.
//!
//! Origins are independent and results are collected in origin order, so the skims are the same
//! at any thread count. Runs on the current rayon pool; callers pick its size.

use super::{Engine, TravelMode, Trip};
use crate::time::Seconds;
use rayon::prelude::*;

/// The figures of one zone-to-zone itinerary.
#[derive(Debug, Clone, PartialEq)]
pub struct OdResult {
    /// Door-to-door time, seconds.
    pub time_s: Seconds,
    /// Distance, km.
    pub distance_km: f64,
    /// Money cost, yuan.
    pub cost_yuan: f64,
    /// Transfers between vehicles.
    pub transfers: u32,
    /// Lines (or named roads) used, joined with ` > `.
    pub path: String,
    /// Of `time_s`, checkpoint delays, seconds.
    pub checkpoint_s: Seconds,
}

impl From<&Trip> for OdResult {
    fn from(t: &Trip) -> Self {
        OdResult {
            time_s: t.time_s,
            distance_km: t.distance_km(),
            cost_yuan: t.cost_yuan(),
            transfers: t.transfers(),
            path: t.path_summary(),
            checkpoint_s: t.checkpoint_s,
        }
    }
}

/// All zone-to-zone results, origin-major: entry `o * zones + d`. `None`: unreachable. The
/// diagonal (a zone to itself) is `None`: intrazonal trips are not modelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Skims {
    /// Number of zones.
    pub zones: usize,
    /// Car results.
    pub car: Vec<Option<OdResult>>,
    /// Public-transport results.
    pub transit: Vec<Option<OdResult>>,
}

impl Skims {
    /// The result from zone `o` to zone `d` by `mode`.
    pub fn get(&self, mode: TravelMode, o: usize, d: usize) -> Option<&OdResult> {
        let table = match mode {
            TravelMode::Car => &self.car,
            TravelMode::Transit => &self.transit,
        };
        table[o * self.zones + d].as_ref()
    }

    /// The faster of car and public transport (public transport on a tie).
    pub fn best(&self, o: usize, d: usize) -> Option<(TravelMode, &OdResult)> {
        let car = self
            .get(TravelMode::Car, o, d)
            .map(|r| (TravelMode::Car, r));
        let transit = self
            .get(TravelMode::Transit, o, d)
            .map(|r| (TravelMode::Transit, r));
        match (car, transit) {
            (Some(c), Some(t)) => Some(if c.1.time_s < t.1.time_s { c } else { t }),
            (c, t) => t.or(c),
        }
    }

    /// Best-mode door-to-door time from `o` to `d`, seconds; 0 for `o == d`.
    pub fn best_time_s(&self, o: usize, d: usize) -> Option<Seconds> {
        if o == d {
            Some(0)
        } else {
            self.best(o, d).map(|(_, r)| r.time_s)
        }
    }

    /// Number of ordered zone pairs (o != d) with no route by any mode.
    pub fn unreachable_pairs(&self) -> usize {
        (0..self.zones)
            .flat_map(|o| (0..self.zones).map(move |d| (o, d)))
            .filter(|&(o, d)| o != d && self.best(o, d).is_none())
            .count()
    }
}

/// Computes car and public-transport results between all zones, origins in parallel.
pub fn skim_all(engine: &Engine<'_>) -> Skims {
    let net = engine.network();
    let zones = net.zones();
    type Row = Vec<Option<OdResult>>;
    let rows: Vec<(Row, Row)> = (0..zones.len())
        .into_par_iter()
        .map_init(
            || engine.workspace(),
            |ws, o| {
                let mut row = |mode| {
                    engine.search(mode, zones[o].centroid, ws);
                    zones
                        .iter()
                        .enumerate()
                        .map(|(d, z)| {
                            (d != o)
                                .then(|| engine.trip(mode, ws, z.centroid))
                                .flatten()
                                .map(|t| OdResult::from(&t))
                        })
                        .collect::<Vec<_>>()
                };
                (row(TravelMode::Car), row(TravelMode::Transit))
            },
        )
        .collect();
    let (car, transit): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    Skims {
        zones: zones.len(),
        car: car.into_iter().flatten().collect(),
        transit: transit.into_iter().flatten().collect(),
    }
}
