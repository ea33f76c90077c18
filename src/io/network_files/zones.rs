//! zones.csv and access.csv: the zones and their links to the network.

use super::Loader;
use super::ids::{Refs, SeenIds, node_ref};
use crate::bounds;
use crate::error::Problem;
use crate::io::table::Table;
use crate::network::{AccessLink, AccessMode, NodeKind, Zone, ZoneId};
use crate::time::Seconds;
use std::collections::{HashMap, HashSet};

impl Loader<'_> {
    pub(super) fn zones(&mut self) {
        let Some(t) = self.table(
            "zones.csv",
            &["id", "name", "centroid", "residents", "jobs", "car_share"],
            &["name_zh", "province", "area_km2"],
        ) else {
            return;
        };
        let zones = self.zone_rows(&t);
        let Some(t) = self.table("access.csv", &["zone", "node", "mode", "minutes"], &[]) else {
            return;
        };
        self.access(&t, &zones);
    }

    /// The rows of zones.csv; notes the ids named there in `zone_ids` and returns them.
    fn zone_rows(&mut self, t: &Table) -> Refs {
        let mut seen = SeenIds::with_broken_rows_of(t);
        let mut centroids = HashMap::new();
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let id = row.text("id");
            seen.mention(id);
            let name = row.text("name");
            let name_zh = row.text_or_empty("name_zh");
            let centroid = node_ref(&self.nodes, &mut row, "centroid");
            let residents = row.bounded_whole("residents", &bounds::PERSONS);
            let jobs = row.bounded_whole("jobs", &bounds::PERSONS);
            let car_share = row.bounded("car_share", &bounds::CAR_SHARE);
            let province = row.text_or_empty("province");
            let area_km2 = row.bounded_optional("area_km2", &bounds::ZONE_AREA_KM2);
            if let Some(c) = centroid {
                if self.net.nodes[c.index()].kind != NodeKind::ZoneCentroid {
                    row.problem(
                        Some("centroid"),
                        "the centroid must be a node of kind zone_centroid",
                    );
                    continue;
                }
                if let Some(first) = centroids.insert(c, row.line) {
                    row.problem(
                        Some("centroid"),
                        format!("centroid already used by the zone on line {first}"),
                    );
                    continue;
                }
            }
            if let (
                Some(id),
                Some(name),
                Some(centroid),
                Some(residents),
                Some(jobs),
                Some(car_share),
                Some(area_km2),
            ) = (id, name, centroid, residents, jobs, car_share, area_km2)
                && seen.check(&mut row, "id", id)
            {
                self.net.zones.push(Zone {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    name_zh: name_zh.to_owned(),
                    centroid,
                    residents,
                    jobs,
                    car_share,
                    province: province.to_owned(),
                    area_km2,
                });
            }
        }
        let ids = self.net.zones.iter().map(|z| z.id.as_str());
        let unusable = seen.unusable();
        self.zone_ids = Some(
            unusable
                .iter()
                .cloned()
                .chain(ids.clone().map(str::to_owned))
                .collect(),
        );
        Refs::new("zone", "zones.csv", ids, unusable)
    }

    /// The rows of access.csv, then a problem for each zone without an access link.
    fn access(&mut self, t: &Table, zones: &Refs) {
        let mut has_access = HashSet::new();
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let zone = zones.get(&mut row, "zone").map(ZoneId::new);
            let node = node_ref(&self.nodes, &mut row, "node");
            let mode = row.choice("mode", &AccessMode::ALL, AccessMode::as_str);
            let time_s: Option<Seconds> = row.bounded_minutes("minutes", &bounds::ACCESS_MIN);
            let (Some(zone), Some(node), Some(mode), Some(time_s)) = (zone, node, mode, time_s)
            else {
                continue;
            };
            let kind = self.net.nodes[node.index()].kind;
            let fits = match mode {
                AccessMode::Car => kind == NodeKind::RoadJunction,
                AccessMode::Walk | AccessMode::Feeder => kind.is_station(),
            };
            if !fits {
                row.problem(
                    Some("node"),
                    format!(
                        "{} access leads to {}, but `{}` is a {}",
                        mode.as_str(),
                        if mode == AccessMode::Car {
                            "a road_junction"
                        } else {
                            "a station or stop"
                        },
                        self.net.nodes[node.index()].id,
                        kind.as_str()
                    ),
                );
                continue;
            }
            has_access.insert(zone);
            self.net.access.push(AccessLink {
                zone,
                node,
                mode,
                time_s,
            });
        }
        for (i, zone) in self.net.zones.iter().enumerate() {
            if !has_access.contains(&ZoneId::new(i)) {
                self.problems.push(Problem::file(
                    t.path(),
                    format!(
                        "zone `{}` has no access link: it cannot reach the network",
                        zone.id
                    ),
                ));
            }
        }
    }
}
