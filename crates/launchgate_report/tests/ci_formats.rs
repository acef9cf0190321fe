//! JUnit XML (read back with quick-junit's reader), GitHub workflow commands and GitLab Code
//! Quality, on real reviews of the examples.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use launchgate_core::{Finding, Location, Status};
use launchgate_report::github::{escape_data, escape_property};
use launchgate_report::{CiOptions, Review, render_github, render_gitlab, render_junit};
use quick_junit::{Report, TestCaseStatus};
use serde_json::{Value, json};

use common::{EXAMPLES, review, waived_payment_service};

fn prefixed(prefix: &str) -> CiOptions {
    CiOptions {
        custom_rules: Vec::new(),
        exit_code: 0,
        path_prefix: prefix.to_string(),
        ..CiOptions::default()
    }
}

fn junit(r: &Review) -> Report {
    let xml = render_junit(r, &CiOptions::default()).unwrap();
    Report::deserialize_from_str(&xml).unwrap()
}

/// Per suite: (name, tests, failures, skipped, errors), counted from the parsed test cases.
fn suite_counts(report: &Report) -> Vec<(String, usize, usize, usize, usize)> {
    report
        .test_suites
        .iter()
        .map(|s| {
            let count = |pred: fn(&TestCaseStatus) -> bool| {
                s.test_cases.iter().filter(|c| pred(&c.status)).count()
            };
            let failures = count(|st| matches!(st, TestCaseStatus::NonSuccess { .. }));
            let skipped = count(|st| matches!(st, TestCaseStatus::Skipped { .. }));
            assert_eq!(s.tests, s.test_cases.len());
            assert_eq!((s.failures, s.skipped, s.errors), (failures, skipped, 0));
            (
                s.name.as_str().to_string(),
                s.tests,
                s.failures,
                s.skipped,
                s.errors,
            )
        })
        .collect()
}

#[test]
fn junit_suites_count_what_the_review_counts() {
    let mut reviews: Vec<Review> = EXAMPLES.iter().map(|n| review(n)).collect();
    reviews.push(waived_payment_service());
    for r in &reviews {
        let report = junit(r);
        let want: Vec<(String, usize, usize, usize, usize)> = r
            .categories
            .iter()
            .map(|c| {
                (
                    c.title.clone(),
                    c.pass + c.warn + c.fail + c.skip + c.waived,
                    c.fail,
                    c.skip + c.waived,
                    0,
                )
            })
            .collect();
        assert_eq!(suite_counts(&report), want, "{}", r.service);
        assert_eq!(report.tests, r.counts.total);
        assert_eq!(report.failures, r.counts.fail);
        // `<testsuites>` carries no `skipped` (junit-10.xsd refuses it); the suites do.
        assert_eq!(report.skipped, 0);
        let skipped: usize = report.test_suites.iter().map(|s| s.skipped).sum();
        assert_eq!(skipped, r.counts.skip + r.counts.waived);
        assert_eq!(report.errors, 0);
        assert_eq!(
            report.name.as_ref().unwrap().as_str(),
            format!("launchgate {}", r.service)
        );
    }
    // The numbers themselves, for one example, so a wrong model cannot hide a wrong count.
    let report = junit(&review("all-false"));
    let skipped: usize = report.test_suites.iter().map(|s| s.skipped).sum();
    assert_eq!((report.tests, report.failures, skipped), (77, 64, 10));
}

#[test]
fn junit_cases_show_failures_warnings_and_waivers() {
    let report = junit(&waived_payment_service());
    let case = |name: &str| {
        report
            .test_suites
            .iter()
            .flat_map(|s| &s.test_cases)
            .find(|c| c.name.as_str() == name)
            .unwrap()
            .clone()
    };
    let cap007 = case("CAP-007 load-tested");
    assert_eq!(cap007.classname.as_ref().unwrap().as_str(), "capacity");
    match &cap007.status {
        TestCaseStatus::NonSuccess {
            message,
            ty,
            description,
            ..
        } => {
            assert_eq!(
                message.as_ref().unwrap().as_str(),
                "the last load test was 2026-06-02, 173 days before 2026-11-22; the policy allows at most 90 days"
            );
            assert_eq!(ty.as_ref().unwrap().as_str(), "FAIL major");
            assert_eq!(
                description.as_ref().unwrap().as_str(),
                "launchgate.yaml:116:5\nHow to fix: Run a load test (k6, Locust, Gatling, JMeter, vegeta) against a production-like\nenvironment at the target rate, with latency and error-rate thresholds, and record the\nresult: `claims: {load_test: {tool: k6, date: 2026-10-30, peak_rps: 120, achieved_rps: 1300,\npassed: true}}`. Declare `target_rps` when the target is not a multiple of today's peak\n(for example a launch forecast)."
            );
        }
        other => panic!("CAP-007 is not a failure: {other:?}"),
    }
    // WARN passes, with the warning in system-out (no properties: junit-10.xsd allows them on
    // suites only).
    let cap008 = case("CAP-008 connection-pooling");
    assert!(matches!(cap008.status, TestCaseStatus::Success { .. }));
    let out = cap008.system_out.as_ref().unwrap().as_str();
    assert!(
        out.starts_with("WARN: attested only: declared: datastore connections are pooled"),
        "{out}"
    );
    assert!(
        out.contains("\nlaunchgate.yaml:117:3\n    see launchgate.yaml:23:5\n"),
        "{out}"
    );
    assert!(cap008.properties.is_empty());
    // WAIVED is skipped with the waiver.
    let inc006 = case("INC-006 oncall-trained");
    match &inc006.status {
        TestCaseStatus::Skipped {
            message,
            ty,
            description,
        } => {
            assert_eq!(
                message.as_ref().unwrap().as_str(),
                "WAIVED (accepted-risk, until 2026-12-31, approved by sre-lead@example.com, ticket OPS-1234): training booked for 2026-12-03, see ticket"
            );
            assert_eq!(ty.as_ref().unwrap().as_str(), "WAIVED");
            assert!(
                description
                    .as_ref()
                    .unwrap()
                    .as_str()
                    .starts_with("FAIL before the waiver: declared missing")
            );
        }
        other => panic!("INC-006 is not skipped: {other:?}"),
    }
    let pass = case("CAP-001 resource-limits");
    assert!(matches!(pass.status, TestCaseStatus::Success { .. }));
    assert!(pass.system_out.is_none());
}

/// JUnit failures carry the check's "How to fix" and link to its page only when a docs URL is
/// configured (`--docs-url`): no dead links.
#[test]
fn junit_links_only_with_a_docs_url() {
    let r = review("all-false");
    let plain = render_junit(&r, &CiOptions::default()).unwrap();
    assert!(!plain.contains("example.invalid") && !plain.contains("More: "));
    let linked = CiOptions {
        custom_rules: Vec::new(),
        docs_url: Some("https://git.example.com/lg/blob/v1/docs/checks/".into()),
        ..CiOptions::default()
    };
    let text = render_junit(&r, &linked).unwrap();
    assert!(
        text.contains("More: https://git.example.com/lg/blob/v1/docs/checks/CAP-001.md#cap-001-resource-limits"),
        "{text}"
    );
}

#[test]
fn junit_is_deterministic() {
    let r = review("task-queue");
    let a = render_junit(&r, &CiOptions::default()).unwrap();
    assert_eq!(a, render_junit(&r, &CiOptions::default()).unwrap());
    assert!(!a.contains("timestamp=") && !a.contains("time="));
}

#[test]
fn github_annotations_for_payment_service() {
    let out = render_github(
        &review("payment-service"),
        &prefixed("examples/payment-service/"),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 10);
    assert_eq!(
        lines[0],
        "::error file=examples/payment-service/launchgate.yaml,line=116,col=5,title=CAP-007 load-tested::the last load test was 2026-06-02, 173 days before 2026-11-22; the policy allows at most 90 days"
    );
    // A warning names its place and its check (`%` escaping is tested below).
    assert_eq!(
        lines[4],
        "::warning file=examples/payment-service/launchgate.yaml,line=14,col=1,title=SAF-001 dependency-timeouts::attested only: request timeout 3000 ms fits the caller's 5000 ms (+5 more); tier 0 requires repository evidence (policy default)"
    );
    let errors = lines.iter().filter(|l| l.starts_with("::error ")).count();
    let warnings = lines.iter().filter(|l| l.starts_with("::warning ")).count();
    assert_eq!((errors, warnings), (4, 5));
    assert_eq!(
        lines[9],
        "launchgate: payment-service is CONDITIONAL_GO (score 91.6%, pass rate 88%): 4 FAIL, 5 WARN, 0 WAIVED, 0 SKIP of 77 checks"
    );
}

#[test]
fn github_waivers_are_notices_and_everything_is_escaped() {
    let mut r = waived_payment_service();
    let cap = r.checks.iter_mut().find(|c| c.id == "CAP-007").unwrap();
    cap.findings = vec![
        Finding::new("100% broken\nsecond line").at(Some(Location::new("a,b:c.yaml", 3, 0))),
        Finding::new("nowhere"),
    ];
    let out = render_github(&r, &CiOptions::default());
    let lines: Vec<&str> = out.lines().collect();
    // A newline in text from the repository is shown as `\n` in every human format (the safe
    // text pass), before GitHub's own escaping, which still covers `%`, `:` and `,`.
    assert_eq!(
        lines[0],
        "::error file=a%2Cb%3Ac.yaml,line=3,title=CAP-007 load-tested::100%25 broken\\nsecond line"
    );
    assert_eq!(
        lines[1],
        "::error file=launchgate.yaml,title=CAP-007 load-tested::nowhere"
    );
    let notices: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("::notice "))
        .collect();
    assert_eq!(
        notices,
        [
            &"::notice file=launchgate.yaml,line=90,col=5,title=INC-006 oncall-trained (waived)::declared missing: the on-call team is not trained on this service (`claims.oncall.trained: false`) [waived until 2026-12-31 (accepted-risk): training booked for 2026-12-03, see ticket]",
            &"::notice file=launchgate.yaml,line=14,col=1,title=SAF-001 dependency-timeouts (waived)::attested only: request timeout 3000 ms fits the caller's 5000 ms (+5 more); tier 0 requires repository evidence (policy default) [waived until 2027-01-15 (compensating-control): gateway enforces a 2s timeout]",
        ]
    );
    assert!(
        lines
            .last()
            .unwrap()
            .ends_with("3 FAIL, 4 WARN, 2 WAIVED, 0 SKIP of 77 checks")
    );
    assert_eq!(escape_data("a\r\nb%"), "a%0D%0Ab%25");
    assert_eq!(escape_property("x: y, z"), "x%3A y%2C z");
}

#[test]
fn github_passing_review_is_one_summary_line() {
    let out = render_github(&review("internal-dashboard"), &CiOptions::default());
    assert_eq!(
        out,
        "launchgate: analytics-dashboard is GO (score 100%, pass rate 100%): 0 FAIL, 0 WARN, 0 WAIVED, 49 SKIP of 77 checks\n"
    );
}

#[test]
fn gitlab_code_quality_issues() {
    let r = waived_payment_service();
    let opts = prefixed("examples/payment-service");
    let issues: Value = serde_json::from_str(&render_gitlab(&r, &opts)).unwrap();
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), 9);
    assert_eq!(
        issues[0],
        json!({
            "description": "CAP-007 load-tested: the last load test was 2026-06-02, 173 days before 2026-11-22; the policy allows at most 90 days",
            "check_name": "CAP-007",
            "fingerprint": issues[0]["fingerprint"],
            "severity": "critical",
            "location": {"path": "examples/payment-service/launchgate.yaml", "lines": {"begin": 116}}
        })
    );
    let severities: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap(),
                i["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        severities,
        [
            ("CAP-007", "critical"),
            ("CAP-008", "minor"),
            ("DAT-007", "minor"),
            ("INC-006", "info"),
            ("SAF-001", "info"),
            ("SAF-002", "critical"),
            ("SAF-007", "minor"),
            ("SAF-009", "major"),
            ("SEC-012", "minor"),
        ]
    );
    assert!(issues[3]["description"].as_str().unwrap().ends_with(
        "[WAIVED until 2026-12-31 (accepted-risk): training booked for 2026-12-03, see ticket]"
    ));
    // The same fingerprints as SARIF's partialFingerprints.
    let sarif: Value = serde_json::from_str(&launchgate_report::render_sarif(&r, &opts)).unwrap();
    let sarif_prints: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|res| &res["partialFingerprints"]["launchgate/v1"])
        .collect();
    let prints: Vec<&Value> = issues.iter().map(|i| &i["fingerprint"]).collect();
    assert_eq!(prints, sarif_prints);
}

#[test]
fn gitlab_blocking_failures_are_blockers_and_unlocated_ones_point_at_the_manifest() {
    let r = review("all-false");
    let issues: Value = serde_json::from_str(&render_gitlab(&r, &CiOptions::default())).unwrap();
    let issues = issues.as_array().unwrap();
    let blocking: Vec<&str> = r
        .checks
        .iter()
        .filter(|c| c.blocking && c.status == Status::Fail)
        .map(|c| c.id.as_str())
        .collect();
    assert!(!blocking.is_empty());
    for i in issues {
        let id = i["check_name"].as_str().unwrap();
        if blocking.contains(&id) {
            assert_eq!(i["severity"], "blocker", "{id}");
        }
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    let cap001 = issues
        .iter()
        .find(|i| i["check_name"] == "CAP-001")
        .unwrap();
    assert_eq!(
        cap001["location"],
        json!({"path": "launchgate.yaml", "lines": {"begin": 1}})
    );
    assert!(
        render_gitlab(&review("internal-dashboard"), &CiOptions::default()) == "[]\n",
        "a GO review with nothing to report is an empty array"
    );
}
