//! `commute`: a commute and transport network simulator for the Beijing-Tianjin-Hebei
//! (Jing-Jin-Ji) region. See ARCHITECTURE.md for the map of the crate.

pub mod assign;
pub mod bounds;
pub mod compare;
pub mod error;
pub mod import;
pub mod io;
pub mod network;
pub mod report;
pub mod routing;
pub mod run;
pub mod scenario;
pub mod sim;
pub mod time;

pub use error::{Error, Problem, Result};
