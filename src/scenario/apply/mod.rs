//! Checking and applying each modification type against the network as it stands. `check.rs`
//! holds what all types share (problems tagged with the modification's file and line, field
//! checks); each type's own checks are one function in the file of its group: `nodes.rs`
//! (`add-node`, `add-zone`), `roads.rs` (`add-road`, `close-link`, road speed and capacity),
//! `lines.rs` (`add-line`, `remove-line`, `adjust-frequency`, run times and line capacity),
//! `demand.rs` (`scale-demand`). A check returns the edit to perform, run only when the
//! modification has no problem.

mod check;
mod demand;
mod lines;
mod nodes;
mod roads;

use super::DemandScale;
use crate::error::Problem;
use crate::io::ModificationSpec;
use crate::network::Network;
use check::Check;
use std::path::Path;

/// A checked modification, ready to apply; returns a label for the log of applied modifications.
type Edit = Box<dyn FnOnce(&mut Network) -> String>;

/// Applies modifications one by one to a copy of the base network.
pub(super) struct Applier {
    net: Network,
    applied: Vec<String>,
    demand_scales: Vec<DemandScale>,
}

impl Applier {
    pub(super) fn new(base: &Network) -> Self {
        Applier {
            net: base.clone(),
            applied: Vec::new(),
            demand_scales: Vec::new(),
        }
    }

    /// The modified network, one label per modification applied, and the demand scalings.
    pub(super) fn finish(self) -> (Network, Vec<String>, Vec<DemandScale>) {
        (self.net, self.applied, self.demand_scales)
    }

    /// Checks `spec` against the current network and applies it when it has no problem.
    pub(super) fn apply(
        &mut self,
        spec: &ModificationSpec,
        path: &Path,
        line: u64,
        problems: &mut Vec<Problem>,
    ) {
        let mut check = Check::new(path, line, spec.type_name());
        let edit = self.check(spec, &mut check);
        if check.passed()
            && let Some(edit) = edit
        {
            let label = edit(&mut self.net);
            self.net.reindex();
            self.applied.push(format!(
                "{} {label} ({}:{line})",
                spec.type_name(),
                path.display()
            ));
        } else {
            problems.append(&mut check.into_problems());
        }
    }

    /// Validates a modification; returns the edit to perform (which returns a label).
    fn check(&mut self, spec: &ModificationSpec, c: &mut Check<'_>) -> Option<Edit> {
        let net = &self.net;
        match spec {
            ModificationSpec::AddLine { .. } => lines::add_line(c, net, spec),
            ModificationSpec::RemoveLine { lines } => lines::remove_line(c, net, lines),
            ModificationSpec::AdjustFrequency {
                line,
                headways,
                departures,
            } => lines::adjust_frequency(c, net, line, headways.as_deref(), departures.as_deref()),
            ModificationSpec::AdjustSpeed {
                line,
                run_time_factor,
                road,
                speed_kmh,
            } => match (line, run_time_factor, road, speed_kmh) {
                (Some(line), Some(factor), None, None) => {
                    lines::scale_run_times(c, net, line, *factor)
                }
                (None, None, Some(road), Some(speed)) => roads::set_speed(c, net, road, *speed),
                _ => {
                    c.fail(
                        "line",
                        "give either `line` with `run_time_factor`, or `road` with `speed_kmh`",
                    );
                    None
                }
            },
            ModificationSpec::AddRoad { nodes, links } => roads::add_road(c, net, nodes, links),
            ModificationSpec::AddNode(node) => nodes::add_node(c, net, node),
            ModificationSpec::CloseLink { links } => roads::close_link(c, net, links),
            ModificationSpec::SetCapacity {
                link,
                capacity_vph,
                line,
                capacity,
                seats,
            } => match (link, capacity_vph, line, capacity, seats) {
                (Some(link), Some(vph), None, None, None) => {
                    roads::set_capacity(c, net, link, *vph)
                }
                (None, None, Some(line), capacity, seats)
                    if capacity.is_some() || seats.is_some() =>
                {
                    lines::set_capacity(c, net, line, *capacity, *seats)
                }
                _ => {
                    c.fail(
                        "link",
                        "give either `link` with `capacity_vph`, or `line` with `capacity`, \
                         `seats` or both",
                    );
                    None
                }
            },
            ModificationSpec::SetFare { lines, modes, fare } => {
                lines::set_fare(c, net, lines, modes, fare)
            }
            ModificationSpec::AddZone { .. } => nodes::add_zone(c, net, spec),
            ModificationSpec::ScaleDemand {
                factor,
                origins,
                destinations,
            } => demand::scale_demand(
                c,
                net,
                &mut self.demand_scales,
                *factor,
                origins,
                destinations,
            ),
        }
    }
}
