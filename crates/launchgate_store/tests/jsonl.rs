//! The JSON Lines export: any single-byte change, deletion or insertion is detected.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TempDir;
use launchgate_store::contract::{append_all, sample_events};
use launchgate_store::{
    Event, JsonlError, KeyPair, SqliteStore, Store, export, parse_jsonl, verify,
    verify_against_head, verify_against_pin, verify_jsonl,
};

/// A real ledger of six mixed events, exported.
fn ledger() -> (Vec<Event>, String) {
    let dir = TempDir::new("jsonl");
    let store = SqliteStore::open(dir.path().join("ledger.db")).unwrap();
    let (alice, bob) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
    append_all(&store, sample_events(&alice, &bob));
    let events = store.all().unwrap();
    let text = export(&events);
    (events, text)
}

fn detected(bytes: &[u8]) -> bool {
    verify_jsonl(bytes).is_err()
}

#[test]
fn export_round_trips_and_verifies() {
    let (events, text) = ledger();
    assert_eq!(text.lines().count(), 6);
    assert!(text.ends_with('\n'));
    let (parsed, summary) = verify_jsonl(&text).unwrap();
    assert_eq!(parsed, events);
    assert_eq!(summary.count, 6);
    assert_eq!(summary.head_hash, events[5].hash);
    assert_eq!(export(&parsed), text);
    assert_eq!(parse_jsonl("").unwrap(), Vec::<Event>::new());
    // Each line starts with the body (keys are sorted) and ends with the signer.
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(r#"{"body":{"commit":"3f2a9c1","computed_decision":"conditional_go""#),
        "{first}"
    );
    assert!(
        first.contains(&format!(
            r#""hash":"{}","kind":"review","prev_hash":"{}""#,
            events[0].hash,
            launchgate_store::GENESIS_HASH
        )),
        "{first}"
    );
    assert!(
        first.ends_with(r#""signature":null,"signer":null}"#),
        "{first}"
    );
}

/// The edits tried at byte `i`: three changes (low bit, ASCII case bit, high bit), a deletion,
/// and three insertions (space, a digit, a newline) before it.
fn edits_at(original: &[u8], i: usize) -> Vec<(String, Vec<u8>)> {
    let mut edits = Vec::new();
    for flip in [0x01u8, 0x20, 0x80] {
        let mut changed = original.to_vec();
        changed[i] ^= flip;
        edits.push((format!("byte {i} xor {flip:#x}"), changed));
    }
    let mut deleted = original.to_vec();
    deleted.remove(i);
    edits.push((format!("delete byte {i}"), deleted));
    for inserted in [b' ', b'0', b'\n'] {
        let mut bytes = original.to_vec();
        bytes.insert(i, inserted);
        edits.push((format!("insert {inserted:#x} before byte {i}"), bytes));
    }
    edits
}

#[test]
fn every_single_byte_change_deletion_and_insertion_is_detected() {
    let (_, text) = ledger();
    let original = text.as_bytes();
    assert!(!detected(original));
    // Two workers over interleaved positions (the machine has two cores).
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|worker| {
                scope.spawn(move || {
                    let mut cases = 0;
                    let mut missed = Vec::new();
                    for i in (worker..original.len()).step_by(2) {
                        for (what, bytes) in edits_at(original, i) {
                            assert_ne!(bytes, original, "{what}");
                            cases += 1;
                            if !detected(&bytes) {
                                missed.push(what);
                            }
                        }
                    }
                    (cases, missed)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut cases: usize = results.iter().map(|(n, _)| n).sum();
    let mut missed: Vec<String> = results.into_iter().flat_map(|(_, m)| m).collect();
    for appended in [b' ', b'\n', b'{'] {
        let mut bytes = original.to_vec();
        bytes.push(appended);
        cases += 1;
        if !detected(&bytes) {
            missed.push(format!("append {appended:#x}"));
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {cases} edits went unnoticed: {:?}",
        missed.len(),
        &missed[..missed.len().min(20)]
    );
    assert_eq!(cases, 7 * original.len() + 3);
}

#[test]
fn swapped_duplicated_and_dropped_lines_are_detected() {
    let (events, text) = ledger();
    let lines: Vec<&str> = text.lines().collect();
    let join = |lines: &[&str]| lines.iter().flat_map(|l| [*l, "\n"]).collect::<String>();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            let mut swapped = lines.clone();
            swapped.swap(i, j);
            let error = verify_jsonl(join(&swapped)).unwrap_err();
            assert!(
                matches!(&error, JsonlError::Verify(e) if e.seq == i as u64 + 1),
                "swap {i} {j}: {error}"
            );
        }
        let mut duplicated = lines.clone();
        duplicated.insert(i, lines[i]);
        assert!(verify_jsonl(join(&duplicated)).is_err(), "duplicate {i}");
        if i + 1 < lines.len() {
            let mut dropped = lines.clone();
            dropped.remove(i);
            let error = verify_jsonl(join(&dropped)).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!(
                    "line {n}: event {n}: has seq {m} where seq {n} belongs (an event was deleted, inserted or reordered)",
                    n = i + 1,
                    m = i + 2
                )
            );
        }
    }
    let error = verify_jsonl(join(&[lines[1], lines[0]])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 1: event 1: has seq 2 where seq 1 belongs (an event was deleted, inserted or reordered)"
    );
    // Dropping the LAST line leaves a valid, shorter chain: only an anchor reveals it.
    let truncated = parse_jsonl(join(&lines[..5])).unwrap();
    assert_eq!(verify(&truncated).unwrap().count, 5);
    let error = verify_against_head(&truncated, &events[5].hash).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the ledger ends at event 5 and no event has the expected head hash {}: events were removed from its end (truncated) or it was rewritten",
            events[5].hash
        )
    );
    assert_eq!(
        verify_against_head(&events, &events[5].hash).unwrap().count,
        6
    );
    // An anchor taken earlier still holds after later appends.
    assert_eq!(
        verify_against_head(&events, &events[2].hash).unwrap().count,
        6
    );
    assert_eq!(
        verify_against_head(&[], launchgate_store::GENESIS_HASH)
            .unwrap()
            .count,
        0
    );
}

#[test]
fn errors_name_the_line_and_the_cause() {
    let (events, text) = ledger();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let join = |lines: &[String]| {
        lines
            .iter()
            .flat_map(|l| [l.as_str(), "\n"])
            .collect::<String>()
    };

    let mut modified = lines.clone();
    modified[2] = modified[2].replace("internal-dashboard", "internal-dashbaord");
    assert_eq!(
        verify_jsonl(join(&modified)).unwrap_err().to_string(),
        "line 3: event 3: hash does not match its content (modified)"
    );

    let mut spaced = lines.clone();
    spaced[1] = spaced[1].replacen(r#"{"body":"#, r#"{ "body":"#, 1);
    assert_eq!(
        verify_jsonl(join(&spaced)).unwrap_err().to_string(),
        "line 2: is not in canonical form (keys sorted, no whitespace, every field present, serde_json escaping): it was edited by hand or by another tool"
    );

    let crlf = text.replace('\n', "\r\n");
    assert_eq!(
        verify_jsonl(&crlf).unwrap_err().to_string(),
        "line 1: ends with a carriage return: the ledger uses LF line endings, not CRLF"
    );
    assert_eq!(
        verify_jsonl(text.trim_end()).unwrap_err().to_string(),
        "line 6: does not end with a newline (the file was truncated or edited)"
    );
    assert_eq!(
        verify_jsonl(format!("{text}\n")).unwrap_err().to_string(),
        "line 7: is empty (blank lines are not allowed)"
    );
    let mut unknown = lines.clone();
    unknown[0] = unknown[0].replacen(r#"{"body":"#, r#"{"author":"x","body":"#, 1);
    let error = verify_jsonl(join(&unknown)).unwrap_err().to_string();
    assert!(
        error.starts_with("line 1: is not a ledger event: unknown field `author`"),
        "{error}"
    );

    // A re-hashed forgery of a signed event fails on its signature.
    let mut forged = events.clone();
    forged[3].body["decision"] = serde_json::json!("no_go");
    let mut prev = forged[2].hash.clone();
    for event in &mut forged[3..] {
        event.prev_hash.clone_from(&prev);
        event.hash = event.compute_hash();
        prev.clone_from(&event.hash);
    }
    assert_eq!(
        verify_jsonl(export(&forged)).unwrap_err().to_string(),
        "line 4: event 4: signature does not verify (the signed fields were changed, or another key signed them)"
    );
    // A re-hashed forgery of an unsigned review verifies: only an anchor reveals it.
    let mut rewritten = events.clone();
    rewritten[5].body["score"] = serde_json::json!(99.0);
    rewritten[5].hash = rewritten[5].compute_hash();
    assert!(verify(&rewritten).is_ok());
    assert!(verify_against_head(&rewritten, &events[5].hash).is_err());
}

#[test]
fn a_pinned_head_catches_truncation_and_a_full_rehash_and_allows_later_appends() {
    let (events, text) = ledger();
    let pin = (4, events[3].hash.as_str());
    assert_eq!(verify_against_pin(&events, pin.0, pin.1).unwrap().count, 6);
    assert_eq!(verify_against_pin(&events, 0, "").unwrap().count, 6);

    // Cut off after event 3: a valid chain, but the pinned event is gone.
    let truncated = parse_jsonl(export(&events[..3])).unwrap();
    assert!(text.starts_with(&export(&events[..3])));
    assert!(verify(&truncated).is_ok());
    assert_eq!(
        verify_against_pin(&truncated, pin.0, pin.1)
            .unwrap_err()
            .to_string(),
        format!(
            "the ledger ends at event 3 but event 4 (hash {}) is pinned: events were removed from its end (truncated), or the ledger was replaced",
            pin.1
        )
    );

    // Event 1 (an unsigned review) rewritten and every hash after it recomputed: the chain and
    // the signatures (which do not cover links) still verify; the pin does not.
    let mut rehashed = events.clone();
    rehashed[0].body["score"] = serde_json::json!(12.5);
    let mut prev = launchgate_store::GENESIS_HASH.to_owned();
    for event in &mut rehashed {
        event.prev_hash.clone_from(&prev);
        event.hash = event.compute_hash();
        prev.clone_from(&event.hash);
    }
    assert!(verify(&rehashed).is_ok());
    let error = verify_against_pin(&rehashed, pin.0, pin.1).unwrap_err();
    assert_eq!(error.seq, 4);
    assert_eq!(
        error.to_string(),
        format!(
            "event 4: hash {} is not the pinned hash {}: the ledger was rewritten up to this event (rehashed) or replaced",
            rehashed[3].hash, pin.1
        )
    );
}
