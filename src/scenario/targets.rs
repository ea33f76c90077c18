//! Validation targets: published statistics a network's runs are compared with, checked against
//! the base network (every zone and line named exists, values are numbers in range), all
//! problems collected with the file and line of their `[[target]]`.
//!
//! Zone and line ids stay ids: a scenario may remove a line a target names (its boardings are
//! then zero), and the run looks them up on its own network.

use crate::error::{Error, Problem, Result};
use crate::io::TargetsTable;
use crate::network::Network;
use std::collections::HashSet;
use std::path::PathBuf;

/// The alternatives a mode-share target counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetMode {
    /// Driving.
    Car,
    /// Rail, subway and bus.
    Transit,
    /// Custom commuter buses.
    CustomBus,
    /// Walking.
    Walk,
    /// Cycling.
    Cycle,
    /// Taxi and ride-hailing.
    Taxi,
}

/// The zones a target's commuters come from or go to: those named, and every zone of the
/// provinces named (a zone a scenario adds in one of them included); every zone when both are
/// empty. Naming provinces keeps a target such as "Hebei to Beijing" true when zones are added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZoneSelection {
    /// Zone ids.
    pub zones: Vec<String>,
    /// Provinces (zones.csv `province`).
    pub provinces: Vec<String>,
}

impl ZoneSelection {
    /// Whether the zone `id` in `province` is selected.
    pub fn contains(&self, id: &str, province: &str) -> bool {
        (self.zones.is_empty() && self.provinces.is_empty())
            || self.zones.iter().any(|z| z == id)
            || self.provinces.iter().any(|p| p == province)
    }
}

/// How the model computes a target's statistic, over the commuters from the target's `from`
/// zones to its `to` zones ([`ZoneSelection`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// Mean door-to-door minutes of the served commuters, those working in their own zone
    /// included at their zone's commute (`crate::sim::intrazonal`).
    MeanCommuteMin,
    /// Share of the served commuters taking more than 60 minutes, those working in their own
    /// zone included likewise.
    ShareOver60Min,
    /// Commuters per morning (served or not).
    Commuters,
    /// Share of the commuters between zones on these alternatives (those working in their own
    /// zone are not routed, so they have no mode).
    ModeShare(Vec<TargetMode>),
    /// Share of all commuters walking or cycling: between zones as they chose, within their own
    /// zone by its mode split (`crate::sim::intrazonal`; zones without an area are left out).
    WalkCycleShare,
    /// Mean route distance of the served commuters, km: between zones by the skims' route of
    /// their mode (free-flow road route for cars, the fastest itinerary for public transport),
    /// within a zone that has an area by its commute (`crate::sim::intrazonal`; those of zones
    /// without one are left out).
    MeanCommuteKm,
    /// Boardings per morning on these lines.
    LineBoardings(Vec<String>),
}

impl Measure {
    /// Whether the statistic is a share (its tolerance is then absolute).
    pub fn is_share(&self) -> bool {
        matches!(
            self,
            Measure::ShareOver60Min | Measure::ModeShare(_) | Measure::WalkCycleShare
        )
    }
}

/// One published statistic to compare the model with.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Identifier, unique in its file.
    pub id: String,
    /// What it is, in words.
    pub description: String,
    /// How the model computes it.
    pub measure: Measure,
    /// Origin zones.
    pub from: ZoneSelection,
    /// Destination zones.
    pub to: ZoneSelection,
    /// The published value.
    pub published: f64,
    /// Relative tolerance, or absolute for shares ([`Measure::is_share`]).
    pub tolerance: f64,
    /// Where the published value comes from.
    pub source: String,
    /// Whether calibration fits to it (false: held out).
    pub fit: bool,
}

/// A scenario parameter calibration may move, within a plausible range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterName {
    /// `[demand] beta_per_min`.
    BetaPerMin,
    /// `[demand] intrazonal_min`.
    IntrazonalMin,
    /// `[demand] intrazonal_kmh`.
    IntrazonalKmh,
    /// `[demand] border_min`.
    BorderMin,
    /// `[demand] commute_rate`.
    CommuteRate,
    /// `[choice] car_constant_min`.
    CarConstantMin,
    /// `[choice] transit_constant_min`.
    TransitConstantMin,
    /// `[choice] custom_bus_constant_min`.
    CustomBusConstantMin,
    /// `[choice] walk_constant_min`.
    WalkConstantMin,
    /// `[choice] cycle_constant_min`.
    CycleConstantMin,
    /// `[choice] taxi_constant_min`.
    TaxiConstantMin,
    /// `[choice] minutes_per_yuan` (the value of time, inverted).
    MinutesPerYuan,
}

impl ParameterName {
    /// Every parameter with its `table.key` name.
    pub const ALL: [(ParameterName, &'static str); 12] = [
        (ParameterName::BetaPerMin, "demand.beta_per_min"),
        (ParameterName::IntrazonalMin, "demand.intrazonal_min"),
        (ParameterName::IntrazonalKmh, "demand.intrazonal_kmh"),
        (ParameterName::BorderMin, "demand.border_min"),
        (ParameterName::CommuteRate, "demand.commute_rate"),
        (ParameterName::CarConstantMin, "choice.car_constant_min"),
        (
            ParameterName::TransitConstantMin,
            "choice.transit_constant_min",
        ),
        (
            ParameterName::CustomBusConstantMin,
            "choice.custom_bus_constant_min",
        ),
        (ParameterName::WalkConstantMin, "choice.walk_constant_min"),
        (ParameterName::CycleConstantMin, "choice.cycle_constant_min"),
        (ParameterName::TaxiConstantMin, "choice.taxi_constant_min"),
        (ParameterName::MinutesPerYuan, "choice.minutes_per_yuan"),
    ];

    /// The range a scenario file allows it (a fitted value must load again).
    pub fn bound(self) -> &'static crate::bounds::Bound {
        use crate::bounds::{
            BETA_PER_MIN, BORDER_MIN, COMMUTE_RATE, INTRAZONAL_KMH, INTRAZONAL_MIN,
            MINUTES_PER_YUAN, MODE_CONSTANT_MIN,
        };
        match self {
            ParameterName::BetaPerMin => &BETA_PER_MIN,
            ParameterName::IntrazonalMin => &INTRAZONAL_MIN,
            ParameterName::IntrazonalKmh => &INTRAZONAL_KMH,
            ParameterName::BorderMin => &BORDER_MIN,
            ParameterName::CommuteRate => &COMMUTE_RATE,
            ParameterName::MinutesPerYuan => &MINUTES_PER_YUAN,
            ParameterName::CarConstantMin
            | ParameterName::TransitConstantMin
            | ParameterName::CustomBusConstantMin
            | ParameterName::WalkConstantMin
            | ParameterName::CycleConstantMin
            | ParameterName::TaxiConstantMin => &MODE_CONSTANT_MIN,
        }
    }

    /// Its `table.key` name.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(p, _)| *p == self)
            .map_or("", |(_, name)| name)
    }

    /// Its value in `scenario`.
    pub fn get(self, scenario: &super::Scenario) -> f64 {
        let (d, c) = (&scenario.demand, &scenario.choice);
        match self {
            ParameterName::BetaPerMin => d.beta_per_min,
            ParameterName::IntrazonalMin => d.intrazonal_min,
            ParameterName::IntrazonalKmh => d.intrazonal_kmh,
            ParameterName::BorderMin => d.border_min,
            ParameterName::CommuteRate => d.commute_rate,
            ParameterName::CarConstantMin => c.car_constant_min,
            ParameterName::TransitConstantMin => c.transit_constant_min,
            ParameterName::CustomBusConstantMin => c.custom_bus_constant_min,
            ParameterName::WalkConstantMin => c.walk_constant_min,
            ParameterName::CycleConstantMin => c.cycle_constant_min,
            ParameterName::TaxiConstantMin => c.taxi_constant_min,
            ParameterName::MinutesPerYuan => c.minutes_per_yuan,
        }
    }

    /// Sets it to `value` in `scenario`.
    pub fn set(self, scenario: &mut super::Scenario, value: f64) {
        let (d, c) = (&mut scenario.demand, &mut scenario.choice);
        let field = match self {
            ParameterName::BetaPerMin => &mut d.beta_per_min,
            ParameterName::IntrazonalMin => &mut d.intrazonal_min,
            ParameterName::IntrazonalKmh => &mut d.intrazonal_kmh,
            ParameterName::BorderMin => &mut d.border_min,
            ParameterName::CommuteRate => &mut d.commute_rate,
            ParameterName::CarConstantMin => &mut c.car_constant_min,
            ParameterName::TransitConstantMin => &mut c.transit_constant_min,
            ParameterName::CustomBusConstantMin => &mut c.custom_bus_constant_min,
            ParameterName::WalkConstantMin => &mut c.walk_constant_min,
            ParameterName::CycleConstantMin => &mut c.cycle_constant_min,
            ParameterName::TaxiConstantMin => &mut c.taxi_constant_min,
            ParameterName::MinutesPerYuan => &mut c.minutes_per_yuan,
        };
        *field = value;
    }
}

/// A free parameter of calibration: which, and its plausible range.
#[derive(Debug, Clone, PartialEq)]
pub struct FreeParameter {
    /// The parameter.
    pub name: ParameterName,
    /// The least plausible value.
    pub min: f64,
    /// The greatest plausible value.
    pub max: f64,
    /// Where the range comes from.
    pub source: String,
}

/// The validation targets of a network, and the parameters calibration may move.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    /// The file they came from.
    pub path: PathBuf,
    /// The targets, in file order.
    pub targets: Vec<Target>,
    /// The free parameters, in file order.
    pub parameters: Vec<FreeParameter>,
}

/// Checks the targets of `table` against the network `base`, collecting every problem.
pub fn resolve_targets(table: &TargetsTable, base: &Network) -> Result<Targets> {
    let path = &table.path;
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    let zones: HashSet<&str> = base.zones().iter().map(|z| z.id.as_str()).collect();
    let provinces: HashSet<&str> = base.zones().iter().map(|z| z.province.as_str()).collect();
    let lines: HashSet<&str> = base.lines().iter().map(|l| l.id.as_str()).collect();
    let mut targets = Vec::new();
    for (line, spec) in &table.targets {
        let mut problem = |field: &str, message: String| {
            problems.push(Problem::at(path, *line, Some(field), message));
        };
        if spec.id.trim().is_empty() {
            problem("id", "is empty; give each target an identifier".into());
        } else if !ids.insert(spec.id.as_str()) {
            problem("id", format!("`{}` is used by an earlier target", spec.id));
        }
        for (field, list) in [("from", &spec.from), ("to", &spec.to)] {
            for zone in list.iter().filter(|z| !zones.contains(z.as_str())) {
                problem(field, format!("unknown zone `{zone}`"));
            }
        }
        for (field, list) in [
            ("from_provinces", &spec.from_provinces),
            ("to_provinces", &spec.to_provinces),
        ] {
            for province in list.iter().filter(|p| !provinces.contains(p.as_str())) {
                problem(
                    field,
                    format!("no zone of the network is in province `{province}`"),
                );
            }
        }
        if !spec.published.is_finite() || spec.published < 0.0 {
            problem(
                "published",
                format!("{} is not a number of 0 or more", spec.published),
            );
        }
        if !spec.tolerance.is_finite() || spec.tolerance <= 0.0 {
            problem(
                "tolerance",
                format!("{} is not a number above 0", spec.tolerance),
            );
        }
        let measure = match spec.measure.as_str() {
            "mean_commute_min" => Some(Measure::MeanCommuteMin),
            "share_over_60_min" => Some(Measure::ShareOver60Min),
            "commuters" => Some(Measure::Commuters),
            "mean_commute_km" => Some(Measure::MeanCommuteKm),
            "walk_cycle_share" => Some(Measure::WalkCycleShare),
            "mode_share" => {
                let modes: Vec<Option<TargetMode>> = spec
                    .modes
                    .iter()
                    .map(|m| match m.as_str() {
                        "car" => Some(TargetMode::Car),
                        "transit" => Some(TargetMode::Transit),
                        "custom_bus" => Some(TargetMode::CustomBus),
                        "walk" => Some(TargetMode::Walk),
                        "cycle" => Some(TargetMode::Cycle),
                        "taxi" => Some(TargetMode::Taxi),
                        other => {
                            problem(
                                "modes",
                                format!(
                                    "unknown mode `{other}` (expected car, transit, custom_bus, \
                                     walk, cycle or taxi)"
                                ),
                            );
                            None
                        }
                    })
                    .collect();
                if modes.is_empty() {
                    problem(
                        "modes",
                        "a mode_share target needs at least one mode".into(),
                    );
                }
                modes
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(Measure::ModeShare)
            }
            "line_boardings" => {
                for l in spec.lines.iter().filter(|l| !lines.contains(l.as_str())) {
                    problem("lines", format!("unknown line `{l}`"));
                }
                if spec.lines.is_empty() {
                    problem(
                        "lines",
                        "a line_boardings target needs at least one line".into(),
                    );
                }
                Some(Measure::LineBoardings(spec.lines.clone()))
            }
            other => {
                problem(
                    "measure",
                    format!(
                        "unknown measure `{other}` (expected mean_commute_min, share_over_60_min, \
                         commuters, mode_share, walk_cycle_share, mean_commute_km or \
                         line_boardings)"
                    ),
                );
                None
            }
        };
        let misplaced = [
            ("modes", !spec.modes.is_empty(), "mode_share"),
            ("lines", !spec.lines.is_empty(), "line_boardings"),
        ];
        for (field, given, owner) in misplaced {
            if given && spec.measure != owner {
                problem(field, format!("applies only to measure {owner}"));
            }
        }
        if let Some(measure) = measure {
            targets.push(Target {
                id: spec.id.clone(),
                description: spec.description.clone(),
                measure,
                from: ZoneSelection {
                    zones: spec.from.clone(),
                    provinces: spec.from_provinces.clone(),
                },
                to: ZoneSelection {
                    zones: spec.to.clone(),
                    provinces: spec.to_provinces.clone(),
                },
                published: spec.published,
                tolerance: spec.tolerance,
                source: spec.source.clone(),
                fit: spec.fit,
            });
        }
    }
    let mut parameters = Vec::new();
    let mut named = HashSet::new();
    for (line, spec) in &table.parameters {
        let mut problem = |field: &str, message: String| {
            problems.push(Problem::at(path, *line, Some(field), message));
        };
        let name = ParameterName::ALL
            .iter()
            .find(|(_, n)| *n == spec.name)
            .map(|(p, _)| *p);
        match name {
            None => problem(
                "name",
                format!(
                    "unknown parameter `{}` (expected one of {})",
                    spec.name,
                    ParameterName::ALL.map(|(_, n)| n).join(", ")
                ),
            ),
            Some(_) if !named.insert(spec.name.as_str()) => {
                problem("name", format!("`{}` is given twice", spec.name));
            }
            Some(_) => {}
        }
        if !(spec.min.is_finite() && spec.max.is_finite() && spec.min < spec.max) {
            problem(
                "max",
                format!(
                    "the range [{}, {}] is not two numbers, the first below the second",
                    spec.min, spec.max
                ),
            );
        }
        if let Some(name) = name {
            for (field, value) in [("min", spec.min), ("max", spec.max)] {
                if let Err(message) = name.bound().check(value) {
                    problem(field, format!("{} {message}", name.as_str()));
                }
            }
            parameters.push(FreeParameter {
                name,
                min: spec.min,
                max: spec.max,
                source: spec.source.clone(),
            });
        }
    }
    if problems.is_empty() {
        Ok(Targets {
            path: path.clone(),
            targets,
            parameters,
        })
    } else {
        Err(Error::Invalid(problems))
    }
}
