//! Time is integer seconds everywhere inside the model: sums are exact, comparisons are total and
//! results cannot depend on floating-point summation order. Inputs speak minutes and clock times
//! because planners do; they are converted once, here.

use crate::error::BadValue;

/// A duration or a clock time, in whole seconds (clock times count from midnight).
pub type Seconds = u32;

/// The largest duration or clock time accepted from input: 7 days, in seconds.
pub const MAX_SECONDS: Seconds = 7 * 24 * 3600;

/// Parses a clock time `HH:MM` or `HH:MM:SS` (hours may exceed 23 for after-midnight service).
pub fn parse_clock(text: &str) -> Result<Seconds, BadValue> {
    let bad = || {
        BadValue(format!(
            "expected a clock time HH:MM or HH:MM:SS, got `{text}`"
        ))
    };
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let mut nums = [0u32; 3];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || p.len() > 2 && i > 0 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        nums[i] = p.parse().map_err(|_| bad())?;
    }
    if nums[1] > 59 || nums[2] > 59 || nums[0] > 167 {
        return Err(bad());
    }
    Ok(nums[0] * 3600 + nums[1] * 60 + nums[2])
}

/// Formats seconds since midnight as `HH:MM` (or `HH:MM:SS` when not on a whole minute).
pub fn format_clock(t: Seconds) -> String {
    let (h, m, s) = (t / 3600, t / 60 % 60, t % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// Formats seconds since midnight as `HH:MM:SS` (hours past 23 for the next day).
pub fn format_clock_seconds(t: Seconds) -> String {
    format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
}

/// Converts a non-negative, finite number of minutes to whole seconds (rounded to nearest).
pub fn minutes_to_seconds(minutes: f64) -> Result<Seconds, BadValue> {
    if !minutes.is_finite() {
        return Err(BadValue(format!(
            "expected a finite number of minutes, got {minutes}"
        )));
    }
    if minutes < 0.0 {
        return Err(BadValue(format!(
            "expected a non-negative number of minutes, got {minutes}"
        )));
    }
    let s = (minutes * 60.0).round();
    if s > f64::from(MAX_SECONDS) {
        return Err(BadValue(format!(
            "{minutes} minutes is longer than the 7-day limit"
        )));
    }
    Ok(s as Seconds)
}

/// The departure window of an analysis, seconds since midnight, `[start_s, end_s)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Start, seconds since midnight.
    pub start_s: Seconds,
    /// End (exclusive), seconds since midnight.
    pub end_s: Seconds,
}

impl Window {
    /// The default analysis window, the morning peak 07:00-09:00.
    pub const MORNING_PEAK: Window = Window {
        start_s: 7 * 3600,
        end_s: 9 * 3600,
    };

    /// Length, seconds.
    pub fn len_s(self) -> Seconds {
        self.end_s - self.start_s
    }

    /// The same length, starting at `start_s`.
    pub fn starting_at(self, start_s: Seconds) -> Window {
        Window {
            start_s,
            end_s: start_s + self.len_s(),
        }
    }
}

/// Seconds as minutes, for output.
pub fn to_minutes(s: Seconds) -> f64 {
    f64::from(s) / 60.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_round_trip() {
        assert_eq!(parse_clock("07:00"), Ok(7 * 3600));
        assert_eq!(parse_clock("7:05:30"), Ok(7 * 3600 + 330));
        assert_eq!(parse_clock("25:10"), Ok(25 * 3600 + 600));
        assert_eq!(format_clock(7 * 3600 + 330), "07:05:30");
        assert_eq!(format_clock(9 * 3600), "09:00");
        for bad in ["7", "07:60", "aa:bb", "07:00:00:00", "-1:00", "07:5x", ""] {
            assert!(parse_clock(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn minutes_are_validated() {
        assert_eq!(minutes_to_seconds(1.5), Ok(90));
        assert_eq!(minutes_to_seconds(0.0), Ok(0));
        assert!(minutes_to_seconds(-0.1).is_err());
        assert!(minutes_to_seconds(f64::NAN).is_err());
        assert!(minutes_to_seconds(f64::INFINITY).is_err());
        assert!(minutes_to_seconds(1e9).is_err());
    }
}
