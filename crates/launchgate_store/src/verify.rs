//! Chain verification: pure functions over a slice of events.

use std::fmt;

use crate::canonical::is_hash;
use crate::event::{Event, GENESIS_HASH};

/// An intact ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifySummary {
    /// Number of events.
    pub count: u64,
    /// `hash` of the last event, or [`GENESIS_HASH`] for an empty ledger. Keep it (or commit
    /// the export) as the anchor for [`verify_against_head`].
    pub head_hash: String,
}

/// The first thing wrong with a ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    /// The position of the first bad event: its expected `seq`, which is also its line in a
    /// JSON Lines export. For [`Problem::AnchorMissing`], the position after the last event.
    pub seq: u64,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What [`verify`] found wrong with an event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The event at this position carries another `seq`.
    Sequence {
        /// The `seq` the event carries.
        found: u64,
    },
    /// `prev_hash` is not the previous event's `hash` (or not the genesis hash for event 1).
    BrokenLink,
    /// `hash` is not the SHA-256 of the event's content.
    Modified,
    /// A field has the wrong form (e.g. a hash that is not 64 hex digits).
    Malformed(String),
    /// The signature does not verify against the event's public key.
    BadSignature(String),
    /// [`verify_against_head`]: no event has the expected head hash.
    AnchorMissing {
        /// The hash that was expected.
        expected: String,
    },
    /// [`verify_against_pin`]: the ledger ends before the pinned event.
    PinBeyondEnd {
        /// The pinned `seq`.
        pinned: u64,
        /// The pinned hash.
        expected: String,
    },
    /// [`verify_against_pin`]: the event at the pinned `seq` has another hash.
    PinMismatch {
        /// The pinned hash.
        expected: String,
        /// The event's hash.
        found: String,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seq = self.seq;
        match &self.problem {
            Problem::Sequence { found } => write!(
                f,
                "event {seq}: has seq {found} where seq {seq} belongs (an event was deleted, inserted or reordered)"
            ),
            Problem::BrokenLink if seq == 1 => write!(
                f,
                "event 1: prev_hash is not the genesis hash (the ledger does not start at its first event)"
            ),
            Problem::BrokenLink => write!(
                f,
                "event {seq}: prev_hash does not link to event {} (deleted, inserted or reordered)",
                seq - 1
            ),
            Problem::Modified => {
                write!(f, "event {seq}: hash does not match its content (modified)")
            }
            Problem::Malformed(reason) | Problem::BadSignature(reason) => {
                write!(f, "event {seq}: {reason}")
            }
            Problem::AnchorMissing { expected } => write!(
                f,
                "the ledger ends at event {} and no event has the expected head hash {expected}: events were removed from its end (truncated) or it was rewritten",
                seq - 1
            ),
            Problem::PinBeyondEnd { pinned, expected } => write!(
                f,
                "the ledger ends at event {} but event {pinned} (hash {expected}) is pinned: events were removed from its end (truncated), or the ledger was replaced",
                seq - 1
            ),
            Problem::PinMismatch { expected, found } => write!(
                f,
                "event {seq}: hash {found} is not the pinned hash {expected}: the ledger was rewritten up to this event (rehashed) or replaced"
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Verifies a whole ledger (starting at seq 1 after the genesis hash): `seq` runs 1, 2, 3, …;
/// each `prev_hash` is the previous `hash`; each `hash` is recomputed from the content; every
/// signature verifies against the event's `public_key`. Returns the FIRST bad event.
///
/// A chain alone cannot show that events were cut off its end: a truncated ledger is still a
/// valid chain. Use [`verify_against_head`] with a head hash kept from earlier for that.
///
/// Whether a signing key belongs to an authorised approver is a policy question, not checked here.
pub fn verify(events: &[Event]) -> Result<VerifySummary, VerifyError> {
    verify_segment(events, 1, GENESIS_HASH)
}

/// [`verify`], and the ledger must contain an event whose hash is `expected_head` (a head hash
/// recorded earlier, e.g. from `VerifySummary::head_hash` or the last line of a committed
/// export). Events appended after that anchor are allowed; removing the anchored event or any
/// event before it is detected. For "nothing may have been added either", compare
/// `head_hash` of the summary with the anchor.
pub fn verify_against_head(
    events: &[Event],
    expected_head: &str,
) -> Result<VerifySummary, VerifyError> {
    let summary = verify(events)?;
    let found = expected_head == GENESIS_HASH || events.iter().any(|e| e.hash == expected_head);
    if found && is_hash(expected_head) {
        Ok(summary)
    } else {
        Err(VerifyError {
            seq: summary.count + 1,
            problem: Problem::AnchorMissing {
                expected: expected_head.to_owned(),
            },
        })
    }
}

/// [`verify`], and the event at `seq` must have the hash `hash`: a head pinned in the policy
/// (`ledger.head`). Events appended after it are allowed; a ledger that ends before it
/// ([`Problem::PinBeyondEnd`]) or whose event at `seq` has another hash
/// ([`Problem::PinMismatch`]: every event up to it was rewritten and rehashed, or the ledger was
/// replaced) is refused. `seq` 0 pins the empty ledger (genesis) and always holds.
pub fn verify_against_pin(
    events: &[Event],
    seq: u64,
    hash: &str,
) -> Result<VerifySummary, VerifyError> {
    let summary = verify(events)?;
    if seq == 0 {
        return Ok(summary);
    }
    let Some(event) = usize::try_from(seq - 1).ok().and_then(|i| events.get(i)) else {
        return Err(VerifyError {
            seq: summary.count + 1,
            problem: Problem::PinBeyondEnd {
                pinned: seq,
                expected: hash.to_owned(),
            },
        });
    };
    if event.hash == hash {
        Ok(summary)
    } else {
        Err(VerifyError {
            seq,
            problem: Problem::PinMismatch {
                expected: hash.to_owned(),
                found: event.hash.clone(),
            },
        })
    }
}

/// Verifies `events` as the part of a ledger that starts at `first_seq` right after an event
/// whose hash is `prev_hash`.
pub fn verify_segment(
    events: &[Event],
    first_seq: u64,
    prev_hash: &str,
) -> Result<VerifySummary, VerifyError> {
    // Pass 1: sequence, links, hashes and field shapes (cheap). Pass 2: signatures, but only of
    // the events before the first pass-1 failure, so the error is still the first bad event
    // while a tampered file costs no signature checks past the damage.
    let mut prev = prev_hash;
    let mut first_error = None;
    for (event, seq) in events.iter().zip(first_seq..) {
        if let Err(problem) = check_structure(event, seq, prev) {
            first_error = Some(VerifyError { seq, problem });
            break;
        }
        prev = &event.hash;
    }
    let checked = first_error.as_ref().map_or(events.len(), |e| {
        usize::try_from(e.seq - first_seq).unwrap_or(usize::MAX)
    });
    for (event, seq) in events.iter().take(checked).zip(first_seq..) {
        event.check_signature().map_err(|reason| VerifyError {
            seq,
            problem: Problem::BadSignature(reason),
        })?;
    }
    if let Some(error) = first_error {
        return Err(error);
    }
    Ok(VerifySummary {
        count: events.len() as u64,
        head_hash: prev.to_owned(),
    })
}

fn check_structure(event: &Event, seq: u64, prev: &str) -> Result<(), Problem> {
    if event.seq != seq {
        return Err(Problem::Sequence { found: event.seq });
    }
    if event.prev_hash != prev {
        return Err(Problem::BrokenLink);
    }
    if !is_hash(&event.hash) {
        return Err(Problem::Malformed(
            "hash is not 64 lowercase hex digits".to_owned(),
        ));
    }
    if event.compute_hash() != event.hash {
        return Err(Problem::Modified);
    }
    event.check_fields().map_err(Problem::Malformed)
}
