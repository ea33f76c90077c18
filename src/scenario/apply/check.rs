//! [`Check`]: the problems of one modification, each tagged with its file, line and type, and
//! the field checks every modification type shares (bounded numbers, clock times, ids of the
//! network as it stands).

use crate::bounds::{self, Bound};
use crate::error::Problem;
use crate::network::{LinkRef, Network, NodeId, ZoneId};
use crate::time::{Seconds, parse_clock};
use std::path::Path;

/// Collects the problems of one modification, all tagged with its file and line.
pub(super) struct Check<'a> {
    path: &'a Path,
    line: u64,
    /// The modification's type name, which starts every message.
    kind: &'static str,
    problems: Vec<Problem>,
}

impl<'a> Check<'a> {
    /// A check of a modification of type `kind` at `path:line`, with no problem yet.
    pub(super) fn new(path: &'a Path, line: u64, kind: &'static str) -> Self {
        Check {
            path,
            line,
            kind,
            problems: Vec::new(),
        }
    }

    /// The problems found, in the order found.
    pub(super) fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// Whether no problem was found.
    pub(super) fn passed(&self) -> bool {
        self.problems.is_empty()
    }

    /// Records a problem with `field`.
    pub(super) fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(Problem::at(
            self.path,
            self.line,
            Some(field),
            format!("{}: {}", self.kind, message.into()),
        ));
    }

    /// Minutes within `bound`, as seconds (0 after a problem).
    pub(super) fn minutes(&mut self, field: &str, bound: &Bound, minutes: f64) -> Seconds {
        bound.check_minutes(minutes).unwrap_or_else(|m| {
            self.fail(field, m);
            0
        })
    }

    /// A number within `bound`.
    pub(super) fn bounded(&mut self, field: &str, bound: &Bound, value: f64) -> f64 {
        bound.check(value).unwrap_or_else(|m| {
            self.fail(field, m);
            value
        })
    }

    /// A count within `bound`.
    pub(super) fn count<T: Copy + Into<u64>>(&mut self, field: &str, bound: &Bound, value: T) -> T {
        if let Err(m) = bound.check_count(value.into()) {
            self.fail(field, m);
        }
        value
    }

    /// A text field the files would require: not empty, no surrounding spaces (a CSV cell
    /// is trimmed, so a file could not hold it).
    pub(super) fn text(&mut self, field: &str, value: &str) {
        if value.is_empty() {
            self.fail(field, "expected a value, found an empty text");
        } else if value.trim() != value {
            self.fail(field, format!("`{value}` starts or ends with a space"));
        }
    }

    /// A clock time `HH:MM`, as seconds after midnight (0 after a problem).
    pub(super) fn clock(&mut self, field: &str, text: &str) -> Seconds {
        parse_clock(text).unwrap_or_else(|m| {
            self.fail(field, m);
            0
        })
    }

    /// Coordinates in degrees WGS84.
    pub(super) fn coordinates(&mut self, lon: f64, lat: f64) {
        self.bounded("lon", &bounds::LONGITUDE, lon);
        self.bounded("lat", &bounds::LATITUDE, lat);
    }

    /// The node with id `id`.
    pub(super) fn node(&mut self, net: &Network, field: &str, id: &str) -> Option<NodeId> {
        let found = net.node_id(id);
        if found.is_none() {
            self.fail(field, format!("unknown node id `{id}`"));
        }
        found
    }

    /// The zone with id `id`.
    pub(super) fn zone(&mut self, net: &Network, field: &str, id: &str) -> Option<ZoneId> {
        let found = net.zone_id(id);
        if found.is_none() {
            self.fail(field, format!("unknown zone id `{id}`"));
        }
        found
    }

    /// The index in `net.lines` of the line with id `id`.
    pub(super) fn line_index(&mut self, net: &Network, field: &str, id: &str) -> Option<usize> {
        let found = net.line_id(id).map(|l| l.index());
        if found.is_none() {
            self.fail(field, format!("unknown line id `{id}`"));
        }
        found
    }

    /// The index in `net.roads` of the road link with id `id` (a walk link is a problem).
    pub(super) fn road_index(&mut self, net: &Network, field: &str, id: &str) -> Option<usize> {
        match net.link(id) {
            Some(LinkRef::Road(i)) => Some(i),
            Some(LinkRef::Walk(_)) => {
                self.fail(field, format!("`{id}` is a walk link, not a road"));
                None
            }
            None => {
                self.fail(field, format!("unknown road link id `{id}`"));
                None
            }
        }
    }
}
