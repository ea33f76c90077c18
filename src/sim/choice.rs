//! The mode choice model: everything that decides what a commuter takes.
//!
//! A commuter weighs each alternative in *generalised minutes* (minutes aboard, waiting and
//! walking weighted, transfers, fares and car costs at a value of time, a constant per
//! alternative; the scenario's [`Choice`] parameters) and chooses by multinomial logit,
//! P(i) = exp(V_i) / sum_j exp(V_j) with V_i = -scale x generalised minutes, over the
//! alternatives available to them: households with a car choose between all six (car, transit,
//! custom bus, walking, cycling, taxi), the others between all but the car. Walking and cycling
//! cover the street distance between the zones (the straight line times the same detour as a
//! commute within a zone) at their speeds; a taxi or ride-hailing car takes the car's route and
//! time after a wait, for its fare. Minutes aboard a crowded vehicle weigh more
//! ([`Journey::crowding_min`], from [`super::crowding`]). A commuter turned away from a full
//! vehicle waits for the next vehicle that avoids the full one, queues for one after the window
//! (not served in it), or takes another alternative: the logit over what is left (walking,
//! cycling and the taxi among it), the next vehicle weighed by its later arrival and the queue
//! as the full alternative itself; one turned away from the next vehicle or the other
//! alternative as well drives if the household has a car, or is not served.
//!
//! The simulation sees only this interface: [`ChoiceModel::car_fixed_min`] (once per zone
//! pair), [`ChoiceModel::probabilities`] of an [`Offer`], and of those [`Probabilities`] the
//! expected [`Probabilities::share`] of an alternative and the outcome of capacity rationing
//! ([`Probabilities::rationed`]). A nested logit would change this file alone.

use crate::routing::OdResult;
use crate::scenario::Choice;
use crate::time::{Seconds, to_minutes};

/// What a commuter chooses between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Alternative {
    /// Driving (households with a car).
    Car,
    /// Rail, subway and bus.
    Transit,
    /// A custom commuter bus.
    CustomBus,
    /// Walking all the way.
    Walk,
    /// Cycling all the way (own bicycle, shared bike or e-bike).
    Cycle,
    /// A taxi or ride-hailing car.
    Taxi,
}

/// The number of alternatives (the length of per-alternative arrays).
pub const ALTERNATIVES: usize = 6;

impl Alternative {
    /// All alternatives, in output order (also the index into per-alternative arrays).
    pub const ALL: [Alternative; ALTERNATIVES] = [
        Alternative::Car,
        Alternative::Transit,
        Alternative::CustomBus,
        Alternative::Walk,
        Alternative::Cycle,
        Alternative::Taxi,
    ];

    /// Its index in per-alternative arrays (the order of [`Alternative::ALL`]).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Alternative::Car => "car",
            Alternative::Transit => "transit",
            Alternative::CustomBus => "custom_bus",
            Alternative::Walk => "walk",
            Alternative::Cycle => "cycle",
            Alternative::Taxi => "taxi",
        }
    }
}

/// A drive as a commuter weighs it (at the wheel, or in a taxi).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drive {
    /// Minutes door to door on the morning's roads (a taxi's after its wait).
    pub minutes: f64,
    /// The generalised minutes besides the time ([`ChoiceModel::car_fixed_min`],
    /// [`ChoiceModel::taxi_fixed_min`]).
    pub fixed_min: f64,
}

/// A public-transport itinerary as a commuter weighs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Journey {
    /// Door-to-door seconds from the departure minute.
    pub time_s: Seconds,
    /// Seconds aboard vehicles.
    pub ride_s: Seconds,
    /// Vehicles boarded.
    pub vehicles: u32,
    /// Fare, yuan.
    pub fare_yuan: f64,
    /// Minutes the crowding of its rides adds to its minutes aboard: per segment ridden, its
    /// minutes times the crowding multiplier less one (0 on uncrowded vehicles).
    pub crowding_min: f64,
}

/// What a commuter can take for one trip at one departure minute (`None`: not available).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Offer {
    /// Driving, for households with a car.
    pub car: Option<Drive>,
    /// Rail, subway and bus.
    pub transit: Option<Journey>,
    /// A custom commuter bus.
    pub custom_bus: Option<Journey>,
    /// The street distance door to door, km, walked or cycled ([`ChoiceModel::street_km`]).
    pub street_km: Option<f64>,
    /// A taxi or ride-hailing car, for every household.
    pub taxi: Option<Drive>,
}

/// The choice model of a scenario: its parameters and the logit.
#[derive(Debug, Clone, Copy)]
pub struct ChoiceModel {
    params: Choice,
    /// Alternatives longer than this, door-to-door minutes, are not available.
    max_commute_min: f64,
}

impl ChoiceModel {
    /// The model with parameters `params`, alternatives up to `max_commute_min` door-to-door
    /// minutes available.
    pub fn new(params: Choice, max_commute_min: f64) -> Self {
        ChoiceModel {
            params,
            max_commute_min,
        }
    }

    /// The generalised minutes of a drive on the deterministic skims (its time, the car
    /// constant, tolls and running cost), if it is not longer than the longest commute.
    pub fn skim_car_min(&self, r: &OdResult) -> Option<f64> {
        let minutes = to_minutes(r.time_s);
        (self.offers(Alternative::Car) && self.within_reach(minutes))
            .then(|| minutes + self.car_fixed_min(r.cost_yuan, r.distance_km))
    }

    /// The generalised minutes of a public-transport trip on the deterministic skims (every
    /// minute weighed as one aboard: the skims do not split them; transfers, constant and
    /// fare), if it is not longer than the longest commute.
    pub fn skim_transit_min(&self, r: &OdResult) -> Option<f64> {
        let c = &self.params;
        let minutes = to_minutes(r.time_s);
        (self.offers(Alternative::Transit) && self.within_reach(minutes)).then(|| {
            minutes
                + c.transfer_penalty_min * f64::from(r.transfers)
                + c.transit_constant_min
                + r.cost_yuan * c.minutes_per_yuan
        })
    }

    /// The composite cost of alternatives with generalised minutes `g` (`None`: not available),
    /// the logsum in minutes: `-ln(sum exp(-scale x g)) / scale` (the least `g` at scale 0);
    /// `None` when none is available.
    pub fn composite_min(&self, g: &[Option<f64>]) -> Option<f64> {
        let least = g.iter().flatten().copied().reduce(f64::min)?;
        let scale = self.params.scale_per_min;
        if scale <= 0.0 {
            return Some(least);
        }
        let sum: f64 = g
            .iter()
            .flatten()
            .map(|&x| (-scale * (x - least)).exp())
            .sum();
        Some(least - sum.ln() / scale)
    }

    /// Whether the scenario offers `alternative` (`[choice] modes`).
    pub fn offers(&self, alternative: Alternative) -> bool {
        self.params.modes[alternative.index()]
    }

    /// Whether a trip of `minutes` door to door is available.
    fn within_reach(&self, minutes: f64) -> bool {
        minutes <= self.max_commute_min
    }

    /// The generalised minutes of a car route besides its driving time: the car constant, and
    /// tolls `toll_yuan` plus running cost on `distance_km` at the value of time.
    pub fn car_fixed_min(&self, toll_yuan: f64, distance_km: f64) -> f64 {
        let c = &self.params;
        c.car_constant_min + (toll_yuan + distance_km * c.car_cost_yuan_per_km) * c.minutes_per_yuan
    }

    /// The logit weight of waiting for a later vehicle, `later` (a journey from a departure
    /// `extra_wait_s` later), relative to the journey `now` it replaces: `exp(-scale x the extra
    /// generalised minutes)`, the extra wait weighed as waiting; 0 when the later journey,
    /// counted from the commuter's departure, is longer than the longest commute.
    pub fn next_vehicle_weight(
        &self,
        now: &Journey,
        later: &Journey,
        extra_wait_s: Seconds,
    ) -> f64 {
        let total = Journey {
            time_s: later.time_s.saturating_add(extra_wait_s),
            ..*later
        };
        if !self.within_reach(to_minutes(total.time_s)) {
            return 0.0;
        }
        let extra = self.journey_min(&total, 0.0) - self.journey_min(now, 0.0);
        (-self.params.scale_per_min * extra).exp()
    }

    /// Generalised minutes of `journey`, with the alternative's constant `constant_min`.
    fn journey_min(&self, journey: &Journey, constant_min: f64) -> f64 {
        let c = &self.params;
        let total = to_minutes(journey.time_s);
        let aboard = to_minutes(journey.ride_s);
        aboard
            + journey.crowding_min
            + c.wait_walk_weight * (total - aboard)
            + c.transfer_penalty_min * f64::from(journey.vehicles.saturating_sub(1))
            + constant_min
            + journey.fare_yuan * c.minutes_per_yuan
    }

    /// The street distance between two places `straight_km` apart in a straight line, km: the
    /// distance walked or cycled, over the same detour as a commute within a zone.
    pub fn street_km(straight_km: f64) -> f64 {
        straight_km * crate::sim::intrazonal::DETOUR
    }

    /// Door-to-door minutes walking and cycling `street_km`, each if the scenario offers it
    /// (`[choice] modes`) and it is not farther than its longest distance (`max_walk_km`,
    /// `max_cycle_km`).
    pub fn walk_cycle_minutes(&self, street_km: f64) -> [Option<f64>; 2] {
        let c = &self.params;
        [
            (Alternative::Walk, c.walk_kmh, c.max_walk_km),
            (Alternative::Cycle, c.cycle_kmh, c.max_cycle_km),
        ]
        .map(|(a, kmh, max_km)| {
            (self.offers(a) && street_km <= max_km).then(|| street_km / kmh * 60.0)
        })
    }

    /// The taxi fare of a ride of `distance_km`, yuan: the flag fall covers the first
    /// `taxi_flag_km`, then `taxi_yuan_per_km`, and `taxi_far_yuan_per_km` beyond `taxi_far_km`.
    pub fn taxi_fare_yuan(&self, distance_km: f64) -> f64 {
        let c = &self.params;
        let near = (distance_km.min(c.taxi_far_km) - c.taxi_flag_km).max(0.0);
        let far = (distance_km - c.taxi_far_km.max(c.taxi_flag_km)).max(0.0);
        c.taxi_flag_yuan + near * c.taxi_yuan_per_km + far * c.taxi_far_yuan_per_km
    }

    /// The generalised minutes of a taxi ride of `distance_km` besides its door-to-door
    /// minutes (which hold the wait, [`ChoiceModel::taxi`]): what the wait weighs beyond a
    /// minute aboard (`wait_walk_weight - 1` a minute), the fare at the value of time and the
    /// taxi constant.
    pub fn taxi_fixed_min(&self, distance_km: f64) -> f64 {
        let c = &self.params;
        c.taxi_wait_min * (c.wait_walk_weight - 1.0)
            + c.taxi_constant_min
            + self.taxi_fare_yuan(distance_km) * c.minutes_per_yuan
    }

    /// A taxi ride of `road_min` on the roads, with fixed minutes `fixed_min`
    /// ([`ChoiceModel::taxi_fixed_min`]): door to door it takes the wait as well.
    pub fn taxi(&self, road_min: f64, fixed_min: f64) -> Drive {
        Drive {
            minutes: road_min + self.params.taxi_wait_min,
            fixed_min,
        }
    }

    /// Walking and cycling `street_km`: each one's door-to-door and generalised minutes, where
    /// [`ChoiceModel::walk_cycle_minutes`] has them. A minute walking or cycling weighs as one
    /// walking to a station (`wait_walk_weight`).
    fn street_min(&self, street_km: f64) -> [Option<(f64, f64)>; 2] {
        let c = &self.params;
        let constants = [c.walk_constant_min, c.cycle_constant_min];
        let minutes = self.walk_cycle_minutes(street_km);
        std::array::from_fn(|i| minutes[i].map(|m| (m, c.wait_walk_weight * m + constants[i])))
    }

    /// The generalised minutes of walking and cycling on the skims (the street distance of the
    /// zones' straight line `straight_km`), each if not longer than the longest commute.
    pub fn skim_street_min(&self, straight_km: f64) -> [Option<f64>; 2] {
        self.street_min(Self::street_km(straight_km))
            .map(|route| route.filter(|&(m, _)| self.within_reach(m)).map(|(_, g)| g))
    }

    /// The generalised minutes of a taxi on the deterministic skims (the car's route `r`), if
    /// not longer than the longest commute.
    pub fn skim_taxi_min(&self, r: &OdResult) -> Option<f64> {
        let ride = self.taxi(to_minutes(r.time_s), self.taxi_fixed_min(r.distance_km));
        (self.offers(Alternative::Taxi) && self.within_reach(ride.minutes))
            .then_some(ride.minutes + ride.fixed_min)
    }

    /// The choice probabilities of `offer` for households with a car and for the others;
    /// alternatives longer than the longest commute are not available.
    pub fn probabilities(&self, offer: &Offer) -> Probabilities {
        let c = &self.params;
        let drive = |d: Drive| (d.minutes, d.minutes + d.fixed_min);
        let street = offer.street_km.map(|km| self.street_min(km));
        // Minutes door to door and generalised minutes of each alternative with a route, in
        // the order of `Alternative::ALL`.
        let routes = [
            offer.car.map(drive),
            offer.transit.map(|j| {
                let g = self.journey_min(&j, c.transit_constant_min);
                (to_minutes(j.time_s), g)
            }),
            offer.custom_bus.map(|j| {
                let g = self.journey_min(&j, c.custom_bus_constant_min);
                (to_minutes(j.time_s), g)
            }),
            street.and_then(|s| s[0]),
            street.and_then(|s| s[1]),
            offer.taxi.map(drive),
        ];
        let mut routes = routes;
        for a in Alternative::ALL.into_iter().filter(|&a| !self.offers(a)) {
            routes[a.index()] = None;
        }
        let routed = routes.map(|r| r.map(|(_, g)| g));
        let available = routes.map(|r| r.filter(|&(m, _)| self.within_reach(m)).map(|(_, g)| g));
        let without_car = |mut g: [Option<f64>; ALTERNATIVES]| {
            g[Alternative::Car.index()] = None;
            g
        };
        let utility = |g: [Option<f64>; ALTERNATIVES]| g.map(|g| g.map(|g| -c.scale_per_min * g));
        Probabilities {
            car_owners: logit(utility(available)),
            others: logit(utility(without_car(available))),
            composite_min: [
                self.composite_min(&available),
                self.composite_min(&without_car(available)),
            ],
            appraised_min: [
                self.composite_min(&routed),
                self.composite_min(&without_car(routed)),
            ],
            scale_per_min: c.scale_per_min,
        }
    }
}

/// The choice probabilities of one offer, per alternative ([`Alternative::index`]), for the two
/// groups of commuters: households with a car and the others. All zero: nothing to choose.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Probabilities {
    car_owners: [f64; ALTERNATIVES],
    others: [f64; ALTERNATIVES],
    /// Per group (households with a car, the others): the composite cost of what it can choose
    /// from, generalised minutes ([`ChoiceModel::composite_min`]; `None`: nothing).
    composite_min: [Option<f64>; 2],
    /// The same over every alternative with a route, those beyond the longest commute included
    /// (`None`: no route): what the appraisal values, see [`Probabilities::composite`].
    appraised_min: [Option<f64>; 2],
    /// The logit scale the composites are in, per generalised minute.
    scale_per_min: f64,
}

/// Of the commuters choosing each alternative ([`Alternative::index`]), the share that gets on
/// board: of those who chose it first, and of those who come to it turned away from another;
/// and the next vehicle those turned away may wait for. Alternatives without a capacity (car,
/// walking, cycling, taxi) always have room.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boarding {
    /// Share boarding, of those who chose the alternative first.
    pub first: [f64; ALTERNATIVES],
    /// Share boarding, of those turned away from another alternative.
    pub movers: [f64; ALTERNATIVES],
    /// Per alternative, the next vehicle for those its first stage turned away.
    pub next: [NextVehicle; ALTERNATIVES],
}

impl Boarding {
    /// Everyone gets on.
    pub const ALL: Boarding = Boarding {
        first: [1.0; ALTERNATIVES],
        movers: [1.0; ALTERNATIVES],
        next: [NextVehicle::NONE; ALTERNATIVES],
    };

    /// Per alternative, the chance that those choosing it find a place in the window: the
    /// vehicle they chose, or else the next one, as much as it is worth against the one missed
    /// (its logit weight); 1 for alternatives without a capacity. The *implicit availability*
    /// of Cascetta and Papola (2001), which [`Probabilities::with_availability`] puts into the
    /// composite cost.
    pub fn availability(&self) -> [f64; ALTERNATIVES] {
        std::array::from_fn(|a| {
            let (first, next) = (self.first[a], self.next[a]);
            (first + (1.0 - first) * next.weight * next.boarding).clamp(0.0, 1.0)
        })
    }
}

/// A later vehicle of the same alternative for commuters turned away from a full one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NextVehicle {
    /// Its logit weight relative to the journey it replaces
    /// ([`ChoiceModel::next_vehicle_weight`]; 0: there is none).
    pub weight: f64,
    /// The share of those waiting for it that get on.
    pub boarding: f64,
}

impl NextVehicle {
    /// No later vehicle.
    pub const NONE: NextVehicle = NextVehicle {
        weight: 0.0,
        boarding: 1.0,
    };
}

/// The outcome of capacity rationing for one offer ([`Probabilities::rationed`]), each as a
/// share of the offer's commuters.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rationed {
    /// On each alternative in the end ([`Alternative::index`]).
    pub by: [f64; ALTERNATIVES],
    /// Turned away from each alternative they chose first.
    pub turned_away: [f64; ALTERNATIVES],
    /// Turned away from each alternative they had moved to, turned away from another.
    pub turned_away_again: [f64; ALTERNATIVES],
    /// Moving to each alternative, turned away from another (before they board it).
    pub movers: [f64; ALTERNATIVES],
    /// Waiting for the next vehicle of each alternative, turned away from a full one (before
    /// they board it).
    pub waiting: [f64; ALTERNATIVES],
    /// On the next vehicle of each alternative in the end (part of `by`).
    pub by_next: [f64; ALTERNATIVES],
    /// Turned away from the next vehicle they waited for.
    pub turned_away_waiting: [f64; ALTERNATIVES],
}

impl Probabilities {
    /// The groups with their shares of commuters, where `car_share` of households have a car.
    fn groups(&self, car_share: f64) -> [(f64, &[f64; ALTERNATIVES]); 2] {
        [
            (car_share, &self.car_owners),
            (1.0 - car_share, &self.others),
        ]
    }

    /// The composite cost of the offer, generalised minutes, for commuters of whom `car_share`
    /// have a car: the groups' logsums in minutes, weighted by their shares, over the groups
    /// with a route; with that weight (the share of commuters with a route). Its change
    /// between two scenarios is the change in consumer surplus of a logit chooser (Small and
    /// Rosen 1981), with the sign reversed.
    ///
    /// Alternatives beyond the longest commute, which nobody takes, are valued at their cost
    /// here: an alternative that crosses the threshold moves the surplus by the minutes it
    /// gains, not by a jump from nothing to something. (Over the available ones only, a group
    /// that gains its first alternative, a long one, would raise the mean cost of those with
    /// a choice and count as a loss: a new road that brings a car trip under the longest
    /// commute would appear to hurt.)
    pub fn composite(&self, car_share: f64) -> (f64, f64) {
        let weights = [car_share, 1.0 - car_share];
        let (mut sum, mut weight) = (0.0, 0.0);
        for (g, w) in self.appraised_min.iter().zip(weights) {
            if let Some(g) = g
                && w > 0.0
            {
                sum += w * g;
                weight += w;
            }
        }
        (sum, weight)
    }

    /// Per group (households with a car, the others), the composite cost of what it can choose
    /// from, generalised minutes (`None`: nothing).
    pub fn group_composites(&self) -> [Option<f64>; 2] {
        self.composite_min
    }

    /// The same choices with their composite costs where each alternative is available only
    /// with the chance `availability` ([`Boarding::availability`]): each alternative's logit
    /// weight `exp(-scale G)` times its availability, as in Cascetta and Papola's implicit
    /// availability model, so that a full train is worth what riders can get of it. The
    /// composite of a group then rises by `-ln(1 - lost) / scale`, `lost` the share of its
    /// choosers the rationing leaves without a place (`sum_a p_a (1 - availability_a)`); the
    /// appraised composite (over the alternatives beyond the longest commute too) loses the
    /// same weight. With room everywhere nothing changes; the probabilities are kept (the
    /// rationing itself is [`Probabilities::rationed`]). At most a factor of a million of the
    /// weight is lost (a pair whose every place is taken costs `ln(1e6) / scale` more).
    pub fn with_availability(&self, availability: &[f64; ALTERNATIVES]) -> Probabilities {
        const MOST_LOST: f64 = 1.0 - 1e-6;
        let mut out = *self;
        if self.scale_per_min <= 0.0 {
            return out;
        }
        for (g, p) in [&self.car_owners, &self.others].into_iter().enumerate() {
            let lost: f64 = p.iter().zip(availability).map(|(p, a)| p * (1.0 - a)).sum();
            let Some(composite) = self.composite_min[g] else {
                continue;
            };
            let lost = lost.clamp(0.0, MOST_LOST);
            out.composite_min[g] = Some(composite - (1.0 - lost).ln() / self.scale_per_min);
            if let Some(appraised) = self.appraised_min[g] {
                // The available alternatives hold exp(-scale (composite - appraised)) of the
                // appraised weight.
                let share = (-self.scale_per_min * (composite - appraised)).exp();
                let lost = (lost * share).clamp(0.0, MOST_LOST);
                out.appraised_min[g] = Some(appraised - (1.0 - lost).ln() / self.scale_per_min);
            }
        }
        out
    }

    /// The share of commuters choosing `alternative`, where `car_share` of households have a
    /// car.
    pub fn share(&self, alternative: Alternative, car_share: f64) -> f64 {
        let a = alternative.index();
        car_share * self.car_owners[a] + (1.0 - car_share) * self.others[a]
    }

    /// The shares when only part of those choosing an alternative get on board (`boarding`):
    /// those turned away take their next-best option by the logit over what is left: the next
    /// vehicle of the same alternative (weighed by [`NextVehicle::weight`] against the vehicle
    /// they missed), a vehicle of it after the window (the queue at a full station: weighed as
    /// the alternative itself, and not served in the window), or another alternative, in
    /// proportion to their probabilities. Again only `boarding.movers` (or the next vehicle's
    /// `boarding`) of them get on; those turned away twice drive if they can, or are not served.
    pub fn rationed(&self, car_share: f64, boarding: Boarding) -> Rationed {
        let mut out = Rationed::default();
        for (size, p) in self.groups(car_share) {
            if size <= 0.0 {
                continue;
            }
            for a in 0..ALTERNATIVES {
                let first = p[a] * boarding.first[a];
                out.by[a] += size * first;
                let away = p[a] - first;
                if away <= 0.0 {
                    continue;
                }
                out.turned_away[a] += size * away;
                let next = boarding.next[a];
                let wait = p[a] * next.weight;
                // Queueing for a vehicle after the window keeps the alternative's own weight.
                let queue = p[a];
                let rest: f64 = queue
                    + wait
                    + (0..ALTERNATIVES)
                        .filter(|&b| b != a)
                        .map(|b| p[b])
                        .sum::<f64>();
                if rest <= 0.0 {
                    continue;
                }
                if wait > 0.0 {
                    let waiting = away * wait / rest;
                    let on = waiting * next.boarding;
                    out.waiting[a] += size * waiting;
                    out.by[a] += size * on;
                    out.by_next[a] += size * on;
                    out.turned_away_waiting[a] += size * (waiting - on);
                    drive_if_possible(&mut out, p, a, a, size * (waiting - on));
                }
                for b in (0..ALTERNATIVES).filter(|&b| b != a) {
                    let moving = away * p[b] / rest;
                    let on = moving * boarding.movers[b];
                    out.movers[b] += size * moving;
                    out.by[b] += size * on;
                    out.turned_away_again[b] += size * (moving - on);
                    drive_if_possible(&mut out, p, a, b, size * (moving - on));
                }
            }
        }
        out
    }
}

/// Commuters `again` turned away from alternative `b`, having been turned away from `a`: they
/// drive if the household has a car (`p`, their probabilities, offer it) and they have not been
/// turned away from it; otherwise they are not served. (Walking, cycling and the taxi were
/// offered them when they were first turned away, by the logit over what was left; a commuter
/// turned away twice is one the lines could not carry in the window, and is counted so.)
fn drive_if_possible(out: &mut Rationed, p: &[f64; ALTERNATIVES], a: usize, b: usize, again: f64) {
    let car = Alternative::Car.index();
    if again > 0.0 && p[car] > 0.0 && a != car && b != car {
        out.by[car] += again;
    }
}

/// Choice probabilities for utilities `v` (`None` = alternative not available). Computed with
/// the maximum subtracted, so large utilities do not overflow. All `None` gives all zeros.
fn logit<const N: usize>(v: [Option<f64>; N]) -> [f64; N] {
    let max = v
        .iter()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return [0.0; N];
    }
    let weights = v.map(|u| u.map_or(0.0, |u| (u - max).exp()));
    let total: f64 = weights.iter().sum();
    weights.map(|w| w / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_alternatives_follow_the_closed_form() {
        // P(car) = 1 / (1 + exp(V_pt - V_car)).
        let (car, pt) = (-1.2, -0.7);
        let p = logit([Some(car), Some(pt)]);
        let expected = 1.0 / (1.0 + f64::exp(pt - car));
        assert!((p[0] - expected).abs() < 1e-12);
        assert!((p[0] + p[1] - 1.0).abs() < 1e-12);
        // Unavailable alternatives get nothing; huge utilities do not overflow.
        assert_eq!(logit([None, Some(3.0)]), [0.0, 1.0]);
        assert_eq!(logit([Some(1000.0), Some(1000.0)]), [0.5, 0.5]);
        assert_eq!(logit([None, None]), [0.0, 0.0]);
    }

    fn journey(minutes: u32) -> Journey {
        Journey {
            time_s: minutes * 60,
            ride_s: minutes * 60,
            vehicles: 1,
            fare_yuan: 0.0,
            crowding_min: 0.0,
        }
    }

    #[test]
    fn households_without_a_car_do_not_drive() {
        let model = ChoiceModel::new(Choice::default(), 1e9);
        let offer = Offer {
            car: Some(Drive {
                minutes: 20.0,
                fixed_min: model.car_fixed_min(0.0, 10.0),
            }),
            transit: Some(journey(30)),
            custom_bus: None,
            ..Offer::default()
        };
        let p = model.probabilities(&offer);
        assert_eq!(p.share(Alternative::Car, 0.0), 0.0);
        assert_eq!(p.share(Alternative::Transit, 0.0), 1.0);
        // Car: 20 minutes, the 10-minute constant and 10 km at 0.6 yuan, 1.5 minutes a yuan;
        // transit: 30 minutes aboard.
        let car = 20.0 + 10.0 + 10.0 * 0.6 * 1.5;
        let expected = 1.0 / (1.0 + f64::exp(0.1 * (car - 30.0)));
        assert!((p.share(Alternative::Car, 1.0) - expected).abs() < 1e-12);
        assert!((p.share(Alternative::Car, 0.5) - expected / 2.0).abs() < 1e-12);
        assert_eq!(
            Probabilities::default().share(Alternative::Transit, 0.5),
            0.0
        );
    }

    #[test]
    fn the_appraisal_values_an_alternative_crossing_the_longest_commute_by_its_minutes() {
        // The car takes 151 minutes, then 149: over the 150-minute limit it is not chosen, but
        // the appraisal's composite moves by the two minutes, not from nothing to something.
        let model = ChoiceModel::new(Choice::default(), 150.0);
        let offer = |car_min: f64| Offer {
            car: Some(Drive {
                minutes: car_min,
                fixed_min: 0.0,
            }),
            transit: Some(journey(160)),
            custom_bus: None,
            ..Offer::default()
        };
        let (slow, fast) = (
            model.probabilities(&offer(151.0)),
            model.probabilities(&offer(149.0)),
        );
        assert_eq!(slow.share(Alternative::Car, 1.0), 0.0);
        assert!(fast.share(Alternative::Car, 1.0) > 0.9);
        // Households with a car: everyone has a route both times, and gains.
        let ((before, with_route_before), (after, with_route_after)) =
            (slow.composite(1.0), fast.composite(1.0));
        assert_eq!((with_route_before, with_route_after), (1.0, 1.0));
        assert!(
            after < before && before - after < 2.0,
            "{before} -> {after}"
        );
        // Destination choice still sees only what can be chosen.
        assert_eq!(slow.group_composites(), [None, None]);
        assert!(fast.group_composites()[0].is_some());
    }

    #[test]
    fn availability_weighs_each_alternative_in_the_composite() {
        // Car 30 generalised minutes, transit 25; transit has room for 40% of those choosing
        // it, and no next vehicle.
        let model = ChoiceModel::new(Choice::default(), 150.0);
        let offer = Offer {
            car: Some(Drive {
                minutes: 30.0,
                fixed_min: 0.0,
            }),
            transit: Some(journey(25)),
            custom_bus: None,
            ..Offer::default()
        };
        let p = model.probabilities(&offer);
        let scale = Choice::default().scale_per_min;
        let logsum = |w: &[f64]| -w.iter().sum::<f64>().ln() / scale;
        let (car, transit) = ((-scale * 30.0).exp(), (-scale * 25.0).exp());
        // Room everywhere: nothing changes.
        let all = Boarding::ALL.availability();
        assert_eq!(all, [1.0; ALTERNATIVES]);
        assert_eq!(p.with_availability(&all), p);
        // Transit available 40% of the time: its weight counts 0.4 (Cascetta and Papola).
        let mut boarding = Boarding::ALL;
        boarding.first[Alternative::Transit.index()] = 0.4;
        let availability = boarding.availability();
        assert_eq!(availability[Alternative::Transit.index()], 0.4);
        let q = p.with_availability(&availability);
        let [owners, others] = q.group_composites();
        assert!((owners.unwrap() - logsum(&[car, 0.4 * transit])).abs() < 1e-9);
        assert!((others.unwrap() - logsum(&[0.4 * transit])).abs() < 1e-9);
        // The appraised composite (same alternatives here) alike, and the choices are kept.
        assert!((q.composite(1.0).0 - logsum(&[car, 0.4 * transit])).abs() < 1e-9);
        assert_eq!(
            q.share(Alternative::Car, 1.0),
            p.share(Alternative::Car, 1.0)
        );
        // A next vehicle worth half the missed one, with room for all: 0.4 + 0.6 x 0.5.
        boarding.next[Alternative::Transit.index()] = NextVehicle {
            weight: 0.5,
            boarding: 1.0,
        };
        let later = p.with_availability(&boarding.availability());
        assert!((later.group_composites()[1].unwrap() - logsum(&[0.7 * transit])).abs() < 1e-9);
        // Less room never lowers the cost; no room at all costs at most ln(1e6) / scale more.
        boarding.first[Alternative::Transit.index()] = 0.0;
        boarding.next[Alternative::Transit.index()] = NextVehicle::NONE;
        let none = p.with_availability(&boarding.availability());
        let (g, h) = (
            none.group_composites()[1].unwrap(),
            q.group_composites()[1].unwrap(),
        );
        assert!(g > h && g - logsum(&[transit]) <= 1e6_f64.ln() / scale + 1e-9);
    }

    fn only_custom_bus(first: f64, movers: f64) -> Boarding {
        let mut b = Boarding::ALL;
        b.first[Alternative::CustomBus.index()] = first;
        b.movers[Alternative::CustomBus.index()] = movers;
        b
    }

    #[test]
    fn commuters_turned_away_take_the_logit_over_what_is_left() {
        let model = ChoiceModel::new(Choice::default(), 1e9);
        let offer = Offer {
            car: Some(Drive {
                minutes: 25.0,
                fixed_min: 0.0,
            }),
            transit: Some(journey(30)),
            custom_bus: Some(journey(20)),
            ..Offer::default()
        };
        let p = model.probabilities(&offer);
        let car_share = 0.4;
        // Everyone on board: the shares as chosen, nobody turned away.
        let all = p.rationed(car_share, Boarding::ALL);
        for a in Alternative::ALL {
            assert!((all.by[a.index()] - p.share(a, car_share)).abs() < 1e-15);
        }
        assert_eq!(all.turned_away, [0.0; ALTERNATIVES]);
        // No seat at all on the custom bus: those turned away queue for a bus after the window
        // (weighed as the bus itself, p_a) or take another alternative b (weighed p_b), so
        // each group's p_b becomes p_b (1 + p_a), and p_a x p_a of it are not served.
        let custom = Alternative::CustomBus.index();
        let none = p.rationed(car_share, only_custom_bus(0.0, 0.0));
        let groups = [(car_share, p.car_owners), (1.0 - car_share, p.others)];
        for b in (0..ALTERNATIVES).filter(|&b| b != custom) {
            let expected: f64 = groups
                .iter()
                .map(|(size, g)| size * g[b] * (1.0 + g[custom]))
                .sum();
            assert!((none.by[b] - expected).abs() < 1e-12);
        }
        assert_eq!(none.by[custom], 0.0);
        let chose_bus = p.share(Alternative::CustomBus, car_share);
        assert!((none.turned_away[custom] - chose_bus).abs() < 1e-12);
        let queueing: f64 = groups
            .iter()
            .map(|(size, g)| size * g[custom] * g[custom])
            .sum();
        assert!((none.by.iter().sum::<f64>() - (1.0 - queueing)).abs() < 1e-12);
        // Half the seats: half the custom-bus commuters are turned away, and of them those who
        // queue are lost.
        let half = p.rationed(car_share, only_custom_bus(0.5, 1.0));
        assert!((half.by[custom] - chose_bus / 2.0).abs() < 1e-12);
        assert!((half.by.iter().sum::<f64>() - (1.0 - queueing / 2.0)).abs() < 1e-12);
        // With no alternative left, those turned away are not served.
        let only_bus = model.probabilities(&Offer {
            custom_bus: Some(journey(20)),
            ..Offer::default()
        });
        let r = only_bus.rationed(car_share, only_custom_bus(0.25, 1.0));
        assert_eq!(r.by, [0.0, 0.0, 0.25, 0.0, 0.0, 0.0]);
        assert!((r.turned_away[custom] * 8.0 - 6.0).abs() < 1e-12);
    }

    #[test]
    fn commuters_turned_away_twice_drive_if_they_can() {
        let model = ChoiceModel::new(Choice::default(), 1e9);
        let offer = Offer {
            car: Some(Drive {
                minutes: 40.0,
                fixed_min: 0.0,
            }),
            transit: Some(journey(30)),
            custom_bus: Some(journey(25)),
            ..Offer::default()
        };
        let p = model.probabilities(&offer);
        let (car, transit, custom) = (0, 1, 2);
        // Transit full for everyone; the custom bus takes half of those who move to it.
        let boarding = Boarding {
            first: [1.0, 0.0, 1.0, 1.0, 1.0, 1.0],
            movers: [1.0, 1.0, 0.5, 1.0, 1.0, 1.0],
            next: [NextVehicle::NONE; ALTERNATIVES],
        };
        for car_share in [0.0, 0.3, 1.0] {
            let r = p.rationed(car_share, boarding);
            assert_eq!(r.by[transit], 0.0);
            assert!(
                (r.turned_away[transit] - p.share(Alternative::Transit, car_share)).abs() < 1e-12
            );
            assert!((r.turned_away_again[custom] - r.movers[custom] / 2.0).abs() < 1e-12);
            // Those queueing for a train after the window are not served (p_t x p_t of each
            // group); the car owners turned away again drive, the others are not served.
            let queueing = car_share * p.car_owners[transit].powi(2)
                + (1.0 - car_share) * p.others[transit].powi(2);
            let lost = queueing + (1.0 - car_share) * p.others[transit] * p.others[custom] * 0.5;
            assert!(
                (r.by.iter().sum::<f64>() - (1.0 - lost)).abs() < 1e-12,
                "{car_share}"
            );
            assert!(r.by[car] >= p.share(Alternative::Car, car_share));
        }
    }

    #[test]
    fn commuters_turned_away_wait_for_the_next_vehicle_by_the_logit() {
        let model = ChoiceModel::new(Choice::default(), 1e9);
        let offer = Offer {
            car: Some(Drive {
                minutes: 35.0,
                fixed_min: 0.0,
            }),
            transit: Some(journey(30)),
            custom_bus: Some(journey(28)),
            ..Offer::default()
        };
        let p = model.probabilities(&offer);
        let (car, transit, custom) = (0, 1, 2);
        // The next train leaves 6 minutes later: 6 more minutes of waiting.
        let weight = model.next_vehicle_weight(&journey(30), &journey(30), 360);
        let wait_weight = Choice::default().wait_walk_weight;
        assert!((weight - (-0.1 * 6.0 * wait_weight).exp()).abs() < 1e-12);
        // Half the first choosers of transit get on; the next train has room for all.
        let mut boarding = Boarding::ALL;
        boarding.first[transit] = 0.5;
        boarding.next[transit] = NextVehicle {
            weight,
            boarding: 1.0,
        };
        let car_share = 0.0;
        let r = p.rationed(car_share, boarding);
        let chose = p.share(Alternative::Transit, car_share);
        let away = chose / 2.0;
        // The logit over what is left: the next train weighs p(transit) x weight, a train after
        // the window p(transit) (not served), the custom bus p(custom bus).
        let rest = p.others[transit] * (1.0 + weight) + p.others[custom];
        let waiting = away * p.others[transit] * weight / rest;
        let queueing = away * p.others[transit] / rest;
        assert!((r.waiting[transit] - waiting).abs() < 1e-12);
        assert!((r.by_next[transit] - waiting).abs() < 1e-12);
        assert!((r.by[transit] - (chose / 2.0 + waiting)).abs() < 1e-12);
        assert!((r.movers[custom] - (away - waiting - queueing)).abs() < 1e-12);
        assert_eq!(r.by[car], 0.0);
        assert!((r.by.iter().sum::<f64>() - (1.0 - queueing)).abs() < 1e-12);
        // The next train full as well: those waiting drive if they can, or are lost.
        boarding.next[transit].boarding = 0.0;
        for car_share in [0.0, 1.0] {
            let r = p.rationed(car_share, boarding);
            assert_eq!(r.by_next[transit], 0.0);
            assert!((r.turned_away_waiting[transit] - r.waiting[transit]).abs() < 1e-15);
            let g = if car_share == 0.0 {
                p.others
            } else {
                p.car_owners
            };
            let rest = g[transit] * (1.0 + weight) + g[custom] + g[car];
            let queueing = g[transit] / 2.0 * g[transit] / rest;
            let lost = queueing
                + if car_share == 0.0 {
                    r.waiting[transit]
                } else {
                    0.0
                };
            assert!((r.by.iter().sum::<f64>() - (1.0 - lost)).abs() < 1e-12);
        }
        // No next vehicle: as before.
        boarding.next[transit] = NextVehicle::NONE;
        assert_eq!(p.rationed(0.3, boarding).waiting, [0.0; ALTERNATIVES]);
    }

    #[test]
    fn the_taxi_fare_follows_the_beijing_rule() {
        let model = ChoiceModel::new(Choice::default(), 150.0);
        // 13 yuan and 1 of fuel surcharge for 3 km, 2.3 a km to 15 km, 3.45 a km beyond.
        assert_eq!(model.taxi_fare_yuan(2.0), 14.0);
        assert!((model.taxi_fare_yuan(10.0) - (14.0 + 7.0 * 2.3)).abs() < 1e-9);
        let far = 14.0 + 12.0 * 2.3 + 5.0 * 3.45;
        assert!((model.taxi_fare_yuan(20.0) - far).abs() < 1e-9);
        // A taxi takes the car's road minutes and the wait; in all the wait weighs 1.5 a minute.
        let ride = model.taxi(20.0, model.taxi_fixed_min(20.0));
        assert_eq!(ride.minutes, 25.0);
        let generalised = ride.minutes + ride.fixed_min;
        assert!((generalised - (20.0 + 5.0 * 1.5 + far * 1.5)).abs() < 1e-9);
    }

    #[test]
    fn short_trips_are_walked_or_cycled_and_everyone_may_take_a_taxi() {
        let model = ChoiceModel::new(Choice::default(), 150.0);
        let offer = |straight_km: f64| {
            let km = ChoiceModel::street_km(straight_km);
            Offer {
                car: Some(Drive {
                    minutes: 5.0 + km * 2.0,
                    fixed_min: model.car_fixed_min(0.0, km),
                }),
                transit: Some(journey((15.0 + km * 2.5) as u32)),
                custom_bus: None,
                street_km: Some(km),
                taxi: Some(model.taxi(5.0 + km * 2.0, model.taxi_fixed_min(km))),
            }
        };
        let active = |p: &Probabilities, car_share| {
            p.share(Alternative::Walk, car_share) + p.share(Alternative::Cycle, car_share)
        };
        let (near, far) = (
            model.probabilities(&offer(1.0)),
            model.probabilities(&offer(30.0)),
        );
        // 1 km: most of those without a car walk or cycle; 30 km: nobody walks (beyond the
        // longest commute) and hardly anyone cycles.
        assert!(active(&near, 0.0) > 0.5, "{near:?}");
        assert_eq!(far.share(Alternative::Walk, 0.0), 0.0);
        assert!(active(&far, 0.0) < 0.01, "{far:?}");
        // Households without a car may take a taxi; every group's shares sum to 1.
        assert!(near.share(Alternative::Taxi, 0.0) > 0.0);
        for car_share in [0.0, 0.5, 1.0] {
            let total: f64 = Alternative::ALL
                .iter()
                .map(|&a| near.share(a, car_share))
                .sum();
            assert!((total - 1.0).abs() < 1e-12);
        }
        // Not offered: not chosen, and not in the composite.
        let car_and_transit = ChoiceModel::new(
            Choice {
                modes: [true, true, true, false, false, false],
                ..Choice::default()
            },
            150.0,
        );
        let p = car_and_transit.probabilities(&offer(1.0));
        for a in [Alternative::Walk, Alternative::Cycle, Alternative::Taxi] {
            assert_eq!(p.share(a, 0.5), 0.0);
        }
        assert!(p.group_composites()[1] > near.group_composites()[1]);
        // The names of `[choice] modes` are the alternatives'.
        assert_eq!(
            Alternative::ALL.map(Alternative::as_str),
            crate::scenario::CHOICE_MODES
        );
    }
}
