//! Scenarios: an ordered list of typed modifications applied to a base network.
//!
//! Resolution and application are one pass over a *copy* of the base network: each modification
//! is checked against the network as the earlier modifications left it (so `add-node` then
//! `add-road` through the new node works), problems are collected with the file and line of the
//! modification, and nothing runs unless there are none. The base is only ever borrowed
//! immutably, so it cannot be touched; an empty scenario yields a network equal to the base.

mod apply;

use crate::error::{Error, Problem, Result};
use crate::io::ScenarioChain;
use crate::network::{Network, ZoneId};
use crate::time::{Seconds, parse_clock};
use std::path::PathBuf;

/// The departure window of an analysis, seconds since midnight, `[start_s, end_s)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Start, seconds since midnight.
    pub start_s: Seconds,
    /// End (exclusive), seconds since midnight.
    pub end_s: Seconds,
}

impl Window {
    /// The default analysis window, the morning peak 07:00-09:00.
    pub const MORNING_PEAK: Window = Window {
        start_s: 7 * 3600,
        end_s: 9 * 3600,
    };

    /// Length, seconds.
    pub fn len_s(self) -> Seconds {
        self.end_s - self.start_s
    }

    /// The same length, starting at `start_s`.
    pub fn starting_at(self, start_s: Seconds) -> Window {
        Window {
            start_s,
            end_s: start_s + self.len_s(),
        }
    }
}

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
    /// Mode choice parameters.
    pub choice: Choice,
    /// What varies between Monte-Carlo draws besides line phases.
    pub variability: Variability,
}

/// What varies between Monte-Carlo draws besides line phases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Variability {
    /// Mean service delay by mode (index [`crate::network::Mode::index`]), minutes; each line
    /// is late by an exponential amount with this mean in each draw.
    pub delays_min: [f64; 5],
    /// Standard deviation of the log of a day factor on all car free-flow times (mean 1).
    pub road_day_sd: f64,
    /// Standard deviation of the log of a day factor on the checkpoint delays (mean 1).
    pub checkpoint_sd: f64,
}

impl Default for Variability {
    /// [`DEFAULT_DELAYS_MIN`]; car times vary by about 15% from day to day and checkpoint queues
    /// by about half (estimates to calibrate).
    fn default() -> Self {
        Variability {
            delays_min: DEFAULT_DELAYS_MIN,
            road_day_sd: 0.15,
            checkpoint_sd: 0.5,
        }
    }
}

/// Default mean delays, minutes, by mode (hsr, rail, subway, bus, custom bus): HSR mostly
/// punctual, conventional rail less, the subway near-exact, buses exposed to the roads.
/// Estimates to calibrate.
pub const DEFAULT_DELAYS_MIN: [f64; 5] = [1.0, 3.0, 0.5, 3.0, 3.0];

/// A commuter table as read from a file: `(line, origin id, destination id, commuters)` rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandTable {
    /// The file.
    pub path: PathBuf,
    /// Rows with their lines.
    pub rows: Vec<(u64, String, String, f64)>,
}

/// The commuter demand model: a doubly constrained gravity model (see `sim::demand`).
#[derive(Debug, Clone, Copy, PartialEq)]
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
#[derive(Debug, Clone, Copy, PartialEq)]
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
    let variability = Variability {
        delays_min: resolve_delays(chain, &mut problems),
        ..resolve_roads(chain, &mut problems)
    };
    let mut applier = apply::Applier::new(base);
    for loaded in &chain.files {
        for (line, parsed) in loaded.modifications() {
            match parsed {
                Ok(spec) => applier.apply(&spec, &loaded.path, line, &mut problems),
                Err(problem) => problems.push(problem),
            }
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
    let (network, applied, demand_scales) = applier.finish();
    let commuter_table = demand_table.map(|t| {
        let mut seen = std::collections::HashMap::new();
        t.rows
            .iter()
            .filter_map(|(line, o, d, commuters)| {
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
                    zone(o, "origin", &mut problems)?,
                    zone(d, "destination", &mut problems)?,
                );
                if let Some(first) = seen.insert((o, d), *line) {
                    problems.push(Problem::at(
                        &t.path,
                        *line,
                        None,
                        format!("the same pair again (first on line {first})"),
                    ));
                }
                Some((o, d, *commuters))
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
        choice,
        variability,
    })
}

fn resolve_window(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> Window {
    let Some((loaded, spec)) = chain
        .files
        .iter()
        .rev()
        .find_map(|s| s.file.window.as_ref().map(|w| (s, w)))
    else {
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

/// The demand and choice parameters: the nearest `[demand]` and `[choice]` in the chain, each
/// field defaulting; every value finite and in range.
fn resolve_model(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> (Demand, Choice) {
    let mut demand = Demand::default();
    let mut choice = Choice::default();
    let mut check =
        |loaded: &crate::io::LoadedScenario, span: usize, field: &str, value: f64, ok: bool| {
            if !(value.is_finite() && ok) {
                problems.push(Problem::at(
                    &loaded.path,
                    loaded.line(span),
                    Some(field),
                    format!("{value} is out of range"),
                ));
            }
            value
        };
    if let Some((loaded, spec)) = chain
        .files
        .iter()
        .rev()
        .find_map(|s| s.file.demand.as_ref().map(|d| (s, d)))
    {
        let at = spec.span().start;
        let d = spec.get_ref();
        if let Some(v) = d.commute_rate {
            demand.commute_rate = check(
                loaded,
                at,
                "demand.commute_rate",
                v,
                (0.0..=1.0).contains(&v),
            );
        }
        if let Some(v) = d.beta_per_min {
            demand.beta_per_min = check(
                loaded,
                at,
                "demand.beta_per_min",
                v,
                (0.0..=1.0).contains(&v),
            );
        }
        if let Some(v) = d.intrazonal_min {
            demand.intrazonal_min = check(
                loaded,
                at,
                "demand.intrazonal_min",
                v,
                (0.0..=600.0).contains(&v),
            );
        }
    }
    if let Some((loaded, spec)) = chain
        .files
        .iter()
        .rev()
        .find_map(|s| s.file.choice.as_ref().map(|c| (s, c)))
    {
        let at = spec.span().start;
        let c = spec.get_ref();
        for (field, value, target) in [
            (
                "choice.scale_per_min",
                c.scale_per_min,
                &mut choice.scale_per_min,
            ),
            (
                "choice.minutes_per_yuan",
                c.minutes_per_yuan,
                &mut choice.minutes_per_yuan,
            ),
            (
                "choice.car_constant_min",
                c.car_constant_min,
                &mut choice.car_constant_min,
            ),
            (
                "choice.transit_constant_min",
                c.transit_constant_min,
                &mut choice.transit_constant_min,
            ),
            (
                "choice.car_cost_yuan_per_km",
                c.car_cost_yuan_per_km,
                &mut choice.car_cost_yuan_per_km,
            ),
        ] {
            if let Some(v) = value {
                let ok = if field.ends_with("constant_min") {
                    v.abs() <= 600.0
                } else {
                    (0.0..=100.0).contains(&v)
                };
                *target = check(loaded, at, field, v, ok);
            }
        }
    }
    (demand, choice)
}

/// Mean delays by mode: the defaults, overridden by the nearest `[delays]` table.
fn resolve_delays(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> [f64; 5] {
    let mut delays = DEFAULT_DELAYS_MIN;
    if let Some((loaded, spec)) = chain
        .files
        .iter()
        .rev()
        .find_map(|s| s.file.delays.as_ref().map(|d| (s, d)))
    {
        let line = loaded.line(spec.span().start);
        for (mode, &minutes) in spec.get_ref() {
            match crate::network::Mode::parse(mode) {
                Some(m) if minutes.is_finite() && (0.0..=120.0).contains(&minutes) => {
                    delays[m.index()] = minutes
                }
                Some(_) => problems.push(Problem::at(
                    &loaded.path,
                    line,
                    Some(&format!("delays.{mode}")),
                    format!("expected minutes between 0 and 120, got {minutes}"),
                )),
                None => problems.push(Problem::at(
                    &loaded.path,
                    line,
                    Some("delays"),
                    format!("unknown mode `{mode}`; expected hsr, rail, subway, bus or custom_bus"),
                )),
            }
        }
    }
    delays
}

/// Road variability: the nearest `[roads]` table over the defaults.
fn resolve_roads(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> Variability {
    let mut v = Variability::default();
    if let Some((loaded, spec)) = chain
        .files
        .iter()
        .rev()
        .find_map(|s| s.file.roads.as_ref().map(|r| (s, r)))
    {
        let line = loaded.line(spec.span().start);
        for (field, value, target) in [
            ("roads.day_sd", spec.get_ref().day_sd, &mut v.road_day_sd),
            (
                "roads.checkpoint_sd",
                spec.get_ref().checkpoint_sd,
                &mut v.checkpoint_sd,
            ),
        ] {
            if let Some(x) = value {
                if x.is_finite() && (0.0..=2.0).contains(&x) {
                    *target = x;
                } else {
                    problems.push(Problem::at(
                        &loaded.path,
                        line,
                        Some(field),
                        format!("{x} is out of range (0 to 2)"),
                    ));
                }
            }
        }
    }
    v
}
