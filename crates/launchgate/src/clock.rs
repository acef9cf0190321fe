//! The binary's clock: the one place that reads the time of day.
//!
//! Checks never read a clock; they get the review date from the binary. The date defaults to
//! today in the local time zone, `--today` sets it for one command, and the environment
//! variable `LAUNCHGATE_TODAY=YYYY-MM-DD` moves the whole clock to that date for every command
//! of a process tree (ledger timestamps shift by the same number of days and keep ticking). The
//! variable exists so that the test suite can prove that no test depends on the day it runs
//! (`scripts/test` runs the CLI tests again more than a year ahead), and so that a reviewer can
//! replay a review "as of" a date without editing a CI script. `--today` wins over the variable.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, Zoned};

use crate::Failure;

/// The environment variable that moves the binary's clock to another date.
pub(crate) const TODAY_VAR: &str = "LAUNCHGATE_TODAY";

/// The review date: `--today` when given, else the moved clock, else today.
pub(crate) fn today(flag: Option<&str>) -> Result<Date, Failure> {
    match flag {
        Some(s) => s.parse().map_err(|_| {
            Failure::Message(format!(
                "--today `{s}` is not a date; write it as YYYY-MM-DD, e.g. 2026-11-22"
            ))
        }),
        None => Ok(match moved_to()? {
            Some(date) => date,
            None => Zoned::now().date(),
        }),
    }
}

/// The current instant, moved by as many days as `LAUNCHGATE_TODAY` moves the date.
pub(crate) fn now() -> Result<Timestamp, Failure> {
    let real = Zoned::now();
    let Some(date) = moved_to()? else {
        return Ok(real.timestamp());
    };
    let days = real.date().until(date).map_err(|e| {
        Failure::Message(format!(
            "{TODAY_VAR}={date} cannot be reached from today: {e}"
        ))
    })?;
    let shift = SignedDuration::from_hours(i64::from(days.get_days()) * 24);
    real.timestamp().checked_add(shift).map_err(|e| {
        Failure::Message(format!(
            "{TODAY_VAR}={date} is out of the clock's range: {e}"
        ))
    })
}

/// The date `LAUNCHGATE_TODAY` moves the clock to, if it is set.
fn moved_to() -> Result<Option<Date>, Failure> {
    match std::env::var(TODAY_VAR) {
        Ok(s) if s.trim().is_empty() => Ok(None),
        Ok(s) => s.trim().parse().map(Some).map_err(|_| {
            Failure::Message(format!(
                "environment variable {TODAY_VAR}=`{s}` is not a date; write it as YYYY-MM-DD, \
                 e.g. 2026-11-22, or unset it"
            ))
        }),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Failure::Message(format!(
            "environment variable {TODAY_VAR} is not valid UTF-8; write it as YYYY-MM-DD or unset it"
        ))),
    }
}
