//! The random conditions of one morning: line phases, service delays and road factors, and the
//! timetables and car times they make.
//!
//! Every value comes from a stream keyed by the seed, the draw and the line's or road link's
//! *id* (never its position), so a scenario that adds or removes other lines or roads leaves it
//! unchanged (common random numbers).

use super::Setup;
use crate::network::{LineId, Mode, Network};
use crate::routing::{Engine, LineDraw, Timetable};
use crate::scenario::{Delay, Variability};
use crate::sim::rng::{Purpose, stream};
use crate::time::Seconds;
use rand::Rng;

/// A stable 64-bit key of a string (FNV-1a), for streams keyed by ids rather than positions.
fn key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The longest delay drawn, seconds (2 hours).
const MAX_DELAY_S: Seconds = 7200;

/// The delay of line `line_id` in `draw`, seconds, drawn from `delay`: on time with its
/// probability, else exponential with its mean.
pub(super) fn delay(seed: u64, draw: u32, line_id: &str, delay: Delay) -> Seconds {
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

/// The phase (0..1) of line `line_id` in `draw`.
pub(super) fn phase(seed: u64, draw: u32, line_id: &str) -> f64 {
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
struct RoadDraw {
    /// The day factor on every road link and bus run time.
    day: f64,
    /// The factor on checkpoint delays.
    checkpoint: f64,
    /// The factor on each road link's free-flow time (the day factor included).
    links: Vec<f64>,
}

/// The road conditions of `draw`: the day factors from a stream keyed by the draw, each link's
/// own factor from one keyed by the draw and the link's id.
fn road_draw(net: &Network, seed: u64, draw: u32, v: &Variability) -> RoadDraw {
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

/// One morning as drawn.
pub(super) struct Conditions {
    /// Car door-to-door seconds per pair (`o * zones + d`) that morning.
    pub car: Vec<Option<Seconds>>,
    /// Every line but the custom buses.
    pub transit: Timetable,
    /// The custom buses.
    pub custom_bus: Timetable,
}

/// The conditions of morning `draw`: cars re-routed on the drawn (and congested) roads, and the
/// day's trips of every line with its phase, delay and bus run-time factor.
pub(super) fn conditions(engine: &Engine<'_>, setup: &Setup, draw: u32) -> Conditions {
    let net = engine.network();
    let roads = road_draw(net, setup.seed, draw, &setup.variability);
    let congestion = &setup.congestion;
    let directed: Vec<f64> = (0..2 * roads.links.len())
        .map(|k| roads.links[k / 2] * congestion.roads.get(k).copied().unwrap_or(1.0))
        .collect();
    let car = engine.car_times_scaled(&directed, roads.checkpoint);
    let line_draw = |l: LineId| {
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
    let [transit, custom_bus] = timetables(net, line_draw);
    Conditions {
        car,
        transit,
        custom_bus,
    }
}

/// A morning's two timetables, with every line running as `line_draw` says: every line but the
/// custom buses, and the custom buses. Their patterns come in the same order every morning.
pub(super) fn timetables(net: &Network, line_draw: impl Fn(LineId) -> LineDraw) -> [Timetable; 2] {
    let custom = |l: LineId| net.line(l).mode == Mode::CustomBus;
    [
        Timetable::for_draw(net, |l| !custom(l), &line_draw),
        Timetable::for_draw(net, custom, &line_draw),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_follow_their_distribution() {
        assert_eq!(delay(3, 0, "L", Delay::exponential(0.0)), 0);
        // On time nine mornings in ten, else 10 minutes late on average: a mean of 1 minute.
        let punctual = Delay {
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
}
