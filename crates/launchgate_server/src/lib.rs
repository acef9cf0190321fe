//! launchgate's fleet server: reviews published from CI land in the ledger (SQLite or
//! PostgreSQL), and an HTTP API, Prometheus metrics and a server-rendered dashboard read them.
//!
//! * [`serve`]: the server (`launchgate serve`); several replicas may share one PostgreSQL.
//! * [`tokens`]: API tokens (`launchgate token …`).
//! * [`client`]: the publishing client (`launchgate publish`, `check --publish`).
//!
//! Operations are described in `docs/server.md`.

mod appender;
pub mod client;
mod index;
mod pages;
pub mod pool;
pub mod tokens;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use launchgate_store::{EventKind, NewEvent, PreparedEvent, ReviewBody};
use serde_json::{Value, json};
use sha2::Digest as _;
use tokio::sync::RwLock;

use appender::Appender;
pub use index::{CheckRow, Index, ReviewRow, ServiceEntry, SignedRow, diff_checks};
use pool::StorePool;
use tokens::{Role, TokenInfo, Tokens};

/// The largest request body accepted (a review JSON is typically 50–500 KiB).
pub const DEFAULT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Why the server or a token command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The ledger.
    #[error(transparent)]
    Store(#[from] launchgate_store::StoreError),
    /// The database, outside the ledger (tokens).
    #[error("{db}: {source}")]
    Database {
        /// Which database.
        db: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// Listening or another I/O operation.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The operating system's random numbers.
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
    /// A setting or state that cannot be used.
    #[error("{0}")]
    Config(String),
}

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    /// The ledger's location (`postgres://…` or `sqlite://PATH`).
    pub database: String,
    /// Where to listen.
    pub listen: SocketAddr,
    /// Store handles (database connections for the ledger).
    pub connections: usize,
    /// Serve the dashboard and read API without a token (on a trusted network only).
    pub anonymous_read: bool,
    /// The largest request body.
    pub body_limit: usize,
    /// Only apply the migrations, then exit.
    pub migrate_only: bool,
    /// The policy's approvers as `(name, public key)`: when set, a signed override or sign-off
    /// is stored only if its signer is one of them with that key.
    pub approvers: Option<Vec<(String, String)>>,
}

#[derive(Debug, Default)]
struct Metrics {
    requests: std::sync::Mutex<BTreeMap<(String, u16), u64>>,
    duration_micros: std::sync::Mutex<BTreeMap<String, (u64, u64)>>,
    published: AtomicU64,
    duplicates: AtomicU64,
}

#[derive(Debug)]
struct AppState {
    stores: StorePool,
    appender: Appender,
    tokens: Tokens,
    index: RwLock<Index>,
    /// The last `seq` the index has read (for `/metrics`, which must not wait for the index).
    indexed: AtomicU64,
    /// Whether the index has read the ledger once since the server started (`/readyz`).
    loaded: AtomicBool,
    metrics: Metrics,
    anonymous_read: bool,
    approvers: Option<Vec<(String, String)>>,
}

type Shared = Arc<AppState>;

/// Runs the server until SIGINT/SIGTERM (blocking; builds its own runtime).
pub fn serve(config: Config, ready: impl FnOnce(SocketAddr)) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let stores = StorePool::open(&config.database, config.connections).await?;
        if config.migrate_only {
            return Ok(());
        }
        let tokens = Tokens::connect(&config.database, 4).await?;
        let appender = Appender::start(stores.clone());
        let state = Arc::new(AppState {
            stores,
            appender,
            tokens,
            index: RwLock::new(Index::default()),
            indexed: AtomicU64::new(0),
            loaded: AtomicBool::new(false),
            metrics: Metrics::default(),
            anonymous_read: config.anonymous_read,
            approvers: config.approvers,
        });
        // Read the ledger now, not on the first request: /readyz says not ready until it is read.
        tokio::spawn(load_index(state.clone()));
        let app = router(state, config.body_limit);
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        ready(listener.local_addr()?);
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown())
            .await?;
        Ok(())
    })
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! { _ = interrupt => {}, () = term => {} }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

fn router(state: Shared, body_limit: usize) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/reviews", post(publish_review))
        .route("/api/v1/reviews/{seq}", get(one_review))
        .route("/api/v1/events", post(publish_event))
        .route("/api/v1/services", get(list_services))
        .route("/api/v1/services/{service}/reviews", get(service_history))
        .route("/api/v1/diff", get(diff))
        .route("/api/v1/checks/failing", get(failing_checks))
        .route("/api/v1/waivers", get(waivers))
        .route("/api/v1/overrides", get(overrides))
        .route("/api/v1/signoffs", get(signoffs))
        .route("/", get(pages::fleet))
        .route("/services/{service}", get(pages::service))
        .route("/checks/{id}", get(pages::check))
        .route("/owners/{owner}", get(pages::owner))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// Counts requests by route and status, and adds headers every answer carries.
async fn observe(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let mut response = next.run(request).await;
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    if let Ok(mut requests) = state.metrics.requests.lock() {
        *requests
            .entry((route.clone(), response.status().as_u16()))
            .or_default() += 1;
    }
    if let Ok(mut durations) = state.metrics.duration_micros.lock() {
        let slot = durations.entry(route).or_default();
        slot.0 += 1;
        slot.1 += micros;
    }
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::HeaderName::from_static("server-timing"),
        HeaderValue::from_str(&format!("app;dur={:.3}", micros as f64 / 1000.0))
            .unwrap_or_else(|_| HeaderValue::from_static("app")),
    );
    response
}

/// An answer with a JSON error and no data.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({"error": message.into()}))).into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// Who is calling: `Ok(None)` for an anonymous reader (when allowed).
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    need: Role,
) -> Result<Option<TokenInfo>, Response> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(presented) = presented else {
        if need == Role::Read && state.anonymous_read {
            return Ok(None);
        }
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "a token is required: send `Authorization: Bearer <token>`",
        ));
    };
    let token = state
        .tokens
        .authenticate(presented)
        .await
        .map_err(internal)?
        .ok_or_else(|| error(StatusCode::UNAUTHORIZED, "the token is unknown or revoked"))?;
    if token.role < need {
        return Err(error(
            StatusCode::FORBIDDEN,
            format!(
                "token {} has role `{}`; this needs `{}`",
                token.id, token.role, need
            ),
        ));
    }
    Ok(Some(token))
}

/// Events read per query when following the ledger (headlines: a few hundred bytes each).
const HEADLINE_BATCH: usize = 2000;

/// Reviews whose details (summaries: the checks, tens of KB each) are read per query.
const DETAILS_BATCH: usize = 200;

/// Reads the events appended since the index was last brought up to date (by this or another
/// replica), reviews as their headlines, then the details of the reviews the views show them
/// for ([`Index::missing_details`]), and returns the index for reading.
async fn fresh_index(
    state: &AppState,
) -> Result<tokio::sync::RwLockReadGuard<'_, Index>, Response> {
    let mut index = state.index.write().await;
    refresh(state, &mut index).await.map_err(internal)?;
    Ok(index.downgrade())
}

async fn refresh(state: &AppState, index: &mut Index) -> Result<(), ServerError> {
    loop {
        let head = index.head;
        let batch = state
            .stores
            .run(move |store| store.headlines_after(head, HEADLINE_BATCH))
            .await??;
        let full = batch.len() == HEADLINE_BATCH;
        index.apply_headlines(batch);
        if !full {
            break;
        }
    }
    for chunk in index.missing_details().chunks(DETAILS_BATCH) {
        let seqs = chunk.to_vec();
        let details = state
            .stores
            .run(move |store| store.summaries_at(&seqs))
            .await??;
        index.apply_details(details);
    }
    state.indexed.store(index.head, Ordering::Relaxed);
    Ok(())
}

/// Reads the ledger into the index when the server starts (retrying while the database does
/// not answer), then marks the server ready.
async fn load_index(state: Shared) {
    loop {
        let loaded = {
            let mut index = state.index.write().await;
            refresh(&state, &mut index).await
        };
        match loaded {
            Ok(()) => {
                state.loaded.store(true, Ordering::Release);
                return;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_secs(1)).await,
        }
    }
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<Shared>) -> Response {
    if !state.loaded.load(Ordering::Acquire) {
        return (StatusCode::SERVICE_UNAVAILABLE, "reading the ledger\n").into_response();
    }
    let ledger = state.stores.run(|store| store.head().map(drop)).await;
    match ledger {
        Ok(Ok(())) if state.tokens.ping().await => (StatusCode::OK, "ready\n").into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the database does not answer\n",
        )
            .into_response(),
    }
}

async fn metrics(State(state): State<Shared>) -> Response {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP launchgate_http_requests_total HTTP requests answered, by route and status.\n# TYPE launchgate_http_requests_total counter"
    );
    if let Ok(requests) = state.metrics.requests.lock() {
        for ((route, status), n) in requests.iter() {
            let _ = writeln!(
                out,
                "launchgate_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                route.replace('\\', "\\\\").replace('"', "\\\"")
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP launchgate_http_request_duration_seconds Time spent answering requests, by route.\n# TYPE launchgate_http_request_duration_seconds summary"
    );
    if let Ok(durations) = state.metrics.duration_micros.lock() {
        for (route, (count, micros)) in durations.iter() {
            let route = route.replace('\\', "\\\\").replace('"', "\\\"");
            let _ = writeln!(
                out,
                "launchgate_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\nlaunchgate_http_request_duration_seconds_count{{route=\"{route}\"}} {count}",
                *micros as f64 / 1e6
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP launchgate_reviews_published_total Reviews stored by this process.\n# TYPE launchgate_reviews_published_total counter\nlaunchgate_reviews_published_total {}",
        state.metrics.published.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        out,
        "# HELP launchgate_reviews_duplicate_total Retried uploads answered with the review already stored.\n# TYPE launchgate_reviews_duplicate_total counter\nlaunchgate_reviews_duplicate_total {}",
        state.metrics.duplicates.load(Ordering::Relaxed)
    );
    let head = state.indexed.load(Ordering::Relaxed);
    let _ = writeln!(
        out,
        "# HELP launchgate_ledger_indexed_seq The last ledger event this process has read.\n# TYPE launchgate_ledger_indexed_seq gauge\nlaunchgate_ledger_indexed_seq {head}"
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}

/// Checks an idempotency key: 8 to 128 of `[A-Za-z0-9_.-]`.
fn valid_key(key: &str) -> bool {
    (8..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

fn string_field<'a>(review: &'a Value, key: &str) -> Result<&'a str, Response> {
    review
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the review has no `{key}` (publish what `launchgate check --format json` writes)"),
            )
        })
}

async fn publish_review(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let token = match authenticate(&state, &headers, Role::Publish).await {
        Ok(Some(token)) => token,
        Ok(None) => return error(StatusCode::UNAUTHORIZED, "a token is required"),
        Err(response) => return response,
    };
    let key = match headers.get("idempotency-key").map(HeaderValue::to_str) {
        Some(Ok(key)) if valid_key(key) => key.to_owned(),
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "Idempotency-Key must be 8 to 128 of A-Z a-z 0-9 _ . -",
            );
        }
        None => {
            let digest = sha2::Sha256::digest(&body);
            digest.iter().fold(String::from("sha256-"), |mut s, b| {
                use std::fmt::Write as _;
                let _ = write!(s, "{b:02x}");
                s
            })
        }
    };
    // Parsed on a blocking thread, like the preparation below: a review is ~100 KB of JSON, and
    // the async workers stay free to accept, read and answer requests meanwhile.
    let parsed = tokio::task::spawn_blocking(move || serde_json::from_slice::<Value>(&body)).await;
    let mut review: Value = match parsed {
        Ok(Ok(review @ Value::Object(_))) => review,
        Err(e) => return internal(format!("parsing the upload failed: {e}")),
        Ok(Ok(_) | Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "the body is not a JSON review object",
            );
        }
    };
    let fields = (|| {
        Ok::<_, Response>((
            string_field(&review, "service")?.to_owned(),
            string_field(&review, "owner")?.to_owned(),
            string_field(&review, "decision")?.to_owned(),
            string_field(&review, "computed_decision")?.to_owned(),
            string_field(&review, "evaluated_on")?.to_owned(),
            string_field(&review, "content_hash")?.to_owned(),
        ))
    })();
    let (service, owner, decision, computed, evaluated_on, content_hash) = match fields {
        Ok(fields) => fields,
        Err(response) => return response,
    };
    if service.len() > 200 || service.chars().any(char::is_control) {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the service name is longer than 200 characters or has control characters",
        );
    }
    let Some(score) = review.get("score").and_then(Value::as_f64) else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the review has no numeric `score`",
        );
    };
    if token.role != Role::Admin {
        if owner != token.team {
            return error(
                StatusCode::FORBIDDEN,
                format!(
                    "token {} publishes for team `{}`; this review's owner is another team",
                    token.id, token.team
                ),
            );
        }
        let first = match state.tokens.claim_service(&service, &token.team).await {
            Ok(first) => first,
            Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        };
        if first != token.team {
            return error(
                StatusCode::FORBIDDEN,
                format!(
                    "token {} publishes for team `{}`; service `{service}` belongs to another team",
                    token.id, token.team
                ),
            );
        }
    }
    let thresholds = review.get("thresholds").cloned().unwrap_or(Value::Null);
    let commit = headers
        .get("x-launchgate-commit")
        .and_then(|v| v.to_str().ok())
        .filter(|c| c.len() >= 7 && c.len() <= 64 && c.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned);
    if let Some(map) = review.as_object_mut() {
        map.insert("history".to_owned(), Value::Array(Vec::new()));
    }
    let body = ReviewBody {
        review,
        commit,
        decision,
        computed_decision: computed,
        score,
        evaluated_on,
        content_hash,
        thresholds,
        nonce: Some(key),
        signed_at: None,
    };
    let event = NewEvent::unsigned(service, EventKind::Review, body.into_value());
    let result = match prepare(event).await {
        Ok(prepared) => state.appender.append_unique(prepared).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(Ok((stored, added))) => {
            let counter = if added {
                &state.metrics.published
            } else {
                &state.metrics.duplicates
            };
            counter.fetch_add(1, Ordering::Relaxed);
            let status = if added {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (
                status,
                axum::Json(json!({
                    "seq": stored.seq,
                    "hash": stored.hash,
                    "service": stored.service,
                    "duplicate": !added,
                })),
            )
                .into_response()
        }
        Ok(Err(e)) => error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        Err(e) => internal(e),
    }
}

/// Prepares `event` for the ledger ([`PreparedEvent::new`]: its canonical JSON, summary, headline
/// and hash prefix) on a blocking thread, in parallel with other uploads and off the async
/// workers, so the appender's batches only do the chain's work.
async fn prepare(event: NewEvent) -> Result<PreparedEvent, ServerError> {
    tokio::task::spawn_blocking(move || PreparedEvent::new(event))
        .await
        .map_err(|e| ServerError::Config(format!("preparing an upload failed: {e}")))
}

/// A signed override or sign-off made with the CLI (`NewEvent` JSON): stored only when its
/// signature verifies; the policy's approvers are checked by every reader (`check`, `audit`).
async fn publish_event(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let token = match authenticate(&state, &headers, Role::Publish).await {
        Ok(Some(token)) => token,
        Ok(None) => return error(StatusCode::UNAUTHORIZED, "a token is required"),
        Err(response) => return response,
    };
    let event: NewEvent = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("not a ledger event: {e}")),
    };
    if event.kind == EventKind::Review {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "only signed overrides and sign-offs are published here; reviews go to /api/v1/reviews",
        );
    }
    if event.signature.is_none() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "the {} is not signed: overrides and sign-offs are published signed with the approver's key (launchgate override|signoff --publish)",
                event.kind
            ),
        );
    }
    if let Err(reason) = event.check() {
        return error(StatusCode::UNPROCESSABLE_ENTITY, reason);
    }
    if let Some(approvers) = &state.approvers {
        let listed = approvers.iter().any(|(name, key)| {
            event.signer.as_deref() == Some(name.as_str())
                && event.public_key.as_deref() == Some(key.as_str())
        });
        if !listed {
            return error(
                StatusCode::FORBIDDEN,
                "the event is not signed by an approver of the server's policy with their key",
            );
        }
    }
    if token.role != Role::Admin {
        let owner = match state.tokens.owner_of(&event.service).await {
            Ok(owner) => owner,
            Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        };
        if owner.as_deref() != Some(token.team.as_str()) {
            return error(
                StatusCode::FORBIDDEN,
                format!(
                    "token {} publishes for team `{}`; service `{}` is not that team's",
                    token.id, token.team, event.service
                ),
            );
        }
    }
    let result = match prepare(event).await {
        Ok(prepared) => state.appender.append_unique(prepared).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(Ok((stored, added))) => (
            if added {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            axum::Json(json!({"seq": stored.seq, "hash": stored.hash, "duplicate": !added})),
        )
            .into_response(),
        Ok(Err(e)) => error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        Err(e) => internal(e),
    }
}

macro_rules! read_guard {
    ($state:expr, $headers:expr) => {{
        if let Err(response) =
            $crate::authenticate(&$state, &$headers, $crate::tokens::Role::Read).await
        {
            return response;
        }
        match $crate::fresh_index(&$state).await {
            Ok(index) => index,
            Err(response) => return response,
        }
    }};
}
pub(crate) use read_guard;

async fn list_services(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let index = read_guard!(state, headers);
    let services: Vec<Value> = index
        .services
        .iter()
        .filter_map(|(name, entry)| {
            entry.latest().map(|latest| {
                json!({
                    "service": name,
                    "owner": latest.owner,
                    "tier": latest.tier,
                    "decision": latest.decision,
                    "score": latest.score,
                    "seq": latest.seq,
                    "evaluated_on": latest.evaluated_on,
                    "recorded_at": latest.recorded_at,
                    "reviews": entry.reviews.len(),
                })
            })
        })
        .collect();
    axum::Json(json!({ "services": services })).into_response()
}

async fn service_history(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(service): Path<String>,
) -> Response {
    let index = read_guard!(state, headers);
    match index.services.get(&service) {
        Some(entry) => axum::Json(json!({
            "service": service,
            "reviews": entry.reviews,
            "waivers": entry.waivers,
            "action_items": entry.action_items,
        }))
        .into_response(),
        None => error(StatusCode::NOT_FOUND, "no reviews of this service"),
    }
}

async fn load_review(state: &AppState, seq: u64) -> Result<launchgate_store::Event, Response> {
    let event = state
        .stores
        .run(move |store| store.event_at(seq))
        .await
        .map_err(internal)?
        .map_err(internal)?;
    match event {
        Some(event) if event.kind == EventKind::Review => Ok(event),
        _ => Err(error(
            StatusCode::NOT_FOUND,
            format!("no review with seq {seq}"),
        )),
    }
}

async fn one_review(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(seq): Path<u64>,
) -> Response {
    if let Err(response) = authenticate(&state, &headers, Role::Read).await {
        return response;
    }
    match load_review(&state, seq).await {
        Ok(event) => axum::Json(json!({
            "seq": event.seq,
            "hash": event.hash,
            "recorded_at": event.recorded_at,
            "service": event.service,
            "review": event.body.get("review"),
        }))
        .into_response(),
        Err(response) => response,
    }
}

#[derive(Debug, serde::Deserialize)]
struct DiffQuery {
    from: u64,
    to: u64,
}

async fn diff(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<DiffQuery>,
) -> Response {
    if let Err(response) = authenticate(&state, &headers, Role::Read).await {
        return response;
    }
    let (from, to) = match (
        load_review(&state, q.from).await,
        load_review(&state, q.to).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let checks = |e: &launchgate_store::Event| {
        index::checks_of(e.body.get("review").unwrap_or(&Value::Null))
    };
    let changes: Vec<Value> = diff_checks(&checks(&from), &checks(&to))
        .into_iter()
        .map(|(id, before, after)| json!({"id": id, "before": before, "after": after}))
        .collect();
    axum::Json(json!({
        "from": {"seq": from.seq, "service": from.service, "decision": from.body.get("decision"), "score": from.body.get("score")},
        "to": {"seq": to.seq, "service": to.service, "decision": to.body.get("decision"), "score": to.body.get("score")},
        "changes": changes,
    }))
    .into_response()
}

async fn failing_checks(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let index = read_guard!(state, headers);
    let checks: Vec<Value> = index
        .failing_checks()
        .into_iter()
        .map(|(id, title, services)| {
            json!({
                "id": id,
                "title": title,
                "failing": services.len(),
                "services": services.into_iter().map(|(s, m)| json!({"service": s, "message": m})).collect::<Vec<_>>(),
            })
        })
        .collect();
    axum::Json(json!({ "checks": checks })).into_response()
}

#[derive(Debug, serde::Deserialize)]
struct WaiverQuery {
    /// Only waivers expiring on or before this date (`YYYY-MM-DD`).
    before: Option<String>,
}

async fn waivers(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<WaiverQuery>,
) -> Response {
    let index = read_guard!(state, headers);
    let mut list: Vec<Value> = Vec::new();
    for (service, entry) in &index.services {
        for waiver in &entry.waivers {
            let expires = waiver.get("expires").and_then(Value::as_str).unwrap_or("");
            if q.before
                .as_deref()
                .is_some_and(|b| expires.is_empty() || expires > b)
            {
                continue;
            }
            list.push(json!({"service": service, "waiver": waiver}));
        }
    }
    list.sort_by(|a, b| {
        let key = |v: &Value| v["waiver"]["expires"].as_str().unwrap_or("").to_owned();
        key(a).cmp(&key(b))
    });
    axum::Json(json!({ "waivers": list })).into_response()
}

async fn overrides(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let index = read_guard!(state, headers);
    axum::Json(json!({ "overrides": index.overrides })).into_response()
}

async fn signoffs(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let index = read_guard!(state, headers);
    axum::Json(json!({ "signoffs": index.signoffs })).into_response()
}

/// HTML for the dashboard, or the answer to send instead.
pub(crate) fn html(body: String) -> Response {
    Html(body).into_response()
}
