//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, no network access)
//! that a planner can open from the run folder: what was run, the headline figures, the
//! travel-time distribution, mode shares, a map of the region from the node coordinates, and
//! the tables that say for whom things changed.

use super::output::feature_changes;
use super::{Comparison, Delta, LinkChange, LinkComparison, OdChange, RunData, TOP_LINKS};
use crate::run::schema::value;
use crate::run::{CongestionInfo, LineRow, LinkRow, MonteCarloRun, ZoneRow};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn num(x: f64, decimals: usize) -> String {
    crate::run::fixed(x, decimals)
}

/// A whole number with thousands separators.
fn int(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < -0.5 { format!("-{out}") } else { out }
}

fn signed(x: f64, decimals: usize) -> String {
    let text = num(x, decimals);
    if x > 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        format!("+{text}")
    } else {
        text
    }
}

fn delta_text(d: Option<Delta>, decimals: usize) -> String {
    match d {
        Some(d) => format!(
            "{} <span class=ci>[{}, {}]</span>",
            signed(d.delta, decimals),
            signed(d.ci_low, decimals),
            signed(d.ci_high, decimals)
        ),
        None => "–".into(),
    }
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #dde1e7;padding-bottom:4px}
p.lead{color:#4a5567;margin:4px 0 12px}
section{background:#fff;border:1px solid #e1e5eb;border-radius:8px;padding:14px 18px;margin:14px 0}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #eef0f3;text-align:right}
th{background:#f0f2f5;font-weight:600}td.l,th.l{text-align:left}
.ci{color:#6b7587;font-size:11px}.good{color:#1a7f37}.bad{color:#c62828}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{flex:1 1 180px;background:#fff;border:1px solid #e1e5eb;border-radius:8px;padding:10px 14px}
.card .v{font-size:22px;font-weight:650}.card .k{font-size:12px;color:#4a5567}
ul.mods{font-size:13px;margin:4px 0}svg text{font-family:system-ui,sans-serif}
.note{font-size:12px;color:#4a5567}.up{color:#c62828}.down{color:#1f5fbf}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        esc(title)
    )
}

fn minutes_pair(q: [Option<f64>; 2]) -> String {
    let m = |x: Option<f64>| x.map_or("–".into(), |x| num(x, 0));
    format!("{} → {} min", m(q[0]), m(q[1]))
}

fn card(value: &str, key: &str) -> String {
    format!("<div class=card><div class=v>{value}</div><div class=k>{key}</div></div>")
}

/// The travel-time distributions as cumulative curves: share of commuters (%) arriving within
/// x minutes, 0-180 minutes.
fn cdf_svg(series: &[(&str, &str, bool, &[f64])]) -> String {
    let (w, h, left, bottom, top, right) = (720.0, 300.0, 56.0, 44.0, 14.0, 16.0);
    let max_min = 180.0;
    let x = |m: f64| left + (m / max_min) * (w - left - right);
    let y = |share: f64| top + (1.0 - share) * (h - top - bottom);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"Cumulative distribution of door-to-door minutes\">"
    );
    for i in 0..=5 {
        let share = f64::from(i) / 5.0;
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y0}\" y2=\"{y0}\" stroke=\"#e5e8ec\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}%</text>",
            w - right,
            left - 6.0,
            y(share) + 4.0,
            i * 20,
            y0 = y(share)
        );
    }
    for m in (0..=180).step_by(30) {
        let _ = write!(
            svg,
            "<line x1=\"{x0}\" x2=\"{x0}\" y1=\"{top}\" y2=\"{}\" stroke=\"#e5e8ec\"/><text x=\"{x0}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{m}</text>",
            h - bottom,
            h - bottom + 16.0,
            x0 = x(f64::from(m))
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">door-to-door minutes (chosen mode)</text><text transform=\"translate(14 {}) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">commuters arriving within, %</text>",
        (left + w - right) / 2.0,
        h - 6.0,
        (top + h - bottom) / 2.0
    );
    // The 60-minute mark.
    let _ = write!(
        svg,
        "<line x1=\"{x0}\" x2=\"{x0}\" y1=\"{top}\" y2=\"{}\" stroke=\"#9aa3b2\" stroke-dasharray=\"3 3\"/>",
        h - bottom,
        x0 = x(60.0)
    );
    for (i, (label, color, dashed, counts)) in series.iter().enumerate() {
        let total: f64 = counts.iter().sum();
        if total <= 0.0 {
            continue;
        }
        let mut cumulative = 0.0;
        let mut points = format!("{:.1},{:.1}", x(0.0), y(0.0));
        for (m, n) in counts.iter().enumerate().take(180) {
            cumulative += n;
            let _ = write!(
                points,
                " {:.1},{:.1}",
                x(m as f64 + 1.0),
                y(cumulative / total)
            );
        }
        let dash = if *dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = write!(
            svg,
            "<polyline points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.2\"{dash}/>"
        );
        let ly = top + 14.0 + 18.0 * i as f64;
        let _ = write!(
            svg,
            "<line x1=\"{}\" x2=\"{}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"2.2\"{dash}/><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            w - right - 190.0,
            w - right - 164.0,
            w - right - 158.0,
            ly + 4.0,
            esc(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

const MODE_COLORS: [(&str, &str); 4] = [
    ("car", "#8c6d31"),
    ("transit", "#1f77b4"),
    ("custom bus", "#ff7f0e"),
    ("unserved", "#b0b7c3"),
];

/// Stacked bars of mode shares, one per run.
fn shares_svg(rows: &[(&str, [f64; 4])]) -> String {
    let (w, bar, gap, left) = (720.0, 26.0, 14.0, 120.0);
    let h = 34.0 + rows.len() as f64 * (bar + gap);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"Mode shares of commuters between zones\">"
    );
    for (i, (label, shares)) in rows.iter().enumerate() {
        let y = 8.0 + i as f64 * (bar + gap);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            y + bar / 2.0 + 4.0,
            esc(label)
        );
        let mut x = left;
        for (share, (_, color)) in shares.iter().zip(MODE_COLORS) {
            let width = share * (w - left - 10.0);
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{width:.1}\" height=\"{bar}\" fill=\"{color}\"/>"
            );
            if width > 34.0 {
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" fill=\"#fff\" text-anchor=\"middle\">{}%</text>",
                    x + width / 2.0,
                    y + bar / 2.0 + 4.0,
                    num(share * 100.0, 1)
                );
            }
            x += width;
        }
    }
    let ly = h - 12.0;
    for (i, (name, color)) in MODE_COLORS.iter().enumerate() {
        let lx = left + i as f64 * 120.0;
        let _ = write!(
            svg,
            "<rect x=\"{lx}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{}\" y=\"{ly}\" font-size=\"12\">{name}</text>",
            ly - 10.0,
            lx + 16.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A colour for `value` on a diverging scale (negative green, positive red) up to `limit`.
fn diverging(value: f64, limit: f64) -> String {
    let t = (value / limit).clamp(-1.0, 1.0);
    let (r, g, b) = if t < 0.0 {
        let s = -t;
        (240.0 - s * 214.0, 240.0 - s * 90.0, 240.0 - s * 170.0)
    } else {
        (240.0 - t * 42.0, 240.0 - t * 200.0, 240.0 - t * 200.0)
    };
    format!("rgb({:.0},{:.0},{:.0})", r, g, b)
}

/// A colour for `value` on a sequential scale from `lo` (light) to `hi` (dark blue).
fn sequential(value: f64, lo: f64, hi: f64) -> String {
    let t = ((value - lo) / (hi - lo).max(1e-9)).clamp(0.0, 1.0);
    format!(
        "rgb({:.0},{:.0},{:.0})",
        235.0 - t * 205.0,
        240.0 - t * 150.0,
        250.0 - t * 90.0
    )
}

fn line_color(mode: &str) -> &'static str {
    match mode {
        "hsr" => "#7b3fa0",
        "rail" => "#8c564b",
        "subway" => "#2b7bb9",
        "bus" => "#2ca02c",
        "custom_bus" => "#ff7f0e",
        _ => "#888",
    }
}

/// What the map shows at a zone.
struct ZoneMark {
    residents: f64,
    /// Labels are placed in decreasing priority (the rest only if they fit).
    priority: f64,
    name: String,
    color: String,
    label: String,
}

/// Road links drawn by the change of their volume: red more traffic, blue less, wider the larger
/// the change (`limit` and above at full width).
struct RoadLayer<'a> {
    /// Per road link id: volume change (both directions), tooltip text.
    change: HashMap<&'a str, (f64, String)>,
    limit: f64,
}

/// The colour of a volume change: red more traffic, blue less, grey none.
fn volume_color(delta: f64, limit: f64) -> String {
    let t = (delta / limit.max(1e-9)).clamp(-1.0, 1.0);
    let (r, g, b) = if t < 0.0 {
        let s = -t;
        (190.0 - s * 160.0, 194.0 - s * 104.0, 202.0 + s * 18.0)
    } else {
        (190.0 + t * 24.0, 194.0 - t * 164.0, 202.0 - t * 172.0)
    };
    format!("rgb({r:.0},{g:.0},{b:.0})")
}

fn volume_width(delta: f64, limit: f64) -> f64 {
    1.0 + 7.0 * (delta.abs() / limit.max(1e-9)).min(1.0)
}

/// The map: roads and lines from `features` (with their change), zones as circles sized by
/// residents and coloured as given, and a legend. With a road layer, roads are drawn by their
/// volume change in the order given and lines faintly.
fn map_svg(
    features: &[(Value, &str)],
    zones: &[(Value, ZoneMark)],
    legend: &str,
    window: Option<[f64; 4]>,
    roads: Option<&RoadLayer<'_>>,
) -> String {
    let coords = |g: &Value| -> Vec<(f64, f64)> {
        let c = &g["coordinates"];
        match g["type"].as_str() {
            Some("Point") => c.as_array().map_or(vec![], |p| {
                vec![(p[0].as_f64().unwrap_or(0.0), p[1].as_f64().unwrap_or(0.0))]
            }),
            _ => c
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| (p[0].as_f64().unwrap_or(0.0), p[1].as_f64().unwrap_or(0.0)))
                .collect(),
        }
    };
    let all: Vec<(f64, f64)> = features
        .iter()
        .flat_map(|(f, _)| coords(&f["geometry"]))
        .chain(zones.iter().flat_map(|(g, _)| coords(g)))
        .filter(|(x, y)| x.is_finite() && y.is_finite() && (*x != 0.0 || *y != 0.0))
        .collect();
    if all.is_empty() {
        return "<p class=note>No coordinates to draw.</p>".into();
    }
    let [x0, x1, y0, y1] = window.unwrap_or_else(|| bounds(&all));
    let k = ((y0 + y1) / 2.0).to_radians().cos();
    let (w, h, pad) = (1040.0, 700.0, 36.0);
    let scale = ((w - 2.0 * pad - 180.0) / ((x1 - x0) * k).max(1e-9))
        .min((h - 2.0 * pad) / (y1 - y0).max(1e-9));
    let px = |x: f64| pad + (x - x0) * k * scale;
    let py = |y: f64| h - pad - (y - y0) * scale;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"Map of the region\" style=\"background:#fbfcfd\"><defs><clipPath id=\"frame{n}\"><rect x=\"0\" y=\"0\" width=\"{}\" height=\"{h}\"/></clipPath></defs><g clip-path=\"url(#frame{n})\">",
        w - 200.0,
        n = u8::from(window.is_some()) + 2 * u8::from(roads.is_some())
    );
    let path = |pts: &[(f64, f64)]| {
        pts.iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Unchanged features first, changed on top (with a road layer: in the order given).
    for pass in [false, true] {
        for (f, change) in features {
            let changed = *change != "same" && roads.is_none();
            if changed != pass {
                continue;
            }
            let pts = coords(&f["geometry"]);
            let p = &f["properties"];
            if let Some(layer) = roads {
                let id = p["id"].as_str().unwrap_or_default();
                let dash = if *change == "removed" {
                    " stroke-dasharray=\"7 5\""
                } else {
                    ""
                };
                let (color, width, opacity, title) = match layer.change.get(id) {
                    Some((d, title)) if p["kind"] == "road" => (
                        volume_color(*d, layer.limit),
                        volume_width(*d, layer.limit),
                        0.95,
                        title.clone(),
                    ),
                    _ if p["kind"] == "road" => ("#c3c8d0".to_owned(), 0.8, 0.9, String::new()),
                    _ => (
                        line_color(p["mode"].as_str().unwrap_or_default()).to_owned(),
                        0.8,
                        0.25,
                        String::new(),
                    ),
                };
                let _ = write!(
                    svg,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{width:.1}\" stroke-opacity=\"{opacity}\" stroke-linejoin=\"round\" stroke-linecap=\"round\"{dash}><title>{} {}{}</title></polyline>",
                    path(&pts),
                    esc(id),
                    esc(p["name"].as_str().unwrap_or_default()),
                    esc(&title)
                );
                continue;
            }
            let (color, width, opacity) = if p["kind"] == "road" {
                ("#a7adb7", 0.8, 0.9)
            } else {
                (
                    line_color(p["mode"].as_str().unwrap_or_default()),
                    1.1,
                    0.55,
                )
            };
            let (color, width, opacity, dash) = match *change {
                "added" | "changed" => ("#d62728", 4.0, 0.95, ""),
                "removed" => ("#d62728", 3.0, 0.9, " stroke-dasharray=\"7 5\""),
                _ => (color, width, opacity, ""),
            };
            let _ = write!(
                svg,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{width}\" stroke-opacity=\"{opacity}\" stroke-linejoin=\"round\"{dash}><title>{} {}</title></polyline>",
                path(&pts),
                esc(p["id"].as_str().unwrap_or_default()),
                esc(p["name"].as_str().unwrap_or_default())
            );
        }
    }
    let max_residents = zones.iter().map(|(_, z)| z.residents).fold(1.0, f64::max);
    // Zones by priority, then size, get their labels; a label that would overlap a placed one
    // is left out (the name is still in the circle's tooltip).
    let mut order: Vec<usize> = (0..zones.len()).collect();
    order.sort_by(|&a, &b| {
        let (za, zb) = (&zones[a].1, &zones[b].1);
        zb.priority
            .total_cmp(&za.priority)
            .then(zb.residents.total_cmp(&za.residents))
    });
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    let mut labels = String::new();
    for i in order {
        let (g, z) = &zones[i];
        let Some(&(x, y)) = coords(g).first() else {
            continue;
        };
        let r = 4.0 + 14.0 * (z.residents / max_residents).sqrt();
        let (cx, cy) = (px(x), py(y));
        let _ = write!(
            svg,
            "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"{r:.1}\" fill=\"{}\" stroke=\"#334\" stroke-width=\"0.8\"><title>{}: {}</title></circle>",
            z.color,
            esc(&z.name),
            esc(&z.label)
        );
        let lw = 6.0 * z.name.chars().count() as f64;
        let free = |lx: f64, ly: f64| {
            !placed
                .iter()
                .any(|&(px, py, pw)| lx < px + pw && px < lx + lw && (ly - py).abs() < 11.0)
        };
        // Right of the circle, else left, above or below it.
        let candidates = [
            (cx + r + 2.0, cy + 3.0),
            (cx - r - 2.0 - lw, cy + 3.0),
            (cx - lw / 2.0, cy - r - 3.0),
            (cx - lw / 2.0, cy + r + 10.0),
        ];
        if let Some((lx, ly)) = candidates.into_iter().find(|&(x, y)| free(x, y)) {
            placed.push((lx, ly, lw));
            let _ = write!(
                labels,
                "<text x=\"{lx:.1}\" y=\"{ly:.1}\" font-size=\"10.5\" fill=\"#223\" stroke=\"#fbfcfd\" stroke-width=\"2.5\" paint-order=\"stroke\">{}</text>",
                esc(&z.name)
            );
        }
    }
    svg.push_str(&labels);
    svg.push_str("</g>");
    let _ = write!(
        svg,
        "<g transform=\"translate({} 20)\">{legend}</g>",
        w - 190.0
    );
    svg.push_str("</svg>");
    svg
}

/// `[lon min, lon max, lat min, lat max]` of `points`.
fn bounds(points: &[(f64, f64)]) -> [f64; 4] {
    let mut b = [f64::MAX, f64::MIN, f64::MAX, f64::MIN];
    for &(x, y) in points {
        b = [b[0].min(x), b[1].max(x), b[2].min(y), b[3].max(y)];
    }
    b
}

/// The window of a detail map around what changed: the changed features and the zones whose
/// commute changed most, padded, at least `min_span` degrees across; `None` when nothing did.
fn detail_window(
    features: &[(Value, &str)],
    zones: &[(Value, f64)],
    min_span: f64,
) -> Option<[f64; 4]> {
    let point = |c: &Value| (c[0].as_f64().unwrap_or(0.0), c[1].as_f64().unwrap_or(0.0));
    let mut points: Vec<(f64, f64)> = features
        .iter()
        .filter(|(_, change)| *change != "same")
        .flat_map(|(f, _)| {
            f["geometry"]["coordinates"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|c| point(&c))
        .collect();
    let biggest = zones.iter().map(|z| z.1.abs()).fold(0.0, f64::max);
    if biggest > 0.0 {
        points.extend(
            zones
                .iter()
                .filter(|z| z.1.abs() >= biggest / 3.0)
                .map(|z| point(&z.0["coordinates"])),
        );
    }
    if points.is_empty() {
        return None;
    }
    let [x0, x1, y0, y1] = bounds(&points);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let half_x = ((x1 - x0) * 0.65).max(min_span / 2.0);
    let half_y = ((y1 - y0) * 0.65).max(min_span / 3.0);
    Some([cx - half_x, cx + half_x, cy - half_y, cy + half_y])
}

fn lines_legend(y: f64, changed: bool) -> String {
    let mut out = String::new();
    let mut y = y;
    let mut entries: Vec<(&str, &str, f64, &str)> = vec![
        ("road", "#a7adb7", 1.5, ""),
        ("HSR / intercity", "#7b3fa0", 2.0, ""),
        ("rail", "#8c564b", 2.0, ""),
        ("subway", "#2b7bb9", 2.0, ""),
        ("bus", "#2ca02c", 2.0, ""),
        ("custom bus", "#ff7f0e", 2.0, ""),
    ];
    if changed {
        entries.push(("added or changed", "#d62728", 4.0, ""));
        entries.push(("removed", "#d62728", 3.0, " stroke-dasharray=\"7 5\""));
    }
    for (name, color, width, dash) in entries {
        let _ = write!(
            out,
            "<line x1=\"0\" x2=\"26\" y1=\"{y}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"{width}\"{dash}/><text x=\"32\" y=\"{}\" font-size=\"11\">{name}</text>",
            y + 4.0
        );
        y += 17.0;
    }
    out
}

fn scale_legend(title: &str, stops: &[(String, String)]) -> String {
    let mut out = format!(
        "<text x=\"0\" y=\"0\" font-size=\"11\" font-weight=\"600\">{}</text>",
        esc(title)
    );
    for (i, (color, label)) in stops.iter().enumerate() {
        let y = 10.0 + 17.0 * i as f64;
        let _ = write!(
            out,
            "<circle cx=\"7\" cy=\"{}\" r=\"6\" fill=\"{color}\" stroke=\"#334\" stroke-width=\"0.8\"/><text x=\"20\" y=\"{}\" font-size=\"11\">{}</text>",
            y + 4.0,
            y + 8.0,
            esc(label)
        );
    }
    out
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
        let class = if d.delta < 0.0 { "good" } else { "bad" };
        let _ = write!(
            t,
            "<tr><td class=l>{}</td><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td class={class}>{}</td></tr>",
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

fn policy_label(key: &str) -> (&'static str, bool, usize) {
    // (label, shown as a percentage, decimals)
    match key {
        "one_hour_circle_residents_p50" => (
            "Residents within 60 min of central Beijing (median morning)",
            false,
            0,
        ),
        "one_hour_circle_residents_p80" => (
            "Residents within 60 min of central Beijing (4 mornings in 5)",
            false,
            0,
        ),
        "two_hour_circle_share" => (
            "City pairs within 2 h by public transport (median)",
            true,
            1,
        ),
        "satellite_jobs_within_60min" => {
            ("Beijing jobs within 60 min of Xiong'an (median)", false, 0)
        }
        "satellite_jobs_within_90min" => {
            ("Beijing jobs within 90 min of Xiong'an (median)", false, 0)
        }
        "share_within_60" => ("Commuters between zones within 60 min", true, 1),
        _ => ("", false, 2),
    }
}

fn policy_value(x: Option<f64>, percent: bool, decimals: usize, sign: bool) -> String {
    match x {
        None => "–".into(),
        Some(x) if percent => {
            let v = x * 100.0;
            if sign {
                format!("{} pp", signed(v, decimals))
            } else {
                format!("{} %", num(v, decimals))
            }
        }
        Some(x) if sign => {
            let s = int(x);
            if x > 0.5 { format!("+{s}") } else { s }
        }
        Some(x) => int(x),
    }
}

fn zone_names<'a>(run: &RunData<'a>) -> HashMap<&'a str, &'a str> {
    run.run
        .tables
        .zones
        .iter()
        .map(|z| (z.zone.as_str(), z.name.as_str()))
        .collect()
}

fn modifications(mods: &[String]) -> String {
    if mods.is_empty() {
        return "<p class=note>No modifications: the network as it is.</p>".into();
    }
    let mut out = String::from("<ul class=mods>");
    for m in mods {
        let _ = write!(out, "<li>{}</li>", esc(m));
    }
    out.push_str("</ul>");
    out
}

/// The report of a comparison.
pub fn compare_html(c: &Comparison, before: &RunData<'_>, after: &RunData<'_>) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{} → {}</h1><p class=lead>{}</p>",
        esc(&c.before.scenario),
        esc(&c.after.scenario),
        esc(&c.after.description)
    );
    let _ = write!(
        b,
        "<p class=note>Both runs: seed {}, {} draws (mornings) x every departure minute. {}</p>",
        c.after.seed,
        c.after.draws,
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
    let r = &c.region;
    let same = r.time_change;
    b.push_str("<h2>Headline</h2><div class=cards>");
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
            "commuter-hours saved per morning (rule of a half){}, worth {} yuan at {} yuan/h",
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
    b.push_str("<section><h2>Policy goals</h2><table><tr><th class=l>metric</th><th>before</th><th>after</th><th>change</th></tr>");
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
            policy_value(p.before, percent, decimals, false),
            policy_value(p.after, percent, decimals, false),
            policy_value(p.delta, percent, decimals, true)
        );
    }
    b.push_str("</table><p class=note>Zones of each metric: <code>[policy]</code> in the network's network.toml. \"Median morning\": the median of the simulated mornings and departure minutes.</p></section>");
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
        "<section><h2>Mode shares</h2>{}<p class=note>Commuters between zones, by the mode chosen (custom-bus riders beyond the seats take their next-best mode).</p></section>",
        shares_svg(&[("before", r.shares[0]), ("after", r.shares[1])])
    );
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
    let names = zone_names(after);
    let _ = write!(
        b,
        "<section><h2>Top 20 improvements</h2>{}<p class=note>Zone pairs with at least 100 commuters in both runs, by the change of their commuters' mean door-to-door minutes (chosen mode).</p></section><section><h2>Top 20 worsenings</h2>{}</section>",
        od_table(&c.top_improvements, &names),
        od_table(&c.top_worsenings, &names)
    );
    let mut lines: Vec<&super::LineChange> = c.lines.iter().collect();
    let change = |l: &super::LineChange| match l.boardings {
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
    if let Some(links) = &c.links {
        b.push_str(&road_traffic(links, &zones, before, after));
    } else if let Some(note) = &c.links_note {
        let _ = write!(b, "<p class=note>{}</p>", esc(note));
    }
    b.push_str("<section><h2>Zones</h2><table><tr><th class=l>zone</th><th>residents</th><th>commuters after</th><th>travel time, same trips, before</th><th>after</th><th>change, min [95% CI]</th><th>mean commute before → after</th><th>median before → after</th><th>car share before → after</th></tr>");
    for z in &c.zones {
        let d = z.time_change;
        let mean = z.mean_commute;
        let class = match d {
            Some(d) if d.delta < 0.0 => "good",
            Some(d) if d.delta > 0.0 => "bad",
            _ => "",
        };
        let _ = write!(
            b,
            "<tr><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{class}\">{}</td><td>{} → {}</td><td>{}</td><td>{} % → {} %</td></tr>",
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
            num(z.shares[1][0] * 100.0, 1)
        );
    }
    b.push_str("</table></section>");
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
    let signed_int = |x: f64| {
        if x > 0.5 {
            format!("+{}", int(x))
        } else {
            int(x)
        }
    };
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
    let roads = super::output::road_volumes(links);
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
    let layer = RoadLayer { change, limit };
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

fn traffic_legend(limit: f64) -> String {
    let mut out = String::from(
        "<text x=\"0\" y=\"0\" font-size=\"11\" font-weight=\"600\">peak-hour cars, change</text>",
    );
    let stops = [limit, limit / 2.0, 0.0, -limit / 2.0, -limit];
    for (i, d) in stops.into_iter().enumerate() {
        let y = 16.0 + 18.0 * i as f64;
        let label = if d > 0.0 {
            format!("+{} veh/h", int(d))
        } else if d < 0.0 {
            format!("{} veh/h", int(d))
        } else {
            "no change".into()
        };
        let _ = write!(
            out,
            "<line x1=\"0\" x2=\"26\" y1=\"{y}\" y2=\"{y}\" stroke=\"{}\" stroke-width=\"{:.1}\"/><text x=\"32\" y=\"{}\" font-size=\"11\">{label}</text>",
            volume_color(d, limit),
            volume_width(d, limit),
            y + 4.0
        );
    }
    let y = 16.0 + 18.0 * 5.0;
    let _ = write!(
        out,
        "<line x1=\"0\" x2=\"26\" y1=\"{y}\" y2=\"{y}\" stroke=\"#1f5fbf\" stroke-width=\"3\" stroke-dasharray=\"7 5\"/><text x=\"32\" y=\"{}\" font-size=\"11\">removed road</text>",
        y + 4.0
    );
    out
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

/// The road-traffic section of a single run with congestion: the rounds, the totals and the
/// most loaded links.
fn run_road_traffic(congestion: &CongestionInfo, links: &[LinkRow]) -> String {
    let last = &congestion.final_assignment;
    let rounds = congestion.rounds.len();
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
    b.push_str(&card(
        &format!(
            "{rounds} {}",
            if congestion.converged {
                "rounds, converged"
            } else {
                "rounds, NOT converged"
            }
        ),
        "of mode choice and assignment (summary.json: congestion)",
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
    b.push_str("<h2>Headline</h2><div class=cards>");
    b.push_str(&card(
        &format!("{} min", num(d.mean_commute_min, 1)),
        "mean commute between zones",
    ));
    b.push_str(&card(
        &format!("{} %", num(d.share_within_60 * 100.0, 1)),
        "of commuters between zones within 60 min",
    ));
    b.push_str(&card(
        &int(d.commuters),
        "commuters between zones per morning",
    ));
    b.push_str(&card(
        &int(d.intrazonal_commuters),
        "commuters within their own zone (not routed)",
    ));
    b.push_str("</div>");
    b.push_str(
        "<section><h2>Policy goals</h2><table><tr><th class=l>metric</th><th>value</th></tr>",
    );
    for (k, v) in s.policy.metrics() {
        let (label, percent, decimals) = policy_label(k);
        let _ = write!(
            b,
            "<tr><td class=l>{}</td><td>{}</td></tr>",
            esc(if label.is_empty() { k } else { label }),
            policy_value(v, percent, decimals, false)
        );
    }
    b.push_str("</table></section>");
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
    let means: Vec<f64> = tables
        .zones
        .iter()
        .filter_map(|z| value(z.mean_commute_min))
        .collect();
    let (lo, hi) = (
        means.iter().copied().fold(f64::MAX, f64::min),
        means.iter().copied().fold(f64::MIN, f64::max),
    );
    let by_id: HashMap<&str, &ZoneRow> =
        tables.zones.iter().map(|z| (z.zone.as_str(), z)).collect();
    let zones: Vec<(Value, ZoneMark)> = run.zones_geojson["features"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let id = f["properties"]["zone"].as_str().unwrap_or_default();
            let z = by_id.get(id);
            let mean = z.and_then(|z| value(z.mean_commute_min));
            (
                f["geometry"].clone(),
                ZoneMark {
                    residents: z.map_or(0.0, |z| z.residents as f64),
                    priority: 0.0,
                    name: z.map_or(id.to_owned(), |z| z.name.clone()),
                    color: mean.map_or("#ddd".into(), |m| sequential(m, lo, hi)),
                    label: format!(
                        "mean commute {} min",
                        mean.map_or("–".into(), |m| num(m, 1))
                    ),
                },
            )
        })
        .collect();
    let features: Vec<(Value, &str)> = run.network_geojson["features"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| (f.clone(), "same"))
        .collect();
    let legend = format!(
        "{}<g transform=\"translate(0 110)\">{}</g>",
        scale_legend(
            "mean commute, min",
            &[
                (sequential(lo, lo, hi), num(lo, 0)),
                (sequential((lo + hi) / 2.0, lo, hi), num((lo + hi) / 2.0, 0)),
                (sequential(hi, lo, hi), num(hi, 0)),
            ]
        ),
        lines_legend(0.0, false)
    );
    let _ = write!(
        b,
        "<section><h2>Map</h2>{}<p class=note>Zones (circle area ~ residents) coloured by the mean commute of their commuters to other zones.</p></section>",
        map_svg(&features, &zones, &legend, None, None)
    );
    let mut lines: Vec<&LineRow> = tables.lines.iter().collect();
    lines.sort_by(|a, b| {
        b.boardings
            .get()
            .total_cmp(&a.boardings.get())
            .then(a.line.cmp(&b.line))
    });
    b.push_str("<section><h2>Busiest lines</h2><table><tr><th class=l>line</th><th class=l>mode</th><th>boardings</th><th>peak load</th><th>load factor</th><th>denied</th></tr>");
    for l in lines.iter().take(15) {
        let _ = write!(
            b,
            "<tr><td class=l>{} {}</td><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&l.line),
            esc(&l.name),
            esc(l.mode.as_str()),
            int(l.boardings.get()),
            int(l.peak_load.get()),
            if l.vehicle_capacity > 0 {
                num(l.peak_load.get() / f64::from(l.vehicle_capacity), 2)
            } else {
                "–".into()
            },
            int(l.denied_boardings.get())
        );
    }
    b.push_str("</table><p class=note>Per morning; loads are the modelled commuters between zones, assigned all-or-nothing from zone centres (see lines.csv).</p></section>");
    if let (Some(links), Some(congestion)) = (&tables.links, &s.congestion) {
        b.push_str(&run_road_traffic(congestion, links));
    }
    b.push_str("<section><h2>Zones</h2><table><tr><th class=l>zone</th><th>residents</th><th>commuters</th><th>mean commute, min</th><th>car</th><th>transit</th><th>custom bus</th><th>jobs within 60 min</th></tr>");
    for z in &tables.zones {
        let shares = z.shares();
        let _ = write!(
            b,
            "<tr><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} %</td><td>{} %</td><td>{} %</td><td>{}</td></tr>",
            esc(&z.name),
            int(z.residents as f64),
            int(z.commuters.get()),
            value(z.mean_commute_min).map_or("–".into(), |m| num(m, 1)),
            num(shares[0] * 100.0, 1),
            num(shares[1] * 100.0, 1),
            num(shares[2] * 100.0, 1),
            int(z.jobs_within_60min_p50 as f64)
        );
    }
    b.push_str("</table></section><p class=note>Written by commute run. Files beside this report: od.csv, zones.csv, lines.csv, draws.csv, distribution.csv, summary.json, zones.geojson, network.geojson (and links.csv with road congestion).</p>");
    page(&format!("{name}: commute run"), &b)
}
