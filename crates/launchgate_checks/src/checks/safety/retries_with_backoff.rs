//! SAF-003 retries-with-backoff: Every retried dependency (`retries` above 0) backs off
//! exponentially with jitter and retries a bounded number of times.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::deps::Capability;

use crate::kit::finish::{conclude, conclude_with_claim};
use crate::kit::libraries::{library_findings, shipped_libraries};
use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every retried dependency (`retries` above 0) backs off exponentially with jitter and
    /// retries a bounded number of times: it has a `backoff` with `multiplier` above 1 and
    /// `jitter: true`, and `retries` is at most the policy's `max_retries` (default 5).
    ///
    /// A retry library among the service's runtime dependencies (p-retry, async-retry,
    /// tenacity, backoff, resilience4j-retry, Polly, cenkalti/backoff, backon, ...) is evidence
    /// that retries are done by a library rather than by hand: it makes a passing result
    /// proven, and passes on its own when the manifest declares no retried dependency. It does
    /// not replace the declared policy: a declared dependency whose retries are unbounded or
    /// lack jitter still fails, whatever library runs them.
    ///
    /// ## Why it matters
    /// Retries turn a brief blip into a success, and a real outage into a flood. Immediate or
    /// fixed-delay retries from every instance hit a struggling dependency again at the same
    /// moment, multiplying its load exactly when it can least take it; without jitter, clients
    /// that failed together retry together. Beyond a handful of attempts a retry only delays the
    /// error the caller will see anyway.
    ///
    /// ## How to fix
    /// For each dependency with `retries`, add `backoff: {initial_ms: 100, multiplier: 2,
    /// max_ms: 2000, jitter: true}` (use your retry library's equivalent: full or equal
    /// jitter), and keep `retries` at 3 to 5. Retry only idempotent calls, and only on errors
    /// that can succeed on a second attempt (timeouts, 503, connection resets). Prefer a retry
    /// library to a hand-written loop: it gets the backoff and jitter right once.
    ///
    /// ## Example
    /// ```yaml fails
    /// dependencies:
    ///   - name: inventory-api
    ///     kind: http
    ///     timeout_ms: 300
    ///     retries: 3
    ///     backoff: {initial_ms: 200, multiplier: 1}   # fixed delay, no jitter
    /// ```
    /// ```yaml passes
    /// dependencies:
    ///   - name: inventory-api
    ///     kind: http
    ///     timeout_ms: 300
    ///     retries: 3
    ///     backoff: {initial_ms: 100, multiplier: 2, max_ms: 1000, jitter: true}
    /// ```
    /// ```toml passes path=pyproject.toml
    /// [project]
    /// name = "shipping-quotes"
    /// dependencies = [
    ///   "httpx>=0.28",
    ///   "tenacity>=9.0",   # retries with wait_random_exponential and stop_after_attempt
    /// ]
    /// ```
    ///
    /// ## References
    /// Seed 003, "Retries with exponential backoff and jitter"; AWS Architecture Blog,
    /// "Exponential Backoff And Jitter"; Google SRE book, "Addressing Cascading Failures".
    pub struct RetriesWithBackoff {
        id: "SAF-003", slug: "retries-with-backoff", category: Safety, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "L D", effort: 3,
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

impl Evaluate for RetriesWithBackoff {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let deps = &cx.manifest.dependencies;
        let libs = shipped_libraries(cx, Capability::Retries);
        let lib_evidence = library_findings(&libs, "a retry library is in use");
        if deps.is_empty() {
            if !lib_evidence.is_empty() {
                // The service retries something: the library shows how, nothing declares what.
                return conclude(cx, "L", Vec::new(), lib_evidence, "");
            }
            return Outcome::not_applicable(
                "the manifest declares no dependencies (`dependencies`)",
            );
        }
        if deps.iter().all(|d| d.retries == 0) {
            if !lib_evidence.is_empty() {
                return conclude(cx, "L", Vec::new(), lib_evidence, "");
            }
            let on = match deps.len() {
                1 => "the only dependency".to_string(),
                n => format!("all {n} dependencies"),
            };
            return Outcome::not_applicable(format!(
                "no dependency is retried (`retries` is 0 or absent on {on})"
            ));
        }
        let max = cx.options.max_retries;
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        for (i, d) in deps.iter().enumerate() {
            if d.retries == 0 {
                continue;
            }
            let p = format!("/dependencies/{i}");
            let resource = format!("dependency {}", d.name);
            let before = findings.len();
            if d.retries > max {
                findings.push(
                    Finding::new(format!(
                        "dependency `{}` retries {} times; the policy allows at most {max} (`max_retries`)",
                        d.name,
                        d.retries
                    ))
                    .at(at(cx, &format!("{p}/retries")))
                    .resource(resource.clone()),
                );
            }
            let Some(b) = &d.backoff else {
                findings.push(
                    Finding::new(format!(
                        "dependency `{}` retries up to {} with no `backoff`: every retry fires immediately",
                        d.name,
                        plural(d.retries, "time", "times")
                    ))
                    .at(at(cx, &format!("{p}/backoff")))
                    .resource(resource),
                );
                continue;
            };
            if b.multiplier <= 1.0 {
                findings.push(
                    Finding::new(format!(
                        "dependency `{}` backs off with a fixed {} ms delay (`multiplier: {}`); use a multiplier above 1 so delays grow",
                        d.name, b.initial_ms, b.multiplier
                    ))
                    .at(at(cx, &format!("{p}/backoff/multiplier")))
                    .resource(resource.clone()),
                );
            }
            if !b.jitter {
                findings.push(
                    Finding::new(format!(
                        "dependency `{}` backs off without jitter (`backoff.jitter` is not true): clients that fail together retry together",
                        d.name
                    ))
                    .at(at(cx, &format!("{p}/backoff/jitter")))
                    .resource(resource.clone()),
                );
            }
            if findings.len() == before {
                let cap = b
                    .max_ms
                    .map_or_else(String::new, |m| format!(", capped at {m} ms"));
                evidence.push(
                    Finding::new(format!(
                        "dependency `{}`: {} (policy max {max}), backoff from {} ms x{}{cap}, with jitter",
                        d.name,
                        plural(d.retries, "retry", "retries"),
                        b.initial_ms,
                        b.multiplier
                    ))
                    .at(at(cx, &format!("{p}/backoff")))
                    .resource(resource),
                );
            }
        }
        if findings.is_empty() {
            // The declared policies pass on their own; a library in use makes them proven.
            conclude_with_claim(cx, "L", lib_evidence, evidence, true)
        } else {
            Outcome::fail(findings)
        }
    }
}
