//! Which services run on the import's date: calendar.txt's weekly pattern within its dates, then
//! calendar_dates.txt's exceptions (1 adds the service on that date, 2 removes it).

use crate::io::GtfsFeed;
use gtfs_structures::Exception;
use jiff::civil::{Date, Weekday};
use std::collections::BTreeSet;

/// The service ids of `feed` that run on `date`.
pub(super) fn services_on(feed: &GtfsFeed, date: Date) -> BTreeSet<String> {
    let mut running: BTreeSet<String> = feed
        .calendar
        .iter()
        .filter(|c| c.start_date <= date && date <= c.end_date)
        .filter(|c| match date.weekday() {
            Weekday::Monday => c.monday,
            Weekday::Tuesday => c.tuesday,
            Weekday::Wednesday => c.wednesday,
            Weekday::Thursday => c.thursday,
            Weekday::Friday => c.friday,
            Weekday::Saturday => c.saturday,
            Weekday::Sunday => c.sunday,
        })
        .map(|c| c.id.clone())
        .collect();
    for d in feed.calendar_dates.iter().filter(|d| d.date == date) {
        match d.exception_type {
            Exception::Added => {
                running.insert(d.service_id.clone());
            }
            Exception::Deleted => {
                running.remove(&d.service_id);
            }
        }
    }
    running
}

/// Every service id the feed defines (in calendar.txt or calendar_dates.txt).
pub(super) fn known_services(feed: &GtfsFeed) -> BTreeSet<&str> {
    feed.calendar
        .iter()
        .map(|c| c.id.as_str())
        .chain(feed.calendar_dates.iter().map(|d| d.service_id.as_str()))
        .collect()
}

/// The first and last dates the feed's calendars cover, for the message when nothing runs.
pub(super) fn covered(feed: &GtfsFeed) -> Option<(Date, Date)> {
    let starts = feed
        .calendar
        .iter()
        .map(|c| c.start_date)
        .chain(feed.calendar_dates.iter().map(|d| d.date));
    let ends = feed
        .calendar
        .iter()
        .map(|c| c.end_date)
        .chain(feed.calendar_dates.iter().map(|d| d.date));
    Some((starts.min()?, ends.max()?))
}
