//! Itineraries rebuilt from a shortest-path tree: legs a person can read, and the summary figures
//! (minutes, km, yuan, transfers, lines used) that go into the OD table.

use super::dijkstra::Workspace;
use super::graph::{EdgeKind, Pattern, RoutingGraph};
use crate::network::{AccessMode, FareRule, Mode, Network, NodeId};
use crate::time::Seconds;

/// What a leg of an itinerary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegMode {
    /// Walking (access, egress, walk links).
    Walk,
    /// Driving.
    Car,
    /// Waiting at a stop, or station processing before boarding.
    Wait,
    /// Changing between lines or stations.
    Transfer,
    /// In a vehicle of this mode (feeder access is shown as `bus` with line `feeder`).
    Ride(Mode),
}

impl LegMode {
    /// The name used in outputs: `walk`, `car`, `wait`, `transfer` or the transit mode.
    pub fn as_str(self) -> &'static str {
        match self {
            LegMode::Walk => "walk",
            LegMode::Car => "car",
            LegMode::Wait => "wait",
            LegMode::Transfer => "transfer",
            LegMode::Ride(m) => m.as_str(),
        }
    }
}

/// One leg of an itinerary.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    /// What the leg is.
    pub mode: LegMode,
    /// The line ridden, the road driven (its name), `feeder`, or the line waited for.
    pub line: Option<String>,
    /// Where the leg starts.
    pub from: NodeId,
    /// Where the leg ends.
    pub to: NodeId,
    /// Duration, seconds.
    pub time_s: Seconds,
    /// Distance, km (roads and rides with known stop distances; 0 otherwise).
    pub distance_km: f64,
    /// Money cost, yuan (tolls and fares).
    pub cost_yuan: f64,
    /// A note for people, e.g. why a wait lasts as long as it does.
    pub detail: Option<String>,
    /// Clock time the leg starts, seconds since midnight (timetable routing only).
    pub start_s: Option<Seconds>,
    /// The trip ridden, when its line's timetable names it (an imported GTFS trip).
    pub trip: Option<String>,
}

/// A door-to-door itinerary.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    /// Total time, seconds.
    pub time_s: Seconds,
    /// Legs in travel order.
    pub legs: Vec<Leg>,
    /// Of `time_s`, the checkpoint delays passed (car), seconds.
    pub checkpoint_s: Seconds,
}

impl Trip {
    /// Total distance, km.
    pub fn distance_km(&self) -> f64 {
        // `+ 0.0`: an empty float sum is -0.0, which would print as "-0.0".
        self.legs.iter().map(|l| l.distance_km).sum::<f64>() + 0.0
    }

    /// Total money cost, yuan.
    pub fn cost_yuan(&self) -> f64 {
        self.legs.iter().map(|l| l.cost_yuan).sum::<f64>() + 0.0
    }

    /// Vehicles boarded.
    pub fn boardings(&self) -> u32 {
        self.legs
            .iter()
            .filter(|l| matches!(l.mode, LegMode::Ride(_)) && l.line.as_deref() != Some("feeder"))
            .count() as u32
    }

    /// Transfers between vehicles (boardings - 1, at least 0).
    pub fn transfers(&self) -> u32 {
        self.boardings().saturating_sub(1)
    }

    /// The lines ridden, or for car trips the named roads driven, joined with ` > `.
    pub fn path_summary(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        let mut driving = false;
        for leg in &self.legs {
            let name = match leg.mode {
                LegMode::Ride(_) => leg.line.as_deref(),
                LegMode::Car => {
                    driving = true;
                    leg.line.as_deref()
                }
                _ => None,
            };
            if let Some(name) = name
                && parts.last() != Some(&name)
            {
                parts.push(name);
            }
        }
        match (parts.is_empty(), driving) {
            (false, _) => parts.join(" > "),
            (true, true) => "local roads".to_owned(),
            (true, false) => "walk".to_owned(),
        }
    }
}

/// Rebuilds the itinerary to `target` from the tree in `ws`, or `None` when unreached.
pub(crate) fn rebuild(
    net: &Network,
    graph: &RoutingGraph,
    patterns: &[Pattern],
    ws: &Workspace,
    target: u32,
) -> Option<Trip> {
    let time_s = ws.distance(target)?;
    let mut edges = Vec::new();
    let mut v = target;
    while let Some(e) = ws.pred_edge(v) {
        edges.push(e);
        v = graph.csr.tail(e);
    }
    edges.reverse();
    let node = |g: u32| NodeId::new(graph.node_of[g as usize] as usize);
    let mut legs: Vec<Leg> = Vec::new();
    let mut checkpoint_s: Seconds = 0;
    let mut ride: Option<Leg> = None;
    for e in edges {
        let (from, to, w) = (
            node(graph.csr.tail(e)),
            node(graph.csr.head(e)),
            graph.csr.weight(e),
        );
        let leg = |mode, line: Option<String>| edge_leg(mode, line, from, to, w);
        match graph.kinds[e] {
            EdgeKind::Road(arc) => {
                let r = &net.roads()[arc.link as usize];
                checkpoint_s += arc.checkpoint_s(r);
                let name = (!r.name.is_empty()).then(|| r.name.clone());
                push_merged(
                    &mut legs,
                    Leg {
                        distance_km: r.length_km,
                        cost_yuan: r.toll_yuan,
                        ..leg(LegMode::Car, name)
                    },
                );
            }
            EdgeKind::Access { access } => {
                let a = &net.access()[access as usize];
                push_merged(
                    &mut legs,
                    match a.mode {
                        AccessMode::Car => leg(LegMode::Car, None),
                        AccessMode::Walk => leg(LegMode::Walk, None),
                        AccessMode::Feeder => {
                            leg(LegMode::Ride(Mode::Bus), Some("feeder".to_owned()))
                        }
                    },
                );
            }
            EdgeKind::Walk { .. } => push_merged(&mut legs, leg(LegMode::Walk, None)),
            EdgeKind::Transfer => push_merged(&mut legs, leg(LegMode::Transfer, None)),
            EdgeKind::Board {
                pattern,
                stop,
                in_station,
            } => {
                let p = &patterns[pattern as usize];
                ride = Some(board(net, p, stop, in_station, from, w, &mut legs));
            }
            EdgeKind::Ride { pattern, stop } => {
                if let Some(r) = ride.as_mut() {
                    r.time_s += w;
                    r.distance_km += patterns[pattern as usize].stops[stop as usize].distance_km;
                    r.to = to;
                }
            }
            EdgeKind::Dwell => {
                if let Some(r) = ride.as_mut() {
                    r.time_s += w;
                }
            }
            EdgeKind::Alight => {
                if let Some(r) = ride.take() {
                    push_merged(&mut legs, r);
                }
            }
        }
    }
    price(net, &mut legs);
    Some(Trip {
        time_s,
        legs,
        checkpoint_s,
    })
}

/// The leg of one graph edge of `mode` (on `line`, if any) from `from` to `to`, taking `time_s`
/// seconds; no distance, cost, detail or clock time yet.
fn edge_leg(mode: LegMode, line: Option<String>, from: NodeId, to: NodeId, time_s: Seconds) -> Leg {
    Leg {
        mode,
        line,
        from,
        to,
        time_s,
        distance_km: 0.0,
        cost_yuan: 0.0,
        detail: None,
        start_s: None,
        trip: None,
    }
}

/// Appends `leg` to `legs`, merged into the last leg when both walk, drive or transfer on the
/// same line (or none).
fn push_merged(legs: &mut Vec<Leg>, leg: Leg) {
    if let Some(last) = legs.last_mut()
        && last.mode == leg.mode
        && last.line == leg.line
        && matches!(leg.mode, LegMode::Walk | LegMode::Car | LegMode::Transfer)
    {
        last.to = leg.to;
        last.time_s += leg.time_s;
        last.distance_km += leg.distance_km;
        last.cost_yuan += leg.cost_yuan;
        return;
    }
    legs.push(leg);
}

/// Boarding pattern `p` at its stop index `stop` at node `from` over an edge of `w` seconds
/// (change of train when `in_station`, the wait, station processing): pushes those legs onto
/// `legs` and returns the ride leg, empty so far, that the ride and dwell edges extend.
fn board(
    net: &Network,
    p: &Pattern,
    stop: u32,
    in_station: bool,
    from: NodeId,
    w: Seconds,
    legs: &mut Vec<Leg>,
) -> Leg {
    let leg = |mode, line: Option<String>| edge_leg(mode, line, from, from, w);
    let line = net.line(p.line);
    let (headway_s, wait_s) = (
        p.headway_s[stop as usize].unwrap_or(0),
        p.wait_s[stop as usize],
    );
    let headway_min = f64::from(headway_s) / 60.0;
    if in_station {
        push_merged(
            legs,
            Leg {
                time_s: w - wait_s,
                detail: Some("change of train inside the station".to_owned()),
                ..leg(LegMode::Transfer, None)
            },
        );
    }
    push_merged(
        legs,
        Leg {
            time_s: wait_s,
            detail: Some(if wait_s < headway_s / 2 {
                format!("planned arrival before a departure (mean headway {headway_min:.1} min)")
            } else {
                format!("half the mean headway of {headway_min:.1} min")
            }),
            ..leg(LegMode::Wait, Some(line.id.clone()))
        },
    );
    if p.processing_s > 0 && !in_station {
        push_merged(
            legs,
            Leg {
                time_s: p.processing_s,
                detail: Some(format!(
                    "{} station processing (ticket and security check)",
                    line.mode
                )),
                ..leg(LegMode::Wait, Some(line.id.clone()))
            },
        );
    }
    Leg {
        time_s: 0,
        ..leg(LegMode::Ride(line.mode), Some(line.id.clone()))
    }
}

/// The fare rules along one itinerary, ride by ride: per boarding for `flat` and `per_km`
/// lines; once per fare system for consecutive rides on lines of the same system (changes inside
/// the system are free; walking out or another vehicle ends the run), on their total distance.
/// A run's fare is known when it ends; `T` marks where it is charged (e.g. its first leg).
pub(crate) struct FareMeter<'n, T> {
    net: &'n Network,
    /// The open fare-system run: (system, km so far, its mark).
    open: Option<(usize, f64, T)>,
}

impl<'n, T> FareMeter<'n, T> {
    pub(crate) fn new(net: &'n Network) -> Self {
        FareMeter { net, open: None }
    }

    /// Ends the open fare-system run, if any: its mark and fare, yuan.
    pub(crate) fn close(&mut self) -> Option<(T, f64)> {
        let (system, km, mark) = self.open.take()?;
        Some((mark, self.net.settings().fare_systems[system].fare(km)))
    }

    /// A ride of `km` on a line with `rule`, marked `mark`: the fare charged on this ride now
    /// (0 inside a fare-system run), and the run it ended, if any.
    pub(crate) fn ride(&mut self, rule: FareRule, km: f64, mark: T) -> (f64, Option<(T, f64)>) {
        match rule {
            FareRule::System(s) => match self.open.as_mut() {
                Some((current, total, _)) if *current == s => {
                    *total += km;
                    (0.0, None)
                }
                _ => {
                    let ended = self.close();
                    self.open = Some((s, km, mark));
                    (0.0, ended)
                }
            },
            other => {
                let ended = self.close();
                let now = match other {
                    FareRule::Flat(yuan) => yuan,
                    FareRule::PerKm(yuan_per_km) => yuan_per_km * km,
                    _ => 0.0,
                };
                (now, ended)
            }
        }
    }
}

/// Sets the fare of every ride leg by [`FareMeter`], a fare-system run charged on its first leg.
pub(crate) fn price(net: &Network, legs: &mut [Leg]) {
    let mut meter = FareMeter::new(net);
    for i in 0..legs.len() {
        let ended = match legs[i].mode {
            LegMode::Ride(_) => {
                let rule = legs[i]
                    .line
                    .as_deref()
                    .and_then(|id| net.line_id(id))
                    .map(|l| net.line(l).fare);
                match rule {
                    Some(rule) => {
                        let (now, ended) = meter.ride(rule, legs[i].distance_km, i);
                        if rule != FareRule::None {
                            legs[i].cost_yuan = now;
                        }
                        ended
                    }
                    // A ride that is not a line (a feeder) keeps its cost.
                    None => meter.close(),
                }
            }
            LegMode::Wait | LegMode::Transfer => continue,
            LegMode::Walk | LegMode::Car => meter.close(),
        };
        if let Some((first, yuan)) = ended {
            legs[first].cost_yuan = yuan;
        }
    }
    if let Some((first, yuan)) = meter.close() {
        legs[first].cost_yuan = yuan;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{FareSystem, Settings};

    fn ride(net: &Network, line: &str, km: f64) -> Leg {
        let l = net.line(net.line_id(line).unwrap());
        Leg {
            mode: LegMode::Ride(l.mode),
            line: Some(line.to_owned()),
            from: NodeId::new(0),
            to: NodeId::new(0),
            time_s: 60,
            distance_km: km,
            cost_yuan: 0.0,
            detail: None,
            start_s: None,
            trip: None,
        }
    }

    #[test]
    fn a_fare_system_charges_once_per_ride_inside_it() {
        let settings = Settings {
            name: "fares".into(),
            description: String::new(),
            sources: Vec::new(),
            default_transfer_s: 0,
            scheduled_wait_s: 0,
            processing_s: [0; 5],
            crush_standing: [1.0; 5],
            fare_systems: vec![FareSystem {
                id: "metro".into(),
                bands: vec![(6.0, 3.0), (12.0, 4.0)],
                above_yuan: 5.0,
            }],
            policy: Default::default(),
        };
        let mut net = Network::empty(settings);
        for (id, fare) in [
            ("M1", FareRule::System(0)),
            ("M2", FareRule::System(0)),
            ("B", FareRule::Flat(2.0)),
            ("R", FareRule::PerKm(0.5)),
        ] {
            net.lines.push(crate::network::Line {
                id: id.into(),
                name: id.into(),
                mode: Mode::Subway,
                capacity: 1,
                seats: 1,
                fare,
                oneway: false,
                loops: true,
                stops: Vec::new(),
                headways: Vec::new(),
                departures: Vec::new(),
                trip_ids: Vec::new(),
            });
        }
        net.reindex();
        let other = |mode| Leg {
            mode,
            line: None,
            ..ride(&net, "B", 0.0)
        };
        let mut legs = vec![
            ride(&net, "M1", 4.0),
            other(LegMode::Transfer),
            other(LegMode::Wait),
            ride(&net, "M2", 5.0), // same system: 9 km in all -> 4 yuan, on the first leg
            other(LegMode::Walk),
            ride(&net, "M2", 2.0), // walked out: a new fare
            ride(&net, "B", 7.0),
            ride(&net, "M1", 13.0), // another vehicle in between: a new fare, above the bands
            ride(&net, "R", 10.0),
        ];
        price(&net, &mut legs);
        let costs: Vec<f64> = legs.iter().map(|l| l.cost_yuan).collect();
        assert_eq!(costs, [4.0, 0.0, 0.0, 0.0, 0.0, 3.0, 2.0, 5.0, 5.0]);
    }
}
