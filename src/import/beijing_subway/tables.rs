//! The five tables of the subway part, in the columns of docs/formats.md, each with the
//! generated-by line after its header.

use super::BuiltLine;
use super::coordinates::{Fit, map_point};
use super::fares::Fares;
use super::json::{Document, Found};
use super::line_file::SubwayLine;
use super::stations::Stations;
use super::timetable::hhmm;
use super::transfers::Transfer;
use crate::import::{decimal, table};

/// `nodes.csv`: one `subway_station` per station, at its fitted (approximate) position.
pub(super) fn nodes(
    stations: &Stations,
    map: &Document,
    fit: &Fit,
    generated_by: &str,
) -> Found<Vec<u8>> {
    let mut t = table(
        &[
            "id",
            "name",
            "name_zh",
            "kind",
            "lon",
            "lat",
            "approximate",
            "notes",
        ],
        generated_by,
    );
    for s in &stations.list {
        let (lon, lat) = fit.lon_lat(map_point(map, &s.cn)?);
        t.row([
            s.id.as_str(),
            &s.name,
            &s.name_zh,
            "subway_station",
            &decimal(lon, 5),
            &decimal(lat, 5),
            "true",
            &s.cn,
        ]);
    }
    Ok(t.into_bytes())
}

/// `lines.csv`: mode `subway`, the train capacity and seats, the fare; a line with an `end_circle` is
/// one-way (it runs its loop in one direction); `notes` is the Chinese name.
pub(super) fn lines(lines: &[SubwayLine], fares: &Fares, generated_by: &str) -> Vec<u8> {
    let mut t = table(
        &[
            "id", "name", "mode", "capacity", "seats", "fare", "oneway", "notes",
        ],
        generated_by,
    );
    for l in lines {
        let oneway = l.directions.iter().any(|d| d.end_circle.is_some());
        t.row([
            l.id.as_str(),
            &l.name,
            "subway",
            &l.capacity.to_string(),
            &l.seats.to_string(),
            fares.of(&l.cn_name),
            if oneway { "true" } else { "false" },
            &l.cn_name,
        ]);
    }
    t.into_bytes()
}

/// `stops.csv`: the stops of every line with run time and distance from the previous stop.
pub(super) fn stops(built: &[BuiltLine], stations: &Stations, generated_by: &str) -> Vec<u8> {
    let mut t = table(
        &["line", "node", "run_min", "dwell_min", "distance_km"],
        generated_by,
    );
    for b in built {
        for stop in &b.stops {
            t.row([
                b.id.as_str(),
                stations.id(&stop.station),
                &decimal(stop.run_min, 2),
                "0",
                &decimal(stop.distance_km, 3),
            ]);
        }
    }
    t.into_bytes()
}

/// `service.csv`: the headway periods of every line.
pub(super) fn service(built: &[BuiltLine], generated_by: &str) -> Vec<u8> {
    let mut t = table(&["line", "start", "end", "headway_min"], generated_by);
    for b in built {
        for p in &b.periods {
            t.row([
                b.id.as_str(),
                &hhmm(p.start),
                &hhmm(p.end),
                &decimal(p.headway_min, 2),
            ]);
        }
    }
    t.into_bytes()
}

/// `transfers.csv`: a station's change time (`from == to`) or a walk between two stations;
/// `notes` names them in Chinese.
pub(super) fn transfers(
    transfers: &[Transfer],
    stations: &Stations,
    generated_by: &str,
) -> Vec<u8> {
    let mut t = table(&["from", "to", "minutes", "notes"], generated_by);
    for x in transfers {
        let note = if x.from == x.to {
            x.from.clone()
        } else {
            format!("{} - {}", x.from, x.to)
        };
        t.row([
            stations.id(&x.from),
            stations.id(&x.to),
            &decimal(x.minutes, 2),
            &note,
        ]);
    }
    t.into_bytes()
}
