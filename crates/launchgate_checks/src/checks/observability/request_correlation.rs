//! OBS-002 request-correlation: Request or trace IDs are propagated to downstream calls and written
//! in every log event.

use launchgate_core::Outcome;
use launchgate_evidence::deps::Capability;

use crate::kit::claims::{FlagClaim, RepoShows};
use crate::kit::libraries::{library_findings, library_list, shipped_libraries};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Request or trace IDs are propagated to downstream calls and written in every log event:
    /// a tracing SDK ships among the service's dependencies (OpenTelemetry, or another that
    /// propagates trace context: Datadog, Elastic APM, New Relic, Jaeger, Zipkin, AWS X-Ray,
    /// ...), or `claims.request_correlation: true` declares it. A library in use proves it
    /// without a claim; a claim with no library in the repository passes as attested.
    /// `claims.request_correlation: false` fails even when such a library is present, and the
    /// finding names it. Development and test dependencies do not count.
    ///
    /// The check cannot see whether the log events carry the ID; a tracing SDK propagates the
    /// context, and its log integrations (or a one-line formatter) put the trace ID in each event.
    ///
    /// ## Why it matters
    /// One failed checkout touches a gateway, three services and a queue. Without an ID that
    /// travels with the request, the log lines of that one request cannot be found among
    /// millions, and "which downstream call failed?" becomes guesswork.
    ///
    /// ## How to fix
    /// Accept an incoming ID (W3C `traceparent`, or `X-Request-ID`) or create one at the edge,
    /// pass it on every outgoing call and queue message, and add it to every log event. An
    /// OpenTelemetry SDK with context propagation does all three: add it as a runtime
    /// dependency (`@opentelemetry/sdk-node`, `opentelemetry-sdk`, `go.opentelemetry.io/otel`,
    /// `opentelemetry` crates). When propagation is done another way (a gateway, a hand-written
    /// middleware), declare it: `claims: {request_correlation: true}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   structured_logging: true   # but nothing says request IDs are logged
    /// ```
    /// ```yaml passes
    /// claims:
    ///   request_correlation: true
    /// ```
    /// ```toml passes path=pyproject.toml
    /// [project]
    /// name = "notification-router"
    /// dependencies = [
    ///   "fastapi>=0.115",
    ///   "opentelemetry-sdk>=1.29",
    ///   "opentelemetry-instrumentation-fastapi>=0.50b0",
    /// ]
    /// ```
    ///
    /// ## References
    /// Seed 002, "Request IDs / correlation IDs across services"; seed 003, "Observability";
    /// W3C Trace Context recommendation.
    pub struct RequestCorrelation {
        id: "OBS-002", slug: "request-correlation", category: Observability, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "L S D", effort: 6,
    }
}

impl Evaluate for RequestCorrelation {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let libs = shipped_libraries(cx, Capability::Tracing);
        FlagClaim {
            value: cx.manifest.claims.request_correlation,
            pointer: "/claims/request_correlation",
            holds: "request IDs are propagated and logged",
            lacking: "request correlation (propagated and logged request IDs)",
        }
        .meets(
            cx,
            RepoShows {
                letters: "L",
                findings: library_findings(&libs, "a tracing SDK propagates trace context"),
                summary: library_list(&libs),
                false_hint: "make sure the trace context reaches every outgoing call and log event, then set the claim to true",
            },
        )
    }
}
