//! The Monte-Carlo commute simulation, in the manner of Conveyal R5 but seeded, with choice and
//! capacity.
//!
//! Each draw is one morning. It gives every headway-based line a random phase (where in its
//! headway cycle the first vehicle runs; explicit departures stay put) and a service delay
//! (exponential, mean by mode or line), scales bus run times and every road link by the draw's
//! road conditions (a day factor shared by all, a factor per link with a spread by road class,
//! and a factor on checkpoint queues), and re-routes cars on the day's roads. Every draw value
//! comes from a stream keyed by the seed, the draw and the line's or link's *id*, so a scenario
//! that adds or removes other lines leaves it unchanged: the same seed gives the same draws
//! wherever a modification did not reach (common random numbers).
//!
//! For every origin zone and every minute of the departure window, range RAPTOR finds two public
//! transport itineraries to every zone: *transit* (rail, subway, bus) and *custom bus* (custom
//! commuter buses with walking or feeder access and egress, as they are sold), each with its
//! rides. Commuters are spread over the minutes by the departure profile and choose by
//! multinomial logit between car (households with one), transit and custom bus on generalised
//! minutes. These are *expected* flows: the exact average over departure times and choices, so
//! the only sampling noise left is the draws' (a paired comparison of two scenarios is not
//! blurred by commuters re-rolling their dice).
//!
//! Custom buses have seats. The commuters choosing a custom-bus trip are loaded on it; where the
//! peak load on the trip would exceed its seats, every booking on it is cut in the same
//! proportion (the result does not depend on processing order) and the commuters turned away
//! take their next-best alternative (the logit over what is left). Every ride is then loaded on
//! its trip, giving boardings, passenger-km and peak loads per line. All reductions run in origin
//! order, so the results are byte-identical at any thread count.

pub use super::choice::Alternative;
use super::choice::logit;
use super::rng::{Purpose, stream};
use crate::network::{Mode, Network};
use crate::routing::{
    Engine, LineDraw, RaptorWorkspace, Ride, Skims, Timetable, TravelMode, earliest_arrivals_range,
    zone_arrival, zone_rides,
};
use crate::scenario::{Choice, Scenario, Variability};
use crate::time::{Seconds, Window, to_minutes};
use rand::Rng;
use rayon::prelude::*;

/// A sample with no route.
pub const NO_ROUTE: Seconds = Seconds::MAX;

const CAR: usize = 0;
const TRANSIT: usize = 1;
const CUSTOM_BUS: usize = 2;

/// The settings of a simulation.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Departure window; one departure per minute.
    pub window: Window,
    /// Share of commuters leaving in each minute of the window (sums to 1).
    pub weights: Vec<f64>,
    /// What varies between draws.
    pub variability: Variability,
    /// Mode choice parameters.
    pub choice: Choice,
    /// Seed of every random stream.
    pub seed: u64,
    /// Draws (mornings) simulated.
    pub draws: u32,
    /// Congestion on the roads: per road link, its travel-time factor in the drawn direction
    /// (`2 * link`) and the other (`2 * link + 1`), on top of the draw's; per line, the factor
    /// on bus run times. Empty: free flow.
    pub congestion: RoadFactors,
}

/// Travel-time factors from road congestion (see [`Setup::congestion`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoadFactors {
    /// Per road link and direction: `2 * link` drawn, `2 * link + 1` reverse. Empty: all 1.
    pub roads: Vec<f64>,
    /// Per line (index as in the network): factor on run times. Empty: all 1.
    pub lines: Vec<f64>,
}

impl Setup {
    /// The settings of `scenario` for `draws` draws under `seed`.
    pub fn of(scenario: &Scenario, seed: u64, draws: u32) -> Self {
        Setup {
            window: scenario.window,
            weights: scenario.departure_weights(),
            variability: scenario.variability.clone(),
            choice: scenario.choice,
            seed,
            draws,
            congestion: RoadFactors::default(),
        }
    }

    /// Uniform departures over `window`, no variability but line phases, default choice.
    pub fn phases_only(window: Window, seed: u64, draws: u32) -> Self {
        Setup {
            window,
            weights: crate::scenario::departure_weights(window, &[]),
            variability: Variability::none(),
            choice: Choice::default(),
            seed,
            draws,
            congestion: RoadFactors::default(),
        }
    }
}

/// The commuters of one zone pair in one draw (expected over departure minutes and choices).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairDraw {
    /// Commuters by [`Alternative`] (index as in [`Alternative::ALL`]).
    pub by: [f64; 3],
    /// Sum over commuters of their door-to-door minutes.
    pub minutes: f64,
    /// Commuters arriving within 60 minutes.
    pub within_60: f64,
}

impl PairDraw {
    /// Commuters with an alternative.
    pub fn served(&self) -> f64 {
        self.by.iter().sum()
    }
}

/// The load of one line, summed over draws.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineLoad {
    /// Commuters boarding.
    pub boardings: f64,
    /// Commuter-km ridden.
    pub passenger_km: f64,
    /// Sum over draws of the draw's highest load on any trip between two stops.
    pub peak_load: f64,
    /// Highest load in any draw.
    pub max_peak_load: f64,
    /// Commuters turned away for want of a seat.
    pub denied: f64,
}

/// The results of a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Number of zones.
    pub zones: usize,
    /// Draws made.
    pub draws: u32,
    /// Departure minutes per draw.
    pub minutes: u32,
    /// Share of commuters leaving in each minute.
    pub weights: Vec<f64>,
    /// Transit door-to-door seconds per (draw, minute) sample, draw-major, for pair
    /// `o * zones + d`; [`NO_ROUTE`] when there was none. Empty on the diagonal.
    pub transit: Vec<Vec<Seconds>>,
    /// Custom-bus door-to-door seconds per sample, as `transit`; empty for pairs no custom bus
    /// ever served.
    pub custom_bus: Vec<Vec<Seconds>>,
    /// Car door-to-door seconds per draw (the same all morning), [`NO_ROUTE`] when none.
    pub car: Vec<Vec<Seconds>>,
    /// Commuters per pair and draw.
    pub pair_draws: Vec<Vec<PairDraw>>,
    /// Loads per line (index as in the network).
    pub lines: Vec<LineLoad>,
    /// Per origin zone, its commuters by door-to-door minutes of their chosen alternative,
    /// summed over the draws: bin `m` holds times in `[m, m + 1)` minutes, the last bin
    /// everything longer.
    pub histograms: Vec<Vec<f64>>,
}

/// Bins of [`Simulation::histograms`]: one per minute up to 6 hours, then one for the rest.
pub const HISTOGRAM_BINS: usize = 361;

impl Simulation {
    /// The samples of `alternative` for pair `pair` (`None`: the fastest alternative in each
    /// sample), one per (draw, minute), draw-major.
    pub fn samples(&self, alternative: Option<Alternative>, pair: usize) -> Vec<Seconds> {
        let minutes = self.minutes as usize;
        let car = |s: usize| self.car[pair].get(s / minutes).copied().unwrap_or(NO_ROUTE);
        let custom = |s: usize| self.custom_bus[pair].get(s).copied().unwrap_or(NO_ROUTE);
        let transit = &self.transit[pair];
        match alternative {
            Some(Alternative::Transit) => transit.clone(),
            Some(Alternative::CustomBus) => (0..transit.len()).map(custom).collect(),
            Some(Alternative::Car) => (0..transit.len()).map(car).collect(),
            None => (0..transit.len())
                .map(|s| transit[s].min(car(s)).min(custom(s)))
                .collect(),
        }
    }

    /// Public-transport samples of pair `pair`: the faster of transit and custom bus.
    pub fn public_transport_samples(&self, pair: usize) -> Vec<Seconds> {
        let custom = &self.custom_bus[pair];
        self.transit[pair]
            .iter()
            .enumerate()
            .map(|(s, &t)| t.min(custom.get(s).copied().unwrap_or(NO_ROUTE)))
            .collect()
    }

    /// The weight of sample `s` (its departure minute's share, over the draws).
    pub fn sample_weight(&self, s: usize) -> f64 {
        self.weights[s % self.weights.len()] / f64::from(self.draws.max(1))
    }

    /// The commuters of pair `pair` averaged over the draws.
    pub fn mean_pair(&self, pair: usize) -> PairDraw {
        let draws = f64::from(self.draws.max(1));
        let mut mean = PairDraw::default();
        for d in &self.pair_draws[pair] {
            for a in 0..3 {
                mean.by[a] += d.by[a] / draws;
            }
            mean.minutes += d.minutes / draws;
            mean.within_60 += d.within_60 / draws;
        }
        mean
    }
}

/// A stable 64-bit key of a string (FNV-1a), for streams keyed by ids rather than positions.
fn key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The delay of line `line_id` in `draw`, seconds, drawn from `delay`: on time with its
/// probability, else exponential with its mean.
pub fn delay(seed: u64, draw: u32, line_id: &str, delay: crate::scenario::Delay) -> Seconds {
    if delay.late_mean_min <= 0.0 || delay.on_time >= 1.0 {
        return 0;
    }
    let mut rng = stream(seed, Purpose::Delay, &[u64::from(draw), key(line_id)]);
    let mut u: f64 = rng.random();
    if delay.on_time > 0.0 {
        if u < delay.on_time {
            return 0;
        }
        u = rng.random();
    }
    (-(1.0 - u).ln() * delay.late_mean_min * 60.0)
        .round()
        .min(f64::from(MAX_DELAY_S)) as Seconds
}

/// The longest delay drawn, seconds (2 hours).
const MAX_DELAY_S: Seconds = 7200;

/// The phase (0..1) of line `line_id` in `draw`.
pub fn phase(seed: u64, draw: u32, line_id: &str) -> f64 {
    stream(seed, Purpose::Phase, &[u64::from(draw), key(line_id)]).random()
}

/// Two independent standard normal numbers from `rng` (Box-Muller).
fn normals(rng: &mut impl Rng) -> (f64, f64) {
    let (u1, u2): (f64, f64) = (rng.random(), rng.random());
    let r = (-2.0 * (1.0 - u1).ln()).sqrt();
    let angle = std::f64::consts::TAU * u2;
    (r * angle.cos(), r * angle.sin())
}

/// A lognormal factor with mean 1 and log standard deviation `sd`, from a standard normal `z`.
fn lognormal(sd: f64, z: f64) -> f64 {
    (sd * z - sd * sd / 2.0).exp()
}

/// The road conditions of one draw.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadDraw {
    /// The day factor on every road link and bus run time.
    pub day: f64,
    /// The factor on checkpoint delays.
    pub checkpoint: f64,
    /// The factor on each road link's free-flow time (the day factor included).
    pub links: Vec<f64>,
}

/// The road conditions of `draw`: the day factors from a stream keyed by the draw, each link's
/// own factor from one keyed by the draw and the link's id.
pub fn road_draw(net: &Network, seed: u64, draw: u32, v: &Variability) -> RoadDraw {
    let (z1, z2) = normals(&mut stream(seed, Purpose::Road, &[u64::from(draw)]));
    let day = lognormal(v.road_day_sd, z1);
    let links = net
        .roads()
        .iter()
        .map(|r| {
            let sd = v.link_sd_of(&r.class);
            if sd == 0.0 {
                return day;
            }
            let (z, _) = normals(&mut stream(
                seed,
                Purpose::Road,
                &[u64::from(draw), key(&r.id)],
            ));
            day * lognormal(sd, z)
        })
        .collect();
    RoadDraw {
        day,
        checkpoint: lognormal(v.checkpoint_sd, z2),
        links,
    }
}

/// A public-transport itinerary in one sample, in brief.
#[derive(Debug, Clone, Copy)]
struct Itinerary {
    /// Door-to-door seconds from the departure minute.
    time_s: Seconds,
    /// Seconds aboard vehicles.
    ride_s: Seconds,
    /// Vehicles boarded.
    vehicles: u32,
    /// Fare, yuan.
    fare: f64,
    /// Its rides: a range of the origin's ride list.
    rides: (u32, u32),
}

/// The fare of `rides`, yuan: per boarding for flat and per-km lines, once per run of
/// consecutive rides in the same fare system on their total distance, a walk out between two
/// rides ending the run (as `routing::trip::price` prices legs).
fn fare(net: &Network, tt: &Timetable, rides: &[Ride]) -> f64 {
    let mut meter = crate::routing::FareMeter::new(net);
    let mut total = 0.0;
    for r in rides {
        if r.walked_before {
            total += meter.close().map_or(0.0, |(_, yuan)| yuan);
        }
        let rule = net.line(tt.pattern_line(r.pattern as usize)).fare;
        let (now, ended) = meter.ride(rule, tt.ride_km(r), ());
        total += now + ended.map_or(0.0, |(_, yuan)| yuan);
    }
    total + meter.close().map_or(0.0, |(_, yuan)| yuan)
}

/// One origin's itineraries in one draw: per (destination, minute), destination-major.
struct OriginSearch {
    transit: Vec<Option<Itinerary>>,
    custom: Vec<Option<Itinerary>>,
    transit_rides: Vec<Ride>,
    custom_rides: Vec<Ride>,
}

/// Range RAPTOR from the centre of zone `o` on `tt`, summarising the itinerary to every other
/// zone at every departure.
fn search_from(
    net: &Network,
    tt: &Timetable,
    o: usize,
    departures: &[Seconds],
    ws: &mut RaptorWorkspace,
    rides: &mut Vec<Ride>,
    need_ride: bool,
) -> Vec<Option<Itinerary>> {
    let zones = net.zones().len();
    let minutes = departures.len();
    let mut found = vec![None; zones * minutes];
    // Leaving first reaches everything a later start does: if that reaches no zone (custom
    // buses far from this origin), no departure will.
    let Some(&first) = departures.first() else {
        return found;
    };
    let origin = net.zones()[o].centroid;
    crate::routing::earliest_arrivals(net, tt, origin, first, ws);
    let reaches_any = (0..zones)
        .filter(|&d| d != o)
        .any(|d| zone_arrival(tt, ws, crate::network::ZoneId::new(d)).is_some());
    if !reaches_any {
        return found;
    }
    let mut scratch = Vec::new();
    earliest_arrivals_range(net, tt, origin, departures, ws, |depart_s, ws| {
        let m = ((depart_s - first) / 60) as usize;
        for d in (0..zones).filter(|&d| d != o) {
            let zone = crate::network::ZoneId::new(d);
            // On the custom-bus timetable an itinerary without a ride (walking, feeder) is
            // transit's, not a custom-bus alternative (it hides a slower bus: documented).
            if let Some(arrival) = zone_rides(net, tt, ws, zone, &mut scratch)
                && !(need_ride && scratch.is_empty())
            {
                let first = rides.len() as u32;
                rides.extend_from_slice(&scratch);
                found[d * minutes + m] = Some(Itinerary {
                    time_s: arrival - depart_s,
                    ride_s: scratch.iter().map(|r| tt.ride_s(r)).sum(),
                    vehicles: scratch.len() as u32,
                    fare: fare(net, tt, &scratch),
                    rides: (first, rides.len() as u32),
                });
            }
        }
    });
    found
}

/// Generalised minutes of a public-transport itinerary.
fn transit_cost(choice: &Choice, it: &Itinerary, constant_min: f64) -> f64 {
    let total = to_minutes(it.time_s);
    let aboard = to_minutes(it.ride_s);
    aboard
        + choice.wait_walk_weight * (total - aboard)
        + choice.transfer_penalty_min * f64::from(it.vehicles.saturating_sub(1))
        + constant_min
        + it.fare * choice.minutes_per_yuan
}

/// Per-trip loads on every pattern of a timetable, between consecutive stops.
struct Loads {
    /// Per pattern: trips x stops, the load change at each stop (prefix sums give the loads).
    change: Vec<Vec<f64>>,
    stops: Vec<usize>,
}

impl Loads {
    fn new(tt: &Timetable) -> Self {
        let (mut change, mut stops) = (Vec::new(), Vec::new());
        for p in 0..tt.pattern_count() {
            let (trips, n) = tt.pattern_size(p);
            change.push(vec![0.0; trips * n]);
            stops.push(n);
        }
        Loads { change, stops }
    }

    fn add(&mut self, ride: &Ride, flow: f64) {
        let p = ride.pattern as usize;
        let base = ride.trip as usize * self.stops[p];
        self.change[p][base + ride.board as usize] += flow;
        self.change[p][base + ride.alight as usize] -= flow;
    }

    /// The highest load of each trip of pattern `p`.
    fn trip_peaks(&self, p: usize) -> impl Iterator<Item = f64> + '_ {
        let n = self.stops[p];
        self.change[p].chunks(n.max(1)).map(|trip| {
            let mut load: f64 = 0.0;
            let mut peak: f64 = 0.0;
            for c in trip {
                load += c;
                peak = peak.max(load);
            }
            peak
        })
    }
}

/// Mornings searched at once.
const PARALLEL_DRAWS: u32 = 4;

/// One draw's conditions and itineraries.
struct Morning {
    draw: u32,
    /// Car door-to-door seconds per pair that morning.
    car: Vec<Option<Seconds>>,
    transit_tt: Timetable,
    custom_tt: Timetable,
    /// Itineraries from every origin.
    searches: Vec<OriginSearch>,
}

/// Draws the conditions of morning `draw` and searches every origin's itineraries.
fn morning(engine: &Engine<'_>, setup: &Setup, draw: u32, departures: &[Seconds]) -> Morning {
    let net = engine.network();
    let zones = net.zones().len();
    let minutes = departures.len();
    let has_custom = net.lines().iter().any(|l| l.mode == Mode::CustomBus);
    let roads = road_draw(net, setup.seed, draw, &setup.variability);
    let congestion = &setup.congestion;
    let directed: Vec<f64> = (0..2 * roads.links.len())
        .map(|k| roads.links[k / 2] * congestion.roads.get(k).copied().unwrap_or(1.0))
        .collect();
    let car = engine.car_times_scaled(&directed, roads.checkpoint);
    let line_draw = |l: crate::network::LineId| {
        let line = net.line(l);
        LineDraw {
            phase: phase(setup.seed, draw, &line.id),
            delay_s: delay(setup.seed, draw, &line.id, setup.variability.delay_of(line)),
            run_factor: if matches!(line.mode, Mode::Bus | Mode::CustomBus) {
                roads.day * congestion.lines.get(l.index()).copied().unwrap_or(1.0)
            } else {
                1.0
            },
        }
    };
    let transit_tt = Timetable::for_draw(net, |l| net.line(l).mode != Mode::CustomBus, line_draw);
    let custom_tt = Timetable::for_draw(net, |l| net.line(l).mode == Mode::CustomBus, line_draw);
    // Itineraries from every origin.
    let searches: Vec<OriginSearch> = (0..zones)
        .into_par_iter()
        .map_init(RaptorWorkspace::default, |ws, o| {
            let mut transit_rides = Vec::new();
            let transit = search_from(
                net,
                &transit_tt,
                o,
                departures,
                ws,
                &mut transit_rides,
                false,
            );
            let mut custom_rides = Vec::new();
            let custom = if has_custom {
                search_from(net, &custom_tt, o, departures, ws, &mut custom_rides, true)
            } else {
                vec![None; zones * minutes]
            };
            OriginSearch {
                transit,
                custom,
                transit_rides,
                custom_rides,
            }
        })
        .collect();
    Morning {
        draw,
        car,
        transit_tt,
        custom_tt,
        searches,
    }
}

/// Simulates `setup.draws` mornings of the commuters `flows` (`o * zones + d`; the diagonal,
/// commuters within their zone, is not routed) on the network of `engine`, calling `done(draw)`
/// after each draw. Origins run in parallel on the current rayon pool; the result does not depend
/// on the number of threads.
pub fn simulate(
    engine: &Engine<'_>,
    skims: &Skims,
    flows: &[f64],
    setup: &Setup,
    done: impl Fn(u32),
) -> Simulation {
    let net = engine.network();
    let zones = net.zones().len();
    let window = setup.window;
    let departures: Vec<Seconds> = (window.start_s..window.end_s).step_by(60).collect();
    let minutes = departures.len();
    let choice = &setup.choice;
    let lines = net.lines();
    // Car generalised minutes besides the time: constant, fuel and tolls of the free-flow route.
    let car_extra: Vec<f64> = (0..zones * zones)
        .map(|k| {
            skims
                .get(TravelMode::Car, k / zones, k % zones)
                .map_or(0.0, |r| {
                    choice.car_constant_min
                        + (r.cost_yuan + r.distance_km * choice.car_cost_yuan_per_km)
                            * choice.minutes_per_yuan
                })
        })
        .collect();
    let mut sim = Simulation {
        zones,
        draws: setup.draws,
        minutes: minutes as u32,
        weights: setup.weights.clone(),
        transit: vec![Vec::new(); zones * zones],
        custom_bus: vec![Vec::new(); zones * zones],
        car: vec![Vec::new(); zones * zones],
        pair_draws: vec![Vec::new(); zones * zones],
        lines: vec![LineLoad::default(); lines.len()],
        histograms: vec![vec![0.0; HISTOGRAM_BINS]; zones],
    };
    // Mornings are searched a few at a time in parallel (and origins within each), so that one
    // slow origin does not hold up the others; they are then processed in draw order.
    let mut next = 0;
    while next < setup.draws {
        let batch: Vec<Morning> = (next..setup.draws.min(next + PARALLEL_DRAWS))
            .into_par_iter()
            .map(|draw| morning(engine, setup, draw, &departures))
            .collect();
        next += PARALLEL_DRAWS;
        for Morning {
            draw,
            car,
            transit_tt,
            custom_tt,
            searches,
        } in batch
        {
            // Choice probabilities without capacity, per origin, (destination, minute):
            // [car owners, others] x alternative.
            let car_time = |k: usize| car[k].map(to_minutes);
            let probabilities: Vec<Vec<[[f64; 3]; 2]>> = searches
                .par_iter()
                .enumerate()
                .map(|(o, s)| {
                    (0..zones * minutes)
                        .map(|i| {
                            let (d, _) = (i / minutes, i % minutes);
                            if d == o {
                                return [[0.0; 3]; 2];
                            }
                            let k = o * zones + d;
                            let scale = -choice.scale_per_min;
                            let car = car_time(k).map(|t| scale * (t + car_extra[k]));
                            let transit = s.transit[i].map(|it| {
                                scale * transit_cost(choice, &it, choice.transit_constant_min)
                            });
                            let custom = s.custom[i].map(|it| {
                                scale * transit_cost(choice, &it, choice.custom_bus_constant_min)
                            });
                            let owners = logit(&[car, transit, custom]);
                            let others = logit(&[None, transit, custom]);
                            [
                                [owners[0], owners[1], owners[2]],
                                [others[0], others[1], others[2]],
                            ]
                        })
                        .collect()
                })
                .collect();
            let car_share: Vec<f64> = net.zones().iter().map(|z| z.car_share).collect();
            // Custom-bus bookings, then the share of each trip's bookings that gets a seat.
            let mut bookings = Loads::new(&custom_tt);
            for (o, s) in searches.iter().enumerate() {
                for (i, it) in s.custom.iter().enumerate() {
                    let (d, m) = (i / minutes, i % minutes);
                    let Some(it) = it else { continue };
                    let p = &probabilities[o][i];
                    let share =
                        car_share[o] * p[0][CUSTOM_BUS] + (1.0 - car_share[o]) * p[1][CUSTOM_BUS];
                    let booked = flows[o * zones + d] * setup.weights[m] * share;
                    if booked > 0.0 {
                        for r in &s.custom_rides[it.rides.0 as usize..it.rides.1 as usize] {
                            bookings.add(r, booked);
                        }
                    }
                }
            }
            let seated: Vec<Vec<f64>> = (0..custom_tt.pattern_count())
                .map(|p| {
                    let seats = f64::from(net.line(custom_tt.pattern_line(p)).capacity);
                    bookings
                        .trip_peaks(p)
                        .map(|peak| if peak > seats { seats / peak } else { 1.0 })
                        .collect()
                })
                .collect();
            // Final choices with the turned-away commuters on their next-best alternative.
            type Loaded = (
                Vec<PairDraw>,
                Vec<(bool, Ride, f64)>,
                Vec<(usize, f64)>,
                Vec<f64>,
            );
            let outcomes: Vec<Loaded> = searches
                .par_iter()
                .enumerate()
                .map(|(o, s)| {
                    let mut pairs = vec![PairDraw::default(); zones];
                    let mut loads = Vec::new();
                    let mut denied = Vec::new();
                    let mut histogram = vec![0.0; HISTOGRAM_BINS];
                    for (i, probs) in probabilities[o].iter().enumerate() {
                        let (d, m) = (i / minutes, i % minutes);
                        let k = o * zones + d;
                        let flow = flows[k] * setup.weights[m];
                        if d == o || flow <= 0.0 {
                            continue;
                        }
                        // The seated share of a custom-bus itinerary: its fullest trip's.
                        let (seat_share, tightest) = s.custom[i].map_or((1.0, None), |it| {
                            s.custom_rides[it.rides.0 as usize..it.rides.1 as usize]
                                .iter()
                                .map(|r| (seated[r.pattern as usize][r.trip as usize], Some(*r)))
                                .fold((1.0, None), |a, b| if b.0 < a.0 { b } else { a })
                        });
                        let mut by = [0.0; 3];
                        for (group, p) in probs.iter().enumerate() {
                            let size = if group == 0 {
                                car_share[o]
                            } else {
                                1.0 - car_share[o]
                            };
                            let turned_away = p[CUSTOM_BUS] * (1.0 - seat_share);
                            let rest = p[CAR] + p[TRANSIT];
                            by[CUSTOM_BUS] += size * p[CUSTOM_BUS] * seat_share;
                            for a in [CAR, TRANSIT] {
                                let extra = if rest > 0.0 {
                                    turned_away * p[a] / rest
                                } else {
                                    0.0
                                };
                                by[a] += size * (p[a] + extra);
                            }
                            if let Some(r) = tightest
                                && turned_away > 0.0
                            {
                                let line = custom_tt.pattern_line(r.pattern as usize).index();
                                denied.push((line, flow * size * turned_away));
                            }
                        }
                        let times = [
                            car_time(k),
                            s.transit[i].map(|it| to_minutes(it.time_s)),
                            s.custom[i].map(|it| to_minutes(it.time_s)),
                        ];
                        let pair = &mut pairs[d];
                        for a in 0..3 {
                            let n = flow * by[a];
                            if let Some(t) = times[a]
                                && n > 0.0
                            {
                                pair.by[a] += n;
                                pair.minutes += n * t;
                                histogram[(t as usize).min(HISTOGRAM_BINS - 1)] += n;
                                if t <= 60.0 {
                                    pair.within_60 += n;
                                }
                            }
                        }
                        for (custom, it, n) in [
                            (false, s.transit[i], flow * by[TRANSIT]),
                            (true, s.custom[i], flow * by[CUSTOM_BUS]),
                        ] {
                            let Some(it) = it else { continue };
                            if n <= 0.0 {
                                continue;
                            }
                            let list = if custom {
                                &s.custom_rides
                            } else {
                                &s.transit_rides
                            };
                            for r in &list[it.rides.0 as usize..it.rides.1 as usize] {
                                loads.push((custom, *r, n));
                            }
                        }
                    }
                    (pairs, loads, denied, histogram)
                })
                .collect();
            // Line loads, reduced in origin order.
            let mut transit_loads = Loads::new(&transit_tt);
            let mut custom_loads = Loads::new(&custom_tt);
            let mut draw_lines = vec![LineLoad::default(); lines.len()];
            for (o, (pairs, loads, denied, histogram)) in outcomes.into_iter().enumerate() {
                for (total, n) in sim.histograms[o].iter_mut().zip(histogram) {
                    *total += n;
                }
                for (d, pair) in pairs.into_iter().enumerate() {
                    if d != o {
                        sim.pair_draws[o * zones + d].push(pair);
                    }
                }
                for (custom, r, n) in loads {
                    let (tt, target) = if custom {
                        (&custom_tt, &mut custom_loads)
                    } else {
                        (&transit_tt, &mut transit_loads)
                    };
                    target.add(&r, n);
                    let line = &mut draw_lines[tt.pattern_line(r.pattern as usize).index()];
                    line.boardings += n;
                    line.passenger_km += n * tt.ride_km(&r);
                }
                for (line, n) in denied {
                    draw_lines[line].denied += n;
                }
            }
            for (tt, loads) in [(&transit_tt, &transit_loads), (&custom_tt, &custom_loads)] {
                for p in 0..tt.pattern_count() {
                    let line = &mut draw_lines[tt.pattern_line(p).index()];
                    line.peak_load = loads.trip_peaks(p).fold(line.peak_load, f64::max);
                }
            }
            for (total, line) in sim.lines.iter_mut().zip(draw_lines) {
                total.boardings += line.boardings;
                total.passenger_km += line.passenger_km;
                total.peak_load += line.peak_load;
                total.max_peak_load = total.max_peak_load.max(line.peak_load);
                total.denied += line.denied;
            }
            // Time samples, pairs in parallel.
            (
                sim.transit.par_iter_mut(),
                sim.custom_bus.par_iter_mut(),
                sim.car.par_iter_mut(),
            )
                .into_par_iter()
                .enumerate()
                .filter(|(k, _)| k / zones != k % zones)
                .for_each(|(k, (transit, custom, car_draws))| {
                    let (s, d) = (&searches[k / zones], k % zones);
                    let span = d * minutes..(d + 1) * minutes;
                    let time = |it: &Option<Itinerary>| it.map_or(NO_ROUTE, |it| it.time_s);
                    transit.extend(s.transit[span.clone()].iter().map(time));
                    // Kept only for pairs a custom bus has served: earlier draws without one are
                    // filled in when it first does.
                    if !custom.is_empty() || s.custom[span.clone()].iter().any(Option::is_some) {
                        custom.resize(draw as usize * minutes, NO_ROUTE);
                        custom.extend(s.custom[span].iter().map(time));
                    }
                    car_draws.push(car[k].unwrap_or(NO_ROUTE));
                });
            done(draw + 1);
        }
    }
    sim
}

/// Public-transport door-to-door samples only (line phases and the setup's variability, no
/// demand): a simulation with no commuters.
pub fn transit_samples(engine: &Engine<'_>, skims: &Skims, setup: &Setup) -> Simulation {
    let zones = engine.network().zones().len();
    simulate(engine, skims, &vec![0.0; zones * zones], setup, |_| {})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{
        AccessLink, AccessMode, FareRule, HeadwayPeriod, Line, Mode, Node, NodeId, NodeKind,
        Settings, Stop, Zone, ZoneId,
    };
    use crate::routing::skim_all;

    /// Two zones at the two stops of one line of `mode` with headway `headway_s`, `capacity`
    /// places per vehicle and a 10-minute run; no roads.
    fn one_line(headway_s: Seconds, mode: Mode, capacity: u32) -> Network {
        let settings = Settings {
            name: "one line".into(),
            description: String::new(),
            sources: Vec::new(),
            default_transfer_s: 0,
            scheduled_wait_s: 0,
            processing_s: [0; 5],
            fare_systems: Vec::new(),
            policy: Default::default(),
        };
        let mut net = Network::empty(settings);
        let node = |id: &str, kind| Node {
            id: id.into(),
            name: id.into(),
            name_zh: String::new(),
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
                name_zh: String::new(),
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
            mode,
            capacity,
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

    const HOUR: Window = Window {
        start_s: 7 * 3600,
        end_s: 8 * 3600,
    };

    fn run(net: &Network, setup: &Setup, flows: &[f64]) -> Simulation {
        let engine = Engine::new(net, setup.window);
        let skims = skim_all(&engine);
        simulate(&engine, &skims, flows, setup, |_| {})
    }

    #[test]
    fn mean_wait_converges_to_half_the_headway() {
        // Uniform departures against a randomly phased 12-minute headway: the mean wait is 6 min.
        let net = one_line(720, Mode::Subway, 100);
        let samples = run(&net, &Setup::phases_only(HOUR, 42, 200), &[0.0; 4]);
        let times = &samples.transit[1];
        assert_eq!(times.len(), 200 * 60);
        let mean_wait = times.iter().map(|&t| f64::from(t - 600)).sum::<f64>() / times.len() as f64;
        assert!((mean_wait - 360.0).abs() < 6.0, "mean wait {mean_wait} s");
        // Waits are spread over the whole headway.
        assert_eq!(times.iter().min(), Some(&600));
        assert!(*times.iter().max().unwrap() >= 600 + 700);
        assert!(
            samples.transit[2].iter().all(|&t| t == NO_ROUTE),
            "one-way line"
        );
    }

    #[test]
    fn service_delays_add_their_mean_to_the_ride() {
        let net = one_line(720, Mode::Subway, 100);
        let mean = |line_delay: Option<f64>| {
            let mut setup = Setup::phases_only(HOUR, 3, 400);
            if let Some(minutes) = line_delay {
                setup
                    .variability
                    .line_delays
                    .insert("L".into(), crate::scenario::Delay::exponential(minutes));
            }
            let s = run(&net, &setup, &[0.0; 4]);
            s.transit[1].iter().map(|&t| f64::from(t)).sum::<f64>() / s.transit[1].len() as f64
        };
        let extra = mean(Some(2.0)) - mean(None);
        // Exponential with a 2-minute mean over 400 draws: standard error 6 s.
        assert!((extra - 120.0).abs() < 24.0, "extra {extra} s");
        assert_eq!(
            delay(3, 0, "L", crate::scenario::Delay::exponential(0.0)),
            0
        );
        // On time nine mornings in ten, else 10 minutes late on average: a mean of 1 minute.
        let punctual = crate::scenario::Delay {
            on_time: 0.9,
            late_mean_min: 10.0,
        };
        let draws: Vec<Seconds> = (0..4000).map(|d| delay(3, d, "L", punctual)).collect();
        let on_time = draws.iter().filter(|&&d| d == 0).count() as f64 / 4000.0;
        let mean = draws.iter().map(|&d| f64::from(d)).sum::<f64>() / 4000.0;
        assert!((on_time - 0.9).abs() < 0.02, "{on_time}");
        assert!((mean - 60.0).abs() < 12.0, "{mean}");
    }

    #[test]
    fn phases_are_keyed_by_line_id_and_draw() {
        assert_eq!(phase(1, 3, "L22"), phase(1, 3, "L22"));
        assert_ne!(phase(1, 3, "L22"), phase(1, 4, "L22"));
        assert_ne!(phase(1, 3, "L22"), phase(1, 3, "L1"));
        assert_ne!(phase(1, 3, "L22"), phase(2, 3, "L22"));
    }

    #[test]
    fn custom_bus_seats_are_never_exceeded_and_the_rest_ride_nothing() {
        // 1,000 commuters an hour, custom buses of 40 seats every 20 minutes and no other way.
        let net = one_line(1200, Mode::CustomBus, 40);
        let setup = Setup::phases_only(HOUR, 5, 20);
        let flows = [0.0, 1000.0, 0.0, 0.0];
        let s = run(&net, &setup, &flows);
        let line = s.lines[0];
        let draws = f64::from(setup.draws);
        // Three or four buses leave in the hour (phase), each full.
        let seats_per_draw = line.boardings / draws;
        assert!(
            (120.0 - 1e-6..=160.0 + 1e-6).contains(&seats_per_draw),
            "{seats_per_draw}"
        );
        assert!(line.max_peak_load <= 40.0 + 1e-9, "{}", line.max_peak_load);
        assert!((line.peak_load / draws - 40.0).abs() < 1e-9);
        // Everyone else was turned away and, with no other alternative, is not served.
        assert!((line.denied + line.boardings - 1000.0 * draws).abs() < 1e-6);
        let served: f64 = s.pair_draws[1].iter().map(PairDraw::served).sum();
        assert!((served - line.boardings).abs() < 1e-6);
        assert!(s.custom_bus[1].iter().any(|&t| t != NO_ROUTE));
        assert!(s.transit[1].iter().all(|&t| t == NO_ROUTE));
    }

    #[test]
    fn loads_follow_the_chosen_itineraries() {
        // Without capacity limits every commuter boards once and rides 5 km.
        let net = one_line(300, Mode::Subway, 1000);
        let s = run(
            &net,
            &Setup::phases_only(HOUR, 8, 10),
            &[0.0, 600.0, 0.0, 0.0],
        );
        let line = s.lines[0];
        assert!((line.boardings - 6000.0).abs() < 1e-6);
        assert!((line.passenger_km - 30_000.0).abs() < 1e-6);
        assert_eq!(line.denied, 0.0);
        // 600 an hour on a 5-minute headway: about 50 a train.
        assert!((45.0..=60.0).contains(&(line.peak_load / 10.0)));
        assert!(s.custom_bus[1].is_empty());
    }

    #[test]
    fn car_owners_choose_by_the_logit_on_generalised_minutes() {
        // Add a 20 km road between the two stations, driven at 80 km/h (15 min), and give half
        // the households a car.
        let mut net = one_line(720, Mode::Subway, 1000);
        net.roads.push(crate::network::RoadLink {
            id: "r".into(),
            name: String::new(),
            from: NodeId::new(0),
            to: NodeId::new(1),
            length_km: 20.0,
            speed_kmh: 80.0,
            capacity_vph: 2000.0,
            lanes: 2,
            class: "expressway".into(),
            toll_yuan: 5.0,
            oneway: false,
            checkpoint_s: 0,
        });
        for z in 0..2 {
            net.access.push(AccessLink {
                zone: ZoneId::new(z),
                node: NodeId::new(z),
                mode: AccessMode::Car,
                time_s: 0,
            });
            net.zones[z].car_share = 0.5;
        }
        net.reindex();
        let setup = Setup::phases_only(HOUR, 11, 1);
        let s = run(&net, &setup, &[0.0, 600.0, 0.0, 0.0]);
        // By hand: car 15 min + 10 constant + (5 yuan toll + 20 km x 0.6) x 1.5 min/yuan; transit
        // 10 min aboard + 1.5 x the wait, no fare, one vehicle.
        let c = Choice::default();
        let car =
            15.0 + c.car_constant_min + (5.0 + 20.0 * c.car_cost_yuan_per_km) * c.minutes_per_yuan;
        let expected: f64 = s.transit[1]
            .iter()
            .map(|&t| {
                let pt = 10.0 + c.wait_walk_weight * (to_minutes(t) - 10.0);
                10.0 * 0.5 / (1.0 + (c.scale_per_min * (car - pt)).exp())
            })
            .sum();
        let got = s.pair_draws[1][0];
        assert!(
            (got.by[CAR] - expected).abs() < 1e-9,
            "{} vs {expected}",
            got.by[CAR]
        );
        assert!((got.served() - 600.0).abs() < 1e-9);
        assert_eq!(s.car[1], vec![900]);
    }

    #[test]
    fn itinerary_fares_match_the_priced_journeys() {
        // Both regional-style networks: fare systems, flat and per-km fares, walks between.
        for file in ["scenarios/demo-base.toml", "scenarios/jjj-2024.toml"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            let s = crate::scenario::load(&path).unwrap();
            let net = &s.network;
            let tt = Timetable::new(net);
            let mut ws = RaptorWorkspace::default();
            let mut rides = Vec::new();
            let mut compared = 0;
            for o in 0..net.zones().len() {
                let origin = net.zones()[o].centroid;
                crate::routing::earliest_arrivals(net, &tt, origin, 7 * 3600 + 1800, &mut ws);
                for d in (0..net.zones().len()).filter(|&d| d != o) {
                    let zone = ZoneId::new(d);
                    let Some(trip) =
                        crate::routing::journey(net, &tt, &ws, net.zone(zone).centroid)
                    else {
                        continue;
                    };
                    zone_rides(net, &tt, &ws, zone, &mut rides).unwrap();
                    let (a, b) = (fare(net, &tt, &rides), trip.cost_yuan());
                    assert!((a - b).abs() < 1e-9, "{file} {o}->{d}: {a} vs {b}");
                    compared += 1;
                }
            }
            assert!(compared > 100, "{file}: {compared}");
        }
    }

    #[test]
    fn the_departure_profile_weights_the_minutes() {
        let net = one_line(300, Mode::Subway, 1000);
        let mut setup = Setup::phases_only(HOUR, 8, 4);
        // Everyone leaves in the first 10 minutes.
        setup.weights = (0..60).map(|m| if m < 10 { 0.1 } else { 0.0 }).collect();
        let s = run(&net, &setup, &[0.0, 100.0, 0.0, 0.0]);
        let total: f64 = (0..s.transit[1].len()).map(|i| s.sample_weight(i)).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!((s.mean_pair(1).served() - 100.0).abs() < 1e-9);
    }
}
