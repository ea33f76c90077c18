//! Finding a zone or node from what a person types: an id, an English name or a Chinese name.
//!
//! Names are not unique (two zones may both be called Riverside; a rail station and the subway
//! station under it share a name in English or Chinese), so a lookup that matches several places
//! refuses to choose and returns them all, rather than silently taking the first. Typos are the
//! usual reason a name matches nothing, so a miss comes with the nearest names by edit distance.

use super::{Network, NodeId, ZoneId};

/// At most this many suggestions accompany a name that matches nothing.
pub const MAX_SUGGESTIONS: usize = 5;

/// A zone or a node found by [`Network::find_place`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A zone (its centroid is where trips start and end).
    Zone(ZoneId),
    /// A node that is not a zone centroid.
    Node(NodeId),
}

impl Place {
    /// Where trips to or from the place start and end: the zone's centroid, or the node.
    pub fn node(self, net: &Network) -> NodeId {
        match self {
            Place::Zone(z) => net.zone(z).centroid,
            Place::Node(n) => n,
        }
    }

    /// The place's id, as in the files.
    pub fn id(self, net: &Network) -> &str {
        match self {
            Place::Zone(z) => &net.zone(z).id,
            Place::Node(n) => &net.node(n).id,
        }
    }

    /// The place's English name.
    pub fn name(self, net: &Network) -> &str {
        match self {
            Place::Zone(z) => &net.zone(z).name,
            Place::Node(n) => &net.node(n).name,
        }
    }

    /// The place's Chinese name, empty when it has none.
    pub fn name_zh(self, net: &Network) -> &str {
        match self {
            Place::Zone(z) => &net.zone(z).name_zh,
            Place::Node(n) => &net.node(n).name_zh,
        }
    }

    /// What the place is: `zone`, or the node's kind as in `nodes.csv`.
    pub fn kind(self, net: &Network) -> &'static str {
        match self {
            Place::Zone(_) => "zone",
            Place::Node(n) => net.node(n).kind.as_str(),
        }
    }
}

/// Why [`Network::find_place`] found no single place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceError {
    /// Several zones, or several nodes, answer to the query; in file order.
    Ambiguous(Vec<Place>),
    /// Nothing answers to the query. `suggestions` are the nearest ids and names, nearest first,
    /// at most [`MAX_SUGGESTIONS`], possibly none.
    NotFound {
        /// Ids and names (as written in the files) close to the query.
        suggestions: Vec<String>,
    },
}

impl Network {
    /// Finds a place by id or name.
    ///
    /// 1. An exact id: zone ids first, then node ids (a zone centroid's id gives its zone).
    /// 2. Otherwise the query is compared, ignoring case, apostrophes (`xiongan` finds
    ///    `Xiong'an`), the width of full-width characters typed by Chinese input methods
    ///    (`（` is `(`) and repeated spaces, with the ids, English names and Chinese names of all
    ///    zones; if no zone answers, with those of all nodes (a zone centroid gives its zone).
    ///    So a name shared by a zone and a node (the zone Yanjiao and its rail station) means
    ///    the zone. One answer is the place; several are [`PlaceError::Ambiguous`].
    /// 3. No answer: [`PlaceError::NotFound`] with the nearest ids and names: those within
    ///    one edit (insertion, deletion, substitution or swap of neighbours) per three
    ///    characters of the query, at least one, then those containing the query or contained
    ///    in it (at least three characters, or two when not ASCII).
    pub fn find_place(&self, query: &str) -> Result<Place, PlaceError> {
        if let Some(z) = self.zone_id(query) {
            return Ok(Place::Zone(z));
        }
        if let Some(n) = self.node_id(query) {
            return Ok(self.place_at(n));
        }
        let q = fold(query);
        let answers = |id: &str, name: &str, name_zh: &str| {
            !q.is_empty() && [id, name, name_zh].iter().any(|s| fold(s) == q)
        };
        let mut hits: Vec<Place> = (0..self.zones.len())
            .filter(|&i| {
                let z = &self.zones[i];
                answers(&z.id, &z.name, &z.name_zh)
            })
            .map(|i| Place::Zone(ZoneId::new(i)))
            .collect();
        if hits.is_empty() {
            hits = (0..self.nodes.len())
                .filter(|&i| {
                    let n = &self.nodes[i];
                    answers(&n.id, &n.name, &n.name_zh)
                })
                .map(|i| self.place_at(NodeId::new(i)))
                .collect();
        }
        match hits.as_slice() {
            [] => Err(PlaceError::NotFound {
                suggestions: self.suggestions(&q),
            }),
            [one] => Ok(*one),
            _ => Err(PlaceError::Ambiguous(hits)),
        }
    }

    /// The zone whose centroid is `n`, or the node itself.
    fn place_at(&self, n: NodeId) -> Place {
        self.zone_at(n).map_or(Place::Node(n), Place::Zone)
    }

    /// Ids and names near the folded query `q` (see [`Network::find_place`]): for each place its
    /// best label, and each label once.
    fn suggestions(&self, q: &str) -> Vec<String> {
        let q_len = q.chars().count();
        if q_len == 0 {
            return Vec::new();
        }
        let max_edits = (q_len / 3).max(1);
        let places = self
            .zones
            .iter()
            .map(|z| [&z.name, &z.name_zh, &z.id])
            .chain(self.nodes.iter().map(|n| [&n.name, &n.name_zh, &n.id]));
        // Near labels rank by edits, then English name before Chinese name before id; labels
        // that only contain the query (or are contained in it) come after them, names first.
        let mut ranked: Vec<((u8, usize, usize), &str, String)> = Vec::new();
        for labels in places {
            let best = labels
                .into_iter()
                .enumerate()
                .filter(|(_, label)| !label.is_empty())
                .filter_map(|(order, label)| {
                    let folded = fold(label);
                    let edits = strsim::damerau_levenshtein(q, &folded);
                    let key = if edits <= max_edits {
                        (0, edits, order)
                    } else if (substantial(q) && folded.contains(q))
                        || (substantial(&folded) && q.contains(folded.as_str()))
                    {
                        (1, order, edits)
                    } else {
                        return None;
                    };
                    Some((key, label.as_str(), folded))
                })
                .min_by_key(|(key, ..)| *key);
            ranked.extend(best);
        }
        // Stable: equally ranked labels stay in file order (zones first).
        ranked.sort_by_key(|(key, ..)| *key);
        let mut seen = std::collections::HashSet::new();
        ranked
            .into_iter()
            .filter(|(_, _, folded)| seen.insert(folded.clone()))
            .map(|(_, label, _)| label.to_owned())
            .take(MAX_SUGGESTIONS)
            .collect()
    }
}

/// Whether a folded text is long enough to count when one text contains the other: three
/// characters, or two when it is not ASCII (two Chinese characters are a name, `xi` is not).
fn substantial(folded: &str) -> bool {
    let n = folded.chars().count();
    n >= 3 || (n == 2 && !folded.is_ascii())
}

/// A text folded for lookup: full-width forms as their ASCII characters, lower case, without
/// apostrophes, trimmed, runs of white space as one space.
fn fold(text: &str) -> String {
    let narrow: String = text
        .chars()
        .map(|c| match c {
            // Full-width ASCII variants (`（`, `，`, `Ａ`) and the ideographic space.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .filter(|c| !matches!(c, '\'' | '\u{2019}'))
        .flat_map(char::to_lowercase)
        .collect();
    narrow.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Node, NodeKind, Settings, Zone};

    /// Zones `riverside_n` and `riverside_s` (both Riverside), `yanjiao` (Yanjiao, 燕郊); nodes
    /// `rs_yanjiao` (Yanjiao, 燕郊站), `rs_bjw` (Beijing West, 北京西站) and `bj_bjw` (Beijing
    /// West Railway Station, 北京西站(地铁站)), `j_a` and `j_b` (both Ring Road).
    fn network() -> Network {
        let mut net = Network::empty(Settings {
            name: "t".into(),
            description: String::new(),
            sources: Vec::new(),
            default_transfer_s: 0,
            scheduled_wait_s: 0,
            processing_s: [0; 5],
            crush_standing: [1.0; 5],
            fare_systems: Vec::new(),
            policy: Default::default(),
        });
        let node = |id: &str, name: &str, name_zh: &str, kind| Node {
            id: id.into(),
            name: name.into(),
            name_zh: name_zh.into(),
            kind,
            lon: 0.0,
            lat: 0.0,
            approximate: false,
        };
        net.nodes = vec![
            node("z_n", "Riverside", "", NodeKind::ZoneCentroid),
            node("z_s", "Riverside", "", NodeKind::ZoneCentroid),
            node("z_yanjiao", "Yanjiao", "燕郊", NodeKind::ZoneCentroid),
            node("rs_yanjiao", "Yanjiao", "燕郊站", NodeKind::RailStation),
            node("rs_bjw", "Beijing West", "北京西站", NodeKind::RailStation),
            node(
                "bj_bjw",
                "Beijing West Railway Station",
                "北京西站(地铁站)",
                NodeKind::SubwayStation,
            ),
            node("j_a", "Ring Road", "", NodeKind::RoadJunction),
            node("j_b", "Ring Road", "", NodeKind::RoadJunction),
        ];
        for (i, (id, name, name_zh)) in [
            ("riverside_n", "Riverside", ""),
            ("riverside_s", "Riverside", ""),
            ("yanjiao", "Yanjiao", "燕郊"),
        ]
        .into_iter()
        .enumerate()
        {
            net.zones.push(Zone {
                id: id.into(),
                name: name.into(),
                name_zh: name_zh.into(),
                centroid: NodeId::new(i),
                residents: 1,
                jobs: 1,
                car_share: 0.5,
                province: String::new(),
                area_km2: None,
            });
        }
        net.reindex();
        net
    }

    fn id(net: &Network, query: &str) -> Result<String, PlaceError> {
        net.find_place(query).map(|p| p.id(net).to_owned())
    }

    fn suggestions(net: &Network, query: &str) -> Vec<String> {
        match net.find_place(query) {
            Err(PlaceError::NotFound { suggestions }) => suggestions,
            other => panic!("{query}: expected no match, got {other:?}"),
        }
    }

    #[test]
    fn ids_names_and_chinese_names_find_places() {
        let net = network();
        assert_eq!(id(&net, "yanjiao").unwrap(), "yanjiao");
        assert_eq!(id(&net, "YANJIAO").unwrap(), "yanjiao");
        assert_eq!(id(&net, "燕郊").unwrap(), "yanjiao");
        assert_eq!(id(&net, "燕郊站").unwrap(), "rs_yanjiao");
        assert_eq!(id(&net, "rs_yanjiao").unwrap(), "rs_yanjiao");
        // A centroid's node id gives its zone.
        assert_eq!(id(&net, "z_yanjiao").unwrap(), "yanjiao");
        assert_eq!(id(&net, "  beijing   WEST ").unwrap(), "rs_bjw");
        assert_eq!(id(&net, "北京西站").unwrap(), "rs_bjw");
        // Full-width parentheses, as a Chinese input method types them.
        assert_eq!(id(&net, "北京西站（地铁站）").unwrap(), "bj_bjw");
    }

    #[test]
    fn a_zone_wins_over_a_node_of_the_same_name() {
        let net = network();
        assert_eq!(net.find_place("Yanjiao"), Ok(Place::Zone(ZoneId::new(2))));
    }

    #[test]
    fn a_name_of_several_zones_or_nodes_is_refused_with_all_of_them() {
        let net = network();
        assert_eq!(
            net.find_place("riverside"),
            Err(PlaceError::Ambiguous(vec![
                Place::Zone(ZoneId::new(0)),
                Place::Zone(ZoneId::new(1)),
            ]))
        );
        assert_eq!(
            net.find_place("Ring Road"),
            Err(PlaceError::Ambiguous(vec![
                Place::Node(NodeId::new(6)),
                Place::Node(NodeId::new(7)),
            ]))
        );
    }

    #[test]
    fn a_miss_suggests_the_nearest_names_once_each() {
        let net = network();
        // Zone name, rail station name and zone id all fold to `yanjiao`: one suggestion.
        assert_eq!(suggestions(&net, "Yanjao"), ["Yanjiao"]);
        assert_eq!(suggestions(&net, "Yanjaio"), ["Yanjiao"]);
        assert_eq!(
            suggestions(&net, "北京西"),
            ["北京西站", "北京西站(地铁站)"]
        );
        assert_eq!(suggestions(&net, "燕交"), ["燕郊"]);
        // Nearest first; one label per place, equally near ones in file order, zones first.
        assert_eq!(suggestions(&net, "rs_yanjio"), ["rs_yanjiao", "z_yanjiao"]);
        // A name the query contains.
        assert_eq!(suggestions(&net, "Beijing West Station"), ["Beijing West"]);
        assert!(suggestions(&net, "Shanghai").is_empty());
        assert!(suggestions(&net, "").is_empty());
    }

    #[test]
    fn suggestions_are_capped() {
        let mut net = network();
        for i in 0..10 {
            let mut n = net.nodes[6].clone();
            n.id = format!("j_x{i}");
            n.name = format!("Gate {i}");
            net.nodes.push(n);
        }
        net.reindex();
        assert_eq!(suggestions(&net, "Gate").len(), MAX_SUGGESTIONS);
    }
}
