//! API tokens: created with a team and a role, shown once, stored only as SHA-256 hashes,
//! compared in constant time, revocable. They live in the ledger's database, in the table
//! `launchgate_tokens`.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest as _, Sha256};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use subtle::ConstantTimeEq as _;

use crate::ServerError;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Read the API and the dashboard.
    Read,
    /// Read, and publish reviews and signed events of its team's services.
    Publish,
    /// Everything, for every team.
    Admin,
}

impl Role {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Publish => "publish",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "read" => Ok(Role::Read),
            "publish" => Ok(Role::Publish),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role `{other}`; expected one of: publish, read, admin"
            )),
        }
    }
}

/// A stored token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The public part (`lgt_<id>`), shown in lists and logs.
    pub id: String,
    /// The team it acts for.
    pub team: String,
    /// What it may do.
    pub role: Role,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// A token just created: `secret` is the whole token, shown once and never stored.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// What is stored.
    pub info: TokenInfo,
    /// `lgt_<id>_<secret>`: what clients send as `Authorization: Bearer …`.
    pub secret: String,
}

#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The token table of a ledger database.
#[derive(Debug, Clone)]
pub struct Tokens {
    pool: Pool,
}

const CREATE: &str = "CREATE TABLE IF NOT EXISTS launchgate_tokens (
    id         TEXT PRIMARY KEY NOT NULL,
    team       TEXT NOT NULL,
    role       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
)";
const CREATE_SERVICES: &str = "CREATE TABLE IF NOT EXISTS launchgate_services (
    service    TEXT PRIMARY KEY NOT NULL,
    team       TEXT NOT NULL
)";
const CLAIM: &str = "INSERT INTO launchgate_services (service, team) VALUES ($1, $2) ON CONFLICT (service) DO NOTHING";
const OWNER: &str = "SELECT team FROM launchgate_services WHERE service = $1";
const INSERT: &str =
    "INSERT INTO launchgate_tokens (id, team, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)";
const SELECT_ONE: &str =
    "SELECT id, team, role, hash, created_at, revoked_at FROM launchgate_tokens WHERE id = $1";
const SELECT_ALL: &str =
    "SELECT id, team, role, hash, created_at, revoked_at FROM launchgate_tokens ORDER BY team, id";
const REVOKE: &str =
    "UPDATE launchgate_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";

type Row = (String, String, String, String, String, Option<String>);

macro_rules! on_pool {
    ($self:expr, $pool:ident => $body:expr) => {
        match &$self.pool {
            Pool::Sqlite($pool) => $body,
            Pool::Postgres($pool) => $body,
        }
    };
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        use fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn random_hex(bytes: usize) -> Result<String, ServerError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| ServerError::Random(e.to_string()))?;
    Ok(buf.iter().fold(String::new(), |mut s, b| {
        use fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    }))
}

fn to_info(row: Row) -> Result<(TokenInfo, String), ServerError> {
    let (id, team, role, hash, created_at, revoked_at) = row;
    let role = role.parse().map_err(ServerError::Config)?;
    Ok((
        TokenInfo {
            id,
            team,
            role,
            created_at,
            revoked_at,
        },
        hash,
    ))
}

impl Tokens {
    /// Connects to the token table of the ledger at `database` (a store location), creating the
    /// ledger and the table if needed. `connections` is the pool's size.
    pub async fn connect(database: &str, connections: u32) -> Result<Tokens, ServerError> {
        let location = database.to_owned();
        // Opening the store first creates (or checks) the ledger, so the token table is never
        // the first table of a new SQLite file.
        let parsed = crate::pool::on_thread(move || {
            launchgate_store::open_store(&location).map(drop)?;
            launchgate_store::parse_location(location.as_ref())
        })
        .await??;
        let db_error = |e: sqlx::Error| ServerError::Database {
            db: launchgate_store::redact_url(database),
            source: e,
        };
        let pool = match parsed {
            launchgate_store::StoreLocation::Sqlite(path) => Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(connections)
                    .connect_with(
                        SqliteConnectOptions::new()
                            .filename(path)
                            .journal_mode(SqliteJournalMode::Wal)
                            .busy_timeout(launchgate_store::BUSY_TIMEOUT),
                    )
                    .await
                    .map_err(db_error)?,
            ),
            launchgate_store::StoreLocation::Postgres(url) => Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(connections)
                    .connect(&url)
                    .await
                    .map_err(db_error)?,
            ),
        };
        let tokens = Tokens { pool };
        for statement in [CREATE, CREATE_SERVICES] {
            on_pool!(tokens, pool => sqlx::query(statement).execute(pool).await.map(drop).map_err(db_error)?);
        }
        Ok(tokens)
    }

    #[allow(clippy::unused_self)] // Keeps the call sites uniform with `on_pool!`.
    fn db_error(&self, source: sqlx::Error) -> ServerError {
        ServerError::Database {
            db: "tokens".to_owned(),
            source,
        }
    }

    /// Creates a token for `team` with `role`.
    pub async fn create(&self, team: &str, role: Role) -> Result<NewToken, ServerError> {
        let team = team.trim();
        if team.is_empty() || team.len() > 200 || team.chars().any(char::is_control) {
            return Err(ServerError::Config(
                "a team name is 1 to 200 printable characters".to_owned(),
            ));
        }
        let id = format!("lgt_{}", random_hex(8)?);
        let secret = format!("{id}_{}", random_hex(32)?);
        let created_at = launchgate_store::format_timestamp(jiff::Timestamp::now());
        let hash = sha256_hex(&secret);
        on_pool!(self, pool => sqlx::query(INSERT)
            .bind(&id)
            .bind(team)
            .bind(role.as_str())
            .bind(&hash)
            .bind(&created_at)
            .execute(pool)
            .await
            .map(drop)
            .map_err(|e| self.db_error(e))?);
        Ok(NewToken {
            info: TokenInfo {
                id,
                team: team.to_owned(),
                role,
                created_at,
                revoked_at: None,
            },
            secret,
        })
    }

    /// Revokes token `id`; `false` when there is no such unrevoked token.
    pub async fn revoke(&self, id: &str) -> Result<bool, ServerError> {
        let now = launchgate_store::format_timestamp(jiff::Timestamp::now());
        let affected = on_pool!(self, pool => sqlx::query(REVOKE)
            .bind(&now)
            .bind(id)
            .execute(pool)
            .await
            .map_err(|e| self.db_error(e))?
            .rows_affected());
        Ok(affected == 1)
    }

    /// Every token, by team and id.
    pub async fn list(&self) -> Result<Vec<TokenInfo>, ServerError> {
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(SELECT_ALL)
            .fetch_all(pool)
            .await
            .map_err(|e| self.db_error(e))?);
        rows.into_iter()
            .map(|r| to_info(r).map(|(i, _)| i))
            .collect()
    }

    /// The token `presented` stands for, if it is a valid, unrevoked token. The hash is
    /// compared in constant time; a malformed token costs one hash like a wrong one.
    pub async fn authenticate(&self, presented: &str) -> Result<Option<TokenInfo>, ServerError> {
        let hash = sha256_hex(presented);
        // `lgt_<16 hex>_<64 hex>`: the id is the first 20 characters.
        let Some(id) = presented.get(..20).filter(|id| id.starts_with("lgt_")) else {
            return Ok(None);
        };
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(SELECT_ONE)
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.db_error(e))?);
        let Some(row) = row else { return Ok(None) };
        let (info, stored) = to_info(row)?;
        let same: bool = stored.as_bytes().ct_eq(hash.as_bytes()).into();
        Ok((same && info.revoked_at.is_none()).then_some(info))
    }

    /// The team that owns `service`: the first team that published it (claimed now when no
    /// team has yet).
    pub async fn claim_service(&self, service: &str, team: &str) -> Result<String, ServerError> {
        on_pool!(self, pool => sqlx::query(CLAIM)
            .bind(service)
            .bind(team)
            .execute(pool)
            .await
            .map(drop)
            .map_err(|e| self.db_error(e))?);
        let owner: Option<String> = on_pool!(self, pool => sqlx::query_scalar(OWNER)
            .bind(service)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.db_error(e))?);
        owner.ok_or_else(|| ServerError::Config(format!("service `{service}` has no owner")))
    }

    /// The team that owns `service`, if one published it.
    pub async fn owner_of(&self, service: &str) -> Result<Option<String>, ServerError> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(OWNER)
            .bind(service)
            .fetch_optional(pool)
            .await
            .map_err(|e| self.db_error(e))?))
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> bool {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.is_ok())
    }
}

/// Runs `f` on a small runtime of its own: for the CLI's `token` commands.
pub fn blocking<T>(
    database: &str,
    f: impl AsyncFnOnce(&Tokens) -> Result<T, ServerError>,
) -> Result<T, ServerError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServerError::Io)?;
    runtime.block_on(async {
        let tokens = Tokens::connect(database, 1).await?;
        f(&tokens).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_by_name() {
        for role in [Role::Read, Role::Publish, Role::Admin] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!(
            "owner".parse::<Role>(),
            Err("unknown role `owner`; expected one of: publish, read, admin".to_owned())
        );
    }

    #[test]
    fn hashes_are_sha256_hex() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
