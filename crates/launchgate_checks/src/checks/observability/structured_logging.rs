//! OBS-001 structured-logging: The service writes structured (JSON) log events.

use launchgate_core::Outcome;
use launchgate_evidence::deps::Capability;

use crate::kit::claims::{FlagClaim, RepoShows};
use crate::kit::libraries::{library_findings, library_list, shipped_libraries};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The service writes structured (JSON) log events: a structured logger ships among its
    /// dependencies (tracing-subscriber with `json`, slog, zap, zerolog, structlog,
    /// python-json-logger, pino, winston, bunyan, logstash-logback-encoder, Serilog, ...), or
    /// `claims.structured_logging: true` declares it. A library in use proves it without a
    /// claim; a claim with no library in the repository passes as attested.
    /// `claims.structured_logging: false` fails even when such a library is present: the claim
    /// says it is not (yet) configured to write JSON, and the finding names the library.
    /// Development and test dependencies do not count.
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
    /// Serilog's JSON formatter, as a runtime dependency of the service. When the logger is
    /// not in a dependency manifest launchgate reads (Go's standard `log/slog`, a logger vendored
    /// in), declare it: `claims: {structured_logging: true}`.
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
    /// ```json passes path=package.json
    /// {
    ///   "name": "search-api",
    ///   "dependencies": {
    ///     "express": "^4.21.2",
    ///     "pino": "^9.6.0"
    ///   }
    /// }
    /// ```
    /// ```json fails path=package.json
    /// {
    ///   "name": "search-api",
    ///   "description": "pino only in devDependencies: tests log JSON, the service does not",
    ///   "dependencies": {
    ///     "express": "^4.21.2"
    ///   },
    ///   "devDependencies": {
    ///     "pino": "^9.6.0"
    ///   }
    /// }
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

impl Evaluate for StructuredLogging {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let libs = shipped_libraries(cx, Capability::StructuredLogging);
        FlagClaim {
            value: cx.manifest.claims.structured_logging,
            pointer: "/claims/structured_logging",
            holds: "logs are structured (JSON) events",
            lacking: "structured (JSON) logging",
        }
        .meets(
            cx,
            RepoShows {
                letters: "L",
                findings: library_findings(&libs, "a structured logger is in use"),
                summary: library_list(&libs),
                false_hint: "configure it to write one JSON object per event, then set the claim to true",
            },
        )
    }
}
