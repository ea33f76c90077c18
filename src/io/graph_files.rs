//! Road graphs from files: DIMACS shortest-path graphs (`p sp n m` header and `a u v w` arcs,
//! 1-based), the header-less 0-based `a u v w` variant, TNTP networks (`*_net.tntp`, weighted by
//! free-flow time) and the road layer of a network folder. Every problem is reported with file,
//! line and field (at most [`MAX_PROBLEMS`](super::graph_limits::MAX_PROBLEMS), a broken
//! million-line file does not flood). A node count, declared or implied by the largest id, sizes
//! arrays: it is checked against what the file's arcs can use ([`node_limit`]) before anything
//! is allocated, so a two-line file cannot ask for gigabytes.

use super::graph_limits::{ISOLATED_NODES, MAX_NODES, Problems, node_limit, too_many_nodes};
use crate::error::{Error, Result};
use crate::routing::{NodeNames, RoadGraph};
use std::path::Path;

/// Reads the road graph at `path`: a network folder's roads, a TNTP network (`.tntp`), or a
/// DIMACS graph (anything else).
pub fn load_road_graph(path: &Path) -> Result<RoadGraph> {
    if path.is_dir() {
        return Ok(network_roads(&super::load_network(path)?));
    }
    let bytes = std::fs::read(path).map_err(|error| Error::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let is_tntp = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(".tntp"));
    if is_tntp {
        tntp(path, &text)
    } else {
        dimacs(path, &text)
    }
}

/// The road graph of a network by length: each road link in its drawn directions, in metres to
/// the decimetre; nodes named by their ids.
pub fn network_road_lengths(net: &crate::network::Network) -> RoadGraph {
    let arcs: Vec<(u32, u32, u32)> = net
        .road_arcs()
        .map(|(arc, r)| {
            let (a, b) = arc.ends(r);
            let decimetres = (r.length_km * 10_000.0)
                .round()
                .min(f64::from(u32::MAX - 1)) as u32;
            (a.index() as u32, b.index() as u32, decimetres)
        })
        .collect();
    let names = NodeNames::Named(net.nodes().iter().map(|n| n.id.clone()).collect());
    RoadGraph::new(net.nodes().len(), &arcs, names, "m", 10.0)
}

/// The car graph of a network: road links by free-flow time plus checkpoint delay in their
/// drawn direction, seconds; nodes named by their ids.
pub fn network_roads(net: &crate::network::Network) -> RoadGraph {
    let mut arcs = Vec::new();
    for (arc, r) in net.road_arcs() {
        let (a, b) = arc.ends(r);
        let t = r.free_flow_s().saturating_add(arc.checkpoint_s(r));
        arcs.push((a.index() as u32, b.index() as u32, t));
    }
    let names = NodeNames::Named(net.nodes().iter().map(|n| n.id.clone()).collect());
    RoadGraph::new(net.nodes().len(), &arcs, names, "s", 1.0)
}

/// A DIMACS `p sp NODES ARCS` header: `(nodes, arcs, line)`.
type DimacsHeader = (u64, u64, usize);

/// A DIMACS arc as written: `(from, to, weight, line)`.
type DimacsArc = (u64, u64, u32, usize);

fn dimacs(path: &Path, text: &str) -> Result<RoadGraph> {
    let mut problems = Problems {
        path,
        list: Vec::new(),
    };
    let (header, raw) = dimacs_lines(text, &mut problems);
    // With a header ids are 1..=n; without, 0-based and the largest id sets the count. Either
    // way the count is checked against what the file can use before anything is sized by it.
    let limit = node_limit(raw.len());
    let (offset, nodes) = match header {
        Some((n, _, line_no)) if n > limit => {
            problems.at(line_no, "p", too_many_nodes(n, raw.len(), "arc"));
            return problems.finish(empty_graph);
        }
        Some((n, m, line_no)) => {
            if raw.len() as u64 != m && problems.list.is_empty() {
                problems.at(
                    line_no,
                    "p",
                    format!("the header says {m} arcs, the file has {}", raw.len()),
                );
            }
            (1u64, n)
        }
        None => {
            let highest = raw.iter().max_by_key(|a| a.0.max(a.1));
            match highest {
                Some(&(u, v, _, line_no)) if u.max(v) >= limit => {
                    problems.at(
                        line_no,
                        if u >= v { "from" } else { "to" },
                        format!(
                            "node {} is beyond what this header-less file can number: ids run \
                             from 0, at most two per arc plus {ISOLATED_NODES} without arcs, \
                             never more than {MAX_NODES} (here ids below {limit})",
                            u.max(v)
                        ),
                    );
                    return problems.finish(empty_graph);
                }
                Some(&(u, v, _, _)) => (0, u.max(v) + 1),
                None => (0, 0),
            }
        }
    };
    let mut arcs = Vec::with_capacity(raw.len());
    for &(u, v, w, line_no) in &raw {
        let inside = |x: u64| x >= offset && x - offset < nodes;
        if !inside(u) || !inside(v) {
            problems.at(
                line_no,
                if inside(u) { "to" } else { "from" },
                format!(
                    "node {} is outside 1..={nodes} of the header",
                    if inside(u) { v } else { u }
                ),
            );
            continue;
        }
        arcs.push(((u - offset) as u32, (v - offset) as u32, w));
    }
    if nodes == 0 && problems.list.is_empty() {
        problems.at(1, "a", "no arcs: an empty graph");
    }
    problems.finish(|| {
        RoadGraph::new(
            nodes as usize,
            &arcs,
            NodeNames::Numbered {
                offset: offset as u32,
            },
            "",
            1.0,
        )
    })
}

/// The `p sp NODES ARCS` header of a DIMACS text, as `(nodes, arcs, line)`, and its arcs as
/// `(from, to, weight, line)`, as written (ids not yet checked against the node count).
fn dimacs_lines(text: &str, problems: &mut Problems<'_>) -> (Option<DimacsHeader>, Vec<DimacsArc>) {
    let mut header: Option<DimacsHeader> = None;
    let mut raw: Vec<DimacsArc> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let mut fields = line.split_whitespace();
        match fields.next() {
            None | Some("c") => {}
            Some("p") => {
                let rest: Vec<&str> = fields.collect();
                let parsed = match rest.as_slice() {
                    ["sp", n, m] => n.parse::<u64>().ok().zip(m.parse::<u64>().ok()),
                    _ => None,
                };
                match parsed {
                    _ if header.is_some() || !raw.is_empty() => problems.at(
                        line_no,
                        "p",
                        "the `p sp n m` header must come once, before the arcs",
                    ),
                    Some((n, m)) => header = Some((n, m, line_no)),
                    None => problems.at(
                        line_no,
                        "p",
                        "expected `p sp NODES ARCS` with whole numbers",
                    ),
                }
            }
            Some("a") => {
                let rest: Vec<&str> = fields.collect();
                if rest.len() != 3 {
                    problems.at(line_no, "a", "expected `a FROM TO WEIGHT`");
                    continue;
                }
                let node = |text: &str, field: &str, problems: &mut Problems<'_>| {
                    let v = text.parse::<u64>().ok();
                    if v.is_none() {
                        problems.at(
                            line_no,
                            field,
                            format!("expected a node number, got `{text}`"),
                        );
                    }
                    v
                };
                let (u, v) = (
                    node(rest[0], "from", problems),
                    node(rest[1], "to", problems),
                );
                let w = rest[2].parse::<u32>().ok();
                if w.is_none() {
                    problems.at(
                        line_no,
                        "weight",
                        format!(
                            "expected a whole non-negative weight below 2^32, got `{}`",
                            rest[2]
                        ),
                    );
                }
                if let (Some(u), Some(v), Some(w)) = (u, v, w) {
                    raw.push((u, v, w, line_no));
                }
            }
            Some(other) => problems.at(
                line_no,
                "line",
                format!("unknown line type `{other}`; expected c, p or a"),
            ),
        }
    }
    (header, raw)
}

fn empty_graph() -> RoadGraph {
    RoadGraph::new(0, &[], NodeNames::Numbered { offset: 0 }, "", 1.0)
}

/// Free-flow times are kept in thousandths of the file's time unit.
const TNTP_SCALE: f64 = 1000.0;

fn tntp(path: &Path, text: &str) -> Result<RoadGraph> {
    let net = super::tntp::parse_network(path, text)?;
    let arcs: Vec<(u32, u32, u32)> = net
        .links()
        .iter()
        .map(|l| {
            let weight = (l.free_flow_time * TNTP_SCALE)
                .round()
                .min(f64::from(u32::MAX - 1));
            (l.from, l.to, weight as u32)
        })
        .collect();
    Ok(RoadGraph::new(
        net.node_count(),
        &arcs,
        NodeNames::Numbered { offset: 1 },
        "",
        TNTP_SCALE,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Result<RoadGraph> {
        let path = Path::new(name);
        if name.ends_with(".tntp") {
            tntp(path, text)
        } else {
            dimacs(path, text)
        }
    }

    #[test]
    fn dimacs_with_and_without_header() {
        let g = parse("x.gr", "c comment\np sp 3 2\na 1 2 5\na 2 3 0\n").unwrap();
        assert_eq!((g.node_count(), g.arc_count()), (3, 2));
        assert_eq!(g.id_of(0), "1");
        let h = parse("y.gr", "a 0 4 7\na 4 0 7\n").unwrap();
        assert_eq!(h.node_count(), 5);
        assert_eq!(h.id_of(4), "4");
    }

    #[test]
    fn dimacs_problems_name_line_and_field() {
        let err = parse("bad.gr", "p sp 2 3\na 1 2 x\na 1 9 3\nb 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.gr:2: field `weight`"), "{err}");
        assert!(
            err.contains("bad.gr:4: field `line`: unknown line type `b`"),
            "{err}"
        );
        let err = parse("bad.gr", "p sp 2 1\na 1 9 3\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("bad.gr:2: field `to`: node 9 is outside 1..=2"),
            "{err}"
        );
        let err = parse("bad.gr", "p sp 2 5\na 1 2 3\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the header says 5 arcs, the file has 1"),
            "{err}"
        );
        assert!(parse("empty.gr", "c nothing\n").is_err());
        assert!(parse("neg.gr", "a 0 1 -3\n").is_err());
    }

    #[test]
    fn dimacs_node_counts_are_bounded_by_the_arcs() {
        let err = |name: &str, text: &str| parse(name, text).unwrap_err().to_string();
        let e = err("big.gr", "p sp 4000000000 1\na 1 2 3\n");
        assert!(
            e.contains("big.gr:1: field `p`: 4000000000 nodes is more than this file can use"),
            "{e}"
        );
        assert!(e.contains("(here at most 1048578)"), "{e}");
        let e = err("big.gr", "a 0 1 3\nc\na 1 4000000000 3\n");
        assert!(
            e.contains("big.gr:3: field `to`: node 4000000000 is beyond what this header-less file can number"),
            "{e}"
        );
        // Up to two nodes per arc plus 2^20 isolated ones are fine.
        let limit = 2 + (1 << 20);
        let g = parse("ok.gr", &format!("p sp {limit} 1\na 1 2 3\n")).unwrap();
        assert_eq!(g.node_count(), limit);
        let g = parse("ok.gr", &format!("a {} 0 3\n", limit - 1)).unwrap();
        assert_eq!(g.node_count(), limit);
        assert!(parse("no.gr", &format!("a {limit} 0 3\n")).is_err());
        // Ids beyond u64 are not numbers.
        let e = err("huge.gr", "a 0 99999999999999999999999 3\n");
        assert!(
            e.contains("huge.gr:1: field `to`: expected a node number"),
            "{e}"
        );
        assert!(
            err("huge.gr", "p sp 99999999999999999999999 1\n").contains("huge.gr:1: field `p`")
        );
    }

    #[test]
    fn many_out_of_range_arcs_are_reported_quickly() {
        // Each problem used to look up its line from the start of the file: quadratic.
        let mut text = String::from("p sp 2 200000\n");
        for _ in 0..200_000 {
            text.push_str("a 1 3 1\n");
        }
        let start = std::time::Instant::now();
        let e = parse("many.gr", &text).unwrap_err().to_string();
        assert!(
            e.contains("many.gr:2: field `to`: node 3 is outside 1..=2"),
            "{e}"
        );
        assert!(e.contains("many.gr:21: field `to`"), "{e}");
        assert!(
            start.elapsed().as_secs_f64() < 10.0,
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn tntp_networks_weigh_free_flow_time() {
        let text = "<NUMBER OF NODES> 3\n<NUMBER OF LINKS> 2\n<END OF METADATA>\n\n~ init_node term_node capacity length free_flow_time b power speed toll link_type ;\n1 2 100 1 6.5 0.15 4 0 0 1 ;\n2 3 100 1 0 0.15 4 0 0 1 ;\n";
        let g = parse("a_net.tntp", text).unwrap();
        assert_eq!((g.node_count(), g.arc_count()), (3, 2));
        assert_eq!(g.scale, 1000.0);
        let bad = text.replace("6.5", "-1");
        let err = parse("a_net.tntp", &bad).unwrap_err().to_string();
        assert!(
            err.contains("a_net.tntp:6: field `free_flow_time`"),
            "{err}"
        );
        assert!(parse("b_net.tntp", "1 2 3\n").is_err(), "no metadata");
    }
}
