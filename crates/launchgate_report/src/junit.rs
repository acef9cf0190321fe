//! JUnit XML (`--format junit`) for CI test report views (GitLab `artifacts: reports: junit`,
//! Jenkins, Azure DevOps): one `<testsuite>` per category, one `<testcase>` per check.
//!
//! - PASS: a passing test case.
//! - FAIL: `<failure>` with the check's message and, in its body, every finding with its
//!   location and the check's "How to fix" (plus a link to its page when `--docs-url` is set).
//! - SKIP: `<skipped>` with the reason the check does not apply.
//! - WAIVED: `<skipped>` with the waiver (kind, expiry, reason); the body keeps the findings.
//! - WARN: a **passing** test case whose `<system-out>` starts with `WARN:` and lists the
//!   findings. A WARN is a recommendation that does not fail the gate on its own; as a
//!   `<failure>` GitLab would show the pipeline's tests as failed and Jenkins would mark the
//!   build UNSTABLE while launchgate exits 0. (No `<properties>` in the test case: the strict
//!   Jenkins xunit `junit-10.xsd` allows them only on `<testsuite>`.)
//!
//! The output passes that XSD: the `skipped` count quick-junit writes on `<testsuites>` (which the
//! XSD does not allow there) is left out; each `<testsuite>` keeps its own.

use std::fmt::Write as _;

use launchgate_core::Status;
use launchgate_policy::CheckResult;
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use crate::Review;
use crate::sarif::{CiOptions, check_docs_url, how_to_fix, sites};

/// Why the JUnit report could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the JUnit report: {0}")]
pub struct JunitError(#[from] quick_junit::SerializeError);

/// The findings of a check, one per line: `path:line:col: message (resource)`; the message is
/// left out where it is the check's own (already in the failure message).
fn sites_text(review: &Review, c: &CheckResult, opts: &CiOptions) -> String {
    let mut out = String::new();
    for s in sites(c) {
        let place = match s.location {
            Some(l) if l.line > 0 => format!("{}:{}:{}", opts.path(&l.path), l.line, l.column),
            Some(l) => opts.path(&l.path),
            None => opts.path(&review.manifest),
        };
        if s.message == c.message {
            out.push_str(&place);
        } else {
            let _ = write!(out, "{place}: {}", s.message);
        }
        if let Some(r) = s.resource {
            let _ = write!(out, " ({r})");
        }
        out.push('\n');
        for r in s.related {
            let _ = writeln!(
                out,
                "    see {}:{}:{}",
                opts.path(&r.path),
                r.line,
                r.column
            );
        }
    }
    out
}

fn test_case(review: &Review, c: &CheckResult, opts: &CiOptions) -> TestCase {
    let mut how = how_to_fix(&c.id)
        .map(|fix| format!("How to fix: {}\n", fix.trim()))
        .unwrap_or_default();
    if let Some(base) = &opts.docs_url {
        let _ = writeln!(how, "More: {}", check_docs_url(base, &c.id, &c.slug));
    }
    let status = match c.status {
        Status::Fail => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(c.message.as_str())
                .set_type(format!("FAIL {}", c.severity.key()))
                .set_description(format!("{}{how}", sites_text(review, c, opts)));
            s
        }
        Status::Skip => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(c.message.as_str()).set_type("SKIP");
            s
        }
        Status::Waived => {
            let mut s = TestCaseStatus::skipped();
            let message = match &c.waiver {
                Some(w) => format!(
                    "WAIVED ({}, until {}{}{}): {}",
                    w.kind,
                    w.expires,
                    w.approved_by
                        .as_deref()
                        .map(|a| format!(", approved by {a}"))
                        .unwrap_or_default(),
                    w.ticket
                        .as_deref()
                        .map(|t| format!(", ticket {t}"))
                        .unwrap_or_default(),
                    w.reason
                ),
                None => format!("WAIVED: {}", c.message),
            };
            let original = c
                .waiver
                .as_ref()
                .map_or("FAIL", |w| w.original_status.label());
            s.set_message(message)
                .set_type("WAIVED")
                .set_description(format!(
                    "{original} before the waiver: {}\n{}",
                    c.message,
                    sites_text(review, c, opts)
                ));
            s
        }
        Status::Pass | Status::Warn => TestCaseStatus::success(),
    };
    let mut tc = TestCase::new(format!("{} {}", c.id, c.slug), status);
    tc.set_classname(c.category.key());
    if c.status == Status::Warn {
        tc.set_system_out(format!(
            "WARN: {}\n{}{how}",
            c.message,
            sites_text(review, c, opts)
        ));
    }
    tc
}

/// The review as JUnit XML. Deterministic: no timestamps or durations.
pub fn render_junit(review: &Review, opts: &CiOptions) -> Result<String, JunitError> {
    let review = &*crate::safe::for_people(review);
    let mut report = Report::new(format!("launchgate {}", review.service));
    for (i, cat) in review.categories.iter().enumerate() {
        let mut suite = TestSuite::new(cat.title.as_str());
        suite.add_property(Property::new("launchgate.category", cat.category.key()));
        if i == 0 {
            scope_properties(review, opts, &mut suite);
        }
        suite.add_test_cases(
            review
                .checks
                .iter()
                .filter(|c| c.category == cat.category)
                .map(|c| test_case(review, c, opts)),
        );
        report.add_test_suite(suite);
    }
    Ok(without_root_skipped(&report.to_string()?))
}

/// What the review left out and what it chose, as properties of the first suite (the XSD
/// allows properties on `<testsuite>` only): `launchgate.excluded` = `path (N files, rule)`,
/// `launchgate.choice` = `subject: chosen (why)`.
fn scope_properties(review: &Review, opts: &CiOptions, suite: &mut TestSuite) {
    let Some(scan) = &review.scan else {
        return;
    };
    for c in &scan.choices {
        suite.add_property(Property::new(
            "launchgate.choice",
            format!("{}: {} ({})", c.subject, c.chosen, c.why),
        ));
    }
    for e in &scan.excluded {
        suite.add_property(Property::new(
            "launchgate.excluded",
            format!(
                "{} ({} file{}, {})",
                opts.path(&e.path),
                e.files,
                if e.files == 1 { "" } else { "s" },
                e.rule
            ),
        ));
    }
}

/// `xml` without the `skipped="N"` attribute of its `<testsuites>` element.
fn without_root_skipped(xml: &str) -> String {
    let Some(start) = xml.find("<testsuites") else {
        return xml.to_string();
    };
    let end = xml[start..].find('>').map_or(xml.len(), |e| start + e);
    let Some(attr) = xml[start..end].find(" skipped=\"").map(|a| start + a) else {
        return xml.to_string();
    };
    let value_end = xml[attr + 10..end]
        .find('"')
        .map_or(end, |q| attr + 10 + q + 1);
    format!("{}{}", &xml[..attr], &xml[value_end..])
}
