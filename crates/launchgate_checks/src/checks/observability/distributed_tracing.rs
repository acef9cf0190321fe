use launchgate_core::{Finding, Outcome};

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// Distributed tracing is set up: `claims.tracing` names an `exporter` (where spans go) and a
    /// `sampling_ratio`; the tracing `sdk` is optional and reported when given.
    ///
    /// ## Why it matters
    /// Logs say that a request was slow; a trace says which of its twelve downstream calls made
    /// it slow. A tracing SDK without an exporter records spans nobody receives, and an
    /// unconfigured sampler either drops everything or ships every span and bills for it.
    ///
    /// ## How to fix
    /// Instrument the service with a tracing SDK (OpenTelemetry is the common choice), export
    /// spans to a collector, and choose a sampling ratio deliberately (1.0 keeps every trace;
    /// 0.05 keeps one in twenty). Declare the set-up:
    /// `claims: {tracing: {sdk: opentelemetry, exporter: otlp://otel-collector:4317, sampling_ratio: 0.1}}`.
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   tracing:
    ///     sdk: opentelemetry   # spans are recorded but exported nowhere, sampling unknown
    /// ```
    /// ```yaml passes
    /// claims:
    ///   tracing:
    ///     sdk: opentelemetry
    ///     exporter: otlp://otel-collector.observability:4317
    ///     sampling_ratio: 0.1
    /// ```
    ///
    /// ## References
    /// Seed 002, "Distributed tracing"; seed 003, "Observability: tracing"; OpenTelemetry
    /// specification, "Tracing SDK: Sampling".
    pub struct DistributedTracing {
        id: "OBS-003", slug: "distributed-tracing", category: Observability, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "L K D", effort: 8,
    }
}

impl Check for DistributedTracing {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let Some(t) = cx.manifest.claims.tracing.as_ref() else {
            return Outcome::fail(vec![
                Finding::new(
                    "no tracing set-up is declared (`claims.tracing` with `exporter` and `sampling_ratio`)",
                )
                .at(at(cx, "/claims/tracing")),
            ]);
        };
        let sdk = t.sdk.as_deref().filter(|s| !s.trim().is_empty());
        let exporter = t.exporter.as_deref().filter(|s| !s.trim().is_empty());
        let mut findings = Vec::new();
        if exporter.is_none() {
            findings.push(
                Finding::new(
                    "tracing declares no exporter (`claims.tracing.exporter`): spans are sent nowhere",
                )
                .at(at(cx, "/claims/tracing/exporter")),
            );
        }
        if t.sampling_ratio.is_none() {
            findings.push(
                Finding::new(
                    "tracing declares no sampling ratio (`claims.tracing.sampling_ratio`, e.g. 0.1 for 10%)",
                )
                .at(at(cx, "/claims/tracing/sampling_ratio")),
            );
        }
        match (exporter, t.sampling_ratio) {
            (Some(e), Some(r)) => Outcome::attested(vec![
                Finding::new(format!(
                    "tracing with SDK {}, exporting to `{e}`, sampling ratio {r}",
                    sdk.map_or_else(|| "not named".to_string(), |s| format!("`{s}`")),
                ))
                .at(at(cx, "/claims/tracing")),
            ]),
            _ => Outcome::fail(findings),
        }
    }
}
