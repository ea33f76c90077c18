//! What the road-graph readers share: DIMACS graphs (`graph_files`) and TNTP networks and trip
//! tables (`tntp`) report at most [`MAX_PROBLEMS`] problems per file, and bound the node count a
//! file declares by what its arcs can use ([`node_limit`]) before sizing any array by it. Kept
//! apart so the two readers depend on it and `graph_files` on `tntp`, never the other way.

use crate::error::{Error, Problem, Result};
use std::path::Path;

/// Problems reported at most per file.
pub const MAX_PROBLEMS: usize = 20;

/// Collects a file's problems, at most [`MAX_PROBLEMS`].
pub(super) struct Problems<'a> {
    pub(super) path: &'a Path,
    pub(super) list: Vec<Problem>,
}

impl Problems<'_> {
    pub(super) fn at(&mut self, line: usize, field: &str, message: impl Into<String>) {
        if self.list.len() < MAX_PROBLEMS {
            self.list
                .push(Problem::at(self.path, line as u64, Some(field), message));
        }
    }

    /// `value()` if no problem was found, else all of them.
    pub(super) fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T> {
        if self.list.is_empty() {
            Ok(value())
        } else {
            Err(Error::Invalid(self.list))
        }
    }
}

/// The most nodes any road graph file may declare or number: 2^28 (268,435,456), ten times the
/// largest DIMACS challenge graph (the USA, 23.9 million nodes); node arrays of this size take
/// a few GB.
pub const MAX_NODES: u64 = 1 << 28;

/// Nodes a file may declare beyond two per arc or link (nodes no arc touches): 2^20.
pub const ISOLATED_NODES: u64 = 1 << 20;

/// The most nodes a file with `arcs` arc (or link) lines may declare or number: the nodes its
/// arcs can touch (two per arc) plus [`ISOLATED_NODES`], and never more than [`MAX_NODES`]. So
/// the node arrays a file makes us allocate grow with the file, not with a number it states.
pub(super) fn node_limit(arcs: usize) -> u64 {
    (2 * arcs as u64 + ISOLATED_NODES).min(MAX_NODES)
}

/// Why `nodes` nodes are refused for a file with `arcs` arc lines, called `arc` (see
/// [`node_limit`]).
pub(super) fn too_many_nodes(nodes: u64, arcs: usize, arc: &str) -> String {
    format!(
        "{nodes} nodes is more than this file can use: at most two per {arc} plus \
         {ISOLATED_NODES} without {arc}s, never more than {MAX_NODES} (here at most {})",
        node_limit(arcs)
    )
}
