//! GTFS feeds (a zip archive or a folder of `.txt` files), read with the `gtfs-structures` crate
//! into its raw records, in file order.
//!
//! The raw records, not the crate's linked `Gtfs`: the importer (`crate::import::gtfs`) checks
//! every reference and time itself, so that each problem names the file inside the feed, the
//! line and the field, and all problems are reported at once. A record's line is its index plus
//! 2 (the header is line 1; GTFS files hold one record per line). Shapes are not read: the model
//! measures distances between stops in a straight line.

use crate::error::{Error, Problem, Result};
use gtfs_structures::{
    Agency, Calendar, CalendarDate, FareAttribute, FareRule, GtfsReader, RawFrequency, RawStopTime,
    RawTransfer, RawTrip, Route, Stop,
};
use std::path::{Path, PathBuf};

/// One GTFS feed as read: the records of each file in file order (an optional file that is
/// absent gives no records).
#[derive(Debug)]
pub struct GtfsFeed {
    /// The feed as given (a `.zip` file or a folder).
    pub path: PathBuf,
    /// agency.txt.
    pub agencies: Vec<Agency>,
    /// stops.txt.
    pub stops: Vec<Stop>,
    /// routes.txt.
    pub routes: Vec<Route>,
    /// trips.txt.
    pub trips: Vec<RawTrip>,
    /// stop_times.txt.
    pub stop_times: Vec<RawStopTime>,
    /// calendar.txt.
    pub calendar: Vec<Calendar>,
    /// calendar_dates.txt.
    pub calendar_dates: Vec<CalendarDate>,
    /// frequencies.txt.
    pub frequencies: Vec<RawFrequency>,
    /// transfers.txt.
    pub transfers: Vec<RawTransfer>,
    /// fare_attributes.txt.
    pub fare_attributes: Vec<FareAttribute>,
    /// fare_rules.txt.
    pub fare_rules: Vec<FareRule>,
}

impl GtfsFeed {
    /// The path naming `file` inside the feed in problems (`feed.zip/stops.txt`).
    pub fn file(&self, file: &str) -> PathBuf {
        self.path.join(file)
    }
}

/// The 1-based line of the record at `index` of a GTFS file.
pub fn gtfs_line(index: usize) -> u64 {
    index as u64 + 2
}

/// Reads the feed at `path`. Every file that cannot be read or parsed is a problem naming the
/// file inside the feed (and the line and field where the CSV parser gives them); a feed without
/// agency, stops, routes, trips or stop_times, or with neither calendar nor calendar_dates, is
/// refused.
pub fn read_gtfs(path: &Path) -> Result<GtfsFeed> {
    if !path.exists() {
        return Err(Error::Read {
            path: path.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        });
    }
    // The crate multiplies a time's hours without checking for overflow: with overflow checks
    // (debug builds) a time such as `4000000000:00:00` panics inside it. The panic is caught,
    // silently, and reported as a problem of the feed; in release builds the product wraps,
    // and `crate::import::gtfs` refuses every time past the model's week.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        GtfsReader::default()
            .read_shapes(false)
            .raw()
            .read_from_path(path)
    }));
    std::panic::set_hook(hook);
    let raw = match read {
        Ok(read) => read.map_err(|e| Error::Invalid(vec![problem(path, e)]))?,
        Err(_) => return Err(Error::Invalid(vec![overflowing_time(path)])),
    };
    let mut problems = Vec::new();
    let agencies = required(path, raw.agencies, &mut problems);
    let stops = required(path, raw.stops, &mut problems);
    let routes = required(path, raw.routes, &mut problems);
    let trips = required(path, raw.trips, &mut problems);
    let stop_times = required(path, raw.stop_times, &mut problems);
    if raw.calendar.is_none() && raw.calendar_dates.is_none() {
        problems.push(Problem::file(
            &path.join("calendar.txt"),
            "missing, and so is calendar_dates.txt: a feed needs one of them to say when its \
             trips run",
        ));
    }
    let calendar = optional(path, raw.calendar, &mut problems);
    let calendar_dates = optional(path, raw.calendar_dates, &mut problems);
    let frequencies = optional(path, raw.frequencies, &mut problems);
    let transfers = optional(path, raw.transfers, &mut problems);
    let fare_attributes = optional(path, raw.fare_attributes, &mut problems);
    let fare_rules = optional(path, raw.fare_rules, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(GtfsFeed {
        path: path.to_path_buf(),
        agencies,
        stops,
        routes,
        trips,
        stop_times,
        calendar,
        calendar_dates,
        frequencies,
        transfers,
        fare_attributes,
        fare_rules,
    })
}

/// The problem of a feed whose reading overflowed: the first time of stop_times.txt or
/// frequencies.txt whose hours do not fit in seconds, with its file, line and field.
fn overflowing_time(feed: &Path) -> Problem {
    const MESSAGE: &str = "is not a time the model takes (hours up to 167)";
    for file in ["stop_times.txt", "frequencies.txt"] {
        let Some(text) = member_text(feed, file) else {
            continue;
        };
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        for (i, line) in lines.enumerate() {
            for (column, cell) in header.iter().zip(line.split(',')) {
                let hours = cell.trim().split(':').next().unwrap_or_default();
                if cell.contains(':') && hours.parse::<u64>().is_ok_and(|h| h > 1_000_000) {
                    return Problem::at(
                        &feed.join(file),
                        i as u64 + 2,
                        Some(column.trim()),
                        MESSAGE,
                    );
                }
            }
        }
    }
    Problem::file(
        feed,
        "cannot be read as GTFS: a number in it is out of range",
    )
}

/// The text of the file `name` of the feed (a folder, or a zip holding it at any depth).
fn member_text(feed: &Path, name: &str) -> Option<String> {
    if feed.is_dir() {
        return std::fs::read_to_string(feed.join(name)).ok();
    }
    let mut archive = zip::ZipArchive::new(std::fs::File::open(feed).ok()?).ok()?;
    let index = (0..archive.len()).find(|&i| {
        archive
            .by_index(i)
            .is_ok_and(|f| f.name().rsplit('/').next() == Some(name))
    })?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut archive.by_index(index).ok()?, &mut text).ok()?;
    Some(text)
}

type Records<T> = std::result::Result<Vec<T>, gtfs_structures::Error>;

/// The records of a required file, or none and a problem.
fn required<T>(feed: &Path, records: Records<T>, problems: &mut Vec<Problem>) -> Vec<T> {
    records.unwrap_or_else(|e| {
        problems.push(problem(feed, e));
        Vec::new()
    })
}

/// The records of an optional file (none when it is absent), or none and a problem.
fn optional<T>(feed: &Path, records: Option<Records<T>>, problems: &mut Vec<Problem>) -> Vec<T> {
    records.map_or_else(Vec::new, |r| required(feed, r, problems))
}

/// A problem of the feed at `feed` from the crate's error.
fn problem(feed: &Path, error: gtfs_structures::Error) -> Problem {
    use gtfs_structures::Error as E;
    match error {
        E::MissingFile(file) => Problem::file(
            &feed.join(&file),
            "missing: every GTFS feed needs this file",
        ),
        E::CSVError {
            file_name,
            source,
            line_in_error,
        } => {
            let path = feed.join(&file_name);
            let line = source.position().map(csv::Position::line);
            let (field, message) = match source.kind() {
                csv::ErrorKind::Deserialize { err, .. } => {
                    let message = err.kind().to_string();
                    // The field by its index, or else the one whose value the message quotes.
                    let field = line_in_error.as_ref().and_then(|l| {
                        err.field()
                            .and_then(|i| l.headers.get(i as usize).cloned())
                            .or_else(|| {
                                l.headers
                                    .iter()
                                    .zip(&l.values)
                                    .find(|(_, v)| {
                                        !v.is_empty() && message.contains(&format!("'{v}'"))
                                    })
                                    .map(|(h, _)| h.clone())
                            })
                            .or_else(|| {
                                // A date the date parser refused: the date column whose value
                                // is not YYYYMMDD.
                                l.headers
                                    .iter()
                                    .zip(&l.values)
                                    .find(|(h, v)| {
                                        message.contains("strptime")
                                            && h.ends_with("date")
                                            && !(v.len() == 8
                                                && v.bytes().all(|b| b.is_ascii_digit()))
                                    })
                                    .map(|(h, _)| h.clone())
                            })
                    });
                    (field, message)
                }
                other => (None, format!("{other:?}")),
            };
            let message = format!("cannot be read as GTFS: {message}");
            match line {
                Some(line) => Problem::at(&path, line, field.as_deref(), message),
                None => Problem::file(&path, message),
            }
        }
        E::NamedFileIO { file_name, source } => {
            let eof = source
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::UnexpectedEof);
            if eof {
                Problem::at(
                    &feed.join(file_name),
                    1,
                    None,
                    "is empty: a GTFS file needs at least its header line",
                )
            } else {
                Problem::file(&feed.join(file_name), format!("cannot be read: {source}"))
            }
        }
        E::InvalidTime(text) => Problem::file(
            feed,
            format!("`{text}` is not a GTFS time (expected H:MM:SS or HH:MM:SS)"),
        ),
        other => Problem::file(feed, format!("cannot be read as a GTFS feed: {other}")),
    }
}
