//! The publishing client (`launchgate publish`, `check --publish`, `override`/`signoff
//! --publish`): uploads a review with an idempotency key, or a signed override or sign-off,
//! retrying with exponential backoff on network errors and 5xx answers, so either is stored once
//! however often the upload is retried (a signed event is keyed on its body's nonce).

use std::time::Duration;

/// What the server answered for a stored review or event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The ledger sequence number.
    pub seq: u64,
    /// The ledger event's hash.
    pub hash: String,
    /// Whether an earlier attempt had already stored it.
    pub duplicate: bool,
    /// Attempts made.
    pub attempts: u32,
}

/// Why publishing failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The server refused the upload (4xx): retrying will not help.
    #[error("{url} refused the {what} ({status}): {message}")]
    Refused {
        /// The endpoint.
        url: String,
        /// What was uploaded: `review` or `event`.
        what: &'static str,
        /// HTTP status.
        status: u16,
        /// The server's error message.
        message: String,
    },
    /// Every attempt failed with a network error or a 5xx answer.
    #[error("{url}: gave up after {attempts} attempts: {last}")]
    GaveUp {
        /// The endpoint.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The answer was not what the API describes.
    #[error("{url}: unexpected answer: {source}")]
    BadAnswer {
        /// The endpoint.
        url: String,
        /// What was wrong.
        #[source]
        source: std::io::Error,
    },
}

/// How to retry.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Attempts in all (at least 1).
    pub attempts: u32,
    /// Wait before the second attempt; doubled each time, capped at `max_delay`.
    pub first_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            attempts: 8,
            first_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
        }
    }
}

/// A new idempotency key: 32 random hex digits.
pub fn idempotency_key() -> Result<String, crate::ServerError> {
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).map_err(|e| crate::ServerError::Random(e.to_string()))?;
    Ok(buf.iter().fold(String::with_capacity(32), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    }))
}

/// Uploads `review` (the JSON `check --format json` writes) to `server` (its base URL, e.g.
/// `https://launchgate.internal`) with `token`, using `key` as the idempotency key on every
/// attempt.
pub fn publish(
    server: &str,
    token: &str,
    review: &[u8],
    key: &str,
    commit: Option<&str>,
    retry: Retry,
) -> Result<Published, PublishError> {
    let upload = Upload {
        path: "/api/v1/reviews",
        what: "review",
        key,
        commit,
    };
    post(server, token, review, &upload, retry)
}

/// Uploads a signed override or sign-off (`event`: a `NewEvent` as JSON, signed where the key
/// is) to `server`'s `POST /api/v1/events`, with the same retries as [`publish`]. The server
/// stores it once, keyed on the nonce its signed body carries, which is also sent as the
/// idempotency key (`key`).
pub fn publish_event(
    server: &str,
    token: &str,
    event: &[u8],
    key: &str,
    retry: Retry,
) -> Result<Published, PublishError> {
    let upload = Upload {
        path: "/api/v1/events",
        what: "event",
        key,
        commit: None,
    };
    post(server, token, event, &upload, retry)
}

/// Where and what one upload sends.
struct Upload<'a> {
    path: &'static str,
    what: &'static str,
    key: &'a str,
    commit: Option<&'a str>,
}

fn post(
    server: &str,
    token: &str,
    body: &[u8],
    upload: &Upload<'_>,
    retry: Retry,
) -> Result<Published, PublishError> {
    let url = format!("{}{}", server.trim_end_matches('/'), upload.path);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_mins(1)))
        .build()
        .into();
    let mut delay = retry.first_delay;
    let mut last = String::new();
    let attempts = retry.attempts.max(1);
    for attempt in 1..=attempts {
        if attempt > 1 {
            std::thread::sleep(delay);
            delay = (delay * 2).min(retry.max_delay);
        }
        let mut request = agent
            .post(&url)
            .header("Authorization", &format!("Bearer {token}"))
            .header("Idempotency-Key", upload.key)
            .header("Content-Type", "application/json");
        if let Some(commit) = upload.commit {
            request = request.header("X-Launchgate-Commit", commit);
        }
        let mut response = match request.send(body) {
            Ok(response) => response,
            Err(e) => {
                last = e.to_string();
                continue;
            }
        };
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        if status >= 500 {
            last = format!("HTTP {status}");
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if status == 200 || status == 201 {
            let seq = value.get("seq").and_then(serde_json::Value::as_u64);
            let hash = value.get("hash").and_then(serde_json::Value::as_str);
            let (Some(seq), Some(hash)) = (seq, hash) else {
                return Err(PublishError::BadAnswer {
                    url,
                    source: std::io::Error::other(format!("HTTP {status} without seq and hash")),
                });
            };
            return Ok(Published {
                seq,
                hash: hash.to_owned(),
                duplicate: value.get("duplicate").and_then(serde_json::Value::as_bool)
                    == Some(true),
                attempts: attempt,
            });
        }
        let message = value
            .get("error")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("no message")
            .to_owned();
        return Err(PublishError::Refused {
            url,
            what: upload.what,
            status,
            message,
        });
    }
    Err(PublishError::GaveUp {
        url,
        attempts,
        last,
    })
}
