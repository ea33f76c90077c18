//! Everything that touches files: reading networks and scenarios, writing results. This is the
//! only module that reads the file system or derives `Deserialize` for input formats; the rest of
//! the crate works on validated in-memory types and cannot fail on bad input.

mod demand_table;
mod graph_files;
mod graph_limits;
mod gtfs;
mod network_files;
mod osm;
pub mod output;
mod rows;
mod scenario_file;
mod table;
mod table_writer;
mod targets_file;
mod tntp;
mod zone_points;

pub use demand_table::{CommuterRow, DemandTable, read_demand_table};
pub use graph_files::{load_road_graph, network_road_lengths, network_roads};
pub use gtfs::{GtfsFeed, gtfs_line, read_gtfs};
pub use network_files::{NETWORK_FORMAT_VERSION, load_network};
pub use osm::{OsmExtract, OsmWay, read_osm};
pub use rows::columns;
pub use scenario_file::{
    AccessSpec, ChoiceSpec, CongestionSpec, DelaySpec, DelayTable, DemandSpec, HeadwaySpec,
    LinkSpec, LoadedScenario, ModificationSpec, NodeSpec, SCENARIO_FORMAT_VERSION, ScenarioChain,
    ScenarioFile, StopSpec, TransferSpec, WindowSpec, ZoneAccessSpec, load_scenario_chain,
};
pub(crate) use table::{Others, Table};
pub use table_writer::TableWriter;
pub use targets_file::{
    ParameterSpec, TARGETS_FILE, TARGETS_FORMAT_VERSION, TargetSpec, TargetsTable, read_targets,
    read_targets_file,
};
pub use tntp::{load_tntp_flows, load_tntp_network, load_tntp_trips};
pub use zone_points::{ZonePoint, ZonePoints, read_zone_points};

use crate::error::{Error, Problem};
use std::path::Path;

/// Reads a whole text file.
pub(crate) fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|error| Error::Read {
        path: path.to_path_buf(),
        error,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = line_of_bytes(e.as_bytes(), offset);
        Error::Invalid(vec![Problem::at(
            path,
            line,
            None,
            format!(
                "not UTF-8 text (byte {offset}); save the file as UTF-8 (from a spreadsheet: CSV UTF-8)"
            ),
        )])
    })
}

/// Files by name with their bytes.
pub type NamedFiles = Vec<(&'static str, Vec<u8>)>;

/// The files `names` of the folder `dir` with their bytes, in the order of `names`; `None` when
/// `dir` is not a folder. A name that is not a file there is left out, for the caller to say
/// what is missing.
pub fn read_folder(dir: &Path, names: &[&'static str]) -> Result<Option<NamedFiles>, Error> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut files = Vec::new();
    for &name in names {
        let path = dir.join(name);
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|error| Error::Read { path, error })?;
        files.push((name, bytes));
    }
    Ok(Some(files))
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

/// Reads a TOML document into `T`. A problem gives the line and, for a value of the wrong type
/// or an unknown or missing field, the field's path (`window.start`, `demand.departure_profile[1].weight`):
/// serde's TOML errors carry a span but no key, so the path is tracked on the way down.
pub(crate) fn from_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<T, Problem> {
    let document = toml::de::Deserializer::parse(text).map_err(|e| {
        let mut problem = toml_problem(path, text, &e);
        // A key given twice: the span is the second key.
        if e.message().starts_with("duplicate key") {
            problem.field = e.span().and_then(|s| text.get(s)).map(str::to_owned);
        }
        problem
    })?;
    serde_path_to_error::deserialize(document).map_err(|e| {
        let mut problem = toml_problem(path, text, e.inner());
        problem.field = field_path(e.path().iter(), e.inner().message());
        problem
    })
}

/// The field a deserialization error is about, from the path serde took to it (`Spanned`'s own
/// fields left out), completed by the field a "missing field" error names.
pub(crate) fn field_path<'a>(
    segments: impl Iterator<Item = &'a serde_path_to_error::Segment>,
    message: &str,
) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut field = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => field.push_str(&format!("[{index}]")),
            Segment::Map { key } if key.starts_with("$__serde_spanned_private") => {}
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(key);
            }
            Segment::Unknown => break,
        }
    }
    if let Some(missing) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        if !field.is_empty() {
            field.push('.');
        }
        field.push_str(missing);
    }
    (!field.is_empty()).then_some(field)
}
