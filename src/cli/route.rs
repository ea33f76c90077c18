//! `commute route`: the best itinerary between two places, as a leg table or JSON.

use super::Outcome;
use anyhow::{Context, bail};
use commute::network::{Network, NodeId, PlaceError};
use commute::routing::{Engine, TravelMode, Trip};
use commute::scenario;
use commute::time::{format_clock, format_clock_seconds, parse_clock, to_minutes};
use serde_json::json;
use std::path::PathBuf;

/// The best itinerary from one place to another.
///
/// Places are zone or node ids, or their English or Chinese names (case-insensitive; a name
/// shared by a zone and a node means the zone). A name that matches several zones or several
/// nodes is refused with their ids; a name that matches nothing gets the nearest names as
/// suggestions. Without --depart,
/// public transport is routed in the deterministic frequency-based mode: each boarding waits half
/// the line's mean headway over the scenario's window. With --depart, it is routed on the
/// timetable (every trip of the day, RAPTOR): the itinerary shows the actual departures taken.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  commute route scenarios/jjj-2024.toml --from Xiongan --to Guomao
  commute route scenarios/jjj-2024.toml --from \"Beijing West\" --to rs_xiongan --mode transit --json
  commute route scenarios/jjj-2024.toml --from Langfang --to Guomao --mode transit --depart 07:00
  commute route scenarios/jjj-2024.toml --from 燕郊 --to 国贸

Exit codes: 0 a route was found; 1 no route (one line saying so, or with --json
\"reachable\": false); 2 bad input or another error, including a place that matches nothing
or several places.")]
pub struct Args {
    /// Scenario file (TOML), or a network folder (run as it is).
    scenario: PathBuf,
    /// Origin: zone or node id, English or Chinese name.
    #[arg(long)]
    from: String,
    /// Destination: zone or node id, English or Chinese name.
    #[arg(long)]
    to: String,
    /// Travel mode.
    #[arg(long, value_enum, default_value_t = ModeArg::Best)]
    mode: ModeArg,
    /// Departure time HH:MM: route public transport on the timetable, leaving then.
    #[arg(long)]
    depart: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ModeArg {
    Car,
    Transit,
    Best,
}

/// The node to route from or to and its display name, or an error naming `flag`.
fn place(net: &Network, query: &str, flag: &str) -> anyhow::Result<(NodeId, String)> {
    if query.trim().is_empty() {
        bail!("{flag} is empty: give a zone or node id or name");
    }
    match net.find_place(query) {
        Ok(p) => Ok((p.node(net), p.name(net).to_owned())),
        Err(PlaceError::NotFound { suggestions }) => {
            let hint = match suggestions.as_slice() {
                [] => String::new(),
                [one] => format!("; did you mean {one}?"),
                [first @ .., last] => format!("; did you mean {} or {last}?", first.join(", ")),
            };
            bail!("{flag} `{query}`: no zone or node has this id or name{hint}")
        }
        Err(PlaceError::Ambiguous(places)) => {
            let candidates: Vec<String> = places
                .iter()
                .map(|&p| {
                    let zh = p.name_zh(net);
                    let sep = if zh.is_empty() { "" } else { " " };
                    format!("{} ({} {}{sep}{zh})", p.id(net), p.kind(net), p.name(net))
                })
                .collect();
            bail!(
                "{flag} `{query}`: {} places answer to this name; give one of their ids: {}",
                places.len(),
                candidates.join(", ")
            )
        }
    }
}

/// Runs `route`: [`Outcome::NoRoute`] when the places are valid but no route joins them.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let scenario = scenario::load(&args.scenario)?;
    let net = &scenario.network;
    let (from, from_name) = place(net, &args.from, "--from")?;
    let (to, to_name) = place(net, &args.to, "--to")?;
    let depart = match &args.depart {
        Some(text) => Some(
            parse_clock(text)
                .map_err(anyhow::Error::msg)
                .context("--depart")?,
        ),
        None => None,
    };
    let engine = Engine::new(net, scenario.window);
    let modes: &[TravelMode] = match args.mode {
        ModeArg::Car => &[TravelMode::Car],
        ModeArg::Transit => &[TravelMode::Transit],
        ModeArg::Best => &[TravelMode::Transit, TravelMode::Car],
    };
    let best = engine.fastest(modes, from, to, depart);
    let requested = match args.mode {
        ModeArg::Car => "car",
        ModeArg::Transit => "transit",
        ModeArg::Best => "best",
    };
    if args.json {
        return print_json(net, &from_name, &to_name, requested, depart, &best);
    }
    let Some((mode, trip)) = best else {
        outln!("No {requested} route from {from_name} to {to_name}.");
        return Ok(Outcome::NoRoute);
    };
    outln!(
        "{from_name} -> {to_name} by {}: {:.1} min, {} transfer{}, {:.1} km, {:.2} yuan",
        mode.as_str(),
        to_minutes(trip.time_s),
        trip.transfers(),
        if trip.transfers() == 1 { "" } else { "s" },
        trip.distance_km(),
        trip.cost_yuan()
    );
    print_legs(net, &trip)?;
    Ok(Outcome::Done)
}

/// Prints the itinerary `best` (or that none of the `requested` mode exists) from `from_name` to
/// `to_name` as JSON; with a departure time, the arrival too (`HH:MM:SS`).
fn print_json(
    net: &Network,
    from_name: &str,
    to_name: &str,
    requested: &str,
    depart: Option<u32>,
    best: &Option<(TravelMode, Trip)>,
) -> anyhow::Result<Outcome> {
    let value = match &best {
        Some((mode, trip)) => json!({
            "from": from_name,
            "to": to_name,
            "reachable": true,
            "mode": mode.as_str(),
            "minutes": to_minutes(trip.time_s),
            "arrival": depart.map(|d| format_clock_seconds(d + trip.time_s)),
            "distance_km": trip.distance_km(),
            "cost_yuan": trip.cost_yuan(),
            "transfers": trip.transfers(),
            "legs": trip.legs.iter().map(|l| json!({
                "mode": l.mode.as_str(),
                "line": l.line,
                "from": net.node(l.from).name,
                "to": net.node(l.to).name,
                "minutes": to_minutes(l.time_s),
                "start": l.start_s.map(format_clock),
                "trip": l.trip,
                "detail": l.detail,
            })).collect::<Vec<_>>(),
        }),
        None => json!({
            "from": from_name,
            "to": to_name,
            "reachable": false,
            "mode": requested,
            "minutes": null,
            "legs": [],
        }),
    };
    outln!("{}", serde_json::to_string_pretty(&value)?);
    Ok(if best.is_some() {
        Outcome::Done
    } else {
        Outcome::NoRoute
    })
}

/// Prints the legs of `trip` as a table, with the clock column only when it has clock times.
fn print_legs(net: &Network, trip: &Trip) -> anyhow::Result<()> {
    let name = |n: NodeId| net.node(n).name.clone();
    let rows: Vec<[String; 7]> = trip
        .legs
        .iter()
        .map(|l| {
            [
                l.mode.as_str().to_owned(),
                l.line.clone().unwrap_or_default(),
                name(l.from),
                name(l.to),
                l.start_s.map(format_clock).unwrap_or_default(),
                format!("{:.1}", to_minutes(l.time_s)),
                l.detail.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["mode", "line", "from", "to", "start", "min", "note"];
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    // The clock column only when the itinerary has clock times (timetable routing).
    let timed = trip.legs.iter().any(|l| l.start_s.is_some());
    let format_row = |cells: [&str; 7]| {
        let line: Vec<String> = cells
            .iter()
            .zip(widths)
            .enumerate()
            .filter(|&(i, _)| timed || i != 4)
            .map(|(i, (c, w))| {
                if i == 5 {
                    format!("{c:>w$}")
                } else {
                    format!("{c:<w$}")
                }
            })
            .collect();
        format!("  {}", line.join("  ").trim_end())
    };
    outln!("{}", format_row(header));
    for r in &rows {
        outln!(
            "{}",
            format_row([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]])
        );
    }
    Ok(())
}
