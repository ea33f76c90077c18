//! TNTP files (Transportation Networks for Research, github.com/bstabler/TransportationNetworks):
//! `*_net.tntp` networks, `*_trips.tntp` trip tables and `*_flow.tntp` link flows. A metadata
//! block (`<NUMBER OF ZONES> 24`, ..., `<END OF METADATA>`) comes first; network links are rows
//! `init_node term_node capacity length free_flow_time b power speed toll link_type ;`, read by
//! the names of the `~` header line when there is one (columns in any order; a missing column
//! would otherwise shift every value into the wrong meaning), else in that standard order; trip
//! tables are `Origin o` blocks of `d : trips;` entries. Node ids are 1-based; zones are nodes
//! `1..=zones`, and zones below `<FIRST THRU NODE>` are not passed through. The node count sizes
//! the network's arrays, so it is bounded by what the link rows can use
//! ([`super::graph_limits::node_limit`]). Every problem is reported with file, line and field.

use super::graph_limits::{MAX_PROBLEMS, Problems, node_limit, too_many_nodes};
use crate::assign::{Demand, Link, OriginDemand, RoadNetwork, VolumeDelay};
use crate::error::{Error, Problem, Result};
use std::collections::HashMap;
use std::path::Path;

/// The metadata block: `<KEY> value` lines up to `<END OF METADATA>`; returns the values by key
/// with their line numbers, and the line index after the block.
fn metadata<'t>(
    text: &'t str,
    problems: &mut Problems<'_>,
) -> (HashMap<String, (&'t str, usize)>, usize) {
    let mut values = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("<END OF METADATA>") {
            return (values, i + 1);
        }
        if let Some(rest) = trimmed.strip_prefix('<')
            && let Some((key, value)) = rest.split_once('>')
        {
            values.insert(key.trim().to_ascii_uppercase(), (value.trim(), i + 1));
        }
    }
    problems.at(
        text.lines().count().max(1),
        "<END OF METADATA>",
        "missing: not a TNTP file",
    );
    (values, usize::MAX)
}

fn count(
    meta: &HashMap<String, (&str, usize)>,
    key: &str,
    problems: &mut Problems<'_>,
) -> Option<usize> {
    let &(value, line) = meta.get(key)?;
    let parsed = value.parse::<usize>().ok();
    if parsed.is_none() {
        problems.at(line, key, format!("expected a whole number, got `{value}`"));
    }
    parsed
}

/// Reads a TNTP network (`*_net.tntp`).
pub fn load_tntp_network(path: &Path) -> Result<RoadNetwork> {
    parse_network(path, &super::read_text(path)?)
}

/// The columns of a link row that are read, with TNTP's standard position of each (used when
/// the file has no `~` header), and whether a header must name it.
const COLUMNS: [(&str, usize, bool); 8] = [
    ("init_node", 0, true),
    ("term_node", 1, true),
    ("capacity", 2, true),
    ("length", 3, true),
    ("free_flow_time", 4, true),
    ("b", 5, true),
    ("power", 6, true),
    ("toll", 8, false),
];

/// Where each of [`COLUMNS`] is in a link row (`None`: absent, reads as 0).
type Positions = [Option<usize>; COLUMNS.len()];

/// The positions named by a `~` header (`names`: the header line without its `~`), or `None`
/// with the problems recorded when a required column is missing or a name appears twice.
/// Names are case-insensitive; a `;` ends the list; other columns are ignored.
fn header_positions(names: &str, line_no: usize, problems: &mut Problems<'_>) -> Option<Positions> {
    let names: Vec<String> = names
        .split_whitespace()
        .take_while(|n| *n != ";")
        .map(|n| n.trim_end_matches(';').to_ascii_lowercase())
        .collect();
    let mut positions: Positions = [None; COLUMNS.len()];
    let mut ok = true;
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            problems.at(line_no, name, "column appears twice in the `~` header");
            ok = false;
        }
    }
    for (slot, &(name, _, required)) in positions.iter_mut().zip(&COLUMNS) {
        *slot = names.iter().position(|n| n == name);
        if slot.is_none() && required {
            problems.at(
                line_no,
                name,
                format!(
                    "required column is missing from the `~` header (it names: {})",
                    names.join(" ")
                ),
            );
            ok = false;
        }
    }
    ok.then_some(positions)
}

pub(super) fn parse_network(path: &Path, text: &str) -> Result<RoadNetwork> {
    let mut problems = Problems {
        path,
        list: Vec::new(),
    };
    let (meta, body) = metadata(text, &mut problems);
    let nodes = count(&meta, "NUMBER OF NODES", &mut problems);
    let zones = count(&meta, "NUMBER OF ZONES", &mut problems).unwrap_or(0);
    let first_through = count(&meta, "FIRST THRU NODE", &mut problems).unwrap_or(1);
    let declared_links = count(&meta, "NUMBER OF LINKS", &mut problems);
    let (rows, links) = link_rows(text, body, nodes, &mut problems);
    let nodes = nodes.unwrap_or_else(|| {
        problems.at(1, "NUMBER OF NODES", "missing from the metadata");
        0
    });
    // The node count sizes the network's arrays: bounded by what the link rows can use.
    if nodes as u64 > node_limit(rows) {
        problems.at(
            meta["NUMBER OF NODES"].1,
            "NUMBER OF NODES",
            too_many_nodes(nodes as u64, rows, "link"),
        );
        return Err(Error::Invalid(problems.list));
    }
    if zones > nodes {
        problems.at(
            meta.get("NUMBER OF ZONES").map_or(1, |m| m.1),
            "NUMBER OF ZONES",
            format!("{zones} zones but only {nodes} nodes"),
        );
    }
    if first_through > nodes + 1 {
        problems.at(
            meta.get("FIRST THRU NODE").map_or(1, |m| m.1),
            "FIRST THRU NODE",
            format!(
                "expected a node id in 1..={nodes} (or {}), got {first_through}",
                nodes + 1
            ),
        );
    }
    if let Some(declared) = declared_links
        && declared != links.len()
        && problems.list.is_empty()
    {
        problems.at(
            meta["NUMBER OF LINKS"].1,
            "NUMBER OF LINKS",
            format!(
                "the metadata says {declared} links, the file has {}",
                links.len()
            ),
        );
    }
    if links.is_empty() && problems.list.is_empty() {
        problems.at(body.min(text.lines().count()).max(1), "link", "no links");
    }
    problems.finish(|| {
        RoadNetwork::new(
            nodes,
            zones,
            first_through.saturating_sub(1) as u32,
            links.into_iter().map(|(l, _)| l).collect(),
        )
    })
}

/// The link rows after the metadata (from line index `body`): how many rows there were, and the
/// links read from them with their line numbers. `nodes` is the declared node count.
fn link_rows(
    text: &str,
    body: usize,
    nodes: Option<usize>,
    problems: &mut Problems<'_>,
) -> (usize, Vec<(Link, usize)>) {
    // Columns by the `~` header's names; without a header, TNTP's standard order. A header
    // that cannot be used (problems recorded) leaves the rows unread.
    let mut header: Option<Option<Positions>> = None;
    let standard: Positions = COLUMNS.map(|(_, position, _)| Some(position));
    let mut rows = 0;
    let mut links: Vec<(Link, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate().skip(body) {
        let line_no = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(names) = trimmed.strip_prefix('~') {
            if rows > 0 || header.is_some() {
                problems.at(
                    line_no,
                    "~",
                    "the `~` header must come once, before the first link",
                );
            } else {
                header = Some(header_positions(names, line_no, problems));
            }
            continue;
        }
        rows += 1;
        let positions = match header {
            None => standard,
            Some(Some(positions)) => positions,
            Some(None) => continue,
        };
        let values = row_values(trimmed, line_no, positions, header.is_some(), problems);
        if let Some(link) = link(values, line_no, nodes, problems) {
            links.push((link, line_no));
        }
    }
    (rows, links)
}

/// The values of the columns in `COLUMNS` read from one link row at `positions` (0 for an
/// optional column the header does not name); `None` where a value is missing or not a
/// non-negative number (problems recorded). `has_header`: the positions are from a `~` header.
fn row_values(
    trimmed: &str,
    line_no: usize,
    positions: Positions,
    has_header: bool,
    problems: &mut Problems<'_>,
) -> [Option<f64>; COLUMNS.len()] {
    let fields: Vec<&str> = trimmed.trim_end_matches(';').split_whitespace().collect();
    let mut values = [None; COLUMNS.len()];
    for ((value, &(name, _, _)), position) in values.iter_mut().zip(&COLUMNS).zip(positions) {
        let Some(position) = position else {
            *value = Some(0.0); // an optional column the header does not name
            continue;
        };
        let Some(&text) = fields.get(position) else {
            problems.at(
                line_no,
                name,
                format!(
                    "missing: the row has {} values, `{name}` is value {} {}",
                    fields.len(),
                    position + 1,
                    if has_header {
                        "of the `~` header"
                    } else {
                        "in TNTP's standard order (no `~` header)"
                    }
                ),
            );
            continue;
        };
        *value = text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0);
        if value.is_none() {
            problems.at(
                line_no,
                name,
                format!("expected a non-negative number, got `{text}`"),
            );
        }
    }
    values
}

/// The link of one row's `values`, if they are all there and valid (problems recorded).
fn link(
    values: [Option<f64>; COLUMNS.len()],
    line_no: usize,
    nodes: Option<usize>,
    problems: &mut Problems<'_>,
) -> Option<Link> {
    let [
        from,
        to,
        capacity,
        length,
        free_flow_time,
        alpha,
        beta,
        toll,
    ] = values;
    let node = |v: f64, name: &str, problems: &mut Problems<'_>| {
        let ok = v.fract() == 0.0 && v >= 1.0 && nodes.is_none_or(|n| v <= n as f64);
        if !ok {
            problems.at(
                line_no,
                name,
                format!(
                    "expected a node id in 1..={}, got `{v}`",
                    nodes.map_or("<NUMBER OF NODES>".into(), |n| n.to_string())
                ),
            );
        }
        (ok && v <= f64::from(u32::MAX)).then_some(v as u32 - 1)
    };
    let from = from.and_then(|v| node(v, "init_node", problems));
    let to = to.and_then(|v| node(v, "term_node", problems));
    if let (
        Some(from),
        Some(to),
        Some(capacity),
        Some(length),
        Some(t0),
        Some(a),
        Some(b),
        Some(toll),
    ) = (
        from,
        to,
        capacity,
        length,
        free_flow_time,
        alpha,
        beta,
        toll,
    ) {
        let vdf = VolumeDelay::Bpr { alpha: a, beta: b };
        if vdf.needs_capacity() && capacity <= 0.0 {
            problems.at(
                line_no,
                "capacity",
                "must be positive on a link whose time grows with volume (b > 0)",
            );
            return None;
        }
        return Some(Link {
            from,
            to,
            capacity,
            length,
            free_flow_time: t0,
            delay: 0.0,
            vdf,
            toll,
        });
    }
    None
}

/// Reads a TNTP trip table (`*_trips.tntp`) for `net`: every zone must be one of its zones, every
/// pair with trips connected, and the total must match `<TOTAL OD FLOW>` when given.
pub fn load_tntp_trips(path: &Path, net: &RoadNetwork) -> Result<Demand> {
    let (demand, lines) = parse_trips(path, &super::read_text(path)?, net.zone_count())?;
    let unreachable = net.unreachable_pairs(&demand);
    if unreachable.is_empty() {
        return Ok(demand);
    }
    Err(Error::Invalid(
        unreachable
            .iter()
            .take(MAX_PROBLEMS)
            .map(|&(o, d)| {
                let message = format!(
                    "trips from zone {} to zone {} but no road path between them",
                    o + 1,
                    d + 1
                );
                match lines.get(&(o, d)) {
                    Some(&line) => Problem::at(path, line as u64, Some("destination"), message),
                    None => Problem::file(path, message),
                }
            })
            .collect(),
    ))
}

/// The trip table and the line of each `(origin, destination)` entry (0-based zones).
type TripLines = HashMap<(u32, u32), usize>;

fn parse_trips(path: &Path, text: &str, zones: usize) -> Result<(Demand, TripLines)> {
    let mut problems = Problems {
        path,
        list: Vec::new(),
    };
    let (meta, body) = metadata(text, &mut problems);
    if let Some(declared) = count(&meta, "NUMBER OF ZONES", &mut problems)
        && declared != zones
    {
        problems.at(
            meta["NUMBER OF ZONES"].1,
            "NUMBER OF ZONES",
            format!("{declared} zones, the network has {zones}"),
        );
    }
    let mut origins: Vec<OriginDemand> = Vec::new();
    let mut seen: HashMap<(u32, u32), usize> = HashMap::new();
    let zone = |text: &str, line: usize, field: &str, problems: &mut Problems<'_>| {
        let z = text
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|z| (1..=zones).contains(z));
        if z.is_none() {
            problems.at(
                line,
                field,
                format!("expected a zone in 1..={zones}, got `{}`", text.trim()),
            );
        }
        z.map(|z| z as u32 - 1)
    };
    for (i, line) in text.lines().enumerate().skip(body) {
        let line_no = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('~') {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("Origin") {
            if let Some(o) = zone(rest, line_no, "Origin", &mut problems) {
                origins.push(OriginDemand {
                    zone: o,
                    destinations: Vec::new(),
                });
            }
            continue;
        }
        let Some(origin) = origins.last_mut() else {
            problems.at(line_no, "Origin", "trips before the first `Origin` line");
            continue;
        };
        for entry in trimmed.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((d, trips)) = entry.split_once(':') else {
                problems.at(
                    line_no,
                    "trips",
                    format!("expected `zone : trips`, got `{entry}`"),
                );
                continue;
            };
            let d = zone(d, line_no, "destination", &mut problems);
            let value = trips
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|t| t.is_finite() && *t >= 0.0);
            if value.is_none() {
                problems.at(
                    line_no,
                    "trips",
                    format!("expected a non-negative number, got `{}`", trips.trim()),
                );
            }
            if let (Some(d), Some(value)) = (d, value) {
                if let Some(first) = seen.insert((origin.zone, d), line_no) {
                    problems.at(
                        line_no,
                        "destination",
                        format!(
                            "trips from {} to {} given twice (first on line {first})",
                            origin.zone + 1,
                            d + 1
                        ),
                    );
                }
                origin.destinations.push((d, value));
            }
        }
    }
    if let Some(&(declared, line)) = meta.get("TOTAL OD FLOW")
        && problems.list.is_empty()
    {
        let total: f64 = origins
            .iter()
            .flat_map(|o| &o.destinations)
            .map(|d| d.1)
            .sum();
        match declared.parse::<f64>() {
            Ok(t) if (t - total).abs() <= 1e-4 * t.abs().max(1.0) => {}
            Ok(t) => problems.at(
                line,
                "TOTAL OD FLOW",
                format!("the metadata says {t}, the entries add up to {total}"),
            ),
            Err(_) => problems.at(
                line,
                "TOTAL OD FLOW",
                format!("expected a number, got `{declared}`"),
            ),
        }
    }
    problems.finish(|| (Demand { origins }, seen))
}

/// Reads a TNTP link-flow file (`*_flow.tntp`: `From To Volume Cost` rows) and returns the
/// volume of each link of `net` in its order; parallel links are matched in file order.
pub fn load_tntp_flows(path: &Path, net: &RoadNetwork) -> Result<Vec<f64>> {
    let text = super::read_text(path)?;
    let mut problems = Problems {
        path,
        list: Vec::new(),
    };
    let mut slots: HashMap<(u32, u32), Vec<usize>> = HashMap::new();
    for (i, l) in net.links().iter().enumerate().rev() {
        slots.entry((l.from, l.to)).or_default().push(i);
    }
    let mut flows = vec![f64::NAN; net.links().len()];
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() || (i == 0 && fields[0].parse::<u32>().is_err()) {
            continue; // the header
        }
        let parsed = (
            fields[0].parse::<u32>().ok().filter(|&v| v >= 1),
            fields
                .get(1)
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|&v| v >= 1),
            fields
                .get(2)
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0),
        );
        let (Some(from), Some(to), Some(volume)) = parsed else {
            problems.at(
                i + 1,
                "Volume",
                "expected `From To Volume Cost` with node ids and a non-negative volume",
            );
            continue;
        };
        match slots.get_mut(&(from - 1, to - 1)).and_then(Vec::pop) {
            Some(link) => flows[link] = volume,
            None => problems.at(
                i + 1,
                "From",
                format!("no (further) link {from} -> {to} in the network"),
            ),
        }
    }
    let missing = flows.iter().filter(|f| f.is_nan()).count();
    if missing > 0 && problems.list.is_empty() {
        problems.at(
            text.lines().count().max(1),
            "From",
            format!("{missing} links of the network have no flow"),
        );
    }
    problems.finish(|| flows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET: &str = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 3\n<NUMBER OF LINKS> 3\n<END OF METADATA>\n\n~ init_node term_node capacity length free_flow_time b power speed toll link_type ;\n1 3 100 1 6.5 0.15 4 0 0 1 ;\n3 2 100 1 1 0.15 4 0 5 1 ;\n1 2 0 1 20 0 0 0 0 1 ;\n";

    #[test]
    fn networks_read_every_column() {
        let net = parse_network(Path::new("a_net.tntp"), NET).unwrap();
        assert_eq!(
            (net.node_count(), net.zone_count(), net.links().len()),
            (3, 2, 3)
        );
        let l = &net.links()[1];
        assert_eq!(
            (l.from, l.to, l.capacity, l.free_flow_time, l.toll),
            (2, 1, 100.0, 1.0, 5.0)
        );
        assert_eq!(l.vdf, VolumeDelay::default());
    }

    #[test]
    fn network_problems_name_line_and_field() {
        let err = |text: &str| {
            parse_network(Path::new("a_net.tntp"), text)
                .unwrap_err()
                .to_string()
        };
        let e = err(&NET.replace("6.5", "-1"));
        assert!(e.contains("a_net.tntp:8: field `free_flow_time`"), "{e}");
        let e = err(&NET.replace("1 3 100", "1 9 100"));
        assert!(
            e.contains("a_net.tntp:8: field `term_node`: expected a node id in 1..=3"),
            "{e}"
        );
        let e = err(&NET.replace("3 2 100", "3 2 0"));
        assert!(
            e.contains("a_net.tntp:9: field `capacity`: must be positive"),
            "{e}"
        );
        let e = err(&NET.replace("<NUMBER OF LINKS> 3", "<NUMBER OF LINKS> 4"));
        assert!(
            e.contains("the metadata says 4 links, the file has 3"),
            "{e}"
        );
        assert!(err("1 2 3\n").contains("<END OF METADATA>"));
    }

    #[test]
    fn trips_are_checked_against_the_network() {
        let text = "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 7.5\n<END OF METADATA>\n\nOrigin 1\n 1 : 0.0; 2 : 7.5;\n\nOrigin 2\n";
        let (d, lines) = parse_trips(Path::new("t.tntp"), text, 2).unwrap();
        assert_eq!((lines[&(0, 1)], lines[&(0, 0)]), (6, 6));
        assert_eq!(d.origins.len(), 2);
        assert_eq!(d.origins[0].destinations, vec![(0, 0.0), (1, 7.5)]);
        assert_eq!(d.total(), 7.5);
        let err = |t: &str| {
            parse_trips(Path::new("t.tntp"), t, 2)
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        assert!(err(&text.replace("7.5;", "8;")).contains("t.tntp:2: field `TOTAL OD FLOW`"));
        let e = err(&text.replace("2 : 7.5", "3 : 7.5"));
        assert!(
            e.contains("t.tntp:6: field `destination`: expected a zone in 1..=2"),
            "{e}"
        );
        let e = err(&text.replace("2 : 7.5", "2 : x"));
        assert!(e.contains("t.tntp:6: field `trips`"), "{e}");
        let e = err(&text.replace("1 : 0.0;", "2 : 0.0;"));
        assert!(e.contains("given twice"), "{e}");
    }

    #[test]
    fn flow_files_match_links_and_name_problems() {
        let dir = tempfile::tempdir().unwrap();
        let net = parse_network(Path::new("n"), NET).unwrap();
        let flows = dir.path().join("f.tntp");
        std::fs::write(
            &flows,
            "From To Volume Cost\n1 3 5.5 1\n3 2 5.5 1\n1 2 0 20\n",
        )
        .unwrap();
        assert_eq!(load_tntp_flows(&flows, &net).unwrap(), vec![5.5, 5.5, 0.0]);
        std::fs::write(&flows, "From To Volume Cost\n1 3 x 1\n2 3 1 1\n").unwrap();
        let e = load_tntp_flows(&flows, &net).unwrap_err().to_string();
        assert!(e.contains("f.tntp:2: field `Volume`"), "{e}");
        assert!(
            e.contains("f.tntp:3: field `From`: no (further) link 2 -> 3"),
            "{e}"
        );
        std::fs::write(&flows, "From To Volume Cost\n1 3 1 1\n").unwrap();
        let e = load_tntp_flows(&flows, &net).unwrap_err().to_string();
        assert!(e.contains("2 links of the network have no flow"), "{e}");
    }

    #[test]
    fn unreachable_trips_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        // Node 3 is the only way from 1 to 2, and it only leads back.
        let net = parse_network(
            Path::new("n"),
            &NET.replace("3 2 100", "3 1 100")
                .replace("1 2 0 1 20", "2 1 0 1 20"),
        )
        .unwrap();
        let trips = dir.path().join("t.tntp");
        std::fs::write(
            &trips,
            "<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n2 : 4;\n",
        )
        .unwrap();
        let e = load_tntp_trips(&trips, &net).unwrap_err().to_string();
        assert!(
            e.contains(
                "t.tntp:4: field `destination`: trips from zone 1 to zone 2 but no road path"
            ),
            "{e}"
        );
    }

    #[test]
    fn columns_are_read_by_the_header_names_in_any_order() {
        // The same links as NET, columns shuffled and in mixed case, extra columns ignored.
        let shuffled = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 3\n<END OF METADATA>\n~ Free_Flow_Time term_node extra INIT_NODE toll power b length capacity ;\n6.5 3 x 1 0 4 0.15 1 100 ;\n1 2 x 3 5 4 0.15 1 100 ;\n20 2 x 1 0 0 0 1 0 ;\n";
        let a = parse_network(Path::new("a_net.tntp"), NET).unwrap();
        let b = parse_network(Path::new("b_net.tntp"), shuffled).unwrap();
        assert_eq!(a.links(), b.links());
        // Without `toll` the tolls are 0; without a header, TNTP's standard order.
        let no_toll = shuffled
            .replace(" toll ", " ")
            .replace("1 0 4", "1 4")
            .replace("3 5 4", "3 4")
            .replace("1 0 0 0", "1 0 0");
        let c = parse_network(Path::new("c_net.tntp"), &no_toll).unwrap();
        assert_eq!(c.links().iter().map(|l| l.toll).sum::<f64>(), 0.0);
        assert_eq!(c.links()[0].free_flow_time, 6.5);
        let headerless: String = NET
            .lines()
            .filter(|l| !l.starts_with('~'))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            parse_network(Path::new("d_net.tntp"), &headerless)
                .unwrap()
                .links(),
            a.links()
        );
    }

    #[test]
    fn a_header_without_a_required_column_is_refused() {
        let err = |text: &str| {
            parse_network(Path::new("a_net.tntp"), text)
                .unwrap_err()
                .to_string()
        };
        // Without free_flow_time the rows are not read by position (b would become the time).
        let e = err(&NET.replace(" free_flow_time", ""));
        assert!(
            e.contains("a_net.tntp:7: field `free_flow_time`: required column is missing"),
            "{e}"
        );
        assert!(!e.contains("a_net.tntp:8"), "rows are not read: {e}");
        let e = err(&NET.replace("~ init_node", "~ capacity init_node"));
        assert!(
            e.contains("a_net.tntp:7: field `capacity`: column appears twice"),
            "{e}"
        );
        let e = err(&format!("{NET}~ init_node term_node ;\n"));
        assert!(
            e.contains("a_net.tntp:11: field `~`: the `~` header must come once"),
            "{e}"
        );
        let e = err(&NET.replace("1 3 100 1 6.5 0.15 4 0 0 1 ;", "1 3 100 ;"));
        assert!(
            e.contains("a_net.tntp:8: field `length`: missing: the row has 3 values"),
            "{e}"
        );
    }

    #[test]
    fn absurd_node_counts_are_refused_before_allocating() {
        let err = |text: &str| {
            parse_network(Path::new("a_net.tntp"), text)
                .unwrap_err()
                .to_string()
        };
        // Three link rows can use at most 2 x 3 + 2^20 nodes.
        let e = err(&NET.replace("<NUMBER OF NODES> 3", "<NUMBER OF NODES> 4000000000"));
        assert!(
            e.contains("a_net.tntp:2: field `NUMBER OF NODES`: 4000000000 nodes is more than this file can use"),
            "{e}"
        );
        assert!(e.contains("(here at most 1048582)"), "{e}");
        let limit = 6 + (1 << 20);
        let ok = NET.replace("<NUMBER OF NODES> 3", &format!("<NUMBER OF NODES> {limit}"));
        assert_eq!(
            parse_network(Path::new("a_net.tntp"), &ok)
                .unwrap()
                .node_count(),
            limit
        );
        let e = err(&NET.replace("<FIRST THRU NODE> 3", "<FIRST THRU NODE> 99999999999"));
        assert!(e.contains("a_net.tntp:3: field `FIRST THRU NODE`"), "{e}");
    }
}
