//! CAP-007 load-tested: A recent load test passed at the target rate.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::ReportFormat;
use launchgate_evidence::reports::LoadTestReport;
use launchgate_manifest::LoadTestClaim;

use crate::kit::claims::contradicts;
use crate::kit::manifest::{at, within_window};
use crate::kit::reports::report_gaps;
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// A recent load test passed at the target rate: `claims.load_test` declares a `date` within
    /// the policy window (default 90 days, `load_test_max_age_days`), `passed: true`, and an
    /// `achieved_rps` of at least the target, which is `target_rps` or else `peak_rps` times the
    /// policy factor (default 10, `load_test_factor`).
    ///
    /// A k6 end-of-test summary in the repository is the evidence of the result: both the
    /// `k6 run --summary-export` JSON and the `handleSummary` JSON are read (found by content,
    /// at `**/k6-summary*.json` even when `.gitignore`d, and at the globs of
    /// `reports.load_test`). Its achieved request rate (`http_reqs` rate) must reach the target
    /// and every threshold must have held; a summary without thresholds does not show that
    /// latency and errors stayed within limits. The summary contradicts the claim when it shows
    /// a lower rate than the target while `achieved_rps` says otherwise, or a failed threshold
    /// while `passed: true`; both places are named. With a summary, `achieved_rps` and `passed`
    /// need not be declared. k6 summaries carry no date, so the claim's `date` still dates the
    /// test. A summary that cannot be parsed leaves the check inconclusive.
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
    /// ```json fails path=load/k6-summary.json
    /// {"metrics": {
    ///   "http_reqs": {"count": 38400, "rate": 640.2},
    ///   "http_req_duration": {"p(95)": 830.1, "thresholds": {"p(95)<500": true}}}}
    /// ```
    /// ```yaml with path=launchgate.yaml
    /// service: search-api
    /// tier: 0
    /// exposure: public
    /// data: persistent
    /// claims:
    ///   load_test: {tool: k6, date: 2026-10-30, peak_rps: 120}
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

impl Evaluate for LoadTested {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let base = "/claims/load_test";
        let reports = &cx.evidence.reports.load_tests;
        let gaps = report_gaps(cx, &[ReportFormat::K6]);
        let lt = cx.manifest.claims.load_test.as_ref();
        if lt.is_none() && reports.is_empty() {
            if !gaps.is_empty() {
                return Outcome::inconclusive_with(
                    "no load test is declared and the k6 summaries found could not be read"
                        .to_string(),
                    gaps,
                );
            }
            return Outcome::fail(vec![
                Finding::new(
                    "no load test is declared (`claims.load_test`) and no k6 summary was found",
                )
                .at(at(cx, base)),
            ]);
        }
        let mut findings = Vec::new();
        let mut evidence = Vec::new();

        if let Some(lt) = lt {
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
        }

        let target = lt.and_then(|lt| target_of(cx, lt));
        if target.is_none() {
            findings.push(
                Finding::new("no target: declare peak_rps or target_rps (`claims.load_test`)")
                    .at(at(cx, base)),
            );
        }

        if reports.is_empty() {
            if let Some(lt) = lt {
                claim_only(cx, lt, target.as_ref(), &mut findings, &mut evidence);
            }
        } else {
            for r in reports {
                judge_report(cx, r, lt, target.as_ref(), &mut findings, &mut evidence);
            }
        }

        if !findings.is_empty() {
            return Outcome::fail(crate::kit::finish::in_report_order(findings));
        }
        if !gaps.is_empty() {
            let n = gaps.len();
            return Outcome::inconclusive_with(
                format!(
                    "{n} k6 summar{} could not be read",
                    if n == 1 { "y" } else { "ies" }
                ),
                gaps,
            );
        }
        if reports.is_empty() {
            Outcome::attested(evidence)
        } else {
            Outcome::proven(evidence)
        }
    }
}

/// The target rate and how it was set: `target_rps`, else `peak_rps` times the policy factor.
fn target_of(cx: &CheckContext<'_>, lt: &LoadTestClaim) -> Option<(f64, String)> {
    let factor = cx.options.load_test_factor;
    match (lt.target_rps, lt.peak_rps) {
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
    }
}

/// Whether `a` falls short of `t`, with a small tolerance so that `peak x factor` rounding
/// does not fail an equal rate.
fn below(a: f64, t: f64) -> bool {
    a < t - t.abs() * 1e-9
}

/// Judges the claim alone: `passed` and `achieved_rps` against the target.
fn claim_only(
    cx: &CheckContext<'_>,
    lt: &LoadTestClaim,
    target: Option<&(f64, String)>,
    findings: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
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
    let achieved_ptr = "/claims/load_test/achieved_rps";
    match (lt.achieved_rps, target) {
        (None, _) => findings.push(
            Finding::new("the rate the load test sustained is not declared (`claims.load_test.achieved_rps`)")
                .at(at(cx, achieved_ptr)),
        ),
        (Some(_), None) => {}
        (Some(a), Some((t, how))) if below(a, *t) => findings.push(
            Finding::new(format!(
                "the load test sustained {} rps, below the target of {} rps ({how})",
                rps(a),
                rps(*t)
            ))
            .at(at(cx, achieved_ptr)),
        ),
        (Some(a), Some((t, how))) => evidence.push(
            Finding::new(format!(
                "the load test sustained {} rps, meeting the target of {} rps ({how})",
                rps(a),
                rps(*t)
            ))
            .at(at(cx, achieved_ptr)),
        ),
    }
}

/// Judges a k6 summary: its rate against the target and its thresholds, naming the claim it
/// contradicts.
fn judge_report(
    cx: &CheckContext<'_>,
    r: &LoadTestReport,
    lt: Option<&LoadTestClaim>,
    target: Option<&(f64, String)>,
    findings: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let path = &r.loc.path;
    let claims_passed = lt.and_then(|l| l.passed) == Some(true);
    if r.thresholds.is_empty() {
        findings.push(
            Finding::new(format!(
                "the k6 summary {path} has no thresholds: nothing shows that latency and errors stayed within limits (add `thresholds` such as `http_req_duration: ['p(95)<500']` and `http_req_failed: ['rate<0.01']`)"
            ))
            .at(Some(r.loc.location())),
        );
    }
    for th in r.thresholds.iter().filter(|th| !th.passed) {
        let f = Finding::new(format!(
            "k6 threshold `{}` on `{}` failed in {path}",
            th.expr, th.metric
        ))
        .at(Some(th.loc.location()));
        findings.push(if claims_passed {
            contradicts(cx, f, "/claims/load_test/passed", "`true`")
        } else {
            f
        });
    }
    let held = r.thresholds.iter().filter(|th| th.passed).count();
    if held == r.thresholds.len() && held > 0 {
        evidence.push(
            Finding::new(format!("all {held} k6 thresholds held in {path}"))
                .at(Some(r.loc.location())),
        );
    }
    let Some(rate) = &r.request_rate else {
        findings.push(
            Finding::new(format!(
                "the k6 summary {path} records no HTTP request rate (`http_reqs`), so the achieved rate cannot be judged"
            ))
            .at(Some(r.loc.location())),
        );
        return;
    };
    let Some((t, how)) = target else {
        return;
    };
    if below(rate.value, *t) {
        let f = Finding::new(format!(
            "the k6 summary {path} shows {} rps, below the target of {} rps ({how})",
            rps(rate.value),
            rps(*t)
        ))
        .at(Some(rate.loc.location()));
        let claimed = lt.and_then(|l| l.achieved_rps).filter(|a| !below(*a, *t));
        findings.push(match claimed {
            Some(a) => contradicts(
                cx,
                f,
                "/claims/load_test/achieved_rps",
                &format!("{} rps", rps(a)),
            ),
            None => f,
        });
    } else {
        evidence.push(
            Finding::new(format!(
                "the k6 summary {path} shows {} rps, meeting the target of {} rps ({how})",
                rps(rate.value),
                rps(*t)
            ))
            .at(Some(rate.loc.location())),
        );
    }
}
