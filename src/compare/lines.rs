//! Per line: boardings, peak load, load factor and denied boardings before and after, from the
//! runs' lines.csv (a line only one run has, added or removed by a scenario, keeps `None` on the
//! other side).

use crate::run::{LineRow, MonteCarloTables};
use serde::Serialize;
use std::collections::BTreeMap;

/// The change of one line.
#[derive(Debug, Clone, Serialize)]
pub struct LineChange {
    /// Line id.
    pub line: String,
    /// Name.
    pub name: String,
    /// Mode.
    pub mode: String,
    /// Boardings per morning before and after (`None`: the line is not in that run).
    pub boardings: [Option<f64>; 2],
    /// Peak load before and after.
    pub peak_load: [Option<f64>; 2],
    /// Load factor before and after.
    pub load_factor: [Option<f64>; 2],
    /// Denied boardings before and after.
    pub denied_boardings: [Option<f64>; 2],
}

/// The lines of the after run in its order, then those only the before run has.
pub(super) fn line_changes(
    tables_b: &MonteCarloTables,
    tables_a: &MonteCarloTables,
) -> Vec<LineChange> {
    let lines_b: BTreeMap<&str, &LineRow> = tables_b
        .lines
        .iter()
        .map(|l| (l.line.as_str(), l))
        .collect();
    let mut lines: Vec<LineChange> = tables_a
        .lines
        .iter()
        .map(|l| (l, lines_b.get(l.line.as_str()).copied()))
        .map(|(a, b)| line_change(b, Some(a)))
        .collect();
    lines.extend(
        tables_b
            .lines
            .iter()
            .filter(|b| !tables_a.lines.iter().any(|a| a.line == b.line))
            .map(|b| line_change(Some(b), None)),
    );
    lines
}

fn line_change(b: Option<&LineRow>, a: Option<&LineRow>) -> LineChange {
    let any = a.or(b).expect("a line of one run");
    let load_factor = |l: &LineRow| {
        let places = f64::from(l.vehicle_capacity);
        (places > 0.0).then(|| l.peak_load.get() / places)
    };
    let pair = |f: fn(&LineRow) -> f64| [b.map(f), a.map(f)];
    LineChange {
        line: any.line.clone(),
        name: any.name.clone(),
        mode: any.mode.as_str().to_owned(),
        boardings: pair(|l| l.boardings.get()),
        peak_load: pair(|l| l.peak_load.get()),
        load_factor: [b.and_then(load_factor), a.and_then(load_factor)],
        denied_boardings: pair(|l| l.denied_boardings.get()),
    }
}
