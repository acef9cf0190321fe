//! Reading the service manifest: where a key is written, dated claims against the review date, and
//! names the manifest shares with the repository.

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

/// Whether a name written in the manifest (`orders-dlq`) names the same thing as a name in
/// the repository (`prod-orders-dlq`, `orders_dlq`, `orders-dlq.fifo`): equal, or a suffix
/// after a separator, ignoring case and `_` versus `-`.
pub fn names_match(declared: &str, found: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        s.strip_suffix(".fifo").map(str::to_string).unwrap_or(s)
    };
    let (d, f) = (norm(declared), norm(found));
    if d.is_empty() || f.is_empty() {
        return false;
    }
    f == d
        || f.strip_suffix(d.as_str())
            .is_some_and(|head| head.ends_with(['-', '.', '/', ':']))
}

#[cfg(test)]
mod tests {
    use super::names_match;

    #[test]
    fn names_match_across_prefixes_case_and_separators() {
        assert!(names_match("orders-dlq", "orders-dlq"));
        assert!(names_match("orders-dlq", "prod-orders-dlq"));
        assert!(names_match("orders-dlq", "Orders_DLQ.fifo"));
        assert!(!names_match("orders-dlq", "preorders-dlq"));
        assert!(!names_match("orders", "orders-dlq"));
        assert!(!names_match("", "orders"));
    }
}
