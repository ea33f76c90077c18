//! Road traffic before and after: per directed link (link id and direction) from the runs'
//! optional links.csv, added and removed roads, vehicle-km and vehicle-hours, and the links
//! whose volume changes most. Volumes come from one final assignment per run, not from every
//! draw, so these figures have no intervals.

use crate::run::{LinkDirection, LinkRow};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The change of one directed road link's peak-hour traffic. Volumes come from one final traffic
/// assignment of each run's mean car flows, not from every draw, so they have no confidence
/// intervals.
#[derive(Debug, Clone, Serialize)]
pub struct LinkChange {
    /// Road link id.
    pub link: String,
    /// `forward` or `backward`.
    pub direction: LinkDirection,
    /// Road name.
    pub name: String,
    /// Road class.
    pub class: String,
    /// Node id the link leaves, as travelled.
    pub from: String,
    /// Node id it enters.
    pub to: String,
    /// `both`, `added` (only the after run has it: a new road) or `removed` (only the before
    /// run: a closed one).
    pub status: &'static str,
    /// Commuter cars per peak hour before and after (`None`: not in that run).
    pub volume_vph: [Option<f64>; 2],
    /// Volume (commuters and background) over capacity before and after.
    pub volume_capacity: [Option<f64>; 2],
    /// Congested speed before and after, km/h.
    pub speed_kmh: [Option<f64>; 2],
    /// Congested travel time before and after, minutes.
    pub congested_min: [Option<f64>; 2],
    /// After minus before volume, a link missing on one side counting as 0 there.
    pub delta_volume_vph: f64,
}

/// Road traffic before and after, when both runs have `links.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct LinkComparison {
    /// What these figures are.
    pub note: &'static str,
    /// Directed links before and after.
    pub links: [usize; 2],
    /// Links only the after run has.
    pub added: usize,
    /// Links only the before run has.
    pub removed: usize,
    /// Commuter vehicle-km in the peak hour before and after (links.csv `length_km`).
    pub vehicle_km: [f64; 2],
    /// After minus before.
    pub delta_vehicle_km: f64,
    /// Commuter vehicle-hours in the peak hour before and after, at congested times.
    pub vehicle_hours: [f64; 2],
    /// After minus before.
    pub delta_vehicle_hours: f64,
    /// Links with volume over capacity (all traffic) above 1, before and after.
    pub over_capacity: [usize; 2],
    /// The links whose volume changes most, by absolute change (at most [`TOP_LINKS`]).
    pub largest_changes: Vec<LinkChange>,
    /// Every link of either run: the after run's in its order, then those only before has.
    #[serde(skip)]
    pub all: Vec<LinkChange>,
}

/// Links in the report's and compare.json's list of largest volume changes.
pub const TOP_LINKS: usize = 20;

/// What a comparison's link volumes are (compare.json, the report).
pub const LINKS_NOTE: &str = "Peak-hour volumes from one final traffic assignment of each run's mean car flows (not per draw): no confidence intervals.";

/// Compares the road links of two runs: `None` unless both have `links.csv`.
pub fn compare_links(
    before: Option<&[LinkRow]>,
    after: Option<&[LinkRow]>,
) -> Option<LinkComparison> {
    let (b, a) = (before?, after?);
    let key = |r: &LinkRow| (r.link.clone(), r.direction);
    let by_key: HashMap<(String, LinkDirection), &LinkRow> =
        b.iter().map(|r| (key(r), r)).collect();
    let after_keys: HashSet<(String, LinkDirection)> = a.iter().map(key).collect();
    let mut all: Vec<LinkChange> = a
        .iter()
        .map(|r| link_change(by_key.get(&key(r)).copied(), Some(r)))
        .collect();
    all.extend(
        b.iter()
            .filter(|r| !after_keys.contains(&key(r)))
            .map(|r| link_change(Some(r), None)),
    );
    let vehicle_km = [b, a].map(|rows| {
        rows.iter()
            .map(|r| r.volume_vph.get() * r.length_km.get())
            .sum()
    });
    let vehicle_hours = [b, a].map(|rows| {
        rows.iter()
            .map(|r| r.volume_vph.get() * r.congested_min.get() / 60.0)
            .sum()
    });
    let mut ranked: Vec<&LinkChange> = all.iter().filter(|c| c.delta_volume_vph != 0.0).collect();
    ranked.sort_by(|x, y| {
        y.delta_volume_vph
            .abs()
            .total_cmp(&x.delta_volume_vph.abs())
            .then_with(|| (&x.link, x.direction.as_str()).cmp(&(&y.link, y.direction.as_str())))
    });
    Some(LinkComparison {
        note: LINKS_NOTE,
        links: [b.len(), a.len()],
        added: all.iter().filter(|c| c.status == "added").count(),
        removed: all.iter().filter(|c| c.status == "removed").count(),
        vehicle_km,
        delta_vehicle_km: vehicle_km[1] - vehicle_km[0],
        vehicle_hours,
        delta_vehicle_hours: vehicle_hours[1] - vehicle_hours[0],
        over_capacity: [b, a].map(|rows| {
            rows.iter()
                .filter(|r| r.volume_capacity.get() > 1.0)
                .count()
        }),
        largest_changes: ranked.into_iter().take(TOP_LINKS).cloned().collect(),
        all,
    })
}

/// Why a comparison has no link section although one run has `links.csv`, if so.
pub fn links_note(before: Option<&[LinkRow]>, after: Option<&[LinkRow]>) -> Option<String> {
    match (before, after) {
        (Some(_), None) => Some(
            "Road traffic: only the before run has links.csv (the after scenario has no road congestion), so link volumes are not compared.".into(),
        ),
        (None, Some(_)) => Some(
            "Road traffic: only the after run has links.csv (the before scenario has no road congestion), so link volumes are not compared.".into(),
        ),
        _ => None,
    }
}

fn link_change(b: Option<&LinkRow>, a: Option<&LinkRow>) -> LinkChange {
    let any = a.or(b).expect("a link of one run");
    let pair = |f: fn(&LinkRow) -> f64| [b.map(f), a.map(f)];
    LinkChange {
        link: any.link.clone(),
        direction: any.direction,
        name: any.name.clone(),
        class: any.class.clone(),
        from: any.from.clone(),
        to: any.to.clone(),
        status: match (b, a) {
            (Some(_), Some(_)) => "both",
            (None, _) => "added",
            (_, None) => "removed",
        },
        volume_vph: pair(|r| r.volume_vph.get()),
        volume_capacity: pair(|r| r.volume_capacity.get()),
        speed_kmh: pair(|r| r.speed_kmh.get()),
        congested_min: pair(|r| r.congested_min.get()),
        delta_volume_vph: a.map_or(0.0, |r| r.volume_vph.get())
            - b.map_or(0.0, |r| r.volume_vph.get()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{LINKS_CSV_COLUMNS, RunData, compare, compare_json, links_csv};
    use crate::run::{Fixed, MonteCarloInfo, MonteCarloTables, RunOutput, RunSummary, Tables};
    use std::path::Path;

    fn link(id: &str, forward: bool, volume: f64, vc: f64, speed: f64, minutes: f64) -> LinkRow {
        let (from, to, direction) = if forward {
            ("a", "b", LinkDirection::Forward)
        } else {
            ("b", "a", LinkDirection::Backward)
        };
        LinkRow {
            link: id.into(),
            direction,
            name: format!("road {id}"),
            class: "expressway".into(),
            from: from.into(),
            to: to.into(),
            length_km: Fixed::new(speed * minutes / 60.0),
            volume_vph: Fixed::new(volume),
            background_pcu: Fixed::new(100.0),
            capacity_vph: Fixed::new(2000.0),
            volume_capacity: Fixed::new(vc),
            free_flow_min: Fixed::new(minutes * 0.8),
            congested_min: Fixed::new(minutes),
            speed_kmh: Fixed::new(speed),
        }
    }

    /// A Monte-Carlo run of 2 draws, seed 1, with nothing but `links`.
    fn run_with(links: Option<Vec<LinkRow>>) -> RunOutput {
        RunOutput {
            summary: RunSummary {
                monte_carlo: Some(MonteCarloInfo {
                    seed: 1,
                    draws: 2,
                    ..Default::default()
                }),
                demand: Some(Default::default()),
                model: Some(Default::default()),
                ..Default::default()
            },
            tables: Tables::MonteCarlo(MonteCarloTables {
                od: vec![],
                zones: vec![],
                lines: vec![],
                draws: vec![],
                distribution: Default::default(),
                links,
            }),
            zones_geojson: serde_json::json!({}),
            network_geojson: serde_json::json!({}),
            commuters: None,
            warm_start: None,
        }
    }

    fn data(run: &RunOutput) -> RunData<'_> {
        RunData::new(Path::new("run"), run).unwrap()
    }

    fn links(run: &RunOutput) -> Option<&[LinkRow]> {
        data(run).run.tables.links.as_deref()
    }

    #[test]
    fn link_volumes_compare_by_link_and_direction() {
        let before = run_with(Some(vec![
            link("r1", true, 1000.0, 0.55, 60.0, 10.0),
            link("r1", false, 400.0, 0.25, 80.0, 7.5),
            link("r2", true, 300.0, 1.2, 30.0, 4.0),
        ]));
        let after = run_with(Some(vec![
            link("r1", true, 700.0, 0.4, 70.0, 6.0),
            link("r1", false, 400.0, 0.25, 80.0, 7.5),
            link("r3", true, 500.0, 0.3, 90.0, 2.0),
        ]));
        let c = compare_links(links(&before), links(&after)).unwrap();
        let keys: Vec<(&str, &str, &str)> = c
            .all
            .iter()
            .map(|l| (l.link.as_str(), l.direction.as_str(), l.status))
            .collect();
        assert_eq!(
            keys,
            [
                ("r1", "forward", "both"),
                ("r1", "backward", "both"),
                ("r3", "forward", "added"),
                ("r2", "forward", "removed"),
            ]
        );
        let deltas: Vec<f64> = c.all.iter().map(|l| l.delta_volume_vph).collect();
        assert_eq!(deltas, [-300.0, 0.0, 500.0, -300.0]);
        assert_eq!(c.all[2].volume_vph, [None, Some(500.0)]);
        assert_eq!(c.all[3].speed_kmh, [Some(30.0), None]);
        assert_eq!((c.links, c.added, c.removed), ([3, 3], 1, 1));
        // The fixture's lengths are speed x congested time: r1 10 km, r1 back 10 km, r2 2 km,
        // r3 3 km, r1 after 7 km.
        assert!((c.vehicle_km[0] - (1000.0 * 10.0 + 400.0 * 10.0 + 300.0 * 2.0)).abs() < 1e-9);
        assert!((c.vehicle_km[1] - (700.0 * 7.0 + 400.0 * 10.0 + 500.0 * 3.0)).abs() < 1e-9);
        assert!(
            (c.delta_vehicle_hours
                - (700.0 * 6.0 + 500.0 * 2.0 - 1000.0 * 10.0 - 300.0 * 4.0) / 60.0)
                .abs()
                < 1e-9
        );
        assert_eq!(c.over_capacity, [1, 0]);
        // Largest absolute change first, ties by id and direction; unchanged links left out.
        let top: Vec<(&str, f64)> = c
            .largest_changes
            .iter()
            .map(|l| (l.link.as_str(), l.delta_volume_vph))
            .collect();
        assert_eq!(top, [("r3", 500.0), ("r1", -300.0), ("r2", -300.0)]);
        // The comparison folder's links.csv: one row per link of either run.
        let csv = String::from_utf8(links_csv(&c)).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], LINKS_CSV_COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "r1,forward,road r1,expressway,a,b,both,1000.0,700.0,-300.0,0.550,0.400,-0.150,60.0,70.0,10.0,10.00,6.00,-4.00"
        );
        assert_eq!(
            lines[4],
            "r2,forward,road r2,expressway,a,b,removed,300.0,,-300.0,1.200,,,30.0,,,4.00,,"
        );
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn links_are_compared_only_when_both_runs_have_them() {
        let (with, without) = (
            run_with(Some(vec![link("r1", true, 10.0, 0.1, 50.0, 1.0)])),
            run_with(None),
        );
        let (with, without) = (links(&with), links(&without));
        assert!(compare_links(with, without).is_none());
        assert!(compare_links(without, with).is_none());
        assert!(compare_links(without, without).is_none());
        assert!(links_note(without, without).is_none());
        assert!(links_note(with, with).is_none());
        assert!(
            links_note(with, without)
                .unwrap()
                .contains("only the before run")
        );
        assert!(
            links_note(without, with)
                .unwrap()
                .contains("only the after run")
        );
        // The same links: nothing changes.
        let same = compare_links(with, with).unwrap();
        assert_eq!(same.delta_vehicle_km, 0.0);
        assert!(same.largest_changes.is_empty());
        // Without links.csv, compare.json has no `links` key.
        let without = run_with(None);
        let c = compare(&data(&without), &data(&without));
        let json: serde_json::Value = serde_json::from_slice(&compare_json(&c)).unwrap();
        assert!(json.get("links").is_none() && json.get("links_note").is_none());
        let with = run_with(Some(vec![link("r1", true, 10.0, 0.1, 50.0, 1.0)]));
        let c = compare(&data(&with), &data(&with));
        let json: serde_json::Value = serde_json::from_slice(&compare_json(&c)).unwrap();
        assert_eq!(json["links"]["links"], serde_json::json!([1, 1]));
        assert!(json["links"].get("all").is_none());
    }
}
