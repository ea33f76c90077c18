//! Resolving a scenario's `extends` chain against its base network: the parameter tables (each
//! inherited whole from the nearest file of the chain that has it, `ScenarioChain::nearest`),
//! then the modifications of every file, root first ([`super::apply`]), then what can only be
//! checked against the modified network (line delays naming lines, the commuter table's zone
//! ids). Every problem is collected with its file and line before anything is returned.

use super::apply::Applier;
use super::params::{
    CHOICE_MODES, CarRestrictions, Choice, Congestion, Crowding, Delay, Demand, Equilibrium,
    Horizon, Variability, departure_weights,
};
use super::{DemandScale, Scenario};
use crate::bounds::{self, Bound};
use crate::error::{Error, Problem, Result};
use crate::io::{DelaySpec, DemandTable, LoadedScenario, ScenarioChain};
use crate::network::{Mode, Network, ZoneId};
use crate::time::{Seconds, Window, format_clock, parse_clock};
use std::collections::HashMap;
use std::path::PathBuf;

/// Resolves `chain` (root file first) against `base`, the network its nearest `network` names
/// (from `network_dir`): the parameters, every modification applied to a copy of `base`, and
/// the commuter table read from the nearest `[demand] file`, if any.
///
/// Returns all problems found, each with its file and line.
pub fn resolve(
    chain: &ScenarioChain,
    base: &Network,
    network_dir: PathBuf,
    demand_table: Option<DemandTable>,
) -> Result<Scenario> {
    let mut problems = Vec::new();
    let window = resolve_window(chain, &mut problems);
    let demand = resolve_demand(chain, &mut problems);
    let choice = resolve_choice(chain, &mut problems);
    let car_restrictions = resolve_car_restrictions(chain, base, &mut problems);
    let departure_profile = resolve_profile(chain, window, &mut problems);
    let (mut variability, line_delays) = resolve_variability(chain, &mut problems);
    let congestion = resolve_congestion(chain, &mut problems);
    let crowding = resolve_crowding(chain, &mut problems);
    let equilibrium = resolve_equilibrium(chain, &mut problems);
    let before_modifications = problems.len();
    let (network, applied, demand_scales) = apply_modifications(chain, base, &mut problems);
    let modifications_ok = problems.len() == before_modifications;
    // Line delays name lines of the modified network (unless a modification failed: its line
    // would be reported twice).
    for LineDelay {
        path,
        line,
        id,
        delay,
    } in line_delays
    {
        if network.line_id(&id).is_some() {
            variability.line_delays.insert(id, delay);
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
    check_name(leaf, &mut problems);
    let horizon = resolve_horizon(leaf, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let demand_file = demand_table.as_ref().map(|t| t.path.clone());
    let commuter_table = demand_table.map(|t| commuter_table(&t, &network, &mut problems));
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(Scenario {
        name: leaf.file.name.get_ref().clone(),
        description: leaf.file.description.clone(),
        path: leaf.path.clone(),
        network_dir,
        extends: chain.parent().map(|parent| parent.path.clone()),
        horizon,
        window,
        network,
        applied,
        demand_scales,
        demand,
        commuter_table,
        demand_file,
        choice,
        car_restrictions,
        variability,
        departure_profile,
        congestion,
        crowding,
        equilibrium,
        targets: None,
    })
}

/// Applies the modifications of every file of `chain`, root first, to a copy of `base`: the
/// modified network, one label per modification applied, and the demand scalings.
fn apply_modifications(
    chain: &ScenarioChain,
    base: &Network,
    problems: &mut Vec<Problem>,
) -> (Network, Vec<String>, Vec<DemandScale>) {
    let mut applier = Applier::new(base);
    for loaded in &chain.files {
        for (line, parsed) in loaded.modifications() {
            match parsed {
                Ok(spec) => applier.apply(&spec, &loaded.path, line, problems),
                Err(problem) => problems.push(problem),
            }
        }
    }
    applier.finish()
}

/// The scenario's name names its output folder: letters, digits, `-`, `_` and `.` (not first).
fn check_name(leaf: &LoadedScenario, problems: &mut Vec<Problem>) {
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
}

/// The horizon the scenario file states, if any (`horizon` is not inherited): `fixed` needs a
/// scenario to hold the commuters of, the one it extends.
fn resolve_horizon(leaf: &LoadedScenario, problems: &mut Vec<Problem>) -> Option<Horizon> {
    let stated = leaf.file.horizon.as_ref()?;
    let line = leaf.line(stated.span().start);
    let horizon = match stated.get_ref().as_str() {
        "variable" => Horizon::VariableDestination,
        "fixed" => Horizon::FixedDemand,
        other => {
            problems.push(Problem::at(
                &leaf.path,
                line,
                Some("horizon"),
                format!("`{other}`: a horizon is `fixed` (the extended scenario's commuters held) or `variable` (destinations chosen anew)"),
            ));
            return None;
        }
    };
    if horizon == Horizon::FixedDemand && leaf.file.extends.is_none() {
        problems.push(Problem::at(
            &leaf.path,
            line,
            Some("horizon"),
            "`fixed` holds the commuters of the scenario this one extends, and it extends none: add `extends`",
        ));
    }
    Some(horizon)
}

/// The commuter table's rows as zone pairs of `network`: each zone id known, each pair once.
fn commuter_table(
    table: &DemandTable,
    network: &Network,
    problems: &mut Vec<Problem>,
) -> Vec<(ZoneId, ZoneId, f64)> {
    let mut seen = HashMap::new();
    table
        .rows
        .iter()
        .filter_map(|row| {
            let mut zone = |id: &str, field: &str| {
                let z = network.zone_id(id);
                if z.is_none() {
                    problems.push(Problem::at(
                        &table.path,
                        row.line,
                        Some(field),
                        format!("unknown zone id `{id}`"),
                    ));
                }
                z
            };
            let origin = zone(&row.origin, "origin")?;
            let destination = zone(&row.destination, "destination")?;
            if let Some(first) = seen.insert((origin, destination), row.line) {
                problems.push(Problem::at(
                    &table.path,
                    row.line,
                    None,
                    format!("the same pair again (first on line {first})"),
                ));
            }
            Some((origin, destination, row.commuters))
        })
        .collect()
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
    loaded: &LoadedScenario,
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

/// The demand parameters: the nearest `[demand]` in the chain, each field defaulting; every
/// value finite and in range.
fn resolve_demand(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> Demand {
    let mut demand = Demand::default();
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
            (
                "demand.intrazonal_kmh",
                d.intrazonal_kmh,
                &bounds::INTRAZONAL_KMH,
                &mut demand.intrazonal_kmh,
            ),
            (
                "demand.border_min",
                d.border_min,
                &bounds::BORDER_MIN,
                &mut demand.border_min,
            ),
            (
                "demand.max_commute_min",
                d.max_commute_min,
                &bounds::MAX_COMMUTE_MIN,
                &mut demand.max_commute_min,
            ),
        ];
        set_parameters(loaded, spec.span().start, entries, problems);
    }
    demand
}

/// The car restrictions: the nearest `[car_restrictions]` in the chain, each field defaulting
/// (no restriction); shares in range, the province one the base network's zones name.
fn resolve_car_restrictions(
    chain: &ScenarioChain,
    base: &Network,
    problems: &mut Vec<Problem>,
) -> CarRestrictions {
    let mut restrictions = CarRestrictions::default();
    if let Some((loaded, spec)) = chain.nearest(|f| f.car_restrictions.as_ref()) {
        let r = spec.get_ref();
        let entries = vec![
            (
                "car_restrictions.outside_car_share",
                r.outside_car_share,
                &bounds::CAR_AVAILABLE_SHARE,
                &mut restrictions.outside_car_share,
            ),
            (
                "car_restrictions.local_car_share",
                r.local_car_share,
                &bounds::CAR_AVAILABLE_SHARE,
                &mut restrictions.local_car_share,
            ),
        ];
        set_parameters(loaded, spec.span().start, entries, problems);
        if let Some(province) = &r.province {
            if base.zones().iter().any(|z| &z.province == province) {
                restrictions.province = province.clone();
            } else {
                problems.push(Problem::at(
                    &loaded.path,
                    loaded.line(spec.span().start),
                    Some("car_restrictions.province"),
                    format!(
                        "no zone of the network is in province `{province}` (zones.csv `province`)"
                    ),
                ));
            }
        }
    }
    restrictions
}

/// The mode choice parameters: the nearest `[choice]` in the chain, each field defaulting;
/// every value finite and in range.
fn resolve_choice(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> Choice {
    let mut choice = Choice::default();
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
            (
                "choice.walk_kmh",
                c.walk_kmh,
                &bounds::WALK_KMH,
                &mut choice.walk_kmh,
            ),
            (
                "choice.cycle_kmh",
                c.cycle_kmh,
                &bounds::CYCLE_KMH,
                &mut choice.cycle_kmh,
            ),
            (
                "choice.max_walk_km",
                c.max_walk_km,
                &bounds::STREET_KM,
                &mut choice.max_walk_km,
            ),
            (
                "choice.max_cycle_km",
                c.max_cycle_km,
                &bounds::STREET_KM,
                &mut choice.max_cycle_km,
            ),
            (
                "choice.walk_constant_min",
                c.walk_constant_min,
                &bounds::MODE_CONSTANT_MIN,
                &mut choice.walk_constant_min,
            ),
            (
                "choice.cycle_constant_min",
                c.cycle_constant_min,
                &bounds::MODE_CONSTANT_MIN,
                &mut choice.cycle_constant_min,
            ),
            (
                "choice.taxi_constant_min",
                c.taxi_constant_min,
                &bounds::MODE_CONSTANT_MIN,
                &mut choice.taxi_constant_min,
            ),
            (
                "choice.taxi_wait_min",
                c.taxi_wait_min,
                &bounds::TAXI_WAIT_MIN,
                &mut choice.taxi_wait_min,
            ),
            (
                "choice.taxi_flag_yuan",
                c.taxi_flag_yuan,
                &bounds::TAXI_YUAN,
                &mut choice.taxi_flag_yuan,
            ),
            (
                "choice.taxi_flag_km",
                c.taxi_flag_km,
                &bounds::TAXI_KM,
                &mut choice.taxi_flag_km,
            ),
            (
                "choice.taxi_yuan_per_km",
                c.taxi_yuan_per_km,
                &bounds::TAXI_YUAN_PER_KM,
                &mut choice.taxi_yuan_per_km,
            ),
            (
                "choice.taxi_far_km",
                c.taxi_far_km,
                &bounds::TAXI_KM,
                &mut choice.taxi_far_km,
            ),
            (
                "choice.taxi_far_yuan_per_km",
                c.taxi_far_yuan_per_km,
                &bounds::TAXI_YUAN_PER_KM,
                &mut choice.taxi_far_yuan_per_km,
            ),
        ];
        set_parameters(loaded, spec.span().start, entries, problems);
        if let Some(modes) = &c.modes {
            choice.modes = [false; 6];
            for name in modes {
                match CHOICE_MODES.iter().position(|m| m == name) {
                    Some(i) => choice.modes[i] = true,
                    None => problems.push(Problem::at(
                        &loaded.path,
                        loaded.line(spec.span().start),
                        Some("choice.modes"),
                        format!(
                            "unknown mode `{name}`: expected some of {}",
                            CHOICE_MODES.join(", ")
                        ),
                    )),
                }
            }
        }
    }
    choice
}

/// A `[delays]` entry naming a line, checked once the modifications have made the network.
struct LineDelay {
    /// The scenario file of the `[delays]` table.
    path: PathBuf,
    /// The line of the table in that file.
    line: u64,
    /// The line id.
    id: String,
    delay: Delay,
}

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
            let Some(delay) = resolve_delay(loaded, at, key, value, problems) else {
                continue;
            };
            match Mode::parse(key) {
                Some(m) => v.delays[m.index()] = delay,
                None => lines.push(LineDelay {
                    path: loaded.path.clone(),
                    line: loaded.line(at),
                    id: key.clone(),
                    delay,
                }),
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

/// The `[delays]` entry `key` (a mode or a line id) of the table starting at byte `at`; `None`
/// after a problem.
fn resolve_delay(
    loaded: &LoadedScenario,
    at: usize,
    key: &str,
    value: &DelaySpec,
    problems: &mut Vec<Problem>,
) -> Option<Delay> {
    let field = format!("delays.{key}");
    let before = problems.len();
    let delay = match value {
        DelaySpec::Mean(minutes) => {
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
        DelaySpec::Table(t) => {
            let mut delay = Delay::exponential(0.0);
            let (on_time, late) = (format!("{field}.on_time"), format!("{field}.late_mean_min"));
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
    (problems.len() == before).then_some(delay)
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
            "congestion.assignment_gap",
            c.assignment_gap,
            &bounds::ASSIGNMENT_GAP,
            &mut out.assignment_gap,
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

/// The nearest `[crowding]` table: on by default; a curve's points in range, load factors
/// ascending.
fn resolve_crowding(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> Crowding {
    let mut out = Crowding::default();
    let Some((loaded, spec)) = chain.nearest(|f| f.crowding.as_ref()) else {
        return out;
    };
    let c = spec.get_ref();
    out.enabled = c.enabled.unwrap_or(true);
    let Some(points) = &c.curve else {
        return out;
    };
    let at = spec.span().start;
    let before = problems.len();
    let mut curve = Vec::new();
    for (i, &[x, y]) in points.iter().enumerate() {
        let (mut load_factor, mut multiplier) = (f64::NAN, f64::NAN);
        let field = format!("crowding.curve[{i}]");
        let entries = vec![
            (
                field.as_str(),
                Some(x),
                &bounds::CROWDING_LOAD_FACTOR,
                &mut load_factor,
            ),
            (
                field.as_str(),
                Some(y),
                &bounds::CROWDING_MULTIPLIER,
                &mut multiplier,
            ),
        ];
        set_parameters(loaded, at, entries, problems);
        if let Some(&(previous, _)) = curve.last()
            && x <= previous
        {
            problems.push(Problem::at(
                &loaded.path,
                loaded.line(at),
                Some(&field),
                format!("load factors must ascend: {x} after {previous}"),
            ));
        }
        curve.push((x, y));
    }
    if curve.is_empty() {
        problems.push(Problem::at(
            &loaded.path,
            loaded.line(at),
            Some("crowding.curve"),
            "needs at least one point [load factor, multiplier]".to_owned(),
        ));
    }
    if problems.len() == before {
        out.curve = curve;
    }
    out
}

/// The nearest `[equilibrium]` table, each field defaulting and in range.
fn resolve_equilibrium(chain: &ScenarioChain, problems: &mut Vec<Problem>) -> Equilibrium {
    let mut out = Equilibrium::default();
    let Some((loaded, spec)) = chain.nearest(|f| f.equilibrium.as_ref()) else {
        return out;
    };
    let e = spec.get_ref();
    let (mut rounds, mut draws) = (f64::from(out.max_rounds), f64::from(out.draws));
    let entries = vec![
        (
            "equilibrium.max_rounds",
            e.max_rounds.map(f64::from),
            &bounds::MAX_ROUNDS,
            &mut rounds,
        ),
        (
            "equilibrium.tolerance",
            e.tolerance,
            &bounds::TOLERANCE,
            &mut out.tolerance,
        ),
        (
            "equilibrium.draws",
            e.draws.map(f64::from),
            &bounds::ROUND_DRAWS,
            &mut draws,
        ),
    ];
    set_parameters(loaded, spec.span().start, entries, problems);
    out.max_rounds = rounds as u32;
    out.draws = draws as u32;
    out.destinations = e.destinations.unwrap_or(out.destinations);
    out
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
                format_clock(window.start_s),
                format_clock(window.end_s)
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
