//! Commutes within a zone: counted, not routed, but not all the same length.
//!
//! One flat "intrazonal minutes" for every zone makes a zone of 8 million residents (central
//! Tianjin) as quick to cross as one of 300,000, and hides the commutes that make a big city's
//! mean long. A zone with an area (`zones.csv` `area_km2`, its built-up area) is taken instead as
//! a disc of that area with homes and jobs spread evenly over it. The straight-line distance `d`
//! between a home and a job in a disc of radius `R` then has the density
//! `f(d) = 4d/(πR²) [acos(u) - u sqrt(1 - u²)]`, `u = d / 2R`, `0 <= d <= 2R`, with mean
//! `128 R / (45 π)` (about `0.905 R`). A commute covers `DETOUR` times that on the streets at
//! `[demand] intrazonal_kmh` door to door.
//!
//! Who works in their own zone chooses among its jobs as among other zones' jobs, with the
//! gravity model's deterrence `w = exp(-beta x t)`. So the zone's own jobs weigh `E[w]` in
//! destination choice (its cost on the gravity model's diagonal is `-ln E[w] / beta`), and the
//! commutes made within it are those weighted by `w`: mean minutes `E[t w] / E[w]`, mean km and
//! share over 60 minutes likewise. In a zone much larger than the deterrence's reach the mean
//! commute tends to `2 / beta` minutes rather than growing with the zone, as people take the
//! nearer jobs. A zone without an area keeps `[demand] intrazonal_min` for all of these (and no
//! distance).

use crate::network::Zone;
use crate::scenario::Demand;

/// Route distance over straight-line distance of a commute within a zone: street networks of
/// Chinese and other cities measure 1.2 to 1.4 (e.g. Levinson and El-Geneidy 2009, circuity of
/// home-work pairs in US cities, mean about 1.2 to 1.3; Giacomin and Levinson 2015); 1.3 is
/// taken (an estimate).
pub const DETOUR: f64 = 1.3;

/// Intervals of the numeric integration over `u = d / 2R` (Simpson's rule, each side of the
/// 60-minute mark).
const STEPS: usize = 512;

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
}

impl OwnZone {
    /// The commute within `zone` under `demand`.
    pub fn of(zone: &Zone, demand: &Demand) -> Self {
        match zone.area_km2 {
            Some(area) => disc(area, demand.intrazonal_kmh, demand.beta_per_min),
            None => OwnZone {
                cost_min: demand.intrazonal_min,
                mean_min: demand.intrazonal_min,
                mean_km: None,
                share_over_60: if demand.intrazonal_min > 60.0 {
                    1.0
                } else {
                    0.0
                },
            },
        }
    }

    /// The commute within each of `zones`, in their order.
    pub fn of_all(zones: &[Zone], demand: &Demand) -> Vec<Self> {
        zones.iter().map(|z| Self::of(z, demand)).collect()
    }
}

/// The commute within a disc of `area_km2` at `kmh` door to door, with deterrence `beta` per
/// minute.
fn disc(area_km2: f64, kmh: f64, beta: f64) -> OwnZone {
    let radius_km = (area_km2 / std::f64::consts::PI).sqrt();
    // Minutes per unit of u = d / 2R.
    let minutes_per_u = 2.0 * radius_km * DETOUR * 60.0 / kmh;
    let km_per_u = 2.0 * radius_km * DETOUR;
    // Density of u, times the deterrence weight of its minutes.
    let weighted = |u: f64| density(u) * (-beta * u * minutes_per_u).exp();
    let u60 = (60.0 / minutes_per_u).min(1.0);
    let integrate = |f: &dyn Fn(f64) -> f64| simpson(f, 0.0, u60) + simpson(f, u60, 1.0);
    let weight = integrate(&weighted);
    let mean_u = integrate(&|u| u * weighted(u)) / weight;
    let over_60 = simpson(&weighted, u60, 1.0) / weight;
    let cost_min = if beta > 0.0 {
        -weight.ln() / beta
    } else {
        mean_u * minutes_per_u
    };
    OwnZone {
        cost_min,
        mean_min: mean_u * minutes_per_u,
        mean_km: Some(mean_u * km_per_u),
        share_over_60: over_60.clamp(0.0, 1.0),
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

    /// Brute force: pairs of points drawn evenly in the disc, weighted by the deterrence.
    fn sampled(area_km2: f64, kmh: f64, beta: f64) -> (f64, f64, f64) {
        let r = (area_km2 / std::f64::consts::PI).sqrt();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut point = || loop {
            let (x, y) = (rng.random_range(-r..r), rng.random_range(-r..r));
            if x * x + y * y <= r * r {
                return (x, y);
            }
        };
        let (mut w_sum, mut t_sum, mut over) = (0.0, 0.0, 0.0);
        for _ in 0..200_000 {
            let (a, b) = (point(), point());
            let km = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt() * DETOUR;
            let t = km * 60.0 / kmh;
            let w = (-beta * t).exp();
            w_sum += w;
            t_sum += w * t;
            if t > 60.0 {
                over += w;
            }
        }
        (w_sum / 200_000.0, t_sum / w_sum, over / w_sum)
    }

    #[test]
    fn the_disc_matches_points_drawn_in_it() {
        for (area, kmh, beta) in [(50.0, 12.0, 0.0), (400.0, 12.0, 0.12), (800.0, 15.0, 0.05)] {
            let own = disc(area, kmh, beta);
            let (weight, mean_min, over) = sampled(area, kmh, beta);
            let cost = if beta > 0.0 {
                -weight.ln() / beta
            } else {
                mean_min
            };
            assert!(
                (own.mean_min / mean_min - 1.0).abs() < 0.01,
                "{own:?} vs {mean_min}"
            );
            assert!(
                (own.cost_min / cost - 1.0).abs() < 0.01,
                "{own:?} vs {cost}"
            );
            assert!(
                (own.share_over_60 - over).abs() < 0.005,
                "{own:?} vs {over}"
            );
            let km = own.mean_km.unwrap();
            assert!((km - own.mean_min * kmh / 60.0).abs() < 1e-9);
        }
    }

    #[test]
    fn bigger_zones_have_longer_commutes_bounded_by_the_deterrence() {
        let (kmh, beta) = (12.0, 0.12);
        let means: Vec<f64> = [10.0, 100.0, 1_000.0, 10_000.0, 100_000.0]
            .iter()
            .map(|&a| disc(a, kmh, beta).mean_min)
            .collect();
        assert!(means.windows(2).all(|w| w[0] < w[1]), "{means:?}");
        // Jobs spread evenly in the plane, weighted by exp(-beta t): the mean tends to 2 / beta.
        assert!(means[4] < 2.0 / beta + 0.01, "{means:?}");
        assert!(means[4] > 0.95 * 2.0 / beta, "{means:?}");
    }
}
