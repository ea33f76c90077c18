//! The commuter table a scenario's `[demand] file` names (`origin,destination,commuters`), read
//! as text rows with their lines: the zone ids can only be checked once the modifications have
//! made the network (`scenario` does that), so this reader checks only the cells themselves.

use super::ScenarioChain;
use super::table::Table;
use crate::error::{Error, Problem, Result};
use std::path::{Path, PathBuf};

/// A commuter table as read from its file.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandTable {
    /// The file.
    pub path: PathBuf,
    /// The rows, in file order.
    pub rows: Vec<CommuterRow>,
}

/// One row of a commuter table.
#[derive(Debug, Clone, PartialEq)]
pub struct CommuterRow {
    /// The row's 1-based line in the file.
    pub line: u64,
    /// Origin zone id, as written.
    pub origin: String,
    /// Destination zone id, as written.
    pub destination: String,
    /// Commuters in the window, persons.
    pub commuters: f64,
}

/// The commuter table named by the nearest `[demand]` section's `file` (relative to the
/// scenario file that names it), if any. Every bad cell is reported.
pub fn read_demand_table(chain: &ScenarioChain) -> Result<Option<DemandTable>> {
    let Some((loaded, file)) = chain
        .nearest(|f| f.demand.as_ref())
        .and_then(|(s, d)| d.get_ref().file.as_ref().map(|f| (s, f)))
    else {
        return Ok(None);
    };
    let path = loaded
        .path
        .parent()
        .unwrap_or(Path::new(""))
        .join(file.get_ref());
    if !path.is_file() {
        return Err(Error::Invalid(vec![Problem::at(
            &loaded.path,
            loaded.line(file.span().start),
            Some("demand.file"),
            format!(
                "cannot read `{}` (paths are relative to this file)",
                file.get_ref()
            ),
        )]));
    }
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    if let Some(t) = Table::read(
        &path,
        &["origin", "destination", "commuters"],
        &[],
        &mut problems,
    ) {
        for i in 0..t.len() {
            let mut row = t.row(i, &mut problems);
            let origin = row.text("origin").map(str::to_owned);
            let destination = row.text("destination").map(str::to_owned);
            let commuters = row.bounded("commuters", &crate::bounds::PERSONS);
            let line = row.line;
            if let (Some(origin), Some(destination), Some(commuters)) =
                (origin, destination, commuters)
            {
                rows.push(CommuterRow {
                    line,
                    origin,
                    destination,
                    commuters,
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(Some(DemandTable { path, rows }))
    } else {
        Err(Error::Invalid(problems))
    }
}
