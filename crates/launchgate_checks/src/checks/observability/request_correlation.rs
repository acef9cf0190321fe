use launchgate_core::Outcome;

use crate::support::flag_claim;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// Request or trace IDs are propagated to downstream calls and written in every log event,
    /// as declared by `claims.request_correlation: true`.
    ///
    /// ## Why it matters
    /// One failed checkout touches a gateway, three services and a queue. Without an ID that
    /// travels with the request, the log lines of that one request cannot be found among
    /// millions, and "which downstream call failed?" becomes guesswork.
    ///
    /// ## How to fix
    /// Accept an incoming ID (W3C `traceparent`, or `X-Request-ID`) or create one at the edge,
    /// pass it on every outgoing call and queue message, and add it to every log event. An
    /// OpenTelemetry SDK with context propagation does all three. Then declare it:
    /// `claims: {request_correlation: true}`.
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
    ///
    /// ## References
    /// Seed 002, "Request IDs / correlation IDs across services"; seed 003, "Observability";
    /// W3C Trace Context recommendation.
    pub struct RequestCorrelation {
        id: "OBS-002", slug: "request-correlation", category: Observability, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "L S D", effort: 6,
    }
}

impl Check for RequestCorrelation {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        flag_claim(
            cx,
            cx.manifest.claims.request_correlation,
            "/claims/request_correlation",
            "request IDs are propagated and logged",
            "request correlation (propagated and logged request IDs)",
        )
    }
}
