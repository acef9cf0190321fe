//! OPS-003 tests-passing: The latest test reports pass.

use std::fmt::Write as _;

use launchgate_core::{Finding, Outcome};
use launchgate_evidence::reports::{TestReport, TestSuite};
use launchgate_evidence::{Loc, ReportFormat};

use crate::kit::finish::{NOT_SCANNED, Tally, conclude_tally, report_order};
use crate::kit::manifest::at;
use crate::kit::reports::{report_age, report_gaps};
use crate::{CheckContext, Evaluate, declare_check};

declare_check! {
    /// ## What it checks
    /// The latest test reports pass: every JUnit XML report the repository holds contains
    /// test cases, none of them failed or errored, and at least one suite is an integration,
    /// acceptance or end-to-end suite.
    ///
    /// Reports are found by content (a `<testsuites>` or `<testsuite>` root) anywhere in the
    /// repository, at the usual build-output locations even when they are `.gitignore`d
    /// (`target/surefire-reports/`, `target/failsafe-reports/`, `build/test-results/`,
    /// `target/nextest/`, `junit*.xml`, `TEST-*.xml`), and at the globs of `reports.junit` in
    /// the manifest. The variants of Maven Surefire and Failsafe, Gradle, pytest, jest-junit,
    /// go-junit-report and cargo-nextest are read; counts come from the `<testcase>` elements
    /// (counts in attributes that disagree are not trusted). A test that failed and then
    /// passed on a rerun (`<flakyFailure>`) counts as passed.
    ///
    /// Each failing test case is named with its message, at its `<testcase>` line. A suite
    /// counts as integration, acceptance or end-to-end when its name, its test classes or
    /// files, or the report's path say so (`integration`, `acceptance`, `e2e`,
    /// `end-to-end`, `functional`, Failsafe reports, Java `*IT` classes).
    ///
    /// A report dated (by its `timestamp`) more than the policy window (default 14 days,
    /// `report_max_age_days`) before the review date does not show the current state: the
    /// check is then inconclusive (a warning for tiers that only recommend it), never a pass.
    /// An undated report passes, and the evidence says its age could not be verified. A
    /// report that cannot be parsed leaves the check inconclusive.
    ///
    /// ## Why it matters
    /// A pipeline that is green because the failing tests were skipped, because the test
    /// job ran no tests, or because only the unit tests ran, proves little about the release.
    /// The reports the test runners write are the record of what actually ran and passed.
    ///
    /// ## How to fix
    /// Fix or remove the failing tests, make sure the test job writes JUnit XML (Surefire
    /// and Gradle do by default; `pytest --junitxml`, `jest-junit`, `go-junit-report`, nextest's
    /// `[profile.ci.junit]`), run an integration or end-to-end suite against real
    /// dependencies, and keep the reports of the latest run where launchgate can read them
    /// (declare their location with `reports: {junit: ["path/glob/*.xml"]}`).
    ///
    /// ## Example
    /// ```xml fails path=reports/junit.xml
    /// <testsuites>
    ///   <testsuite name="orders-integration" tests="2" failures="1" timestamp="2026-11-20T09:00:00Z">
    ///     <testcase classname="orders.integration" name="creates an order"/>
    ///     <testcase classname="orders.integration" name="refunds an order">
    ///       <failure message="expected 200, got 500"/>
    ///     </testcase>
    ///   </testsuite>
    /// </testsuites>
    /// ```
    /// ```xml passes path=reports/junit.xml
    /// <testsuites>
    ///   <testsuite name="orders-integration" tests="2" failures="0" timestamp="2026-11-20T09:00:00Z">
    ///     <testcase classname="orders.integration" name="creates an order"/>
    ///     <testcase classname="orders.integration" name="refunds an order"/>
    ///   </testsuite>
    /// </testsuites>
    /// ```
    ///
    /// ## References
    /// Seed 004, "Testing: unit, integration and end-to-end tests pass"; the JUnit XML
    /// format as written by Maven Surefire, pytest, jest-junit, go-junit-report and
    /// cargo-nextest.
    pub struct TestsPassing {
        id: "OPS-003", slug: "tests-passing", category: Operations, severity: Blocker,
        tiers: [Required, Required, Recommended], evidence: "R", effort: 4,
    }
}

/// Parts of names that mark an integration, acceptance or end-to-end suite.
const INTEGRATION_PARTS: &[&str] = &[
    "integration",
    "acceptance",
    "endtoend",
    "end2end",
    "failsafe",
];

/// Whole words that mark one (`e2e` inside a longer word is likely a hash).
const INTEGRATION_WORDS: &[&str] = &["e2e", "functional"];

/// Whether `text` names an integration-level suite: one of [`INTEGRATION_PARTS`] anywhere,
/// one of [`INTEGRATION_WORDS`] as a word, an `it` folder (Maven's `src/it`), or a Java class
/// name ending in `IT` / `ITCase`.
fn integration_word(text: &str) -> bool {
    let last = text.rsplit(['.', '/', ':']).next().unwrap_or(text);
    // Failsafe's class-name convention: `OrderIT`, `OrderITCase` (a CamelCase name whose
    // last word is `IT`, not an all-caps word such as `SPLIT`).
    let stem = last
        .strip_suffix("ITCase")
        .or_else(|| last.strip_suffix("IT"))
        .unwrap_or("");
    if last.starts_with(|c: char| c.is_ascii_uppercase())
        && stem.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return true;
    }
    let lower = text.to_ascii_lowercase().replace("end-to-end", "endtoend");
    INTEGRATION_PARTS.iter().any(|p| lower.contains(p))
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| INTEGRATION_WORDS.contains(&w))
        || lower.split(['/', '\\']).any(|seg| seg == "it")
}

/// Why a suite counts as integration-level, if it does.
fn integration_reason(report: &TestReport, suite: &TestSuite) -> Option<String> {
    if integration_word(&suite.name) {
        return Some(format!("suite `{}`", suite.name));
    }
    if let Some(c) = suite.classnames.iter().find(|c| integration_word(c)) {
        return Some(format!("test class `{c}`"));
    }
    if let Some(f) = suite.files.iter().find(|f| integration_word(f)) {
        return Some(format!("test file `{f}`"));
    }
    integration_word(&report.loc.path).then(|| format!("report `{}`", report.loc.path))
}

fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

impl Evaluate for TestsPassing {
    fn evaluate(&self, cx: &CheckContext<'_>) -> Outcome {
        let ev = cx.evidence;
        if !ev.scanned {
            return Outcome::inconclusive(NOT_SCANNED);
        }
        let max_days = cx.options.report_max_age_days;
        let gaps = report_gaps(cx, &[ReportFormat::JUnit]);
        let reports = &ev.reports.tests;
        let mut t = Tally::default();
        if reports.is_empty() {
            t.missing.push(
                Finding::new(
                    "no JUnit XML test report found: keep the latest test run's reports in the repository or its build output, or declare where they are (`reports.junit`)",
                )
                .at(at(cx, "/reports/junit")),
            );
        }
        let mut integration: Option<(String, Loc)> = None;
        for r in reports {
            let path = &r.loc.path;
            let counts = r.counts();
            if counts.tests == 0 {
                t.failures.push(
                    Finding::new(format!(
                        "{path} contains no test cases: the test run it records ran nothing"
                    ))
                    .at(Some(r.loc.location())),
                );
                continue;
            }
            for c in r.problems() {
                let name = match &c.classname {
                    Some(cl) if !cl.is_empty() && !c.name.starts_with(cl.as_str()) => {
                        format!("{cl}.{}", c.name)
                    }
                    _ => c.name.clone(),
                };
                let what = if c.error { "errored" } else { "failed" };
                let message = if c.message.is_empty() {
                    String::new()
                } else {
                    format!(": {}", c.message)
                };
                t.failures.push(
                    Finding::new(format!("test `{name}` {what}{message}"))
                        .at(Some(c.loc.location()))
                        .resource(format!("test {name}")),
                );
            }
            for s in &r.suites {
                if integration.is_none()
                    && s.counts.passed() > 0
                    && let Some(why) = integration_reason(r, s)
                {
                    integration = Some((why, s.loc.clone()));
                }
            }
            match report_age(cx, r.date, max_days).judge(cx, path, &r.loc, max_days) {
                Err(f) => t.unknowns.push(f),
                Ok(age) => {
                    let mut msg = format!(
                        "{path}: {} passed of {}",
                        counts.passed(),
                        plural(counts.tests, "test")
                    );
                    if counts.skipped > 0 {
                        let _ = write!(msg, ", {} skipped", counts.skipped);
                    }
                    if counts.flaky > 0 {
                        let _ = write!(msg, ", {} flaky (passed on a rerun)", counts.flaky);
                    }
                    let _ = write!(msg, "; {age}");
                    t.evidence
                        .push(Finding::new(msg).at(Some(r.loc.location())));
                }
            }
        }
        match integration {
            Some((why, loc)) => t.evidence.push(
                Finding::new(format!("integration-level tests ran: {why}"))
                    .at(Some(loc.location())),
            ),
            None => {
                if let Some(first) = reports.first() {
                    t.missing.push(
                        Finding::new(
                            "no integration, acceptance or end-to-end suite in the test reports: only unit tests ran (name the suite, its classes or files with `integration`, `acceptance` or `e2e`, or use Maven Failsafe)",
                        )
                        .at(Some(first.loc.location())),
                    );
                }
            }
        }
        if !t.unknowns.is_empty() && t.failures.is_empty() && gaps.is_empty() {
            // Stale reports: say so in the reason, since no value is "unresolved".
            let n = t.unknowns.len();
            if t.missing.is_empty() {
                report_order(&mut t.unknowns);
                return Outcome::inconclusive_with(
                    format!(
                        "{n} test report{} too old or future-dated to show the current state (policy window {max_days} days)",
                        if n == 1 { " is" } else { "s are" }
                    ),
                    t.unknowns,
                );
            }
        }
        conclude_tally(cx, gaps, t, "no test report found")
    }
}

#[cfg(test)]
mod tests {
    use super::integration_word;

    #[test]
    fn integration_suites_are_told_by_name() {
        for yes in [
            "orders-integration",
            "tests.integration.test_orders",
            "api e2e",
            "End-to-End checkout",
            "com.acme.OrderIT",
            "com.acme.OrderITCase",
            "src/it/java/Order.java",
            "target/failsafe-reports/TEST-x.xml",
            "AcceptanceSpec",
        ] {
            assert!(integration_word(yes), "{yes}");
        }
        for no in [
            "com.acme.OrderTest",
            "unit",
            "tests/unit/test_price.py",
            "SPLIT",
            "edit",
            "github.com/acme/orders/internal/store",
        ] {
            assert!(!integration_word(no), "{no}");
        }
    }
}
