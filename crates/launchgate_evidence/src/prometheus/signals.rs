//! What an expression watches: reading PromQL for meaning.
//!
//! Each recognition is a small function over the parsed expression that looks at the metric
//! names it selects (split into words, `CamelCase` and `snake_case` alike), the label matchers
//! that narrow them (`code=~"5.."`, `grpc_code!="OK"`, `queue_name="orders-dlq"`) and the
//! functions it calls (`histogram_quantile`, `absent`, `time`). A recording rule's name is read
//! by its words (`job:http_errors:ratio_rate5m` is an error rate), and
//! [`signals_resolved`] also reads the expression of the recording rule it refers to.
//!
//! The recognitions are deliberately about intent, not exact semantics: an alert on
//! `sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) >
//! 0.05` watches the error rate whatever its threshold.

use std::collections::BTreeSet;
use std::fmt;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{Expr, VectorSelector};

use super::{Rule, vector_selectors};

/// A kind of thing an alert watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    /// Failed requests: 5xx or non-2xx HTTP status, non-OK gRPC codes, `*_errors_total`.
    ErrorRate,
    /// How long requests take: `histogram_quantile`, duration and latency metrics.
    Latency,
    /// How many requests arrive: a request rate.
    Traffic,
    /// How full a resource is: CPU, memory, pools, threads, disks, throttling.
    Saturation,
    /// Whether the service answers at all: `up`, `absent(...)`, `probe_success`.
    Availability,
    /// Messages waiting in a queue, consumer lag, the age of the oldest message.
    QueueDepth,
    /// Messages in a dead-letter queue.
    DeadLetterDepth,
    /// Whether backups run: backup failures, the age of the last successful backup.
    BackupHealth,
}

impl Signal {
    /// Every signal, in order.
    pub const ALL: [Signal; 8] = [
        Signal::ErrorRate,
        Signal::Latency,
        Signal::Traffic,
        Signal::Saturation,
        Signal::Availability,
        Signal::QueueDepth,
        Signal::DeadLetterDepth,
        Signal::BackupHealth,
    ];

    /// The signal in words, for messages (`error rate`, `dead-letter queue depth`).
    pub fn name(self) -> &'static str {
        match self {
            Signal::ErrorRate => "error rate",
            Signal::Latency => "latency",
            Signal::Traffic => "traffic",
            Signal::Saturation => "saturation",
            Signal::Availability => "availability",
            Signal::QueueDepth => "queue depth",
            Signal::DeadLetterDepth => "dead-letter queue depth",
            Signal::BackupHealth => "backup health",
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One recognition: whether an expression watches a signal.
type Recognise = fn(&Expr) -> bool;

/// Everything `expr` watches (an empty set when nothing is recognised).
pub fn signals(expr: &Expr) -> BTreeSet<Signal> {
    let checks: [(Signal, Recognise); 8] = [
        (Signal::ErrorRate, is_error_rate),
        (Signal::Latency, is_latency),
        (Signal::Traffic, is_traffic),
        (Signal::Saturation, is_saturation),
        (Signal::Availability, is_availability),
        (Signal::QueueDepth, is_queue_depth),
        (Signal::DeadLetterDepth, is_dead_letter_depth),
        (Signal::BackupHealth, is_backup_health),
    ];
    checks
        .iter()
        .filter(|(_, f)| f(expr))
        .map(|(s, _)| *s)
        .collect()
}

/// Like [`signals`], and also what the recording rules that `expr` refers to (by their
/// `record:` name, among `recording`) watch, following references between recording rules.
pub fn signals_resolved(expr: &Expr, recording: &[&Rule]) -> BTreeSet<Signal> {
    let mut out = signals(expr);
    for e in referenced_recordings(expr, recording) {
        out.extend(signals(e));
    }
    out
}

/// Like [`queue_refs`], and also the queue matchers inside the recording rules `expr` refers
/// to.
pub fn queue_refs_resolved(expr: &Expr, recording: &[&Rule]) -> Vec<QueueRef> {
    let mut out = queue_refs(expr);
    for e in referenced_recordings(expr, recording) {
        for q in queue_refs(e) {
            if !out.contains(&q) {
                out.push(q);
            }
        }
    }
    out
}

/// The expressions of the recording rules `expr` refers to, transitively (each once).
fn referenced_recordings<'a>(expr: &Expr, recording: &[&'a Rule]) -> Vec<&'a Expr> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out: Vec<&'a Expr> = Vec::new();
    let mut todo: Vec<String> = vector_selectors(expr)
        .into_iter()
        .filter_map(|vs| metric_name(vs).map(str::to_string))
        .collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        for r in recording.iter().filter(|r| r.name.value == name) {
            if let Some(e) = r.parsed() {
                out.push(e);
                todo.extend(
                    vector_selectors(e)
                        .into_iter()
                        .filter_map(|vs| metric_name(vs).map(str::to_string)),
                );
            }
        }
    }
    out
}

impl Rule {
    /// What the rule's expression watches (empty when it did not parse); see [`signals`].
    pub fn signals(&self) -> BTreeSet<Signal> {
        self.parsed().map(signals).unwrap_or_default()
    }

    /// What the rule's expression watches, reading the recording rules it refers to; see
    /// [`signals_resolved`].
    pub fn signals_resolved(&self, recording: &[&Rule]) -> BTreeSet<Signal> {
        self.parsed()
            .map(|e| signals_resolved(e, recording))
            .unwrap_or_default()
    }

    /// The queues the rule's expression narrows to, reading the recording rules it refers
    /// to; see [`queue_refs`].
    pub fn queue_refs(&self, recording: &[&Rule]) -> Vec<QueueRef> {
        self.parsed()
            .map(|e| queue_refs_resolved(e, recording))
            .unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------
// Names and words.

/// A selector's metric name: `http_requests_total` in `http_requests_total{job="api"}`, or the
/// value of an equality `__name__` matcher.
pub fn metric_name(vs: &VectorSelector) -> Option<&str> {
    vs.name.as_deref().or_else(|| {
        all_matchers(vs)
            .find(|m| m.name == "__name__" && m.op == MatchOp::Equal)
            .map(|m| m.value.as_str())
    })
}

/// The lowercase words of a metric or recording rule name: split at `_`, `:`, `.`, `-` and
/// at lowercase-to-uppercase steps (`ApproximateNumberOfMessagesVisible` gives
/// `approximate number of messages visible`).
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | ':' | '.' | '-' | '/' | ' ') {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The name as lowercase words joined by `_`: `ApproximateNumberOfMessagesVisible` gives
/// `approximate_number_of_messages_visible`.
fn snake(name: &str) -> String {
    name_words(name).join("_")
}

fn all_matchers(vs: &VectorSelector) -> impl Iterator<Item = &Matcher> {
    vs.matchers
        .matchers
        .iter()
        .chain(vs.matchers.or_matchers.iter().flatten())
}

/// The names a selector stands for: its metric name and, for CloudWatch exporters that keep
/// the metric in a label, the value of `metric_name`.
fn selector_names(vs: &VectorSelector) -> Vec<&str> {
    let mut out: Vec<&str> = metric_name(vs).into_iter().collect();
    out.extend(
        all_matchers(vs)
            .filter(|m| m.name == "metric_name" && m.op == MatchOp::Equal)
            .map(|m| m.value.as_str()),
    );
    out
}

fn has_word(words: &[String], wanted: &[&str]) -> bool {
    words.iter().any(|w| wanted.contains(&w.as_str()))
}

/// Every function the expression calls, including nested calls.
fn calls(expr: &Expr) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    super::visit(expr, &mut |e| {
        if let Expr::Call(c) = e {
            out.insert(c.func.name);
        }
    });
    out
}

/// Whether a matcher admits `value` (equality, or a regex that matches it whole).
fn admits(m: &Matcher, value: &str) -> bool {
    match &m.op {
        MatchOp::Equal => m.value.eq_ignore_ascii_case(value),
        MatchOp::Re(re) => re.is_match(value),
        MatchOp::NotEqual => !m.value.eq_ignore_ascii_case(value),
        MatchOp::NotRe(re) => !re.is_match(value),
    }
}

/// Whether a matcher admits one of `bad` and none of `good`: it narrows a selector to the
/// failures (`code=~"5.."`, `grpc_code!="OK"`, `code!~"2.."`).
fn narrows_to(m: &Matcher, bad: &[&str], good: &[&str]) -> bool {
    bad.iter().any(|b| admits(m, b)) && !good.iter().any(|g| admits(m, g))
}

// ---------------------------------------------------------------------------------------------
// Error rate.

const HTTP_STATUS_LABELS: &[&str] = &[
    "code",
    "status",
    "status_code",
    "statuscode",
    "http_status",
    "http_code",
    "http_status_code",
    "http_response_status_code",
    "response_code",
    "response_status",
    "status_class",
];
const GRPC_CODE_LABELS: &[&str] = &[
    "grpc_code",
    "grpc_status",
    "grpc_status_code",
    "rpc_grpc_status_code",
];
const OUTCOME_LABELS: &[&str] = &["outcome", "result", "status", "success", "state"];

/// Whether a matcher narrows an HTTP status label to server errors (`code=~"5.."`,
/// `status="503"`, `status_class="5xx"`) or to everything but success (`code!~"2.."`).
pub fn is_http_error_matcher(m: &Matcher) -> bool {
    let label = m.name.to_ascii_lowercase().replace('.', "_");
    HTTP_STATUS_LABELS.contains(&label.as_str())
        && narrows_to(
            m,
            &["500", "502", "503", "504", "5xx", "5XX"],
            &["200", "201", "204", "2xx", "2XX"],
        )
}

/// Whether a matcher narrows a gRPC status label to non-OK codes (`grpc_code!="OK"`,
/// `grpc_code=~"Unavailable|Internal"`, `rpc_grpc_status_code!="0"`).
pub fn is_grpc_error_matcher(m: &Matcher) -> bool {
    let label = m.name.to_ascii_lowercase().replace('.', "_");
    GRPC_CODE_LABELS.contains(&label.as_str())
        && (narrows_to(
            m,
            &[
                "Unavailable",
                "Internal",
                "Unknown",
                "DeadlineExceeded",
                "ResourceExhausted",
                "DataLoss",
                "Unimplemented",
            ],
            &["OK"],
        ) || narrows_to(m, &["14", "13", "2", "4"], &["0"]))
}

/// Whether a matcher narrows an outcome label to failures (`outcome="SERVER_ERROR"`,
/// `result="failure"`, `success="false"`).
fn is_outcome_error_matcher(m: &Matcher) -> bool {
    let label = m.name.to_ascii_lowercase();
    OUTCOME_LABELS.contains(&label.as_str())
        && narrows_to(
            m,
            &[
                "error",
                "errors",
                "failure",
                "failed",
                "fail",
                "SERVER_ERROR",
                "server_error",
                "false",
            ],
            &["success", "ok", "SUCCESS", "true", "succeeded"],
        )
}

const ERROR_WORDS: &[&str] = &[
    "error",
    "errors",
    "err",
    "failure",
    "failures",
    "failed",
    "fails",
    "exceptions",
    "5xx",
];

/// Whether a metric or recording rule name counts failures: `*_errors_total`,
/// `*_failures_total`, `*_failed_total`, `job:http_errors:ratio_rate5m`,
/// `slo:sli_error:ratio_rate5m`, Pyrra's `*:burnrate5m`.
pub fn is_error_name(name: &str) -> bool {
    let words = name_words(name);
    has_word(&words, ERROR_WORDS) || words.iter().any(|w| w.starts_with("burnrate"))
}

/// Error rate: a selector narrowed to failed requests (5xx or non-2xx HTTP status, non-OK
/// gRPC code, a failed outcome), or a metric that counts errors or failures (`*_errors_total`
/// over a total, or its rate). Backup and queue metrics are not request errors.
pub fn is_error_rate(expr: &Expr) -> bool {
    vector_selectors(expr).into_iter().any(selects_errors)
}

/// Whether one selector picks failed requests: narrowed to a 5xx or non-2xx status, a non-OK
/// gRPC code or a failed outcome, or a metric that counts errors. Backup and queue metrics are
/// not request errors.
pub fn selects_errors(vs: &VectorSelector) -> bool {
    if is_backup_selector(vs) || is_queue_selector(vs) || is_dlq_selector(vs) {
        return false;
    }
    all_matchers(vs).any(|m| {
        is_http_error_matcher(m) || is_grpc_error_matcher(m) || is_outcome_error_matcher(m)
    }) || metric_name(vs).is_some_and(is_error_name)
}

// ---------------------------------------------------------------------------------------------
// Latency.

const LATENCY_WORDS: &[&str] = &[
    "duration",
    "durations",
    "latency",
    "latencies",
    "p99",
    "p95",
    "p90",
    "p50",
    "quantile",
];

/// Whether a metric or recording rule name measures time taken: `*_duration_seconds`,
/// `*_latency_*`, `*_response_time_*`, `job:request_latency:p99`.
pub fn is_latency_name(name: &str) -> bool {
    let s = snake(name);
    has_word(&name_words(name), LATENCY_WORDS)
        || s.contains("response_time")
        || s.contains("request_time")
}

/// Whether a duration metric or recording rule name counts observations rather than
/// measuring time: `http_request_duration_seconds_count`, or a recording rule over it such as
/// `job:http_request_duration_seconds_count:rate5m`. The `_count` series of a histogram or
/// summary is a request counter; a ratio of those counts filtered by status is an error rate.
pub fn is_observation_count(name: &str) -> bool {
    name.split(':')
        .any(|part| part == "count" || part.ends_with("_count"))
}

/// Latency: classified by what the expression measures, never by a name alone.
/// `histogram_quantile` (or `histogram_avg`, `histogram_fraction`) over a request
/// histogram, or a duration or latency metric that carries time (summary quantiles,
/// `_bucket`, `_sum` as in an average `_sum / _count`), or a recording rule named for it.
/// The `_count` series of a duration histogram counts requests ([`is_observation_count`]):
/// a ratio of those counts filtered by an error status is an error rate, not latency.
/// Backup durations and message ages are not request latency.
pub fn is_latency(expr: &Expr) -> bool {
    let sels: Vec<&VectorSelector> = vector_selectors(expr)
        .into_iter()
        .filter(|vs| !is_backup_selector(vs) && !is_queue_selector(vs) && !is_dlq_selector(vs))
        .collect();
    if sels.is_empty() {
        return false;
    }
    let f = calls(expr);
    let histogram = ["histogram_quantile", "histogram_avg", "histogram_fraction"]
        .iter()
        .any(|h| f.contains(h));
    histogram
        || sels.iter().any(|vs| {
            metric_name(vs).is_some_and(|n| is_latency_name(n) && !is_observation_count(n))
        })
}

// ---------------------------------------------------------------------------------------------
// Traffic.

const TRAFFIC_WORDS: &[&str] = &[
    "request",
    "requests",
    "handled",
    "started",
    "rps",
    "qps",
    "throughput",
    "traffic",
    "calls",
];

/// Traffic: the rate of requests (`rate(http_requests_total[5m])`,
/// `grpc_server_handled_total`, a recording rule like `job:http_requests:rate5m`), when the
/// expression is about neither errors nor latency.
pub fn is_traffic(expr: &Expr) -> bool {
    if is_error_rate(expr) || is_latency(expr) {
        return false;
    }
    let f = calls(expr);
    let rated = ["rate", "irate", "increase", "delta", "deriv"]
        .iter()
        .any(|r| f.contains(r));
    vector_selectors(expr).into_iter().any(|vs| {
        metric_name(vs)
            .is_some_and(|n| has_word(&name_words(n), TRAFFIC_WORDS) && (rated || n.contains(':')))
            && !is_queue_selector(vs)
    })
}

// ---------------------------------------------------------------------------------------------
// Saturation.

const SATURATION_WORDS: &[&str] = &[
    "cpu",
    "memory",
    "mem",
    "heap",
    "throttled",
    "throttling",
    "pool",
    "threads",
    "thread",
    "disk",
    "filesystem",
    "volume",
    "inodes",
    "saturation",
    "utilization",
    "utilisation",
    "oom",
    "hikaricp",
];

/// Whether a metric or recording rule name measures how full a resource is: CPU and its
/// throttling, memory and heap, connection and thread pools, disks and volumes.
pub fn is_saturation_name(name: &str) -> bool {
    let words = name_words(name);
    has_word(&words, SATURATION_WORDS)
        || (has_word(&words, &["connections"])
            && has_word(
                &words,
                &["active", "pending", "max", "usage", "used", "idle", "busy"],
            ))
}

/// Saturation: CPU, memory, connection pool, thread pool or disk utilisation, or throttling
/// (`container_cpu_cfs_throttled_periods_total`), or containers killed for memory
/// (`reason="OOMKilled"`).
pub fn is_saturation(expr: &Expr) -> bool {
    vector_selectors(expr).into_iter().any(|vs| {
        !is_queue_selector(vs)
            && !is_backup_selector(vs)
            && (metric_name(vs).is_some_and(is_saturation_name)
                || all_matchers(vs)
                    .any(|m| m.name == "reason" && admits(m, "OOMKilled") && !admits(m, "Error")))
    })
}

// ---------------------------------------------------------------------------------------------
// Availability.

/// Availability: scrape targets down (`up == 0`, `pg_up`), blackbox probes
/// (`probe_success`), series that disappeared (`absent(...)`, `absent_over_time(...)`), or
/// no available replicas (`kube_deployment_status_replicas_available`).
pub fn is_availability(expr: &Expr) -> bool {
    let f = calls(expr);
    if f.contains("absent") || f.contains("absent_over_time") {
        return true;
    }
    vector_selectors(expr).into_iter().any(|vs| {
        metric_name(vs).is_some_and(|n| {
            let s = snake(n);
            s == "up"
                || s.ends_with("_up")
                || s == "probe_success"
                || s.ends_with("_replicas_available")
                || s.ends_with("_replicas_unavailable")
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Queues and dead-letter queues.

/// Whether a metric name measures the messages waiting in a queue or how far consumers lag:
/// SQS `ApproximateNumberOfMessagesVisible` (as `aws_sqs_approximate_number_of_messages_visible`
/// or CamelCase), the age of the oldest message, RabbitMQ `rabbitmq_queue_messages*`, Kafka
/// consumer lag, Pub/Sub undelivered messages, NATS pending messages, and `*_queue_depth`,
/// `*_queue_size`, `*_queue_length`, `*_backlog`.
pub fn is_queue_name(name: &str) -> bool {
    let s = snake(name);
    let words = name_words(name);
    let contains = |parts: &[&str]| parts.iter().any(|p| s.contains(p));
    contains(&[
        "approximate_number_of_messages",
        "approximate_age_of_oldest_message",
        "oldest_message_age",
        "age_of_oldest_message",
        "oldest_unacked_message_age",
        "num_undelivered_messages",
        "queue_depth",
        "queue_size",
        "queue_length",
        "queue_messages",
        "queue_lag",
        "backlog",
    ]) || (s.starts_with("rabbitmq_") && contains(&["messages_ready", "messages_unacked"]))
        || (has_word(&words, &["lag"])
            && has_word(&words, &["consumer", "consumergroup", "kafka", "consumers"]))
        || (s.starts_with("nats_") && contains(&["num_pending", "pending_messages"]))
        || (has_word(&words, &["queue", "queues"])
            && has_word(
                &words,
                &[
                    "depth", "size", "length", "messages", "lag", "age", "backlog",
                ],
            ))
}

/// Whether a label names a queue (`queue`, `queue_name`, `QueueName`, YACE's
/// `dimension_QueueName`) or a topic or subscription.
fn is_queue_label(label: &str) -> bool {
    let l = label.to_ascii_lowercase();
    l.contains("queue") || l == "topic" || l.starts_with("subscription")
}

/// Whether a name says dead-letter queue: `dlq`, `dead-letter`, `deadletter`, `dead_letter`.
pub fn is_dlq_name(name: &str) -> bool {
    let s = name.to_ascii_lowercase().replace('_', "-");
    s.contains("dlq") || s.contains("dead-letter") || s.contains("deadletter")
}

fn is_queue_selector(vs: &VectorSelector) -> bool {
    selector_names(vs).into_iter().any(is_queue_name)
}

/// A selector of dead letters: a queue metric narrowed to a queue or topic whose name (or
/// pattern) says dead-letter, or a metric named for them (`*_dead_letter_*`, `*_dlq_*`).
fn is_dlq_selector(vs: &VectorSelector) -> bool {
    let named = selector_names(vs).into_iter().any(is_dlq_name);
    let filtered = is_queue_selector(vs)
        && all_matchers(vs).any(|m| {
            is_queue_label(&m.name)
                && matches!(m.op, MatchOp::Equal | MatchOp::Re(_))
                && is_dlq_name(&m.value)
        });
    named || filtered
}

/// Queue depth: a queue metric (see [`is_queue_name`]) that is not narrowed to a dead-letter
/// queue.
pub fn is_queue_depth(expr: &Expr) -> bool {
    vector_selectors(expr)
        .into_iter()
        .any(|vs| is_queue_selector(vs) && !is_dlq_selector(vs))
}

/// Dead-letter queue depth: a queue metric narrowed to a dead-letter queue
/// (`queue_name="orders-dlq"`, `queue=~".*-dead-letter"`), or a metric named for dead
/// letters (`orders_dlq_messages`, `dead_letter_queue_size`).
pub fn is_dead_letter_depth(expr: &Expr) -> bool {
    vector_selectors(expr).into_iter().any(is_dlq_selector)
}

/// A queue an expression narrows to: the label and the value of an equality or regex
/// matcher on a queue, topic or subscription label.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct QueueRef {
    /// The label (`queue_name`).
    pub label: String,
    /// The value or pattern as written (`orders-dlq`, `.*-dlq`).
    pub value: String,
    /// Whether `value` is a regex (`=~`).
    pub regex: bool,
    /// The metric the matcher narrows, when named.
    pub metric: Option<String>,
}

impl QueueRef {
    /// Whether the matcher admits the queue `name`: equal ignoring case, or a regex that
    /// matches it whole.
    pub fn matches(&self, name: &str) -> bool {
        if self.regex {
            regex_full_match(&self.value, name)
        } else {
            self.value.eq_ignore_ascii_case(name.trim())
        }
    }
}

fn regex_full_match(pattern: &str, value: &str) -> bool {
    regex::Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|re| re.is_match(value))
}

/// The queues an expression narrows its queue metrics to (label matchers like
/// `queue_name="x"`, `queue="x"`, `queue_name=~"x-dlq"`, `topic="x"`), in reading order;
/// negative matchers are left out. Metrics named for dead letters count as queue metrics
/// here.
pub fn queue_refs(expr: &Expr) -> Vec<QueueRef> {
    let mut out: Vec<QueueRef> = Vec::new();
    for vs in vector_selectors(expr) {
        if !is_queue_selector(vs) && !is_dlq_selector(vs) {
            continue;
        }
        for m in all_matchers(vs) {
            if !is_queue_label(&m.name) {
                continue;
            }
            let regex = match m.op {
                MatchOp::Equal => false,
                MatchOp::Re(_) => true,
                MatchOp::NotEqual | MatchOp::NotRe(_) => continue,
            };
            let q = QueueRef {
                label: m.name.clone(),
                value: m.value.clone(),
                regex,
                metric: metric_name(vs).map(str::to_string),
            };
            if !out.contains(&q) {
                out.push(q);
            }
        }
    }
    out
}

/// The queue names an expression names literally: the values of equality matchers, and the
/// alternatives of regex matchers made only of plain names (`orders-dlq|payments-dlq`).
pub fn queue_names(expr: &Expr) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for q in queue_refs(expr) {
        if !q.regex {
            out.insert(q.value);
        } else if q
            .value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '|'))
        {
            out.extend(
                q.value
                    .split('|')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Backups.

const BACKUP_WORDS: &[&str] = &[
    "backup",
    "backups",
    "velero",
    "pgbackrest",
    "barman",
    "walg",
    "snapshot",
    "snapshots",
];
const JOB_OUTCOME_WORDS: &[&str] = &[
    "failed",
    "failure",
    "failures",
    "success",
    "successful",
    "succeeded",
    "last",
    "status",
    "timestamp",
    "age",
    "completion",
];

/// Whether a metric or recording rule name is about backups (`velero_backup_failure_total`,
/// `aws_backup_number_of_backup_jobs_failed_sum`, `pgbackrest_last_success_timestamp_seconds`
/// is not, `backup_last_success_timestamp_seconds` is).
pub fn is_backup_name(name: &str) -> bool {
    let s = snake(name);
    has_word(&name_words(name), BACKUP_WORDS) || s.contains("wal_g")
}

/// A backup selector: a backup metric, or a job metric (failed, last success, status)
/// narrowed to a backup job (`kube_job_status_failed{job_name=~"db-backup.*"}`).
fn is_backup_selector(vs: &VectorSelector) -> bool {
    if selector_names(vs).into_iter().any(is_backup_name) {
        return true;
    }
    let job_metric = metric_name(vs).is_some_and(|n| has_word(&name_words(n), JOB_OUTCOME_WORDS));
    job_metric
        && all_matchers(vs).any(|m| {
            matches!(m.op, MatchOp::Equal | MatchOp::Re(_))
                && m.name != "__name__"
                && has_word(&name_words(&m.value), BACKUP_WORDS)
        })
}

/// Backup health: the age of the last successful backup (`time() -
/// backup_last_success_timestamp_seconds > 90000`), failed backup jobs
/// (`velero_backup_failure_total`, `aws_backup_*failed*`), or any backup metric, or a job
/// metric narrowed to a backup job (`kube_cronjob_status_last_successful_time{cronjob=
/// "postgres-backup"}`).
pub fn is_backup_health(expr: &Expr) -> bool {
    vector_selectors(expr).into_iter().any(is_backup_selector)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn parse(q: &str) -> Expr {
        promql_parser::parser::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"))
    }

    fn of(q: &str) -> Vec<Signal> {
        signals(&parse(q)).into_iter().collect()
    }

    use Signal::*;

    #[test]
    fn words_of_names() {
        assert_eq!(
            name_words("ApproximateNumberOfMessagesVisible"),
            ["approximate", "number", "of", "messages", "visible"]
        );
        assert_eq!(
            name_words("job:http_errors:ratio_rate5m"),
            ["job", "http", "errors", "ratio", "rate5m"]
        );
        assert_eq!(snake("dimension_QueueName"), "dimension_queue_name");
    }

    #[test]
    fn error_rate_from_http_status() {
        let ratio = r#"sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m])) > 0.05"#;
        assert_eq!(of(ratio), [ErrorRate]);
        assert!(is_error_rate(&parse(
            r#"sum by (service) (rate(nginx_ingress_controller_requests{status=~"5.*"}[5m])) > 1"#
        )));
        assert!(is_error_rate(&parse(
            r#"rate(http_server_requests_seconds_count{status="503"}[5m]) > 0"#
        )));
        // Everything but success counts too.
        assert!(is_error_rate(&parse(
            r#"sum(rate(http_requests_total{code!~"2.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.1"#
        )));
        assert!(is_error_rate(&parse(
            r#"rate(http_server_requests_seconds_count{outcome="SERVER_ERROR"}[5m]) > 0"#
        )));
        // Client errors alone, or successes, are not the error rate.
        assert!(!is_error_rate(&parse(
            r#"sum(rate(http_requests_total{code=~"4.."}[5m])) > 10"#
        )));
        assert!(!is_error_rate(&parse(
            r#"sum(rate(http_requests_total{code="200"}[5m])) < 1"#
        )));
    }

    #[test]
    fn error_rate_from_grpc_codes() {
        assert!(is_error_rate(&parse(
            r#"sum(rate(grpc_server_handled_total{grpc_code!="OK"}[5m])) / sum(rate(grpc_server_handled_total[5m])) > 0.01"#
        )));
        assert!(is_error_rate(&parse(
            r#"sum(rate(grpc_server_handled_total{grpc_code=~"Unavailable|Internal|Unknown|DeadlineExceeded"}[5m])) > 0"#
        )));
        assert!(is_error_rate(&parse(
            r#"rate(rpc_server_duration_milliseconds_count{rpc_grpc_status_code!="0"}[5m]) > 1"#
        )));
        assert!(!is_error_rate(&parse(
            r#"sum(rate(grpc_server_handled_total{grpc_code="OK"}[5m])) < 1"#
        )));
        assert!(!is_error_rate(&parse(
            r#"sum(rate(grpc_server_handled_total{grpc_code=~"OK|NotFound"}[5m])) < 1"#
        )));
    }

    #[test]
    fn error_rate_from_error_counters_and_recordings() {
        assert_eq!(
            of(
                "sum(rate(payment_errors_total[5m])) / sum(rate(payment_requests_total[5m])) > 0.02"
            ),
            [ErrorRate]
        );
        assert!(is_error_rate(&parse("increase(jobs_failed_total[1h]) > 3")));
        assert!(is_error_rate(&parse(
            "rate(checkout_failures_total[10m]) > 0.5"
        )));
        assert_eq!(of("job:http_errors:ratio_rate5m > 0.05"), [ErrorRate]);
        assert!(is_error_rate(&parse(
            "slo:sli_error:ratio_rate1h{sloth_service=\"api\"} > (14.4 * 0.001)"
        )));
        assert!(is_error_rate(&parse(
            "http_requests:burnrate5m{slo=\"api-availability\"} > (14 * (1 - 0.999))"
        )));
        // A backup failure counter is backup health, not a request error rate.
        assert_eq!(
            of("increase(velero_backup_failure_total[24h]) > 0"),
            [BackupHealth]
        );
    }

    #[test]
    fn latency() {
        let p99 = "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job=\"api\"}[5m]))) > 0.5";
        assert_eq!(of(p99), [Latency]);
        assert_eq!(
            of("http_request_duration_seconds{quantile=\"0.99\"} > 1"),
            [Latency]
        );
        assert_eq!(
            of(
                "rate(db_query_latency_seconds_sum[5m]) / rate(db_query_latency_seconds_count[5m]) > 0.2"
            ),
            [Latency]
        );
        assert_eq!(of("job:request_latency_seconds:p99 > 0.3"), [Latency]);
        // The share of requests slower than a bucket: latency.
        assert_eq!(
            of(
                "sum(rate(api_duration_seconds_bucket{le=\"0.3\"}[1h])) / sum(rate(api_duration_seconds_count[1h])) < 0.99"
            ),
            [Latency]
        );
        // A ratio of a duration histogram's `_count` filtered by 5xx is an error rate (the
        // kube-prometheus GrafanaRequestsFailing shape), not latency, also through a
        // recording rule over the counts.
        let failing = "100 * sum without (status_code) (namespace_job_handler_statuscode:grafana_http_request_duration_seconds_count:rate5m{status_code=~\"5..\"}) / sum without (status_code) (namespace_job_handler_statuscode:grafana_http_request_duration_seconds_count:rate5m) > 50";
        assert_eq!(of(failing), [ErrorRate]);
        assert_eq!(
            of(
                "sum(rate(http_server_duration_seconds_count{code=~\"5..\"}[5m])) / sum(rate(http_server_duration_seconds_count[5m])) > 0.05"
            ),
            [ErrorRate]
        );
        // Requests counted from a duration histogram are traffic.
        assert_eq!(
            of("sum(rate(http_request_duration_seconds_count[5m])) < 1"),
            [Traffic]
        );
        assert!(is_observation_count(
            "job:http_request_duration_seconds_count:rate5m"
        ));
        assert!(!is_observation_count(
            "http_request_duration_seconds_bucket"
        ));
        assert!(!is_latency(&parse(
            "sum(rate(http_requests_total[5m])) < 1"
        )));
        // The age of the oldest message is queue depth, not request latency.
        assert_eq!(
            of("aws_sqs_approximate_age_of_oldest_message_maximum{queue_name=\"orders\"} > 600"),
            [QueueDepth]
        );
    }

    #[test]
    fn traffic() {
        assert_eq!(
            of("sum(rate(http_requests_total{job=\"api\"}[5m])) < 1"),
            [Traffic]
        );
        assert_eq!(
            of("sum(rate(grpc_server_started_total[5m])) == 0"),
            [Traffic]
        );
        assert_eq!(of("job:http_requests:rate5m > 2000"), [Traffic]);
        // A raw counter without a rate is not a request rate.
        assert!(!is_traffic(&parse("http_requests_total > 0")));
        // The denominator of an error ratio is not a traffic alert.
        assert!(!is_traffic(&parse(
            "sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m])) > 0.05"
        )));
    }

    #[test]
    fn saturation() {
        for q in [
            "sum(rate(container_cpu_usage_seconds_total{container=\"api\"}[5m])) / sum(kube_pod_container_resource_limits{resource=\"cpu\"}) > 0.9",
            "container_memory_working_set_bytes{container=\"api\"} / container_spec_memory_limit_bytes > 0.9",
            "rate(container_cpu_cfs_throttled_periods_total[5m]) / rate(container_cpu_cfs_periods_total[5m]) > 0.25",
            "hikaricp_connections_pending{pool=\"orders\"} > 5",
            "pg_stat_activity_count / pg_settings_max_connections > 0.8",
            "executor_pool_size_threads - executor_active_threads < 2",
            "node_filesystem_avail_bytes{mountpoint=\"/\"} / node_filesystem_size_bytes < 0.1",
            "kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.15",
            "increase(kube_pod_container_status_last_terminated_reason{reason=\"OOMKilled\"}[10m]) > 0",
        ] {
            assert_eq!(of(q), [Saturation], "{q}");
        }
        assert!(!is_saturation(&parse("up == 0")));
    }

    #[test]
    fn availability() {
        assert_eq!(of("up{job=\"api\"} == 0"), [Availability]);
        assert_eq!(of("absent(up{job=\"api\"})"), [Availability]);
        assert_eq!(
            of("absent_over_time(http_requests_total{job=\"api\"}[10m])"),
            [Availability]
        );
        assert_eq!(
            of("probe_success{instance=\"https://api.example.com/healthz\"} == 0"),
            [Availability]
        );
        assert_eq!(of("pg_up == 0"), [Availability]);
        assert_eq!(
            of("kube_deployment_status_replicas_available{deployment=\"api\"} == 0"),
            [Availability]
        );
        assert!(!is_availability(&parse("uptime_seconds < 60")));
    }

    #[test]
    fn queue_depth() {
        for q in [
            "aws_sqs_approximate_number_of_messages_visible{queue_name=\"orders\"} > 1000",
            "max(aws_sqs_approximate_number_of_messages_visible_average{dimension_QueueName=\"orders\"}) > 500",
            "ApproximateNumberOfMessagesVisible{QueueName=\"orders\"} > 1000",
            "aws_sqs_approximate_age_of_oldest_message_maximum{queue_name=\"orders\"} > 900",
            "sum(rabbitmq_queue_messages_ready{queue=\"invoices\"}) > 5000",
            "sum by (consumergroup) (kafka_consumergroup_lag{topic=\"orders\"}) > 10000",
            "worker_queue_depth > 200",
            "job_backlog_size > 50",
        ] {
            assert_eq!(of(q), [QueueDepth], "{q}");
        }
    }

    #[test]
    fn dead_letter_depth() {
        for q in [
            "aws_sqs_approximate_number_of_messages_visible{queue_name=\"orders-dlq\"} > 0",
            "sum(rabbitmq_queue_messages{queue=~\".*\\\\.dead-letter\"}) > 0",
            "kafka_consumergroup_lag{topic=\"orders.DLQ\"} > 0",
            "orders_dlq_messages > 0",
            "dead_letter_queue_size > 0",
        ] {
            assert_eq!(of(q), [DeadLetterDepth], "{q}");
        }
        // Both queues in one expression: both signals.
        assert_eq!(
            of(
                "aws_sqs_approximate_number_of_messages_visible{queue_name=\"orders\"} > 1000 or aws_sqs_approximate_number_of_messages_visible{queue_name=\"orders-dlq\"} > 0"
            ),
            [QueueDepth, DeadLetterDepth]
        );
    }

    #[test]
    fn queue_names_and_refs() {
        let e = parse(
            "aws_sqs_approximate_number_of_messages_visible{queue_name=\"orders-dlq\"} > 0 or rabbitmq_queue_messages{queue=~\"payments-dlq|refunds-dlq\"} > 0 or rabbitmq_queue_messages{queue!=\"x\"} > 1",
        );
        assert_eq!(
            queue_names(&e).into_iter().collect::<Vec<_>>(),
            ["orders-dlq", "payments-dlq", "refunds-dlq"]
        );
        let refs = queue_refs(&e);
        assert_eq!(refs.len(), 2);
        assert!(refs[0].matches("ORDERS-DLQ"));
        assert!(refs[1].matches("refunds-dlq"));
        assert!(!refs[1].matches("orders-dlq"));
        let pattern = queue_refs(&parse(
            "aws_sqs_approximate_number_of_messages_visible{queue_name=~\".*-dlq\"} > 0",
        ));
        assert!(pattern[0].matches("prod-orders-dlq"));
        assert!(
            queue_names(&parse(
                "aws_sqs_approximate_number_of_messages_visible{queue_name=~\".*-dlq\"} > 0"
            ))
            .is_empty()
        );
        // Labels on metrics that are not queues are no queue references.
        assert!(queue_refs(&parse("up{queue=\"orders\"} == 0")).is_empty());
    }

    #[test]
    fn backup_health() {
        for q in [
            "time() - backup_last_success_timestamp_seconds{job=\"orders-db\"} > 90000",
            "increase(velero_backup_failure_total{schedule=\"daily\"}[24h]) > 0",
            "sum(aws_backup_number_of_backup_jobs_failed_sum) > 0",
            "kube_job_status_failed{job_name=~\"postgres-backup-.*\"} > 0",
            "time() - kube_cronjob_status_last_successful_time{cronjob=\"orders-db-backup\"} > 93600",
        ] {
            assert_eq!(of(q), [BackupHealth], "{q}");
        }
        // A generic batch job is not a backup.
        assert!(!is_backup_health(&parse(
            "kube_job_status_failed{job_name=~\"report-.*\"} > 0"
        )));
        // Nor is the exporter of a backup tool being up.
        assert_eq!(of("up{job=\"backup-exporter\"} == 0"), [Availability]);
    }

    #[test]
    fn recording_rules_are_read_by_name_and_resolved() {
        let text = "\
groups:
  - name: api
    rules:
      - record: job:slo_ratio:rate5m
        expr: sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))
      - record: job:slo_ratio_smoothed:rate5m
        expr: avg_over_time(job:slo_ratio:rate5m[10m])
      - record: queue:visible:max
        expr: max by (queue_name) (aws_sqs_approximate_number_of_messages_visible{queue_name=\"orders-dlq\"})
      - alert: BudgetBurn
        expr: job:slo_ratio_smoothed:rate5m > 0.0144
      - alert: DeadLetters
        expr: queue:visible:max > 0
";
        let src = crate::Source::new("monitoring/rules.yml", text);
        let docs = crate::yaml::load_all(&src).unwrap();
        let mut errors = Vec::new();
        let files = super::super::parse(&src, crate::FileKind::PrometheusRules, &docs, &mut errors);
        let p = super::super::assemble(files, &crate::k8s::Kubernetes::default(), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let recording: Vec<&Rule> = p.recording_rules().collect();
        let alerts: Vec<&Rule> = p.alerts().collect();
        // The names say nothing; the recording rules' expressions do, two references deep.
        assert!(alerts[0].signals().is_empty());
        assert_eq!(
            alerts[0]
                .signals_resolved(&recording)
                .into_iter()
                .collect::<Vec<_>>(),
            [ErrorRate]
        );
        assert_eq!(
            alerts[1]
                .signals_resolved(&recording)
                .into_iter()
                .collect::<Vec<_>>(),
            [DeadLetterDepth]
        );
        let refs = alerts[1].queue_refs(&recording);
        assert_eq!(refs.len(), 1);
        assert_eq!(
            (refs[0].label.as_str(), refs[0].value.as_str()),
            ("queue_name", "orders-dlq")
        );
    }

    #[test]
    fn nothing_recognised() {
        assert!(of("vector(1)").is_empty());
        assert!(of("some_gauge > 3").is_empty());
    }
}
