//! The read model: what the API and the dashboard show, built from the ledger in `seq` order and
//! kept up to date by reading the events after the last one seen (other replicas append too).
//!
//! It is built in two steps, so that a replica starting on a large ledger reads little: every
//! event after the last one seen, reviews as their headlines ([`Index::apply_headlines`]: a
//! service's history), then the details (checks, waivers, action items) of only the reviews the
//! views show them for, each service's latest review and the one before it
//! ([`Index::missing_details`], [`Index::apply_details`]).

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
    /// The review whose details `checks`, `waivers` and `action_items` are (`None`: not read).
    #[serde(skip)]
    details_seq: Option<u64>,
    /// The review whose checks `previous_checks` are (`None`: not read).
    #[serde(skip)]
    previous_seq: Option<u64>,
}

impl ServiceEntry {
    /// The latest review.
    pub fn latest(&self) -> Option<&ReviewRow> {
        self.reviews.last()
    }

    /// The review before the latest.
    fn previous(&self) -> Option<&ReviewRow> {
        self.reviews.len().checked_sub(2).map(|i| &self.reviews[i])
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
    /// Applies events in `seq` order, reviews read whole or as their summaries or headlines
    /// ([`launchgate_store::Store::headlines_after`]); events at or below the head are ignored.
    /// A review becomes its service's latest: its row is added to the history, and its details
    /// are taken from it when it has them (a headline has none: see [`Index::missing_details`]).
    pub fn apply_headlines(&mut self, events: Vec<Event>) {
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
        let seq = row.seq;
        let entry = self.services.entry(event.service).or_default();
        // The latest review's details become the previous review's checks.
        if entry.details_seq.is_some() && entry.details_seq == entry.latest().map(|r| r.seq) {
            entry.previous_checks = std::mem::take(&mut entry.checks);
            entry.previous_seq = entry.details_seq;
        }
        entry.details_seq = None;
        entry.checks.clear();
        entry.waivers.clear();
        entry.action_items.clear();
        entry.reviews.push(row);
        if review.get("checks").is_some() {
            set_details(entry, seq, &mut review);
        }
    }

    /// The reviews whose details the index lacks, in `seq` order: of each service, its latest
    /// review and the one before it (for "what changed"), unless already read.
    pub fn missing_details(&self) -> Vec<u64> {
        let mut missing = Vec::new();
        for entry in self.services.values() {
            if let Some(latest) = entry.latest()
                && entry.details_seq != Some(latest.seq)
            {
                missing.push(latest.seq);
            }
            if let Some(previous) = entry.previous()
                && entry.previous_seq != Some(previous.seq)
            {
                missing.push(previous.seq);
            }
        }
        missing.sort_unstable();
        missing
    }

    /// Applies the details of reviews read as their summaries (or whole): each is kept if it is
    /// its service's latest review or the one before it, and ignored otherwise.
    pub fn apply_details(&mut self, events: Vec<Event>) {
        for event in events {
            if event.kind != EventKind::Review {
                continue;
            }
            let Some(entry) = self.services.get_mut(&event.service) else {
                continue;
            };
            let mut body = event.body;
            let mut review = body.get_mut("review").map_or(Value::Null, Value::take);
            if entry.previous().is_some_and(|r| r.seq == event.seq) {
                entry.previous_checks = checks_of(&review);
                entry.previous_seq = Some(event.seq);
            }
            if entry.latest().is_some_and(|r| r.seq == event.seq) {
                set_details(entry, event.seq, &mut review);
            }
        }
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

/// Makes `review` (the review of the event `seq`, the latest of `entry`) the source of the
/// latest review's details.
fn set_details(entry: &mut ServiceEntry, seq: u64, review: &mut Value) {
    let mut list = |key: &str| match review.get_mut(key).map(Value::take) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    entry.waivers = list("waivers");
    entry.action_items = list("action_items");
    entry.checks = checks_of(review);
    entry.details_seq = Some(seq);
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
