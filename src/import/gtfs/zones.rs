//! The zones of an import: a points file's, or a grid of placeholders over the stops and
//! junctions; each walks to the stops near it and drives to its nearest junction.

use super::{
    Built, GRID_PERSONS, GRID_ZONES, NodeOut, ZONE_MAX_STOPS, ZONE_MAX_WALK_KM, ZONE_WALK_KM,
    car_access_seconds, walk_seconds,
};
use crate::error::Problem;
use crate::import::osm::RoadLayer;
use crate::io::ZonePoint;
use crate::network::great_circle_km;
use std::collections::BTreeSet;

impl Built {
    /// Square zones over the served stops and road junctions ([`GRID_ZONES`]); with roads,
    /// half the households have a car (a placeholder like the residents and jobs).
    pub(super) fn grid_zones(&self, roads: bool) -> Vec<ZonePoint> {
        let points: Vec<(f64, f64)> = self
            .served
            .iter()
            .chain(&self.junctions)
            .map(|&n| (self.nodes[n].lon, self.nodes[n].lat))
            .collect();
        let (min_lon, max_lon) = points
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let (min_lat, max_lat) = points
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let mid_lat = (min_lat + max_lat) / 2.0;
        let width_km = great_circle_km((min_lon, mid_lat), (max_lon, mid_lat));
        let height_km = great_circle_km((min_lon, min_lat), (min_lon, max_lat));
        let side_km = ((width_km * height_km / GRID_ZONES).sqrt() * 2.0)
            .ceil()
            .max(2.0)
            / 2.0;
        let dlat = side_km / great_circle_km((0.0, 0.0), (0.0, 1.0));
        let dlon = side_km / great_circle_km((0.0, mid_lat), (1.0, mid_lat)).max(1e-9);
        let cells: BTreeSet<(i64, i64)> = points
            .iter()
            .map(|&(lon, lat)| {
                (
                    ((lon - min_lon) / dlon).floor() as i64,
                    ((lat - min_lat) / dlat).floor() as i64,
                )
            })
            .collect();
        cells
            .into_iter()
            .map(|(col, row)| ZonePoint {
                line: 0,
                id: format!("g{col}_{row}"),
                name: format!("Grid {col},{row}"),
                lon: min_lon + (col as f64 + 0.5) * dlon,
                lat: min_lat + (row as f64 + 0.5) * dlat,
                residents: GRID_PERSONS,
                jobs: GRID_PERSONS,
                car_share: if roads { 0.5 } else { 0.0 },
                province: String::new(),
                area_km2: Some(side_km * side_km),
            })
            .collect()
    }

    /// Each zone's walking access to the served stops near it ([`ZONE_WALK_KM`]) and car
    /// access to the nearest road junction; the zones farther than [`ZONE_MAX_WALK_KM`] from
    /// every stop and junction are returned.
    pub(super) fn connect_zones<'z>(&mut self, zones: &'z [ZonePoint]) -> Vec<&'z ZonePoint> {
        let mut far = Vec::new();
        for z in zones {
            let by_distance = |nodes: &[usize]| {
                let mut near: Vec<(f64, usize)> = nodes
                    .iter()
                    .map(|&n| {
                        let node = &self.nodes[n];
                        (great_circle_km((z.lon, z.lat), (node.lon, node.lat)), n)
                    })
                    .collect();
                near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                near
            };
            let stops = by_distance(&self.served);
            let within = stops
                .iter()
                .take_while(|(km, _)| *km <= ZONE_WALK_KM)
                .count()
                .clamp(1, ZONE_MAX_STOPS);
            let mut nearest = f64::INFINITY;
            let mut access = Vec::new();
            for &(km, n) in &stops[..within.min(stops.len())] {
                access.push((z.id.clone(), n, walk_seconds(km), false));
                nearest = nearest.min(km);
            }
            if let Some(&(km, n)) = by_distance(&self.junctions).first() {
                access.push((z.id.clone(), n, car_access_seconds(km), true));
                nearest = nearest.min(km);
            }
            self.access.extend(access);
            if nearest > ZONE_MAX_WALK_KM {
                far.push(z);
            }
        }
        far
    }

    /// The roads as road junction nodes (their OSM ids) and links.
    pub(super) fn add_roads(
        &mut self,
        roads: &RoadLayer,
        extract: &str,
        problems: &mut Vec<Problem>,
    ) {
        let mut index = Vec::with_capacity(roads.junctions.len());
        for j in &roads.junctions {
            let id = j.osm_id.to_string();
            if self.node_index.contains_key(&id) {
                problems.push(Problem::file(
                    std::path::Path::new(extract),
                    format!(
                        "OSM node {id} has the id of a GTFS stop: import the feed and the \
                         extract into two folders"
                    ),
                ));
                continue;
            }
            let n = self.node(NodeOut {
                id,
                name: j.name.clone(),
                kind: "road_junction",
                lon: j.position.0,
                lat: j.position.1,
            });
            self.junctions.push(n);
            index.push(n);
        }
        if problems.is_empty() {
            for l in &roads.links {
                self.roads.push((l.clone(), index[l.from], index[l.to]));
            }
        }
    }
}
