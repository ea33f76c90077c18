//! Loading a scenario from its file: the one place that strings `io`'s readers (the `extends`
//! chain, the base network, the commuter table) together with [`resolve`]. It sits here, above
//! `io`, so that `io` needs nothing from `scenario`.

use super::{Scenario, resolve, resolve_targets};
use crate::error::Result;
use crate::io::{load_network, load_scenario_chain, read_demand_table, read_targets};
use std::path::Path;

/// Loads the scenario file at `path`, the files it extends, its network (with its validation
/// targets) and its commuter table, and applies its modifications.
pub fn load(path: &Path) -> Result<Scenario> {
    let chain = load_scenario_chain(path)?;
    let network_dir = chain.network_dir()?;
    let base = load_network(&network_dir)?;
    let targets = read_targets(&network_dir)?
        .map(|table| resolve_targets(&table, &base))
        .transpose()?;
    let demand_table = read_demand_table(&chain)?;
    let mut scenario = resolve(&chain, &base, network_dir, demand_table)?;
    scenario.targets = targets;
    Ok(scenario)
}
