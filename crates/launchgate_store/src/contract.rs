//! The behaviour every [`Store`] implementation must show, written once.
//!
//! Each case takes an opener: `open(name)` returns a handle to the store called `name`, empty
//! the first time, and a NEW handle to the same stored data when called again with the same
//! name (that is how "survives reopen" is tested). Cases use names starting with their own
//! function name, so one opener can serve all of them.
//!
//! Run them with [`crate::store_contract_tests!`] (one `#[test]` per case) or [`run_all`].

// Test support: the panics are the assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;

use crate::event::{
    Event, EventKind, GENESIS_HASH, NewEvent, OverrideBody, PreparedEvent, SignoffBody,
};
use crate::jsonl::{export, parse_jsonl};
use crate::keys::KeyPair;
use crate::store::{Store, StoreError};
use crate::summary::{headline, summarise};
use crate::verify::verify;

/// Opens (or reopens) the store with the given name.
pub type Opener<'a> = &'a dyn Fn(&str) -> Box<dyn Store>;

/// A contract case.
pub type Case = fn(Opener<'_>);

/// Every case, by name.
pub const CASES: &[(&str, Case)] = &[
    (
        "empty_store_is_a_valid_ledger",
        empty_store_is_a_valid_ledger,
    ),
    ("append_assigns_seq_and_links", append_assigns_seq_and_links),
    ("filter_by_service_and_kind", filter_by_service_and_kind),
    ("events_survive_reopen", events_survive_reopen),
    (
        "append_refuses_bad_signatures",
        append_refuses_bad_signatures,
    ),
    (
        "import_into_empty_store_preserves_hashes",
        import_into_empty_store_preserves_hashes,
    ),
    (
        "import_overlapping_export_skips_and_extends",
        import_overlapping_export_skips_and_extends,
    ),
    (
        "conflicting_import_writes_nothing",
        conflicting_import_writes_nothing,
    ),
    (
        "invalid_import_writes_nothing",
        invalid_import_writes_nothing,
    ),
    (
        "headlines_and_summaries_at_read_reviews_reduced",
        headlines_and_summaries_at_read_reviews_reduced,
    ),
    (
        "prepared_appends_are_checked_and_stored_once",
        prepared_appends_are_checked_and_stored_once,
    ),
];

/// Runs every case against `open`.
pub fn run_all(open: Opener<'_>) {
    for (_, case) in CASES {
        case(open);
    }
}

/// One `#[test]` per contract case, each with a fresh opener from `$open` (an expression
/// evaluating to something that implements `Fn(&str) -> Box<dyn Store>`).
#[macro_export]
macro_rules! store_contract_tests {
    ($open:expr) => {
        $crate::store_contract_tests!(@cases $open;
            empty_store_is_a_valid_ledger,
            append_assigns_seq_and_links,
            filter_by_service_and_kind,
            events_survive_reopen,
            append_refuses_bad_signatures,
            import_into_empty_store_preserves_hashes,
            import_overlapping_export_skips_and_extends,
            conflicting_import_writes_nothing,
            invalid_import_writes_nothing,
            headlines_and_summaries_at_read_reviews_reduced,
            prepared_appends_are_checked_and_stored_once
        );
    };
    (@cases $open:expr; $($case:ident),*) => {
        $(
            #[test]
            fn $case() {
                let open = $open;
                $crate::contract::$case(&open);
            }
        )*
    };
}

/// `2026-11-22T09:00:00Z` plus `minutes`.
pub fn at(minutes: i64) -> jiff::Timestamp {
    let base: jiff::Timestamp = "2026-11-22T09:00:00Z".parse().unwrap();
    base.checked_add(jiff::SignedDuration::from_mins(minutes))
        .unwrap()
}

/// Six mixed events: signed overrides and sign-offs by two approvers, two unsigned reviews and
/// one review signed by a recorder (alice, as CI records reviews with its own key), two services.
pub fn sample_events(alice: &KeyPair, bob: &KeyPair) -> Vec<NewEvent> {
    let review = |service: &str, score: f64, decision: &str| {
        NewEvent::unsigned(
            service,
            EventKind::Review,
            json!({
                "review": {"service": service, "score": score, "checks": [{"id": "CAP-007", "status": "FAIL"}]},
                "commit": "3f2a9c1",
                "decision": decision,
                "computed_decision": decision,
                "score": score,
                "evaluated_on": "2026-11-22",
                "content_hash": format!("sha256:{service}-{score}"),
                "thresholds": {"go": 90, "conditional_go": 70},
            }),
        )
    };
    vec![
        review("payment-service", 78.5, "conditional_go"),
        NewEvent::signed(
            "payment-service",
            EventKind::Signoff,
            SignoffBody {
                role: "sre".into(),
                note: Some("runbook checked \"by hand\"\nline two".into()),
                content_hash: "sha256:payment-service-78.5".into(),
                nonce: None,
                signed_at: None,
            }
            .to_value(),
            "alice",
            alice.secret_key(),
        ),
        {
            let unsigned = review("internal-dashboard", 96.0, "go");
            NewEvent::signed(
                unsigned.service,
                unsigned.kind,
                unsigned.body,
                "alice",
                alice.secret_key(),
            )
        },
        NewEvent::signed(
            "payment-service",
            EventKind::Override,
            OverrideBody {
                decision: "go".into(),
                reason: "Launch approved by VP; CAP-007 fixed in week 1 — tracked in OPS-123"
                    .into(),
                expires: "2026-12-31".into(),
                nonce: Some("5f1c0a9e6b7d4c3a2e1f0d9c8b7a6f5e".into()),
                signed_at: Some("2026-11-22T09:03:00Z".into()),
            }
            .to_value(),
            "bob",
            bob.secret_key(),
        ),
        NewEvent::signed(
            "internal-dashboard",
            EventKind::Signoff,
            SignoffBody {
                role: "security".into(),
                note: None,
                content_hash: "sha256:internal-dashboard-96".into(),
                nonce: None,
                signed_at: None,
            }
            .to_value(),
            "bob",
            bob.secret_key(),
        ),
        review("payment-service", 91.25, "go"),
    ]
}

fn keys() -> (KeyPair, KeyPair) {
    (KeyPair::generate().unwrap(), KeyPair::generate().unwrap())
}

/// Appends `events` at minutes 0, 1, 2, … and returns what the store returned.
pub fn append_all(store: &dyn Store, events: Vec<NewEvent>) -> Vec<Event> {
    events
        .into_iter()
        .zip(0..)
        .map(|(event, minute)| store.append(event, at(minute)).unwrap())
        .collect()
}

/// Asserts the store's whole ledger verifies and has `count` events.
pub fn assert_intact(store: &dyn Store, count: u64) -> Vec<Event> {
    let all = store.all().unwrap();
    let summary = verify(&all).unwrap_or_else(|e| panic!("{}: {e}", store.location()));
    assert_eq!(summary.count, count, "{}", store.location());
    let head = store.head().unwrap();
    assert_eq!(head.as_ref(), all.last());
    assert_eq!(
        summary.head_hash,
        head.map_or_else(|| GENESIS_HASH.to_owned(), |h| h.hash)
    );
    all
}

/// An empty store has no head and verifies as an empty ledger.
pub fn empty_store_is_a_valid_ledger(open: Opener<'_>) {
    let store = open("empty_store_is_a_valid_ledger");
    assert_eq!(store.head().unwrap(), None);
    assert_eq!(store.all().unwrap(), Vec::<Event>::new());
    assert_eq!(
        store.events(Some("payment-service"), None).unwrap(),
        Vec::<Event>::new()
    );
    let summary = verify(&store.all().unwrap()).unwrap();
    assert_eq!(
        (summary.count, summary.head_hash.as_str()),
        (0, GENESIS_HASH)
    );
    assert_eq!(export(&store.all().unwrap()), "");
}

/// Appends get seq 1..n, link to each other, carry the given time and hash, and read back equal.
pub fn append_assigns_seq_and_links(open: Opener<'_>) {
    let (alice, bob) = keys();
    let store = open("append_assigns_seq_and_links");
    let appended = append_all(store.as_ref(), sample_events(&alice, &bob));
    let seqs: Vec<u64> = appended.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(appended[0].prev_hash, GENESIS_HASH);
    for pair in appended.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    for event in &appended {
        assert_eq!(event.hash, event.compute_hash());
    }
    assert_eq!(appended[0].recorded_at, "2026-11-22T09:00:00Z");
    assert_eq!(appended[5].recorded_at, "2026-11-22T09:05:00Z");
    assert_eq!(appended[1].signer.as_deref(), Some("alice"));
    assert_eq!(appended[1].public_key, Some(alice.public_key().to_string()));
    assert_eq!(appended[0].signature, None);
    let all = assert_intact(store.as_ref(), 6);
    assert_eq!(all, appended);
    assert_eq!(store.head().unwrap().map(|e| e.seq), Some(6));
}

/// Filters select by service and kind and keep seq order.
pub fn filter_by_service_and_kind(open: Opener<'_>) {
    let (alice, bob) = keys();
    let store = open("filter_by_service_and_kind");
    append_all(store.as_ref(), sample_events(&alice, &bob));
    let seqs = |service: Option<&str>, kind: Option<EventKind>| -> Vec<u64> {
        store
            .events(service, kind)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect()
    };
    assert_eq!(seqs(None, None), vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(seqs(Some("payment-service"), None), vec![1, 2, 4, 6]);
    assert_eq!(seqs(Some("internal-dashboard"), None), vec![3, 5]);
    assert_eq!(seqs(None, Some(EventKind::Review)), vec![1, 3, 6]);
    assert_eq!(seqs(None, Some(EventKind::Signoff)), vec![2, 5]);
    assert_eq!(
        seqs(Some("payment-service"), Some(EventKind::Review)),
        vec![1, 6]
    );
    assert_eq!(
        seqs(Some("payment-service"), Some(EventKind::Override)),
        vec![4]
    );
    assert_eq!(
        seqs(Some("internal-dashboard"), Some(EventKind::Override)),
        Vec::<u64>::new()
    );
    assert_eq!(seqs(Some("no-such-service"), None), Vec::<u64>::new());
    assert_intact(store.as_ref(), 6);
}

/// A new handle sees every event, and appends continue the chain.
pub fn events_survive_reopen(open: Opener<'_>) {
    let (alice, bob) = keys();
    let mut events = sample_events(&alice, &bob);
    let last = events.pop().unwrap();
    let before = {
        let store = open("events_survive_reopen");
        append_all(store.as_ref(), events)
    };
    let store = open("events_survive_reopen");
    assert_eq!(store.all().unwrap(), before);
    let appended = store.append(last, at(60)).unwrap();
    assert_eq!(
        (appended.seq, appended.prev_hash.as_str()),
        (6, before[4].hash.as_str())
    );
    drop(store);
    let store = open("events_survive_reopen");
    let all = assert_intact(store.as_ref(), 6);
    assert_eq!(all[5], appended);
}

/// Appending an event whose signature does not verify fails and writes nothing.
pub fn append_refuses_bad_signatures(open: Opener<'_>) {
    let (alice, bob) = keys();
    let store = open("append_refuses_bad_signatures");
    append_all(
        store.as_ref(),
        sample_events(&alice, &bob).into_iter().take(1).collect(),
    );

    let mut altered = sample_events(&alice, &bob).remove(3);
    altered.body["decision"] = json!("no_go");
    let mut wrong_key = sample_events(&alice, &bob).remove(1);
    wrong_key.public_key = Some(bob.public_key().to_string());
    let mut renamed = sample_events(&alice, &bob).remove(1);
    renamed.signer = Some("mallory".into());
    let mut unsigned_but_keyed = sample_events(&alice, &bob).remove(1);
    unsigned_but_keyed.signature = None;
    let mut empty_service = sample_events(&alice, &bob).remove(0);
    empty_service.service = String::new();

    for (event, expected) in [
        (altered, "signature does not verify"),
        (wrong_key, "signature does not verify"),
        (renamed, "signature does not verify"),
        (
            unsigned_but_keyed,
            "has a signer or public_key but no signature",
        ),
        (empty_service, "service is empty"),
    ] {
        let error = store.append(event, at(9)).unwrap_err();
        assert!(matches!(error, StoreError::Rejected { .. }), "{error}");
        let text = error.to_string();
        assert!(text.contains(expected), "{text}");
        assert!(text.contains(&store.location()), "{text}");
    }
    assert_intact(store.as_ref(), 1);
}

/// An export imported into an empty store gives the same events, hashes and export bytes.
pub fn import_into_empty_store_preserves_hashes(open: Opener<'_>) {
    let (alice, bob) = keys();
    let source = open("import_into_empty_store_preserves_hashes-source");
    let original = append_all(source.as_ref(), sample_events(&alice, &bob));
    let exported = export(&original);
    let target = open("import_into_empty_store_preserves_hashes-target");
    let summary = target.import(parse_jsonl(&exported).unwrap()).unwrap();
    assert_eq!(
        (
            summary.received,
            summary.skipped,
            summary.added,
            summary.head_seq
        ),
        (6, 0, 6, 6)
    );
    assert_eq!(summary.head_hash, original[5].hash);
    assert_eq!(assert_intact(target.as_ref(), 6), original);
    assert_eq!(export(&target.all().unwrap()), exported);
    // Appends continue from the imported head.
    let next = target
        .append(sample_events(&alice, &bob).remove(0), at(30))
        .unwrap();
    assert_eq!(
        (next.seq, next.prev_hash.as_str()),
        (7, original[5].hash.as_str())
    );
    assert_intact(target.as_ref(), 7);
    // Importing nothing changes nothing.
    let summary = target.import(Vec::new()).unwrap();
    assert_eq!((summary.added, summary.head_seq), (0, 7));
}

/// Importing an export that overlaps the store skips what is there and appends the rest; a
/// tail-only export extends too; re-importing is a no-op.
pub fn import_overlapping_export_skips_and_extends(open: Opener<'_>) {
    let (alice, bob) = keys();
    let source = open("import_overlapping_export_skips_and_extends-source");
    let original = append_all(source.as_ref(), sample_events(&alice, &bob));
    let target = open("import_overlapping_export_skips_and_extends-target");

    let summary = target.import(original[..3].to_vec()).unwrap();
    assert_eq!(
        (summary.skipped, summary.added, summary.head_seq),
        (0, 3, 3)
    );
    assert_intact(target.as_ref(), 3);

    let summary = target.import(original[..5].to_vec()).unwrap();
    assert_eq!(
        (summary.skipped, summary.added, summary.head_seq),
        (3, 2, 5)
    );
    assert_intact(target.as_ref(), 5);

    let summary = target.import(original[5..].to_vec()).unwrap();
    assert_eq!(
        (summary.skipped, summary.added, summary.head_seq),
        (0, 1, 6)
    );
    assert_eq!(summary.head_hash, original[5].hash);

    let summary = target.import(original.clone()).unwrap();
    assert_eq!(
        (
            summary.received,
            summary.skipped,
            summary.added,
            summary.head_seq
        ),
        (6, 6, 0, 6)
    );
    let summary = target.import(original[2..4].to_vec()).unwrap();
    assert_eq!((summary.skipped, summary.added), (2, 0));
    assert_eq!(assert_intact(target.as_ref(), 6), original);
}

/// An import that disagrees with the stored ledger is refused whole.
pub fn conflicting_import_writes_nothing(open: Opener<'_>) {
    let (alice, bob) = keys();
    let source = open("conflicting_import_writes_nothing-source");
    let original = append_all(source.as_ref(), sample_events(&alice, &bob));

    // Diverged from the first event: same seqs, other content.
    let diverged = open("conflicting_import_writes_nothing-diverged");
    let mut other = sample_events(&alice, &bob);
    other.swap(0, 2);
    append_all(diverged.as_ref(), other.into_iter().take(2).collect());
    let before = diverged.all().unwrap();
    let error = diverged.import(original.clone()).unwrap_err();
    match &error {
        StoreError::ImportConflict {
            seq,
            stored,
            imported,
            ..
        } => {
            assert_eq!(*seq, 1);
            assert_eq!(stored, &before[0].hash);
            assert_eq!(imported, &original[0].hash);
        }
        other => panic!("expected a conflict, got {other}"),
    }
    assert!(error.to_string().contains("nothing written"), "{error}");
    assert_eq!(diverged.all().unwrap(), before);

    // Shares events 1-3, diverges at 4: nothing of 4-6 is written.
    let partial = open("conflicting_import_writes_nothing-partial");
    partial.import(original[..3].to_vec()).unwrap();
    partial
        .append(sample_events(&alice, &bob).remove(0), at(99))
        .unwrap();
    let before = partial.all().unwrap();
    let error = partial.import(original.clone()).unwrap_err();
    assert!(
        matches!(error, StoreError::ImportConflict { seq: 4, .. }),
        "{error}"
    );
    assert_eq!(partial.all().unwrap(), before);
    assert_intact(partial.as_ref(), 4);

    // Starts beyond the head: a gap.
    let short = open("conflicting_import_writes_nothing-short");
    short.import(original[..2].to_vec()).unwrap();
    let error = short.import(original[4..].to_vec()).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::ImportGap {
                first: 5,
                head: 2,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error.to_string().contains("events 3 to 4 are missing"),
        "{error}"
    );
    assert_intact(short.as_ref(), 2);
}

/// An import whose events are not an intact chain is refused whole, even the valid prefix.
pub fn invalid_import_writes_nothing(open: Opener<'_>) {
    let (alice, bob) = keys();
    let source = open("invalid_import_writes_nothing-source");
    let original = append_all(source.as_ref(), sample_events(&alice, &bob));
    let target = open("invalid_import_writes_nothing-target");
    target.import(original[..2].to_vec()).unwrap();

    let mut modified = original.clone();
    modified[4].body["note"] = json!("added later");
    let error = target.import(modified).unwrap_err();
    match &error {
        StoreError::ImportInvalid { source, .. } => {
            assert_eq!(
                source.to_string(),
                "event 5: hash does not match its content (modified)"
            );
        }
        other => panic!("expected an invalid import, got {other}"),
    }
    assert_intact(target.as_ref(), 2);

    let mut dropped = original.clone();
    dropped.remove(3);
    let error = target.import(dropped).unwrap_err();
    assert!(
        error.to_string().ends_with(
            "event 4: has seq 5 where seq 4 belongs (an event was deleted, inserted or reordered)"
        ),
        "{error}"
    );
    assert_intact(target.as_ref(), 2);

    // Re-signed content with a recomputed chain still fails on the signature.
    let mut forged = original.clone();
    forged[3].body["decision"] = json!("no_go");
    let mut prev = forged[2].hash.clone();
    for event in &mut forged[3..] {
        event.prev_hash.clone_from(&prev);
        event.hash = event.compute_hash();
        prev.clone_from(&event.hash);
    }
    let error = target.import(forged).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("event 4: signature does not verify"),
        "{error}"
    );
    assert_intact(target.as_ref(), 2);
}

/// A review with the parts fleet views read (waivers, action items, checks) and bulk they do not.
fn detailed_review(service: &str, nonce: &str, score: f64) -> NewEvent {
    NewEvent::unsigned(
        service,
        EventKind::Review,
        json!({
            "decision": "go", "computed_decision": "conditional_go", "score": score,
            "nonce": nonce, "evaluated_on": "2026-11-22", "content_hash": "sha256:ab",
            "thresholds": {"go": 90}, "commit": null,
            "review": {
                "service": service, "owner": "team-a", "tier": 1, "score": score,
                "decision": "go", "counts": {"fail": 1, "pass": 1},
                "waivers": [{"check": "SEC-001", "expires": "2026-12-01"}],
                "action_items": [{"check": "CAP-007"}],
                "checks": [
                    {"id": "CAP-007", "title": "PDB", "status": "fail", "message": "no <pdb>",
                     "findings": [{"path": "deploy/app.yaml", "line": 3}]},
                    {"id": "SEC-001", "title": "Secrets", "status": "pass", "message": "ok"},
                ],
                "categories": [{"id": "capacity"}], "scan": {"files": 12},
            },
        }),
    )
}

/// `headlines_after` reads every review as its headline (other kinds whole) in `seq` order, in
/// batches; `summaries_at` reads the chosen events, reviews as their summaries; the events
/// themselves stay whole and verify.
pub fn headlines_and_summaries_at_read_reviews_reduced(open: Opener<'_>) {
    let (alice, bob) = keys();
    let store = open("headlines_and_summaries_at_read_reviews_reduced");
    append_all(store.as_ref(), sample_events(&alice, &bob));
    store
        .append(detailed_review("svc-a", "k1", 88.5), at(10))
        .unwrap();
    let results = store.append_prepared_many(
        vec![PreparedEvent::new(detailed_review("svc-a", "k2", 91.0))],
        at(11),
    );
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].as_ref().unwrap().0.seq, 8);
    let whole = assert_intact(store.as_ref(), 8);

    let headlines = store.headlines_after(0, 100).unwrap();
    assert_eq!(
        headlines,
        whole.iter().cloned().map(headline).collect::<Vec<_>>(),
        "{}",
        store.location()
    );
    assert_eq!(
        headlines[6].body,
        json!({
            "decision": "go", "computed_decision": "conditional_go", "score": 88.5,
            "nonce": "k1", "evaluated_on": "2026-11-22", "content_hash": "sha256:ab",
            "thresholds": {"go": 90}, "commit": null,
            "review": {
                "service": "svc-a", "owner": "team-a", "tier": 1, "score": 88.5,
                "decision": "go", "counts": {"fail": 1, "pass": 1},
            },
        })
    );
    // Signed events are read whole: their signatures still verify.
    assert_eq!(headlines[1], whole[1]);
    assert_eq!(headlines[1].check_signature(), Ok(()));
    assert_eq!(
        store.headlines_after(5, 2).unwrap(),
        vec![headline(whole[5].clone()), headline(whole[6].clone())]
    );
    assert_eq!(store.headlines_after(8, 10).unwrap(), Vec::<Event>::new());

    let summaries = store.summaries_at(&[8, 2, 7, 8, 99]).unwrap();
    assert_eq!(
        summaries,
        vec![
            summarise(whole[1].clone()),
            summarise(whole[6].clone()),
            summarise(whole[7].clone()),
        ],
        "{}",
        store.location()
    );
    assert_eq!(
        summaries[2].body["review"]["checks"][0],
        json!({"id": "CAP-007", "title": "PDB", "status": "fail", "message": "no <pdb>"})
    );
    assert_eq!(
        summaries[2].body["review"]["waivers"],
        json!([{"check": "SEC-001", "expires": "2026-12-01"}])
    );
    assert_eq!(summaries[2].body["review"].get("categories"), None);
    assert_eq!(store.summaries_at(&[]).unwrap(), Vec::<Event>::new());
    // Reading reduced events changes nothing stored.
    assert_eq!(assert_intact(store.as_ref(), 8), whole);
}

/// `append_prepared_many` gives what `append_unique_many` gives: one result per event in order,
/// an event whose signature does not verify refused alone, one stored event per idempotency key
/// (within the batch and against the ledger), a gap-free chain.
pub fn prepared_appends_are_checked_and_stored_once(open: Opener<'_>) {
    let (alice, bob) = keys();
    let store = open("prepared_appends_are_checked_and_stored_once");
    let mut forged = sample_events(&alice, &bob).swap_remove(3);
    forged.body["reason"] = json!("changed after signing");
    let prepare = |events: Vec<NewEvent>| events.into_iter().map(PreparedEvent::new).collect();
    let results = store.append_prepared_many(
        prepare(vec![
            detailed_review("svc-a", "k1", 80.0),
            forged,
            detailed_review("svc-a", "k1", 81.0),
            detailed_review("svc-b", "k1", 82.0),
        ]),
        at(1),
    );
    assert_eq!(results.len(), 4);
    let (first, added) = results[0].as_ref().unwrap();
    assert_eq!((first.seq, *added), (1, true));
    assert!(
        matches!(&results[1], Err(StoreError::Rejected { reason, .. }) if reason.contains("signature does not verify")),
        "{:?}",
        results[1]
    );
    let (again, added) = results[2].as_ref().unwrap();
    assert_eq!((again, *added), (first, false));
    assert_eq!(again.body["score"], json!(80.0));
    let (other, added) = results[3].as_ref().unwrap();
    assert_eq!(
        (other.seq, other.service.as_str(), *added),
        (2, "svc-b", true)
    );

    let retried = store.append_prepared_many(
        prepare(vec![
            detailed_review("svc-b", "k1", 99.0),
            detailed_review("svc-b", "k2", 83.0),
        ]),
        at(2),
    );
    let outcome: Vec<(u64, bool)> = retried
        .into_iter()
        .map(|r| r.map(|(e, added)| (e.seq, added)).unwrap())
        .collect();
    assert_eq!(outcome, vec![(2, false), (3, true)]);
    let all = assert_intact(store.as_ref(), 3);
    assert_eq!(all[2].recorded_at, "2026-11-22T09:02:00Z");
    assert_eq!(
        all[1],
        detailed_review("svc-b", "k1", 82.0).into_event(
            2,
            "2026-11-22T09:01:00Z".to_owned(),
            all[0].hash.clone()
        )
    );
}
