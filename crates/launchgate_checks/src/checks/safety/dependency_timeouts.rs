//! SAF-001 dependency-timeouts: Every declared dependency has a timeout, and the timeout hierarchy
//! holds.

use launchgate_core::{Finding, Outcome};

use crate::kit::manifest::at;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Every declared dependency has a timeout, and the timeout hierarchy holds: for each
    /// dependency, `timeout_ms x (1 + retries)` plus every backoff delay fits inside the service's
    /// `request_timeout_ms`, which in turn fits inside the caller's `caller_timeout_ms`.
    ///
    /// ## Why it matters
    /// A call without a timeout waits forever when the dependency hangs; threads and connections
    /// pile up until the whole service stops. A timeout that only looks short can still be too long:
    /// three attempts of 2 s with backoff take over 6 s, and a caller that gives up after 5 s gets
    /// an error while the service keeps working on a request nobody is waiting for.
    ///
    /// ## How to fix
    /// Give each dependency a `timeout_ms`, and budget retries so that the worst case fits:
    /// `timeout_ms x (1 + retries) + backoff <= request_timeout_ms <= caller_timeout_ms`.
    /// Backoff delays are `initial_ms x multiplier^n`, capped at `max_ms`. Declare the service's
    /// `request_timeout_ms` so the hierarchy can be checked at all.
    ///
    /// ## Example
    /// ```yaml fails
    /// request_timeout_ms: 2000
    /// dependencies:
    ///   - name: payments-api
    ///     kind: third-party
    ///     timeout_ms: 800    # 3 attempts x 800 ms + 100 + 200 ms backoff = 2700 ms > 2000 ms
    ///     retries: 2
    ///     backoff: {initial_ms: 100, multiplier: 2}
    /// ```
    /// ```yaml passes
    /// request_timeout_ms: 2000
    /// dependencies:
    ///   - name: payments-api
    ///     kind: third-party
    ///     timeout_ms: 500    # 3 x 500 + 100 + 200 = 1800 ms <= 2000 ms
    ///     retries: 2
    ///     backoff: {initial_ms: 100, multiplier: 2}
    /// ```
    ///
    /// ## References
    /// Seed 003, "Timeout hierarchy"; Google SRE book, "Addressing Cascading Failures".
    pub struct DependencyTimeouts {
        id: "SAF-001", slug: "dependency-timeouts", category: Safety, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "D K", effort: 4,
    }
}

impl Evaluate for DependencyTimeouts {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let m = cx.manifest;
        if m.dependencies.is_empty() {
            return Outcome::not_applicable("the manifest declares no dependencies");
        }
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        let request = m.request_timeout_ms;
        if request.is_none() {
            findings.push(
                Finding::new("the service declares no `request_timeout_ms`, so no dependency budget can be checked against it")
                    .at(at(cx, "/request_timeout_ms")),
            );
        }
        if let (Some(req), Some(caller)) = (request, m.caller_timeout_ms) {
            if req > caller {
                findings.push(
                    Finding::new(format!(
                        "request timeout {req} ms exceeds the caller's timeout {caller} ms: the caller gives up before the service does"
                    ))
                    .at(at(cx, "/request_timeout_ms"))
                    .related(at(cx, "/caller_timeout_ms")),
                );
            } else {
                evidence.push(
                    Finding::new(format!(
                        "request timeout {req} ms fits the caller's {caller} ms"
                    ))
                    .at(at(cx, "/request_timeout_ms")),
                );
            }
        }
        for (i, d) in m.dependencies.iter().enumerate() {
            let p = format!("/dependencies/{i}");
            let resource = format!("dependency {}", d.name);
            let Some(timeout) = d.timeout_ms else {
                findings.push(
                    Finding::new(format!(
                        "dependency `{}` has no `timeout_ms`: a hung call waits forever",
                        d.name
                    ))
                    .at(at(cx, &p))
                    .resource(resource),
                );
                continue;
            };
            let worst = d.worst_case_ms().unwrap_or(timeout);
            let attempts = u64::from(d.retries) + 1;
            let backoff = worst - timeout * attempts;
            let arithmetic = if d.retries == 0 {
                format!("{timeout} ms")
            } else {
                format!("{attempts} attempts x {timeout} ms + {backoff} ms backoff = {worst} ms")
            };
            match request {
                Some(req) if worst > req => findings.push(
                    Finding::new(format!(
                        "dependency `{}` can take {arithmetic}, more than the request timeout {req} ms",
                        d.name
                    ))
                    .at(at(cx, &format!("{p}/timeout_ms")))
                    .resource(resource)
                    .related(at(cx, "/request_timeout_ms")),
                ),
                Some(req) => evidence.push(
                    Finding::new(format!("dependency `{}`: {arithmetic} <= {req} ms", d.name))
                        .at(at(cx, &format!("{p}/timeout_ms")))
                        .resource(resource),
                ),
                None => {}
            }
        }
        if findings.is_empty() {
            Outcome::attested(evidence)
        } else {
            Outcome::fail(findings)
        }
    }
}
