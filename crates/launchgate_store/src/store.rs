//! The `Store` trait every ledger backend implements, its errors, and store locations.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::event::{Event, EventKind, GENESIS_HASH, NewEvent, PreparedEvent};
use crate::postgres::{PostgresStore, redact_url};
use crate::sqlite::SqliteStore;
use crate::verify::{VerifyError, verify_segment};

/// A ledger backend. Every method is synchronous and atomic: an append reads the head and
/// inserts the next event as one transaction, serialised against other processes; an import
/// writes all of its new events or none. Implementations must pass the contract tests
/// (`launchgate_store::contract`, behind the `contract` feature).
pub trait Store: fmt::Debug + Send + Sync {
    /// Where the ledger lives, for messages (e.g. `/home/me/.local/share/launchgate/ledger.db`).
    fn location(&self) -> String;

    /// Appends `event` as the next event: assigns `seq` (head + 1), `prev_hash` (the head's
    /// hash, or [`GENESIS_HASH`]), `recorded_at` and `hash`, and returns the stored event.
    /// Refuses an event whose signature does not verify.
    fn append(&self, event: NewEvent, recorded_at: jiff::Timestamp) -> Result<Event, StoreError>;

    /// Events in `seq` order, optionally only one service's and/or one kind's.
    fn events(
        &self,
        service: Option<&str>,
        kind: Option<EventKind>,
    ) -> Result<Vec<Event>, StoreError>;

    /// Like [`Store::append`], but idempotent: when `event`'s body has a string `nonce` and an
    /// event of the same service and kind with that nonce is stored, nothing is written and
    /// that event is returned with `false`; otherwise the event is appended (`true`). The
    /// check and the append are one transaction, so a retried upload is stored once.
    fn append_unique(
        &self,
        event: NewEvent,
        recorded_at: jiff::Timestamp,
    ) -> Result<(Event, bool), StoreError>;

    /// [`Store::append_unique`] for several events, in order, with one result per event (in the
    /// same order). A store may write them in one transaction (one lock, one commit): then a
    /// transaction failure fails every event of the batch, and nothing of it is written; an
    /// event the store refuses on its own (see [`NewEvent::check`]) fails alone. Two events of
    /// the batch with the same service, kind and nonce are stored once.
    fn append_unique_many(
        &self,
        events: Vec<NewEvent>,
        recorded_at: jiff::Timestamp,
    ) -> Vec<Result<(Event, bool), StoreError>> {
        events
            .into_iter()
            .map(|event| self.append_unique(event, recorded_at))
            .collect()
    }

    /// [`Store::append_unique_many`] for events prepared ahead ([`PreparedEvent::new`], e.g. on
    /// the threads that received them, in parallel): the same results, with only the chain's
    /// work (`seq`, `prev_hash`, the rest of the hash, the write) left to the store. An event
    /// whose [`PreparedEvent::checked`] is an error is refused ([`StoreError::Rejected`]) alone.
    fn append_prepared_many(
        &self,
        events: Vec<PreparedEvent>,
        recorded_at: jiff::Timestamp,
    ) -> Vec<Result<(Event, bool), StoreError>> {
        self.append_unique_many(
            events
                .into_iter()
                .map(PreparedEvent::into_new_event)
                .collect(),
            recorded_at,
        )
    }

    /// At most `limit` events after `seq` `after`, in `seq` order (from the first for 0): how a
    /// reader follows the ledger in batches.
    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
        Ok(self
            .all()?
            .into_iter()
            .filter(|e| e.seq > after)
            .take(limit)
            .collect())
    }

    /// Like [`Store::events_after`], with each review's body replaced by its
    /// [`crate::review_summary`] (see [`crate::summarise`]): what a reader that builds fleet
    /// views needs, without the bulk of each review. A store may keep the summaries beside the
    /// events so that it reads only them; the events' hashes still cover the whole bodies, so
    /// these events are for display, not for [`crate::verify`].
    fn summaries_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
        Ok(self
            .events_after(after, limit)?
            .into_iter()
            .map(crate::summarise)
            .collect())
    }

    /// Like [`Store::events_after`], with each review's body replaced by its
    /// [`crate::review_headline`] (see [`crate::headline`]): a review's row in its service's
    /// history, a few hundred bytes, without its checks. How a reader that builds fleet views
    /// reads a large ledger: every review's headline, then the checks only of the reviews it
    /// shows them for ([`Store::summaries_at`]). For display, not for [`crate::verify`].
    fn headlines_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
        Ok(self
            .events_after(after, limit)?
            .into_iter()
            .map(crate::headline)
            .collect())
    }

    /// The stored events among `seqs`, in `seq` order (each once; seqs not stored are left
    /// out), reviews as their [`crate::review_summary`] (see [`Store::summaries_after`]).
    fn summaries_at(&self, seqs: &[u64]) -> Result<Vec<Event>, StoreError> {
        let mut wanted = seqs.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let mut found = Vec::with_capacity(wanted.len());
        for seq in wanted {
            if let Some(event) = self.event_at(seq)? {
                found.push(crate::summarise(event));
            }
        }
        Ok(found)
    }

    /// The event with `seq`, if stored.
    fn event_at(&self, seq: u64) -> Result<Option<Event>, StoreError> {
        Ok(self
            .events_after(seq.saturating_sub(1), 1)?
            .into_iter()
            .find(|e| e.seq == seq))
    }

    /// Every event, in `seq` order: the whole chain, ready for [`crate::verify`].
    fn all(&self) -> Result<Vec<Event>, StoreError> {
        self.events(None, None)
    }

    /// The last event, if any.
    fn head(&self) -> Result<Option<Event>, StoreError>;

    /// Imports events exported from a ledger (see [`plan_import`] for the rules). Either every
    /// new event is written or, on any error, nothing is.
    fn import(&self, events: Vec<Event>) -> Result<ImportSummary, StoreError>;
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Events in the input.
    pub received: usize,
    /// Input events the store already had (same `seq` and `hash`).
    pub skipped: usize,
    /// Events written.
    pub added: usize,
    /// `seq` of the head after the import (0 for an empty ledger).
    pub head_seq: u64,
    /// Hash of the head after the import ([`GENESIS_HASH`] for an empty ledger).
    pub head_hash: String,
}

/// Why a store operation failed. `db` names the database (file) in every variant that has one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database's directory could not be created.
    #[error("{db}: cannot create the directory {dir}: {source}", dir = dir.display())]
    CreateDir {
        /// The database.
        db: String,
        /// The directory.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The async runtime the store runs its queries on could not start.
    #[error("cannot start the ledger store's runtime: {source}")]
    Runtime {
        /// The I/O error.
        source: std::io::Error,
    },
    /// The database reported an error (cannot open, locked for longer than the busy timeout, …).
    #[error("{db}: {source}")]
    Database {
        /// The database.
        db: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// The file exists but is not a launchgate ledger.
    #[error("{db}: not a launchgate ledger: {reason}")]
    NotALedger {
        /// The database.
        db: String,
        /// What it is instead.
        reason: String,
    },
    /// The ledger was written by a newer launchgate.
    #[error(
        "{db}: ledger schema version {found} is newer than this launchgate understands (version {supported}); upgrade launchgate"
    )]
    NewerSchema {
        /// The database.
        db: String,
        /// The file's schema version.
        found: i64,
        /// The newest version this build reads.
        supported: i64,
    },
    /// A stored row cannot be turned back into an event.
    #[error(
        "{db}: event {seq} cannot be read: {reason} (the database was changed outside launchgate)"
    )]
    Corrupt {
        /// The database.
        db: String,
        /// The row's `seq`.
        seq: i64,
        /// What is wrong with it.
        reason: String,
    },
    /// An append was refused (nothing written).
    #[error("{db}: refusing to append the event: {reason}")]
    Rejected {
        /// The database.
        db: String,
        /// Why.
        reason: String,
    },
    /// The imported events are not an intact chain (nothing written).
    #[error("{db}: import refused, nothing written: the imported events are not intact: {source}")]
    ImportInvalid {
        /// The database.
        db: String,
        /// The first bad imported event.
        source: VerifyError,
    },
    /// The imported events start after the store's head (nothing written).
    #[error(
        "{db}: import refused, nothing written: the import starts at event {first} but the ledger ends at event {head}, so events {} to {} are missing",
        head + 1,
        first - 1
    )]
    ImportGap {
        /// The database.
        db: String,
        /// `seq` of the first imported event.
        first: u64,
        /// `seq` of the store's head.
        head: u64,
    },
    /// An imported event differs from the stored event with the same `seq` (nothing written).
    #[error(
        "{db}: import refused, nothing written: imported event {seq} differs from stored event {seq} (stored hash {stored}, imported hash {imported}): the two ledgers have diverged"
    )]
    ImportConflict {
        /// The database.
        db: String,
        /// The `seq` both have.
        seq: u64,
        /// The stored event's hash.
        stored: String,
        /// The imported event's hash.
        imported: String,
    },
    /// A store location that cannot be used.
    #[error("store location `{location}`: {reason}")]
    BadLocation {
        /// The location as given.
        location: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// A blocking store method was called on an async runtime's thread.
    #[error(
        "{db}: the ledger store's blocking API was called from async code; call it from a blocking thread (spawn_blocking)"
    )]
    InsideAsyncRuntime {
        /// The database.
        db: String,
    },
    /// A thread panicked while using this store handle.
    #[error(
        "{db}: this store handle is unusable after a panic in another thread; open the store again"
    )]
    Poisoned {
        /// The database.
        db: String,
    },
    /// An event of a batch was not written because the batch's transaction failed (for another
    /// event of the batch, or as a whole); nothing of the batch was written.
    #[error(
        "{db}: nothing written: the transaction this event shared with others failed: {reason}"
    )]
    BatchFailed {
        /// The database.
        db: String,
        /// What failed.
        reason: String,
    },
}

/// Decides an import: returns how many leading `incoming` events the store already has.
///
/// `head_seq` is the store's head (0 if empty); `stored` holds `(seq, hash)` of the stored events
/// from `incoming[0].seq - 1` (when ≥ 1) up to `min(head_seq, last incoming seq)`, in order.
/// Rules: the input must be an intact chain segment starting at or before `head_seq + 1` and
/// linking to the stored event before it; every input event at or below the head must have the
/// stored event's hash (skipped); the rest extend the head. Anything else is an error.
pub fn plan_import(
    db: &str,
    head_seq: u64,
    stored: &[(u64, String)],
    incoming: &[Event],
) -> Result<usize, StoreError> {
    let Some(first) = incoming.first() else {
        return Ok(0);
    };
    let first = first.seq;
    if first > head_seq + 1 {
        return Err(StoreError::ImportGap {
            db: db.to_owned(),
            first,
            head: head_seq,
        });
    }
    let stored_hash = |seq: u64| {
        stored
            .iter()
            .find(|(s, _)| *s == seq)
            .map(|(_, h)| h.as_str())
    };
    let prev = if first <= 1 {
        GENESIS_HASH
    } else {
        stored_hash(first - 1).unwrap_or(GENESIS_HASH)
    };
    verify_segment(incoming, first.max(1), prev).map_err(|source| StoreError::ImportInvalid {
        db: db.to_owned(),
        source,
    })?;
    let mut skip = 0;
    for event in incoming.iter().take_while(|e| e.seq <= head_seq) {
        let stored = stored_hash(event.seq).unwrap_or_default();
        if stored != event.hash {
            return Err(StoreError::ImportConflict {
                db: db.to_owned(),
                seq: event.seq,
                stored: stored.to_owned(),
                imported: event.hash.clone(),
            });
        }
        skip += 1;
    }
    Ok(skip)
}

/// Where the ledger lives by default: `$LAUNCHGATE_STORE` (a path or store URL), else
/// `$XDG_DATA_HOME/launchgate/ledger.db` (if absolute), else
/// `$HOME/.local/share/launchgate/ledger.db`; `None` without any of them. Pure: pass the
/// environment in, e.g. `default_store_path(|k| std::env::var_os(k))`. Empty values count as unset.
pub fn default_store_path(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    if let Some(store) = set("LAUNCHGATE_STORE") {
        return Some(PathBuf::from(store));
    }
    if let Some(data) = set("XDG_DATA_HOME").filter(|d| Path::new(d).is_absolute()) {
        return Some(Path::new(&data).join("launchgate").join("ledger.db"));
    }
    set("HOME").map(|home| {
        Path::new(&home)
            .join(".local")
            .join("share")
            .join("launchgate")
            .join("ledger.db")
    })
}

/// The `nonce` of `event`'s body, when it is a non-empty string: what
/// [`Store::append_unique`] keys on.
pub fn unique_nonce(event: &NewEvent) -> Option<&str> {
    event
        .body
        .get("nonce")
        .and_then(serde_json::Value::as_str)
        .filter(|n| !n.is_empty())
}

/// Where a store location points.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// An SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL database: the `postgres://` URL as given (it may hold a password).
    Postgres(String),
}

impl fmt::Debug for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreLocation::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            StoreLocation::Postgres(url) => {
                f.debug_tuple("Postgres").field(&redact_url(url)).finish()
            }
        }
    }
}

/// Parses a store location: `sqlite://PATH`, `sqlite:PATH` or a plain file path, or a
/// `postgres://` / `postgresql://` URL; other `scheme://` forms are refused.
pub fn parse_location(location: &OsStr) -> Result<StoreLocation, StoreError> {
    let bad = |reason: &str| StoreError::BadLocation {
        location: location.to_string_lossy().into_owned(),
        reason: reason.to_owned(),
    };
    let path = match location.to_str() {
        None => PathBuf::from(location),
        Some(text) => {
            let lower = text.to_ascii_lowercase();
            if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
                return Ok(StoreLocation::Postgres(text.to_owned()));
            }
            if let Some(rest) =
                strip_prefix_ci(text, "sqlite://").or_else(|| strip_prefix_ci(text, "sqlite:"))
            {
                PathBuf::from(rest)
            } else if let Some((scheme, _)) = text.split_once("://") {
                return Err(bad(&format!(
                    "unsupported store scheme `{scheme}://`; use sqlite://PATH, postgres://… or a file path"
                )));
            } else {
                PathBuf::from(text)
            }
        }
    };
    if path.as_os_str().is_empty() {
        return Err(bad(
            "no database path given; use sqlite://PATH or a file path",
        ));
    }
    if path.as_os_str() == ":memory:" {
        return Err(bad(
            "an in-memory ledger would be lost when launchgate exits; give a database file path",
        ));
    }
    Ok(StoreLocation::Sqlite(path))
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Opens the store at `location` ([`parse_location`]), creating an SQLite ledger if needed and
/// applying PostgreSQL migrations.
pub fn open_store(location: impl AsRef<OsStr>) -> Result<Box<dyn Store>, StoreError> {
    match parse_location(location.as_ref())? {
        StoreLocation::Sqlite(path) => Ok(Box::new(SqliteStore::open(path)?)),
        StoreLocation::Postgres(url) => Ok(Box::new(PostgresStore::open(&url)?)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn default_store_path_prefers_launchgate_store_then_xdg_then_home() {
        let all = [
            ("LAUNCHGATE_STORE", "sqlite:///srv/ledger.db"),
            ("XDG_DATA_HOME", "/xdg"),
            ("HOME", "/home/me"),
        ];
        assert_eq!(
            default_store_path(env(&all)),
            Some(PathBuf::from("sqlite:///srv/ledger.db"))
        );
        assert_eq!(
            default_store_path(env(&all[1..])),
            Some(PathBuf::from("/xdg/launchgate/ledger.db"))
        );
        assert_eq!(
            default_store_path(env(&all[2..])),
            Some(PathBuf::from("/home/me/.local/share/launchgate/ledger.db"))
        );
        // Empty and relative XDG values are ignored, as the XDG spec says.
        let odd = [
            ("LAUNCHGATE_STORE", ""),
            ("XDG_DATA_HOME", "rel/data"),
            ("HOME", "/home/me"),
        ];
        assert_eq!(
            default_store_path(env(&odd)),
            Some(PathBuf::from("/home/me/.local/share/launchgate/ledger.db"))
        );
        assert_eq!(default_store_path(env(&[])), None);
    }

    #[test]
    fn locations_parse_to_sqlite_paths_or_clear_refusals() {
        let parse = |s: &str| parse_location(OsStr::new(s));
        let sqlite = |p: &str| StoreLocation::Sqlite(PathBuf::from(p));
        assert_eq!(
            parse("sqlite:///var/lib/ledger.db").unwrap(),
            sqlite("/var/lib/ledger.db")
        );
        assert_eq!(parse("sqlite://ledger.db").unwrap(), sqlite("ledger.db"));
        assert_eq!(
            parse("SQLite:data/ledger.db").unwrap(),
            sqlite("data/ledger.db")
        );
        assert_eq!(parse("./ledger.db").unwrap(), sqlite("./ledger.db"));
        assert_eq!(parse("C:\\ledger.db").unwrap(), sqlite("C:\\ledger.db"));
        for postgres in ["postgres://u:pw@h/db", "postgresql://h/db", "POSTGRES://h"] {
            assert_eq!(
                parse(postgres).unwrap(),
                StoreLocation::Postgres(postgres.to_owned())
            );
        }
        assert_eq!(
            format!("{:?}", parse("postgres://u:pw@h/db").unwrap()),
            "Postgres(\"postgres://u:***@h/db\")"
        );
        assert_eq!(
            parse("").unwrap_err().to_string(),
            "store location ``: no database path given; use sqlite://PATH or a file path"
        );
        assert!(
            parse("sqlite::memory:")
                .unwrap_err()
                .to_string()
                .contains("in-memory")
        );
    }

    #[test]
    fn event_kinds_parse_by_their_wire_names() {
        for kind in EventKind::ALL {
            assert_eq!(kind.as_str().parse::<EventKind>().unwrap(), kind);
        }
        assert_eq!(
            "sign-off".parse::<EventKind>().unwrap_err().to_string(),
            "unknown event kind `sign-off`; expected one of: override, signoff, review"
        );
    }
}
