//! The commute simulation on a resolved scenario: who commutes where, what they choose, and how
//! the mornings vary. It builds on `routing` (skims, timetables, RAPTOR) and `assign` (road
//! congestion); nothing in it reads files.
//!
//! - [`rng`]: random streams keyed by indices (seed, purpose, draw, line or road id), never by
//!   call order, so results are the same at any thread count and two scenarios run with the same
//!   seed see the same random numbers for everything a modification did not touch (common random
//!   numbers);
//! - [`gravity`]: a doubly constrained gravity model of commuter flows;
//! - [`demand`]: commuter flows from the gravity model on the network's skims, or from the
//!   scenario's table, scaled by `scale-demand`; [`demand::Split`], a pair's mode split;
//! - [`choice`]: the mode choice model (generalised minutes, availability, multinomial logit,
//!   the next-best alternative of a commuter denied a seat), behind a small interface;
//! - [`montecarlo`]: the Monte-Carlo mornings on the network: drawn conditions, itinerary
//!   search, choice, custom-bus seats and line loads;
//! - [`congestion`]: the scenario's roads as an assignment network, and the feedback rounds of
//!   simulation and assignment that give the congested road factors.

pub mod choice;
pub mod congestion;
pub mod demand;
pub mod gravity;
pub mod montecarlo;
pub mod rng;
