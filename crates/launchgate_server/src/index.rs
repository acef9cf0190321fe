//! The read model: what the API and the dashboard show, built from the ledger in `seq` order and
//! kept up to date by reading the events after the last one seen (other replicas append too).

use std::collections::BTreeMap;

use launchgate_store::{Event, EventKind};
use serde::Serialize;
use serde_json::Value;

/// One check of a review, as the fleet views need it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRow {
    /// `CAP-007`.
    pub id: String,
    /// The check's title.
    pub title: String,
    /// `pass`, `warn`, `fail`, `skip`, …
    pub status: String,
    /// The check's message (from the repository: escape it when rendering).
    pub message: String,
}

/// One stored review, summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewRow {
    /// Ledger sequence number.
    pub seq: u64,
    /// When the server stored it.
    pub recorded_at: String,
    /// The review's evaluation date.
    pub evaluated_on: String,
    /// Final decision key.
    pub decision: String,
    /// Readiness score.
    pub score: f64,
    /// The owning team.
    pub owner: String,
    /// The service's tier, when the review has one.
    pub tier: Option<i64>,
    /// PASS/WARN/FAIL/… counts.
    pub counts: Value,
    /// The repository commit, when known.
    pub commit: Option<String>,
}

/// A signed override or sign-off, summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignedRow {
    /// Ledger sequence number.
    pub seq: u64,
    /// The service.
    pub service: String,
    /// The signer.
    pub signer: Option<String>,
    /// When the server stored it.
    pub recorded_at: String,
    /// The event's body.
    pub body: Value,
}

/// A service's reviews and its latest review's details.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceEntry {
    /// Every review, oldest first.
    pub reviews: Vec<ReviewRow>,
    /// The checks of the latest review.
    pub checks: Vec<CheckRow>,
    /// The checks of the review before it.
    pub previous_checks: Vec<CheckRow>,
    /// The latest review's waivers.
    pub waivers: Vec<Value>,
    /// The latest review's action items.
    pub action_items: Vec<Value>,
}

impl ServiceEntry {
    /// The latest review.
    pub fn latest(&self) -> Option<&ReviewRow> {
        self.reviews.last()
    }
}

/// Everything the fleet views read.
#[derive(Debug, Default)]
pub struct Index {
    /// The last `seq` applied.
    pub head: u64,
    /// Services by name.
    pub services: BTreeMap<String, ServiceEntry>,
    /// Overrides, in `seq` order.
    pub overrides: Vec<SignedRow>,
    /// Sign-offs, in `seq` order.
    pub signoffs: Vec<SignedRow>,
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A check failing in the fleet: `(id, title, [(service, message)])`.
pub type FailingCheck = (String, String, Vec<(String, String)>);

/// The checks of a review JSON.
pub fn checks_of(review: &Value) -> Vec<CheckRow> {
    let mut checks: Vec<CheckRow> = review
        .get("checks")
        .and_then(Value::as_array)
        .map(|checks| {
            checks
                .iter()
                .map(|c| CheckRow {
                    id: text(c, "id"),
                    title: text(c, "title"),
                    status: text(c, "status"),
                    message: text(c, "message"),
                })
                .collect()
        })
        .unwrap_or_default();
    checks.sort_by(|a, b| a.id.cmp(&b.id));
    checks
}

impl Index {
    /// Applies events in `seq` order (events at or below the head are ignored).
    pub fn apply(&mut self, events: Vec<Event>) {
        for event in events {
            if event.seq <= self.head {
                continue;
            }
            self.head = event.seq;
            match event.kind {
                EventKind::Review => self.apply_review(event),
                EventKind::Override | EventKind::Signoff => {
                    let row = SignedRow {
                        seq: event.seq,
                        service: event.service,
                        signer: event.signer,
                        recorded_at: event.recorded_at,
                        body: event.body,
                    };
                    if event.kind == EventKind::Override {
                        self.overrides.push(row);
                    } else {
                        self.signoffs.push(row);
                    }
                }
            }
        }
    }

    fn apply_review(&mut self, event: Event) {
        let mut body = event.body;
        // Taken out of the body, not copied: a review is large (its checks and evidence).
        let mut review = body.get_mut("review").map_or(Value::Null, Value::take);
        let mut list = |key: &str| match review.get_mut(key).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let waivers = list("waivers");
        let action_items = list("action_items");
        let row = ReviewRow {
            seq: event.seq,
            recorded_at: event.recorded_at,
            evaluated_on: text(&body, "evaluated_on"),
            decision: text(&body, "decision"),
            score: body.get("score").and_then(Value::as_f64).unwrap_or(0.0),
            owner: text(&review, "owner"),
            tier: review.get("tier").and_then(Value::as_i64),
            counts: review.get("counts").cloned().unwrap_or(Value::Null),
            commit: body
                .get("commit")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        let entry = self.services.entry(event.service).or_default();
        entry.previous_checks = std::mem::replace(&mut entry.checks, checks_of(&review));
        entry.waivers = waivers;
        entry.action_items = action_items;
        entry.reviews.push(row);
    }

    /// Failing checks across the fleet's latest reviews: `(id, title, services with message)`,
    /// most failed first, then by id.
    pub fn failing_checks(&self) -> Vec<FailingCheck> {
        let mut by_check: BTreeMap<String, (String, Vec<(String, String)>)> = BTreeMap::new();
        for (service, entry) in &self.services {
            for check in entry.checks.iter().filter(|c| c.status == "fail") {
                let slot = by_check
                    .entry(check.id.clone())
                    .or_insert_with(|| (check.title.clone(), Vec::new()));
                slot.1.push((service.clone(), check.message.clone()));
            }
        }
        let mut list: Vec<_> = by_check
            .into_iter()
            .map(|(id, (title, services))| (id, title, services))
            .collect();
        list.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then_with(|| a.0.cmp(&b.0)));
        list
    }
}

/// What changed between two reviews' checks: `(id, before, after)` for every check whose status
/// differs (`-` when absent), by id.
pub fn diff_checks(before: &[CheckRow], after: &[CheckRow]) -> Vec<(String, String, String)> {
    let old: BTreeMap<&str, &str> = before
        .iter()
        .map(|c| (c.id.as_str(), c.status.as_str()))
        .collect();
    let new: BTreeMap<&str, &str> = after
        .iter()
        .map(|c| (c.id.as_str(), c.status.as_str()))
        .collect();
    let mut ids: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| {
            let (a, b) = (
                old.get(id).copied().unwrap_or("-"),
                new.get(id).copied().unwrap_or("-"),
            );
            (a != b).then(|| (id.to_owned(), a.to_owned(), b.to_owned()))
        })
        .collect()
}
