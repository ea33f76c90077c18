//! The report's charts as inline SVG: cumulative travel-time distributions and stacked
//! mode-share bars.

use super::html::{esc, num};
use crate::run::schema::SHARES;
use std::fmt::Write;

/// The travel-time distributions as cumulative curves: share of commuters (%) arriving within
/// x minutes, 0-180 minutes.
pub(super) fn cdf_svg(series: &[(&str, &str, bool, &[f64])]) -> String {
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
        // The legend sits in the lower right, which a cumulative curve of commutes reaches
        // last (most arrive well before its minutes), on a backing so a curve never runs
        // through its text.
        let ly = h - bottom - 14.0 - 18.0 * (series.len() - 1 - i) as f64;
        if i == 0 {
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"186\" height=\"{}\" fill=\"#fff\" fill-opacity=\"0.9\"/>",
                w - right - 196.0,
                ly - 12.0,
                18.0 * series.len() as f64 + 6.0
            );
        }
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

const MODE_COLORS: [(&str, &str); SHARES] = [
    ("car", "#8c6d31"),
    ("transit", "#1f77b4"),
    ("custom bus", "#ff7f0e"),
    ("walk", "#2ca02c"),
    ("cycle", "#17becf"),
    ("taxi", "#d62728"),
    ("unserved", "#b0b7c3"),
];

/// Stacked bars of mode shares, one per run.
pub(super) fn shares_svg(rows: &[(&str, [f64; SHARES])]) -> String {
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
        let lx = 10.0 + i as f64 * 100.0;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The `points` of each polyline in `svg`.
    fn polylines(svg: &str) -> Vec<Vec<(f64, f64)>> {
        svg.split("<polyline points=\"")
            .skip(1)
            .map(|rest| {
                rest[..rest.find('"').unwrap()]
                    .split(' ')
                    .map(|p| {
                        let (x, y) = p.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_cdf_has_axes_and_one_rising_curve_per_series() {
        let before = [0.0, 1.0, 1.0, 2.0];
        let after = [1.0, 3.0];
        let nobody = [0.0; 3];
        let svg = cdf_svg(&[
            ("before <base>", "#6b7587", true, &before),
            ("after", "#1f77b4", false, &after),
            ("empty", "#000", false, &nobody),
        ]);
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        // Share axis 0-100 % in steps of 20, minutes 0-180 in steps of 30.
        for label in ["0%", "20%", "100%"] {
            assert!(svg.contains(&format!(">{label}</text>")), "{label}");
        }
        for m in [0, 30, 180] {
            assert!(svg.contains(&format!("text-anchor=\"middle\">{m}</text>")));
        }
        // A series with nobody in it is left out; the first is dashed.
        let curves = polylines(&svg);
        assert_eq!(curves.len(), 2);
        assert_eq!(svg.matches("stroke-dasharray=\"6 4\"").count(), 2);
        assert!(svg.contains(">before &lt;base&gt;</text>"));
        assert!(!svg.contains(">empty<"));
        // Each starts at 0 minutes, 0 %, (56, 256) and ends at 100 % (y 14), one point a minute.
        for (curve, counts) in curves.iter().zip([before.len(), after.len()]) {
            assert_eq!(curve[0], (56.0, 256.0));
            assert_eq!(curve.len(), counts + 1);
            assert_eq!(curve.last().unwrap().1, 14.0);
            assert!(
                curve
                    .windows(2)
                    .all(|p| p[1].0 > p[0].0 && p[1].1 <= p[0].1)
            );
        }
        // A quarter of `before` within 2 minutes: y 14 + 0.75 * 242.
        assert_eq!(curves[0][2], (63.2, 195.5));
    }

    #[test]
    fn each_share_bar_spans_the_width() {
        let svg = shares_svg(&[
            ("before", [0.25, 0.25, 0.1, 0.1, 0.1, 0.1, 0.1]),
            ("after & more", [0.5, 0.2, 0.05, 0.05, 0.1, 0.05, 0.05]),
        ]);
        assert!(svg.contains(">after &amp; more</text>"));
        for y in ["8", "48"] {
            let widths: Vec<f64> = svg
                .split(&format!("\" y=\"{y}\" width=\""))
                .skip(1)
                .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
                .collect();
            assert_eq!(widths.len(), SHARES);
            let total: f64 = widths.iter().sum();
            assert!((total - 590.0).abs() < 0.2, "{total}");
        }
        // Shares wide enough are labelled; the legend names every mode.
        assert!(svg.contains(">50.0%</text>"));
        for (mode, _) in MODE_COLORS {
            assert!(svg.contains(&format!(">{mode}</text>")));
        }
    }
}
