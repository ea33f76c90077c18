//! The model parameters a scenario sets: demand, departure profile, mode choice, what varies
//! between Monte-Carlo draws, and road congestion. Each type's `Default` is the one place its
//! default values are written (docs/formats.md lists them); the ranges each value must lie in
//! are in [`crate::bounds`]. How a scenario file's tables become these values is
//! `scenario::resolve`'s business, kept apart so that readers of the model (`sim`, the run
//! outputs, comparisons) see only the types.

use crate::time::{Seconds, Window};
use serde::{Deserialize, Serialize};

/// The demand horizon of a run. *Variable destination* (the long run): the scenario's own
/// demand model places the commuters on its network. *Fixed demand* (the short run): the
/// commuters of a base scenario are held, zone pair by zone pair, and only modes, departure
/// times and routes respond. An incident or a closure is a short-run question; a new line can
/// be asked both ways. Named in summary.json `demand.horizon`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Horizon {
    /// The scenario's own demand: destinations chosen on its network.
    #[default]
    VariableDestination,
    /// A base scenario's commuters per zone pair, held.
    FixedDemand,
}

impl Horizon {
    /// As outputs name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Horizon::VariableDestination => "variable destination",
            Horizon::FixedDemand => "fixed demand",
        }
    }
}

/// Restrictions on driving to jobs in one province, as shares of the mornings a household's car
/// may be used (a household's car is registered where it lives). In Beijing: the entry permit
/// for cars registered elsewhere (进京证), and the tail-number restriction on Beijing's own cars
/// (one working day in five off). Destination choice is not affected (a job is chosen for all
/// mornings); mode choice sees the car as unavailable on the mornings it may not be driven.
#[derive(Debug, Clone, PartialEq)]
pub struct CarRestrictions {
    /// The province whose restrictions these are (empty: none).
    pub province: String,
    /// Share of mornings a car registered outside it may be driven to a job in it, 0..=1.
    pub outside_car_share: f64,
    /// Share of mornings a car registered in it may be driven to a job in it, 0..=1.
    pub local_car_share: f64,
}

impl Default for CarRestrictions {
    /// No restriction.
    fn default() -> Self {
        CarRestrictions {
            province: String::new(),
            outside_car_share: 1.0,
            local_car_share: 1.0,
        }
    }
}

impl CarRestrictions {
    /// The share of mornings a household of province `home` may drive to a job in province
    /// `work`.
    pub fn car_available(&self, home: &str, work: &str) -> f64 {
        if self.province.is_empty() || work != self.province {
            1.0
        } else if home == self.province {
            self.local_car_share
        } else {
            self.outside_car_share
        }
    }

    /// Per zone pair of `zones` (`o * zones + d`), the share of mornings a household's car may
    /// be driven from `o` to a job in `d`; empty without a restriction.
    pub fn per_pair(&self, zones: &[crate::network::Zone]) -> Vec<f64> {
        if self.province.is_empty() {
            return Vec::new();
        }
        zones
            .iter()
            .flat_map(|o| {
                zones
                    .iter()
                    .map(move |d| self.car_available(&o.province, &d.province))
            })
            .collect()
    }
}

/// The commuter demand model: destinations chosen by households with and without a car on the
/// composite cost of the modes each can use, doubly constrained (see `sim::demand`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Demand {
    /// Commuters per resident of the origin zone.
    pub commute_rate: f64,
    /// Deterrence per generalised minute of the composite cost (negative exponential).
    pub beta_per_min: f64,
    /// Typical commute within a zone that has no area, minutes (the gravity model's cost on
    /// the diagonal).
    pub intrazonal_min: f64,
    /// Door-to-door speed of a commute within a zone that has an area, km/h of route distance
    /// (`crate::sim::intrazonal`).
    pub intrazonal_kmh: f64,
    /// Generalised minutes added in destination choice to a job in another province (zones.csv
    /// `province`; zones without one are in none): the border effect of trade and migration
    /// gravity models, here household registration, social insurance, the entry permit for
    /// non-Beijing cars and knowing the job market, none of which is travel time.
    pub border_min: f64,
    /// The longest one-way commute anyone makes, door-to-door minutes: a longer alternative is
    /// not available, and a pair with none gets no commuters.
    pub max_commute_min: f64,
}

impl Default for Demand {
    /// Half of residents commute (employment rate times working-day share), a deterrence of
    /// 0.08 per minute (flows halve every 9 minutes of extra travel) and 20 minutes for a
    /// commute within a zone: uncalibrated estimates, see the README. At most 150 minutes one
    /// way: above the 1.5 to 2 hours the Beijing Transport Institute (2022) reports for the
    /// longest cross-border commutes, which a 2-hour cap would cut (docs/model.md).
    fn default() -> Self {
        Demand {
            commute_rate: 0.5,
            beta_per_min: 0.08,
            intrazonal_min: 20.0,
            intrazonal_kmh: 12.0,
            border_min: 0.0,
            max_commute_min: 150.0,
        }
    }
}

/// The share of commuters leaving in each minute of `window` (one departure a minute from its
/// start) under `profile` (`(start_s, end_s, weight)` periods; empty: uniform). Sums to 1
/// unless no minute has weight (the scenario check rules that out).
pub fn departure_weights(window: Window, profile: &[(Seconds, Seconds, f64)]) -> Vec<f64> {
    let raw: Vec<f64> = (window.start_s..window.end_s)
        .step_by(60)
        .map(|m| {
            if profile.is_empty() {
                1.0
            } else {
                profile
                    .iter()
                    .filter(|&&(start, end, _)| (start..end).contains(&m))
                    .map(|p| p.2)
                    .sum()
            }
        })
        .collect();
    let total: f64 = raw.iter().sum();
    raw.iter().map(|w| w / total).collect()
}

/// Mode choice parameters: a binary logit between car (for households with one) and public
/// transport on generalised minutes `time + constant + cost x minutes_per_yuan`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    /// Which alternatives are offered, in the order of [`CHOICE_MODES`] (`[choice] modes`;
    /// all by default).
    pub modes: [bool; 6],
    /// Logit scale per generalised minute.
    pub scale_per_min: f64,
    /// Minutes a yuan is worth.
    pub minutes_per_yuan: f64,
    /// Car penalty (parking, search), minutes.
    pub car_constant_min: f64,
    /// Public-transport penalty, minutes.
    pub transit_constant_min: f64,
    /// Car running cost, yuan per km (tolls come on top).
    pub car_cost_yuan_per_km: f64,
    /// Weight of a minute of waiting, walking, access and egress relative to one in a vehicle.
    pub wait_walk_weight: f64,
    /// Penalty per transfer between vehicles, minutes.
    pub transfer_penalty_min: f64,
    /// Custom-bus penalty, minutes (negative: a seat is worth something).
    pub custom_bus_constant_min: f64,
    /// Walking speed door to door, km/h.
    pub walk_kmh: f64,
    /// Cycling speed door to door (shared bikes, own bicycles and e-bikes), km/h.
    pub cycle_kmh: f64,
    /// The longest street distance walked, km.
    pub max_walk_km: f64,
    /// The longest street distance cycled, km.
    pub max_cycle_km: f64,
    /// Walking penalty, minutes.
    pub walk_constant_min: f64,
    /// Cycling penalty (finding and parking a bike), minutes.
    pub cycle_constant_min: f64,
    /// Taxi and ride-hailing penalty, minutes.
    pub taxi_constant_min: f64,
    /// Wait for a taxi or ride-hailing car, minutes (weighed as waiting).
    pub taxi_wait_min: f64,
    /// Taxi flag fall, yuan, covering the first `taxi_flag_km`.
    pub taxi_flag_yuan: f64,
    /// Km the flag fall covers.
    pub taxi_flag_km: f64,
    /// Taxi fare per km after the flag fall, yuan.
    pub taxi_yuan_per_km: f64,
    /// Km beyond which a ride costs `taxi_far_yuan_per_km` (the empty return).
    pub taxi_far_km: f64,
    /// Taxi fare per km beyond `taxi_far_km`, yuan.
    pub taxi_far_yuan_per_km: f64,
}

/// The names of the alternatives of mode choice, in the order of [`Choice::modes`].
pub const CHOICE_MODES: [&str; 6] = ["car", "transit", "custom_bus", "walk", "cycle", "taxi"];

impl Choice {
    /// Whether the alternative named `mode` (one of [`CHOICE_MODES`]) is offered.
    pub fn offers(&self, mode: &str) -> bool {
        CHOICE_MODES
            .iter()
            .position(|m| *m == mode)
            .is_some_and(|i| self.modes[i])
    }
}

impl Default for Choice {
    /// Estimates to calibrate: scale 0.1 per minute (10 minutes' difference makes the odds
    /// e:1), a value of time of 40 yuan/h (1.5 minutes per yuan), 10 minutes of parking and
    /// access for a car in Beijing, 0.6 yuan/km of fuel and wear. Walking at 4.5 km/h door to
    /// door (pedestrians walk 1.2-1.4 m/s; crossings and lights slow them), cycling at 12 km/h
    /// (shared bikes ride at 10-12 km/h, e-bikes faster; an estimate), 5 minutes to find and
    /// park a bike, a 5-minute wait for a car; nobody walks more than 5 km or cycles more than
    /// 20 (estimates: distance limits in the manner of the CT-RAMP models' availability). The Beijing taxi fare (Beijing Municipal
    /// Commission of Development and Reform, 2013, in force 2024): 13 yuan for the first 3 km
    /// and a 1-yuan fuel surcharge, 2.3 yuan a km after, 50% more beyond 15 km (the empty
    /// return), 3.45 yuan a km.
    fn default() -> Self {
        Choice {
            modes: [true; 6],
            scale_per_min: 0.1,
            minutes_per_yuan: 1.5,
            car_constant_min: 10.0,
            transit_constant_min: 0.0,
            car_cost_yuan_per_km: 0.6,
            wait_walk_weight: 1.5,
            transfer_penalty_min: 5.0,
            custom_bus_constant_min: 0.0,
            walk_kmh: 4.5,
            cycle_kmh: 12.0,
            max_walk_km: 5.0,
            max_cycle_km: 20.0,
            walk_constant_min: 0.0,
            cycle_constant_min: 5.0,
            taxi_constant_min: 0.0,
            taxi_wait_min: 5.0,
            taxi_flag_yuan: 14.0,
            taxi_flag_km: 3.0,
            taxi_yuan_per_km: 2.3,
            taxi_far_km: 15.0,
            taxi_far_yuan_per_km: 3.45,
        }
    }
}

/// What varies between Monte-Carlo draws besides line phases.
#[derive(Debug, Clone, PartialEq)]
pub struct Variability {
    /// Service delays by mode (index [`crate::network::Mode::index`]): each line is late by a
    /// draw from this distribution in each draw.
    pub delays: [Delay; 5],
    /// Service delays of single lines, by line id (overriding their mode's).
    pub line_delays: std::collections::BTreeMap<String, Delay>,
    /// Standard deviation of the log of a day factor on all car free-flow times and bus run
    /// times (mean 1).
    pub road_day_sd: f64,
    /// Standard deviation of the log of a day factor on the checkpoint delays (mean 1).
    pub checkpoint_sd: f64,
    /// Standard deviation of the log of each road link's own factor in a draw (mean 1).
    pub link_sd: f64,
    /// [`Variability::link_sd`] by road class, where it differs.
    pub class_sd: std::collections::BTreeMap<String, f64>,
}

impl Variability {
    /// No variability at all: the draws differ only by line phases.
    pub fn none() -> Self {
        Variability {
            delays: [Delay::exponential(0.0); 5],
            line_delays: Default::default(),
            road_day_sd: 0.0,
            checkpoint_sd: 0.0,
            link_sd: 0.0,
            class_sd: Default::default(),
        }
    }

    /// The delay distribution of `line`.
    pub fn delay_of(&self, line: &crate::network::Line) -> Delay {
        self.line_delays
            .get(&line.id)
            .copied()
            .unwrap_or(self.delays[line.mode.index()])
    }

    /// The link-factor standard deviation of road class `class`.
    pub fn link_sd_of(&self, class: &str) -> f64 {
        self.class_sd.get(class).copied().unwrap_or(self.link_sd)
    }
}

impl Default for Variability {
    /// [`DEFAULT_DELAYS_MIN`]; car times vary by about 15% from day to day, each link by
    /// another 10%, and checkpoint queues by about half (estimates to calibrate).
    fn default() -> Self {
        Variability {
            delays: DEFAULT_DELAYS_MIN.map(Delay::exponential),
            line_delays: Default::default(),
            road_day_sd: 0.15,
            checkpoint_sd: 0.5,
            link_sd: 0.1,
            class_sd: Default::default(),
        }
    }
}

/// A service-delay distribution: on time with probability `on_time`, otherwise late by an
/// exponentially distributed amount with mean `late_mean_min` minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delay {
    /// Probability of running on time (0..=1).
    pub on_time: f64,
    /// Mean delay when late, minutes.
    pub late_mean_min: f64,
}

impl Delay {
    /// Always late by an exponential amount with mean `mean_min` minutes (0: never late).
    pub fn exponential(mean_min: f64) -> Self {
        Delay {
            on_time: 0.0,
            late_mean_min: mean_min,
        }
    }

    /// The mean delay, minutes.
    pub fn mean_min(&self) -> f64 {
        (1.0 - self.on_time) * self.late_mean_min
    }
}

/// Default mean delays, minutes, by mode (hsr, rail, subway, bus, custom bus): HSR mostly
/// punctual, conventional rail less, the subway near-exact, buses exposed to the roads.
/// Estimates to calibrate.
pub const DEFAULT_DELAYS_MIN: [f64; 5] = [1.0, 3.0, 0.5, 3.0, 3.0];

/// How road congestion is modelled: the peak hour's car commuters, as vehicles, plus background
/// traffic and buses, assigned to the roads at user equilibrium (BPR links); congested times
/// feed back into car and bus times in the supply-demand loop ([`Equilibrium`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Congestion {
    /// Share of the window's car commuters on the road in the peak hour; `None`: the busiest
    /// 60 minutes of the departure weights.
    pub peak_hour_share: Option<f64>,
    /// Commuters per car.
    pub occupancy: f64,
    /// Multiplier on road capacities (a link stands for its corridor, parallel streets included).
    pub capacity_factor: f64,
    /// Other traffic as a share of capacity, all classes.
    pub background_vc: f64,
    /// The same by road class, overriding `background_vc`.
    pub background_vc_by_class: std::collections::BTreeMap<String, f64>,
    /// Passenger-car units per bus.
    pub bus_pcu: f64,
    /// BPR `alpha`.
    pub bpr_alpha: f64,
    /// BPR `beta`.
    pub bpr_beta: f64,
    /// Steepness of Spiess' conical function, used instead of BPR when set.
    pub conical_alpha: Option<f64>,
    /// Relative gap of each assignment.
    pub assignment_gap: f64,
}

impl Default for Congestion {
    /// 1.2 commuters per car, background traffic at 40% of capacity, a bus as 2.5 cars, the
    /// usual BPR curve (0.15, 4), each assignment to a relative gap of 1e-5.
    fn default() -> Self {
        Congestion {
            peak_hour_share: None,
            occupancy: 1.2,
            capacity_factor: 1.0,
            background_vc: 0.4,
            background_vc_by_class: Default::default(),
            bus_pcu: 2.5,
            bpr_alpha: 0.15,
            bpr_beta: 4.0,
            conical_alpha: None,
            assignment_gap: 1e-5,
        }
    }
}

impl Congestion {
    /// The volume-delay function of every road link.
    pub fn volume_delay(&self) -> crate::assign::VolumeDelay {
        match self.conical_alpha {
            Some(alpha) => crate::assign::VolumeDelay::Conical { alpha },
            None => crate::assign::VolumeDelay::Bpr {
                alpha: self.bpr_alpha,
                beta: self.bpr_beta,
            },
        }
    }

    /// Background traffic of a link of `class`, share of capacity.
    pub fn background_of(&self, class: &str) -> f64 {
        self.background_vc_by_class
            .get(class)
            .copied()
            .unwrap_or(self.background_vc)
    }

    /// The peak hour's share of commuters given the departure `weights` (one per minute).
    pub fn peak_share(&self, weights: &[f64]) -> f64 {
        self.peak_hour_share.unwrap_or_else(|| {
            let hour = weights.len().clamp(1, 60);
            weights
                .windows(hour)
                .map(|w| w.iter().sum::<f64>())
                .fold(0.0, f64::max)
        })
    }
}

/// The supply-demand loop: simulation, road assignment and transit loads alternate, road demand
/// and segment loads averaged over the rounds, until what the commuters do under the averaged
/// conditions differs from them by at most `tolerance` (see `sim::equilibrium`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Equilibrium {
    /// Most rounds.
    pub max_rounds: u32,
    /// Largest relative difference, per measure, between a round's response and the averages it
    /// responded to, for the loop to stop as converged.
    pub tolerance: f64,
    /// Monte-Carlo draws per round (at most the run's).
    pub draws: u32,
    /// Whether, with variable destinations from the demand model, the destinations respond to
    /// the congestion and crowding the loop finds (the long run's feedback), instead of staying
    /// on the deterministic skims.
    pub destinations: bool,
}

impl Default for Equilibrium {
    /// At most 60 rounds of 10 draws, converged within 0.5%: a looser tolerance leaves
    /// differences between two scenarios' equilibria as large as a small scheme's effect (a
    /// new road scored a loss at 2%). Destinations stay on the skims unless the scenario asks
    /// for their response (jjj-2024 does, and its demand was calibrated with it).
    fn default() -> Self {
        Equilibrium {
            max_rounds: 60,
            tolerance: 0.005,
            draws: 10,
            destinations: false,
        }
    }
}

/// Transit crowding: a multiplier on the minutes aboard, by load factor (passengers per seat).
#[derive(Debug, Clone, PartialEq)]
pub struct Crowding {
    /// Whether crowding enters the generalised cost (capacity is enforced either way).
    pub enabled: bool,
    /// Points (load factor, multiplier), load factors ascending; linear between, flat outside.
    pub curve: Vec<(f64, f64)>,
}

/// The default crowding curve: the UK DfT seated and standing multipliers (Wardman and Whelan
/// 2011, as used in MTC's travel-model-one) averaged over all riders up to 2 passengers per
/// seat, then rising to 2.5 at 6 per seat (Batarce et al. 2016: 2.5 at 6 standing per m2) and
/// 2.85 at crush load (7.5 per seat). docs/model.md has the derivation.
pub const DEFAULT_CROWDING_CURVE: [(f64, f64); 12] = [
    (0.0, 1.0),
    (0.8, 1.0),
    (1.0, 1.08),
    (1.2, 1.3),
    (1.4, 1.51),
    (1.6, 1.71),
    (1.8, 1.91),
    (2.0, 2.1),
    (3.0, 2.25),
    (4.0, 2.35),
    (6.0, 2.5),
    (7.5, 2.85),
];

impl Default for Crowding {
    /// Enabled, with [`DEFAULT_CROWDING_CURVE`].
    fn default() -> Self {
        Crowding {
            enabled: true,
            curve: DEFAULT_CROWDING_CURVE.to_vec(),
        }
    }
}
