//! roads.csv, walk.csv and transfers.csv: the links between nodes.

use super::Loader;
use super::ids::{SeenIds, node_ref};
use crate::bounds;
use crate::io::table::Table;
use crate::network::{RoadLink, Transfer, WalkLink};
use std::collections::HashMap;

impl Loader<'_> {
    pub(super) fn links(&mut self) {
        // Road and walk ids share one name space, and `seen` borrows them from both tables
        // (walk.csv is read after the roads are, so problems keep the files' order).
        let roads = self.optional_table(
            "roads.csv",
            &[
                "id",
                "from",
                "to",
                "length_km",
                "speed_kmh",
                "capacity_vph",
                "lanes",
                "class",
                "toll_yuan",
                "oneway",
            ],
            &["checkpoint_min", "name"],
        );
        let mut seen = SeenIds::default();
        if let Some(t) = &roads {
            self.roads(t, &mut seen);
        }
        let walks = self.optional_table("walk.csv", &["id", "from", "to", "minutes"], &["oneway"]);
        if let Some(t) = &walks {
            self.walks(t, &mut seen);
        }
        if let Some(t) = self.optional_table("transfers.csv", &["from", "to", "minutes"], &[]) {
            self.transfers(&t);
        }
    }

    /// The rows of roads.csv, their ids kept in `seen` (shared with walk.csv).
    fn roads<'t>(&mut self, t: &'t Table, seen: &mut SeenIds<'t>) {
        seen.reserve(t);
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let id = row.text("id");
            seen.mention(id);
            let from = node_ref(&self.nodes, &mut row, "from");
            let to = node_ref(&self.nodes, &mut row, "to");
            let length_km = row.bounded("length_km", &bounds::ROAD_LENGTH_KM);
            let speed_kmh = row.bounded("speed_kmh", &bounds::ROAD_SPEED_KMH);
            let capacity_vph = row.bounded("capacity_vph", &bounds::ROAD_CAPACITY_VPH);
            let lanes = row.bounded_whole("lanes", &bounds::ROAD_LANES);
            let class = row.text("class");
            let toll_yuan = row.bounded("toll_yuan", &bounds::TOLL_YUAN);
            let oneway = row.boolean_or("oneway", false);
            let checkpoint_s =
                row.bounded_minutes_or_zero("checkpoint_min", &bounds::CHECKPOINT_MIN);
            let name = row.text_or_empty("name");
            if from.is_some() && from == to {
                row.problem(Some("to"), "a road link must join two different nodes");
                continue;
            }
            if let (
                Some(id),
                Some(from),
                Some(to),
                Some(length_km),
                Some(speed_kmh),
                Some(capacity_vph),
                Some(lanes),
                Some(class),
                Some(toll_yuan),
                Some(oneway),
                Some(checkpoint_s),
            ) = (
                id,
                from,
                to,
                length_km,
                speed_kmh,
                capacity_vph,
                lanes,
                class,
                toll_yuan,
                oneway,
                checkpoint_s,
            ) && seen.check(&mut row, "id", id)
            {
                self.net.roads.push(RoadLink {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    from,
                    to,
                    length_km,
                    speed_kmh,
                    capacity_vph,
                    lanes: lanes as u32,
                    class: class.to_owned(),
                    toll_yuan,
                    oneway,
                    checkpoint_s,
                });
            }
        }
    }

    /// The rows of walk.csv, their ids kept in `seen` (shared with roads.csv).
    fn walks<'t>(&mut self, t: &'t Table, seen: &mut SeenIds<'t>) {
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let id = row.text("id");
            seen.mention(id);
            let from = node_ref(&self.nodes, &mut row, "from");
            let to = node_ref(&self.nodes, &mut row, "to");
            let time_s = row.bounded_minutes("minutes", &bounds::WALK_MIN);
            let oneway = row.boolean_or("oneway", false);
            if let (Some(id), Some(from), Some(to), Some(time_s), Some(oneway)) =
                (id, from, to, time_s, oneway)
                && seen.check(&mut row, "id", id)
            {
                self.net.walks.push(WalkLink {
                    id: id.to_owned(),
                    from,
                    to,
                    time_s,
                    oneway,
                });
            }
        }
    }

    /// The rows of transfers.csv: each pair of stations at most once.
    fn transfers(&mut self, t: &Table) {
        let mut pairs = HashMap::new();
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let from = node_ref(&self.nodes, &mut row, "from");
            let to = node_ref(&self.nodes, &mut row, "to");
            let time_s = row.bounded_minutes("minutes", &bounds::TRANSFER_MIN);
            let (Some(from), Some(to), Some(time_s)) = (from, to, time_s) else {
                continue;
            };
            for (column, node) in [("from", from), ("to", to)] {
                if !self.net.nodes[node.index()].kind.is_station() {
                    row.problem(Some(column), "transfers join stations or stops");
                }
            }
            let key = (from.min(to), from.max(to));
            if let Some(first) = pairs.insert(key, row.line) {
                row.problem(
                    None,
                    format!("duplicate transfer (first given on line {first})"),
                );
                continue;
            }
            self.net.transfers.push(Transfer { from, to, time_s });
        }
    }
}
