//! Monte-Carlo travel-time distributions between zones, in the manner of Conveyal R5 but seeded.
//!
//! Each draw gives every headway-based line a random phase (where in its headway cycle the
//! first vehicle runs; explicit departures stay put), then, for every origin zone, a range
//! RAPTOR search over each minute of the departure window gives the door-to-door public
//! transport time to every zone. A (draw, minute) pair is one sample. The phase of a line comes
//! from a stream keyed by the seed, the draw and the line's *id*, so a scenario that adds or
//! removes other lines leaves it unchanged: the same seed gives the same draws wherever a
//! modification did not reach (common random numbers). Each line also runs late by an
//! exponentially distributed delay per draw (mean by mode, from the scenario), drawn the same
//! way. Car times are the free-flow skims with their free-flow part and their checkpoint delays
//! each scaled by a lognormal day factor of the draw (mean 1), the same for every scenario.

use super::rng::{Purpose, stream};
use crate::network::{Network, ZoneId};
use crate::routing::{
    RaptorWorkspace, Skims, Timetable, TravelMode, earliest_arrivals_range, zone_arrival,
};
use crate::scenario::{Variability, Window};
use crate::time::Seconds;
use rand::Rng;
use rayon::prelude::*;

/// A sample with no route.
pub const NO_ROUTE: Seconds = Seconds::MAX;

/// Public-transport travel-time samples for every ordered zone pair.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitSamples {
    /// Number of zones.
    pub zones: usize,
    /// Draws made.
    pub draws: u32,
    /// Departure minutes per draw.
    pub minutes: u32,
    /// Door-to-door seconds per (draw, minute) sample, draw-major, for pair `o * zones + d`;
    /// [`NO_ROUTE`] when there was none. Empty on the diagonal.
    pub samples: Vec<Vec<Seconds>>,
    /// Per draw, the day factors on car free-flow times and on checkpoint delays.
    pub road: Vec<[f64; 2]>,
}

impl TransitSamples {
    /// The car time of `result` in sample `s` (its draw's road factors), seconds.
    pub fn car_time(&self, result: &crate::routing::OdResult, s: usize) -> Seconds {
        let [day, checkpoint] = self.road[s / self.minutes.max(1) as usize];
        let free = f64::from(result.time_s - result.checkpoint_s);
        (free * day + f64::from(result.checkpoint_s) * checkpoint).round() as Seconds
    }

    /// The samples of one pair.
    pub fn pair(&self, o: usize, d: usize) -> &[Seconds] {
        &self.samples[o * self.zones + d]
    }
}

/// A stable 64-bit key of a string (FNV-1a), for streams keyed by ids rather than positions.
fn key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The delay of `line` (mode index `mode`) in `draw`, seconds: exponential with mean
/// `delays[mode]` minutes.
pub fn delay(seed: u64, draw: u32, line_id: &str, mean_min: f64) -> Seconds {
    if mean_min <= 0.0 {
        return 0;
    }
    let u: f64 = stream(seed, Purpose::Delay, &[u64::from(draw), key(line_id)]).random();
    (-(1.0 - u).ln() * mean_min * 60.0)
        .round()
        .min(f64::from(MAX_DELAY_S)) as Seconds
}

/// The longest delay drawn, seconds (2 hours).
const MAX_DELAY_S: Seconds = 7200;

/// The phase (0..1) of `line` in `draw`.
pub fn phase(seed: u64, draw: u32, line_id: &str) -> f64 {
    stream(seed, Purpose::Phase, &[u64::from(draw), key(line_id)]).random()
}

/// Samples door-to-door public-transport times for `draws` draws, departing every minute of
/// `window`. Origins run in parallel on the current rayon pool; the result does not depend on
/// the number of threads.
pub fn transit_samples(net: &Network, window: Window, seed: u64, draws: u32) -> TransitSamples {
    let none = Variability {
        delays_min: [0.0; 5],
        road_day_sd: 0.0,
        checkpoint_sd: 0.0,
    };
    transit_samples_with_progress(net, window, seed, draws, none, |_| {})
}

/// [`transit_samples`] with service delays (mean minutes by mode), calling `done(draw)` after
/// each draw (for a progress display).
pub fn transit_samples_with_progress(
    net: &Network,
    window: Window,
    seed: u64,
    draws: u32,
    variability: Variability,
    done: impl Fn(u32),
) -> TransitSamples {
    let delays = variability.delays_min;
    let zones = net.zones().len();
    let departures: Vec<Seconds> = (window.start_s..window.end_s).step_by(60).collect();
    let minutes = departures.len() as u32;
    // rows[o][d]: the samples from origin o to destination d.
    let mut rows: Vec<Vec<Vec<Seconds>>> = vec![vec![Vec::new(); zones]; zones];
    for draw in 0..draws {
        let timetable = Timetable::with_phases_and_delays(
            net,
            |l| phase(seed, draw, &net.line(l).id),
            |l| {
                let line = net.line(l);
                delay(seed, draw, &line.id, delays[line.mode.index()])
            },
        );
        rows.par_iter_mut()
            .enumerate()
            .for_each_init(RaptorWorkspace::default, |ws, (o, row)| {
                let origin = net.zone(ZoneId::new(o)).centroid;
                // One block of `minutes` samples per destination, filled latest departure first.
                let mut block = vec![vec![NO_ROUTE; departures.len()]; zones];
                earliest_arrivals_range(
                    net,
                    &timetable,
                    origin,
                    &departures,
                    ws,
                    |depart_s, ws| {
                        let m = ((depart_s - window.start_s) / 60) as usize;
                        for (d, cell) in block.iter_mut().enumerate() {
                            if d != o
                                && let Some(t) = zone_arrival(&timetable, ws, ZoneId::new(d))
                            {
                                cell[m] = t - depart_s;
                            }
                        }
                    },
                );
                for (d, samples) in block.into_iter().enumerate() {
                    if d != o {
                        row[d].extend(samples);
                    }
                }
            });
        done(draw + 1);
    }
    let road = (0..draws)
        .map(|draw| {
            let mut rng = stream(seed, Purpose::Road, &[u64::from(draw)]);
            // Two standard normals by Box-Muller; factors lognormal with mean 1.
            let (u1, u2): (f64, f64) = (rng.random(), rng.random());
            let r = (-2.0 * (1.0 - u1).ln()).sqrt();
            let (z1, z2) = (
                r * (std::f64::consts::TAU * u2).cos(),
                r * (std::f64::consts::TAU * u2).sin(),
            );
            let factor = |sd: f64, z: f64| (sd * z - sd * sd / 2.0).exp();
            [
                factor(variability.road_day_sd, z1),
                factor(variability.checkpoint_sd, z2),
            ]
        })
        .collect();
    TransitSamples {
        zones,
        draws,
        minutes,
        samples: rows.into_iter().flatten().collect(),
        road,
    }
}

/// Per-sample times of `mode` for pair (o, d): the transit samples, the (constant) car skim, or
/// for `None` the better of the two in each sample.
pub fn mode_samples(
    transit: &TransitSamples,
    skims: &Skims,
    mode: Option<TravelMode>,
    o: usize,
    d: usize,
) -> Vec<Seconds> {
    let car = skims.get(TravelMode::Car, o, d);
    let car_at = |s: usize| car.map_or(NO_ROUTE, |r| transit.car_time(r, s));
    let pt = transit.pair(o, d);
    match mode {
        Some(TravelMode::Transit) => pt.to_vec(),
        Some(TravelMode::Car) => (0..pt.len()).map(car_at).collect(),
        None => pt
            .iter()
            .enumerate()
            .map(|(s, &t)| t.min(car_at(s)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{
        AccessLink, AccessMode, FareRule, HeadwayPeriod, Line, Mode, Node, NodeId, NodeKind,
        Settings, Stop, Zone,
    };

    /// Two zones at the two stops of one line with headway `headway_s` and a 10-minute run.
    fn one_line(headway_s: Seconds) -> Network {
        let settings = Settings {
            name: "one line".into(),
            description: String::new(),
            sources: Vec::new(),
            default_transfer_s: 0,
            scheduled_wait_s: 0,
            processing_s: [0; 5],
            fare_systems: Vec::new(),
        };
        let mut net = Network::empty(settings);
        let node = |id: &str, kind| Node {
            id: id.into(),
            name: id.into(),
            kind,
            lon: 0.0,
            lat: 0.0,
            approximate: false,
        };
        net.nodes = vec![
            node("a", NodeKind::SubwayStation),
            node("b", NodeKind::SubwayStation),
            node("za", NodeKind::ZoneCentroid),
            node("zb", NodeKind::ZoneCentroid),
        ];
        for (z, centroid, station) in [(0, 2, 0), (1, 3, 1)] {
            net.zones.push(Zone {
                id: format!("z{z}"),
                name: format!("z{z}"),
                centroid: NodeId::new(centroid),
                residents: 1,
                jobs: 1,
                car_share: 0.0,
            });
            net.access.push(AccessLink {
                zone: ZoneId::new(z),
                node: NodeId::new(station),
                mode: AccessMode::Walk,
                time_s: 0,
            });
        }
        net.lines.push(Line {
            id: "L".into(),
            name: "L".into(),
            mode: Mode::Subway,
            capacity: 100,
            fare: FareRule::None,
            oneway: true,
            stops: vec![
                Stop {
                    node: NodeId::new(0),
                    run_s: 0,
                    dwell_s: 0,
                    distance_km: 0.0,
                },
                Stop {
                    node: NodeId::new(1),
                    run_s: 600,
                    dwell_s: 0,
                    distance_km: 5.0,
                },
            ],
            headways: vec![HeadwayPeriod {
                start_s: 6 * 3600,
                end_s: 10 * 3600,
                headway_s,
            }],
            departures: Vec::new(),
        });
        net.reindex();
        net
    }

    #[test]
    fn mean_wait_converges_to_half_the_headway() {
        // Uniform departures against a randomly phased 12-minute headway: the mean wait is 6 min.
        let net = one_line(720);
        let window = Window {
            start_s: 7 * 3600,
            end_s: 8 * 3600,
        };
        let samples = transit_samples(&net, window, 42, 200);
        let times = samples.pair(0, 1);
        assert_eq!(times.len(), 200 * 60);
        let mean_wait = times.iter().map(|&t| f64::from(t - 600)).sum::<f64>() / times.len() as f64;
        assert!((mean_wait - 360.0).abs() < 6.0, "mean wait {mean_wait} s");
        // Waits are spread over the whole headway.
        assert_eq!(times.iter().min(), Some(&600));
        assert!(*times.iter().max().unwrap() >= 600 + 700);
        assert!(
            samples.pair(1, 0).iter().all(|&t| t == NO_ROUTE),
            "one-way line"
        );
    }

    #[test]
    fn service_delays_add_their_mean_to_the_ride() {
        let net = one_line(720);
        let window = Window {
            start_s: 7 * 3600,
            end_s: 8 * 3600,
        };
        let mean = |delays_min: [f64; 5]| {
            let v = Variability {
                delays_min,
                road_day_sd: 0.0,
                checkpoint_sd: 0.0,
            };
            let s = transit_samples_with_progress(&net, window, 3, 400, v, |_| {});
            s.pair(0, 1).iter().map(|&t| f64::from(t)).sum::<f64>() / s.pair(0, 1).len() as f64
        };
        let mut delays = [0.0; 5];
        delays[Mode::Subway.index()] = 2.0;
        let extra = mean(delays) - mean([0.0; 5]);
        // Exponential with a 2-minute mean over 400 draws: standard error 6 s.
        assert!((extra - 120.0).abs() < 24.0, "extra {extra} s");
        assert_eq!(delay(3, 0, "L", 0.0), 0);
    }

    #[test]
    fn phases_are_keyed_by_line_id_and_draw() {
        assert_eq!(phase(1, 3, "L22"), phase(1, 3, "L22"));
        assert_ne!(phase(1, 3, "L22"), phase(1, 4, "L22"));
        assert_ne!(phase(1, 3, "L22"), phase(1, 3, "L1"));
        assert_ne!(phase(1, 3, "L22"), phase(2, 3, "L22"));
    }
}
