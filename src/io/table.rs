//! A strict CSV table reader that reports every problem with file, line and column.
//!
//! Written on top of the `csv` crate's record reader rather than serde row structs, because a
//! planner editing a spreadsheet needs to hear "roads.csv:12: field `speed_kmh`: expected a
//! positive number, got `-3`", and needs to hear about every bad cell in one go.

use crate::bounds::Bound;
use crate::error::Problem;
use crate::time::{Seconds, minutes_to_seconds, parse_clock};
use csv::StringRecord;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Columns any table may carry for people, ignored by the model.
const COMMENT_COLUMNS: [&str; 2] = ["source", "notes"];

/// One or more parsed CSV files of the same table: records with their file and line numbers.
pub(crate) struct Table {
    paths: Vec<PathBuf>,
    columns: HashMap<String, usize>,
    /// (index into `paths`, 1-based line, fields in `columns` order).
    records: Vec<(usize, u64, StringRecord)>,
    /// Records that could not be read as rows (wrong field count), already reported.
    broken: Vec<StringRecord>,
}

impl Table {
    /// Reads `path`, checking that every `required` column is present and every other column is
    /// `optional` or a comment column. Lines starting with `#` are comments. Rows with problems
    /// are reported and left out. Returns `None` (with problems recorded) when the file cannot be
    /// used at all: unreadable, or a bad header.
    pub fn read(
        path: &Path,
        required: &[&str],
        optional: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Option<Table> {
        let bytes = match std::fs::read(path) {
            Ok(b) => blank_comments(b),
            Err(e) => {
                problems.push(Problem::file(path, format!("cannot read file: {e}")));
                return None;
            }
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes.as_slice());
        let header = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                problems.push(Problem::file(path, format!("cannot read the header: {e}")));
                return None;
            }
        };
        let mut columns = HashMap::new();
        let mut ok = true;
        for (i, name) in header.iter().enumerate() {
            if !required.contains(&name)
                && !optional.contains(&name)
                && !COMMENT_COLUMNS.contains(&name)
            {
                problems.push(Problem::at(
                    path,
                    1,
                    Some(name),
                    format!(
                        "unknown column; expected columns {}{}",
                        required.join(","),
                        if optional.is_empty() {
                            String::new()
                        } else {
                            format!(" (optional: {})", optional.join(","))
                        }
                    ),
                ));
                ok = false;
            }
            if columns.insert(name.to_owned(), i).is_some() {
                problems.push(Problem::at(path, 1, Some(name), "column appears twice"));
                ok = false;
            }
        }
        for name in required {
            if !columns.contains_key(*name) {
                problems.push(Problem::at(
                    path,
                    1,
                    Some(name),
                    "required column is missing",
                ));
                ok = false;
            }
        }
        let mut records = Vec::new();
        let mut broken = Vec::new();
        for result in reader.records() {
            match result {
                Ok(rec) => {
                    let line = rec.position().map_or(0, |p| line_at(&bytes, p));
                    if rec.len() != header.len() {
                        problems.push(Problem::at(
                            path,
                            line,
                            None,
                            format!(
                                "expected {} fields ({}), found {}{}",
                                header.len(),
                                header.iter().collect::<Vec<_>>().join(","),
                                rec.len(),
                                if rec.iter().any(|f| f.contains('\n')) {
                                    " (a quote opened on this line is never closed)"
                                } else {
                                    ""
                                }
                            ),
                        ));
                        broken.push(rec);
                        continue;
                    }
                    records.push((0, line, rec));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| line_at(&bytes, p));
                    problems.push(Problem::at(path, line, None, format!("malformed CSV: {e}")));
                }
            }
        }
        ok.then_some(Table {
            paths: vec![path.to_path_buf()],
            columns,
            records,
            broken,
        })
    }

    /// Joins tables read from several files (a network's parts) into one, in order. Columns are
    /// the union of the files' columns; a column a file lacks reads as empty (its default).
    pub fn concat(tables: Vec<Table>) -> Option<Table> {
        let mut columns: HashMap<String, usize> = HashMap::new();
        for t in &tables {
            let mut names: Vec<(&String, &usize)> = t.columns.iter().collect();
            names.sort_by_key(|(_, i)| **i);
            for (name, _) in names {
                let next = columns.len();
                columns.entry(name.clone()).or_insert(next);
            }
        }
        let mut out = Table {
            paths: Vec::new(),
            columns,
            records: Vec::new(),
            broken: Vec::new(),
        };
        for t in tables {
            let map: Vec<(usize, usize)> = t
                .columns
                .iter()
                .map(|(name, &from)| (from, out.columns[name]))
                .collect();
            let remap = |rec: &StringRecord| {
                let mut fields = vec![""; out.columns.len()];
                for &(from, to) in &map {
                    fields[to] = rec.get(from).unwrap_or("");
                }
                StringRecord::from(fields)
            };
            let offset = out.paths.len();
            for (source, line, rec) in &t.records {
                out.records.push((offset + source, *line, remap(rec)));
            }
            out.broken.extend(t.broken.iter().map(remap));
            out.paths.extend(t.paths);
        }
        (!out.paths.is_empty()).then_some(out)
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The first file of the table.
    pub fn path(&self) -> &Path {
        &self.paths[0]
    }

    /// The values of `column` in the records that could not be read, where present: ids that
    /// exist but are unusable.
    pub fn broken_values<'a>(&'a self, column: &str) -> impl Iterator<Item = &'a str> {
        let index = self.columns.get(column).copied();
        self.broken
            .iter()
            .filter_map(move |r| index.and_then(|i| r.get(i)))
    }

    /// A cursor over one record that records problems as fields are read.
    pub fn row<'a>(&'a self, index: usize, problems: &'a mut Vec<Problem>) -> Row<'a> {
        let (source, line, record) = &self.records[index];
        Row {
            table: self,
            path: &self.paths[*source],
            line: *line,
            record,
            problems,
        }
    }
}

/// The 1-based line of a record, from its byte offset (the csv crate's own line count skips
/// blank lines).
fn line_at(bytes: &[u8], position: &csv::Position) -> u64 {
    // A record's position may point at the blank lines before it.
    let mut offset = position.byte() as usize;
    while bytes
        .get(offset)
        .is_some_and(|b| matches!(b, b'\n' | b'\r'))
    {
        offset += 1;
    }
    super::line_of_bytes(bytes, offset)
}

/// Empties comment lines (first non-blank character `#`) but keeps their line breaks, so the
/// csv reader skips them as blank lines and line numbers stay those of the file.
fn blank_comments(bytes: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if line.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'#') {
            out.push(b'\n');
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// One record being read.
pub(crate) struct Row<'a> {
    table: &'a Table,
    /// The file the row is in.
    pub path: &'a Path,
    /// Its 1-based line.
    pub line: u64,
    record: &'a StringRecord,
    problems: &'a mut Vec<Problem>,
}

impl<'a> Row<'a> {
    /// The raw text of `column`, `None` when the column is absent from the file.
    fn raw(&self, column: &str) -> Option<&'a str> {
        self.table
            .columns
            .get(column)
            .and_then(|&i| self.record.get(i))
    }

    /// Records a problem on this row.
    pub fn problem(&mut self, column: Option<&str>, message: impl Into<String>) {
        self.problems
            .push(Problem::at(self.path, self.line, column, message));
    }

    /// A required, non-empty text field.
    pub fn text(&mut self, column: &str) -> Option<&'a str> {
        match self.raw(column) {
            Some(s) if !s.is_empty() => Some(s),
            _ => {
                self.problem(Some(column), "expected a value, found an empty field");
                None
            }
        }
    }

    /// An optional text field (empty when absent).
    pub fn text_or_empty(&mut self, column: &str) -> &'a str {
        self.raw(column).unwrap_or("")
    }

    /// A number within `bound`; otherwise the bound's problem (or "expected a number").
    pub fn bounded(&mut self, column: &str, bound: &Bound) -> Option<f64> {
        let text = self.text(column)?;
        let checked = match text.parse::<f64>() {
            Ok(v) => bound.check_shown(v, &format!("`{text}`")),
            Err(_) => Err(format!("expected a number, got `{text}`")),
        };
        checked.map_err(|m| self.problem(Some(column), m)).ok()
    }

    /// A number within `bound` in an optional column (`default` when the column or cell is
    /// empty).
    pub fn bounded_or(&mut self, column: &str, bound: &Bound, default: f64) -> Option<f64> {
        match self.raw(column) {
            None | Some("") => Some(default),
            Some(_) => self.bounded(column, bound),
        }
    }

    /// A whole number within `bound`.
    pub fn bounded_whole(&mut self, column: &str, bound: &Bound) -> Option<u64> {
        let text = self.text(column)?;
        let checked = match (text.parse::<u64>(), text.parse::<f64>()) {
            (Ok(v), _) => bound.check_shown(v as f64, &format!("`{text}`")).map(|_| v),
            (_, Ok(v)) => bound.check_shown(v, &format!("`{text}`")).map(|v| v as u64),
            _ => Err(format!("expected a whole number, got `{text}`")),
        };
        checked.map_err(|m| self.problem(Some(column), m)).ok()
    }

    /// A duration in minutes within `bound`, converted to seconds.
    pub fn bounded_minutes(&mut self, column: &str, bound: &Bound) -> Option<Seconds> {
        let minutes = self.bounded(column, bound)?;
        minutes_to_seconds(minutes)
            .map_err(|m| self.problem(Some(column), m))
            .ok()
    }

    /// Minutes within `bound` in an optional column (0 when the column or cell is empty).
    pub fn bounded_minutes_or_zero(&mut self, column: &str, bound: &Bound) -> Option<Seconds> {
        match self.raw(column) {
            None | Some("") => Some(0),
            Some(_) => self.bounded_minutes(column, bound),
        }
    }

    /// A clock time `HH:MM[:SS]`.
    pub fn clock(&mut self, column: &str) -> Option<Seconds> {
        let text = self.text(column)?;
        match parse_clock(text) {
            Ok(s) => Some(s),
            Err(message) => {
                self.problem(Some(column), message);
                None
            }
        }
    }

    /// A boolean (`true`/`false`, `yes`/`no`, `1`/`0`); `default` when the column or cell is
    /// empty.
    pub fn boolean_or(&mut self, column: &str, default: bool) -> Option<bool> {
        match self.raw(column) {
            None | Some("") => Some(default),
            Some(t) => match t.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Some(true),
                "false" | "no" | "0" => Some(false),
                _ => {
                    self.problem(Some(column), format!("expected true or false, got `{t}`"));
                    None
                }
            },
        }
    }

    /// A value from a fixed vocabulary.
    pub fn choice<T>(
        &mut self,
        column: &str,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.text(column)?;
        let value = parse(text);
        if value.is_none() {
            self.problem(
                Some(column),
                format!("expected one of {}, got `{text}`", names.join(", ")),
            );
        }
        value
    }
}
