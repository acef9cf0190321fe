//! Summaries and headlines of review events: what a reader following the ledger for fleet views
//! needs of a stored review without the bulk of the review (evidence, findings, categories, scan
//! details). A summary keeps its decision, score, counts, waivers, action items and each check's
//! id, title, status and message; a headline keeps only the review's row in a service's history
//! (decision, score, date, owner, tier, counts), a few hundred bytes. PostgreSQL keeps both
//! beside each review, written in the same statement as the event, so such a reader does not
//! read the whole review back, and reads the checks only of the reviews it shows them for.

use serde_json::{Map, Value};

use crate::event::{Event, EventKind};

/// The fields of the review kept in a summary (besides `checks`, which are reduced).
const REVIEW_FIELDS: &[&str] = &[
    "service",
    "owner",
    "tier",
    "decision",
    "computed_decision",
    "score",
    "evaluated_on",
    "counts",
    "waivers",
    "action_items",
];

/// The fields of the review kept in a headline (a subset of [`REVIEW_FIELDS`], so the headline of
/// a summary is the headline of the whole body).
const HEADLINE_FIELDS: &[&str] = &[
    "service",
    "owner",
    "tier",
    "decision",
    "computed_decision",
    "score",
    "evaluated_on",
    "counts",
];

/// The fields of each check kept in a summary.
const CHECK_FIELDS: &[&str] = &["id", "title", "status", "message"];

fn pick(from: &Map<String, Value>, fields: &[&str]) -> Map<String, Value> {
    fields
        .iter()
        .filter_map(|f| from.get(*f).map(|v| ((*f).to_owned(), v.clone())))
        .collect()
}

/// The summary of a `review` event's body ([`crate::ReviewBody`] as JSON): every field of the
/// body except `review`, which keeps only its service, owner, tier, decisions, score, date,
/// counts, waivers, action items and, of each check, `id`, `title`, `status` and `message`.
/// Summarising a summary changes nothing. A body that is not an object is returned as it is.
pub fn review_summary(body: &Value) -> Value {
    reduce(body, REVIEW_FIELDS, true)
}

/// The headline of a `review` event's body: every field of the body except `review`, which keeps
/// only its service, owner, tier, decisions, score, date and counts (no checks, waivers or action
/// items). The headline of a [`review_summary`] is the headline of the body; a headline's
/// headline is itself. A body that is not an object is returned as it is.
pub fn review_headline(body: &Value) -> Value {
    reduce(body, HEADLINE_FIELDS, false)
}

/// `body` with its `review` reduced to `fields` (and, with `checks`, its checks' [`CHECK_FIELDS`]).
fn reduce(body: &Value, fields_kept: &[&str], checks: bool) -> Value {
    let Some(fields) = body.as_object() else {
        return body.clone();
    };
    let mut summary = Map::new();
    for (key, value) in fields {
        if key != "review" {
            summary.insert(key.clone(), value.clone());
            continue;
        }
        let Some(review) = value.as_object() else {
            summary.insert(key.clone(), value.clone());
            continue;
        };
        let mut kept = pick(review, fields_kept);
        if let Some(checks) = review
            .get("checks")
            .and_then(Value::as_array)
            .filter(|_| checks)
        {
            let checks = checks
                .iter()
                .map(|c| match c.as_object() {
                    Some(check) => Value::Object(pick(check, CHECK_FIELDS)),
                    None => c.clone(),
                })
                .collect();
            kept.insert("checks".to_owned(), Value::Array(checks));
        }
        summary.insert(key.clone(), Value::Object(kept));
    }
    Value::Object(summary)
}

/// `event` with its body replaced by its [`review_summary`] when it is a review (other kinds are
/// small and kept whole). Its `hash` still covers the whole body: a summarised event is for
/// display, not for verification.
pub fn summarise(mut event: Event) -> Event {
    if event.kind == EventKind::Review {
        event.body = review_summary(&event.body);
    }
    event
}

/// `event` with its body replaced by its [`review_headline`] when it is a review (other kinds are
/// small and kept whole). Like [`summarise`], for display, not for verification.
pub fn headline(mut event: Event) -> Event {
    if event.kind == EventKind::Review {
        event.body = review_headline(&event.body);
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_summary_keeps_what_fleet_views_read_and_is_stable() {
        let body = json!({
            "decision": "go", "score": 91.5, "nonce": "k1", "commit": null,
            "review": {
                "service": "payments", "owner": "team-a", "tier": 1, "counts": {"pass": 1},
                "waivers": [{"check": "SEC-001"}], "action_items": [],
                "evidence": {"huge": [1, 2, 3]}, "categories": [{"id": "security"}],
                "checks": [{"id": "CAP-001", "title": "T", "status": "fail", "message": "m",
                            "evidence": [{"path": "a.yaml"}], "findings": []}],
            },
        });
        let summary = review_summary(&body);
        assert_eq!(
            summary,
            json!({
                "decision": "go", "score": 91.5, "nonce": "k1", "commit": null,
                "review": {
                    "service": "payments", "owner": "team-a", "tier": 1, "counts": {"pass": 1},
                    "waivers": [{"check": "SEC-001"}], "action_items": [],
                    "checks": [{"id": "CAP-001", "title": "T", "status": "fail", "message": "m"}],
                },
            })
        );
        assert_eq!(review_summary(&summary), summary);
        assert_eq!(review_summary(&json!("x")), json!("x"));
        let headline = review_headline(&body);
        assert_eq!(
            headline,
            json!({
                "decision": "go", "score": 91.5, "nonce": "k1", "commit": null,
                "review": {"service": "payments", "owner": "team-a", "tier": 1, "counts": {"pass": 1}},
            })
        );
        assert_eq!(review_headline(&summary), headline);
        assert_eq!(review_headline(&headline), headline);
    }
}
