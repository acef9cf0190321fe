//! The PostgreSQL ledger store: one ledger shared by several servers.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr as _;
use std::sync::Mutex;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sqlx::{ConnectOptions as _, Connection as _};

use crate::canonical::canonical_json;
use crate::event::{Event, EventKind, GENESIS_HASH, NewEvent, PreparedEvent, format_timestamp};
use crate::store::{ImportSummary, Store, StoreError, plan_import};

/// Key of the advisory locks that serialise appends, imports and migrations ("LGLD").
pub const LEDGER_LOCK: i64 = 0x4C47_4C44;

/// The migrations, in order: `(version, statements)`. Applied on open, each in its own
/// transaction that also records it in `launchgate_migrations`, under a session advisory lock
/// so that replicas starting together apply each exactly once.
pub const MIGRATIONS: &[(i64, &[&str])] = &[
    (
        1,
        &[
            "CREATE TABLE events (
                seq         BIGINT PRIMARY KEY CHECK (seq >= 1),
                recorded_at TEXT NOT NULL,
                service     TEXT NOT NULL,
                kind        TEXT NOT NULL,
                body        TEXT NOT NULL,
                signer      TEXT,
                public_key  TEXT,
                signature   TEXT,
                prev_hash   TEXT NOT NULL,
                hash        TEXT NOT NULL UNIQUE
            )",
            "CREATE INDEX events_service_kind ON events (service, kind, seq)",
        ],
    ),
    (
        2,
        &["CREATE INDEX events_nonce ON events (service, kind, ((body::jsonb) ->> 'nonce'))"],
    ),
    (
        // The idempotency key in a column of its own: an append no longer parses the whole
        // body as `jsonb` (under the ledger lock) to maintain the index of migration 2.
        3,
        &[
            "ALTER TABLE events ADD COLUMN nonce TEXT",
            "UPDATE events SET nonce = (body::jsonb) ->> 'nonce' WHERE jsonb_typeof((body::jsonb) -> 'nonce') = 'string' AND (body::jsonb) ->> 'nonce' <> ''",
            "CREATE INDEX events_service_kind_nonce ON events (service, kind, nonce) WHERE nonce IS NOT NULL",
            "DROP INDEX events_nonce",
        ],
    ),
    (
        // Each review's summary (`review_summary`) beside it, written in the same statement, so
        // a replica catching up reads summaries instead of whole reviews (events stored before
        // have none: their bodies are read and summarised). Where the server has lz4, the large
        // columns are compressed with it instead of pglz: several times faster to compress
        // (under the ledger lock) and to read back.
        4,
        &[
            "ALTER TABLE events ADD COLUMN summary TEXT",
            "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN ALTER TABLE events ALTER COLUMN body SET COMPRESSION lz4; ALTER TABLE events ALTER COLUMN summary SET COMPRESSION lz4; END IF; END $$",
        ],
    ),
    (
        // Each review's headline (`review_headline`: its row in the service's history, a few
        // hundred bytes) beside it, written in the same statement: a replica starting on a large
        // ledger reads every review's headline and the summaries (checks) only of each
        // service's last two reviews. Events stored before have none: their summaries (or, before
        // migration 4, bodies) are read and reduced in the server.
        5,
        &["ALTER TABLE events ADD COLUMN headline TEXT"],
    ),
];

/// The newest schema version this build reads.
pub const PG_SCHEMA_VERSION: i64 = 5;

const INSERT: &str = "INSERT INTO events (seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash, nonce, summary, headline) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
const INSERT_MANY: &str = "INSERT INTO events (seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash, nonce, summary, headline) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])";
/// The stored events with any of a batch's `(service, kind, nonce)` keys, oldest first.
const SELECT_BY_NONCES: &str = "SELECT seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash, nonce FROM events WHERE nonce IS NOT NULL AND (service, kind, nonce) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[])) ORDER BY seq";
const SELECT_SUMMARIES_AFTER: &str = "SELECT seq, recorded_at, service, kind, COALESCE(summary, body) AS body, summary IS NOT NULL AS summarised, signer, public_key, signature, prev_hash, hash FROM events WHERE seq > $1 ORDER BY seq LIMIT $2";
/// Headlines after a seq: a review's `headline`, else (stored before migration 5) its summary or
/// body, reduced in the server; other kinds whole.
const SELECT_HEADLINES_AFTER: &str = "SELECT seq, recorded_at, service, kind, COALESCE(headline, summary, body) AS body, headline IS NOT NULL OR kind <> 'review' AS reduced, signer, public_key, signature, prev_hash, hash FROM events WHERE seq > $1 ORDER BY seq LIMIT $2";
const SELECT_SUMMARIES_AT: &str = "SELECT seq, recorded_at, service, kind, COALESCE(summary, body) AS body, summary IS NOT NULL AS summarised, signer, public_key, signature, prev_hash, hash FROM events WHERE seq = ANY($1::bigint[]) ORDER BY seq";
const SELECT_BY_NONCE: &str = "SELECT seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash FROM events WHERE service = $1 AND kind = $2 AND nonce = $3 ORDER BY seq LIMIT 1";
const SELECT_FILTERED: &str = "SELECT seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash FROM events WHERE ($1::text IS NULL OR service = $1) AND ($2::text IS NULL OR kind = $2) ORDER BY seq";
const SELECT_AFTER: &str = "SELECT seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash FROM events WHERE seq > $1 ORDER BY seq LIMIT $2";
const SELECT_HEAD: &str = "SELECT seq, recorded_at, service, kind, body, signer, public_key, signature, prev_hash, hash FROM events ORDER BY seq DESC LIMIT 1";

/// A ledger in a PostgreSQL database. Each handle owns one connection (re-established after a
/// lost connection) and a current-thread async runtime, like [`crate::SqliteStore`]; any number
/// of handles, processes and machines may use the same database: appends and imports take the
/// transaction-level advisory lock [`LEDGER_LOCK`] before reading the head, so the sequence
/// stays gap-free and hash-chained, and a commit is durable (`synchronous_commit`) before the
/// call returns.
///
/// The API is blocking: from async code, call it on a blocking thread.
pub struct PostgresStore {
    db: String,
    options: PgConnectOptions,
    runtime: tokio::runtime::Runtime,
    conn: Mutex<Option<PgConnection>>,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

/// `url` with any password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => authority.to_owned(),
    };
    // Query parameters may carry a password too.
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

fn database_error(db: &str, source: sqlx::Error) -> StoreError {
    StoreError::Database {
        db: db.to_owned(),
        source,
    }
}

/// Whether the connection is gone and should be opened again.
fn connection_lost(e: &StoreError) -> bool {
    let StoreError::Database { source, .. } = e else {
        return false;
    };
    match source {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::Tls(_) => true,
        // Class 08 (connection exception) and 57P0x (the server shut the session down).
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P0")),
        _ => false,
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://…` or `postgresql://…`) and applies the
    /// migrations it lacks.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let db = redact_url(url);
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(StoreError::InsideAsyncRuntime { db });
        }
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadLocation {
                location: db.clone(),
                reason: e.to_string(),
            })?
            .application_name("launchgate")
            .disable_statement_logging();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| StoreError::Runtime { source })?;
        let conn = runtime.block_on(async {
            let mut conn = PgConnection::connect_with(&options)
                .await
                .map_err(|e| database_error(&db, e))?;
            migrate(&mut conn, &db).await?;
            Ok::<_, StoreError>(conn)
        })?;
        Ok(PostgresStore {
            db,
            options,
            runtime,
            conn: Mutex::new(Some(conn)),
        })
    }

    /// One page of rows after the sequence `after`, at most `limit`, each read with `read`:
    /// `sql` binds `$1` to the sequence and `$2` to the limit.
    fn page_after(
        &self,
        sql: &'static str,
        after: u64,
        limit: usize,
        read: impl Fn(&PgRow, &str) -> Result<Event, StoreError>,
    ) -> Result<Vec<Event>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with_conn(async |conn, db| {
            let rows = sqlx::query(sql)
                .bind(to_i64(after, db)?)
                .bind(limit)
                .fetch_all(conn)
                .await
                .map_err(|e| database_error(db, e))?;
            rows.iter().map(|row| read(row, db)).collect()
        })
    }

    fn with_conn<T>(
        &self,
        f: impl AsyncFnOnce(&mut PgConnection, &str) -> Result<T, StoreError>,
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
        if guard.is_none() {
            let conn = self
                .runtime
                .block_on(PgConnection::connect_with(&self.options))
                .map_err(|e| database_error(&self.db, e))?;
            *guard = Some(conn);
        }
        let conn = guard.as_mut().ok_or_else(poisoned)?;
        let result = self.runtime.block_on(f(conn, &self.db));
        if let Err(e) = &result
            && connection_lost(e)
        {
            *guard = None;
        }
        result
    }
}

/// Applies the migrations the database lacks, refusing a database of another application or
/// of a newer launchgate.
async fn migrate(conn: &mut PgConnection, db: &str) -> Result<(), StoreError> {
    let err = |e| database_error(db, e);
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(LEDGER_LOCK)
        .execute(&mut *conn)
        .await
        .map_err(err)?;
    let result = migrate_locked(conn, db).await;
    let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LEDGER_LOCK)
        .execute(&mut *conn)
        .await
        .map_err(err);
    result.and(unlocked.map(drop))
}

async fn migrate_locked(conn: &mut PgConnection, db: &str) -> Result<(), StoreError> {
    let err = |e| database_error(db, e);
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(err)?;
    let has_migrations = tables.iter().any(|t| t == "launchgate_migrations");
    if !has_migrations {
        if tables.iter().any(|t| t == "events") {
            return Err(StoreError::NotALedger {
                db: db.to_owned(),
                reason: format!(
                    "a database of another application (tables: {})",
                    tables.join(", ")
                ),
            });
        }
        sqlx::query(
            "CREATE TABLE launchgate_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .execute(&mut *conn)
        .await
        .map_err(err)?;
    }
    let current: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM launchgate_migrations")
        .fetch_one(&mut *conn)
        .await
        .map_err(err)?;
    let current = current.unwrap_or(0);
    if current > PG_SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            db: db.to_owned(),
            found: current,
            supported: PG_SCHEMA_VERSION,
        });
    }
    for (version, statements) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        let mut tx = conn.begin().await.map_err(err)?;
        for statement in *statements {
            sqlx::query(*statement)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
        }
        sqlx::query("INSERT INTO launchgate_migrations (version) VALUES ($1)")
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        tx.commit().await.map_err(err)?;
    }
    Ok(())
}

fn row_to_event(row: &PgRow, db: &str) -> Result<Event, StoreError> {
    crate::row::row_to_event(row, db, |e| database_error(db, e))
}

/// The event of a row whose `flag` column (`summarised`, `reduced`) says whether the stored
/// body is already reduced: as stored when it is, otherwise (stored before the migration that
/// added the column) reduced here by `reduce`.
fn row_reduced(
    row: &PgRow,
    db: &str,
    flag: &str,
    reduce: fn(Event) -> Event,
) -> Result<Event, StoreError> {
    let done: bool = sqlx::Row::try_get(row, flag).map_err(|e| database_error(db, e))?;
    let event = row_to_event(row, db)?;
    Ok(if done { event } else { reduce(event) })
}

fn to_i64(seq: u64, db: &str) -> Result<i64, StoreError> {
    i64::try_from(seq).map_err(|_| StoreError::Rejected {
        db: db.to_owned(),
        reason: format!("seq {seq} is beyond what PostgreSQL stores"),
    })
}

async fn insert(
    conn: &mut PgConnection,
    event: &Event,
    body_json: &str,
    db: &str,
) -> Result<(), StoreError> {
    sqlx::query(INSERT)
        .bind(to_i64(event.seq, db)?)
        .bind(&event.recorded_at)
        .bind(&event.service)
        .bind(event.kind.as_str())
        .bind(body_json)
        .bind(&event.signer)
        .bind(&event.public_key)
        .bind(&event.signature)
        .bind(&event.prev_hash)
        .bind(&event.hash)
        .bind(stored_nonce(event))
        .bind(crate::event::stored_summary(event.kind, &event.body))
        .bind(crate::event::stored_headline(event.kind, &event.body))
        .execute(conn)
        .await
        .map_err(|e| database_error(db, e))?;
    Ok(())
}

/// The `nonce` column of `event`: its body's non-empty string `nonce`, the idempotency key.
fn stored_nonce(event: &Event) -> Option<&str> {
    event
        .body
        .get("nonce")
        .and_then(serde_json::Value::as_str)
        .filter(|n| !n.is_empty())
}

/// The JSON text of the added events' `body`, `summary` and `headline` columns, in order.
#[derive(Default)]
struct Columns {
    bodies: Vec<String>,
    summaries: Vec<Option<String>>,
    headlines: Vec<Option<String>>,
}

/// Inserts the added events of `done` (whose JSON columns are `columns`, in order) in one
/// statement.
async fn insert_many(
    conn: &mut PgConnection,
    done: &[(usize, Event, bool)],
    columns: Columns,
    db: &str,
) -> Result<(), StoreError> {
    let Columns {
        bodies,
        summaries,
        headlines,
    } = columns;
    let added: Vec<&Event> = done
        .iter()
        .filter(|(_, _, added)| *added)
        .map(|(_, event, _)| event)
        .collect();
    let seqs = added
        .iter()
        .map(|e| to_i64(e.seq, db))
        .collect::<Result<Vec<i64>, _>>()?;
    let column =
        |f: fn(&Event) -> &str| -> Vec<String> { added.iter().map(|e| f(e).to_owned()).collect() };
    let optional = |f: fn(&Event) -> &Option<String>| -> Vec<Option<String>> {
        added.iter().map(|e| f(e).clone()).collect()
    };
    sqlx::query(INSERT_MANY)
        .bind(seqs)
        .bind(column(|e| &e.recorded_at))
        .bind(column(|e| &e.service))
        .bind(column(|e| e.kind.as_str()))
        .bind(bodies)
        .bind(optional(|e| &e.signer))
        .bind(optional(|e| &e.public_key))
        .bind(optional(|e| &e.signature))
        .bind(column(|e| &e.prev_hash))
        .bind(column(|e| &e.hash))
        .bind(
            added
                .iter()
                .map(|e| stored_nonce(e))
                .collect::<Vec<Option<&str>>>(),
        )
        .bind(summaries)
        .bind(headlines)
        .execute(conn)
        .await
        .map_err(|e| database_error(db, e))?;
    Ok(())
}

async fn lock(conn: &mut PgConnection, db: &str) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(LEDGER_LOCK)
        .execute(conn)
        .await
        .map_err(|e| database_error(db, e))?;
    Ok(())
}

async fn head_link(conn: &mut PgConnection, db: &str) -> Result<(u64, String), StoreError> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
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

impl PostgresStore {
    fn append_inner(
        &self,
        event: NewEvent,
        recorded_at: jiff::Timestamp,
        dedupe: bool,
    ) -> Result<(Event, bool), StoreError> {
        event.check().map_err(|reason| StoreError::Rejected {
            db: self.db.clone(),
            reason,
        })?;
        let recorded_at = format_timestamp(recorded_at);
        let nonce = crate::store::unique_nonce(&event)
            .filter(|_| dedupe)
            .map(str::to_owned);
        self.with_conn(async |conn, db| {
            let err = |e| database_error(db, e);
            let mut tx = conn.begin().await.map_err(err)?;
            lock(&mut tx, db).await?;
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
            insert(&mut tx, &stored, &canonical_json(&stored.body), db).await?;
            tx.commit().await.map_err(err)?;
            Ok((stored, true))
        })
    }
}

/// One event of a batch waiting to be written: its position in the batch, the event, its nonce.
type Waiting = (usize, PreparedEvent, Option<String>);

/// An idempotency key: `(service, kind, nonce)`.
type NonceKey = (String, &'static str, String);

/// The first stored event under each idempotency key of `waiting`, read with one query.
async fn stored_by_nonce(
    conn: &mut PgConnection,
    waiting: &[Waiting],
    db: &str,
) -> Result<HashMap<NonceKey, Event>, StoreError> {
    let keyed: Vec<(&NewEvent, &str)> = waiting
        .iter()
        .filter_map(|(_, prepared, nonce)| nonce.as_deref().map(|n| (prepared.event(), n)))
        .collect();
    let mut found = HashMap::new();
    if keyed.is_empty() {
        return Ok(found);
    }
    let rows = sqlx::query(SELECT_BY_NONCES)
        .bind(
            keyed
                .iter()
                .map(|(e, _)| e.service.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(
            keyed
                .iter()
                .map(|(e, _)| e.kind.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(keyed.iter().map(|(_, n)| *n).collect::<Vec<_>>())
        .fetch_all(conn)
        .await
        .map_err(|e| database_error(db, e))?;
    for row in &rows {
        let nonce: String = sqlx::Row::try_get(row, "nonce").map_err(|e| database_error(db, e))?;
        let event = row_to_event(row, db)?;
        found
            .entry((event.service.clone(), event.kind.as_str(), nonce))
            .or_insert(event);
    }
    Ok(found)
}

impl PostgresStore {
    /// Writes `waiting` in one transaction under the ledger lock: one head read, one commit
    /// (so concurrent uploads share the lock hand-over and the commit's WAL flush).
    fn append_batch(
        &self,
        waiting: Vec<Waiting>,
        recorded_at: &str,
    ) -> Result<Vec<(usize, Event, bool)>, StoreError> {
        self.with_conn(async |conn, db| {
            let err = |e| database_error(db, e);
            let mut tx = conn.begin().await.map_err(err)?;
            lock(&mut tx, db).await?;
            let (mut head_seq, mut head_hash) = head_link(&mut tx, db).await?;
            // The events already stored under the batch's idempotency keys: one query.
            let mut stored_by_key = stored_by_nonce(&mut tx, &waiting, db).await?;
            let mut done: Vec<(usize, Event, bool)> = Vec::with_capacity(waiting.len());
            // (service, kind, nonce) -> index in `done` of the event stored in this batch.
            let mut in_batch: HashMap<NonceKey, usize> = HashMap::new();
            let mut columns = Columns::default();
            for (i, prepared, nonce) in waiting {
                let event = prepared.event();
                if let Some(nonce) = &nonce {
                    let key = (event.service.clone(), event.kind.as_str(), nonce.clone());
                    if let Some(&j) = in_batch.get(&key) {
                        let existing = done[j].1.clone();
                        done.push((i, existing, false));
                        continue;
                    }
                    if let Some(existing) = stored_by_key.get(&key) {
                        done.push((i, existing.clone(), false));
                        continue;
                    }
                    in_batch.insert(key, done.len());
                }
                let prev_hash = std::mem::take(&mut head_hash);
                let placed = prepared.into_event(head_seq + 1, recorded_at.to_owned(), prev_hash);
                head_seq = placed.event.seq;
                head_hash.clone_from(&placed.event.hash);
                columns.bodies.push(placed.body_json);
                columns.summaries.push(placed.summary_json);
                columns.headlines.push(placed.headline_json);
                done.push((i, placed.event, true));
            }
            stored_by_key.clear();
            if columns.bodies.is_empty() {
                tx.rollback().await.map_err(err)?;
            } else {
                insert_many(&mut tx, &done, columns, db).await?;
                tx.commit().await.map_err(err)?;
            }
            Ok(done)
        })
    }
}

impl Store for PostgresStore {
    fn location(&self) -> String {
        self.db.clone()
    }

    fn append(&self, event: NewEvent, recorded_at: jiff::Timestamp) -> Result<Event, StoreError> {
        self.append_inner(event, recorded_at, false).map(|(e, _)| e)
    }

    fn append_unique(
        &self,
        event: NewEvent,
        recorded_at: jiff::Timestamp,
    ) -> Result<(Event, bool), StoreError> {
        self.append_inner(event, recorded_at, true)
    }

    fn append_unique_many(
        &self,
        events: Vec<NewEvent>,
        recorded_at: jiff::Timestamp,
    ) -> Vec<Result<(Event, bool), StoreError>> {
        self.append_prepared_many(
            events.into_iter().map(PreparedEvent::new).collect(),
            recorded_at,
        )
    }

    fn append_prepared_many(
        &self,
        events: Vec<PreparedEvent>,
        recorded_at: jiff::Timestamp,
    ) -> Vec<Result<(Event, bool), StoreError>> {
        let recorded_at = format_timestamp(recorded_at);
        let mut results: Vec<Option<Result<(Event, bool), StoreError>>> =
            Vec::with_capacity(events.len());
        let mut waiting: Vec<Waiting> = Vec::with_capacity(events.len());
        for (i, prepared) in events.into_iter().enumerate() {
            match prepared.checked() {
                Ok(()) => {
                    let nonce = crate::store::unique_nonce(prepared.event()).map(str::to_owned);
                    waiting.push((i, prepared, nonce));
                    results.push(None);
                }
                Err(reason) => results.push(Some(Err(StoreError::Rejected {
                    db: self.db.clone(),
                    reason: reason.to_owned(),
                }))),
            }
        }
        let positions: Vec<usize> = waiting.iter().map(|(i, _, _)| *i).collect();
        if !waiting.is_empty() {
            match self.append_batch(waiting, &recorded_at) {
                Ok(done) => {
                    for (i, event, added) in done {
                        results[i] = Some(Ok((event, added)));
                    }
                }
                Err(e) => {
                    let reason = e.to_string();
                    let mut first = Some(e);
                    for i in positions {
                        results[i] = Some(Err(first.take().unwrap_or_else(|| {
                            StoreError::BatchFailed {
                                db: self.db.clone(),
                                reason: reason.clone(),
                            }
                        })));
                    }
                }
            }
        }
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(StoreError::BatchFailed {
                        db: self.db.clone(),
                        reason: "the event was not handled".to_owned(),
                    })
                })
            })
            .collect()
    }

    fn events(
        &self,
        service: Option<&str>,
        kind: Option<EventKind>,
    ) -> Result<Vec<Event>, StoreError> {
        self.with_conn(async |conn, db| {
            let rows = sqlx::query(SELECT_FILTERED)
                .bind(service)
                .bind(kind.map(EventKind::as_str))
                .fetch_all(conn)
                .await
                .map_err(|e| database_error(db, e))?;
            rows.iter().map(|row| row_to_event(row, db)).collect()
        })
    }

    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
        self.page_after(SELECT_AFTER, after, limit, row_to_event)
    }

    fn summaries_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
        // Events stored before migration 4 have no summary: their bodies are read.
        self.page_after(SELECT_SUMMARIES_AFTER, after, limit, |row, db| {
            row_reduced(row, db, "summarised", crate::summarise)
        })
    }

    fn headlines_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
        // Reviews stored before migration 5 have no headline: their summaries (or bodies) are
        // read and reduced here.
        self.page_after(SELECT_HEADLINES_AFTER, after, limit, |row, db| {
            row_reduced(row, db, "reduced", crate::headline)
        })
    }

    fn summaries_at(&self, seqs: &[u64]) -> Result<Vec<Event>, StoreError> {
        let seqs = seqs
            .iter()
            .map(|&seq| to_i64(seq, &self.db))
            .collect::<Result<Vec<i64>, _>>()?;
        self.with_conn(async |conn, db| {
            let rows = sqlx::query(SELECT_SUMMARIES_AT)
                .bind(seqs)
                .fetch_all(conn)
                .await
                .map_err(|e| database_error(db, e))?;
            rows.iter()
                .map(|row| row_reduced(row, db, "summarised", crate::summarise))
                .collect()
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
            let mut tx = conn.begin().await.map_err(err)?;
            lock(&mut tx, db).await?;
            let (head_seq, head_hash) = head_link(&mut tx, db).await?;
            let mut stored = Vec::new();
            if let (Some(first), Some(last)) = (events.first(), events.last()) {
                let from = to_i64(first.seq.saturating_sub(1), db)?;
                let to = to_i64(last.seq.min(head_seq), db)?;
                let rows: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT seq, hash FROM events WHERE seq >= $1 AND seq <= $2 ORDER BY seq",
                )
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
                insert(&mut tx, event, &canonical_json(&event.body), db).await?;
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
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://launch:hunter2@db.internal:5432/ledger"),
            "postgres://launch:***@db.internal:5432/ledger"
        );
        assert_eq!(
            redact_url("postgresql://db/ledger?user=a&password=hunter2&sslmode=require"),
            "postgresql://db/ledger?user=a&password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://launch@db/ledger"),
            "postgres://launch@db/ledger"
        );
    }

    #[test]
    fn migrations_are_numbered_in_order_up_to_the_schema_version() {
        let versions: Vec<i64> = MIGRATIONS.iter().map(|(v, _)| *v).collect();
        assert_eq!(versions, (1..=PG_SCHEMA_VERSION).collect::<Vec<_>>());
    }
}
