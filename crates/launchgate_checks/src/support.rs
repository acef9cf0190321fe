//! Small helpers shared by checks: locating manifest keys, judging claims and date windows.

use launchgate_core::{Finding, Location, Outcome};

use crate::CheckContext;

/// The location of a manifest key (or its nearest written ancestor).
pub fn at(cx: &CheckContext<'_>, pointer: &str) -> Option<Location> {
    cx.manifest.locate(pointer)
}

/// `claims.a.b` for a pointer `/claims/a/b`, as users write it.
pub fn key_name(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

/// The common shape of a yes/no claim: `true` passes as attested, `false` is a declared gap,
/// absence fails (nothing declares or shows it).
pub fn flag_claim(
    cx: &CheckContext<'_>,
    value: Option<bool>,
    pointer: &str,
    holds: &str,
    lacking: &str,
) -> Outcome {
    let key = key_name(pointer);
    match value {
        Some(true) => Outcome::attested(vec![
            Finding::new(format!("declared: {holds} (`{key}: true`)")).at(at(cx, pointer)),
        ]),
        Some(false) => Outcome::fail(vec![
            Finding::new(format!("declared missing: {lacking} (`{key}: false`)"))
                .at(at(cx, pointer)),
        ]),
        None => Outcome::fail(vec![
            Finding::new(format!(
                "{lacking}: nothing declares it (`{key}`) and no evidence shows it"
            ))
            .at(at(cx, pointer)),
        ]),
    }
}

/// Days from `date` to the review date (negative when `date` is in the future).
pub fn age_days(cx: &CheckContext<'_>, date: jiff::civil::Date) -> i64 {
    // For civil dates the span's largest unit is days, so `get_days` is the whole difference.
    date.until(cx.today).map_or(0, |s| i64::from(s.get_days()))
}

/// Judges a dated claim against a window of `max_days` before the review date.
/// Ok is the evidence for a pass; Err the finding for a failure.
pub fn within_window(
    cx: &CheckContext<'_>,
    date: jiff::civil::Date,
    max_days: u32,
    pointer: &str,
    what: &str,
) -> Result<Finding, Finding> {
    let age = age_days(cx, date);
    let loc = at(cx, pointer);
    if age < 0 {
        Err(Finding::new(format!(
            "{what} is dated {date}, {} days after the review date {}; a future date cannot be evidence",
            -age, cx.today
        ))
        .at(loc))
    } else if age > i64::from(max_days) {
        Err(Finding::new(format!(
            "{what} was {date}, {age} days before {}; the policy allows at most {max_days} days",
            cx.today
        ))
        .at(loc))
    } else {
        Ok(Finding::new(format!(
            "{what} was {date}, {age} days ago (policy: within {max_days} days)"
        ))
        .at(loc))
    }
}

/// Not applicable when the service keeps no durable data (`data: none|ephemeral`): the shared
/// guard of every data-safety check.
pub fn no_durable_data(cx: &CheckContext<'_>) -> Option<Outcome> {
    let data = cx.manifest.data;
    (!data.is_durable()).then(|| {
        Outcome::not_applicable(format!(
            "the service keeps no durable data (`data: {}`)",
            data.key()
        ))
    })
}

/// The reason given when a check needs repository evidence but no repository was scanned.
pub const NOT_SCANNED: &str =
    "the repository was not scanned (--no-scan), so there is no evidence to verify";

/// Concludes a check that reads repository evidence of the catalog letters in `letters`
/// (`"K T"`): any failure fails; otherwise files it needed that could not be parsed or
/// evaluated make it inconclusive (never a pass); otherwise the evidence proves it. With
/// neither failures nor evidence, it is inconclusive with the reason `nothing_found`.
pub fn conclude(
    cx: &CheckContext<'_>,
    letters: &str,
    failures: Vec<Finding>,
    evidence: Vec<Finding>,
    nothing_found: &str,
) -> Outcome {
    if !failures.is_empty() {
        return Outcome::fail(failures);
    }
    if !cx.evidence.scanned {
        return Outcome::inconclusive(NOT_SCANNED);
    }
    let gaps = cx.evidence.gaps(letters);
    if !gaps.is_empty() {
        let n = gaps.len();
        return Outcome::Inconclusive {
            reason: format!(
                "{n} file{} this check needs could not be evaluated",
                if n == 1 { "" } else { "s" }
            ),
            findings: gaps,
        };
    }
    if evidence.is_empty() {
        return Outcome::inconclusive(nothing_found);
    }
    Outcome::proven(evidence)
}
