//! `serve`, `token` and `publish`: the fleet server's commands (launchgate_server does the work;
//! this maps outcomes to exit codes).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use launchgate_server::client::{
    PublishError, Published, Retry, idempotency_key, publish as upload,
    publish_event as upload_event,
};
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
    #[arg(required_unless_present = "event")]
    review: Option<PathBuf>,
    /// Publish event SEQ of the local ledger instead: a signed override or sign-off (`launchgate
    /// audit log` lists them), e.g. one that `override --publish` could not upload. The server
    /// verifies its signature and stores it once however often it is published.
    #[arg(long, value_name = "SEQ", conflicts_with_all = ["review", "idempotency_key"])]
    event: Option<u64>,
    /// The fleet server's base URL, e.g. https://launchgate.internal.
    #[arg(long, value_name = "URL")]
    server: String,
    /// The idempotency key (default: a new random key; retries within this run reuse it).
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
    /// Attempts before giving up (network errors and 5xx answers are retried with backoff).
    #[arg(long, value_name = "N", default_value_t = 8)]
    attempts: u32,
    /// The local ledger `--event` reads.
    #[command(flatten)]
    store: crate::governance::StoreArg,
}

/// The publishing token, from `LAUNCHGATE_TOKEN`.
fn token_from_env() -> Result<String, Failure> {
    std::env::var("LAUNCHGATE_TOKEN")
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Failure::Message(
                "publishing needs a token in LAUNCHGATE_TOKEN (launchgate token create --role publish)"
                    .to_owned(),
            )
        })
}

/// A failed upload as an error that names the fix.
fn explain(e: &PublishError) -> Failure {
    let hint = match e {
        PublishError::Refused { status: 401, .. } => {
            "; LAUNCHGATE_TOKEN is not a valid token of this server (mistyped, revoked, or made for another database): create one with `launchgate token create --team TEAM --role publish`"
        }
        PublishError::Refused {
            status: 403,
            what: "event",
            ..
        } => {
            "; publish with a token (role publish) of the team that owns the service, and sign as an approver listed in the server's --policy with the key it lists"
        }
        PublishError::Refused { status: 403, .. } => {
            "; publish with a token (role publish) of the team that owns the service"
        }
        PublishError::GaveUp { .. } => {
            "; check the --server URL and that the server is up (network errors and 5xx answers were retried with backoff)"
        }
        _ => "",
    };
    Failure::Message(format!("{e}{hint}"))
}

fn published_note(server: &str, what: &str, published: &Published) -> String {
    format!(
        "published {what}to {server}: ledger #{} ({}{})",
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
    )
}

/// Uploads review JSON text; the token comes from `LAUNCHGATE_TOKEN`.
pub(crate) fn publish_text(
    server: &str,
    review: &[u8],
    key: Option<&str>,
    attempts: u32,
) -> Result<(), Failure> {
    let token = token_from_env()?;
    let key = match key {
        Some(key) => key.to_owned(),
        None => idempotency_key().map_err(fail)?,
    };
    let retry = Retry {
        attempts,
        ..Retry::default()
    };
    let published = upload(server, &token, review, &key, None, retry).map_err(|e| explain(&e))?;
    crate::note(&published_note(server, "", &published));
    Ok(())
}

/// Uploads a signed override or sign-off (`override`/`signoff --publish`) with the token from
/// `LAUNCHGATE_TOKEN`; its body's nonce is the idempotency key, so a retried upload is stored
/// once. Returns the line to show.
pub(crate) fn publish_event(
    server: &str,
    event: &launchgate_store::NewEvent,
    attempts: u32,
) -> Result<String, Failure> {
    let token = token_from_env()?;
    let key = match launchgate_store::unique_nonce(event) {
        Some(nonce) => nonce.to_owned(),
        None => idempotency_key().map_err(fail)?,
    };
    let body = serde_json::to_vec(event).map_err(fail)?;
    let retry = Retry {
        attempts,
        ..Retry::default()
    };
    let published = upload_event(server, &token, &body, &key, retry).map_err(|e| explain(&e))?;
    let what = match event.kind {
        launchgate_store::EventKind::Signoff => "the sign-off ",
        _ => "the override ",
    };
    Ok(published_note(server, what, &published))
}

/// `launchgate publish`.
pub(crate) fn publish(args: &PublishArgs) -> Result<ExitCode, Failure> {
    if let Some(seq) = args.event {
        let event = crate::governance::recorded_event(&args.store, seq)?;
        let line = publish_event(&args.server, &event, args.attempts)?;
        crate::note(&line);
        return Ok(ExitCode::SUCCESS);
    }
    let Some(file) = &args.review else {
        return Err(Failure::Message(
            "name the review file to publish, or --event SEQ".to_owned(),
        ));
    };
    let review =
        std::fs::read(file).map_err(|e| Failure::Message(format!("{}: {e}", file.display())))?;
    publish_text(
        &args.server,
        &review,
        args.idempotency_key.as_deref(),
        args.attempts,
    )?;
    Ok(ExitCode::SUCCESS)
}
