//! The report page of a comparison of two runs.

use super::charts::{cdf_svg, shares_svg};
use super::html::{
    access_note, card, delta_text, esc, int, minutes_pair, modifications, num, page, policy_label,
    policy_value, policy_with_range, signed, signed_int,
};
use super::map::{
    RoadLayer, ZoneMark, bounds, detail_window, diverging, lines_legend, map_svg, scale_legend,
    traffic_legend,
};
use crate::compare::output::{feature_changes, road_volumes};
use crate::compare::{
    Comparison, Delta, LineChange, LinkChange, LinkComparison, OdChange, RunData, TOP_LINKS,
};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// The report of a comparison.
pub fn compare_html(c: &Comparison, before: &RunData<'_>, after: &RunData<'_>) -> String {
    let mut b = String::new();
    intro(&mut b, c);
    headline(&mut b, c);
    policy_table(&mut b, c);
    let r = &c.region;
    let _ = write!(
        b,
        "<section><h2>Door-to-door travel times</h2>{}<p class=note>Share of commuters between zones arriving within the time on the horizontal axis, by the mode each chose, over all simulated mornings; the dashed vertical line marks 60 minutes. Median {}, 95th percentile {} (whole minutes, before → after).</p></section>",
        cdf_svg(&[
            (
                &format!("before: {}", c.before.scenario),
                "#6b7587",
                true,
                &c.distribution[0]
            ),
            (
                &format!("after: {}", c.after.scenario),
                "#1f77b4",
                false,
                &c.distribution[1]
            ),
        ]),
        minutes_pair(r.p50_min),
        minutes_pair(r.p95_min)
    );
    let _ = write!(
        b,
        "<section><h2>Mode shares</h2>{}<p class=note>Commuters between zones, by the mode they end up on: riders beyond a vehicle's capacity wait for the next vehicle, take their next-best mode or queue for a vehicle after the window; unserved: queueing after the window, turned away with no alternative left, or no alternative within the longest commute.{}</p></section>",
        shares_svg(&[("before", r.shares[0]), ("after", r.shares[1])]),
        c.capacity_note()
            .map(|n| format!(" Capacity: {}.", esc(&n)))
            .unwrap_or_default()
    );
    let zones = gains_map(&mut b, c, before, after);
    let names = zone_names(after);
    let _ = write!(
        b,
        "<section><h2>Top 20 improvements</h2>{}<p class=note>Zone pairs with at least 100 commuters in both runs, by the change of their commuters' mean door-to-door minutes (chosen mode).</p></section><section><h2>Top 20 worsenings</h2>{}</section>",
        od_table(&c.top_improvements, &names),
        od_table(&c.top_worsenings, &names)
    );
    lines_table(&mut b, c);
    if let Some(links) = &c.links {
        b.push_str(&road_traffic(links, &zones, before, after));
    } else if let Some(note) = &c.links_note {
        let _ = write!(b, "<p class=note>{}</p>", esc(note));
    }
    zones_table(&mut b, c);
    let _ = write!(
        b,
        "<p class=note>Written by commute compare. Files beside this report: compare.csv (per zone pair and mode), zones.csv, lines.csv, {}compare.json, zones.geojson and network.geojson (for QGIS or kepler.gl).</p>",
        if c.links.is_some() {
            "links.csv (per road link and direction), "
        } else {
            ""
        }
    );
    page(
        &format!(
            "{} → {}: commute comparison",
            c.before.scenario, c.after.scenario
        ),
        &b,
    )
}

/// The title, what was compared, and what each scenario changed.
fn intro(b: &mut String, c: &Comparison) {
    let _ = write!(
        b,
        "<h1>{} → {}</h1><p class=lead>{}</p>",
        esc(&c.before.scenario),
        esc(&c.after.scenario),
        esc(&c.after.description)
    );
    let _ = write!(
        b,
        "<p class=note>Both runs: seed {}, {} draws (mornings) x every departure minute. Demand: {} before, {} after.{} {}</p>",
        c.after.seed,
        c.after.draws,
        esc(&c.before.demand_words()),
        esc(&c.after.demand_words()),
        c.loop_words()
            .map(|w| format!(" Supply-demand loop: {}.", esc(&w)))
            .unwrap_or_default(),
        if c.paired {
            "Paired statistics: each change is the mean of the per-morning differences, with its 95% confidence interval in brackets; figures the scenarios do not touch are identical morning by morning (common random numbers)."
        } else {
            "<b>Unpaired</b>: the runs differ in seed, draws or demand; intervals are Welch's, wider than paired ones."
        }
    );
    let _ = write!(
        b,
        "<section><h2>What changed</h2><b>{}</b> (before): {}{}<b>{}</b> (after): {}{}</section>",
        esc(&c.before.scenario),
        esc(&c.before.description),
        modifications(&c.before.modifications),
        esc(&c.after.scenario),
        esc(&c.after.description),
        modifications(&c.after.modifications)
    );
}

/// The headline cards: the consumer surplus gained, travel time of the same trips, hours
/// saved, winners and losers, car share.
fn headline(b: &mut String, c: &Comparison) {
    let r = &c.region;
    let same = r.time_change;
    b.push_str("<h2>Headline</h2><div class=cards>");
    if let (Some(h), Some(y)) = (r.consumer_surplus_hours, r.consumer_surplus_yuan) {
        b.push_str(&card(
            &format!("{} yuan", int(y.mean)),
            &format!(
                "benefit per morning: the change in consumer surplus (logsum), {} generalised hours, 95% CI [{}, {}] hours, [{}, {}] yuan{}",
                int(h.mean),
                int(h.ci_low),
                int(h.ci_high),
                int(y.ci_low),
                int(y.ci_high),
                if c.capacity_note().is_some() {
                    "; full vehicles count as far as riders find a place (see the note under the mode shares)"
                } else {
                    ""
                }
            ),
        ));
    }
    b.push_str(&card(
        &same.map_or("–".into(), |d| format!("{} min", signed(d.delta, 2))),
        &format!(
            "travel time of the same trips ({} → {} min){}; the mean commute, with commuters choosing other jobs, goes {} → {} min",
            same.map_or("–".into(), |d| num(d.before, 1)),
            same.map_or("–".into(), |d| num(d.after, 1)),
            same.map_or(String::new(), |d| format!(
                ", 95% CI [{}, {}]",
                signed(d.ci_low, 2),
                signed(d.ci_high, 2)
            )),
            r.mean_commute.map_or("–".into(), |d| num(d.before, 1)),
            r.mean_commute.map_or("–".into(), |d| num(d.after, 1))
        ),
    ));
    b.push_str(&card(
        &int(r.hours_saved_per_morning),
        &format!(
            "commuter-hours saved per morning (rule of a half on time alone, a cross-check){}, worth {} yuan at {} yuan/h",
            r.hours_saved.map_or(String::new(), |e| format!(
                ", 95% CI [{}, {}]",
                int(e.ci_low),
                int(e.ci_high)
            )),
            int(r.value_of_time_saved_yuan),
            num(r.value_of_time_yuan_per_h, 0)
        ),
    ));
    b.push_str(&card(
        &format!("{} / {}", int(r.winners), int(r.losers)),
        "commuters more than 5 min faster / slower (their pair's own mean)",
    ));
    b.push_str(&card(
        &format!(
            "{} pp",
            signed((r.shares[1][0] - r.shares[0][0]) * 100.0, 2)
        ),
        &format!(
            "car share ({} % → {} %)",
            num(r.shares[0][0] * 100.0, 1),
            num(r.shares[1][0] * 100.0, 1)
        ),
    ));
    b.push_str("</div>");
}

/// A change of jobs-equivalent with its interval, whole numbers with thousands separators.
fn jobs_delta_text(d: Option<Delta>) -> String {
    d.map_or("–".into(), |d| {
        format!(
            "{} <span class=ci>[{}, {}]</span>",
            signed_int(d.delta),
            signed_int(d.ci_low),
            signed_int(d.ci_high)
        )
    })
}

/// Continuous accessibility, then the policy metrics (threshold counts with their bootstrap
/// ranges), before and after, with their change.
fn policy_table(b: &mut String, c: &Comparison) {
    b.push_str("<section><h2>Policy goals</h2><table><tr><th class=l>metric</th><th>before</th><th>after</th><th>change</th></tr>");
    let r = &c.region;
    for (what, d) in [
        ("fastest mode", r.access_jobs),
        ("public transport", r.access_jobs_pt),
    ] {
        if let Some(d) = d {
            let _ = write!(
                b,
                "<tr><td class=l>Accessibility, jobs-equivalent ({what})</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                int(d.before),
                int(d.after),
                jobs_delta_text(Some(d))
            );
        }
    }
    b.push_str("<tr><th class=l colspan=4>Threshold counts <span class=ci>[95% range over mornings]</span></th></tr>");
    for p in &c.policy {
        let (label, percent, decimals) = policy_label(&p.metric);
        let label = if label.is_empty() {
            p.metric.as_str()
        } else {
            label
        };
        let _ = write!(
            b,
            "<tr><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(label),
            policy_with_range(p.before, p.before_range, percent, decimals),
            policy_with_range(p.after, p.after_range, percent, decimals),
            policy_value(p.delta, percent, decimals, true)
        );
    }
    let _ = write!(
        b,
        "</table><p class=note>{}Threshold counts: zones of each metric from <code>[policy]</code> in the network's network.toml; \"median morning\": the median of the simulated mornings and departure minutes; in brackets the 2.5th to 97.5th percentile of the count over bootstrap resamples of each run's mornings (a change inside them may be noise).</p></section>",
        c.region.access_decay.map_or(String::new(), |a| format!(
            "{} Its change is paired over the mornings, with its 95% confidence interval. ",
            access_note(a.decay_per_min, a.intrazonal_min)
        ))
    );
}

/// The map of who gains (and a detail map around the change); returns the zones as drawn,
/// which the road-traffic maps draw again.
fn gains_map(
    b: &mut String,
    c: &Comparison,
    before: &RunData<'_>,
    after: &RunData<'_>,
) -> Vec<(Value, ZoneMark)> {
    // The map: zones coloured by the change of their commuters' mean commute.
    let deltas: HashMap<&str, Option<Delta>> = c
        .zones
        .iter()
        .map(|z| (z.zone.as_str(), z.time_change))
        .collect();
    let limit = c
        .zones
        .iter()
        .filter_map(|z| z.time_change.map(|d| d.delta.abs()))
        .fold(0.0, f64::max)
        .max(1.0);
    let zones: Vec<(Value, ZoneMark)> = after.run.zones_geojson["features"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let p = &f["properties"];
            let id = p["zone"].as_str().unwrap_or_default();
            let d = deltas.get(id).copied().flatten();
            // Changes that round to zero are drawn as none.
            let delta = d.map_or(0.0, |d| d.delta).clamp(-1e9, 1e9);
            let delta = if delta.abs() < 0.005 { 0.0 } else { delta };
            (
                f["geometry"].clone(),
                ZoneMark {
                    residents: p["residents"].as_f64().unwrap_or(0.0),
                    priority: delta.abs(),
                    name: p["name"].as_str().unwrap_or(id).to_owned(),
                    color: diverging(delta, limit),
                    label: format!(
                        "travel time of its trips {} min",
                        d.map_or("–".into(), |d| signed(d.delta, 2))
                    ),
                },
            )
        })
        .collect();
    let legend = format!(
        "{}<g transform=\"translate(0 120)\">{}</g>",
        scale_legend(
            "travel time change, same trips, min",
            &[
                (
                    diverging(-limit, limit),
                    format!("{} (faster)", signed(-limit, 1))
                ),
                (diverging(-limit / 2.0, limit), signed(-limit / 2.0, 1)),
                (diverging(0.0, limit), "0".into()),
                (diverging(limit / 2.0, limit), signed(limit / 2.0, 1)),
                (
                    diverging(limit, limit),
                    format!("{} (slower)", signed(limit, 1))
                ),
            ]
        ),
        lines_legend(0.0, true)
    );
    let features = feature_changes(before, after);
    let zone_deltas: Vec<(Value, f64)> = zones
        .iter()
        .zip(
            after.run.zones_geojson["features"]
                .as_array()
                .into_iter()
                .flatten(),
        )
        .map(|((g, _), f)| {
            let id = f["properties"]["zone"].as_str().unwrap_or_default();
            let d = deltas.get(id).copied().flatten().map_or(0.0, |d| d.delta);
            (g.clone(), d)
        })
        .collect();
    let _ = write!(
        b,
        "<section><h2>Map: who gains</h2>{}<p class=note>Zones (circle area ~ residents) coloured by the change of travel time of their commuters' trips (each zone pair weighted by its commuters averaged over both runs); red lines are what the scenario added or changed, dashed what it removed. Hover a zone or line for its name and figure.</p>",
        map_svg(&features, &zones, &legend, None, None)
    );
    if let Some(window) = detail_window(&features, &zone_deltas, 0.6) {
        let _ = write!(
            b,
            "<h2>Detail: around the change</h2>{}",
            map_svg(&features, &zones, &legend, Some(window), None)
        );
    }
    b.push_str("</section>");
    zones
}

/// The lines whose boardings changed most.
fn lines_table(b: &mut String, c: &Comparison) {
    let mut lines: Vec<&LineChange> = c.lines.iter().collect();
    let change = |l: &LineChange| match l.boardings {
        [Some(x), Some(y)] => y - x,
        [None, Some(y)] => y,
        [Some(x), None] => -x,
        [None, None] => 0.0,
    };
    lines.sort_by(|a, b| {
        change(b)
            .abs()
            .total_cmp(&change(a).abs())
            .then(a.line.cmp(&b.line))
    });
    b.push_str("<section><h2>Line ridership</h2><table><tr><th class=l>line</th><th class=l>mode</th><th>boardings before</th><th>after</th><th>change</th><th>peak load ÷ vehicle places, after</th><th>denied after</th></tr>");
    for l in lines.iter().take(15) {
        let opt = |x: Option<f64>| x.map_or("–".into(), int);
        let _ = write!(
            b,
            "<tr><td class=l>{} {}</td><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&l.line),
            esc(&l.name),
            esc(&l.mode),
            opt(l.boardings[0]),
            opt(l.boardings[1]),
            {
                let d = change(l);
                if d > 0.5 {
                    format!("+{}", int(d))
                } else {
                    int(d)
                }
            },
            l.load_factor[1].map_or("–".into(), |x| num(x, 2)),
            opt(l.denied_boardings[1])
        );
    }
    b.push_str("</table><p class=note>Per morning, the 15 largest changes; all lines in lines.csv. Loads are the modelled commuters between zones, assigned all-or-nothing from zone centres; places are enforced only on custom buses (reserved seats), so elsewhere the ratio shows where demand concentrates, not crowding.</p></section>");
}

/// The class of a change in minutes shown with `decimals`: `good` (faster), `bad` (slower), or
/// none when it shows as zero (a change of 0.00 is drawn in the neutral colour, whatever the
/// sign of what was rounded away).
fn change_class(delta_min: f64, decimals: i32) -> &'static str {
    let shown_zero = delta_min.abs() < 0.5 * 10f64.powi(-decimals);
    if shown_zero || !delta_min.is_finite() {
        ""
    } else if delta_min < 0.0 {
        "good"
    } else {
        "bad"
    }
}

/// Every zone's travel time, commute, car share and continuous accessibility before and after.
fn zones_table(b: &mut String, c: &Comparison) {
    b.push_str("<section><h2>Zones</h2><table><tr><th class=l>zone</th><th>residents</th><th>commuters after</th><th>travel time, same trips, before</th><th>after</th><th>change, min [95% CI]</th><th>mean commute before → after</th><th>median before → after</th><th>car share before → after</th><th>accessibility, jobs-eq., change [95% CI]</th></tr>");
    for z in &c.zones {
        let d = z.time_change;
        let mean = z.mean_commute;
        let class = d.map_or("", |d| change_class(d.delta, 2));
        let _ = write!(
            b,
            "<tr><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{class}\">{}</td><td>{} → {}</td><td>{}</td><td>{} % → {} %</td><td>{}</td></tr>",
            esc(&z.name),
            int(z.residents),
            int(z.commuters[1]),
            d.map_or("–".into(), |d| num(d.before, 1)),
            d.map_or("–".into(), |d| num(d.after, 1)),
            delta_text(d, 2),
            mean.map_or("–".into(), |d| num(d.before, 1)),
            mean.map_or("–".into(), |d| num(d.after, 1)),
            minutes_pair(z.p50_min),
            num(z.shares[0][0] * 100.0, 1),
            num(z.shares[1][0] * 100.0, 1),
            jobs_delta_text(z.access_jobs)
        );
    }
    b.push_str("</table></section>");
}

/// The road-traffic section of a comparison: totals, a map of the roads by volume change (and a
/// detail map around the largest changes) and the table of the largest changes.
fn road_traffic(
    links: &LinkComparison,
    zones: &[(Value, ZoneMark)],
    before: &RunData<'_>,
    after: &RunData<'_>,
) -> String {
    let mut b = String::from("<section><h2>Road traffic</h2><div class=cards>");
    let pair = |x: [f64; 2]| format!("{} → {}", int(x[0]), int(x[1]));
    b.push_str(&card(
        &signed_int(links.delta_vehicle_km),
        &format!(
            "commuter vehicle-km in the peak hour ({})",
            pair(links.vehicle_km)
        ),
    ));
    b.push_str(&card(
        &signed_int(links.delta_vehicle_hours),
        &format!(
            "commuter vehicle-hours in the peak hour, at congested times ({})",
            pair(links.vehicle_hours)
        ),
    ));
    b.push_str(&card(
        &format!("{} → {}", links.over_capacity[0], links.over_capacity[1]),
        "directed links over capacity (all traffic)",
    ));
    if links.added + links.removed > 0 {
        b.push_str(&card(
            &format!("+{} / -{}", links.added, links.removed),
            "directed links added / removed by the scenario",
        ));
    }
    b.push_str("</div>");
    let layer = road_layer(links);
    let limit = layer.limit;
    // Smallest changes first, so the largest are drawn on top.
    let mut features = feature_changes(before, after);
    let size = |f: &Value| {
        f["properties"]["id"]
            .as_str()
            .and_then(|id| layer.change.get(id))
            .map_or(-1.0, |(d, _)| d.abs())
    };
    features.sort_by(|(x, _), (y, _)| size(x).total_cmp(&size(y)));
    let neutral: Vec<(Value, ZoneMark)> = zones
        .iter()
        .map(|(g, z)| {
            (
                g.clone(),
                ZoneMark {
                    residents: z.residents,
                    priority: 0.0,
                    name: z.name.clone(),
                    color: "#eef0f3".into(),
                    label: format!("{} residents", int(z.residents)),
                },
            )
        })
        .collect();
    let legend = traffic_legend(limit);
    let _ = write!(
        b,
        "<h2>Map: road traffic</h2>{}",
        map_svg(&features, &neutral, &legend, None, Some(&layer))
    );
    let big: Vec<(Value, &str)> = features
        .iter()
        .filter(|(f, _)| size(f) >= limit / 3.0)
        .map(|(f, _)| (f.clone(), "changed"))
        .collect();
    // A detail map only where the largest changes are local: its window well inside the region.
    let region = bounds(
        &features
            .iter()
            .flat_map(|(f, _)| {
                f["geometry"]["coordinates"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|c| (c[0].as_f64().unwrap_or(0.0), c[1].as_f64().unwrap_or(0.0)))
            .collect::<Vec<_>>(),
    );
    if let Some(window) = detail_window(&big, &[], 0.6).filter(|w| {
        (w[1] - w[0]) < 0.6 * (region[1] - region[0])
            || (w[3] - w[2]) < 0.6 * (region[3] - region[2])
    }) {
        let _ = write!(
            b,
            "<h2>Detail: road traffic around the largest changes</h2>{}",
            map_svg(&features, &neutral, &legend, Some(window), Some(&layer))
        );
    }
    let _ = write!(
        b,
        "<p class=note>Road links by the change of their commuter cars in the peak hour, both directions together: red more traffic, blue less, wider the larger the change (full width at {} veh/h); dashed, roads the scenario removed. {} Hover a road for its figures.</p>",
        int(limit),
        esc(links.note)
    );
    let _ = write!(
        b,
        "<h2>Top {TOP_LINKS} volume changes</h2>{}<p class=note>Directed links by the absolute change of commuter cars per peak hour; every link in links.csv. Volume/capacity counts background traffic and buses too.</p></section>",
        links_table(&links.largest_changes)
    );
    b
}

/// The road layer of the traffic maps: per road, its volume change (both directions) and the
/// tooltip with its volumes; the largest change, at least 1 veh/h, sets the full width.
fn road_layer(links: &LinkComparison) -> RoadLayer<'_> {
    let roads = road_volumes(links);
    let limit = roads
        .values()
        .map(|r| r.delta_vph.abs())
        .fold(0.0, f64::max)
        .max(1.0);
    let change: HashMap<&str, (f64, String)> = roads
        .iter()
        .map(|(&id, r)| {
            let v = |x: Option<f64>| x.map_or("–".into(), int);
            (
                id,
                (
                    r.delta_vph,
                    format!(
                        ": {} → {} veh/h ({}), both directions",
                        v(r.volume_vph[0]),
                        v(r.volume_vph[1]),
                        signed_int(r.delta_vph)
                    ),
                ),
            )
        })
        .collect();
    RoadLayer { change, limit }
}

fn od_table(rows: &[OdChange], names: &HashMap<&str, &str>) -> String {
    if rows.is_empty() {
        return "<p class=note>None.</p>".into();
    }
    let mut t = String::from(
        "<table><tr><th class=l>from</th><th class=l>to</th><th>commuters after</th><th>before, min</th><th>after, min</th><th>change, min [95% CI]</th></tr>",
    );
    for r in rows {
        let Some(d) = r.mean else { continue };
        let name = |id: &str| esc(names.get(id).copied().unwrap_or(id));
        let class = change_class(d.delta, 1);
        let _ = write!(
            t,
            "<tr><td class=l>{}</td><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{class}\">{}</td></tr>",
            name(&r.origin),
            name(&r.destination),
            int(r.after_commuters),
            num(d.before, 1),
            num(d.after, 1),
            delta_text(Some(d), 1)
        );
    }
    t.push_str("</table>");
    t
}

fn zone_names<'a>(run: &RunData<'a>) -> HashMap<&'a str, &'a str> {
    run.run
        .tables
        .zones
        .iter()
        .map(|z| (z.zone.as_str(), z.name.as_str()))
        .collect()
}

fn links_table(rows: &[LinkChange]) -> String {
    if rows.is_empty() {
        return "<p class=note>No link's volume changed.</p>".into();
    }
    let mut t = String::from(
        "<table><tr><th class=l>road</th><th class=l>direction</th><th class=l>class</th><th>cars/h before</th><th>after</th><th>change</th><th>volume/capacity before → after</th><th>speed before → after, km/h</th></tr>",
    );
    let opt = |x: Option<f64>, decimals: usize| x.map_or("–".into(), |x| num(x, decimals));
    for l in rows {
        let d = l.delta_volume_vph;
        let class = if d > 0.0 { "up" } else { "down" };
        let status = match l.status {
            "added" => " (new)",
            "removed" => " (closed)",
            _ => "",
        };
        let _ = write!(
            t,
            "<tr><td class=l>{} {}{status}</td><td class=l>{} → {}</td><td class=l>{}</td><td>{}</td><td>{}</td><td class={class}>{}</td><td>{} → {}</td><td>{} → {}</td></tr>",
            esc(&l.link),
            esc(&l.name),
            esc(&l.from),
            esc(&l.to),
            esc(&l.class),
            l.volume_vph[0].map_or("–".into(), int),
            l.volume_vph[1].map_or("–".into(), int),
            if d > 0.5 {
                format!("+{}", int(d))
            } else {
                int(d)
            },
            opt(l.volume_capacity[0], 2),
            opt(l.volume_capacity[1], 2),
            opt(l.speed_kmh[0], 0),
            opt(l.speed_kmh[1], 0)
        );
    }
    t.push_str("</table>");
    t
}

#[cfg(test)]
mod tests {
    use super::change_class;

    #[test]
    fn a_change_shown_as_zero_is_neutral_whatever_its_sign() {
        assert_eq!(change_class(-0.004, 2), "");
        assert_eq!(change_class(0.004, 2), "");
        assert_eq!(change_class(0.0, 2), "");
        assert_eq!(change_class(-0.006, 2), "good");
        assert_eq!(change_class(0.006, 2), "bad");
        assert_eq!(change_class(-0.04, 1), "");
        assert_eq!(change_class(0.06, 1), "bad");
        assert_eq!(change_class(f64::NAN, 1), "");
    }
}
