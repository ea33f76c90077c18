//! One line file of the data (`line1.json5`, ...) as the importer needs it: the station list
//! with distances and English aliases, the train capacity, the two directions with their
//! routing plans, and the timetable of an ordinary Wednesday (read by `timetable.rs`).

use super::json::{Document, Found, problem, strings, text};
use super::seats;
use crate::error::Problem;
use serde_json::Value;
use std::path::PathBuf;

/// A station of a line, in the file's order.
pub(super) struct Station {
    /// The Chinese name, which identifies the station across lines.
    pub name: String,
    /// Metres from the previous station of the list (for a loop's first station: from the last).
    pub dist_m: Option<f64>,
    /// Other names, English ones among them.
    pub aliases: Vec<String>,
}

/// A routing plan of a direction: a kind of train (the whole line, a short turn).
pub(super) struct Plan {
    pub name: String,
    /// The station where these trains start, when not the direction's first.
    pub starts_with: Option<String>,
    /// The station where these trains end, when not the direction's last.
    pub ends_with: Option<String>,
    /// `loop: false` on a loop line: the train ends at the last station of its direction.
    pub no_loop: bool,
}

/// A direction of travel.
pub(super) struct Direction {
    /// Its key in the file (`南行`).
    pub key: String,
    /// Whether it runs against the order of the station list.
    pub reversed: bool,
    pub plans: Vec<Plan>,
    /// `end_circle`: after this station the trains continue as the other direction from its
    /// first station, this many metres away.
    pub end_circle: Option<(String, f64)>,
}

/// A line as read from its file.
pub(super) struct SubwayLine {
    /// The file, for problems.
    pub path: PathBuf,
    /// Our line id.
    pub id: String,
    /// The Chinese name (`1号线`).
    pub cn_name: String,
    /// The English name, from the aliases (`Line 1 (Batong)`).
    pub name: String,
    /// Passengers per train, seated and standing.
    pub capacity: u32,
    /// Seats per train (at most `capacity`).
    pub seats: u32,
    pub stations: Vec<Station>,
    pub is_loop: bool,
    /// Exactly two.
    pub directions: Vec<Direction>,
    /// The date group of an ordinary Wednesday.
    pub group: String,
    pub timetable: Value,
}

impl SubwayLine {
    /// Reads a line file, `carriages` being `carriage_types.json5`.
    pub fn parse(id: &str, file: Document, carriages: &Document) -> Found<Self> {
        let Document { path, value: json } = file;
        let missing = |field: &str, what: &str| problem(&path, field, what.to_owned());
        let cn_name = text(&json, "name")
            .ok_or_else(|| missing("name", "no line name"))?
            .to_owned();
        let aliases = strings(json.get("aliases"));
        let name = match aliases.as_slice() {
            [first, second, ..] if first.starts_with("Line ") && second.ends_with(" Line") => {
                format!("{first} ({})", second.trim_end_matches(" Line"))
            }
            [first, ..] => first.clone(),
            [] => {
                return Err(missing(
                    "aliases",
                    "no English alias: the line needs a name",
                ));
            }
        };
        let (capacity, seats) = capacity(&json, &path, carriages)?;
        let stations = stations(&json, &path)?;
        let is_loop = json.get("loop").and_then(Value::as_bool).unwrap_or(false);
        let directions = directions(&json, &path)?;
        let group = wednesday_group(&json, &path)?;
        let timetable = json
            .get("timetable")
            .cloned()
            .ok_or_else(|| missing("timetable", "no timetable"))?;
        Ok(SubwayLine {
            path,
            id: id.to_owned(),
            cn_name,
            name,
            capacity,
            seats,
            stations,
            is_loop,
            directions,
            group,
            timetable,
        })
    }

    /// A problem with `field` of this line's file.
    pub fn problem(&self, field: impl Into<String>, message: impl Into<String>) -> Problem {
        problem(&self.path, field, message)
    }

    /// Station indices of direction `d` in travel order.
    pub fn order(&self, d: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.stations.len()).collect();
        if self.directions[d].reversed {
            v.reverse();
        }
        v
    }

    /// The stops a train of direction `d` makes, as (station, direction whose timetable applies).
    pub fn path(&self, d: usize) -> Found<Vec<(usize, usize)>> {
        let order = self.order(d);
        let mut path: Vec<(usize, usize)> = order.iter().map(|&s| (s, d)).collect();
        if let Some((start, _)) = &self.directions[d].end_circle {
            let split = order
                .iter()
                .position(|&s| self.stations[s].name == *start)
                .ok_or_else(|| {
                    self.problem(
                        format!("train_routes.{}.end_circle_start", self.directions[d].key),
                        format!("{start} is not a station of the line"),
                    )
                })?;
            path.truncate(split + 1);
            let other = 1 - d;
            path.extend(self.order(other).into_iter().map(|s| (s, other)));
        } else if self.is_loop {
            path.push((order[0], d));
        }
        Ok(path)
    }

    /// Distance in km between consecutive stops `a` and `b` of a path.
    pub fn distance_km(&self, a: (usize, usize), b: (usize, usize)) -> Found<f64> {
        let n = self.stations.len();
        let dist = |i: usize| {
            self.stations[i].dist_m.ok_or_else(|| {
                self.problem(
                    format!("stations[{i}].dist"),
                    format!("no distance to {}", self.stations[i].name),
                )
            })
        };
        let metres = if a.1 != b.1 {
            match &self.directions[a.1].end_circle {
                Some((_, split)) => *split,
                None => {
                    return Err(self.problem("train_routes", "unexpected change of direction"));
                }
            }
        } else if a.0.abs_diff(b.0) == 1 {
            dist(a.0.max(b.0))?
        } else if self.is_loop && a.0.min(b.0) == 0 && a.0.max(b.0) == n - 1 {
            dist(0)?
        } else {
            return Err(self.problem(
                "stations",
                format!(
                    "{} and {} are not neighbours",
                    self.stations[a.0].name, self.stations[b.0].name
                ),
            ));
        };
        Ok(metres / 1000.0)
    }
}

/// Passengers per train: two head carriages and the others, by the carriage type's capacities;
/// and seats per train, from [`seats::SEATS_PER_CAR`].
fn capacity(json: &Value, path: &std::path::Path, carriages: &Document) -> Found<(u32, u32)> {
    let count = json
        .get("carriage_num")
        .and_then(Value::as_u64)
        .ok_or_else(|| problem(path, "carriage_num", "no number of carriages"))?;
    let kind = text(json, "carriage_type")
        .ok_or_else(|| problem(path, "carriage_type", "no carriage type"))?;
    let car = carriages.value.get(kind).ok_or_else(|| {
        problem(
            path,
            "carriage_type",
            format!(
                "unknown carriage type {kind} (not in {})",
                carriages.path.display()
            ),
        )
    })?;
    let per_car = car
        .get("capacity")
        .and_then(Value::as_u64)
        .ok_or_else(|| problem(&carriages.path, format!("{kind}.capacity"), "no capacity"))?;
    let head = car
        .get("head_capacity")
        .and_then(Value::as_u64)
        .unwrap_or(per_car);
    let capacity = if count >= 2 {
        2 * head + (count - 2) * per_car
    } else {
        count * head
    };
    let capacity = u32::try_from(capacity).map_err(|_| {
        problem(
            path,
            "carriage_num",
            format!("a train of {capacity} passengers is beyond any train"),
        )
    })?;
    let seats = seats::train_seats(kind, count, capacity).ok_or_else(|| {
        problem(
            path,
            "carriage_type",
            format!(
                "no seat figure for carriage type {kind}: add its sourced seats a car to \
                 src/import/beijing_subway/seats.rs"
            ),
        )
    })?;
    Ok((capacity, seats))
}

/// The station list.
fn stations(json: &Value, path: &std::path::Path) -> Found<Vec<Station>> {
    json.get("stations")
        .and_then(Value::as_array)
        .ok_or_else(|| problem(path, "stations", "no station list"))?
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(Station {
                name: text(s, "name")
                    .ok_or_else(|| problem(path, format!("stations[{i}].name"), "no name"))?
                    .to_owned(),
                dist_m: s.get("dist").and_then(Value::as_f64),
                aliases: strings(s.get("aliases")),
            })
        })
        .collect()
}

/// The two directions of `train_routes`, in the file's order.
fn directions(json: &Value, path: &std::path::Path) -> Found<Vec<Direction>> {
    let mut directions = Vec::new();
    let routes = json
        .get("train_routes")
        .and_then(Value::as_object)
        .ok_or_else(|| problem(path, "train_routes", "no train routes"))?;
    for (key, spec) in routes {
        let field = |name: &str| format!("train_routes.{key}{name}");
        let plans = spec
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| v.is_object())
            .map(|(name, v)| Plan {
                name: name.clone(),
                starts_with: text(v, "starts_with").map(str::to_owned),
                ends_with: text(v, "ends_with").map(str::to_owned),
                no_loop: v.get("loop").and_then(Value::as_bool) == Some(false),
            })
            .collect::<Vec<_>>();
        if plans.is_empty() {
            return Err(problem(
                path,
                field(""),
                "the direction has no train routing",
            ));
        }
        let end_circle = if spec.get("end_circle").and_then(Value::as_bool) == Some(true) {
            let start = text(spec, "end_circle_start").ok_or_else(|| {
                problem(
                    path,
                    field(".end_circle_start"),
                    "end_circle without a start",
                )
            })?;
            let dist = spec
                .get("end_circle_split_dist")
                .and_then(Value::as_f64)
                .ok_or_else(|| {
                    problem(
                        path,
                        field(".end_circle_split_dist"),
                        "end_circle without a split distance",
                    )
                })?;
            Some((start.to_owned(), dist))
        } else {
            None
        };
        directions.push(Direction {
            key: key.clone(),
            reversed: spec
                .get("reversed")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            plans,
            end_circle,
        });
    }
    if directions.len() != 2 {
        return Err(problem(
            path,
            "train_routes",
            format!("expected two directions, found {}", directions.len()),
        ));
    }
    Ok(directions)
}

/// The first date group without explicit dates whose weekdays include Wednesday (or all days).
fn wednesday_group(json: &Value, path: &std::path::Path) -> Found<String> {
    json.get("date_groups")
        .and_then(Value::as_object)
        .ok_or_else(|| problem(path, "date_groups", "no date groups"))?
        .iter()
        .find(|(_, g)| {
            g.get("dates").is_none()
                && g.get("weekday")
                    .and_then(Value::as_array)
                    .is_none_or(|days| days.iter().any(|d| d.as_u64() == Some(3)))
        })
        .map(|(name, _)| name.clone())
        .ok_or_else(|| problem(path, "date_groups", "no date group covers Wednesdays"))
}
