//! lines.csv, stops.csv, service.csv and departures.csv: the public transport lines, then
//! the checks of each line's stop list and service.

use super::Loader;
use super::ids::{Refs, SeenIds, node_ref};
use crate::bounds;
use crate::error::Problem;
use crate::io::table::{Row, Table};
use crate::network::{
    Departure, Direction, FareRule, HeadwayPeriod, Line, Mode, Stop, stop_list_problems,
};
use std::collections::HashSet;
use std::path::PathBuf;

impl Loader<'_> {
    pub(super) fn lines(&mut self) {
        let Some(t) = self.optional_table(
            "lines.csv",
            &["id", "name", "mode", "capacity", "fare"],
            &["oneway", "seats", "loop"],
        ) else {
            return;
        };
        let (lines, line_rows) = self.line_rows(&t);
        // Lines with a stop row that could not be read, or whose nodes could not be read at all.
        let mut incomplete: HashSet<usize> = HashSet::new();
        if !self.nodes.usable {
            incomplete.extend(0..self.net.lines.len());
        }
        // Where each line's stops were read, to place the problems of its stop list.
        let mut stop_rows: Vec<Vec<(PathBuf, u64)>> = vec![Vec::new(); self.net.lines.len()];
        if let Some(t) = self.optional_table(
            "stops.csv",
            &["line", "node", "run_min", "dwell_min"],
            &["distance_km"],
        ) {
            self.stops(&t, &lines, &mut incomplete, &mut stop_rows);
        }
        if let Some(t) =
            self.optional_table("service.csv", &["line", "start", "end", "headway_min"], &[])
        {
            self.service(&t, &lines);
        }
        if let Some(t) =
            self.optional_table("departures.csv", &["line", "time"], &["direction", "trip"])
        {
            self.departures(&t, &lines);
        }
        self.check_lines(&line_rows, &stop_rows, &incomplete);
    }

    /// The rows of lines.csv: the ids of the lines, and the file and line each was read from.
    fn line_rows(&mut self, t: &Table) -> (Refs, Vec<(PathBuf, u64)>) {
        let mut seen = SeenIds::with_broken_rows_of(t);
        let mut line_rows: Vec<(PathBuf, u64)> = Vec::new();
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let id = row.text("id");
            seen.mention(id);
            let name = row.text("name");
            let mode = row.choice("mode", &Mode::ALL, Mode::as_str);
            let capacity = row.bounded_whole("capacity", &bounds::LINE_CAPACITY);
            let seats = line_seats(&mut row, capacity);
            let fare_text = row.text("fare");
            let fare = fare_text.and_then(|f| {
                FareRule::parse(f, &self.net.settings.fare_systems)
                    .map_err(|m| row.problem(Some("fare"), m))
                    .ok()
            });
            let oneway = row.boolean_or("oneway", false);
            let loops = row.boolean_or("loop", true);
            if let (
                Some(id),
                Some(name),
                Some(mode),
                Some(capacity),
                Some(seats),
                Some(fare),
                Some(oneway),
                Some(loops),
            ) = (id, name, mode, capacity, seats, fare, oneway, loops)
                && seen.check(&mut row, "id", id)
            {
                line_rows.push((row.path.to_path_buf(), row.line));
                self.net.lines.push(Line {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    mode,
                    capacity: capacity as u32,
                    seats: seats as u32,
                    fare,
                    oneway,
                    loops,
                    stops: Vec::new(),
                    headways: Vec::new(),
                    departures: Vec::new(),
                    trip_ids: Vec::new(),
                });
            }
        }
        let ids = self.net.lines.iter().map(|l| l.id.as_str());
        let lines = Refs::new("line", "lines.csv", ids, seen.unusable());
        (lines, line_rows)
    }

    /// The rows of stops.csv, appended to their lines' stop lists; `incomplete` gets the lines
    /// with a stop row that could not be read, `stop_rows` where each stop was read.
    fn stops(
        &mut self,
        t: &Table,
        lines: &Refs,
        incomplete: &mut HashSet<usize>,
        stop_rows: &mut [Vec<(PathBuf, u64)>],
    ) {
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let line = lines.get(&mut row, "line");
            let node = node_ref(&self.nodes, &mut row, "node");
            let run_s = row.bounded_minutes("run_min", &bounds::RUN_MIN);
            let dwell_s = row.bounded_minutes("dwell_min", &bounds::DWELL_MIN);
            let distance_km = row.bounded_or("distance_km", &bounds::STOP_DISTANCE_KM, 0.0);
            let (Some(line), Some(node), Some(run_s), Some(dwell_s), Some(distance_km)) =
                (line, node, run_s, dwell_s, distance_km)
            else {
                // The line's stop list is incomplete: its sequence cannot be checked.
                if let Some(l) = line {
                    incomplete.insert(l);
                }
                continue;
            };
            stop_rows[line].push((row.path.to_path_buf(), row.line));
            self.net.lines[line].stops.push(Stop {
                node,
                run_s,
                dwell_s,
                distance_km,
            });
        }
    }

    /// The rows of service.csv: each line's periods of service at a headway.
    fn service(&mut self, t: &Table, lines: &Refs) {
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let line = lines.get(&mut row, "line");
            let start_s = row.clock("start");
            let end_s = row.clock("end");
            let headway_s = row.bounded_minutes("headway_min", &bounds::HEADWAY_MIN);
            if let (Some(s), Some(e)) = (start_s, end_s)
                && s >= e
            {
                row.problem(Some("end"), "the period must end after it starts");
                continue;
            }
            if let (Some(line), Some(start_s), Some(end_s), Some(headway_s)) =
                (line, start_s, end_s, headway_s)
            {
                self.net.lines[line].headways.push(HeadwayPeriod {
                    start_s,
                    end_s,
                    headway_s,
                });
            }
        }
    }

    /// The rows of departures.csv: each line's timetabled departures.
    fn departures(&mut self, t: &Table, lines: &Refs) {
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let line = lines.get(&mut row, "line");
            let time_s = row.clock("time");
            let trip = row.text_or_empty("trip").to_owned();
            let direction = match row.text_or_empty("direction") {
                "" | "forward" => Some(Direction::Forward),
                "reverse" => Some(Direction::Reverse),
                other => {
                    row.problem(
                        Some("direction"),
                        format!("expected forward or reverse, got `{other}`"),
                    );
                    None
                }
            };
            let (Some(line), Some(time_s), Some(direction)) = (line, time_s, direction) else {
                continue;
            };
            if direction == Direction::Reverse && self.net.lines[line].oneway {
                row.problem(
                    Some("direction"),
                    "a one-way line has no reverse departures",
                );
                continue;
            }
            self.net.lines[line]
                .departures
                .push(Departure { direction, time_s });
            if !trip.is_empty() {
                self.net.lines[line]
                    .trip_ids
                    .push((direction, time_s, trip));
            }
        }
    }

    /// Checks each line's stop list and that it has service, its departures sorted.
    fn check_lines(
        &mut self,
        line_rows: &[(PathBuf, u64)],
        stop_rows: &[Vec<(PathBuf, u64)>],
        incomplete: &HashSet<usize>,
    ) {
        for (index, (line, (path, line_no))) in self.net.lines.iter_mut().zip(line_rows).enumerate()
        {
            let id = &line.id;
            line.departures.sort();
            line.trip_ids.sort();
            let complete = !incomplete.contains(&index);
            for problem in stop_list_problems(&self.net.nodes, &line.stops, complete) {
                match problem.stop {
                    Some(stop) => {
                        let (stop_path, stop_line) = &stop_rows[index][stop];
                        self.problems.push(Problem::at(
                            stop_path,
                            *stop_line,
                            Some(problem.field),
                            problem.message,
                        ));
                    }
                    None => self.problems.push(Problem::at(
                        path,
                        *line_no,
                        Some("id"),
                        format!("line `{id}`: {} in stops.csv", problem.message),
                    )),
                }
            }
            if line.headways.is_empty() && line.departures.is_empty() {
                self.problems.push(Problem::at(
                    path,
                    *line_no,
                    Some("id"),
                    format!("line `{id}` has no service in service.csv or departures.csv"),
                ));
            }
        }
    }
}

/// A row's `seats`: within its bound and at most the row's `capacity` (`capacity` when
/// the column or cell is empty: everyone seated).
fn line_seats(row: &mut Row<'_, '_>, capacity: Option<u64>) -> Option<u64> {
    let seats = row.bounded_whole_or("seats", &bounds::LINE_SEATS, capacity.unwrap_or(1))?;
    match capacity {
        Some(capacity) if seats > capacity => {
            row.problem(
                Some("seats"),
                format!("{seats} seats is more than the capacity of {capacity} passengers"),
            );
            None
        }
        _ => Some(seats),
    }
}
