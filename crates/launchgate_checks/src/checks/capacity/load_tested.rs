use launchgate_core::{Finding, Outcome};

use crate::support::{at, within_window};
use crate::{Check, CheckContext, CheckMeta, declare_check};

declare_check! {
    /// ## What it checks
    /// A recent load test passed at the target rate: `claims.load_test` declares a `date` within
    /// the policy window (default 90 days, `load_test_max_age_days`), `passed: true`, and an
    /// `achieved_rps` of at least the target, which is `target_rps` or else `peak_rps` times the
    /// policy factor (default 10, `load_test_factor`).
    ///
    /// ## Why it matters
    /// Capacity you have not measured is capacity you do not have. Launches, retries after an
    /// outage and a marketing email all multiply traffic, and the first real spike is a bad time
    /// to learn that the connection pool saturates at twice today's peak. A test from last year
    /// measured last year's code.
    ///
    /// ## How to fix
    /// Run a load test (k6, Locust, Gatling, JMeter, vegeta) against a production-like
    /// environment at the target rate, with latency and error-rate thresholds, and record the
    /// result: `claims: {load_test: {tool: k6, date: 2026-10-30, peak_rps: 120, achieved_rps: 1300,
    /// passed: true}}`. Declare `target_rps` when the target is not a multiple of today's peak
    /// (for example a launch forecast).
    ///
    /// ## Example
    /// ```yaml fails
    /// claims:
    ///   load_test:
    ///     tool: k6
    ///     date: 2026-10-30
    ///     peak_rps: 120
    ///     achieved_rps: 600    # target is 10 x 120 = 1200 rps
    ///     passed: true
    /// ```
    /// ```yaml passes
    /// claims:
    ///   load_test:
    ///     tool: k6
    ///     date: 2026-10-30
    ///     peak_rps: 120
    ///     achieved_rps: 1300
    ///     passed: true
    /// ```
    ///
    /// ## References
    /// Seed 002, "Load tested at 10x expected peak"; seed 003, "Capacity: load testing"; seed 004,
    /// "Performance testing".
    pub struct LoadTested {
        id: "CAP-007", slug: "load-tested", category: Capacity, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "S R D", effort: 16,
    }
}

/// A request rate as people write it: at most two decimals, no trailing zeros.
fn rps(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl Check for LoadTested {
    fn meta(&self) -> &CheckMeta {
        &Self::META
    }

    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let base = "/claims/load_test";
        let Some(lt) = cx.manifest.claims.load_test.as_ref() else {
            return Outcome::fail(vec![
                Finding::new("no load test is declared (`claims.load_test`)").at(at(cx, base)),
            ]);
        };
        let mut findings = Vec::new();
        let mut evidence = Vec::new();

        let date_ptr = "/claims/load_test/date";
        match lt.date {
            None => findings.push(
                Finding::new("the load test has no date (`claims.load_test.date`), so its age cannot be judged")
                    .at(at(cx, date_ptr)),
            ),
            Some(d) => match within_window(
                cx,
                d.0,
                cx.options.load_test_max_age_days,
                date_ptr,
                "the last load test",
            ) {
                Ok(e) => evidence.push(e),
                Err(f) => findings.push(f),
            },
        }

        let passed_ptr = "/claims/load_test/passed";
        match lt.passed {
            Some(true) => evidence.push(
                Finding::new("the load test's latency and error thresholds held (`passed: true`)")
                    .at(at(cx, passed_ptr)),
            ),
            Some(false) => findings.push(
                Finding::new("the load test failed its latency or error thresholds (`claims.load_test.passed: false`)")
                    .at(at(cx, passed_ptr)),
            ),
            None => findings.push(
                Finding::new("the load test's result is not declared (`claims.load_test.passed`)")
                    .at(at(cx, passed_ptr)),
            ),
        }

        let factor = cx.options.load_test_factor;
        let target = match (lt.target_rps, lt.peak_rps) {
            (Some(t), _) => Some((t, "declared `target_rps`".to_string())),
            (None, Some(p)) => Some((
                p * factor,
                format!(
                    "`peak_rps` {} x policy `load_test_factor` {}",
                    rps(p),
                    rps(factor)
                ),
            )),
            (None, None) => None,
        };
        if target.is_none() {
            findings.push(
                Finding::new("no target: declare peak_rps or target_rps (`claims.load_test`)")
                    .at(at(cx, base)),
            );
        }

        let achieved_ptr = "/claims/load_test/achieved_rps";
        match (lt.achieved_rps, target) {
            (None, _) => findings.push(
                Finding::new("the rate the load test sustained is not declared (`claims.load_test.achieved_rps`)")
                    .at(at(cx, achieved_ptr)),
            ),
            (Some(_), None) => {}
            // A small tolerance, so that `peak x factor` rounding does not fail an equal rate.
            (Some(a), Some((t, how))) if a < t - t.abs() * 1e-9 => findings.push(
                Finding::new(format!(
                    "the load test sustained {} rps, below the target of {} rps ({how})",
                    rps(a),
                    rps(t)
                ))
                .at(at(cx, achieved_ptr)),
            ),
            (Some(a), Some((t, how))) => evidence.push(
                Finding::new(format!(
                    "the load test sustained {} rps, meeting the target of {} rps ({how})",
                    rps(a),
                    rps(t)
                ))
                .at(at(cx, achieved_ptr)),
            ),
        }

        if findings.is_empty() {
            Outcome::attested(evidence)
        } else {
            Outcome::fail(findings)
        }
    }
}
