//! A strict CSV table reader that reports every problem with file, line and column.
//!
//! Written on top of the `csv` crate's record reader rather than serde row structs, because a
//! planner editing a spreadsheet needs to hear "roads.csv:12: field `speed_kmh`: expected a
//! positive number, got `-3`", and needs to hear about every bad cell in one go.

use crate::bounds::Bound;
use crate::error::Problem;
use crate::time::{Seconds, minutes_to_seconds, parse_clock};
use csv::StringRecord;
use std::cell::Cell;
use std::path::{Path, PathBuf};

/// Columns any table may carry for people, ignored by the model.
const COMMENT_COLUMNS: [&str; 2] = ["source", "notes"];

/// The columns a table may have besides its required ones.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Others<'a> {
    /// These (optional columns) and the comment columns.
    Only(&'a [&'a str]),
    /// Any (a table with a column per zone).
    Any,
}

/// One or more parsed CSV files of the same table: records with their file and line numbers.
///
/// The fields of all records live in one string, so a million-row file costs a few large
/// allocations, not several per row.
pub(crate) struct Table {
    paths: Vec<PathBuf>,
    /// Column names, in field order.
    columns: Vec<String>,
    /// The fields of every record, back to back, `columns.len()` per record.
    text: String,
    /// Where each field of `text` ends (a field starts where the previous one ends).
    ends: Vec<usize>,
    /// Each record's file (index into `paths`) and 1-based line.
    places: Vec<(usize, u64)>,
    /// Records that could not be read as rows (wrong field count), already reported.
    broken: Vec<StringRecord>,
    /// Where [`Table::column`] starts looking.
    next_column: Cell<usize>,
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
        match std::fs::read(path) {
            Ok(bytes) => Table::parse(path, bytes, required, Others::Only(optional), problems),
            Err(e) => {
                problems.push(Problem::file(path, format!("cannot read file: {e}")));
                None
            }
        }
    }

    /// Parses `bytes` as the table in file `path` (which is not read), as [`Table::read`] does;
    /// `others` says which columns besides the `required` ones the header may have.
    pub fn parse(
        path: &Path,
        bytes: Vec<u8>,
        required: &[&str],
        others: Others<'_>,
        problems: &mut Vec<Problem>,
    ) -> Option<Table> {
        let bytes = blank_comments(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes.as_slice());
        // Fields are trimmed here, as they are stored (the csv crate's own trimming copies
        // every record).
        let header: StringRecord = match reader.headers() {
            Ok(h) => h.iter().map(trim).collect(),
            Err(e) => {
                let problem = match e.position() {
                    Some(at) => Problem::at(
                        path,
                        at.line(),
                        None,
                        format!("cannot read the header: {e}"),
                    ),
                    None => Problem::file(path, format!("cannot read the header: {e}")),
                };
                problems.push(problem);
                return None;
            }
        };
        let (columns, ok) = checked_columns(path, &header, required, others, problems);
        let mut table = Table {
            paths: vec![path.to_path_buf()],
            // Fields take at most the file's bytes.
            text: String::with_capacity(bytes.len()),
            ends: Vec::new(),
            places: Vec::new(),
            columns,
            broken: Vec::new(),
            next_column: Cell::new(0),
        };
        let mut lines = LineCursor::new(&bytes);
        let mut rec = StringRecord::new();
        loop {
            match reader.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {
                    let line = rec.position().map_or(0, |p| lines.line_at(p));
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
                        table.broken.push(rec.iter().map(trim).collect());
                        continue;
                    }
                    table.push(0, line, rec.iter().map(trim));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.line_at(p));
                    problems.push(Problem::at(path, line, None, format!("malformed CSV: {e}")));
                }
            }
        }
        ok.then_some(table)
    }

    /// Appends a record of `columns.len()` fields.
    fn push<'f>(&mut self, source: usize, line: u64, fields: impl Iterator<Item = &'f str>) {
        for field in fields {
            self.text.push_str(field);
            self.ends.push(self.text.len());
        }
        self.places.push((source, line));
    }

    /// Field `column` of record `record`.
    pub(super) fn field(&self, record: usize, column: usize) -> &str {
        let i = record * self.columns.len() + column;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The index of column `name`. Loaders read a row's columns in about the file's order, so
    /// the search starts after the column found last.
    pub(super) fn column(&self, name: &str) -> Option<usize> {
        let n = self.columns.len();
        let mut i = self.next_column.get();
        for _ in 0..n {
            if i >= n {
                i = 0;
            }
            let c = self.columns[i].as_bytes();
            if c.len() == name.len() && c == name.as_bytes() {
                self.next_column.set(i + 1);
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// Joins tables read from several files (a network's parts) into one, in order. Columns are
    /// the union of the files' columns; a column a file lacks reads as empty (its default).
    pub fn concat(mut tables: Vec<Table>) -> Option<Table> {
        if tables.len() <= 1 {
            return tables.pop();
        }
        let mut columns: Vec<String> = Vec::new();
        for t in &tables {
            for name in &t.columns {
                if !columns.contains(name) {
                    columns.push(name.clone());
                }
            }
        }
        let mut out = Table {
            paths: Vec::new(),
            columns,
            text: String::new(),
            ends: Vec::new(),
            places: Vec::new(),
            broken: Vec::new(),
            next_column: Cell::new(0),
        };
        for t in tables {
            // For each joined column, the column of `t` it comes from.
            let from: Vec<Option<usize>> = out.columns.iter().map(|c| t.column(c)).collect();
            let offset = out.paths.len();
            for (r, &(source, line)) in t.places.iter().enumerate() {
                let fields = from.iter().map(|c| c.map_or("", |c| t.field(r, c)));
                out.push(offset + source, line, fields);
            }
            out.broken.extend(t.broken.iter().map(|rec| {
                from.iter()
                    .map(|c| c.and_then(|c| rec.get(c)).unwrap_or(""))
                    .collect::<StringRecord>()
            }));
            out.paths.extend(t.paths);
        }
        (!out.paths.is_empty()).then_some(out)
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// The column names, in field order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The file and 1-based line of record `record`.
    pub fn place(&self, record: usize) -> (&Path, u64) {
        let (source, line) = self.places[record];
        (&self.paths[source], line)
    }

    /// The first file of the table.
    pub fn path(&self) -> &Path {
        &self.paths[0]
    }

    /// The values of `column` in the records that could not be read, where present: ids that
    /// exist but are unusable.
    pub fn broken_values<'a>(&'a self, column: &str) -> impl Iterator<Item = &'a str> {
        let index = self.column(column);
        self.broken
            .iter()
            .filter_map(move |r| index.and_then(|i| r.get(i)))
    }

    /// A cursor over one record that records problems as fields are read.
    pub fn row<'a, 'p>(&'a self, index: usize, problems: &'p mut Vec<Problem>) -> Row<'a, 'p> {
        let (source, line) = self.places[index];
        Row {
            table: self,
            path: &self.paths[source],
            line,
            record: index,
            problems,
        }
    }
}

/// The trimmed `header` of the table at `path` as its columns, and whether they are usable: no
/// unknown column (see `others`), none twice, every one of `required` there (problems recorded).
fn checked_columns(
    path: &Path,
    header: &StringRecord,
    required: &[&str],
    others: Others<'_>,
    problems: &mut Vec<Problem>,
) -> (Vec<String>, bool) {
    let mut columns: Vec<String> = Vec::new();
    let mut ok = true;
    for name in header.iter() {
        let known = match others {
            Others::Only(optional) => optional.contains(&name),
            Others::Any => true,
        };
        if !required.contains(&name) && !known && !COMMENT_COLUMNS.contains(&name) {
            let optional = match others {
                Others::Only(optional) => optional,
                Others::Any => &[],
            };
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
        if columns.iter().any(|c| c == name) {
            problems.push(Problem::at(path, 1, Some(name), "column appears twice"));
            ok = false;
        }
        columns.push(name.to_owned());
    }
    for name in required {
        if !columns.iter().any(|c| c == name) {
            problems.push(Problem::at(
                path,
                1,
                Some(name),
                "required column is missing",
            ));
            ok = false;
        }
    }
    (columns, ok)
}

/// Turns record positions into 1-based lines of the file (the csv crate's own line count skips
/// blank lines, which hold the blanked comments). Records come in file order, so newlines are
/// counted once, from the previous record on: loading stays linear in the file's size.
struct LineCursor<'b> {
    bytes: &'b [u8],
    /// Byte offset counted up to, and the line it is on.
    offset: usize,
    line: u64,
}

impl<'b> LineCursor<'b> {
    fn new(bytes: &'b [u8]) -> Self {
        LineCursor {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the record at `position`.
    fn line_at(&mut self, position: &csv::Position) -> u64 {
        // A record's position may point at the blank lines before it.
        let mut offset = (position.byte() as usize).min(self.bytes.len());
        while self
            .bytes
            .get(offset)
            .is_some_and(|b| matches!(b, b'\n' | b'\r'))
        {
            offset += 1;
        }
        if offset < self.offset {
            // Not expected (positions only grow), but stay exact: count again from the start.
            *self = LineCursor::new(self.bytes);
        }
        self.line += newlines(&self.bytes[self.offset..offset]);
        self.offset = offset;
        self.line
    }
}

/// The number of `\n` in `bytes`.
fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// `field` without leading and trailing white space (Unicode's, as `str::trim`), quickly for the
/// common field that has none.
fn trim(field: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_none_or(|b| b.is_ascii() && !b.is_ascii_whitespace());
    let bytes = field.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        field
    } else {
        field.trim()
    }
}

/// Empties comment lines (first non-blank character `#`) but keeps their line breaks, so the
/// csv reader skips them as blank lines and line numbers stay those of the file. Works in place
/// and only looks closer at lines holding a `#`: a large file costs one fast scan.
fn blank_comments(mut bytes: Vec<u8>) -> Vec<u8> {
    // The comment lines, as ranges without their line break.
    let mut comments: Vec<(usize, usize)> = Vec::new();
    // The start of the line of the `#` at hand, found by scanning only since the previous `#`;
    // a line's first `#` decides whether it is a comment (linear however many `#` a line has).
    let (mut line_start, mut scanned, mut decided) = (0, 0, None);
    for hash in memchr::memchr_iter(b'#', &bytes) {
        if let Some(i) = memchr::memrchr(b'\n', &bytes[scanned..hash]) {
            line_start = scanned + i + 1;
        }
        scanned = hash;
        if decided == Some(line_start) {
            continue;
        }
        decided = Some(line_start);
        if bytes[line_start..hash].iter().all(u8::is_ascii_whitespace) {
            let end = memchr::memchr(b'\n', &bytes[hash..]).map_or(bytes.len(), |i| hash + i);
            comments.push((line_start, end));
        }
    }
    if comments.is_empty() {
        return bytes;
    }
    // Moves the text between comments left over the removed comment text.
    let mut write = 0;
    let mut read = 0;
    for (start, end) in comments {
        bytes.copy_within(read..start, write);
        write += start - read;
        read = end;
    }
    bytes.copy_within(read.., write);
    write += bytes.len() - read;
    bytes.truncate(write);
    bytes
}

/// One record being read.
/// Its fields live as long as the table (`'a`), independent of the problem list (`'p`).
pub(crate) struct Row<'a, 'p> {
    table: &'a Table,
    /// The file the row is in.
    pub path: &'a Path,
    /// Its 1-based line.
    pub line: u64,
    /// Its index in the table.
    record: usize,
    problems: &'p mut Vec<Problem>,
}

impl<'a> Row<'a, '_> {
    /// The raw text of `column`, `None` when the column is absent from the file.
    fn raw(&self, column: &str) -> Option<&'a str> {
        let table = self.table;
        table.column(column).map(|i| table.field(self.record, i))
    }

    /// Records a problem on this row.
    pub fn problem(&mut self, column: Option<&str>, message: impl Into<String>) {
        self.problems
            .push(Problem::at(self.path, self.line, column, message));
    }

    /// A required, non-empty text field.
    pub fn text(&mut self, column: &str) -> Option<&'a str> {
        match self.raw(column) {
            Some(s) if !s.is_empty() => self.printable(column, s),
            _ => {
                self.problem(Some(column), "expected a value, found an empty field");
                None
            }
        }
    }

    /// An optional text field (empty when absent).
    pub fn text_or_empty(&mut self, column: &str) -> &'a str {
        let s = self.raw(column).unwrap_or("");
        self.printable(column, s).unwrap_or("")
    }

    /// `s`, unless it holds a line break or another control character: no field of ours needs
    /// one, and a quoted field running over several lines (an unclosed quote) would otherwise
    /// become an id that breaks every message naming it.
    fn printable(&mut self, column: &str, s: &'a str) -> Option<&'a str> {
        if s.chars().any(char::is_control) {
            self.problem(
                Some(column),
                format!(
                    "holds a line break or another control character ({:?}): an unclosed quote?",
                    s.chars().take(40).collect::<String>()
                ),
            );
            return None;
        }
        Some(s)
    }

    /// A number within `bound`; otherwise the bound's problem (or "expected a number").
    pub fn bounded(&mut self, column: &str, bound: &Bound) -> Option<f64> {
        let text = self.text(column)?;
        let checked = match text.parse::<f64>() {
            // The message is only made for a value out of range: this runs for every cell.
            Ok(v) if bound.contains(v) => Ok(v),
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

    /// A number within `bound` in an optional column: `Some(None)` when the column or cell is
    /// empty, `None` (with a problem) when the number is not allowed.
    pub fn bounded_optional(&mut self, column: &str, bound: &Bound) -> Option<Option<f64>> {
        match self.raw(column) {
            None | Some("") => Some(None),
            Some(_) => self.bounded(column, bound).map(Some),
        }
    }

    /// A whole number within `bound`.
    pub fn bounded_whole(&mut self, column: &str, bound: &Bound) -> Option<u64> {
        let text = self.text(column)?;
        let checked = match text.parse::<u64>() {
            Ok(v) if bound.contains(v as f64) => Ok(v),
            Ok(v) => bound.check_shown(v as f64, &format!("`{text}`")).map(|_| v),
            Err(_) => match text.parse::<f64>() {
                Ok(v) => bound.check_shown(v, &format!("`{text}`")).map(|v| v as u64),
                Err(_) => Err(format!("expected a whole number, got `{text}`")),
            },
        };
        checked.map_err(|m| self.problem(Some(column), m)).ok()
    }

    /// A whole number within `bound` in an optional column (`default` when the column or cell
    /// is empty).
    pub fn bounded_whole_or(&mut self, column: &str, bound: &Bound, default: u64) -> Option<u64> {
        match self.raw(column) {
            None | Some("") => Some(default),
            Some(_) => self.bounded_whole(column, bound),
        }
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
            Some(t) => {
                let is = |words: [&str; 3]| words.iter().any(|w| w.eq_ignore_ascii_case(t));
                if is(["true", "yes", "1"]) {
                    Some(true)
                } else if is(["false", "no", "0"]) {
                    Some(false)
                } else {
                    self.problem(Some(column), format!("expected true or false, got `{t}`"));
                    None
                }
            }
        }
    }

    /// One of `values`, written as its `name` (an enum's `ALL` and `as_str`); a problem lists
    /// the names in the order of `values`.
    pub fn choice<T: Copy>(
        &mut self,
        column: &str,
        values: &[T],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        let text = self.text(column)?;
        let value = values.iter().copied().find(|&v| name(v) == text);
        if value.is_none() {
            let names: Vec<&str> = values.iter().map(|&v| name(v)).collect();
            self.problem(
                Some(column),
                format!("expected one of {}, got `{text}`", names.join(", ")),
            );
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` as a table with columns `a,b` and returns each record's line and the
    /// problems' lines.
    fn lines(text: &[u8]) -> (Vec<u64>, Vec<Option<u64>>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        let mut problems = Vec::new();
        let table = Table::read(&path, &["a", "b"], &[], &mut problems).unwrap();
        let rows = table.places.iter().map(|r| r.1).collect();
        (rows, problems.iter().map(|p| p.line).collect())
    }

    #[test]
    fn lines_are_the_file_lines_with_comments_blanks_crlf_and_bom() {
        let text = b"\xEF\xBB\xBFa,b\r\n# comment\r\n\r\n1,2\r\n  # indented comment\n\n\n3,4\n\"multi\nline\",5\n6,7\n";
        assert_eq!(lines(text), (vec![4, 8, 9, 11], vec![]));
    }

    #[test]
    fn broken_rows_and_rows_after_them_keep_their_lines() {
        let text = b"a,b\n1\n\n# c\n2,3\n4,5,6\n7,8\n";
        assert_eq!(lines(text), (vec![5, 7], vec![Some(2), Some(6)]));
    }
}
