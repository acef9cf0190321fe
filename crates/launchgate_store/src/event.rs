//! Ledger events: what callers build ([`NewEvent`]), what the store keeps ([`Event`]), and the
//! typed bodies of the three kinds.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::canonical::{canonical_json, is_hash, sha256_hex};
use crate::keys::{self, PublicKey, SecretKey};

/// `prev_hash` of the first event: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// A human decision replacing the computed one ([`OverrideBody`]).
    Override,
    /// An approver's sign-off on a review's content hash ([`SignoffBody`]).
    Signoff,
    /// A stored review ([`ReviewBody`]).
    Review,
}

impl EventKind {
    /// Every kind, in a fixed order.
    pub const ALL: [EventKind; 3] = [EventKind::Override, EventKind::Signoff, EventKind::Review];

    /// The wire name: `override`, `signoff` or `review`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Override => "override",
            EventKind::Signoff => "signoff",
            EventKind::Review => "review",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown event kind name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event kind `{0}`; expected one of: override, signoff, review")]
pub struct UnknownKind(pub String);

impl std::str::FromStr for EventKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// One entry of the ledger, as stored and exported.
///
/// `hash` is the lowercase hex SHA-256 of the canonical JSON of every other field
/// ([`Event::hash_payload`]); `prev_hash` is the previous event's `hash` ([`GENESIS_HASH`] for
/// `seq` 1), so each event commits to the whole ledger before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Position in the ledger, 1-based and contiguous.
    pub seq: u64,
    /// When the store appended it: RFC 3339, UTC (`…Z`).
    pub recorded_at: String,
    /// The service the event is about.
    pub service: String,
    /// What the event records.
    pub kind: EventKind,
    /// The kind's body (see [`OverrideBody`], [`SignoffBody`], [`ReviewBody`]).
    pub body: Value,
    /// The approver's name, for signed events.
    pub signer: Option<String>,
    /// The signer's public key (`ed25519:…`).
    pub public_key: Option<String>,
    /// Signature over [`NewEvent::signing_payload`] (`ed25519:…`).
    pub signature: Option<String>,
    /// `hash` of the previous event, or [`GENESIS_HASH`].
    pub prev_hash: String,
    /// SHA-256 of [`Event::hash_payload`].
    pub hash: String,
}

/// An event as a caller builds it; the store assigns `seq`, `recorded_at`, `prev_hash` and
/// `hash` when it appends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    /// The service the event is about (not empty).
    pub service: String,
    /// What the event records.
    pub kind: EventKind,
    /// The body.
    pub body: Value,
    /// The approver's name (required when signed).
    pub signer: Option<String>,
    /// The signer's public key (required when signed).
    pub public_key: Option<String>,
    /// The signature over [`NewEvent::signing_payload`].
    pub signature: Option<String>,
}

impl NewEvent {
    /// An unsigned event (reviews are recorded unsigned).
    pub fn unsigned(service: impl Into<String>, kind: EventKind, body: Value) -> NewEvent {
        NewEvent {
            service: service.into(),
            kind,
            body,
            signer: None,
            public_key: None,
            signature: None,
        }
    }

    /// An event signed by `signer` (an approver's name) with `key`.
    pub fn signed(
        service: impl Into<String>,
        kind: EventKind,
        body: Value,
        signer: impl Into<String>,
        key: &SecretKey,
    ) -> NewEvent {
        let mut event = NewEvent {
            service: service.into(),
            kind,
            body,
            signer: Some(signer.into()),
            public_key: Some(key.public_key().to_string()),
            signature: None,
        };
        event.signature = Some(keys::sign(key, event.signing_payload().as_bytes()));
        event
    }

    /// The bytes a signature covers: the canonical JSON of
    /// `{"body","kind","public_key","service","signer"}` (nulls included). `seq`, `prev_hash`
    /// and `recorded_at` are not part of it: they are assigned when the store appends.
    pub fn signing_payload(&self) -> String {
        signing_payload(
            &self.service,
            self.kind,
            &self.body,
            self.signer.as_deref(),
            self.public_key.as_deref(),
        )
    }

    /// Checks the fields an appended event must have right (non-empty service, signer, public
    /// key and signature all present or signature absent, and a signature that verifies).
    pub fn check(&self) -> Result<(), String> {
        check_fields(
            &self.service,
            self.kind,
            &self.body,
            self.signer.as_deref(),
            self.public_key.as_deref(),
            self.signature.as_deref(),
            true,
        )
    }

    /// The stored event this becomes at `seq` after `prev_hash`, recorded at `recorded_at`.
    pub fn into_event(self, seq: u64, recorded_at: String, prev_hash: String) -> Event {
        let mut event = Event {
            seq,
            recorded_at,
            service: self.service,
            kind: self.kind,
            body: self.body,
            signer: self.signer,
            public_key: self.public_key,
            signature: self.signature,
            prev_hash,
            hash: String::new(),
        };
        event.hash = event.compute_hash();
        event
    }
}

/// A [`NewEvent`] with the work that does not depend on its place in the chain done ahead: the
/// check of its fields and signature ([`NewEvent::check`]), its body's canonical JSON, a
/// review's summary and headline ([`crate::review_summary`], [`crate::review_headline`]), and
/// the SHA-256 state after the hash payload's first field (`{"body":…`, which sorts first).
///
/// A server prepares each upload on the thread that received it (in parallel with the others)
/// and appends them with [`crate::Store::append_prepared_many`]: the store then only hashes the
/// few small fields left and writes, so a batch of uploads does not prepare them one after
/// another while the ledger is locked or the next batch waits.
pub struct PreparedEvent {
    event: NewEvent,
    checked: Result<(), String>,
    body_json: String,
    summary_json: Option<String>,
    headline_json: Option<String>,
    prefix: sha2::Sha256,
}

impl fmt::Debug for PreparedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedEvent")
            .field("service", &self.event.service)
            .field("kind", &self.event.kind)
            .field("checked", &self.checked)
            .field("body_bytes", &self.body_json.len())
            .finish_non_exhaustive()
    }
}

/// What a [`PreparedEvent`] becomes at its place in the chain: the stored event and the JSON
/// text of its body, summary and headline columns.
pub(crate) struct Placed {
    pub(crate) event: Event,
    pub(crate) body_json: String,
    pub(crate) summary_json: Option<String>,
    pub(crate) headline_json: Option<String>,
}

impl PreparedEvent {
    /// Prepares `event` for appending (CPU work only: no I/O, no lock).
    pub fn new(event: NewEvent) -> PreparedEvent {
        use sha2::Digest as _;
        let checked = event.check();
        let body_json = canonical_json(&event.body);
        let summary_json = stored_summary(event.kind, &event.body);
        let headline_json = stored_headline(event.kind, &event.body);
        let mut prefix = sha2::Sha256::new();
        prefix.update(b"{\"body\":");
        prefix.update(body_json.as_bytes());
        PreparedEvent {
            event,
            checked,
            body_json,
            summary_json,
            headline_json,
            prefix,
        }
    }

    /// The event.
    pub fn event(&self) -> &NewEvent {
        &self.event
    }

    /// [`NewEvent::check`]'s verdict on the event: a store refuses it when this is an error.
    pub fn checked(&self) -> Result<(), &str> {
        match &self.checked {
            Ok(()) => Ok(()),
            Err(reason) => Err(reason),
        }
    }

    /// The event, without what was prepared.
    pub fn into_new_event(self) -> NewEvent {
        self.event
    }

    /// [`NewEvent::into_event`], with the JSON of the body and, for a review, of its summary
    /// ([`stored_summary`]) and headline ([`stored_headline`]).
    pub(crate) fn into_event(self, seq: u64, recorded_at: String, prev_hash: String) -> Placed {
        use sha2::Digest as _;
        let event = self.event;
        let mut stored = Event {
            seq,
            recorded_at,
            service: event.service,
            kind: event.kind,
            body: event.body,
            signer: event.signer,
            public_key: event.public_key,
            signature: event.signature,
            prev_hash,
            hash: String::new(),
        };
        // The other fields' canonical JSON is `{"kind":…}`: it continues the payload after a comma.
        let rest = canonical_json(&Value::Object(stored.fields_without_body_and_hash()));
        let mut hasher = self.prefix;
        hasher.update(b",");
        hasher.update(rest.as_bytes().get(1..).unwrap_or_default());
        stored.hash = crate::canonical::hex_digest(hasher.finalize());
        Placed {
            event: stored,
            body_json: self.body_json,
            summary_json: self.summary_json,
            headline_json: self.headline_json,
        }
    }
}

/// The JSON a store keeps beside an event of `kind` with `body` for readers of summaries: the
/// canonical JSON of [`crate::review_summary`] for a review, nothing for the other (small) kinds.
pub(crate) fn stored_summary(kind: EventKind, body: &Value) -> Option<String> {
    (kind == EventKind::Review).then(|| canonical_json(&crate::review_summary(body)))
}

/// The JSON a store keeps beside an event of `kind` with `body` for readers of headlines: the
/// canonical JSON of [`crate::review_headline`] for a review, nothing for the other kinds.
pub(crate) fn stored_headline(kind: EventKind, body: &Value) -> Option<String> {
    (kind == EventKind::Review).then(|| canonical_json(&crate::review_headline(body)))
}

impl Event {
    /// The canonical JSON of every field except `hash` (what `hash` is computed over).
    pub fn hash_payload(&self) -> String {
        canonical_json(&Value::Object(self.fields_without_hash()))
    }

    /// SHA-256 (lowercase hex) of [`Event::hash_payload`].
    pub fn compute_hash(&self) -> String {
        sha256_hex(self.hash_payload().as_bytes())
    }

    /// The canonical JSON of the whole event: one line of the JSONL export (without `\n`).
    pub fn canonical(&self) -> String {
        let mut map = self.fields_without_hash();
        map.insert("hash".to_owned(), Value::String(self.hash.clone()));
        canonical_json(&Value::Object(map))
    }

    /// The payload the event's signature covers (see [`NewEvent::signing_payload`]).
    pub fn signing_payload(&self) -> String {
        signing_payload(
            &self.service,
            self.kind,
            &self.body,
            self.signer.as_deref(),
            self.public_key.as_deref(),
        )
    }

    /// The body as a typed struct (e.g. `event.body_as::<OverrideBody>()`).
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.body)
    }

    /// Checks the event's own fields (format of hashes and timestamp, signer/public key/
    /// signature consistency, the signature itself). Chain links are [`crate::verify`]'s job.
    pub(crate) fn check_fields(&self) -> Result<(), String> {
        if !is_hash(&self.prev_hash) {
            return Err("prev_hash is not 64 lowercase hex digits".to_owned());
        }
        if !is_hash(&self.hash) {
            return Err("hash is not 64 lowercase hex digits".to_owned());
        }
        check_timestamp(&self.recorded_at)?;
        check_fields(
            &self.service,
            self.kind,
            &self.body,
            self.signer.as_deref(),
            self.public_key.as_deref(),
            self.signature.as_deref(),
            false,
        )
    }

    /// Whether the signature (if any) verifies; `Err` says why not.
    pub(crate) fn check_signature(&self) -> Result<(), String> {
        check_fields(
            &self.service,
            self.kind,
            &self.body,
            self.signer.as_deref(),
            self.public_key.as_deref(),
            self.signature.as_deref(),
            true,
        )
    }

    fn fields_without_hash(&self) -> Map<String, Value> {
        let mut map = self.fields_without_body_and_hash();
        map.insert("body".to_owned(), self.body.clone());
        map
    }

    fn fields_without_body_and_hash(&self) -> Map<String, Value> {
        let opt = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
        let mut map = Map::new();
        map.insert(
            "kind".to_owned(),
            Value::String(self.kind.as_str().to_owned()),
        );
        map.insert(
            "prev_hash".to_owned(),
            Value::String(self.prev_hash.clone()),
        );
        map.insert("public_key".to_owned(), opt(&self.public_key));
        map.insert(
            "recorded_at".to_owned(),
            Value::String(self.recorded_at.clone()),
        );
        map.insert("seq".to_owned(), Value::from(self.seq));
        map.insert("service".to_owned(), Value::String(self.service.clone()));
        map.insert("signature".to_owned(), opt(&self.signature));
        map.insert("signer".to_owned(), opt(&self.signer));
        map
    }
}

/// `recorded_at` for a timestamp: RFC 3339 in UTC, e.g. `2026-11-22T09:30:00Z`.
pub fn format_timestamp(at: jiff::Timestamp) -> String {
    at.to_string()
}

fn check_timestamp(s: &str) -> Result<(), String> {
    match s.parse::<jiff::Timestamp>() {
        Ok(_) if s.ends_with('Z') => Ok(()),
        _ => Err(format!(
            "recorded_at `{s}` is not an RFC 3339 UTC timestamp"
        )),
    }
}

fn signing_payload(
    service: &str,
    kind: EventKind,
    body: &Value,
    signer: Option<&str>,
    public_key: Option<&str>,
) -> String {
    let opt = |v: Option<&str>| v.map_or(Value::Null, |s| Value::String(s.to_owned()));
    let mut map = Map::new();
    map.insert("body".to_owned(), body.clone());
    map.insert("kind".to_owned(), Value::String(kind.as_str().to_owned()));
    map.insert("public_key".to_owned(), opt(public_key));
    map.insert("service".to_owned(), Value::String(service.to_owned()));
    map.insert("signer".to_owned(), opt(signer));
    canonical_json(&Value::Object(map))
}

/// Field rules shared by appends and verification. The shape (non-empty service; signer,
/// public key and signature all present or all absent; a well-formed public key) is always
/// checked; the signature itself only when `verify_signature` is set.
fn check_fields(
    service: &str,
    kind: EventKind,
    body: &Value,
    signer: Option<&str>,
    public_key: Option<&str>,
    signature: Option<&str>,
    verify_signature: bool,
) -> Result<(), String> {
    if service.trim().is_empty() {
        return Err("service is empty".to_owned());
    }
    if signer.is_some_and(|s| s.trim().is_empty()) {
        return Err("signer is empty".to_owned());
    }
    let (Some(signature), Some(signer), Some(key_text)) = (signature, signer, public_key) else {
        return match (signature, signer, public_key) {
            (None, None, None) => Ok(()),
            (Some(_), _, _) => Err("has a signature but no signer or no public_key".to_owned()),
            (None, _, _) => Err("has a signer or public_key but no signature".to_owned()),
        };
    };
    let key = PublicKey::parse_from(key_text, "public_key").map_err(|e| e.to_string())?;
    if key.to_string() != key_text {
        return Err(
            "public_key is not written in its canonical form `ed25519:<base64>`".to_owned(),
        );
    }
    if !verify_signature {
        return Ok(());
    }
    let payload = signing_payload(service, kind, body, Some(signer), Some(key_text));
    if keys::verify(&key, payload.as_bytes(), signature) {
        Ok(())
    } else {
        Err("signature does not verify (the signed fields were changed, or another key signed them)"
            .to_owned())
    }
}

/// Body of an `override` event: the decision a human put in place of the computed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideBody {
    /// `go`, `conditional_go` or `no_go`.
    pub decision: String,
    /// Why.
    pub reason: String,
    /// Last day the override applies, `YYYY-MM-DD`.
    pub expires: String,
    /// Random hex the signer adds so that two otherwise identical events carry different
    /// signatures: a signature seen twice in one ledger is then a replayed copy. Absent in
    /// events written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// When the signer signed it (RFC 3339, UTC). Unlike `recorded_at`, it is covered by the
    /// signature, so `check` orders signed events by it: rewriting a ledger cannot make an old
    /// override or recorded gate the newest. Absent in events written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<String>,
}

/// Body of a `signoff` event: an approver signs off a review by its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffBody {
    /// The approver's role (e.g. `sre`, `security`).
    pub role: String,
    /// Optional note.
    pub note: Option<String>,
    /// The review's `content_hash` the sign-off binds to.
    pub content_hash: String,
    /// Random hex the signer adds so that two otherwise identical events carry different
    /// signatures: a signature seen twice in one ledger is then a replayed copy. Absent in
    /// events written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// When the signer signed it (RFC 3339, UTC). Unlike `recorded_at`, it is covered by the
    /// signature, so `check` orders signed events by it: rewriting a ledger cannot make an old
    /// override or recorded gate the newest. Absent in events written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<String>,
}

/// Body of a `review` event: a stored review and the facts history views need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewBody {
    /// The full review JSON.
    pub review: Value,
    /// The service repository's commit, when known.
    pub commit: Option<String>,
    /// Final decision key (`go`, …).
    pub decision: String,
    /// Decision the policy computed before overrides.
    pub computed_decision: String,
    /// Readiness score.
    pub score: f64,
    /// `YYYY-MM-DD` the review was evaluated on.
    pub evaluated_on: String,
    /// The review's content hash.
    pub content_hash: String,
    /// The thresholds in force.
    pub thresholds: Value,
    /// Random hex the signer adds so that two otherwise identical events carry different
    /// signatures: a signature seen twice in one ledger is then a replayed copy. Absent in
    /// events written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// When the signer signed it (RFC 3339, UTC). Unlike `recorded_at`, it is covered by the
    /// signature, so `check` orders signed events by it: rewriting a ledger cannot make an old
    /// override or recorded gate the newest. Absent in events written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<String>,
}

macro_rules! to_value {
    ($t:ty) => {
        impl $t {
            /// This body as a JSON value for [`NewEvent::body`].
            pub fn to_value(&self) -> Value {
                serde_json::to_value(self).unwrap_or(Value::Null)
            }
        }
    };
}
to_value!(OverrideBody);
to_value!(SignoffBody);
to_value!(ReviewBody);

impl ReviewBody {
    /// This body as a JSON value, like [`ReviewBody::to_value`], moving the review into it
    /// instead of copying it (a review is large: its checks and their evidence).
    pub fn into_value(mut self) -> Value {
        let review = self.review.take();
        let mut value = self.to_value();
        if let Some(map) = value.as_object_mut() {
            map.insert("review".to_owned(), review);
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prepared_event_hashes_and_serialises_like_the_plain_path() {
        let events = [
            NewEvent::unsigned(
                "payment-service",
                EventKind::Review,
                serde_json::json!({"z": [1, 2.5, "\u{1}é\n"], "a": {"y": null, "b": true}}),
            ),
            NewEvent {
                signer: Some("alice".to_owned()),
                public_key: Some("pk".to_owned()),
                signature: Some("sig".to_owned()),
                ..NewEvent::unsigned("svc", EventKind::Signoff, serde_json::json!({}))
            },
        ];
        for event in events {
            let plain = event.clone().into_event(
                7,
                "2026-11-22T09:00:00Z".to_owned(),
                GENESIS_HASH.to_owned(),
            );
            let expected = event.check();
            let prepared = PreparedEvent::new(event);
            assert_eq!(prepared.checked().map_err(str::to_owned), expected);
            let placed = prepared.into_event(
                7,
                "2026-11-22T09:00:00Z".to_owned(),
                GENESIS_HASH.to_owned(),
            );
            assert_eq!(placed.event, plain);
            assert_eq!(
                placed.event.hash,
                sha256_hex(plain.hash_payload().as_bytes())
            );
            assert_eq!(placed.body_json, canonical_json(&plain.body));
            let review = plain.kind == EventKind::Review;
            assert_eq!(
                placed.summary_json,
                review.then(|| canonical_json(&crate::review_summary(&plain.body)))
            );
            assert_eq!(
                placed.headline_json,
                review.then(|| canonical_json(&crate::review_headline(&plain.body)))
            );
        }
    }
}
