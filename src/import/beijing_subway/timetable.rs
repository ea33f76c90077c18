//! The departures of a station in a direction on an ordinary Wednesday, from the data's
//! timetable notation: schedules as lists of times or as a first train and gaps (`delta`, with
//! `[k, [...]]` repeating a pattern k times), and filters assigning trains to routing plans (by
//! time, or every (skip+1)-th train from a first one, for a count or until a time).

use super::json::{Found, text};
use super::line_file::SubwayLine;
use serde_json::Value;

/// Departures before this time of day (minutes) belong to the previous service day.
const DAY_START: i32 = 4 * 60;

/// The departures at one station in one direction, sorted, with each train's routing plan.
pub(super) struct Departures {
    /// Minutes of the service day (past 24:00 after midnight).
    pub times: Vec<i32>,
    /// Index into the direction's plans, per departure (0 unless a filter says otherwise).
    pub plans: Vec<usize>,
}

impl SubwayLine {
    /// The weekday departures at `station` in direction `d`.
    pub fn departures(&self, station: usize, d: usize) -> Found<Departures> {
        let name = &self.stations[station].name;
        let dir = &self.directions[d];
        let field = format!("timetable.{name}.{}.{}", dir.key, self.group);
        let bad = |what: &str, message: String| self.problem(format!("{field}{what}"), message);
        let entry = self
            .timetable
            .get(name)
            .and_then(|s| s.get(&dir.key))
            .and_then(|s| s.get(&self.group))
            .ok_or_else(|| {
                bad(
                    "",
                    "no timetable for this station, direction and day".into(),
                )
            })?;
        let schedule = entry
            .get("schedule")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(".schedule", "no schedule".into()))?;
        let mut times = Vec::new();
        for (i, part) in schedule.iter().enumerate() {
            let at = format!(".schedule[{i}]");
            read_schedule(part, &mut times).map_err(|m| bad(&at, m))?;
        }
        times.sort_unstable();
        times.dedup();
        let mut plans = vec![0usize; times.len()];
        let filters = entry.get("filters").and_then(Value::as_array);
        for (i, filter) in filters.into_iter().flatten().enumerate() {
            let at = format!(".filters[{i}]");
            let plan_name = text(filter, "plan").ok_or_else(|| bad(&at, "no plan".into()))?;
            let plan = dir
                .plans
                .iter()
                .position(|p| p.name == plan_name)
                .ok_or_else(|| bad(&at, format!("unknown plan {plan_name}")))?;
            for train in filtered(filter, &times).map_err(|m| bad(&at, m))? {
                plans[train] = plan;
            }
        }
        Ok(Departures { times, plans })
    }
}

/// Adds the times of one part of a schedule.
fn read_schedule(part: &Value, times: &mut Vec<i32>) -> Result<(), String> {
    if let Some(trains) = part.get("trains") {
        for t in trains.as_array().into_iter().flatten() {
            times.push(clock(t)?);
        }
        return Ok(());
    }
    let first = part
        .get("first_train")
        .ok_or("neither trains nor first_train")?;
    let mut t = clock(first)?;
    times.push(t);
    let mut deltas = Vec::new();
    expand_deltas(part.get("delta").unwrap_or(&Value::Null), &mut deltas)?;
    for d in deltas {
        t += d;
        times.push(t);
    }
    Ok(())
}

/// The indices in `times` of the trains a filter selects.
fn filtered(filter: &Value, times: &[i32]) -> Result<Vec<usize>, String> {
    if let Some(trains) = filter.get("trains") {
        let mut selected = Vec::new();
        for t in trains.as_array().into_iter().flatten() {
            let t = clock(t)?;
            let i = times
                .binary_search(&t)
                .map_err(|_| format!("filtered train {} is not in the schedule", hhmm(t)))?;
            selected.push(i);
        }
        return Ok(selected);
    }
    let first = match filter.get("first_train") {
        Some(t) => clock(t)?,
        None => times.first().copied().unwrap_or(0),
    };
    let skip = filter
        .get("skip_trains")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let step = usize::try_from(skip).map_or(usize::MAX, |s| s.saturating_add(1));
    let mut selected: Vec<usize> = (0..times.len())
        .filter(|&i| times[i] >= first)
        .step_by(step)
        .collect();
    if let Some(count) = filter.get("count").and_then(Value::as_u64) {
        selected.truncate(usize::try_from(count).unwrap_or(usize::MAX));
    } else if let Some(until) = filter.get("until") {
        let until = clock(until)?;
        selected.retain(|&i| times[i] <= until);
    }
    Ok(selected)
}

/// `HH:MM` as minutes of the service day (times before 04:00 belong to the previous day).
fn clock(v: &Value) -> Result<i32, String> {
    let s = v
        .as_str()
        .ok_or_else(|| format!("expected a time HH:MM, got {v}"))?;
    let seconds = crate::time::parse_clock(s)?;
    let t = i32::try_from(seconds / 60).map_err(|_| format!("time {s} out of range"))?;
    Ok(if t < DAY_START { t + 24 * 60 } else { t })
}

/// Minutes of the day as `HH:MM`.
pub(super) fn hhmm(t: i32) -> String {
    format!("{:02}:{:02}", t / 60, t % 60)
}

/// Expands the data's gap notation: `n` is one gap, `[k, [..]]` repeats `[..]` k times.
fn expand_deltas(v: &Value, out: &mut Vec<i32>) -> Result<(), String> {
    /// More gaps than a day of trains at one a minute, times a thousand: not a timetable.
    const MAX_GAPS: usize = 1_440_000;
    for x in v.as_array().into_iter().flatten() {
        if let Some(d) = x.as_i64() {
            out.push(i32::try_from(d).map_err(|_| format!("gap {d} out of range"))?);
        } else if let Some([times, inner]) = x.as_array().map(Vec::as_slice) {
            let times = times.as_u64().ok_or_else(|| format!("bad repeat {x}"))?;
            let mut one = Vec::new();
            expand_deltas(inner, &mut one)?;
            for _ in 0..times {
                if out.len() + one.len() > MAX_GAPS {
                    return Err(format!("repeat {x} makes more than {MAX_GAPS} trains"));
                }
                out.extend_from_slice(&one);
            }
        } else {
            return Err(format!("bad gap {x}: expected minutes or [count, [gaps]]"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gaps_expand_with_repeats() {
        let mut out = Vec::new();
        expand_deltas(&json!([[2, [10]], 9, [1, [8, 7]]]), &mut out).unwrap();
        assert_eq!(out, [10, 10, 9, 8, 7]);
        assert!(expand_deltas(&json!(["x"]), &mut Vec::new()).is_err());
    }

    #[test]
    fn times_after_midnight_belong_to_the_service_day() {
        assert_eq!(clock(&json!("05:38")), Ok(5 * 60 + 38));
        assert_eq!(clock(&json!("00:10")), Ok(24 * 60 + 10));
        assert!(clock(&json!("5h")).is_err());
    }
}
