//! Everything that touches files: reading networks and scenarios, writing results. This is the
//! only module that reads the file system or derives `Deserialize` for input formats; the rest of
//! the crate works on validated in-memory types and cannot fail on bad input.

mod network_files;
pub mod output;
mod scenario_file;
mod table;

pub use network_files::{NETWORK_FORMAT_VERSION, load_network};
pub use scenario_file::{
    AccessSpec, ChoiceSpec, DemandSpec, HeadwaySpec, LinkSpec, LoadedScenario, ModificationSpec,
    NodeSpec, SCENARIO_FORMAT_VERSION, ScenarioChain, ScenarioFile, StopSpec, TransferSpec,
    WindowSpec, ZoneAccessSpec, load_scenario_chain,
};

use crate::error::{Error, Problem};
use std::path::Path;

/// Reads a whole text file.
pub(crate) fn read_text(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|error| Error::Read {
        path: path.to_path_buf(),
        error,
    })
}

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> u64 {
    line_of_bytes(text.as_bytes(), offset)
}

/// The 1-based line of byte `offset` in `bytes`.
pub(crate) fn line_of_bytes(bytes: &[u8], offset: usize) -> u64 {
    let newlines = bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    newlines as u64 + 1
}

/// Turns a TOML error into a problem with the line it points at.
pub(crate) fn toml_problem(path: &Path, text: &str, error: &toml::de::Error) -> Problem {
    let message = error.message().to_owned();
    match error.span() {
        Some(span) => Problem::at(path, line_of(text, span.start), None, message),
        None => Problem::file(path, message),
    }
}

/// Loads a scenario file, the files it extends and its network, and applies its modifications.
pub fn load_scenario(path: &Path) -> Result<crate::scenario::Scenario, Error> {
    let chain = load_scenario_chain(path)?;
    let network_dir = chain.network_dir()?;
    let base = load_network(&network_dir)?;
    crate::scenario::resolve(&chain, &base, network_dir)
}
