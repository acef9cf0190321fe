use launchgate_core::Outcome;

use crate::support::flag_claim;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// The service writes structured (JSON) log events, as declared by
    /// `claims.structured_logging: true`.
    ///
    /// ## Why it matters
    /// At 2am nobody greps free text across forty pods. Structured events can be filtered by
    /// field (`level`, `request_id`, `route`, `status`), aggregated into counts and joined with
    /// traces; a printf line can only be read. A missing field in a JSON event is also visible,
    /// where a changed sentence silently breaks every saved search.
    ///
    /// ## How to fix
    /// Configure the service's logger to emit one JSON object per event with at least a
    /// timestamp, level, message and request ID: `tracing-subscriber` with the `json` layer,
    /// `log/slog` with `slog.NewJSONHandler`, `structlog`, `pino`, `logstash-logback-encoder` or
    /// Serilog's JSON formatter. Then declare it: `claims: {structured_logging: true}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   structured_logging: false   # plain-text lines on stdout
    /// ```
    /// ```yaml passes
    /// claims:
    ///   structured_logging: true
    /// ```
    ///
    /// ## References
    /// Seed 003, "Observability: structured logging"; seed 004, "Logging"; the Twelve-Factor App,
    /// "XI. Logs" (logs as event streams).
    pub struct StructuredLogging {
        id: "OBS-001", slug: "structured-logging", category: Observability, severity: Major,
        tiers: [Required, Required, Recommended], evidence: "L D", effort: 4,
    }
}

impl Check for StructuredLogging {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        flag_claim(
            cx,
            cx.manifest.claims.structured_logging,
            "/claims/structured_logging",
            "logs are structured (JSON) events",
            "structured (JSON) logging",
        )
    }
}
