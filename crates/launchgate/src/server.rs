//! `serve`, `token` and `publish`: the fleet server's commands (launchgate_server does the work;
//! this maps outcomes to exit codes).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use launchgate_server::client::{Retry, idempotency_key, publish as upload};
use launchgate_server::tokens::{self, Role};

use crate::Failure;

fn fail(e: impl std::fmt::Display) -> Failure {
    Failure::Message(e.to_string())
}

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// The ledger's database: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB` (several servers may
    /// share it) or `sqlite://PATH` (one server). Default: $LAUNCHGATE_DATABASE.
    #[arg(long, value_name = "URL", env = "LAUNCHGATE_DATABASE")]
    database: String,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Database connections for the ledger.
    #[arg(long, value_name = "N", default_value_t = 8)]
    connections: usize,
    /// Serve the dashboard and the read API without a token (on a trusted network only).
    #[arg(long)]
    anonymous_read: bool,
    /// The largest request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = launchgate_server::DEFAULT_BODY_LIMIT)]
    max_body: usize,
    /// Apply the database migrations, then exit (they are also applied on start).
    #[arg(long)]
    migrate: bool,
    /// The organisation policy: published overrides and sign-offs are stored only when signed
    /// by one of its approvers with the key it lists for them.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
}

/// `launchgate serve`.
pub(crate) fn serve(args: &ServeArgs) -> Result<ExitCode, Failure> {
    let approvers = match &args.policy {
        Some(path) => Some(
            crate::governance::load_policy_file(path)?
                .approvers
                .value
                .iter()
                .map(|a| (a.name.clone(), a.public_key.to_string()))
                .collect(),
        ),
        None => None,
    };
    let config = launchgate_server::Config {
        database: args.database.clone(),
        listen: args.listen,
        connections: args.connections.max(1),
        anonymous_read: args.anonymous_read,
        body_limit: args.max_body,
        migrate_only: args.migrate,
        approvers,
    };
    let database = launchgate_store::redact_url(&args.database);
    let migrate = args.migrate;
    launchgate_server::serve(config, |addr| {
        crate::note(&format!(
            "launchgate serve: listening on http://{addr} (ledger {database})"
        ));
    })
    .map_err(fail)?;
    if migrate {
        crate::note(&format!("launchgate serve: {database} is migrated"));
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum TokenCommand {
    /// Create a token and print it once (only its hash is stored).
    Create {
        /// The ledger's database (as for `serve`).
        #[arg(long, value_name = "URL", env = "LAUNCHGATE_DATABASE")]
        database: String,
        /// The team it acts for: a publish token publishes only reviews whose `owner` is this.
        #[arg(long)]
        team: String,
        /// publish, read or admin.
        #[arg(long, value_parser = ["publish", "read", "admin"])]
        role: String,
    },
    /// Revoke a token by its id (`lgt_…`, the first part of the token).
    Revoke {
        /// The ledger's database.
        #[arg(long, value_name = "URL", env = "LAUNCHGATE_DATABASE")]
        database: String,
        /// The token's id.
        id: String,
    },
    /// List tokens (ids, teams, roles; never secrets).
    List {
        /// The ledger's database.
        #[arg(long, value_name = "URL", env = "LAUNCHGATE_DATABASE")]
        database: String,
    },
}

/// `launchgate token …`.
pub(crate) fn token(cmd: &TokenCommand) -> Result<ExitCode, Failure> {
    match cmd {
        TokenCommand::Create {
            database,
            team,
            role,
        } => {
            let role: Role = role.parse().map_err(Failure::Message)?;
            let created =
                tokens::blocking(database, async |t| t.create(team, role).await).map_err(fail)?;
            crate::write_stdout(&format!("{}\n", created.secret))?;
            crate::note(&format!(
                "token {} for team {} with role {}: shown once, store it as a secret (LAUNCHGATE_TOKEN)",
                created.info.id, created.info.team, created.info.role
            ));
            Ok(ExitCode::SUCCESS)
        }
        TokenCommand::Revoke { database, id } => {
            let revoked = tokens::blocking(database, async |t| t.revoke(id).await).map_err(fail)?;
            if revoked {
                crate::write_stdout(&format!("revoked {id}\n"))?;
                Ok(ExitCode::SUCCESS)
            } else {
                Err(Failure::Message(format!("no unrevoked token {id}")))
            }
        }
        TokenCommand::List { database } => {
            let list = tokens::blocking(database, async |t| t.list().await).map_err(fail)?;
            let mut out = String::new();
            for t in list {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.team,
                    t.role,
                    t.created_at,
                    t.revoked_at.as_deref().unwrap_or("active")
                );
            }
            crate::write_stdout(&out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct PublishArgs {
    /// The review: what `launchgate check --format json` writes.
    review: PathBuf,
    /// The fleet server's base URL, e.g. https://launchgate.internal.
    #[arg(long, value_name = "URL")]
    server: String,
    /// The idempotency key (default: a new random key; retries within this run reuse it).
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
    /// Attempts before giving up (network errors and 5xx answers are retried with backoff).
    #[arg(long, value_name = "N", default_value_t = 8)]
    attempts: u32,
}

/// Uploads review JSON text; the token comes from `LAUNCHGATE_TOKEN`.
pub(crate) fn publish_text(
    server: &str,
    review: &[u8],
    key: Option<&str>,
    attempts: u32,
) -> Result<(), Failure> {
    let token = std::env::var("LAUNCHGATE_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            Failure::Message(
                "publishing needs a token in LAUNCHGATE_TOKEN (launchgate token create --role publish)"
                    .to_owned(),
            )
        })?;
    let key = match key {
        Some(key) => key.to_owned(),
        None => idempotency_key().map_err(fail)?,
    };
    let retry = Retry {
        attempts,
        ..Retry::default()
    };
    let published = upload(server, token.trim(), review, &key, None, retry).map_err(fail)?;
    crate::note(&format!(
        "published to {server}: ledger #{} ({}{})",
        published.seq,
        if published.duplicate {
            "already stored"
        } else {
            "stored"
        },
        if published.attempts > 1 {
            format!(", after {} attempts", published.attempts)
        } else {
            String::new()
        }
    ));
    Ok(())
}

/// `launchgate publish`.
pub(crate) fn publish(args: &PublishArgs) -> Result<ExitCode, Failure> {
    let review = std::fs::read(&args.review)
        .map_err(|e| Failure::Message(format!("{}: {e}", args.review.display())))?;
    publish_text(
        &args.server,
        &review,
        args.idempotency_key.as_deref(),
        args.attempts,
    )?;
    Ok(ExitCode::SUCCESS)
}
