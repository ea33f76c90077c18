//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, no network access)
//! that a planner can open from the run folder, or mail, years later: what was run, the
//! headline figures, the travel-time distribution, mode shares, a map of the region from the
//! node coordinates, and the tables that say for whom things changed. Nothing is fetched and
//! nothing runs in the browser, so the page shows the same figures wherever it is opened; every
//! chart is SVG written here.
//!
//! The entry points are [`run_html`] (the page of one Monte-Carlo run) and [`compare_html`]
//! (the page of a comparison of two runs). `html` holds the text helpers (escaping, number
//! formatting, the page shell, cards and the style), `charts` the travel-time and mode-share
//! charts, `map` the map with its colour scales and legends; `run_page` and `compare_page` put
//! the sections together. The module sits above `compare` and is used only by the CLI.

mod charts;
mod compare_page;
mod html;
mod map;
mod run_page;

pub use compare_page::compare_html;
pub use run_page::run_html;
