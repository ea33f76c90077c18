//! The directed arcs of a network's roads, defined once: every graph built from the roads (the
//! car routing graph, the road graph of `commute sp` and `bench`, the congestion model's
//! assignment network) lists them in this order, and every table kept per road direction (road
//! factors, congested times) indexes them by [`RoadArc::slot`]. A road may be driven from its
//! `from` to its `to` (forward, the direction it is drawn in) and, unless it is one-way, back;
//! its checkpoint delay applies forward only (entry checks towards the city).

use super::{Network, NodeId, RoadLink};
use crate::time::Seconds;

/// One direction of a road link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoadArc {
    /// Index of the link in [`Network::roads`].
    pub link: u32,
    /// Whether it runs the way the link is drawn, from its `from` to its `to`.
    pub forward: bool,
}

impl RoadArc {
    /// The arc's index in a table with two entries per road link: `2 * link` forward,
    /// `2 * link + 1` back.
    pub fn slot(self) -> usize {
        2 * self.link as usize + usize::from(!self.forward)
    }

    /// Where the arc starts and ends on `road`, its link.
    pub fn ends(self, road: &RoadLink) -> (NodeId, NodeId) {
        if self.forward {
            (road.from, road.to)
        } else {
            (road.to, road.from)
        }
    }

    /// The checkpoint delay driving the arc on `road`, its link: the link's delay forward, none
    /// back; seconds.
    pub fn checkpoint_s(self, road: &RoadLink) -> Seconds {
        if self.forward { road.checkpoint_s } else { 0 }
    }
}

impl Network {
    /// The directed arcs of the road links with their links, in link order: each link forward,
    /// then back unless it is one-way. Graphs built from them keep this order, so their arcs and
    /// outputs do not depend on who builds them.
    pub fn road_arcs(&self) -> impl Iterator<Item = (RoadArc, &RoadLink)> + '_ {
        self.roads.iter().enumerate().flat_map(|(i, road)| {
            let link = i as u32;
            let back = (!road.oneway).then_some(RoadArc {
                link,
                forward: false,
            });
            std::iter::once(RoadArc {
                link,
                forward: true,
            })
            .chain(back)
            .map(move |arc| (arc, road))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Settings;

    fn road(from: usize, to: usize, oneway: bool) -> RoadLink {
        RoadLink {
            id: format!("r{from}{to}"),
            name: String::new(),
            from: NodeId::new(from),
            to: NodeId::new(to),
            length_km: 1.0,
            speed_kmh: 60.0,
            capacity_vph: 1000.0,
            lanes: 1,
            class: "arterial".into(),
            toll_yuan: 0.0,
            oneway,
            checkpoint_s: 30,
        }
    }

    #[test]
    fn each_link_forward_then_back_unless_one_way() {
        let mut net = Network::empty(Settings {
            name: "arcs".into(),
            description: String::new(),
            sources: Vec::new(),
            default_transfer_s: 0,
            scheduled_wait_s: 0,
            processing_s: [0; 5],
            crush_standing: [1.0; 5],
            fare_systems: Vec::new(),
            policy: Default::default(),
        });
        net.roads = vec![road(0, 1, false), road(1, 2, true), road(2, 0, false)];
        let arcs: Vec<(usize, bool, usize, usize, Seconds)> = net
            .road_arcs()
            .map(|(arc, r)| {
                let (a, b) = arc.ends(r);
                (
                    arc.slot(),
                    arc.forward,
                    a.index(),
                    b.index(),
                    arc.checkpoint_s(r),
                )
            })
            .collect();
        assert_eq!(
            arcs,
            [
                (0, true, 0, 1, 30),
                (1, false, 1, 0, 0),
                (2, true, 1, 2, 30),
                (4, true, 2, 0, 30),
                (5, false, 0, 2, 0),
            ]
        );
    }

    #[test]
    fn slots_number_two_per_link() {
        let arc = |link, forward| RoadArc { link, forward };
        assert_eq!(arc(0, true).slot(), 0);
        assert_eq!(arc(0, false).slot(), 1);
        assert_eq!(arc(7, true).slot(), 14);
        assert_eq!(arc(7, false).slot(), 15);
    }
}
