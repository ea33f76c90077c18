//! Commutes within a zone: counted, not routed, but not all the same length.
//!
//! One flat "intrazonal minutes" for every zone makes a zone of 8 million residents (central
//! Tianjin) as quick to cross as one of 300,000, and hides the commutes that make a big city's
//! mean long. A zone with an area (`zones.csv` `area_km2`, its built-up area) is taken instead as
//! a disc of that area with homes and jobs spread evenly over it. The straight-line distance `d`
//! between a home and a job in a disc of radius `R` then has the density
//! `f(d) = 4d/(πR²) [acos(u) - u sqrt(1 - u²)]`, `u = d / 2R`, `0 <= d <= 2R`, with mean
//! `128 R / (45 π)` (about `0.905 R`). A commute covers `DETOUR` times that on the streets.
//!
//! On each distance the commuter walks, cycles, or takes a motorised mode (local bus, subway,
//! car or taxi, together at `[demand] intrazonal_kmh` door to door), by the logit of the mode
//! choice (`[choice]` speeds, constants and scale; walking and cycling only where `[choice]
//! modes` offers them), so short commutes are walked and cycled and long ones motorised. The
//! distance's composite cost `g` is the logsum of the three in minutes, and its expected
//! minutes `t` the probabilities' mix of their times.
//!
//! Who works in their own zone chooses among its jobs as among other zones' jobs, with the
//! gravity model's deterrence `w = exp(-beta x g)`. So the zone's own jobs weigh `E[w]` in
//! destination choice (its cost on the gravity model's diagonal is `-ln E[w] / beta`), and the
//! commutes made within it are those weighted by `w`: mean minutes `E[t w] / E[w]`, mean km,
//! mode shares and share over 60 minutes likewise. In a zone much larger than the deterrence's
//! reach the mean commute tends to `2 / beta` minutes rather than growing with the zone, as
//! people take the nearer jobs. A zone without an area keeps `[demand] intrazonal_min` for all
//! of these (and no distance or mode).

use crate::network::Zone;
use crate::scenario::{Choice, Demand};

/// Route distance over straight-line distance of a commute within a zone: street networks of
/// Chinese and other cities measure 1.2 to 1.4 (e.g. Levinson and El-Geneidy 2009, circuity of
/// home-work pairs in US cities, mean about 1.2 to 1.3; Giacomin and Levinson 2015); 1.3 is
/// taken (an estimate).
pub const DETOUR: f64 = 1.3;

/// Intervals of the numeric integration over `u = d / 2R` (Simpson's rule, between each
/// alternative's 60-minute mark).
const STEPS: usize = 512;

/// The ways of commuting within a zone, in the order of [`OwnZone::shares`].
pub const OWN_ZONE_MODES: [&str; 3] = ["walk", "cycle", "motorised"];

/// The commute within one zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OwnZone {
    /// Cost of the zone's own jobs on the gravity model's diagonal, generalised minutes.
    pub cost_min: f64,
    /// Mean door-to-door minutes of the commutes made within the zone.
    pub mean_min: f64,
    /// Their mean route distance, km (`None`: the zone has no area).
    pub mean_km: Option<f64>,
    /// Share of them over 60 minutes.
    pub share_over_60: f64,
    /// Shares of them walking, cycling and motorised (local bus, subway, car or taxi), in the
    /// order of [`OWN_ZONE_MODES`] (`None`: the zone has no area).
    pub shares: Option<[f64; 3]>,
}

impl OwnZone {
    /// The commute within `zone` under `demand`, its mode split by `choice`.
    pub fn of(zone: &Zone, demand: &Demand, choice: &Choice) -> Self {
        match zone.area_km2 {
            Some(area) => disc(area, demand, choice),
            None => OwnZone {
                cost_min: demand.intrazonal_min,
                mean_min: demand.intrazonal_min,
                mean_km: None,
                share_over_60: if demand.intrazonal_min > 60.0 {
                    1.0
                } else {
                    0.0
                },
                shares: None,
            },
        }
    }

    /// The commute within each of `zones`, in their order.
    pub fn of_all(zones: &[Zone], demand: &Demand, choice: &Choice) -> Vec<Self> {
        zones.iter().map(|z| Self::of(z, demand, choice)).collect()
    }
}

/// One way of commuting within a zone: door-to-door speed, km/h, the weight of its minutes, its
/// constant, minutes, and the longest street distance it is taken, km.
#[derive(Debug, Clone, Copy)]
struct Way {
    kmh: f64,
    weight: f64,
    constant_min: f64,
    max_km: f64,
}

impl Way {
    /// The ways of `choice` and `demand`, in the order of [`OWN_ZONE_MODES`] (`None`: not
    /// offered).
    fn all(demand: &Demand, choice: &Choice) -> [Option<Way>; 3] {
        let offered = |mode: &str, way: Way| choice.offers(mode).then_some(way);
        [
            offered(
                "walk",
                Way {
                    kmh: choice.walk_kmh,
                    weight: choice.wait_walk_weight,
                    constant_min: choice.walk_constant_min,
                    max_km: choice.max_walk_km,
                },
            ),
            offered(
                "cycle",
                Way {
                    kmh: choice.cycle_kmh,
                    weight: choice.wait_walk_weight,
                    constant_min: choice.cycle_constant_min,
                    max_km: choice.max_cycle_km,
                },
            ),
            Some(Way {
                kmh: demand.intrazonal_kmh,
                weight: 1.0,
                constant_min: 0.0,
                max_km: f64::INFINITY,
            }),
        ]
    }
}

/// What a commuter within a zone weighs at street distance `km`: per way (`None`: not
/// offered), its probability; the composite cost (the logsum, generalised minutes) and the
/// expected minutes.
fn split(ways: &[Option<Way>; 3], scale: f64, km: f64) -> ([f64; 3], f64, f64) {
    let ways = ways.map(|w| w.filter(|w| km <= w.max_km));
    let minutes = ways.map(|w| w.map(|w| km / w.kmh * 60.0));
    let cost = std::array::from_fn::<_, 3, _>(|i| {
        ways[i]
            .zip(minutes[i])
            .map(|(w, t)| w.weight * t + w.constant_min)
    });
    let least = cost.iter().flatten().copied().fold(f64::INFINITY, f64::min);
    let weights = cost.map(|g| {
        g.map_or(0.0, |g| {
            if scale > 0.0 {
                (-scale * (g - least)).exp()
            } else {
                f64::from(u8::from(g == least))
            }
        })
    });
    let total: f64 = weights.iter().sum();
    let p = weights.map(|w| w / total);
    let composite = if scale > 0.0 {
        least - total.ln() / scale
    } else {
        least
    };
    let expected = (0..3).map(|i| p[i] * minutes[i].unwrap_or(0.0)).sum();
    (p, composite, expected)
}

/// The commute within a disc of `area_km2`: its commuters walk, cycle or take a motorised mode
/// (at `[demand] intrazonal_kmh` door to door) by the logit of `choice` on each distance, and
/// choose among the zone's jobs with the deterrence `exp(-beta x composite cost)`.
fn disc(area_km2: f64, demand: &Demand, choice: &Choice) -> OwnZone {
    let radius_km = (area_km2 / std::f64::consts::PI).sqrt();
    // Street km per unit of u = d / 2R.
    let km_per_u = 2.0 * radius_km * DETOUR;
    let ways = Way::all(demand, choice);
    let beta = demand.beta_per_min;
    let at = |u: f64| split(&ways, choice.scale_per_min, u * km_per_u);
    // Density of u, times the deterrence weight of its composite cost.
    let weighted = |u: f64| density(u) * (-beta * at(u).1).exp();
    // Each way's 60-minute mark and longest distance: the integrand jumps there.
    let mut marks: Vec<f64> = ways
        .iter()
        .flatten()
        .flat_map(|w| [w.kmh, w.max_km].map(|km| (km / km_per_u).min(1.0)))
        .collect();
    marks.sort_by(f64::total_cmp);
    let integrate = |f: &dyn Fn(f64) -> f64| {
        let mut from = 0.0;
        let mut sum = 0.0;
        for &to in marks.iter().chain([&1.0]) {
            sum += simpson(f, from, to);
            from = to;
        }
        sum
    };
    let weight = integrate(&weighted);
    let mean_min = integrate(&|u| at(u).2 * weighted(u)) / weight;
    let mean_km = integrate(&|u| u * weighted(u)) / weight * km_per_u;
    let over_60 = integrate(&|u| {
        let (p, _, _) = at(u);
        let over: f64 = (0..3)
            .filter(|&i| ways[i].is_some_and(|w| u * km_per_u / w.kmh * 60.0 > 60.0))
            .map(|i| p[i])
            .sum();
        over * weighted(u)
    }) / weight;
    let shares = std::array::from_fn(|i| integrate(&|u| at(u).0[i] * weighted(u)) / weight);
    let cost_min = if beta > 0.0 {
        -weight.ln() / beta
    } else {
        integrate(&|u| density(u) * at(u).1)
    };
    OwnZone {
        cost_min,
        mean_min,
        mean_km: Some(mean_km),
        share_over_60: over_60.clamp(0.0, 1.0),
        shares: Some(shares),
    }
}

/// Density of `u = d / 2R`, `d` the distance between two points drawn evenly in a disc of
/// radius `R`: `16u/π [acos(u) - u sqrt(1 - u²)]` on `0..=1`.
fn density(u: f64) -> f64 {
    let u = u.clamp(0.0, 1.0);
    16.0 * u / std::f64::consts::PI * (u.acos() - u * (1.0 - u * u).sqrt())
}

/// `f` integrated over `a..=b` by Simpson's rule with [`STEPS`] intervals.
fn simpson(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    if b <= a {
        return 0.0;
    }
    let h = (b - a) / STEPS as f64;
    let inner: f64 = (1..STEPS)
        .map(|i| {
            let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
            weight * f(a + h * i as f64)
        })
        .sum();
    (f(a) + inner + f(b)) * h / 3.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn the_density_integrates_to_one_with_the_known_mean() {
        assert!((simpson(&density, 0.0, 1.0) - 1.0).abs() < 1e-4);
        // Mean distance 128 R / (45 π), i.e. mean u = 64 / (45 π).
        let mean_u = simpson(&|u| u * density(u), 0.0, 1.0);
        assert!((mean_u - 64.0 / (45.0 * std::f64::consts::PI)).abs() < 1e-4);
    }

    fn params(kmh: f64, beta: f64, walk_and_cycle: bool) -> (Demand, Choice) {
        let demand = Demand {
            intrazonal_kmh: kmh,
            beta_per_min: beta,
            ..Demand::default()
        };
        let mut choice = Choice::default();
        choice.modes[3] = walk_and_cycle;
        choice.modes[4] = walk_and_cycle;
        (demand, choice)
    }

    /// Brute force: pairs of points drawn evenly in the disc, each commute split by the logit
    /// and weighted by the deterrence of its composite cost: (the mean weight, mean minutes,
    /// share over 60, shares).
    fn sampled(area_km2: f64, demand: &Demand, choice: &Choice) -> (f64, f64, f64, [f64; 3]) {
        let r = (area_km2 / std::f64::consts::PI).sqrt();
        let ways = Way::all(demand, choice);
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut point = || loop {
            let (x, y) = (rng.random_range(-r..r), rng.random_range(-r..r));
            if x * x + y * y <= r * r {
                return (x, y);
            }
        };
        let (mut w_sum, mut t_sum, mut over, mut shares) = (0.0, 0.0, 0.0, [0.0; 3]);
        const N: usize = 200_000;
        for _ in 0..N {
            let (a, b) = (point(), point());
            let km = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt() * DETOUR;
            let (p, g, t) = split(&ways, choice.scale_per_min, km);
            let w = (-demand.beta_per_min * g).exp();
            w_sum += w;
            t_sum += w * t;
            for i in 0..3 {
                shares[i] += w * p[i];
                if ways[i].is_some_and(|way| km / way.kmh * 60.0 > 60.0) {
                    over += w * p[i];
                }
            }
        }
        (
            w_sum / N as f64,
            t_sum / w_sum,
            over / w_sum,
            shares.map(|x| x / w_sum),
        )
    }

    #[test]
    fn the_disc_matches_points_drawn_in_it() {
        for (area, kmh, beta, walk_and_cycle) in [
            (50.0, 12.0, 0.0, false),
            (400.0, 12.0, 0.12, false),
            (800.0, 15.0, 0.05, false),
            (50.0, 15.0, 0.05, true),
            (400.0, 12.0, 0.08, true),
        ] {
            let (demand, choice) = params(kmh, beta, walk_and_cycle);
            let own = disc(area, &demand, &choice);
            let (weight, mean_min, over, shares) = sampled(area, &demand, &choice);
            assert!(
                (own.mean_min / mean_min - 1.0).abs() < 0.01,
                "{own:?} vs {mean_min}"
            );
            if beta > 0.0 {
                let cost = -weight.ln() / beta;
                assert!(
                    (own.cost_min / cost - 1.0).abs() < 0.01,
                    "{own:?} vs {cost}"
                );
            }
            assert!(
                (own.share_over_60 - over).abs() < 0.005,
                "{own:?} vs {over}"
            );
            let own_shares = own.shares.unwrap();
            for i in 0..3 {
                assert!(
                    (own_shares[i] - shares[i]).abs() < 0.005,
                    "{own:?} vs {shares:?}"
                );
            }
            if walk_and_cycle {
                // Walking and cycling carry a part; the shares sum to one.
                assert!(own_shares[0] > 0.01 && own_shares[1] > 0.01, "{own:?}");
                assert!((own_shares.iter().sum::<f64>() - 1.0).abs() < 1e-6);
            } else {
                // One speed: km and minutes in proportion, everyone motorised.
                assert_eq!(own_shares, [0.0, 0.0, 1.0]);
                let km = own.mean_km.unwrap();
                assert!((km - own.mean_min * kmh / 60.0).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn walking_and_cycling_shorten_the_own_zone_cost_and_carry_the_short_commutes() {
        let (demand, without) = params(12.0, 0.06, false);
        let (_, with) = params(12.0, 0.06, true);
        let (small_without, small) = (disc(20.0, &demand, &without), disc(20.0, &demand, &with));
        assert!(small.cost_min < small_without.cost_min);
        // A small zone walks and cycles more than a large one.
        let large = disc(800.0, &demand, &with);
        let active = |o: &OwnZone| o.shares.unwrap()[0] + o.shares.unwrap()[1];
        assert!(active(&small) > active(&large), "{small:?} {large:?}");
    }

    #[test]
    fn bigger_zones_have_longer_commutes_bounded_by_the_deterrence() {
        let (demand, choice) = params(12.0, 0.12, false);
        let beta = demand.beta_per_min;
        let means: Vec<f64> = [10.0, 100.0, 1_000.0, 10_000.0, 100_000.0]
            .iter()
            .map(|&a| disc(a, &demand, &choice).mean_min)
            .collect();
        assert!(means.windows(2).all(|w| w[0] < w[1]), "{means:?}");
        // Jobs spread evenly in the plane, weighted by exp(-beta t): the mean tends to 2 / beta.
        assert!(means[4] < 2.0 / beta + 0.01, "{means:?}");
        assert!(means[4] > 0.95 * 2.0 / beta, "{means:?}");
    }
}
