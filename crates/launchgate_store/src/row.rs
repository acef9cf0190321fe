//! One stored event read back from a database row: the same columns in SQLite and PostgreSQL,
//! so one reader for both backends.

use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::{Event, EventKind, StoreError};

/// The event in `row` (columns `seq`, `recorded_at`, `service`, `kind`, `body`, `signer`,
/// `public_key`, `signature`, `prev_hash`, `hash`). A `seq` that cannot be read is a database
/// error (`db_error`); any other column that does not read as an event marks the ledger
/// corrupt at that `seq`.
pub(crate) fn row_to_event<R>(
    row: &R,
    db: &str,
    db_error: impl Fn(sqlx::Error) -> StoreError,
) -> Result<Event, StoreError>
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database>,
{
    let seq: i64 = row.try_get("seq").map_err(db_error)?;
    let corrupt = |reason: String| StoreError::Corrupt {
        db: db.to_owned(),
        seq,
        reason,
    };
    let text = |column: &str| -> Result<String, StoreError> {
        row.try_get::<String, _>(column)
            .map_err(|e| corrupt(format!("column {column}: {e}")))
    };
    let optional = |column: &str| -> Result<Option<String>, StoreError> {
        row.try_get::<Option<String>, _>(column)
            .map_err(|e| corrupt(format!("column {column}: {e}")))
    };
    let kind = text("kind")?
        .parse::<EventKind>()
        .map_err(|e| corrupt(e.to_string()))?;
    let body = serde_json::from_str(&text("body")?)
        .map_err(|e| corrupt(format!("body is not JSON: {e}")))?;
    Ok(Event {
        seq: u64::try_from(seq).map_err(|_| corrupt("negative seq".to_owned()))?,
        recorded_at: text("recorded_at")?,
        service: text("service")?,
        kind,
        body,
        signer: optional("signer")?,
        public_key: optional("public_key")?,
        signature: optional("signature")?,
        prev_hash: text("prev_hash")?,
        hash: text("hash")?,
    })
}
