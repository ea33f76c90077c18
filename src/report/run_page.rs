//! The report page of a single Monte-Carlo run (not a comparison: levels, not changes).

use super::charts::{cdf_svg, shares_svg};
use super::html::{
    access_note, card, esc, int, modifications, num, page, policy_label, policy_with_range,
};
use super::map::{ZoneMark, bounds, lines_legend, map_svg, scale_legend, sequential};
use crate::compare::TOP_LINKS;
use crate::run::schema::value;
use crate::run::{CongestionInfo, EquilibriumInfo, LineRow, LinkRow, MonteCarloRun, ZoneRow};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// The report of a single Monte-Carlo run.
pub fn run_html(run: MonteCarloRun<'_>) -> String {
    let s = run.summary;
    let name = s.scenario.name.as_str();
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{}</h1><p class=lead>{}</p><p class=note>Seed {}, {} draws (mornings) x every departure minute of {}. Network {}.</p>",
        esc(name),
        esc(&s.scenario.description),
        run.settings.seed,
        run.settings.draws,
        esc(&s.scenario.window),
        esc(&s.scenario.network)
    );
    let _ = write!(
        b,
        "<section><h2>Scenario</h2>{}</section>",
        modifications(&s.scenario.modifications)
    );
    let d = run.demand;
    let ci = |i: Option<crate::run::Interval>, scale: f64, decimals: usize| {
        i.map_or(String::new(), |i| {
            format!(
                ", 95% CI [{}, {}]",
                num(i.ci_low * scale, decimals),
                num(i.ci_high * scale, decimals)
            )
        })
    };
    let intervals = s.intervals;
    b.push_str("<h2>Headline</h2><div class=cards>");
    b.push_str(&card(
        &format!("{} min", num(d.mean_commute_min, 1)),
        &format!(
            "mean commute between zones{}, {} km",
            ci(intervals.map(|h| h.mean_commute_min), 1.0, 2),
            num(d.mean_commute_km, 1)
        ),
    ));
    b.push_str(&card(
        &format!("{} %", num(d.share_within_60 * 100.0, 1)),
        &format!(
            "of commuters between zones within 60 min{}",
            ci(intervals.map(|h| h.share_within_60), 100.0, 2)
        ),
    ));
    if let Some(a) = s.accessibility {
        b.push_str(&card(
            &int(a.jobs.mean),
            &format!(
                "jobs-equivalent within reach of the average resident (continuous accessibility), 95% CI [{}, {}]",
                int(a.jobs.ci_low),
                int(a.jobs.ci_high)
            ),
        ));
    }
    b.push_str(&card(
        &int(d.commuters),
        "commuters between zones per morning",
    ));
    b.push_str(&card(
        &int(d.intrazonal_commuters),
        &format!(
            "commuters within their own zone (not routed), {} min{} on average",
            num(d.intrazonal_mean_min, 1),
            d.intrazonal_mean_km
                .map(|km| format!(", {} km", num(km, 1)))
                .unwrap_or_default()
        ),
    ));
    b.push_str("</div>");
    if let Some(rows) = &s.validation {
        validation_section(&mut b, rows);
    }
    policy_section(&mut b, s);
    let tables = run.tables;
    let _ = write!(
        b,
        "<section><h2>Door-to-door travel times</h2>{}<p class=note>Share of commuters between zones arriving within the time on the horizontal axis, by the mode each chose; the dashed line marks 60 minutes.</p></section>",
        cdf_svg(&[(name, "#1f77b4", false, &tables.distribution.all())])
    );
    let _ = write!(
        b,
        "<section><h2>Mode shares</h2>{}</section>",
        shares_svg(&[(name, d.shares())])
    );
    zone_map(&mut b, &run);
    lines_table(&mut b, &tables.lines);
    if let Some(equilibrium) = &s.equilibrium {
        b.push_str(&equilibrium_section(equilibrium));
    }
    if let (Some(links), Some(congestion)) = (&tables.links, &s.congestion) {
        b.push_str(&run_road_traffic(congestion, links));
    }
    zones_table(&mut b, &tables.zones);
    b.push_str("</table></section><p class=note>Written by commute run. Files beside this report: od.csv, zones.csv, lines.csv, draws.csv, distribution.csv, summary.json, zones.geojson, network.geojson (links.csv with road congestion, validation.csv when the network has targets).</p>");
    page(&format!("{name}: commute run"), &b)
}

/// The maps of the zones: coloured by their mean commute (the region, and a detail of its
/// largest employment cluster where the region's map crowds it), and by their continuous
/// accessibility.
fn zone_map(b: &mut String, run: &MonteCarloRun<'_>) {
    let features: Vec<(Value, &str)> = run.network_geojson["features"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| (f.clone(), "same"))
        .collect();
    let (commute, commute_legend) = coloured_zones(
        run,
        |z| value(z.mean_commute_min),
        "mean commute, min",
        |m| format!("mean commute {} min", num(m, 1)),
    );
    let (access, access_legend) = coloured_zones(
        run,
        |z| Some(z.access_jobs.get()),
        "accessibility, jobs-eq.",
        |a| format!("accessibility {} jobs-equivalent", int(a)),
    );
    let _ = write!(
        b,
        "<section><h2>Map</h2>{}<p class=note>Zones (circle area ~ residents) coloured by the mean commute of their commuters to other zones.</p>",
        map_svg(&features, &commute, &commute_legend, None, None)
    );
    let window = metropolitan_window(run);
    if let Some((centre, window)) = window {
        let _ = write!(
            b,
            "<h2>Detail: the largest employment cluster, around {}</h2>{}<p class=note>The zones within about 38 km of the zone with the most jobs within that distance, drawn large enough for each to have its label.</p>",
            esc(centre),
            map_svg(&features, &commute, &commute_legend, Some(window), None)
        );
    }
    let _ = write!(
        b,
        "<h2>Accessibility{}</h2>{}<p class=note>Zones coloured by their continuous accessibility: jobs weighted by the decay of their travel time, fastest mode (zones.csv access_jobs).</p></section>",
        if window.is_some() {
            ", same detail"
        } else {
            ""
        },
        map_svg(
            &features,
            &access,
            &access_legend,
            window.map(|(_, w)| w),
            None
        )
    );
}

/// Every zone's mark coloured on a sequential scale by `metric` of its row (grey without a
/// value), hovering `label` of it, and the legend of the scale titled `title`.
fn coloured_zones(
    run: &MonteCarloRun<'_>,
    metric: impl Fn(&ZoneRow) -> Option<f64>,
    title: &str,
    label: impl Fn(f64) -> String,
) -> (Vec<(Value, ZoneMark)>, String) {
    let tables = run.tables;
    let values: Vec<f64> = tables.zones.iter().filter_map(&metric).collect();
    let (lo, hi) = (
        values.iter().copied().fold(f64::MAX, f64::min),
        values.iter().copied().fold(f64::MIN, f64::max),
    );
    let by_id: HashMap<&str, &ZoneRow> =
        tables.zones.iter().map(|z| (z.zone.as_str(), z)).collect();
    let zones = run.zones_geojson["features"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let id = f["properties"]["zone"].as_str().unwrap_or_default();
            let z = by_id.get(id);
            let x = z.and_then(|z| metric(z));
            (
                f["geometry"].clone(),
                ZoneMark {
                    residents: z.map_or(0.0, |z| z.residents as f64),
                    priority: 0.0,
                    name: z.map_or(id.to_owned(), |z| z.name.clone()),
                    color: x.map_or("#ddd".into(), |x| sequential(x, lo, hi)),
                    label: x.map_or("–".into(), &label),
                },
            )
        })
        .collect();
    let shown = |x: f64| if hi >= 1000.0 { int(x) } else { num(x, 0) };
    let legend = format!(
        "{}<g transform=\"translate(0 110)\">{}</g>",
        scale_legend(
            title,
            &[
                (sequential(lo, lo, hi), shown(lo)),
                (sequential((lo + hi) / 2.0, lo, hi), shown((lo + hi) / 2.0)),
                (sequential(hi, lo, hi), shown(hi)),
            ]
        ),
        lines_legend(0.0, false)
    );
    (zones, legend)
}

/// The window of a detail map of the largest employment cluster: around the zone with the most
/// jobs within 0.45 degrees of longitude and 0.35 of latitude (about 38 km) of it, those zones,
/// padded; with the name of the cluster's zone with the most jobs. `None` when the whole map is
/// not much larger (a small network needs no detail).
fn metropolitan_window<'a>(run: &MonteCarloRun<'a>) -> Option<(&'a str, [f64; 4])> {
    let features = run.zones_geojson["features"].as_array()?;
    let points: Vec<(f64, f64)> = features
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (c[0].as_f64().unwrap_or(0.0), c[1].as_f64().unwrap_or(0.0))
        })
        .collect();
    let near = |(cx, cy): (f64, f64)| {
        move |&(x, y): &(f64, f64)| (x - cx).abs() <= 0.45 && (y - cy).abs() <= 0.35
    };
    let zones = &run.tables.zones;
    let cluster_jobs = |c: (f64, f64)| -> u64 {
        zones
            .iter()
            .zip(&points)
            .filter(|(_, p)| near(c)(p))
            .map(|(z, _)| z.jobs)
            .sum()
    };
    let (_, &c) = zones.iter().zip(&points).max_by(|(a, p), (b, q)| {
        cluster_jobs(**p)
            .cmp(&cluster_jobs(**q))
            .then(b.zone.cmp(&a.zone))
    })?;
    let (members, cluster): (Vec<_>, Vec<(f64, f64)>) = zones
        .iter()
        .zip(points.iter().copied())
        .filter(|(_, p)| near(c)(p))
        .unzip();
    // Named after its largest employer, which need not be the zone it is centred on.
    let largest = members
        .into_iter()
        .max_by(|a, b| a.jobs.cmp(&b.jobs).then(b.zone.cmp(&a.zone)))?;
    let [x0, x1, y0, y1] = bounds(&cluster);
    let [a0, a1, _, _] = bounds(&points);
    let (pad_x, pad_y) = ((x1 - x0) * 0.12 + 0.02, (y1 - y0) * 0.12 + 0.02);
    let window = [x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y];
    let much_larger = (a1 - a0) > 2.5 * (window[1] - window[0]);
    (much_larger && cluster.len() > 1).then_some((largest.name.as_str(), window))
}

/// The 15 lines with the most boardings.
fn lines_table(b: &mut String, lines: &[LineRow]) {
    let mut lines: Vec<&LineRow> = lines.iter().collect();
    lines.sort_by(|a, b| {
        b.boardings
            .get()
            .total_cmp(&a.boardings.get())
            .then(a.line.cmp(&b.line))
    });
    b.push_str("<section><h2>Busiest lines</h2><table><tr><th class=l>line</th><th class=l>mode</th><th>boardings</th><th>peak load</th><th>of capacity</th><th>denied</th></tr>");
    for l in lines.iter().take(15) {
        let _ = write!(
            b,
            "<tr><td class=l>{} {}</td><td class=l>{}</td><td>{}</td><td>{}</td><td>{} %</td><td>{}</td></tr>",
            esc(&l.line),
            esc(&l.name),
            esc(l.mode.as_str()),
            int(l.boardings.get()),
            int(l.peak_load.get()),
            num(l.load_factor.get() * 100.0, 0),
            int(l.denied_boardings.get())
        );
    }
    b.push_str("</table><p class=note>Per morning; loads are the modelled commuters between zones; no vehicle carries more than its capacity (seated and standing): riders beyond are turned away (denied) and take their next-best alternative (see lines.csv).</p></section>");
    crowded_lines(b, &lines);
}

/// The most crowded lines: their busiest segment and hour, its load per seat and what that
/// costs a rider.
fn crowded_lines(b: &mut String, lines: &[&LineRow]) {
    let load_factor = |l: &LineRow| value(l.busiest_load_factor).unwrap_or(0.0);
    let mut crowded: Vec<&LineRow> = lines
        .iter()
        .copied()
        .filter(|l| load_factor(l) > 0.0)
        .collect();
    crowded.sort_by(|a, b| {
        load_factor(b)
            .total_cmp(&load_factor(a))
            .then(a.line.cmp(&b.line))
    });
    b.push_str("<section><h2>Most crowded lines</h2><table><tr><th class=l>line</th><th class=l>busiest segment</th><th>hour</th><th>vehicles</th><th>seats / places</th><th>load per vehicle</th><th>per seat</th><th>crowding ×</th><th>denied</th></tr>");
    for l in crowded.iter().take(15) {
        let _ = write!(
            b,
            "<tr><td class=l>{} {}</td><td class=l>{} → {}</td><td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&l.line),
            esc(&l.name),
            esc(&l.busiest_from),
            esc(&l.busiest_to),
            esc(&l.busiest_hour),
            value(l.busiest_vehicles).map_or("–".into(), |v| num(v, 1)),
            l.seats,
            l.vehicle_capacity,
            value(l.busiest_load).map_or("–".into(), int),
            num(load_factor(l), 2),
            value(l.crowding_multiplier).map_or("–".into(), |m| num(m, 2)),
            int(l.denied_boardings.get())
        );
    }
    b.push_str("</table><p class=note>The segment and hour of each line with the highest mean load per vehicle; above 1 per seat riders stand. The crowding multiplier weighs minutes aboard in the choice (docs/model.md).</p></section>");
}

/// The network's published statistics beside the model's values, and how many it meets.
fn validation_section(b: &mut String, rows: &[crate::run::ValidationRow]) {
    let within = rows.iter().filter(|r| r.within_tolerance).count();
    let _ = write!(
        b,
        "<section><h2>Validation</h2><p class=lead>The model meets {within} of {} published statistics within their tolerance.</p><table><tr><th class=l>statistic</th><th>published</th><th>model</th><th>ratio</th><th>tolerance</th><th class=l>within</th><th class=l>source</th></tr>",
        rows.len()
    );
    let value = |x: f64| {
        if x.abs() >= 1000.0 {
            int(x)
        } else {
            num(x, if x.abs() >= 10.0 { 1 } else { 3 })
        }
    };
    for r in rows {
        let _ = write!(
            b,
            "<tr><td class=l>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=l>{}</td><td class=l>{}</td></tr>",
            esc(&r.description),
            if r.used_in_fit {
                ""
            } else {
                " <span class=ci>(held out)</span>"
            },
            value(r.published),
            r.model.map_or("-".to_owned(), value),
            r.ratio.map_or("-".to_owned(), |x| num(x, 2)),
            num(r.tolerance, 2),
            if r.within_tolerance {
                "yes"
            } else {
                "<b>no</b>"
            },
            esc(&r.source)
        );
    }
    b.push_str("</table><p class=note>From the network's targets.toml (validation.csv beside this report). Tolerances are relative, but for shares, where they are absolute (share points). Held-out statistics are not used by calibration: they test it.</p></section>");
}

/// The policy goals: continuous accessibility first, then the threshold counts with their
/// bootstrap ranges.
fn policy_section(b: &mut String, s: &crate::run::RunSummary) {
    b.push_str("<section><h2>Policy goals</h2><table><tr><th class=l>metric</th><th>value <span class=ci>[95% range]</span></th></tr>");
    if let Some(a) = s.accessibility {
        for (what, i) in [("fastest mode", a.jobs), ("public transport", a.jobs_pt)] {
            let _ = write!(
                b,
                "<tr><td class=l>Accessibility, jobs-equivalent ({what})</td><td>{} <span class=ci>[{}, {}]</span></td></tr>",
                int(i.mean),
                int(i.ci_low),
                int(i.ci_high)
            );
        }
    }
    b.push_str("<tr><th class=l colspan=2>Threshold counts</th></tr>");
    let ranges = s.policy_spread.as_ref().map(|p| p.ranges());
    for (i, (k, v)) in s.policy.metrics().into_iter().enumerate() {
        let (label, percent, decimals) = policy_label(k);
        let range = ranges.as_ref().and_then(|r| r[i].1);
        let _ = write!(
            b,
            "<tr><td class=l>{}</td><td>{}</td></tr>",
            esc(if label.is_empty() { k } else { label }),
            policy_with_range(v, range, percent, decimals)
        );
    }
    b.push_str("</table><p class=note>");
    if let Some(a) = s.accessibility {
        b.push_str(&access_note(a.decay_per_min, a.intrazonal_min));
        b.push_str(" Its interval is the 95% confidence interval of the mean over the mornings. ");
    }
    if let Some(p) = &s.policy_spread {
        let _ = write!(
            b,
            "Threshold counts: the range is the 2.5th to 97.5th percentile of the count over {} bootstrap resamples of the mornings: how far another seed could move it.",
            p.replicates
        );
    }
    b.push_str("</p></section>");
}

/// Every zone's commute, mode shares and jobs within reach.
fn zones_table(b: &mut String, zones: &[ZoneRow]) {
    b.push_str("<section><h2>Zones</h2><table><tr><th class=l>zone</th><th>residents</th><th>commuters</th><th>mean commute, min</th><th>car</th><th>transit</th><th>custom bus</th><th>walk, cycle</th><th>taxi</th><th>access, jobs-eq.</th><th>jobs within 60 min</th></tr>");
    for z in zones {
        let shares = z.shares();
        let _ = write!(
            b,
            "<tr><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} %</td><td>{} %</td><td>{} %</td><td>{} %</td><td>{} %</td><td>{}</td><td>{}</td></tr>",
            esc(&z.name),
            int(z.residents as f64),
            int(z.commuters.get()),
            value(z.mean_commute_min).map_or("–".into(), |m| num(m, 1)),
            num(shares[0] * 100.0, 1),
            num(shares[1] * 100.0, 1),
            num(shares[2] * 100.0, 1),
            num((shares[3] + shares[4]) * 100.0, 1),
            num(shares[5] * 100.0, 1),
            int(z.access_jobs.get()),
            int(z.jobs_within_60min_p50 as f64)
        );
    }
}

/// The supply-demand loop: whether it converged, and every round's measures.
fn equilibrium_section(e: &EquilibriumInfo) -> String {
    let gap = |g: Option<f64>| g.map_or("–".to_owned(), |g| format!("{} %", num(g * 100.0, 2)));
    let mut b = format!(
        "<section><h2>Supply and demand</h2><p class=note>Road congestion, transit crowding and (with variable destinations) the commuters' destinations found together with the choices they shape: {} rounds of {} draws, {} (every measure at most {} %).</p><table><tr><th>round</th><th>car commuters</th><th>road demand gap</th><th>road relative gap</th><th>transit load gap</th><th>destination gap</th><th>denied boardings</th><th>step</th></tr>",
        e.rounds.len(),
        e.draws,
        if e.converged {
            "converged"
        } else {
            "<b>NOT converged</b>"
        },
        num(e.tolerance * 100.0, 2)
    );
    for r in &e.rounds {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.round,
            int(r.car_commuters),
            gap(r.road_demand_gap),
            r.road_relative_gap
                .map_or("–".to_owned(), |g| format!("{g:.1e}")),
            gap(r.transit_load_gap),
            gap(r.destination_gap),
            int(r.denied),
            num(r.step, 3)
        );
    }
    b.push_str("</table></section>");
    b
}

/// The road-traffic section of a single run with congestion: the totals and the most loaded
/// links.
fn run_road_traffic(congestion: &CongestionInfo, links: &[LinkRow]) -> String {
    let last = &congestion.final_assignment;
    let mut b = String::from("<section><h2>Road traffic</h2><div class=cards>");
    b.push_str(&card(
        &int(last.peak_hour_cars),
        "commuter cars in the peak hour",
    ));
    b.push_str(&card(
        &int(last.vehicle_km),
        "commuter vehicle-km in the peak hour",
    ));
    b.push_str(&card(
        &int(last.links_over_capacity as f64),
        "directed links over capacity (all traffic)",
    ));
    b.push_str("</div><h2>Most loaded links</h2><table><tr><th class=l>road</th><th class=l>direction</th><th class=l>class</th><th>cars/h</th><th>other pcu/h</th><th>capacity</th><th>volume/capacity</th><th>free-flow → congested, min</th><th>speed, km/h</th></tr>");
    let mut loaded: Vec<&LinkRow> = links.iter().collect();
    loaded.sort_by(|a, b| b.volume_capacity.get().total_cmp(&a.volume_capacity.get()));
    for l in loaded.iter().take(TOP_LINKS) {
        let _ = write!(
            b,
            "<tr><td class=l>{} {}</td><td class=l>{} → {}</td><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
            esc(&l.link),
            esc(&l.name),
            esc(&l.from),
            esc(&l.to),
            esc(&l.class),
            int(l.volume_vph.get()),
            int(l.background_pcu.get()),
            int(l.capacity_vph.get()),
            num(l.volume_capacity.get(), 2),
            num(l.free_flow_min.get(), 1),
            num(l.congested_min.get(), 1),
            num(l.speed_kmh.get(), 0)
        );
    }
    b.push_str("</table><p class=note>Peak-hour volumes from one traffic assignment of the run's mean car flows (not per draw); volume/capacity counts background traffic and buses; every link in links.csv.</p></section>");
    b
}
