//! Dates as checked values: a report date that exists (no 2022-02-30), and `SOURCE_DATE_EPOCH`
//! within the years every embedded date can hold (1970 to 9999). Pure functions.

use crate::diag::{Code, Diagnostic};

/// A calendar date that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    /// Year, 1 to 9999.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, valid for the month and year.
    pub day: u8,
}

/// The latest moment an artifact can record: 9999-12-31T23:59:59Z.
pub const MAX_EPOCH: i64 = 253_402_300_799;

impl Date {
    /// Parse `YYYY-MM-DD`, accepting only days that exist.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (year, month, day): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        (year >= 1 && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Self {
            year,
            month,
            day,
        })
    }
}

/// The number of days of a month in the proleptic Gregorian calendar.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Read `SOURCE_DATE_EPOCH` into a UTC date and time; a usage error names the variable otherwise.
pub fn from_epoch(value: &str) -> Result<(i32, u8, u8, u8, u8, u8), Diagnostic> {
    let seconds: i64 = value.trim().parse().map_err(|_| {
        Diagnostic::error(format!("SOURCE_DATE_EPOCH is not a number of seconds: `{value}`"))
            .with_hint("set it to a Unix timestamp, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)")
            .code(Code::Usage)
    })?;
    if !(0..=MAX_EPOCH).contains(&seconds) {
        return Err(Diagnostic::error(format!("SOURCE_DATE_EPOCH is out of range: `{value}`"))
            .with_hint(format!("give seconds from 0 (1970) to {MAX_EPOCH} (the end of 9999)"))
            .code(Code::Usage));
    }
    Ok(from_unix(seconds))
}

/// Convert Unix seconds to a UTC date and time (proleptic Gregorian calendar).
pub fn from_unix(seconds: i64) -> (i32, u8, u8, u8, u8, u8) {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day, (secs / 3600) as u8, (secs % 3600 / 60) as u8, (secs % 60) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_become_utc_dates() {
        assert_eq!(from_unix(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(from_unix(1_648_771_200), (2022, 4, 1, 0, 0, 0));
        assert_eq!(from_unix(951_782_400 + 3_723), (2000, 2, 29, 1, 2, 3));
        assert_eq!(from_unix(MAX_EPOCH), (9999, 12, 31, 23, 59, 59));
    }

    #[test]
    fn only_existing_dates_parse() {
        assert_eq!(Date::parse("2022-04-01"), Some(Date { year: 2022, month: 4, day: 1 }));
        assert_eq!(Date::parse("2022-13-01"), None);
        assert_eq!(Date::parse("2022-02-30"), None);
        assert_eq!(Date::parse("2023-02-29"), None);
        assert!(Date::parse("2024-02-29").is_some());
        assert_eq!(Date::parse("22-4-1"), None);
    }

    #[test]
    fn epochs_out_of_range_are_usage_errors() {
        assert_eq!(from_epoch("99999999999999").unwrap_err().code, Code::Usage);
        assert_eq!(from_epoch("-1").unwrap_err().code, Code::Usage);
        assert_eq!(from_epoch("x").unwrap_err().code, Code::Usage);
        assert_eq!(from_epoch("0").unwrap(), (1970, 1, 1, 0, 0, 0));
    }
}
