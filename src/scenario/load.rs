//! Loading a scenario from its file: the one place that strings `io`'s readers (the `extends`
//! chain, the base network, the commuter table) together with [`resolve`]. It sits here, above
//! `io`, so that `io` needs nothing from `scenario`.

use super::{Scenario, resolve};
use crate::error::Result;
use crate::io::{load_network, load_scenario_chain, read_demand_table};
use std::path::Path;

/// Loads the scenario file at `path`, the files it extends, its network and its commuter table,
/// and applies its modifications.
pub fn load(path: &Path) -> Result<Scenario> {
    let chain = load_scenario_chain(path)?;
    let network_dir = chain.network_dir()?;
    let base = load_network(&network_dir)?;
    let demand_table = read_demand_table(&chain)?;
    resolve(&chain, &base, network_dir, demand_table)
}
