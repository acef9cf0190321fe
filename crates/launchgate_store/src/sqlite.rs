//! The SQLite ledger store (the default).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use sqlx::Connection as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteRow, SqliteSynchronous,
};

use crate::canonical::canonical_json;
use crate::event::{Event, EventKind, GENESIS_HASH, NewEvent, format_timestamp};
use crate::store::{ImportSummary, Store, StoreError, plan_import};

/// How long a write waits for another process's write to finish before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Schema version kept in `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = 1;

/// `PRAGMA application_id` of a launchgate ledger ("LGLD").
pub const APPLICATION_ID: i64 = 0x4C47_4C44;

const CREATE_TABLE: &str = "CREATE TABLE events (
    seq         INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
    recorded_at TEXT NOT NULL,
    service     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    body        TEXT NOT NULL,
    signer      TEXT,
    public_key  TEXT,
    signature   TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
)";
const CREATE_INDEX: &str = "CREATE INDEX events_service_kind ON events (service, kind, seq)";
const SET_VERSION: &str = "PRAGMA user_version = 1";
const SET_APPLICATION_ID: &str = "PRAGMA application_id = 1279740996";
const SELECT_ALL: &str = "SELECT seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash FROM events ORDER BY seq";
const SELECT_FILTERED: &str = "SELECT seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash FROM events WHERE (?1 IS NULL OR service = ?1) AND (?2 IS NULL OR kind = ?2) ORDER BY seq";
const SELECT_HEAD: &str = "SELECT seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash FROM events ORDER BY seq DESC LIMIT 1";
const SELECT_AFTER: &str = "SELECT seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2";
const SELECT_BY_NONCE: &str = "SELECT seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash FROM events WHERE service = ?1 AND kind = ?2 AND json_extract(body, '$.nonce') = ?3 ORDER BY seq LIMIT 1";
const SELECT_HEAD_LINK: &str = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1";
const SELECT_HASHES: &str =
    "SELECT seq, hash FROM events WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq";
const INSERT: &str = "INSERT INTO events (seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// A ledger in an SQLite file (WAL mode, 30 s busy timeout). Each handle owns one connection
/// and a current-thread async runtime; the handle may be shared between threads (calls are
/// serialised), and any number of handles and processes may use the same file: appends and
/// imports run in `BEGIN IMMEDIATE` transactions, so reading the head and inserting the next
/// event cannot interleave with another writer.
///
/// The API is blocking: from async code, call it on a blocking thread (e.g. tokio's
/// `spawn_blocking`); called on an async runtime's thread it returns
/// [`StoreError::InsideAsyncRuntime`] instead of panicking.
pub struct SqliteStore {
    path: PathBuf,
    db: String,
    runtime: tokio::runtime::Runtime,
    conn: Mutex<Option<SqliteConnection>>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed, with parent directories) the ledger database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let db = path.display().to_string();
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(StoreError::InsideAsyncRuntime { db });
        }
        if path.is_dir() {
            return Err(StoreError::NotALedger {
                db,
                reason: "it is a directory; give the database file's path".to_owned(),
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                db: db.clone(),
                dir: dir.to_path_buf(),
                source,
            })?;
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| StoreError::Runtime { source })?;
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT);
        // Several processes opening a new ledger at once race to switch it to WAL and to create
        // the schema; SQLite reports some of those races as "database is locked" at once,
        // without waiting on the busy timeout. Retry them until the busy timeout has passed.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        let conn = loop {
            let attempt = runtime.block_on(async {
                let mut conn = SqliteConnection::connect_with(&options)
                    .await
                    .map_err(|e| database_error(&db, e))?;
                init_schema(&mut conn, &db).await.map(|()| conn)
            });
            match attempt {
                Ok(conn) => break conn,
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                Err(e) => return Err(e),
            }
        };
        Ok(SqliteStore {
            path,
            db,
            runtime,
            conn: Mutex::new(Some(conn)),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with_conn<T>(
        &self,
        f: impl AsyncFnOnce(&mut SqliteConnection, &str) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(StoreError::InsideAsyncRuntime {
                db: self.db.clone(),
            });
        }
        let poisoned = || StoreError::Poisoned {
            db: self.db.clone(),
        };
        let mut guard = self.conn.lock().map_err(|_| poisoned())?;
        let conn = guard.as_mut().ok_or_else(poisoned)?;
        self.runtime.block_on(f(conn, &self.db))
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        if let Ok(mut guard) = self.conn.lock()
            && let Some(conn) = guard.take()
            && tokio::runtime::Handle::try_current().is_err()
        {
            // Closing cleanly lets the last connection checkpoint the WAL; failure changes nothing
            // that the next open would not repair.
            let _ = self.runtime.block_on(conn.close());
        }
    }
}

/// SQLITE_BUSY (5) or SQLITE_LOCKED (6): another connection holds the lock.
fn is_busy(e: &StoreError) -> bool {
    matches!(e, StoreError::Database { source, .. }
        if source
            .as_database_error()
            .and_then(sqlx::error::DatabaseError::code)
            .is_some_and(|c| c == "5" || c == "6"))
}

fn database_error(db: &str, source: sqlx::Error) -> StoreError {
    let code = source
        .as_database_error()
        .and_then(sqlx::error::DatabaseError::code)
        .map(std::borrow::Cow::into_owned);
    if code.as_deref() == Some("26") {
        return StoreError::NotALedger {
            db: db.to_owned(),
            reason: "the file is not an SQLite database".to_owned(),
        };
    }
    StoreError::Database {
        db: db.to_owned(),
        source,
    }
}

/// Checks that the file is a ledger of a version this build reads, creating the schema in an
/// empty database. An existing ledger is only read here (no write lock), so opening never waits
/// for writers unless the schema has to be created.
async fn init_schema(conn: &mut SqliteConnection, db: &str) -> Result<(), StoreError> {
    let err = |e| database_error(db, e);
    if check_header(conn, db).await? {
        return Ok(());
    }
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(err)?;
    // Another process may have created the schema while this one waited for the lock.
    if !check_header(&mut tx, db).await? {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(err)?;
        if !tables.is_empty() {
            return Err(StoreError::NotALedger {
                db: db.to_owned(),
                reason: format!(
                    "an SQLite database of another application (tables: {})",
                    tables.join(", ")
                ),
            });
        }
        for statement in [CREATE_TABLE, CREATE_INDEX, SET_VERSION, SET_APPLICATION_ID] {
            sqlx::query(statement)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
        }
    }
    tx.commit().await.map_err(err)
}

/// `Ok(true)` for a ledger of a readable version, `Ok(false)` for a database without a schema
/// yet (user_version and application_id 0), an error for anything else.
async fn check_header(conn: &mut SqliteConnection, db: &str) -> Result<bool, StoreError> {
    let err = |e| database_error(db, e);
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&mut *conn)
        .await
        .map_err(err)?;
    let application_id: i64 = sqlx::query_scalar("PRAGMA application_id")
        .fetch_one(&mut *conn)
        .await
        .map_err(err)?;
    if application_id == 0 && version == 0 {
        return Ok(false);
    }
    if application_id != APPLICATION_ID {
        return Err(StoreError::NotALedger {
            db: db.to_owned(),
            reason: format!(
                "an SQLite database of another application (application_id {application_id}, user_version {version})"
            ),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            db: db.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(true)
}

fn row_to_event(row: &SqliteRow, db: &str) -> Result<Event, StoreError> {
    crate::row::row_to_event(row, db, |e| database_error(db, e))
}

fn to_i64(seq: u64, db: &str) -> Result<i64, StoreError> {
    i64::try_from(seq).map_err(|_| StoreError::Rejected {
        db: db.to_owned(),
        reason: format!("seq {seq} is beyond what SQLite stores"),
    })
}

async fn insert(conn: &mut SqliteConnection, event: &Event, db: &str) -> Result<(), StoreError> {
    sqlx::query(INSERT)
        .bind(to_i64(event.seq, db)?)
        .bind(&event.recorded_at)
        .bind(&event.service)
        .bind(event.kind.as_str())
        .bind(canonical_json(&event.body))
        .bind(&event.signer)
        .bind(&event.public_key)
        .bind(&event.signature)
        .bind(&event.prev_hash)
        .bind(&event.hash)
        .execute(conn)
        .await
        .map_err(|e| database_error(db, e))?;
    Ok(())
}

async fn head_link(conn: &mut SqliteConnection, db: &str) -> Result<(u64, String), StoreError> {
    let row: Option<(i64, String)> = sqlx::query_as(SELECT_HEAD_LINK)
        .fetch_optional(conn)
        .await
        .map_err(|e| database_error(db, e))?;
    match row {
        None => Ok((0, GENESIS_HASH.to_owned())),
        Some((seq, hash)) => {
            u64::try_from(seq)
                .map(|seq| (seq, hash))
                .map_err(|_| StoreError::Corrupt {
                    db: db.to_owned(),
                    seq,
                    reason: "negative seq".to_owned(),
                })
        }
    }
}

impl Store for SqliteStore {
    fn location(&self) -> String {
        self.db.clone()
    }

    fn append(&self, event: NewEvent, recorded_at: jiff::Timestamp) -> Result<Event, StoreError> {
        event.check().map_err(|reason| StoreError::Rejected {
            db: self.db.clone(),
            reason,
        })?;
        let recorded_at = format_timestamp(recorded_at);
        self.with_conn(async |conn, db| {
            let err = |e| database_error(db, e);
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(err)?;
            let (head_seq, head_hash) = head_link(&mut tx, db).await?;
            let stored = event.into_event(head_seq + 1, recorded_at, head_hash);
            insert(&mut tx, &stored, db).await?;
            tx.commit().await.map_err(err)?;
            Ok(stored)
        })
    }

    fn append_unique(
        &self,
        event: NewEvent,
        recorded_at: jiff::Timestamp,
    ) -> Result<(Event, bool), StoreError> {
        event.check().map_err(|reason| StoreError::Rejected {
            db: self.db.clone(),
            reason,
        })?;
        let recorded_at = format_timestamp(recorded_at);
        let nonce = crate::store::unique_nonce(&event).map(str::to_owned);
        self.with_conn(async |conn, db| {
            let err = |e| database_error(db, e);
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(err)?;
            if let Some(nonce) = &nonce {
                let row = sqlx::query(SELECT_BY_NONCE)
                    .bind(&event.service)
                    .bind(event.kind.as_str())
                    .bind(nonce)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(err)?;
                if let Some(row) = row {
                    let existing = row_to_event(&row, db)?;
                    tx.rollback().await.map_err(err)?;
                    return Ok((existing, false));
                }
            }
            let (head_seq, head_hash) = head_link(&mut tx, db).await?;
            let stored = event.into_event(head_seq + 1, recorded_at, head_hash);
            insert(&mut tx, &stored, db).await?;
            tx.commit().await.map_err(err)?;
            Ok((stored, true))
        })
    }

    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let after = to_i64(after, &self.db)?;
        self.with_conn(async |conn, db| {
            let rows = sqlx::query(SELECT_AFTER)
                .bind(after)
                .bind(limit)
                .fetch_all(conn)
                .await
                .map_err(|e| database_error(db, e))?;
            rows.iter().map(|row| row_to_event(row, db)).collect()
        })
    }

    fn events(
        &self,
        service: Option<&str>,
        kind: Option<EventKind>,
    ) -> Result<Vec<Event>, StoreError> {
        self.with_conn(async |conn, db| {
            let rows = if service.is_none() && kind.is_none() {
                sqlx::query(SELECT_ALL).fetch_all(conn).await
            } else {
                sqlx::query(SELECT_FILTERED)
                    .bind(service)
                    .bind(kind.map(EventKind::as_str))
                    .fetch_all(conn)
                    .await
            }
            .map_err(|e| database_error(db, e))?;
            rows.iter().map(|row| row_to_event(row, db)).collect()
        })
    }

    fn head(&self) -> Result<Option<Event>, StoreError> {
        self.with_conn(async |conn, db| {
            let row = sqlx::query(SELECT_HEAD)
                .fetch_optional(conn)
                .await
                .map_err(|e| database_error(db, e))?;
            row.as_ref().map(|row| row_to_event(row, db)).transpose()
        })
    }

    fn import(&self, events: Vec<Event>) -> Result<ImportSummary, StoreError> {
        self.with_conn(async |conn, db| {
            let err = |e| database_error(db, e);
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(err)?;
            let (head_seq, head_hash) = head_link(&mut tx, db).await?;
            let mut stored = Vec::new();
            if let (Some(first), Some(last)) = (events.first(), events.last()) {
                let from = to_i64(first.seq.saturating_sub(1), db)?;
                let to = to_i64(last.seq.min(head_seq), db)?;
                let rows: Vec<(i64, String)> = sqlx::query_as(SELECT_HASHES)
                    .bind(from)
                    .bind(to)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(err)?;
                stored = rows
                    .into_iter()
                    .filter_map(|(seq, hash)| u64::try_from(seq).ok().map(|s| (s, hash)))
                    .collect();
            }
            let skip = plan_import(db, head_seq, &stored, &events)?;
            for event in &events[skip..] {
                insert(&mut tx, event, db).await?;
            }
            tx.commit().await.map_err(err)?;
            let (head_seq, head_hash) = match events.last() {
                Some(last) if events.len() > skip => (last.seq, last.hash.clone()),
                _ => (head_seq, head_hash),
            };
            Ok(ImportSummary {
                received: events.len(),
                skipped: skip,
                added: events.len() - skip,
                head_seq,
                head_hash,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_statements_set_the_constants() {
        assert_eq!(
            SET_APPLICATION_ID,
            format!("PRAGMA application_id = {APPLICATION_ID}")
        );
        assert_eq!(
            SET_VERSION,
            format!("PRAGMA user_version = {SCHEMA_VERSION}")
        );
    }
}
