//! Transfers, from `metadata.json5`: for each station listed under `transfers`, the mean of its
//! transfer minutes over all line pairs and directions (a pair listed one way only counts for
//! both ways, as the data's convention says), ignoring entries limited by `apply_time`; each
//! of its `virtual_transfers` between differently named stations becomes a `from != to` row.

use super::json::{Document, Found, problem, text};
use super::run_times::round;
use super::stations::Stations;
use serde_json::Value;

/// A change of line: within one station (`from == to`) or a walk between two.
pub(super) struct Transfer {
    /// Chinese station names.
    pub from: String,
    pub to: String,
    pub minutes: f64,
}

/// The transfers of `metadata.json5`, in the file's order (stations, then virtual transfers).
pub(super) fn transfers(metadata: &Document, stations: &Stations) -> Found<Vec<Transfer>> {
    let mut out = Vec::new();
    let known = |cn: &str, field: &str| -> Found<String> {
        if stations.get(cn).is_none() {
            return Err(problem(
                &metadata.path,
                field,
                format!("transfer station {cn} is on no line"),
            ));
        }
        Ok(cn.to_owned())
    };
    let listed = metadata.value.get("transfers").and_then(Value::as_object);
    for (cn, specs) in listed.into_iter().flatten() {
        let specs = specs.as_array().map(Vec::as_slice).unwrap_or_default();
        if let Some(minutes) = mean_transfer(specs) {
            let station = known(cn, &format!("transfers.{cn}"))?;
            out.push(Transfer {
                from: station.clone(),
                to: station,
                minutes,
            });
        }
    }
    let virtual_transfers = metadata
        .value
        .get("virtual_transfers")
        .and_then(Value::as_array);
    for (i, v) in virtual_transfers.into_iter().flatten().enumerate() {
        let field = |name: &str| format!("virtual_transfers[{i}].{name}");
        let end = |name: &str| {
            text(v, name).ok_or_else(|| problem(&metadata.path, field(name), "no station"))
        };
        let (from, to) = (end("from_station")?, end("to_station")?);
        let specs = v
            .get("times")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(minutes) = mean_transfer(specs) {
            out.push(Transfer {
                from: known(from, &field("from_station"))?,
                to: known(to, &field("to_station"))?,
                minutes,
            });
        }
    }
    Ok(out)
}

/// Mean minutes over the always-valid entries, to 2 decimals; an entry whose line pair is
/// listed one way only also stands for the way back.
fn mean_transfer(specs: &[Value]) -> Option<f64> {
    let valid: Vec<(&str, &str, f64)> = specs
        .iter()
        .filter(|s| s.get("apply_time").is_none())
        .filter_map(|s| {
            Some((
                text(s, "from")?,
                text(s, "to")?,
                s.get("minutes")?.as_f64()?,
            ))
        })
        .collect();
    let mut sum = 0.0;
    let mut n = 0u32;
    for &(from, to, m) in &valid {
        let weight = if valid.iter().any(|&(f, t, _)| f == to && t == from) {
            1
        } else {
            2
        };
        sum += m * f64::from(weight);
        n += weight;
    }
    (n > 0).then(|| round(sum / f64::from(n), 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_way_entries_count_both_ways_and_timed_ones_not_at_all() {
        let specs = [
            json!({"from": "1号线", "to": "2号线", "minutes": 3.5}),
            json!({"from": "2号线", "to": "1号线", "minutes": 0.5}),
            json!({"from": "1号线", "to": "2号线", "minutes": 1, "apply_time": []}),
            json!({"from": "1号线", "to": "3号线", "minutes": 4}),
        ];
        // (3.5 + 0.5 + 2 x 4) / 4
        assert_eq!(mean_transfer(&specs), Some(3.0));
        assert_eq!(mean_transfer(&[]), None);
    }
}
