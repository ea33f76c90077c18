//! The report pages of a run and of a comparison, built through the library from the demo
//! scenarios on two draws: their sections are there, names are escaped, no figure is written as
//! `NaN` or `inf`, and the page is well-formed enough to open (one document, every SVG closed).

use commute::compare::{self, CompareOptions, RunData};
use commute::report;
use commute::run::{self, RunOptions, RunOutput, Tables};
use std::path::Path;

/// A zone name with every character HTML gives a meaning to.
const AWKWARD: &str = "Tong<zhou> & \"east\" 'new'";

/// The same name as the page must show it.
const AWKWARD_ESCAPED: &str = "Tong&lt;zhou&gt; &amp; &quot;east&quot; 'new'";

/// Runs a shipped scenario on two draws, as `commute compare` does.
fn run_demo(file: &str) -> RunOutput {
    let scenario = commute::scenario::load(Path::new(file)).expect("a shipped scenario loads");
    run::run(&scenario, RunOptions { seed: 7, draws: 2 }, |_| {})
}

/// Renames the first zone of `output` (in its table and its GeoJSON) to [`AWKWARD`].
fn rename_first_zone(output: &mut RunOutput) {
    let Tables::MonteCarlo(tables) = &mut output.tables else {
        panic!("a Monte-Carlo run");
    };
    let zone = &mut tables.zones[0];
    zone.name = AWKWARD.to_owned();
    let id = zone.zone.clone();
    for f in output.zones_geojson["features"].as_array_mut().unwrap() {
        if f["properties"]["zone"] == id.as_str() {
            f["properties"]["name"] = AWKWARD.into();
        }
    }
}

/// Checks what every page must be: one HTML document, every `<svg` closed, every section
/// closed, no figure written as `NaN` or `inf`, and no raw awkward name.
fn assert_well_formed(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.ends_with("</html>\n"));
    assert_eq!(page.matches("<html").count(), 1);
    assert_eq!(page.matches("<svg").count(), page.matches("</svg>").count());
    assert_eq!(
        page.matches("<section>").count(),
        page.matches("</section>").count()
    );
    assert_eq!(
        page.matches("<table>").count(),
        page.matches("</table>").count()
    );
    assert!(!page.contains("<script"));
    for bad in ["NaN", "inf", "Infinity"] {
        assert!(!page.contains(bad), "{bad} in the page");
    }
    assert!(!page.contains(AWKWARD));
}

#[test]
fn the_run_page_has_its_sections_and_escapes_names() {
    let mut output = run_demo("scenarios/demo-base.toml");
    rename_first_zone(&mut output);
    let page = report::run_html(output.monte_carlo().expect("a Monte-Carlo run"));
    assert_well_formed(&page);
    let name = &output.summary.scenario.name;
    assert!(page.contains(&format!("<title>{name}: commute run</title>")));
    for heading in [
        "Scenario",
        "Headline",
        "Policy goals",
        "Door-to-door travel times",
        "Mode shares",
        "Map",
        "Busiest lines",
        "Zones",
    ] {
        assert!(
            page.contains(&format!("<h2>{heading}</h2>")),
            "no section {heading}"
        );
    }
    // Mean commute, share within 60 minutes, accessibility, commuters, intrazonal commuters.
    assert_eq!(page.matches("<div class=card>").count(), 5);
    assert!(page.contains("mean commute between zones"));
    assert!(page.contains("Accessibility, jobs-equivalent (fastest mode)"));
    assert!(page.contains("<th class=l colspan=2>Threshold counts</th>"));
    // The zone's name in the zones table, and in the map's tooltip.
    assert!(page.contains(&format!("<td class=l>{AWKWARD_ESCAPED}</td>")));
    assert!(page.contains(&format!("<title>{AWKWARD_ESCAPED}: mean commute")));
}

#[test]
fn the_compare_page_has_its_sections_and_escapes_names() {
    let before_run = run_demo("scenarios/demo-base.toml");
    let mut after_run = run_demo("scenarios/demo-line22.toml");
    rename_first_zone(&mut after_run);
    let before = RunData::new(Path::new("before"), &before_run).unwrap();
    let after = RunData::new(Path::new("after"), &after_run).unwrap();
    let mut comparison = compare::compare_runs(
        &before,
        &after,
        CompareOptions {
            allow_unpaired: false,
        },
    )
    .expect("the same seed and draws are paired");
    assert!(comparison.paired);
    comparison.zones[0].name = AWKWARD.to_owned();
    let page = report::compare_html(&comparison, &before, &after);
    assert_well_formed(&page);
    let title = format!(
        "<title>{} → {}: commute comparison</title>",
        comparison.before.scenario, comparison.after.scenario
    );
    assert!(page.contains(&title), "no {title}");
    for heading in [
        "What changed",
        "Headline",
        "Policy goals",
        "Door-to-door travel times",
        "Mode shares",
        "Map: who gains",
        "Top 20 improvements",
        "Top 20 worsenings",
        "Line ridership",
        "Zones",
    ] {
        assert!(
            page.contains(&format!("<h2>{heading}</h2>")),
            "no section {heading}"
        );
    }
    assert!(page.contains("Paired statistics"));
    assert!(page.matches("<div class=card>").count() >= 4);
    assert!(page.contains("commuter-hours saved per morning"));
    assert!(page.contains(&format!("<td class=l>{AWKWARD_ESCAPED}</td>")));
    assert!(page.contains(&format!(
        "<title>{AWKWARD_ESCAPED}: travel time of its trips"
    )));
}
