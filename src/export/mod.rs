//! Exporters: a network out in someone else's format, so the rest of the ecosystem can open
//! ours. The files are made in memory from the immutable network (no I/O here); `io::output`
//! writes them.
//!
//! Layer: above `network` and `time`, below `io` (it reads and writes nothing itself).

pub mod gtfs;
