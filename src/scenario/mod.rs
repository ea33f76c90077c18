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
}

/// Applies every modification of `chain` (root file first) to a copy of `base`.
///
/// Returns all problems found, each with the file and line of its modification.
pub fn resolve(chain: &ScenarioChain, base: &Network, network_dir: PathBuf) -> Result<Scenario> {
    let mut problems = Vec::new();
    let window = resolve_window(chain, &mut problems);
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
    Ok(Scenario {
        name: leaf.file.name.get_ref().clone(),
        description: leaf.file.description.clone(),
        path: leaf.path.clone(),
        network_dir,
        window,
        network,
        applied,
        demand_scales,
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
