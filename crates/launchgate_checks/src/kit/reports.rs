//! Test reports as evidence: how old a report is against the policy window, and the report files
//! that could not be read.

use launchgate_core::Finding;
use launchgate_evidence::reports::utc_date;
use launchgate_evidence::{EvidenceError, FileKind, Loc, ReportFormat};

use crate::CheckContext;
use crate::kit::manifest::age_days;

/// How old a report is, against a window of days before the review date.
pub enum Age {
    /// Dated within the window: the date and its age in days.
    Fresh(jiff::civil::Date, i64),
    /// Dated before the window.
    Stale(jiff::civil::Date, i64),
    /// Dated after the review date.
    Future(jiff::civil::Date, i64),
    /// The report carries no date.
    Undated,
}

/// The age of a report dated `date`, against `max_days`.
pub fn report_age(cx: &CheckContext<'_>, date: Option<jiff::Timestamp>, max_days: u32) -> Age {
    let Some(t) = date else {
        return Age::Undated;
    };
    let d = utc_date(t);
    let age = age_days(cx, d);
    if age < 0 {
        Age::Future(d, -age)
    } else if age > i64::from(max_days) {
        Age::Stale(d, age)
    } else {
        Age::Fresh(d, age)
    }
}

impl Age {
    /// The age in words for evidence (`dated 2026-11-20, 2 days ago`), or the finding that
    /// keeps the report from counting (`Err`).
    pub fn judge(
        &self,
        cx: &CheckContext<'_>,
        what: &str,
        loc: &Loc,
        max_days: u32,
    ) -> Result<String, Finding> {
        match self {
            Age::Fresh(d, 0) => Ok(format!("dated {d}, the review date")),
            Age::Fresh(d, 1) => Ok(format!("dated {d}, 1 day before the review")),
            Age::Fresh(d, n) => Ok(format!("dated {d}, {n} days before the review")),
            Age::Undated => Ok("undated, so its age could not be verified".to_string()),
            Age::Stale(d, n) => Err(Finding::new(format!(
                "{what} is dated {d}, {n} days before the review date {}; the policy accepts reports at most {max_days} days old (`report_max_age_days`): run it again and keep the new report",
                cx.today
            ))
            .at(Some(loc.location()))),
            Age::Future(d, n) => Err(Finding::new(format!(
                "{what} is dated {d}, {n} days after the review date {}; a future date cannot be evidence",
                cx.today
            ))
            .at(Some(loc.location()))),
        }
    }
}

/// Parse errors of reports of the given formats, as findings.
pub fn report_gaps(cx: &CheckContext<'_>, formats: &[ReportFormat]) -> Vec<Finding> {
    cx.evidence
        .errors
        .iter()
        .filter(|e| matches!(e.kind, FileKind::Report(f) if formats.contains(&f)))
        .map(EvidenceError::finding)
        .collect()
}
