//! The commute simulation on a resolved scenario: who commutes where, what they choose, and how
//! the mornings vary. It builds on `routing` (skims, timetables, RAPTOR) and `assign` (road
//! congestion); nothing in it reads files.
//!
//! - [`rng`]: random streams keyed by indices (seed, purpose, draw, line or road id), never by
//!   call order, so results are the same at any thread count and two scenarios run with the same
//!   seed see the same random numbers for everything a modification did not touch (common random
//!   numbers);
//! - [`gravity`]: a doubly constrained gravity model of commuter flows;
//! - [`intrazonal`]: the commute within a zone, from its area;
//! - [`demand`]: commuter flows from the gravity model on the network's skims, or from the
//!   scenario's table, scaled by `scale-demand`; [`demand::Split`], a pair's mode split;
//! - [`choice`]: the mode choice model (generalised minutes, availability, multinomial logit,
//!   the next-best alternative of a commuter denied a seat), behind a small interface;
//! - [`crowding`]: loads per line segment and hour, and the crowding multiplier they put on
//!   minutes aboard;
//! - [`montecarlo`]: the Monte-Carlo mornings on the network: drawn conditions, itinerary
//!   search, choice, vehicle capacity and line loads;
//! - [`congestion`]: the scenario's roads as an assignment network, and the congested road
//!   factors of an assignment;
//! - [`equilibrium`]: the supply-demand loop finding road congestion and transit crowding
//!   together with the choices they shape.

pub mod choice;
pub mod congestion;
pub mod crowding;
pub mod demand;
pub mod equilibrium;
pub mod gravity;
pub mod intrazonal;
pub mod montecarlo;
pub mod rng;
