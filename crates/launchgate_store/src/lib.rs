//! launchgate's tamper-evident audit ledger and review store.
//!
//! * [`keys`]: ed25519 key pairs that approvers sign overrides and sign-offs with.
//! * [`Event`] / [`NewEvent`]: ledger entries, hash-chained (`hash = sha256(canonical JSON of
//!   every other field)`, `prev_hash` = the previous event's hash) and optionally signed.
//! * [`verify`] / [`verify_against_head`] / [`verify_against_pin`]: pure chain verification
//!   naming the first bad event; the last two also catch truncation and rehashing.
//! * [`export`] / [`parse_jsonl`]: the strict JSON Lines form of a ledger.
//! * [`Store`] with [`SqliteStore`] and [`PostgresStore`]; [`open_store`] picks the backend from a location.
//!
//! The format, what verification can and cannot detect, and the concurrency guarantees are
//! documented in `docs/ledger.md`.

pub mod canonical;
#[cfg(feature = "contract")]
pub mod contract;
mod event;
mod jsonl;
pub mod keys;
mod postgres;
mod row;
mod sqlite;
mod store;
mod summary;
mod verify;

pub use canonical::canonical_json;
pub use event::{
    Event, EventKind, GENESIS_HASH, NewEvent, OverrideBody, PreparedEvent, ReviewBody, SignoffBody,
    UnknownKind, format_timestamp,
};
pub use jsonl::{JsonlError, ParseError, export, parse_jsonl, verify_jsonl};
pub use keys::{KeyError, KeyFiles, KeyPair, PublicKey, SecretKey};
pub use postgres::{LEDGER_LOCK, MIGRATIONS, PG_SCHEMA_VERSION, PostgresStore, redact_url};
pub use sqlite::{BUSY_TIMEOUT, SqliteStore};
pub use store::{
    ImportSummary, Store, StoreError, StoreLocation, default_store_path, open_store,
    parse_location, plan_import, unique_nonce,
};
pub use summary::{headline, review_headline, review_summary, summarise};
pub use verify::{
    Problem, VerifyError, VerifySummary, verify, verify_against_head, verify_against_pin,
    verify_segment,
};
