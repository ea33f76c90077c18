//! The zones of an import (`commute import --zones`): a CSV of points,
//! `id,name,lon,lat,residents,jobs` and optionally `car_share`, `province`, `area_km2` (as in
//! zones.csv). The importer places each zone's centroid at its point and links it to the
//! network nearby.

use super::table::Table;
use crate::bounds;
use crate::error::{Error, Problem, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One zone of a points file.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonePoint {
    /// The 1-based line of the zone in its file (0 for a zone the importer made).
    pub line: u64,
    /// Zone id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Longitude of the centroid, degrees (WGS84).
    pub lon: f64,
    /// Latitude of the centroid, degrees (WGS84).
    pub lat: f64,
    /// Residents, persons.
    pub residents: u64,
    /// Jobs, persons.
    pub jobs: u64,
    /// Share of households with a car, 0 to 1 (default 0).
    pub car_share: f64,
    /// Province (empty when not given).
    pub province: String,
    /// Built-up area, km², when given.
    pub area_km2: Option<f64>,
}

/// A zone points file as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonePoints {
    /// The file.
    pub path: PathBuf,
    /// Its zones, in file order.
    pub zones: Vec<ZonePoint>,
}

/// Reads a zone points file; every bad cell and duplicate id is reported with its line.
pub fn read_zone_points(path: &Path) -> Result<ZonePoints> {
    let mut problems = Vec::new();
    let mut zones = Vec::new();
    if !path.is_file() {
        return Err(Error::Read {
            path: path.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    }
    if let Some(t) = Table::read(
        path,
        &["id", "name", "lon", "lat", "residents", "jobs"],
        &["car_share", "province", "area_km2"],
        &mut problems,
    ) {
        let mut lines = HashMap::new();
        for i in 0..t.len() {
            let mut row = t.row(i, &mut problems);
            let id = row.text("id").map(str::to_owned);
            let name = row.text("name").map(str::to_owned);
            let lon = row.bounded("lon", &bounds::LONGITUDE);
            let lat = row.bounded("lat", &bounds::LATITUDE);
            let residents = row.bounded_whole("residents", &bounds::PERSONS);
            let jobs = row.bounded_whole("jobs", &bounds::PERSONS);
            let car_share = row.bounded_or("car_share", &bounds::CAR_SHARE, 0.0);
            let province = row.text_or_empty("province").to_owned();
            let area_km2 = row.bounded_optional("area_km2", &bounds::ZONE_AREA_KM2);
            if let Some(id) = &id {
                if let Some(first) = lines.insert(id.clone(), row.line) {
                    row.problem(
                        Some("id"),
                        format!("`{id}` is already the zone of line {first}"),
                    );
                    continue;
                }
            }
            if let (
                Some(id),
                Some(name),
                Some(lon),
                Some(lat),
                Some(residents),
                Some(jobs),
                Some(car_share),
                Some(area_km2),
            ) = (id, name, lon, lat, residents, jobs, car_share, area_km2)
            {
                zones.push(ZonePoint {
                    line: row.line,
                    id,
                    name,
                    lon,
                    lat,
                    residents,
                    jobs,
                    car_share,
                    province,
                    area_km2,
                });
            }
        }
        if t.len() == 0 {
            problems.push(Problem::file(path, "has no zones"));
        }
    }
    if problems.is_empty() {
        Ok(ZonePoints {
            path: path.to_path_buf(),
            zones,
        })
    } else {
        Err(Error::Invalid(problems))
    }
}
