//! OPS-004 coverage-threshold: Line coverage meets the policy minimum (default 80%,
//! `coverage_min_percent`) in every coverage report the repository holds.

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::ReportFormat;
use launchgate_evidence::reports::LineCounts;

use crate::kit::finish::{NOT_SCANNED, Tally, conclude_tally, report_order};
use crate::kit::manifest::at;
use crate::kit::reports::{report_age, report_gaps};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// Line coverage meets the policy minimum (default 80%, `coverage_min_percent`) in every
    /// coverage report the repository holds: lcov (`lcov.info`), Cobertura XML
    /// (`coverage.xml`, `cobertura-coverage.xml`) and JaCoCo XML (`jacoco.xml`).
    ///
    /// Reports are found by content anywhere in the repository, at the usual build-output
    /// locations even when they are `.gitignore`d (`coverage/lcov.info`,
    /// `coverage/cobertura-coverage.xml`, `target/site/jacoco/jacoco.xml`,
    /// `build/reports/jacoco/`), and at the globs of `reports.coverage` in the manifest. lcov
    /// totals come from `LF`/`LH` (or the `DA` lines), Cobertura from `lines-covered` and
    /// `lines-valid` (or `line-rate`), JaCoCo from the report-level `LINE` counter.
    ///
    /// Each report is judged on its own (a service with a frontend and a backend report needs
    /// both to meet the minimum); the evidence also states the combined covered and total
    /// lines. A report dated (Cobertura `timestamp`, JaCoCo session dump) more than the policy
    /// window (default 14 days, `report_max_age_days`) before the review date makes the check
    /// inconclusive, never a pass; lcov carries no date, so its age is not verified. A report
    /// that cannot be parsed leaves the check inconclusive.
    ///
    /// ## Why it matters
    /// Coverage does not prove tests are good, but low coverage proves that much of the code
    /// has never run under a test: every change to it is verified in production. A minimum
    /// keeps the untested part from growing release after release.
    ///
    /// ## How to fix
    /// Add tests for the uncovered code (the report names the files), or, where code is
    /// deliberately untested (generated code, main functions), exclude it in the coverage
    /// tool's configuration. Keep the latest report where launchgate can read it, and
    /// declare its location with `reports: {coverage: ["coverage/lcov.info"]}` if it is
    /// elsewhere.
    ///
    /// ## Example
    /// ```xml fails path=coverage.xml
    /// <coverage line-rate="0.62" lines-covered="310" lines-valid="500" timestamp="1795165200">
    ///   <packages/>
    /// </coverage>
    /// ```
    /// ```xml passes path=coverage.xml
    /// <coverage line-rate="0.86" lines-covered="430" lines-valid="500" timestamp="1795165200">
    ///   <packages/>
    /// </coverage>
    /// ```
    ///
    /// ## References
    /// Seed 004, "Code coverage above the agreed threshold"; the lcov `geninfo` tracefile
    /// format, the Cobertura XML format and the JaCoCo XML report format.
    pub struct CoverageThreshold {
        id: "OPS-004", slug: "coverage-threshold", category: Operations, severity: Major,
        tiers: [Required, Recommended, Skipped], evidence: "R", effort: 8,
    }
}

/// A percentage as reports print it: one decimal, without a trailing `.0`.
fn pct(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

impl Evaluate for CoverageThreshold {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ev = cx.evidence;
        if !ev.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let min = cx.options.coverage_min_percent;
        let max_days = cx.options.report_max_age_days;
        let gaps = report_gaps(
            cx,
            &[
                ReportFormat::Lcov,
                ReportFormat::Cobertura,
                ReportFormat::JaCoCo,
            ],
        );
        let reports = &ev.reports.coverage;
        let mut t = Tally::default();
        if reports.is_empty() {
            t.missing.push(
                Finding::new(
                    "no coverage report found (lcov, Cobertura or JaCoCo): keep the latest test run's coverage report in the repository or its build output, or declare where it is (`reports.coverage`)",
                )
                .at(at(cx, "/reports/coverage")),
            );
        }
        let mut combined = LineCounts::default();
        let mut all_counted = true;
        for r in reports {
            let path = &r.loc.path;
            let loc = Some(r.loc.location());
            let lines = r.lines.map_or_else(String::new, |l| {
                format!(" ({} of {} lines)", l.covered, l.total)
            });
            match r.lines {
                Some(l) => {
                    combined.covered += l.covered;
                    combined.total += l.total;
                }
                None => all_counted = false,
            }
            let Some(p) = r.percent else {
                t.failures.push(
                    Finding::new(format!(
                        "{path} ({}) measured no lines: the tests it records covered nothing",
                        r.format.name()
                    ))
                    .at(loc),
                );
                continue;
            };
            if p + 1e-9 < min {
                t.failures.push(
                    Finding::new(format!(
                        "{path}: line coverage {}%{lines} is below the policy minimum of {}% (`coverage_min_percent`)",
                        pct(p),
                        pct(min)
                    ))
                    .at(loc),
                );
                continue;
            }
            match report_age(cx, r.date, max_days).judge(cx, path, &r.loc, max_days) {
                Err(f) => t.unknowns.push(f),
                Ok(age) => t.evidence.push(
                    Finding::new(format!(
                        "{path}: line coverage {}%{lines} meets the minimum of {}%; {age}",
                        pct(p),
                        pct(min)
                    ))
                    .at(loc),
                ),
            }
        }
        if reports.len() > 1
            && all_counted
            && let Some(p) = combined.percent()
        {
            let note = format!(
                "combined over {} reports: {} of {} lines covered ({}%)",
                reports.len(),
                combined.covered,
                combined.total,
                pct(p)
            );
            let first = reports.first().map(|r| r.loc.location());
            if t.failures.is_empty() {
                t.evidence.push(Finding::new(note).at(first));
            } else if let Some(f) = t.failures.first_mut() {
                f.message = format!("{}; {note}", f.message);
            }
        }
        if !t.unknowns.is_empty()
            && t.failures.is_empty()
            && t.missing.is_empty()
            && gaps.is_empty()
        {
            let n = t.unknowns.len();
            report_order(&mut t.unknowns);
            return Outcome::inconclusive_with(
                format!(
                    "{n} coverage report{} too old or future-dated to show the current state (policy window {max_days} days)",
                    if n == 1 { " is" } else { "s are" }
                ),
                t.unknowns,
            );
        }
        conclude_tally(cx, gaps, t, "no coverage report found")
    }
}
