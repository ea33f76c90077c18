//! The text of a report: escaping, number formatting, the page shell with its style, headline
//! cards, and the labels of the policy metrics both pages show.

use crate::compare::Delta;
use crate::run::Range;
use std::fmt::Write;

/// Escapes text for HTML.
pub(super) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(super) fn num(x: f64, decimals: usize) -> String {
    crate::run::fixed(x, decimals)
}

/// A whole number with thousands separators.
pub(super) fn int(x: f64) -> String {
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

pub(super) fn signed(x: f64, decimals: usize) -> String {
    let text = num(x, decimals);
    if x > 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        format!("+{text}")
    } else {
        text
    }
}

/// A whole number with thousands separators, with a `+` when it rounds above zero.
pub(super) fn signed_int(x: f64) -> String {
    if x > 0.5 {
        format!("+{}", int(x))
    } else {
        int(x)
    }
}

pub(super) fn delta_text(d: Option<Delta>, decimals: usize) -> String {
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

pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        esc(title)
    )
}

pub(super) fn minutes_pair(q: [Option<f64>; 2]) -> String {
    let m = |x: Option<f64>| x.map_or("–".into(), |x| num(x, 0));
    format!("{} → {} min", m(q[0]), m(q[1]))
}

pub(super) fn card(value: &str, key: &str) -> String {
    format!("<div class=card><div class=v>{value}</div><div class=k>{key}</div></div>")
}

pub(super) fn policy_label(key: &str) -> (&'static str, bool, usize) {
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

pub(super) fn policy_value(x: Option<f64>, percent: bool, decimals: usize, sign: bool) -> String {
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

/// A policy metric with its 95% bootstrap range, e.g. `10,190,000 <span class=ci>[9,900,000,
/// 11,600,000]</span>` (the value alone without a range).
pub(super) fn policy_with_range(
    x: Option<f64>,
    range: Option<Range>,
    percent: bool,
    decimals: usize,
) -> String {
    let value = policy_value(x, percent, decimals, false);
    match range.filter(|_| x.is_some()) {
        Some(r) => format!(
            "{value} <span class=ci>[{}, {}]</span>",
            policy_value(Some(r.low), percent, decimals, false),
            policy_value(Some(r.high), percent, decimals, false)
        ),
        None => value,
    }
}

/// A note on continuous accessibility, with its decay.
pub(super) fn access_note(decay_per_min: f64, intrazonal_min: f64) -> String {
    format!(
        "Continuous accessibility: per zone, the jobs of every zone weighted by exp(−{} × door-to-door minutes) (the destination choice's deterrence, <code>[demand] beta_per_min</code>; a zone's own jobs at {} min), averaged over departures and mornings, then the residents-weighted mean over zones, in jobs-equivalent: a job 10 minutes nearer counts {}× more. It moves with every minute gained or lost, where the threshold counts below jump when a time crosses 60 or 90 minutes.",
        num(decay_per_min, 3),
        num(intrazonal_min, 0),
        num((decay_per_min * 10.0).exp(), 2)
    )
}

pub(super) fn modifications(mods: &[String]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_what_html_gives_a_meaning_to() {
        assert_eq!(
            esc("Tong<zhou> & \"east\""),
            "Tong&lt;zhou&gt; &amp; &quot;east&quot;"
        );
        // Attributes are always double-quoted, so an apostrophe stays as it is.
        assert_eq!(esc("Xiong'an"), "Xiong'an");
        // `&` first: an escaped text is not escaped twice over.
        assert_eq!(esc("&lt;"), "&amp;lt;");
    }

    #[test]
    fn whole_numbers_have_thousands_separators_and_a_sign_only_when_negative() {
        assert_eq!(int(0.0), "0");
        assert_eq!(int(999.0), "999");
        assert_eq!(int(1000.0), "1,000");
        assert_eq!(int(1_234_567.4), "1,234,567");
        assert_eq!(int(-1234.0), "-1,234");
        // What rounds to zero has no sign.
        assert_eq!(int(-0.4), "0");
        assert_eq!(signed_int(1500.0), "+1,500");
        assert_eq!(signed_int(0.4), "0");
        assert_eq!(signed_int(-1500.0), "-1,500");
    }

    #[test]
    fn decimals_are_fixed_and_signed_only_when_not_zero() {
        assert_eq!(num(2.0, 2), "2.00");
        assert_eq!(num(-0.001, 1), "0.0");
        assert_eq!(signed(1.26, 1), "+1.3");
        assert_eq!(signed(-1.26, 1), "-1.3");
        assert_eq!(signed(0.04, 1), "0.0");
        assert_eq!(signed(-0.04, 1), "0.0");
        assert_eq!(minutes_pair([Some(41.6), None]), "42 → – min");
    }

    #[test]
    fn a_change_shows_its_interval() {
        let d = Delta {
            before: 10.0,
            after: 11.5,
            delta: 1.5,
            ci_low: -0.5,
            ci_high: 2.5,
            draws: 2,
        };
        assert_eq!(
            delta_text(Some(d), 2),
            "+1.50 <span class=ci>[-0.50, +2.50]</span>"
        );
        assert_eq!(delta_text(None, 2), "–");
    }

    #[test]
    fn policy_values_are_counts_or_percentages() {
        let (label, percent, decimals) = policy_label("share_within_60");
        assert_eq!(label, "Commuters between zones within 60 min");
        assert_eq!(
            policy_value(Some(0.4321), percent, decimals, false),
            "43.2 %"
        );
        assert_eq!(
            policy_value(Some(0.015), percent, decimals, true),
            "+1.5 pp"
        );
        let (_, percent, decimals) = policy_label("one_hour_circle_residents_p50");
        assert_eq!(
            policy_value(Some(12_345.0), percent, decimals, true),
            "+12,345"
        );
        assert_eq!(policy_value(None, percent, decimals, false), "–");
        assert_eq!(policy_label("unknown").0, "");
    }

    #[test]
    fn the_page_shell_escapes_its_title_and_holds_the_body() {
        let html = page("a<b", &card("3", "things"));
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.contains("<title>a&lt;b</title>"));
        assert!(html.contains(
            "<main>\n<div class=card><div class=v>3</div><div class=k>things</div></div></main>"
        ));
        assert_eq!(html.matches("<html").count(), 1);
        assert!(modifications(&[]).contains("No modifications"));
        assert_eq!(
            modifications(&["add <line>".into()]),
            "<ul class=mods><li>add &lt;line&gt;</li></ul>"
        );
    }
}
