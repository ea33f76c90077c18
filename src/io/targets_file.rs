//! `targets.toml` of a network folder: the published statistics its runs are validated against.
//!
//! A network folder may hold one; every Monte-Carlo run on the network then writes
//! `validation.csv` (the model's value of each statistic beside the published one). The file is
//! read here, with the line of each target for error messages; [`crate::scenario`] checks the
//! ids and values against the network. The format is in docs/formats.md.

use super::{line_of, read_text, toml_problem};
use crate::error::{Error, Problem, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The version of the targets format this build reads.
pub const TARGETS_FORMAT_VERSION: u32 = 1;

/// The file name looked for in a network folder.
pub const TARGETS_FILE: &str = "targets.toml";

/// A targets file as read: its path and its targets with their lines.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetsTable {
    /// The file.
    pub path: PathBuf,
    /// Each target with the 1-based line of its `[[target]]` table.
    pub targets: Vec<(u64, TargetSpec)>,
    /// Each free parameter with the line of its `[[parameter]]` table.
    pub parameters: Vec<(u64, ParameterSpec)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    version: Spanned<u32>,
    #[serde(default)]
    target: Vec<Spanned<TargetSpec>>,
    #[serde(default)]
    parameter: Vec<Spanned<ParameterSpec>>,
}

/// One `[[parameter]]` table, unchecked: a scenario parameter `commute calibrate` may move.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    /// The parameter, as `table.key` of a scenario file (e.g. `demand.beta_per_min`).
    pub name: String,
    /// The least plausible value.
    pub min: f64,
    /// The greatest plausible value.
    pub max: f64,
    /// Where the plausible range comes from.
    pub source: String,
}

/// One `[[target]]` table, unchecked.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    /// Identifier, unique in the file (the `statistic` column of `validation.csv`).
    pub id: String,
    /// What it is, in words.
    pub description: String,
    /// How the model computes it: `mean_commute_min`, `share_over_60_min`, `commuters`,
    /// `mode_share`, `mean_commute_km` or `line_boardings`.
    pub measure: String,
    /// Origin zone ids (with `from_provinces` empty too: every zone).
    #[serde(default)]
    pub from: Vec<String>,
    /// Origin provinces (zones.csv `province`): every zone in them is an origin.
    #[serde(default)]
    pub from_provinces: Vec<String>,
    /// Destination zone ids (with `to_provinces` empty too: every zone).
    #[serde(default)]
    pub to: Vec<String>,
    /// Destination provinces: every zone in them is a destination.
    #[serde(default)]
    pub to_provinces: Vec<String>,
    /// For `mode_share`: the alternatives counted (`car`, `transit`, `custom_bus`).
    #[serde(default)]
    pub modes: Vec<String>,
    /// For `line_boardings`: the line ids counted.
    #[serde(default)]
    pub lines: Vec<String>,
    /// The published value.
    pub published: f64,
    /// How far the model may be from it: relative (0.1 = 10%), or for shares absolute (0.03 =
    /// 3 percentage points).
    pub tolerance: f64,
    /// Where the published value comes from.
    pub source: String,
    /// Whether `commute calibrate` fits to it (false: held out, validation only).
    #[serde(default)]
    pub fit: bool,
}

/// The targets file of the network folder `dir`, if it has one.
pub fn read_targets(dir: &Path) -> Result<Option<TargetsTable>> {
    let path = dir.join(TARGETS_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    read_targets_file(&path).map(Some)
}

/// The targets file at `path` (which must exist).
pub fn read_targets_file(path: &Path) -> Result<TargetsTable> {
    let path = path.to_path_buf();
    let text = read_text(&path)?;
    let file: TargetsFile =
        toml::from_str(&text).map_err(|e| Error::Invalid(vec![toml_problem(&path, &text, &e)]))?;
    if *file.version.get_ref() != TARGETS_FORMAT_VERSION {
        return Err(Error::Invalid(vec![Problem::at(
            &path,
            line_of(&text, file.version.span().start),
            Some("version"),
            format!(
                "targets format version {} is not supported (this build reads {TARGETS_FORMAT_VERSION})",
                file.version.get_ref()
            ),
        )]));
    }
    let targets = file
        .target
        .into_iter()
        .map(|t| (line_of(&text, t.span().start), t.into_inner()))
        .collect();
    let parameters = file
        .parameter
        .into_iter()
        .map(|p| (line_of(&text, p.span().start), p.into_inner()))
        .collect();
    Ok(TargetsTable {
        path,
        targets,
        parameters,
    })
}
