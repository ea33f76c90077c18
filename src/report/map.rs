//! The report's map as inline SVG, drawn from the node coordinates of the run's GeoJSON (no
//! tiles, so it works offline): roads and lines, zones as circles coloured on a scale, optional
//! road-volume layers, legends and a detail window around what changed.

use super::html::{esc, int};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// A colour for `value` on a diverging scale (negative green, positive red) up to `limit`.
pub(super) fn diverging(value: f64, limit: f64) -> String {
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
pub(super) fn sequential(value: f64, lo: f64, hi: f64) -> String {
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
pub(super) struct ZoneMark {
    pub(super) residents: f64,
    /// Labels are placed in decreasing priority (the rest only if they fit).
    pub(super) priority: f64,
    pub(super) name: String,
    pub(super) color: String,
    pub(super) label: String,
}

/// Road links drawn by the change of their volume: red more traffic, blue less, wider the larger
/// the change (`limit` and above at full width).
pub(super) struct RoadLayer<'a> {
    /// Per road link id: volume change (both directions), tooltip text.
    pub(super) change: HashMap<&'a str, (f64, String)>,
    pub(super) limit: f64,
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

/// The points of a GeoJSON geometry (a Point or a LineString), `[lon, lat]` in degrees; a
/// coordinate that is not a number counts as 0.
fn geometry_points(g: &Value) -> Vec<(f64, f64)> {
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
}

/// From degrees to the map's SVG units: an equirectangular projection with the longitude scaled
/// by the cosine of the window's middle latitude, fitted into the drawing area.
struct Projection {
    /// The window's west edge and south edge, degrees.
    x0: f64,
    y0: f64,
    /// Cosine of the window's middle latitude.
    k: f64,
    /// SVG units per degree of latitude.
    scale: f64,
    /// The SVG's height and the margin around the drawing, SVG units.
    h: f64,
    pad: f64,
}

impl Projection {
    fn px(&self, x: f64) -> f64 {
        self.pad + (x - self.x0) * self.k * self.scale
    }

    fn py(&self, y: f64) -> f64 {
        self.h - self.pad - (y - self.y0) * self.scale
    }

    /// SVG polyline points of `pts`.
    fn path(&self, pts: &[(f64, f64)]) -> String {
        pts.iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", self.px(x), self.py(y)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The map: roads and lines from `features` (with their change), zones as circles sized by
/// residents and coloured as given, and a legend. With a road layer, roads are drawn by their
/// volume change in the order given and lines faintly.
pub(super) fn map_svg(
    features: &[(Value, &str)],
    zones: &[(Value, ZoneMark)],
    legend: &str,
    window: Option<[f64; 4]>,
    roads: Option<&RoadLayer<'_>>,
) -> String {
    let all: Vec<(f64, f64)> = features
        .iter()
        .flat_map(|(f, _)| geometry_points(&f["geometry"]))
        .chain(zones.iter().flat_map(|(g, _)| geometry_points(g)))
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
    let projection = Projection {
        x0,
        y0,
        k,
        scale,
        h,
        pad,
    };
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"Map of the region\" style=\"background:#fbfcfd\"><defs><clipPath id=\"frame{n}\"><rect x=\"0\" y=\"0\" width=\"{}\" height=\"{h}\"/></clipPath></defs><g clip-path=\"url(#frame{n})\">",
        w - 200.0,
        n = u8::from(window.is_some()) + 2 * u8::from(roads.is_some())
    );
    features_svg(&mut svg, features, roads, &projection);
    zones_svg(&mut svg, zones, &projection, (w - 200.0, h));
    svg.push_str("</g>");
    let _ = write!(
        svg,
        "<g transform=\"translate({} 20)\">{legend}</g>",
        w - 190.0
    );
    svg.push_str("</svg>");
    svg
}

/// Draws the roads and lines of `features` onto `svg`: unchanged first, changed on top (with a
/// road layer: in the order given, coloured by the layer).
fn features_svg(
    svg: &mut String,
    features: &[(Value, &str)],
    roads: Option<&RoadLayer<'_>>,
    projection: &Projection,
) {
    for pass in [false, true] {
        for (f, change) in features {
            let changed = *change != "same" && roads.is_none();
            if changed != pass {
                continue;
            }
            let pts = geometry_points(&f["geometry"]);
            let p = &f["properties"];
            if let Some(layer) = roads {
                road_layer_feature(svg, p, change, &projection.path(&pts), layer);
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
                projection.path(&pts),
                esc(p["id"].as_str().unwrap_or_default()),
                esc(p["name"].as_str().unwrap_or_default())
            );
        }
    }
}

/// Draws one feature (properties `p`, SVG points `points`) of a map with a road layer: a road by
/// its volume change, a line faintly.
fn road_layer_feature(
    svg: &mut String,
    p: &Value,
    change: &str,
    points: &str,
    layer: &RoadLayer<'_>,
) {
    let id = p["id"].as_str().unwrap_or_default();
    let dash = if change == "removed" {
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
        "<polyline points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{width:.1}\" stroke-opacity=\"{opacity}\" stroke-linejoin=\"round\" stroke-linecap=\"round\"{dash}><title>{} {}{}</title></polyline>",
        esc(id),
        esc(p["name"].as_str().unwrap_or_default()),
        esc(&title)
    );
}

/// Draws the zones onto `svg` as circles (area ~ residents) and their labels above everything.
/// Zones by priority, then size, get their labels; a label that would overlap a placed one or
/// cross the edge of the drawing (`frame`: its width and height, SVG units) is left out (the name
/// is still in the circle's tooltip).
fn zones_svg(
    svg: &mut String,
    zones: &[(Value, ZoneMark)],
    projection: &Projection,
    (frame_w, frame_h): (f64, f64),
) {
    let max_residents = zones.iter().map(|(_, z)| z.residents).fold(1.0, f64::max);
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
        let Some(&(x, y)) = geometry_points(g).first() else {
            continue;
        };
        let r = 4.0 + 14.0 * (z.residents / max_residents).sqrt();
        let (cx, cy) = (projection.px(x), projection.py(y));
        let _ = write!(
            svg,
            "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"{r:.1}\" fill=\"{}\" stroke=\"#334\" stroke-width=\"0.8\"><title>{}: {}</title></circle>",
            z.color,
            esc(&z.name),
            esc(&z.label)
        );
        let lw = 6.0 * z.name.chars().count() as f64;
        let free = |lx: f64, ly: f64| {
            let inside = lx >= 2.0 && lx + lw <= frame_w - 2.0 && ly >= 12.0 && ly <= frame_h - 3.0;
            inside
                && !placed
                    .iter()
                    .any(|&(px, py, pw)| lx < px + pw && px < lx + lw && (ly - py).abs() < 11.0)
        };
        // Right of the circle, else left, above or below it, else at one of its corners.
        let d = r * std::f64::consts::FRAC_1_SQRT_2 + 2.0;
        let candidates = [
            (cx + r + 2.0, cy + 3.0),
            (cx - r - 2.0 - lw, cy + 3.0),
            (cx - lw / 2.0, cy - r - 3.0),
            (cx - lw / 2.0, cy + r + 10.0),
            (cx + d, cy - d),
            (cx + d, cy + d + 7.0),
            (cx - d - lw, cy - d),
            (cx - d - lw, cy + d + 7.0),
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
}

/// `[lon min, lon max, lat min, lat max]` of `points`.
pub(super) fn bounds(points: &[(f64, f64)]) -> [f64; 4] {
    let mut b = [f64::MAX, f64::MIN, f64::MAX, f64::MIN];
    for &(x, y) in points {
        b = [b[0].min(x), b[1].max(x), b[2].min(y), b[3].max(y)];
    }
    b
}

/// The window of a detail map around what changed: the changed features and the zones whose
/// commute changed most, padded, at least `min_span` degrees across; `None` when nothing did.
pub(super) fn detail_window(
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

pub(super) fn lines_legend(y: f64, changed: bool) -> String {
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

pub(super) fn scale_legend(title: &str, stops: &[(String, String)]) -> String {
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

pub(super) fn traffic_legend(limit: f64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn zone(name: &str, lon: f64, lat: f64, color: String) -> (Value, ZoneMark) {
        (
            json!({"type": "Point", "coordinates": [lon, lat]}),
            ZoneMark {
                residents: 1000.0,
                priority: 0.0,
                name: name.to_owned(),
                color,
                label: "mean commute 40 min".into(),
            },
        )
    }

    #[test]
    fn bounds_are_the_extremes() {
        assert_eq!(
            bounds(&[(116.0, 40.0), (117.5, 39.0), (115.0, 39.5)]),
            [115.0, 117.5, 39.0, 40.0]
        );
    }

    #[test]
    fn the_diverging_scale_is_green_grey_red_and_clamped() {
        assert_eq!(diverging(0.0, 10.0), "rgb(240,240,240)");
        assert_eq!(diverging(-10.0, 10.0), "rgb(26,150,70)");
        assert_eq!(diverging(10.0, 10.0), "rgb(198,40,40)");
        assert_eq!(diverging(25.0, 10.0), diverging(10.0, 10.0));
        assert_eq!(sequential(5.0, 5.0, 5.0), "rgb(235,240,250)");
        assert_eq!(volume_color(0.0, 10.0), "rgb(190,194,202)");
    }

    #[test]
    fn the_map_fits_the_zones_and_colours_them() {
        let line = json!({
            "geometry": {"type": "LineString", "coordinates": [[116.0, 39.0], [117.0, 40.0]]},
            "properties": {"id": "L1", "name": "a & b", "kind": "line", "mode": "subway"}
        });
        let zones = [
            zone("West <1>", 116.0, 39.0, diverging(-5.0, 10.0)),
            zone("East", 117.0, 40.0, diverging(10.0, 10.0)),
        ];
        let svg = map_svg(
            &[(line, "added")],
            &zones,
            "<text>legend</text>",
            None,
            None,
        );
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        // The bounds fill the height: (116, 39) at the bottom-left corner of the drawing,
        // (117, 40) at its top.
        assert!(svg.contains("<circle cx=\"36.0\" cy=\"664.0\""));
        assert!(svg.contains("cy=\"36.0\" r=\"18.0\" fill=\"rgb(198,40,40)\""));
        assert!(svg.contains(&format!("fill=\"{}\"", diverging(-5.0, 10.0))));
        assert!(svg.contains("<title>West &lt;1&gt;: mean commute 40 min</title>"));
        // What the scenario added is drawn red and wide.
        assert!(svg.contains("stroke=\"#d62728\" stroke-width=\"4\""));
        assert!(svg.contains("<title>L1 a &amp; b</title>"));
        assert!(svg.contains("<text>legend</text></g></svg>"));
    }

    #[test]
    fn a_map_without_coordinates_says_so() {
        assert_eq!(
            map_svg(&[], &[], "", None, None),
            "<p class=note>No coordinates to draw.</p>"
        );
    }

    #[test]
    fn the_detail_window_surrounds_what_changed() {
        let changed = json!({"geometry": {"coordinates": [[116.0, 39.0], [116.2, 39.1]]}});
        let same = json!({"geometry": {"coordinates": [[110.0, 30.0], [120.0, 45.0]]}});
        assert_eq!(detail_window(&[(same.clone(), "same")], &[], 0.6), None);
        let [x0, x1, y0, y1] =
            detail_window(&[(changed, "changed"), (same, "same")], &[], 0.6).unwrap();
        assert!(x0 < 116.0 && x1 > 116.2 && y0 < 39.0 && y1 > 39.1);
        assert!((x1 - x0 - 0.6).abs() < 1e-9, "at least 0.6 degrees across");
    }
}
