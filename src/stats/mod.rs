//! The crate's statistics, in one place so that a run's tables, a comparison and the benchmarks
//! compute a percentile or an interval by the same rule: nearest-rank percentiles of samples,
//! plain and weighted, and percentiles of a minute histogram ([`percentile`] and its siblings);
//! the weighted distribution figures of a pair's door-to-door samples ([`Spread`]); means over
//! draws with t, paired and Welch confidence intervals ([`estimate`], [`paired`], [`unpaired`]).
//! A foundation module: it uses nothing else of the crate. Floating-point sums run in the order
//! of the slices given, so callers that keep their order keep their outputs byte for byte.

mod interval;
mod percentile;
mod spread;

pub use interval::{Delta, Estimate, estimate, mean, paired, student_t_975, unpaired, variance};
pub use percentile::{histogram_percentile, percentile, weighted_percentile};
pub use spread::Spread;
