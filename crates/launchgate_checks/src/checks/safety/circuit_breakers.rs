use launchgate_core::{Finding, Outcome};
use launchgate_manifest::Dependency;

use crate::support::at;
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// Every external dependency (`kind: http`, `grpc` or `third-party`) is called through a
    /// circuit breaker (`circuit_breaker: true`) and has a declared `fallback`.
    ///
    /// ## Why it matters
    /// When a remote dependency is down, each call still costs a full timeout. Without a
    /// breaker, every request pays it, threads and connections fill up waiting, and the outage
    /// spreads to the service and its callers. A breaker fails fast instead, and the fallback
    /// decides what the user gets meanwhile: a cached value, a degraded page, a queued retry or
    /// a clear error. Deciding that during the outage is too late.
    ///
    /// ## How to fix
    /// Wrap calls to each external dependency in a circuit breaker (resilience4j, Polly,
    /// gobreaker, pybreaker, or Istio/Envoy outlier detection), and write down the degraded
    /// behaviour: `circuit_breaker: true` and `fallback: "serve cached rates up to 1 h old"` on
    /// the dependency.
    ///
    /// ## Example
    /// ```yaml fails
    /// dependencies:
    ///   - name: fx-rates
    ///     kind: third-party
    ///     timeout_ms: 500
    ///     circuit_breaker: false
    /// ```
    /// ```yaml passes
    /// dependencies:
    ///   - name: fx-rates
    ///     kind: third-party
    ///     timeout_ms: 500
    ///     circuit_breaker: true
    ///     fallback: serve the last cached rates, at most 1 hour old
    /// ```
    ///
    /// ## References
    /// Seed 003, "Circuit breakers on external dependencies, with fallbacks"; Michael Nygard,
    /// "Release It!" (Circuit Breaker pattern); Google SRE book, "Addressing Cascading Failures".
    pub struct CircuitBreakers {
        id: "SAF-004", slug: "circuit-breakers", category: Safety, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "L K D", effort: 8,
    }
}

impl Check for CircuitBreakers {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let deps = &cx.manifest.dependencies;
        if deps.is_empty() {
            return Outcome::not_applicable(
                "the manifest declares no dependencies (`dependencies`)",
            );
        }
        if !deps.iter().any(Dependency::is_external) {
            let which = match deps.len() {
                1 => "the only dependency is not".to_string(),
                n => format!("none of the {n} dependencies is"),
            };
            return Outcome::not_applicable(format!(
                "{which} external (`kind: http`, `grpc` or `third-party`)"
            ));
        }
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        for (i, d) in deps.iter().enumerate().filter(|(_, d)| d.is_external()) {
            let p = format!("/dependencies/{i}");
            let resource = format!("dependency {}", d.name);
            let kind = d.kind.key();
            let fallback = d.fallback.as_deref().filter(|s| !s.trim().is_empty());
            match d.circuit_breaker {
                Some(true) => {}
                Some(false) => findings.push(
                    Finding::new(format!(
                        "{kind} dependency `{}` declares no circuit breaker (`circuit_breaker: false`)",
                        d.name
                    ))
                    .at(at(cx, &format!("{p}/circuit_breaker")))
                    .resource(resource.clone()),
                ),
                None => findings.push(
                    Finding::new(format!(
                        "{kind} dependency `{}` does not declare a circuit breaker (`circuit_breaker`)",
                        d.name
                    ))
                    .at(at(cx, &format!("{p}/circuit_breaker")))
                    .resource(resource.clone()),
                ),
            }
            match fallback {
                None => findings.push(
                    Finding::new(format!(
                        "{kind} dependency `{}` has no `fallback`: nothing says what the service does while it is down",
                        d.name
                    ))
                    .at(at(cx, &format!("{p}/fallback")))
                    .resource(resource),
                ),
                Some(f) if d.circuit_breaker == Some(true) => evidence.push(
                    Finding::new(format!(
                        "{kind} dependency `{}`: circuit breaker, fallback `{f}`",
                        d.name
                    ))
                    .at(at(cx, &p))
                    .resource(resource),
                ),
                Some(_) => {}
            }
        }
        if findings.is_empty() {
            Outcome::attested(evidence)
        } else {
            Outcome::fail(findings)
        }
    }
}
