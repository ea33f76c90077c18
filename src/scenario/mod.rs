//! Scenarios: an ordered list of typed modifications applied to a base network.
//!
//! Resolution and application are one pass over a *copy* of the base network: each modification
//! is checked against the network as the earlier modifications left it (so `add-node` then
//! `add-road` through the new node works), problems are collected with the file and line of the
//! modification, and nothing runs unless there are none. The base is only ever borrowed
//! immutably, so it cannot be touched; an empty scenario yields a network equal to the base.

mod apply;
mod load;

pub use load::load;

use crate::bounds::{self, Bound};
use crate::error::{Error, Problem, Result};
use crate::io::{DemandTable, ScenarioChain};
use crate::network::{Network, ZoneId};
use crate::time::{Seconds, Window, parse_clock};
use std::path::PathBuf;

/// A validated demand scaling (used by the demand model).
#[derive(Debug, Clone, PartialEq)]
pub struct DemandScale {
    /// Factor on commuter flows.
    pub factor: f64,
    /// Origins affected (all when empty).
    pub origins: Vec<ZoneId>,
    /// Destinations affected (all when empty).
    pub destinations: Vec<ZoneId>,
}

/// A resolved scenario: the modified network and the analysis settings.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Scenario name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The scenario file.
    pub path: PathBuf,
    /// The network folder.
    pub network_dir: PathBuf,
    /// Departure window.
    pub window: Window,
    /// The network with all modifications applied.
    pub network: Network,
    /// One line per modification applied, e.g. `add-line L22 (scenarios/line22.toml:12)`.
    pub applied: Vec<String>,
    /// Demand scalings, in order.
    pub demand_scales: Vec<DemandScale>,
    /// Commuter demand model.
    pub demand: Demand,
    /// Commuters per zone pair from a table, replacing the gravity model when given.
    pub commuter_table: Option<Vec<(ZoneId, ZoneId, f64)>>,
    /// The file the commuter table came from.
    pub demand_file: Option<PathBuf>,
    /// Mode choice parameters.
    pub choice: Choice,
    /// What varies between Monte-Carlo draws besides line phases.
    pub variability: Variability,
    /// Relative departure rates over the window: `(start_s, end_s, weight)` periods; minutes
    /// outside every period have weight 0. Empty: uniform.
    pub departure_profile: Vec<(Seconds, Seconds, f64)>,
    /// Road congestion settings; `None`: free-flow roads.
    pub congestion: Option<Congestion>,
}

/// How road congestion is modelled: the peak hour's car commuters, as vehicles, plus background
/// traffic and buses, assigned to the roads at user equilibrium (BPR links); congested times
/// feed back into car and bus times, and mode choice and assignment alternate (method of
/// successive averages on link times) until the car commuters settle.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conical_alpha: Option<f64>,
    /// Most choice-assignment iterations.
    pub max_iterations: u32,
    /// Stop when the car commuters change by at most this share between iterations.
    pub tolerance: f64,
    /// Relative gap of each assignment.
    pub assignment_gap: f64,
    /// Draws per choice-assignment iteration.
    pub feedback_draws: u32,
}

impl Default for Congestion {
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
            max_iterations: 10,
            tolerance: 0.01,
            assignment_gap: 1e-5,
            feedback_draws: 20,
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

impl Scenario {
    /// The share of commuters leaving in each minute of the window (sums to 1).
    pub fn departure_weights(&self) -> Vec<f64> {
        departure_weights(self.window, &self.departure_profile)
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

/// What varies between Monte-Carlo draws besides line phases.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
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

/// The commuter demand model: a doubly constrained gravity model (see `sim::demand`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Demand {
    /// Commuters per resident of the origin zone.
    pub commute_rate: f64,
    /// Deterrence per minute of best-mode door-to-door time (negative exponential).
    pub beta_per_min: f64,
    /// Typical commute within a zone, minutes (the gravity model's cost on the diagonal).
    pub intrazonal_min: f64,
}

impl Default for Demand {
    /// Half of residents commute (employment rate times working-day share), a deterrence of
    /// 0.08 per minute (flows halve every 9 minutes of extra travel) and 20 minutes for a
    /// commute within a zone: uncalibrated estimates, see the README.
    fn default() -> Self {
        Demand {
            commute_rate: 0.5,
            beta_per_min: 0.08,
            intrazonal_min: 20.0,
        }
    }
}

/// Mode choice parameters: a binary logit between car (for households with one) and public
/// transport on generalised minutes `time + constant + cost x minutes_per_yuan`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Choice {
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
}

impl Default for Choice {
    /// Estimates to calibrate: scale 0.1 per minute (10 minutes' difference makes the odds
    /// e:1), a value of time of 40 yuan/h (1.5 minutes per yuan), 10 minutes of parking and
    /// access for a car in Beijing, 0.6 yuan/km of fuel and wear.
    fn default() -> Self {
        Choice {
            scale_per_min: 0.1,
            minutes_per_yuan: 1.5,
            car_constant_min: 10.0,
            transit_constant_min: 0.0,
            car_cost_yuan_per_km: 0.6,
            wait_walk_weight: 1.5,
            transfer_penalty_min: 5.0,
            custom_bus_constant_min: 0.0,
        }
    }
}

/// Applies every modification of `chain` (root file first) to a copy of `base`.
///
/// Returns all problems found, each with the file and line of its modification.
pub fn resolve(
    chain: &ScenarioChain,
    base: &Network,
    network_dir: PathBuf,
    demand_table: Option<DemandTable>,
) -> Result<Scenario> {
    let mut problems = Vec::new();
    let window = resolve_window(chain, &mut problems);
    let (demand, choice) = resolve_model(chain, &mut problems);
    let departure_profile = resolve_profile(chain, window, &mut problems);
    let (mut variability, line_delays) = resolve_variability(chain, &mut problems);
    let congestion = resolve_congestion(chain, &mut problems);
    let mut applier = apply::Applier::new(base);
    let before_modifications = problems.len();
    for loaded in &chain.files {
        for (line, parsed) in loaded.modifications() {
            match parsed {
                Ok(spec) => applier.apply(&spec, &loaded.path, line, &mut problems),
                Err(problem) => problems.push(problem),
            }
        }
    }
    let modifications_ok = problems.len() == before_modifications;
    let (network, applied, demand_scales) = applier.finish();
    // Line delays name lines of the modified network (unless a modification failed: its line
    // would be reported twice).
    for (path, line, id, minutes) in line_delays {
        if network.line_id(&id).is_some() {
            variability.line_delays.insert(id, minutes);
        } else if modifications_ok {
            problems.push(Problem::at(
                &path,
                line,
                Some("delays"),
                format!(
                    "`{id}` is neither a mode (hsr, rail, subway, bus, custom_bus) nor a line id"
                ),
            ));
        }
    }
    let leaf = chain.leaf();
    let name = leaf.file.name.get_ref();
    let simple = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !simple {
        problems.push(Problem::at(
            &leaf.path,
            leaf.line(leaf.file.name.span().start),
            Some("name"),
            format!(
                "`{name}`: a scenario name names its output folder: use letters, digits, `-`, `_` and `.` (not first)"
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let demand_file = demand_table.as_ref().map(|t| t.path.clone());
    let commuter_table = demand_table.map(|t| {
        let mut seen = std::collections::HashMap::new();
        t.rows
            .iter()
            .filter_map(|row| {
                let line = &row.line;
                let zone = |id: &str, field: &str, problems: &mut Vec<Problem>| {
                    let z = network.zone_id(id);
                    if z.is_none() {
                        problems.push(Problem::at(
                            &t.path,
                            *line,
                            Some(field),
                            format!("unknown zone id `{id}`"),
                        ));
                    }
                    z
                };
                let (o, d) = (
                    zone(&row.origin, "origin", &mut problems)?,
                    zone(&row.destination, "destination", &mut problems)?,
                );
                if let Some(first) = seen.insert((o, d), *line) {
                    problems.push(Problem::at(
                        &t.path,
                        *line,
                        None,
                        format!("the same pair again (first on line {first})"),
                    ));
                }
                Some((o, d, row.commuters))
            })
            .collect()
    });
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(Scenario {
        name: leaf.file.name.get_ref().clone(),
        description: leaf.file.description.clone(),
        path: leaf.path.clone(),
        network_dir,
        window,
        network,
        applied,
        demand_scales,
        demand,
        commuter_table,
        demand_file,
        choice,
        variability,
        departure_profile,
        congestion,
    })
}

fn resolve_window(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> Window {
    let Some((loaded, spec)) = chain.nearest(|f| f.window.as_ref()) else {
        return Window::MORNING_PEAK;
    };
    let mut clock = |field: &str, text: &toml::Spanned<String>| {
        let line = loaded.line(text.span().start);
        parse_clock(text.get_ref())
            .map_err(|m| problems.push(Problem::at(&loaded.path, line, Some(field), m)))
            .ok()
    };
    let start = clock("window.start", &spec.get_ref().start);
    let end = clock("window.end", &spec.get_ref().end);
    let line = loaded.line(spec.get_ref().end.span().start);
    match (start, end) {
        (Some(start_s), Some(end_s)) if start_s < end_s => Window { start_s, end_s },
        (Some(_), Some(_)) => {
            problems.push(Problem::at(
                &loaded.path,
                line,
                Some("window.end"),
                "the window must end after it starts",
            ));
            Window::MORNING_PEAK
        }
        _ => Window::MORNING_PEAK,
    }
}

/// Sets `target` to each given value that is within its bound; reports the others at the line
/// of their table. Entries are (field, value given, bound, target).
fn set_parameters(
    loaded: &crate::io::LoadedScenario,
    table_start: usize,
    entries: Vec<(&str, Option<f64>, &Bound, &mut f64)>,
    problems: &mut Vec<Problem>,
) {
    for (field, value, bound, target) in entries {
        match value.map(|v| bound.check(v)) {
            Some(Ok(v)) => *target = v,
            Some(Err(message)) => problems.push(Problem::at(
                &loaded.path,
                loaded.line(table_start),
                Some(field),
                message,
            )),
            None => {}
        }
    }
}

/// The demand and choice parameters: the nearest `[demand]` and `[choice]` in the chain, each
/// field defaulting; every value finite and in range.
fn resolve_model(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> (Demand, Choice) {
    let mut demand = Demand::default();
    let mut choice = Choice::default();
    if let Some((loaded, spec)) = chain.nearest(|f| f.demand.as_ref()) {
        let d = spec.get_ref();
        let entries = vec![
            (
                "demand.commute_rate",
                d.commute_rate,
                &bounds::COMMUTE_RATE,
                &mut demand.commute_rate,
            ),
            (
                "demand.beta_per_min",
                d.beta_per_min,
                &bounds::BETA_PER_MIN,
                &mut demand.beta_per_min,
            ),
            (
                "demand.intrazonal_min",
                d.intrazonal_min,
                &bounds::INTRAZONAL_MIN,
                &mut demand.intrazonal_min,
            ),
        ];
        set_parameters(loaded, spec.span().start, entries, problems);
    }
    if let Some((loaded, spec)) = chain.nearest(|f| f.choice.as_ref()) {
        let c = spec.get_ref();
        let entries = vec![
            (
                "choice.scale_per_min",
                c.scale_per_min,
                &bounds::LOGIT_SCALE,
                &mut choice.scale_per_min,
            ),
            (
                "choice.minutes_per_yuan",
                c.minutes_per_yuan,
                &bounds::MINUTES_PER_YUAN,
                &mut choice.minutes_per_yuan,
            ),
            (
                "choice.car_constant_min",
                c.car_constant_min,
                &bounds::MODE_CONSTANT_MIN,
                &mut choice.car_constant_min,
            ),
            (
                "choice.transit_constant_min",
                c.transit_constant_min,
                &bounds::MODE_CONSTANT_MIN,
                &mut choice.transit_constant_min,
            ),
            (
                "choice.car_cost_yuan_per_km",
                c.car_cost_yuan_per_km,
                &bounds::CAR_COST_YUAN_PER_KM,
                &mut choice.car_cost_yuan_per_km,
            ),
            (
                "choice.wait_walk_weight",
                c.wait_walk_weight,
                &bounds::WAIT_WALK_WEIGHT,
                &mut choice.wait_walk_weight,
            ),
            (
                "choice.transfer_penalty_min",
                c.transfer_penalty_min,
                &bounds::TRANSFER_PENALTY_MIN,
                &mut choice.transfer_penalty_min,
            ),
            (
                "choice.custom_bus_constant_min",
                c.custom_bus_constant_min,
                &bounds::MODE_CONSTANT_MIN,
                &mut choice.custom_bus_constant_min,
            ),
        ];
        set_parameters(loaded, spec.span().start, entries, problems);
    }
    (demand, choice)
}

/// A `[delays]` entry naming a line: (file, line, line id, mean minutes), checked once the
/// modifications have made the network.
type LineDelay = (PathBuf, u64, String, Delay);

/// What varies between draws: defaults, overridden by the nearest `[delays]` (mean minutes by
/// mode or line id) and `[roads]` tables. Line entries come back separately, to be checked
/// against the modified network.
fn resolve_variability(
    chain: &ScenarioChain,
    problems: &mut Vec<Problem>,
) -> (Variability, Vec<LineDelay>) {
    let mut v = Variability::default();
    let mut lines = Vec::new();
    if let Some((loaded, spec)) = chain.nearest(|f| f.delays.as_ref()) {
        let at = spec.span().start;
        for (key, value) in spec.get_ref() {
            let field = format!("delays.{key}");
            let before = problems.len();
            let delay = match value {
                crate::io::DelaySpec::Mean(minutes) => {
                    let mut mean = 0.0;
                    let entries = vec![(
                        field.as_str(),
                        Some(*minutes),
                        &bounds::DELAY_MIN,
                        &mut mean,
                    )];
                    set_parameters(loaded, at, entries, problems);
                    Delay::exponential(mean)
                }
                crate::io::DelaySpec::Table(t) => {
                    let mut delay = Delay::exponential(0.0);
                    let (on_time, late) =
                        (format!("{field}.on_time"), format!("{field}.late_mean_min"));
                    let entries = vec![
                        (
                            on_time.as_str(),
                            t.on_time,
                            &bounds::ON_TIME,
                            &mut delay.on_time,
                        ),
                        (
                            late.as_str(),
                            Some(t.late_mean_min),
                            &bounds::DELAY_MIN,
                            &mut delay.late_mean_min,
                        ),
                    ];
                    set_parameters(loaded, at, entries, problems);
                    delay
                }
            };
            if problems.len() > before {
                continue;
            }
            match crate::network::Mode::parse(key) {
                Some(m) => v.delays[m.index()] = delay,
                None => lines.push((loaded.path.clone(), loaded.line(at), key.clone(), delay)),
            }
        }
    }
    if let Some((loaded, spec)) = chain.nearest(|f| f.roads.as_ref()) {
        let r = spec.get_ref();
        let entries = vec![
            (
                "roads.day_sd",
                r.day_sd,
                &bounds::LOG_SD,
                &mut v.road_day_sd,
            ),
            (
                "roads.checkpoint_sd",
                r.checkpoint_sd,
                &bounds::LOG_SD,
                &mut v.checkpoint_sd,
            ),
            ("roads.link_sd", r.link_sd, &bounds::LOG_SD, &mut v.link_sd),
        ];
        set_parameters(loaded, spec.span().start, entries, problems);
        for (class, &sd) in r.class_sd.iter().flatten() {
            let field = format!("roads.class_sd.{class}");
            let mut value = 0.0;
            let entries = vec![(field.as_str(), Some(sd), &bounds::LOG_SD, &mut value)];
            set_parameters(loaded, spec.span().start, entries, problems);
            v.class_sd.insert(class.clone(), value);
        }
    }
    (v, lines)
}

/// The nearest `[congestion]` table, each field defaulting and in range; `enabled = false` or
/// no table: `None`.
fn resolve_congestion(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> Option<Congestion> {
    let (loaded, spec) = chain.nearest(|f| f.congestion.as_ref())?;
    let c = spec.get_ref();
    if c.enabled == Some(false) {
        return None;
    }
    let mut out = Congestion::default();
    let at = spec.span().start;
    let mut share = f64::NAN;
    let mut iterations = f64::from(out.max_iterations);
    let mut draws = f64::from(out.feedback_draws);
    let entries = vec![
        (
            "congestion.peak_hour_share",
            c.peak_hour_share,
            &bounds::PEAK_HOUR_SHARE,
            &mut share,
        ),
        (
            "congestion.occupancy",
            c.occupancy,
            &bounds::OCCUPANCY,
            &mut out.occupancy,
        ),
        (
            "congestion.capacity_factor",
            c.capacity_factor,
            &bounds::CAPACITY_FACTOR,
            &mut out.capacity_factor,
        ),
        (
            "congestion.background_vc",
            c.background_vc,
            &bounds::BACKGROUND_VC,
            &mut out.background_vc,
        ),
        (
            "congestion.bus_pcu",
            c.bus_pcu,
            &bounds::BUS_PCU,
            &mut out.bus_pcu,
        ),
        (
            "congestion.bpr_alpha",
            c.bpr_alpha,
            &bounds::BPR_PARAMETER,
            &mut out.bpr_alpha,
        ),
        (
            "congestion.bpr_beta",
            c.bpr_beta,
            &bounds::BPR_PARAMETER,
            &mut out.bpr_beta,
        ),
        (
            "congestion.max_iterations",
            c.max_iterations.map(f64::from),
            &bounds::MAX_ITERATIONS,
            &mut iterations,
        ),
        (
            "congestion.tolerance",
            c.tolerance,
            &bounds::TOLERANCE,
            &mut out.tolerance,
        ),
        (
            "congestion.assignment_gap",
            c.assignment_gap,
            &bounds::ASSIGNMENT_GAP,
            &mut out.assignment_gap,
        ),
        (
            "congestion.feedback_draws",
            c.feedback_draws.map(f64::from),
            &bounds::FEEDBACK_DRAWS,
            &mut draws,
        ),
    ];
    set_parameters(loaded, at, entries, problems);
    let mut conical = f64::NAN;
    let entries = vec![(
        "congestion.conical_alpha",
        c.conical_alpha,
        &bounds::CONICAL_ALPHA,
        &mut conical,
    )];
    set_parameters(loaded, at, entries, problems);
    out.conical_alpha = (!conical.is_nan()).then_some(conical);
    out.peak_hour_share = (!share.is_nan()).then_some(share);
    out.max_iterations = iterations as u32;
    out.feedback_draws = draws as u32;
    for (class, &vc) in c.background_vc_by_class.iter().flatten() {
        let field = format!("congestion.background_vc_by_class.{class}");
        let mut value = 0.0;
        set_parameters(
            loaded,
            at,
            vec![(field.as_str(), Some(vc), &bounds::BACKGROUND_VC, &mut value)],
            problems,
        );
        out.background_vc_by_class.insert(class.clone(), value);
    }
    Some(out)
}

/// The departure profile of the nearest `[demand]`: periods inside the window, weights
/// non-negative and not all zero.
fn resolve_profile(
    chain: &ScenarioChain,
    window: Window,
    problems: &mut Vec<Problem>,
) -> Vec<(Seconds, Seconds, f64)> {
    let Some((loaded, spec)) = chain.nearest(|f| f.demand.as_ref()) else {
        return Vec::new();
    };
    let Some(periods) = &spec.get_ref().departure_profile else {
        return Vec::new();
    };
    let before = problems.len();
    let mut profile = Vec::new();
    for period in periods {
        let line = loaded.line(period.span().start);
        let p = period.get_ref();
        let mut fail = |message: String| {
            problems.push(Problem::at(
                &loaded.path,
                line,
                Some("demand.departure_profile"),
                message,
            ))
        };
        let (start, end) = match (parse_clock(&p.start), parse_clock(&p.end)) {
            (Ok(start), Ok(end)) => (start, end),
            (Err(m), _) | (_, Err(m)) => {
                fail(m.into());
                continue;
            }
        };
        if !(start < end && start >= window.start_s && end <= window.end_s) {
            fail(format!(
                "period {}-{} must lie inside the window {}-{}",
                p.start,
                p.end,
                crate::time::format_clock(window.start_s),
                crate::time::format_clock(window.end_s)
            ));
        } else if let Err(message) = bounds::PROFILE_WEIGHT.check(p.weight) {
            fail(format!("weight {message}"));
        } else {
            profile.push((start, end, p.weight));
        }
    }
    // Departures are whole minutes from the window's start: some must fall in a weighted period.
    let weighted = departure_weights(window, &profile)
        .iter()
        .all(|w| w.is_finite());
    if problems.len() == before && !weighted {
        problems.push(Problem::at(
            &loaded.path,
            loaded.line(spec.span().start),
            Some("demand.departure_profile"),
            "no departure minute of the window falls in a period of positive weight",
        ));
    }
    profile
}
