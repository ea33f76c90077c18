//! Fares: each line's `fare` in `lines.csv`, from the data's `fare_rules.json5`.
//!
//! A rule group that lists lines applies to them: with basis `single` and one rule it is a flat
//! fare (`flat:25`, the Capital Airport Express); otherwise it is charged on distance, as the
//! fare system the catalogue names for the group ([`BEIJING_FARE_SYSTEMS`]: the Xijiao tram, the
//! Daxing Airport Express), whose bands `network.toml` defines by hand. Every other line gets the
//! network's own group, the first one that lists no lines and derives from no other group (its
//! derived groups are discounts, e.g. 50% before 07:00 at 25 stations, which the model does not
//! represent).

use super::json::{Document, Found, problem, strings, text};
use crate::import::decimal;
use serde_json::Value;
use std::collections::HashMap;

/// Fare rule groups of the Beijing data and the fare systems of `networks/jjj/network.toml` that
/// charge them: (group name, fare system id).
pub const BEIJING_FARE_SYSTEMS: [(&str, &str); 3] = [
    ("大路网", "beijing_subway"),
    ("有轨电车", "beijing_tram"),
    ("大兴机场线", "daxing_airport_express"),
];

/// The fare of every line, by its Chinese name, as a `lines.csv` `fare` value.
pub(super) struct Fares {
    by_line: HashMap<String, String>,
    /// The fare of a line no group lists.
    network: String,
}

impl Fares {
    /// Reads `fare_rules.json5`; `systems` maps distance-based group names to fare systems.
    pub fn read(rules: &Document, systems: &[(&str, &str)]) -> Found<Fares> {
        let groups = rules
            .value
            .get("rule_groups")
            .and_then(Value::as_array)
            .ok_or_else(|| problem(&rules.path, "rule_groups", "no fare rule groups"))?;
        let mut by_line = HashMap::new();
        let mut network = None;
        for (i, group) in groups.iter().enumerate() {
            let field = format!("rule_groups[{i}]");
            let lines = strings(group.get("lines"));
            if group.get("derive_from").is_some() || (lines.is_empty() && network.is_some()) {
                continue;
            }
            let fare = group_fare(rules, group, &field, systems)?;
            if lines.is_empty() {
                network = Some(fare);
            } else {
                for line in lines {
                    by_line.entry(line).or_insert_with(|| fare.clone());
                }
            }
        }
        let network = network.ok_or_else(|| {
            problem(
                &rules.path,
                "rule_groups",
                "no rule group for the whole network (one without `lines` and `derive_from`)",
            )
        })?;
        Ok(Fares { by_line, network })
    }

    /// The fare of the line with this Chinese name.
    pub fn of(&self, cn_name: &str) -> &str {
        self.by_line.get(cn_name).unwrap_or(&self.network)
    }
}

/// The `fare` value of one rule group.
fn group_fare(
    rules: &Document,
    group: &Value,
    field: &str,
    systems: &[(&str, &str)],
) -> Found<String> {
    let name = text(group, "name")
        .ok_or_else(|| problem(&rules.path, format!("{field}.name"), "no name"))?;
    let fares: Vec<Option<f64>> = group
        .get("rules")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .map(|r| r.get("fare").and_then(Value::as_f64))
                .collect()
        })
        .unwrap_or_default();
    if text(group, "basis") == Some("single") {
        return match fares.as_slice() {
            [Some(yuan)] => Ok(format!("flat:{}", decimal(*yuan, 2))),
            _ => Err(problem(
                &rules.path,
                format!("{field}.rules"),
                "a single fare needs exactly one rule with a `fare`",
            )),
        };
    }
    match systems.iter().find(|(group, _)| *group == name) {
        Some((_, system)) => Ok(format!("system:{system}")),
        None => Err(problem(
            &rules.path,
            format!("{field}.name"),
            format!(
                "no fare system for the rule group {name}: the importer knows {}",
                systems
                    .iter()
                    .map(|(g, s)| format!("{g} ({s})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}
