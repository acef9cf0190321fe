//! Claims: facts about a service that its repository cannot show (an on-call rotation, the date
//! of the last restore drill...). Each names the checks that read it.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::{ConfigError, Located};

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date(pub jiff::civil::Date);

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.trim()
            .parse::<jiff::civil::Date>()
            .map(Date)
            .map_err(|_| format!("`{s}` is not a date; write it as YYYY-MM-DD, e.g. 2026-10-01"))
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date", "description": "YYYY-MM-DD"})
    }
}

/// Declared facts. Every key is optional; an absent claim is "not declared", an explicit `false`
/// is a declared gap. The check that reads each claim is named in its description.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Claims {
    /// Logs are structured (JSON) events. Read by OBS-001.
    #[serde(default)]
    pub structured_logging: Option<bool>,
    /// Request / trace IDs are propagated and logged. Read by OBS-002.
    #[serde(default)]
    pub request_correlation: Option<bool>,
    /// Distributed tracing set-up. Read by OBS-003.
    #[serde(default)]
    pub tracing: Option<TracingClaim>,
    /// Dashboard URLs for the service. Read by OBS-013.
    #[serde(default)]
    pub dashboards: Vec<String>,
    /// Public endpoints are rate limited. Read by SAF-005.
    #[serde(default)]
    pub rate_limiting: Option<bool>,
    /// Write operations are safe to retry. Read by SAF-007.
    #[serde(default)]
    pub idempotent_writes: Option<bool>,
    /// Features or dependencies can be switched off without a deploy. Read by SAF-009.
    #[serde(default)]
    pub kill_switch: Option<bool>,
    /// Rollback procedure and its last test. Read by RUN-004.
    #[serde(default)]
    pub rollback: Option<RollbackClaim>,
    /// Escalation path, in order. Read by RUN-005 and INC-003.
    #[serde(default)]
    pub escalation: Vec<EscalationStep>,
    /// On-call rotation. Read by INC-002 and INC-006.
    #[serde(default)]
    pub oncall: Option<OncallClaim>,
    /// Public status page URL. Read by INC-004.
    #[serde(default)]
    pub status_page: Option<String>,
    /// Backups of the service's datastores. Read by DAT-001..004 and DAT-010.
    #[serde(default)]
    pub backups: Option<BackupClaim>,
    /// Datastores are encrypted at rest. Read by DAT-005.
    #[serde(default)]
    pub encryption_at_rest: Option<bool>,
    /// Data mutations go to an append-only audit log. Read by DAT-007.
    #[serde(default)]
    pub audit_log: Option<bool>,
    /// Secret manager and rotation. Read by SEC-003.
    #[serde(default)]
    pub secrets: Option<SecretsClaim>,
    /// TLS and mTLS. Read by SEC-010.
    #[serde(default)]
    pub encryption_in_transit: Option<TransitClaim>,
    /// Authentication and authorization of endpoints. Read by SEC-012.
    #[serde(default)]
    pub authentication: Option<AuthClaim>,
    /// The latest load test. Read by CAP-007.
    #[serde(default)]
    pub load_test: Option<LoadTestClaim>,
    /// The latest failure-injection (chaos) experiment. Read by CAP-009.
    #[serde(default)]
    pub failure_injection: Option<FailureInjectionClaim>,
    /// Datastore connections are pooled with a bounded size. Read by CAP-008.
    #[serde(default)]
    pub connection_pooling: Option<bool>,
    /// Running cost estimate. Read by OPS-006.
    #[serde(default)]
    pub cost_estimate: Option<CostClaim>,
    /// The fewest replicas (instances) the service runs in production. Read by CAP-003, which
    /// compares it with the replicas the repository deploys.
    #[serde(default)]
    pub replicas: Option<u32>,
    /// Replicas are spread across availability zones. Read by CAP-005.
    #[serde(default)]
    pub multi_zone: Option<bool>,
    /// A CI pipeline runs the tests on every pull request. Read by OPS-001.
    #[serde(default)]
    pub ci_tests: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FailureInjectionClaim {
    /// When a failure-injection experiment (a killed worker, a dropped dependency) last ran and
    /// the service recovered.
    #[serde(default)]
    pub last_tested: Option<Date>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TracingClaim {
    /// Tracing SDK in use, e.g. `opentelemetry`.
    #[serde(default)]
    pub sdk: Option<String>,
    /// Where spans go, e.g. `otlp://otel-collector:4317`.
    #[serde(default)]
    pub exporter: Option<String>,
    /// Share of successful requests sampled, 0 < ratio <= 1.
    #[serde(default)]
    pub sampling_ratio: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RollbackClaim {
    /// Where the procedure is written (repository path or URL).
    #[serde(default)]
    pub procedure: Option<String>,
    /// When a rollback was last rehearsed.
    #[serde(default)]
    pub last_tested: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EscalationStep {
    /// Who: a person, a role or a rotation (`payments-oncall`, `eng-lead`).
    pub name: String,
    /// How to reach them (pager, phone, channel).
    #[serde(default)]
    pub contact: Option<String>,
    /// Minutes without acknowledgement before this step is paged.
    #[serde(default)]
    pub after_minutes: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OncallClaim {
    /// The rotation or schedule (name or URL).
    #[serde(default)]
    pub rotation: Option<String>,
    /// The primary on Day 1.
    #[serde(default)]
    pub primary: Option<String>,
    /// Whether the rotation's members are trained on this service.
    #[serde(default)]
    pub trained: Option<bool>,
    /// When they were trained.
    #[serde(default)]
    pub trained_on: Option<Date>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BackupClaim {
    /// Backups run automatically on a schedule.
    #[serde(default)]
    pub automated: Option<bool>,
    /// How many days backups are kept.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// The store can be restored to any point in time within the retention.
    #[serde(default)]
    pub point_in_time_recovery: Option<bool>,
    /// Backups are encrypted at rest.
    #[serde(default)]
    pub encrypted: Option<bool>,
    /// A failed or stale backup raises an alert.
    #[serde(default)]
    pub monitored: Option<bool>,
    /// Date of the last successful restore drill.
    #[serde(default)]
    pub last_restore_test: Option<Date>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SecretsClaim {
    /// The secret manager, e.g. `aws-secrets-manager`, `vault`.
    #[serde(default)]
    pub manager: Option<String>,
    /// Days between rotations.
    #[serde(default)]
    pub rotation_days: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TransitClaim {
    /// Traffic to and from the service uses TLS.
    #[serde(default)]
    pub tls: Option<bool>,
    /// Mutual TLS between services (required for tier 0).
    #[serde(default)]
    pub mtls: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AuthClaim {
    /// Every endpoint requires authentication.
    #[serde(default)]
    pub required: Option<bool>,
    /// Authorization is checked per resource.
    #[serde(default)]
    pub authorization: Option<bool>,
    /// Authentication failures are logged.
    #[serde(default)]
    pub failures_logged: Option<bool>,
    /// Paths open to anyone on purpose (a shop's catalogue and cart, a sign-up form, a public
    /// webhook that checks its own signature). SEC-012 reads a route of the code whose path
    /// matches one as public by design, not as a route missing its authentication, and
    /// `required: true` then means every other endpoint requires it. A pattern is a path as
    /// the route writes it (`/cart`, `/product/{id}`); `*` matches any run of characters, `/`
    /// included (`/product/*`, `/static/*`); a trailing `/` and a leading base-path variable
    /// of the route (`baseUrl + "/cart"`) are ignored. Health, metrics and sign-in paths are
    /// public without being listed.
    #[serde(default)]
    pub public_paths: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LoadTestClaim {
    /// k6, Locust, Gatling, JMeter, vegeta...
    #[serde(default)]
    pub tool: Option<String>,
    /// Today's peak traffic in requests per second.
    #[serde(default)]
    pub peak_rps: Option<f64>,
    /// The rate the test had to sustain; defaults to the policy factor (10x) times the peak.
    #[serde(default)]
    pub target_rps: Option<f64>,
    /// The rate the test sustained within its thresholds.
    #[serde(default)]
    pub achieved_rps: Option<f64>,
    /// The day the load test ran (`YYYY-MM-DD`).
    #[serde(default)]
    pub date: Option<Date>,
    /// Whether the test's latency and error thresholds held.
    #[serde(default)]
    pub passed: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CostClaim {
    /// The estimated monthly cost in US dollars.
    #[serde(default)]
    pub monthly_usd: Option<f64>,
    /// Where the estimate is written (repository path or URL).
    #[serde(default)]
    pub document: Option<String>,
}

/// Range checks on claim values that types alone cannot express.
pub(crate) fn validate(c: &Claims, at: &Located) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    if let Some(r) = c.tracing.as_ref().and_then(|t| t.sampling_ratio)
        && !(r > 0.0 && r <= 1.0)
    {
        errors.push(
            at.error_at_value(
                "/claims/tracing/sampling_ratio",
                format!("sampling ratio {r} is outside (0, 1]"),
            )
            .help("write the share of requests sampled, e.g. 0.1 for 10%"),
        );
    }
    if let Some(b) = &c.backups
        && b.retention_days == Some(0)
    {
        errors.push(
                at.error_at_value("/claims/backups/retention_days", "retention of 0 days keeps no backup")
                    .help("write the number of days backups are kept, or `automated: false` if there are none"),
            );
    }
    if c.secrets.as_ref().and_then(|s| s.rotation_days) == Some(0) {
        errors.push(
            at.error_at_value(
                "/claims/secrets/rotation_days",
                "rotation every 0 days is not a schedule",
            )
            .help("write the number of days between rotations, e.g. 90"),
        );
    }
    if let Some(l) = &c.load_test {
        for (key, v) in [
            ("peak_rps", l.peak_rps),
            ("target_rps", l.target_rps),
            ("achieved_rps", l.achieved_rps),
        ] {
            if v.is_some_and(|v| v < 0.0) {
                errors.push(
                    at.error_at_value(
                        &format!("/claims/load_test/{key}"),
                        format!("`{key}` is negative"),
                    )
                    .help("requests per second are 0 or more"),
                );
            }
        }
    }
    if c.cost_estimate
        .as_ref()
        .and_then(|e| e.monthly_usd)
        .is_some_and(|v| v < 0.0)
    {
        errors.push(at.error_at_value(
            "/claims/cost_estimate/monthly_usd",
            "a cost estimate cannot be negative",
        ));
    }
    for (i, d) in c.dashboards.iter().enumerate() {
        if d.trim().is_empty() {
            errors
                .push(at.error_at_value(&format!("/claims/dashboards/{i}"), "empty dashboard URL"));
        }
    }
    for (i, s) in c.escalation.iter().enumerate() {
        if s.name.trim().is_empty() {
            errors.push(
                at.error_at_value(
                    &format!("/claims/escalation/{i}/name"),
                    "empty escalation step",
                )
                .help("name a person, role or rotation"),
            );
        }
    }
    if let Some(a) = &c.authentication {
        for (i, p) in a.public_paths.iter().enumerate() {
            let p = p.trim();
            if !(p.starts_with('/') || p.starts_with('*')) {
                errors.push(
                    at.error_at_value(
                        &format!("/claims/authentication/public_paths/{i}"),
                        format!("`{p}` is not a path"),
                    )
                    .help("write the path as the route writes it, starting with `/` (`/cart`, `/product/*`)"),
                );
            }
        }
    }
    if c.status_page.as_ref().is_some_and(|s| s.trim().is_empty()) {
        errors.push(
            at.error_at_value("/claims/status_page", "empty status page URL")
                .help("write the URL, or remove the key"),
        );
    }
    errors
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::{ServiceManifest, SourceFile};

    const HEAD: &str = "service: shop\ntier: 1\nexposure: public\ndata: persistent\n";

    #[test]
    fn public_paths_are_read_and_must_be_paths() {
        let text =
            format!("{HEAD}claims:\n  authentication:\n    public_paths: ['/', '/product/*']\n");
        let m = ServiceManifest::parse(SourceFile::new("launchgate.yaml", text)).unwrap();
        let a = m.claims.authentication.unwrap();
        assert_eq!(a.public_paths, ["/", "/product/*"]);
        assert_eq!(a.required, None);
        let text =
            format!("{HEAD}claims:\n  authentication:\n    public_paths: ['/cart', 'product']\n");
        let e = ServiceManifest::parse(SourceFile::new("launchgate.yaml", text)).unwrap_err();
        let got: Vec<&str> = e.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(got, ["launchgate.yaml:7:29: `product` is not a path"]);
    }
}
