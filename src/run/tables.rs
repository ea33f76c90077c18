//! The rows of a run's tables, computed from the network and the skims (deterministic) or the
//! simulation (Monte-Carlo). Pure and collected in zone order (pairs in parallel on the current
//! rayon pool), so identical inputs give identical rows at any thread count.

use super::schema::{
    ACCESS_THRESHOLDS_MIN, Distribution, DistributionRow, DrawRow, Fixed, LineRow, OdMode, OdRow,
    SkimOdRow, SkimZoneRow, ZoneRow,
};
use crate::network::{Network, Zone};
use crate::routing::{OdResult, Skims, TravelMode};
use crate::scenario::Crowding;
use crate::sim::choice::{ALTERNATIVES, Alternative};
use crate::sim::crowding::{HOURS, SegmentLoads, multiplier};
use crate::sim::demand::Split;
use crate::sim::intrazonal::OwnZone;
use crate::sim::montecarlo::{NO_ROUTE, Simulation};
use crate::stats::{Spread, weighted_percentile};
use crate::time::{Seconds, format_clock, to_minutes};
use rayon::prelude::*;

/// `od.csv` of a deterministic run: one row per ordered zone pair (origin != destination) and
/// mode (`car`, `transit`, `best`).
pub fn skim_od_rows(net: &Network, skims: &Skims) -> Vec<SkimOdRow> {
    let zones = net.zones();
    let row =
        |o: usize, d: usize, mode, chosen: Option<TravelMode>, r: Option<&OdResult>| SkimOdRow {
            origin: zones[o].id.clone(),
            destination: zones[d].id.clone(),
            mode,
            chosen_mode: chosen.map(OdMode::of_travel),
            minutes: r.map(|r| Fixed::new(to_minutes(r.time_s))),
            distance_km: r.map(|r| Fixed::new(r.distance_km)),
            transfers: r.map(|r| r.transfers),
            cost_yuan: r.map(|r| Fixed::new(r.cost_yuan)),
            path: r.map_or_else(|| "unreachable".to_owned(), |r| r.path.clone()),
        };
    let mut rows = Vec::with_capacity(3 * zones.len() * zones.len());
    for o in 0..zones.len() {
        for d in (0..zones.len()).filter(|&d| d != o) {
            let car = skims.get(TravelMode::Car, o, d);
            let transit = skims.get(TravelMode::Transit, o, d);
            let best = skims.best(o, d);
            rows.push(row(o, d, OdMode::Car, car.map(|_| TravelMode::Car), car));
            rows.push(row(
                o,
                d,
                OdMode::Transit,
                transit.map(|_| TravelMode::Transit),
                transit,
            ));
            rows.push(row(
                o,
                d,
                OdMode::Best,
                best.map(|b| b.0),
                best.map(|b| b.1),
            ));
        }
    }
    rows
}

/// `zones.csv` of a deterministic run: per zone, residents and jobs of all zones (itself
/// included) reachable within each threshold of [`ACCESS_THRESHOLDS_MIN`] by the best mode.
pub fn skim_zone_rows(net: &Network, skims: &Skims) -> Vec<SkimZoneRow> {
    let zones = net.zones();
    (0..zones.len())
        .map(|o| {
            let within = |pick: fn(&Zone) -> u64| {
                ACCESS_THRESHOLDS_MIN.map(|t| {
                    (0..zones.len())
                        .filter(|&d| skims.best_time_s(o, d).is_some_and(|s| s <= t * 60))
                        .map(|d| pick(&zones[d]))
                        .fold(0, u64::saturating_add)
                })
            };
            let [j30, j45, j60, j90, j120] = within(|z| z.jobs);
            let [r30, r45, r60, r90, r120] = within(|z| z.residents);
            SkimZoneRow {
                zone: zones[o].id.clone(),
                name: zones[o].name.clone(),
                residents: zones[o].residents,
                jobs: zones[o].jobs,
                jobs_within_30min: j30,
                jobs_within_45min: j45,
                jobs_within_60min: j60,
                jobs_within_90min: j90,
                jobs_within_120min: j120,
                residents_within_30min: r30,
                residents_within_45min: r45,
                residents_within_60min: r60,
                residents_within_90min: r90,
                residents_within_120min: r120,
            }
        })
        .collect()
}

/// The percentiles of od.csv, `p5_min` to `p95_min`.
const PERCENTILES: [f64; 5] = [5.0, 25.0, 50.0, 75.0, 95.0];

/// The weighted distribution of a pair's door-to-door samples, minutes, a missing route counting
/// as infinitely long.
fn pair_spread(sim: &Simulation, samples: &[Seconds]) -> Spread {
    Spread::new(samples.iter().enumerate().map(|(i, &t)| {
        let minutes = if t == NO_ROUTE {
            f64::INFINITY
        } else {
            to_minutes(t)
        };
        (minutes, sim.sample_weight(i))
    }))
}

/// The weighted nearest-rank `p`-th percentile of the samples, seconds ([`NO_ROUTE`] when it
/// falls on a missing route).
fn quantile_s(sim: &Simulation, samples: &[Seconds], p: f64) -> Seconds {
    let mut weighted: Vec<(Seconds, f64)> = samples
        .iter()
        .enumerate()
        .map(|(i, &t)| (t, sim.sample_weight(i)))
        .collect();
    weighted.sort_unstable_by_key(|s| s.0);
    weighted_percentile(&weighted, p).unwrap_or(NO_ROUTE)
}

/// The times of a zone pair that accessibility and the policy metrics use, seconds
/// ([`NO_ROUTE`] when none): the fastest alternative at p50 and p80, and public transport at
/// p50 (weighted nearest-rank over the samples; 0 for a zone to itself).
pub type PairTimes = [Seconds; 3];

/// [`PairTimes`] of every pair `o * zones + d`, computed once for all outputs.
pub fn pair_times(sim: &Simulation) -> Vec<PairTimes> {
    let n = sim.zones;
    (0..n * n)
        .into_par_iter()
        .map(|k| {
            if k / n == k % n {
                return [0; 3];
            }
            let best = sim.samples(None, k);
            let transit = sim.public_transport_samples(k);
            [
                quantile_s(sim, &best, 50.0),
                quantile_s(sim, &best, 80.0),
                quantile_s(sim, &transit, 50.0),
            ]
        })
        .collect()
}

/// `od.csv` of a Monte-Carlo run: per ordered zone pair, `car`, `transit`, `custom_bus` where
/// one served the pair, `walk`, `cycle`, `taxi`, and `best`.
pub fn od_rows(net: &Network, sim: &Simulation, splits: &[Split]) -> Vec<OdRow> {
    let zones = net.zones();
    let n = zones.len();
    (0..n * n)
        .into_par_iter()
        .filter(|k| k / n != k % n)
        .flat_map_iter(|k| {
            let (o, d) = (k / n, k % n);
            let alternatives: Vec<Option<Alternative>> = Alternative::ALL
                .into_iter()
                .filter(|&a| a != Alternative::CustomBus || !sim.custom_bus[k].is_empty())
                .map(Some)
                .chain([None])
                .collect();
            alternatives.into_iter().map(move |alternative| {
                let spread = pair_spread(sim, &sim.samples(alternative, k));
                let split = splits[k];
                let commuters = alternative.map_or(split.served(), |a| split.of_alternative(a));
                let share = if split.commuters > 0.0 {
                    commuters / split.commuters
                } else {
                    0.0
                };
                let [p5, p25, p50, p75, p95] =
                    PERCENTILES.map(|p| spread.percentile(p).map(Fixed::new));
                OdRow {
                    origin: zones[o].id.clone(),
                    destination: zones[d].id.clone(),
                    mode: OdMode::of(alternative),
                    commuters: Fixed::new(commuters),
                    mode_share: Fixed::new(share),
                    samples: spread.samples(),
                    reachable_share: Fixed::new(spread.reachable_share()),
                    mean_min: spread.mean().map(Fixed::new),
                    p5_min: p5,
                    p25_min: p25,
                    p50_min: p50,
                    p75_min: p75,
                    p95_min: p95,
                    share_over_60: Fixed::new(spread.share_over(60.0)),
                    share_over_120: Fixed::new(spread.share_over(120.0)),
                }
            })
        })
        .collect()
}

/// `zones.csv` of a Monte-Carlo run, from the pairs' `times`, `splits` and route km together
/// (`pair_km`, [`Split::total_km`]), the commuters within their own zone `own`, and the zones'
/// continuous accessibility per draw (`access`, from [`zone_access_per_draw`]).
pub fn zone_rows(
    net: &Network,
    times: &[PairTimes],
    splits: &[Split],
    pair_km: &[f64],
    own: OwnZones<'_>,
    access: &[Vec<[f64; 2]>],
) -> Vec<ZoneRow> {
    let zones = net.zones();
    let n = zones.len();
    (0..n)
        .map(|o| {
            let row_splits = &splits[o * n..(o + 1) * n];
            let commuters: f64 = row_splits.iter().map(|s| s.commuters).sum();
            let by: [f64; ALTERNATIVES] =
                std::array::from_fn(|a| row_splits.iter().map(|s| s.by[a]).sum::<f64>());
            let served: f64 = by.iter().sum();
            let minutes: f64 = row_splits
                .iter()
                .filter(|s| s.served() > 0.0)
                .map(|s| s.mean_min * s.served())
                .sum();
            let km: f64 = pair_km[o * n..(o + 1) * n].iter().sum();
            let share = |x: f64| (commuters > 0.0).then(|| Fixed::new(x / commuters));
            let [
                car_share,
                transit_share,
                custom_bus_share,
                walk_share,
                cycle_share,
                taxi_share,
            ] = by.map(share);
            // Jobs within each threshold at p50 (`q` 0) or p80 (1) of the fastest alternative.
            let jobs = |q: usize| {
                ACCESS_THRESHOLDS_MIN.map(|t| {
                    (0..n)
                        .filter(|&d| times[o * n + d][q] <= t * 60)
                        .map(|d| zones[d].jobs)
                        .fold(0, u64::saturating_add)
                })
            };
            let [m30, m45, m60, m90, m120] = jobs(0);
            let [e30, e45, e60, e90, e120] = jobs(1);
            let [access_best, access_pt] = std::array::from_fn(|m| {
                let draws = access[o].len().max(1) as f64;
                Fixed::new(access[o].iter().map(|a| a[m]).sum::<f64>() / draws)
            });
            ZoneRow {
                zone: zones[o].id.clone(),
                name: zones[o].name.clone(),
                province: zones[o].province.clone(),
                residents: zones[o].residents,
                jobs: zones[o].jobs,
                commuters: Fixed::new(commuters),
                mean_commute_min: (served > 0.0).then(|| Fixed::new(minutes / served)),
                mean_commute_km: (served > 0.0).then(|| Fixed::new(km / served)),
                car_share,
                transit_share,
                custom_bus_share,
                walk_share,
                cycle_share,
                taxi_share,
                unserved_share: share((commuters - served).max(0.0)),
                own_zone_commuters: Fixed::new(own.commuters[o]),
                own_zone_min: Fixed::new(own.commutes[o].mean_min),
                own_zone_km: own.commutes[o].mean_km.map(Fixed::new),
                own_zone_walk_share: own.commutes[o].shares.map(|s| Fixed::new(s[0])),
                own_zone_cycle_share: own.commutes[o].shares.map(|s| Fixed::new(s[1])),
                access_jobs: access_best,
                access_jobs_pt: access_pt,
                jobs_within_30min_p50: m30,
                jobs_within_45min_p50: m45,
                jobs_within_60min_p50: m60,
                jobs_within_90min_p50: m90,
                jobs_within_120min_p50: m120,
                jobs_within_30min_p80: e30,
                jobs_within_45min_p80: e45,
                jobs_within_60min_p80: e60,
                jobs_within_90min_p80: e90,
                jobs_within_120min_p80: e120,
            }
        })
        .collect()
}

/// `lines.csv` of a Monte-Carlo run: one row per line, per morning.
pub fn line_rows(net: &Network, sim: &Simulation, crowding: &Crowding) -> Vec<LineRow> {
    let draws = f64::from(sim.draws.max(1));
    let busiest = busiest_segments(net, &sim.segment_loads);
    net.lines()
        .iter()
        .zip(&sim.lines)
        .zip(busiest)
        .map(|((line, load), busiest)| {
            let peak = load.peak_load / draws;
            let seats = f64::from(line.seats.max(1));
            let capacity = net.crush_capacity(line);
            let node = |v: u32| net.nodes()[v as usize].id.clone();
            let at = |f: &dyn Fn(&Busiest) -> f64| busiest.as_ref().map(f);
            LineRow {
                line: line.id.clone(),
                name: line.name.clone(),
                mode: line.mode,
                boardings: Fixed::new(load.boardings / draws),
                passenger_km: Fixed::new(load.passenger_km / draws),
                seats: line.seats,
                vehicle_capacity: capacity,
                peak_load: Fixed::new(peak),
                max_peak_load: Fixed::new(load.max_peak_load),
                load_factor: Fixed::new(peak / f64::from(capacity.max(1))),
                busiest_from: busiest.as_ref().map_or_else(String::new, |b| node(b.from)),
                busiest_to: busiest.as_ref().map_or_else(String::new, |b| node(b.to)),
                busiest_hour: busiest
                    .as_ref()
                    .map_or_else(String::new, |b| format_clock(b.hour as Seconds * 3600)),
                busiest_vehicles: at(&|b| b.vehicles / draws).map(Fixed::new),
                busiest_capacity: at(&|b| b.vehicles / draws)
                    .map(|v| Fixed::new(v * f64::from(capacity))),
                busiest_load: at(&|b| b.load).map(Fixed::new),
                busiest_load_factor: at(&|b| b.load).map(|l| Fixed::new(l / seats)),
                crowding_multiplier: at(&|b| b.load)
                    .filter(|_| crowding.enabled)
                    .map(|l| Fixed::new(multiplier(&crowding.curve, l / seats))),
                denied_boardings: Fixed::new(load.denied / draws),
            }
        })
        .collect()
}

/// A line's busiest segment and hour.
struct Busiest {
    /// Its stops (node indices).
    from: u32,
    to: u32,
    /// Hour of the day.
    hour: usize,
    /// Vehicles there, summed over the draws.
    vehicles: f64,
    /// Mean load per vehicle.
    load: f64,
}

/// Per line (network order), the segment and hour of its patterns with the highest mean load
/// per vehicle (the first of equals; `None` when nobody rode it).
fn busiest_segments(net: &Network, loads: &SegmentLoads) -> Vec<Option<Busiest>> {
    let mut busiest: Vec<Option<Busiest>> = (0..net.lines().len()).map(|_| None).collect();
    for p in &loads.patterns {
        let best = &mut busiest[p.line.index()];
        for s in 0..p.segments() {
            for hour in 0..HOURS {
                let bin = s * HOURS + hour;
                let (passengers, vehicles) = (p.passengers[bin], p.vehicles[bin]);
                if vehicles <= 0.0 || passengers <= 0.0 {
                    continue;
                }
                let load = passengers / vehicles;
                if best.as_ref().is_none_or(|b| load > b.load) {
                    *best = Some(Busiest {
                        from: p.stops[s],
                        to: p.stops[s + 1],
                        hour,
                        vehicles,
                        load,
                    });
                }
            }
        }
    }
    busiest
}

/// The commuters working in their own zone, per zone (in the network's zone order).
#[derive(Debug, Clone, Copy)]
pub struct OwnZones<'a> {
    /// Their number.
    pub commuters: &'a [f64],
    /// Their commute.
    pub commutes: &'a [OwnZone],
}

/// How continuous accessibility discounts time (docs/model.md, "Continuous accessibility").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AccessDecay {
    /// Decay per door-to-door minute: the scenario's destination-choice deterrence
    /// (`[demand] beta_per_min`).
    pub per_min: f64,
    /// Minutes to a zone's own jobs (`[demand] intrazonal_min`).
    pub own_zone_min: f64,
}

impl AccessDecay {
    /// The weight of a job `minutes` away, `exp(-per_min x minutes)`.
    pub fn weight(self, minutes: f64) -> f64 {
        (-self.per_min * minutes).exp()
    }
}

/// Per zone (in the order of `zones`, id and jobs) and draw (`draws` of them), its continuous
/// accessibility by the fastest alternative and by public transport, jobs-equivalent: its own
/// jobs at `decay.own_zone_min` plus the `access_jobs` and `access_jobs_pt` of the draw rows
/// leaving it, summed in the rows' order (rows of other zones or draws are left out).
pub fn zone_access_per_draw(
    zones: &[(&str, u64)],
    draws: usize,
    rows: &[DrawRow],
    decay: AccessDecay,
) -> Vec<Vec<[f64; 2]>> {
    let index: std::collections::HashMap<&str, usize> =
        zones.iter().enumerate().map(|(i, z)| (z.0, i)).collect();
    let mut access: Vec<Vec<[f64; 2]>> = zones
        .iter()
        .map(|&(_, jobs)| vec![[jobs as f64 * decay.weight(decay.own_zone_min); 2]; draws])
        .collect();
    for r in rows {
        if let Some(&o) = index.get(r.origin.as_str())
            && (r.draw as usize) < draws
        {
            let cell = &mut access[o][r.draw as usize];
            cell[0] += r.access_jobs.get();
            cell[1] += r.access_jobs_pt.get();
        }
    }
    access
}

/// Per draw, the residents-weighted mean over zones of their accessibility `access` (from
/// [`zone_access_per_draw`], `residents` in the same zone order), jobs-equivalent.
pub fn region_access_per_draw(residents: &[u64], access: &[Vec<[f64; 2]>]) -> Vec<[f64; 2]> {
    let draws = access.first().map_or(0, Vec::len);
    let total = residents.iter().sum::<u64>().max(1) as f64;
    (0..draws)
        .map(|d| {
            std::array::from_fn(|m| {
                residents
                    .iter()
                    .zip(access)
                    .map(|(&r, a)| r as f64 * a[d][m])
                    .sum::<f64>()
                    / total
            })
        })
        .collect()
}

/// `draws.csv` of a Monte-Carlo run: per zone pair (origin != destination) and draw, with the
/// pair's part of its origin's continuous accessibility under `decay`.
pub fn draw_rows(net: &Network, sim: &Simulation, decay: AccessDecay) -> Vec<DrawRow> {
    let zones = net.zones();
    let n = zones.len();
    let minutes = sim.minutes as usize;
    (0..n * n)
        .into_par_iter()
        .filter(|&k| k / n != k % n)
        .flat_map_iter(|k| {
            let samples = OdMode::ALL.map(|mode| sim.samples(mode.alternative(), k));
            sim.pair_draws[k]
                .iter()
                .enumerate()
                .map(|(draw, d)| {
                    let served = d.served();
                    // Each alternative's mean minutes that morning, over departures with a route.
                    let [
                        car_min,
                        transit_min,
                        custom_bus_min,
                        walk_min,
                        cycle_min,
                        taxi_min,
                        best_min,
                    ] = std::array::from_fn(|mode| {
                        let morning = &samples[mode][draw * minutes..(draw + 1) * minutes];
                        let (mut sum, mut weight) = (0.0, 0.0);
                        for (m, &t) in morning.iter().enumerate() {
                            if t != NO_ROUTE {
                                sum += sim.weights[m] * to_minutes(t);
                                weight += sim.weights[m];
                            }
                        }
                        (weight > 0.0).then(|| Fixed::new(sum / weight))
                    });
                    let [car, transit, custom_bus, walk, cycle, taxi] = d.by.map(Fixed::new);
                    // The destination's jobs weighted by the decay of the fastest alternative,
                    // and of public transport, averaged over the morning's departures.
                    let morning =
                        |mode: OdMode| &samples[mode.index()][draw * minutes..][..minutes];
                    let jobs = zones[k % n].jobs as f64;
                    let access = |times: &mut dyn Iterator<Item = Seconds>| {
                        let weighted: f64 = times
                            .zip(&sim.weights)
                            .filter(|(t, _)| *t != NO_ROUTE)
                            .map(|(t, w)| w * decay.weight(to_minutes(t)))
                            .sum();
                        Fixed::new(jobs * weighted)
                    };
                    let access_best = access(&mut morning(OdMode::Best).iter().copied());
                    let access_pt = access(
                        &mut morning(OdMode::Transit)
                            .iter()
                            .zip(morning(OdMode::CustomBus))
                            .map(|(&t, &c)| t.min(c)),
                    );
                    DrawRow {
                        origin: zones[k / n].id.clone(),
                        destination: zones[k % n].id.clone(),
                        draw: draw as u32,
                        car,
                        transit,
                        custom_bus,
                        walk,
                        cycle,
                        taxi,
                        mean_min: (served > 0.0).then(|| Fixed::new(d.minutes / served)),
                        car_min,
                        transit_min,
                        custom_bus_min,
                        walk_min,
                        cycle_min,
                        taxi_min,
                        best_min,
                        choosing: Fixed::new(d.choosing),
                        composite_min: (d.choosing > 0.0)
                            .then(|| Fixed::new(d.composite_min / d.choosing)),
                        access_jobs: access_best,
                        access_jobs_pt: access_pt,
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `distribution.csv` of a Monte-Carlo run: commuters per morning by minute, in all and by
/// origin zone.
pub fn distribution(net: &Network, sim: &Simulation) -> Distribution {
    let draws = f64::from(sim.draws.max(1));
    let bins = crate::sim::montecarlo::HISTOGRAM_BINS;
    let rows = (0..bins)
        .map(|m| {
            let all: f64 = sim.histograms.iter().map(|h| h[m]).sum();
            DistributionRow {
                minute: if m + 1 == bins {
                    format!("{m}+")
                } else {
                    m.to_string()
                },
                all: Fixed::new(all / draws),
                by_zone: sim
                    .histograms
                    .iter()
                    .map(|h| Fixed::new(h[m] / draws))
                    .collect(),
            }
        })
        .collect();
    Distribution {
        zones: net.zones().iter().map(|z| z.id.clone()).collect(),
        rows,
    }
}
