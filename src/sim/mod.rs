//! Monte-Carlo commute simulation: the building blocks that do not depend on the network.
//!
//! - [`rng`]: random streams keyed by indices (seed, draw, origin, commuter, ...), never by call
//!   order, so results are the same at any thread count and two scenarios run with the same seed
//!   see the same random numbers for everything a modification did not touch (common random
//!   numbers);
//! - [`stats`]: nearest-rank percentiles of travel-time samples;
//! - [`choice`]: multinomial logit;
//! - [`gravity`]: a doubly constrained gravity model of commuter flows.

pub mod choice;
pub mod congestion;
pub mod demand;
pub mod gravity;
pub mod montecarlo;
pub mod rng;
pub mod stats;
