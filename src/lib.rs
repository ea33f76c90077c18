//! `commute`: a commute and transport network simulator for the Beijing-Tianjin-Hebei
//! (Jing-Jin-Ji) region, as a library. The `commute` command line is a thin layer over it.
//!
//! A run takes a **scenario** (a TOML file naming a network folder and the modifications to make
//! to it) through [`scenario::load`], and [`run::run`] turns it into a [`run::RunOutput`]: typed
//! tables (per zone pair and mode, per zone, per line, per draw) and a summary, the same values
//! `commute run` writes as files. Two Monte-Carlo runs made with the same seed share their random
//! draws wherever the scenarios do not differ, so [`compare::compare_runs`] gives every change
//! with a paired 95% confidence interval. Results are identical at any thread count.
//!
//! ```
//! use commute::compare::{CompareOptions, RunData, compare_runs};
//! use commute::run::{RunOptions, run};
//! use std::path::Path;
//!
//! let root = Path::new(env!("CARGO_MANIFEST_DIR"));
//! let before = commute::scenario::load(&root.join("scenarios/demo-base.toml"))?;
//! let after = commute::scenario::load(&root.join("scenarios/demo-line22.toml"))?;
//!
//! // Four simulated mornings each, with the same seed: common random numbers.
//! let options = RunOptions { seed: 20240501, draws: 4 };
//! let (before_run, after_run) = (run(&before, options, |_| {}), run(&after, options, |_| {}));
//!
//! // The run's tables, typed: od.csv's rows, one per zone pair and mode.
//! let tables = before_run.monte_carlo().expect("a Monte-Carlo run").tables;
//! assert!(tables.od.iter().any(|row| row.commuters.get() > 0.0));
//!
//! // Before against after, paired.
//! let comparison = compare_runs(
//!     &RunData::new(Path::new("demo-base"), &before_run)?,
//!     &RunData::new(Path::new("demo-line22"), &after_run)?,
//!     CompareOptions::default(),
//! )?;
//! assert!(comparison.paired);
//! if let Some(change) = comparison.region.mean_commute {
//!     println!(
//!         "mean commute {:.1} -> {:.1} min (95% CI of the change {:.2} to {:.2})",
//!         change.before, change.after, change.ci_low, change.ci_high
//!     );
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The modules are layers, each using only those below it (ARCHITECTURE.md, "Layers"):
//! [`error`], [`time`], [`bounds`] at the foundation; [`network`], the immutable model;
//! [`routing`] and [`assign`], the engines; [`export`], networks in others' formats (GTFS);
//! [`io`], every file format; [`import`], outside data
//! made into networks; [`scenario`], loading and modifications; [`sim`], the Monte-Carlo
//! simulation; [`run`], one run and its typed outputs; [`compare`], two runs.

#![warn(missing_docs)]

pub mod assign;
pub mod bounds;
pub mod calibrate;
pub mod compare;
pub mod error;
pub mod export;
pub mod import;
pub mod io;
pub mod network;
pub mod report;
pub mod routing;
pub mod run;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod time;

pub use error::{Error, Problem, Result};
