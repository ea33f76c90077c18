//! Scenarios: an ordered list of typed modifications applied to a base network, and the model
//! parameters of the analysis.
//!
//! Resolution and application are one pass over a *copy* of the base network: each modification
//! is checked against the network as the earlier modifications left it (so `add-node` then
//! `add-road` through the new node works), problems are collected with the file and line of the
//! modification, and nothing runs unless there are none. The base is only ever borrowed
//! immutably, so it cannot be touched; an empty scenario yields a network equal to the base.
//!
//! The parts: [`load`] reads a scenario file, the files it extends, its network and its commuter
//! table (through `io`, which does the reading) and hands them to [`resolve`]; `params.rs` holds
//! the parameter types and their defaults; `resolve.rs` turns a chain's tables into them and
//! applies the modifications through `apply/`, one file per group of modification types.

mod apply;
mod load;
mod params;
mod resolve;
mod targets;

pub use load::load;
pub use params::{
    CHOICE_MODES, CarRestrictions, Choice, Congestion, Crowding, DEFAULT_CROWDING_CURVE,
    DEFAULT_DELAYS_MIN, Delay, Demand, Equilibrium, Horizon, Variability, departure_weights,
};
pub use resolve::resolve;
pub use targets::{
    FreeParameter, Measure, ParameterName, Target, TargetMode, Targets, ZoneSelection,
    resolve_targets,
};

use crate::network::{Network, ZoneId};
use crate::time::{Seconds, Window};
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
    /// The scenario file this one extends, if any.
    pub extends: Option<PathBuf>,
    /// The demand horizon the file asks for against the scenario it extends (`None`: not
    /// stated; `run` then uses the scenario's own demand and `compare` holds the before's).
    pub horizon: Option<Horizon>,
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
    /// Restrictions on driving into or within a province.
    pub car_restrictions: CarRestrictions,
    /// What varies between Monte-Carlo draws besides line phases.
    pub variability: Variability,
    /// Relative departure rates over the window: `(start_s, end_s, weight)` periods; minutes
    /// outside every period have weight 0. Empty: uniform.
    pub departure_profile: Vec<(Seconds, Seconds, f64)>,
    /// Road congestion settings; `None`: free-flow roads.
    pub congestion: Option<Congestion>,
    /// Transit crowding settings.
    pub crowding: Crowding,
    /// The supply-demand loop's settings.
    pub equilibrium: Equilibrium,
    /// The published statistics its runs are validated against: the network folder's
    /// `targets.toml` (`None`: it has none).
    pub targets: Option<Targets>,
}

impl Scenario {
    /// The share of commuters leaving in each minute of the window (sums to 1).
    pub fn departure_weights(&self) -> Vec<f64> {
        departure_weights(self.window, &self.departure_profile)
    }
}
