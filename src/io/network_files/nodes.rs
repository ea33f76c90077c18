//! nodes.csv: the nodes every other table refers to.

use super::Loader;
use super::ids::{Refs, SeenIds};
use crate::bounds;
use crate::network::{Node, NodeKind};

impl Loader<'_> {
    pub(super) fn nodes(&mut self) {
        let Some(t) = self.table(
            "nodes.csv",
            &["id", "name", "kind", "lon", "lat"],
            &["approximate", "name_zh"],
        ) else {
            return;
        };
        let mut seen = SeenIds::with_broken_rows_of(&t);
        for i in 0..t.len() {
            let mut row = t.row(i, &mut self.problems);
            let id = row.text("id");
            seen.mention(id);
            let name = row.text("name");
            let name_zh = row.text_or_empty("name_zh");
            let kind = row.choice("kind", &NodeKind::ALL, NodeKind::as_str);
            let lon = row.bounded("lon", &bounds::LONGITUDE);
            let lat = row.bounded("lat", &bounds::LATITUDE);
            let approximate = row.boolean_or("approximate", false);
            if let (Some(id), Some(name), Some(kind), Some(lon), Some(lat), Some(approximate)) =
                (id, name, kind, lon, lat, approximate)
                && seen.check(&mut row, "id", id)
            {
                self.net.nodes.push(Node {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    name_zh: name_zh.to_owned(),
                    kind,
                    lon,
                    lat,
                    approximate,
                });
            }
        }
        let ids = self.net.nodes.iter().map(|n| n.id.as_str());
        self.nodes = Refs::new("node", "nodes.csv", ids, seen.unusable());
    }
}
